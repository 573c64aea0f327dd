"""exitplan show: one node, or the whole estate."""

from __future__ import annotations

import click

from exitplan.cli.common import (
    FORMAT,
    Source,
    emit,
    estate_source,
    missing,
    terminal_width,
)
from exitplan.errors import UsageError, display_path, shorten
from exitplan.graph.describe import describe_estate, describe_node
from exitplan.model import NodeId
from exitplan.render.json import (
    dump_estate_json,
    dump_node_json,
)
from exitplan.render.table import (
    dump_estate_table,
    dump_node_table,
)


@click.command(name="show")
@estate_source(shifts="node_id")
@click.argument("node_id", metavar="[ID]", required=False)
@FORMAT
def show_command(source: Source, node_id: str | None, output_format: str) -> None:
    """Show one node of an estate, or the whole estate when no ID is given.

    For a node: its attributes, what it depends on, what depends on it, its vendors,
    alternatives, and the data flows in and out.

    \b
    Examples:
      exitplan show graphs/gothenburg intune
      exitplan show graphs/gothenburg --format json > estate.json
    """
    path = source.path
    embedded = node_id is None and source.backend == "embedded"
    if embedded and path is not None and missing(path):
        raise UsageError(  # ``show intune``: an id, and no estate (helper-86)
            f"{display_path(path)}: no such file or folder; show takes the estate first, "
            f"then an id: exitplan show PATH {shorten(str(path), 60)}"
        )
    backend = source.open()
    if node_id is None:
        estate = describe_estate(backend)
        text = (
            dump_estate_json(estate)
            if output_format == "json"
            else dump_estate_table(estate, width=terminal_width())
        )
    else:
        node = describe_node(backend, NodeId(node_id))
        text = (
            dump_node_json(node)
            if output_format == "json"
            else dump_node_table(node, width=terminal_width())
        )
    emit(text)
