"""The exit-strategy document for one scenario, as Markdown or as one self-contained HTML
file (diagrams inline as SVG, styled to print on A4).

Everything said here is read off an ``ExitStrategy``; the sentences of the summary are
written from its figures, not stored anywhere.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from markdown_it import MarkdownIt

from exitplan.errors import agreeing, listed, plural, printable, told_apart
from exitplan.render.gantt import gantt_mermaid, step_label
from exitplan.render.markdown import escape, section_markdown, table_markdown
from exitplan.render.rows import (
    UNRECORDED,
    Section,
    alternatives,
    brought_in_sentences,
    capacity_told,
    contract_sentences,
    cost_sentences,
    critical_path_text,
    day,
    deadline_clock,
    due,
    effort_sentence,
    either,
    findings,
    first_need,
    held_back_sentences,
    holding_up_sentence,
    leaving_out,
    legal,
    legal_sentences,
    lost_export_sentence,
    number,
    one_off_text,
    per_year_after_text,
    per_year_text,
    recorded_names,
    schedule_sentences,
    sensitivity_change,
    sensitivity_changes,
    sentences,
    services,
    status,
    unbrought,
    users_text,
    weeks,
    when_week,
)
from exitplan.simulate.assumed import Assumption
from exitplan.simulate.plan import ContractOutlook, contract_outlooks
from exitplan.simulate.policy import BASIS, NOT_RECORDED, SENSITIVE, Severity
from exitplan.simulate.register import SUBSTITUTABILITY
from exitplan.simulate.result import (
    HeldBack,
    Plan,
    Replacement,
    Simulation,
    State,
    Status,
    StepKind,
    summarise,
)
from exitplan.simulate.sensitivity import MOST_RUN
from exitplan.simulate.strategy import ExitStrategy

MODES = {
    "cut-off": "cut-off: the vendor stops serving us, so what it operates or licenses by "
    "subscription goes at once",
    "exit": "exit: we choose to leave, so everything selected is replaced, whatever role "
    "its vendor plays",
}


def _date(value: date | None) -> str:
    return value.isoformat() if value else "undated"


_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _keep(text: str) -> str:
    """Short cells like "day 0" or a date on one line: their spaces and the hyphens of
    their dates do not break (in HTML; Markdown keeps plain ones, to be searched)."""
    return _DATE.sub("\\1\u2011\\2\u2011\\3", text.replace(" ", "\u00a0"))


_NAMES_OF: list[tuple[ExitStrategy, Mapping[str, str]]] = []
"""The names of the last document asked (``document_names``), kept by identity: every
section of one report asks them, and telling look-alike names apart takes seconds at 30k
nodes."""


def document_names(strategy: ExitStrategy) -> Mapping[str, str]:
    """The names a document shows for ids, made once: the simulation's nodes as it shows
    them everywhere (``display_names``, as the Gantt chart does), then what else the
    document names (``ExitStrategy.names``: the assumptions' ends, vendors, the ends of
    unlawful flows), with its id where its name is one the simulation's nodes or the
    others use too, and the data flows assumed."""
    if not _NAMES_OF or _NAMES_OF[0][0] is not strategy:
        names = {
            **told_apart(recorded_names(strategy.simulation), beside=strategy.names),
            **strategy.flow_names,
        }
        _NAMES_OF[:] = [(strategy, names)]
    return _NAMES_OF[0][1]


def _path(strategy: ExitStrategy) -> str:
    """The critical path by the names of what each step replaces."""
    steps = {step.id: step for step in strategy.simulation.plan.steps}
    names = document_names(strategy)
    return " → ".join(
        names.get(steps[s].replaces, steps[s].replaces)
        for s in strategy.simulation.plan.critical_path
    )


RULE_WORDS = {
    "third-country-transfer": (
        "personal data reaching a country outside the EU/EEA without a sound basis"
    ),
    "foreign-disclosure": "secret or confidential data within reach of a foreign disclosure law",
    "exit-readiness": "no exit plan",
    "concentration": "dependence on one vendor group",
    "lifecycle": "components being phased out",
}


def withdrawn_words(strategy: ExitStrategy) -> str:
    """What the scenario withdraws, in words: by name, and the components a struck-down
    transfer basis takes away by that basis."""
    simulation = strategy.simulation
    found = simulation.legal
    because = {f"component:{c}" for c in found.withdrawn} if found else set()
    given = strategy.withdrawn_words or simulation.selectors  # words: one per selector
    words = [
        word
        for selector, word in zip(simulation.selectors, given, strict=True)
        if selector not in because
    ]
    if because and found is not None:
        bases = listed([BASIS.get(b, b) for b in found.invalidated])
        words.append(f"what relies on {bases}" if bases else "what the law no longer allows")
    return listed(words) or ", ".join(simulation.selectors)


def question(strategy: ExitStrategy) -> str:
    simulation = strategy.simulation
    found = simulation.legal
    if found is not None and found.invalidated and found.withdrawn:
        bases = listed([BASIS.get(b, b) for b in found.invalidated])
        return (
            f"If {bases} were struck down and we stopped using what relies on "
            f"{agreeing(len(found.invalidated), 'it', 'them')}, what must be replaced, by "
            "what, in what order, by when, and at what cost?"
        )
    who = withdrawn_words(strategy)
    if simulation.mode == "exit":
        return (
            f"If we choose to leave {who}, what must be replaced, by what, in what order, by "
            "when, and at what cost?"
        )
    on = f" on {simulation.start.isoformat()}" if simulation.start else ""
    return (
        f"If {who} stopped serving us{on}, what breaks and when, what can replace it, and how "
        "long would it take?"
    )


def figures(strategy: ExitStrategy) -> Section:
    """The answer in figures, each with what it rests on."""
    simulation = strategy.simulation
    figures = summarise(simulation)
    plan = simulation.plan
    costs, money_in = plan.costs, simulation.currency
    broken = figures.services_broken
    finish = simulation.date_of(plan.finish_day)
    late = plan.late
    rows = [
        ("Services that break", f"{broken:,} of {len(simulation.services):,} affected"),
        ("People who lose a service", users_text(figures)),
        (
            "Components with no viable alternative",
            f"{figures.missing_alternatives:,} of {len(simulation.replacements):,} to replace",
        ),
        (
            "Migration steps",
            f"{figures.steps:,} in {plural(plan.waves, 'wave')}"
            + (f"; {figures.blocked_steps:,} blocked" if figures.blocked_steps else "")
            + (
                f"; {plural(figures.needs_not_in_plan, 'need')} of the chosen alternatives "
                "not in the plan"
                if figures.needs_not_in_plan
                else ""
            )
            if figures.steps
            else "none",
        ),
        (
            "The plan finishes",
            _finish_figure(plan, finish)
            + (f" ({capacity_told(simulation)})" if plan.capacity else "")
            + (
                f"; {plural(len(late), 'step')} after "
                f"{agreeing(len(late), 'its deadline', 'their deadlines')}"
                if late
                else ""
            ),
        ),
        ("One-off cost of the exit", one_off_text(costs, simulation.currency)),
        (
            "Running cost a year",
            f"{per_year_text(costs.per_year_before, costs.per_year_before_unknown, money_in)}"
            f" before, "
            f"{per_year_after_text(simulation)} after"
            + (
                " (some costs not recorded)"
                if costs.per_year_before_unknown or costs.per_year_after_unknown
                else ""
            ),
        ),
    ]
    return Section("The answer in figures", ("figure", "value"), tuple(rows))


def _finish_figure(plan: Plan, finish: date | None) -> str:
    """When the plan finishes: never while steps are blocked, so their count comes first
    and the finish of the others after it."""
    if plan.finish_day is None:
        return "nothing can be scheduled yet" if plan.steps else "nothing to migrate"
    when = finish.isoformat() if finish else f"in week {weeks(plan.finish)} of the work"
    stuck, others = len(plan.blocked), len(plan.steps) - len(plan.blocked)
    if not stuck:
        return when
    return (
        f"not while {plural(stuck, 'step')} {agreeing(stuck, 'is', 'are')} blocked; the "
        f"{'other' if others == 1 else f'{others:,} others'} "
        f"{agreeing(others, 'finishes', 'finish')} {when}"
    )


def risks(strategy: ExitStrategy) -> list[str]:
    """The three largest risks, worst first: what cannot be replaced, what runs late, what
    the law forbids, and what the figures rest on."""
    simulation = strategy.simulation
    names = document_names(strategy)
    plan = simulation.plan
    found = []
    missing = simulation.missing
    blocked = summarise(simulation).blocked_steps
    if missing:
        waiting = f"{plural(blocked, 'migration step')} {agreeing(blocked, 'waits', 'wait')}"
        found.append(
            f"{names.get(missing[0].replaces, missing[0].name)} has no viable alternative; "
            f"{waiting} for it"
            if len(missing) == 1
            else f"{len(missing):,} components have no viable alternative, such as "
            f"{names.get(missing[0].replaces, missing[0].name)}; {waiting} for them"
        )
    late = plan.late
    if late:
        worst = min(late, key=lambda s: s.slack or 0)
        clock = deadline_clock([worst], simulation)
        found.append(
            f"1 step finishes too late: {names.get(worst.replaces, worst.replaces)}, "
            f"{plural(-(worst.slack or 0), 'day')} after {clock}"
            if len(late) == 1
            else f"{len(late):,} steps finish too late; "
            f"the latest, {names.get(worst.replaces, worst.replaces)}, "
            f"{plural(-(worst.slack or 0), 'day')} after {clock}"
        )
    elif plan.lateness_unknown:
        unknown = len(plan.lateness_unknown)
        whether = f"Whether {plural(unknown, 'step')} {agreeing(unknown, 'finishes', 'finish')}"
        if simulation.start is None:
            deadline = agreeing(unknown, "the contract it is", "the contracts they are")
            found.append(
                f"{whether} before {deadline} due by {agreeing(unknown, 'ends', 'end')} is "
                "unknown: the estate records no date (as_of) and the scenario no start"
            )
        else:
            protects = agreeing(unknown, "it protects", "they protect")
            found.append(
                f"{whether} before what {protects} breaks is unknown: that comes at a "
                "contract's renewal, whose date is not recorded"
            )
    needs = unbrought(simulation)
    if needs:
        options, candidates = first_need(needs, names)
        what = either([names.get(o, o) for o in options])
        needing = listed(names.get(c, c) for c in candidates)
        others = len(needs) - 1
        found.append(
            f"No step brings in {what}, not run today and needed by {needing}"
            + (f"; nor {plural(others, 'more such need')}" if others else "")
        )
    errors = [f for f in strategy.findings if f.severity is Severity.ERROR]
    if errors:
        rules = sorted({f.rule for f in errors})
        found.append(
            f"{plural(len(errors), 'legal finding')} of error severity "
            f"{agreeing(len(errors), 'concerns', 'concern')} what the "
            f"scenario touches: {', '.join(RULE_WORDS.get(r, r) for r in rules)}"
        )
    if strategy.assumptions:
        found.append(_assumption_risk(strategy))
    return found[:3]


def _assumption_risk(strategy: ExitStrategy) -> str:
    said = f"The figures rest on {plural(len(strategy.assumptions), 'assumed element')}"
    analysis = strategy.sensitivity
    if analysis is None:
        return f"{said}; an assumption that is wrong can change them"
    if not analysis.ranked:
        return f"{said}; none of them, varied, changes the figures"
    first = analysis.ranked[0]
    subject = named(first.assumption.subject, document_names(strategy))
    deciding = max(first.variation.changes, key=lambda c: c.relative)
    change = sensitivity_change(
        deciding, analysis.start, grown=leaving_out(first.variation.changes)
    )
    return (
        f"{said}; {plural(len(analysis.ranked), 'of them changes', 'of them change')} the "
        f"figures when wrong, most of all {subject} ({first.assumption.kind}, "
        f"{first.variation.what}: {change})"
    )


def _of_them(held: Sequence[HeldBack]) -> str:
    """How many of the components with none the held-back components keep candidates
    from: "2 of them"."""
    count = len({n for h in held for n in h.holds_back})
    return f"{count:,} of them"


def decisions(strategy: ExitStrategy, verify: str = "Verify these first") -> list[str]:
    """What the board is asked to decide, from what the plan needs (``verify``: where the
    decisive assumptions are listed)."""
    simulation = strategy.simulation
    names = document_names(strategy)
    plan = simulation.plan
    found = []
    missing = simulation.missing
    if missing:
        held = simulation.held_back
        also = (
            f", and to {listed([names.get(h.id, h.name) for h in held], most=3)}, which "
            + (
                "its candidates need"
                if len(missing) == 1
                else f"the candidates for {_of_them(held)} need"
            )
            if held
            else ""
        )
        found.append(
            "Commission a search for an alternative to "
            f"{names.get(missing[0].replaces, missing[0].name)}{also}, before the "
            "blocked steps can be planned"
            if len(missing) == 1
            else f"Commission a search for alternatives to the {len(missing):,} components "
            f"with none{also}, before the blocked steps can be planned"
        )
    found.extend(_contract_decisions(simulation, names))
    needs = unbrought(simulation)
    if needs:
        options, candidates = first_need(needs, names)
        what = either([names.get(o, o) for o in options])
        found.append(
            f"Decide how to bring in {what}, which "
            f"{listed(names.get(c, c) for c in candidates)} "
            f"{agreeing(len(candidates), 'needs', 'need')} and which nothing runs today, and add "
            "its effort and cost to the plan"
            if len(needs) == 1
            else "Decide how to bring in what the chosen alternatives need that nothing runs "
            f"today ({len(needs):,} needs, {what} among them), and add their effort and cost "
            "to the plan"
        )
    if plan.late and simulation.mode != "exit":  # in an exit, the contracts' decisions
        late = plan.late
        worst = min(late, key=lambda s: s.slack or 0)
        whose = f"the replacement of {names.get(worst.replaces, worst.replaces)}"
        found.append(
            f"Decide how to bridge the {plural(-(worst.slack or 0), 'day')} by which {whose} "
            f"finishes after {deadline_clock(late, simulation)}"
            if len(late) == 1
            else f"Decide how to bridge the {len(late):,} steps that finish after "
            f"{deadline_clock(late, simulation)}, the latest, {whose}, by "
            f"{plural(-(worst.slack or 0), 'day')}"
        )
        found[-1] += ": a stand-by, a workaround, or accepting the gap"
    if plan.capacity is None and len(plan.steps) - len(plan.blocked) > 1:  # else none to limit
        found.append(
            "Decide how many migration steps can run at once: the plan assumes every step "
            "starts as soon as the steps before it finish"
        )
    else:
        found.append(
            f"Staff the migration for {capacity_told(simulation)}{_capacity_moves(simulation)}"
            if plan.capacity
            else ""
        )
    if strategy.assumptions:
        decisive = len(strategy.sensitivity.ranked) if strategy.sensitivity else 0
        found.append(
            f"Have the {plural(len(strategy.assumptions), 'assumption')} the figures rest on "
            "confirmed by their owners"
            + (
                ", first "
                + ("the one that changes" if decisive == 1 else f"the {decisive:,} that change")
                + f" them ({verify})"
                if decisive
                else ""
            )
        )
    return [item for item in found if item][:5]


def executive(strategy: ExitStrategy) -> list[str]:
    """The first page: the question, the answer in figures, the largest risks, the
    decisions asked for (the Gantt chart follows it)."""
    lines = ["## Executive summary", "", f"**The question.** {escape(question(strategy))}", ""]
    lines.extend(["**The answer in figures.**", ""])
    lines.append(table_markdown(figures(strategy)))
    lines.extend(["**The largest risks.**", ""])
    largest = risks(strategy)
    lines.extend(f"{n}. {escape(sentences([risk]))}" for n, risk in enumerate(largest, 1))
    if not largest:
        lines.append(NO_RISK)
    lines.extend(["", "**Decisions for the board.**", ""])
    asked = decisions(strategy)
    lines.extend(f"{n}. {escape(sentences([d]))}" for n, d in enumerate(asked, 1))
    if not asked:
        lines.append(f"{no_decision(strategy.simulation)}.")
    lines.append("")
    return lines


def no_decision(simulation: Simulation) -> str:
    """What stands where no decision is asked for."""
    if simulation.plan.steps:
        return "None beyond carrying out the plan: its steps need nothing more decided"
    return "None: nothing needs migrating"


NO_RISK = (
    "None of those this document weighs: no component lacks an alternative, no step runs "
    "late, no legal finding of error severity, no assumption the figures rest on."
)


def summary(strategy: ExitStrategy) -> list[str]:
    """The first paragraphs: what happens, to whom, when, and what it takes to leave."""
    simulation = strategy.simulation
    names = document_names(strategy)
    figures = summarise(simulation)
    broken = [s for s in simulation.services if s.state is State.BROKEN]
    days = sorted(s.impact.fails_at for s in broken if s.impact.fails_at is not None)
    when = (
        ""
        if not days
        else f" from {day(days[0])}"
        if days[0] == days[-1]
        else f" (the first from {day(days[0])}, the last from {day(days[-1])})"
    )
    degraded = figures.services_degraded
    degrade = (
        f"{degraded:,} {agreeing(degraded, 'degrades', 'degrade')}" if degraded else "none degrades"
    )
    users = figures.users_broken
    paragraphs = [
        sentences(
            [
                f"Withdrawing {withdrawn_words(strategy)} ({simulation.mode} mode) takes "
                f"{plural(figures.withdrawn, 'component or service', 'components or services')}"
                " out of use",
                f"{plural(len(broken), 'service')} "
                f"{agreeing(len(broken), 'breaks', 'break')}{when} "
                f"and {degrade}; "
                + (
                    f"{plural(round(users), 'user')} "
                    f"{agreeing(round(users), 'loses', 'lose')} a service"
                    if figures.users_recorded
                    else "no users are recorded for them"
                )
                if broken
                else f"No service breaks; {degrade}"
                if degraded
                else "No service breaks or degrades",
                *_not_replaced(strategy),
            ]
        )
    ]
    missing = simulation.missing
    plan = simulation.plan
    if missing:
        paragraphs.append(
            sentences(
                [
                    plural(len(missing), "withdrawn component has", "withdrawn components have")
                    + " no viable alternative: "
                    + ", ".join(names.get(r.replaces, r.name) for r in missing),
                    _blocked_until_found(figures.blocked_steps, figures.steps),
                ]
            )
        )
    late = plan.late
    timing = [
        f"The migration plan has {plural(figures.steps, 'step')} in "
        f"{plural(plan.waves, 'wave')}; "
        + (
            (
                "the critical path of the steps that can be scheduled is "
                if plan.blocked
                else "its critical path is "
            )
            + f"{critical_path_text(plan, counted=False)} ({_path(strategy)})"
            if plan.critical_path
            else "no step can start until an alternative is found"
        )
        if plan.steps
        else "Nothing needs migrating: nothing that stays in use needs what is withdrawn",
    ]
    timing += schedule_sentences(simulation, names)
    timing += brought_in_sentences(simulation, document_names(strategy))
    if late:
        worst = min(late, key=lambda s: s.slack or 0)
        protects = deadline_clock(late, simulation, first=True)
        timing.append(
            f"1 step finishes {plural(-(worst.slack or 0), 'day')} after {protects} "
            f"({names.get(worst.replaces, worst.replaces)})"
            if len(late) == 1
            else f"{len(late):,} steps finish after {protects}, the latest by "
            f"{plural(-(worst.slack or 0), 'day')} ({names.get(worst.replaces, worst.replaces)})"
        )
    timing += [
        told
        for told in (
            holding_up_sentence(simulation, names),
            lost_export_sentence(simulation, names),
        )
        if told
    ]
    timing += cost_sentences(simulation)
    paragraphs.append(sentences(timing))
    personal = [f for f in strategy.flows if f.personal_data not in ("none", NOT_RECORDED)]
    unrecorded = sum(f.personal_data == NOT_RECORDED for f in strategy.flows)
    errors = sum(1 for f in strategy.findings if f.severity is Severity.ERROR)
    warnings = sum(1 for f in strategy.findings if f.severity is Severity.WARNING)
    flows = len(strategy.flows)
    found = [plural(n, what) for n, what in ((errors, "error"), (warnings, "warning")) if n]
    legal_text = [
        "The scenario touches no data flow"
        if not flows
        else "The scenario touches 1 data flow, "
        + ("which carries personal data" if personal else "which carries no personal data")
        if flows == 1
        else f"The scenario touches {flows:,} data flows, "
        f"{len(personal):,} of them with personal data"
        if personal
        else f"The scenario touches {flows:,} data flows, none with personal data",
        *(
            [
                f"Whether {plural(unrecorded, 'of them carries', 'of them carry')} personal "
                "data is not recorded: the import found nothing to say so"
            ]
            if unrecorded
            else []
        ),
        f"The policy check finds {listed(found)} that "
        f"{agreeing(errors + warnings, 'concerns', 'concern')} it"
        if found
        else "The policy check finds no error or warning that concerns it",
    ]
    if simulation.legal is not None:
        legal_text.extend(legal_sentences(simulation.legal))
    paragraphs.append(sentences(legal_text))
    assumed = len(strategy.assumptions)
    if assumed:
        paragraphs.append(
            f"These figures rest on {plural(assumed, 'assumed element')} (listed in the "
            "appendix); confirm them before the figures are relied on."
        )
    return paragraphs


def _scope(strategy: ExitStrategy) -> list[str]:
    simulation = strategy.simulation
    lines = [
        "## Scope and assumptions",
        "",
        f"- Withdrawn: {escape(withdrawn_words(strategy))} "
        f"({escape(', '.join(simulation.selectors))}).",
        f"- Mode: {escape(MODES.get(simulation.mode, simulation.mode))}.",
        f"- Day 0: {simulation.start.isoformat() if simulation.start else 'not dated'}"
        + (
            f"; horizon {plural(simulation.horizon, 'day')}."
            if simulation.horizon is not None
            else "."
        ),
    ]
    if simulation.legal is not None:
        struck = ", ".join(BASIS.get(b, b) for b in simulation.legal.invalidated) or "none"
        said = " ".join(legal_sentences(simulation.legal))
        lines.append(
            f"- Legal assumptions: transfer bases struck down: {escape(struck)}. {escape(said)}"
        )
    if strategy.notes:
        lines.append(f"- Notes: {escape(' '.join(strategy.notes.split()))}")
    by_kind: dict[str, int] = {}
    for assumption in strategy.assumptions:
        by_kind[assumption.kind] = by_kind.get(assumption.kind, 0) + 1
    if by_kind:
        counted = ", ".join(
            plural(count, *KIND_WORDS.get(kind, (kind,))) for kind, count in sorted(by_kind.items())
        )
        lines.append(
            f"- Assumed: {plural(len(strategy.assumptions), 'element')} the result depends on "
            f"({counted}); the appendix lists each with what is assumed."
        )
    else:
        lines.append("- Nothing the result depends on is marked assumed.")
    lines.append("")
    return lines


KIND_WORDS = {
    "dependency": ("dependency", "dependencies"),
    "users": ("user count", "user counts"),
}
"""A kind of assumption counted, where it is not made plural with an s."""


def _contract_decisions(simulation: Simulation, names: Mapping[str, str]) -> list[str]:
    """Per contract the exit leaves: renew it (with the others of its agreement), extend
    it, or give notice on it; a step due by several contracts is counted once."""
    found: list[str] = []
    outlooks = contract_outlooks(simulation)
    alike: dict[tuple[object, ...], list[ContractOutlook]] = {}
    for outlook in outlooks:  # contracts of one agreement renew together: one decision
        term = outlook.term
        if term.renewal_months is not None:
            key = (term.end, term.renewal_months, term.notice_by, outlook.notice_passed)
            alike.setdefault(key, []).append(outlook)
    groups = [group for group in alike.values() if any(o.renewal for o in group)]
    renewals = {id(group[0]): group for group in groups}  # told where the first stands
    grouped = {id(outlook) for group in groups for outlook in group}
    renewed = [outlook for group in groups for outlook in group]
    counted = {step.id for outlook in renewed for step in (*outlook.late, *outlook.blocked)}
    overrun: list[str] = []
    overrun_late: set[str] = set()
    overrun_stuck: set[str] = set()  # a step due by two contracts is counted once
    for outlook in outlooks:
        term, late, stuck = outlook.term, outlook.late, len(outlook.blocked)
        named = names.get(term.component, term.name)
        if id(outlook) in grouped:
            if id(outlook) in renewals:
                found.append(_renewal(renewals[id(outlook)], outlooks, names))
        elif late or (stuck and not term.notice_by):
            ended = simulation.start is not None and term.end < simulation.start
            told = (
                ("ended " if ended else "")
                + term.end.isoformat()
                + (
                    f", notice by {term.notice_by.isoformat()}"
                    if term.notice_by and not outlook.notice_passed
                    else ""
                )
            )
            overrun.append(f"{named} ({told})")
            overrun_late.update(step.id for step in late)
            overrun_stuck.update(step.id for step in outlook.blocked)
        elif term.notice_by:
            stuck = sum(step.id not in counted for step in outlook.blocked)  # not told above
            found.append(
                (
                    f"Notice on {named} was due by "
                    f"{term.notice_by.isoformat()}: "
                    f"negotiate leaving at its end on {term.end.isoformat()}"
                    if outlook.notice_passed
                    else f"Give notice on {named} by {term.notice_by.isoformat()}"
                )
                + (
                    f"; {plural(stuck, 'step')} due by its end on {term.end.isoformat()} "
                    f"{agreeing(stuck, 'is', 'are')} blocked until an alternative is found"
                    if stuck
                    else ""
                )
            )
    overrun_blocked = overrun_stuck - overrun_late
    if overrun:
        contracts = f"the contract{'s' if len(overrun) > 1 else ''} of {listed(overrun)}"
        above = _told_above(overrun_late, overrun_blocked, renewed, names)
        found.append(
            f"Extend {contracts}, or accept {plural(len(overrun_late), 'step')} running "
            f"past {agreeing(len(overrun), 'its', 'their')} end"
            + _blocked_by_then(len(overrun_blocked))
            + above
            if overrun_late
            else f"Extend {contracts}: {plural(len(overrun_blocked), 'step')} due by "
            f"{agreeing(len(overrun), 'its', 'their')} end "
            f"{agreeing(len(overrun_blocked), 'is', 'are')} blocked until an alternative is found"
            + above
        )
    return found


def _capacity_moves(simulation: Simulation) -> str:
    """What the limit on the work costs in time: the finish without it and with it."""
    plan = simulation.plan
    held, free = plan.finish_day, plan.finish_day_without_capacity
    if held is None or free is None or held <= free:
        return ""
    with_it, without = simulation.date_of(held), simulation.date_of(free)
    if with_it is None or without is None:
        return (
            f", which moves the finish from week {weeks(free / 7)} to week {weeks(held / 7)} "
            "of the work"
        )
    return f", which moves the finish from {without.isoformat()} to {with_it.isoformat()}"


def _renewal(
    group: Sequence[ContractOutlook],
    outlooks: Sequence[ContractOutlook],
    names: Mapping[str, str],
) -> str:
    """Renew contracts that end, renew and take notice alike (the parts of one agreement),
    or accept the steps that run past their end."""
    first = group[0]
    count, end = max(outlook.renewal or (0, first.term.end) for outlook in group)
    times = "once" if count == 1 else f"{count} times"
    if any(outlook.renewal != (count, end) for outlook in group):  # some need fewer
        times = f"as their late steps need, up to {times}"
    late = {step.id for outlook in group for step in outlook.late}
    blocked = {step.id for outlook in group for step in outlook.blocked} - late
    named = listed(names.get(o.term.component, o.term.name) for o in group)
    its = agreeing(len(group), "its", "their")
    notice = first.term.notice_by
    return (
        f"Renew {named} {times} more, "
        f"to {end.isoformat()}, or accept {plural(len(late), 'step')} running past "
        f"{its} end on {first.term.end.isoformat()}"
        + (
            f" (decide by {notice.isoformat()}, {its} notice date)"
            if notice and not first.notice_passed
            else ""
        )
        + _also_late(group, outlooks, names)
        + _blocked_by_then(len(blocked))
    )


def _also_late(
    group: Sequence[ContractOutlook],
    outlooks: Sequence[ContractOutlook],
    names: Mapping[str, str],
) -> str:
    """The other contracts the same late steps run past: renewing one contract does not
    move the end of another that a step is also due by."""
    late = {step.id for outlook in group for step in outlook.late}
    others = [
        other
        for other in outlooks
        if all(other is not o for o in group) and late & {s.id for s in other.late}
    ]
    if not others:
        return ""
    shared = late & {step.id for other in others for step in other.late}
    which = (
        ("it" if len(late) == 1 else f"all {len(late):,} of them")
        if len(shared) == len(late)
        else f"{len(shared):,} of them"
    )
    ends = listed(
        f"{names.get(o.term.component, o.term.name)} ({o.term.end.isoformat()})" for o in others
    )
    return (
        f"; {which} also {agreeing(len(shared), 'runs', 'run')} past the end of the contract"
        f"{'s' if len(others) > 1 else ''} of {ends}, which renewing "
        f"{agreeing(len(group), 'this one', 'these')} does not move"
    )


def _told_above(
    late: set[str], blocked: set[str], renewed: Sequence[ContractOutlook], names: Mapping[str, str]
) -> str:
    """How many of the steps an extension is about were told with a renewal too (a step
    due by two contracts is in both decisions), so that the counts are not added up."""
    sharing = [
        outlook
        for outlook in renewed
        if late & {s.id for s in outlook.late} or blocked & {s.id for s in outlook.blocked}
    ]
    told_late = {step.id for outlook in sharing for step in outlook.late}
    told_blocked = {step.id for outlook in sharing for step in outlook.blocked}
    again = len(late & told_late) + len(blocked & told_blocked)
    if not again:
        return ""
    whose = listed(names.get(o.term.component, o.term.name) for o in sharing)
    return (
        f" ({again:,} of these steps {agreeing(again, 'is', 'are')} also counted with "
        f"{whose} above)"
    )


def _blocked_by_then(blocked: int) -> str:
    """The blocked steps due by a contract's end, after what runs past it."""
    if not blocked:
        return ""
    return (
        f"; {plural(blocked, 'more step')} due by then {agreeing(blocked, 'is', 'are')} "
        "blocked until an alternative is found"
    )


