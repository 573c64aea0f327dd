"""The migration plan: steps, their order, waves, critical path, deadlines (DESIGN.md §4).

One step per needed withdrawn component: replace X with its chosen candidate Y. Step A
must come before step B when B's candidate depends, directly or through any chain of
dependencies that stays clear of withdrawn components, on A's candidate or on A's
incumbent. Through a redundant group, B does not wait for a member that cannot be
restored while another member can: its need is met without it, as viability counts it.
Steps that end up needing each other are merged into one. Waves are the topological
generations of the step graph; a step starts when all its predecessors have finished, so
the critical path is the longest chain of ``duration_weeks``. Where only the vendor can
export a component's data, an export step comes first. A step without a viable candidate
is *blocked*, and so is everything after it.

Example: ``nextcloud`` (for ``sharepoint``) signs in through ``nubus`` (for ``entra-id``),
so ``replace-entra-id`` is in wave 1 and ``replace-sharepoint`` in wave 2.
"""

from __future__ import annotations

import calendar as calendar_module
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import partial
from typing import TypeVar

import networkx as nx

from exitplan.graph.port import (
    DependencyRegion,
    DependsOn,
    Direction,
    GraphBackend,
    GraphNode,
    Rel,
    in_use_among,
)
from exitplan.model import DataExport, NodeId
from exitplan.simulate.alternatives import as_needs, met_without
from exitplan.simulate.propagate import NEVER, Times, is_dated
from exitplan.simulate.result import (
    CandidateAssessment,
    ContractTerm,
    Costs,
    DeadlineFrom,
    EarlierNeed,
    Move,
    Plan,
    Prerequisite,
    Replacement,
    Simulation,
    Step,
    StepKind,
)
from exitplan.simulate.schedule import Capacity, Slot, Task, days_of, schedule


def _deadline(
    region: DependencyRegion, times: Times, incumbent: NodeId, replaced: frozenset[NodeId]
) -> tuple[int | None, DeadlineFrom]:
    """The first day something that stays in use breaks for want of ``incumbent`` (else the
    first day it degrades), and which of the two (neither day known, but one comes at a
    renewal of unknown date: ``None``, at renewal): a replaced component's own failure day;
    for a withdrawn one, the day it goes plus the onset of each hard dependency on it (a
    redundant group: the day the dependent fails), else of each soft one."""
    gone = times.fails_at(incumbent)
    if incumbent not in times.withdrawn:
        if is_dated(gone):
            return int(gone), DeadlineFrom.BREAKS
        return None, DeadlineFrom.AT_RENEWAL if gone < NEVER else DeadlineFrom.BREAKS
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
    for days, source in ((breaks, DeadlineFrom.BREAKS), (degrades, DeadlineFrom.DEGRADES)):
        dated = [day for day in days if is_dated(day)]
        if dated:
            return int(min(dated)), source
    if any(day < NEVER for day in (*breaks, *degrades)):  # at a renewal, date unknown
        return None, DeadlineFrom.AT_RENEWAL
    return None, DeadlineFrom.BREAKS


