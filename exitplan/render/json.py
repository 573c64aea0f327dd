"""JSON output: stable key order, no timestamps, byte-identical for the same input."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, fields
from datetime import date
from typing import Any

import orjson

from exitplan.errors import INVISIBLE
from exitplan.graph.describe import EstateDescription, Neighbour, NodeDescription
from exitplan.graph.port import GraphEdge, GraphNode, LoadSummary
from exitplan.model import EstateInfo
from exitplan.simulate.policy import CheckResult, Finding, Severity
from exitplan.simulate.register import RegisterRow
from exitplan.simulate.result import (
    Affected,
    CandidateAssessment,
    ContractTerm,
    Replacement,
    ServiceImpact,
    Simulation,
    Step,
    StepKind,
    Summary,
    summarise,
)
from exitplan.simulate.schedule import WEEK_DECIMALS
from exitplan.simulate.sensitivity import Analysis, Change
from exitplan.simulate.why import Chain

_INVISIBLE = re.compile(
    "[" + "".join(re.escape(chr(code)) for code in sorted(INVISIBLE) if 0x20 <= code < 0xFFFE) + "]"
)
"""What JSON may carry raw but a terminal or a reader would act on (``printable``'s
characters: DEL, C1 controls, the zero-width joiner and space, the word joiner, a byte
order mark, direction marks and overrides, the line and paragraph separators); C0
controls are escaped by ``json`` itself, and the two noncharacters no estate holds, and
the tag characters a terminal draws as nothing, are left. Only strings can hold them."""


def _finite(value: Any) -> Any:
    """``value`` with every infinite or NaN float replaced by ``None``."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


_SHAPE = bytes(b if b in b"0e-." else 0x31 if 0x31 <= b <= 0x39 else 0x20 for b in range(256))
"""Each byte as its shape: ``0``, ``e``, ``-`` and ``.`` as they are, other digits ``1``,
everything else a space; so that the bytes ``_WRITTEN_OTHERWISE`` would match are found
with a plain search, at C speed, instead of a regular expression over the whole output."""
_WRITTEN_OTHERWISE = (b"e-0", b"e-1", b"0.0000")
"""Where orjson's text may differ from the json module's: floats below 1e-4, which orjson
writes as ``0.00001`` or ``2.5e-7`` and Python as ``1e-05`` and ``2.5e-07``. Everything
else it writes byte for byte as ``json.dumps`` does with the options below (the property
tests hold it to that). A match in a string only costs the slow path."""
_MAY_BE_INVISIBLE = (b"\x7f", b"\xc2", b"\xd8\x9c", b"\xe2\x80", b"\xe2\x81", b"\xef\xbb\xbf")
"""The UTF-8 bytes that every ``_INVISIBLE`` character starts with."""


