"""The ``exitplan`` command line: the only place that prints errors and picks exit codes.

Exit codes (DESIGN.md §7): 0 success; 1 a check found what ``--fail-on`` asked to fail
on; 2 bad input, bad usage or an unreachable backend. Requested output goes to stdout,
messages to stderr, so output can be piped.
"""

from __future__ import annotations

import functools
import shutil
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from exitplan import __version__
from exitplan.errors import ExitplanError, UsageError
from exitplan.graph import EmbeddedGraph, GraphBackend, Label
from exitplan.graph.describe import describe_estate, describe_node
from exitplan.graph.neo4j import DEFAULT_BATCH, Neo4jGraph, Neo4jSettings
from exitplan.loading import estate_files, load_estate
from exitplan.model import Lifecycle, NodeId
from exitplan.render import rows
from exitplan.render.csv import dump_section_csv, dump_simulation_csv
from exitplan.render.files import DIAGRAM_SUFFIXES, diagram_bytes, write_output
from exitplan.render.json import (
    dump_check_json,
    dump_compare_json,
    dump_estate_json,
    dump_json,
    dump_node_json,
    dump_register_json,
    dump_simulation_json,
    dump_why_json,
)
from exitplan.render.markdown import dump_sections_markdown
from exitplan.render.report import dump_report_html, dump_report_markdown
from exitplan.render.schema import estate_file_schema
from exitplan.render.table import (
    DEFAULT_WIDTH,
    dump_estate_table,
    dump_node_table,
    dump_sections_table,
)
from exitplan.scenario import load_scenario, run_scenario
from exitplan.select import Mode
from exitplan.simulate import Options, explain, simulate
from exitplan.simulate.policy import RULES, Severity
from exitplan.simulate.policy import check as run_checks
from exitplan.simulate.register import register_rows
from exitplan.simulate.result import Simulation
from exitplan.simulate.strategy import exit_strategy
from exitplan.simulate.views import Diagram, GroupBy, View, estate_view, impact_view, plan_view

INTERNAL_ERROR = 3
PLURAL = {
    Label.VENDOR: "vendors",
    Label.COMPONENT: "components",
    Label.SERVICE: "services",
    Label.CAPABILITY: "capabilities",
    Label.ORGANISATION: "organisations",
}


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


FORMATS = click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "markdown", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
WITHDRAW = click.option(
    "--withdraw",
    "-w",
    "selectors",
    multiple=True,
    required=True,
    metavar="SELECTOR",
    help="What is withdrawn: vendor:ID, component:ID, service:ID, jurisdiction:CC, "
    "exposure:LAW or tag:NAME. Repeat for a union.",
)
MODE = click.option(
    "--mode",
    type=click.Choice([m.value for m in Mode]),
    default=Mode.CUT_OFF.value,
    show_default=True,
    help="cut-off: the vendor stops serving us (what it operates goes at once); "
    "exit: we leave, so every component of the vendor must be replaced.",
)
HORIZON = click.option(
    "--horizon",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Report only what breaks or degrades within this many days.",
)
START = click.option(
    "--start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Day 0 of the withdrawal, for renewal dates (default: the estate's as_of).",
)


def _embedded(path: Path) -> GraphBackend:
    return EmbeddedGraph(load_estate(path))


@dataclass(frozen=True)
class Source:
    """Where a query command reads its estate: files (embedded) or a Neo4j database."""

    path: Path | None
    backend: str
    estate: str | None
    uri: str | None
    user: str | None

    def open(self, path: Path | None = None) -> GraphBackend:
        path = path or self.path
        if self.backend == "embedded":
            if path is None:
                raise UsageError("give the estate's PATH (a file or folder), or --backend neo4j")
            return _embedded(path)
        name = self.estate or (load_estate(path).name if path is not None else None)
        if name is None:
            raise UsageError("with --backend neo4j, name the estate: --estate NAME")
        settings = Neo4jSettings.from_environment(self.uri, self.user, password=_prompt_password)
        graph = Neo4jGraph(settings, name)
        click.get_current_context().call_on_close(graph.close)
        return graph


