"""Licences in a withdrawal (DESIGN.md §4): what losing a vendor does to software by how it
is delivered, who runs it and how it is licensed, in both modes. One row per case; each
builds a one-component estate with a service on top, withdraws the vendor and reads the
component's and the service's days."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from exitplan.errors import UsageError
from exitplan.graph import EmbeddedGraph
from exitplan.loading import load_estate
from exitplan.render.rows import headline, licences
from exitplan.select import Mode
from exitplan.simulate import Options, simulate
from tests.conftest import WriteFiles

AS_OF = "2026-01-01"
CONTRACT_END = "2026-04-11"  # day 100
SUPPORT_END = "2026-07-20"  # day 200


@dataclass(frozen=True)
class Case:
    id: str
    delivery: str
    licence: str | None
    operated_by_city: bool
    mode: Mode
    expected: tuple[str | None, int | None, int | None]
    """The component's state, failure day and degradation day (``None``: never, or at a
    renewal of unknown date when the state says so)."""
    contract_end: str | None = CONTRACT_END
    grace_days: int | None = None
    support_end: str | None = None
    says: str | None = None
    """A phrase the simulate headline must contain."""


CASES = [
    # SaaS and platforms: the vendor runs them, so they go at once in either mode
    Case("saas-cut-off", "saas", None, False, Mode.CUT_OFF, ("withdrawn", 0, 0)),
    Case("saas-exit", "saas", None, False, Mode.EXIT, ("withdrawn", 0, 0)),
    Case(
        "paas-subscription-cut-off",
        "paas",
        "subscription",
        False,
        Mode.CUT_OFF,
        ("withdrawn", 0, 0),
    ),
    Case(  # infrastructure the vendor runs goes at once, even named licensor alone (helper-92)
        "iaas-subscription-licensor-alone-cut-off",
        "iaas",
        "subscription",
        False,
        Mode.CUT_OFF,
        ("withdrawn", 0, 0),
    ),
    # self-hosted under a subscription: runs until the contract ends (plus grace)
    Case(
        "self-hosted-subscription-cut-off",
        "self_hosted",
        "subscription",
        True,
        Mode.CUT_OFF,
        ("withdrawn", 100, 100),
        says="from Vendor ends: app at its contract end 2026-04-11, day 100",
    ),
    Case(
        "self-hosted-subscription-with-grace",
        "self_hosted",
        "subscription",
        True,
        Mode.CUT_OFF,
        ("withdrawn", 130, 130),
        grace_days=30,
        says="contract end 2026-04-11 plus 30 days' licence-check grace, day 130",
    ),
    Case(
        "self-hosted-subscription-no-operator-named",
        "self_hosted",
        "subscription",
        False,
        Mode.CUT_OFF,
        ("withdrawn", 100, 100),
    ),
    Case(
        "self-hosted-subscription-unknown-end",
        "self_hosted",
        "subscription",
        True,
        Mode.CUT_OFF,
        ("withdrawn", None, None),
        contract_end=None,
        says="app at the next renewal, date unknown",
    ),
    Case(
        "self-hosted-subscription-contract-already-ended",
        "self_hosted",
        "subscription",
        True,
        Mode.CUT_OFF,
        ("withdrawn", 0, 0),
        contract_end="2025-06-30",
        says="app at day 0 (its contract end 2025-06-30 has passed), day 0",
    ),
    Case(  # the grace runs from day 0: not "2025-06-30 plus 30 days, day 30"
        "self-hosted-subscription-contract-ended-with-grace",
        "self_hosted",
        "subscription",
        True,
        Mode.CUT_OFF,
        ("withdrawn", 30, 30),
        contract_end="2025-06-30",
        grace_days=30,
        says="app after 30 days' licence-check grace from day 0 (its contract end 2025-06-30 "
        "has passed), day 30",
    ),
    Case(
        "saas-run-by-someone-else-is-a-subscription",
        "saas",
        "subscription",
        True,
        Mode.CUT_OFF,
        ("withdrawn", 100, 100),
    ),
    Case(
        "self-hosted-subscription-exit",
        "self_hosted",
        "subscription",
        True,
        Mode.EXIT,
        ("withdrawn", 0, 0),
    ),
    # perpetual: keeps running, degraded once support ends (when known)
    Case(
        "self-hosted-perpetual-support-end",
        "self_hosted",
        "perpetual",
        True,
        Mode.CUT_OFF,
        ("degraded", None, 200),
        support_end=SUPPORT_END,
        says="app without updates from its end of support 2026-07-20",
    ),
    Case(
        "self-hosted-perpetual-support-ended",
        "self_hosted",
        "perpetual",
        True,
        Mode.CUT_OFF,
        ("degraded", None, 0),
        support_end="2025-07-20",
        says="app without updates from day 0 (its end of support 2025-07-20 has passed), day 0",
    ),
    Case(
        "self-hosted-perpetual-support-end-unknown",
        "self_hosted",
        "perpetual",
        True,
        Mode.CUT_OFF,
        (None, None, None),
        says="under a perpetual licence from Vendor keeps running",
    ),
    Case(
        "self-hosted-perpetual-exit",
        "self_hosted",
        "perpetual",
        True,
        Mode.EXIT,
        ("withdrawn", 0, 0),
    ),
    # client software on the organisation's PCs
    Case(
        "client-subscription-cut-off",
        "client",
        "subscription",
        False,
        Mode.CUT_OFF,
        ("withdrawn", 100, 100),
    ),
    Case(
        "client-perpetual-cut-off",
        "client",
        "perpetual",
        False,
        Mode.CUT_OFF,
        ("degraded", None, 200),
        support_end=SUPPORT_END,
    ),
    Case(
        "client-subscription-exit", "client", "subscription", False, Mode.EXIT, ("withdrawn", 0, 0)
    ),
    Case("client-perpetual-exit", "client", "perpetual", False, Mode.EXIT, ("withdrawn", 0, 0)),
    # open source: the vendor's going changes nothing in a cut-off
    Case("client-open-source-exit", "client", "open_source", False, Mode.EXIT, ("withdrawn", 0, 0)),
]


def _estate(case: Case) -> dict[str, Any]:
    component: dict[str, Any] = {
        "id": "app",
        "name": "App",
        "delivery": case.delivery,
        "vendors": [{"vendor": "vendor", "roles": ["licensor"]}],
    }
    if case.operated_by_city:
        component["vendors"].append({"vendor": "city", "roles": ["operator"]})
    elif case.delivery in ("saas", "paas"):
        component["vendors"] = [{"vendor": "vendor", "roles": ["operator", "licensor"]}]
    for key, value in (
        ("licence", case.licence),
        ("licence_grace_days", case.grace_days),
        ("support_end", case.support_end),
    ):
        if value is not None:
            component[key] = value
    if case.contract_end is not None:
        component["contract"] = {"end": case.contract_end}
    return {
        "estate": {"name": "licences", "as_of": AS_OF},
        "vendors": [
            {"id": "vendor", "name": "Vendor", "hq_country": "DE"},
            {"id": "city", "name": "City", "hq_country": "SE"},
        ],
        "components": [component],
        "services": [{"id": "svc", "name": "Service", "depends_on": ["app"]}],
    }


def _backend(write_files: WriteFiles, estate: dict[str, Any]) -> EmbeddedGraph:
    return EmbeddedGraph(load_estate(write_files({"estate.yaml": yaml.safe_dump(estate)})))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_licence_decides_when_a_withdrawal_is_felt(write_files: WriteFiles, case: Case) -> None:
    backend = _backend(write_files, _estate(case))
    simulation = simulate(backend, ["vendor:vendor"], Options(mode=case.mode))
    by_id = {str(a.id): a for a in simulation.affected}
    state, fails, degrades = case.expected
    app, service = by_id.get("app"), by_id.get("svc")
    if state is None:
        assert app is None
        assert service is None
    else:  # the service needs the app hard, so it follows it
        assert app is not None
        assert (app.state.value, app.fails_at, app.degrades_at) == case.expected
        assert service is not None
        assert (service.fails_at, service.degrades_at) == (fails, degrades)
        assert service.state.value == ("degraded" if state == "degraded" else "broken")
        assert service.undated == (state != "degraded" and fails is None)
    if case.says is not None:
        assert case.says in " ".join(headline(simulation))


def test_a_vendor_that_only_supports_withdraws_nothing_in_a_cut_off(
    write_files: WriteFiles,
) -> None:
    estate = _estate(Case("x", "self_hosted", "open_source", True, Mode.CUT_OFF, (None, 0, 0)))
    backend = _backend(write_files, estate)
    with pytest.raises(UsageError, match="withdraws nothing in cut-off mode"):
        simulate(backend, ["vendor:vendor"])


def test_an_earlier_licence_check_dependency_still_counts(write_files: WriteFiles) -> None:
    """An estate that models the licence check as a dependency keeps its meaning: the
    earlier of the dependency and the subscription's end decides."""
    estate = _estate(Case("x", "client", "subscription", True, Mode.CUT_OFF, (None, 0, 0)))
    estate["components"][0]["depends_on"] = [{"ref": "licensing", "onset": {"grace_days": 30}}]
    estate["components"].append(
        {"id": "licensing", "name": "Licensing", "vendor": "vendor", "delivery": "saas"}
    )
    app = next(
        a
        for a in simulate(_backend(write_files, estate), ["vendor:vendor"]).affected
        if a.id == "app"
    )
    assert (app.state.value, app.fails_at) == ("withdrawn", 30)


