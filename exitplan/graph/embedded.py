"""The embedded backend: the estate graph held in memory (the default; no server)."""

from __future__ import annotations

import heapq
import itertools
import operator
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping

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
    breadth_first,
)
from exitplan.graph.region import MemoryRegion
from exitplan.graph.shape import dependency_edges, dependency_links, estate_edges, estate_nodes
from exitplan.model import Component, Estate, EstateInfo, NodeId, Service

Adjacency = dict[Rel, dict[NodeId, list[GraphEdge]]]
_SORT_KEY = operator.attrgetter("sort_key")


class EmbeddedGraph:
    """A ``GraphBackend`` held in memory.

    Loading indexes every edge by relationship type and direction, so each query is a few
    dictionary look-ups and a scenario pays only for the region it touches, never for the
    size of the estate. The ``DEPENDS_ON`` edges, most of any estate, are held in the
    compact form the simulation walks; each node's edges with all their properties are
    made when first asked for. ``networkx`` gives the same graph as a ``MultiDiGraph`` for
    algorithms that want it.
    """

    def __init__(self, estate: Estate | None = None) -> None:
        self._info = EstateInfo(name=NodeId("empty"))
        self._nodes: dict[NodeId, GraphNode] = {}
        self._edges: list[GraphEdge] = []  # every edge but DEPENDS_ON, sorted
        self._out: Adjacency = {}
        self._in: Adjacency = {}
        self._owners: dict[NodeId, Component | Service] = {}  # those that depend on any
        self._made: dict[NodeId, list[GraphEdge]] = {}  # DEPENDS_ON edges out of a node
        self._all_dependencies: list[GraphEdge] | None = None
        self._region = MemoryRegion({}, {}, {})
        self._tagged: Mapping[str, list[NodeId]] = {}
        self._labelled: Mapping[Label, list[GraphNode]] = {}  # each kind's nodes, by id
        if estate is not None:
            self.load(estate)

    @property
    def info(self) -> EstateInfo:
        return self._info

    @property
    def networkx(self) -> nx.MultiDiGraph[NodeId]:
        """The estate as a ``networkx.MultiDiGraph`` (nodes carry ``node``, edges ``edge``)."""
        graph: nx.MultiDiGraph[NodeId] = nx.MultiDiGraph()
        for node in self._nodes.values():
            graph.add_node(node.id, node=node)
        for edge in self.edges():
            graph.add_edge(
                edge.source, edge.target, key=(edge.type, edge.properties.get("id", "")), edge=edge
            )
        return graph

    def load(self, estate: Estate) -> LoadSummary:
        nodes = estate_nodes(estate)
        edges = estate_edges(estate, dependencies=False)  # sorted: so is every index below
        outgoing: Adjacency = {rel: defaultdict(list) for rel in Rel}
        incoming: Adjacency = {rel: defaultdict(list) for rel in Rel}
        for edge in edges:
            outgoing[edge.type][edge.source].append(edge)
            incoming[edge.type][edge.target].append(edge)
        for entries in incoming.values():
            for listed in entries.values():
                listed.sort(key=_SORT_KEY)
        self._info = estate.info
        self._nodes = {node.id: node for node in nodes}
        self._edges = edges
        self._out = {rel: dict(entries) for rel, entries in outgoing.items()}
        self._in = {rel: dict(entries) for rel, entries in incoming.items()}
        owners: Iterator[Component | Service] = itertools.chain(estate.components, estate.services)
        self._owners = {owner.id: owner for owner in owners if owner.depends_on}
        self._made = {}
        self._all_dependencies = None
        # The whole graph is one region: a scenario then pays only for what it walks.
        self._region = MemoryRegion.of(dependency_links(estate), self._nodes)
        tagged: dict[str, list[NodeId]] = defaultdict(list)
        for node in nodes:
            for tag in node.properties.get("tags", ()):  # type: ignore[union-attr]
                tagged[str(tag)].append(node.id)
        self._tagged = dict(tagged)
        labelled: dict[Label, list[GraphNode]] = defaultdict(list)
        for node in self._nodes.values():  # by id, as ``nodes`` came
            labelled[node.label].append(node)
        self._labelled = dict(labelled)
        return self.summary()

    def summary(self) -> LoadSummary:
        nodes = Counter(node.label for node in self._nodes.values())
        relationships = {rel: sum(len(v) for v in self._out.get(rel, {}).values()) for rel in Rel}
        relationships[Rel.DEPENDS_ON] = sum(len(o.depends_on) for o in self._owners.values())
        return LoadSummary(self._info.name, {label: nodes[label] for label in Label}, relationships)

    def _dependencies_out(self, node_id: NodeId) -> list[GraphEdge]:
        made = self._made.get(node_id)
        if made is None:
            owner = self._owners.get(node_id)
            made = sorted(dependency_edges(owner), key=_SORT_KEY) if owner is not None else []
            self._made[node_id] = made
        return made

    def _dependencies_in(self, node_id: NodeId) -> list[GraphEdge]:
        sources = dict.fromkeys(link.source for link in self._region.dependents(node_id))
        return [
            edge
            for source in sources  # in order: the region lists them by dependent
            for edge in self._dependencies_out(source)
            if edge.target == node_id
        ]

    def _at(self, node_id: NodeId, direction: Direction, rel: Rel) -> list[GraphEdge]:
        """The edges of one type at one end of a node, sorted; empty when none."""
        if rel is Rel.DEPENDS_ON:
            if direction is Direction.OUT:
                return self._dependencies_out(node_id)
            return self._dependencies_in(node_id)
        index = self._out if direction is Direction.OUT else self._in
        return index[rel].get(node_id, [])

    def _every_dependency(self) -> list[GraphEdge]:
        if self._all_dependencies is None:
            self._all_dependencies = [
                edge for node_id in sorted(self._owners) for edge in self._dependencies_out(node_id)
            ]
        return self._all_dependencies

    def _known(self, node_id: NodeId) -> None:
        if node_id not in self._nodes:
            raise UnknownNodeError(node_id, self._nodes, estate=self._info.name)

    def node(self, node_id: NodeId) -> GraphNode:
        self._known(node_id)
        return self._nodes[node_id]

    def nodes(self, label: Label | None = None) -> list[GraphNode]:
        if label is not None:
            return list(self._labelled.get(label, ()))
        return sorted(self._nodes.values(), key=lambda node: node.id)

    def edges(self, rel: Rel | None = None) -> list[GraphEdge]:
        if rel is Rel.DEPENDS_ON:
            return list(self._every_dependency())
        if rel is not None:
            return [edge for edge in self._edges if edge.type is rel]
        return list(heapq.merge(self._edges, self._every_dependency(), key=_SORT_KEY))

    def edges_of(
        self, node_id: NodeId, direction: Direction, rels: Collection[Rel] | None = None
    ) -> list[GraphEdge]:
        self._known(node_id)
        every = Rel if rels is None else rels  # no type asked: no edge, as on Neo4j
        lists = [found for rel in every if (found := self._at(node_id, direction, rel))]
        if len(lists) == 1:
            return list(lists[0])
        return list(heapq.merge(*lists, key=_SORT_KEY))

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
        inward = direction is Direction.IN
        region = self._region
        steps = [
            (region.dependents if inward else region.dependencies)
            if rel is Rel.DEPENDS_ON  # the compact edges have the same ends
            else (self._in if inward else self._out)[rel].get
            for rel in rels
        ]

        def neighbours(current: NodeId) -> Iterator[NodeId]:
            for step in steps:
                for edge in step(current) or ():
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
        return {node_id: self.node(node_id) for node_id in ids}

    def nodes_tagged(self, tag: str) -> list[GraphNode]:
        return [self._nodes[node_id] for node_id in self._tagged.get(tag, [])]

    def edges_touching(
        self, ids: Iterable[NodeId], direction: Direction, rels: Collection[Rel]
    ) -> list[GraphEdge]:
        found: list[GraphEdge] = []
        for node_id in set(ids):
            self._known(node_id)
            for rel in rels:
                found.extend(self._at(node_id, direction, rel))
        return sorted(found, key=_SORT_KEY)

    def dependency_region(self, ids: Iterable[NodeId]) -> MemoryRegion:
        for node_id in ids:
            self._known(node_id)
        return self._region

    def subgraph(self, ids: Iterable[NodeId]) -> Subgraph:
        wanted = set(ids)
        for node_id in wanted:
            self._known(node_id)
        nodes = sorted((self._nodes[node_id] for node_id in wanted), key=lambda n: n.id)
        edges = [
            edge
            for node_id in sorted(wanted)
            for rel in Rel
            for edge in self._at(node_id, Direction.OUT, rel)
            if edge.target in wanted
        ]
        return Subgraph(tuple(nodes), tuple(sorted(edges, key=_SORT_KEY)))
