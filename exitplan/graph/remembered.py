"""A backend whose answers are read once and then remembered.

``exitplan sensitivity`` and the report run the same scenario again for each way an
assumption could be wrong, each on a ``VariedGraph`` over the loaded estate. Every run
asks the backend much the same: the same nodes, edges, searches and dependency region.
In memory that costs nothing; on a database each answer is a round trip (some 6 ms on
Neo4j here), and the report of the example's exit made some 3,000 of them. Seen through
``RememberedGraph``, each question goes to the backend once.

The answers are the backend's own, in its order (nodes by id, edges by ``sort_key``), so
what is computed from them is unchanged. Nothing is forgotten while the object lives:
make one for a command's reads of an estate that does not change meanwhile.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from exitplan.graph.port import (
    DependencyRegion,
    Direction,
    GraphBackend,
    GraphEdge,
    GraphNode,
    Label,
    LoadSummary,
    Rel,
    Subgraph,
    breadth_first,
)
from exitplan.model import Estate, EstateInfo, NodeId


class RememberedGraph:
    """``backend``, each answer read once: nodes by id and by kind, edges by type and those
    touching each node (per direction and set of types), searches and dependency regions
    by their arguments."""

    def __init__(self, backend: GraphBackend) -> None:
        self._backend = backend
        self._nodes: dict[NodeId, GraphNode] = {}
        self._touching: dict[tuple[Direction, frozenset[Rel]], dict[NodeId, list[GraphEdge]]] = {}
        self._reached: dict[
            tuple[Direction, frozenset[NodeId], int | None, frozenset[Rel]], frozenset[NodeId]
        ] = {}
        self._regions: dict[frozenset[NodeId], DependencyRegion] = {}
        self._labelled: dict[Label | None, list[GraphNode]] = {}
        self._typed: dict[Rel | None, list[GraphEdge]] = {}
        self._whole: tuple[frozenset[NodeId], DependencyRegion] | None = None
        self._every: set[Rel] = set()
        """Types whose every edge was read (``read_every_edge``)."""

    @property
    def info(self) -> EstateInfo:
        return self._backend.info

    def load(self, estate: Estate) -> LoadSummary:
        raise TypeError("a remembered estate is read-only")

    def nodes_by_id(self, ids: Iterable[NodeId]) -> dict[NodeId, GraphNode]:
        wanted = sorted(set(ids))
        missing = [node_id for node_id in wanted if node_id not in self._nodes]
        if missing:  # an unknown id raises here, as the backend does, and nothing is kept
            self._nodes.update(self._backend.nodes_by_id(missing))
        return {node_id: self._nodes[node_id] for node_id in wanted}

    def node(self, node_id: NodeId) -> GraphNode:
        return self.nodes_by_id([node_id])[node_id]

    def nodes(self, label: Label | None = None) -> list[GraphNode]:
        kept = self._labelled.get(label)
        if kept is None:
            kept = self._labelled[label] = self._backend.nodes(label)
            self._nodes.update((node.id, node) for node in kept)  # known by id too
        return list(kept)

    def nodes_tagged(self, tag: str) -> list[GraphNode]:
        return self._backend.nodes_tagged(tag)

    def edges(self, rel: Rel | None = None) -> list[GraphEdge]:
        kept = self._typed.get(rel)
        if kept is None:
            kept = self._typed[rel] = self._backend.edges(rel)
        return list(kept)

    def edges_touching(
        self, ids: Iterable[NodeId], direction: Direction, rels: Collection[Rel]
    ) -> list[GraphEdge]:
        wanted = sorted(set(ids))
        known = self._touching.setdefault((direction, frozenset(rels)), {})
        missing = [node_id for node_id in wanted if node_id not in known]
        if missing:
            read: dict[NodeId, list[GraphEdge]] = {node_id: [] for node_id in missing}
            for edge in self._backend.edges_touching(missing, direction, rels):
                read[edge.source if direction is Direction.OUT else edge.target].append(edge)
            known.update(read)
        found = [edge for node_id in wanted for edge in known[node_id]]
        return sorted(found, key=lambda edge: edge.sort_key)

    def edges_of(
        self, node_id: NodeId, direction: Direction, rels: Collection[Rel] | None = None
    ) -> list[GraphEdge]:
        return self.edges_touching([node_id], direction, list(Rel) if rels is None else rels)

    def _reach(
        self,
        ids: Iterable[NodeId],
        direction: Direction,
        max_depth: int | None,
        rels: Collection[Rel],
    ) -> set[NodeId]:
        key = (direction, frozenset(ids), max_depth, frozenset(rels))
        if key not in self._reached:
            if key[3] <= self._every and all(node_id in self._nodes for node_id in key[1]):
                self._reached[key] = frozenset(self._walk(key[1], direction, max_depth, key[3]))
            else:
                search = (
                    self._backend.dependents
                    if direction is Direction.IN
                    else self._backend.dependencies
                )
                self._reached[key] = frozenset(search(key[1], max_depth=max_depth, rels=rels))
        return set(self._reached[key])  # the caller's own set, which it may change

    def _walk(
        self,
        starts: Iterable[NodeId],
        direction: Direction,
        max_depth: int | None,
        rels: Collection[Rel],
    ) -> set[NodeId]:
        """A search along types whose every edge was read, in what was read."""
        inward = direction is Direction.IN
        known = [self._touching[(direction, frozenset([rel]))] for rel in rels]

        def neighbours(current: NodeId) -> Iterable[NodeId]:
            for edges in known:
                for edge in edges[current]:
                    yield edge.source if inward else edge.target

        return breadth_first(starts, neighbours, max_depth)

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

    def dependency_region(self, ids: Iterable[NodeId]) -> DependencyRegion:
        key = frozenset(ids)
        if self._whole is not None and key <= self._whole[0]:
            return self._whole[1]
        if key not in self._regions:  # a region is not changed once made (its walk kept)
            self._regions[key] = self._backend.dependency_region(key)
        return self._regions[key]

    def read_whole_region(self) -> None:
        """Read the region of every component and service at once, and answer each later
        region of theirs with it, as the embedded backend answers every region with the
        whole estate: a region larger than asked gives the same answers, and a walk costs
        what it touches. For a command that withdraws one thing after another across the
        estate (``explore``), each of which read a region of its own."""
        ids = frozenset(
            node.id for label in (Label.COMPONENT, Label.SERVICE) for node in self.nodes(label)
        )
        self._whole = (ids, self._backend.dependency_region(ids))

    def read_every_edge(self, rels: Iterable[Rel]) -> None:
        """Read every node and every edge of these types at once (a query for the nodes,
        unless read before, and one a type), and answer from them the edges of one of
        these types touching any node, and the searches along them. For a command that
        resolves one vendor after another (``explore``): each read its subsidiaries, what
        they provide and what that realises, three queries of Neo4j a vendor."""
        every = [node.id for node in self.nodes()]
        for rel in rels:
            edges = self.edges(rel)
            for direction in Direction:
                read: dict[NodeId, list[GraphEdge]] = {node_id: [] for node_id in every}
                for edge in edges:
                    read[edge.source if direction is Direction.OUT else edge.target].append(edge)
                self._touching.setdefault((direction, frozenset([rel])), {}).update(read)
            self._every.add(rel)

    def subgraph(self, ids: Iterable[NodeId]) -> Subgraph:
        return self._backend.subgraph(ids)

    def summary(self) -> LoadSummary:
        return self._backend.summary()


__all__ = ["RememberedGraph"]