def test_a_candidates_licence_ends_nothing_that_runs_here(write_files: WriteFiles) -> None:
    """A candidate under the same subscription is withdrawn with the vendor, but nothing
    runs on it here: the licences the answer lists are those of what is in use
    (helper-56 found a candidate under "software run here stops")."""
    estate = _estate(Case("x", "self_hosted", "subscription", True, Mode.CUT_OFF, (None, 0, 0)))
    candidate = {**estate["components"][0], "id": "spare", "name": "Spare"}
    estate["components"].append({**candidate, "lifecycle": "candidate"})
    simulation = simulate(_backend(write_files, estate), ["vendor:vendor"])
    assert [item.id for item in simulation.licences] == ["app"]
    assert "spare" in simulation.withdrawn
    assert "Spare" not in " ".join(headline(simulation))


@pytest.mark.parametrize(
    ("licence", "support_end", "effect"),
    [
        ("perpetual", "2027-06-30", "degraded"),
        ("perpetual", None, None),  # runs on: not counted as degraded
        ("subscription", None, "withdrawn"),
    ],
)
def test_a_licence_says_what_its_end_does(
    write_files: WriteFiles, licence: str, support_end: str | None, effect: str | None
) -> None:
    """The JSON said "degraded" of a perpetual licence with no end of support, which the
    table says is not counted as degraded (helper-59)."""
    case = Case("x", "self_hosted", licence, True, Mode.CUT_OFF, (None, 0, 0))
    estate = _estate(dataclasses.replace(case, support_end=support_end))
    simulation = simulate(_backend(write_files, estate), ["vendor:vendor"])
    (item,) = simulation.licences
    assert item.effect == effect
    assert licences(simulation).rows[0][3] == (effect or "runs on")


