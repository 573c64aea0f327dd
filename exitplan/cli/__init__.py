"""The ``exitplan`` command line: the only place that prints errors and picks exit codes.

One module per command or group of related commands (as pip-tools keeps one per
command); this module builds the group and turns errors into messages. Exit codes
(DESIGN.md §7): 0 success; 1 a check found what ``--fail-on`` asked to fail on; 2 bad
input, bad usage or an unreachable backend; 130 interrupted. Requested output goes to
stdout, messages to stderr, so output can be piped.
"""

from __future__ import annotations

from typing import Any

import click

from exitplan import __version__
from exitplan.cli.check import check_command
from exitplan.cli.diagram import diagram_command
from exitplan.cli.load import load_command
from exitplan.cli.register import register_command
from exitplan.cli.report import report_command
from exitplan.cli.scenarios import compare_command, run_command
from exitplan.cli.schema import schema_command
from exitplan.cli.show import show_command
from exitplan.cli.simulate import simulate_command, what_breaks_if_command, why_command
from exitplan.cli.validate import validate_command
from exitplan.errors import ExitplanError, printable

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
            for line in details:  # names and values read from files: shown, never obeyed
                click.echo(printable(line), err=True)
            click.echo(f"exitplan: {printable(summary)}", err=True)
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
                f"exitplan: internal error: {type(error).__name__}: {printable(str(error))[:300]}\n"
                "This is a bug in exitplan; run again with --debug and report the traceback.",
                err=True,
            )
            ctx.exit(INTERNAL_ERROR)


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


for _command in (
    validate_command,
    show_command,
    simulate_command,
    why_command,
    what_breaks_if_command,
    check_command,
    register_command,
    report_command,
    run_command,
    compare_command,
    diagram_command,
    load_command,
    schema_command,
):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="exitplan")
