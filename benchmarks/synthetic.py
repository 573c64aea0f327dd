"""A seeded generator of synthetic estates for benchmarks (and large-estate tests).

The shape follows real estates: vendor groups with parent chains, one dominant vendor
(a Microsoft-like supplier of a fifth of the components), a handful of hub components
(identity providers, directories, networks) that most components need, preferential
attachment for the rest (a few components are needed by many, most by few), redundant
pairs, soft dependencies and grace periods, services used by organisations, and
candidate replacements with dependencies of their own.

    estate = generate(components=10_000, seed=1)

Everything is built with ``model_construct`` (the generator's output is valid by
construction), so a 100,000-component estate with a million dependencies takes seconds.
"""

from __future__ import annotations

import random
from datetime import date

from exitplan.model import (
    Alternative,
    Capability,
    Component,
    Consumer,
    Coverage,
    Criticality,
    Delivery,
    Dependency,
    Estate,
    EstateInfo,
    Lifecycle,
    NodeId,
    Onset,
    Organisation,
    Readiness,
    Service,
    Strength,
    Vendor,
    VendorLink,
    VendorRole,
)
from exitplan.model.vocabulary import Exposure

HUBS = 8
"""Identity providers, directories and networks that most components need."""


def _dependency(
    ref: NodeId, *, soft: bool = False, grace: int = 0, group: str | None = None
) -> Dependency:
    return Dependency.model_construct(
        ref=ref,
        strength=Strength.SOFT if soft else Strength.HARD,
        onset=Onset.model_construct(grace_days=grace, at_renewal=False),
        capabilities=(),
        any_of_group=group,
        why=None,
        assumed=True,
        note=None,
    )


def _component(
    component_id: NodeId,
    name: str,
    vendor: NodeId,
    lifecycle: Lifecycle,
    capability: NodeId,
    depends_on: tuple[Dependency, ...],
) -> Component:
    """An operated component: SaaS when in use, self-hosted when a candidate."""
    return Component.model_construct(
        id=component_id,
        name=name,
        vendor=None,
        vendors=(VendorLink.model_construct(vendor=vendor, roles=(VendorRole.OPERATOR,)),),
        delivery=Delivery.SELF_HOSTED if lifecycle is Lifecycle.CANDIDATE else Delivery.SAAS,
        licence=None,
        lifecycle=lifecycle,
        data_at_rest=(),
        processing=(),
        capabilities={capability: Coverage.FULL},
        depends_on=depends_on,
        exit=None,
        data_export=None,
        cost_per_year=None,
        contract=None,
        tags=(),
        note=None,
        assumed=True,
    )


def _vendors(rng: random.Random, count: int) -> list[Vendor]:
    vendors = [
        Vendor.model_construct(
            id=NodeId("v-dominant"),
            name="Dominant vendor",
            hq_country="US",
            exposure=(Exposure.US_CLOUD_ACT, Exposure.US_FISA702),
        ),
        Vendor.model_construct(
            id=NodeId("v-dominant-eu"),
            name="Dominant vendor, EU arm",
            hq_country="IE",
            parent=NodeId("v-dominant"),
        ),
    ]
    countries = ["SE", "DE", "FR", "NL", "FI", "DK", "US", "GB", "NO", "IE"]
    parents: list[NodeId] = []
    for index in range(count - len(vendors)):
        vendor_id = NodeId(f"v{index}")
        parent = rng.choice(parents) if parents and rng.random() < 0.3 else None
        vendors.append(
            Vendor.model_construct(
                id=vendor_id,
                name=f"Vendor {index}",
                hq_country=rng.choice(countries),
                parent=parent,
            )
        )
        if parent is None and rng.random() < 0.2:
            parents.append(vendor_id)
    return vendors


