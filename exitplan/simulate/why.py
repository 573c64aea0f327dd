"""Every chain of dependencies by which a withdrawal reaches one node, earliest first.

``Times.chain`` gives the one chain that decided a node's fate; an architect asking *why*
wants all of them: the same service may break at day 0 through conditional access and
again at day 345 through the client licence. Chains follow dependency edges from the node
down to a withdrawn node through affected nodes only.

Each chain carries the day its effect arrives and whether it breaks the node or only
degrades it, by the rules of the propagation (DESIGN.md §4) applied along the chain from
its end upwards: a soft edge anywhere on the way makes it a degradation, and a step
through a member of a redundant group arrives no earlier than the whole group is lost
(named in ``groups``). A chain through a group that is never wholly lost reaches nothing
and is not listed; one whose group degrades before it fails is listed twice, degrading
and breaking. So the earliest breaking chain of a node is its failure day, and the
earliest chain of all its degradation day.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from exitplan.graph.port import DependencyRegion, DependsOn
from exitplan.model import NodeId
from exitplan.simulate.propagate import NEVER, UNDATED, Times, is_dated

MAX_CHAINS = 200
MAX_WALKED = 200_000
"""The most dependencies the walk follows before it stops and lists the decisive chains:
paths through a web of soft dependencies that each lead nowhere can be many more than
the chains they find (helper-87: 11 components all needing each other took 127 s)."""

_Step = tuple[Iterator[DependsOn], tuple[str, ...]]
"""Where the walk stands at a node of the path: its edges still to walk, and the
redundant groups passed."""


@dataclass(frozen=True, order=True)
class Chain:
    day: float
    breaks: bool
    nodes: tuple[NodeId, ...]
    groups: tuple[str, ...]
    links: tuple[DependsOn, ...] = ()
    """The dependency of each node of the chain on the next: ``nodes[i]`` on
    ``nodes[i + 1]``."""

    @property
    def dated(self) -> bool:
        return self.day < UNDATED

    @property
    def effect(self) -> str:
        """``withdrawn`` (the node asked about is withdrawn itself: a chain of one that
        breaks), ``breaks`` or ``degrades`` (a chain of one: it runs on unsupported)."""
        if len(self.nodes) == 1 and self.breaks:
            return "withdrawn"
        return "breaks" if self.breaks else "degrades"


def chains(
    region: DependencyRegion,
    times: Times,
    node_id: NodeId,
    *,
    limit: int = MAX_CHAINS,
    walked: int = MAX_WALKED,
) -> tuple[list[Chain], bool]:
    """The chains that reach ``node_id``, sorted by day (breaking before degrading), and
    whether the list was cut: at ``limit`` chains, or after ``walked`` dependencies
    followed (the decisive chains are listed all the same).

    A depth-first walk along the dependencies, kept on a stack of its own rather than
    Python's: a chain may be thousands of nodes long."""
    found: list[Chain] = []
    path = [node_id]
    links: list[DependsOn] = []
    on_path = {node_id}
    lost = _GroupLoss(region, times)

    def arrive(groups: tuple[str, ...]) -> bool:
        """Note the chains that end where the path has arrived; whether to go on."""
        current = path[-1]
        if current in times.withdrawn:  # goes at once, or when its subscription ends ...
            day = times.ends.get(current, 0.0)
            found.extend(_effects(day, day, tuple(path), groups, tuple(links), times, lost))
            return current in times.ends  # ... and what it needs may break it earlier still
        if current in times.ends and is_dated(times.ends[current]):  # runs on, unsupported
            day = times.ends[current]
            found.extend(_effects(NEVER, day, tuple(path), groups, tuple(links), times, lost))
        return True

    stack: list[_Step] = []
    if arrive(()):
        stack.append((iter(region.dependencies(node_id)), ()))
    truncated = False
    while stack and not truncated:
        edges, groups = stack[-1]
        for edge in edges:
            walked -= 1
            if len(found) >= limit * 5 or walked < 0:
                truncated = True
                break
            target = edge.target
            if target in on_path or target not in times.degrade:
                continue
            if edge.group and min(lost.fails(edge), lost.degrades(edge)) == NEVER:
                continue  # another member of the group stays: nothing comes through here
            current = path[-1]
            path.append(target)
            links.append(edge)
            on_path.add(target)
            onward = (*groups, f"{current}:{edge.group}") if edge.group else groups
            if arrive(onward):
                stack.append((iter(region.dependencies(target)), onward))
                break  # down the new node first; this one's other edges after
            on_path.discard(path.pop())
            links.pop()
        else:  # every edge of the node walked: back up
            stack.pop()
            on_path.discard(path.pop())
            if links:
                links.pop()
    if truncated:  # the walk stopped early: make sure the decisive chains are there
        found.extend(c for c in _decisive(region, times, node_id, lost) if c not in found)
    found.sort(key=lambda c: (c.day, not c.breaks, len(c.nodes), c.nodes))
    if len(found) > limit:
        truncated = True
    return found[:limit], truncated


