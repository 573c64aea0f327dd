"""Sensitivity: each assumption varied as it could be wrong, on an estate seen through
``VariedGraph``. The varied estate must simulate exactly as the same estate edited and
loaded afresh (property test), and the ranking must follow the rules (table tests)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exitplan.graph import EmbeddedGraph, GraphBackend, Rel
from exitplan.graph.varied import EdgeKey, VariedGraph
from exitplan.model import Component, NodeId, Origin, Strength
from exitplan.render.report import dump_report_markdown
from exitplan.select import Mode
from exitplan.simulate import Options, simulate
from exitplan.simulate.assumed import assumptions
from exitplan.simulate.result import Affected, Consumer, ServiceImpact, Simulation, State, people
from exitplan.simulate.sensitivity import (
    FIGURES,
    Headline,
    Recount,
    Variation,
    _earlier,
    likeliest_first,
    sensitivity,
)
from exitplan.simulate.strategy import exit_strategy
from tests.simulate.build import build
from tests.simulate.build import estate as build_estate
from tests.simulate.test_properties import Random, estates


def _edited(random: Random, owner: NodeId, target: NodeId, how: str) -> EmbeddedGraph:
    """The estate with one dependency changed in the model, loaded afresh."""
    components = []
    for component in random.estate.components:
        if component.id == owner:
            kept = []
            for entry in component.depends_on:
                if entry.ref != target:
                    kept.append(entry)
                elif how == "hard":
                    kept.append(entry.model_copy(update={"strength": Strength.HARD}))
                elif how == "halved":
                    grace = entry.onset.grace_days
                    onset = entry.onset.model_copy(update={"grace_days": grace // 2})
                    kept.append(entry.model_copy(update={"onset": onset}))
            components.append(
                Component.model_validate(
                    {**component.model_dump(by_alias=True), "depends_on": kept}
                )
            )
        else:
            components.append(component)
    return EmbeddedGraph(random.estate.model_copy(update={"components": tuple(components)}))


def _varied(backend: GraphBackend, owner: NodeId, target: NodeId, how: str) -> VariedGraph:
    key = EdgeKey(Rel.DEPENDS_ON, owner, target)
    (edge,) = [e for e in backend.edges(Rel.DEPENDS_ON) if EdgeKey.of(e) == key]
    if how == "absent":
        return VariedGraph(backend, edges={key: None})
    if how == "hard":
        changed = {**edge.properties, "strength": "hard"}
    else:
        onset = edge.properties["onset_days"]
        assert isinstance(onset, int)
        changed = {**edge.properties, "onset_days": onset // 2}
    return VariedGraph(backend, edges={key: dataclasses.replace(edge, properties=changed)})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates(), st.data())
def test_a_varied_estate_simulates_as_the_edited_estate_loaded_afresh(
    random: Random, data: st.DataObject
) -> None:
    owners = [c for c in random.estate.components if c.depends_on]
    if not owners:
        return
    owner = data.draw(st.sampled_from(owners))
    entry = data.draw(st.sampled_from(owner.depends_on))
    ways = ["absent"]
    if entry.strength is Strength.SOFT:
        ways.append("hard")
    if getattr(entry.onset, "grace_days", 0) > 1:
        ways.append("halved")
    how = data.draw(st.sampled_from(ways))
    withdrawn = data.draw(st.lists(st.sampled_from(random.ids), min_size=1, max_size=3))
    selectors = [f"component:{node_id}" for node_id in withdrawn]
    options = Options(mode=data.draw(st.sampled_from(list(Mode))))
    backend = EmbeddedGraph(random.estate)
    backend.dependency_region([]).walk()  # the walk the variation patches is built
    expected = simulate(_edited(random, owner.id, entry.ref, how), selectors, options)
    assert simulate(_varied(backend, owner.id, entry.ref, how), selectors, options) == expected


def _ranked(spec: str, selectors: list[str], horizon: int | None = None) -> list[tuple[str, str]]:
    backend = build(spec)
    analysis = sensitivity(backend, lambda b: simulate(b, selectors, Options(horizon=horizon)))
    return [(s.assumption.subject, s.variation.what) for s in analysis.ranked]


@pytest.mark.parametrize(
    ("spec", "selectors", "horizon", "expected"),
    [
        pytest.param(
            """
            s:mail -> a assumed
            s:chat -> b
            users mail org 100
            users chat org 100
            """,
            ["component:a"],
            None,
            [("mail → a", "absent")],
            id="an assumed dependency that breaks a service: absent, nothing breaks",
        ),
        pytest.param(
            """
            s:mail -> a soft assumed
            users mail org 100
            """,
            ["component:a"],
            None,
            [("mail → a", "hard instead of soft")],
            id="a soft dependency that is hard: the service breaks",
        ),
        pytest.param(
            """
            s:mail -> a inferred=strength
            users mail org 100
            """,
            ["component:a"],
            None,
            [("mail → a", "soft instead of hard")],
            id="an import read the dependency and guessed it hard: soft, not absent",
        ),
        pytest.param(
            """
            s:mail -> a soft inferred=strength
            users mail org 100
            """,
            ["component:a"],
            None,
            [("mail → a", "hard instead of soft")],
            id="an import read the dependency and guessed it soft: hard",
        ),
        pytest.param(
            """
            s:mail -> a inferred=ref,strength
            users mail org 100
            """,
            ["component:a"],
            None,
            [("mail → a", "absent")],
            id="an import derived the dependency through others: absent is asked too",
        ),
        pytest.param(
            """
            s:mail -> a grace=60 assumed
            users mail org 100
            """,
            ["component:a"],
            90,
            [("mail → a", "absent")],
            id="a grace period halved moves no headline figure: the service breaks either way",
        ),
        pytest.param(
            """
            s:mail -> a
            alt k for a R3 weeks=10 assumed
            candidate k
            """,
            ["component:a"],
            None,
            [("k for a", "not viable")],
            id="an alternative not viable: a component with no alternative",
        ),
        pytest.param(
            """
            s:mail -> a
            s:chat -> b
            s:chat -> c
            users mail org 100
            users chat org 100
            alt k for a R3 weeks=10
            candidate k
            assumed b
            """,
            ["component:a", "component:b", "component:c"],
            None,
            [("b", "absent")],
            id="an assumed component absent: nothing needs it, one fewer missing",
        ),
        pytest.param(
            """
            s:mail -> a
            s:chat -> b assumed
            s:wiki -> c assumed
            s:news -> b
            s:news -> c
            users mail org 100 assumed
            """,
            ["component:a", "component:b", "component:c"],
            None,
            [("mail", "users doubled"), ("chat → b", "absent"), ("wiki → c", "absent")],
            id="users doubled outrank a service fewer; equal changes keep the listed order",
        ),
        pytest.param(
            """
            s:mail -> a
            s:chat -> b assumed
            s:chat -> c
            """,
            ["component:a", "component:b", "component:c"],
            None,
            [("chat → b", "absent")],
            id="absent, chat still breaks, but b is not needed: one fewer without alternative",
        ),
        pytest.param(
            """
            s:mail -> a
            s:chat -> b assumed
            s:chat -> c
            s:wiki -> b
            """,
            ["component:a", "component:b", "component:c"],
            None,
            [],
            id="absent, chat still breaks and wiki still needs b: nothing changes",
        ),
    ],
)
def test_assumptions_rank_by_how_much_they_change_the_headline(
    spec: str, selectors: list[str], horizon: int | None, expected: list[tuple[str, str]]
) -> None:
    assert _ranked(spec, selectors, horizon) == expected


def test_the_change_names_the_figures_before_and_after_and_the_chain() -> None:
    backend = build(
        """
        s:mail -> a assumed
        a -> b
        users mail org 100
        """
    )
    analysis = sensitivity(backend, lambda b: simulate(b, ["component:b"]))
    (found,) = analysis.ranked
    changes = {c.figure: (c.before, c.after, c.relative) for c in found.variation.changes}
    assert changes["services broken"] == (1, 0, 1.0)
    assert changes["users losing a service"] == (100, 0, 1.0)
    assert found.chain == ("mail", "a", "b")
    assert analysis.headline == Headline.of(simulate(backend, ["component:b"]))


@pytest.mark.parametrize(("variation", "users"), [("users doubled", 200), ("users halved", 50)])
def test_user_counts_are_recounted_as_a_simulation_would_count_them(
    variation: str, users: int
) -> None:
    spec = """
        s:mail -> a
        s:chat -> a
        users mail org 100 assumed
        users chat org 30
        users mail other 50
        """
    analysis = sensitivity(build(spec), lambda b: simulate(b, ["component:a"]))
    by_variation = {v.what: v for s in analysis.ranked for v in s.variations}
    (change,) = by_variation[variation].changes
    edited = spec.replace("users mail org 100 assumed", f"users mail org {users} assumed")
    assert change.figure == "users losing a service"
    assert change.before == simulate(build(spec), ["component:a"]).users_broken
    assert change.after == simulate(build(edited), ["component:a"]).users_broken


def _service(draw: st.DrawFn, number: int) -> ServiceImpact:
    """A service in some state, used by some of four organisations (one of them perhaps
    twice), with counts that may be assumed."""
    state = draw(st.sampled_from(list(State)))
    consumers = draw(
        st.lists(
            st.builds(
                Consumer,
                organisation=st.sampled_from(["o1", "o2", "o3", "o4"]).map(NodeId),
                name=st.just("Organisation"),
                users=st.integers(min_value=0, max_value=1_000),
                assumed=st.booleans(),
            ),
            max_size=5,
        )
    )
    impact = Affected(NodeId(f"s{number}"), "service", f"S{number}", state, 0, 0, ())
    return ServiceImpact(impact, "medium", sum(c.users for c in consumers), tuple(consumers))


@st.composite
def _services(draw: st.DrawFn) -> list[ServiceImpact]:
    return [_service(draw, n) for n in range(draw(st.integers(min_value=0, max_value=6)))]


@settings(max_examples=300)
@given(_services(), st.sampled_from([2.0, 0.5, 0.0, 1.5]))
def test_a_recount_gives_what_counting_every_service_again_gives(
    services: list[ServiceImpact], factor: float
) -> None:
    """The recount of one service's assumed users, read from each organisation's largest
    counts, against the definition: per organisation the largest count of any broken
    service, summed, over every service with the one service's counts scaled."""
    recount = Recount(services)
    broken = (State.BROKEN, State.WITHDRAWN)
    assert recount.users_broken == people(
        (c.organisation, c.users) for s in services if s.state in broken for c in s.consumers
    )
    for service in [*services, None]:
        scaled = NodeId("absent") if service is None else service.id
        expected = people(
            (
                c.organisation,
                round(c.users * factor) if s.id == scaled and c.assumed else c.users,
            )
            for s in services
            if s.state in broken
            for c in s.consumers
        )
        assert recount.scaled(scaled, factor) == expected


