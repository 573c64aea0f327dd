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
reaches, never with the estate. When the check asks of every component, or of every
vendor group, only which services it breaks and which it degrades, ``each_withdrawal``
answers for all of them in about the time of one walk over the estate, where one walk
each grows with the square of a layered estate.

Example: ``workplace`` needs ``ca`` (hard), ``apps`` needs ``ca`` (soft), and ``mail``
needs one of ``ca`` and ``relay``. Withdrawing ``ca`` breaks ``workplace``, degrades
``apps``, and leaves ``mail`` as it is.
"""

from __future__ import annotations

import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

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


Alone = tuple[frozenset[NodeId], frozenset[NodeId]]
"""Of some targets, those a withdrawal on its own breaks, and those it only degrades."""

UNREACHED: Alone = (frozenset(), frozenset())
"""What ``each_withdrawal`` leaves out: a withdrawal that reaches no target."""

Key = TypeVar("Key", bound=Hashable)


def each_withdrawal(
    region: DependencyRegion,
    withdrawals: Mapping[Key, Collection[NodeId]],
    targets: Collection[NodeId],
) -> dict[Key, Alone]:
    """For each withdrawal (nodes withdrawn together), on its own, which of ``targets``
    fail and which only degrade (what ``Reach.of`` says of them), for all at once: in time
    that grows with the dependencies below the targets (times the length of the sets
    below) instead of one walk per withdrawal. A withdrawal that reaches no target is left
    out.

    The sets are turned round: for each node, the withdrawals that make it fail, as the
    bits of an int. That is the least solution of: the withdrawals it is part of, with
    the sets of its hard dependencies outside any group, and for each of its groups with
    hard members the withdrawals in the sets of all those members. Likewise the
    withdrawals that make it fail or degrade: its failure set, with the sets of every
    dependency outside a group, and for each group the withdrawals in the sets of all
    its members. Each strongly connected part of the graph below the targets is solved
    after the parts it depends on (``_parts``), going round a part with a cycle until
    nothing changes. The withdrawals are numbered in the order their first node is met,
    so that a set of one-component withdrawals holds no bit above its own part's and the
    ints stay short; a set is dropped once every dependent has read it."""
    parts = _parts(sorted(targets), lambda node: [e.target for e in region.dependencies(node)])
    met = {node: index for index, node in enumerate(n for part in parts for n in part)}
    numbered = sorted(
        (key for key, nodes in withdrawals.items() if any(n in met for n in nodes)),
        key=lambda key: min(met[n] for n in withdrawals[key] if n in met),
    )
    bits: dict[NodeId, int] = defaultdict(int)
    for index, key in enumerate(numbered):
        for node in withdrawals[key]:
            bits[node] |= 1 << index
    kept = frozenset(targets)
    fails, affects = _solve(region, parts, bits, kept)
    broken: dict[Key, set[NodeId]] = defaultdict(set)
    degraded: dict[Key, set[NodeId]] = defaultdict(set)
    for target in sorted(kept & fails.keys()):
        failing = fails[target]
        for found, set_bits in ((broken, failing), (degraded, affects[target] & ~failing)):
            for key in _members(set_bits, numbered):
                found[key].add(target)
    return {
        key: (frozenset(broken.get(key, ())), frozenset(degraded.get(key, ())))
        for key in numbered
        if key in broken or key in degraded
    }


def _solve(
    region: DependencyRegion,
    parts: Sequence[Sequence[NodeId]],
    own: Mapping[NodeId, int],
    kept: frozenset[NodeId],
) -> tuple[dict[NodeId, int], dict[NodeId, int]]:
    """The failure and the failure-or-degradation sets of ``each_withdrawal``, part by part,
    from the withdrawals each node is part of (``own``); only those of ``kept`` nodes are
    left at the end."""
    part_of = {node: index for index, part in enumerate(parts) for node in part}
    rules = {node: _Rules.of(region, node) for node in part_of}
    readers: dict[NodeId, int] = defaultdict(int)  # dependents in other parts yet to read
    for node, index in part_of.items():
        for target in rules[node].below:
            if part_of[target] != index:
                readers[target] += 1
    fails: dict[NodeId, int] = {}
    affects: dict[NodeId, int] = {}
    for index, part in enumerate(parts):
        for node in part:
            fails[node] = affects[node] = own.get(node, 0)
        # Round a cycle the sets grow until nothing changes: a pass for each step a bit
        # travels along it, few in an estate (2,000 passes at worst for a ring of 2,000).
        cycle = len(part) > 1 or part[0] in rules[part[0]].below
        changed = True
        while changed:
            changed = False
            for node in part:
                failing, affected = rules[node].apply(node, fails, affects)
                if failing != fails[node] or affected != affects[node]:
                    fails[node], affects[node] = failing, affected
                    changed = cycle  # without a cycle, once is enough
        for node in part:
            for target in rules[node].below:
                if part_of[target] != index:
                    readers[target] -= 1
                    if readers[target] == 0 and target not in kept:
                        del fails[target], affects[target]
    return fails, affects


@dataclass(frozen=True)
class _Rules:
    """What one node's sets are made of (``each_withdrawal``)."""

    hard: tuple[NodeId, ...]
    every: tuple[NodeId, ...]
    hard_groups: tuple[tuple[NodeId, ...], ...]
    groups: tuple[tuple[NodeId, ...], ...]
    below: frozenset[NodeId]

    @classmethod
    def of(cls, region: DependencyRegion, node: NodeId) -> _Rules:
        hard, every = [], []
        hard_groups: dict[str, list[NodeId]] = defaultdict(list)
        groups: dict[str, list[NodeId]] = defaultdict(list)
        for edge in region.dependencies(node):
            if edge.group is None:
                every.append(edge.target)
                if edge.hard:
                    hard.append(edge.target)
            else:
                groups[edge.group].append(edge.target)
                if edge.hard:
                    hard_groups[edge.group].append(edge.target)
        return cls(
            tuple(hard),
            tuple(every),
            tuple(map(tuple, hard_groups.values())),
            tuple(map(tuple, groups.values())),
            frozenset([*every, *(m for members in groups.values() for m in members)]),
        )

    def apply(
        self, node: NodeId, fails: Mapping[NodeId, int], affects: Mapping[NodeId, int]
    ) -> tuple[int, int]:
        failing = fails[node]
        for target in self.hard:
            failing |= fails[target]
        for members in self.hard_groups:
            failing |= functools.reduce(operator.and_, (fails[m] for m in members))
        affected = affects[node] | failing
        for target in self.every:
            affected |= affects[target]
        for members in self.groups:
            affected |= functools.reduce(operator.and_, (affects[m] for m in members))
        return failing, affected