def _precedence(
    backend: GraphBackend,
    withdrawn: frozenset[NodeId],
    moves: Mapping[str, Move],
    restorable: Callable[[NodeId], bool],
) -> dict[str, set[tuple[NodeId, str]]]:
    """For each step B, the pairs (node, A): step A must finish before step B starts, as
    B's candidate needs the node (itself, or through nodes nobody runs today), which A
    replaces or brings in. A member of a redundant group that cannot be restored is not
    waited for when another member can be (``met_without``).

    All steps' searches advance together, one level at a time, so a database backend
    answers one query per level rather than one per step and level."""
    by_candidate = {m.candidate: step for step, m in moves.items() if m.candidate is not None}
    by_incumbent = {m.replaces: step for step, m in moves.items()}
    seen = {step: {m.candidate} for step, m in moves.items() if m.candidate is not None}
    frontiers = {step: [m.candidate] for step, m in moves.items() if m.candidate is not None}
    pairs: dict[str, set[tuple[NodeId, str]]] = defaultdict(set)
    while frontiers:
        wanted = sorted({node for frontier in frontiers.values() for node in frontier})
        leaving: dict[NodeId, list[NodeId]] = defaultdict(list)
        groups: dict[tuple[NodeId, str], list[NodeId]] = defaultdict(list)
        for edge in backend.edges_touching(wanted, Direction.OUT, [Rel.DEPENDS_ON]):
            leaving[edge.source].append(edge.target)
            group = edge.properties.get("group")
            if group is not None:
                groups[edge.source, str(group)].append(edge.target)
        spared = {  # (source, member): the source's group is met without the member
            (source, target)
            for (source, _), members in groups.items()
            for target in met_without(members, restorable)
        }
        advanced: dict[str, list[NodeId]] = {}
        for step, frontier in sorted(frontiers.items()):
            following: list[NodeId] = []
            for node in frontier:
                for target in leaving.get(node, ()):
                    if target in seen[step] or (node, target) in spared:
                        continue
                    seen[step].add(target)
                    earlier = by_candidate.get(target) or by_incumbent.get(target)
                    if earlier is not None and earlier != step:
                        pairs[step].add((target, earlier))
                    elif target not in withdrawn:
                        following.append(target)
            if following:
                advanced[step] = following
        frontiers = advanced
    return pairs


def unbrought_needs(
    backend: GraphBackend,
    withdrawn: frozenset[NodeId],
    excluded: frozenset[NodeId],
    moves: Mapping[str, Move],
    restorable: Callable[[NodeId], bool],
    running: Callable[[Iterable[GraphNode]], set[NodeId]] | None = None,
) -> dict[str, list[Prerequisite]]:
    """What each step's candidate needs hard that is not run today and no step brings in:
    each need as the nodes any one of which would do (a redundant group), most of them one.

    A need is met by a node that runs today and is not withdrawn, by a step's candidate,
    or by what a step replaces (its step comes first), when it can be restored. What is
    withdrawn or excluded by the scenario, or cannot be restored, cannot be brought in,
    so it is never one of the options (whether the candidate is viable without it is the
    alternatives' question). A need that one node alone meets is followed to what that
    node needs in turn (``through`` it); a choice between several is the architect's, so
    what each would need is not. Each need is told once for a step, as first found:
    nearest the candidate, then by id. All steps' searches advance together, one level at
    a time, as in ``_precedence``. ``running`` tells which of some nodes are in use
    (``in_use_among`` the backend's, unless a caller knows them already).

    Example: in a cut-off of Intune, baramundi replaces it and needs Univention Nubus,
    which the city does not run: ``replace-intune`` needs ``("univention-nubus",)``."""
    provided = {m.candidate for m in moves.values() if m.candidate is not None}
    provided |= {m.replaces for m in moves.values()}
    found: dict[str, dict[tuple[NodeId, ...], Prerequisite]] = defaultdict(dict)
    searched = {step: m.candidate for step, m in moves.items() if m.candidate is not None}
    seen = {step: {candidate} for step, candidate in searched.items()}
    frontiers = {step: [candidate] for step, candidate in searched.items()}
    while frontiers:
        wanted = sorted({node for frontier in frontiers.values() for node in frontier})
        hard: dict[NodeId, list[DependsOn]] = defaultdict(list)
        for edge in backend.edges_touching(wanted, Direction.OUT, [Rel.DEPENDS_ON]):
            dependency = DependsOn.of(edge)
            if dependency.hard:
                hard[dependency.source].append(dependency)
        targets = {d.target for node in wanted for d in hard.get(node, ())}
        nodes = backend.nodes_by_id(sorted(targets - provided - withdrawn))
        used = (running or partial(in_use_among, backend))(nodes.values())  # running too
        met = provided | used
        advanced: dict[str, list[NodeId]] = {}
        for step, frontier in sorted(frontiers.items()):
            candidate = searched[step]
            following: list[NodeId] = []
            for node in sorted(frontier):
                singles, groups = as_needs(hard.get(node, []))
                needs = sorted(
                    {(t,) for t in singles} | {tuple(sorted(g)) for g in groups.values()}
                )
                for members in needs:
                    if any(member in met and restorable(member) for member in members):
                        continue
                    options = tuple(
                        m
                        for m in members
                        if m not in withdrawn and m not in excluded and restorable(m)
                    )
                    if not options or options in found[step]:
                        continue  # nothing to bring in, or told already
                    found[step][options] = Prerequisite(
                        options,
                        tuple(nodes[o].name for o in options),
                        candidate,
                        () if node == candidate else (node,),
                    )
                    if len(options) == 1 and options[0] not in seen[step]:
                        seen[step].add(options[0])
                        following.append(options[0])
            if following:
                advanced[step] = following
        frontiers = advanced
    return {step: sorted(needs.values()) for step, needs in found.items()}


