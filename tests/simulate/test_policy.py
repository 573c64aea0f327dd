"""Policy rules, one table per rule: each row is a small estate and what the rule must say.

Every estate starts from the same base: a vendor per interesting place, a service that
uses a component, and a flow between them; a row changes only what it is about.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import generate
from exitplan.graph import EmbeddedGraph, Rel
from exitplan.loading import load_estate
from exitplan.model import LegalProfile
from exitplan.model.vocabulary import Exposure
from exitplan.simulate.policy import (
    BASIS_PROVISIONS,
    CONCENTRATION_RISK,
    EXIT_STRATEGY,
    FOREIGN_ORDERS,
    LAWS,
    LEGACY_SYSTEMS,
    RULES,
    SENSITIVE,
    TECHNICAL_PROCESSING,
    CheckResult,
    EstateView,
    Finding,
    Severity,
    check,
    flows_exposed,
)
from tests.conftest import EXAMPLE, REPO
from tests.simulate.build import Reads, build

AS_OF = date(2026, 11, 1)

BASE: dict[str, Any] = {
    "estate": {"name": "t", "as_of": "2026-11-01"},
    "vendors": [
        {"id": "se-co", "name": "Svensk AB", "hq_country": "SE"},
        {"id": "no-co", "name": "Norsk AS", "hq_country": "NO"},
        {"id": "us-co", "name": "US Inc", "hq_country": "US", "exposure": ["US_CLOUD_ACT"],
         "dpf_certified": True},
        {"id": "us-eu", "name": "US Inc Ireland", "hq_country": "IE", "parent": "us-co"},
        {"id": "own", "name": "Own IT", "hq_country": "SE", "tags": ["own-provider"]},
    ],
    "components": [
        {"id": "app", "name": "App", "vendor": "se-co", "delivery": "saas",
         "data_at_rest": ["SE"], "processing": ["SE"]},
        {"id": "client", "name": "Client", "vendor": "own", "delivery": "client"},
    ],
    "services": [
        {"id": "svc", "name": "Service", "criticality": "critical", "depends_on": ["app"],
         "consumers": [{"organisation": "org", "users": 100}]},
        {"id": "other", "name": "Other", "criticality": "critical", "depends_on": ["client"],
         "consumers": [{"organisation": "org", "users": 100}]},
    ],
    "organisations": [{"id": "org", "name": "Org"}],
    "data_flows": [
        {"id": "flow", "from": "client", "to": "app", "assets": ["user_name"],
         "personal_data": "ordinary", "classification": "internal", "transfer": "intra_eea"},
    ],
}  # fmt: skip


@dataclass(frozen=True)
class Row:
    name: str
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    """{"component:app": {...}, "flow:flow": {...}, "vendor:x": {...}, "service:s": {...}}"""
    expected: Severity | None = None
    says: tuple[str, ...] = ()
    extra: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    profile: LegalProfile | None = None
    """None: the estate's own (eu, as the base estate names none)."""
    rests_on: tuple[str, ...] = ()
    """Provisions the finding must name."""
    not_says: tuple[str, ...] = ()
    """Words the finding must not contain (advice that would not fit it)."""


KINDS = {
    "component": "components",
    "flow": "data_flows",
    "vendor": "vendors",
    "service": "services",
}


def _estate(row: Row, tmp_path: Path, *, dated: bool = True) -> EmbeddedGraph:
    document = copy.deepcopy(BASE)
    if not dated:
        del document["estate"]["as_of"]
    for key, values in row.changes.items():
        kind, item_id = key.split(":")
        item = next(i for i in document[KINDS[kind]] if i["id"] == item_id)
        for name, value in values.items():
            if value is None:
                item.pop(name, None)
            else:
                item[name] = value
    for section, items in row.extra.items():
        document.setdefault(section, []).extend(items)
    path = tmp_path / "estate.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return EmbeddedGraph(load_estate(path))


def _only(rule: str, row: Row, tmp_path: Path) -> Finding | None:
    found = check(_estate(row, tmp_path), [rule], as_of=AS_OF, profile=row.profile).findings
    assert len(found) <= 1, found
    return found[0] if found else None