def _decisive(
    region: DependencyRegion, times: Times, node_id: NodeId, lost: _GroupLoss
) -> list[Chain]:
    """The chains the propagation found first, to the node's failure and to its
    degradation: listed even when the walk stops before it reaches them."""
    found: list[Chain] = []
    for broken, days in ((True, times.fail), (False, times.degrade)):
        if node_id not in days:
            continue
        nodes = times.whole_chain(node_id) if broken else _degradation_path(times, node_id)
        links = []
        for source, target in itertools.pairwise(nodes):
            edges = [e for e in region.dependencies(source) if e.target == target]
            links.append(min(edges, key=lambda e: (broken and not e.hard, times.onset(e))))
        groups = tuple(f"{e.source}:{e.group}" for e in links if e.group)
        bottom = nodes[-1]
        day = times.ends.get(bottom, 0.0)
        fails = day if bottom in times.withdrawn else NEVER
        found.extend(_effects(fails, day, nodes, groups, tuple(links), times, lost))
    return found


class _GroupLoss:
    """When each redundant group of the region is lost, as the propagation has it: it
    fails once its last hard member has failed, and degrades once none of its members
    works fully (each member's day plus the onset of its edge)."""

    def __init__(self, region: DependencyRegion, times: Times) -> None:
        self._region = region
        self._times = times
        self._known: dict[tuple[NodeId, str], tuple[float, float]] = {}

    def fails(self, edge: DependsOn) -> float:
        """NEVER through a soft edge: only the hard members make the group fail."""
        return self._days(edge)[0] if edge.hard else NEVER

    def degrades(self, edge: DependsOn) -> float:
        return self._days(edge)[1]

    def _days(self, edge: DependsOn) -> tuple[float, float]:
        key = (edge.source, edge.group or "")
        days = self._known.get(key)
        if days is None:
            times = self._times
            members = [e for e in self._region.dependencies(edge.source) if e.group == edge.group]
            failing = [times.fail.get(e.target, NEVER) + times.onset(e) for e in members if e.hard]
            degrading = [times.degrade.get(e.target, NEVER) + times.onset(e) for e in members]
            days = self._known[key] = (max(failing, default=NEVER), max(degrading))
        return days


def _effects(
    fails: float,
    degrades: float,
    nodes: tuple[NodeId, ...],
    groups: tuple[str, ...],
    links: tuple[DependsOn, ...],
    times: Times,
    lost: _GroupLoss,
) -> Sequence[Chain]:
    """The chain's effects on its first node, given the days its last node fails and
    degrades: each link passed upwards adds its onset, a soft one ends the failure, and a
    grouped one waits for its group to be lost."""
    for edge in reversed(links):
        onset = times.onset(edge)
        fails = fails + onset if edge.hard else NEVER
        degrades += onset
        if edge.group:
            fails = max(fails, lost.fails(edge))
            degrades = max(degrades, lost.degrades(edge))
        degrades = min(degrades, fails)  # a node that fails is degraded too
    effects = []
    if fails < NEVER:
        effects.append(Chain(fails, True, nodes, groups, links))
    if degrades < fails:
        effects.append(Chain(degrades, False, nodes, groups, links))
    return effects


def _degradation_path(times: Times, node_id: NodeId) -> tuple[NodeId, ...]:
    """The chain the propagation found to the node's degradation, down to a withdrawn node
    or to one that runs on unsupported: ``Times.chain`` follows the failure instead where
    a node is degraded unsupported before it fails."""
    path = [node_id]
    current = node_id
    while current not in times.withdrawn:
        end = times.ends.get(current)
        if end is not None and end == times.degrades_at(current):  # runs on unsupported
            break
        cause = times.degrade_cause.get(current)
        if cause is None or times.degrades_at(current) >= times.fails_at(current):
            path.extend(times.whole_chain(current)[1:])  # degraded as it fails
            break
        path.append(cause)
        current = cause
    return tuple(path)
