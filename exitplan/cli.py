"""The ``exitplan`` command line: the only place that prints errors and picks exit codes.

Exit codes (DESIGN.md §7): 0 success; 1 a check found what ``--fail-on`` asked to fail
on; 2 bad input, bad usage or an unreachable backend. Requested output goes to stdout,
messages to stderr, so output can be piped.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import click

from exitplan import __version__
from exitplan.errors import ExitplanError
from exitplan.graph import EmbeddedGraph, GraphBackend, Label
from exitplan.graph.describe import describe_estate, describe_node
from exitplan.loading import estate_files, load_estate
from exitplan.model import NodeId
from exitplan.render.json import dump_estate_json, dump_json, dump_node_json
from exitplan.render.schema import estate_file_schema
from exitplan.render.table import DEFAULT_WIDTH, dump_estate_table, dump_node_table

INTERNAL_ERROR = 3


class _ExitplanGroup(click.Group):
    """Turns every ``ExitplanError`` into one readable message and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ExitplanError as error:
            if ctx.params.get("debug"):
                raise
            # Problems come as compiler-style "file:line: ..." lines, then one summary.
            *details, summary = str(error).splitlines() or [""]
            for line in details:
                click.echo(line, err=True)
            click.echo(f"exitplan: {summary}", err=True)
            ctx.exit(error.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("exitplan: interrupted", err=True)
            ctx.exit(130)
        except Exception as error:
            if ctx.params.get("debug"):
                raise
            click.echo(
                f"exitplan: internal error: {type(error).__name__}: {error}\n"
                "This is a bug in exitplan; run again with --debug and report the traceback.",
                err=True,
            )
            ctx.exit(INTERNAL_ERROR)


def _width() -> int:
    """The terminal's width when printing to one, else a fixed width so output is stable."""
    if sys.stdout.isatty():
        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return DEFAULT_WIDTH


ESTATE_PATH = click.argument(
    "path", type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=Path)
)
FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)


def _embedded(path: Path) -> GraphBackend:
    return EmbeddedGraph(load_estate(path))


@click.group(
    cls=_ExitplanGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="exitplan")
@click.option("--debug", is_flag=True, help="Show the Python traceback of an error.")
def cli(debug: bool) -> None:
    """Simulate leaving a vendor: what breaks and when, what can replace it, and in what
    order to migrate.

    PATH is an estate: a YAML or JSON file, or a folder of them merged into one.

    \b
    Example:
      exitplan validate graphs/gothenburg
    """
    del debug  # read from the context by _ExitplanGroup


@cli.command()
@ESTATE_PATH
def validate(path: Path) -> None:
    """Check an estate and report every problem at once, with file, line and field.

    On success, prints the counts by kind; on any problem, lists them all on stderr and
    exits with code 2.

    \b
    Example:
      exitplan validate graphs/gothenburg
    """
    files = estate_files(path)
    estate = load_estate(path)
    summary = EmbeddedGraph(estate).summary()
    noun = "file" if len(files) == 1 else "files"
    candidates = sum(1 for c in estate.components if c.lifecycle == "candidate")
    lines = [f"Estate {estate.name} is valid ({len(files)} {noun}):"]
    for label, count in summary.nodes.items():
        extra = ""
        if label is Label.COMPONENT and candidates:
            extra = f"  ({count - candidates} in use or retiring, {candidates} candidates)"
        lines.append(f"  {label.kind + 's':<16}{count:>6}{extra}")
    lines.append(f"  {'data flows':<16}{len(estate.data_flows):>6}")
    lines.append(f"  {'alternatives':<16}{len(estate.alternatives):>6}")
    lines.append(f"  {'relationships':<16}{summary.relationship_total:>6}")
    click.echo("\n".join(lines))


@cli.command()
@ESTATE_PATH
@click.argument("node_id", metavar="[ID]", required=False)
@FORMAT
def show(path: Path, node_id: str | None, output_format: str) -> None:
    """Show one node of an estate, or the whole estate when no ID is given.

    For a node: its attributes, what it depends on, what depends on it, its vendors,
    alternatives, and the data flows in and out.

    \b
    Examples:
      exitplan show graphs/gothenburg intune
      exitplan show graphs/gothenburg --format json > estate.json
    """
    backend = _embedded(path)
    if node_id is None:
        estate = describe_estate(backend)
        text = (
            dump_estate_json(estate)
            if output_format == "json"
            else dump_estate_table(estate, width=_width())
        )
    else:
        node = describe_node(backend, NodeId(node_id))
        text = (
            dump_node_json(node)
            if output_format == "json"
            else dump_node_table(node, width=_width())
        )
    click.echo(text, nl=False)


@cli.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of an estate file, for editors.

    \b
    Example:
      exitplan schema > estate.schema.json
      # then, first line of a YAML file:
      # yaml-language-server: $schema=estate.schema.json
    """
    click.echo(dump_json(estate_file_schema()), nl=False)


def main() -> None:
    cli(prog_name="exitplan")
