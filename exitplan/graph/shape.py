"""The one mapping from an ``Estate`` to graph nodes and edges (DESIGN.md §3).

Every backend writes what this module returns, so both hold the same graph: the same
labels, relationship types, directions and snake_case properties. Values that Neo4j cannot
store are flattened here: dates become ISO text, nested blocks become prefixed properties
(``exit_plan_exists``, ``contract_end``), and absent values are left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from enum import Enum
from typing import Any

from exitplan.graph.port import GraphEdge, GraphNode, Label, PropertyValue, Rel
from exitplan.model import (
    Alternative,
    Capability,
    Component,
    DataFlow,
    Estate,
    Organisation,
    Origin,
    Service,
    Vendor,
)


def _value(value: Any) -> PropertyValue | None:
    if value is None:
        return None
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


def properties(**values: Any) -> dict[str, PropertyValue]:
    """Graph properties from keyword values: absent and empty values are left out."""
    result: dict[str, PropertyValue] = {}
    for key, raw in values.items():
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
    }


def _origin(origin: Origin | None) -> str | None:
    """Where an imported element came from, as one line: ``model.xml (id-42)``."""
    return str(origin) if origin is not None else None


def _vendor(estate: Estate, vendor: Vendor) -> GraphNode:
    chain = estate.parent_chain(vendor.id)
    return GraphNode(
        vendor.id,
        Label.VENDOR,
        properties(
            **_described(vendor),
            hq_country=vendor.hq_country,
            exposure=estate.exposure(vendor.id),
            dpf_certified=vendor.dpf_certified,
            ultimate_parent=chain[-1].id,
            jurisdiction=estate.jurisdiction(vendor.id),
            tags=vendor.tags,
        ),
    )


def _component(component: Component) -> GraphNode:
    exit_plan = component.exit
    contract = component.contract
    return GraphNode(
        component.id,
        Label.COMPONENT,
        properties(
            **_described(component),
            delivery=component.delivery,
            licence=component.effective_licence,
            lifecycle=component.lifecycle,
            data_at_rest=component.data_at_rest,
            processing=component.processing,
            data_export=component.data_export,
            cost_per_year=component.cost_per_year,
            contract_end=contract.end if contract else None,
            contract_notice_days=contract.notice_days if contract else None,
            licence_grace_days=component.licence_grace_days,
            support_end=component.support_end,
            exit_plan_exists=exit_plan.plan_exists if exit_plan else None,
            exit_last_tested=exit_plan.last_tested if exit_plan else None,
            exit_substitutability=exit_plan.substitutability if exit_plan else None,
            exit_reintegration=exit_plan.reintegration if exit_plan else None,
            exit_note=exit_plan.note if exit_plan else None,
            tags=component.tags,
        ),
    )


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


def _dependencies(owner: Component | Service) -> Iterator[GraphEdge]:
    for dependency in owner.depends_on:
        yield GraphEdge(
            owner.id,
            dependency.ref,
            Rel.DEPENDS_ON,
            properties(
                strength=dependency.strength,
                onset_days=dependency.onset.grace_days,
                at_renewal=dependency.onset.at_renewal,
                group=dependency.any_of_group,
                capabilities=dependency.capabilities,
                why=dependency.why,
                assumed=dependency.assumed,
                note=dependency.note,
                origin=_origin(dependency.origin),
            ),
        )


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
            note=alternative.note,
            assumed=alternative.assumed,
            origin=_origin(alternative.origin),
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


def estate_edges(estate: Estate) -> list[GraphEdge]:
    """Every relationship of the estate graph, sorted by ``GraphEdge.sort_key``."""
    edges: list[GraphEdge] = []
    for vendor in estate.vendors:
        if vendor.parent is not None:
            edges.append(GraphEdge(vendor.id, vendor.parent, Rel.SUBSIDIARY_OF))
    for component in estate.components:
        for link in component.providers:
            edges.append(
                GraphEdge(component.id, link.vendor, Rel.PROVIDED_BY, properties(roles=link.roles))
            )
        for capability, coverage in component.capabilities.items():
            edges.append(
                GraphEdge(component.id, capability, Rel.REALISES, properties(coverage=coverage))
            )
        edges.extend(_dependencies(component))
    for service in estate.services:
        edges.extend(_dependencies(service))
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


__all__ = ["estate_edges", "estate_nodes", "properties"]
