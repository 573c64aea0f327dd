"""A ``DependencyRegion`` held in memory, from indexes or from rows a database returned."""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from exitplan.graph.port import DependsOn, GraphNode, runs_today
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