def _prompt_password() -> str:
    if not sys.stdin.isatty():
        return ""
    return str(click.prompt("Neo4j password", hide_input=True, err=True))


NEO4J_USER = click.option(
    "--neo4j-user",
    metavar="USER",
    help="Neo4j user (default: $NEO4J_USER, else neo4j). The password comes from "
    "$NEO4J_PASSWORD or a prompt, never from the command line.",
)
NEO4J_URI = click.option("--neo4j-uri", metavar="URI", help="Neo4j Bolt URI (default: $NEO4J_URI).")


def _backend_options(function: Callable[..., Any]) -> Callable[..., Any]:
    for option in (
        NEO4J_USER,
        NEO4J_URI,
        click.option("--estate", metavar="NAME", help="The estate's name in the database."),
        click.option(
            "--backend",
            type=click.Choice(["embedded", "neo4j"]),
            default="embedded",
            show_default=True,
            help="embedded: read PATH; neo4j: read the estate loaded with 'exitplan load'.",
        ),
    ):
        function = option(function)
    return function


def estate_source(*, shifts: str | None = None) -> Callable[[Callable[..., Any]], Any]:
    """Adds ``[PATH]`` and the backend options, and passes them on as ``source``.

    With ``--backend neo4j`` the PATH may be left out; then the first positional belongs
    to the argument named by ``shifts`` (``show --backend neo4j --estate E intune``).
    """

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(
            *args: Any,
            path: Path | None,
            backend: str,
            estate: str | None,
            neo4j_uri: str | None,
            neo4j_user: str | None,
            **kwargs: Any,
        ) -> Any:
            if backend == "neo4j" and shifts and kwargs.get(shifts) is None and path is not None:
                kwargs[shifts], path = str(path), None
            source = Source(path, backend, estate, neo4j_uri, neo4j_user)
            return function(*args, source=source, **kwargs)

        decorated = _backend_options(wrapper)
        return click.argument(
            "path", required=False, type=click.Path(path_type=Path), metavar="[PATH]"
        )(decorated)

    return decorate


def _diagram_file(
    ctx: click.Context, parameter: click.Parameter, value: Path | None
) -> Path | None:
    """Refuse an unknown picture format before any work starts."""
    del ctx, parameter
    if value is not None and value.suffix not in DIAGRAM_SUFFIXES:
        raise click.BadParameter(
            f"the suffix picks the format: {', '.join(DIAGRAM_SUFFIXES)} (got {value.name!r})"
        )
    return value


DIAGRAM_OPTION = click.option(
    "--diagram",
    "diagram_file",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_diagram_file,
    help="Also draw the impact view to this file (.dot, .svg, .png or .pdf).",
)


def _write_diagram(diagram: Diagram, path: Path) -> None:
    write_output(path, diagram_bytes(diagram, path.suffix))
    click.echo(f"exitplan: wrote {path}", err=True)


def _options(mode: str, horizon: int | None, start: Any) -> Options:
    return Options(mode=Mode(mode), horizon=horizon, start=start.date() if start else None)


def _render_simulation(simulation: Simulation, output_format: str) -> str:
    if output_format == "json":
        return dump_simulation_json(simulation)
    if output_format == "csv":
        return dump_simulation_csv(simulation)
    lines = rows.headline(simulation)
    sections = rows.simulation_sections(simulation)
    if output_format == "markdown":
        title = simulation.scenario_title or f"Withdrawing {', '.join(simulation.selectors)}"
        return dump_sections_markdown(title, lines, sections)
    return dump_sections_table(lines, sections, width=_width())


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
    lifecycles = Counter(component.lifecycle for component in estate.components)
    candidates, retired = lifecycles[Lifecycle.CANDIDATE], lifecycles[Lifecycle.RETIRED]
    lines = [f"Estate {estate.name} is valid ({len(files)} {noun}):"]
    for label, count in summary.nodes.items():
        extra = ""
        if label is Label.COMPONENT and (candidates or retired):
            parts = [f"{count - candidates - retired} in use", f"{candidates} candidates"]
            parts += [f"{retired} retired"] if retired else []
            extra = f"  ({', '.join(parts)})"
        lines.append(f"  {PLURAL[label]:<16}{count:>6}{extra}")
    lines.append(f"  {'data flows':<16}{len(estate.data_flows):>6}")
    lines.append(f"  {'alternatives':<16}{len(estate.alternatives):>6}")
    lines.append(f"  {'relationships':<16}{summary.relationship_total:>6}")
    click.echo("\n".join(lines))


