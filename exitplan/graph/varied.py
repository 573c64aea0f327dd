"""An estate with a few of its elements changed, seen through the backend it came from.

``VariedGraph`` answers every query of the backend port as ``backend`` does, except that
some edges are replaced or absent and some nodes have other properties. It copies nothing
of the estate: each answer is the backend's, patched where it touches a change, so asking
"and if this dependency were hard?" costs what the simulation walks, not a new load.

Example: the estate with ``workplace → intune`` absent::

    key = EdgeKey(Rel.DEPENDS_ON, NodeId("workplace"), NodeId("intune"))
    varied = VariedGraph(backend, edges={key: None})
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

from exitplan.graph.port import (
    DependencyRegion,
    DependsOn,
    Direction,
    GraphBackend,
    GraphEdge,
    GraphNode,
    Label,
    LoadSummary,
    Rel,
    Subgraph,
    Walk,
    WalkEdge,
    breadth_first,
    runs_today,
)
from exitplan.model import Estate, EstateInfo, NodeId


class EdgeKey(NamedTuple):
    """An edge by its type and ends (the estate has at most one of a type between two
    nodes, data flows aside, which are never varied)."""

    type: Rel
    source: NodeId
    target: NodeId

    @classmethod
    def of(cls, edge: GraphEdge) -> EdgeKey:
        return cls(edge.type, edge.source, edge.target)


def _sort_key(edge: GraphEdge) -> tuple[str, str, str, str]:
    return edge.sort_key


class VariedGraph:
    """``backend`` with ``edges`` replaced (``None``: absent) and ``nodes`` replaced."""

    def __init__(
        self,
        backend: GraphBackend,
        *,
        edges: Mapping[EdgeKey, GraphEdge | None] | None = None,
        nodes: Mapping[NodeId, GraphNode] | None = None,
    ) -> None:
        self._backend = backend
        self._edges = dict(edges or {})
        self._nodes = dict(nodes or {})

    def _patched(self, edges: Iterable[GraphEdge]) -> list[GraphEdge]:
        changes = self._edges
        if not changes:
            return list(edges)
        found = []
        for edge in edges:
            key = EdgeKey.of(edge)
            if key not in changes:
                found.append(edge)
            elif (replacement := changes[key]) is not None:
                found.append(replacement)
        return found

    def _node(self, node: GraphNode) -> GraphNode:
        return self._nodes.get(node.id, node)

    @property
    def info(self) -> EstateInfo:
        return self._backend.info

    def load(self, estate: Estate) -> LoadSummary:
        raise TypeError("a varied estate is read-only")

    def node(self, node_id: NodeId) -> GraphNode:
        return self._node(self._backend.node(node_id))

    def nodes(self, label: Label | None = None) -> list[GraphNode]:
        return [self._node(node) for node in self._backend.nodes(label)]

    def edges(self, rel: Rel | None = None) -> list[GraphEdge]:
        return self._patched(self._backend.edges(rel))

    def edges_of(
        self, node_id: NodeId, direction: Direction, rels: Collection[Rel] | None = None
    ) -> list[GraphEdge]:
        return self._patched(self._backend.edges_of(node_id, direction, rels))

    def _reach(
        self,
        ids: Iterable[NodeId],
        direction: Direction,
        max_depth: int | None,
        rels: Collection[Rel],
    ) -> set[NodeId]:
        """The backend's search when no change lies along ``rels``, else a search over
        the patched edges."""
        starts = set(ids)
        if not any(key.type in rels for key in self._edges):
            search = (
                self._backend.dependents
                if direction is Direction.IN
                else self._backend.dependencies
            )
            return search(starts, max_depth=max_depth, rels=rels)
        inward = direction is Direction.IN

        def neighbours(current: NodeId) -> Iterator[NodeId]:
            for edge in self.edges_of(current, direction, rels):
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

    def nodes_by_id(self, ids: Iterable[NodeId]) -> dict[NodeId, GraphNode]:
        return {key: self._node(node) for key, node in self._backend.nodes_by_id(ids).items()}

    def nodes_tagged(self, tag: str) -> list[GraphNode]:
        return [self._node(node) for node in self._backend.nodes_tagged(tag)]

    def edges_touching(
        self, ids: Iterable[NodeId], direction: Direction, rels: Collection[Rel]
    ) -> list[GraphEdge]:
        return self._patched(self._backend.edges_touching(ids, direction, rels))

    def dependency_region(self, ids: Iterable[NodeId]) -> DependencyRegion:
        region = self._backend.dependency_region(ids)
        dependencies = {
            key: edge for key, edge in self._edges.items() if key.type is Rel.DEPENDS_ON
        }
        if not dependencies and not self._nodes:
            return region
        return VariedRegion(region, dependencies, self._nodes)

    def subgraph(self, ids: Iterable[NodeId]) -> Subgraph:
        found = self._backend.subgraph(ids)
        return Subgraph(
            tuple(self._node(node) for node in found.nodes),
            tuple(self._patched(found.edges)),
        )

    def summary(self) -> LoadSummary:
        return self._backend.summary()


class VariedRegion:
    """A dependency region with some ``DEPENDS_ON`` edges replaced or absent, and some
    nodes replaced. Its walk shares every list of the region's walk that no change
    touches."""

    def __init__(
        self,
        region: DependencyRegion,
        edges: Mapping[EdgeKey, GraphEdge | None],
        nodes: Mapping[NodeId, GraphNode],
    ) -> None:
        self._region = region
        self._edges = {
            (key.source, key.target): None if edge is None else DependsOn.of(edge)
            for key, edge in edges.items()
        }
        self._nodes = nodes
        self._targets = {target for _, target in self._edges}
        self._sources = {source for source, _ in self._edges}
        self._absent = any(edge is None for edge in self._edges.values())
        self._taken: dict[NodeId, bool] = {}
        self._walk: Walk | None = None

    def _patched(self, edges: Iterable[DependsOn]) -> list[DependsOn]:
        found = []
        for edge in edges:
            key = (edge.source, edge.target)
            if key not in self._edges:
                found.append(edge)
            elif (replacement := self._edges[key]) is not None:
                found.append(replacement)
        return found

    def dependents(self, node_id: NodeId) -> Sequence[DependsOn]:
        found = self._region.dependents(node_id)
        return self._patched(found) if node_id in self._targets else found

    def dependencies(self, node_id: NodeId) -> Sequence[DependsOn]:
        found = self._region.dependencies(node_id)
        return self._patched(found) if node_id in self._sources else found

    def node(self, node_id: NodeId) -> GraphNode:
        return self._nodes.get(node_id) or self._region.node(node_id)

    def in_use(self, node_id: NodeId) -> bool:
        """As the region says, but for a node nobody runs that the region takes as running
        because something in use needs it: with a dependency absent, nothing in use may
        need it any more. (A variation only takes dependencies away or changes them, and
        never a lifecycle, so it takes no other node as running.)"""
        if not self._region.in_use(node_id):
            return False
        if not self._absent or runs_today(self.node(node_id)):
            return True
        known = self._taken.get(node_id)
        if known is None:
            known = self._taken[node_id] = self._needed_in_use(node_id)
        return known

    def _needed_in_use(self, node_id: NodeId) -> bool:
        """Whether something that runs today needs ``node_id``, through nodes nobody runs."""
        seen = {node_id}
        stack = [node_id]
        while stack:
            for edge in self.dependents(stack.pop()):
                if edge.source in seen:
                    continue
                if runs_today(self.node(edge.source)):
                    return True
                seen.add(edge.source)
                stack.append(edge.source)
        return False

    def walk(self) -> Walk:
        if self._walk is None:
            self._walk = self._varied_walk(self._region.walk())
        return self._walk

    def _varied_walk(self, walk: Walk) -> Walk:
        """The region's walk with the lists into every changed target walked again, and
        the member counts of the groups the changes touch counted again."""
        every, hard, fewer = list(walk.every), list(walk.hard), list(walk.soft_or_grouped)
        members, hard_members = list(walk.members), list(walk.hard_members)
        # A target outside the region (a database region holds only what the withdrawal
        # reaches) is never walked: a change there cannot move a day.
        targets = [target for target in sorted(self._targets) if target in walk.number]
        groups = {
            (walked[4].source, walked[4].group): walked[3]
            for target in targets
            for walked in walk.every[walk.number[target]]
            if walked[3] >= 0
        }
        for target in targets:
            n = walk.number[target]
            walked: list[WalkEdge] = []
            for edge in self.dependents(target):
                group = -1 if edge.group is None else groups[edge.source, edge.group]
                walked.append(
                    (walk.number[edge.source], edge.onset_days, edge.at_renewal, group, edge)
                )
            every[n] = tuple(walked)
            hard[n] = tuple(w for w in walked if w[4].hard)
            fewer[n] = tuple(w for w in walked if w[3] >= 0 or not w[4].hard)
        for (source, name), group in groups.items():
            grouped = [e for e in self.dependencies(source) if e.group == name]
            members[group] = len(grouped)
            hard_members[group] = sum(e.hard for e in grouped)
        return Walk(walk.ids, walk.number, every, hard, fewer, members, hard_members)


__all__ = ["EdgeKey", "VariedGraph", "VariedRegion"]
