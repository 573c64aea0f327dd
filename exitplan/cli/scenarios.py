"""exitplan run and compare: scenario files."""

from __future__ import annotations

from pathlib import Path

import click

from exitplan.cli.common import (
    DIAGRAM_OPTION,
    FORMATS,
    OUTPUT,
    Source,
    backend_options,
    deliver,
    emit,
    notice,
    reads_files,
    refuse_own_inputs,
    render_simulation,
    terminal_width,
    text_format,
    write_diagram,
)
from exitplan.graph import GraphBackend
from exitplan.render import rows
from exitplan.render.csv import dump_section_csv
from exitplan.render.json import (
    dump_compare_json,
)
from exitplan.render.markdown import dump_sections_markdown
from exitplan.render.table import (
    dump_sections_table,
)
from exitplan.render.xlsx import simulation_sheets
from exitplan.scenario import load_scenario, run_scenario, unused_choices
from exitplan.simulate.views import impact_view


@click.command(name="run")
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@backend_options
@FORMATS
@OUTPUT
@DIAGRAM_OPTION
def run_command(
    scenario: Path,
    backend: str,
    estate: str | None,
    neo4j_uri: str | None,
    neo4j_user: str | None,
    output_format: str,
    output: Path | None,
    diagram_file: Path | None,
) -> None:
    """Run a scenario file: its estate, what it withdraws, its horizon and preferences.

    \b
    Example:
      exitplan run scenarios/leave-microsoft.yaml --format markdown > exit.md
      exitplan run scenarios/leave-microsoft.yaml -o leave-microsoft.xlsx
    """
    loaded = load_scenario(scenario, estate_read=reads_files(backend, estate))
    refuse_own_inputs([diagram_file, output], estate=loaded.estate_path, scenario=scenario)
    output_format = text_format(output_format, output)
    source = Source(None, backend, estate, neo4j_uri, neo4j_user)
    graph = source.open(loaded.estate_path)
    simulation = run_scenario(loaded, graph)
    for said in unused_choices(loaded, simulation):
        notice(f"exitplan: notice: {said}")
    if diagram_file is not None:
        write_diagram(impact_view(graph, simulation), diagram_file)
    deliver(
        lambda: render_simulation(simulation, output_format),
        lambda: simulation_sheets(simulation),
        output,
    )


@click.command(name="compare")
@click.argument(
    "scenarios", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@backend_options
@FORMATS
def compare_command(
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
    loaded = [load_scenario(path, estate_read=reads_files(backend, estate)) for path in scenarios]
    estates: dict[Path, GraphBackend] = {}
    simulations = []
    for item in loaded:
        if item.estate_path not in estates:
            source = Source(None, backend, estate, neo4j_uri, neo4j_user)
            estates[item.estate_path] = source.open(item.estate_path)
        simulations.append(run_scenario(item, estates[item.estate_path]))
        for said in unused_choices(item, simulations[-1]):
            notice(f"exitplan: notice: {said}")
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
            text = dump_sections_table([], [section], width=terminal_width())
    emit(text)
