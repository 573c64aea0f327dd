"""Selectors: grammar, union, subsidiaries, jurisdiction by ultimate parent, roles."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exitplan.errors import UsageError
from exitplan.graph import EmbeddedGraph
from exitplan.loading import load_estate
from exitplan.model import Estate, NodeId, VendorRole
from exitplan.select import (
    Mode,
    NothingWithdrawnError,
    Selector,
    SelectorKind,
    parse_selector,
    resolve,
    vendor_exits,
)
from exitplan.simulate import simulate
from tests.conftest import EXAMPLE, WriteFiles

ESTATE = """
vendors:
  - {id: us-parent, name: US parent, hq_country: US, exposure: [US_CLOUD_ACT, US_FISA702]}
  - {id: eu-arm, name: EU arm, hq_country: IE, parent: us-parent}
  - {id: eu-arm-se, name: Swedish arm, hq_country: SE, parent: eu-arm}
  - {id: city, name: The city, hq_country: SE, tags: [own]}
  - {id: uk-co, name: UK company, hq_country: GB, exposure: [UK_IPA]}
  - {id: old-co, name: Old software house, hq_country: DE}
  - {id: helpdesk-co, name: Remote support firm, hq_country: DE}
components:
  - {id: cloud-mail, name: Cloud mail, vendor: eu-arm, delivery: saas, tags: [mail]}
  - {id: cloud-files, name: Cloud files, vendor: eu-arm-se, delivery: saas}
  - id: office
    name: Office apps run by the city
    vendors: [{vendor: city, roles: [operator]}, {vendor: eu-arm, roles: [licensor]}]
    delivery: client
    licence: subscription
  - id: agent
    name: Agent nobody else runs
    vendors: [{vendor: eu-arm, roles: [licensor]}]
    delivery: client
    licence: subscription
  - id: server
    name: Server licensed for ever
    vendors: [{vendor: city, roles: [operator]}, {vendor: eu-arm, roles: [licensor]}]
    delivery: self_hosted
    licence: perpetual
  - {id: chat, name: Chat, vendor: uk-co, delivery: saas, tags: [mail]}
  - id: legacy
    name: Legacy tool
    vendors: [{vendor: city, roles: [operator]}, {vendor: old-co, roles: [licensor]}]
    delivery: self_hosted
    licence: perpetual
  - id: supported
    name: Supported by an outside firm
    vendors: [{vendor: city, roles: [operator]}, {vendor: helpdesk-co, roles: [support_access]}]
    delivery: self_hosted
    licence: open_source
services:
  - {id: portal, name: Portal, depends_on: [cloud-mail]}