def _assert(row: Row, finding: Finding | None) -> None:
    if row.expected is None:
        assert finding is None, finding
        return
    assert finding is not None
    assert finding.severity is row.expected
    for words in row.says:
        assert words in finding.explanation + " " + finding.resolution, words
    for words in row.not_says:
        assert words not in finding.explanation + " " + finding.resolution, words
    for provision in row.rests_on:
        assert provision in finding.provisions, (provision, finding.provisions)
    assert finding.provisions, "every finding names what it rests on"


UNREAD_PERSONAL = {"file": "saasbom.json", "id": "flow-1", "inferred": ["personal_data"]}
"""The origin of a flow whose personal data the import took by default."""
UNREAD_CLASSIFICATION = {"file": "model.xml", "id": "f-1", "inferred": ["classification"]}

TRANSFER = [
    Row("EU vendor, data in Sweden: no transfer"),
    Row("EEA but not EU (Norway) is no third country",
        {"component:app": {"vendor": "no-co", "data_at_rest": ["NO"], "processing": ["NO"]}}),
    Row("no personal data: nothing to say",
        {"component:app": {"vendor": "us-co", "data_at_rest": ["US"]},
         "flow:flow": {"personal_data": "none"}}),
    Row("US operator, recorded intra_eea: error",
        {"component:app": {"vendor": "us-co"}}, Severity.ERROR,
        ("operator US Inc (US)", "recorded as staying in the EU/EEA")),
    Row("data stored in the US, not assessed: error",
        {"component:app": {"data_at_rest": ["US"]}, "flow:flow": {"transfer": "not_assessed"}},
        Severity.ERROR, ("data stored in US", "none recorded (not_assessed)"),
        rests_on=("GDPR Art. 44-46", "GDPR Art. 49")),
    Row("DPF: warning that it can be struck down",
        {"component:app": {"vendor": "us-co"}, "flow:flow": {"transfer": "adequacy_dpf"}},
        Severity.WARNING, ("Data Privacy Framework (adequacy_dpf)", "struck down",
                           "The group is certified")),
    Row("DPF but the group is not certified: error",
        {"component:app": {"vendor": "us-co"}, "flow:flow": {"transfer": "adequacy_dpf"},
         "vendor:us-co": {"dpf_certified": False}}, Severity.ERROR, ("not certified",)),
    Row("DPF, the group's certification not recorded: a warning that says so (helper-92)",
        {"component:app": {"vendor": "us-co"}, "flow:flow": {"transfer": "adequacy_dpf"},
         "vendor:us-co": {"dpf_certified": None}}, Severity.WARNING,
        ("Whether the group is certified is not recorded",)),
    Row("a US licensor of software run in Sweden never sees the data: no transfer (helper-92)",
        {"component:app": {"vendor": None, "delivery": "self_hosted", "vendors": [
            {"vendor": "se-co", "roles": ["operator"]},
            {"vendor": "us-co", "roles": ["licensor"]}]}}),
    Row("SCCs: a transfer impact assessment is needed",
        {"component:app": {"processing": ["IN"]}, "flow:flow": {"transfer": "scc"}},
        Severity.WARNING, ("transfer impact assessment", "processed in IN")),
    Row("EU subsidiary of a US parent, data in the EU, intra_eea: no transfer",
        {"component:app": {"vendor": "us-eu", "data_at_rest": ["IE"], "processing": ["IE"]}}),
    Row("EU subsidiary of a US parent recorded as a DPF transfer (the Intune case)",
        {"component:app": {"vendor": "us-eu", "data_at_rest": ["IE"], "processing": ["IE"]},
         "flow:flow": {"transfer": "adequacy_dpf"}}, Severity.WARNING,
        ("recorded as a transfer", "US Inc Ireland (IE), owned by US Inc (US)")),
    Row("UK adequacy decision: information",
        {"component:app": {"data_at_rest": ["GB"]}, "flow:flow": {"transfer": "adequacy"}},
        Severity.INFO, ("adequacy decision",)),
    Row("special categories are named",
        {"component:app": {"data_at_rest": ["US"]},
         "flow:flow": {"transfer": "scc", "personal_data": "special_category"}},
        Severity.WARNING, ("special categories", "(GDPR Art. 9)"),
        rests_on=("GDPR Art. 46(2)(c)", "GDPR Art. 9")),
    Row("special categories on the DPF: at least an error",
        {"component:app": {"vendor": "us-co"},
         "flow:flow": {"transfer": "adequacy_dpf", "personal_data": "special_category"}},
        Severity.ERROR, ("can be struck down is not enough", "Keep the special categories"),
        rests_on=("GDPR Art. 45", "GDPR Art. 9")),
    Row("criminal-offence data on the DPF: at least an error",
        {"component:app": {"vendor": "us-co"},
         "flow:flow": {"transfer": "adequacy_dpf", "personal_data": "criminal_offence"}},
        Severity.ERROR, ("criminal convictions and offences (GDPR Art. 10)",),
        rests_on=("GDPR Art. 10",)),
    Row("ordinary personal data on the DPF keeps its grading under the se profile too",
        {"component:app": {"vendor": "us-co"}, "flow:flow": {"transfer": "adequacy_dpf"}},
        Severity.WARNING, profile=LegalProfile.SE,
        rests_on=("Commission Implementing Decision (EU) 2023/1795 (EU-US Data Privacy "
                  "Framework)",)),
    Row("EU component, no basis recorded: the data stay, nothing to say",
        {"flow:flow": {"transfer": "not_assessed"}}),
    Row("nobody records where the component is: warning",
        {"component:app": {"vendor": "nowhere", "data_at_rest": None, "processing": None}},
        Severity.WARNING, ("cannot show that they stay in the EU/EEA",),
        {"vendors": [{"id": "nowhere", "name": "Nowhere Ltd"}]},
        rests_on=("GDPR Art. 30(1)(e)",)),
    Row("adequacy recorded for the US: no such decision",
        {"component:app": {"vendor": "us-co"}, "flow:flow": {"transfer": "adequacy"}},
        Severity.WARNING, ("No adequacy decision covers US", "adequacy_dpf")),
    Row("a flow to a candidate is not a transfer yet",
        {"component:app": {"vendor": "us-co", "lifecycle": "candidate"},
         "flow:flow": {"transfer": "not_assessed"}, "service:svc": {"depends_on": ["client"]}}),
    Row("a support vendor abroad reaches the data",
        {"component:app": {"vendor": None, "vendors": [
            {"vendor": "se-co", "roles": ["operator"]},
            {"vendor": "us-co", "roles": ["support_access"]}]},
         "flow:flow": {"transfer": "scc"}}, Severity.WARNING, ("support access US Inc (US)",)),
    Row("personal data an import could not read, to a US vendor: the default clears nothing",
        {"component:app": {"vendor": "us-co"},
         "flow:flow": {"personal_data": "none", "transfer": None, "origin": UNREAD_PERSONAL}},
        Severity.WARNING, ("reaches a third country: operator US Inc (US)",
                           "Whether it carries personal data is not recorded", "took none",
                           "personal_data (none, ordinary, special_category or "
                           "criminal_offence) in an overrides: entry"),
        rests_on=("GDPR Art. 44",)),
    Row("personal data an import could not read, to a component of unknown location",
        {"component:app": {"vendor": "nowhere", "data_at_rest": None, "processing": None},
         "flow:flow": {"personal_data": "none", "origin": UNREAD_PERSONAL}},
        Severity.WARNING, ("whose location the estate does not record",),
        {"vendors": [{"id": "nowhere", "name": "Nowhere Ltd"}]}),
    Row("personal data an import could not read, recorded as a transfer",
        {"flow:flow": {"personal_data": "none", "transfer": "scc", "origin": UNREAD_PERSONAL}},
        Severity.WARNING, ("is recorded as a transfer", "Transfer basis: standard")),
    Row("personal data an import could not read, the data stay in Sweden: nothing to say",
        {"flow:flow": {"personal_data": "none", "origin": UNREAD_PERSONAL}}),
    Row("personal data an import read as none, to a US vendor: nothing to say",
        {"component:app": {"vendor": "us-co", "data_at_rest": ["US"]},
         "flow:flow": {"personal_data": "none",
                       "origin": {**UNREAD_PERSONAL, "inferred": ["classification"]}}}),
]  # fmt: skip


