"""The benchmark's synthetic estates are valid estates, and the simulation runs on them."""

from __future__ import annotations

from benchmarks.synthetic import generate
from exitplan.graph import EmbeddedGraph
from exitplan.model import Alternative, Component, Service, Vendor
from exitplan.simulate import simulate


def test_synthetic_estates_are_valid_and_seeded() -> None:
    estate = generate(400, seed=7)
    for model, items in (
        (Vendor, estate.vendors),
        (Component, estate.components),
        (Service, estate.services),
        (Alternative, estate.alternatives),
    ):
        for item in items:
            model.model_validate(item.model_dump(by_alias=True))
    known = {c.id for c in estate.components} | {s.id for s in estate.services}
    owners: list[Component | Service] = [*estate.components, *estate.services]
    for owner in owners:
        assert all(d.ref in known for d in owner.depends_on)
    assert generate(400, seed=7) == estate
    assert generate(400, seed=8) != estate


def test_the_dominant_vendor_can_be_withdrawn() -> None:
    result = simulate(EmbeddedGraph(generate(400, seed=7)), ["vendor:v-dominant"])
    assert len(result.withdrawn) > 40
    assert result.affected
    assert all(a.because[-1] in result.withdrawn for a in result.affected)
