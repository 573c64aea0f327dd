"""The embedded backend: the estate graph held in memory by networkx (the default)."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Collection, Iterable

import networkx as nx

from exitplan.graph.port import (
    Direction,
    GraphEdge,
    GraphNode,
    Label,
    LoadSummary,
    Rel,
    Subgraph,
    UnknownNodeError,
)
from exitplan.graph.shape import estate_edges, estate_nodes
from exitplan.model import Estate, EstateInfo, NodeId


class EmbeddedGraph:
    """A ``GraphBackend`` over a ``networkx.MultiDiGraph``.

    Nodes carry ``label`` and ``properties``; edges are keyed by relationship type (and flow
    id for ``FLOWS_TO``, the one type that may join the same pair twice).
    """

    def __init__(self, estate: Estate | None = None) -> None:
        self._graph: nx.MultiDiGraph[NodeId] = nx.MultiDiGraph()
        self._info = EstateInfo(name=NodeId("empty"))
        if estate is not None:
            self.load(estate)

    @property
    def info(self) -> EstateInfo:
        return self._info

    @property
    def networkx(self) -> nx.MultiDiGraph[NodeId]:
        """The underlying graph, for algorithms that want networkx directly. Read only."""
        return self._graph

    def load(self, estate: Estate) -> LoadSummary:
        graph: nx.MultiDiGraph[NodeId] = nx.MultiDiGraph()
        for node in estate_nodes(estate):
            graph.add_node(node.id, node=node)
        for edge in estate_edges(estate):
            key = (edge.type, edge.properties.get("id", ""))
            graph.add_edge(edge.source, edge.target, key=key, edge=edge)
        self._graph = graph
        self._info = estate.info
        return self.summary()

    def summary(self) -> LoadSummary:
        nodes = Counter(data["node"].label for _, data in self._graph.nodes(data=True))
        edges = Counter(data["edge"].type for _, _, data in self._graph.edges(data=True))
        return LoadSummary(
            self._info.name,
            {label: nodes[label] for label in Label},
            {rel: edges[rel] for rel in Rel},
        )

    def _known(self, node_id: NodeId) -> None:
        if node_id not in self._graph:
            raise UnknownNodeError(node_id, self._graph.nodes, estate=self._info.name)

    def node(self, node_id: NodeId) -> GraphNode:
        self._known(node_id)
        found: GraphNode = self._graph.nodes[node_id]["node"]
        return found

    def nodes(self, label: Label | None = None) -> list[GraphNode]:
        found = [data["node"] for _, data in self._graph.nodes(data=True)]
        return sorted(
            (node for node in found if label is None or node.label is label),
            key=lambda node: node.id,
        )

    def edges(self, rel: Rel | None = None) -> list[GraphEdge]:
        found = [data["edge"] for _, _, data in self._graph.edges(data=True)]
        return sorted(
            (edge for edge in found if rel is None or edge.type is rel),
            key=lambda edge: edge.sort_key,
        )

    def edges_of(
        self, node_id: NodeId, direction: Direction, rels: Collection[Rel] | None = None
    ) -> list[GraphEdge]:
        self._known(node_id)
        view = self._graph.out_edges if direction is Direction.OUT else self._graph.in_edges
        found = [data["edge"] for _, _, data in view(node_id, data=True)]
        return sorted(
            (edge for edge in found if rels is None or edge.type in rels),
            key=lambda edge: edge.sort_key,
        )

    def _reach(
        self,
        ids: Iterable[NodeId],
        direction: Direction,
        max_depth: int | None,
        rels: Collection[Rel],
    ) -> set[NodeId]:
        """Breadth-first search from ``ids`` along ``rels``; only the region reached is
        visited, so the cost grows with the answer, not with the estate."""
        starts = set(ids)
        for node_id in starts:
            self._known(node_id)
        wanted = set(rels)
        step = self._graph.in_edges if direction is Direction.IN else self._graph.out_edges
        reached: set[NodeId] = set()
        queue = deque((node_id, 0) for node_id in starts)
        seen = set(starts)
        while queue:
            current, depth = queue.popleft()
            if max_depth is not None and depth >= max_depth:
                continue
            for source, target, data in step(current, data=True):
                if data["edge"].type not in wanted:
                    continue
                other = source if direction is Direction.IN else target
                if other not in seen:
                    seen.add(other)
                    reached.add(other)
                    queue.append((other, depth + 1))
        return reached

    def dependents(
        self,
        ids: Iterable[NodeId],
        *,
        max_depth: int | None = None,
        rels: Collection[Rel] = (Rel.DEPENDS_ON,),
    ) -> set[NodeId]:
        return self._reach(ids, Direction.IN, max_depth, rels)

    def dependencies(
        self,
        ids: Iterable[NodeId],
        *,
        max_depth: int | None = None,
        rels: Collection[Rel] = (Rel.DEPENDS_ON,),
    ) -> set[NodeId]:
        return self._reach(ids, Direction.OUT, max_depth, rels)

    def subgraph(self, ids: Iterable[NodeId]) -> Subgraph:
        wanted = set(ids)
        for node_id in wanted:
            self._known(node_id)
        view = self._graph.subgraph(wanted)
        nodes = sorted((data["node"] for _, data in view.nodes(data=True)), key=lambda n: n.id)
        edges = sorted(
            (data["edge"] for _, _, data in view.edges(data=True)), key=lambda e: e.sort_key
        )
        return Subgraph(tuple(nodes), tuple(edges))
