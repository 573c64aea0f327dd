"""The sections of a simulation as rows of text, shared by the table, Markdown and CSV
renderers so that every format says the same thing in the same words."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from exitplan.errors import agreeing, decimal_text, ended, in_weeks, listed, plural, told_apart
from exitplan.graph.port import DependsOn
from exitplan.simulate.plan import contract_outlooks
from exitplan.simulate.policy import BASIS, CheckResult, Finding, Severity
from exitplan.simulate.propagate import NEVER, UNDATED, hidden_in
from exitplan.simulate.register import SUBSTITUTABILITY, RegisterRow
from exitplan.simulate.result import (
    CANNOT_BE_MADE,
    LICENCE_UNRECORDED,
    TOO_LATE_FOR_NEXT,
    Affected,
    Costs,
    DeadlineFrom,
    EarlierNeed,
    Legal,
    LicenceEnd,
    Move,
    Plan,
    Prerequisite,
    Simulation,
    State,
    Status,
    Step,
    StepKind,
    Summary,
    summarise,
)
from exitplan.simulate.schedule import Capacity
from exitplan.simulate.sensitivity import Analysis, Change
from exitplan.simulate.why import Chain


@dataclass(frozen=True)
class Section:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str | None = None


def day(value: int | None, undated: bool = False, *, start: date | None = None) -> str:
    """``day 30``; with day 0's date, the calendar date first: ``2026-12-01 (day 30)``
    (day 0 itself is its date alone: the headline names it)."""
    return _day(value, undated, start)


@functools.lru_cache(maxsize=4096, typed=True)
def _day(value: int | None, undated: bool, start: date | None) -> str:
    """``day``, remembered: a large withdrawal's tables say the same few days tens of
    thousands of times."""
    if undated:
        return "at renewal (date unknown)"
    if value is None:
        return ""
    offset = "day 0" if value == 0 else f"day {value:,}"
    dated = on(start, value)
    if start is None or dated == offset:  # undated, or beyond the calendar
        return offset
    return dated if value == 0 else f"{dated} ({offset})"


def on(start: date | None, value: int | None) -> str:
    """The ISO date ``value`` days after ``start`` (empty when either is unknown); beyond
    the calendar (after the year 9999, which a valid estate can reach: a chain of grace
    periods, or moves of a hundred years at a trickle of capacity) the day's count."""
    if start is None or value is None:
        return ""
    try:
        return (start + timedelta(days=value)).isoformat()
    except OverflowError:
        return f"day {value:,}"


def money(value: float, currency: str) -> str:
    return f"{number(value)} {currency}"


def weeks(value: float | None) -> str:
    """Weeks to two decimals at most (``in_weeks``)."""
    if value is None:
        return ""
    return decimal_text(round(value, 2) + 0.0)


def number(value: float) -> str:
    return f"{value:,.0f}"


def blocked_text(step: Step, names: Mapping[str, str] | None = None) -> str:
    """What blocks a step: its own lack of an alternative, or the steps before it."""
    own = {move.replaces for move in step.moves}
    others = [b for b in step.blocked_by if b not in own]
    if not others:
        return "blocked: no viable alternative"
    return "blocked by " + ", ".join(names.get(b, b) if names else b for b in others)


def status(step: Step, names: Mapping[str, str] | None = None) -> str:
    """Where a step stands: blocked and by what, or its lateness or slack."""
    if step.blocked:
        return blocked_text(step, names)
    if step.cannot_be_made:
        return CANNOT_BE_MADE
    told = _own_status(step)
    over = step.holds_up
    if step.too_late_for_next:
        told += ("; " if told else "") + TOO_LATE_FOR_NEXT
    elif over is not None and not (step.slack is not None and -step.slack >= over):
        told += ("; " if told else "") + f"{plural(over, 'day')} late for the steps after it"
    return told


NO_DURATION = "no duration recorded"
"""The status of a step that records no ``duration_weeks`` (placed as taking none)."""
LATENESS_UNKNOWN = "unknown without a day 0"
"""The status of a step due by a contract's end in an estate without a date."""
LATENESS_AT_RENEWAL = "unknown while the renewal's date is not recorded"
"""The status of a step due at a renewal of unknown date."""
NO_DAY_0 = (
    "Without a day 0 (the estate's as_of, or the scenario's start) no step's finish can be "
    "set against a contract's end: whether a step is late is unknown"
)


def _own_status(step: Step) -> str:
    """A step's lateness or slack against its own deadline; with no duration recorded,
    that too (the finish is the start)."""
    unsized = step.duration_weeks is None and step.kind is StepKind.REPLACE
    unknown = None  # no deadline to set the finish against
    if step.deadline_from is DeadlineFrom.NO_CONTRACT:
        unknown = "no contract date recorded"
    elif step.deadline_from is DeadlineFrom.CONTRACT and step.deadline is None:
        unknown = LATENESS_UNKNOWN
    elif step.deadline_from is DeadlineFrom.AT_RENEWAL and not step.too_late_for_next:
        unknown = LATENESS_AT_RENEWAL
    if unknown is not None:
        return unknown + (f"; {NO_DURATION}" if unsized else "")
    if unsized:
        return NO_DURATION
    if step.slack is None or step.duration_weeks is None:
        return ""
    if step.slack < 0:
        return f"{plural(-step.slack, 'day')} late"
    return f"{plural(step.slack, 'day')} to spare"


def held_back_sentences(
    simulation: Simulation, names: Mapping[str, str] | None = None
) -> list[str]:
    """For each withdrawn component that nothing staying in use needs but that the
    candidates for components with no viable alternative need: "sql-server, withdrawn
    with no viable alternative, keeps out the candidates for autopatch and co-management,
    which need it", by name with ``names``, else by id."""
    shown = names or {}
    together: dict[tuple[str, ...], list[str]] = {}
    for held in simulation.held_back:  # those that keep out the same candidates, together
        together.setdefault(held.holds_back, []).append(held.id)
    return [
        f"{listed([shown.get(n, n) for n in blockers], most=3)}, withdrawn with no viable "
        f"alternative, {agreeing(len(blockers), 'keeps', 'keep')} out the "
        f"{agreeing(len(holds), 'candidate', 'candidates')} for "
        f"{listed([shown.get(n, n) for n in holds], most=3)}, which "
        f"{agreeing(len(holds), 'needs', 'need')} {agreeing(len(blockers), 'it', 'them')}"
        for holds, blockers in together.items()
    ]


def display_names(simulation: Simulation) -> dict[str, str]:
    """The name of every node a simulation shows: what it affects, what it replaces and
    the chosen replacements (for documents, which say names rather than ids); a name two
    nodes share, with the id of each (``recorded_names`` gives them as recorded)."""
    return told_apart(recorded_names(simulation))


def recorded_names(simulation: Simulation) -> dict[str, str]:
    """``display_names`` as the estate records them, a shared name not told apart."""
    names: dict[str, str] = {a.id: a.name for a in simulation.affected}
    names.update({r.replaces: r.name for r in simulation.replacements})
    names.update({r.chosen.candidate: r.chosen.name for r in simulation.replacements if r.chosen})
    for step in simulation.plan.steps:
        for need in step.needs_brought_in:
            names.update(zip(need.options, need.names, strict=True))
    names.update({held.id: held.name for held in simulation.held_back})
    return names


LONGEST_CHAIN_SHOWN = 9
"""A chain of more nodes shows its first and last four around a count of the others, in
tables, reports, workbooks and slides; one the simulation cut (``propagate.elided``)
shows its first four and what is withdrawn. JSON gives a chain as the simulation holds
it, and ``exitplan why`` every node."""

UNRECORDED = "none recorded"
"""Where a count is not recorded (the users of a service): not 0."""


def chain_text(
    chain: Sequence[str], names: Mapping[str, str] | None = None, *, whole: bool = False
) -> str:
    """``a ← b ← c``, by name when ``names`` has one; a long chain cut in the middle:

    >>> chain_text([f"c{i}" for i in range(2000)])
    'c0 ← c1 ← c2 ← c3 ← … 1,992 more … ← c1996 ← c1997 ← c1998 ← c1999'
    """
    end = LONGEST_CHAIN_SHOWN // 2
    length = sum(hidden_in(entry) for entry in chain)
    cut = not whole and length > LONGEST_CHAIN_SHOWN
    last = 1 if len(chain) != length else end  # cut by the simulation: its root alone
    shown = [*chain[:end], *chain[-last:]] if cut else chain
    text = [names.get(n, n) if names else n for n in shown]
    if cut:
        text.insert(end, f"… {length - end - last:,} more …")
    return " ← ".join(text)


