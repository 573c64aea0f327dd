"""Which assumptions decide the answer: each assumed element a result rests on, varied
the way it could be wrong, and the headline figures simulated again.

The variations, by kind of assumption:

* a dependency: absent; hard instead of soft; its grace (onset) halved;
* an alternative: not viable (no alternative at all); its readiness one level lower;
* the user counts of a service: doubled (but to no more than its organisation's head
  count, where recorded); halved;
* a component: absent (nothing depends on it), unless an import read it from its source
  (then only some of its fields are guessed); its contract ending 6 months earlier; its
  licence grace halved.

Assumed vendors, services, organisations and data flows are listed by the report but not
varied here: no single change of theirs moves these figures.

Each variation is simulated on a ``VariedGraph``: the loaded estate seen with the one
change, so nothing is loaded or indexed again and each run walks only the region the
withdrawal reaches. User counts move only the user figure, so they are recounted from
the first result without simulating again.

An assumption ranks by its variation that changes the figures most: the largest relative
change of any figure, then the number of figures changed. Example: if ``workplace →
intune`` absent leaves 3 services broken instead of 5, it changes "services broken" by
40% and ranks above an alternative whose readiness moves the finish by 10%.

An imported estate can rest on thousands of assumptions, each costing up to three
simulations of the whole scenario. A limit (``most``) varies those likeliest to matter
first. As the ranking weighs a variation by its largest relative change, each assumption
is given the share of a headline figure it could move, read from the first answer: the
share of the affected services whose chains run through what it is about (for a
dependency, through its two ends in a row; for a chosen alternative, a chosen candidate or
its need, through the component it replaces), and for such a choice at least one more
component with no alternative. Among equals the plan's own choices come first, then what
services break through, then the rest, each in its own order. Those left are counted,
never silently dropped.
"""

from __future__ import annotations

import calendar
import dataclasses
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from exitplan.errors import plural
from exitplan.graph.port import (
    Direction,
    GraphBackend,
    GraphEdge,
    GraphNode,
    Rel,
    inferred_fields,
)
from exitplan.graph.remembered import RememberedGraph
from exitplan.graph.varied import EdgeKey, VariedGraph
from exitplan.model import NodeId
from exitplan.simulate.assumed import Assumption, assumptions
from exitplan.simulate.result import Progress, ServiceImpact, Simulation, State

FIGURES = (
    "services broken",
    "users losing a service",
    "components with no alternative",
    "critical path weeks",
    "finish",
    "steps late",
    "steps blocked",
    "needs not in the plan",
)
"""The headline figures, in the order they are shown. "steps late" (past the day things
break, or the contract end in exit mode) is where a contract date moves the answer.
"finish" is that of the steps that can be scheduled, so "steps blocked" stands beside it:
a variation that blocks more steps can move the finish earlier, and must not read as if
the exit finished sooner. "needs not in the plan" counts what the chosen alternatives need
that nothing runs and no step brings in (its effort and cost are in no other figure)."""

MOST_RUN = 100
"""The most assumptions ``exitplan sensitivity`` varies by running the scenario again unless
told otherwise, the likeliest to matter first: a hundred take a few minutes at 30,000
components, and the example estate's scenarios rest on fewer. (A document varies up to
``strategy.MOST_VARIED`` itself: every one, or none.)"""

EARLIER_MONTHS = 6
"""How much earlier a contract is taken to end when its date is assumed."""


