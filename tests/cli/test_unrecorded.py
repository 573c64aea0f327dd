"""A figure nobody recorded is told as not recorded, in every output: never as 0 people,
and an effort that leaves out the blocked steps is "at least" (helper-62: an imported
ArchiMate model's report said "0 users lose a service" above a table of "none recorded";
"Effort 338 person-weeks" left out the 10 blocked steps)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import RunCli
from tests.reliability.test_outputs import ONE_BLOCKED, write_estate

NO_CONSUMERS = [{"id": "s", "name": "Service", "depends_on": ["b"]}]


@pytest.fixture
def unrecorded(tmp_path: Path) -> Path:
    """The small estate, its one service with no consumers; the vendor's component has
    an alternative, so the plan's one step has an effort."""
    _, scenario = write_estate(tmp_path, "Plain", services=NO_CONSUMERS)
    return scenario


@pytest.mark.parametrize(
    ("arguments", "told", "not_told"),
    [
        (("run",), "no users are recorded for the services broken", "0 users"),
        (("report", "-o", "{out}/r.md"), "| People who lose a service | none recorded |", "| 0 |"),
        (("compare",), "users who lose a service            none recorded", None),
        (("sensitivity",), "no users recorded for the services", "0 users"),
    ],
)
def test_users_no_service_records_are_not_told_as_0(
    run_cli: RunCli,
    unrecorded: Path,
    tmp_path: Path,
    arguments: tuple[str, ...],
    told: str,
    not_told: str | None,
) -> None:
    command, *rest = arguments
    result = run_cli(command, unrecorded, *(a.format(out=tmp_path) for a in rest))
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "r.md").read_text("utf-8") if command == "report" else result.stdout
    if command in ("run", "sensitivity"):
        text = " ".join(text.split())
    assert told in text
    if not_told:
        assert not_told not in text


def test_the_data_outputs_leave_unrecorded_users_empty(
    run_cli: RunCli, unrecorded: Path, tmp_path: Path
) -> None:
    data = json.loads(run_cli("run", unrecorded, "--format", "json").stdout)
    assert data["summary"]["users_recorded"] is False
    assert [s["users"] for s in data["services"]] == [None]
    rows = list(csv.DictReader(io.StringIO(run_cli("run", unrecorded, "--format", "csv").stdout)))
    assert [r["users"] for r in rows if r["kind"] == "service"] == [""]
    assert run_cli("run", unrecorded, "-o", tmp_path / "r.xlsx").exit_code == 0
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["users who lose a service"] == "none recorded"
    services = list(book["Services"].iter_rows(values_only=True))
    assert services[1][services[0].index("users")] is None
    estate = unrecorded.parent / "estate.json"
    register = json.loads(run_cli("register", estate, "--format", "json").stdout)
    by_id = {row["id"]: row for row in register["components"]}
    assert by_id["b"]["users"] is None  # reaches the service, which records no users


def test_recorded_users_are_still_counted(run_cli: RunCli, tmp_path: Path) -> None:
    _, scenario = write_estate(tmp_path, "Plain")
    data = json.loads(run_cli("run", scenario, "--format", "json").stdout)
    assert data["summary"]["users_recorded"] is True
    assert data["summary"]["users_broken"] == 10
    assert [s["users"] for s in data["services"]] == [10]
    assert "10 users lose a service" in " ".join(run_cli("run", scenario).stdout.split())


def test_an_effort_without_the_blocked_steps_is_at_least(run_cli: RunCli, tmp_path: Path) -> None:
    """Component c has no alternative: its step is blocked and has no effort yet."""
    _, scenario = write_estate(tmp_path, "Plain", components=ONE_BLOCKED)
    report = tmp_path / "r.md"
    assert run_cli("report", scenario, "-o", report).exit_code == 0
    assert (
        "Effort at least 4 person-weeks (none yet for the 1 blocked step, with nothing to "
        "move to)" in report.read_text("utf-8")
    )
    shown = run_cli("compare", scenario).stdout
    assert "effort (person-weeks)               ≥ 4" in shown
    data = json.loads(run_cli("run", scenario, "--format", "json").stdout)
    assert (data["summary"]["effort_weeks"], data["summary"]["effort_unknown"]) == (4.0, 1)