def sentences(items: Sequence[str]) -> str:
    """Join phrases and sentences into one paragraph, each ending with a full stop."""
    parts = [item.strip() for item in items if item.strip()]
    return " ".join(ended(part) for part in parts)


def headline(simulation: Simulation) -> list[str]:
    """Three or four sentences a board member reads first."""
    figures = summarise(simulation)
    scope = ", ".join(simulation.selectors)
    start = f", from {simulation.start.isoformat()}" if simulation.start else ""
    horizon = (
        f", horizon {plural(simulation.horizon, 'day')}" if simulation.horizon is not None else ""
    )
    title = f"{simulation.scenario_title}: w" if simulation.scenario_title else "W"
    lines = [
        f"{title}ithdrawing {scope} ({simulation.mode}) from estate {simulation.estate}"
        f"{start}{horizon}.",
        f"{plural(figures.withdrawn, 'component or service', 'components or services')} "
        f"withdrawn; {plural(figures.services_broken, 'service')} broken and "
        f"{figures.services_degraded:,} degraded; {users_lost(figures)}.",
    ]
    if simulation.legal is not None:
        lines.extend(legal_sentences(simulation.legal))
    lines.extend(licence_sentences(simulation.licences, simulation.affected))
    return lines + plan_sentences(simulation, figures)


def users_lost(figures: Summary) -> str:
    """ "51,700 users lose a service", or why no number is given."""
    if not figures.services_broken:
        return "no user loses a service"
    if not figures.users_recorded:
        return "no users are recorded for the services broken"
    return (
        f"{plural(figures.users_broken, 'user')} "
        f"{agreeing(figures.users_broken, 'loses', 'lose')} a service"
    )


def plan_sentences(simulation: Simulation, figures: Summary, *, spare: bool = True) -> list[str]:
    """The headline's sentences of the alternatives and the plan: what has none viable,
    what is held back, the partial replacements, the plan and its finish, what needs no
    replacement (unless not ``spare``: a simulation that lists the services alone among
    what it reaches cannot tell it), what must be brought in, and what is late."""
    lines: list[str] = []
    missing = [r.replaces for r in simulation.missing]
    if missing:
        lines.append(f"No viable alternative for {len(missing):,}: {', '.join(missing)}.")
    lines.extend(f"{told}." for told in held_back_sentences(simulation))
    partial = [
        f"{r.replaces} → {r.chosen.candidate}"
        for r in simulation.replacements
        if r.status is Status.PARTIAL and r.chosen is not None
    ]
    if partial:  # what relies on what such a candidate leaves out stays short after the plan
        count = len(partial)
        lines.append(
            f"{plural(count, 'replacement covers', 'replacements cover')} only part of what "
            f"is used (see the alternatives' gaps): {listed(partial, most=3)}."
        )
    plan = simulation.plan
    finish = finish_text(simulation, plan.finish_day, plan.finish) if plan.scheduled else ""
    within = f" within {capacity_told(simulation)}" if plan.capacity else ""
    who = "the steps that can be scheduled finish" if figures.blocked_steps else "it finishes"
    lines.append(
        f"Migration plan: {plural(figures.steps, 'step')} in {plural(plan.waves, 'wave')}, "
        f"critical path {critical_path_text(plan)}"
        + (f", {figures.blocked_steps:,} blocked" if figures.blocked_steps else "")
        + (
            f"; {who} {finish}{' at the earliest' if plan.duration_unknown else ''}{within}"
            if finish
            else ""
        )
        + "."
    )
    unused: list[str] = []
    if spare:
        running = {a.id for a in simulation.affected if a.state is State.WITHDRAWN}
        running -= {held.id for held in simulation.held_back}  # told above
        unused = [n for n in simulation.not_needed if n in running]
    if unused:  # as the report tells them
        count = len(unused)
        lines.append(
            f"{plural(count, 'withdrawn component needs', 'withdrawn components need')} no "
            f"replacement, as nothing that stays in use needs {agreeing(count, 'it', 'them')}: "
            f"{listed(unused, most=5)}."
        )
    needs = brought_in_sentences(simulation, most=3)
    if needs:
        lines.append(needs[0] + ".")
    late = plan.late
    if len(late) == 1:
        lines.append(
            f"1 step finishes {plural(-(late[0].slack or 0), 'day')} after "
            f"{deadline_clock(late, simulation)} ({late[0].id})."
        )
    elif late:
        worst = min(late, key=lambda s: s.slack or 0)
        lines.append(
            f"{plural(len(late), 'step')} finish after {deadline_clock(late, simulation)}, "
            f"the latest by {plural(-(worst.slack or 0), 'day')} ({worst.id})."
        )
    for told in (holding_up_sentence(simulation), lost_export_sentence(simulation)):
        if told:
            lines.append(told + ".")
    return lines


def deadline_clock(steps: Sequence[Step], simulation: Simulation, *, first: bool = False) -> str:
    """What late ``steps`` finish after: "its contract ends" in a chosen exit; in a
    cut-off, "what they protect breaks", or "degrades" where nothing breaks by a known day
    without them (``first``: "the first thing it protects ...")."""
    one = len(steps) == 1
    if simulation.mode == "exit":
        return "its contract ends" if one else "their contract ends"
    sources = {step.deadline_from for step in steps}
    verb = (
        "breaks or degrades"
        if len(sources) > 1
        else "degrades"
        if sources == {DeadlineFrom.DEGRADES}
        else "breaks"
    )
    what = "the first thing" if first else "what"
    return f"{what} {'it protects' if one else 'they protect'} {verb}"


def lost_export_sentence(simulation: Simulation, names: Mapping[str, str] | None = None) -> str:
    """In a cut-off, the data that only the vendor can export, of components it takes away
    before the plan's export step can be made (``Step.cannot_be_made``; helper-56)."""
    exports = [step.replaces for step in simulation.plan.steps if step.cannot_be_made]
    if not exports:
        return ""
    shown = names or {}
    what = listed([shown.get(n, n) for n in exports], most=5)
    return (
        f"Only the vendor can export the data of {what}, and in a cut-off it is gone before "
        f"the export {agreeing(len(exports), 'step', 'steps')} can be made: keep a copy of "
        "the data outside it"
    )


def holding_up_sentence(simulation: Simulation, names: Mapping[str, str] | None = None) -> str:
    """The steps not late by a deadline of their own (or with none) that the steps after
    them wait for too long: "replace-entra-id finishes 90 days after the steps after it
    need it"; or, where what follows takes longer than the time left, that the steps after
    them miss their deadlines however soon these finish (by name with ``names``)."""
    shown = names or {}

    def what(step: Step) -> str:
        return shown.get(step.replaces, step.replaces) if names else step.id

    told = []
    holding = [s for s in simulation.plan.holding_up if not s.late]
    if holding:
        worst = max(holding, key=lambda s: (s.holds_up or 0, s.id))
        told.append(
            f"{what(worst)} finishes {plural(worst.holds_up or 0, 'day')} after the steps "
            "after it need it, though not late by a deadline of its own"
            if len(holding) == 1
            else f"{len(holding):,} steps finish after the steps after them need them, "
            "though not late by a deadline of their own, the latest by "
            f"{plural(worst.holds_up or 0, 'day')} ({what(worst)})"
        )
    hopeless = simulation.plan.too_late_for_next
    if hopeless:
        told.append(
            f"After {listed([what(s) for s in hopeless], most=3)}, the steps miss their "
            f"deadlines however soon {agreeing(len(hopeless), 'it finishes', 'these finish')}: "
            "what follows takes longer than the time left"
        )
    return "; ".join(told)