def _after(headline: Headline, variation: Variation) -> Headline:
    """The headline as the variation leaves it: the base with the changes applied."""
    notes = {"users_recorded", "steps_lateness_unknown"}  # what the figures mean, no figures
    figures = [f for f in dataclasses.fields(Headline) if f.name not in notes]
    fields = dict(zip(FIGURES, figures, strict=True))
    changed: dict[str, Any] = {fields[c.figure].name: c.after for c in variation.changes}
    return dataclasses.replace(headline, **changed)


def test_a_contract_ending_earlier_is_varied_in_exit_mode() -> None:
    spec = """
        s:mail -> a
        s:chat -> b
        b -> a renewal
        contract a 2026-09-01
        contract b 2026-05-01
        assumed a
        alt k for a R3 weeks=20
        candidate k
        """
    analysis = sensitivity(
        build(spec), lambda b: simulate(b, ["component:a"], Options(mode=Mode.EXIT, horizon=200))
    )
    variations = {v.what: v for s in analysis.ranked for v in s.variations}
    earlier = variations["contract ends 2026-03-01 instead of 2026-09-01"]
    again = simulate(
        build(spec.replace("2026-09-01", "2026-03-01")),
        ["component:a"],
        Options(mode=Mode.EXIT, horizon=200),
    )
    assert [c.figure for c in earlier.changes] == ["steps late"]
    assert _after(analysis.headline, earlier) == Headline.of(again)


