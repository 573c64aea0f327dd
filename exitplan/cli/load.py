"""exitplan load, estates and unload: write an estate into Neo4j, list the estates a
database holds, remove one."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from exitplan.cli.common import (
    ESTATE_PATH,
    MAX_BYTES,
    NEO4J_URI,
    NEO4J_USER,
    counted,
    emit,
    notice,
    prompt_password,
    read_estate,
    terminal_width,
    waiting,
)
from exitplan.errors import BackendError, UsageError, after_a_signal, plural, printable
from exitplan.graph.neo4j import (
    DEFAULT_BATCH,
    MAX_WRITERS,
    WRITERS,
    Neo4jGraph,
    Neo4jSettings,
)
from exitplan.render.rows import Section
from exitplan.render.table import dump_sections_table


@click.command(name="load")
@ESTATE_PATH
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH,
    show_default=True,
    help="Rows per write transaction.",
)
@click.option(
    "--writers",
    type=click.IntRange(min=1, max=MAX_WRITERS),
    default=WRITERS,
    show_default=True,
    help="Write transactions run at once (on a server of two cores, with exitplan on the same "
    "machine, four were no faster than two and eight were slower).",
)
@NEO4J_URI
@NEO4J_USER
@MAX_BYTES
def load_command(
    path: Path, neo4j_uri: str | None, neo4j_user: str | None, batch_size: int, writers: int
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
    with Neo4jGraph(
        settings, estate.name, batch_size=batch_size, writers=writers, waiting=waiting
    ) as graph:
        replaced = graph.stored()
        with counted(f"loading {estate.name}") as progress:
            summary = graph.load(estate, progress=progress, clean=False)
        if replaced is not None and replaced.readable and replaced.title != estate.info.title:
            # estates are told apart by name alone: two starters of 'exitplan init' share one
            notice(
                f"exitplan: note: this replaced estate {estate.name!r}, titled "
                f"{replaced.title or '(no title)'!r}, with one titled "
                f"{estate.info.title or '(no title)'!r}: estates are told apart by their "
                "name (estate: name:) alone"
            )
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
        with after_a_signal(
            f"estate {summary.estate} was loaded all the same, and readers see it; older "
            "copies are removed by the next load"
        ):
            try:
                graph.remove_old_copies()
            except BackendError as error:  # the server's words alone read as a failed load
                raise BackendError(
                    f"estate {summary.estate} was loaded, and readers see it, but its older "
                    f"copies could not be removed (the next load removes them): {error}"
                ) from None


@click.command(name="estates")
@NEO4J_URI
@NEO4J_USER
def estates_command(neo4j_uri: str | None, neo4j_user: str | None) -> None:
    """List the estates a Neo4j database holds: each name (for --estate), title, date
    and the number of nodes readers read.

    \b
    Example:
      NEO4J_PASSWORD=... exitplan estates
    """
    settings = Neo4jSettings.from_environment(neo4j_uri, neo4j_user, password=prompt_password)
    # no one estate: ``estates`` reads them all
    with Neo4jGraph(settings, "", waiting=waiting) as graph:
        stored = graph.estates()
        unfinished = graph.unfinished()
    rows = tuple(
        (
            e.name,
            (e.title or "") if e.readable else "(written by another version of exitplan)",
            e.as_of.isoformat() if e.as_of else "",
            f"{e.nodes:,}",
        )
        for e in stored
    )
    headline = f"The Neo4j database at {settings.shown} holds {plural(len(rows), 'estate')}."
    section = Section("Estates", ("estate", "title", "as of", "nodes"), rows)
    emit(dump_sections_table([headline], [section], width=terminal_width()))
    for name, nodes in unfinished:  # on stderr: the table above is what readers read
        notice(
            f"exitplan: note: the database also holds {plural(nodes, 'node')} of estate "
            f"{name!r} that no reader sees, left by a load or unload that was interrupted, "
            f"or written by a load still running; if none is, exitplan unload "
            f"{shlex.quote(name)} --yes removes them, as does the next load of it"
        )


@click.command(name="unload")
@click.argument("name", metavar="ESTATE")
@click.option("--yes", is_flag=True, help="Remove it without asking first.")
@NEO4J_URI
@NEO4J_USER
def unload_command(name: str, neo4j_uri: str | None, neo4j_user: str | None, yes: bool) -> None:
    """Remove an estate from a Neo4j database, every copy of it. Readers stop finding it
    at once; the files it was loaded from are not touched.

    Asks first at a terminal; elsewhere, --yes says it is meant.

    \b
    Example:
      NEO4J_PASSWORD=... exitplan unload gothenburg-test
    """
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(f"removing estate {name!r} needs --yes when no one is asked")
        try:
            sure = click.confirm(f"Remove estate {name!r} from Neo4j?", err=True)
        except click.Abort as stopped:  # Ctrl-D is a no; Ctrl-C stays an interruption
            if not isinstance(stopped.__context__, EOFError):
                raise
            click.echo(err=True)  # the question's line ends: Ctrl-D echoes nothing
            sure = False
        if not sure:
            click.echo(printable(f"exitplan: estate {name!r} was not removed"), err=True)
            raise click.exceptions.Exit(1)
    settings = Neo4jSettings.from_environment(neo4j_uri, neo4j_user, password=prompt_password)
    with Neo4jGraph(settings, name, waiting=waiting) as graph:
        removed = graph.unload()
    copies = f" ({plural(removed.copies, 'copy', 'copies')})" if removed.copies > 1 else ""
    emit(
        printable(
            f"Removed estate {name} from {settings.shown}: {plural(removed.nodes, 'node')}{copies}."
        )
        + "\n"
    )
    if removed.loaded_again:
        raise BackendError(
            f"meanwhile a load of estate {name!r} put a new copy in place, which readers "
            f"see: run exitplan unload {name} again once that load is done"
        )