@pytest.mark.parametrize("row", TRANSFER, ids=lambda r: r.name)
def test_third_country_transfer(row: Row, tmp_path: Path) -> None:
    _assert(row, _only("third-country-transfer", row, tmp_path))


DISCLOSURE = [
    Row("internal data: nothing", {"component:app": {"vendor": "us-co"}}),
    Row("secret data to a US-owned vendor: error",
        {"component:app": {"vendor": "us-co"}, "flow:flow": {"classification": "secret"}},
        Severity.ERROR, ("US_CLOUD_ACT", "keys the organisation alone holds"),
        rests_on=("GDPR Art. 48",)),
    Row("secret data to a US-owned vendor, se profile: the suitability assessment is asked",
        {"component:app": {"vendor": "us-co"}, "flow:flow": {"classification": "secret"}},
        Severity.ERROR, ("No suitability assessment", "Record a suitability assessment"),
        profile=LegalProfile.SE, rests_on=("OSL (2009:400) 10 kap. 2 a §",)),
    Row("special-category data on the DPF to a US-owned EU subsidiary: error",
        {"component:app": {"vendor": "us-eu"},
         "flow:flow": {"personal_data": "special_category", "transfer": "adequacy_dpf"}},
        Severity.ERROR, ("special categories of personal data", "does not shield them"),
        rests_on=("GDPR Art. 48", "GDPR Art. 9")),
    Row("criminal-offence data with SCCs to a US-owned EU subsidiary: warning",
        {"component:app": {"vendor": "us-eu"},
         "flow:flow": {"personal_data": "criminal_offence", "transfer": "scc"}},
        Severity.WARNING, ("criminal convictions",), rests_on=("GDPR Art. 10",)),
    Row("confidential data without personal data rests on the classification",
        {"component:app": {"vendor": "us-co"},
         "flow:flow": {"classification": "confidential", "personal_data": "none"}},
        Severity.WARNING, rests_on=("the estate's information classification",)),
    Row("confidential data to a US-owned EU subsidiary: warning",
        {"component:app": {"vendor": "us-eu"}, "flow:flow": {"classification": "confidential"}},
        Severity.WARNING, ("owned by US Inc (US)",)),
    Row("confidentiality level K3 counts as secret under the se profile",
        {"component:app": {"vendor": "us-eu"},
         "flow:flow": {"classification": "confidential", "krt": {"k": 3, "r": 1, "t": 1}}},
        Severity.ERROR, ("K3",), profile=LegalProfile.SE),
    Row("K levels are Swedish: the eu profile reads the classification alone",
        {"component:app": {"vendor": "us-eu"},
         "flow:flow": {"classification": "confidential", "krt": {"k": 3, "r": 1, "t": 1}}},
        Severity.WARNING),
    Row("the secrecy provision is named under the se profile",
        {"component:app": {"vendor": "us-eu"},
         "flow:flow": {"classification": "confidential", "osl_ref": "OSL 26 kap. 1 §"}},
        Severity.WARNING, ("covered by OSL 26 kap. 1 §",), profile=LegalProfile.SE,
        rests_on=("OSL 26 kap. 1 §",)),
    Row("secret data to a Swedish vendor: nothing", {"flow:flow": {"classification": "secret"}}),
    Row("recorded suitability assessment that passed: information",
        {"component:app": {"vendor": "us-co"},
         "flow:flow": {"classification": "secret",
                       "suitability": {"outcome": "passed", "date": "2026-01-15"}}},
        Severity.INFO, ("passed on 2026-01-15",), profile=LegalProfile.SE),
    Row("a suitability assessment is Swedish: the eu profile does not lower the severity",
        {"component:app": {"vendor": "us-co"},
         "flow:flow": {"classification": "secret",
                       "suitability": {"outcome": "passed", "date": "2026-01-15"}}},
        Severity.ERROR),
    Row("an assessment dated after the check's date is not made yet: as none (helper-86)",
        {"component:app": {"vendor": "us-co"},
         "flow:flow": {"classification": "secret",
                       "suitability": {"outcome": "passed", "date": "2027-05-01"}}},
        Severity.ERROR, ("recorded for 2027-05-01, after this check's date (2026-11-01)",
                         "Make the suitability assessment"), profile=LegalProfile.SE),
    Row("a failed assessment stays an error",
        {"component:app": {"vendor": "us-co"},
         "flow:flow": {"classification": "confidential",
                       "suitability": {"outcome": "failed", "date": "2026-01-15"}}},
        Severity.ERROR, ("failed",), profile=LegalProfile.SE),
    Row("a US licensor of software the organisation runs never sees the data",
        {"component:app": {"vendor": None, "delivery": "self_hosted", "vendors": [
            {"vendor": "own", "roles": ["operator"]}, {"vendor": "us-co", "roles": ["licensor"]}]},
         "flow:flow": {"classification": "secret"}}),
    Row("no personal data still counts (the rule is about secrecy)",
        {"component:app": {"vendor": "us-co"},
         "flow:flow": {"classification": "secret", "personal_data": "none"}}, Severity.ERROR),
    Row("a classification an import could not read, to a US-owned vendor: the default "
        "clears nothing",
        {"component:app": {"vendor": "us-eu"}, "flow:flow": {"origin": UNREAD_CLASSIFICATION}},
        Severity.WARNING, ("can be ordered to disclose them", "owned by US Inc (US)",
                           "classification is not recorded", "took internal",
                           "classification (public, internal, confidential or secret) in an "
                           "overrides: entry"),
        rests_on=("the estate's information classification",)),
    Row("a classification an import could not read, to a Swedish vendor: nothing",
        {"flow:flow": {"origin": UNREAD_CLASSIFICATION}}),
    Row("a classification an import could not read, through a licensor alone: nothing",
        {"component:app": {"vendor": None, "delivery": "self_hosted", "vendors": [
            {"vendor": "own", "roles": ["operator"]}, {"vendor": "us-co", "roles": ["licensor"]}]},
         "flow:flow": {"origin": UNREAD_CLASSIFICATION}}),
    Row("a classification an import read, to a US-owned vendor: nothing",
        {"component:app": {"vendor": "us-co"},
         "flow:flow": {"origin": {**UNREAD_CLASSIFICATION, "inferred": ["personal_data"]}}}),
]  # fmt: skip