def _blocked_until_found(blocked: int, steps: int) -> str:
    if blocked == steps:
        return (
            "Until one is found, the only migration step is blocked"
            if steps == 1
            else f"Until one is found, all {steps:,} migration steps are blocked"
        )
    return (
        f"Until one is found, {blocked:,} of the {plural(steps, 'migration step')} "
        f"{agreeing(blocked, 'is', 'are')} blocked"
    )


def _not_replaced(strategy: ExitStrategy) -> list[str]:
    """What the withdrawal takes away that needs no replacement, and the components it
    breaks or degrades that are not withdrawn themselves."""
    simulation = strategy.simulation
    names = document_names(strategy)
    told = []
    in_use = {row.id: row.name for row in strategy.register}  # withdrawn, running today
    held = {h.id for h in simulation.held_back}  # told with the missing alternatives
    needless = [
        names.get(n, in_use[n]) for n in simulation.not_needed if n in in_use and n not in held
    ]
    if needless:
        shown = _some(needless)
        told.append(
            f"{plural(len(needless), 'withdrawn component needs', 'withdrawn components need')}"
            f" no replacement, as nothing that stays in use needs "
            f"{agreeing(len(needless), 'it', 'them')}: {shown}"
        )
    services = {s.id for s in simulation.services}
    withdrawn = set(simulation.withdrawn)
    for state in (State.BROKEN, State.DEGRADED):
        hit = [
            names.get(a.id, a.name)
            for a in simulation.affected
            if a.state is state and a.id not in services and a.id not in withdrawn
        ]
        if hit:
            verb = "breaks" if state is State.BROKEN else "degrades"
            told.append(
                f"Besides the services, {plural(len(hit), 'component')} not withdrawn "
                f"{verb if len(hit) == 1 else verb[:-1]}: {_some(hit)}"
            )
    return told


