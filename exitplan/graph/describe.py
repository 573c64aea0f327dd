"""Descriptions of one node, or of the whole estate, composed from port queries.

What ``exitplan show`` prints: a node's attributes, what it depends on, what depends on it,
who provides it, its alternatives and the data flowing in and out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from exitplan.errors import UsageError
from exitplan.graph.port import (
    Direction,
    GraphBackend,
    GraphEdge,
    GraphNode,
    Label,
    LoadSummary,
    Rel,
    UnknownNodeError,
)
from exitplan.model import EstateInfo, NodeId

OUTGOING: Mapping[Rel, str] = {
    Rel.DEPENDS_ON: "depends_on",
    Rel.PROVIDED_BY: "provided_by",
    Rel.SUBSIDIARY_OF: "parent",
    Rel.ALTERNATIVE_FOR: "candidate_for",
    Rel.REQUIRES: "requires",
    Rel.REALISES: "realises",
    Rel.USES: "uses",
    Rel.FLOWS_TO: "flows_out",
}
"""The name of each section of a node description, by the relationships leaving it."""

INCOMING: Mapping[Rel, str] = {
    Rel.DEPENDS_ON: "dependents",
    Rel.PROVIDED_BY: "provides",
    Rel.SUBSIDIARY_OF: "subsidiaries",
    Rel.ALTERNATIVE_FOR: "alternatives",
    Rel.REQUIRES: "required_by",
    Rel.REALISES: "realised_by",
    Rel.USES: "used_by",
    Rel.FLOWS_TO: "flows_in",
}
"""The name of each section of a node description, by the relationships entering it."""


@dataclass(frozen=True)
class Neighbour:
    """A node next to the described one, and the edge between them."""

    node: GraphNode
    edge: GraphEdge


@dataclass(frozen=True)
class NodeDescription:
    estate: EstateInfo
    node: GraphNode
    sections: Mapping[str, tuple[Neighbour, ...]]


@dataclass(frozen=True)
class EstateDescription:
    estate: EstateInfo
    summary: LoadSummary
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]


def known_node(
    backend: GraphBackend, node_id: NodeId, kinds: Sequence[Label] | None = None
) -> GraphNode:
    """The node ``node_id``; for the id of a data flow (which is no node but a line
    between two), a message that names its ends instead of "no node". With ``kinds``, an
    unknown id is told the closest id of a node of those kinds (the ones the caller
    takes), not of any."""
    try:
        return backend.node(node_id)
    except UnknownNodeError:
        flow = next(
            (e for e in backend.edges(Rel.FLOWS_TO) if e.properties.get("id") == node_id), None
        )
        if flow is None and kinds is not None:
            known = [node.id for label in kinds for node in backend.nodes(label)]
            raise UnknownNodeError(node_id, known, estate=backend.info.name) from None
        if flow is None:
            raise
        raise UsageError(
            f"{node_id!r} is a data flow, from {flow.source!r} to {flow.target!r}, not a "
            "node: name either end instead (each lists its data flows)"
        ) from None


def describe_node(backend: GraphBackend, node_id: NodeId) -> NodeDescription:
    node = known_node(backend, node_id)
    touching = {
        direction: backend.edges_of(node_id, direction)
        for direction in (Direction.OUT, Direction.IN)
    }
    # every neighbour read at once: one by one, ``show`` of a component with some 1,660
    # neighbours made 1,668 queries of Neo4j
    neighbours = backend.nodes_by_id(
        {edge.target for edge in touching[Direction.OUT]}
        | {edge.source for edge in touching[Direction.IN]}
    )
    sections: dict[str, tuple[Neighbour, ...]] = {}
    for direction, names in ((Direction.OUT, OUTGOING), (Direction.IN, INCOMING)):
        for rel, name in names.items():
            sections[name] = tuple(
                Neighbour(
                    neighbours[edge.target if direction is Direction.OUT else edge.source], edge
                )
                for edge in touching[direction]
                if edge.type is rel
            )
    return NodeDescription(backend.info, node, sections)


def describe_estate(backend: GraphBackend) -> EstateDescription:
    return EstateDescription(
        backend.info, backend.summary(), tuple(backend.nodes()), tuple(backend.edges())
    )
