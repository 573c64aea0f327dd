"""A retired component that what is in use needs is taken as running, by every command
alike: the simulation breaks a critical service through it, so the register, the policy
check, the estate diagram and the explorer must count it in use too (helper-55 found
them deciding by its lifecycle alone, and contradicting the simulation)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import RunCli

ESTATE = {
    "estate": {"name": "taken", "as_of": "2026-01-01"},
    "vendors": [
        {"id": "acme", "name": "Acme", "hq_country": "US"},
        {"id": "city", "name": "City IT", "hq_country": "SE"},
    ],
    "components": [
        {"id": "app", "name": "App", "vendor": "city", "delivery": "self_hosted",
         "depends_on": ["old-db"]},
        {"id": "old-db", "name": "Old DB", "vendor": "acme", "delivery": "saas",
         "lifecycle": "retired"},
        {"id": "spare", "name": "Spare", "vendor": "acme", "delivery": "saas",
         "lifecycle": "retired"},
    ],
    "services": [
        {"id": "svc", "name": "Svc", "criticality": "critical", "depends_on": ["app"],
         "consumers": [{"organisation": "o", "users": 10}]},
    ],
    "organisations": [{"id": "o", "name": "O"}],
}  # fmt: skip
"""``old-db`` is retired but ``app`` needs it; ``spare`` is retired and nothing needs it."""


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    (tmp_path / "estate.json").write_text(json.dumps(ESTATE), encoding="utf-8")
    return tmp_path / "estate.json"


def test_validate_counts_it_in_use(estate: Path, run_cli: RunCli) -> None:
    result = run_cli("validate", estate)
    assert result.exit_code == 0, result.stderr
    assert "components           3  (1 in use and 1 taken as running, 0 candidates, 1 retired)" in (
        result.stdout
    )
    assert "'old-db' is retired, yet 'app' needs it" in result.stderr


def test_the_register_has_a_row_for_it(estate: Path, run_cli: RunCli) -> None:
    result = run_cli("register", estate)
    assert result.exit_code == 0, result.stderr
    rows = [line.split(",")[0] for line in result.stdout.splitlines()[1:]]
    assert rows == ["app", "old-db"]


def test_the_policy_check_counts_it(estate: Path, run_cli: RunCli) -> None:
    result = run_cli("check", estate, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    findings = json.loads(result.stdout)["findings"]
    exits = sorted(f["subject"] for f in findings if f["rule"] == "exit-readiness")
    assert exits == ["app", "old-db"]
    (acme,) = [f for f in findings if f["rule"] == "concentration" and f["subject"] == "acme"]
    assert "Hubs: Old DB (1 of 1 service)" in acme["explanation"]


def test_a_cut_off_takes_it_away(estate: Path, run_cli: RunCli) -> None:
    result = run_cli("simulate", estate, "-w", "vendor:acme")
    assert result.exit_code == 0, result.stderr
    assert "1 component or service withdrawn; 1 service broken" in result.stdout


def test_a_cut_off_that_takes_nothing_away_hints_at_an_exit(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """A retired library that the app needs, from a vendor that neither operates nor
    licenses anything here: an exit takes it away, and the hint says to try one (it said
    an exit would take nothing away, as what the vendor provides is retired)."""
    estate = json.loads(json.dumps(ESTATE))
    estate["vendors"].append({"id": "lic", "name": "Lic Corp", "hq_country": "US"})
    estate["components"].append(
        {"id": "old-lib", "name": "Old Lib", "vendor": "lic", "delivery": "self_hosted",
         "lifecycle": "retired"}
    )  # fmt: skip
    estate["components"][0]["depends_on"].append("old-lib")
    (tmp_path / "estate.json").write_text(json.dumps(estate), encoding="utf-8")
    result = run_cli("simulate", tmp_path / "estate.json", "-w", "vendor:lic")
    assert result.exit_code == 2
    assert (  # and, as it licenses old-lib with no licence recorded, what to record
        "(try --mode exit); old-lib records no licence" in result.stderr
    ), result.stderr


def test_the_estate_diagram_draws_it(estate: Path, run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("diagram", estate, "--view", "estate", "-o", tmp_path / "estate.dot")
    assert result.exit_code == 0, result.stderr
    drawn = (tmp_path / "estate.dot").read_text(encoding="utf-8")
    assert '"old-db"' in drawn
    assert '"spare"' not in drawn


def test_the_explorer_offers_it_and_draws_it_in_use(
    estate: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    result = run_cli("explore", estate, "-o", tmp_path / "estate.html")
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "estate.html").read_text(encoding="utf-8")
    assert '"component:old-db"' in page
    assert '"component:spare"' not in page
    assert '["old-db","Old DB","component"' in page.replace(", ", ",")
    assert '["spare","Spare","retired"' in page.replace(", ", ",")