def _members(bits: int, numbered: Sequence[Key]) -> Iterator[Key]:
    """The withdrawals whose bits are set, lowest first."""
    text = bin(bits)[:1:-1]  # lowest bit first
    index = text.find("1")
    while index >= 0:
        yield numbered[index]
        index = text.find("1", index + 1)


def _parts(
    roots: Iterable[NodeId], below: Callable[[NodeId], Sequence[NodeId]]
) -> list[list[NodeId]]:
    """The strongly connected parts of the graph ``below`` the roots, each after every
    part it reaches (Tarjan, 1972: a part is complete when its first node is left, and
    every part it leads to is complete before it), without recursion."""
    number: dict[NodeId, int] = {}
    low: dict[NodeId, int] = {}
    open_: list[NodeId] = []
    is_open: set[NodeId] = set()
    parts: list[list[NodeId]] = []
    for root in roots:
        if root in number:
            continue
        number[root] = low[root] = len(number)
        open_.append(root)
        is_open.add(root)
        walk = [(root, iter(below(root)))]
        while walk:
            node, targets = walk[-1]
            for target in targets:
                if target not in number:
                    number[target] = low[target] = len(number)
                    open_.append(target)
                    is_open.add(target)
                    walk.append((target, iter(below(target))))
                    break
                if target in is_open:
                    low[node] = min(low[node], number[target])
            else:
                walk.pop()
                if walk:
                    parent = walk[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == number[node]:
                    part: list[NodeId] = []
                    while not part or part[-1] != node:
                        part.append(open_.pop())
                        is_open.discard(part[-1])
                    parts.append(part)
    return parts


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


__all__ = [
    "UNREACHED",
    "Affects",
    "Alone",
    "Reach",
    "Reached",
    "each_withdrawal",
    "hard_acyclic",
]
