"""A vendor's ultimate parent, jurisdiction and exposure, worked out once per vendor from
its parent's, agree with a walk up its chain of owners; and a chain thousands deep costs
its length, not its square (helper-63: 1,000 owners took 23 s, 5,000 over a minute)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from exitplan.model import Exposure, NodeId
from exitplan.model.estate import Estate, EstateInfo, Vendor

COUNTRIES = st.sampled_from([None, "SE", "US", "IE"])
EXPOSURES = st.sampled_from([None, (), (Exposure.US_CLOUD_ACT,), (Exposure.UK_IPA,)])


@st.composite
def _owned(draw: st.DrawFn) -> list[Vendor]:
    """Vendors whose parent comes before them: a forest of owners."""
    count = draw(st.integers(1, 12))
    vendors = []
    for index in range(count):
        parent = draw(st.one_of(st.none(), st.integers(0, index - 1))) if index else None
        vendors.append(
            Vendor(
                id=f"v{index}",
                name=f"V{index}",
                hq_country=draw(COUNTRIES),
                parent=f"v{parent}" if parent is not None else None,
                exposure=draw(EXPOSURES),
            )
        )
    return vendors


def _walked(estate: Estate, vendor: NodeId) -> tuple[NodeId, str | None, tuple[Exposure, ...]]:
    chain = estate.parent_chain(vendor)
    country = next((v.hq_country for v in reversed(chain) if v.hq_country is not None), None)
    exposure = next((tuple(sorted(v.exposure)) for v in chain if v.exposure is not None), ())
    return chain[-1].id, country, exposure


@given(_owned())
def test_each_vendor_agrees_with_a_walk_up_its_owners(vendors: list[Vendor]) -> None:
    estate = Estate(info=EstateInfo(name="e"), vendors=tuple(vendors))
    for vendor in vendors:
        found = (
            estate.ultimate_parent(vendor.id).id,
            estate.jurisdiction(vendor.id),
            estate.exposure(vendor.id),
        )
        assert found == _walked(estate, vendor.id)


def test_a_chain_of_thousands_of_owners_is_worked_out_once() -> None:
    count = 20_000
    vendors = [
        Vendor(id=f"v{i}", name=f"V{i}", parent=f"v{i - 1}" if i else None) for i in range(count)
    ]
    vendors[0] = Vendor(id="v0", name="V0", hq_country="US", exposure=(Exposure.US_CLOUD_ACT,))
    estate = Estate(info=EstateInfo(name="e"), vendors=tuple(vendors))
    assert {estate.jurisdiction(v.id) for v in vendors} == {"US"}
    assert {estate.ultimate_parent(v.id).id for v in vendors} == {"v0"}
    assert {estate.exposure(v.id) for v in vendors} == {(Exposure.US_CLOUD_ACT,)}
