"""The estate as a graph: the backend port, the shape both backends build, the adapters."""

from __future__ import annotations

from exitplan.graph.embedded import EmbeddedGraph
from exitplan.graph.port import (
    Direction,
    GraphBackend,
    GraphEdge,
    GraphNode,
    Label,
    LoadSummary,
    Properties,
    PropertyValue,
    Rel,
    Subgraph,
    UnknownNodeError,
)

__all__ = [
    "Direction",
    "EmbeddedGraph",
    "GraphBackend",
    "GraphEdge",
    "GraphNode",
    "Label",
    "LoadSummary",
    "Properties",
    "PropertyValue",
    "Rel",
    "Subgraph",
    "UnknownNodeError",
]
