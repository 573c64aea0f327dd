"""What a board reads agrees with itself and with the plan it summarises: the headline, the
decisions, the due dates, the JSON figures and the variations (helper-83's review)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunCli
from tests.reliability.test_outputs import write_estate

ONE_STEP: list[dict[str, Any]] = [
    {"id": "a", "name": "A", "vendor": "v", "delivery": "saas"},
    {"id": "b", "name": "B", "vendor": "w", "delivery": "saas", "depends_on": ["a"]},
    {"id": "k", "name": "K", "vendor": "w", "delivery": "saas", "lifecycle": "candidate"},
]
"""A replaced by K, which needs nothing; B needs A (hard, at once unless changed)."""


def _estate(folder: Path, **changes: Any) -> Path:
    """``write_estate`` with ``ONE_STEP``, and the scenario's own keys from ``changes``
    (``mode``, ``withdraw``, ``capacity``)."""
    keys = ("mode", "withdraw", "capacity")
    scenario_keys = {key: changes.pop(key) for key in keys if key in changes}
    changes.setdefault("components", ONE_STEP)
    _, scenario = write_estate(folder, "Plain", **changes)
    data = json.loads(scenario.read_text(encoding="utf-8")) | scenario_keys
    scenario.write_text(json.dumps(data), encoding="utf-8")
    return scenario


def _json(run_cli: RunCli, scenario: Path) -> dict[str, Any]:
    result = run_cli("run", scenario, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _report(run_cli: RunCli, scenario: Path, target: Path) -> str:
    result = run_cli("report", scenario, "-o", target)
    assert result.exit_code == 0, result.stderr
    return " ".join(target.read_text(encoding="utf-8").split())


@pytest.mark.parametrize(("users", "said"), [(1, "1 user loses a service"), (2, "2 users lose")])
def test_the_users_who_lose_a_service_agree_in_number(
    run_cli: RunCli, tmp_path: Path, users: int, said: str
) -> None:
    """The headline said "1 user lose a service"."""
    services = [
        {"id": "s", "name": "S", "depends_on": ["b"],
         "consumers": [{"organisation": "o", "users": users}]},
    ]  # fmt: skip
    scenario = _estate(tmp_path, services=services)
    assert said in " ".join(run_cli("run", scenario).stdout.split())


@pytest.mark.parametrize(
    ("dependency", "source", "clock"),
    [
        ({"ref": "a", "strength": "soft", "onset": {"grace_days": 10}}, "degrades",
         "what it protects degrades"),
        ({"ref": "a", "onset": {"grace_days": 10}}, "breaks", "what it protects breaks"),
    ],
    ids=["degrades", "breaks"],
)  # fmt: skip
def test_a_late_step_says_whether_what_it_protects_breaks_or_degrades(
    run_cli: RunCli, tmp_path: Path, dependency: dict[str, Any], source: str, clock: str
) -> None:
    """A step due by the day a soft dependent degrades (nothing breaking by a known day)
    was said to finish after "what it protects breaks"; and a late step of a cut-off left
    the board with "None: nothing needs migrating" among the decisions."""
    components = [dict(c) for c in ONE_STEP]
    components[1]["depends_on"] = [dependency]
    scenario = _estate(tmp_path, components=components)
    data = _json(run_cli, scenario)
    (step,) = data["plan"]["steps"]
    assert (step["deadline_from"], step["deadline_days"], step["slack_days"]) == (source, 10, -32)
    assert f"1 step finishes 32 days after {clock} (replace-a)." in " ".join(
        run_cli("run", scenario).stdout.split()
    )
    report = _report(run_cli, scenario, tmp_path / "r.md")
    assert f"1 step finishes too late: A, 32 days after {clock}." in report
    assert (
        f"Decide how to bridge the 32 days by which the replacement of A finishes after "
        f"{clock}: a stand-by, a workaround, or accepting the gap." in report
    )
    assert "nothing needs migrating" not in report


@pytest.mark.parametrize(
    ("grace", "said"),
    [(365, "None beyond carrying out the plan"), (None, "None: nothing needs migrating")],
    ids=["a-step-on-time", "no-step"],
)
def test_no_decision_says_whether_there_is_a_plan(
    run_cli: RunCli, tmp_path: Path, grace: int | None, said: str
) -> None:
    """ "None: nothing needs migrating" stood beside a plan of one step."""
    components = [dict(c) for c in ONE_STEP]
    if grace is None:  # nothing needs A
        components[1]["depends_on"] = []
        services = [{"id": "s", "name": "S", "depends_on": ["k"]}]
    else:
        components[1]["depends_on"] = [{"ref": "a", "onset": {"grace_days": grace}}]
        services = [{"id": "s", "name": "S", "depends_on": ["b"]}]
    alternatives = [
        {"for": "a", "candidate": "k", "readiness": "R3", "effort_weeks": 4, "duration_weeks": 6}
    ]
    scenario = _estate(tmp_path, components=components, services=services,
                       alternatives=alternatives)  # fmt: skip
    report = _report(run_cli, scenario, tmp_path / "r.md")
    decisions = report.split("**Decisions for the board.**")[1].split("```")[0]
    assert decisions.strip().startswith(f"{said}")


def test_a_contract_that_ended_before_day_0_counts_as_ended_on_day_0(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """The loader says such a contract counts as ended on day 0; the plan counted the
    step late from the contract's end, 81 days before the decision, and asked the board
    to extend a contract that was over."""
    components = [dict(c) for c in ONE_STEP]
    components[0]["contract"] = {"end": "2025-12-01"}
    scenario = _estate(tmp_path, components=components, mode="exit")
    (step,) = _json(run_cli, scenario)["plan"]["steps"]
    assert (step["deadline_days"], step["slack_days"]) == (0, -42)
    shown = " ".join(run_cli("run", scenario).stdout.split())
    assert "1 step finishes 42 days after its contract ends (replace-a)." in shown
    assert (
        "The contract of A (a) ended 2025-12-01, before day 0, and counts as ended then: 1 "
        "step due by it, 1 late." in shown
    )
    report = _report(run_cli, scenario, tmp_path / "r.md")
    assert "| 2026-01-01 (its contract ended 2025-12-01) | 42 days late |" in report
    assert "Extend the contract of A (ended 2025-12-01)" in report


@pytest.mark.parametrize(
    ("costs", "expected"),
    [
        ({}, {"cost_per_year": None, "per_year_before": None, "per_year_after": None,
              "migration": None, "parallel": None}),
        ({"a": {"cost_per_year": 1000},
          "alternative": {"cost_per_year": 600, "migration_cost": 50, "parallel_months": 0}},
         {"cost_per_year": 600.0, "per_year_before": 1000.0, "per_year_after": 600.0,
          "migration": 50.0, "parallel": 0.0}),
    ],
    ids=["none-recorded", "recorded"],
)  # fmt: skip
def test_a_cost_recorded_nowhere_is_null_in_json_not_0(
    run_cli: RunCli, tmp_path: Path, costs: dict[str, dict[str, Any]], expected: dict[str, Any]
) -> None:
    """The JSON said 0.0 for running and one-off costs of which nothing is recorded, where
    the text says "unknown" (the README: never as 0)."""
    components = [dict(c) | costs.get(c["id"], {}) for c in ONE_STEP]
    alternatives = [
        {"for": "a", "candidate": "k", "readiness": "R3", "effort_weeks": 4,
         "duration_weeks": 6} | costs.get("alternative", {})
    ]  # fmt: skip
    scenario = _estate(tmp_path, components=components, alternatives=alternatives)
    data = _json(run_cli, scenario)
    plan, summary = data["plan"], data["summary"]
    found = {
        "cost_per_year": summary["cost_per_year"],
        "per_year_before": plan["costs"]["per_year_before"],
        "per_year_after": plan["costs"]["per_year_after"],
        "migration": plan["costs"]["migration"],
        "parallel": plan["costs"]["parallel"],
    }
    assert found == expected
    assert plan["cost_per_year"] == summary["cost_per_year"]


@pytest.mark.parametrize(("heads", "doubled"), [(10, False), (100, True), (None, True)])
def test_user_counts_doubled_stop_at_the_organisations_head_count(
    run_cli: RunCli, tmp_path: Path, heads: int | None, doubled: bool
) -> None:
    """Doubled, 51,700 users became 103,400, twice the organisations' people, and such
    rows filled the board's "Verify these first"."""
    organisation: dict[str, Any] = {"id": "o", "name": "O"}
    if heads is not None:
        organisation["users"] = heads
    services = [
        {"id": "s", "name": "S", "depends_on": ["b"],
         "consumers": [{"organisation": "o", "users": 10, "assumed": True}]},
    ]  # fmt: skip
    scenario = _estate(tmp_path, services=services, organisations=[organisation])
    result = run_cli("sensitivity", scenario, "--format", "json")
    assert result.exit_code == 0, result.stderr
    ranked = json.loads(result.stdout)["assumptions"]
    said = [
        (change["before"], change["after"])
        for item in ranked
        for variation in item["variations"]
        if variation["variation"] == "users doubled"
        for change in variation["changes"]
    ]
    assert said == ([(10, 20)] if doubled else [])


