"""Invariants of the simulation on random estates (hypothesis)."""

from __future__ import annotations

import gc
import heapq
import itertools
import math
import sys
import weakref
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exitplan.graph import EmbeddedGraph, Rel
from exitplan.graph.port import DependencyRegion, DependsOn, GraphEdge
from exitplan.loading import taken_as_running
from exitplan.model import (
    Alternative,
    Component,
    Contract,
    Delivery,
    Dependency,
    Estate,
    EstateInfo,
    GraceDays,
    Lifecycle,
    NodeId,
    Readiness,
    Service,
    Strength,
    Vendor,
)
from exitplan.simulate import Options, Shared, simulate, timeline
from exitplan.simulate.alternatives import Assessor, Preferences
from exitplan.simulate.propagate import NEVER, propagate
from exitplan.simulate.result import StepKind
from exitplan.simulate.why import chains
from tests.simulate.build import build
from tests.simulate.build import estate as build_estate

INF = math.inf


@dataclass(frozen=True)
class Random:
    estate: Estate
    ids: list[NodeId]


@st.composite
def estates(draw: st.DrawFn) -> Random:
    size = draw(st.integers(min_value=2, max_value=14))
    ids = [NodeId(f"n{i}") for i in range(size)]
    candidates = draw(st.sets(st.sampled_from(ids), max_size=size // 3))
    components = []
    for index, node_id in enumerate(ids):
        others = [other for other in ids if other != node_id]
        targets = draw(st.lists(st.sampled_from(others), max_size=4, unique=True))
        dependencies = []
        # each target in no group, or in one of two redundant groups of two or more
        placed = {t: draw(st.sampled_from([None, None, "g", "h"])) for t in targets}
        groups = {g: [t for t in targets if placed[t] == g] for g in ("g", "h")}
        group_of = {t: g for g, members in groups.items() if len(members) >= 2 for t in members}
        for target in targets:
            grace = draw(st.sampled_from([0, 0, 0, 5, 30]))
            group = group_of.get(target)
            soft = group is None and draw(st.integers(0, 3)) == 0
            dependencies.append(
                Dependency.model_validate(
                    {
                        "ref": target,
                        "strength": Strength.SOFT if soft else Strength.HARD,
                        "onset": GraceDays(grace_days=grace).model_dump() if grace else "immediate",
                        "any_of_group": group,
                    }
                )
            )
        components.append(
            Component(
                id=node_id,
                name=f"component {index}",
                vendor=NodeId("v"),
                delivery=Delivery.SAAS,
                lifecycle=Lifecycle.CANDIDATE if node_id in candidates else Lifecycle.ACTIVE,
                depends_on=tuple(dependencies),
            )
        )
    alternatives = []
    for candidate in sorted(candidates):
        for incumbent in draw(st.sets(st.sampled_from(ids), max_size=2)):
            if incumbent != candidate:
                alternatives.append(
                    Alternative.model_validate(
                        {
                            "for": incumbent,
                            "candidate": candidate,
                            "readiness": draw(st.sampled_from(list(Readiness))),
                            "duration_weeks": draw(st.sampled_from([None, 2.0, 5.0])),
                        }
                    )
                )
    services = tuple(
        Service.model_validate(
            {
                "id": f"s{index}",
                "name": f"service {index}",
                "depends_on": [
                    {"ref": target, "strength": "hard" if draw(st.booleans()) else "soft"}
                    for target in draw(st.sets(st.sampled_from(ids), min_size=1, max_size=3))
                ],
            }
        )
        for index in range(draw(st.integers(0, 2)))
    )  # what uses the components: a need of a service is a need all the same
    estate = Estate(
        info=EstateInfo(name=NodeId("random")),
        vendors=(Vendor(id=NodeId("v"), name="V"),),
        components=tuple(components),
        services=services,
        alternatives=tuple(alternatives),
    )
    return Random(estate, ids)


def _reference(
    backend: EmbeddedGraph,
    withdrawn: set[NodeId],
    own_fail: dict[NodeId, float] | None = None,
    own_degrade: dict[NodeId, float] | None = None,
) -> tuple[dict[NodeId, float], dict[NodeId, float]]:
    """The same equations, iterated over the whole estate from 'never' until they settle:
    slow and obviously right. ``own_fail``: the day a withdrawn node goes by itself (0
    when absent; later when its subscription ends); ``own_degrade``: the day a node
    degrades by itself (its end of support)."""
    edges: dict[NodeId, list[DependsOn]] = defaultdict(list)
    for edge in backend.edges(Rel.DEPENDS_ON):
        edges[edge.source].append(DependsOn.of(edge))
    nodes = [n.id for n in backend.nodes()]
    own = {n: (own_fail or {}).get(n, 0.0) if n in withdrawn else INF for n in nodes}
    own_degraded = {n: min(own[n], (own_degrade or {}).get(n, INF)) for n in nodes}
    fail = dict(own)
    degrade = dict(own_degraded)

    def bound(clock: dict[NodeId, float], deps: list[DependsOn], hard_only: bool) -> float:
        best = INF
        groups: dict[str, list[float]] = defaultdict(list)
        for dep in deps:
            if hard_only and not dep.hard:
                continue
            value = clock[dep.target] + dep.onset_days
            if dep.group is None:
                best = min(best, value)
            else:
                groups[dep.group].append(value)
        for values in groups.values():
            best = min(best, max(values))
        return best

    for _ in range(4 * len(nodes) + 10):
        changed = False
        for node in nodes:
            new_fail = min(own[node], bound(fail, edges[node], hard_only=True))
            new_degrade = min(
                new_fail, own_degraded[node], bound(degrade, edges[node], hard_only=False)
            )
            if (new_fail, new_degrade) != (fail[node], degrade[node]):
                fail[node], degrade[node] = new_fail, new_degrade
                changed = True
        if not changed:
            break
    return (
        {n: t for n, t in fail.items() if t < INF},
        {n: t for n, t in degrade.items() if t < INF},
    )


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(estates(), st.data())
def test_times_are_the_fixed_point_of_the_rules(random: Random, data: st.DataObject) -> None:
    backend = EmbeddedGraph(random.estate)
    withdrawn = data.draw(st.sets(st.sampled_from(random.ids), min_size=1, max_size=3))
    times = propagate(backend.dependency_region(withdrawn), withdrawn)
    expected_fail, expected_degrade = _reference(backend, withdrawn)
    assert dict(times.fail) == expected_fail
    assert dict(times.degrade) == expected_degrade


def _reference_causes(
    region: DependencyRegion, initial: dict[NodeId, float], *, hard_only: bool
) -> dict[NodeId, NodeId]:
    """The cause rule in its plainest form: nodes become final one at a time from a
    single heap of (day, id); each bound is offered in that order, a group's once its
    last member is final, from the member with the latest bound (the first such); a
    node's cause is the node whose offer first lowered its day."""
    day = dict(initial)
    cause: dict[NodeId, NodeId] = {}
    queue = [(value, node_id) for node_id, value in initial.items()]
    heapq.heapify(queue)
    final: set[NodeId] = set()
    waits: dict[tuple[NodeId, str], list[tuple[float, NodeId]]] = defaultdict(list)
    while queue:
        now, node_id = heapq.heappop(queue)
        if node_id in final:
            continue
        final.add(node_id)
        for edge in region.dependents(node_id):
            if edge.source in final or (hard_only and not edge.hard):
                continue
            offer, via = now + edge.onset_days, node_id
            if edge.group is not None:
                arrived = waits[edge.source, edge.group]
                arrived.append((offer, node_id))
                members = [
                    e
                    for e in region.dependencies(edge.source)
                    if e.group == edge.group and (e.hard or not hard_only)
                ]
                if len(arrived) < len(members):
                    continue
                latest = max(value for value, _ in arrived)
                offer, via = next((v, m) for v, m in arrived if v == latest)
            if offer < day.get(edge.source, INF):
                day[edge.source], cause[edge.source] = offer, via
                heapq.heappush(queue, (offer, edge.source))
    return cause


@SETTINGS
@given(estates(), st.data())
def test_every_cause_is_the_first_offer_of_the_final_day(
    random: Random, data: st.DataObject
) -> None:
    """The chains name, for each node, the dependency whose offer first set its day, in
    the order nodes become final; equal days are broken the same way every run."""
    backend = EmbeddedGraph(random.estate)
    withdrawn = data.draw(st.sets(st.sampled_from(random.ids), min_size=1, max_size=4))
    region = backend.dependency_region(withdrawn)
    times = propagate(region, withdrawn)
    initial = dict.fromkeys(withdrawn, 0.0)
    assert dict(times.fail_cause) == _reference_causes(region, initial, hard_only=True)
    assert dict(times.degrade_cause) == _reference_causes(region, dict(times.fail), hard_only=False)


@SETTINGS
@given(estates(), st.data())
def test_licence_days_enter_the_same_fixed_point(random: Random, data: st.DataObject) -> None:
    """Withdrawn software that runs until its subscription ends, and software that runs on
    unsupported, start the propagation at their own days instead of day 0."""
    start = date(2026, 1, 1)
    days = data.draw(st.lists(st.sampled_from([0, 10, 40, 400]), min_size=len(random.ids)))
    ids = random.ids
    estate = random.estate.model_copy(
        update={
            "components": tuple(
                c.model_copy(
                    update={
                        "contract": Contract(end=start + timedelta(days=days[i])),
                        "support_end": start + timedelta(days=days[-1 - i]),
                    }
                )
                for i, c in enumerate(random.estate.components)
            )
        }
    )
    backend = EmbeddedGraph(estate)
    withdrawn = data.draw(st.sets(st.sampled_from(ids), min_size=1, max_size=3))
    subscriptions = data.draw(st.sets(st.sampled_from(sorted(withdrawn))))
    unsupported = data.draw(st.sets(st.sampled_from(ids), max_size=2)) - withdrawn
    times = propagate(
        backend.dependency_region([*withdrawn, *unsupported]),
        withdrawn,
        start=start,
        subscriptions=subscriptions,
        unsupported=unsupported,
    )
    position = {node: i for i, node in enumerate(ids)}
    expected_fail, expected_degrade = _reference(
        backend,
        withdrawn,
        {n: float(days[position[n]]) for n in subscriptions},
        {n: float(days[-1 - position[n]]) for n in unsupported},
    )
    assert dict(times.fail) == expected_fail
    assert dict(times.degrade) == expected_degrade
    for node in times.degrade:  # every chain ends where the effect began
        chain = times.chain(node, broken=node in times.fail)
        assert chain[-1] in withdrawn | unsupported


@SETTINGS
@given(estates(), st.data())
def test_withdrawing_more_never_affects_fewer_nor_later(
    random: Random, data: st.DataObject
) -> None:
    backend = EmbeddedGraph(random.estate)
    smaller = data.draw(st.sets(st.sampled_from(random.ids), min_size=1, max_size=2))
    larger = smaller | data.draw(st.sets(st.sampled_from(random.ids), max_size=3))
    few = propagate(backend.dependency_region(smaller), smaller)
    many = propagate(backend.dependency_region(larger), larger)
    assert set(few.degrade) <= set(many.degrade)
    assert set(few.fail) <= set(many.fail)
    for node, day in few.fail.items():
        assert many.fail[node] <= day
    for node, day in few.degrade.items():
        assert many.degrade[node] <= day


@SETTINGS
@given(estates(), st.data())
def test_withdrawals_that_share_reads_answer_as_each_alone(
    random: Random, data: st.DataObject
) -> None:
    """The explorer runs every choice with one ``Shared``: what it keeps from one
    withdrawal must not change the answer to the next, nor what it stops keeping when a
    run comes on another backend."""
    backend = EmbeddedGraph(random.estate)
    choices = data.draw(
        st.lists(
            st.tuples(st.sets(st.sampled_from(random.ids), min_size=1, max_size=3), st.booleans()),
            max_size=5,
        )
    )
    shared = Shared()
    for withdrawn, elsewhere in choices:
        selectors = [f"component:{n}" for n in sorted(withdrawn)]
        on = EmbeddedGraph(random.estate) if elsewhere else backend
        together = timeline(on, selectors, shared=shared)
        alone = timeline(EmbeddedGraph(random.estate), selectors)
        assert together.simulation == alone.simulation
        assert together.times.fail == alone.times.fail


def test_runs_on_a_second_backend_keep_nothing_alive() -> None:
    """Once runs come on different backends (Neo4j reads a region per withdrawal),
    ``Shared`` keeps nothing: the last run's region would otherwise stay in memory beside
    the next one's."""
    shared = Shared()
    timeline(build("s:svc -> a\na -> b"), ["component:b"], shared=shared)
    second = build("s:svc -> a\na -> b")
    timeline(second, ["component:b"], shared=shared)
    kept = weakref.ref(second)
    del second
    gc.collect()
    assert kept() is None


@SETTINGS
@given(estates(), st.data())
def test_every_chain_follows_real_dependencies_to_a_withdrawn_node(
    random: Random, data: st.DataObject
) -> None:
    backend = EmbeddedGraph(random.estate)
    withdrawn = data.draw(st.sets(st.sampled_from(random.ids), min_size=1, max_size=3))
    result = simulate(backend, [f"component:{n}" for n in withdrawn])
    real = {(e.source, e.target) for e in backend.edges(Rel.DEPENDS_ON)}
    for affected in result.affected:
        chain = affected.because
        assert chain[0] == affected.id
        assert chain[-1] in result.withdrawn
        assert all((a, b) in real for a, b in itertools.pairwise(chain))
        assert len(set(chain)) == len(chain)


def _in_use_reference(random: Random) -> set[NodeId]:
    """What is in use: an active component, or a candidate that an active one or a service
    reaches by dependencies through candidates alone (taken as running)."""
    active = {c.id for c in random.estate.components if c.lifecycle is Lifecycle.ACTIVE}
    starts = active | {s.id for s in random.estate.services}
    through: nx.DiGraph[NodeId] = nx.DiGraph()
    elements: list[Component | Service] = [*random.estate.components, *random.estate.services]
    for element in elements:
        for dependency in element.depends_on:
            if dependency.ref not in active:  # an edge into a candidate
                through.add_edge(element.id, dependency.ref)
    return active | {
        reached
        for start in starts
        if start in through
        for reached in nx.descendants(through, start)
    }


@SETTINGS
@given(estates())
def test_what_is_in_use_is_what_runs_and_what_it_needs_that_nobody_runs(random: Random) -> None:
    """A candidate that something in use needs, directly or through other candidates, is
    taken as running (``region.idle``), on the whole estate's region."""
    region = EmbeddedGraph(random.estate).dependency_region(random.ids)
    assert {n for n in random.ids if region.in_use(n)} == _in_use_reference(random)
    active = {c.id for c in random.estate.components if c.lifecycle is Lifecycle.ACTIVE}
    taken = taken_as_running(random.estate.components, random.estate.services)
    assert active | taken == _in_use_reference(random)  # the loading notices and validate


def _restorable_reference(random: Random, withdrawn: set[NodeId]) -> set[NodeId]:
    """DESIGN.md's "restorable", as a least fixed point by plain iteration: a node is
    restorable when unaffected; withdrawn with a candidate that is not withdrawn and is
    restorable; broken with every hard need restorable (a group: one member); or, in use
    and broken, with a restorable candidate of its own that is not withdrawn."""
    broken = set(
        propagate(EmbeddedGraph(random.estate).dependency_region(withdrawn), withdrawn).fail
    )
    listed: list[Component | Service] = [*random.estate.components, *random.estate.services]
    elements = {e.id: e for e in listed}
    offers: dict[NodeId, list[NodeId]] = defaultdict(list)
    for alternative in random.estate.alternatives:
        offers[alternative.replaces].append(alternative.candidate)
    in_use = _in_use_reference(random)
    restorable = {n for n in elements if n not in broken}
    changed = True
    while changed:
        changed = False
        for node_id in sorted(broken - restorable):
            component = elements[node_id]
            candidates = [c for c in offers[node_id] if c not in withdrawn and c in restorable]
            singles = [
                d.ref
                for d in component.depends_on
                if d.strength is Strength.HARD and not d.any_of_group
            ]
            groups: dict[str, list[NodeId]] = defaultdict(list)
            for d in component.depends_on:
                if d.strength is Strength.HARD and d.any_of_group:
                    groups[d.any_of_group].append(d.ref)
            by_needs = (
                node_id not in withdrawn
                and all(t in restorable for t in singles)
                and all(any(m in restorable for m in members) for members in groups.values())
            )
            own = candidates and (node_id in withdrawn or node_id in in_use)
            if by_needs or own:
                restorable.add(node_id)
                changed = True
    return restorable & set(random.ids)  # the components: what restorability is asked of


@SETTINGS
@given(estates(), st.data())
def test_restorability_asked_of_any_node_is_the_least_fixed_point(
    random: Random, data: st.DataObject
) -> None:
    """The fixed point is first computed where the candidates' viability needs it; the
    plan may ask about any node after (``settled``), in any order, and must get the
    answer the whole fixed point gives."""
    backend = EmbeddedGraph(random.estate)
    withdrawn = data.draw(st.sets(st.sampled_from(random.ids), min_size=1, max_size=4))
    region = backend.dependency_region(withdrawn)
    times = propagate(region, frozenset(withdrawn))
    restorability = Assessor(backend, region, Preferences()).choose(times).restorability
    asked = data.draw(st.permutations(random.ids))
    found = {node_id for node_id in asked if restorability.settled(node_id)}
    assert found == _restorable_reference(random, withdrawn)


@SETTINGS
@given(estates(), st.data())
def test_what_holds_back_a_candidate_is_withdrawn_unrestorable_and_replaced_by_no_step(
    random: Random, data: st.DataObject
) -> None:
    """A held-back component is withdrawn, cannot be restored, has no step of its own, and
    a candidate for each component it holds back (one with no viable alternative) needs
    it hard, directly or through others."""
    withdrawn = data.draw(st.sets(st.sampled_from(random.ids), min_size=1, max_size=4))
    result = simulate(EmbeddedGraph(random.estate), [f"component:{n}" for n in withdrawn])
    restorable = _restorable_reference(random, withdrawn)
    missing = {r.replaces: r for r in result.missing}
    replaced = {r.replaces for r in result.replacements}
    needs: nx.DiGraph[NodeId] = nx.DiGraph()
    needs.add_edges_from(
        (c.id, d.ref)
        for c in random.estate.components
        for d in c.depends_on
        if d.strength == "hard"
    )
    for held in result.held_back:
        assert held.id in withdrawn
        assert held.id not in restorable
        assert held.id not in replaced
        assert held.id in result.not_needed
        for component in held.holds_back:
            candidates = [c.candidate for c in missing[component].candidates]
            assert any(c in needs and nx.has_path(needs, c, held.id) for c in candidates)
    # ... and none is missed: every withdrawn component that an unviable candidate of one
    # with no viable alternative reaches through what cannot be restored is held back
    expected: dict[NodeId, set[NodeId]] = defaultdict(set)
    for component, replacement in missing.items():
        for candidate in replacement.candidates:
            if not (candidate.reason or "").startswith("needs"):
                continue
            for blocker in _blockers(random, candidate.candidate, restorable, withdrawn):
                if blocker not in replaced:
                    expected[blocker].add(component)
    assert {h.id: h.holds_back for h in result.held_back} == {
        blocker: tuple(sorted(held)) for blocker, held in expected.items()
    }


def _blockers(
    random: Random, start: NodeId, restorable: set[NodeId], withdrawn: set[NodeId]
) -> set[NodeId]:
    """The withdrawn components reached from ``start`` through hard needs that cannot be
    restored (a single need; every member of a group none of whose members can be)."""
    components = {c.id: c for c in random.estate.components}
    found: set[NodeId] = set()
    seen, stack = {start}, [start]
    while stack:
        groups: dict[str, list[NodeId]] = defaultdict(list)
        blocking = []
        for dependency in components[stack.pop()].depends_on:
            if dependency.strength != "hard":
                continue
            if dependency.any_of_group is None:
                if dependency.ref not in restorable:
                    blocking.append(dependency.ref)
            else:
                groups[dependency.any_of_group].append(dependency.ref)
        for members in groups.values():
            if not any(m in restorable for m in members):
                blocking += members
        for target in blocking:
            if target not in seen:
                seen.add(target)
                (found.add if target in withdrawn else stack.append)(target)
    return found


def _waited_for(backend: EmbeddedGraph, withdrawn: set[NodeId]) -> nx.DiGraph[NodeId]:
    """The dependencies a step's candidate waits for: every one, but that through a
    redundant group a member that cannot be restored is not waited for when another
    member can be."""
    region = backend.dependency_region(withdrawn)
    times = propagate(region, frozenset(withdrawn))
    restorable = Assessor(backend, region, Preferences()).choose(times).restorability.settled
    members: dict[tuple[NodeId, str], list[NodeId]] = defaultdict(list)
    for edge in backend.edges(Rel.DEPENDS_ON):
        if edge.properties.get("group") is not None:
            members[edge.source, str(edge.properties["group"])].append(edge.target)

    def waited(edge: GraphEdge) -> bool:
        group = edge.properties.get("group")
        if group is None or restorable(edge.target):
            return True
        return not any(restorable(m) for m in members[edge.source, str(group)])

    graph: nx.DiGraph[NodeId] = nx.DiGraph()
    graph.add_edges_from((e.source, e.target) for e in backend.edges(Rel.DEPENDS_ON) if waited(e))
    return graph


@SETTINGS
@given(estates(), st.data())
def test_the_plan_respects_every_precedence(random: Random, data: st.DataObject) -> None:
    backend = EmbeddedGraph(random.estate)
    withdrawn = data.draw(st.sets(st.sampled_from(random.ids), min_size=1, max_size=4))
    plan = simulate(backend, [f"component:{n}" for n in withdrawn]).plan
    graph = _waited_for(backend, withdrawn)
    graph.add_nodes_from(random.ids)
    # What each step's candidate reaches without passing through a withdrawn component.
    open_graph = graph.subgraph(n for n in graph if n not in withdrawn)
    wave_of = {}
    for step in plan.steps:
        for move in step.moves:
            wave_of[(step.kind, move.replaces)] = (step.wave, step.id)
    for step in plan.steps:
        if step.kind is not StepKind.REPLACE:
            continue
        for move in step.moves:
            if move.candidate is None:
                continue
            reach = (
                set(nx.descendants(open_graph, move.candidate))
                if move.candidate in open_graph
                else set()
            )
            frontier = reach | {move.candidate}
            touched = {t for s in frontier for t in graph.successors(s)} | reach
            for other in plan.steps:
                if other.id == step.id or other.kind is not StepKind.REPLACE:
                    continue
                for earlier in other.moves:
                    if earlier.replaces in touched or (earlier.candidate in reach):
                        assert other.wave < step.wave, (other.id, step.id)
        for export in plan.steps:
            if export.kind is StepKind.EXPORT and export.replaces in {
                m.replaces for m in step.moves
            }:
                assert export.wave < step.wave


@SETTINGS
@given(estates(), st.data())
def test_a_step_is_due_for_the_steps_after_it_by_the_longest_way_to_each_deadline(
    random: Random, data: st.DataObject
) -> None:
    """``due_for_next``, told another way: for every later step that can be scheduled,
    its deadline less the longest run of durations from just after this step to its end;
    the earliest of these, kept where it is earlier than the step's own deadline."""
    withdrawn = data.draw(st.sets(st.sampled_from(random.ids), min_size=1, max_size=4))
    plan = simulate(EmbeddedGraph(random.estate), [f"component:{n}" for n in withdrawn]).plan
    steps = {step.id: step for step in plan.steps}
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(s for s in steps if not steps[s].blocked)
    graph.add_edges_from(
        (before, step.id) for step in plan.steps for before in step.after if not step.blocked
    )
    days = {s: math.ceil((steps[s].duration_weeks or 0.0) * 7) for s in graph}
    for step_id in graph:
        longest: dict[str, int] = {}  # the longest run of durations from step_id to each
        for node in nx.topological_sort(graph.subgraph(nx.descendants(graph, step_id))):
            before = [longest[p] for p in graph.predecessors(node) if p in longest]
            if step_id in graph.predecessors(node):
                before.append(0)
            longest[node] = max(before) + days[node]
        deadlines = {t: steps[t].deadline for t in longest}
        bounds = [due - longest[t] for t, due in deadlines.items() if due is not None]
        own = steps[step_id].deadline
        expected = min(bounds) if bounds and (own is None or min(bounds) < own) else None
        if steps[step_id].kind is StepKind.EXPORT or not steps[step_id].duration_weeks:
            expected = None  # no step to speed up
        assert steps[step_id].due_for_next == expected, step_id


@SETTINGS
@given(estates(), st.data())
def test_why_agrees_with_the_propagation(random: Random, data: st.DataObject) -> None:
    """The earliest breaking chain of a node is its failure day, the earliest chain of
    all its degradation day, and a node the withdrawal does not reach has no chain; each
    chain follows dependencies, link by link."""
    backend = EmbeddedGraph(random.estate)
    withdrawn = data.draw(st.sets(st.sampled_from(random.ids), min_size=1, max_size=3))
    region = backend.dependency_region(sorted(withdrawn))
    times = propagate(region, withdrawn)
    for node_id in random.ids:
        found, truncated = chains(region, times, node_id, limit=100_000)
        assert not truncated
        breaking = [chain.day for chain in found if chain.breaks]
        assert min(breaking, default=NEVER) == times.fails_at(node_id), node_id
        assert min((c.day for c in found), default=NEVER) == times.degrades_at(node_id), node_id
        for chain in found:
            assert [(e.source, e.target) for e in chain.links] == list(
                itertools.pairwise(chain.nodes)
            )
        first, cut = chains(region, times, node_id, limit=1)  # the walk stops at 5
        assert [(c.day, c.breaks) for c in first] == [(c.day, c.breaks) for c in found[:1]]
        assert cut == (len(found) > 1)
        least, _ = chains(region, times, node_id, walked=0)  # the decisive chains alone
        assert min((c.day for c in least if c.breaks), default=NEVER) == times.fails_at(node_id)
        assert min((c.day for c in least), default=NEVER) == times.degrades_at(node_id)


def test_why_stops_walking_a_web_of_soft_dependencies_that_leads_nowhere() -> None:
    """A needs Z hard and Z the withdrawn W; A and eight others all need each other softly.
    The one chain is S <- A <- Z <- W, but the walk tried every path through the web of
    nine, 9! of them (helper-87: eleven took 127 s): it stops, and the chain is there."""
    web = ["a", *(f"k{i}" for i in range(8))]
    lines = [f"{x} -> {y} soft" for x in web for y in web if x != y]
    backend = build("\n".join(["s:s -> a", "a -> z", "z -> w", *lines]))
    region = backend.dependency_region([NodeId("w")])
    times = propagate(region, [NodeId("w")])
    found, truncated = chains(region, times, NodeId("s"))
    assert truncated  # the walk stopped: more chains may exist
    assert [c.nodes for c in found if c.breaks] == [("s", "a", "z", "w")]


def test_why_walks_a_chain_longer_than_python_recursion() -> None:
    length = 3 * sys.getrecursionlimit()
    lines = [f"c{i} -> c{i + 1}" for i in range(length)]
    backend = build("\n".join(lines))
    region = backend.dependency_region([NodeId(f"c{length}")])
    times = propagate(region, [NodeId(f"c{length}")])
    (found,), truncated = chains(region, times, NodeId("c0"))
    assert not truncated
    assert found.nodes == tuple(NodeId(f"c{i}") for i in range(length + 1))


def _out_of_reach_reference(
    random: Random, excluded: set[NodeId], withdrawn: set[NodeId]
) -> set[NodeId]:
    """What a scenario's exclusions keep from being brought in, by plain iteration: a node
    not in use and not withdrawn that is excluded, or needs hard what is out of reach (of
    a redundant group, every member)."""
    in_use = _in_use_reference(random)
    out: set[NodeId] = set()
    changed = True
    while changed:
        changed = False
        for component in random.estate.components:
            if component.id in out or component.id in in_use or component.id in withdrawn:
                continue
            hard = [d for d in component.depends_on if d.strength is Strength.HARD]
            groups: dict[str, list[NodeId]] = defaultdict(list)
            for d in hard:
                if d.any_of_group:
                    groups[d.any_of_group].append(d.ref)
            if (
                component.id in excluded
                or any(d.ref in out for d in hard if not d.any_of_group)
                or any(all(m in out for m in members) for members in groups.values())
            ):
                out.add(component.id)
                changed = True
    return out


@st.composite
def offered(draw: st.DrawFn) -> Random:
    """An estate of what exclusions act on: services on components in use, candidates
    offered for them, and candidates that need other candidates (alone, or one of a
    redundant pair), none of which is in use. The estates above have few of those."""
    actives = [f"a{i}" for i in range(draw(st.integers(1, 4)))]
    candidates = [f"k{i}" for i in range(draw(st.integers(1, 6)))]
    lines = [f"s:s{i} -> {a}" for i, a in enumerate(actives)]
    lines += [
        f"{a} -> {b}"
        for i, a in enumerate(actives)
        for b in actives[i + 1 :]
        if draw(st.booleans())
    ]
    lines += [f"candidate {k}" for k in candidates]
    for k in candidates:
        for a in actives:
            if draw(st.integers(0, 2)) == 0:
                lines.append(
                    f"alt {k} for {a} R{draw(st.integers(1, 4))} weeks={draw(st.integers(1, 9))}"
                )
    for i, k in enumerate(candidates):
        later = candidates[i + 1 :]
        needed = draw(st.lists(st.sampled_from(later), unique=True, max_size=3)) if later else []
        paired = len(needed) >= 2 and draw(st.booleans())
        for j, n in enumerate(needed):
            grouped = paired and j < 2
            soft = not grouped and draw(st.integers(0, 3)) == 0
            lines.append(f"{k} -> {n}" + (" group=g" if grouped else " soft" if soft else ""))
        if draw(st.integers(0, 3)) == 0:
            lines.append(f"{k} -> {draw(st.sampled_from(actives))}")
    estate = build_estate("\n".join(lines))
    return Random(estate, [c.id for c in estate.components])


@SETTINGS
@given(offered(), st.data())
def test_an_exclusion_keeps_out_what_it_names_and_what_needs_it_and_changes_nothing_else(
    random: Random, data: st.DataObject
) -> None:
    """No candidate chosen is excluded, or needs what an exclusion keeps out; and where no
    exclusion touches what the choice without them rests on (the candidates chosen, all
    they need, the candidates of those, and so on), the choice is the same (helper-92: the
    property estates had set no exclusions)."""
    withdrawn = data.draw(st.sets(st.sampled_from(random.ids), min_size=1, max_size=4))
    candidates = [c.id for c in random.estate.components if c.lifecycle is Lifecycle.CANDIDATE]
    excluded = data.draw(st.sets(st.sampled_from(random.ids), max_size=1))
    if candidates:  # what scenarios exclude: candidates, most often
        excluded |= data.draw(st.sets(st.sampled_from(candidates), max_size=2))
    selectors = [f"component:{n}" for n in sorted(withdrawn)]
    before = simulate(EmbeddedGraph(random.estate), selectors)
    options = Options(exclude_candidates=frozenset(excluded))
    after = simulate(EmbeddedGraph(random.estate), selectors, options)
    out = _out_of_reach_reference(random, excluded, withdrawn)
    backend = EmbeddedGraph(random.estate)
    region = backend.dependency_region(withdrawn)
    assessor = Assessor(backend, region, Preferences(exclude=frozenset(excluded)))
    found, _ = assessor.out_of_reach(set(random.ids), propagate(region, frozenset(withdrawn)))
    assert found == out  # asked of every node: the walk reaches all not in use
    chosen = {r.replaces: r.chosen.candidate for r in after.replacements if r.chosen}
    assert not set(chosen.values()) & excluded
    assert not set(chosen.values()) & out
    offers: dict[NodeId, list[NodeId]] = defaultdict(list)
    for alternative in random.estate.alternatives:
        offers[alternative.replaces].append(alternative.candidate)
    listed: list[Component | Service] = [*random.estate.components, *random.estate.services]
    needs = {element.id: [d.ref for d in element.depends_on] for element in listed}
    rests_on: set[NodeId] = set()
    stack = [r.chosen.candidate for r in before.replacements if r.chosen]
    while stack:
        node = stack.pop()
        if node not in rests_on:
            rests_on.add(node)
            stack.extend([*needs.get(node, ()), *offers.get(node, ())])
    if not rests_on & excluded:
        assert chosen == {r.replaces: r.chosen.candidate for r in before.replacements if r.chosen}
