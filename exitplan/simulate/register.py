"""The register of third-party components, in the vocabulary of the EU DORA register of
information (Commission Implementing Regulation (EU) 2024/2956): one row per component in
use, with its provider, where its data live, who depends on it, and how hard it is to
replace.

Substitutability is **computed**, not copied: the component alone is withdrawn (exit
mode) and the simulation decides:

- *not substitutable*: some component that must be replaced has no viable alternative;
- *highly complex*: a chosen candidate is at most R1 (market scan), or leaves gaps and is
  at most R2 (lab-tested), or ten or more components and services break and must be moved
  onto the replacement;
- *medium complexity*: a chosen candidate leaves gaps, or is at most R2, or three to nine
  components and services break;
- *easily substitutable*: candidates at R3 or more cover everything and fewer than three
  things must move, or nothing that stays in use needs the component.

A chosen candidate that needs what nothing runs today and no step of the exit brings in
(Univention Nubus for baramundi) makes an easy exit one of medium complexity, and the
reason names what must be brought in.

"Chosen candidates" are those of every replacement the withdrawal calls for (usually the
component's own; when its dependents are replaced instead, theirs).

The declared value (``exit.substitutability``) is kept beside it, so a risk office sees
where the estate file and the simulation disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from exitplan.errors import listed, plural
from exitplan.graph.port import (
    DependsOn,
    Direction,
    GraphBackend,
    GraphNode,
    Label,
    Rel,
    in_use_among,
    runs_today,
)
from exitplan.graph.remembered import RememberedGraph
from exitplan.model import NodeId
from exitplan.select import OWN_PROVIDER
from exitplan.simulate.alternatives import Assessor, Preferences, needed_components
from exitplan.simulate.plan import unbrought_needs
from exitplan.simulate.policy import users_by_service
from exitplan.simulate.reach import Reach, hard_acyclic
from exitplan.simulate.result import (
    Move,
    Prerequisite,
    Progress,
    Replacement,
    Simulation,
    State,
    Status,
    people,
)

SUBSTITUTABILITY = {
    "not_substitutable": "Not substitutable",
    "highly_complex": "Highly complex substitutability",
    "medium": "Medium complexity in terms of substitutability",
    "easy": "Easily substitutable",
}
"""The DORA register's words for each level."""


@dataclass(frozen=True)
class RegisterRow:
    id: NodeId
    name: str
    delivery: str
    providers: tuple[str, ...]
    """"Name (country): role, role" per vendor."""
    ultimate_parent: str
    parent_country: str
    storage: tuple[str, ...]
    processing: tuple[str, ...]
    services: tuple[NodeId, ...]
    users: int | None
    """The people who use those services; ``None`` where none of them records who uses
    it (0 would say nobody does)."""
    substitutability: str
    reason: str
    declared_substitutability: str
    reintegration: str
    alternatives: tuple[str, ...]
    exit_plan: bool
    last_tested: str

    @property
    def substitutability_text(self) -> str:
        return SUBSTITUTABILITY[self.substitutability]


MANY_MOVES, SOME_MOVES = 10, 3


def substitutability(simulation: Simulation) -> tuple[str, str]:
    """The level and the reason, from withdrawing a component alone (see the module): a
    simulation with its plan, whose steps say what they need brought in."""
    moves = sum(1 for a in simulation.affected if a.state is State.BROKEN)
    unbrought = [need for step in simulation.plan.steps for need in step.needs_brought_in]
    return _substitutability(simulation.replacements, moves, unbrought)


def _substitutability(
    replacements: Iterable[Replacement], moves: int, unbrought: Iterable[Prerequisite] = ()
) -> tuple[str, str]:
    """The rule over the replacements the withdrawal calls for, the number of things in
    use that break (``moves``), and what the chosen candidates need brought in."""
    replacements = list(replacements)
    missing = [r for r in replacements if r.status is Status.MISSING]
    if missing:
        names = ", ".join(r.name for r in missing)
        return "not_substitutable", f"no viable alternative for {names}"
    chosen = [(r, r.chosen) for r in replacements if r.chosen is not None]
    if not chosen:
        return "easy", "nothing that stays in use needs it"
    level = min(int(c.readiness[1:]) for _, c in chosen)
    gaps = any(c.gaps for _, c in chosen)
    replaced = "; ".join(
        f"{r.name} → {c.name} ({c.readiness}{', with gaps' if c.gaps else ''})" for r, c in chosen
    )
    reason = f"{replaced}; {plural(moves, 'dependent')} to move" + (
        ": what needs it keeps running without it (redundancy, or a soft need)" if not moves else ""
    )
    needs = sorted({need.options: need.names for need in unbrought}.items())
    if needs:
        told = [  # a choice as the plan's notes tell it: "either d1 or d2"
            names[0] if len(names) == 1 else "either " + listed(names, last="or")
            for _, names in needs
        ]
        reason += f"; needs {listed(told)} brought in, which nothing runs today"
    if level <= 1 or (gaps and level <= 2) or moves >= MANY_MOVES:
        return "highly_complex", reason
    if gaps or level <= 2 or moves >= SOME_MOVES or needs:
        return "medium", reason
    return "easy", reason