T = TypeVar("T")


def _present(values: Iterable[T | None]) -> list[T]:
    return [value for value in values if value is not None]


def _merged_id(members: Iterable[str]) -> str:
    ordered = sorted(members)
    return ordered[0] if len(ordered) == 1 else "+".join(ordered)


@dataclass(frozen=True)
class Calendar:
    """What the plan is set against: day 0 of the withdrawal (``None``: undated), whether
    it is a chosen exit (deadlines from contracts) or a cut-off (from the day things
    break), the day the work begins, and how much of it can run at once."""

    start: date | None = None
    exit: bool = False
    work_starts: int = 0
    capacity: Capacity | None = None


@dataclass
class _Draft:
    """The steps before they are ordered, by step name (``replace-X``, ``export-X``)."""

    moves: dict[str, Move] = field(default_factory=dict)
    durations: dict[str, float | None] = field(default_factory=dict)
    efforts: dict[str, float | None] = field(default_factory=dict)
    deadlines: dict[str, int | None] = field(default_factory=dict)
    degrading: set[str] = field(default_factory=set)
    """The steps of a cut-off whose deadline is the day something degrades, as nothing
    breaks by a known day without them."""
    at_renewal: set[str] = field(default_factory=set)
    """Steps due by something that breaks or degrades at a renewal whose date is unknown."""
    contracts: dict[str, tuple[ContractTerm, ...]] = field(default_factory=dict)
    kinds: dict[str, StepKind] = field(default_factory=dict)
    unbrought: Mapping[str, list[Prerequisite]] = field(default_factory=dict)
    earlier: Mapping[str, set[tuple[NodeId, str]]] = field(default_factory=dict)
    """For each step, what its candidate needs that an earlier step moves, with that step
    (``_precedence``)."""

    def known(self, values: Mapping[str, T | None], group: Iterable[str]) -> list[T]:
        return _present(values[name] for name in group)


def _draft(
    backend: GraphBackend,
    region: DependencyRegion,
    times: Times,
    replacements: Mapping[NodeId, Replacement],
    needed: Iterable[NodeId],
    calendar: Calendar,
    excluded: frozenset[NodeId],
    restorable: Callable[[NodeId], bool],
) -> tuple[_Draft, nx.DiGraph[str]]:
    draft = _Draft()
    graph: nx.DiGraph[str] = nx.DiGraph()
    replaced = frozenset(n for n in needed if n not in times.withdrawn)
    incumbents = sorted(needed)
    contracts = contracts_of(backend, incumbents, calendar.start) if calendar.exit else {}
    for incumbent in incumbents:
        chosen = replacements[incumbent].chosen
        step = f"replace-{incumbent}"
        draft.moves[step] = Move(incumbent, chosen.candidate if chosen else None)
        draft.durations[step] = chosen.duration_weeks if chosen else None
        draft.efforts[step] = chosen.effort_weeks if chosen else None
        if calendar.exit:
            terms = contracts[incumbent]
            draft.contracts[step] = terms
            ends = _day_of(terms[0].end, calendar.start) if terms else None
            # a contract that ended before day 0 counts as ended on day 0, as the loader says
            draft.deadlines[step] = max(ends, 0) if ends is not None else None
        else:
            draft.contracts[step] = ()
            draft.deadlines[step], source = _deadline(region, times, incumbent, replaced)
            if source is DeadlineFrom.DEGRADES:
                draft.degrading.add(step)
            elif source is DeadlineFrom.AT_RENEWAL:
                draft.at_renewal.add(step)
        draft.kinds[step] = StepKind.REPLACE
        graph.add_node(step)
    draft.earlier = _precedence(backend, times.withdrawn, draft.moves, restorable)
    graph.add_edges_from(
        sorted({(earlier, step) for step, needs in draft.earlier.items() for _, earlier in needs})
    )
    draft.unbrought = unbrought_needs(backend, times.withdrawn, excluded, draft.moves, restorable)
    for step, move in list(draft.moves.items()):
        if region.node(move.replaces).properties.get("data_export") == DataExport.VENDOR_ONLY:
            export = f"export-{move.replaces}"
            draft.moves[export] = Move(move.replaces, None)
            draft.durations[export] = draft.efforts[export] = None
            draft.deadlines[export] = draft.deadlines[step]
            if step in draft.degrading:
                draft.degrading.add(export)
            draft.contracts[export] = draft.contracts[step]
            draft.kinds[export] = StepKind.EXPORT
            graph.add_edge(export, step)
    return draft, graph


