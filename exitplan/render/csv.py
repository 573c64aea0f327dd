"""CSV output for spreadsheets: one row per thing, plain columns, no nesting.

Text read from the estate is kept as it is, control characters too; a cell with a line
break, a carriage return, a quote or a comma is quoted, so one record stays one record.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from exitplan.render.rows import Section, needs_first, sentences
from exitplan.simulate.result import Simulation, StepKind

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def neutralise(cell: object) -> object:
    """A cell a spreadsheet will not run as a formula ("CSV injection", OWASP).

    Text that starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line
    feed gets a single quote in front (``'=HYPERLINK(...)``), which spreadsheets show
    as text; the rest of the text is kept. A plain negative number (``-5``, ``-1,250.5``)
    is left alone, so that it stays a number. Numbers and empty cells are not text and
    pass unchanged.

    >>> neutralise("=1+1"), neutralise("-5"), neutralise("-5 days"), neutralise(3)
    ("'=1+1", '-5', "'-5 days", 3)
    """
    formula = isinstance(cell, str) and cell.startswith(FORMULA_START)
    if formula and not _PLAIN_NUMBER.fullmatch(str(cell)):
        return f"'{cell}"
    return cell


def _record(cells: Sequence[object]) -> str:
    """One CSV record ending in a line feed.

    The writer quotes a field that holds a character of its line terminator; with
    ``\r\n`` as terminator both a lone CR and a lone LF are quoted (with ``\n`` alone a
    CR would go out bare and split the record in a spreadsheet); the terminator itself
    is then written as a plain line feed, as the rest of exitplan's output.
    """
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue().removesuffix("\r\n") + "\n"


def _write(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    records = [_record([neutralise(header) for header in headers])]
    records.extend(_record([neutralise("" if c is None else c) for c in row]) for row in rows)
    return "".join(records)


def dump_simulation_csv(simulation: Simulation) -> str:
    """One row per component or service the withdrawal affects, with the alternative and
    plan step that concern it (empty where none does); what its chosen candidate needs that
    is not run today and that no step brings in (``needs_not_in_plan``: each need's options
    joined by "or", as the workbook writes them); and the day its step must finish by for
    the steps after it to meet their deadlines (``due_for_next_days``), or that they miss
    them however soon it finishes (``too_late_for_next``); and what its chosen candidate
    needs that an earlier step replaces or brings in (``needs_first``); last, when its step
    starts and finishes (days after day 0, empty while blocked) and what its deadline is
    set by (``deadline_from``, as in JSON)."""
    replacements = {r.replaces: r for r in simulation.replacements}
    steps = {
        move.replaces: step
        for step in simulation.plan.steps
        if step.kind is StepKind.REPLACE
        for move in step.moves
    }
    users = {s.id: s.users_recorded for s in simulation.services}
    first_needs = needs_first(simulation)
    rows = []
    for affected in simulation.affected:
        replacement = replacements.get(affected.id)
        chosen = replacement.chosen if replacement else None
        step = steps.get(affected.id)
        rows.append(
            (
                affected.id,
                affected.kind,
                affected.name,
                affected.state.value,
                affected.fails_at,
                affected.degrades_at,
                "yes" if affected.undated else "",
                users.get(affected.id),
                " <- ".join(affected.because),
                replacement.status.value if replacement else "",
                chosen.candidate if chosen else "",
                chosen.readiness if chosen else "",
                sentences(chosen.gaps) if chosen else "",
                step.id if step else "",
                step.wave if step else "",
                step.deadline if step else "",
                step.slack if step else "",
                step.due_for_next
                if step and step.due_for_next is not None and not step.too_late_for_next
                else "",  # a day before the step can start is none to meet
                ("yes" if step.too_late_for_next else "no") if step else "",
                ("yes" if step.blocked else "no") if step else "",
                "; ".join(
                    n.options_text
                    for n in step.needs_brought_in
                    if chosen and n.candidate == chosen.candidate
                )
                if step
                else "",
                "; ".join(n.node for n in first_needs.get(replacement.replaces, []))
                if replacement
                else "",
                step.start_day if step else "",
                step.finish_day if step else "",
                step.deadline_from.value if step else "",
            )
        )
    return _write(
        (
            "id", "kind", "name", "state", "fails_at_days", "degrades_at_days",
            "at_renewal_date_unknown", "users", "because", "alternative_status", "candidate",
            "readiness", "gaps", "step", "wave", "deadline_days", "slack_days",
            "due_for_next_days", "too_late_for_next", "blocked", "needs_not_in_plan", "needs_first",
            "start_day", "finish_day", "deadline_from",
        ),
        rows,
    )  # fmt: skip


def dump_section_csv(section: Section) -> str:
    return _write(section.headers, section.rows)