SHOWN = 5
"""How many names a sentence lists before it counts the rest."""


def _some(names: Sequence[str]) -> str:
    """``a, b and c``; beyond ``SHOWN`` names and one more, ``a, b, c, d, e and 3 more``."""
    return listed(names, most=SHOWN)


def _with_origin(assumption: Assumption) -> str:
    """The note, and for an imported element where to check it."""
    if not assumption.origin:
        return assumption.note
    where = f"imported from {assumption.origin}"
    return f"{assumption.note}; {where}" if assumption.note else where


def named(subject: str, names: Mapping[str, str]) -> str:
    """``teams → entra-id`` as ``Microsoft Teams → Microsoft Entra ID``; ``x for y`` alike."""
    for joint in (" → ", " for "):
        if joint in subject:
            return joint.join(named(part, names) for part in subject.split(joint, 1))
    return names.get(subject, subject)


VERIFY_FIRST = 10
"""How many of the decisive assumptions the report lists."""


def _verify(strategy: ExitStrategy) -> Section | None:
    """The assumptions that change the figures when wrong, most decisive first."""
    analysis = strategy.sensitivity
    if analysis is None:
        if not strategy.too_many_to_vary:
            return None
        return Section(
            "Verify these first",
            (),
            (),
            f"The figures rest on {plural(len(strategy.assumptions), 'assumed element')}, "
            "more than this document varies itself: the command exitplan sensitivity "
            "--most all varies each and ranks those that change the figures (without "
            f"--most all, the {MOST_RUN} likeliest to matter).",
        )
    names = document_names(strategy)
    shown = analysis.ranked[:VERIFY_FIRST]
    checked = len(analysis.ranked) + analysis.unchanged
    if not analysis.ranked:
        note = (
            f"Each of the {plural(checked, 'assumption')} was varied the way it could be "
            "wrong; none changes the figures"
            + (
                f" ({analysis.not_varied:,} more {agreeing(analysis.not_varied, 'has', 'have')}"
                " nothing to vary)."
                if analysis.not_varied
                else "."
            )
            if checked
            else "No assumption the figures rest on can be varied."
        )
    else:
        note = (
            f"Each assumption was varied the way it could be wrong and the scenario run "
            f"again: {plural(len(analysis.ranked), 'changes', 'change')} the figures "
            f"(the first {len(shown)} {agreeing(len(shown), 'is', 'are')} listed, the most "
            "decisive first)"
            + (
                f", {plural(analysis.unchanged, 'changes', 'change')} nothing"
                if analysis.unchanged
                else ""
            )
            + (
                f", {analysis.not_varied:,} {agreeing(analysis.not_varied, 'has', 'have')} "
                "nothing to vary (a vendor, service, organisation, data flow, or component "
                "nothing depends on or that an import read)"
                if analysis.not_varied
                else ""
            )
            + ". The command exitplan sensitivity --most all lists every one."
        )
    return Section(
        "Verify these first",
        ("#", "assumption", "if it is wrong", "what changes", "through"),
        tuple(
            (
                str(rank),
                f"{named(s.assumption.subject, names)} ({s.assumption.kind})",
                s.variation.what,
                sensitivity_changes(s.variation.changes, analysis.start),
                " → ".join(names.get(n, n) for n in s.chain),
            )
            for rank, s in enumerate(shown, start=1)
        ),
        note,
    )


