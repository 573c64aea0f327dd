"""Everything an exit-strategy document for one scenario says, gathered in one value:
the simulation, the data flows it touches with their legal findings, the policy findings
that concern it, the register rows of what it withdraws, and the assumptions it rests on.
``exitplan.render.report`` only writes it out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from exitplan.errors import told_apart
from exitplan.graph.port import (
    Direction,
    GraphBackend,
    GraphEdge,
    Label,
    Rel,
    in_use_among,
    inferred_fields,
)
from exitplan.model import LegalProfile, NodeId
from exitplan.simulate.assumed import Assumption, assumptions
from exitplan.simulate.policy import NOT_RECORDED, CheckResult, Finding, check
from exitplan.simulate.register import RegisterRow, register_rows
from exitplan.simulate.result import Simulation
from exitplan.simulate.sensitivity import Analysis, Run, sensitivity

LEGAL_RULES = ("third-country-transfer", "foreign-disclosure")


@dataclass(frozen=True)
class FlowImpact:
    id: str
    name: str
    source: str
    target: str
    assets: tuple[str, ...]
    personal_data: str
    classification: str
    transfer: str
    state: str
    """What happens to the flow: the state of the end that the scenario reaches."""
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class ExitStrategy:
    simulation: Simulation
    estate_title: str
    flows: tuple[FlowImpact, ...]
    checked: CheckResult
    """The check of the flows, components and vendor groups the scenario touches, with
    its date and legal profile."""
    register: tuple[RegisterRow, ...]
    assumptions: tuple[Assumption, ...]
    notes: str | None
    withdrawn_words: tuple[str, ...] = ()
    """What each selector withdraws, in words: a vendor, component or service by its
    name, ``every vendor under US law``, ``everything tagged legacy``."""
    sensitivity: Analysis | None = None
    """Which assumptions change the figures (when the scenario could be run again)."""
    too_many_to_vary: bool = False
    """The scenario could be run again, but it rests on too many assumptions to vary here."""
    names: Mapping[str, str] = field(default_factory=dict)
    """The recorded name of each node the document names that the simulation may not:
    the ends of the assumed dependencies and alternatives, assumed vendors, and the ends
    of the flows without a legal footing."""
    flow_names: Mapping[str, str] = field(default_factory=dict)
    """The name of each data flow assumed, by its id."""

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The policy findings about what the scenario touches (all the check judged)."""
        return self.checked.findings


MOST_VARIED = 300
"""The most assumptions the document varies itself (each costs up to three simulations);
beyond, it asks for ``exitplan sensitivity``, which varies them the likeliest to matter
first, as many as it is told."""