def make_plan(
    backend: GraphBackend,
    region: DependencyRegion,
    times: Times,
    replacements: Mapping[NodeId, Replacement],
    needed: Iterable[NodeId],
    calendar: Calendar | None = None,
    *,
    excluded: frozenset[NodeId] = frozenset(),
    restorable: Callable[[NodeId], bool],
) -> Plan:
    """Order the replacement of every needed withdrawn component (``excluded``: the
    candidates the scenario excludes, which no step can bring in; ``restorable``: what
    can be restored, decided for any node asked, so that no step waits for a member of a
    redundant group that cannot be while another member can, and no such member meets
    a need)."""
    calendar = calendar or Calendar()
    draft, graph = _draft(
        backend, region, times, replacements, needed, calendar, excluded, restorable
    )
    condensed = nx.condensation(graph)
    members: dict[int, list[str]] = {
        index: sorted(data["members"]) for index, data in condensed.nodes(data=True)
    }
    step_id = {index: _merged_id(names) for index, names in members.items()}
    merged_into = {name: step_id[index] for name, index in condensed.graph["mapping"].items()}
    wave = {}
    for number, generation in enumerate(nx.topological_generations(condensed), start=1):
        for index in generation:
            wave[index] = number

    blocked_by: dict[int, set[NodeId]] = defaultdict(set)
    tasks: list[Task] = []
    for index in nx.lexicographical_topological_sort(condensed, key=lambda i: step_id[i]):
        group = members[index]
        for name in group:
            if draft.kinds[name] is StepKind.REPLACE and draft.moves[name].candidate is None:
                blocked_by[index].add(draft.moves[name].replaces)
        predecessors = list(condensed.predecessors(index))
        for predecessor in predecessors:
            blocked_by[index] |= blocked_by[predecessor]
        if blocked_by[index]:
            continue
        known = draft.known(draft.durations, group)
        effort = draft.known(draft.efforts, group)
        due = draft.known(draft.deadlines, group)
        tasks.append(
            Task(
                step_id[index],
                max(known) if known else 0.0,
                sum(effort) if effort else None,
                tuple(step_id[p] for p in predecessors),
                min(due) if due else None,
                sized=bool(known),
            )
        )
    free = schedule(tasks)
    slots = (
        schedule(tasks, calendar.capacity, starts_day=calendar.work_starts)
        if calendar.capacity
        else free
    )
    start = {i: free[step_id[i]].start for i in condensed.nodes if step_id[i] in free}
    finish = {i: free[step_id[i]].finish for i in condensed.nodes if step_id[i] in free}

    steps = [
        _step(
            draft,
            members[index],
            region,
            replacements,
            calendar,
            id=step_id[index],
            wave=wave[index],
            after=tuple(sorted(step_id[p] for p in condensed.predecessors(index))),
            slot=slots.get(step_id[index]),
            blocked_by=blocked_by[index],
            merged_into=merged_into,
        )
        for index in sorted(condensed.nodes, key=lambda index: step_id[index])
    ]
    steps = _due_for_next(steps)
    if not calendar.exit:
        steps = [_gone_before(step, times) for step in steps]
    chosen_candidates = _present(
        replacements[move.replaces].chosen
        for step in steps
        if step.kind is StepKind.REPLACE
        for move in step.moves
    )
    contracts = _contracts(region, times, steps, calendar)
    last = max((slot.finish for slot in slots.values()), default=None)
    unlimited = max(finish.values(), default=None)
    return Plan(
        steps=tuple(steps),
        waves=max(wave.values(), default=0),
        critical_path_weeks=unlimited if unlimited is not None else 0.0,
        critical_path=_critical_path(condensed, step_id, start, finish),
        effort_weeks=sum(c.effort_weeks or 0.0 for c in chosen_candidates),
        cost_per_year=sum(c.cost_per_year or 0.0 for c in chosen_candidates),
        finish_weeks=last if last is not None else 0.0,
        capacity=calendar.capacity,
        work_starts_day=calendar.work_starts,
        finish_day=_on_day(last, calendar) if last is not None else None,
        finish_day_without_capacity=_on_day(unlimited, calendar) if unlimited is not None else None,
        costs=_costs(region, times, steps, chosen_candidates, contracts),
        contracts=contracts,
    )