def services(
    simulation: Simulation,
    names: Mapping[str, str] | None = None,
    title: str = "Services affected",
    unrecorded: str = "",
) -> Section:
    """The affected services, broken first; with ``names``, services and chains are
    shown by name rather than id (for documents). ``unrecorded`` stands in the users
    column of a service no organisation is recorded to use. As in the components table,
    the day it breaks and the day it degrades, the latter for a broken service only where
    it is earlier: a board must see both (the terminal gave one "from" day, helper-86)."""
    rows = []
    for service in sorted(
        simulation.services,
        key=lambda s: (s.state is State.DEGRADED, s.impact.fails_at or 0, s.id),
    ):
        impact = service.impact
        degraded = impact.state is State.DEGRADED
        earlier = (  # a service that degrades before it breaks: a board must see both days
            impact.degrades_at is not None
            and (impact.undated or impact.fails_at is None or impact.degrades_at < impact.fails_at)
        )
        rows.append(
            (
                names.get(service.id, service.id) if names else service.id,
                service.criticality,
                impact.state.value,
                "" if degraded else day(impact.fails_at, impact.undated, start=simulation.start),
                day(impact.degrades_at, degraded and impact.undated, start=simulation.start)
                if degraded or earlier
                else "",
                number(service.users) if service.consumers else unrecorded,
                chain_text(impact.because[1:], names),
            )
        )
    return Section(
        title,
        ("service", "criticality", "state", "breaks", "degrades", "users", "because"),
        tuple(rows),
        None if rows else "No service is affected.",
    )


_STATE_ORDER = {state: index for index, state in enumerate(State)}
"""Withdrawn, broken, degraded: the order of the components table."""


def components(simulation: Simulation) -> Section:
    rows = tuple(
        (
            a.id,
            a.state.value,
            day(a.fails_at, a.undated and a.state is not State.DEGRADED, start=simulation.start),
            day(a.degrades_at, a.undated and a.state is State.DEGRADED, start=simulation.start),
            chain_text(a.because[1:]),
        )
        for a in sorted(
            (a for a in simulation.affected if a.kind == "component"),
            key=lambda a: (_STATE_ORDER[a.state], a.fails_at or 0, a.id),
        )
    )
    return Section(
        "Components affected", ("component", "state", "breaks", "degrades", "because"), rows
    )


def needs_first(simulation: Simulation) -> dict[str, list[EarlierNeed]]:
    """For each replaced component, what its chosen candidate needs that an earlier step
    moves (the candidate is chosen on that condition)."""
    found: dict[str, list[EarlierNeed]] = {}
    for step in simulation.plan.steps:
        if not step.needs_first:
            continue
        by_candidate: dict[str, list[EarlierNeed]] = defaultdict(list)
        for need in step.needs_first:
            by_candidate[need.candidate].append(need)
        for move in step.moves:
            if move.candidate in by_candidate:
                found[move.replaces] = by_candidate[move.candidate]
    return found


def moves_of(simulation: Simulation) -> dict[tuple[str, str], Move]:
    """Each step's moves by (step, node): the node it replaces, and the one it brings in."""
    found: dict[tuple[str, str], Move] = {}
    for step in simulation.plan.steps:
        for move in step.moves:
            found[step.id, move.replaces] = move
        for move in step.moves:
            if move.candidate is not None:
                found.setdefault((step.id, move.candidate), move)
    return found


def needs_first_sentences(
    simulation: Simulation,
    needs: Sequence[EarlierNeed],
    names: Mapping[str, str] | None = None,
    *,
    moves: Mapping[tuple[str, str], Move] | None = None,
) -> list[str]:
    """``needs`` (of one candidate, from ``needs_first``) in words: "Needs entra-id, which
    univention-nubus replaces first", "Needs univention-nubus, brought in first to replace
    entra-id", or, where that step has nothing to move to, "Needs entra-id, for which no
    viable alternative is found yet" (with ``names``, by name); once for each move it
    waits for, the first way where both hold. ``moves``: ``moves_of`` the simulation."""
    shown = names or {}
    moved = moves if moves is not None else moves_of(simulation)
    told: dict[tuple[str, str], str] = {}  # by the move: its replacement, else its candidate
    for need in needs:
        move = moved.get((need.step, need.node))
        if move is None:
            continue
        node = shown.get(need.node, need.node)
        key = (need.step, move.replaces)
        if move.candidate is None:
            told[key] = f"Needs {node}, for which no viable alternative is found yet"
        elif move.replaces == need.node:
            candidate = shown.get(move.candidate, move.candidate)
            told[key] = f"Needs {node}, which {candidate} replaces first"
        elif key not in told:
            replaced = shown.get(move.replaces, move.replaces)
            told[key] = f"Needs {node}, brought in first to replace {replaced}"
    return [told[key] for key in sorted(told)]


def alternatives(simulation: Simulation, names: Mapping[str, str] | None = None) -> Section:
    """Each needed component's status and chosen candidate; with ``names``, by name."""
    shown = names or {}
    rows = []
    order = {Status.MISSING: 0, Status.PARTIAL: 1, Status.OK: 2}
    first_needs = needs_first(simulation)
    moves = moves_of(simulation)
    for replacement in sorted(simulation.replacements, key=lambda r: (order[r.status], r.replaces)):
        chosen = replacement.chosen
        if chosen is None:
            reasons = [
                f"{shown.get(c.candidate, c.name) if names else c.candidate}: {c.reason}"
                for c in replacement.candidates
            ]
            detail = sentences(reasons) if reasons else "No alternative identified."
        else:
            first = needs_first_sentences(
                simulation, first_needs.get(replacement.replaces, []), names, moves=moves
            )
            detail = sentences([*chosen.gaps, *first])
        rows.append(
            (
                shown.get(replacement.replaces, replacement.replaces),
                replacement.status.value,
                (shown.get(chosen.candidate, chosen.candidate)) if chosen else "",
                chosen.readiness if chosen else "",
                detail + (f" ({replacement.note})" if replacement.note else ""),
            )
        )
    return Section(
        "Alternatives",
        ("replace", "status", "with", "ready", "gaps, or why none is viable"),
        tuple(rows),
    )


def plan(simulation: Simulation) -> Section:
    steps = simulation.plan
    start = simulation.start
    rows = []
    for step in sorted(steps.steps, key=lambda s: (s.wave, s.id)):
        if step.kind is StepKind.EXPORT:
            action = f"export data from {step.replaces}"
        else:
            action = "; ".join(f"{m.replaces} → {m.candidate or '?'}" for m in step.moves)
        rows.append(
            (
                action,
                str(step.wave),
                when_week(step.start_week, step.start_day, start),
                when_week(step.finish_week, step.finish_day, start),
                due(step, start),
                status(step),
            )
        )
    critical = " → ".join(steps.critical_path)
    notes = [f"Critical path: {critical}." if critical else "", *schedule_sentences(simulation)]
    notes += brought_in_sentences(simulation)
    notes += contract_sentences(simulation) + cost_sentences(simulation)
    return Section(
        f"Migration plan: {plural(steps.waves, 'wave')}, critical path {critical_path_text(steps)}",
        ("step", "wave", "starts", "finishes", "due", "on time?"),
        tuple(rows),
        note=sentences(notes) or None,
    )


def when_week(week: float | None, value: int | None, start: date | None) -> str:
    """A step's start or finish: its date, else (undated estate) its week of the work."""
    if week is None:
        return ""
    return on(start, value) if start is not None else f"week {weeks(week)}"


def due(step: Step, start: date | None) -> str:
    """The deadline: a contract's end as a date; in a cut-off the day things break; and
    the earlier day the steps after it need it by (``Step.due_for_next``)."""
    if step.deadline_from is DeadlineFrom.CONTRACT and step.contract is not None:
        own = step.contract.end.isoformat()
        if start is not None and step.contract.end < start:
            own = f"{start.isoformat()} (its contract ended {own})"
    elif step.deadline_from is DeadlineFrom.AT_RENEWAL:
        own = day(None, undated=True)
    else:
        own = day(step.deadline, start=start)
    if step.due_for_next is None or step.too_late_for_next:  # no day to meet: its status says
        return own
    earlier = f"{day(step.due_for_next, start=start)} for the steps after it"
    return f"{own}; {earlier}" if own else earlier


def finish_text(simulation: Simulation, value: int | None, finish_weeks: float) -> str:
    dated = on(simulation.start, value)
    return dated or f"in week {weeks(finish_weeks)} of the work"