def exit_strategy(
    backend: GraphBackend,
    simulation: Simulation,
    notes: str | None = None,
    profile: LegalProfile | None = None,
    run: Run | None = None,
    most_varied: int = MOST_VARIED,
) -> ExitStrategy:
    """Gather the document's content for ``simulation`` of the estate in ``backend``; the
    policy findings under ``profile`` (default: the estate's legal profile); with ``run``
    (which gave ``simulation``), which of its assumptions change its figures (up to
    ``most_varied`` of them)."""
    states = {a.id: a.state.value for a in simulation.affected}
    touched = set(states)
    edges = [
        *backend.edges_touching(touched, Direction.OUT, [Rel.FLOWS_TO]),
        *backend.edges_touching(touched, Direction.IN, [Rel.FLOWS_TO]),
    ]
    vendors = set(simulation.vendors) | {  # named by the selectors, or behind what goes
        edge.target
        for edge in backend.edges_touching(simulation.withdrawn, Direction.OUT, [Rel.PROVIDED_BY])
    }
    parents = {
        NodeId(str(v.properties.get("ultimate_parent", v.id)))
        for v in backend.nodes_by_id(vendors).values()
    }
    # The rules judge only what the scenario touches: the cost follows the scenario.
    concerned = touched | {str(edge.properties["id"]) for edge in edges} | vendors | parents
    checked = check(backend, as_of=simulation.start, profile=profile, subjects=concerned)
    by_subject: dict[str, list[Finding]] = {}
    for finding in checked.findings:
        by_subject.setdefault(finding.subject, []).append(finding)
    ends = backend.nodes_by_id({e.source for e in edges} | {e.target for e in edges})
    # two ends of one name (an ArchiMate model's two LANs) told apart by id
    names = told_apart({node_id: node.name for node_id, node in ends.items()})
    flows = {}
    for edge in edges:
        flow_id = str(edge.properties["id"])
        end = edge.target if edge.target in states else edge.source
        flows[flow_id] = FlowImpact(
            flow_id,
            str(edge.properties.get("name") or flow_id),
            names[edge.source],
            names[edge.target],
            tuple(str(a) for a in edge.properties.get("assets", ())),  # type: ignore[union-attr]
            _recorded(edge, "personal_data", "none"),
            _recorded(edge, "classification", "internal"),
            str(edge.properties.get("transfer", "not_assessed")),
            f"{names[end]} {states[end]}",
            tuple(f for f in by_subject.get(flow_id, ()) if f.rule in LEGAL_RULES),
        )
    found = assumptions(backend, simulation)
    mentioned, flow_names = _mentioned(backend, simulation, found)
    components = [
        node
        for node in backend.nodes_by_id(simulation.withdrawn).values()
        if node.label is Label.COMPONENT
    ]
    withdrawn = sorted(in_use_among(backend, components))
    return ExitStrategy(
        simulation,
        backend.info.title or backend.info.name,
        tuple(flows[k] for k in sorted(flows)),
        checked,
        tuple(register_rows(backend, withdrawn)),
        tuple(found),
        notes,
        _in_words(backend, simulation.selectors),
        sensitivity(backend, run, simulation)
        if run is not None and len(found) <= most_varied
        else None,
        run is not None and len(found) > most_varied,
        mentioned,
        flow_names,
    )


def _mentioned(
    backend: GraphBackend, simulation: Simulation, found: Sequence[Assumption]
) -> tuple[dict[str, str], dict[str, str]]:
    """``ExitStrategy.names`` and ``flow_names``: the nodes and the data flows the
    assumptions and the legal findings name, by id."""
    names: dict[str, str] = {}
    flows: dict[str, str] = {}
    ends: set[NodeId] = set()
    for assumption in found:
        for element in assumption.elements:
            if isinstance(element, GraphEdge):
                ends.update((element.source, element.target))
                if element.type is Rel.FLOWS_TO:
                    flow = str(element.properties["id"])
                    flows[flow] = str(element.properties.get("name") or flow)
            else:
                names[element.id] = element.name
    if simulation.legal is not None:
        ends.update(end for flow in simulation.legal.flows for end in (flow.source, flow.target))
    names.update((node_id, node.name) for node_id, node in backend.nodes_by_id(ends).items())
    return names, flows


_KIND_WORDS = {
    "jurisdiction": "every vendor under {} law",
    "exposure": "every vendor within reach of {}",
    "tag": "everything tagged {}",
}
"""How a selector that names no node reads; one that names a node reads as its name."""


def _in_words(backend: GraphBackend, selectors: Sequence[str]) -> tuple[str, ...]:
    """Each selector in words, for documents."""
    named = backend.nodes_by_id(  # a selector that names a node has been resolved
        {NodeId(s.partition(":")[2]) for s in selectors if s.partition(":")[0] not in _KIND_WORDS}
    )
    words = []
    for selector in selectors:
        kind, _, value = selector.partition(":")
        node = named.get(NodeId(value))
        if kind in _KIND_WORDS:
            words.append(_KIND_WORDS[kind].format(value.replace("_", " ")))
        else:
            words.append(node.name if node is not None else value)
    return tuple(words)


def _recorded(flow: GraphEdge, field: str, default: str) -> str:
    """A flow's ``field`` as recorded; ``NOT_RECORDED`` where an import took its default."""
    if field in inferred_fields(flow):
        return NOT_RECORDED
    return str(flow.properties.get(field, default))


__all__ = ["ExitStrategy", "FlowImpact", "exit_strategy"]