def _gone_before(step: Step, times: Times) -> Step:
    """In a cut-off, an export that falls on or after the day the vendor takes the
    component away cannot be made (only the vendor can export its data)."""
    if step.kind is not StepKind.EXPORT or step.start_day is None:
        return step
    if step.replaces not in times.withdrawn:  # broken, not taken away: its vendor stays
        return step
    gone = times.fails_at(step.replaces)
    return replace(step, cannot_be_made=True) if gone <= step.start_day else step


def _contracts(
    region: DependencyRegion, times: Times, steps: Iterable[Step], calendar: Calendar
) -> tuple[ContractTerm, ...]:
    """In a chosen exit, the contracts the steps are due by and those of every withdrawn
    component in use: notice must be given on each, whether a step is due by it or not
    (a subscription nothing needs once its services are replaced still renews)."""
    if not calendar.exit:
        return ()
    terms = {term for step in steps for term in step.contracts}
    for node_id in times.withdrawn:
        if region.in_use(node_id) and (term := _term(region.node(node_id), calendar.start)):
            terms.add(term)
    return tuple(sorted(terms, key=lambda t: (t.end, t.component)))


def _step(
    draft: _Draft,
    group: list[str],
    region: DependencyRegion,
    replacements: Mapping[NodeId, Replacement],
    calendar: Calendar,
    *,
    id: str,
    wave: int,
    after: tuple[str, ...],
    slot: Slot | None,
    blocked_by: set[NodeId],
    merged_into: Mapping[str, str],
) -> Step:
    known_deadlines = draft.known(draft.deadlines, group)
    deadline = min(known_deadlines) if known_deadlines else None
    known = draft.known(draft.durations, group)
    effort = draft.known(draft.efforts, group)
    finish_day = _on_day(slot.finish, calendar) if slot else None
    terms = [term for name in group for term in draft.contracts[name]]
    kind = draft.kinds[group[0]]
    moves = [draft.moves[name] for name in group]
    replacing = kind is StepKind.REPLACE
    return Step(
        id=id,
        kind=kind,
        moves=tuple(moves),
        wave=wave,
        after=after,
        duration_weeks=max(known) if known else None,
        start_week=slot.start if slot else None,
        finish_week=slot.finish if slot else None,
        deadline=deadline,
        slack=deadline - finish_day if deadline is not None and finish_day is not None else None,
        blocked=bool(blocked_by),
        blocked_by=tuple(sorted(blocked_by)),
        start_day=_on_day(slot.start, calendar) if slot else None,
        finish_day=finish_day,
        deadline_from=(DeadlineFrom.CONTRACT if terms else DeadlineFrom.NO_CONTRACT)
        if calendar.exit
        else _cut_off_deadline_from(draft, group, deadline),
        contract=min(terms, key=lambda t: (t.end, t.component)) if terms else None,
        contracts=tuple(sorted(set(terms), key=lambda t: (t.end, t.component))),
        effort_weeks=sum(effort) if effort else None,
        migration_cost=_summed(_migration_cost(replacements, m) for m in moves)
        if replacing
        else None,
        parallel_cost=_summed(_parallel_cost(region, replacements, m) for m in moves)
        if replacing
        else None,
        needs_brought_in=tuple(sorted(n for name in group for n in draft.unbrought.get(name, ()))),
        needs_first=tuple(
            sorted(
                EarlierNeed(candidate, node, merged_into[earlier])
                for name in group
                if (candidate := draft.moves[name].candidate) is not None
                for node, earlier in draft.earlier.get(name, ())
                if merged_into[earlier] != id
            )
        ),
    )


