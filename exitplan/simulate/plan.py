"""The migration plan: steps, their order, waves, critical path, deadlines (DESIGN.md §4).

One step per needed withdrawn component: replace X with its chosen candidate Y. Step A
must come before step B when B's candidate depends, directly or through any chain of
dependencies that stays clear of withdrawn components, on A's candidate or on A's
incumbent. Steps that end up needing each other are merged into one. Waves are the
topological generations of the step graph; a step starts when all its predecessors have
finished, so the critical path is the longest chain of ``duration_weeks``. Where only the
vendor can export a component's data, an export step comes first. A step without a viable
candidate is *blocked*, and so is everything after it.

Example: ``nextcloud`` (for ``sharepoint``) signs in through ``nubus`` (for ``entra-id``),
so ``replace-entra-id`` is in wave 1 and ``replace-sharepoint`` in wave 2.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TypeVar

import networkx as nx

from exitplan.graph.port import DependencyRegion, Direction, GraphBackend, Rel
from exitplan.model import DataExport, NodeId
from exitplan.simulate.propagate import Times, is_dated
from exitplan.simulate.result import Move, Plan, Replacement, Step, StepKind


def _deadline(
    region: DependencyRegion, times: Times, incumbent: NodeId, replaced: frozenset[NodeId]
) -> int | None:
    """The first day something that stays in use breaks for want of ``incumbent`` (else the
    first day it degrades): a replaced component's own failure day; for a withdrawn one,
    the day it goes plus the onset of each hard dependency on it (a redundant group: the
    day the dependent fails), else of each soft one."""
    gone = times.fails_at(incumbent)
    if incumbent not in times.withdrawn:
        return int(gone) if is_dated(gone) else None
    breaks: list[float] = []
    degrades: list[float] = []
    for edge in region.dependents(incumbent):
        dependent = edge.source
        if dependent in times.withdrawn or dependent in replaced or not region.in_use(dependent):
            continue
        if not edge.hard:
            degrades.append(gone + times.onset(edge))
        elif edge.group is None:
            breaks.append(gone + times.onset(edge))
        else:  # a redundant group: the dependent breaks only once the group is gone
            breaks.append(times.fails_at(dependent))
            degrades.append(times.degrades_at(dependent))
    for days in (breaks, degrades):
        dated = [day for day in days if is_dated(day)]
        if dated:
            return int(min(dated))
    return None


def _precedence(
    backend: GraphBackend,
    withdrawn: frozenset[NodeId],
    moves: Mapping[str, Move],
) -> list[tuple[str, str]]:
    """Pairs (A, B): step A must finish before step B starts.

    All steps' searches advance together, one level at a time, so a database backend
    answers one query per level rather than one per step and level."""
    by_candidate = {m.candidate: step for step, m in moves.items() if m.candidate is not None}
    by_incumbent = {m.replaces: step for step, m in moves.items()}
    seen = {step: {m.candidate} for step, m in moves.items() if m.candidate is not None}
    frontiers = {step: [m.candidate] for step, m in moves.items() if m.candidate is not None}
    pairs: list[tuple[str, str]] = []
    while frontiers:
        wanted = sorted({node for frontier in frontiers.values() for node in frontier})
        leaving: dict[NodeId, list[NodeId]] = defaultdict(list)
        for edge in backend.edges_touching(wanted, Direction.OUT, [Rel.DEPENDS_ON]):
            leaving[edge.source].append(edge.target)
        advanced: dict[str, list[NodeId]] = {}
        for step, frontier in sorted(frontiers.items()):
            following: list[NodeId] = []
            for node in frontier:
                for target in leaving.get(node, ()):
                    if target in seen[step]:
                        continue
                    seen[step].add(target)
                    earlier = by_candidate.get(target) or by_incumbent.get(target)
                    if earlier is not None and earlier != step:
                        pairs.append((earlier, step))
                    elif target not in withdrawn:
                        following.append(target)
            if following:
                advanced[step] = following
        frontiers = advanced
    return pairs


T = TypeVar("T")


def _present(values: Iterable[T | None]) -> list[T]:
    return [value for value in values if value is not None]


def _merged_id(members: Iterable[str]) -> str:
    ordered = sorted(members)
    return ordered[0] if len(ordered) == 1 else "+".join(ordered)


def make_plan(
    backend: GraphBackend,
    region: DependencyRegion,
    times: Times,
    replacements: Mapping[NodeId, Replacement],
    needed: Iterable[NodeId],
) -> Plan:
    """Order the replacement of every needed withdrawn component."""
    moves: dict[str, Move] = {}
    durations: dict[str, float | None] = {}
    deadlines: dict[str, int | None] = {}
    kinds: dict[str, StepKind] = {}
    graph: nx.DiGraph[str] = nx.DiGraph()
    replaced = frozenset(n for n in needed if n not in times.withdrawn)
    for incumbent in sorted(needed):
        chosen = replacements[incumbent].chosen
        step = f"replace-{incumbent}"
        moves[step] = Move(incumbent, chosen.candidate if chosen else None)
        durations[step] = chosen.duration_weeks if chosen else None
        deadlines[step] = _deadline(region, times, incumbent, replaced)
        kinds[step] = StepKind.REPLACE
        graph.add_node(step)
    graph.add_edges_from(_precedence(backend, times.withdrawn, moves))
    for step, move in list(moves.items()):
        if region.node(move.replaces).properties.get("data_export") == DataExport.VENDOR_ONLY:
            export = f"export-{move.replaces}"
            moves[export] = Move(move.replaces, None)
            durations[export] = None
            deadlines[export] = deadlines[step]
            kinds[export] = StepKind.EXPORT
            graph.add_edge(export, step)

    condensed = nx.condensation(graph)
    members: dict[int, list[str]] = {
        index: sorted(data["members"]) for index, data in condensed.nodes(data=True)
    }
    step_id = {index: _merged_id(names) for index, names in members.items()}
    order = sorted(condensed.nodes, key=lambda index: step_id[index])
    wave = {}
    for number, generation in enumerate(nx.topological_generations(condensed), start=1):
        for index in generation:
            wave[index] = number

    blocked_by: dict[int, set[NodeId]] = defaultdict(set)
    start: dict[int, float] = {}
    finish: dict[int, float] = {}
    for index in nx.lexicographical_topological_sort(condensed, key=lambda i: step_id[i]):
        group = members[index]
        for name in group:
            if kinds[name] is StepKind.REPLACE and moves[name].candidate is None:
                blocked_by[index].add(moves[name].replaces)
        predecessors = list(condensed.predecessors(index))
        for predecessor in predecessors:
            blocked_by[index] |= blocked_by[predecessor]
        if blocked_by[index]:
            continue
        start[index] = max((finish[p] for p in predecessors), default=0.0)
        known = _present(durations[name] for name in group)
        finish[index] = start[index] + (max(known) if known else 0.0)

    steps = []
    for index in order:
        group = members[index]
        known_deadlines = _present(deadlines[name] for name in group)
        deadline = min(known_deadlines) if known_deadlines else None
        known = _present(durations[name] for name in group)
        finish_days = _days(finish[index]) if index in finish else None
        steps.append(
            Step(
                id=step_id[index],
                kind=kinds[group[0]],
                moves=tuple(moves[name] for name in group),
                wave=wave[index],
                after=tuple(sorted(step_id[p] for p in condensed.predecessors(index))),
                duration_weeks=max(known) if known else None,
                start_week=start.get(index),
                finish_week=finish.get(index),
                deadline=deadline,
                slack=deadline - finish_days
                if deadline is not None and finish_days is not None
                else None,
                blocked=bool(blocked_by[index]),
                blocked_by=tuple(sorted(blocked_by[index])),
            )
        )
    critical = _critical_path(condensed, step_id, start, finish)
    chosen_candidates = _present(
        replacements[move.replaces].chosen
        for step in steps
        if step.kind is StepKind.REPLACE
        for move in step.moves
    )
    return Plan(
        steps=tuple(steps),
        waves=max(wave.values(), default=0),
        critical_path_weeks=max(finish.values(), default=0.0),
        critical_path=critical,
        effort_weeks=sum(c.effort_weeks or 0.0 for c in chosen_candidates),
        cost_per_year=sum(c.cost_per_year or 0.0 for c in chosen_candidates),
    )


def _days(weeks: float) -> int | None:
    """Whole days in ``weeks``; ``None`` when the figure is too large to count in days
    (durations near the largest float add up to infinity)."""
    days = weeks * 7
    return math.ceil(days) if math.isfinite(days) else None


def _critical_path(
    condensed: nx.DiGraph[int],
    step_id: Mapping[int, str],
    start: Mapping[int, float],
    finish: Mapping[int, float],
) -> tuple[str, ...]:
    """The chain of steps that ends last, each starting when the one before finishes."""
    if not finish:
        return ()
    current = min(finish, key=lambda i: (-finish[i], step_id[i]))
    path = [current]
    while True:
        before = [
            p
            for p in condensed.predecessors(current)
            if p in finish and finish[p] == start[current]
        ]
        if not before:
            break
        current = min(before, key=lambda i: step_id[i])
        path.append(current)
    return tuple(step_id[i] for i in reversed(path))
