"""exitplan load: write an estate into Neo4j."""

from __future__ import annotations

from pathlib import Path

import click

from exitplan.cli.common import (
    ESTATE_PATH,
    MAX_BYTES,
    NEO4J_URI,
    NEO4J_USER,
    counted,
    emit,
    prompt_password,
    read_estate,
)
from exitplan.errors import SIGNAL_AFTERMATH, printable
from exitplan.graph.neo4j import DEFAULT_BATCH, Neo4jGraph, Neo4jSettings


@click.command(name="load")
@ESTATE_PATH
@MAX_BYTES
@NEO4J_URI
@NEO4J_USER
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH,
    show_default=True,
    help="Rows per write transaction.",
)
def load_command(
    path: Path, neo4j_uri: str | None, neo4j_user: str | None, batch_size: int
) -> None:
    """Write an estate into Neo4j, replacing the copy of the same name once complete.

    Readers keep seeing the previous copy until the new one is whole. Connection from
    NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD (or a prompt).

    \b
    Example:
      NEO4J_PASSWORD=... exitplan load graphs/gothenburg
      exitplan simulate --backend neo4j --estate gothenburg -w vendor:microsoft
    """
    estate = read_estate(path)
    settings = Neo4jSettings.from_environment(neo4j_uri, neo4j_user, password=prompt_password)
    with Neo4jGraph(settings, estate.name, batch_size=batch_size) as graph:
        with counted(f"loading {estate.name}") as progress:
            summary = graph.load(estate, progress=progress, clean=False)
        emit(
            printable(
                f"Loaded estate {summary.estate} into {settings.shown}: "
                f"{summary.node_total:,} nodes and {summary.relationship_total:,} "
                "relationships."
            )
            + "\n"
        )
        # Readers see the new copy now; an interrupt from here on leaves an old copy
        # behind, which the next load removes.
        SIGNAL_AFTERMATH.append(
            f"estate {summary.estate} was loaded all the same, and readers see it; the "
            "copy it replaced is removed by the next load"
        )
        graph.remove_old_copies()