@cli.command()
@estate_source(shifts="node_id")
@click.argument("node_id", metavar="[ID]", required=False)
@FORMAT
def show(source: Source, node_id: str | None, output_format: str) -> None:
    """Show one node of an estate, or the whole estate when no ID is given.

    For a node: its attributes, what it depends on, what depends on it, its vendors,
    alternatives, and the data flows in and out.

    \b
    Examples:
      exitplan show graphs/gothenburg intune
      exitplan show graphs/gothenburg --format json > estate.json
    """
    backend = source.open()
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


@cli.command(name="simulate")
@estate_source()
@WITHDRAW
@MODE
@HORIZON
@START
@FORMATS
@DIAGRAM_OPTION
def simulate_command(
    source: Source,
    selectors: tuple[str, ...],
    mode: str,
    horizon: int | None,
    start: Any,
    output_format: str,
    diagram_file: Path | None,
) -> None:
    """Withdraw a vendor, component or jurisdiction and show what breaks and when, what
    can replace it, and the migration plan in waves.

    \b
    Examples:
      exitplan simulate graphs/gothenburg --withdraw vendor:microsoft
      exitplan simulate graphs/gothenburg -w component:intune --horizon 365
      exitplan simulate graphs/gothenburg -w jurisdiction:US --mode exit --format json
    """
    backend = source.open()
    simulation = simulate(backend, selectors, _options(mode, horizon, start))
    if diagram_file is not None:
        _write_diagram(impact_view(backend, simulation), diagram_file)
    click.echo(_render_simulation(simulation, output_format), nl=False)


@cli.command()
@estate_source(shifts="node_id")
@click.argument("node_id", metavar="NODE", required=False)
@WITHDRAW
@MODE
@START
@FORMATS
def why(
    source: Source,
    node_id: str,
    selectors: tuple[str, ...],
    mode: str,
    start: Any,
    output_format: str,
) -> None:
    """Every chain of dependencies by which a withdrawal reaches NODE, earliest first.

    \b
    Example:
      exitplan why graphs/gothenburg it-arbetsplats --withdraw component:intune
    """
    if node_id is None:
        raise UsageError("name the NODE to explain, e.g. exitplan why PATH it-arbetsplats -w ...")
    explanation = explain(source.open(), selectors, NodeId(node_id), _options(mode, None, start))
    simulation, found, truncated = explanation.simulation, explanation.chains, explanation.truncated
    if output_format == "json":
        text = dump_why_json(simulation, node_id, found, truncated)
    else:
        section = rows.why(simulation, node_id, found, truncated)
        if output_format == "csv":
            text = dump_section_csv(section)
        elif output_format == "markdown":
            text = dump_sections_markdown(section.title, [], [section])
        else:
            text = dump_sections_table([], [section], width=_width())
    click.echo(text, nl=False)