def critical_path_text(plan: Plan, *, counted: bool = True) -> str:
    """``10 weeks``, and "at least" where steps that record no duration are on the plan
    as taking none (``Plan.duration_unknown``), with how many unless ``counted`` is false
    (a sentence after it tells them, ``schedule_sentences``)."""
    unknown = len(plan.duration_unknown)
    if not unknown:
        return in_weeks(plan.critical_path_weeks)
    return f"at least {in_weeks(plan.critical_path_weeks)}" + (
        f" ({plural(unknown, 'step records', 'steps record')} no duration)" if counted else ""
    )


def schedule_sentences(simulation: Simulation, names: Mapping[str, str] | None = None) -> list[str]:
    """When the work starts and ends, within the capacity and without it; and the steps
    that record no duration, which the finish counts as taking none."""
    plan = simulation.plan
    if not plan.scheduled:
        return []
    starts = on(simulation.start, plan.work_starts_day)
    finish = finish_text(simulation, plan.finish_day, plan.finish)
    who = "the steps that can be scheduled finish" if plan.blocked else "the plan finishes"
    unknown = plan.duration_unknown
    lines = [
        (f"Work starts {starts}; {who}" if starts else who[:1].upper() + who[1:])
        + f" {finish}{' at the earliest' if unknown else ''}"
    ]
    if unknown:
        replaces = {step.id: step.replaces for step in plan.steps}
        shown = [(names or {}).get(replaces[step], step) for step in unknown]
        lines.append(
            f"{plural(len(unknown), 'step records', 'steps record')} no duration "
            f"(duration_weeks) and {agreeing(len(unknown), 'counts', 'count')} as taking "
            f"none: {listed(shown, most=5)}"
        )
    capacity = plan.capacity
    if capacity is not None:
        free = finish_text(simulation, plan.finish_day_without_capacity, plan.critical_path_weeks)
        held = capacity_told(simulation)  # steps with no effort are not held to people
        lines.append(
            f"Within {held}; without that limit it would finish {free}"
            if free != finish
            else f"Within {held}, which does not hold it up"  # helper-83
        )
    return lines


def either(options: Sequence[str]) -> str:
    """The nodes any one of which meets a need: ``hub``, ``either d1 or d2``."""
    return options[0] if len(options) == 1 else "either " + listed(options, last="or")


def need_text(need: Prerequisite, names: Mapping[str, str] | None = None) -> str:
    """One need that the plan does not bring in: ``hub``, ``either d1 or d2``,
    ``store (through hub)``."""
    shown = names or {}
    text = either([shown.get(o, o) for o in need.options])
    if need.through:
        text += f" (through {shown.get(need.through[0], need.through[0])})"
    return text


def brought_in_sentences(
    simulation: Simulation, names: Mapping[str, str] | None = None, *, most: int | None = None
) -> list[str]:
    """What each chosen candidate needs hard that is not run today and that no step brings
    in, the needs of the same candidates together (by ``names`` where they have one, else
    by id; with ``most``, so many groups and a count of the rest), then that the figures
    leave them out:

    ``Not in the plan and not run today: univention-nubus, needed by baramundi. Its
    effort and cost are not in the figures.``"""
    shown = names or {}
    # each need, as told, and the candidates that need it; a need of one node is told
    # before a choice between several, so that the choice ends the list
    needing: dict[tuple[bool, str], set[str]] = {}
    for step in simulation.plan.steps:
        for need in step.needs_brought_in:
            told_as = (len(need.options) > 1, need_text(need, shown))
            needing.setdefault(told_as, set()).add(need.candidate)
    told: dict[tuple[str, ...], list[str]] = {}  # needs with the same candidates, together
    for (_, text), candidates in sorted(needing.items()):
        told.setdefault(tuple(sorted(candidates)), []).append(text)
    if not told:
        return []
    groups = sorted(told.items())
    parts = [
        f"{listed(texts)}, needed by {listed(shown.get(c, c) for c in candidates)}"
        for candidates, texts in groups
    ]
    if most is not None and len(parts) > most + 1:
        rest = sum(len(texts) for _, texts in groups[most:])
        parts = [*parts[:most], plural(rest, "more need")]
    count = simulation.plan.needs_not_in_plan
    return [
        "Not in the plan and not run today: " + "; ".join(parts),
        f"{agreeing(count, 'Its', 'Their')} effort and cost are not in the figures",
    ]


def unbrought(simulation: Simulation) -> dict[tuple[str, ...], list[str]]:
    """Each need the plan does not bring in, with the candidates that need it."""
    found: dict[tuple[str, ...], set[str]] = {}
    for step in simulation.plan.steps:
        for need in step.needs_brought_in:
            found.setdefault(need.options, set()).add(need.candidate)
    return {options: sorted(candidates) for options, candidates in sorted(found.items())}


def first_need(
    needs: Mapping[tuple[str, ...], list[str]], names: Mapping[str, str]
) -> tuple[tuple[str, ...], list[str]]:
    """The need a sentence names of several (``unbrought``'s), as the plan's notes tell
    them first: a need of one node before a choice, then by what they are called."""
    options = min(
        needs, key=lambda options: (len(options) > 1, either([names.get(o, o) for o in options]))
    )
    return options, needs[options]


def capacity_text(capacity: Capacity) -> str:
    parts = []
    if capacity.parallel_steps is not None:
        parts.append(plural(capacity.parallel_steps, "step") + " at a time")
    if capacity.person_weeks_per_month is not None:
        parts.append(f"{weeks(capacity.person_weeks_per_month)} person-weeks a month")
    return " and ".join(parts)


def _effort_unrecorded(simulation: Simulation) -> int:
    """Steps that move something and record no effort (a step with nothing to move to
    has no effort to record)."""
    return sum(
        1
        for step in simulation.plan.steps
        if step.kind is StepKind.REPLACE
        and any(m.candidate for m in step.moves)
        and step.effort_weeks is None
    )


def capacity_told(simulation: Simulation) -> str:
    """The capacity a plan is held to, and the steps that a limit on people cannot hold
    since they record no effort: a board told '0.1 person-weeks a month' must know."""
    capacity = simulation.plan.capacity
    if capacity is None:
        return ""
    told = capacity_text(capacity)
    unrecorded = _effort_unrecorded(simulation) if capacity.person_weeks_per_month else 0
    if unrecorded:
        verb = agreeing(unrecorded, "is", "are")
        told += f" ({plural(unrecorded, 'step')} with no effort recorded {verb} not held to it)"
    return told


def contract_sentences(simulation: Simulation, *, ids: bool = True) -> list[str]:
    """The contracts a chosen exit is due by: each end, notice date and renewal, once
    (``ids``: with the id of the component whose contract it is, for the terminal)."""
    lines = []
    for outlook in contract_outlooks(simulation):
        term = outlook.term
        notice = f", notice by {term.notice_by.isoformat()}" if term.notice_by else ""
        renewed = (
            f" (after {plural(term.renewals, 'renewal')}: notice for the recorded end had "
            "passed by day 0)"
            if term.renewals
            else ""
        )
        passed = "; that notice date has passed" if outlook.notice_passed else ""
        due = (
            f"{plural(len(outlook.steps), 'step')} due by it, "
            + (
                "lateness unknown"
                if simulation.start is None
                else f"{f'{len(outlook.late):,}' if outlook.late else 'none'} late"
            )
            + (f", {len(outlook.blocked):,} blocked" if outlook.blocked else "")
            if outlook.steps
            else "no step is due by it, and the exit leaves it"
        )
        ended = simulation.start is not None and term.end < simulation.start
        lines.append(
            f"The contract of {term.name}{f' ({term.component})' if ids else ''} "
            + ("ended " if ended else "ends ")
            + f"{term.end.isoformat()}{renewed}{notice}{passed}"
            + (", before day 0, and counts as ended then" if ended else "")
            + f": {due}"
        )
        if outlook.last_finish and outlook.renewal:
            count, end = outlook.renewal
            lines.append(
                f"Renewing it {'once' if count == 1 else f'{count} times'} more "
                f"({plural(term.renewal_months or 0, 'month')} a term) moves its end to "
                f"{end.isoformat()}, after the last late step finishes "
                f"({outlook.last_finish.isoformat()})"
            )
    if simulation.start is None and simulation.plan.lateness_unknown:
        lines.append(NO_DAY_0)
    return lines


