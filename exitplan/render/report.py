"""The exit-strategy document for one scenario, as Markdown or as one self-contained HTML
file (diagrams inline as SVG, styled to print on A4).

Everything said here is read off an ``ExitStrategy``; the sentences of the summary are
written from its figures, not stored anywhere.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from markdown_it import MarkdownIt

from exitplan.errors import printable
from exitplan.render.gantt import gantt_mermaid
from exitplan.render.markdown import escape, section_markdown
from exitplan.render.rows import (
    Section,
    alternatives,
    contract_sentences,
    cost_sentences,
    day,
    due,
    findings,
    legal,
    legal_sentences,
    number,
    plural,
    schedule_sentences,
    sentences,
    services,
    status,
    weeks,
    when_week,
)
from exitplan.simulate.assumed import Assumption
from exitplan.simulate.policy import Severity
from exitplan.simulate.register import SUBSTITUTABILITY
from exitplan.simulate.result import State, Status, StepKind, summarise
from exitplan.simulate.strategy import ExitStrategy

MODES = {
    "cut-off": "cut-off: the vendor stops serving us, so what it operates or licenses by "
    "subscription goes at once",
    "exit": "exit: we choose to leave, so everything selected is replaced, whatever role "
    "its vendor plays",
}


def _date(value: date | None) -> str:
    return value.isoformat() if value else "undated"


def _keep(text: str) -> str:
    """Short cells like "day 0" on one line: their spaces do not break."""
    return text.replace(" ", "\u00a0")


def _names(strategy: ExitStrategy) -> dict[str, str]:
    simulation = strategy.simulation
    names: dict[str, str] = {a.id: a.name for a in simulation.affected}
    names.update({r.replaces: r.name for r in simulation.replacements})
    names.update({r.chosen.candidate: r.chosen.name for r in simulation.replacements if r.chosen})
    return names


def summary(strategy: ExitStrategy) -> list[str]:
    """The first paragraphs: what happens, to whom, when, and what it takes to leave."""
    simulation = strategy.simulation
    names = _names(strategy)
    figures = summarise(simulation)
    broken = [s for s in simulation.services if s.state is State.BROKEN]
    first_day = min(
        (s.impact.fails_at for s in broken if s.impact.fails_at is not None), default=None
    )
    when = f" from {day(first_day)}" if first_day is not None else ""
    paragraphs = [
        sentences(
            [
                f"Withdrawing {', '.join(simulation.selectors)} ({simulation.mode} mode) takes "
                f"{plural(figures.withdrawn, 'component or service', 'components or services')}"
                " out of use",
                f"{plural(len(broken), 'service')} break{'s' if len(broken) == 1 else ''}{when} "
                f"and {figures.services_degraded or 'none'} degrade; "
                f"{number(figures.users_broken)} users lose a service"
                if broken
                else f"No service breaks; {figures.services_degraded} degrade",
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
                    + f" no viable alternative: {', '.join(r.name for r in missing)}",
                    f"Until one is found, {figures.blocked_steps} of the "
                    f"{plural(figures.steps, 'migration step')} are blocked",
                ]
            )
        )
    late = [s for s in plan.steps if s.slack is not None and s.slack < 0 and not s.blocked]
    timing = [
        f"The migration plan has {plural(figures.steps, 'step')} in "
        f"{plural(plan.waves, 'wave')}; "
        + (
            f"its critical path is {weeks(plan.critical_path_weeks)} weeks "
            f"({' → '.join(plan.critical_path)})"
            if plan.critical_path
            else "no step can start until an alternative is found"
        ),
    ]
    timing += schedule_sentences(simulation)
    if late:
        worst = min(late, key=lambda s: s.slack or 0)
        protects = (
            "their contract ends"
            if simulation.mode == "exit"
            else "the first thing they protect breaks"
        )
        timing.append(
            f"1 step finishes {-(worst.slack or 0):,} days after "
            + (
                "its contract ends"
                if simulation.mode == "exit"
                else "the first thing it protects breaks"
            )
            + f" ({names.get(worst.replaces, worst.replaces)})"
            if len(late) == 1
            else f"{len(late)} steps finish after {protects}, the latest by "
            f"{-(worst.slack or 0):,} days ({names.get(worst.replaces, worst.replaces)})"
        )
    timing += cost_sentences(simulation)
    paragraphs.append(sentences(timing))
    personal = [f for f in strategy.flows if f.personal_data != "none"]
    errors = sum(1 for f in strategy.findings if f.severity is Severity.ERROR)
    warnings = sum(1 for f in strategy.findings if f.severity is Severity.WARNING)
    legal_text = [
        f"The scenario touches {plural(len(strategy.flows), 'data flow')}, "
        f"{len(personal)} of them with personal data",
        f"The policy check finds {plural(errors, 'error')} and {plural(warnings, 'warning')} "
        "that concern it",
    ]
    if simulation.legal is not None:
        legal_text.extend(legal_sentences(simulation.legal))
    paragraphs.append(sentences(legal_text))
    assumed = len(strategy.assumptions)
    if assumed:
        paragraphs.append(
            f"These figures rest on {plural(assumed, 'assumed element')} (listed under "
            "Scope and assumptions); confirm them before the figures are relied on."
        )
    return paragraphs


def _scope(strategy: ExitStrategy) -> list[str]:
    simulation = strategy.simulation
    lines = [
        "## Scope and assumptions",
        "",
        f"- Withdrawn: {escape(', '.join(simulation.selectors))}.",
        f"- Mode: {escape(MODES.get(simulation.mode, simulation.mode))}.",
        f"- Day 0: {simulation.start.isoformat() if simulation.start else 'not dated'}"
        + (f"; horizon {simulation.horizon} days." if simulation.horizon is not None else "."),
    ]
    if simulation.legal is not None:
        struck = ", ".join(simulation.legal.invalidated) or "none"
        said = " ".join(legal_sentences(simulation.legal))
        lines.append(
            f"- Legal assumptions: transfer bases struck down: {escape(struck)}. {escape(said)}"
        )
    if strategy.notes:
        lines.append(f"- Notes: {escape(' '.join(strategy.notes.split()))}")
    lines.append("")
    lines.extend(["### Assumed elements the result depends on", ""])
    by_kind: dict[str, list[str]] = {}
    for assumption in strategy.assumptions:
        by_kind.setdefault(assumption.kind, []).append(assumption.subject)
    for kind, subjects in sorted(by_kind.items()):
        lines.append(f"- {escape(kind)} ({len(subjects)}): {escape(', '.join(subjects))}")
    if not by_kind:
        lines.append("Nothing the result depends on is marked assumed.")
    else:
        lines.append("")
        lines.append("What each assumption says is in the appendix.")
    lines.append("")
    return lines


def _with_origin(assumption: Assumption) -> str:
    """The note, and for an imported element where to check it."""
    if not assumption.origin:
        return assumption.note
    where = f"imported from {assumption.origin}"
    return f"{assumption.note}; {where}" if assumption.note else where


def _appendix(strategy: ExitStrategy) -> Section:
    return Section(
        "Appendix: the assumptions in full",
        ("kind", "element", "what is assumed", "note"),
        tuple((a.kind, a.subject, a.what, _with_origin(a)) for a in strategy.assumptions),
        None if strategy.assumptions else "Nothing the result depends on is marked assumed.",
    )


def _services(strategy: ExitStrategy) -> Section:
    section = services(strategy.simulation, _names(strategy), "Affected services")
    rows = tuple((*row[:3], _keep(row[3]), *row[4:]) for row in section.rows)
    return Section(section.title, section.headers, rows, section.note)


def _flows(strategy: ExitStrategy) -> Section:
    rows = tuple(
        (
            f"{flow.name} ({flow.id})",
            f"{flow.source} → {flow.target}",
            ", ".join(flow.assets),
            flow.personal_data,
            flow.classification,
            flow.transfer,
            flow.state,
            " ".join(f"{f.severity.value.upper()} ({f.rule})." for f in flow.findings),
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


def _missing(strategy: ExitStrategy) -> Section:
    rows = []
    for replacement in strategy.simulation.replacements:
        if replacement.status is not Status.MISSING:
            continue
        reasons = [f"{c.name}: {c.reason}" for c in replacement.candidates]
        rows.append(
            (
                replacement.name,
                ", ".join(replacement.uses),
                sentences(reasons) if reasons else "No alternative identified.",
            )
        )
    return Section(
        "Missing alternatives",
        ("component", "capabilities in use", "why no candidate is viable"),
        tuple(rows),
        None if rows else "Every needed component has a viable alternative.",
    )


def _plan(strategy: ExitStrategy) -> tuple[list[str], Section]:
    simulation = strategy.simulation
    plan = simulation.plan
    names = _names(strategy)
    rows = []
    for step in sorted(plan.steps, key=lambda s: (s.wave, s.id)):
        if step.kind is StepKind.EXPORT:
            action = f"Export data from {names.get(step.replaces, step.replaces)}"
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
                _keep(when_week(step.start_week, step.start_day, simulation.start)),
                _keep(when_week(step.finish_week, step.finish_day, simulation.start)),
                _keep(due(step, simulation.start)),
                status(step, names),
                critical,
            )
        )
    intro = [
        sentences(
            [
                f"{plural(len(plan.steps), 'step')} in {plural(plan.waves, 'wave')}; critical "
                f"path {weeks(plan.critical_path_weeks)} weeks: "
                f"{escape(' → '.join(plan.critical_path)) or 'none'}",
                *(escape(line) for line in schedule_sentences(simulation)),
                f"Effort {weeks(plan.effort_weeks)} person-weeks",
                *(escape(line) for line in contract_sentences(simulation)),
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
        f"The findings of `exitplan check` (as of {_date(checked.as_of)}, legal profile "
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
            number(row.users),
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
        "`exitplan register` for the rule and every component in use.",
    )


def dump_report_markdown(
    strategy: ExitStrategy, diagrams: Mapping[str, str] | None = None, *, mermaid: bool = True
) -> str:
    """The document as Markdown. ``diagrams`` maps "impact" and "plan" to file names of
    pictures to link beside their sections (none by default). ``mermaid``: the plan's
    Gantt chart as a Mermaid block, which Git hosts draw."""
    simulation = strategy.simulation
    title = simulation.scenario_title or f"Withdrawing {', '.join(simulation.selectors)}"
    as_of = simulation.as_of.isoformat() if simulation.as_of else "undated"
    lines = [
        f"# Exit strategy: {escape(title)}",
        "",
        f"{escape(strategy.estate_title)}. Estate `{simulation.estate}` as of {as_of}"
        + (f"; scenario `{simulation.scenario_id}`" if simulation.scenario_id else "")
        + ".",
        "",
        "## Summary",
        "",
    ]
    for paragraph in summary(strategy):
        lines.extend([escape(paragraph), ""])
    lines.extend(_scope(strategy))
    lines.append(section_markdown(_services(strategy)))
    if diagrams and "impact" in diagrams:
        lines.extend([f"![Impact]({diagrams['impact']})", ""])
    lines.append(section_markdown(_flows(strategy)))
    if simulation.legal is not None:
        lines.append(section_markdown(legal(simulation), level=3))
    replacements = alternatives(simulation, _names(strategy))
    lines.append(
        section_markdown(
            Section("Alternatives", replacements.headers, replacements.rows, replacements.note)
        )
    )
    lines.append(section_markdown(_missing(strategy)))
    intro, steps = _plan(strategy)
    lines.extend(["## Migration plan", "", *intro])
    chart = gantt_mermaid(simulation) if mermaid else ""
    if chart:
        lines.extend([chart, ""])
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
h3 { font-size: 11pt; break-after: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 0.5em 0 1em; }
th, td { border: 1px solid #c8c8c8; padding: 3px 5px; text-align: left; vertical-align: top;
         overflow-wrap: break-word; hyphens: auto; }
th { background: #eef3fb; }
tr { break-inside: avoid; }
figure { margin: 1em 0; break-inside: avoid; }
figure svg { width: 100%; height: auto; max-height: 24cm; }
figcaption { font-size: 8pt; color: #555; }
code { font-size: 9pt; }
@media print { body { margin: 0; max-width: none; } }
"""


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
    body = renderer.render(dump_report_markdown(strategy, mermaid=False))
    placed = (
        ("impact", "Affected services"),
        ("gantt", "Migration plan"),
        ("plan", "Migration plan"),
    )
    for key, heading in placed:
        if key not in svgs:
            continue
        cut = (left_out or {}).get(key)
        figure = (
            f'<figure class="{key}">{_inline_svg(svgs[key])}'
            f"<figcaption>The {key} diagram, as drawn by exitplan diagram --view {key}."
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