@pytest.mark.parametrize(
    ("end", "earlier"),
    [
        ("2026-07-15", "2026-01-15"),
        ("2026-12-31", "2026-06-30"),
        ("2027-03-31", "2026-09-30"),
        ("2026-08-31", "2026-02-28"),
        ("2028-08-31", "2028-02-29"),
        ("2027-02-28", "2026-08-28"),
        ("2026-06-30", "2025-12-30"),  # a year back: it was told as 2026-12-30 (helper-95)
    ],
)
def test_a_contract_ends_six_months_earlier_on_the_same_day_or_the_month_end(
    end: str, earlier: str
) -> None:
    assert _earlier(end, 6) == earlier


def test_a_document_varies_its_assumptions_up_to_a_limit_then_points_to_the_command() -> None:
    backend = build(
        """
        s:mail -> a assumed
        s:chat -> a assumed
        users mail org 100
        """
    )

    def run(graph: GraphBackend) -> Simulation:
        return simulate(graph, ["component:a"])

    within = exit_strategy(backend, run(backend), run=run, most_varied=2)
    beyond = exit_strategy(backend, run(backend), run=run, most_varied=1)
    assert within.sensitivity is not None
    assert not within.too_many_to_vary
    assert beyond.sensitivity is None
    assert beyond.too_many_to_vary
    text = dump_report_markdown(beyond)
    assert "## Verify these first" in text
    assert "more than this document varies itself" in text
    assert "## Verify these first" not in dump_report_markdown(exit_strategy(backend, run(backend)))