"""


@pytest.fixture
def backend(write_files: WriteFiles) -> EmbeddedGraph:
    return EmbeddedGraph(load_estate(write_files({"e.yaml": ESTATE})))


@pytest.mark.parametrize(
    ("selectors", "mode", "withdrawn"),
    [
        (["vendor:us-parent"], Mode.CUT_OFF, {"cloud-mail", "cloud-files", "agent", "office"}),
        (["vendor:eu-arm"], Mode.CUT_OFF, {"cloud-mail", "cloud-files", "agent", "office"}),
        (["vendor:eu-arm-se"], Mode.CUT_OFF, {"cloud-files"}),
        (
            ["vendor:us-parent"],
            Mode.EXIT,
            {"cloud-mail", "cloud-files", "agent", "office", "server"},
        ),
        (["jurisdiction:US"], Mode.CUT_OFF, {"cloud-mail", "cloud-files", "agent", "office"}),
        (["jurisdiction:us"], Mode.CUT_OFF, {"cloud-mail", "cloud-files", "agent", "office"}),
        (["jurisdiction:GB"], Mode.CUT_OFF, {"chat"}),
        (["exposure:US_CLOUD_ACT"], Mode.CUT_OFF, {"cloud-mail", "cloud-files", "agent", "office"}),
        (["exposure:UK_IPA"], Mode.CUT_OFF, {"chat"}),
        (["tag:mail"], Mode.CUT_OFF, {"cloud-mail", "chat"}),
        (["component:office"], Mode.CUT_OFF, {"office"}),
        (["service:portal"], Mode.CUT_OFF, {"portal"}),
        (["component:chat", "vendor:eu-arm-se"], Mode.CUT_OFF, {"chat", "cloud-files"}),
        (["tag:own"], Mode.EXIT, {"office", "server", "legacy", "supported"}),
        (["vendor:old-co"], Mode.EXIT, {"legacy"}),
        (["vendor:old-co"], Mode.CUT_OFF, set()),  # perpetual: runs on, unsupported
        (["vendor:helpdesk-co"], Mode.EXIT, {"supported"}),
    ],
)
def test_resolve(
    backend: EmbeddedGraph, selectors: list[str], mode: Mode, withdrawn: set[str]
) -> None:
    assert set(resolve(backend, selectors, mode).withdrawn) == withdrawn


OWN = """
estate: {name: own}
vendors:
  - {id: it-dept, name: Our IT department, hq_country: SE, tags: [own-provider]}
  - {id: it-dept-ops, name: Its operations arm, hq_country: SE, parent: it-dept}
  - {id: it-dept-dc, name: Its data centre, hq_country: SE, parent: it-dept-ops}
  - {id: se-co, name: A Swedish supplier, hq_country: SE, exposure: [US_CLOUD_ACT]}
  - {id: own-exposed, name: Own and exposed, hq_country: SE, parent: it-dept,
     exposure: [US_CLOUD_ACT]}
components:
  - {id: desk, name: Service desk, vendor: it-dept, delivery: saas}
  - {id: ops, name: Operations, vendor: it-dept-ops, delivery: saas}
  - {id: dc, name: Data centre, vendor: it-dept-dc, delivery: saas}  # two levels down
  - {id: crm, name: CRM, vendor: se-co, delivery: saas}
  - {id: hosted, name: Hosted, vendor: own-exposed, delivery: saas}
"""


@pytest.mark.parametrize(
    ("selector", "withdrawn"),
    [
        ("jurisdiction:SE", {"crm"}),
        ("exposure:US_CLOUD_ACT", {"crm"}),
        ("vendor:it-dept", {"desk", "ops", "dc", "hosted"}),  # named, it is withdrawn
    ],
)
def test_a_law_never_selects_the_own_it_provider(
    write_files: WriteFiles, selector: str, withdrawn: set[str]
) -> None:
    """docs: own-provider "marks your own IT department, which is never a vendor to
    leave"; jurisdiction:SE withdrew the city's own IT department and its subsidiaries."""
    own = EmbeddedGraph(load_estate(write_files({"e.yaml": OWN})))
    assert set(resolve(own, [selector]).withdrawn) == withdrawn


def test_a_law_that_would_select_only_the_own_it_provider_names_the_others(
    write_files: WriteFiles,
) -> None:
    """It said "no vendor is under the law of 'SE' (jurisdictions here: SE, US)"."""
    own = OWN.replace("hq_country: SE, exposure", "hq_country: US, exposure", 1)
    backend = EmbeddedGraph(load_estate(write_files({"e.yaml": own})))
    with pytest.raises(UsageError) as raised:
        resolve(backend, ["jurisdiction:SE"])
    assert "(jurisdictions here: US); your own IT provider, tagged own-provider" in str(
        raised.value
    )


