"""The register and the check answer from ``Reach`` (what a withdrawal affects, without
the days) instead of one full simulation per component: the answers must not change."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import generate
from exitplan.errors import UsageError
from exitplan.graph import EmbeddedGraph, Label, Rel
from exitplan.graph.port import GraphBackend
from exitplan.loading import load_estate
from exitplan.model import NodeId
from exitplan.select import Mode
from exitplan.simulate import Options, simulate
from exitplan.simulate.alternatives import Assessor, Preferences
from exitplan.simulate.policy import EstateView
from exitplan.simulate.propagate import propagate
from exitplan.simulate.reach import Reach, each_withdrawal, hard_acyclic
from exitplan.simulate.register import register_rows, substitutability
from exitplan.simulate.result import State
from tests.conftest import EXAMPLE
from tests.simulate.build import build
from tests.simulate.test_properties import SETTINGS, Random, estates


@SETTINGS
@given(estates(), st.data())
def test_reach_is_what_propagate_gives_a_day(random: Random, data: st.DataObject) -> None:
    backend = EmbeddedGraph(random.estate)
    reach = Reach(backend.dependency_region(random.ids))  # one Reach for every withdrawal
    for _ in range(3):
        withdrawn = data.draw(st.sets(st.sampled_from(random.ids), min_size=1, max_size=3))
        times = propagate(backend.dependency_region(withdrawn), withdrawn)
        reached = reach.of(withdrawn)
        assert reached.fail == set(times.fail)
        assert reached.degrade == set(times.degrade)
        assert reached.withdrawn == withdrawn


@SETTINGS
@given(estates(), st.data())
def test_choices_are_the_same_when_the_offered_components_are_known(
    random: Random, data: st.DataObject
) -> None:
    """Knowing which components have candidates only saves reading the others."""
    backend = EmbeddedGraph(random.estate)
    withdrawn = data.draw(st.sets(st.sampled_from(random.ids), min_size=1, max_size=4))
    region = backend.dependency_region(withdrawn)
    times = propagate(region, withdrawn)
    offered = frozenset(edge.target for edge in backend.edges(Rel.ALTERNATIVE_FOR))
    every = Assessor(backend, region, Preferences()).choose(times)
    known = Assessor(backend, region, Preferences()).choose(times, offered=offered)
    assert known.replacements == every.replacements
    assert known.replaced == every.replaced


def _by_simulation(backend: GraphBackend, component: NodeId) -> tuple[object, ...]:
    """The register's columns as one full simulation per component gives them."""
    simulation = simulate(backend, [f"component:{component}"], Options(mode=Mode.EXIT))
    level, reason = substitutability(simulation)
    services = simulation.services
    recorded = not services or any(s.consumers for s in services)  # else "none recorded"
    users = simulation.users_affected if recorded else None
    return tuple(s.id for s in services), users, level, reason


def _assert_register_as_simulated(backend: GraphBackend) -> None:
    rows = register_rows(backend)
    assert rows
    for row in rows:
        expected = _by_simulation(backend, row.id)
        assert (row.services, row.users, row.substitutability, row.reason) == expected, row.id


@SETTINGS
@given(estates())
def test_register_of_random_estates_is_one_simulation_per_component(random: Random) -> None:
    """Random estates have cycles through redundant groups, candidates that need what
    they replace, and components that nothing offers to replace."""
    _assert_register_as_simulated(EmbeddedGraph(random.estate))


def test_register_of_the_example_estate_is_one_simulation_per_component() -> None:
    _assert_register_as_simulated(EmbeddedGraph(load_estate(EXAMPLE)))


@settings(max_examples=12, deadline=None)
@given(st.integers(min_value=30, max_value=160), st.integers(min_value=0, max_value=10_000))
def test_register_of_synthetic_estates_is_one_simulation_per_component(
    size: int, seed: int
) -> None:
    """Synthetic estates have hubs, redundant pairs, soft dependencies, candidates that
    need what is withdrawn, services and their users."""
    _assert_register_as_simulated(EmbeddedGraph(generate(size, seed=seed)))