def test_a_scenario_that_withdraws_nothing_is_told_at_its_line(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """Selectors each known but together withdrawing nothing were told without the file,
    line and field."""
    vendors = [
        {"id": "v", "name": "V", "hq_country": "SE"},
        {"id": "w", "name": "W", "hq_country": "DE"},
        {"id": "u", "name": "U", "hq_country": "DE"},
    ]
    scenario = _estate(tmp_path, vendors=vendors, withdraw=["vendor:u"])
    result = run_cli("run", scenario)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"{scenario}:1: withdraw: vendor:u withdraws nothing in cut-off mode"
    )


def test_compare_tells_every_scenarios_problem_with_its_estate(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """Only the first scenario's problem with its estate was told."""
    vendors = [
        {"id": "v", "name": "V", "hq_country": "SE"},
        {"id": "w", "name": "W", "hq_country": "DE"},
        {"id": "u", "name": "U", "hq_country": "DE"},
    ]
    good = _estate(tmp_path / "good", vendors=vendors)
    unknown = _estate(tmp_path / "unknown", vendors=vendors, withdraw=["vendor:nobody"])
    empty = _estate(tmp_path / "empty", vendors=vendors, withdraw=["vendor:u"])
    result = run_cli("compare", good, unknown, empty)
    assert result.exit_code == 2
    told = result.stderr.splitlines()
    assert sorted(line.split(": ")[0] for line in told[:2]) == [f"{empty}:1", f"{unknown}:1"]
    assert told[-1] == "exitplan: 2 problems found; the scenarios were not loaded."


@pytest.mark.parametrize(
    ("capacity", "effort", "said"),
    [
        ({"parallel_steps": 1}, 4,
         "Within 1 step at a time; without that limit it would finish 2026-03-26."),
        ({"parallel_steps": 2}, 4, "Within 2 steps at a time, which does not hold it up."),
        ({"person_weeks_per_month": 0.1}, None,  # not "does not hold it up" alone (helper-88)
         "Within 0.1 person-weeks a month (2 steps with no effort recorded are not held to "
         "it), which does not hold it up."),
    ],
    ids=["holds-up", "holds-nothing-up", "holds-nothing-it-can"],
)  # fmt: skip
def test_a_limit_that_holds_nothing_up_is_said_so(
    run_cli: RunCli, tmp_path: Path, capacity: dict[str, Any], effort: int | None, said: str
) -> None:
    """ "Within 3 steps at a time; without that limit it would finish 2026-03-16" stood
    beside a plan that finishes 2026-03-16."""
    components = [*ONE_STEP, {"id": "c", "name": "C", "vendor": "v", "delivery": "saas"},
                  {"id": "k2", "name": "K2", "vendor": "w", "delivery": "saas",
                   "lifecycle": "candidate"}]  # fmt: skip
    components[1] = components[1] | {"depends_on": ["a", "c"]}
    alternatives = [
        {"for": incumbent, "candidate": candidate, "readiness": "R3", "duration_weeks": 12}
        | ({"effort_weeks": effort} if effort else {})
        for incumbent, candidate in (("a", "k"), ("c", "k2"))
    ]  # fmt: skip
    scenario = _estate(tmp_path, components=components, alternatives=alternatives,
                       capacity=capacity)  # fmt: skip
    assert said in " ".join(run_cli("run", scenario).stdout.split())


@pytest.mark.parametrize("duration", [6, None])
def test_a_step_without_a_duration_makes_the_finish_at_the_earliest(
    run_cli: RunCli, tmp_path: Path, duration: int | None
) -> None:
    """A move whose alternative records no ``duration_weeks`` was placed as taking no
    time and told as "critical path 0 weeks; it finishes 2026-01-01", its status blank
    (helper-86): the figures are the least they can be, and say so."""
    alternative: dict[str, Any] = {"for": "a", "candidate": "k", "readiness": "R3"}
    if duration is not None:
        alternative["duration_weeks"] = duration
    scenario = _estate(tmp_path, alternatives=[alternative])
    plan = _json(run_cli, scenario)["plan"]
    told = " ".join(run_cli("run", scenario).stdout.split())
    report = _report(run_cli, scenario, tmp_path / "r.md")
    if duration is not None:
        assert plan["duration_unknown"] == []
        assert "critical path 6 weeks; it finishes 2026-02-12." in told
        assert "no duration" not in told + report
        return
    assert plan["duration_unknown"] == ["replace-a"]
    assert plan["critical_path_weeks"] == 0
    assert (
        "critical path at least 0 weeks (1 step records no duration); it finishes 2026-01-01 "
        "at the earliest." in told
    )
    assert "no duration recorded" in told  # the step's status
    assert (
        "1 step records no duration (duration_weeks) and counts as taking none: replace-a" in told
    )
    assert "its critical path is at least 0 weeks (A)" in report
    assert "1 step records no duration (duration\\_weeks) and counts as taking none: A" in report
    assert "| no duration recorded |" in report


def test_a_service_that_degrades_before_it_breaks_shows_both_days(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """S needs B at once softly and, through C's grace of 30 days, hard: it degrades on
    day 0 and breaks on day 30. The terminal's table said "broken 2026-01-31 (day 30)"
    alone, and its components table has no services (helper-86)."""
    components = [
        *ONE_STEP,
        {"id": "c", "name": "C", "vendor": "w", "delivery": "saas",
         "depends_on": [{"ref": "a", "onset": {"grace_days": 30}}]},
    ]  # fmt: skip
    services = [
        {"id": "s", "name": "S", "consumers": [{"organisation": "o", "users": 10}],
         "depends_on": [{"ref": "b", "strength": "soft"}, "c"]},
    ]  # fmt: skip
    alternatives = [{"for": "a", "candidate": "k", "readiness": "R3", "duration_weeks": 1}]
    scenario = _estate(tmp_path, components=components, services=services,
                       alternatives=alternatives)  # fmt: skip
    (service,) = _json(run_cli, scenario)["services"]
    assert (service["state"], service["degrades_at_days"], service["fails_at_days"]) == (
        "broken",
        0,
        30,
    )
    told = run_cli("run", scenario, "--format", "markdown").stdout
    assert "| s | medium | broken | 2026-01-31 (day 30) | 2026-01-01 | 10 | c ← a |" in told


def test_a_scenario_with_many_unknown_ids_gives_hints_within_a_budget(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """300 mistyped ``exclude_candidates`` against 20,000 components took 120 s, each
    hint comparing with every id (helper-87). Here 130 against 1,000: the first hints
    spend the 100,000 comparisons, the rest are told without one, and every one is told."""
    components = [*ONE_STEP] + [
        {"id": f"c{i:04d}", "name": f"C{i}", "vendor": "w", "delivery": "saas"}
        for i in range(1_000)
    ]
    scenario = _estate(tmp_path, components=components)
    data = json.loads(scenario.read_text(encoding="utf-8"))
    data["exclude_candidates"] = [f"c{i:04d}x" for i in range(130)]
    scenario.write_text(json.dumps(data), encoding="utf-8")
    result = run_cli("run", scenario)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if "exclude_candidates[" in line]
    assert len(lines) == 130
    hinted = [line for line in lines if "did you mean" in line]
    assert 0 < len(hinted) <= 100
    assert hinted == lines[: len(hinted)]
    assert "; did you mean 'c0000'?" in lines[0]


@pytest.mark.parametrize("as_of", ["2026-01-01", None])
def test_an_undated_exit_does_not_call_its_steps_on_time(
    run_cli: RunCli, tmp_path: Path, as_of: str | None
) -> None:
    """With no day 0 a step's finish (a week of the work) cannot be set against its
    contract's end; the plan said "1 step due by it, none late", compare "0" and the
    report "no step runs late" (helper-88, helper-89)."""
    components = [dict(c) for c in ONE_STEP]
    components[0]["contract"] = {"end": "2026-03-01"}
    info = {"name": "plain", "title": "Plain"} | ({"as_of": as_of} if as_of else {})
    scenario = _estate(tmp_path, components=components, estate=info, mode="exit")
    told = " ".join(run_cli("run", scenario).stdout.split())
    compared = json.loads(run_cli("compare", scenario, "--format", "json").stdout)
    figures = " ".join(run_cli("sensitivity", scenario).stdout.split())
    report = _report(run_cli, scenario, tmp_path / "r.md")
    (counted,) = compared["scenarios"]
    if as_of:  # A finishes on day 42, before the contract ends on day 59
        assert "1 step due by it, none late" in told
        assert "17 days to spare" in told
        assert (counted["steps_late"], counted["steps_lateness_unknown"]) == (0, 0)
        assert "0 steps late." in figures
        assert "unknown" not in report.split("**The largest risks.**")[1].split("**Dec")[0]
        return
    assert "1 step due by it, lateness unknown" in told
    assert "unknown without a day 0" in told  # the step's status
    assert "none late" not in told + report
    assert (counted["steps_late"], counted["steps_lateness_unknown"]) == (0, 1)
    assert (
        "| steps after their deadline | unknown |"
        in run_cli("compare", scenario, "--format", "markdown").stdout
    )
    assert "0 steps late (1 more of unknown lateness)." in figures
    assert "no step runs late" not in report
    assert "Whether 1 step finishes before the contract it is due by ends is unknown" in report