@cli.command(name="what-breaks-if")
@estate_source(shifts="node_id")
@click.argument("node_id", metavar="NODE", required=False)
@MODE
@HORIZON
@START
@FORMATS
def what_breaks_if(
    source: Source,
    node_id: str,
    mode: str,
    horizon: int | None,
    start: Any,
    output_format: str,
) -> None:
    """Withdraw one node (a component, service or vendor) and show what breaks.

    \b
    Examples:
      exitplan what-breaks-if graphs/gothenburg entra-id
      exitplan what-breaks-if graphs/gothenburg microsoft-ireland --format json
    """
    if node_id is None:
        raise UsageError("name the NODE to withdraw, e.g. exitplan what-breaks-if PATH entra-id")
    backend = source.open()
    node = backend.node(NodeId(node_id))
    kinds = {Label.COMPONENT: "component", Label.SERVICE: "service", Label.VENDOR: "vendor"}
    if node.label not in kinds:
        raise UsageError(
            f"{node_id!r} is a {node.label.kind}; what-breaks-if takes a component, "
            "service or vendor"
        )
    selector = f"{kinds[node.label]}:{node_id}"
    simulation = simulate(backend, [selector], _options(mode, horizon, start))
    click.echo(_render_simulation(simulation, output_format), nl=False)


@cli.command()
@estate_source()
@click.option(
    "--rule",
    "rules",
    multiple=True,
    type=click.Choice(list(RULES)),
    help="Run only this rule (repeat for several; default: all).",
)
@FORMATS
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    help="Exit 1 when a finding of this severity (or worse) exists; for CI.",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day the check is made, for ages and dates (default: the estate's as_of).",
)
def check(
    source: Source,
    rules: tuple[str, ...],
    output_format: str,
    fail_on: str | None,
    as_of: Any,
) -> None:
    """Check the estate against the policies: personal data leaving the EU/EEA and its
    transfer basis, secret data within reach of foreign disclosure laws, exit readiness,
    concentration on one vendor, and components being phased out.

    \b
    Examples:
      exitplan check graphs/gothenburg
      exitplan check graphs/gothenburg --rule third-country-transfer --format markdown
      exitplan check graphs/gothenburg --fail-on error   # exit 1 if an error is found
    """
    result = run_checks(source.open(), rules, as_of=as_of.date() if as_of else None)
    if output_format == "json":
        text = dump_check_json(result)
    elif output_format == "csv":
        text = dump_section_csv(rows.findings(result))
    elif output_format == "markdown":
        text = dump_sections_markdown(
            f"Policy check of {result.estate}", rows.check_headline(result), [rows.findings(result)]
        )
    else:
        text = dump_sections_table(
            rows.check_headline(result), [rows.findings_for_terminal(result)], width=_width()
        )
    click.echo(text, nl=False)
    if fail_on is not None and result.fails(Severity(fail_on)):
        raise SystemExit(1)


@cli.command()
@estate_source()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "json", "markdown"]),
    default="csv",
    show_default=True,
    help="Output format (CSV opens in a spreadsheet).",
)
def register(source: Source, output_format: str) -> None:
    """The register of third-party components in the vocabulary of the EU DORA register
    of information: provider, ultimate parent and its country, where the data are stored
    and processed, the services and users that depend on each component, and its
    substitutability, computed by simulating the component's withdrawal.

    \b
    Examples:
      exitplan register graphs/gothenburg > register.csv
      exitplan register graphs/gothenburg --format markdown
    """
    backend = source.open()
    entries = register_rows(backend)
    if output_format == "json":
        text = dump_register_json(backend.info.name, entries)
    elif output_format == "markdown":
        section = rows.register(entries)
        text = dump_sections_markdown(f"Register of {backend.info.name}", [], [section])
    else:
        text = dump_section_csv(rows.register(entries))
    click.echo(text, nl=False)


def _report_file(ctx: click.Context, parameter: click.Parameter, value: Path) -> Path:
    """Refuse an unknown document format before any work starts."""
    del ctx, parameter
    if value.suffix not in (".md", ".html"):
        raise click.BadParameter(f"the suffix picks the format: .md or .html (got {value.name!r})")
    return value