@dataclass(frozen=True)
class Headline:
    """The figures a board reads first; ``finish`` in days after day 0 (``None``: the plan
    has no finish date)."""

    services_broken: int
    users_broken: int
    missing_alternatives: int
    critical_path_weeks: float
    finish: int | None
    steps_late: int = 0
    steps_blocked: int = 0
    needs_not_in_plan: int = 0
    users_recorded: bool = True
    """Some service that breaks records who uses it; else ``users_broken`` is 0 because
    nothing is recorded (told as "none recorded")."""
    steps_lateness_unknown: int = 0
    """Steps whose lateness is unknown (``Plan.lateness_unknown``: due by a contract's end
    in an estate without a date, or at a renewal of unknown date): ``steps_late`` does not
    count them."""

    @classmethod
    def of(cls, simulation: Simulation) -> Headline:
        broken = (State.BROKEN, State.WITHDRAWN)
        return cls(
            services_broken=sum(s.state in broken for s in simulation.services),
            users_broken=simulation.users_broken,
            missing_alternatives=len(simulation.missing),
            critical_path_weeks=simulation.plan.critical_path_weeks,
            finish=simulation.plan.finish_day,
            steps_late=len(simulation.plan.late),
            steps_blocked=len(simulation.plan.blocked),
            needs_not_in_plan=simulation.plan.needs_not_in_plan,
            users_recorded=simulation.users_recorded,
            steps_lateness_unknown=len(simulation.plan.lateness_unknown),
        )

    def values(self) -> tuple[float | None, ...]:
        return (
            self.services_broken,
            self.users_broken,
            self.missing_alternatives,
            self.critical_path_weeks,
            self.finish,
            self.steps_late,
            self.steps_blocked,
            self.needs_not_in_plan,
        )


@dataclass(frozen=True)
class Change:
    """One figure that a variation moves."""

    figure: str
    before: float | None
    after: float | None
    relative: float
    """``|after - before| / before`` (before taken as at least 1); 1 when a finish date
    appears or goes."""


@dataclass(frozen=True)
class Variation:
    what: str
    """How the assumption is varied, e.g. "absent" or "readiness R2 instead of R3"."""
    changes: tuple[Change, ...]

    @property
    def largest(self) -> float:
        return max((c.relative for c in self.changes), default=0.0)

    @property
    def weight(self) -> tuple[float, int]:
        return self.largest, len(self.changes)


@dataclass(frozen=True)
class Sensitivity:
    """An assumption, the variation of it that moves the figures most, and the chain that
    makes it matter (from an affected service down to what is withdrawn)."""

    assumption: Assumption
    variation: Variation
    variations: tuple[Variation, ...]
    chain: tuple[NodeId, ...]


@dataclass(frozen=True)
class Analysis:
    headline: Headline
    start: date | None
    ranked: tuple[Sensitivity, ...]
    """The assumptions whose variations change a figure, most decisive first."""
    unchanged: int
    """Assumptions varied that change no figure."""
    not_varied: int
    """Assumptions with nothing to vary: vendors, services, organisations, data flows, and
    components with no dependents, no contract end and no licence grace."""
    simulations: int
    """Simulations run again (user counts are recounted without one)."""
    beyond_limit: int = 0
    """Assumptions with something to vary that were not varied: beyond the limit, the
    least likely to matter."""
    limit: int | None = None
    """The most assumptions varied by simulating again (``None``: every one)."""


Run = Callable[[GraphBackend], Simulation]
"""Simulates the scenario against an estate (the one loaded, or it varied)."""


@dataclass(frozen=True)
class _Variant:
    what: str
    edges: dict[EdgeKey, GraphEdge | None] = dataclasses.field(default_factory=dict)
    nodes: dict[NodeId, GraphNode] = dataclasses.field(default_factory=dict)
    users: float | None = None
    """For user counts: the factor, recounted without simulating."""


def _with(edge: GraphEdge, **properties: object) -> GraphEdge:
    return dataclasses.replace(edge, properties={**edge.properties, **properties})  # type: ignore[dict-item]


def _earlier(value: object, months: int) -> str | None:
    if not isinstance(value, str):
        return None
    end = date.fromisoformat(value)
    month = end.month - months
    year = end.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(end.day, calendar.monthrange(year, month)[1])
    return date(year, month, day).isoformat()


