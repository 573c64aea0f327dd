"""The assumptions a result rests on: every element marked ``assumed: true`` that the
simulation used, so an exit strategy can say which of its figures are placeholders.

A simulation uses the withdrawn, broken and degraded nodes and the dependencies along
their chains; the chosen replacements, the alternatives that propose them and the
dependencies those candidates bring; the user counts of the affected services; the
vendors of what is withdrawn; and the data flows that touch any of it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from exitplan.errors import listed
from exitplan.graph.port import Direction, GraphBackend, GraphEdge, GraphNode, Rel, inferred_fields
from exitplan.model import NodeId
from exitplan.simulate.result import Simulation


@dataclass(frozen=True, order=True)
class Assumption:
    kind: str
    """vendor, component, service, organisation, dependency, alternative, users, data flow."""
    subject: str
    what: str
    note: str
    origin: str = ""
    """Where an imported element came from (``model.xml (id-42)``), to check it there."""
    elements: tuple[GraphEdge | GraphNode, ...] = field(default=(), compare=False)
    """The edges or node assumed, to vary them (``exitplan.simulate.sensitivity``)."""


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value else ""


def _inferred(element: GraphEdge | GraphNode, otherwise: str) -> str:
    """What is assumed of an element: the fields an import inferred rather than read, when
    that is why it is assumed (its existence is then read from the source), else
    ``otherwise``."""
    inferred = inferred_fields(element)
    if not inferred:
        return otherwise
    return f"its {listed(field.replace('_', ' ') for field in inferred)}, inferred by the import"


def _edge(edge: GraphEdge, kind: str, subject: str, what: str) -> Assumption | None:
    if not edge.properties.get("assumed"):
        return None
    return Assumption(
        kind,
        subject,
        _inferred(edge, what),
        _text(edge.properties.get("note")),
        _text(edge.properties.get("origin")),
        (edge,),
    )


def assumptions(backend: GraphBackend, simulation: Simulation) -> list[Assumption]:
    """Every assumed element the simulation's answer depends on, sorted."""
    touched = {a.id for a in simulation.affected} | set(simulation.withdrawn)
    chosen = {r.replaces: r.chosen.candidate for r in simulation.replacements if r.chosen}
    candidates = set(chosen.values())
    nodes = backend.nodes_by_id(touched | candidates)
    pairs = {
        pair for a in simulation.affected for pair in itertools.pairwise(a.because)
    }  # (dependent, dependency) along every chain
    found: list[Assumption | None] = []
    for edge in backend.edges_touching(touched | candidates, Direction.OUT, [Rel.DEPENDS_ON]):
        if (edge.source, edge.target) in pairs or edge.source in candidates:
            found.append(
                _edge(edge, "dependency", f"{edge.source} → {edge.target}", "the dependency")
            )
    for edge in backend.edges_touching(set(chosen), Direction.IN, [Rel.ALTERNATIVE_FOR]):
        if chosen.get(edge.target) == edge.source:
            found.append(
                _edge(
                    edge,
                    "alternative",
                    f"{edge.source} for {edge.target}",
                    "readiness, effort, duration and cost",
                )
            )
    services = [s.id for s in simulation.services]
    counted: dict[NodeId, list[GraphEdge]] = {}
    for edge in backend.edges_touching(services, Direction.IN, [Rel.USES]):
        if edge.properties.get("assumed"):
            counted.setdefault(edge.target, []).append(edge)
    found.extend(
        Assumption(
            "users",
            service,
            f"the user counts of {len(uses)} organisations",
            "",
            elements=tuple(uses),
        )
        for service, uses in counted.items()
    )
    for edge in backend.edges_touching(touched, Direction.OUT, [Rel.FLOWS_TO]):
        found.append(
            _edge(edge, "data flow", str(edge.properties["id"]), "classification and basis")
        )
    for edge in backend.edges_touching(touched, Direction.IN, [Rel.FLOWS_TO]):
        found.append(
            _edge(edge, "data flow", str(edge.properties["id"]), "classification and basis")
        )
    vendors: set[NodeId] = set()
    for edge in backend.edges_touching(set(simulation.withdrawn), Direction.OUT, [Rel.PROVIDED_BY]):
        vendors.add(edge.target)
    nodes.update(backend.nodes_by_id(vendors))
    for node in nodes.values():
        if node.properties.get("assumed"):
            found.append(
                Assumption(
                    node.label.kind,
                    node.id,
                    _inferred(node, node.name),
                    _text(node.properties.get("note")),
                    _text(node.properties.get("origin")),
                    (node,),
                )
            )
    return sorted({a for a in found if a is not None})


__all__ = ["Assumption", "assumptions"]