def _cut_off_deadline_from(
    draft: _Draft, group: Iterable[str], deadline: int | None
) -> DeadlineFrom:
    """Whether a cut-off step is due by the day something breaks or, as nothing breaks by a
    known day without any of the steps merged into it, the day something degrades; with
    no day at all, whether something breaks or degrades at a renewal of unknown date."""
    if deadline is None and any(name in draft.at_renewal for name in group):
        return DeadlineFrom.AT_RENEWAL
    degrades = [draft.deadlines[name] == deadline for name in group if name in draft.degrading]
    breaks = [draft.deadlines[name] == deadline for name in group if name not in draft.degrading]
    return DeadlineFrom.DEGRADES if any(degrades) and not any(breaks) else DeadlineFrom.BREAKS


def _due_for_next(steps: list[Step]) -> list[Step]:
    """Each step with the day it must finish by for the steps after it to meet their
    deadlines, each starting as soon as it finishes (a backward pass of the critical-path
    method over the steps that can be scheduled): a successor is due by its own deadline
    or by what its own successors ask, whichever is earlier, less its duration. Kept only
    where it is earlier than the step's own deadline."""
    after: dict[str, list[Step]] = defaultdict(list)
    for step in steps:
        for before in step.after:
            after[before].append(step)
    due: dict[str, int] = {}
    for step in sorted(steps, key=lambda s: (-s.wave, s.id)):  # every successor first
        bounds = []
        for successor in after[step.id]:
            own = [d for d in (successor.deadline, due.get(successor.id)) if d is not None]
            takes = days_of(successor.duration_weeks or 0.0)
            if own and takes is not None and not successor.blocked:
                bounds.append(min(own) - takes)
        if bounds and (step.deadline is None or min(bounds) < step.deadline):
            due[step.id] = min(bounds)  # kept for the successors' own bounds
    for step in steps:  # an export, or a step of no known length, is no step to speed up
        if step.kind is StepKind.EXPORT or not step.duration_weeks:
            due.pop(step.id, None)
    return [replace(s, due_for_next=due[s.id]) if s.id in due else s for s in steps]


def _summed(parts: Iterable[float | None]) -> float | None:
    """The sum, or ``None`` when any part is unknown."""
    total = 0.0
    for part in parts:
        if part is None:
            return None
        total += part
    return total


def _migration_cost(replacements: Mapping[NodeId, Replacement], move: Move) -> float | None:
    chosen = replacements[move.replaces].chosen
    return chosen.migration_cost if chosen else None


def _parallel_cost(
    region: DependencyRegion, replacements: Mapping[NodeId, Replacement], move: Move
) -> float | None:
    """The replaced component's yearly cost for the months it runs next to the new one."""
    chosen = replacements[move.replaces].chosen
    if chosen is None or chosen.parallel_months is None:
        return None
    if chosen.parallel_months == 0:
        return 0.0
    cost = region.node(move.replaces).properties.get("cost_per_year")
    if not isinstance(cost, int | float) or isinstance(cost, bool):
        return None
    return float(cost) * chosen.parallel_months / 12