def test_software_with_no_licence_recorded_is_told_as_taken_running_on(
    write_files: WriteFiles,
) -> None:
    """A licensor's client software with no licence recorded was passed over in silence in
    a cut-off beside something withdrawn (helper-64): now it is told as taken as running
    on, with what to record; in an exit it is withdrawn as before."""
    estate = _estate(Case("x", "client", None, False, Mode.CUT_OFF, (None, 0, 0)))
    estate["components"].append(
        {"id": "hosted", "name": "Hosted", "vendor": "vendor", "delivery": "saas"}
    )
    backend = _backend(write_files, estate)
    simulation = simulate(backend, ["vendor:vendor"])
    assert "app" not in {a.id for a in simulation.affected}
    assert [(item.id, item.licence, item.effect) for item in simulation.licences] == [
        ("app", "not recorded", None)
    ]
    told = " ".join(headline(simulation))
    assert (
        "1 component run here and licensed by Vendor records no licence, so nothing says when "
        "the withdrawal would stop it; taken as running on (record the licence: subscription, "
        "perpetual or open_source): app." in told
    )
    assert licences(simulation).rows == (
        ("app", "not recorded", "Vendor", "runs on", "no licence recorded, so taken as running on"),
    )
    exit_mode = simulate(backend, ["vendor:vendor"], Options(mode=Mode.EXIT))
    assert "app" in exit_mode.withdrawn
    assert exit_mode.licences == ()


def test_a_withdrawal_of_only_unrecorded_licences_says_what_to_record(
    write_files: WriteFiles,
) -> None:
    backend = _backend(
        write_files, _estate(Case("x", "client", None, False, Mode.CUT_OFF, (None, 0, 0)))
    )
    with pytest.raises(
        UsageError,
        match=r"\(try --mode exit\); app records no licence, so nothing says when the "
        r"withdrawal would stop it \(record the licence: subscription, perpetual or open_source\)",
    ):
        simulate(backend, ["vendor:vendor"])