@pytest.mark.parametrize(("needs", "effort"), [([], "4"), (["n"], "≥ 4")])
def test_compare_says_an_effort_without_a_need_not_in_the_plan_is_at_least(
    run_cli: RunCli, tmp_path: Path, needs: list[str], effort: str
) -> None:
    """K needs N, which nothing runs and no step brings in: its effort is in no figure,
    as its cost is not (helper-79: the cost said "≥", the effort did not)."""
    components: list[dict[str, Any]] = [
        {"id": "a", "name": "A", "vendor": "v", "delivery": "saas"},
        {"id": "b", "name": "B", "vendor": "w", "delivery": "saas", "depends_on": ["a"]},
        {"id": "k", "name": "K", "vendor": "w", "delivery": "saas", "lifecycle": "candidate"},
        {"id": "n", "name": "N", "vendor": "w", "delivery": "saas", "lifecycle": "candidate"},
    ]
    components[2]["depends_on"] = needs
    _, scenario = write_estate(tmp_path, "Plain", components=components)
    shown = run_cli("compare", scenario).stdout
    assert re.search(rf"effort \(person-weeks\) +{effort}\n", shown), shown


def test_users_are_told_by_the_services_that_break(run_cli: RunCli, tmp_path: Path) -> None:
    """A broken service with nobody recorded beside a degraded one with 500 users said
    "0 users lose a service" above "none recorded" (helper-65)."""
    services = [
        {"id": "s", "name": "Broken", "depends_on": ["b"]},
        {"id": "d", "name": "Degraded", "depends_on": [{"ref": "b", "strength": "soft"}],
         "consumers": [{"organisation": "o", "users": 500}]},
    ]  # fmt: skip
    _, scenario = write_estate(tmp_path, "Plain", services=services)
    data = json.loads(run_cli("run", scenario, "--format", "json").stdout)
    assert data["summary"]["users_recorded"] is False
    assert "no users are recorded" in " ".join(run_cli("run", scenario).stdout.split())


@pytest.mark.parametrize("users", [500, None])
def test_nobody_loses_a_service_where_none_breaks(
    run_cli: RunCli, tmp_path: Path, users: int | None
) -> None:
    """A service only degraded, 500 users recorded for it, was told as "no users are
    recorded for the services affected" and ``users_recorded: false`` (helper-86): where
    no service breaks, nobody loses one, whoever uses the services."""
    consumers = [{"organisation": "o", "users": users}] if users else []
    services = [{"id": "d", "name": "Degraded", "consumers": consumers,
                 "depends_on": [{"ref": "b", "strength": "soft"}]}]  # fmt: skip
    _, scenario = write_estate(tmp_path, "Plain", services=services)
    data = json.loads(run_cli("run", scenario, "--format", "json").stdout)
    summary = data["summary"]
    assert (summary["users_recorded"], summary["users_broken"]) == (True, 0)
    assert summary["users_affected"] == (users or 0)
    told = " ".join(run_cli("run", scenario).stdout.split())
    assert "0 services broken and 1 degraded; no user loses a service." in told
    assert "no users are recorded" not in told
    assert re.search(r"users who lose a service +0\n", run_cli("compare", scenario).stdout)


def test_the_blocked_steps_in_the_effort_are_those_with_nothing_to_move_to(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """x has no alternative; y's and z's candidates need x softly, so their steps wait
    for x's and are blocked too, with a candidate each: y's records its effort, z's none.
    The sentence named 4 steps of 3, where JSON says 2 lack an effort (helper-65)."""
    components = [
        {"id": i, "name": i.upper(), "vendor": "v", "delivery": "saas", "capabilities": [f"c{i}"]}
        for i in "xyz"
    ] + [
        {"id": f"n{i}", "name": f"N{i}", "vendor": "w", "delivery": "saas",
         "lifecycle": "candidate", "capabilities": [f"c{i}"],
         "depends_on": [{"ref": "x", "strength": "soft"}]}
        for i in "yz"
    ]  # fmt: skip
    write_estate(
        tmp_path,
        "Plain",
        components=components,
        services=[{"id": "s", "name": "S", "depends_on": ["x", "y", "z"]}],
        capabilities=[{"id": f"c{i}", "name": f"C{i}"} for i in "xyz"],
        alternatives=[
            {"for": "y", "candidate": "ny", "readiness": "R3", "effort_weeks": 5},
            {"for": "z", "candidate": "nz", "readiness": "R3"},
        ],
    )
    scenario = tmp_path / "exit.json"
    scenario.write_text(
        json.dumps(
            {"id": "e", "title": "E", "estate": "estate.json", "withdraw": ["vendor:v"],
             "mode": "exit"}
        ),
        encoding="utf-8",
    )  # fmt: skip
    report = tmp_path / "r.md"
    assert run_cli("report", scenario, "-o", report).exit_code == 0
    assert (
        "Effort at least 5 person-weeks (not recorded for 1 step; none yet for the 1 blocked "
        "step, with nothing to move to)" in report.read_text("utf-8")
    )
    data = json.loads(run_cli("run", scenario, "--format", "json").stdout)
    assert data["summary"]["effort_unknown"] == 2