@cli.command()
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_report_file,
    help="The document to write: .md (Markdown) or .html (one file, diagrams inline).",
)
@_backend_options
def report(
    scenario: Path,
    output: Path,
    backend: str,
    estate: str | None,
    neo4j_uri: str | None,
    neo4j_user: str | None,
) -> None:
    """Write the exit-strategy document for a scenario: summary, scope and assumptions,
    affected services, data flows and their legal findings, alternatives (and the missing
    ones), the migration plan, policy findings and the register rows of what is withdrawn.

    \b
    Examples:
      exitplan report scenarios/leave-microsoft.yaml -o exit-strategy.md
      exitplan report scenarios/leave-microsoft.yaml -o exit-strategy.html
    """
    loaded = load_scenario(scenario)
    source = Source(None, backend, estate, neo4j_uri, neo4j_user)
    graph = source.open(loaded.estate_path)
    simulation = run_scenario(loaded, graph)
    strategy = exit_strategy(graph, simulation, loaded.scenario.notes)
    if output.suffix == ".html":
        svgs = {
            "impact": diagram_bytes(impact_view(graph, simulation), ".svg").decode("utf-8"),
            "plan": diagram_bytes(plan_view(graph, simulation), ".svg").decode("utf-8"),
        }
        text = dump_report_html(strategy, svgs)
    else:
        text = dump_report_markdown(strategy)
    write_output(output, text.encode("utf-8"))
    click.echo(f"exitplan: wrote {output}", err=True)


@cli.command()
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_backend_options
@FORMATS
@DIAGRAM_OPTION
def run(
    scenario: Path,
    backend: str,
    estate: str | None,
    neo4j_uri: str | None,
    neo4j_user: str | None,
    output_format: str,
    diagram_file: Path | None,
) -> None:
    """Run a scenario file: its estate, what it withdraws, its horizon and preferences.

    \b
    Example:
      exitplan run scenarios/leave-microsoft.yaml --format markdown > exit.md
    """
    loaded = load_scenario(scenario)
    source = Source(None, backend, estate, neo4j_uri, neo4j_user)
    graph = source.open(loaded.estate_path)
    simulation = run_scenario(loaded, graph)
    if diagram_file is not None:
        _write_diagram(impact_view(graph, simulation), diagram_file)
    click.echo(_render_simulation(simulation, output_format), nl=False)


