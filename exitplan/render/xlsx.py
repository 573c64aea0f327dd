"""Excel workbooks (``-o FILE.xlsx``), written with openpyxl: one sheet per table, the
header row frozen and filtered, columns sized to their text, dates as dates and numbers
as numbers.

Every text cell is stored as text, never as a formula, whatever it starts with (``=``,
``+``, ``-``, ``@``), so a name in an estate cannot run in a spreadsheet; control
characters (some of which the file format cannot hold), bidirectional overrides and line
separators are written as escapes, as in every other output. The same input
gives the same bytes: the workbook's own dates are fixed and every part of the file gets
the same timestamp.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from exitplan.errors import printable
from exitplan.render.files import fixed_zip
from exitplan.render.rows import (
    REGISTER_HEADERS,
    UNRECORDED,
    chain_text,
    needs_first,
    register,
    sentences,
)
from exitplan.render.rows import headline as headline_lines
from exitplan.simulate.plan import contract_outlooks
from exitplan.simulate.register import RegisterRow
from exitplan.simulate.result import TOO_LATE_FOR_NEXT, Simulation, StepKind, summarise

Cell = str | int | float | bool | date | None

FIXED_TIME = datetime(2000, 1, 1)
"""The creation and change time written into every workbook (a real one would change the
bytes from run to run)."""
WIDEST = 60
LINE_POINTS = 15
"""The height of a line of text in a row, in points."""
TALLEST = 409
"""The tallest row a spreadsheet draws, in points (Excel's limit)."""
CELL_CHARACTERS = 32_767
"""The most characters a cell holds (Excel's limit; openpyxl cuts longer text silently)."""


def fit_cell(value: str) -> str:
    """``value`` whole when a cell holds it; else cut, at a list's ``; `` (else ``, ``) near
    the end, saying how much is left out, so that nothing is lost without a word.

    >>> len(fit_cell("x" * 40_000)) <= CELL_CHARACTERS
    True
    """
    if len(value) <= CELL_CHARACTERS:
        return value
    room = CELL_CHARACTERS - 120  # what the words on the cut take
    at = value.rfind("; ", room - 2_000, room)
    if at < 0:  # a list of ids joined by commas (a step's blocked-by list)
        at = value.rfind(", ", room - 2_000, room)
    kept = value[: at if at > 0 else room]
    return (
        f"{kept} … cut here: {len(value) - len(kept):,} more characters (a cell holds "
        f"{CELL_CHARACTERS:,}; the CSV and JSON hold it whole)"
    )


SERVICE_HEADERS = (
    "id", "name", "criticality", "state", "breaks", "breaks (day)", "degrades",
    "degrades (day)", "at renewal, date unknown", "users", "because",
)  # fmt: skip
COMPONENT_HEADERS = (
    "id", "name", "state", "breaks", "breaks (day)", "degrades", "degrades (day)",
    "at renewal, date unknown", "because",
)  # fmt: skip
ALTERNATIVE_HEADERS = (
    "for", "name", "status", "candidate", "candidate name", "readiness",
    "gaps, or why none is viable", "effort (person-weeks)", "duration (weeks)",
    "cost per year", "migration cost", "parallel months", "needs first (an earlier step moves it)",
)  # fmt: skip
PLAN_HEADERS = (
    "step", "kind", "wave", "replaces", "with", "weeks", "effort (person-weeks)", "starts",
    "finishes", "due", "due from", "contract of", "notice by", "days to spare",
    "due for the steps after it", "blocked", "blocked by", "cannot be made", "critical path",
    "migration cost", "parallel running cost", "needs brought in (not in the plan)",
)  # fmt: skip
CONTRACT_HEADERS = (
    "contract of", "name", "ends", "notice by", "renewals before it", "termination fee",
    "steps due by it", "late for it", "blocked",
)  # fmt: skip
# A day before the step can start is no day to meet: the cell says so rather than show it.
NO_DAY_TO_MEET = f"none: {TOO_LATE_FOR_NEXT}"


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: tuple[str, ...]
    rows: Sequence[tuple[Cell, ...]]


def simulation_sheets(simulation: Simulation) -> list[Sheet]:
    """Summary, services, components, alternatives, plan (and licences, when any)."""
    on = simulation.date_of
    figures = summarise(simulation)
    plan = simulation.plan
    summary: list[tuple[Cell, ...]] = [
        ("estate", simulation.estate),
        ("withdrawn", ", ".join(simulation.selectors)),
        ("mode", simulation.mode),
        ("day 0", simulation.start),
        ("components and services withdrawn", figures.withdrawn),
        ("services broken", figures.services_broken),
        ("services degraded", figures.services_degraded),
        (
            "users who lose a service",
            figures.users_broken if figures.users_recorded else UNRECORDED,
        ),
        ("missing alternatives", figures.missing_alternatives),
        ("migration steps", figures.steps),
        ("blocked steps", figures.blocked_steps),
        ("needs not in the plan (not run today, no step)", figures.needs_not_in_plan),
        ("critical path (weeks)", plan.critical_path_weeks),
        ("work starts", on(plan.work_starts_day)),
        (
            "plan finishes, the steps that can be scheduled"
            if figures.blocked_steps
            else "plan finishes",
            on(plan.finish_day),
        ),
        ("plan finishes without a capacity limit", on(plan.finish_day_without_capacity)),
        ("effort (person-weeks), recorded", plan.effort_weeks),
        ("steps with no effort recorded (blocked ones included)", figures.effort_unknown),
        (
            f"cost per year before, recorded ({simulation.currency})",
            "unknown"
            if plan.costs.per_year_before_unknown and not plan.costs.per_year_before
            else plan.costs.per_year_before,
        ),
        ("withdrawn components with no cost recorded", plan.costs.per_year_before_unknown),
        (
            f"cost per year after, recorded ({simulation.currency})",
            "unknown"
            if plan.costs.per_year_after_unknown and not plan.costs.per_year_after
            else plan.costs.per_year_after,
        ),
        ("replacements with no cost recorded", plan.costs.per_year_after_unknown),
        (
            f"one-off cost recorded ({simulation.currency})",
            "unknown" if figures.one_off_cost is None else plan.costs.one_off,
        ),
        ("steps with no one-off cost recorded", len(plan.costs.one_off_unknown)),
        ("contracts with no termination fee recorded", len(plan.costs.termination_unknown)),
        ("in short", sentences(headline_lines(simulation))),
    ]
    users = {s.id: s.users_recorded for s in simulation.services}
    criticality = {s.id: s.criticality for s in simulation.services}
    services = [
        (
            s.id,
            s.impact.name,
            criticality[s.id],
            s.state.value,
            on(s.impact.fails_at),
            s.impact.fails_at,
            on(s.impact.degrades_at),
            s.impact.degrades_at,
            "yes" if s.impact.undated else "",
            users[s.id],
            chain_text(s.impact.because[1:]),
        )
        for s in simulation.services
    ]
    components: list[tuple[Cell, ...]] = [
        (
            a.id,
            a.name,
            a.state.value,
            on(a.fails_at),
            a.fails_at,
            on(a.degrades_at),
            a.degrades_at,
            "yes" if a.undated else "",
            chain_text(a.because[1:]),
        )
        for a in simulation.affected
        if a.kind == "component"
    ]
    alternatives: list[tuple[Cell, ...]] = []
    first_needs = needs_first(simulation)
    for replacement in simulation.replacements:
        chosen = replacement.chosen
        alternatives.append(
            (
                replacement.replaces,
                replacement.name,
                replacement.status.value,
                chosen.candidate if chosen else None,
                chosen.name if chosen else None,
                chosen.readiness if chosen else None,
                sentences(chosen.gaps) if chosen else replacement.note,
                chosen.effort_weeks if chosen else None,
                chosen.duration_weeks if chosen else None,
                chosen.cost_per_year if chosen else None,
                chosen.migration_cost if chosen else None,
                chosen.parallel_months if chosen else None,
                "; ".join(n.node for n in first_needs.get(replacement.replaces, [])) or None,
            )
        )
    steps: list[tuple[Cell, ...]] = []
    for step in sorted(plan.steps, key=lambda s: (s.wave, s.id)):
        contract = step.contract
        steps.append(
            (
                step.id,
                step.kind.value,
                step.wave,
                "; ".join(m.replaces for m in step.moves),
                "; ".join(m.candidate or "" for m in step.moves)
                if step.kind is StepKind.REPLACE
                else None,
                step.duration_weeks,
                step.effort_weeks,
                on(step.start_day),
                on(step.finish_day),
                on(step.deadline),
                step.deadline_from.value,
                "; ".join(term.component for term in step.contracts) or None,
                contract.notice_by if contract else None,
                step.slack,
                NO_DAY_TO_MEET if step.too_late_for_next else on(step.due_for_next),
                "yes" if step.blocked else "no",
                ", ".join(step.blocked_by),
                "yes: the vendor is gone by then" if step.cannot_be_made else "",
                "yes" if step.id in plan.critical_path else "",
                step.migration_cost,
                step.parallel_cost,
                "; ".join(n.options_text for n in step.needs_brought_in),
            )
        )
    sheets = [
        Sheet("Summary", ("figure", "value"), summary),
        Sheet(
            "Services",
            SERVICE_HEADERS,
            services,
        ),
        Sheet("Components", COMPONENT_HEADERS, components),
        Sheet("Alternatives", ALTERNATIVE_HEADERS, alternatives),
        Sheet("Plan", PLAN_HEADERS, steps),
    ]
    outlooks = contract_outlooks(simulation)
    if outlooks:  # every contract the exit leaves, also one no step is due by
        sheets.append(
            Sheet(
                "Contracts",
                CONTRACT_HEADERS,
                [
                    (
                        o.term.component,
                        o.term.name,
                        o.term.end,
                        o.term.notice_by,
                        o.term.renewals,
                        o.term.termination_fee,
                        len(o.steps),
                        len(o.late) if simulation.start is not None else None,
                        len(o.blocked),
                    )
                    for o in outlooks
                ],
            )
        )
    if simulation.licences:
        sheets.append(
            Sheet(
                "Licences",
                ("id", "name", "licence", "vendors", "stops or degrades", "day", "end"),
                [
                    (
                        item.id,
                        item.name,
                        item.licence,
                        ", ".join(item.vendors),
                        on(item.day),
                        item.day,
                        item.end,
                    )
                    for item in simulation.licences
                ],
            )
        )
    return sheets


def register_sheets(entries: Sequence[RegisterRow]) -> list[Sheet]:
    section = register(entries)
    numbers = {REGISTER_HEADERS.index("Users of those services")}
    dates = {REGISTER_HEADERS.index("Exit plan last tested")}

    def cell(index: int, text: str) -> Cell:
        if index in numbers:
            return int(text) if text else None  # none recorded
        if index in dates and text:
            return date.fromisoformat(text)  # written by the register from a date
        return text

    rows: list[tuple[Cell, ...]] = [
        tuple(cell(index, text) for index, text in enumerate(row)) for row in section.rows
    ]
    sheets = [Sheet("Register", section.headers, rows)]
    if section.note:
        sheets.append(Sheet("Rule", ("substitutability",), [(section.note,)]))
    return sheets


def _set_up(page: Any, table: str) -> None:
    """The header frozen, and printed on every page, as wide as one; ``table`` filtered."""
    page.freeze_panes = "A2"
    page.print_title_rows = "1:1"
    page.page_setup.orientation = "landscape"
    page.page_setup.fitToWidth = 1
    page.page_setup.fitToHeight = 0
    page.sheet_properties.pageSetUpPr.fitToPage = True
    page.auto_filter.ref = table


def dump_xlsx(sheets: Sequence[Sheet], cut: list[str] | None = None) -> bytes:
    """The workbook's bytes; the same sheets give the same bytes. A text longer than a
    cell holds is cut with words that say so, and where is appended to ``cut``. (openpyxl,
    with numpy behind it, is imported here: a third of a second every other command need
    not wait.)"""
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    header_fill = PatternFill("solid", fgColor="EEF3FB")
    wrap = Alignment(wrap_text=True, vertical="top")

    def text(value: str) -> str:
        """Text as every other output shows it: control characters (which the file
        format cannot all hold), bidirectional overrides and line separators as escapes;
        tabs and line breaks stay, as a cell may hold them, and so does the zero-width
        joiner, which a spreadsheet draws as the emoji it joins."""
        return printable(value, keep="\t\n\r\u200d")

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for sheet in sheets:
        page = book.create_sheet(sheet.title)
        page.append(list(sheet.headers))
        for cell in page[1]:
            cell.font = Font(bold=True)
            cell.fill = header_fill
        widths = [len(header) for header in sheet.headers]
        for number, row in enumerate(sheet.rows, start=2):
            for column, value in enumerate(row, start=1):
                cell = page.cell(row=number, column=column)
                if isinstance(value, str):
                    escaped = text(value)
                    written = fit_cell(escaped)
                    if cut is not None and len(written) < len(escaped):
                        cut.append(f"{sheet.title}, row {number}, {sheet.headers[column - 1]}")
                    cell.value = written
                    cell.data_type = "s"  # never a formula
                    shown = len(value)
                    if shown > WIDEST or "\n" in value:  # wraps within its column, tall enough
                        cell.alignment = wrap
                        lines = sum(-(-len(line) // WIDEST) or 1 for line in value.split("\n"))
                        height = page.row_dimensions[number].height or 0
                        page.row_dimensions[number].height = min(
                            TALLEST, max(height, LINE_POINTS * lines)
                        )
                elif isinstance(value, date):
                    cell.value = value
                    cell.number_format = "yyyy-mm-dd"
                    shown = 10
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    cell.value = value
                    whole = float(value).is_integer()
                    cell.number_format = "#,##0" if whole else "#,##0.0#"
                    shown = len(f"{value:,}")
                else:
                    cell.value = value
                    shown = len(str(value)) if value is not None else 0
                widths[column - 1] = max(widths[column - 1], min(shown, WIDEST))
        for column, width in enumerate(widths, start=1):
            page.column_dimensions[get_column_letter(column)].width = width + 2
        _set_up(page, f"A1:{get_column_letter(len(sheet.headers))}{max(len(sheet.rows) + 1, 1)}")
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    book.properties.creator = "exitplan"
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_zip(buffer.getvalue())