def _appendix(strategy: ExitStrategy) -> Section:
    flows = {flow.id: flow.name for flow in strategy.flows}
    names = {**document_names(strategy), **flows}
    recorded = {
        **recorded_names(strategy.simulation),
        **strategy.names,
        **strategy.flow_names,
        **flows,
    }
    return Section(
        "Appendix: the assumptions",
        ("element", "kind", "what is assumed", "note"),
        tuple(
            (
                shown_as,
                a.kind,
                f"the {a.kind} as recorded" if a.what == named(a.subject, recorded) else a.what,
                _with_origin(a),
            )
            for a in strategy.assumptions
            for shown_as in [named(a.subject, names)]
        ),
        None if strategy.assumptions else "Nothing the result depends on is marked assumed.",
    )


def _services(strategy: ExitStrategy, keep: Callable[[str], str]) -> Section:
    section = services(
        strategy.simulation,
        document_names(strategy),
        "Affected services",
        UNRECORDED,
    )
    rows = tuple((*row[:3], keep(row[3]), keep(row[4]), *row[5:]) for row in section.rows)
    return Section(section.title, section.headers, rows, section.note)


def _personal_words(personal_data: str) -> str:
    """A flow's personal data in words: "ordinary", or the stricter categories with their
    article ("special categories of personal data (GDPR Art. 9)")."""
    stricter = SENSITIVE.get(personal_data)
    return f"{stricter[0]} ({stricter[1]})" if stricter else personal_data