def _costs(
    region: DependencyRegion,
    times: Times,
    steps: Iterable[Step],
    chosen: Iterable[CandidateAssessment],
    contracts: Iterable[ContractTerm],
) -> Costs:
    replacing = [step for step in steps if step.kind is StepKind.REPLACE]
    before = [
        region.node(node_id).properties.get("cost_per_year")
        for node_id in sorted(times.withdrawn)
        if region.in_use(node_id)
    ]
    after = [candidate.cost_per_year for candidate in chosen]
    left = {  # the contracts the exit leaves: of withdrawn components only
        term.component: term for term in contracts if term.component in times.withdrawn
    }
    fees = [term.termination_fee for term in left.values()]
    return Costs(
        per_year_before=sum(float(c) for c in before if isinstance(c, int | float)),
        per_year_before_unknown=sum(not isinstance(c, int | float) for c in before),
        per_year_after=sum(c for c in after if c is not None),
        per_year_after_unknown=sum(c is None for c in after),
        migration=sum(step.migration_cost or 0.0 for step in replacing),
        parallel=sum(step.parallel_cost or 0.0 for step in replacing),
        termination=sum(fee for fee in fees if fee is not None),
        one_off_unknown=tuple(
            step.id
            for step in replacing
            if step.migration_cost is None or step.parallel_cost is None
        ),
        termination_unknown=tuple(
            sorted(c for c, term in left.items() if term.termination_fee is None)
        ),
    )


def _on_day(weeks: float, calendar: Calendar) -> int | None:
    """The day after day 0 of the withdrawal that lies ``weeks`` into the work."""
    days = days_of(weeks)
    return None if days is None else calendar.work_starts + days


def _day_of(when: date, start: date | None) -> int | None:
    return (when - start).days if start is not None else None


def contracts_of(
    backend: GraphBackend, incumbents: Sequence[NodeId], start: date | None
) -> dict[NodeId, tuple[ContractTerm, ...]]:
    """The contracts each of ``incumbents`` runs under: its own, else those of the nearest
    components of the same vendor (by ultimate parent) that it hard-depends on, directly or
    through such components: the vendor's licence or service it cannot run without,
    withdrawn with it or not. Each of the equally near ones, the earliest end first (then
    the id): the first is the step's deadline, and every one of them is a contract the
    step is due by. Empty: no contract date recorded. Every incumbent's search goes a
    level at a time, and each level is read for all of them at once: a few queries a
    level, not per incumbent (helper-99: 17,000 queries on Neo4j made a 2.4 s report take
    a minute and a half)."""
    owners = _vendor_groups(backend, incumbents)
    found: dict[NodeId, tuple[ContractTerm, ...]] = {}
    searching = {i: ({i}, [i]) for i in incumbents}  # what each has seen, its level
    nodes: dict[NodeId, GraphNode] = {}
    needs: dict[NodeId, list[NodeId]] = {}  # hard, outside a redundant group
    groups: dict[NodeId, set[str]] = {}
    while searching:
        unread = sorted({n for _, level in searching.values() for n in level} - nodes.keys())
        nodes.update(backend.nodes_by_id(unread))
        for node_id in unread:
            needs[node_id] = []
        for edge in backend.edges_touching(unread, Direction.OUT, [Rel.DEPENDS_ON]):
            if edge.properties.get("strength", "hard") == "hard" and "group" not in edge.properties:
                needs[edge.source].append(edge.target)
        further: dict[NodeId, tuple[set[NodeId], set[NodeId]]] = {}
        for incumbent, (seen, level) in searching.items():
            terms = [term for node_id in level if (term := _term(nodes[node_id], start))]
            if terms:
                found[incumbent] = tuple(sorted(terms, key=lambda term: (term.end, term.component)))
                continue
            needed = {t for node_id in level for t in needs[node_id] if t not in seen}
            seen.update(needed)
            further[incumbent] = (seen, needed)
        unknown = sorted({n for _, needed in further.values() for n in needed} - groups.keys())
        read = _vendor_groups(backend, unknown)
        groups.update({node_id: read.get(node_id, set()) for node_id in unknown})
        searching = {}
        for incumbent, (seen, needed) in further.items():
            own = owners.get(incumbent, set())
            level = sorted(node_id for node_id in needed if groups[node_id] & own)
            if level:
                searching[incumbent] = (seen, level)
            else:
                found[incumbent] = ()
    return found


def _vendor_groups(backend: GraphBackend, ids: Iterable[NodeId]) -> dict[NodeId, set[str]]:
    """The ultimate parents of the vendors that provide each component."""
    links = backend.edges_touching(ids, Direction.OUT, [Rel.PROVIDED_BY])
    vendors = backend.nodes_by_id({edge.target for edge in links})
    groups: dict[NodeId, set[str]] = defaultdict(set)
    for edge in links:
        groups[edge.source].add(str(vendors[edge.target].properties.get("ultimate_parent")))
    return groups


