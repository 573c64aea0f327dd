"""When each node fails and degrades after a withdrawal (DESIGN.md §4).

Every node has a failure time and a degradation time, in days after the withdrawal (∞:
never). Withdrawn nodes fail at day 0. Through a dependency with ``onset`` days of grace:

* hard, outside any group: ``fail(n) <= fail(d) + onset`` and ``degr(n) <= degr(d) + onset``;
* hard, in an ``any_of_group``: the group fails when its *last* member fails,
  ``fail(n) <= max over members (fail(m) + onset_m)``, and degrades once no member works
  fully, ``degr(n) <= max over members (degr(m) + onset_m)``;
* soft: ``degr(n) <= degr(d) + onset``; a soft dependency never makes a node fail;

and a node's times are the earliest of its bounds. Degradation here always includes
failure (``degr(n) <= fail(n)``), which folds DESIGN.md's ``min(t_fail, t_degr)`` into one
quantity.

Both are least fixed points of "superior" functions (built from min, max and adding a
non-negative onset), so a Dijkstra-style priority queue finds them exactly (Knuth, 1977,
"A generalization of Dijkstra's algorithm"): a node is final when it leaves the queue, a
group's bound is known once its last member is final. The queue starts at the withdrawn
nodes and only ever reaches their dependents, so the cost grows with the affected region,
never with the estate.

Example: ``workplace`` needs ``ca`` (hard) and ``ca`` needs ``intune`` (hard, immediate);
``apps`` needs ``intune`` with 30 days of grace. Withdrawing ``intune`` breaks ``ca`` and
``workplace`` at day 0 and ``apps`` at day 30::

    intune (0) <- ca (0) <- workplace (0)
    intune (0) <- apps (30)
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from exitplan.graph.port import DependencyRegion, DependsOn, GraphNode, Walk
from exitplan.model import NodeId

NEVER = math.inf
UNDATED = 1e12
"""The day of an effect that comes at a renewal whose date is unknown: later than any
real date, earlier than never, and never shown as a number."""
LONGEST_CHAIN = 64
"""The most entries a chain of explanation holds. A longer one keeps its first nodes and
its last (what is withdrawn) with ``elided(N)``, ``… N more …``, for the N between them:
every node of a chain 3,000 deep carried the rest of it, so the answer grew with the
square of the depth."""


def elided(count: int) -> NodeId:
    """The entry that stands for ``count`` nodes a long chain leaves out (no id holds
    ``…``, so it is told apart by ``hidden_in``)."""
    return NodeId(f"… {count:,} more …")


def hidden_in(entry: str) -> int:
    """How many nodes a chain's entry stands for: 1, or N for ``elided(N)``."""
    if entry.startswith("… "):
        return int(entry.split()[1].replace(",", ""))
    return 1


def is_dated(day: float) -> bool:
    return day < UNDATED


Onset = Callable[[DependsOn], float]
"""Days between a dependency's target failing and the dependent feeling it."""


