"""exitplan sensitivity: which assumptions decide a scenario's answer."""

from __future__ import annotations

from pathlib import Path

import click

from exitplan.cli.common import (
    FORMATS,
    CountOrAll,
    ScenarioFile,
    Source,
    backend_options,
    counted,
    emit,
    notice,
    reads_files,
    terminal_width,
)
from exitplan.render import rows
from exitplan.render.csv import dump_section_csv
from exitplan.render.json import dump_sensitivity_json
from exitplan.render.markdown import dump_sections_markdown
from exitplan.render.table import dump_sections_table
from exitplan.scenario import load_scenario, run_scenario
from exitplan.simulate.sensitivity import MOST_RUN, sensitivity


@click.command(name="sensitivity")
@click.argument("scenario", type=ScenarioFile())
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=None,
    help="Show only the N most decisive assumptions (default: every one that matters).",
)
@click.option(
    "--most",
    type=CountOrAll("more than any estate has assumptions: 'all' varies each"),
    metavar="N|all",
    default=MOST_RUN,
    show_default=True,
    help="Vary at most N assumptions by running the scenario again, those likeliest to "
    "matter first (the more affected services' chains run through one, the likelier); "
    "'all' varies every one. User counts are always varied: they need no new run.",
)
@backend_options
@FORMATS
def sensitivity_command(
    scenario: Path,
    top: int | None,
    most: int | None,
    backend: str,
    estate: str | None,
    neo4j_uri: str | None,
    neo4j_user: str | None,
    output_format: str,
) -> None:
    """Which assumptions, if wrong, change the scenario's answer: each assumed element it
    rests on is varied the way it could be wrong (a dependency absent, hard or soft, an
    alternative not viable or less ready, a grace period halved, user counts doubled or
    halved, a contract ending earlier) and the scenario simulated again; they are ranked
    by how much they move the headline figures. On a large estate, the likeliest to
    matter are varied first, up to --most.

    \b
    Example:
      exitplan sensitivity scenarios/leave-microsoft.yaml --top 10
    """
    loaded = load_scenario(scenario, estate_read=reads_files(backend, estate))
    source = Source(None, backend, estate, neo4j_uri, neo4j_user)
    graph = source.open(loaded.estate_path)
    base = run_scenario(loaded, graph)
    with counted("running the scenario again, varied", remaining=True) as progress:
        analysis = sensitivity(
            graph,
            lambda varied: run_scenario(loaded, varied, checked=True),
            base,
            most=most,
            progress=progress,
        )
    if analysis.beyond_limit:  # said in the headline too, but not every format has one
        notice(
            f"exitplan: notice: {analysis.beyond_limit:,} assumptions were not varied "
            f"(--most {most}); give --most N or --most all to vary more"
        )
    name = loaded.scenario.id
    if output_format == "json":
        text = dump_sensitivity_json(analysis, name, top)
    else:
        section = rows.sensitivity(analysis, top)
        headline = rows.sensitivity_headline(analysis, name)
        if output_format == "csv":
            text = dump_section_csv(section)
        elif output_format == "markdown":
            text = dump_sections_markdown(f"Sensitivity: {name}", headline, [section])
        else:
            text = dump_sections_table(headline, [section], width=terminal_width())
    emit(text)