@pytest.mark.parametrize("row", DISCLOSURE, ids=lambda r: r.name)
def test_foreign_disclosure(row: Row, tmp_path: Path) -> None:
    _assert(row, _only("foreign-disclosure", row, tmp_path))


@pytest.mark.parametrize(("assessed", "exposed"), [("2026-01-15", False), ("2027-05-01", True)])
def test_a_scenario_without_secret_data_abroad_counts_only_assessments_made(
    tmp_path: Path, assessed: str, exposed: bool
) -> None:
    """``withdraw_disclosure_risk`` kept secret data with a vendor under foreign law on
    the strength of an assessment dated after day 0 (helper-86)."""
    suitability = {"outcome": "passed", "date": assessed}
    flow = {"classification": "secret", "suitability": suitability}
    row = Row("", {"component:app": {"vendor": "us-co"}, "flow:flow": flow})
    view = EstateView.read(_estate(row, tmp_path), AS_OF, LegalProfile.SE)
    assert bool(flows_exposed(view)) is exposed


CANDIDATE = {"id": "alt", "name": "Alt", "vendor": "se-co", "delivery": "saas",
             "lifecycle": "candidate"}  # fmt: skip

WITH_ALTERNATIVE = {
    "components": [CANDIDATE],
    "alternatives": [{"for": "app", "candidate": "alt", "readiness": "R2"}],
}

