"""A ``DependencyRegion`` held in memory, from indexes or from rows a database returned."""

from __future__ import annotations

import contextlib
import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence

from exitplan.graph.port import DependsOn, GraphNode, Walk, WalkEdge, runs_today
from exitplan.model import NodeId


class MemoryRegion:
    """Dependency edges by either end, and the nodes they join. Lookups are one dictionary
    access each. ``dependents`` lists are ordered by dependent, ``dependencies`` by target,
    so that every walk over them is deterministic."""

    _NONE: Sequence[DependsOn] = ()

    def __init__(
        self,
        dependents: Mapping[NodeId, list[DependsOn]],
        dependencies: Mapping[NodeId, list[DependsOn]],
        nodes: Mapping[NodeId, GraphNode],
    ) -> None:
        self._dependents = dependents
        self._dependencies = dependencies
        self._nodes = nodes
        self._not_in_use = idle(nodes.values(), dependents, dependencies)
        self._walk: Walk | None = None

    @classmethod
    def of(cls, edges: Iterable[DependsOn], nodes: Mapping[NodeId, GraphNode]) -> MemoryRegion:
        dependents: dict[NodeId, list[DependsOn]] = defaultdict(list)
        dependencies: dict[NodeId, list[DependsOn]] = defaultdict(list)
        for edge in edges:
            dependents[edge.target].append(edge)
            dependencies[edge.source].append(edge)
        # An edge is a tuple that starts (source, target), and no two edges join the same
        # pair (the loader refuses a dependency named twice): sorted as they are, the
        # lists into a node are by source and those out of one by target, without a key
        # function called for each edge.
        for listed in dependents.values():  # linear when the edges come sorted
            listed.sort()
        for listed in dependencies.values():
            listed.sort()
        return cls(dict(dependents), dict(dependencies), nodes)

    def dependents(self, node_id: NodeId) -> Sequence[DependsOn]:
        return self._dependents.get(node_id, self._NONE)

    def dependencies(self, node_id: NodeId) -> Sequence[DependsOn]:
        return self._dependencies.get(node_id, self._NONE)

    def node(self, node_id: NodeId) -> GraphNode:
        return self._nodes[node_id]

    def in_use(self, node_id: NodeId) -> bool:
        return node_id not in self._not_in_use

    def walk(self) -> Walk:
        if self._walk is None:
            with collector_paused():  # a tuple for every edge, all kept
                self._walk = _number(self._dependents, self._dependencies, self._nodes)
        return self._walk


def idle(
    nodes: Iterable[GraphNode],
    dependents: Mapping[NodeId, Sequence[DependsOn]],
    dependencies: Mapping[NodeId, Sequence[DependsOn]],
) -> frozenset[NodeId]:
    """The nodes not in use: nobody runs them today (a candidate, a retired component), and
    nothing in use needs them. One that something in use needs, directly or through other
    such nodes, is taken as running (a loading notice says so): the simulation shows it
    as it shows what is in use, withdrawn, broken or degraded, so that a chain never
    passes through a node the answer leaves out. What needs a node of a region is in the
    region, so the answer is the same on every backend; the cost grows with the nodes
    nobody runs and their links."""
    lifecycle = {n.id for n in nodes if not runs_today(n)}
    taken = [
        node_id
        for node_id in lifecycle
        if any(edge.source not in lifecycle for edge in dependents.get(node_id, ()))
    ]
    needed = set(taken)
    while taken:
        for edge in dependencies.get(taken.pop(), ()):
            if edge.target in lifecycle and edge.target not in needed:
                needed.add(edge.target)
                taken.append(edge.target)
    return frozenset(lifecycle - needed)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while a region is read or numbered: an object
    for every edge is made and kept there, so each collection in between would walk them
    all in vain. They hold no cycles of garbage. When the pause made more than
    ``FROZEN_FROM`` objects, they are frozen (``gc.freeze``) before the collector is let
    go again; else its first collection would walk them all at once (1.6 s of a 100k
    region read from Neo4j)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_count()[0] > FROZEN_FROM:
                gc.freeze()
            gc.enable()


FROZEN_FROM = 1_000_000
"""Objects made in a pause, beyond which they are frozen: a region of a large estate. A
smaller one is left to the collector, so that a process that reads many small regions
(the tests) does not freeze the garbage of everything else it does."""


def _number(
    dependents: Mapping[NodeId, list[DependsOn]],
    dependencies: Mapping[NodeId, list[DependsOn]],
    nodes: Mapping[NodeId, GraphNode],
) -> Walk:
    """Number the nodes in id order and list every node's dependents by number. Linear in
    the edges (one pass, a tuple each) after sorting the ids; the edges are read as the
    tuples they are, a name lookup for each field being the larger part of the cost."""
    ids = sorted({*nodes, *dependents, *dependencies})
    number = {node_id: n for n, node_id in enumerate(ids)}
    none: tuple[WalkEdge, ...] = ()
    every = [none] * len(ids)
    hard = [none] * len(ids)
    soft_or_grouped = [none] * len(ids)
    groups: dict[tuple[NodeId, str], int] = {}
    group_of = groups.setdefault
    for target, edges in dependents.items():
        walked: list[WalkEdge] = []
        hard_only: list[WalkEdge] = []
        fewer: list[WalkEdge] = []
        for edge in edges:
            source, _, is_hard, onset_days, at_renewal, group, _ = edge
            if group is None:
                step = (number[source], onset_days, at_renewal, -1, edge)
                (hard_only if is_hard else fewer).append(step)
            else:
                step = (
                    number[source],
                    onset_days,
                    at_renewal,
                    group_of((source, group), len(groups)),
                    edge,
                )
                fewer.append(step)
                if is_hard:
                    hard_only.append(step)
            walked.append(step)
        n = number[target]
        every[n] = tuple(walked)
        if hard_only:
            hard[n] = tuple(hard_only)
        if fewer:
            soft_or_grouped[n] = tuple(fewer)
    members = [0] * len(groups)
    hard_members = [0] * len(groups)
    for (source, group), g in groups.items():
        for edge in dependencies.get(source, ()):
            if edge.group == group:
                members[g] += 1
                hard_members[g] += edge.hard
    return Walk(ids, number, every, hard, soft_or_grouped, members, hard_members)