def _flows(strategy: ExitStrategy) -> Section:
    rows = tuple(
        (
            f"{flow.name} ({flow.id})",
            f"{flow.source} → {flow.target}",
            ", ".join(flow.assets),
            _personal_words(flow.personal_data),
            flow.classification,
            BASIS.get(flow.transfer, flow.transfer),
            flow.state,
            # the rule's name as the policy findings give it, where it is explained
            " ".join(f"{f.severity.value}: {f.rule}." for f in flow.findings),
        )
        for flow in strategy.flows
    )
    return Section(
        "Data flows affected",
        (
            "flow",
            "from → to",
            "carries",
            "personal data",
            "classification",
            "transfer basis",
            "what happens",
            "legal findings",
        ),
        rows,
        "The legal findings are explained under Policy findings."
        if rows
        else "No data flow touches what the scenario affects.",
    )


def why_missing(replacement: Replacement, names: Mapping[str, str] | None = None) -> str:
    """Why no candidate for a component is viable: each candidate's reason."""
    shown = names or {}
    reasons = [f"{shown.get(c.candidate, c.name)}: {c.reason}" for c in replacement.candidates]
    return sentences(reasons) if reasons else "No alternative identified."


def _missing(strategy: ExitStrategy) -> Section:
    names = document_names(strategy)
    rows = []
    for replacement in strategy.simulation.replacements:
        if replacement.status is not Status.MISSING:
            continue
        rows.append(
            (
                names.get(replacement.replaces, replacement.name),
                ", ".join(replacement.uses_named or replacement.uses),
                why_missing(replacement, names),
            )
        )
    held = held_back_sentences(strategy.simulation, names)
    return Section(
        "Missing alternatives",
        ("component", "capabilities in use", "why no candidate is viable"),
        tuple(rows),
        (
            " ".join(
                f"{told}; no step replaces {them}, as nothing staying "
                f"in use needs {them} otherwise."
                for told in held
                for them in ["them" if told.endswith("them") else "it"]
            )
            or None
        )
        if rows
        else "Every needed component has a viable alternative.",
    )