APP2 = {"id": "app2", "name": "App 2", "vendor": "no-co", "delivery": "saas",
        "data_at_rest": ["NO"]}  # fmt: skip
REDUNDANT = [{"ref": "app", "any_of_group": "g"}, {"ref": "app2", "any_of_group": "g"}]

EXIT = [
    Row("critical service, no plan, no alternative: error", {}, Severity.ERROR,
        ("no alternative is identified", "there is no exit plan", "Service (critical)")),
    Row("an alternative but no plan: warning", {}, Severity.WARNING,
        ("no exit plan", "Write the exit plan"), WITH_ALTERNATIVE,
        not_says=("identify an alternative",), rests_on=("DORA Art. 28(8)",)),
    Row("a plan tested this year and an alternative: nothing",
        {"component:app": {"exit": {"plan_exists": True, "last_tested": "2026-03-01"}}},
        None, (), WITH_ALTERNATIVE),
    Row("a plan last tested over 12 months ago",
        {"component:app": {"exit": {"plan_exists": True, "last_tested": "2025-10-01"}}},
        Severity.WARNING, ("last tested on 2025-10-01", "Test the exit plan"),
        WITH_ALTERNATIVE, not_says=("identify an alternative", "write the exit plan")),
    Row("a plan tested after the check's date is not tested by then (helper-86)",
        {"component:app": {"exit": {"plan_exists": True, "last_tested": "2026-12-01"}}},
        Severity.WARNING, ("test is recorded for 2026-12-01, after this check's date",),
        WITH_ALTERNATIVE),
    Row("a plan never tested",
        {"component:app": {"exit": {"plan_exists": True}}}, Severity.ERROR,
        ("never been tested", "no alternative")),
    Row("only a low-criticality service needs it: nothing",
        {"service:svc": {"criticality": "low"}}),
    Row("a high service needs it: warning even without an alternative",
        {"service:svc": {"criticality": "high"}}, Severity.WARNING, ("Service (high)",)),
    Row("a member of a redundant group whose partner carries the service: nothing",
        {"service:svc": {"depends_on": REDUNDANT}}, None, (), {"components": [APP2]}),
    Row("a soft dependency of a critical service: warning, it only degrades",
        {"service:svc": {"depends_on": [{"ref": "app", "strength": "soft"}]}},
        Severity.WARNING, ("Losing App degrades Service (critical)",)),
    Row("a long grace still counts: the service breaks later, not never",
        {"service:svc": {"depends_on": [{"ref": "app", "onset": {"grace_days": 400}}]}},
        Severity.ERROR, ("breaks Service (critical)",)),
]  # fmt: skip