def _term(node: GraphNode, start: date | None) -> ContractTerm | None:
    """A component's contract as a deadline: its end, or when notice for that end could
    no longer be given by ``start`` and the contract renews, the first renewal for which
    it still can."""
    properties = node.properties
    end_text = properties.get("contract_end")
    if not isinstance(end_text, str):
        return None
    end = date.fromisoformat(end_text)
    notice = properties.get("contract_notice_days")
    notice_days = notice if isinstance(notice, int) else None
    term = properties.get("contract_renewal_months")
    fee = properties.get("contract_termination_fee")
    renewals = 0
    if isinstance(term, int) and term > 0 and start is not None:
        while end - timedelta(days=notice_days or 0) < start:
            renewals += 1
            end = _months_after(date.fromisoformat(end_text), term * renewals)
    return ContractTerm(
        component=node.id,
        name=node.name,
        end=end,
        notice_by=end - timedelta(days=notice_days) if notice_days is not None else None,
        renewals=renewals,
        termination_fee=float(fee) if isinstance(fee, int | float) else None,
        renewal_months=term if isinstance(term, int) and term > 0 else None,
    )


@dataclass(frozen=True)
class ContractOutlook:
    """One contract a chosen exit is due by, and how the plan meets it."""

    term: ContractTerm
    steps: tuple[Step, ...]
    """The steps due by it."""
    late: tuple[Step, ...]
    last_finish: date | None
    """When the last of the late steps finishes."""
    renewal: tuple[int, date] | None
    """How many more renewals would end the contract after that, and that end."""
    notice_passed: bool
    """Its notice date lies before day 0."""

    @property
    def blocked(self) -> tuple[Step, ...]:
        """The steps due by it that cannot be scheduled until an alternative is found:
        they cannot meet it either."""
        return tuple(step for step in self.steps if step.blocked)


def contract_outlooks(simulation: Simulation) -> list[ContractOutlook]:
    """Each contract the exit is due by or leaves (``Plan.contracts``), the earliest end
    first."""
    steps = simulation.plan.steps
    found = []
    for term in simulation.plan.contracts:
        due = tuple(step for step in steps if term in step.contracts)
        late = tuple(step for step in due if _finishes_after(simulation, step, term.end))
        last = simulation.date_of(
            max((s.finish_day for s in late if s.finish_day is not None), default=None)
        )
        start = simulation.start
        found.append(
            ContractOutlook(
                term,
                due,
                late,
                last,
                renewed_past(term, last) if last else None,
                term.notice_by is not None and start is not None and term.notice_by < start,
            )
        )
    return found


def _finishes_after(simulation: Simulation, step: Step, end: date) -> bool:
    """The step is scheduled to finish after ``end``: late for that contract (a step due
    by several is late for the first only when it is for its own deadline)."""
    finish = simulation.date_of(step.finish_day)
    return not step.blocked and finish is not None and finish > end


def renewed_past(term: ContractTerm, day: date) -> tuple[int, date] | None:
    """How many more renewals of ``term`` it takes for the contract to end on or after
    ``day``, and that end (``None``: no renewal term recorded)."""
    if term.renewal_months is None:
        return None
    count, end = 0, term.end
    while end < day:
        count += 1
        end = _months_after(term.end, term.renewal_months * count)
    return count, end


def running_end(end: date, renewal_months: int | None, day: date) -> date:
    """The end a contract runs to on ``day``: ``end``, or where it renews for terms of
    ``renewal_months``, the first end after ``day`` (``end`` itself if that is later)."""
    if renewal_months is None or end > day:
        return end
    count, current = 0, end
    while current <= day:
        count += 1
        current = _months_after(end, renewal_months * count)
    return current


def _months_after(when: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    month = when.month - 1 + months
    year, month = when.year + month // 12, month % 12 + 1
    day = min(when.day, calendar_module.monthrange(year, month)[1])
    return date(year, month, day)


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