def _json_module(payload: Mapping[str, Any]) -> str:
    try:
        return json.dumps(payload, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError:  # only when a float is not finite
        return json.dumps(
            _finite(payload), sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False
        )


def _orjson_bytes(payload: Mapping[str, Any]) -> bytes | None:
    """The UTF-8 of the text ``_json_module`` would write, twenty times faster; ``None``
    where orjson cannot promise that (integers beyond 64 bits, keys that are not text,
    tiny floats)."""
    try:
        written = orjson.dumps(payload, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):
        return None
    shapes = written.translate(_SHAPE)
    if any(shape in shapes for shape in _WRITTEN_OTHERWISE):
        return None
    return written


def _weeks(value: float | None) -> float | None:
    """Weeks to a millionth, as the plan counts its days (``schedule.WEEK_DECIMALS``)."""
    return None if value is None else round(value, WEEK_DECIMALS)


def _escape_invisible(text: str) -> str:
    return _INVISIBLE.sub(lambda match: f"\\u{ord(match.group(0)):04x}", text)


def dump_json(payload: Mapping[str, Any]) -> str:
    """Sorted keys, two-space indent, UTF-8 text kept as it is, one trailing newline.

    Always valid JSON: a figure too large to be a number (a sum of costs or weeks that
    overflows to infinity) is ``null``, never ``Infinity`` or ``NaN``; DEL, C1 controls
    and direction overrides are written as ``\\u`` escapes (the same text once parsed),
    so the output is safe to print on a terminal.
    """
    written = _orjson_bytes(payload)
    if written is None:
        return _escape_invisible(_json_module(payload)) + "\n"
    text = written.decode("utf-8")
    if any(start in written for start in _MAY_BE_INVISIBLE):
        text = _escape_invisible(text)
    return text + "\n"


def _properties(properties: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: list(value) if isinstance(value, tuple) else value for key, value in properties.items()
    }


def node_json(node: GraphNode) -> dict[str, Any]:
    return {"id": node.id, "kind": node.label.kind, "properties": _properties(node.properties)}


def edge_json(edge: GraphEdge) -> dict[str, Any]:
    return {
        "source": edge.source,
        "target": edge.target,
        "type": edge.type.value,
        "properties": _properties(edge.properties),
    }


def _neighbour_json(neighbour: Neighbour) -> dict[str, Any]:
    return {
        "id": neighbour.node.id,
        "kind": neighbour.node.label.kind,
        "name": neighbour.node.name,
        "properties": _properties(neighbour.edge.properties),
    }


def info_json(info: EstateInfo) -> dict[str, Any]:
    return info.model_dump(mode="json", exclude_none=True)


def counts_json(summary: LoadSummary) -> dict[str, Any]:
    return {
        "nodes": {label.kind: count for label, count in summary.nodes.items()},
        "relationships": {rel.value: count for rel, count in summary.relationships.items()},
    }


def dump_node_json(description: NodeDescription) -> str:
    payload: dict[str, Any] = {
        "schema": "exitplan/show/v1",
        "estate": description.estate.name,
        "node": node_json(description.node),
    }
    for section, neighbours in description.sections.items():
        payload[section] = [_neighbour_json(neighbour) for neighbour in neighbours]
    return dump_json(payload)


def dump_estate_json(description: EstateDescription) -> str:
    return dump_json(
        {
            "schema": "exitplan/show/v1",
            "estate": description.estate.name,
            "info": info_json(description.estate),
            "counts": counts_json(description.summary),
            "nodes": [node_json(node) for node in description.nodes],
            "edges": [edge_json(edge) for edge in description.edges],
        }
    )


# --- simulations --------------------------------------------------------------------------


def _iso(when: date | None) -> str | None:
    return when.isoformat() if when else None


def _affected_json(affected: Affected, simulation: Simulation) -> dict[str, Any]:
    return {
        "id": affected.id,
        "kind": affected.kind,
        "name": affected.name,
        "state": affected.state.value,
        "fails_at_days": affected.fails_at,
        "fails_on": _iso(simulation.date_of(affected.fails_at)),
        "degrades_at_days": affected.degrades_at,
        "degrades_on": _iso(simulation.date_of(affected.degrades_at)),
        "at_renewal_date_unknown": affected.undated,
        "because": list(affected.because),
    }


def _service_json(service: ServiceImpact, simulation: Simulation) -> dict[str, Any]:
    described = _affected_json(service.impact, simulation)
    del described["kind"]
    return {
        **described,
        "criticality": service.criticality,
        "users": service.users_recorded,
        "consumers": [
            {"organisation": c.organisation, "name": c.name, "users": c.users, "assumed": c.assumed}
            for c in service.consumers
        ],
    }


def _candidate_json(candidate: CandidateAssessment) -> dict[str, Any]:
    return {
        "candidate": candidate.candidate,
        "name": candidate.name,
        "readiness": candidate.readiness,
        "viable": candidate.viable,
        "not_viable_because": candidate.reason,
        "gaps": list(candidate.gaps),
        "effort_weeks": candidate.effort_weeks,
        "duration_weeks": candidate.duration_weeks,
        "cost_per_year": candidate.cost_per_year,
        "preferred": candidate.preferred,
        "migration_cost": candidate.migration_cost,
        "parallel_months": candidate.parallel_months,
    }


def _replacement_json(replacement: Replacement) -> dict[str, Any]:
    chosen = replacement.chosen
    return {
        "for": replacement.replaces,
        "name": replacement.name,
        "status": replacement.status.value,
        "candidate": chosen.candidate if chosen else None,
        "readiness": chosen.readiness if chosen else None,
        "gaps": list(chosen.gaps) if chosen else [],
        "uses": list(replacement.uses),
        "note": replacement.note,
        "candidates": [_candidate_json(c) for c in replacement.candidates],
    }


def _contract_json(term: ContractTerm | None) -> dict[str, Any] | None:
    if term is None:
        return None
    return {
        "component": term.component,
        "name": term.name,
        "end": term.end.isoformat(),
        "notice_by": _iso(term.notice_by),
        "renewals": term.renewals,
        "termination_fee": term.termination_fee,
    }


def _step_json(step: Step, simulation: Simulation) -> dict[str, Any]:
    return {
        "id": step.id,
        "kind": step.kind.value,
        "replaces": step.replaces,
        "candidate": step.candidate if step.kind is StepKind.REPLACE else None,
        "moves": [{"replaces": m.replaces, "candidate": m.candidate} for m in step.moves],
        "wave": step.wave,
        "after": list(step.after),
        "duration_weeks": step.duration_weeks,
        "start_week": _weeks(step.start_week),
        "finish_week": _weeks(step.finish_week),
        "start_day": step.start_day,
        "start_date": _iso(simulation.date_of(step.start_day)),
        "finish_day": step.finish_day,
        "finish_date": _iso(simulation.date_of(step.finish_day)),
        "deadline_days": step.deadline,
        "deadline_date": _iso(simulation.date_of(step.deadline)),
        "deadline_from": step.deadline_from.value,
        "contract": _contract_json(step.contract),
        "contracts": [_contract_json(term) for term in step.contracts],
        "slack_days": step.slack,
        "due_for_next_days": step.due_for_next,
        "due_for_next_date": _iso(simulation.date_of(step.due_for_next)),
        "holds_up_days": step.holds_up,
        "too_late_for_next": step.too_late_for_next,
        "cannot_be_made": step.cannot_be_made,
        "blocked": step.blocked,
        "blocked_by": list(step.blocked_by),
        "effort_weeks": _weeks(step.effort_weeks),
        "migration_cost": step.migration_cost,
        "parallel_cost": step.parallel_cost,
        "needs_brought_in": [
            {
                "options": list(n.options),
                "candidate": n.candidate,
                "through": n.through[0] if n.through else None,
            }
            for n in step.needs_brought_in
        ],
        "needs_first": [
            {"candidate": n.candidate, "node": n.node, "step": n.step} for n in step.needs_first
        ],
    }


def recorded(total: float, unknown: int) -> float | None:
    """A sum of recorded figures, or ``None`` where none is recorded and some part is not:
    unknown, as the text says, never 0."""
    return None if not total and unknown else total


def summary_json(summary: Summary) -> dict[str, Any]:
    """The headline figures, a sum of which nothing is recorded as ``None``."""
    return asdict(summary) | {
        "critical_path_weeks": _weeks(summary.critical_path_weeks),
        "finish_weeks": _weeks(summary.finish_weeks),
        "effort_weeks": _weeks(recorded(summary.effort_weeks, summary.effort_unknown)),
        "cost_per_year": recorded(summary.cost_per_year, summary.cost_per_year_unknown),
    }


def _plan_json(simulation: Simulation, summary: Summary) -> dict[str, Any]:
    plan = simulation.plan
    costs = plan.costs
    capacity = plan.capacity
    return {
        "steps": [_step_json(step, simulation) for step in plan.steps],
        "contracts": [_contract_json(term) for term in plan.contracts],
        "waves": plan.waves,
        "critical_path_weeks": _weeks(plan.critical_path_weeks),
        "critical_path": list(plan.critical_path),
        "duration_unknown": list(plan.duration_unknown),
        "effort_weeks": _weeks(recorded(plan.effort_weeks, summary.effort_unknown)),
        "cost_per_year": recorded(plan.cost_per_year, summary.cost_per_year_unknown),
        "work_starts_day": plan.work_starts_day,
        "work_starts": _iso(simulation.date_of(plan.work_starts_day)),
        "capacity": {
            "parallel_steps": capacity.parallel_steps,
            "person_weeks_per_month": capacity.person_weeks_per_month,
        }
        if capacity
        else None,
        "finish_weeks": _weeks(plan.finish),
        "finish_day": plan.finish_day,
        "finish_date": _iso(simulation.date_of(plan.finish_day)),
        "finish_day_without_capacity": plan.finish_day_without_capacity,
        "finish_date_without_capacity": _iso(simulation.date_of(plan.finish_day_without_capacity)),
        "costs": {
            "per_year_before": recorded(costs.per_year_before, costs.per_year_before_unknown),
            "per_year_before_unknown": costs.per_year_before_unknown,
            "per_year_after": recorded(costs.per_year_after, costs.per_year_after_unknown),
            "per_year_after_unknown": costs.per_year_after_unknown,
            "one_off": summary.one_off_cost,
            "migration": recorded(costs.migration, len(costs.one_off_unknown)),
            "parallel": recorded(costs.parallel, len(costs.one_off_unknown)),
            "termination": recorded(costs.termination, len(costs.termination_unknown)),
            "one_off_unknown": list(costs.one_off_unknown),
            "termination_unknown": list(costs.termination_unknown),
        },
    }


def simulation_json(simulation: Simulation) -> dict[str, Any]:
    summary = summarise(simulation)
    scenario = (
        {"id": simulation.scenario_id, "title": simulation.scenario_title}
        if simulation.scenario_id
        else None
    )
    return {
        "schema": "exitplan/simulate/v1",
        "estate": simulation.estate,
        "estate_as_of": simulation.as_of.isoformat() if simulation.as_of else None,
        "scenario": scenario,
        "selectors": list(simulation.selectors),
        "mode": simulation.mode,
        "start": simulation.start.isoformat() if simulation.start else None,
        "horizon_days": simulation.horizon,
        "currency": simulation.currency,
        "vendors": list(simulation.vendors),
        "withdrawn": list(simulation.withdrawn),
        "affected": [_affected_json(a, simulation) for a in simulation.affected],
        "services": [_service_json(s, simulation) for s in simulation.services],
        "alternatives": [_replacement_json(r) for r in simulation.replacements],
        "not_needed": list(simulation.not_needed),
        "held_back": [
            {"id": held.id, "name": held.name, "holds_back": list(held.holds_back)}
            for held in simulation.held_back
        ],
        "plan": _plan_json(simulation, summary),
        "summary": summary_json(summary),
        **({"legal": asdict(simulation.legal)} if simulation.legal is not None else {}),
        "licences": [
            {
                "id": item.id,
                "licence": item.licence,
                "vendors": list(item.vendors),
                "effect": item.effect,
                "day": item.day,
                "date": _iso(simulation.date_of(item.day)),
                "end": item.end.isoformat() if item.end else None,
                "grace_days": item.grace_days,
            }
            for item in simulation.licences
        ],
    }


def dump_simulation_json(simulation: Simulation) -> str:
    return dump_json(simulation_json(simulation))


def dump_why_json(
    simulation: Simulation, node_id: str, found: Sequence[Chain], truncated: bool
) -> str:
    affected = next((a for a in simulation.affected if a.id == node_id), None)
    return dump_json(
        {
            "schema": "exitplan/why/v1",
            "estate": simulation.estate,
            "selectors": list(simulation.selectors),
            "mode": simulation.mode,
            "start": simulation.start.isoformat() if simulation.start else None,
            "node": node_id,
            "state": affected.state.value if affected else None,
            "fails_at_days": affected.fails_at if affected else None,
            "fails_on": _iso(simulation.date_of(affected.fails_at)) if affected else None,
            "degrades_at_days": affected.degrades_at if affected else None,
            "degrades_on": _iso(simulation.date_of(affected.degrades_at)) if affected else None,
            "chains": [
                {
                    "nodes": list(chain.nodes),
                    "links": [
                        {
                            "from": link.source,
                            "to": link.target,
                            "strength": "hard" if link.hard else "soft",
                            "onset_days": link.onset_days,
                            "at_renewal": link.at_renewal,
                            "group": link.group,
                        }
                        for link in chain.links
                    ],
                    "effect": chain.effect,
                    "day": int(chain.day) if chain.dated else None,
                    "date": _iso(simulation.date_of(int(chain.day))) if chain.dated else None,
                    "at_renewal_date_unknown": not chain.dated,
                    "redundant_groups": list(chain.groups),
                }
                for chain in found
            ],
            "truncated": truncated,
        }
    )


def dump_compare_json(simulations: Sequence[Simulation]) -> str:
    return dump_json(
        {
            "schema": "exitplan/compare/v1",
            "scenarios": [
                {
                    "id": s.scenario_id,
                    "title": s.scenario_title,
                    "estate": s.estate,
                    "selectors": list(s.selectors),
                    "mode": s.mode,
                    "start": s.start.isoformat() if s.start else None,
                    "work_starts": _iso(s.date_of(s.plan.work_starts_day)),
                    "horizon_days": s.horizon,
                    "capacity": asdict(s.plan.capacity) if s.plan.capacity else None,
                    "steps_late": len(s.plan.late),
                    "steps_lateness_unknown": len(s.plan.lateness_unknown),
                    "summary": summary_json(summarise(s)),
                }
                for s in simulations
            ],
        }
    )


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "subject": finding.subject,
        "name": finding.name,
        "explanation": finding.explanation,
        "resolution": finding.resolution,
        "facts": dict(finding.facts),
        "provisions": list(finding.provisions),
    }