Providers = list[tuple[GraphNode, list[str]]]
"""The vendors of a component with their roles, in vendor id order."""


def _providers(
    backend: GraphBackend, components: list[NodeId]
) -> tuple[dict[NodeId, Providers], dict[NodeId, GraphNode]]:
    """Every component's vendors and roles, and every vendor and ultimate parent by id,
    in two queries whatever the number of components."""
    links = backend.edges_touching(components, Direction.OUT, [Rel.PROVIDED_BY])
    vendors = backend.nodes_by_id({link.target for link in links})
    parents = {_parent(v) for v in vendors.values()}
    vendors.update(backend.nodes_by_id(parents - set(vendors)))
    found: dict[NodeId, Providers] = defaultdict(list)
    for link in sorted(links, key=lambda link: link.target):
        roles = [str(r) for r in link.properties.get("roles", ())]  # type: ignore[union-attr]
        found[link.source].append((vendors[link.target], roles))
    return found, vendors


def _parent(vendor: GraphNode) -> NodeId:
    return NodeId(str(vendor.properties.get("ultimate_parent", vendor.id)))


def _provider_of_record(providers: Providers, vendors: dict[NodeId, GraphNode]) -> GraphNode | None:
    """The vendor a register names first: outside vendors before the organisation's own
    IT provider, operators before licensors before the rest."""

    def rank(item: tuple[GraphNode, list[str]]) -> tuple[bool, int, str]:
        vendor, roles = item
        own = OWN_PROVIDER in vendors[_parent(vendor)].properties.get("tags", ())  # type: ignore[operator]
        role = 0 if "operator" in roles else (1 if "licensor" in roles else 2)
        return (own, role, vendor.id)

    return min(providers, key=rank)[0] if providers else None


class _CandidatesNeeds:
    """What the rows' searches for unbrought needs (``unbrought_needs``) read, read for
    all the rows at once: the hard needs of every candidate offered, and the hard needs
    of each need nobody runs, a level at a time, with which of them are in use. Row by
    row, the register of 10,000 components made 1,120 queries of Neo4j. ``backend``
    remembers the edges and nodes; ``running`` answers from what was read."""

    def __init__(self, backend: GraphBackend, candidates: set[NodeId]) -> None:
        self.backend = backend
        self.known: set[NodeId] = set()
        self.used: set[NodeId] = set()
        frontier = sorted(candidates)
        while frontier:
            edges = backend.edges_touching(frontier, Direction.OUT, [Rel.DEPENDS_ON])
            targets = {d.target for d in map(DependsOn.of, edges) if d.hard} - self.known
            used = in_use_among(backend, backend.nodes_by_id(targets).values())
            self.known |= targets
            self.used |= used
            frontier = sorted(targets - used - candidates)

    def running(self, nodes: Iterable[GraphNode]) -> set[NodeId]:
        """The ids of ``nodes`` in use, as ``in_use_among`` answers them."""
        listed = list(nodes)
        rest = [n for n in listed if n.id not in self.known]
        return {n.id for n in listed if n.id in self.used} | in_use_among(self.backend, rest)


