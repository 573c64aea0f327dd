"""exitplan report: the exit-strategy document of a scenario."""

from __future__ import annotations

from pathlib import Path

import click

from exitplan.cli.common import (
    PROFILE,
    SYMLINK_RULE,
    OutputFile,
    ScenarioFile,
    Source,
    backend_options,
    notice,
    scenario_read,
    scenario_simulated,
)
from exitplan.errors import ExitplanError
from exitplan.graph import GraphBackend
from exitplan.model import LegalProfile
from exitplan.render.files import diagram_bytes, write_output
from exitplan.render.gantt import PAGE, render_gantt
from exitplan.render.report import dump_report_html, dump_report_markdown
from exitplan.scenario import run_scenario
from exitplan.simulate.result import Simulation
from exitplan.simulate.strategy import exit_strategy
from exitplan.simulate.views import PAGE_NODES, SLIDE_NODES, impact_view, plan_view


def _slide_pictures(graph: GraphBackend, simulation: Simulation) -> dict[str, bytes]:
    """The impact diagram and the Gantt chart (when a step can be scheduled), as PNG; a
    diagram that cannot be drawn leaves its slide out, and says so."""
    pictures = {}
    try:
        pictures["impact"] = diagram_bytes(impact_view(graph, simulation, fit=SLIDE_NODES), ".png")
    except ExitplanError as error:
        notice(f"exitplan: the deck has no impact slide: {error}")
    if simulation.plan.scheduled:
        pictures["gantt"] = render_gantt(simulation, ".png")
    return pictures


def _report_file(ctx: click.Context, parameter: click.Parameter, value: Path) -> Path:
    """Refuse an unknown document format before any work starts."""
    del ctx, parameter
    if value.suffix.lower() not in (".md", ".html", ".pptx"):
        raise click.BadParameter(
            f"the suffix picks the format: .md, .html or .pptx (got {value.name!r})"
        )
    return value


@click.command(name="report")
@click.argument("scenario", type=ScenarioFile())
@click.option(
    "-o",
    "--output",
    required=True,
    type=OutputFile(),
    callback=_report_file,
    help="The document to write: .md (Markdown), .html (one file, diagrams inline) or "
    ".pptx (a slide deck for the board). " + SYMLINK_RULE,
)
@backend_options
@PROFILE
def report_command(
    scenario: Path,
    output: Path,
    backend: str,
    estate: str | None,
    neo4j_uri: str | None,
    neo4j_user: str | None,
    profile: str | None,
) -> None:
    """Write the exit-strategy document for a scenario: summary, scope and assumptions,
    affected services, data flows and their legal findings, alternatives (and the missing
    ones), the migration plan, policy findings and the register rows of what is withdrawn.

    \b
    Examples:
      exitplan report scenarios/leave-microsoft.yaml -o exit-strategy.md
      exitplan report scenarios/leave-microsoft.yaml -o exit-strategy.html
      exitplan report scenarios/leave-microsoft.yaml -o deck.pptx
    """
    source = Source(None, backend, estate, neo4j_uri, neo4j_user)
    loaded = scenario_read(scenario, source, [output])
    graph, simulation = scenario_simulated(loaded, source)
    strategy = exit_strategy(
        graph,
        simulation,
        loaded.scenario.notes,
        LegalProfile(profile) if profile else None,
        run=lambda varied: run_scenario(loaded, varied, checked=True),
    )
    if output.suffix.lower() == ".pptx":
        from exitplan.render.deck import dump_deck  # noqa: PLC0415  # python-pptx: slow to import

        write_output(output, dump_deck(strategy, _slide_pictures(graph, simulation)))
        notice(f"exitplan: wrote {output}")
        return
    if output.suffix.lower() == ".html":
        # A report has no --focus: a large withdrawal is drawn in part, and says so.
        views = {"impact": impact_view(graph, simulation, fit=PAGE_NODES)}
        if simulation.plan.steps:  # with nothing to migrate the plan view would be empty
            views["plan"] = plan_view(graph, simulation, fit=PAGE_NODES)
        svgs = {key: diagram_bytes(view, ".svg").decode("utf-8") for key, view in views.items()}
        if simulation.plan.scheduled:
            svgs["gantt"] = render_gantt(simulation, ".svg", PAGE).decode("utf-8")
        left_out = {key: view.left_out for key, view in views.items() if view.left_out}
        text = dump_report_html(strategy, svgs, left_out)
    else:
        text = dump_report_markdown(strategy)
    write_output(output, text.encode("utf-8"))
    notice(f"exitplan: wrote {output}")