@dataclass(frozen=True)
class Times:
    """Failure and degradation days of every node the withdrawal reaches, and for each
    the dependency it came through (the first found on the earliest path)."""

    fail: Mapping[NodeId, float]
    degrade: Mapping[NodeId, float]
    fail_cause: Mapping[NodeId, NodeId]
    degrade_cause: Mapping[NodeId, NodeId]
    withdrawn: frozenset[NodeId]
    onset: Onset
    ends: Mapping[NodeId, float] = field(default_factory=dict)
    """The day each licence effect starts: a subscription's end plus its grace, or a
    perpetual licence's end of support."""
    _failure_chains: dict[NodeId, tuple[NodeId, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _degradation_chains: dict[NodeId, tuple[NodeId, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def fails_at(self, node_id: NodeId) -> float:
        return self.fail.get(node_id, NEVER)

    def degrades_at(self, node_id: NodeId) -> float:
        return self.degrade.get(node_id, NEVER)

    def chain(self, node_id: NodeId, *, broken: bool) -> tuple[NodeId, ...]:
        """From ``node_id`` down to the withdrawn node that affects it first:
        ``(workplace, ca, intune)``. For a broken node the chain of failures; for a
        degraded one the chain of degradations, down to where a failure caused it.
        Chains share their tails, so each is remembered once computed."""
        return self._failure_chain(node_id) if broken else self._degradation_chain(node_id)

    def whole_chain(self, node_id: NodeId) -> tuple[NodeId, ...]:
        """The chain of failures as ``chain`` gives it, not cut short: every node, for
        ``why``, which follows the chain's dependencies one by one (O(its length))."""
        path = [node_id]
        while path[-1] in self.fail_cause:
            path.append(self.fail_cause[path[-1]])
        return tuple(path)

    def _failure_chain(self, node_id: NodeId) -> tuple[NodeId, ...]:
        known = self._failure_chains
        walked = []
        current = node_id
        while current not in known and current in self.fail_cause:  # else it went itself
            walked.append(current)
            current = self.fail_cause[current]
        tail = known.get(current, (current,))
        for node in reversed(walked):
            tail = known[node] = _led_by(node, tail)
        return known.get(node_id, tail)

    def _degradation_chain(self, node_id: NodeId) -> tuple[NodeId, ...]:
        known = self._degradation_chains
        walked = []
        current = node_id
        while current not in known:
            cause = self.degrade_cause.get(current)
            if cause is None or self.degrade[current] >= self.fails_at(current):
                break  # degraded because it fails: the failure chain from here
            walked.append(current)
            current = cause
        if current in known:
            tail = known[current]
        elif current in self.ends and current not in self.fail:
            tail = (current,)  # runs on without support: degraded by nothing else
        else:
            tail = self._failure_chain(current)
        for node in reversed(walked):
            tail = known[node] = _led_by(node, tail)
        return tail


def _led_by(node: NodeId, tail: tuple[NodeId, ...]) -> tuple[NodeId, ...]:
    """``node`` before ``tail``, cut to ``LONGEST_CHAIN`` entries: the first nodes, one
    ``elided`` entry for those left out, and the last."""
    if len(tail) < LONGEST_CHAIN:
        return (node, *tail)
    kept = LONGEST_CHAIN - 3
    hidden = sum(hidden_in(entry) for entry in tail[kept:-1])
    return (node, *tail[:kept], elided(hidden), tail[-1])


def renewal_onsets(region: DependencyRegion, start: date | None) -> Onset:
    """Onset in days of each dependency: its grace days, or for ``at_renewal`` the days
    from ``start`` to the dependent's contract end (``UNDATED`` when either is unknown)."""
    cache: dict[NodeId, float] = {}

    def onset(edge: DependsOn) -> float:
        if not edge.at_renewal:
            return float(edge.onset_days)
        if edge.source not in cache:
            cache[edge.source] = _days_until(region.node(edge.source), "contract_end", start)
        return cache[edge.source] + edge.onset_days

    return onset


def _earliest(
    walk: Walk,
    onset: Onset,
    initial: Mapping[int, float],
    *,
    hard_only: bool,
    failed: Mapping[int, float] | None = None,
) -> tuple[dict[int, float], dict[int, int]]:
    """The least fixed point from ``initial`` along the dependency edges (the hard ones
    only, for failure); returns the day of every node reached and the edge target that
    set it, by node number.

    Nodes wait in (day, number) order: a heap of the days still to come and, for each, a
    heap of the numbers waiting on it (a simulation has few distinct days). A node may wait
    on several days; it is final at the earliest, and its later entries are passed over.
    ``failed`` (for the degradation pass: the failure days) lets the walk skip edges that
    cannot lower a bound: a node that degrades on the day it fails reaches its hard,
    ungrouped dependents no earlier than its failure already did, since
    ``fail(n) <= fail(d) + onset``. Only its soft and grouped edges remain to walk.

    The loop is the hot path of every simulation, hence its plain style."""
    day: dict[int, float] = dict(initial)
    cause: dict[int, int] = {}
    waiting: dict[float, list[int]] = {}
    for node, bound in initial.items():
        waiting.setdefault(bound, []).append(node)
    for numbers in waiting.values():
        heapq.heapify(numbers)
    days = list(waiting)
    heapq.heapify(days)
    edges_of = walk.hard if hard_only else walk.every
    fewer_of = walk.soft_or_grouped
    members = walk.hard_members if hard_only else walk.members
    groups: dict[int, list[float]] = {}
    reached = day.get
    failure = (failed or {}).get
    pop, push = heapq.heappop, heapq.heappush
    while days:
        now = days[0]
        due = waiting[now]
        while due:  # may grow while we walk it: a node on the same day
            node = pop(due)
            if day[node] < now:
                continue  # final already, at an earlier day
            edges = fewer_of[node] if failure(node) == now else edges_of[node]
            for dependent, delay, renewal, group, edge in edges:
                bound = now + (onset(edge) if renewal else delay)
                via = node
                if group >= 0:
                    last = _arrive(groups, members, group, bound, node)
                    if last is None:
                        continue  # the group still has a working member
                    bound, via = last
                if bound < reached(dependent, NEVER):
                    day[dependent] = bound
                    cause[dependent] = via
                    later = waiting.get(bound)
                    if later is None:
                        waiting[bound] = [dependent]
                        push(days, bound)
                    else:
                        push(later, dependent)
        pop(days)
        del waiting[now]
    return day, cause


def _arrive(
    groups: dict[int, list[float]], members: Sequence[int], group: int, bound: float, node: int
) -> tuple[float, int] | None:
    """A member's bound arrives at its group; once the last has, the group's bound (the
    latest) and the first member that gave it."""
    wait = groups.get(group)
    if wait is None:
        wait = groups[group] = [members[group], -1.0, -1]
    wait[0] -= 1
    if bound > wait[1]:
        wait[1], wait[2] = bound, node
    return None if wait[0] else (wait[1], int(wait[2]))


def _days_until(node: GraphNode, key: str, start: date | None) -> float:
    """Days from ``start`` to the date in property ``key`` (0 once passed); ``UNDATED``
    when either is unknown."""
    end = node.properties.get(key)
    if start is None or not isinstance(end, str):
        return UNDATED
    return float(max(0, (date.fromisoformat(end) - start).days))


def subscription_end(node: GraphNode, start: date | None) -> float:
    """The day software run here stops when its subscription ends: the contract end plus
    the licence-check grace (``UNDATED``: at renewal, date unknown)."""
    day = _days_until(node, "contract_end", start)
    grace = node.properties.get("licence_grace_days", 0)
    return day + grace if is_dated(day) and isinstance(grace, int) else day


def support_end(node: GraphNode, start: date | None) -> float:
    """The day a perpetual licence loses its updates (``UNDATED`` when unknown)."""
    return _days_until(node, "support_end", start)


def propagate(
    region: DependencyRegion,
    withdrawn: Iterable[NodeId],
    *,
    start: date | None = None,
    subscriptions: Iterable[NodeId] = (),
    unsupported: Iterable[NodeId] = (),
) -> Times:
    """Failure and degradation days of everything that depends on ``withdrawn``.

    Withdrawn nodes fail at day 0, except ``subscriptions`` (software run here whose
    subscription the withdrawal ends), which fail when the subscription ends.
    ``unsupported`` nodes keep running under a perpetual licence, degraded from the end
    of their support when it is known.
    """
    gone = frozenset(withdrawn)
    walk = region.walk()
    number, ids = walk.number, walk.ids
    onset = renewal_onsets(region, start)
    ends = {node_id: subscription_end(region.node(node_id), start) for node_id in subscriptions}
    initial = {number[node_id]: ends.get(node_id, 0.0) for node_id in gone}
    fail, fail_cause = _earliest(walk, onset, initial, hard_only=True)
    degraded = dict(fail)
    for node_id in unsupported:
        ends[node_id] = day = support_end(region.node(node_id), start)
        if is_dated(day) and day < degraded.get(number[node_id], NEVER):
            degraded[number[node_id]] = day
    degrade, degrade_cause = _earliest(walk, onset, degraded, hard_only=False, failed=fail)
    return Times(
        {ids[n]: day for n, day in fail.items()},
        {ids[n]: day for n, day in degrade.items()},
        {ids[n]: ids[via] for n, via in fail_cause.items()},
        {ids[n]: ids[via] for n, via in degrade_cause.items()},
        gone,
        onset,
        ends,
    )
