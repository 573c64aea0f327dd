"""exitplan report: the exit-strategy document of a scenario."""

from __future__ import annotations

from pathlib import Path

import click

from exitplan.cli.common import (
    PROFILE,
    SYMLINK_RULE,
    Source,
    backend_options,
    notice,
    refuse_own_inputs,
)
from exitplan.model import LegalProfile
from exitplan.render.files import diagram_bytes, write_output
from exitplan.render.gantt import render_gantt
from exitplan.render.report import dump_report_html, dump_report_markdown
from exitplan.scenario import load_scenario, run_scenario
from exitplan.simulate.strategy import exit_strategy
from exitplan.simulate.views import PAGE_NODES, impact_view, plan_view


def _report_file(ctx: click.Context, parameter: click.Parameter, value: Path) -> Path:
    """Refuse an unknown document format before any work starts."""
    del ctx, parameter
    if value.suffix not in (".md", ".html"):
        raise click.BadParameter(f"the suffix picks the format: .md or .html (got {value.name!r})")
    return value


@click.command(name="report")
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_report_file,
    help="The document to write: .md (Markdown) or .html (one file, diagrams inline). "
    + SYMLINK_RULE,
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
    """
    loaded = load_scenario(scenario)
    refuse_own_inputs([output], estate=loaded.estate_path, scenario=scenario)
    source = Source(None, backend, estate, neo4j_uri, neo4j_user)
    graph = source.open(loaded.estate_path)
    simulation = run_scenario(loaded, graph)
    strategy = exit_strategy(
        graph, simulation, loaded.scenario.notes, LegalProfile(profile) if profile else None
    )
    if output.suffix == ".html":
        # A report has no --focus: a large withdrawal is drawn in part, and says so.
        views = {
            "impact": impact_view(graph, simulation, fit=PAGE_NODES),
            "plan": plan_view(graph, simulation, fit=PAGE_NODES),
        }
        svgs = {key: diagram_bytes(view, ".svg").decode("utf-8") for key, view in views.items()}
        if any(step.start_week is not None for step in simulation.plan.steps):
            svgs["gantt"] = render_gantt(simulation, ".svg").decode("utf-8")
        left_out = {key: view.left_out for key, view in views.items() if view.left_out}
        text = dump_report_html(strategy, svgs, left_out)
    else:
        text = dump_report_markdown(strategy)
    write_output(output, text.encode("utf-8"))
    notice(f"exitplan: wrote {output}")