def generate(
    components: int = 10_000, *, seed: int = 1, dependencies_per_component: int = 14
) -> Estate:
    """A synthetic estate of about ``components`` components in use (plus a fifth as many
    candidates) with about ``dependencies_per_component`` dependencies each."""
    rng = random.Random(seed)
    vendors = _vendors(rng, max(10, components // 50))
    vendor_ids = [v.id for v in vendors]
    capabilities = [
        Capability.model_construct(id=NodeId(f"cap{i}"), name=f"Capability {i}") for i in range(50)
    ]
    ids = [NodeId(f"c{i}") for i in range(components)]
    # Preferential attachment: each component is in the pool once, plus once more for
    # every dependency it receives, so a uniform draw from the pool favours the popular.
    pool: list[int] = []
    built: list[Component] = []
    for index, component_id in enumerate(ids):
        dominant = rng.random() < 0.2
        vendor = NodeId("v-dominant-eu") if dominant else rng.choice(vendor_ids[2:])
        depends: list[Dependency] = []
        if index >= HUBS:
            wanted = min(index, max(1, int(rng.expovariate(1 / dependencies_per_component))))
            targets = {rng.randrange(HUBS)}  # almost everything signs in somewhere
            targets.update(pool[rng.randrange(len(pool))] for _ in range(wanted - 1))
            group_pair = sorted(targets)[:2] if len(targets) >= 3 and rng.random() < 0.1 else []
            for target in sorted(targets):
                pool.append(target)
                in_group = target in group_pair
                soft = not in_group and rng.random() < 0.3
                grace = rng.choice((0, 0, 0, 0, 7, 30, 90))
                depends.append(
                    _dependency(
                        ids[target], soft=soft, grace=grace, group="pair" if in_group else None
                    )
                )
        pool.append(index)
        built.append(
            _component(
                component_id,
                f"Component {index}",
                vendor,
                Lifecycle.ACTIVE,
                capabilities[index % 50].id,
                tuple(depends),
            )
        )
    alternatives: list[Alternative] = []
    for index in range(components // 5):
        incumbent = rng.randrange(HUBS, components)
        candidate_id = NodeId(f"k{index}")
        hub = ids[rng.randrange(HUBS)]
        built.append(
            _component(
                candidate_id,
                f"Candidate {index}",
                rng.choice(vendor_ids[2:]),
                Lifecycle.CANDIDATE,
                capabilities[incumbent % 50].id,
                (_dependency(hub),),
            )
        )
        alternatives.append(
            Alternative.model_construct(
                replaces=ids[incumbent],
                candidate=candidate_id,
                readiness=rng.choice(list(Readiness)),
                covers=None,
                gaps=(),
                effort_weeks=float(rng.randint(2, 40)),
                duration_weeks=float(rng.randint(4, 52)),
                cost_per_year=None,
                note=None,
                assumed=True,
            )
        )
    organisations = [
        Organisation.model_construct(
            id=NodeId(f"org{i}"), name=f"Organisation {i}", kind=None, users=None
        )
        for i in range(40)
    ]
    services = []
    for index in range(max(1, components // 20)):
        needs = rng.sample(range(components), k=min(components, 3))
        services.append(
            Service.model_construct(
                id=NodeId(f"s{index}"),
                name=f"Service {index}",
                description=None,
                owner=None,
                criticality=rng.choice(list(Criticality)),
                rto_hours=None,
                depends_on=tuple(_dependency(ids[n]) for n in sorted(set(needs))),
                requires=(),
                consumers=tuple(
                    Consumer.model_construct(
                        organisation=o.id, users=rng.randint(10, 2000), assumed=True, note=None
                    )
                    for o in rng.sample(organisations, k=3)
                ),
                tags=(),
                note=None,
                assumed=True,
            )
        )
    by_id = sorted(built, key=lambda c: c.id)
    return Estate.model_construct(
        info=EstateInfo.model_construct(
            name=NodeId(f"synthetic-{components}"),
            as_of=date(2026, 1, 1),
            currency="SEK",
            title=None,
            version=None,
            description=None,
        ),
        vendors=tuple(sorted(vendors, key=lambda v: v.id)),
        components=tuple(by_id),
        services=tuple(sorted(services, key=lambda s: s.id)),
        capabilities=tuple(capabilities),
        organisations=tuple(organisations),
        data_flows=(),
        alternatives=tuple(sorted(alternatives, key=lambda a: (a.replaces, a.candidate))),
    )