def test_vendor_includes_subsidiaries(backend: EmbeddedGraph) -> None:
    assert resolve(backend, ["vendor:us-parent"]).vendors == {"us-parent", "eu-arm", "eu-arm-se"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("vendor:us-parnet", "no vendor 'us-parnet' in estate 'estate'; did you mean 'us-parent'?"),
        ("vendr:us-parent", "unknown selector kind 'vendr' in 'vendr:us-parent'; did you mean"),
        (
            "component:eu-arm",
            "no component 'eu-arm' in estate 'estate'; 'eu-arm' is a vendor: vendor:eu-arm",
        ),  # ids share one namespace: say which kind it is
        (
            "vendor:cloud-mail",
            "no vendor 'cloud-mail' in estate 'estate'; 'cloud-mail' is a "
            "component: component:cloud-mail",
        ),
        ("microsoft", "is not of the form KIND:VALUE (KIND one of vendor, component, service"),
        (
            "us-parent",
            "KIND:VALUE (KIND one of vendor, component, service, jurisdiction, "
            "exposure, tag); did you mean 'vendor:us-parent'?",
        ),
        ("cloud-mail", "; did you mean 'component:cloud-mail'?"),
        ("portal", "; did you mean 'service:portal'?"),
        ("us-parnet", "exposure, tag)"),  # an id of nothing: no guess
        ("jurisdiction:FR", "no vendor in estate 'estate' is under the law of 'FR'"),
        ("exposure:CLOUD_ACT", "unknown exposure 'CLOUD_ACT'; did you mean 'US_CLOUD_ACT'?"),
        ("tag:nothing", "has the tag 'nothing'"),
        ("vendor:helpdesk-co", "withdraws nothing in cut-off mode"),
        # the kind is right, the value is not (helper-86: "is not of the form KIND:VALUE")
        ("vendor:us parent", "'us parent' is not an id: an id starts with a letter or digit"),
        ("vendor:", "no value after 'vendor:'; give an id, e.g. vendor:ID"),
    ],
)
def test_errors_say_what_is_wrong(backend: EmbeddedGraph, text: str, message: str) -> None:
    with pytest.raises(UsageError, match=None) as raised:
        resolve(backend, [text])
    assert message in str(raised.value)


def test_parse() -> None:
    assert parse_selector(" vendor:microsoft ") == Selector(SelectorKind.VENDOR, "microsoft")
    assert str(parse_selector("jurisdiction:US")) == "jurisdiction:US"


HINTS = """
estate: {name: hints}
vendors:
  - {id: helper, name: Remote support, hq_country: DE}
  - {id: hopeful, name: A candidate's maker, hq_country: DE}
  - {id: idle, name: Nothing here, hq_country: DE}
  - {id: city, name: The city, hq_country: SE}
components:
  - id: running
    name: Running
    delivery: self_hosted
    vendors: [{vendor: city, roles: [operator]}, {vendor: helper, roles: [support_access]}]
  - id: maybe
    name: Maybe
    vendor: hopeful
    delivery: self_hosted
    licence: open_source
    lifecycle: candidate
"""


@pytest.mark.parametrize(
    ("selector", "hint", "not_said"),
    [
        ("vendor:helper", " (try --mode exit)", "nor would an exit"),
        (
            "vendor:hopeful",
            "; nor would an exit take anything away: what they provide is not in use",
            "try --mode exit",
        ),
        ("vendor:idle", "perpetual licence", "exit"),
    ],
)
def test_a_cut_off_that_withdraws_nothing_says_whether_an_exit_would(
    write_files: WriteFiles, selector: str, hint: str, not_said: str
) -> None:
    backend = EmbeddedGraph(load_estate(write_files({"e.yaml": HINTS})))
    with pytest.raises(UsageError) as raised:
        resolve(backend, [selector])
    said = str(raised.value)
    assert "withdraws nothing in cut-off mode" in said
    assert hint in said
    assert not_said not in said.split("perpetual licence", 1)[1]


TWO_VENDORS = """
estate: {{name: two, as_of: 2026-01-01}}
vendors:
  - {{id: op, name: Op, hq_country: SE}}
  - {{id: lic, name: Lic, hq_country: SE}}
components:
  - id: app
    name: App
    vendors: [{{vendor: op, roles: [{op}]}}, {{vendor: lic, roles: [licensor]}}]
    delivery: {delivery}
    licence: subscription
    contract: {{end: 2026-06-30}}
services: [{{id: s, name: S, depends_on: [app]}}]
"""


