"""JSON output: stable key order, no timestamps, byte-identical for the same input."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from exitplan.graph.describe import EstateDescription, Neighbour, NodeDescription
from exitplan.graph.port import GraphEdge, GraphNode, LoadSummary
from exitplan.model import EstateInfo


def dump_json(payload: Mapping[str, Any]) -> str:
    """Sorted keys, two-space indent, UTF-8 text kept as it is, one trailing newline."""
    return json.dumps(payload, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _properties(properties: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: list(value) if isinstance(value, tuple) else value for key, value in properties.items()
    }


def node_json(node: GraphNode) -> dict[str, Any]:
    return {"id": node.id, "kind": node.label.kind, "properties": _properties(node.properties)}


def edge_json(edge: GraphEdge) -> dict[str, Any]:
    return {
        "source": edge.source,
        "target": edge.target,
        "type": edge.type.value,
        "properties": _properties(edge.properties),
    }


def _neighbour_json(neighbour: Neighbour) -> dict[str, Any]:
    return {
        "id": neighbour.node.id,
        "kind": neighbour.node.label.kind,
        "name": neighbour.node.name,
        "properties": _properties(neighbour.edge.properties),
    }


def info_json(info: EstateInfo) -> dict[str, Any]:
    return info.model_dump(mode="json", exclude_none=True)


def counts_json(summary: LoadSummary) -> dict[str, Any]:
    return {
        "nodes": {label.kind: count for label, count in summary.nodes.items()},
        "relationships": {rel.value: count for rel, count in summary.relationships.items()},
    }


def dump_node_json(description: NodeDescription) -> str:
    payload: dict[str, Any] = {
        "schema": "exitplan/show/v1",
        "estate": description.estate.name,
        "node": node_json(description.node),
    }
    for section, neighbours in description.sections.items():
        payload[section] = [_neighbour_json(neighbour) for neighbour in neighbours]
    return dump_json(payload)


def dump_estate_json(description: EstateDescription) -> str:
    return dump_json(
        {
            "schema": "exitplan/show/v1",
            "estate": description.estate.name,
            "info": info_json(description.estate),
            "counts": counts_json(description.summary),
            "nodes": [node_json(node) for node in description.nodes],
            "edges": [edge_json(edge) for edge in description.edges],
        }
    )