def _all_assumed(random: Random) -> EmbeddedGraph:
    """The random estate with every dependency, component and alternative assumed."""
    estate = random.estate
    components = tuple(
        component.model_copy(
            update={
                "assumed": True,
                "depends_on": tuple(
                    d.model_copy(update={"assumed": True}) for d in component.depends_on
                ),
            }
        )
        for component in estate.components
    )
    alternatives = tuple(a.model_copy(update={"assumed": True}) for a in estate.alternatives)
    return EmbeddedGraph(
        estate.model_copy(update={"components": components, "alternatives": alternatives})
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates(), st.data())
def test_a_limit_varies_the_likeliest_and_counts_the_rest(
    random: Random, data: st.DataObject
) -> None:
    """Under a limit, each assumption varied gives what it gives with no limit, as many
    are varied as the limit allows, the others are counted, and the progress is told
    after every simulation."""
    backend = _all_assumed(random)
    withdrawn = data.draw(st.lists(st.sampled_from(random.ids), min_size=1, max_size=3))
    mode = data.draw(st.sampled_from(list(Mode)))

    def run(graph: GraphBackend) -> Simulation:
        return simulate(graph, [f"component:{n}" for n in withdrawn], Options(mode=mode))

    base = run(backend)
    whole = sensitivity(backend, run, base)
    varied = len(whole.ranked) + whole.unchanged
    most = data.draw(st.integers(min_value=1, max_value=max(1, varied + 1)))
    told: list[tuple[int, int]] = []
    limited = sensitivity(
        backend, run, base, most=most, progress=lambda done, total: told.append((done, total))
    )
    assert len(limited.ranked) + limited.unchanged == min(most, varied)
    assert limited.beyond_limit == max(0, varied - most)
    assert limited.limit == most
    assert limited.not_varied == whole.not_varied
    by_subject = {(s.assumption.kind, s.assumption.subject): s for s in whole.ranked}
    for found in limited.ranked:
        assert by_subject[(found.assumption.kind, found.assumption.subject)] == found
    assert told == [(done, limited.simulations) for done in range(1, limited.simulations + 1)]
    if most >= varied:
        assert dataclasses.replace(limited, limit=None) == whole


@pytest.mark.parametrize(
    ("alone", "expected"),
    [
        pytest.param(
            True,
            ["k for a", "k → b", "x → b", "mail → a", "k → c"],
            id="one component with no alternative: a choice could double that figure",
        ),
        pytest.param(
            False,
            ["x → b", "k for a", "k → b", "mail → a", "k → c"],
            id="four with none: one more is a quarter; two of six services are a third",
        ),
    ],
)
def test_the_likeliest_to_matter_are_varied_first(alone: bool, expected: list[str]) -> None:
    """By the share of a figure each could move; among equals a chosen alternative, then
    what the plan rests on, then what services break through; last, a candidate's need
    of what the withdrawal leaves as it is."""
    others = "" if alone else "s:e1 -> d1\ns:e2 -> d2\ns:e3 -> d3"
    backend = build(
        f"""
        s:mail -> a assumed
        s:wiki -> x
        s:news -> x
        x -> b assumed
        k -> b soft assumed
        k -> c assumed
        alt k for a R3 weeks=10 assumed
        candidate k
        {others}
        """
    )
    withdrawn = ["component:a", "component:b"] + (
        [] if alone else ["component:d1", "component:d2", "component:d3"]
    )
    base = simulate(backend, withdrawn)
    assert len(base.missing) == (1 if alone else 4)
    every = assumptions(backend, base)
    order = [every[i].subject for i in likeliest_first(every, base)]
    assert order == expected