@pytest.mark.parametrize("row", EXIT, ids=lambda r: r.name)
def test_exit_readiness(row: Row, tmp_path: Path) -> None:
    # the client is run by the organisation's own provider: nothing to leave, never a finding
    _assert(row, _only("exit-readiness", row, tmp_path))


CONCENTRATION = [
    Row("one of two critical services on a vendor: warning", {}, Severity.WARNING,
        ("1 of 2 critical services (50%)", "Hubs: App (1 of 1 service)"),
        rests_on=("DORA Art. 29",)),
    Row("the advice names the hub and what it does, not an identity provider",
        {"component:app": {"capabilities": ["file-storage"]}}, Severity.WARNING,
        ("give App (File storage) an exit path", "services that reach Svensk AB only"),
        {"capabilities": [{"id": "file-storage", "name": "File storage"}]},
        not_says=("identity",)),
    Row("both critical services: error",
        {"service:other": {"depends_on": ["app"]}}, Severity.ERROR, ("2 of 2",)),
    Row("a soft dependency is not dependence",
        {"service:svc": {"depends_on": [{"ref": "app", "strength": "soft"}]}}),
    Row("the group counts: an EU subsidiary is its US parent's",
        {"component:app": {"vendor": "us-eu"}}, Severity.WARNING, ("US Inc (US)",)),
    Row("redundancy across vendors: losing one group breaks nothing",
        {"service:svc": {"depends_on": REDUNDANT}}, None, (), {"components": [APP2]}),
    Row("redundancy inside the group: no single hub, the group still counts",
        {"service:svc": {"depends_on": REDUNDANT}}, Severity.WARNING,
        ("1 of 2 critical", "Hubs: none that most of them share"),
        {"components": [{**APP2, "vendor": "se-co"}]}),
    Row("the organisation's own provider is not counted",
        {"component:app": {"vendor": "own"}}),
    Row("more hubs than are named: the rest are counted",
        {"service:svc": {"depends_on": ["app", "h2", "h3", "h4"]}}, Severity.WARNING,
        ("Hubs: App (1 of 1 service); H2 (1 of 1 service); H3 (1 of 1 service); and 1 more hub.",
         "give App, H2, H3 and the 1 other hub an exit path"),
        {"components": [{"id": f"h{n}", "name": f"H{n}", "vendor": "se-co", "delivery": "saas"}
                        for n in (2, 3, 4)]}),
    Row("a hub of low services alone: the component that breaks the critical one first",
        {}, Severity.WARNING, ("Hubs: App (1 of 4 services); Hub (3 of 4 services).",),
        {"components": [{"id": "hub", "name": "Hub", "vendor": "se-co", "delivery": "saas"}],
         "services": [{"id": f"l{n}", "name": f"L{n}", "criticality": "low",
                       "depends_on": ["hub"]} for n in (1, 2, 3)]}),
    Row("many users but no critical service: information",
        {"service:svc": {"criticality": "low"}}, Severity.INFO, ("0 of 1 critical",)),
]  # fmt: skip