def check_json(result: CheckResult) -> dict[str, Any]:
    return {
        "schema": "exitplan/check/v1",
        "estate": result.estate,
        "as_of": result.as_of.isoformat() if result.as_of else None,
        "rules": list(result.rules),
        "legal_profile": result.profile.value,
        "counts": {severity.value: result.count(severity) for severity in Severity},
        "findings": [finding_json(f) for f in result.findings],
    }


def dump_check_json(result: CheckResult) -> str:
    return dump_json(check_json(result))


_REGISTER_FIELDS = tuple(field.name for field in fields(RegisterRow))
"""A row's fields, read as they are: each holds text, numbers or tuples of text, which
``asdict`` would copy one by one (seconds for the rows of a large estate)."""


def register_json(estate: str, rows: Sequence[RegisterRow]) -> dict[str, Any]:
    return {
        "schema": "exitplan/register/v1",
        "estate": estate,
        "components": [
            {
                **{name: getattr(row, name) for name in _REGISTER_FIELDS},
                "substitutability_text": row.substitutability_text,
            }
            for row in rows
        ],
    }


def dump_register_json(estate: str, rows: Sequence[RegisterRow]) -> str:
    return dump_json(register_json(estate, rows))


def _change_json(change: Change) -> dict[str, Any]:
    """A figure's change; weeks to a millionth, as the plan gives them."""
    if change.figure != "critical path weeks":
        return asdict(change)
    return asdict(change) | {"before": _weeks(change.before), "after": _weeks(change.after)}