@pytest.mark.parametrize(
    ("spec", "absent"),
    [
        # the only need of a candidate in use taken away: nothing in use needs it now
        ("s:pay -> portal\nportal -> sql\ncandidate portal\nretired sql", ("pay", "portal")),
        ("s:pay -> portal\nportal -> sql\ncandidate portal\nretired sql", ("portal", "sql")),
        # another need keeps it taken as running
        ("s:pay -> portal\ns:hr -> portal\nportal -> sql\ncandidate portal\nretired sql",
         ("pay", "portal")),
    ],
    ids=["no-longer-needed", "the-retired-one-no-longer-needed", "still-needed"],
)  # fmt: skip
def test_a_dependency_absent_takes_back_what_it_took_as_running(
    spec: str, absent: tuple[str, str]
) -> None:
    """A candidate or retired component is taken as running while what is in use needs
    it; with the dependency absent, the varied estate says what the edited one says."""
    source, target = absent
    key = EdgeKey(Rel.DEPENDS_ON, NodeId(source), NodeId(target))
    edited = "\n".join(line for line in spec.splitlines() if line != f"{source} -> {target}")
    edited = "\n".join(line for line in edited.splitlines() if line != f"s:{source} -> {target}")
    assert edited != spec
    varied = VariedGraph(build(spec), edges={key: None})
    assert simulate(varied, ["component:sql"]) == simulate(build(edited), ["component:sql"])


@pytest.mark.parametrize(
    ("spec", "selector", "tried", "changes"),
    [
        (  # a plain hard need: absent alone (soft would change nothing a hard one does not)
            "s:mail -> a assumed\nusers mail org 100", "component:a", ["absent"], None,
        ),
        (  # a grace of 1 day is not halved to 0
            "s:mail -> a grace=1 assumed\nalt k for a R3 weeks=0.1\ncandidate k", "component:a",
            ["absent"], None,
        ),
        (  # a grace of 7 days halved to 3, which makes the step late
            "s:mail -> a grace=7 assumed\nalt k for a R3 weeks=0.5\ncandidate k", "component:a",
            ["absent", "grace 3 days instead of 7"], [("steps late", 0, 1, 1.0)],
        ),
        (  # R1 lowered to R0
            "s:mail -> a\nalt k for a R1 weeks=10 assumed\ncandidate k", "component:a",
            ["not viable", "readiness R0 instead of R1"], [],
        ),
        (  # a finish that goes changes it wholly (relative 1), as the docs say
            "s:mail -> a\nalt k for a R3 weeks=10 assumed\ncandidate k", "component:a",
            ["not viable", "readiness R2 instead of R3"], [],
        ),
    ],
    ids=["hard-need", "grace-1", "grace-7", "r1", "finish-goes"],
)  # fmt: skip
def test_the_variations_tried_and_what_the_last_changes(
    spec: str, selector: str, tried: list[str], changes: list[tuple[Any, ...]] | None
) -> None:
    """Which variations each assumption gets, and what the last of them changes: no
    test said which are tried (helper-95)."""
    analysis = sensitivity(build(spec), lambda b: simulate(b, [selector]))
    (ranked,) = analysis.ranked
    assert [v.what for v in ranked.variations] == tried
    assert analysis.simulations == len(tried)
    if changes is not None:
        last = ranked.variations[-1].changes
        assert [(c.figure, c.before, c.after, c.relative) for c in last] == changes
    if tried[0] == "not viable":
        finish = {c.figure: c for c in ranked.variations[0].changes}["finish"]
        assert (finish.before, finish.after, finish.relative) == (70, None, 1.0)


def test_a_service_withdrawn_counts_as_a_service_broken() -> None:
    """As run's summary counts it; the sensitivity's headline counted only those broken
    (helper-95)."""
    analysis = sensitivity(
        build("s:mail -> a assumed\ns:chat -> a\nusers mail org 10"),
        lambda b: simulate(b, ["service:mail"]),
    )
    assert analysis.headline.services_broken == 1