def one_off_text(costs: Costs, currency: str | None = None) -> str:
    """``unknown`` when nothing is recorded, ``at least`` when some part is missing."""
    amount = money(costs.one_off, currency) if currency else number(costs.one_off)
    return _at_least(amount, _one_off_unknown(costs), costs.one_off)


def _one_off_unknown(costs: Costs) -> int:
    """The parts of the one-off cost not recorded: steps, and contract terminations."""
    return len(costs.one_off_unknown) + len(costs.termination_unknown)


def per_year_text(amount: float, unknown: int, currency: str | None = None) -> str:
    """A running cost as ``one_off_text`` tells a one-off one: ``unknown`` when nothing is
    recorded, ``at least`` when some part is missing."""
    return _at_least(money(amount, currency) if currency else number(amount), unknown, amount)


def per_year_after_text(simulation: Simulation) -> str:
    """The running cost after the exit: ``unknown`` while no replacement is found, ``at
    least`` while some component has none, or a cost is not recorded."""
    costs = simulation.plan.costs
    unknown = (
        costs.per_year_after_unknown + len(simulation.missing) + simulation.plan.needs_not_in_plan
    )
    return per_year_text(costs.per_year_after, unknown, simulation.currency)


def effort_sentence(simulation: Simulation) -> str:
    """The plan's effort in person-weeks; unknown stays unknown, as for costs (a step
    with nothing to move to has no effort to record)."""
    replacing = [
        s
        for s in simulation.plan.steps
        if s.kind is StepKind.REPLACE and any(m.candidate for m in s.moves)
    ]
    unknown = _effort_unrecorded(simulation)
    if not replacing and simulation.missing:
        return "Effort unknown: no step has an alternative to move to yet"
    if replacing and unknown == len(replacing):
        steps = "its one step" if unknown == 1 else f"any of its {unknown:,} steps"
        return f"Effort unknown: not recorded for {steps}"
    effort = simulation.plan.effort_weeks
    blocked = sum(  # nothing to move to yet; a step blocked behind one has its effort
        s.kind is StepKind.REPLACE and not any(m.candidate for m in s.moves)
        for s in simulation.plan.steps
    )
    needs = simulation.plan.needs_not_in_plan  # what brings them in is no step's effort
    told = (
        f"Effort {'at least ' if unknown or blocked or needs else ''}{weeks(effort)} "
        f"person-week{'' if effort == 1 else 's'}"
    )
    missing = [f"not recorded for {plural(unknown, 'step')}"] if unknown else []
    if blocked:
        missing.append(
            f"none yet for the {plural(blocked, 'blocked step')}, with nothing to move to"
        )
    if needs:
        missing.append(f"nothing counted for {plural(needs, 'need')} not in the plan")
    return told + (f" ({'; '.join(missing)})" if missing else "")


def users_text(figures: Summary) -> str:
    """The people who lose a service, or ``none recorded`` where no affected service
    records who uses it: never 0 people for a count nobody made."""
    return number(figures.users_broken) if figures.users_recorded else UNRECORDED


def cost_sentences(simulation: Simulation) -> list[str]:
    """The cost of leaving: once, and per year before and after; unknown stays unknown."""
    costs = simulation.plan.costs
    currency = simulation.currency
    replacing = [s for s in simulation.plan.steps if s.kind is StepKind.REPLACE]
    if not replacing:
        return []
    one_off = one_off_text(costs, currency)
    unknown = len(costs.one_off_unknown)
    if unknown and one_off != "unknown":
        one_off += f" (not recorded for {plural(unknown, 'step')})"

    def a_year(amount: float, unknown: int) -> str:
        told = per_year_text(amount, unknown, currency)
        return told if told == "unknown" else f"{told} a year"

    before = f"{a_year(costs.per_year_before, costs.per_year_before_unknown)} for what is " + (
        f"withdrawn (no cost recorded for {costs.per_year_before_unknown:,} of its components)"
        if costs.per_year_before_unknown
        else "withdrawn"
    )
    told = per_year_after_text(simulation)
    after = f"{told if told == 'unknown' else f'{told} a year'} for the replacements"
    unsaid = [
        f"no cost recorded for {costs.per_year_after_unknown:,}"
        if costs.per_year_after_unknown
        else "",
        f"none found yet for {plural(len(simulation.missing), 'component')}"
        if simulation.missing
        else "",
        f"nothing counted for {plural(simulation.plan.needs_not_in_plan, 'need')} not in the plan"
        if simulation.plan.needs_not_in_plan
        else "",
    ]
    if any(unsaid):
        after += f" ({'; '.join(u for u in unsaid if u)})"
    return [f"One-off cost of the exit: {one_off}", f"Running cost: {before}, {after}"]


def legal_sentences(found: Legal) -> list[str]:
    """What a scenario's legal assumptions do, one sentence per assumption, each flow
    counted once."""
    lost = sorted({f.flow for f in found.flows if f.rule == "third-country-transfer"})
    exposed = sorted({f.flow for f in found.flows if f.rule == "foreign-disclosure"})
    lines = []
    if found.invalidated:
        verb = agreeing(len(lost), "loses", "lose")
        struck = listed([BASIS.get(basis, basis) for basis in found.invalidated])
        lines.append(
            f"{plural(len(lost), 'data flow')} {verb} "
            f"{agreeing(len(lost), 'its', 'their')} legal basis once {struck} "
            f"{agreeing(len(found.invalidated), 'is', 'are')} struck down."
        )
    if exposed:
        verb = agreeing(len(exposed), "carries", "carry")
        lines.append(
            f"{plural(len(exposed), 'data flow')} {verb} secret or confidential data within "
            "reach of a foreign disclosure law."
        )
    lines.append(
        f"{plural(len(found.withdrawn), 'component')} withdrawn because of "
        f"{agreeing(len(set(lost) | set(exposed)), 'it', 'them')}."
        if found.withdrawn
        else "Nothing is withdrawn because of them."
    )
    return lines


def licence_when(licence: LicenceEnd) -> str:
    """When a licence effect starts, in words: "contract end 2027-12-31 plus 30 days'
    licence-check grace, day 455"."""
    if licence.licence == "subscription":
        if licence.end is None:
            return "at the next renewal, date unknown (no contract end recorded)"
        grace = (
            f" plus {plural(licence.grace_days, 'day')}' licence-check grace"
            if licence.grace_days
            else ""
        )
        if licence.passed:  # the grace is counted from day 0, not from the end
            when = (
                f"after {plural(licence.grace_days, 'day')}' licence-check grace from day 0"
                if licence.grace_days
                else "at day 0"
            )
            return (
                f"{when} (its contract end {licence.end.isoformat()} has passed), "
                f"{day(licence.day)}"
            )
        return f"at its contract end {licence.end.isoformat()}{grace}, {day(licence.day)}"
    if licence.licence == LICENCE_UNRECORDED:
        return "no licence recorded, so taken as running on"
    if licence.end is None:
        return "no end of support recorded, so its licence does not degrade it"
    if licence.passed:
        return (
            f"without updates from day 0 (its end of support {licence.end.isoformat()} has "
            f"passed), {day(licence.day)}"
        )
    return f"without updates from its end of support {licence.end.isoformat()}, {day(licence.day)}"


def _breaks_first(item: LicenceEnd, affected: Mapping[str, Affected]) -> int | None:
    """The day a component the licence would keep running breaks before that, through
    what it needs (None when it does not)."""
    found = affected.get(item.id)
    if found is None or found.fails_at is None or found.state is State.DEGRADED:
        return None
    if item.licence == "subscription" and item.day is not None and found.fails_at >= item.day:
        return None
    return found.fails_at