@pytest.mark.parametrize("row", CONCENTRATION, ids=lambda r: r.name)
def test_concentration(row: Row, tmp_path: Path) -> None:
    _assert(row, _only("concentration", row, tmp_path))


LIFECYCLE = [
    Row("active component: nothing"),
    Row("phasing out, still needed: warning with its date",
        {"component:app": {"lifecycle": "phasing_out", "contract": {"end": "2027-06-30"}}},
        Severity.WARNING,
        ("contract ends on 2027-06-30", "Service still needs it",
         "Move that service off it before 2027-06-30"),
        rests_on=("DORA Art. 8(7)",)),
    Row("phasing out and past its end date: error",
        {"component:app": {"lifecycle": "phasing_out", "contract": {"end": "2026-06-30"}}},
        Severity.ERROR, ("its contract ended on 2026-06-30", "Its contract has ended"),
        not_says=("ends on",)),
    Row("phasing out past its end, but the contract renews: warning with the next end",
        {"component:app": {"lifecycle": "phasing_out",
                           "contract": {"end": "2025-06-30", "renewal_months": 12}}},
        Severity.WARNING,
        ("its contract ends on 2027-06-30, renewed from 2025-06-30 for 12-month terms",
         "Move that service off it before 2027-06-30"),
        not_says=("ended",)),
    Row("phasing out with no date recorded",
        {"component:app": {"lifecycle": "phasing_out"}}, Severity.WARNING,
        ("no end date is recorded",)),
    Row("phasing out but only used softly: nothing",
        {"component:app": {"lifecycle": "phasing_out"},
         "service:svc": {"depends_on": [{"ref": "app", "strength": "soft"}]}}),
    Row("phasing out, and a redundant partner carries the service: nothing",
        {"component:app": {"lifecycle": "phasing_out"},
         "service:svc": {"depends_on": REDUNDANT}}, None, (), {"components": [APP2]}),
    Row("phasing out, needed through a chain: warning",
        {"component:app": {"lifecycle": "phasing_out"}, "service:svc": {"depends_on": ["mid"]}},
        Severity.WARNING, ("Service still needs it",),
        {"components": [{"id": "mid", "name": "Mid", "vendor": "own", "delivery": "self_hosted",
                         "depends_on": ["app"]}]}),
]  # fmt: skip


@pytest.mark.parametrize("row", LIFECYCLE, ids=lambda r: r.name)
def test_lifecycle(row: Row, tmp_path: Path) -> None:
    _assert(row, _only("lifecycle", row, tmp_path))


def test_the_case_flow_to_intune_is_found_with_its_basis() -> None:
    result = check(EmbeddedGraph(load_estate(EXAMPLE)), ["third-country-transfer"])
    finding = next(f for f in result.findings if f.subject == "device-data-to-intune")
    assert "user_name, ip_address, device_name" in finding.explanation
    assert "Transfer basis: the EU-US Data Privacy Framework (adequacy_dpf)" in finding.explanation
    assert finding.severity is Severity.WARNING


