"""exitplan export: hand a scenario's result back to the architects' own tools."""

from __future__ import annotations

from pathlib import Path

import click

from exitplan.cli.common import (
    SYMLINK_RULE,
    OutputFile,
    ScenarioFile,
    Source,
    backend_options,
    notice,
    reads_files,
    refuse_own_inputs,
)
from exitplan.graph import Subgraph
from exitplan.render.archimate import archimate_parts
from exitplan.render.files import write_output
from exitplan.scenario import load_scenario, run_scenario


@click.group(name="export")
def export_group() -> None:
    """Hand the estate and a scenario's result back to other tools.

    \b
    Example:
      exitplan export archimate scenarios/leave-microsoft.yaml -o leave-microsoft.xml
    """


@export_group.command(name="archimate")
@click.argument("scenario", type=ScenarioFile())
@click.option(
    "-o",
    "--output",
    required=True,
    type=OutputFile(),
    help="The ArchiMate exchange file to write (XML). " + SYMLINK_RULE,
)
@backend_options
def archimate_command(
    scenario: Path,
    output: Path,
    backend: str,
    estate: str | None,
    neo4j_uri: str | None,
    neo4j_user: str | None,
) -> None:
    """Write the estate and what a scenario does to it as an ArchiMate model, in The
    Open Group's Model Exchange File Format (3.1), for Archi and other ArchiMate tools.

    Components become application components, services application services, vendors
    and organisations business actors, dependencies serving relationships (from what is
    needed to what needs it) and data flows flow relationships. Every element carries
    its exitplan id and the scenario's verdict as properties: withdrawn, broken or
    degraded, from which day and because of what; what replaces it, in which wave.
    Two views draw the impact (by state) and the migration plan (by wave).

    In Archi: File > Import > Open Exchange XML Model.

    \b
    Example:
      exitplan export archimate scenarios/leave-microsoft.yaml -o leave-microsoft.xml
    """
    loaded = load_scenario(scenario, estate_read=reads_files(backend, estate))
    refuse_own_inputs([output], estate=loaded.estate_path, scenario=scenario)
    source = Source(None, backend, estate, neo4j_uri, neo4j_user)
    graph = source.open(loaded.estate_path)
    simulation = run_scenario(loaded, graph)
    whole = Subgraph(tuple(graph.nodes()), tuple(graph.edges()))
    write_output(output, archimate_parts(graph.info, whole, simulation))
    notice(f"exitplan: wrote {output}")