def licence_sentences(
    licences: Sequence[LicenceEnd], affected: Sequence[Affected] = ()
) -> list[str]:
    """Why software the organisation runs itself goes later than day 0, or runs on; and
    when it breaks earlier through what it needs, that day instead."""
    lines = []
    by_id: dict[str, Affected] = {a.id: a for a in affected}
    earlier = {item.id: d for item in licences if (d := _breaks_first(item, by_id)) is not None}

    def when(item: LicenceEnd) -> str:
        told = f"{item.id} {licence_when(item)}"
        if item.id in earlier:
            breaks = earlier[item.id]
            sooner = item.day is None or breaks < item.day
            lead = "it breaks earlier, from" if sooner else "and breaks from"
            told += f" ({lead} {day(breaks)}, through what it needs)"
        return told

    def vendors(items: Sequence[LicenceEnd]) -> str:
        return listed(sorted({v for item in items for v in item.vendors}))

    ending = [item for item in licences if item.licence == "subscription"]
    if ending:
        parts = "; ".join(when(item) for item in ending)
        lines.append(
            f"Software run here stops when its subscription from {vendors(ending)} ends: {parts}."
        )
    dated = [item for item in licences if item.licence == "perpetual" and item.end]
    if dated:
        parts = "; ".join(when(item) for item in dated)
        lines.append(
            f"Software run here under a perpetual licence from {vendors(dated)} keeps running, "
            f"degraded: {parts}."
        )
    undated = [
        item for item in licences if item.licence != "subscription" and not item.end
    ]  # a perpetual licence with no end of support, or no licence recorded
    breaking = [item for item in undated if item.id in earlier]
    undated = [item for item in undated if item.id not in earlier]
    unrecorded = [item for item in undated if item.licence == LICENCE_UNRECORDED]
    undated = [item for item in undated if item.licence == "perpetual"]
    if breaking:  # perpetual only: software with no licence recorded that breaks is affected
        lines.append(
            f"Under a perpetual licence from {vendors(breaking)}, "
            + "; ".join(f"{item.id} breaks from {day(earlier[item.id])}" for item in breaking)
            + f" all the same, through what {agreeing(len(breaking), 'it needs', 'they need')}."
        )
    if unrecorded:
        lines.append(
            f"{plural(len(unrecorded), 'component')} run here and licensed by "
            f"{vendors(unrecorded)} {agreeing(len(unrecorded), 'records', 'record')} no "
            "licence, so nothing says when the withdrawal would stop "
            f"{agreeing(len(unrecorded), 'it', 'them')}; taken as running on "
            f"(record the licence: subscription, perpetual or open_source): "
            f"{', '.join(item.id for item in unrecorded)}."
        )
    if undated:
        lines.append(
            f"{plural(len(undated), 'component')} run here under a perpetual licence from "
            f"{vendors(undated)} {agreeing(len(undated), 'keeps', 'keep')} running; with no "
            f"end of support recorded, the licence degrades none: "
            f"{', '.join(item.id for item in undated)}"
            + "".join(_degraded_all_the_same(undated, by_id))
            + "."
        )
    return lines


def _degraded_all_the_same(
    undated: Sequence[LicenceEnd], affected: Mapping[str, Affected]
) -> list[str]:
    """The clause for the components of ``undated`` that what they need degrades: their
    licence keeps them whole, their dependencies do not."""
    degraded = [
        (item.id, found)
        for item in undated
        if (found := affected.get(item.id)) is not None and found.state is State.DEGRADED
    ]
    if not degraded:
        return []
    if len(degraded) == 1:  # "wsus is degraded from day 0"
        node, found = degraded[0]
        return [f"; {node} is degraded {_degraded_from(found)} all the same, through what it needs"]
    told = listed(f"{node} {_degraded_from(found)}" for node, found in degraded)
    return [f"; {told} are degraded all the same, through what they need"]


def _degraded_from(found: Affected) -> str:
    """When a degraded component becomes so: "from 2027-06-30", or at an undated renewal."""
    if found.degrades_at is None:
        return "at a renewal of unknown date"
    return f"from {day(found.degrades_at)}"


def licences(simulation: Simulation) -> Section:
    """The self-run components whose licence decides when the withdrawal reaches them."""
    rows = tuple(
        (
            item.id,
            item.licence,
            ", ".join(item.vendors),
            item.effect or "runs on",
            licence_when(item),
        )
        for item in simulation.licences
    )
    return Section(
        "Licences of software run here",
        ("component", "licence", "from", "then", "when"),
        rows,
    )


def legal(simulation: Simulation, names: Mapping[str, str] | None = None) -> Section:
    """The data flows a scenario's legal assumptions make unlawful; with ``names``, their
    ends by name (for documents)."""
    found = simulation.legal
    withdrawn = set(found.withdrawn) if found else set()
    shown = names or {}
    rows = tuple(
        (
            f"{flow.name} ({flow.flow})",
            f"{shown.get(flow.source, flow.source)} → {shown.get(flow.target, flow.target)}",
            flow.reason,
            "yes" if flow.target in withdrawn else "no",
        )
        for flow in (found.flows if found else ())
    )
    return Section(
        "Data flows without a legal footing",
        ("flow", "from → to", "why", "receiver withdrawn"),
        rows,
        None if rows or found is None else "No flow loses its legal footing.",
    )


def simulation_sections(simulation: Simulation) -> list[Section]:
    return [
        *([legal(simulation)] if simulation.legal is not None else []),
        services(simulation),
        components(simulation),
        *([licences(simulation)] if simulation.licences else []),
        alternatives(simulation),
        plan(simulation),
    ]


def _from(when: str) -> str:
    """``from 2027-06-30 (day 241)``; ``at renewal (date unknown)`` as it is."""
    return when if when.startswith("at renewal") else f"from {when}"


def why_headline(simulation: Simulation, node_id: str) -> list[str]:
    """The node's own fate, before the chains: ``update-management is degraded from
    2026-11-01 and breaks from 2027-06-30 (day 241).``"""
    what = ", ".join(simulation.selectors)
    licence = next((item for item in simulation.licences if item.id == node_id), None)
    found = next((a for a in simulation.affected if a.id == node_id), None)
    if found is None:
        if licence is not None and licence.licence == "perpetual":
            return [
                f"{node_id} is not affected: its perpetual licence keeps it running (no end "
                "of support is recorded)."
            ]
        if licence is not None and licence.licence == LICENCE_UNRECORDED:
            return [
                f"{node_id} is not affected: it records no licence, so it is taken as "
                "running on (record its licence: subscription, perpetual or open_source)."
            ]
        return [f"{node_id} is not affected: nothing that {what} withdraws breaks or degrades it."]
    start = simulation.start
    broken = found.state is not State.DEGRADED
    fails_at = found.fails_at if found.fails_at is not None else UNDATED if broken else NEVER
    fails = day(found.fails_at, found.undated and broken, start=start)
    degrades = day(found.degrades_at, found.undated and not broken, start=start)
    if found.state is State.WITHDRAWN and licence is not None:  # a subscription that ends
        ends = licence.day if licence.day is not None else UNDATED
        told = f"{node_id} is withdrawn by {what} when its subscription ends, " + day(
            licence.day, licence.day is None, start=start
        )
        said = []
        if found.degrades_at is not None and found.degrades_at < min(fails_at, ends):
            said.append(f"it is degraded {_from(degrades)}")
        if fails_at < ends:
            said.append(f"it breaks earlier, {_from(fails)}, through what it needs")
        return [told + "".join(f"; {words}" for words in said) + "."]
    if found.state is State.WITHDRAWN:
        return [f"{node_id} is withdrawn by {what}."]
    said = []
    if not broken or (found.degrades_at is not None and found.degrades_at < fails_at):
        said.append(f"is degraded {_from(degrades)}")
    if broken:
        said.append(f"breaks {_from(fails)}")
    return [f"{node_id} {' and '.join(said)}."]


def link_words(link: DependsOn) -> str:
    """How a dependency passes a loss on, when that is not at once and whole: ``soft``,
    ``after 73 days``, ``at renewal``; empty for a hard, immediate one."""
    said = [] if link.hard else ["soft"]
    if link.at_renewal:
        then = f", then {plural(link.onset_days, 'day')}" if link.onset_days else ""
        said.append(f"at renewal{then}")
    elif link.onset_days:
        said.append(f"after {plural(link.onset_days, 'day')}")
    return ", ".join(said)


def chain_links_text(chain: Chain) -> str:
    """``email ← m365-apps ← device-certificates ← intune (after 73 days)``: each node the
    chain passes, and how each dependency passes the loss on."""
    text: list[str] = [chain.nodes[0]]
    for node, link in zip(chain.nodes[1:], chain.links, strict=True):
        words = link_words(link)
        text.append(f"{node} ({words})" if words else node)
    return " ← ".join(text)


