"""exitplan export: hand a scenario's result back to the architects' own tools."""

from __future__ import annotations

from pathlib import Path

import click

from exitplan.cli.common import (
    SYMLINK_RULE,
    CountOrAll,
    OutputFile,
    ScenarioFile,
    Source,
    backend_options,
    notice,
    reads_files,
    refuse_own_inputs,
)
from exitplan.errors import display_path, printable
from exitplan.graph import Subgraph
from exitplan.render.archimate import archimate_parts
from exitplan.render.files import write_output
from exitplan.scenario import load_scenario, run_scenario
from exitplan.simulate.views import MAX_NODES

OTHER_FORMATS = frozenset({
    ".json", ".yaml", ".yml", ".csv", ".md", ".html", ".htm", ".txt", ".xlsx", ".pptx", ".pdf",
    ".svg", ".png", ".dot",
})  # fmt: skip
"""Suffixes of what other commands write: an exchange file named so is a slip."""


def _xml_file(ctx: click.Context, parameter: click.Parameter, value: Path) -> Path:
    del ctx, parameter
    if value.suffix.lower() in OTHER_FORMATS:  # helper-86: x.json got XML without a word
        raise click.BadParameter(
            f"the exchange file is XML: name it .xml (got {printable(value.name)!r})"
        )
    return value


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
    callback=_xml_file,
    help="The ArchiMate exchange file to write (XML, named .xml). " + SYMLINK_RULE,
)
@click.option(
    "--view-nodes",
    type=CountOrAll("more than any estate has nodes: 'all' draws each"),
    metavar="N|all",
    default=MAX_NODES,
    show_default=True,
    help="Draw at most N nodes on each view, the part that matters most, and say in the "
    "view what it leaves out (every element is in the model all the same); 'all' draws "
    "each, which Archi opens slowly past a few thousand.",
)
@backend_options
def archimate_command(
    scenario: Path,
    output: Path,
    view_nodes: int | None,
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
    Two views draw the impact (by state) and the migration plan (by wave); over
    --view-nodes, the part that matters most, saying what they leave out.

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
    exported = archimate_parts(graph.info, whole, simulation, view_nodes)
    write_output(output, exported.parts)
    shown = printable(display_path(output))
    for view, left_out in exported.cut:
        notice(f"exitplan: notice: {shown}: the view {view!r}: {left_out}")
    notice(f"exitplan: wrote {output}")