def _read_by_an_import(spec: str, component: str, source_id: str | None) -> EmbeddedGraph:
    """The estate of ``spec`` with ``component`` read by an import that inferred its vendor
    (``source_id``: its id in the source file; ``(no id)`` when only others name it), or
    as written (``None``)."""
    written = build_estate(spec)
    if source_id is None:
        return EmbeddedGraph(written)
    origin = Origin(file="model.xml", id=source_id, inferred=("vendor",))
    components = tuple(
        c.model_copy(update={"origin": origin}) if c.id == component else c
        for c in written.components
    )
    return EmbeddedGraph(written.model_copy(update={"components": components}))


@pytest.mark.parametrize(
    ("source_id", "expected", "not_varied"),
    [
        pytest.param(None, [("a", "absent")], 0, id="assumed as written: absent is asked"),
        pytest.param("c1", [], 1, id="read from its source: only its vendor is guessed"),
        pytest.param("(no id)", [("a", "absent")], 0, id="only named by others: absent is asked"),
    ],
)
def test_a_component_an_import_read_from_its_source_is_not_varied_absent(
    source_id: str | None, expected: list[tuple[str, str]], not_varied: int
) -> None:
    """A withdrawn component that an import read from its source is there: only the
    fields the import guessed are in doubt, so it is not varied as absent (which would
    leave the service that needs it unbroken). One only named by other elements may not
    be there at all, and is."""
    backend = _read_by_an_import("s:mail -> a\nusers mail org 100\nassumed a", "a", source_id)
    analysis = sensitivity(backend, lambda b: simulate(b, ["component:a"]))
    assert [(s.assumption.subject, s.variation.what) for s in analysis.ranked] == expected
    assert analysis.not_varied == not_varied
    assert analysis.simulations == len(expected)


@pytest.mark.parametrize(
    ("spec", "withdrawn", "subject", "chain"),
    [
        pytest.param(
            """
            s:mail -> x soft
            x -> a grace=5 assumed
            x -> b soft
            """,
            ["component:a", "component:b"],
            "x → a",
            ("mail", "x"),
            id="mail is degraded through x's other need b: the chain stops at x, not at b",
        ),
        pytest.param(
            """
            s:mail -> auth
            auth -> sso
            s:mail -> web
            web -> api
            api -> db
            db -> storage assumed
            s:mail -> cache
            cache -> db group=store
            cache -> replica group=store
            """,
            ["component:sso", "component:storage"],
            "db → storage",
            ("mail", "web", "api", "db"),
            id="the way down runs through what breaks, not the cache its replica keeps up",
        ),
        pytest.param(
            """
            s:mail -> a
            k -> b assumed
            alt k for a R3 weeks=4
            alt k for b R3 weeks=10
            alt k2 for b R1 weeks=2
            candidate k
            candidate k2
            """,
            ["component:a", "component:b"],
            "k → b",
            ("mail", "a"),
            id="k replaces b only while k needs b: its need matters through a",
        ),
    ],
)
def test_the_chain_runs_through_what_the_assumption_is_about(
    spec: str, withdrawn: list[str], subject: str, chain: tuple[str, ...]
) -> None:
    """The chain told for an assumption leads from a service down to what it is about,
    where no service's chain runs through it. A dependency off every chain: a way down to
    the component that needs it, not a chain through another of that component's needs,
    and only through what the withdrawal breaks (a component its redundancy keeps up is
    no way the service is hit). A chosen candidate's own need: through what the candidate
    replaces in the answer that varies it, not through a component it replaces only
    because of that need (the candidate replaces b too, and b is needed only by k; with
    the need absent, b is left and the finish comes sooner)."""
    analysis = sensitivity(build(spec), lambda b: simulate(b, withdrawn))
    found = {s.assumption.subject: s.chain for s in analysis.ranked}
    assert found[subject] == chain


def test_a_need_of_a_component_whose_contract_a_step_is_due_by_ranks_as_a_need() -> None:
    """A step replacing the broken x is due by x's contract, so the plan rests on x; x's
    own need of the withdrawn a is what a service breaks through, as chat's need of b is,
    and among equals keeps its own order rather than ranking as the contract itself."""
    backend = build(
        """
        s:mail -> x
        x -> a assumed
        alt k for x R3 weeks=4
        candidate k
        contract x 2026-09-01
        s:chat -> b assumed
        """
    )
    base = simulate(backend, ["component:a", "component:b"], Options(mode=Mode.EXIT))
    assert [[t.component for t in step.contracts] for step in base.plan.steps] == [[], ["x"]]
    every = assumptions(backend, base)
    order = [every[i].subject for i in likeliest_first(every, base)]
    assert order == ["chat → b", "x → a"]