def _plan(strategy: ExitStrategy, keep: Callable[[str], str]) -> tuple[list[str], Section]:
    simulation = strategy.simulation
    plan = simulation.plan
    names = document_names(strategy)
    rows = []
    for step in sorted(plan.steps, key=lambda s: (s.wave, s.id)):
        if step.kind is StepKind.EXPORT:
            action = step_label(step, names)
        else:
            action = "; ".join(
                f"{names.get(m.replaces, m.replaces)} → "
                f"{names.get(m.candidate, m.candidate) if m.candidate else 'no viable alternative'}"
                for m in step.moves
            )
        critical = "yes" if step.id in plan.critical_path else ""
        rows.append(
            (
                str(step.wave),
                action,
                weeks(step.duration_weeks),
                keep(when_week(step.start_week, step.start_day, simulation.start)),
                keep(when_week(step.finish_week, step.finish_day, simulation.start)),
                keep(due(step, simulation.start)),
                status(step, names),
                critical,
            )
        )
    intro = [
        sentences(
            [
                (
                    f"{plural(len(plan.steps), 'step')} in {plural(plan.waves, 'wave')}; "
                    + (
                        f"critical path {critical_path_text(plan, counted=False)}: "
                        f"{escape(_path(strategy))}"
                        if plan.critical_path
                        else "no step can start until an alternative is found"
                    )
                )
                if plan.steps
                else "Nothing needs migrating",
                *(escape(line) for line in schedule_sentences(simulation, names)),
                *(escape(line) for line in brought_in_sentences(simulation, names)),
                effort_sentence(simulation),
                *(escape(line) for line in contract_sentences(simulation, ids=False)),
                *(escape(line) for line in cost_sentences(simulation)),
            ]
        ),
        "",
    ]
    section = Section(
        "Steps",
        ("wave", "step", "weeks", "starts", "finishes", "due", "status", "critical path"),
        tuple(rows),
    )
    return intro, section