@cli.command()
@click.argument(
    "scenarios", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@_backend_options
@FORMATS
def compare(
    scenarios: tuple[Path, ...],
    backend: str,
    estate: str | None,
    neo4j_uri: str | None,
    neo4j_user: str | None,
    output_format: str,
) -> None:
    """Run several scenarios and set their figures side by side in one table.

    \b
    Example:
      exitplan compare scenarios/*.yaml
    """
    loaded = [load_scenario(path) for path in scenarios]
    estates: dict[Path, GraphBackend] = {}
    simulations = []
    for item in loaded:
        if item.estate_path not in estates:
            source = Source(None, backend, estate, neo4j_uri, neo4j_user)
            estates[item.estate_path] = source.open(item.estate_path)
        simulations.append(run_scenario(item, estates[item.estate_path]))
    if output_format == "json":
        text = dump_compare_json(simulations)
    else:
        section = rows.compare(simulations)
        if output_format == "csv":
            text = dump_section_csv(section)
        elif output_format == "markdown":
            titles = [f"{s.scenario_id}: {s.scenario_title}" for s in simulations]
            text = dump_sections_markdown(section.title, titles, [section])
        else:
            text = dump_sections_table([], [section], width=_width())
    click.echo(text, nl=False)


@cli.command()
@estate_source()
@click.option(
    "--withdraw",
    "-w",
    "selectors",
    multiple=True,
    metavar="SELECTOR",
    help="What is withdrawn (impact and plan views); repeat for a union.",
)
@click.option(
    "--view",
    type=click.Choice([v.value for v in View]),
    default=View.IMPACT.value,
    show_default=True,
    help="estate: everything in use; impact: what the withdrawal touches; plan: the waves.",
)
@click.option("--focus", metavar="ID", help="Keep only what is near this node.")
@click.option(
    "--depth",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="With --focus: how many dependency steps away to keep.",
)
@click.option(
    "--group-by",
    type=click.Choice([g.value for g in GroupBy]),
    default=GroupBy.VENDOR.value,
    show_default=True,
    help="Clusters: by vendor (with its owner and country), by layer, or none.",
)
@click.option(
    "--direction",
    type=click.Choice(["LR", "TB"]),
    help="Left to right (the default) or top to bottom.",
)
@MODE
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_diagram_file,
    help="The file to write; its suffix picks the format: .dot, .svg, .png or .pdf.",
)
def diagram(
    source: Source,
    selectors: tuple[str, ...],
    view: str,
    focus: str | None,
    depth: int,
    group_by: str,
    direction: str | None,
    mode: str,
    output: Path,
) -> None:
    """Draw the estate, the impact of a withdrawal, or the migration plan with Graphviz.

    .dot and .svg work everywhere (SVG through Graphviz in WebAssembly when the system
    has no Graphviz); .png and .pdf need Graphviz's dot program.

    \b
    Examples:
      exitplan diagram graphs/gothenburg -w vendor:microsoft --view impact -o impact.svg
      exitplan diagram graphs/gothenburg --view estate --focus intune --depth 2 -o intune.png
      exitplan diagram graphs/gothenburg -w vendor:microsoft --view plan -o plan.pdf
    """
    backend = source.open()
    chosen = View(view)
    focus_id = NodeId(focus) if focus else None
    context = click.get_current_context()
    unused = {
        View.ESTATE: (("selectors", "--withdraw"), ("mode", "--mode")),
        View.IMPACT: (),
        View.PLAN: (("focus", "--focus"), ("depth", "--depth"), ("group_by", "--group-by")),
    }[chosen]
    ignored = [
        flag
        for name, flag in unused
        if context.get_parameter_source(name) is not ParameterSource.DEFAULT
    ]
    if ignored:
        click.echo(f"exitplan: the {view} view does not use {', '.join(ignored)}", err=True)
    if chosen is View.ESTATE:
        drawing = estate_view(
            backend,
            focus=focus_id,
            depth=depth,
            group_by=GroupBy(group_by),
            direction=direction or "LR",
        )
    else:
        if not selectors:
            raise UsageError(f"the {view} view needs --withdraw SELECTOR")
        simulation = simulate(backend, selectors, _options(mode, None, None))
        drawing = (
            impact_view(
                backend,
                simulation,
                focus=focus_id,
                depth=depth,
                group_by=GroupBy(group_by),
                direction=direction or "LR",
            )
            if chosen is View.IMPACT
            else plan_view(backend, simulation, direction=direction or "LR")
        )
    _write_diagram(drawing, output)


@cli.command()
@ESTATE_PATH
@NEO4J_URI
@NEO4J_USER
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH,
    show_default=True,
    help="Rows per write transaction.",
)
def load(path: Path, neo4j_uri: str | None, neo4j_user: str | None, batch_size: int) -> None:
    """Write an estate into Neo4j, replacing the copy of the same name once complete.

    Readers keep seeing the previous copy until the new one is whole. Connection from
    NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD (or a prompt).

    \b
    Example:
      NEO4J_PASSWORD=... exitplan load graphs/gothenburg
      exitplan simulate --backend neo4j --estate gothenburg -w vendor:microsoft
    """
    estate = load_estate(path)
    settings = Neo4jSettings.from_environment(neo4j_uri, neo4j_user, password=_prompt_password)
    with (
        Neo4jGraph(settings, estate.name, batch_size=batch_size) as graph,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
            disable=not sys.stderr.isatty(),
        ) as progress,
    ):
        task = progress.add_task(f"loading {estate.name}", total=None)
        summary = graph.load(
            estate, progress=lambda done, total: progress.update(task, completed=done, total=total)
        )
    click.echo(
        f"Loaded estate {summary.estate} into {settings.uri}: "
        f"{summary.node_total:,} nodes and {summary.relationship_total:,} relationships."
    )


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
