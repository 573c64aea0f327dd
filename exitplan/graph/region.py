"""A ``DependencyRegion`` held in memory, from indexes or from rows a database returned."""

from __future__ import annotations

import gc
import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from exitplan.graph.port import DependsOn, GraphNode, Walk, WalkEdge, runs_today
from exitplan.model import NodeId

_SOURCE = operator.attrgetter("source")
_TARGET = operator.attrgetter("target")


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
        self._not_in_use = frozenset(n.id for n in nodes.values() if not runs_today(n))
        self._walk: Walk | None = None

    @classmethod
    def of(cls, edges: Iterable[DependsOn], nodes: Mapping[NodeId, GraphNode]) -> MemoryRegion:
        dependents: dict[NodeId, list[DependsOn]] = defaultdict(list)
        dependencies: dict[NodeId, list[DependsOn]] = defaultdict(list)
        for edge in edges:
            dependents[edge.target].append(edge)
            dependencies[edge.source].append(edge)
        for listed in dependents.values():  # linear when the edges come sorted
            listed.sort(key=_SOURCE)
        for listed in dependencies.values():
            listed.sort(key=_TARGET)
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
            was_enabled = gc.isenabled()
            gc.disable()  # a tuple for every edge, all kept: collecting would walk them in vain
            try:
                self._walk = _number(self._dependents, self._dependencies, self._nodes)
            finally:
                if was_enabled:
                    gc.enable()
        return self._walk


def _number(
    dependents: Mapping[NodeId, list[DependsOn]],
    dependencies: Mapping[NodeId, list[DependsOn]],
    nodes: Mapping[NodeId, GraphNode],
) -> Walk:
    """Number the nodes in id order and list every node's dependents by number. Linear in
    the edges (one pass, a tuple each) after sorting the ids."""
    ids = sorted({*nodes, *dependents, *dependencies})
    number = {node_id: n for n, node_id in enumerate(ids)}
    none: tuple[WalkEdge, ...] = ()
    every = [none] * len(ids)
    hard = [none] * len(ids)
    soft_or_grouped = [none] * len(ids)
    groups: dict[tuple[NodeId, str], int] = {}
    for target, edges in dependents.items():
        walked = []
        for edge in edges:
            group = edge.group
            if group is None:
                walked.append((number[edge.source], edge.onset_days, edge.at_renewal, -1, edge))
            else:
                key = (edge.source, group)
                g = groups.setdefault(key, len(groups))
                walked.append((number[edge.source], edge.onset_days, edge.at_renewal, g, edge))
        n = number[target]
        every[n] = tuple(walked)
        hard[n] = tuple(w for w in walked if w[4].hard)
        soft_or_grouped[n] = tuple(w for w in walked if w[3] >= 0 or not w[4].hard)
    members = [0] * len(groups)
    hard_members = [0] * len(groups)
    for (source, group), g in groups.items():
        for edge in dependencies.get(source, ()):
            if edge.group == group:
                members[g] += 1
                hard_members[g] += edge.hard
    return Walk(ids, number, every, hard, soft_or_grouped, members, hard_members)