def _findings(strategy: ExitStrategy) -> Section:
    checked = strategy.checked
    section = findings(
        strategy.findings,
        "Policy findings",
        f"The findings of exitplan check (as of {_date(checked.as_of)}, legal profile "
        f"{checked.profile}) whose subject is a flow, component or vendor group this "
        "scenario touches.",
    )
    return (
        section
        if section.rows
        else replace(section, note="No policy finding concerns this scenario.")
    )


def _register(strategy: ExitStrategy) -> Section:
    rows = tuple(
        (
            row.name,
            "; ".join(row.providers),
            row.ultimate_parent + (f" ({row.parent_country})" if row.parent_country else ""),
            "; ".join(row.storage),
            "; ".join(row.processing),
            str(len(row.services)),
            UNRECORDED if row.users is None else number(row.users),
            row.substitutability_text,
            SUBSTITUTABILITY.get(row.declared_substitutability, ""),
            "yes" if row.alternatives else "no",
            ("yes" if row.exit_plan else "no")
            + (f" ({row.last_tested})" if row.last_tested else ""),
        )
        for row in sorted(strategy.register, key=lambda r: (r.name.casefold(), r.id))
    )
    return Section(
        "Register of the withdrawn components",
        (
            "component",
            "provider (role)",
            "ultimate parent",
            "storage",
            "processing",
            "services",
            "users",
            "substitutability (computed)",
            "substitutability (declared)",
            "alternatives identified",
            "exit plan (last tested)",
        ),
        rows,
        "Substitutability is computed by withdrawing each component alone; see "
        "exitplan register for the rule and every component in use.",
    )


def dump_report_markdown(
    strategy: ExitStrategy,
    diagrams: Mapping[str, str] | None = None,
    *,
    mermaid: bool = True,
    keep: Callable[[str], str] = str,
) -> str:
    """The document as Markdown. ``diagrams`` maps "impact" and "plan" to file names of
    pictures to link beside their sections (none by default). ``mermaid``: the plan's
    Gantt chart as a Mermaid block, which Git hosts draw."""
    simulation = strategy.simulation
    title = simulation.scenario_title or f"Withdrawing {', '.join(simulation.selectors)}"
    as_of = f"as of {simulation.as_of.isoformat()}" if simulation.as_of else "with no as-of date"
    lines = [
        f"# Exit strategy: {escape(title)}",
        "",
        f"{escape(strategy.estate_title)}. Estate `{simulation.estate}` {as_of}"
        + (f"; scenario `{simulation.scenario_id}`" if simulation.scenario_id else "")
        + ".",
        "",
    ]
    lines.extend(executive(strategy))
    chart = gantt_mermaid(simulation) if mermaid else ""
    if chart:
        lines.extend([chart, ""])
    lines.extend(["## Summary", ""])
    for paragraph in summary(strategy):
        lines.extend([escape(paragraph), ""])
    lines.extend(_scope(strategy))
    verify = _verify(strategy)
    if verify is not None:
        lines.append(section_markdown(verify))
    lines.append(section_markdown(_services(strategy, keep)))
    if diagrams and "impact" in diagrams:
        lines.extend([f"![Impact]({diagrams['impact']})", ""])
    lines.append(section_markdown(_flows(strategy)))
    if simulation.legal is not None:
        lines.append(section_markdown(legal(simulation, document_names(strategy)), level=3))
    replacements = alternatives(simulation, document_names(strategy))
    lines.append(
        section_markdown(
            Section("Alternatives", replacements.headers, replacements.rows, replacements.note)
        )
    )
    lines.append(section_markdown(_missing(strategy)))
    intro, steps = _plan(strategy, keep)
    lines.extend(["## Migration plan", "", *intro])
    if diagrams and "plan" in diagrams:
        lines.extend([f"![Migration plan]({diagrams['plan']})", ""])
    lines.append(section_markdown(steps, level=3))
    lines.append(section_markdown(_findings(strategy)))
    lines.append(section_markdown(_register(strategy)))
    lines.append(section_markdown(_appendix(strategy)))
    return "\n".join(lines).rstrip("\n") + "\n"


