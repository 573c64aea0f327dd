"""What a withdrawal breaks and degrades, without the days: for the register and the
estate check, which withdraw every component on its own and ask only *what* is affected.

The sets are those ``propagate`` gives (its failure and degradation days are finite
exactly for these nodes): a node fails when a hard dependency outside any group fails,
or every hard member of one of its redundant groups does; it degrades when it fails, or
any dependency outside a group degrades, or every member of a group does. Withdrawn
nodes fail.

One ``Reach`` serves many withdrawals over the same region: each node's dependents are
sorted into sets once, the first time a walk meets the node, and a walk then adds a
node's dependents with one set difference. The cost grows with what each withdrawal
reaches, never with the estate.

Example: ``workplace`` needs ``ca`` (hard), ``apps`` needs ``ca`` (soft), and ``mail``
needs one of ``ca`` and ``relay``. Withdrawing ``ca`` breaks ``workplace``, degrades
``apps``, and leaves ``mail`` as it is.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Protocol

from exitplan.graph.port import DependencyRegion
from exitplan.model import NodeId

_Group = tuple[NodeId, str]
"""A dependent and the name of one of its redundant groups."""


class Affects(Protocol):
    """What is affected, as the choice of alternatives reads it: ``Times`` (with the days)
    and ``Reached`` (without) both answer."""

    @property
    def fail(self) -> Collection[NodeId]: ...

    @property
    def degrade(self) -> Collection[NodeId]: ...

    @property
    def withdrawn(self) -> frozenset[NodeId]: ...


@dataclass(frozen=True)
class Reached:
    """The nodes a withdrawal breaks (``fail``, the withdrawn included) and those it
    breaks or degrades (``degrade``, which holds ``fail``)."""

    fail: frozenset[NodeId]
    degrade: frozenset[NodeId]
    withdrawn: frozenset[NodeId]


_Dependents = tuple[frozenset[NodeId], tuple[_Group, ...]]
"""A node's dependents through dependencies outside any group, and one entry per group
member edge into the node (a tuple: the walks read millions of them)."""


class Reach:
    """Failure and degradation sets of withdrawals over one dependency region."""

    def __init__(self, region: DependencyRegion) -> None:
        self._region = region
        self._hard: dict[NodeId, _Dependents] = {}  # through hard dependencies only
        self._any: dict[NodeId, _Dependents] = {}  # through any, hard or soft
        self._sizes: dict[tuple[_Group, bool], int] = {}

    def of(self, withdrawn: Iterable[NodeId]) -> Reached:
        gone = frozenset(withdrawn)
        fail = self._close(gone, hard=True)
        degrade = self._close(fail, hard=False)
        return Reached(frozenset(fail), frozenset(degrade), gone)

    def _read(self, node_id: NodeId, *, hard: bool) -> _Dependents:
        edges = self._region.dependents(node_id)
        self._hard[node_id] = (
            frozenset(e.source for e in edges if e.hard and e.group is None),
            tuple((e.source, e.group) for e in edges if e.hard and e.group is not None),
        )
        self._any[node_id] = (
            frozenset(e.source for e in edges if e.group is None),
            tuple((e.source, e.group) for e in edges if e.group is not None),
        )
        return self._hard[node_id] if hard else self._any[node_id]

    def _size(self, group: _Group, hard: bool) -> int:
        """How many member edges a group has (the hard ones only, for failure)."""
        size = self._sizes.get((group, hard))
        if size is None:
            dependent, name = group
            size = self._sizes[(group, hard)] = sum(
                1
                for e in self._region.dependencies(dependent)
                if e.group == name and (e.hard or not hard)
            )
        return size

    def _close(self, start: Iterable[NodeId], *, hard: bool) -> set[NodeId]:
        """``start`` and everything that fails (``hard``) or degrades through it. The
        walk is the hot loop of the register and the check, hence its plain style."""
        reached = set(start)
        frontier = list(reached)
        known = self._hard if hard else self._any
        arrived: dict[_Group, int] = {}  # member edges of a group whose target is reached
        while frontier:
            node_id = frontier.pop()
            singles, groups = known.get(node_id) or self._read(node_id, hard=hard)
            fresh = singles - reached
            if fresh:
                reached |= fresh
                frontier.extend(fresh)
            for group in groups:
                if group[0] in reached:
                    continue
                count = arrived.get(group, 0) + 1
                if count == self._size(group, hard):
                    reached.add(group[0])
                    frontier.append(group[0])
                else:
                    arrived[group] = count
        return reached


def hard_acyclic(region: DependencyRegion, nodes: Iterable[NodeId]) -> bool:
    """Whether the hard dependencies among ``nodes``, redundant groups included, form no
    cycle: every node can be peeled off once all it needs hard is (Kahn, 1962)."""
    waiting = dict.fromkeys(nodes, 0)
    for node_id in waiting:
        needs = {e.target for e in region.dependencies(node_id) if e.hard and e.target in waiting}
        waiting[node_id] = len(needs)
    ready = [node_id for node_id, count in waiting.items() if count == 0]
    peeled = 0
    while ready:
        peeled += 1
        for dependent in {e.source for e in region.dependents(ready.pop()) if e.hard}:
            if dependent in waiting:
                waiting[dependent] -= 1
                if waiting[dependent] == 0:
                    ready.append(dependent)
    return peeled == len(waiting)


__all__ = ["Affects", "Reach", "Reached", "hard_acyclic"]