def test_findings_are_sorted_and_stable() -> None:
    first = check(EmbeddedGraph(load_estate(EXAMPLE)))
    second = check(EmbeddedGraph(load_estate(EXAMPLE)))
    assert first == second
    assert list(first.findings) == sorted(first.findings, key=lambda f: f.sort_key)


def test_an_undated_estate_judges_no_age(tmp_path: Path) -> None:
    """Without an as-of date the check never reads the clock: no plan is "over 12 months
    old" and no end date "has passed", so the same files always give the same findings."""
    row = Row(
        "undated",
        {"component:app": {"exit": {"plan_exists": True, "last_tested": "2001-01-01"},
                           "lifecycle": "phasing_out", "contract": {"end": "2002-01-01"}}},
    )  # fmt: skip
    graph = _estate(row, tmp_path, dated=False)
    result = check(graph, ["exit-readiness", "lifecycle"])
    assert result.as_of is None
    texts = " ".join(f.explanation for f in result.findings)
    assert "over 12 months" not in texts
    assert all(f.severity is not Severity.ERROR or f.rule != "lifecycle" for f in result.findings)


def test_the_rules_page_names_every_rule_and_every_provision() -> None:
    """docs/checks.md stays true to the rules: each rule has a section, and every
    provision a finding can name appears there."""
    text = (REPO / "docs" / "checks.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"## `{rule}`" in text, rule
    provisions = {
        *(p for basis in BASIS_PROVISIONS.values() for p in basis),
        *(article for _, article in SENSITIVE.values()),
        FOREIGN_ORDERS, TECHNICAL_PROCESSING, EXIT_STRATEGY, CONCENTRATION_RISK, LEGACY_SYSTEMS,
    }  # fmt: skip
    for provision in provisions:
        short = re.sub(r" \([A-Za-z][^()]*\)$", "", provision)  # without "(Schrems II)"
        short = short.removeprefix("GDPR ").removeprefix("DORA ")
        assert short in text, provision


@functools.cache
def _judged(estate: str) -> tuple[EmbeddedGraph, CheckResult, tuple[str, ...]]:
    """An estate, its whole check, and every id a finding could be about."""
    graph = EmbeddedGraph(load_estate(EXAMPLE) if estate == "example" else generate(400, seed=3))
    whole = check(graph)
    flows = (str(edge.properties["id"]) for edge in graph.edges(Rel.FLOWS_TO))
    ids = sorted({*(node.id for node in graph.nodes()), *flows})
    return graph, whole, tuple(ids)


@pytest.mark.parametrize("estate", ["example", "synthetic"])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_check_of_some_subjects_finds_what_the_whole_check_finds_of_them(
    estate: str, data: st.DataObject
) -> None:
    """The report judges only what its scenario touches: the rules must then find, of
    those subjects, exactly what they find when they judge the whole estate."""
    graph, whole, ids = _judged(estate)
    assert {f.rule for f in whole.findings} >= {"exit-readiness", "concentration"}
    subjects = data.draw(
        st.sets(st.sampled_from(ids))
        | st.sets(st.sampled_from([f.subject for f in whole.findings]))
    )
    part = check(graph, subjects=subjects)
    assert part.findings == tuple(f for f in whole.findings if f.subject in subjects)


def test_every_foreign_law_is_told_in_words() -> None:
    assert set(LAWS) == set(Exposure)


def _check_reads(groups: int) -> tuple[int, int]:
    spec = [
        line
        for i in range(groups)
        for line in (f"s:s{i} -> a{i}", f"vendor a{i} w{i}", f"users s{i} org {1 if i else 1000}")
    ]
    reads = Reads(build("\n".join(spec)))
    findings = check(reads, ["concentration"])
    return len(findings.findings), sum(reads.reads.values())


def test_the_concentration_rule_reads_every_vendor_group_at_once() -> None:
    """Each vendor group's exit was resolved on its own, five queries of Neo4j a group."""
    few, made_for_few = _check_reads(5)
    many, made_for_many = _check_reads(50)
    assert (few, many) == (1, 1)  # w0's service has most of the users
    assert made_for_many == made_for_few