STYLE = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; font-size: 10pt;
       line-height: 1.4; color: #1a1a1a; max-width: 60em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 18pt; border-bottom: 2px solid #0b2e59; padding-bottom: 4px; }
h2 { font-size: 13pt; color: #0b2e59; margin-top: 1.6em; break-after: avoid; }
h2:nth-of-type(2) { break-before: page; }
h3 { font-size: 11pt; break-after: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 0.5em 0 1em; }
th, td { border: 1px solid #c8c8c8; padding: 3px 5px; text-align: left; vertical-align: top;
         overflow-wrap: break-word; hyphens: auto; }
th { background: #eef3fb; }
/* a table of eight columns or more prints on landscape pages, with its heading and the
   note after it: upright, its words set the page wider than A4, and Chromium printed
   every page smaller */
@page wide { size: A4 landscape; }
:is(h2, h3):has(+ table th:nth-child(8)), table:has(th:nth-child(8)),
table:has(th:nth-child(8)) + p { page: wide; }
tr { break-inside: avoid; }
figure { margin: 1em 0; break-inside: avoid; }
figure svg { width: 100%; height: auto; max-height: 24cm; }
figure.gantt svg { max-height: 7cm; }
figure.gantt { margin: 0.4em 0; }
figcaption { font-size: 8pt; color: #555; }
code { font-size: 9pt; }
/* printed at 86% of these sizes, whatever the tables hold: the executive summary and its
   chart keep to the first page */
@media print { body { margin: 0; max-width: none; zoom: 0.86; } }
"""


CAPTIONS = {
    "gantt": "The migration plan on a calendar",
    "impact": "The impact diagram",
    "plan": "The plan diagram",
}


LONGEST_WORD = 16
"""A word of more characters (a long name without spaces) may break every so many, in
HTML: a table column sized to it would push the page wider than A4, and Chromium then
prints every page smaller (at 30, one vendor's name of 30 letters in the register's two
columns of it printed every page a fifth smaller; helper-84)."""

_LONG_WORD = re.compile(r"(?:&#?\w+;|[^\s&<>])" f"{{{LONGEST_WORD + 1},}}")
_LETTER = re.compile(r"&#?\w+;|[^\s&<>]")


_JOINERS = frozenset("_-/")
"""After these, a long word breaks where its own parts end (``meeting_`` ``recordings``),
before it is cut every ``LONGEST_WORD`` characters (``meeting_recordin`` ``gs``)."""


def _breakable(body: str) -> str:
    """HTML text whose long words may break: a ``<wbr>`` after each ``_``, ``-`` or ``/``
    in them, and every ``LONGEST_WORD`` characters of a part still longer (an entity such
    as ``&amp;`` counted as one, never cut); no character, so that text copied or
    searched is as written (a zero-width space had been)."""

    def spaced(word: re.Match[str]) -> str:
        parts: list[list[str]] = [[]]
        for letter in _LETTER.findall(word.group(0)):
            parts[-1].append(letter)
            if letter in _JOINERS:
                parts.append([])
        return "<wbr>".join(
            "".join(part[i : i + LONGEST_WORD])
            for part in parts
            if part
            for i in range(0, len(part), LONGEST_WORD)
        )

    return re.sub(r">([^<>]+)<", lambda text: f">{_LONG_WORD.sub(spaced, text.group(1))}<", body)


def _inline_svg(svg: str) -> str:
    """An SVG document as an element for HTML: no XML prolog, doctype or comments."""
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    # width/height in points would fix the size; the viewBox keeps the proportions
    return re.sub(
        r"<svg\b[^>]*>",
        lambda tag: re.sub(r'\s(width|height)="[^"]*"', "", tag.group(0)),
        svg,
        count=1,
    ).strip()


def dump_report_html(
    strategy: ExitStrategy, svgs: Mapping[str, str], left_out: Mapping[str, str] | None = None
) -> str:
    """One self-contained HTML file: the Markdown document, with the impact and plan
    diagrams inline as SVG after their sections. ``left_out`` says, per diagram cut to
    fit the page, what it does not draw; the sentence is printed under the diagram."""
    renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
    body = _breakable(renderer.render(dump_report_markdown(strategy, mermaid=False, keep=_keep)))
    placed = (
        ("gantt", "Executive summary"),
        ("impact", "Affected services"),
        ("plan", "Migration plan"),
    )
    for key, heading in placed:
        if key not in svgs:
            continue
        cut = (left_out or {}).get(key)
        figure = (
            f'<figure class="{key}">{_inline_svg(svgs[key])}'
            f"<figcaption>{CAPTIONS[key]} of this scenario"
            + (", its capacity and dates included." if key == "gantt" else ".")
            + (f' <strong class="left-out">{html.escape(cut)}</strong>' if cut else "")
            + "</figcaption></figure>"
        )
        anchor = f"<h2>{heading}</h2>"
        at = body.find(anchor)
        if at < 0:
            continue
        end = body.find("<h2>", at + len(anchor))
        end = len(body) if end < 0 else end
        body = body[:end] + figure + "\n" + body[end:]
    title = html.escape(printable(strategy.simulation.scenario_title or "Exit strategy"))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Exit strategy: {title}</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def sections_of(markdown: str) -> Sequence[str]:
    """The second-level headings of a report, in order (for tests and readers)."""
    return [line[3:] for line in markdown.splitlines() if line.startswith("## ")]


__all__ = ["dump_report_html", "dump_report_markdown", "sections_of", "summary"]