def why(simulation: Simulation, node_id: str, found: Sequence[Chain], truncated: bool) -> Section:
    rows = tuple(
        (
            day(int(c.day), start=simulation.start) if c.dated else "at renewal (date unknown)",
            c.effect,
            chain_links_text(c),
            ", ".join(c.groups),
        )
        for c in found
    )
    note = "The list was cut: more chains may exist." if truncated else None
    if not found:
        note = "No chain of dependencies passes the withdrawal on to it."
    return Section(
        f"How the withdrawal reaches {node_id}",
        ("from", "effect", "chain (how each link passes it on)", "needs the whole group"),
        rows,
        note,
    )


COMPARE_ROWS: tuple[tuple[str, str], ...] = (
    ("withdrawn", "components and services withdrawn"),
    ("services_broken", "services broken"),
    ("services_degraded", "services degraded"),
    ("users_broken", "users who lose a service"),
    ("missing_alternatives", "missing alternatives"),
    ("partial_alternatives", "partial alternatives"),
    ("steps", "migration steps"),
    ("blocked_steps", "blocked steps"),
    ("needs_not_in_plan", "needs not in the plan"),
    ("waves", "waves"),
    ("critical_path_weeks", "critical path (weeks)"),
    ("effort_weeks", "effort (person-weeks)"),
)


def compare(
    simulations: Sequence[Simulation],
    labels: Sequence[str] | None = None,
    estates: Sequence[str] | None = None,
    *,
    plain: bool = False,
) -> Section:
    """The figures of several scenarios side by side, a column each, headed by ``labels``
    (default: each scenario's id); the estate (by ``estates``, default its name) and the
    mode get a row where they differ. ``plain``: counts without thousands separators, for
    a spreadsheet to read as numbers in any locale (CSV). A finish is that of the steps
    that can be scheduled, and says so where some are blocked."""
    figures = [summarise(s) for s in simulations]

    def count(value: float) -> str:
        return f"{value:.0f}" if plain else number(value)

    def shown(f: Summary, key: str) -> str:
        value = float(getattr(f, key))
        if key == "users_broken" and not f.users_recorded:
            return UNRECORDED
        if key == "effort_weeks":  # helper-79: a need not in the plan has no effort counted
            unknown = f.effort_unknown + f.needs_not_in_plan
            return _at_least(count(value), unknown, value, short=not plain)
        return count(value)

    rows = [(label, *(shown(f, key) for f in figures)) for key, label in COMPARE_ROWS]
    unpriced = [f.cost_per_year_unknown for f in figures]
    rows.append(
        (
            "cost of alternatives per year",
            *(
                _at_least(
                    count(s.plan.cost_per_year), unknown, s.plan.cost_per_year, short=not plain
                )
                for s, unknown in zip(simulations, unpriced, strict=True)
            ),
        )
    )
    rows.append(
        (
            "one-off cost of the exit",
            *(
                _at_least(
                    count(s.plan.costs.one_off),
                    _one_off_unknown(s.plan.costs),
                    s.plan.costs.one_off,
                    short=not plain,
                )
                for s in simulations
            ),
        )
    )
    rows.append(
        (
            "capacity",
            *(
                capacity_text(s.plan.capacity) if s.plan.capacity else "no limit"
                for s in simulations
            ),
        )
    )
    rows.append(
        (
            "plan finishes (weeks)",
            *(_without_blocked(weeks(round(f.finish_weeks, 1)), f, plain) for f in figures),
        )
    )
    rows.append(
        ("plan finishes", *(_without_blocked(f.finish_date or "", f, plain) for f in figures))
    )
    rows.append(
        (
            "steps after their deadline",
            *(
                _at_least(
                    count(len(s.plan.late)),
                    len(s.plan.lateness_unknown),
                    len(s.plan.late),
                    short=not plain,
                )
                for s in simulations
            ),
        )
    )
    headers = tuple(labels or (s.scenario_id or ", ".join(s.selectors) for s in simulations))
    settings = [  # what the scenarios set that tells their figures apart, where they differ
        (
            "horizon (days)",
            [count(s.horizon) if s.horizon is not None else "none" for s in simulations],
        ),
        ("work starts", [on(s.start, s.plan.work_starts_day) or "day 0" for s in simulations]),
        ("day 0", [s.start.isoformat() if s.start else "undated" for s in simulations]),
    ]
    for label, values in settings:
        if len(set(values)) > 1:
            rows.insert(0, (label, *values))
    if len({s.mode for s in simulations}) > 1:
        rows.insert(0, ("mode", *(s.mode for s in simulations)))
    named = list(estates or (s.estate for s in simulations))
    if len(set(named)) > 1:  # scenarios of different estates
        rows.insert(0, ("estate", *named))
    currency = {s.currency for s in simulations}
    notes = [f"Costs in {', '.join(sorted(currency))}."] if currency else []
    if len(currency) > 1:
        rows.append(("currency", *(s.currency for s in simulations)))
        notes = [
            f"Costs are in each estate's own currency ({', '.join(sorted(currency))}): "
            "compare them only where the currency is the same."
        ]
    cells = [cell for row in rows for cell in row[1:]]
    if any(cell.startswith("≥ ") for cell in cells):
        notes.append(
            "≥: at least, as some costs or efforts are not recorded (a component with no "
            "alternative yet, or an alternative, a migration or a termination with no cost "
            "or effort) or not in the plan (what an alternative needs that nothing runs "
            "today)."
        )
    if any(cell.endswith(f" {UNSCHEDULED}") for cell in cells):
        notes.append(f"{UNSCHEDULED} {UNSCHEDULED_NOTE}")
    return Section("Scenarios compared", ("", *headers), tuple(rows), " ".join(notes) or None)


def check_headline(result: CheckResult) -> list[str]:
    counts = ", ".join(
        f"{result.count(severity):,} for information"
        if severity is Severity.INFO
        else plural(result.count(severity), severity.value)
        for severity in Severity
    )
    return [
        f"Estate {result.estate} "
        + (f"as of {result.as_of}" if result.as_of else "(undated)")
        + ", legal profile "
        f"{result.profile} ({PROFILES[result.profile]}), rules: {', '.join(result.rules)}.",
        f"Findings: {counts}.",
    ]


PROFILES = {
    "eu": "the GDPR, for any EU/EEA organisation",
    "se": "the GDPR with the Swedish classification and secrecy rules",
}


def rests_on(finding: Finding) -> str:
    """ "Rests on GDPR Art. 45 and Commission Implementing Decision (EU) 2023/1795." DORA
    binds financial entities only; for any other estate its articles are the yardstick,
    and the finding says so (docs/checks.md)."""
    if not finding.provisions:
        return ""
    yardstick = any(p.startswith("DORA ") for p in finding.provisions)
    said = " (as a yardstick; DORA binds financial entities)" if yardstick else ""
    return f"Rests on {listed(list(finding.provisions))}{said}."


def findings(found: Sequence[Finding], title: str = "Findings", note: str | None = None) -> Section:
    """One row per finding, with what resolves it and the provisions it rests on."""
    rows = tuple(
        (
            f.severity.value,
            f.rule,
            f"{f.name} ({f.subject})",
            f.explanation,
            f.resolution,
            "; ".join(f.provisions),
        )
        for f in found
    )
    return Section(
        title,
        ("severity", "rule", "subject", "finding", "to resolve", "rests on"),
        rows,
        note if rows else "Nothing found.",
    )


def findings_for_terminal(result: CheckResult) -> Section:
    """The findings in two columns, so the explanations get the width of the terminal."""
    rows = tuple(
        (
            f"{f.severity.value.upper()}\n{f.rule}\n{f.subject}",
            f"{f.explanation}\nTo resolve: {f.resolution}\n{rests_on(f)}",
        )
        for f in result.findings
    )
    return Section("Findings", ("finding", "explanation"), rows, None if rows else "Nothing found.")


