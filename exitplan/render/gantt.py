"""The migration plan on a calendar: a Gantt chart (SVG or PNG, drawn with matplotlib and
its own fonts, so that it looks the same on every machine) and a Mermaid ``gantt`` block
for Markdown, which Git hosts draw.

One bar per step that can be scheduled, from its start to its finish, coloured by wave;
the steps on the critical path have a dark outline; the part of a bar after the step's
deadline is red, and each deadline is a black diamond on its row. In a chosen exit, the
end of each contract is a dashed line. Steps that cannot be scheduled (blocked) are listed
under the chart.
"""

from __future__ import annotations

import io
import re
import textwrap
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from exitplan.errors import agreeing, in_weeks, plural, printable
from exitplan.render.rows import (
    capacity_text,
    critical_path_text,
    display_names,
    either,
    first_need,
    unbrought,
)

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
from exitplan.simulate.result import Simulation, Step, StepKind

WAVE_COLOURS = ("#4e79a7", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#bab0ac")
LATE = "#d62728"
CRITICAL_EDGE = "#1a1a1a"
LABEL_LENGTH = 56


@dataclass(frozen=True)
class Bar:
    """One scheduled step as drawn: its label, wave, start and finish (dates, or weeks of
    the work in an undated estate), deadline, and whether it is on the critical path."""

    step: str
    label: str
    wave: int
    start: date | float
    finish: date | float
    deadline: date | float | None
    critical: bool
    milestone: bool


def step_label(step: Step, names: Mapping[str, str]) -> str:
    """``Exchange Online → Open-Xchange``; an export step ``Export data from Purview`` (in
    a cut-off that takes the vendor away first, ``Cannot export data from Purview``: it
    survives a label cut short); a blocked step what it replaces alone (it is listed under
    "Blocked")."""
    if step.kind is StepKind.EXPORT:
        verb = "Cannot export" if step.cannot_be_made else "Export"  # the vendor is gone
        return f"{verb} data from {names.get(step.replaces, step.replaces)}"
    return "; ".join(
        f"{names.get(m.replaces, m.replaces)} → {names.get(m.candidate, m.candidate)}"
        if m.candidate
        else names.get(m.replaces, m.replaces)  # blocked: listed as such
        for m in step.moves
    )


def _short(text: str, length: int = LABEL_LENGTH) -> str:
    text = printable(text)
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _between_words(text: str, length: int) -> str:
    """``text`` cut between words to ``length`` characters; a first word longer than that
    is cut inside it."""
    cut = textwrap.shorten(printable(text), length, placeholder=" …")
    return _short(text, length) if cut == "…" or cut.startswith(" …") else cut


def _short_move(label: str, length: int = LABEL_LENGTH) -> str:
    """A bar's label cut to ``length`` characters with both of its ends kept: what is
    replaced and its replacement each keep their start (``Microsoft Configuration Man… →
    opsi (open system…``), so that no replacement is cut away whole."""
    parts = label.split(" → ")
    if len(parts) != 2 or len(printable(label)) <= length:
        return _short(label, length)
    left, right = (printable(part) for part in parts)
    room = length - 3
    keep_right = min(len(right), max(room // 2, room - len(left)))
    keep_left = room - keep_right
    return f"{_short(left, keep_left)} → {_short(right, keep_right)}"


CALENDAR_MARGIN = 3660
"""Days of the calendar a chart needs after its last day: matplotlib's dates end with the
year 9999, and its axis reaches past what it draws."""


def on_calendar(simulation: Simulation) -> bool:
    """Whether the chart can be drawn on dates: the estate has day 0's date and the plan's
    last finish or deadline lies well before the calendar's end (a valid estate can plan
    past it: moves of a hundred years at a trickle of capacity). Else it is drawn in
    weeks of work."""
    if simulation.start is None:
        return False
    days = [
        day
        for step in simulation.plan.steps
        for day in (step.finish_day, step.deadline)
        if day is not None
    ]
    return simulation.date_of(max(days, default=0) + CALENDAR_MARGIN) is not None


def bars(simulation: Simulation, dated: bool | None = None) -> list[Bar]:
    """The scheduled steps, in the order they start (then wave, then id); on dates (by
    default when day 0 has one), else in weeks of work."""
    names = display_names(simulation)
    plan = simulation.plan
    dated = simulation.start is not None if dated is None else dated
    found = []
    for step in plan.steps:
        if step.start_week is None or step.finish_week is None:
            continue
        start: date | float | None = step.start_week
        finish: date | float | None = step.finish_week
        deadline: date | float | None = None
        if step.deadline is not None:  # in weeks of the work, as the bars are
            deadline = (step.deadline - plan.work_starts_day) / 7
        if dated:
            start = simulation.date_of(step.start_day)
            finish = simulation.date_of(step.finish_day)
            deadline = simulation.date_of(step.deadline)
        if start is None or finish is None:  # too far to count in days
            continue
        found.append(
            Bar(
                step=step.id,
                label=step_label(step, names),
                wave=step.wave,
                start=start,
                finish=finish,
                deadline=deadline,
                critical=step.id in plan.critical_path,
                milestone=step.start_week == step.finish_week,
            )
        )
    return sorted(found, key=lambda b: (b.start, b.wave, b.step))


BLOCKED_NAMED = 12
"""Blocked steps named under a chart; the rest are counted."""
MOST_ROWS = 30
"""Bars a chart draws at most: more would not read on a slide or a page."""


def fitted(drawn: list[Bar], simulation: Simulation, most: int) -> list[Bar]:
    """At most ``most`` bars: the critical path first, then the earliest to start, in
    their order."""
    if len(drawn) <= most:
        return drawn
    critical = set(simulation.plan.critical_path)
    kept = {b.step for b in drawn if b.step in critical}
    for bar in drawn:
        if len(kept) >= most:
            break
        kept.add(bar.step)
    return [b for b in drawn if b.step in kept]


def _steps_drawn(drawn: list[Bar], everything: list[Bar]) -> set[str] | None:
    """The steps of a plan cut to what reads (whose contract ends a chart shows); None
    when every step is drawn."""
    return {b.step for b in drawn} if len(drawn) < len(everything) else None


def blocked(simulation: Simulation) -> list[str]:
    names = display_names(simulation)
    return [
        step_label(step, names)
        for step in sorted(simulation.plan.steps, key=lambda s: (s.wave, s.id))
        if step.blocked
    ]


def _contract_ends(simulation: Simulation, steps: set[str] | None = None) -> list[tuple[date, str]]:
    """The contract ends of the plan's steps (of ``steps`` alone, when given), and of the
    contracts the exit leaves that no step is due by (their notice is a decision too)."""
    due = {term for step in simulation.plan.steps for term in step.contracts}
    ends = {
        (term.end, term.name)
        for step in simulation.plan.steps
        if steps is None or step.id in steps
        for term in step.contracts
    }
    ends |= {(term.end, term.name) for term in simulation.plan.contracts if term not in due}
    return sorted(ends)


def _title(simulation: Simulation) -> str:
    what = (
        simulation.scenario_title
        or f"Withdrawing {', '.join(simulation.selectors)} ({simulation.mode})"
    )
    return f"Migration plan: {what}"


def _title_lines(simulation: Simulation, layout: Layout) -> str:
    """The title on at most two lines as wide as the chart, clear of a legend at its upper
    right (a bold character of the title's size is taken as 0.62 of its height)."""
    inches = layout.width - (LEGEND_INCHES if layout.legend == "outside right upper" else 0)
    width = int(inches * 72 / ((layout.font + 5) * 0.62))
    return textwrap.fill(printable(_title(simulation)), width, max_lines=2, placeholder=" …")


def _suptitle(figure: Figure, simulation: Simulation, layout: Layout) -> None:
    """The title, centred over the width left of a legend at the upper right (centred
    over the whole figure, a title as wide as that width ran under the legend)."""
    beside = LEGEND_INCHES if layout.legend == "outside right upper" else 0
    figure.suptitle(
        _title_lines(simulation, layout),
        x=(layout.width - beside) / 2 / layout.width,
        fontsize=layout.font + 5,
        fontweight="bold",
    )


def _subtitle(simulation: Simulation, layout: Layout, labels: list[str]) -> str:
    """The finish, the critical path, the capacity, what is late or blocked and what no
    step brings in, on as many lines as the chart's width beside its bar labels and legend
    needs (a character of the subtitle's size is taken as 0.6 of its height, one of the
    labels as 0.55)."""
    inches = layout.width - (LEGEND_INCHES if layout.legend == "outside right upper" else 0)
    inches -= max(map(len, labels), default=0) * (layout.font - 1) * 0.55 / 72
    width = max(int(inches * 72 / (layout.font * 0.6)), 40)
    lines: list[str] = []
    for part in _subtitle_parts(simulation, layout):
        if lines and len(lines[-1]) + 2 + len(part) <= width:
            lines[-1] += f"; {part}"
        else:  # on lines of its own, wrapped when longer than one
            lines.extend(textwrap.wrap(part, width, break_on_hyphens=False))
    return "\n".join(lines)


def _subtitle_parts(simulation: Simulation, layout: Layout) -> list[str]:
    """The subtitle's parts. With blocked steps the finish is only that of the steps drawn,
    and it says so; of what the chosen alternatives need and no step brings in, the first
    (as the plan's notes tell it) is named and the rest counted."""
    plan = simulation.plan
    finish = simulation.date_of(plan.finish_day)
    stuck = len(plan.blocked)
    parts = [
        ("the steps that can be scheduled finish " if stuck else "finishes ")
        + (finish.isoformat() if finish else f"after {in_weeks(plan.finish)} of work")
        + (" at the earliest" if plan.duration_unknown else ""),
        f"critical path {critical_path_text(plan, counted=False)}",
    ]
    if plan.capacity is not None:
        parts.append(capacity_text(plan.capacity))
    late = plan.late
    if late:
        parts.append(f"{len(late):,} late")
    holding = [  # as the plan's notes tell them: a late step too, if nothing after it can be
        s for s in plan.steps if (s.holds_up and not s.late) or s.too_late_for_next
    ]
    if holding:
        parts.append(f"{len(holding):,} holding up later steps")
    if stuck:
        parts.append(
            f"{stuck:,} blocked, not drawn"
            + ("" if layout.list_blocked else " (the plan's table lists them)")
        )
    needs = unbrought(simulation)
    if needs:
        names = display_names(simulation)
        options, candidates = first_need(needs, names)
        what = _between_words(either([names.get(o, o) for o in options]), NEED_LENGTH)
        others = len(needs) - 1
        needing = _between_words(names.get(candidates[0], candidates[0]), NEED_LENGTH)
        if len(candidates) > 1:
            needing += f" and {len(candidates) - 1:,} more"
        parts.append(
            f"no step brings in {what}, needed by {needing}"
            + (f"; nor {plural(others, 'more need')} of the chosen alternatives" if others else "")
        )
    return parts


NEED_LENGTH = 60
"""The longest a need not in the plan is named in the subtitle (cut between words)."""


LEGEND_INCHES = 2.4
"""The width a legend at the upper right takes beside the title ("after its deadline" at
the legend's size, with its swatch)."""

EPOCH = date(1970, 1, 1)
"""Day 0 of the time axis (set as matplotlib's ``date.epoch``, so a date is its day count)."""


@dataclass(frozen=True)
class Layout:
    """A chart's proportions: a 16:9 slide, or the width of an A4 page."""

    width: float
    row: float
    label: int
    font: int
    list_blocked: bool
    legend: Literal["outside right upper", "outside lower center"]


SLIDE = Layout(13.33, 0.36, LABEL_LENGTH, 11, list_blocked=True, legend="outside right upper")
PAGE = Layout(8.0, 0.24, 34, 9, list_blocked=False, legend="outside lower center")
"""On a page, bars are named by what they replace, and the blocked steps are counted in
the subtitle and listed in the plan's table."""


STYLE: dict[Any, Any] = {
    "svg.hashsalt": "exitplan",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "date.epoch": "1970-01-01T00:00:00",
    "date.autoformatter.month": "%Y-%m",
    "hatch.linewidth": 1.5,
    "text.parse_math": False,  # a name with two $ is text, not mathematics
}
"""Matplotlib's settings for drawing and saving a chart (with the layout's font size)."""


def render_gantt(simulation: Simulation, suffix: str, layout: Layout = SLIDE) -> bytes:
    """The chart as ``.svg``, ``.png`` or ``.pdf`` bytes, the same for the same simulation."""
    import matplotlib as mpl  # noqa: PLC0415 - heavy; only the charts need it

    with mpl.rc_context({**STYLE, "font.size": layout.font}):
        return _saved(gantt_figure(simulation, layout), suffix)


def gantt_figure(simulation: Simulation, layout: Layout) -> Figure:
    """The chart drawn, not yet saved (within ``STYLE``)."""
    from matplotlib.figure import Figure  # noqa: PLC0415 - heavy; only the charts need it

    dated = on_calendar(simulation)
    everything = bars(simulation, dated)
    drawn = fitted(everything, simulation, MOST_ROWS)
    steps = _steps_drawn(drawn, everything)
    stuck = blocked(simulation) if layout.list_blocked else []
    rows = layout.row * max(len(drawn), 1)
    height = min(max(3.0, 1.4 + rows + (0.9 if stuck else 0)), 40.0)
    figure = Figure(figsize=(layout.width, height), layout="constrained")
    axes = figure.add_subplot()
    if not drawn:
        _draw_nothing(figure, axes, simulation, layout, stuck)
        return figure
    _draw_bars(axes, drawn)
    if dated:  # contract ends are dates: an axis of weeks has none
        _draw_contracts(axes, simulation, steps)
    labels = [
        _short_move(b.label, layout.label)
        if layout.list_blocked
        else _short(b.label.split(" → ")[0], layout.label)
        for b in drawn
    ]
    axes.set_yticks(range(len(drawn)), labels, fontsize=layout.font - 1)
    axes.set_ylim(len(drawn) - 0.5 if drawn else 0.5, -0.7)
    axes.grid(axis="x", color="#dddddd", zorder=0)
    axes.set_axisbelow(True)
    if dated:
        from matplotlib.dates import AutoDateLocator  # noqa: PLC0415

        axes.xaxis_date()
        locator = AutoDateLocator(minticks=4, maxticks=8)  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        first = min(_x(b.start) for b in drawn)  # drawn is not empty here
        last = max(_x(b.finish) for b in drawn)
        axes.set_xlim(left=first - min(14.0, max(1.0, (last - first) / 30)))
    else:
        axes.set_xlabel("weeks of work")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    _suptitle(figure, simulation, layout)
    subtitle = _subtitle(simulation, layout, labels)
    if len(drawn) < len(everything):
        subtitle += (
            f"\n{len(drawn):,} of {len(everything):,} steps drawn (the critical path, then the "
            "earliest); the tables list every step"
        )
    axes.set_title(subtitle, fontsize=layout.font, loc="left")
    figure.legend(
        handles=_legend(drawn, simulation, steps if dated else set()),
        loc=layout.legend,
        ncols=1 if layout.legend.endswith("upper") else 4,
        fontsize=layout.font - 1,
        frameon=False,
    )
    _blocked_under(figure, layout, stuck)
    return figure


def _blocked_under(figure: Figure, layout: Layout, stuck: list[str]) -> None:
    """The blocked steps named under the chart, the rest counted."""
    if not stuck:
        return
    named = "; ".join(_between_words(label, 80) for label in stuck[:BLOCKED_NAMED])
    more = len(stuck) - BLOCKED_NAMED
    text = f"Blocked, not scheduled until an alternative is found ({len(stuck):,}): {named}" + (
        f"; and {more:,} more (the tables list them)" if more > 0 else ""
    )
    figure.supxlabel(
        "\n".join(textwrap.wrap(text, 150)),
        fontsize=layout.font - 1,
        ha="left",
        x=0.01,
        color="#333333",
    )


def _draw_nothing(
    figure: Figure, axes: Axes, simulation: Simulation, layout: Layout, stuck: list[str]
) -> None:
    """A plan with no step to put on a calendar: its title, and a sentence that says so
    (no time axis, whose range would mean nothing)."""
    _suptitle(figure, simulation, layout)
    waiting_steps = len(blocked(simulation))  # on a page the blocked are not listed here
    if waiting_steps:
        waiting = "the step waits" if waiting_steps == 1 else f"all {waiting_steps:,} steps wait"
        said = f"No step can be scheduled: {waiting} for an alternative"
    else:
        said = "Nothing to schedule: the withdrawal leaves no component to replace"
    axes.text(0.5, 0.5, said, transform=axes.transAxes, ha="center", va="center")
    axes.set_axis_off()
    _blocked_under(figure, layout, stuck)


def _saved(figure: Figure, suffix: str) -> bytes:
    """The figure's bytes. A character the font lacks (an emoji in a name) is drawn as a
    box, as in any document; matplotlib's warning of it, with its source line, is not for
    the user's terminal."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        return _drawn(figure, suffix)


def _drawn(figure: Figure, suffix: str) -> bytes:
    buffer = io.BytesIO()
    if suffix == ".svg":
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    elif suffix == ".pdf":
        figure.savefig(
            buffer,
            format="pdf",
            metadata={"CreationDate": None, "Creator": None, "Producer": None},
        )
    else:
        figure.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return buffer.getvalue()


def _draw_bars(axes: Axes, drawn: list[Bar]) -> None:
    """Each step a bar in its wave's colour (a milestone when it takes no time), outlined
    on the critical path; the part after its deadline hatched red; the deadline a diamond."""
    for row, bar in enumerate(drawn):
        colour = WAVE_COLOURS[(bar.wave - 1) % len(WAVE_COLOURS)]
        start, finish = _x(bar.start), _x(bar.finish)
        if bar.milestone:
            axes.plot([start], [row], marker="D", markersize=9, color=colour, zorder=3)
        else:
            axes.barh(
                row,
                finish - start,
                left=start,
                height=0.62,
                color=colour,
                edgecolor=CRITICAL_EDGE if bar.critical else colour,
                linewidth=2.2 if bar.critical else 0.5,
                zorder=2,
            )
        if bar.deadline is None:
            continue
        due = _x(bar.deadline)
        if due < finish and not bar.milestone:
            axes.barh(
                row,
                finish - max(due, start),
                left=max(due, start),
                height=0.62,
                facecolor="none",
                edgecolor=LATE,
                hatch="//",
                linewidth=1.5,
                zorder=2.5,
            )
        axes.plot([due], [row], marker="D", markersize=7, color="black", zorder=4, linestyle="")
    for row, bar in enumerate(drawn):  # the critical path outlined above any hatching
        if bar.critical and not bar.milestone:
            start, finish = _x(bar.start), _x(bar.finish)
            axes.barh(
                row,
                finish - start,
                left=start,
                height=0.62,
                facecolor="none",
                edgecolor=CRITICAL_EDGE,
                linewidth=2.2,
                zorder=3,
            )


def _contract_days(simulation: Simulation, steps: set[str] | None) -> dict[date, list[str]]:
    by_day: dict[date, list[str]] = {}
    for end, name in _contract_ends(simulation, steps):
        by_day.setdefault(end, []).append(name)
    return by_day


def _draw_contracts(axes: Axes, simulation: Simulation, steps: set[str] | None) -> None:
    """A dashed line at each contract end (named in the legend)."""
    for end in _contract_days(simulation, steps):
        axes.axvline(_x(end), color="#555555", linestyle="--", linewidth=1.2, zorder=1)


def _legend(drawn: list[Bar], simulation: Simulation, steps: set[str] | None) -> list[Artist]:
    from matplotlib.lines import Line2D  # noqa: PLC0415
    from matplotlib.patches import Patch  # noqa: PLC0415

    handles: list[Artist] = [
        Patch(color=WAVE_COLOURS[(w - 1) % len(WAVE_COLOURS)], label=f"wave {w}")
        for w in sorted({b.wave for b in drawn})
    ]
    handles += [
        Patch(facecolor="white", edgecolor=CRITICAL_EDGE, linewidth=2.2, label="critical path"),
        Patch(facecolor="white", edgecolor=LATE, hatch="//", label="after its deadline"),
        Line2D([], [], marker="D", color="black", linestyle="", label="deadline"),
    ]
    for end, names in sorted(_contract_days(simulation, steps).items() if simulation.start else ()):
        what = "a contract ends" if len(names) == 1 else f"{len(names):,} contracts end"
        handles.append(
            Line2D([], [], color="#555555", linestyle="--", label=f"{what} {end.isoformat()}")
        )
    return handles


def _x(value: date | float) -> float:
    """A position on the time axis: the day number of a date, else weeks of the work."""
    if isinstance(value, date):
        return float((value - EPOCH).days)
    return float(value)


_MERMAID_UNSAFE = re.compile(r"[^\w \-.,()/&+'→…]")


def _mermaid_text(text: str) -> str:
    """Only letters, digits, spaces and plain punctuation: Mermaid reads ``:``, ``;``,
    ``#`` and ``%%`` as syntax, and a backtick could close the Markdown fence."""
    spaced = "".join(" " if not c.isprintable() else c for c in text)  # a line break too
    return re.sub(r" +", " ", _MERMAID_UNSAFE.sub(" ", printable(spaced))).strip() or "step"


def gantt_mermaid(simulation: Simulation) -> str:
    """A Mermaid ``gantt`` block (fenced) of the scheduled steps, by wave; the critical
    path marked ``crit``; contract ends as milestones; empty when nothing is dated. Of a
    large plan, the steps the drawn chart keeps (``fitted``) and their contract ends, with
    a line after the block that says so."""
    if simulation.start is None:
        return ""
    everything = bars(simulation)
    if not everything:
        return ""
    drawn = fitted(everything, simulation, MOST_ROWS)
    steps = _steps_drawn(drawn, everything)
    lines = [
        "```mermaid",
        "gantt",
        f"    title {_mermaid_text(_title(simulation).replace(': ', ' - ', 1))}",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %Y-%m",
    ]
    for wave in sorted({b.wave for b in drawn}):
        lines.append(f"    section Wave {wave}")
        for index, bar in enumerate(drawn):
            if bar.wave != wave:
                continue
            if not isinstance(bar.start, date) or not isinstance(bar.finish, date):
                continue
            late = (
                isinstance(bar.deadline, date) and bar.deadline < bar.finish and not bar.milestone
            )
            tags = [t for t, on in (("crit", bar.critical), ("milestone", bar.milestone)) if on]
            # numbered: a label must not start with a word Mermaid reads as a keyword
            label = f"{index + 1}. " + _mermaid_text(
                _short(bar.label) + (" (late)" if late else "")
            )
            days = max((bar.finish - bar.start).days, 0)
            lines.append(
                f"    {label} :{', '.join([*tags, f't{index}'])}, {bar.start.isoformat()}, {days}d"
            )
    ends = _contract_ends(simulation, steps)
    if ends:
        lines.append("    section Contracts")
        for end, name in ends:
            label = "End of " + _mermaid_text(_short(name, 44))
            lines.append(f"    {label} :milestone, {end.isoformat()}, 0d")
    lines.append("```")
    if steps is not None:
        lines += [
            "",
            f"The chart shows {len(drawn):,} of {len(everything):,} steps: the critical path, "
            "then the earliest to start; the migration plan below lists every step.",
        ]
    stuck = len(simulation.plan.blocked)
    if stuck:
        lines += [
            "",
            f"{plural(stuck, 'more step')} {agreeing(stuck, 'is', 'are')} blocked, not in "
            "the chart until an alternative is found; the migration plan below lists "
            f"{agreeing(stuck, 'it', 'them')}.",
        ]
    return "\n".join(lines) + "\n"