def sensitivity_json(analysis: Analysis, top: int | None = None) -> dict[str, Any]:
    ranked = analysis.ranked if top is None else analysis.ranked[:top]
    return {
        "headline": asdict(analysis.headline)
        | {"critical_path_weeks": _weeks(analysis.headline.critical_path_weeks)},
        "unchanged": analysis.unchanged,
        "not_varied": analysis.not_varied,
        "simulations": analysis.simulations,
        "beyond_limit": analysis.beyond_limit,
        "limit": analysis.limit,
        "assumptions": [
            {
                "rank": rank,
                "kind": s.assumption.kind,
                "subject": s.assumption.subject,
                "what": s.assumption.what,
                "note": s.assumption.note,
                "origin": s.assumption.origin,
                "variation": s.variation.what,
                "changes": [_change_json(change) for change in s.variation.changes],
                "variations": [
                    {"variation": v.what, "changes": [_change_json(c) for c in v.changes]}
                    for v in s.variations
                ],
                "chain": list(s.chain),
            }
            for rank, s in enumerate(ranked, start=1)
        ],
    }


def dump_sensitivity_json(analysis: Analysis, scenario: str, top: int | None = None) -> str:
    return dump_json(
        {
            "schema": "exitplan/sensitivity/v1",
            "scenario": scenario,
            **sensitivity_json(analysis, top),
        }
    )
