"""exitplan run and compare: scenario files."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from exitplan.cli.common import (
    DIAGRAM_OPTION,
    FORMATS,
    OUTPUT,
    ScenarioFile,
    Source,
    backend_options,
    deliver,
    emit,
    impact_drawn,
    notice,
    reads_files,
    render_simulation,
    scenario_read,
    scenario_simulated,
    terminal_width,
    text_format,
)
from exitplan.errors import InvalidInputError, Problem, display_path
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
from exitplan.scenario import (
    LoadedScenario,
    check_against_estate,
    load_scenario,
    run_scenario,
    unused_choices,
)


def _checked_estates(loaded: list[LoadedScenario], source: Source) -> dict[Path, GraphBackend]:
    """The estates of the scenarios, each opened once, and every scenario's problems with
    its estate at once, before any runs (helper-83: only the first was told)."""
    estates: dict[Path, GraphBackend] = {}
    problems: list[Problem] = []
    for item in loaded:
        if item.estate_path not in estates:
            estates[item.estate_path] = source.open(item.estate_path)
        try:
            check_against_estate(item, estates[item.estate_path])
        except InvalidInputError as error:
            problems.extend(error.problems)
    if problems:
        many = len({problem.file for problem in problems}) > 1
        raise InvalidInputError(problems, what="scenarios" if many else "scenario", many=many)
    return estates


@click.command(name="run")
@click.argument("scenario", type=ScenarioFile())
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
    source = Source(None, backend, estate, neo4j_uri, neo4j_user)
    loaded = scenario_read(scenario, source, [diagram_file, output])
    output_format = text_format(output_format, output)
    graph, simulation = scenario_simulated(loaded, source)
    diagram = impact_drawn(graph, simulation, diagram_file, source, scenario)
    deliver(
        lambda: render_simulation(simulation, output_format),
        lambda: simulation_sheets(simulation),
        output,
        output_format,
        also=diagram,
    )


@click.command(name="compare")
@click.argument("scenarios", nargs=-1, required=True, type=ScenarioFile(exists=False))
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
    loaded = []
    problems: list[Problem] = []
    failed: list[str] = []
    for path in scenarios:  # every scenario's problems at once
        try:
            loaded.append(load_scenario(path, estate_read=reads_files(backend, estate)))
        except InvalidInputError as error:
            problems.extend(error.problems)
            failed.append(error.what)
    if problems:
        if len(failed) == 1:
            raise InvalidInputError(problems, what=failed[0])
        raise InvalidInputError(problems, what="scenarios", many=True)
    source = Source(None, backend, estate, neo4j_uri, neo4j_user)
    estates = _checked_estates(loaded, source)
    simulations = []
    for item in loaded:
        simulations.append(run_scenario(item, estates[item.estate_path], checked=True))
        for said in unused_choices(item, simulations[-1], estates[item.estate_path]):
            notice(f"exitplan: notice: {said}")
    if output_format == "json":
        text = dump_compare_json(simulations)
    else:
        ids = [s.scenario_id or ", ".join(s.selectors) for s in simulations]
        labels = ids if len(set(ids)) == len(ids) else [display_path(p) for p in scenarios]
        homes = [display_path(item.estate_path) for item in loaded]
        section = rows.compare(
            simulations,
            labels,
            homes if len({s.estate for s in simulations}) == 1 else None,
            plain=output_format == "csv",
        )
        if output_format == "csv":
            text = dump_section_csv(section)
        elif output_format == "markdown":
            titles = [
                f"{label}: {s.scenario_title}" for label, s in zip(labels, simulations, strict=True)
            ]
            text = dump_sections_markdown(
                section.title,
                [line for title in titles for line in (title, "")][:-1],
                [dataclasses.replace(section, title="Figures")],
            )
        else:
            width = terminal_width()
            text = dump_sections_table([], side_by_side(section, width), width=width)
    emit(text)


LABELS = 28
"""The width the first column of a comparison takes, its labels wrapped."""


def side_by_side(section: rows.Section, width: int) -> list[rows.Section]:
    """A comparison cut into tables of as many scenarios as fit ``width`` side by side,
    each with the labels again, so that no figure is shortened (a heading may wrap at its
    hyphens)."""
    columns = len(section.headers) - 1
    needs = [
        max(
            max((len(piece) + 1 for piece in section.headers[c].split("-")), default=1),
            *(len(row[c]) for row in section.rows),
        )
        + 3
        for c in range(1, columns + 1)
    ]
    groups: list[list[int]] = [[]]
    used = LABELS
    for column, need in enumerate(needs, start=1):
        if groups[-1] and used + need > width:
            groups.append([])
            used = LABELS
        groups[-1].append(column)
        used += need
    if len(groups) == 1:
        return [section]
    return [
        rows.Section(
            f"{section.title} ({picked[0]}-{picked[-1]} of {columns})"
            if len(picked) > 1
            else f"{section.title} ({picked[0]} of {columns})",
            (section.headers[0], *(section.headers[c] for c in picked)),
            tuple((row[0], *(row[c] for c in picked)) for row in section.rows),
            section.note if picked[-1] == columns else None,
        )
        for picked in groups
    ]