def _variants(backend: GraphBackend, assumption: Assumption) -> Iterator[_Variant]:
    """Every way ``assumption`` could be wrong that the figures can feel."""
    if assumption.kind == "users":
        yield _Variant("users doubled", users=2.0)
        yield _Variant("users halved", users=0.5)
        return
    for element in assumption.elements:
        if isinstance(element, GraphEdge) and element.type is Rel.DEPENDS_ON:
            yield from _dependency_variants(element)
        elif isinstance(element, GraphEdge) and element.type is Rel.ALTERNATIVE_FOR:
            yield from _alternative_variants(element)
        elif isinstance(element, GraphNode) and assumption.kind == "component":
            yield from _component_variants(backend, element)


def _dependency_variants(edge: GraphEdge) -> Iterator[_Variant]:
    """Absent, when its being there is what is assumed: not when an import read it from
    its source and inferred only some of its fields (it did infer the ``ref`` of one it
    derived through others); the other strength, when the strength
    is inferred (a hard need may be soft), and hard for any soft one; a grace halved."""
    key = EdgeKey.of(edge)
    inferred = inferred_fields(edge)
    if not inferred or "ref" in inferred:  # a dependency derived through others is a guess
        yield _Variant("absent", {key: None})
    hard = edge.properties.get("strength", "hard") == "hard"
    if not hard:
        yield _Variant("hard instead of soft", {key: _with(edge, strength="hard")})
    elif "strength" in inferred:
        yield _Variant("soft instead of hard", {key: _with(edge, strength="soft")})
    onset = edge.properties.get("onset_days", 0)
    if isinstance(onset, int) and onset > 1:
        yield _Variant(
            f"grace {plural(onset // 2, 'day')} instead of {onset}",
            {key: _with(edge, onset_days=onset // 2)},
        )


def _alternative_variants(edge: GraphEdge) -> Iterator[_Variant]:
    key = EdgeKey.of(edge)
    yield _Variant("not viable", {key: None})
    readiness = str(edge.properties.get("readiness", "R0"))
    if readiness[1:].isdigit() and int(readiness[1:]) > 0:
        lower = f"R{int(readiness[1:]) - 1}"
        yield _Variant(
            f"readiness {lower} instead of {readiness}", {key: _with(edge, readiness=lower)}
        )


def _component_variants(backend: GraphBackend, node: GraphNode) -> Iterator[_Variant]:
    """Absent (nothing needs it), when its being there is what is assumed: not when an
    import read it from its source and inferred only some of its fields (its vendor,
    its delivery); a contract ending earlier; a licence grace halved."""
    into = backend.edges_of(node.id, Direction.IN, [Rel.DEPENDS_ON])
    read = bool(inferred_fields(node)) and not str(node.properties.get("origin", "")).endswith(
        "((no id))"
    )  # named by others only: its being there is a guess too
    if into and not read:
        yield _Variant("absent", dict.fromkeys(map(EdgeKey.of, into)))
    end = node.properties.get("contract_end")
    if (earlier := _earlier(end, EARLIER_MONTHS)) is not None:
        yield _Variant(
            f"contract ends {earlier} instead of {end}",
            nodes={node.id: _changed(node, contract_end=earlier)},
        )
    grace = node.properties.get("licence_grace_days", 0)
    if isinstance(grace, int) and grace > 1:
        yield _Variant(
            f"licence grace {plural(grace // 2, 'day')} instead of {grace}",
            nodes={node.id: _changed(node, licence_grace_days=grace // 2)},
        )


def _changed(node: GraphNode, **properties: object) -> GraphNode:
    return dataclasses.replace(node, properties={**node.properties, **properties})  # type: ignore[dict-item]


def _changes(before: Headline, after: Headline) -> tuple[Change, ...]:
    changes = []
    for figure, old, new in zip(FIGURES, before.values(), after.values(), strict=True):
        if old == new:
            continue
        relative = 1.0 if old is None or new is None else abs(new - old) / max(abs(old), 1.0)
        changes.append(Change(figure, old, new, relative))
    return tuple(changes)


class Recount:
    """The people who lose a service (``people`` over the broken services), counted again
    with the assumed user counts of one service scaled, in time that grows with that
    service's consumers, not with every service's: per organisation its largest count
    and the largest that another service gives it, read once from the first answer.
    ``heads``: the organisations' head counts, where recorded; a count scaled up stops
    there (twice 51,700 users is no figure for a city of 51,700 people)."""

    def __init__(
        self, services: Iterable[ServiceImpact], heads: Mapping[NodeId, int] | None = None
    ) -> None:
        broken = (State.BROKEN, State.WITHDRAWN)
        self._broken = {s.id: s for s in services if s.state in broken}
        self._heads = heads or {}
        self._largest: dict[NodeId, tuple[int, NodeId]] = {}
        for service in self._broken.values():
            for consumer in service.consumers:
                known = self._largest.get(consumer.organisation, (0, None))
                if known[1] is None or consumer.users > known[0]:
                    self._largest[consumer.organisation] = (max(consumer.users, 0), service.id)
        self._elsewhere: dict[NodeId, int] = {}
        for service in self._broken.values():
            for consumer in service.consumers:
                organisation = consumer.organisation
                if self._largest[organisation][1] != service.id:
                    self._elsewhere[organisation] = max(
                        self._elsewhere.get(organisation, 0), consumer.users
                    )
        self.users_broken = sum(users for users, _ in self._largest.values())

    def scaled(self, service: NodeId, factor: float) -> int:
        """The people who lose a service when the assumed counts of ``service`` are
        ``factor`` times what they are."""
        impact = self._broken.get(service)
        if impact is None:
            return self.users_broken
        counted: dict[NodeId, int] = {}
        for consumer in impact.consumers:
            organisation = consumer.organisation
            users = consumer.users
            if consumer.assumed:
                most = max(users, self._heads.get(organisation, users * factor))
                users = round(min(users * factor, most))
            largest, source = self._largest[organisation]
            without = self._elsewhere.get(organisation, 0) if source == service else largest
            counted[organisation] = max(counted.get(organisation, without), users)
        return self.users_broken + sum(
            users - self._largest[organisation][0] for organisation, users in counted.items()
        )


def _head_counts(backend: GraphBackend, services: Iterable[ServiceImpact]) -> dict[NodeId, int]:
    """The head counts recorded of the organisations that use ``services``."""
    organisations = {consumer.organisation for s in services for consumer in s.consumers}
    found = backend.nodes_by_id(sorted(organisations))
    return {
        node_id: heads
        for node_id, node in found.items()
        if isinstance(heads := node.properties.get("users"), int)
    }


def _focus(assumption: Assumption) -> tuple[NodeId, NodeId | None]:
    """The node (and, for a dependency, the node it needs) the assumption is about."""
    element = assumption.elements[0] if assumption.elements else None
    if isinstance(element, GraphEdge):
        if element.type is Rel.DEPENDS_ON:
            return element.source, element.target
        if element.type is Rel.ALTERNATIVE_FOR:
            return element.target, None
        return element.target, None  # users: the service
    if isinstance(element, GraphNode):
        return element.id, None
    return NodeId(assumption.subject), None


class _Chains:
    """Where the chains of one answer run, read once: for each node and each dependency
    (its two ends in a row) the first affected service's chain through it, each affected
    node's own chain, and what each chosen candidate replaces."""

    def __init__(self, simulation: Simulation) -> None:
        self.through: dict[NodeId | tuple[NodeId, NodeId], tuple[NodeId, ...]] = {}
        for service in simulation.services:
            chain = service.impact.because
            for node in chain:
                self.through.setdefault(node, chain)
            for pair in itertools.pairwise(chain):
                self.through.setdefault(pair, chain)
        self.own: dict[NodeId, tuple[NodeId, ...]] = {}
        for affected in simulation.affected:
            self.own.setdefault(affected.id, affected.because)
        self.replaced = {
            r.chosen.candidate: r.replaces for r in simulation.replacements if r.chosen
        }


def _chain(
    assumption: Assumption, answers: Sequence[_Chains], ways_down: _WaysDown
) -> tuple[NodeId, ...]:
    """A chain from an affected service through what the assumption is about, from the
    first answer that has one; else a shortest way from an affected service of ``base``
    down to that node (the chains told start from each service's first cause, which
    may lie elsewhere); else the chain of that node itself."""
    node, needs = _focus(assumption)
    # A replacement's own need matters through what it replaces; where several answers
    # chose the candidate, the last one's choice counts.
    chosen = [a.replaced[node] for a in answers if node in a.replaced]
    if chosen:
        node, needs = chosen[-1], None
    key = node if needs is None else (node, needs)
    for answer in answers:
        if key in answer.through:
            return answer.through[key]
    found = ways_down.to(node)
    if found:
        return found
    for answer in answers:
        if node in answer.own:
            return answer.own[node]
    return ()


class _WaysDown:
    """Shortest chains of dependencies from an affected service of ``base`` down to a
    node, through what ``base`` affects. The walks of every assumption share what they
    read: who needs each node is asked once, a whole layer of a walk at a time (one round
    trip on a database)."""

    def __init__(self, backend: GraphBackend, base: Simulation) -> None:
        self._backend = backend
        self._services = {s.id for s in base.services}
        self._affected = {a.id for a in base.affected} | self._services
        self._needed_by: dict[NodeId, list[NodeId]] = {}

    def _sources(self, layer: Sequence[NodeId]) -> None:
        unread = [node for node in layer if node not in self._needed_by]
        if not unread:
            return
        for node in unread:
            self._needed_by[node] = []
        for edge in self._backend.edges_touching(unread, Direction.IN, (Rel.DEPENDS_ON,)):
            if edge.source in self._affected:
                self._needed_by[edge.target].append(edge.source)

    def to(self, node: NodeId) -> tuple[NodeId, ...]:
        """The chain from the first service by id among the nearest down to ``node``;
        empty when there is none or ``node`` is itself a service. Visits only what
        ``base`` affects."""
        if node not in self._affected or node in self._services:
            return ()
        came_from: dict[NodeId, NodeId] = {node: node}
        layer = [node]
        while layer:
            self._sources(layer)
            reached: set[NodeId] = set()
            for current in layer:
                for source in self._needed_by[current]:
                    if source not in came_from:
                        came_from[source] = current
                        reached.add(source)
            nearest = sorted(reached & self._services)
            if nearest:
                way = [nearest[0]]
                while way[-1] != node:
                    way.append(came_from[way[-1]])
                return tuple(way)
            layer = sorted(reached)
        return ()


def _through(base: Simulation) -> Counter[NodeId | tuple[NodeId, NodeId]]:
    """How many affected services' chains run through each node, and through each
    dependency (its two ends in a row)."""
    counted: Counter[NodeId | tuple[NodeId, NodeId]] = Counter()
    for service in base.services:
        chain = service.impact.because
        counted.update(set(chain))
        counted.update(set(itertools.pairwise(chain)))
    return counted


def likeliest_first(found: Sequence[Assumption], base: Simulation) -> list[int]:
    """The indexes of ``found``, the assumptions likeliest to matter first (see the
    module doc), in their own order among equals."""
    through = _through(base)
    chosen = {(r.chosen.candidate, r.replaces) for r in base.replacements if r.chosen}
    replaced: dict[NodeId, list[NodeId]] = {}
    for candidate, incumbent in sorted(chosen):
        replaced.setdefault(candidate, []).append(incumbent)
    reached = {a.id for a in base.affected} | set(replaced)
    contracts = {term.component for step in base.plan.steps for term in step.contracts}
    services = max(len(base.services), 1)
    choice = 1 / max(len(base.missing), 1)  # one more component with no alternative

    def weight(assumption: Assumption) -> tuple[float, int]:
        """The share of a figure it could move; then a chosen alternative (3), what else
        the plan rests on (2: a chosen candidate's need of what the withdrawal reaches or
        of another candidate, a component whose contract a step is due by), what
        services break through (1), the rest (0: such as a candidate's need of what the
        withdrawal leaves as it is, which seldom changes anything the plan reads)."""
        element = assumption.elements[0] if assumption.elements else None
        if isinstance(element, GraphEdge) and element.type is Rel.ALTERNATIVE_FOR:
            return max(choice, through[element.target] / services), 3
        node, needs = _focus(assumption)
        if node in replaced:  # a chosen candidate, or its own need
            if needs is None or needs in reached:
                most = max(through[incumbent] for incumbent in replaced[node])
                return max(choice, most / services), 2
            return 0.0, 0
        if node in contracts and needs is None:
            return through[node] / services, 2
        count = through[(node, needs)] if needs is not None else through[node]
        return count / services, 1

    weights = [weight(assumption) for assumption in found]
    return sorted(range(len(found)), key=lambda i: (-weights[i][0], -weights[i][1], i))


def sensitivity(
    backend: GraphBackend,
    run: Run,
    base: Simulation | None = None,
    *,
    most: int | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """Vary the assumptions the result of ``run`` rests on (``base``, when already run),
    every one, or the ``most`` likeliest to matter of those that need a simulation, and
    rank those that change the figures."""
    if most is not None and most < 1:
        raise ValueError(f"most must be at least 1, not {most}")
    base = run(backend) if base is None else base
    headline = Headline.of(base)
    recount = Recount(base.services, _head_counts(backend, base.services))
    chains = _Chains(base)
    # each variation asks much what the others ask: on a database, a round trip each
    remembered = RememberedGraph(backend)
    ways_down = _WaysDown(backend, base)
    every = assumptions(backend, base)
    remembered.edges_touching(  # the dependents of every component assumed, in one read
        [
            e.id
            for a in every
            if a.kind == "component"
            for e in a.elements
            if isinstance(e, GraphNode)
        ],
        Direction.IN,
        [Rel.DEPENDS_ON],
    )
    planned = [list(_variants(remembered, assumption)) for assumption in every]
    simulated = [i for i, variants in enumerate(planned) if any(v.users is None for v in variants)]
    kept = set(simulated)
    if most is not None and len(simulated) > most:
        order = likeliest_first([every[i] for i in simulated], base)
        kept = {simulated[i] for i in order[:most]}
    left_out = set(simulated) - kept
    total = sum(v.users is None for i in kept for v in planned[i])
    ranked: list[tuple[tuple[float, int], int, Sensitivity]] = []
    unchanged = not_varied = simulations = 0
    for index, assumption in enumerate(every):
        if index in left_out:
            continue
        variations: list[Variation] = []
        varied: list[Simulation] = []
        for variant in planned[index]:
            if variant.users is not None:
                users = recount.scaled(NodeId(assumption.subject), variant.users)
                after = dataclasses.replace(headline, users_broken=users)
            else:
                simulation = run(VariedGraph(remembered, edges=variant.edges, nodes=variant.nodes))
                simulations += 1
                if progress is not None:
                    progress(simulations, total)
                varied.append(simulation)
                after = Headline.of(simulation)
            variations.append(Variation(variant.what, _changes(headline, after)))
        if not variations:
            not_varied += 1
            continue
        deciding = max(variations, key=lambda v: v.weight)
        if not deciding.changes:
            unchanged += 1
            continue
        chain = _chain(assumption, [chains, *map(_Chains, varied)], ways_down)
        found = Sensitivity(assumption, deciding, tuple(variations), chain)
        ranked.append((deciding.weight, index, found))
    ranked.sort(key=lambda item: (-item[0][0], -item[0][1], item[1]))
    return Analysis(
        headline=headline,
        start=base.start,
        ranked=tuple(item for _, _, item in ranked),
        unchanged=unchanged,
        not_varied=not_varied,
        simulations=simulations,
        beyond_limit=len(left_out),
        limit=most,
    )


__all__ = [
    "FIGURES",
    "MOST_RUN",
    "Analysis",
    "Change",
    "Headline",
    "Recount",
    "Sensitivity",
    "Variation",
    "likeliest_first",
    "sensitivity",
]