class _Exits:
    """Each component withdrawn on its own (exit mode), as ``simulate`` would answer it,
    for the register's columns only: the services it reaches, their users, and its
    substitutability. The estate is read once for all components, and a withdrawal walks
    only what it reaches (``Reach``), without the days, plan or chains nobody reads here.
    Tested equal to one ``simulate`` per component."""

    def __init__(self, backend: GraphBackend, components: list[NodeId]) -> None:
        self.backend = backend
        self.region = backend.dependency_region(components)
        self.reach = Reach(self.region)
        alternatives = backend.edges(Rel.ALTERNATIVE_FOR)
        self.offered = frozenset(e.target for e in alternatives)
        self.needs = _CandidatesNeeds(backend, {e.source for e in alternatives})
        every = backend.nodes(Label.COMPONENT)
        self.idle = frozenset(n.id for n in every if not self.region.in_use(n.id))
        self.services = frozenset(n.id for n in backend.nodes(Label.SERVICE) if runs_today(n))
        acyclic = hard_acyclic(self.region, [*(n.id for n in every), *self.services])
        self.assessor = Assessor(backend, self.region, Preferences(), acyclic=acyclic)
        self.assessor.read_ahead(components)  # each is the incumbent of its own withdrawal
        self.users = users_by_service(backend.edges(Rel.USES))

    def _plainly_missing(self, component: NodeId) -> bool:
        """No candidate is offered for the component, and something in use that has no
        candidate either needs it: it must be replaced, and cannot be. The rule then says
        "not substitutable" and names only what has no alternative, and only a withdrawn
        component can lack one, so nothing else the withdrawal breaks needs working out."""
        if component in self.offered:
            return False
        return any(
            edge.source != component
            and edge.source not in self.offered
            and self.region.in_use(edge.source)
            for edge in self.region.dependents(component)
        )

    def withdraw(self, component: NodeId) -> tuple[tuple[NodeId, ...], int | None, str, str]:
        """The services reached (broken or degraded), the people who use them, and the
        substitutability level with its reason."""
        reached = self.reach.of([component])
        unbrought: list[Prerequisite] = []
        if self._plainly_missing(component):
            replacements = [self.assessor.without_offers(component)]
        else:
            choices = self.assessor.choose(reached, offered=self.offered)
            needed = needed_components(self.region, reached, choices)
            replacements = [choices.replacements[c] for c in sorted(needed)]
            moves_of = {
                f"replace-{r.replaces}": Move(r.replaces, r.chosen.candidate)
                for r in replacements
                if r.chosen is not None
            }
            if moves_of and len(moves_of) == len(replacements):  # else none is substitutable
                found = unbrought_needs(
                    self.backend, reached.withdrawn, frozenset(), moves_of,
                    choices.restorability.settled, self.needs.running,
                )  # fmt: skip
                unbrought = [need for needs in found.values() for need in needs]
        moves = len(reached.fail - self.idle - reached.withdrawn)
        level, reason = _substitutability(replacements, moves, unbrought)
        services = tuple(sorted(reached.degrade & self.services))
        uses = [use for service in services for use in self.users.get(service, ())]
        users = people(uses) if uses or not services else None
        return services, users, level, reason


def register_rows(
    backend: GraphBackend,
    components: Iterable[NodeId] | None = None,
    progress: Progress | None = None,
) -> list[RegisterRow]:
    """One row per component in use (or per component named), in id order; ``progress``
    is told after each row."""
    if components is None:
        chosen = sorted(in_use_among(backend, backend.nodes(Label.COMPONENT)))
    else:
        chosen = sorted(set(components))
    nodes = backend.nodes_by_id(chosen)
    providers, vendors = _providers(backend, chosen)
    alternatives = backend.edges_touching(chosen, Direction.IN, [Rel.ALTERNATIVE_FOR])
    candidates = backend.nodes_by_id({edge.source for edge in alternatives})
    offered: dict[NodeId, list[str]] = defaultdict(list)
    for edge in alternatives:
        offered[edge.target].append(candidates[edge.source].name)
    exits = _Exits(RememberedGraph(backend), chosen)  # components share their needs' reads
    rows = []
    for component_id in chosen:
        node = nodes[component_id]
        services, users, level, reason = exits.withdraw(component_id)
        record = _provider_of_record(providers[component_id], vendors)
        parent = vendors[_parent(record)] if record else None
        properties = node.properties
        rows.append(
            RegisterRow(
                id=component_id,
                name=node.name,
                delivery=str(properties.get("delivery", "")),
                providers=tuple(
                    f"{v.name} ({v.properties.get('hq_country', 'country not recorded')}): "
                    f"{', '.join(roles)}"
                    for v, roles in providers[component_id]
                ),
                ultimate_parent=parent.name if parent else "",
                parent_country=str(parent.properties.get("hq_country", "")) if parent else "",
                storage=tuple(str(c) for c in properties.get("data_at_rest", ())),  # type: ignore[union-attr]
                processing=tuple(str(c) for c in properties.get("processing", ())),  # type: ignore[union-attr]
                services=services,
                users=users,
                substitutability=level,
                reason=reason,
                declared_substitutability=str(properties.get("exit_substitutability", "")),
                reintegration=str(properties.get("exit_reintegration", "")),
                alternatives=tuple(sorted(offered[component_id])),
                exit_plan=bool(properties.get("exit_plan_exists")),
                last_tested=str(properties.get("exit_last_tested", "")),
            )
        )
        if progress is not None:
            progress(len(rows), len(chosen))
    return rows


__all__ = ["SUBSTITUTABILITY", "RegisterRow", "register_rows", "substitutability"]