@pytest.mark.parametrize(
    ("spec", "acyclic"),
    [
        ("a -> b\nb -> c", True),
        ("a -> b soft\nb -> a", True),  # soft edges are left out
        ("a -> b group=g\na -> c group=g\nb -> a", False),  # a cycle through a group
        ("a -> b group=g\na -> c group=g\nb -> c", True),
        ("s:x -> a\na -> b\nb -> d\na -> d", True),
    ],
)
def test_hard_acyclic(spec: str, acyclic: bool) -> None:
    graph = build(spec)
    nodes = [n.id for n in graph.nodes() if n.label in (Label.COMPONENT, Label.SERVICE)]
    assert hard_acyclic(graph.dependency_region(nodes), nodes) is acyclic


@pytest.mark.parametrize("size", [0, 80, 200])
def test_check_sees_what_simulate_sees(size: int) -> None:
    """The check's rules read what a component or a vendor group breaks from ``Reach``:
    the services ``simulate`` calls broken and degraded, for every one of them."""
    backend = EmbeddedGraph(generate(size, seed=size) if size else load_estate(EXAMPLE))
    view = EstateView.read(backend, backend.info.as_of)
    selectors = [f"vendor:{v.id}" for v in backend.nodes(Label.VENDOR)]
    selectors += [f"component:{c.id}" for c in backend.nodes(Label.COMPONENT)]
    for selector in selectors:
        try:
            simulation = simulate(backend, [selector], Options(mode=Mode.EXIT, detail=False))
        except UsageError:  # a vendor that provides nothing
            continue
        states = {s.id: s.state for s in simulation.services}
        broken = {s for s, state in states.items() if state is State.BROKEN}
        assert view.broken_services(selector) == broken, selector
        if selector.startswith("component:"):
            impact = view.impact(NodeId(selector.removeprefix("component:")))
            assert impact.broken | impact.degraded == set(states)
            assert impact.broken == broken


@st.composite
def _dependencies(draw: st.DrawFn) -> str:
    """A small estate as ``build`` reads it: services and components that depend on
    components hard or soft, alone or in groups (soft members too), with cycles of every
    kind, a node on its own included."""
    components = [f"n{i}" for i in range(draw(st.integers(min_value=1, max_value=9)))]
    services = [f"s:x{i}" for i in range(draw(st.integers(min_value=0, max_value=3)))]
    lines = [f"candidate {components[0]}"] if draw(st.booleans()) else []
    for source in [*services, *components]:
        for target in draw(st.lists(st.sampled_from(components), max_size=4, unique=True)):
            strength = draw(st.sampled_from(["", " soft"]))
            group = draw(st.sampled_from(["", "", " group=g", " group=h"]))
            lines.append(f"{source} -> {target}{strength}{group}")
    return "\n".join(lines or [f"{components[0]} -> {components[0]} soft"])


@SETTINGS
@given(_dependencies(), st.data())
def test_each_withdrawal_is_what_reach_gives(spec: str, data: st.DataObject) -> None:
    """``each_withdrawal`` works out many withdrawals at once (each component alone, as
    the check's rules ask, or several together, as a vendor group): of the targets, the
    same broken and degraded nodes as ``Reach`` gives for each on its own."""
    graph = build(spec)
    components = sorted(n.id for n in graph.nodes(Label.COMPONENT))
    every = sorted(n.id for n in graph.nodes() if n.label in (Label.COMPONENT, Label.SERVICE))
    targets = data.draw(st.sets(st.sampled_from(every), min_size=1))
    withdrawals: dict[str, frozenset[NodeId]] = {c: frozenset([c]) for c in components}
    for index, together in enumerate(
        data.draw(st.lists(st.frozensets(st.sampled_from(components), min_size=1), max_size=3))
    ):
        withdrawals[f"group {index}"] = together
    region = graph.dependency_region(components)
    found = each_withdrawal(region, withdrawals, targets)
    reach = Reach(region)
    for key, withdrawn in withdrawals.items():
        reached = reach.of(withdrawn)
        affected = reached.degrade & targets
        broken = affected & reached.fail
        assert found.get(key, (frozenset(), frozenset())) == (broken, affected - broken), key
        assert key not in found or affected  # only those that reach a target