@pytest.mark.parametrize(
    ("op", "delivery", "selectors", "fails"),
    [
        ("operator", "self_hosted", ["vendor:op", "vendor:lic"], 0),  # the operator's goes first
        ("operator", "self_hosted", ["vendor:lic"], 180),  # run by op: at the contract's end
        ("support_access", "saas", ["vendor:lic"], 0),  # support runs nothing: the vendor's SaaS
    ],
    ids=["operator-and-licensor", "licensor-alone", "support-is-no-operator"],
)
def test_the_strongest_effect_of_the_vendors_withdrawn_decides(
    write_files: WriteFiles, op: str, delivery: str, selectors: list[str], fails: int
) -> None:
    """Withdrawing the operator and the licensor put the component at its contract's end
    (day 180) had the licensor's effect been kept over the operator's; and a vendor with
    support access alone counted as running a SaaS (helper-92)."""
    text = TWO_VENDORS.format(op=op, delivery=delivery)
    backend = EmbeddedGraph(load_estate(write_files({"e.yaml": text})))
    (app,) = [a for a in simulate(backend, selectors).affected if a.id == "app"]
    assert app.fails_at == fails


@st.composite
def vendor_estates(draw: st.DrawFn) -> Estate:
    """Vendors in groups (each vendor's parent one before it, or none), components with
    one to three vendors in any roles, any licence and delivery, some retired."""
    vendors = [f"v{i}" for i in range(draw(st.integers(1, 6)))]
    parents = {v: draw(st.sampled_from([None, *vendors[:i]])) for i, v in enumerate(vendors)}
    components: list[dict[str, Any]] = []
    for index in range(draw(st.integers(1, 10))):
        links = draw(st.lists(st.sampled_from(vendors), min_size=1, max_size=3, unique=True))
        roles = [
            draw(st.lists(st.sampled_from(list(VendorRole)), min_size=1, max_size=2, unique=True))
            for _ in links
        ]
        component: dict[str, Any] = {
            "id": f"c{index}",
            "name": f"C{index}",
            "vendors": [
                {"vendor": v, "roles": sorted(r)} for v, r in zip(links, roles, strict=True)
            ],
            "delivery": draw(st.sampled_from(["saas", "paas", "self_hosted", "client"])),
        }
        licence = draw(st.sampled_from([None, "subscription", "perpetual", "open_source"]))
        if licence is not None:
            component["licence"] = licence
        if draw(st.booleans()):
            component["lifecycle"] = draw(st.sampled_from(["retired", "candidate"]))
        components.append(component)
    return Estate.model_validate(
        {
            "info": {"name": "groups"},
            "vendors": [
                {"id": v, "name": v.upper(), **({"parent": p} if p else {})}
                for v, p in parents.items()
            ],
            "components": components,
        }
    )


@settings(max_examples=200, deadline=None)
@given(vendor_estates())
def test_the_exits_of_vendors_read_at_once_are_each_one_s(estate: Estate) -> None:
    """What exiting each vendor group withdraws, read for all of them at once (the check's
    concentration rule), is what resolving each alone gives."""
    backend = EmbeddedGraph(estate)
    vendors = [vendor.id for vendor in estate.vendors]
    alone: dict[NodeId, frozenset[NodeId] | None] = {}
    for vendor in vendors:
        try:
            alone[vendor] = resolve(backend, [f"vendor:{vendor}"], Mode.EXIT).withdrawn
        except NothingWithdrawnError:
            alone[vendor] = None
    if None in alone.values():  # told as resolve tells it
        with pytest.raises(NothingWithdrawnError):
            vendor_exits(backend, vendors)
        return
    assert vendor_exits(backend, vendors) == alone


def test_the_exits_of_an_unknown_vendor_are_told_as_resolving_it_tells() -> None:
    backend = EmbeddedGraph(load_estate(EXAMPLE))
    with pytest.raises(UsageError) as alone:
        resolve(backend, ["vendor:no-such-vendor"], Mode.EXIT)
    with pytest.raises(UsageError) as together:
        vendor_exits(backend, [NodeId("microsoft"), NodeId("no-such-vendor")])
    assert str(together.value) == str(alone.value)