REGISTER_HEADERS = (
    "Component id",
    "Component",
    "Delivery",
    "ICT third-party service provider (role)",
    "Ultimate parent",
    "Country of the ultimate parent",
    "Data storage countries",
    "Data processing countries",
    "Services depending on it",
    "Users of those services",
    "Substitutability (computed)",
    "Reason for the substitutability",
    "Substitutability (declared)",
    "Possibility of reintegration",
    "Alternative providers identified",
    "Alternatives",
    "Exit plan exists",
    "Exit plan last tested",
)


def register(entries: Sequence[RegisterRow]) -> Section:
    """The register of information, one row per component in use."""
    rows = tuple(
        (
            row.id,
            row.name,
            row.delivery,
            "; ".join(row.providers),
            row.ultimate_parent,
            row.parent_country,
            "; ".join(row.storage),
            "; ".join(row.processing),
            "; ".join(row.services),
            "" if row.users is None else str(row.users),
            row.substitutability_text,
            row.reason,
            SUBSTITUTABILITY.get(row.declared_substitutability, ""),
            row.reintegration.replace("_", " "),
            "yes" if row.alternatives else "no",
            "; ".join(row.alternatives),
            "yes" if row.exit_plan else "no",
            row.last_tested,
        )
        for row in entries
    )
    return Section(
        "Register of third-party components",
        REGISTER_HEADERS,
        rows,
        ("" if rows else "No component in use: the register has no row. ")
        + "Substitutability is computed by withdrawing each component alone (exit mode): "
        "not substitutable when something to replace has no viable alternative; highly "
        "complex at readiness R1 or below, R2 with gaps, or ten or more dependents that break "
        "and must move; medium with gaps, at R2, with three to nine dependents to move, or "
        "when a chosen candidate needs something brought in that nothing runs today; easy "
        "otherwise, and when nothing that stays in use needs it.",
    )


def _figure_value(figure: str, value: float | None, start: date | None) -> str:
    if figure == "finish":
        if value is None:
            return "none"
        return on(start, int(value)) or f"week {value / 7:g}"
    if value is None:
        return ""
    return weeks(value) if figure == "critical path weeks" else number(value)


OF_THE_SCHEDULED = ("critical path weeks", "finish", "steps late")
"""The figures that count only the steps that can be scheduled, and only what a step
brings in: a variation that blocks more steps, or leaves more needs to no step, moves them
as it drops work, which is no good news."""

LEAVING_OUT = {
    "steps blocked": "of the steps that can be scheduled",
    "needs not in the plan": "without what no step brings in",
}
"""The figures whose growth the ones ``OF_THE_SCHEDULED`` leave out, and how such a figure
is qualified then; the first that grows is named."""


def leaving_out(changes: Sequence[Change]) -> str | None:
    """The first figure of ``LEAVING_OUT`` that a variation makes larger: more steps
    blocked, or more needs no step brings in."""
    grown = {c.figure for c in changes if (c.after or 0) > (c.before or 0)}
    return next((figure for figure in LEAVING_OUT if figure in grown), None)


def sensitivity_change(change: Change, start: date | None, *, grown: str | None = None) -> str:
    """``services broken 13 → 12``; ``grown``: the figure of ``LEAVING_OUT`` the variation
    makes larger, so a figure that leaves it out says so."""
    before = _figure_value(change.figure, change.before, start)
    after = _figure_value(change.figure, change.after, start)
    told = f"{change.figure} {before} → {after}"
    if grown is not None and change.figure in OF_THE_SCHEDULED:
        told += f" ({LEAVING_OUT[grown]})"
    return told


def sensitivity_changes(changes: Sequence[Change], start: date | None) -> str:
    """A variation's changes, ``; `` between them. Where it blocks more steps or leaves
    more needs to no step, the figures that leave them out are named once, beside that
    figure: a critical path or a finish that moves earlier as work drops out is no good
    news."""
    grown = leaving_out(changes)
    left_out = [c.figure for c in changes if c.figure in OF_THE_SCHEDULED]
    told = []
    for change in changes:
        text = sensitivity_change(change, start)
        if left_out and change.figure == grown:
            text += f" (not counted in the {listed(left_out, last='or')})"
        told.append(text)
    return "; ".join(told)


def varied_outcome(changed: int, unchanged: int) -> str:
    """``": 3 change the figures, 1 changes nothing"``; a count of none is left out, and
    nothing at all is said when no assumption was varied."""
    told = [
        f"{plural(count, 'changes', 'change')} {what}"
        for count, what in ((changed, "the figures"), (unchanged, "nothing"))
        if count
    ]
    return f": {', '.join(told)}" if told else ""


def _at_least(amount: str, unknown: int, value: float, short: bool = False) -> str:
    """A sum as ``per_year_text`` tells it (``unknown``, ``at least``; ``short``: ``≥``,
    for a column beside others), with the amount as given (plain or with separators)."""
    if unknown and not value:
        return "unknown"
    return (("≥ " if short else "at least ") if unknown else "") + amount


UNSCHEDULED = "*"
UNSCHEDULED_NOTE = (
    "The finish of the steps that can be scheduled: the blocked steps wait for an "
    "alternative, and the plan cannot finish before they can be scheduled."
)


def _without_blocked(finish: str, figures: Summary, plain: bool) -> str:
    """A finish in a comparison, marked when it leaves blocked steps out (the mark is
    explained in the note; ``plain``, for CSV, says it in the cell): a scenario that
    blocks more steps must not read as finishing sooner."""
    if figures.blocked_steps and figures.blocked_steps == figures.steps:
        return "none: every step is blocked"
    if not figures.blocked_steps or not finish:
        return finish
    if plain:
        return f"{finish}, without the {figures.blocked_steps:,} blocked"
    return f"{finish} {UNSCHEDULED}"


def sensitivity_headline(analysis: Analysis, scenario: str) -> list[str]:
    figures = analysis.headline
    finish = _figure_value("finish", figures.finish, analysis.start)
    checked = len(analysis.ranked) + analysis.unchanged
    return [
        f"Scenario {scenario}: {plural(figures.services_broken, 'service')} broken, "
        + (
            f"{number(figures.users_broken)} users losing a service, "
            if figures.users_recorded
            else "no users recorded for the services, "
        )
        + f"{plural(figures.missing_alternatives, 'component')} with no alternative, "
        f"critical path {in_weeks(figures.critical_path_weeks)}, finish {finish}"
        + (
            f" (of the steps that can be scheduled; {figures.steps_blocked:,} blocked)"
            if figures.steps_blocked and figures.finish is not None
            else ""
        )
        + f", {plural(figures.steps_late, 'step')} late"
        + (
            f" ({figures.steps_lateness_unknown:,} more of unknown lateness)."
            if figures.steps_lateness_unknown
            else "."
        ),
        f"{plural(checked, 'assumption')} varied in {plural(analysis.simulations, 'simulation')}"
        + varied_outcome(len(analysis.ranked), analysis.unchanged)
        + (
            f"; {analysis.not_varied:,} {agreeing(analysis.not_varied, 'has', 'have')} "
            "nothing to vary (vendors, services, "
            "organisations, data flows, components nothing depends on or that an import "
            "read)."
            if analysis.not_varied
            else "."
        ),
        *(
            [
                f"{plural(analysis.beyond_limit, 'more assumption')} "
                f"{agreeing(analysis.beyond_limit, 'was', 'were')} not varied: only the "
                f"{analysis.limit:,} likeliest to matter "
                f"{agreeing(analysis.limit, 'is', 'are')} run again (user counts are "
                "always varied); --most N or --most all varies more."
            ]
            if analysis.beyond_limit and analysis.limit is not None
            else []
        ),
    ]


def sensitivity(analysis: Analysis, top: int | None = None) -> Section:
    """The assumptions that change the headline, most decisive first (the order is the
    rank)."""
    ranked = analysis.ranked if top is None else analysis.ranked[:top]
    body = tuple(
        (
            f"{s.assumption.kind}: {s.assumption.subject}",
            s.variation.what,
            sensitivity_changes(s.variation.changes, analysis.start),
            " → ".join(s.chain),
        )
        for s in ranked
    )
    note = None
    if top is not None and len(analysis.ranked) > top:
        note = f"The first {top:,} of {len(analysis.ranked):,}."
    return Section(
        "Verify these first",
        ("assumption", "if it is wrong", "what changes", "chain"),
        body,
        note,
    )
