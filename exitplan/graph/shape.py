"""The one mapping from an ``Estate`` to graph nodes and edges (DESIGN.md §3).

Every backend writes what this module returns, so both hold the same graph: the same
labels, relationship types, directions and snake_case properties. Values that Neo4j cannot
store are flattened here: dates become ISO text, nested blocks become prefixed properties
(``exit_plan_exists``, ``contract_end``), and absent values are left out.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from datetime import date
from enum import Enum, StrEnum
from typing import Any

from exitplan.graph.port import (
    DependsOn,
    GraphEdge,
    GraphNode,
    Label,
    LoadSummary,
    PropertyValue,
    Rel,
)
from exitplan.model import (
    Alternative,
    Capability,
    Component,
    Coverage,
    DataFlow,
    Estate,
    Organisation,
    Origin,
    Service,
    Strength,
    Vendor,
    VendorRole,
)


def _value(value: Any) -> PropertyValue | None:
    if value is None:
        return None
    if isinstance(value, StrEnum):  # every enum of the model; .value is slow to read
        return str.__str__(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        items = tuple(_value(item) for item in value)
        return tuple(item for item in items if item is not None and not isinstance(item, tuple))
    if isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot store {type(value).__name__} as a graph property")


_AS_THEY_ARE = frozenset({str, int, float, bool})


def properties(**values: Any) -> dict[str, PropertyValue]:
    """Graph properties from keyword values: absent and empty values are left out."""
    return _kept(values)


def _kept(values: Mapping[str, Any]) -> dict[str, PropertyValue]:
    """``properties`` of a mapping already made, in its order."""
    result: dict[str, PropertyValue] = {}
    for key, raw in values.items():
        if raw is None:
            continue
        kind = type(raw)
        if kind in _AS_THEY_ARE:  # most values: nothing to convert
            result[key] = raw
            continue
        if kind is tuple and not raw:
            continue
        value = _value(raw)
        if value is None or value == ():
            continue
        result[key] = value
    return result


def _described(
    element: Vendor | Component | Service | Capability | Organisation,
) -> Mapping[str, Any]:
    return {
        "name": element.name,
        "note": element.note,
        "assumed": element.assumed,
        "origin": _origin(element.origin),
        "inferred": _inferred(element.origin),
    }


def _origin(origin: Origin | None) -> str | None:
    """Where an imported element came from, as one line: ``model.xml (id-42)``."""
    return str(origin) if origin is not None else None


def _inferred(origin: Origin | None) -> tuple[str, ...] | None:
    """The fields an import inferred rather than read (none: left out)."""
    return origin.inferred or None if origin is not None else None


def _vendor(estate: Estate, vendor: Vendor) -> GraphNode:
    return GraphNode(
        vendor.id,
        Label.VENDOR,
        properties(
            **_described(vendor),
            hq_country=vendor.hq_country,
            exposure=estate.exposure(vendor.id),
            dpf_certified=vendor.dpf_certified,
            ultimate_parent=estate.ultimate_parent(vendor.id).id,
            jurisdiction=estate.jurisdiction(vendor.id),
            tags=vendor.tags,
        ),
    )


def _component(component: Component) -> GraphNode:
    """A component's node. Its values are written into one mapping, a block's only when
    it is there, rather than passed to ``properties`` by keyword: a large estate has tens
    of thousands of components, and this way takes two thirds of the time."""
    origin = component.origin
    values: dict[str, Any] = {
        "name": component.name,
        "note": component.note,
        "assumed": component.assumed,
        "origin": _origin(origin),
        "inferred": _inferred(origin),
        "delivery": component.delivery,
        "licence": component.effective_licence,
        "lifecycle": component.lifecycle,
        "data_at_rest": component.data_at_rest,
        "processing": component.processing,
        "data_export": component.data_export,
        "cost_per_year": component.cost_per_year,
    }
    contract = component.contract
    if contract is not None:
        values["contract_end"] = contract.end
        values["contract_notice_days"] = contract.notice_days
        values["contract_renewal_months"] = contract.renewal_months
        values["contract_termination_fee"] = contract.termination_fee
    values["licence_grace_days"] = component.licence_grace_days
    values["support_end"] = component.support_end
    exit_plan = component.exit
    if exit_plan is not None:
        values["exit_plan_exists"] = exit_plan.plan_exists
        values["exit_last_tested"] = exit_plan.last_tested
        values["exit_substitutability"] = exit_plan.substitutability
        values["exit_reintegration"] = exit_plan.reintegration
        values["exit_note"] = exit_plan.note
    values["tags"] = component.tags
    return GraphNode(component.id, Label.COMPONENT, _kept(values))


def _service(service: Service) -> GraphNode:
    return GraphNode(
        service.id,
        Label.SERVICE,
        properties(
            **_described(service),
            description=service.description,
            owner=service.owner,
            criticality=service.criticality,
            rto_hours=service.rto_hours,
            users=service.users,
            tags=service.tags,
        ),
    )


def _capability(capability: Capability) -> GraphNode:
    return GraphNode(
        capability.id,
        Label.CAPABILITY,
        properties(**_described(capability), description=capability.description),
    )


def _organisation(organisation: Organisation) -> GraphNode:
    return GraphNode(
        organisation.id,
        Label.ORGANISATION,
        properties(**_described(organisation), kind=organisation.kind, users=organisation.users),
    )


_STRENGTH = {strength: strength.value for strength in Strength}


def dependency_edges(owner: Component | Service) -> Iterator[GraphEdge]:
    """The ``DEPENDS_ON`` edges of one owner. Written out field by field, as ``properties``
    would give them: a large estate has hundreds of thousands."""
    for dependency in owner.depends_on:
        found: dict[str, PropertyValue] = {
            "strength": _STRENGTH[dependency.strength],
            "onset_days": dependency.onset.grace_days,
            "at_renewal": dependency.onset.at_renewal,
        }
        if dependency.any_of_group is not None:
            found["group"] = dependency.any_of_group
        if dependency.capabilities:
            found["capabilities"] = dependency.capabilities
        if dependency.why is not None:
            found["why"] = dependency.why
        found["assumed"] = dependency.assumed
        if dependency.note is not None:
            found["note"] = dependency.note
        if dependency.origin is not None:
            found["origin"] = str(dependency.origin)
            if dependency.origin.inferred:
                found["inferred"] = dependency.origin.inferred
        yield GraphEdge(owner.id, dependency.ref, Rel.DEPENDS_ON, found)


def _flow(flow: DataFlow) -> GraphEdge:
    krt = flow.krt
    assessment = flow.suitability
    return GraphEdge(
        flow.source,
        flow.target,
        Rel.FLOWS_TO,
        properties(
            id=flow.id,
            name=flow.name,
            assets=flow.assets,
            personal_data=flow.personal_data,
            classification=flow.classification,
            osl_ref=flow.osl_ref,
            krt_k=krt.k if krt else None,
            krt_r=krt.r if krt else None,
            krt_t=krt.t if krt else None,
            transfer=flow.transfer,
            volume=flow.volume,
            suitability_outcome=assessment.outcome if assessment else None,
            suitability_date=assessment.date if assessment else None,
            note=flow.note,
            assumed=flow.assumed,
            origin=_origin(flow.origin),
            inferred=_inferred(flow.origin),
        ),
    )


def _alternative(alternative: Alternative) -> GraphEdge:
    return GraphEdge(
        alternative.candidate,
        alternative.replaces,
        Rel.ALTERNATIVE_FOR,
        properties(
            readiness=alternative.readiness,
            covers=alternative.covers,
            gaps=alternative.gaps,
            effort_weeks=alternative.effort_weeks,
            duration_weeks=alternative.duration_weeks,
            cost_per_year=alternative.cost_per_year,
            migration_cost=alternative.migration_cost,
            parallel_months=alternative.parallel_months,
            note=alternative.note,
            assumed=alternative.assumed,
            origin=_origin(alternative.origin),
            inferred=_inferred(alternative.origin),
        ),
    )


def estate_nodes(estate: Estate) -> list[GraphNode]:
    """Every node of the estate graph, sorted by id."""
    nodes = [
        *(_vendor(estate, vendor) for vendor in estate.vendors),
        *(_component(component) for component in estate.components),
        *(_service(service) for service in estate.services),
        *(_capability(capability) for capability in estate.capabilities),
        *(_organisation(organisation) for organisation in estate.organisations),
    ]
    return sorted(nodes, key=lambda node: node.id)


def estate_edges(estate: Estate, *, dependencies: bool = True) -> list[GraphEdge]:
    """Every relationship of the estate graph, sorted by ``GraphEdge.sort_key``; without
    the ``DEPENDS_ON`` edges when ``dependencies`` is false (see ``dependency_links``)."""
    edges: list[GraphEdge] = []
    # A link's roles and a capability's coverage are a few values used over and over:
    # each is converted once, and every edge given a copy of its own.
    shorthand: dict[str, dict[str, PropertyValue]] = {}
    roles: dict[tuple[VendorRole, ...], dict[str, PropertyValue]] = {}
    coverages: dict[Coverage, dict[str, PropertyValue]] = {}
    for vendor in estate.vendors:
        if vendor.parent is not None:
            edges.append(GraphEdge(vendor.id, vendor.parent, Rel.SUBSIDIARY_OF))
    for component in estate.components:
        if component.vendors is None and component.vendor is not None:  # the shorthand
            # Its role follows from the delivery: worked out once per delivery.
            written = shorthand.get(component.delivery)
            if written is None:
                (link,) = component.providers
                written = shorthand[component.delivery] = properties(roles=link.roles)
            edges.append(GraphEdge(component.id, component.vendor, Rel.PROVIDED_BY, dict(written)))
        for link in component.vendors or ():
            written = roles.get(link.roles)
            if written is None:
                written = roles[link.roles] = properties(roles=link.roles)
            edges.append(GraphEdge(component.id, link.vendor, Rel.PROVIDED_BY, dict(written)))
        for capability, coverage in component.capabilities.items():
            written = coverages.get(coverage)
            if written is None:
                written = coverages[coverage] = properties(coverage=coverage)
            edges.append(GraphEdge(component.id, capability, Rel.REALISES, dict(written)))
        if dependencies:
            edges.extend(dependency_edges(component))
    for service in estate.services:
        if dependencies:
            edges.extend(dependency_edges(service))
        edges.extend(
            GraphEdge(service.id, capability, Rel.REQUIRES) for capability in service.requires
        )
        edges.extend(
            GraphEdge(
                consumer.organisation,
                service.id,
                Rel.USES,
                properties(users=consumer.users, assumed=consumer.assumed, note=consumer.note),
            )
            for consumer in service.consumers
        )
    edges.extend(_flow(flow) for flow in estate.data_flows)
    edges.extend(_alternative(alternative) for alternative in estate.alternatives)
    return sorted(edges, key=lambda edge: edge.sort_key)


def dependency_links(estate: Estate) -> Iterator[DependsOn]:
    """Every ``DEPENDS_ON`` edge in the compact form the simulation walks, straight from
    the model: ``DependsOn.of`` each edge of ``dependency_edges`` gives the same, at a
    fraction of the cost (a large estate has hundreds of thousands). Each is made by
    ``tuple.__new__``, as ``DependsOn(...)`` would make it but without a Python call of
    its own: a fifth of the time. It checks no count of fields: a field added to
    ``DependsOn`` must be added here too (``tests/test_graph.py`` compares the two)."""
    hard = Strength.HARD
    made = tuple.__new__
    owners: Iterator[Component | Service] = itertools.chain(estate.components, estate.services)
    for owner in owners:
        for dependency in owner.depends_on:
            onset = dependency.onset
            yield made(
                DependsOn,
                (
                    owner.id,
                    dependency.ref,
                    dependency.strength is hard,
                    onset.grace_days,
                    onset.at_renewal,
                    dependency.any_of_group,
                    dependency.capabilities,
                ),
            )


def estate_summary(estate: Estate) -> LoadSummary:
    """What loading the estate would write, counted without building a node or an edge:
    equal to the summary of any backend that loaded it."""
    nodes = {
        Label.VENDOR: len(estate.vendors),
        Label.COMPONENT: len(estate.components),
        Label.SERVICE: len(estate.services),
        Label.CAPABILITY: len(estate.capabilities),
        Label.ORGANISATION: len(estate.organisations),
    }
    relationships = {
        Rel.PROVIDED_BY: sum(len(component.providers) for component in estate.components),
        Rel.SUBSIDIARY_OF: sum(vendor.parent is not None for vendor in estate.vendors),
        Rel.DEPENDS_ON: sum(len(component.depends_on) for component in estate.components)
        + sum(len(service.depends_on) for service in estate.services),
        Rel.ALTERNATIVE_FOR: len(estate.alternatives),
        Rel.REQUIRES: sum(len(service.requires) for service in estate.services),
        Rel.REALISES: sum(len(component.capabilities) for component in estate.components),
        Rel.USES: sum(len(service.consumers) for service in estate.services),
        Rel.FLOWS_TO: len(estate.data_flows),
    }
    return LoadSummary(estate.info.name, nodes, relationships)


__all__ = [
    "dependency_edges",
    "dependency_links",
    "estate_edges",
    "estate_nodes",
    "estate_summary",
    "properties",
]
