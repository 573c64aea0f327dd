"""The embedded backend: the estate graph held in memory by networkx (the default)."""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Collection, Iterable, Mapping, Sequence

import networkx as nx

from exitplan.graph.port import (
    DependsOn,
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
        self._region = _Region({}, {}, {})
        self._tagged: Mapping[str, list[NodeId]] = {}
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
        nodes = estate_nodes(estate)
        edges = estate_edges(estate)
        graph: nx.MultiDiGraph[NodeId] = nx.MultiDiGraph()
        for node in nodes:
            graph.add_node(node.id, node=node)
        for edge in edges:
            key = (edge.type, edge.properties.get("id", ""))
            graph.add_edge(edge.source, edge.target, key=key, edge=edge)
        self._graph = graph
        self._info = estate.info
        # Indexes for the simulation, built once here so that a scenario only pays for
        # the region it touches.
        dependents: dict[NodeId, list[DependsOn]] = defaultdict(list)
        dependencies: dict[NodeId, list[DependsOn]] = defaultdict(list)
        for edge in edges:  # sorted: lists come out ordered by the other end
            if edge.type is Rel.DEPENDS_ON:
                compact = DependsOn.of(edge)
                dependencies[edge.source].append(compact)
                dependents[edge.target].append(compact)
        for entries in dependents.values():
            entries.sort(key=lambda e: e.source)
        by_id = {node.id: node for node in nodes}
        self._region = _Region(dict(dependents), dict(dependencies), by_id)
        tagged: dict[str, list[NodeId]] = defaultdict(list)
        for node in nodes:
            for tag in node.properties.get("tags", ()):  # type: ignore[union-attr]
                tagged[str(tag)].append(node.id)
        self._tagged = dict(tagged)
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

    def nodes_by_id(self, ids: Iterable[NodeId]) -> dict[NodeId, GraphNode]:
        return {node_id: self.node(node_id) for node_id in ids}

    def nodes_tagged(self, tag: str) -> list[GraphNode]:
        return [self.node(node_id) for node_id in self._tagged.get(tag, [])]

    def edges_touching(
        self, ids: Iterable[NodeId], direction: Direction, rels: Collection[Rel]
    ) -> list[GraphEdge]:
        found = [edge for node_id in set(ids) for edge in self.edges_of(node_id, direction, rels)]
        return sorted(found, key=lambda edge: edge.sort_key)

    def dependency_region(self, ids: Iterable[NodeId]) -> _Region:
        for node_id in ids:
            self._known(node_id)
        return self._region

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


class _Region:
    """The embedded ``DependencyRegion``: a view on indexes built at load time. Creating it
    costs nothing; each lookup is one dictionary access."""

    _NONE: Sequence[DependsOn] = ()

    def __init__(
        self,
        dependents: dict[NodeId, list[DependsOn]],
        dependencies: dict[NodeId, list[DependsOn]],
        nodes: dict[NodeId, GraphNode],
    ) -> None:
        self._dependents = dependents
        self._dependencies = dependencies
        self._nodes = nodes

    def dependents(self, node_id: NodeId) -> Sequence[DependsOn]:
        return self._dependents.get(node_id, self._NONE)

    def dependencies(self, node_id: NodeId) -> Sequence[DependsOn]:
        return self._dependencies.get(node_id, self._NONE)

    def node(self, node_id: NodeId) -> GraphNode:
        return self._nodes[node_id]
