"""CSV output for spreadsheets: one row per thing, plain columns, no nesting."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from exitplan.render.rows import Section
from exitplan.simulate.result import Simulation, StepKind


def _write(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return buffer.getvalue()


def dump_simulation_csv(simulation: Simulation) -> str:
    """One row per component or service the withdrawal affects, with the alternative and
    plan step that concern it (empty where none does)."""
    replacements = {r.replaces: r for r in simulation.replacements}
    steps = {
        move.replaces: step
        for step in simulation.plan.steps
        if step.kind is StepKind.REPLACE
        for move in step.moves
    }
    users = {s.id: s.users for s in simulation.services}
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
                "; ".join(chosen.gaps) if chosen else "",
                step.id if step else "",
                step.wave if step else "",
                step.deadline if step else "",
                step.slack if step else "",
                ("yes" if step.blocked else "no") if step else "",
            )
        )
    return _write(
        (
            "id", "kind", "name", "state", "fails_at_days", "degrades_at_days",
            "at_renewal_date_unknown", "users", "because", "alternative_status", "candidate",
            "readiness", "gaps", "step", "wave", "deadline_days", "slack_days", "blocked",
        ),
        rows,
    )  # fmt: skip


def dump_section_csv(section: Section) -> str:
    return _write(section.headers, section.rows)
