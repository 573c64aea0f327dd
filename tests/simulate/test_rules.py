"""The simulation rules of DESIGN.md §4, one tiny estate per row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from exitplan.graph import EmbeddedGraph
from exitplan.model import NodeId
from exitplan.render.rows import alternatives, chain_text
from exitplan.select import Mode
from exitplan.simulate import Options, explain, simulate
from exitplan.simulate.propagate import LONGEST_CHAIN, elided, hidden_in
from exitplan.simulate.result import Affected, Prerequisite, Simulation
from tests.simulate.build import build, estate

UNAFFECTED = None


@dataclass(frozen=True)
class Case:
    id: str
    spec: str
    withdraw: tuple[str, ...]
    times: dict[str, tuple[str | None, int | None, int | None]] = field(default_factory=dict)
    chains: dict[str, tuple[str, ...]] = field(default_factory=dict)
    horizon: int | None = None


PROPAGATION = [
    Case("hard-immediate", "a -> b", ("component:b",), {"a": ("broken", 0, 0)}, {"a": ("a", "b")}),
    Case("soft-degrades-only", "a -> b soft", ("component:b",), {"a": ("degraded", None, 0)}),
    Case("grace-days", "a -> b grace=30", ("component:b",), {"a": ("broken", 30, 30)}),
    Case(
        "grace-adds-up-along-a-chain",
        "a -> b grace=30\nb -> c grace=5",
        ("component:c",),
        {"a": ("broken", 35, 35), "b": ("broken", 5, 5)},
        {"a": ("a", "b", "c")},
    ),
    Case(
        "at-renewal-uses-the-contract-end",
        "a -> b renewal\ncontract a 2026-03-01",
        ("component:b",),
        {"a": ("broken", 59, 59)},
    ),
    Case(
        "at-renewal-of-unknown-date-is-kept-without-a-day",
        "a -> b renewal",
        ("component:b",),
        {"a": ("broken", None, None)},
    ),
    Case(
        "redundant-group-with-one-member-left",
        "a -> b group=dirs\na -> c group=dirs",
        ("component:b",),
        {"a": (UNAFFECTED, None, None), "c": (UNAFFECTED, None, None)},
    ),
    Case(
        "redundant-group-fails-when-its-last-member-fails",
        "a -> b group=dirs grace=10\na -> c group=dirs",
        ("component:b", "component:c"),
        {"a": ("broken", 10, 10)},
        {"a": ("a", "b")},
    ),
    Case(
        "earliest-bound-wins",
        "a -> b grace=30\na -> c grace=5",
        ("component:b", "component:c"),
        {"a": ("broken", 5, 5)},
        {"a": ("a", "c")},
    ),
    Case(
        "degradation-passes-through-a-hard-dependency",
        "a -> b\nb -> c soft grace=7",
        ("component:c",),
        {"b": ("degraded", None, 7), "a": ("degraded", None, 7)},
        {"a": ("a", "b", "c")},
    ),
    Case(
        "failure-below-a-soft-dependency-only-degrades",
        "a -> b soft\nb -> c",
        ("component:c",),
        {"b": ("broken", 0, 0), "a": ("degraded", None, 0)},
        {"a": ("a", "b", "c")},
    ),
    Case(
        "propagation-stops-at-unaffected-nodes",
        "a -> b\nc -> d\ne -> a soft",
        ("component:b",),
        {"a": ("broken", 0, 0), "e": ("degraded", None, 0), "c": (UNAFFECTED, None, None)},
    ),
    Case(
        "legal-cycle-through-a-group",
        "dc1 -> dc2 group=dir\ndc1 -> ext group=dir\ndc2 -> dc1 soft",
        ("component:ext",),
        {"dc1": (UNAFFECTED, None, None), "dc2": (UNAFFECTED, None, None)},
    ),
    Case(
        "horizon-cuts-later-failures",
        "a -> b grace=400\na -> c soft grace=10\nx -> b grace=500",
        ("component:b", "component:c"),
        {"a": ("degraded", None, 10), "x": (UNAFFECTED, None, None)},
        horizon=365,
    ),
    Case(
        "a-withdrawn-service-breaks-what-uses-it",
        "s:portal -> a\nb -> s:portal",
        ("service:portal",),
        {"b": ("broken", 0, 0), "portal": ("withdrawn", 0, 0)},
    ),
    Case(
        "candidates-and-retired-components-are-never-listed",
        "k -> a\ncandidate k\nr -> a\nretired r\nu -> a",
        ("component:a",),
        {"u": ("broken", 0, 0), "k": (UNAFFECTED, None, None), "r": (UNAFFECTED, None, None)},
    ),
    Case(  # what is in use needs them: taken as running, and listed (helper-54)
        "a-candidate-and-a-retired-component-that-what-is-in-use-needs-are-listed",
        "s:pay -> portal\nportal -> sql\ncandidate portal\nretired sql",
        ("component:sql",),
        {
            "sql": ("withdrawn", 0, 0),
            "portal": ("broken", 0, 0),
            "pay": ("broken", 0, 0),
        },
        {"pay": ("pay", "portal", "sql")},
    ),
    Case(
        "taken-as-running-through-a-soft-need-too",
        "s:pay -> portal soft\nportal -> sql\ncandidate portal\nretired sql",
        ("component:sql",),
        {"portal": ("broken", 0, 0), "pay": ("degraded", None, 0)},
    ),
    Case(
        "a-candidate-only-a-candidate-needs-is-not-listed",
        "k2 -> k1\nk1 -> a\ncandidate k1\ncandidate k2\nu -> a",
        ("component:a",),
        {"u": ("broken", 0, 0), "k1": (UNAFFECTED, None, None), "k2": (UNAFFECTED, None, None)},
    ),
]


@pytest.mark.parametrize("case", PROPAGATION, ids=[c.id for c in PROPAGATION])
def test_propagation(case: Case) -> None:
    result = simulate(build(case.spec), case.withdraw, Options(horizon=case.horizon))
    affected: dict[str, Affected] = {a.id: a for a in result.affected}
    for node, (state, fails, degrades) in case.times.items():
        if state is None:
            assert node not in affected
            continue
        assert (
            affected[node].state.value,
            affected[node].fails_at,
            affected[node].degrades_at,
        ) == (
            state,
            fails,
            degrades,
        ), node
    for node, chain in case.chains.items():
        assert affected[node].because == chain


@pytest.mark.parametrize("depth", [LONGEST_CHAIN - 1, LONGEST_CHAIN, LONGEST_CHAIN + 1, 500])
def test_a_deep_chain_keeps_its_first_nodes_and_what_is_withdrawn(depth: int) -> None:
    """Each node of a chain 3,000 deep carried the rest of it: 600 MB of JSON from a 1 MB
    estate (helper-60). A chain is cut to its first nodes, an ellipsis and the last."""
    spec = "\n".join(["s:x -> c0", *(f"c{i} -> c{i + 1}" for i in range(depth - 1))])
    simulation = simulate(build(spec), [f"component:c{depth - 1}"])
    chains = {a.id: a.because for a in simulation.affected}
    top = chains[NodeId("x")]
    full = ("x", *(f"c{i}" for i in range(depth)))
    if len(full) <= LONGEST_CHAIN:
        assert top == full
    else:
        hidden = len(full) - LONGEST_CHAIN + 1
        assert top == (*full[: LONGEST_CHAIN - 2], elided(hidden), full[-1])
    assert max(len(chain) for chain in chains.values()) == min(len(full), LONGEST_CHAIN)
    for node, chain in chains.items():  # each counts every node it stands for
        assert chain[-1] == f"c{depth - 1}"
        assert sum(map(hidden_in, chain)) == len(full) - (0 if node == "x" else 1 + int(node[1:]))
    told = chain_text(top)  # the first four and what is withdrawn, or the last four
    assert told.startswith("x ← c0 ← c1 ← c2 ← … ")
    if len(full) > LONGEST_CHAIN:
        assert told.endswith(f"… {len(full) - 5:,} more … ← c{depth - 1}")
    else:
        assert f"… {len(full) - 8:,} more … ← c{depth - 4}" in told


def test_unknown_renewal_date_is_flagged() -> None:
    result = simulate(build("a -> b renewal"), ["component:b"])
    (affected,) = [a for a in result.affected if a.id == "a"]
    assert affected.undated


def test_scenario_start_moves_renewals() -> None:
    graph = build("a -> b renewal\ncontract a 2026-03-01")
    result = simulate(graph, ["component:b"], Options(start=date(2026, 2, 1)))
    assert {str(a.id): a.fails_at for a in result.affected}["a"] == 28


@dataclass(frozen=True)
class Choice:
    id: str
    spec: str
    withdraw: tuple[str, ...]
    alternatives: dict[str, tuple[str, str | None]]
    reasons: dict[str, str] = field(default_factory=dict)
    not_needed: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    held_back: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Withdrawn components no step replaces that candidates for those with none need."""


ALTERNATIVES = [
    Choice("ok", "s:x -> a\ncandidate k\nalt k for a R3", ("component:a",), {"a": ("ok", "k")}),
    Choice(
        "partial-when-a-used-capability-is-not-covered",
        "s:x -> a\nrealises a mail\nrealises a calendar\ncandidate k\nalt k for a R3 covers=mail",
        ("component:a",),
        {"a": ("partial", "k")},
    ),
    Choice(
        "dependents-name-what-they-use",
        "s:x -> a caps=mail\nrealises a mail\nrealises a calendar\ncandidate k\n"
        "alt k for a R3 covers=mail",
        ("component:a",),
        {"a": ("ok", "k")},
    ),
    Choice(
        "gaps-written-by-the-architect-make-it-partial",
        "s:x -> a\ncandidate k\nalt k for a R3 gaps=no-shared-mailboxes",
        ("component:a",),
        {"a": ("partial", "k")},
    ),
    Choice("missing", "s:x -> a", ("component:a",), {"a": ("missing", None)}),
    Choice(
        "a-candidate-that-needs-a-withdrawn-identity-provider-is-not-viable",
        "s:x -> app\napp -> idp\ncandidate k\nalt k for app R4\nk -> idp",
        ("component:app", "component:idp"),
        {"app": ("missing", None)},
        {"k": "needs idp, which is withdrawn with no viable alternative"},
        not_needed=("idp",),
        held_back={"idp": ("app",)},  # an alternative to idp would let k replace app
    ),
    Choice(
        "it-is-viable-once-the-identity-provider-has-a-viable-candidate",
        "s:x -> app\napp -> idp\ncandidate k\nalt k for app R4\nk -> idp\ncandidate kc\n"
        "alt kc for idp R2",
        ("component:app", "component:idp"),
        {"app": ("ok", "k"), "idp": ("ok", "kc")},
    ),
    Choice(
        "a-candidate-withdrawn-by-the-same-scenario",
        "s:x -> a\ncandidate k\nalt k for a R5",
        ("component:a", "component:k"),
        {"a": ("missing", None)},
        {"k": "withdrawn by this scenario too"},
        not_needed=("k",),
    ),
    Choice(
        "a-cycle-of-unresolved-needs-is-not-viable",
        "s:x -> a\ns:y -> b\ncandidate ka\ncandidate kb\nka -> b\nkb -> a\n"
        "alt ka for a R3\nalt kb for b R3",
        ("component:a", "component:b"),
        {"a": ("missing", None), "b": ("missing", None)},
    ),
    Choice(
        "a-broken-candidate-restored-through-a-group",
        "s:x -> a\ncandidate k\nalt k for a R3\nk -> d1 group=dirs\nk -> d2 group=dirs",
        ("component:a", "component:d1"),
        {"a": ("ok", "k")},
        not_needed=("d1",),
    ),
    Choice(
        "rank-readiness-then-effort-then-id",
        "s:x -> a\ncandidate k1\ncandidate k2\ncandidate k3\nalt k1 for a R2\n"
        "alt k2 for a R4 effort=20\nalt k3 for a R4 effort=10",
        ("component:a",),
        {"a": ("ok", "k3")},
    ),
    Choice(
        "rank-fewer-gaps-before-readiness",
        "s:x -> a\ncandidate k1\ncandidate k2\nalt k1 for a R1\nalt k2 for a R5 gaps=slow",
        ("component:a",),
        {"a": ("ok", "k1")},
    ),
    Choice(
        "a-preferred-viable-candidate-is-chosen",
        "s:x -> a\ncandidate k1\ncandidate k2\nalt k1 for a R4\nalt k2 for a R1",
        ("component:a",),
        {"a": ("ok", "k2")},
        options={"prefer": {"a": "k2"}},
    ),
    Choice(
        "an-excluded-candidate-is-not-viable",
        "s:x -> a\ncandidate k1\ncandidate k2\nalt k1 for a R4\nalt k2 for a R1",
        ("component:a",),
        {"a": ("ok", "k2")},
        {"k1": "excluded by the scenario"},
        options={"exclude_candidates": frozenset({"k1"})},
    ),
    Choice(  # Collabora Online needs Nextcloud: without Nextcloud it cannot be brought in
        "a-candidate-that-needs-an-excluded-candidate-is-not-viable",
        "s:x -> a\ncandidate k1\ncandidate k2\ncandidate n\nk1 -> n\nalt k1 for a R4\n"
        "alt k2 for a R1",
        ("component:a",),
        {"a": ("ok", "k2")},
        {"k1": "needs n, which the scenario excludes"},
        options={"exclude_candidates": frozenset({"n"})},
    ),
    Choice(
        "and-one-that-needs-it-through-another-candidate",
        "s:x -> a\ncandidate k1\ncandidate m\ncandidate n\nk1 -> m\nm -> n\nalt k1 for a R4",
        ("component:a",),
        {"a": ("missing", None)},
        {"k1": "needs m, which cannot be brought in without what the scenario excludes"},
        options={"exclude_candidates": frozenset({"n"})},
    ),
    Choice(  # excluding a component in use keeps it from being chosen, not from running
        "an-excluded-component-in-use-still-runs-for-a-candidate-that-needs-it",
        "s:x -> a\ns:y -> n\ncandidate k1\nk1 -> n\nalt k1 for a R4",
        ("component:a",),
        {"a": ("ok", "k1")},
        options={"exclude_candidates": frozenset({"n"})},
    ),
    Choice(  # n is a candidate, but m, in use, needs it: it runs, excluded or not
        "an-excluded-candidate-taken-as-running-still-runs-for-a-candidate-that-needs-it",
        "s:x -> a\ns:y -> m\ncandidate n\nm -> n\ncandidate k1\nk1 -> n\nalt k1 for a R4",
        ("component:a",),
        {"a": ("ok", "k1")},
        options={"exclude_candidates": frozenset({"n"})},
    ),
    Choice(  # ... and so does k2, which n needs, when k1 needs k2
        "and-a-candidate-it-needs-in-turn",
        "s:x -> a\ns:y -> m\ncandidate n\ncandidate k2\nm -> n\nn -> k2\ncandidate k1\n"
        "k1 -> k2\nalt k1 for a R4",
        ("component:a",),
        {"a": ("ok", "k1")},
        options={"exclude_candidates": frozenset({"k2"})},
    ),
    Choice(  # baramundi needs SQL Server, which nothing staying in use needs
        "a-withdrawn-component-nothing-in-use-needs-holds-back-a-candidate",
        "s:x -> a\ns:y -> b\nb -> d\ncandidate k\nk -> d\nalt k for a R3\nalt kb for b R3\n"
        "candidate kb",
        ("component:a", "component:b", "component:d"),
        {"a": ("missing", None), "b": ("ok", "kb")},
        {"k": "needs d, which is withdrawn with no viable alternative"},
        not_needed=("d",),
        held_back={"d": ("a",)},
    ),
    Choice(  # d is needed, so it has its own row among those with no alternative
        "one-that-is-needed-is-told-as-missing-not-held-back",
        "s:x -> a\ns:y -> d\ncandidate k\nk -> d\nalt k for a R3",
        ("component:a", "component:d"),
        {"a": ("missing", None), "d": ("missing", None)},
        {"k": "needs d, which is withdrawn with no viable alternative"},
    ),
    Choice(  # a group with no member left: an alternative to either would do
        "a-group-holds-back-each-of-its-members",
        "s:x -> a\ncandidate k\nk -> d1 group=g\nk -> d2 group=g\nalt k for a R3",
        ("component:a", "component:d1", "component:d2"),
        {"a": ("missing", None)},
        {"k": "needs one of d1, d2; none can be restored"},
        not_needed=("d1", "d2"),
        held_back={"d1": ("a",), "d2": ("a",)},
    ),
    Choice(  # k needs the candidate y, which needs z: z holds k back through y
        "through-a-candidate-it-needs",
        "s:x -> a\ncandidate k\ncandidate y\nk -> y\ny -> z\nalt k for a R3",
        ("component:a", "component:z"),
        {"a": ("missing", None)},
        {"k": "needs y, which breaks and cannot be restored"},
        not_needed=("z",),
        held_back={"z": ("a",)},
    ),
    Choice(  # baramundi needs SQL Server and Windows Server: both hold it back
        "every-need-that-holds-it-back",
        "s:x -> a\ncandidate k\nk -> d\nk -> e\nalt k for a R3",
        ("component:a", "component:d", "component:e"),
        {"a": ("missing", None)},
        {"k": "needs d, which is withdrawn with no viable alternative"},
        not_needed=("d", "e"),
        held_back={"d": ("a",), "e": ("a",)},
    ),
    Choice(  # one member of a redundant group is enough
        "a-group-with-one-member-left-is-enough",
        "s:x -> a\ncandidate k1\ncandidate n1\ncandidate n2\nk1 -> n1 group=g\n"
        "k1 -> n2 group=g\nalt k1 for a R4",
        ("component:a",),
        {"a": ("ok", "k1")},
        options={"exclude_candidates": frozenset({"n1"})},
    ),
    Choice(
        "a-group-with-every-member-excluded-is-not",
        "s:x -> a\ncandidate k1\ncandidate n1\ncandidate n2\nk1 -> n1 group=g\n"
        "k1 -> n2 group=g\nalt k1 for a R4",
        ("component:a",),
        {"a": ("missing", None)},
        {"k1": "needs one of n1, n2; none can be restored"},
        options={"exclude_candidates": frozenset({"n1", "n2"})},
    ),
    Choice(  # k breaks with w, which kw restores; the exclusion of n still stands
        "a-broken-candidate-that-needs-an-excluded-one-is-not-viable",
        "s:x -> a\ns:y -> w\ncandidate k\ncandidate kw\ncandidate n\nk -> w\nk -> n\n"
        "alt k for a R3\nalt kw for w R3",
        ("component:a", "component:w"),
        {"a": ("missing", None), "w": ("ok", "kw")},
        {"k": "needs n, which the scenario excludes"},
        options={"exclude_candidates": frozenset({"n"})},
    ),
    Choice(  # w is withdrawn with no alternative and n excluded: k's group has nothing left
        "a-group-left-with-a-withdrawn-member-alone-waits-for-its-restoration",
        "s:x -> a\ns:y -> w\ncandidate k\ncandidate n\nk -> w group=g\nk -> n group=g\n"
        "alt k for a R3",
        ("component:a", "component:w"),
        {"a": ("missing", None), "w": ("missing", None)},
        {"k": "needs one of n, w; none can be restored"},
        options={"exclude_candidates": frozenset({"n"})},
    ),
    Choice(  # ... and with an alternative for w, restoring w restores the group
        "and-with-the-withdrawn-member-restorable-the-group-is-met",
        "s:x -> a\ns:y -> w\ncandidate k\ncandidate n\ncandidate kw\nk -> w group=g\n"
        "k -> n group=g\nalt k for a R3\nalt kw for w R3",
        ("component:a", "component:w"),
        {"a": ("ok", "k"), "w": ("ok", "kw")},
        options={"exclude_candidates": frozenset({"n"})},
    ),
    Choice(  # nothing in use needs w, but k can be brought in only once kw restores it
        "what-a-pending-candidate-waits-for-is-replaced-too",
        "s:x -> a\ncandidate k\ncandidate n\ncandidate kw\nk -> n group=g\nk -> w group=g\n"
        "alt k for a R3\nalt kw for w R3",
        ("component:a", "component:w"),
        {"a": ("ok", "k"), "w": ("ok", "kw")},
        options={"exclude_candidates": frozenset({"n"})},
    ),
    Choice(  # ... and so is what it waits for through another node not in use
        "and-through-another-node-not-in-use",
        "s:x -> a\ncandidate k\ncandidate n\ncandidate kw\ncandidate p\nk -> p\n"
        "p -> n group=g\np -> w group=g\nalt k for a R3\nalt kw for w R3",
        ("component:a", "component:w"),
        {"a": ("ok", "k"), "w": ("ok", "kw")},
        options={"exclude_candidates": frozenset({"n"})},
    ),
    Choice(  # k breaks with w; what it also needs, p, needs the excluded n
        "a-broken-candidate-that-needs-an-excluded-one-one-level-down-is-not-viable",
        "s:x -> a\ns:y -> w\ncandidate k\ncandidate kw\ncandidate n\ncandidate p\nk -> w\n"
        "k -> p\np -> n\nalt k for a R3\nalt kw for w R3",
        ("component:a", "component:w"),
        {"a": ("missing", None), "w": ("ok", "kw")},
        {"k": "needs p, which cannot be brought in without what the scenario excludes"},
        options={"exclude_candidates": frozenset({"n"})},
    ),
    Choice(  # e is excluded and nothing runs it: that w can be restored does not bring it in
        "an-excluded-candidate-that-breaks-stays-out-of-reach",
        "s:x -> a\ns:y -> w\ncandidate k\ncandidate kw\ncandidate e\nk -> e\ne -> w\n"
        "alt k for a R3\nalt kw for w R3",
        ("component:a", "component:w"),
        {"a": ("missing", None), "w": ("ok", "kw")},
        {"k": "needs e, which the scenario excludes"},
        options={"exclude_candidates": frozenset({"e"})},
    ),
    Choice(  # e runs, so excluding it does not stop it: it breaks beyond repair
        "an-excluded-component-in-use-that-breaks-is-said-to-break",
        "s:x -> a\ns:y -> w2\ns:z -> e\ncandidate k\nk -> e\ne -> w2\nalt k for a R3",
        ("component:a", "component:w2"),
        {"a": ("missing", None), "w2": ("missing", None)},
        {"k": "needs e, which breaks and cannot be restored"},
        options={"exclude_candidates": frozenset({"e"})},
    ),
    Choice(  # w is replaced by kw: what w itself needs, the excluded n, no longer matters
        "a-withdrawn-need-of-an-excluded-one-is-for-its-replacement",
        "s:x -> a\ncandidate k\ncandidate w\ncandidate n\ncandidate kw\nk -> w\nw -> n\n"
        "alt k for a R3\nalt kw for w R3",
        ("component:a", "component:w"),
        {"a": ("ok", "k"), "w": ("ok", "kw")},
        options={"exclude_candidates": frozenset({"n"})},
    ),
    Choice(  # k waits for w2; it also needs w softly, which must then be replaced as well
        "a-pending-candidates-soft-need-of-a-withdrawn-one-is-replaced",
        "s:x -> a\ncandidate k\ncandidate n\ncandidate kw2\ncandidate kw\nk -> n group=g\n"
        "k -> w2 group=g\nk -> w soft\nalt k for a R3\nalt kw2 for w2 R3\nalt kw for w R3",
        ("component:a", "component:w2", "component:w"),
        {"a": ("ok", "k"), "w2": ("ok", "kw2"), "w": ("ok", "kw")},
        options={"exclude_candidates": frozenset({"n"})},
    ),
    Choice(  # k breaks with w, which kw restores; k also needs the excluded n
        "a-candidate-needing-one-the-exclusion-keeps-out-is-told-so",
        "s:x -> a\ns:y -> w\ncandidate k\ncandidate k2\ncandidate kw\ncandidate n\n"
        "k2 -> k\nk -> w\nk -> n\nalt k2 for a R3\nalt kw for w R3",
        ("component:a", "component:w"),
        {"a": ("missing", None), "w": ("ok", "kw")},
        {"k2": "needs k, which cannot be brought in without what the scenario excludes"},
        options={"exclude_candidates": frozenset({"n"})},
    ),
    Choice(
        "not-needed-when-nothing-in-use-depends-on-it",
        "s:x -> a\ncandidate k\ncandidate k2\nk2 -> b\nalt k for a R4\nalt k2 for a R1",
        ("component:a", "component:b"),
        {"a": ("ok", "k")},
        not_needed=("b",),
    ),
    Choice(
        "a-broken-component-replaced-by-its-own-alternative",
        "s:x -> apps\napps -> licence grace=30\ncandidate office\nalt office for apps R4",
        ("component:licence",),
        {"apps": ("ok", "office")},
        not_needed=("licence",),
    ),
    Choice(
        "a-redundant-member-without-alternative-is-needed-to-restore-the-redundancy",
        "s:x -> w group=g\ns:x -> w3 group=g\ncandidate k3\nalt k3 for w3 R3",
        ("component:w", "component:w3"),
        {"w": ("missing", None), "w3": ("ok", "k3")},
    ),
    Choice(
        "every-member-is-needed-when-none-can-be-restored",
        "s:x -> w group=g\ns:x -> w3 group=g",
        ("component:w", "component:w3"),
        {"w": ("missing", None), "w3": ("missing", None)},
    ),
    Choice(
        "every-member-that-can-be-restored-is-needed",
        "s:x -> w group=g\ns:x -> w3 group=g\ncandidate k\ncandidate k3\nalt k for w R2\n"
        "alt k3 for w3 R3",
        ("component:w", "component:w3"),
        {"w": ("ok", "k"), "w3": ("ok", "k3")},
    ),
    Choice(
        "a-candidate-relies-on-the-group-member-that-can-be-restored",
        "s:x -> a\ncandidate ka\nalt ka for a R3\nka -> w group=g\nka -> w3 group=g\n"
        "candidate k3\nalt k3 for w3 R3",
        ("component:a", "component:w", "component:w3"),
        {"a": ("ok", "ka"), "w": ("missing", None), "w3": ("ok", "k3")},
    ),
]


def _run(choice: Choice) -> Simulation:
    return simulate(build(choice.spec), choice.withdraw, Options(**choice.options))


@pytest.mark.parametrize("case", ALTERNATIVES, ids=[c.id for c in ALTERNATIVES])
def test_alternatives(case: Choice) -> None:
    result = _run(case)
    found = {
        r.replaces: (r.status.value, r.chosen.candidate if r.chosen else None)
        for r in result.replacements
    }
    assert found == case.alternatives
    reasons = {str(c.candidate): c.reason for r in result.replacements for c in r.candidates}
    for candidate, reason in case.reasons.items():
        assert reasons[candidate] == reason
    assert result.not_needed == case.not_needed
    assert {h.id: h.holds_back for h in result.held_back} == case.held_back


@dataclass(frozen=True)
class Gaps:
    id: str
    spec: str
    gaps: tuple[str, ...]
    """The gaps of the candidate chosen for ``a``, withdrawn."""
    uses: tuple[str, ...]
    """The capabilities in use of ``a``, by name."""
    ids: tuple[str, ...]
    """... and by id, as the JSON gives them."""


GAPS = [
    Gaps(
        "a-capability-not-covered-by-its-name",
        "s:x -> a\nrealises a mail\nrealises a cal\ncandidate k\nalt k for a R3 covers=mail\n"
        "capability mail E-mail\ncapability cal Shared calendars",
        ("Does not cover Shared calendars.",),
        ("E-mail", "Shared calendars"),
        ("cal", "mail"),
    ),
    Gaps(
        "covered-in-part-by-its-name",
        "s:x -> a\nrealises a mail\ncandidate k\nalt k for a R3\nrealises k mail partial\n"
        "capability mail E-mail",
        ("Covers E-mail only in part.",),
        ("E-mail",),
        ("mail",),
    ),
    Gaps(
        "only-what-the-dependents-use",
        "s:x -> a caps=mail\nrealises a mail\nrealises a cal\ncandidate k\nalt k for a R3\n"
        "capability mail E-mail\ncapability cal Calendar",
        ("Does not cover E-mail.",),
        ("E-mail",),
        ("mail",),
    ),
    Gaps(
        "in-the-order-of-their-names",
        "s:x -> a\nrealises a b1\nrealises a a1\nrealises a c1\ncandidate k\nalt k for a R3\n"
        "capability a1 Zoning\ncapability b1 archive\ncapability c1 Mail",
        ("Does not cover archive.", "Does not cover Mail.", "Does not cover Zoning."),
        ("archive", "Mail", "Zoning"),
        ("a1", "b1", "c1"),
    ),
    Gaps(
        "two-of-one-name-each-with-its-id",
        "s:x -> a\nrealises a mail\nrealises a post\ncandidate k\nalt k for a R3 gaps=slow\n"
        "capability mail Mail\ncapability post mail",
        ("Does not cover Mail (mail).", "Does not cover mail (post).", "slow"),
        ("Mail (mail)", "mail (post)"),
        ("mail", "post"),
    ),
    Gaps(  # "Chat" means one capability wherever it is said (helper-101)
        "a-name-shared-with-a-capability-the-component-does-not-realise",
        "s:x -> a\nrealises a chat\ncandidate k\nalt k for a R3\nrealises b old\n"
        "capability chat Chat\ncapability old Chat",
        ("Does not cover Chat (chat).",),
        ("Chat (chat)",),
        ("chat",),
    ),
    Gaps(
        "a-name-that-ends-a-sentence",
        "s:x -> a\nrealises a mail\ncandidate k\nalt k for a R3\ncapability mail Mail etc.",
        ("Does not cover Mail etc.",),
        ("Mail etc.",),
        ("mail",),
    ),
    Gaps(
        "a-name-that-is-its-id",
        "s:x -> a\nrealises a mail\ncandidate k\nalt k for a R3",
        ("Does not cover mail.",),
        ("mail",),
        ("mail",),
    ),
]


@pytest.mark.parametrize("case", GAPS, ids=[c.id for c in GAPS])
def test_gaps_name_the_capabilities(case: Gaps) -> None:
    """What a candidate lacks reads in the capabilities' names, as a document says them;
    the ids stay in ``uses``, for programs."""
    (replacement,) = simulate(build(case.spec), ["component:a"]).replacements
    assert replacement.chosen is not None
    assert replacement.chosen.gaps == case.gaps
    assert replacement.uses_named == case.uses
    assert replacement.uses == case.ids


@pytest.mark.parametrize(
    ("names", "said"),
    [
        ({"k2": "Keycloak"}, "the preferred Keycloak is not viable"),
        ({"k1": "Keycloak", "k2": "Keycloak"}, "the preferred Keycloak (k2) is not viable"),
    ],
)
def test_a_preferred_candidate_not_viable_is_told_by_its_name(
    names: dict[str, str], said: str
) -> None:
    """By its name, and by its id too where another candidate has that name (helper-101:
    "the preferred Mattermost is not viable" beside the other Mattermost, chosen)."""
    made = estate("s:x -> a\ncandidate k1\ncandidate k2\nalt k1 for a R4\nalt k2 for a R1")
    renamed = tuple(
        c.model_copy(update={"name": names[c.id]}) if c.id in names else c for c in made.components
    )
    options = Options(
        prefer={NodeId("a"): NodeId("k2")}, exclude_candidates=frozenset({NodeId("k2")})
    )
    result = simulate(
        EmbeddedGraph(made.model_copy(update={"components": renamed})), ["component:a"], options
    )
    (replacement,) = result.replacements
    assert replacement.note == f"{said}: excluded by the scenario"


@dataclass(frozen=True)
class Planned:
    id: str
    spec: str
    withdraw: tuple[str, ...]
    steps: dict[str, dict[str, Any]]
    waves: int
    critical_path_weeks: float


PLANS = [
    Planned(
        "identity-first",
        "s:x -> app\napp -> idp\ncandidate k\nalt k for app R4 weeks=10\nk -> idp\n"
        "candidate kc\nalt kc for idp R2 weeks=20",
        ("component:app", "component:idp"),
        {
            "replace-idp": {"wave": 1, "after": ()},
            "replace-app": {"wave": 2, "after": ("replace-idp",)},
        },
        2,
        30.0,
    ),
    Planned(
        "precedence-through-unaffected-nodes",
        "s:x -> a\ns:y -> b\ncandidate ka\ncandidate kb\nalt ka for a R3 weeks=4\n"
        "alt kb for b R3 weeks=6\nkb -> gateway\ngateway -> ka",
        ("component:a", "component:b"),
        {"replace-a": {"wave": 1}, "replace-b": {"wave": 2, "after": ("replace-a",)}},
        2,
        10.0,
    ),
    Planned(
        "steps-that-need-each-other-merge",
        "s:x -> a\ns:y -> b\ncandidate ka\ncandidate kb\nka -> kb soft\nkb -> ka soft\n"
        "alt ka for a R3 weeks=4\nalt kb for b R3 weeks=6",
        ("component:a", "component:b"),
        {"replace-a+replace-b": {"wave": 1, "duration_weeks": 6.0}},
        1,
        6.0,
    ),
    Planned(
        "late-deadline",
        "s:x -> a grace=30\ncandidate k\nalt k for a R3 weeks=10",
        ("component:a",),
        {"replace-a": {"deadline": 30, "slack": -40, "finish_week": 10.0}},
        1,
        10.0,
    ),
    Planned(  # replace-app, due on day 200, takes 70 days after replace-idp: due by 130
        "a-step-is-due-earlier-for-the-step-after-it",
        "s:x -> app grace=200\ns:y -> idp grace=400\napp -> idp\ncandidate k\n"
        "alt k for app R4 weeks=10\nk -> idp\ncandidate kc\nalt kc for idp R2 weeks=20",
        ("component:app", "component:idp"),
        {
            "replace-idp": {"deadline": 400, "slack": 260, "due_for_next": 130, "holds_up": 10},
            "replace-app": {"deadline": 200, "slack": -10, "due_for_next": None},
        },
        2,
        30.0,
    ),
    Planned(  # replace-app takes 70 days and is due on day 50: nothing before it helps
        "the-steps-after-it-miss-their-deadlines-however-soon-it-finishes",
        "s:x -> app grace=50\ns:y -> idp grace=400\napp -> idp\ncandidate k\n"
        "alt k for app R4 weeks=10\nk -> idp\ncandidate kc\nalt kc for idp R2 weeks=20",
        ("component:app", "component:idp"),
        {
            "replace-idp": {"due_for_next": -20, "too_late_for_next": True, "holds_up": None},
            "replace-app": {"deadline": 50, "slack": -160, "too_late_for_next": False},
        },
        2,
        30.0,
    ),
    Planned(  # an export takes no time: the lateness is the step's after it
        "an-export-is-no-step-to-speed-up",
        "s:x -> a grace=30\nexport a\ncandidate k\nalt k for a R3 weeks=10",
        ("component:a",),
        {
            "export-a": {"due_for_next": None, "holds_up": None, "too_late_for_next": False},
            "replace-a": {"slack": -40},
        },
        2,
        10.0,
    ),
    Planned(  # its own deadline, day 100, comes first
        "no-earlier-day-for-the-step-after-it-than-its-own-deadline",
        "s:x -> app grace=200\ns:y -> idp grace=100\napp -> idp\ncandidate k\n"
        "alt k for app R4 weeks=10\nk -> idp\ncandidate kc\nalt kc for idp R2 weeks=20",
        ("component:app", "component:idp"),
        {
            "replace-idp": {"deadline": 100, "due_for_next": None, "holds_up": None},
            "replace-app": {"deadline": 200},
        },
        2,
        30.0,
    ),
    Planned(  # app's step is blocked: idp's step holds up nothing
        "a-blocked-step-asks-nothing-of-the-steps-before-it",
        "s:x -> app grace=200\ns:y -> idp grace=400\napp -> idp\ncandidate k\n"
        "alt k for app R4 weeks=10\nk -> idp\nk -> gone\ncandidate kc\n"
        "alt kc for idp R2 weeks=20",
        ("component:app", "component:idp", "component:gone"),
        {
            "replace-idp": {"due_for_next": None, "holds_up": None},
            "replace-app": {"blocked": True},
        },
        1,
        20.0,
    ),
    Planned(
        "deadline-with-time-to-spare",
        "s:x -> a grace=100\ncandidate k\nalt k for a R3 weeks=10",
        ("component:a",),
        {"replace-a": {"deadline": 100, "slack": 30}},
        1,
        10.0,
    ),
    Planned(
        "vendor-only-export-comes-first",
        "s:x -> a\nexport a\ncandidate k\nalt k for a R3 weeks=8",
        ("component:a",),
        {
            "export-a": {"wave": 1, "kind": "export"},
            "replace-a": {"wave": 2, "after": ("export-a",)},
        },
        2,
        8.0,
    ),
    Planned(
        "blocked-and-everything-after-it",
        "s:x -> a\ns:y -> b\ncandidate kb\nalt kb for b R3 weeks=5\nkb -> a soft",
        ("component:a", "component:b"),
        {
            "replace-a": {"blocked": True, "blocked_by": ("a",), "wave": 1},
            "replace-b": {"blocked": True, "blocked_by": ("a",), "wave": 2},
        },
        2,
        0.0,
    ),
    Planned(
        "no-wait-for-a-group-member-that-cannot-be-restored-when-another-stays",
        "s:x -> a\ns:y -> b\ncandidate kb\nalt kb for b R3 weeks=5\nkb -> a group=g\n"
        "kb -> c group=g",
        ("component:a", "component:b"),
        {
            "replace-a": {"blocked": True, "blocked_by": ("a",), "wave": 1},
            "replace-b": {"blocked": False, "wave": 1, "after": ()},
        },
        1,
        5.0,
    ),
    Planned(
        "a-group-waits-for-the-member-that-can-be-restored",
        "s:x -> a\ncandidate ka\nalt ka for a R3 weeks=4\nka -> w group=g\nka -> w3 group=g\n"
        "candidate k3\nalt k3 for w3 R3 weeks=2",
        ("component:a", "component:w", "component:w3"),
        {
            "replace-w": {"wave": 1, "blocked": True, "blocked_by": ("w",)},
            "replace-w3": {"wave": 1, "blocked": False},
            "replace-a": {"wave": 2, "after": ("replace-w3",), "blocked": False},
        },
        2,
        6.0,
    ),
    Planned(
        "a-member-restored-by-a-step-is-waited-for-though-nothing-else-asks",
        "s:x -> a\ns:y -> m\ncandidate ka\nalt ka for a R3 weeks=4\nka -> m group=g\n"
        "ka -> n group=g\ncandidate n\nm -> w\ncandidate kw\nalt kw for w R3 weeks=10",
        ("component:a", "component:w"),
        {
            "replace-w": {"wave": 1, "blocked": False},
            "replace-a": {"wave": 2, "after": ("replace-w",), "blocked": False},
        },
        2,
        14.0,
    ),
    Planned(
        "a-restorable-member-is-waited-for-beside-one-that-stays",
        "s:x -> a\ncandidate ka\nalt ka for a R3 weeks=4\nka -> m group=g\nka -> c group=g\n"
        "m -> w\ncandidate kw\nalt kw for w R3 weeks=10",
        ("component:a", "component:w"),
        {
            "replace-w": {"wave": 1, "blocked": False},
            "replace-a": {"wave": 2, "after": ("replace-w",), "blocked": False},
        },
        2,
        14.0,
    ),
    Planned(
        "no-wait-through-a-broken-group-member-when-another-stays",
        "s:x -> a\ncandidate ka\nalt ka for a R3 weeks=4\nka -> m group=g\nka -> c group=g\nm -> w",
        ("component:a", "component:w"),
        {
            "replace-w": {"blocked": True, "blocked_by": ("w",), "wave": 1},
            "replace-a": {"blocked": False, "wave": 1, "after": ()},
        },
        1,
        4.0,
    ),
]


@pytest.mark.parametrize("case", PLANS, ids=[c.id for c in PLANS])
def test_plan(case: Planned) -> None:
    plan = simulate(build(case.spec), case.withdraw).plan
    steps = {step.id: step for step in plan.steps}
    assert set(steps) == set(case.steps)
    for step_id, expected in case.steps.items():
        step = steps[step_id]
        for key, value in expected.items():
            found = getattr(step, key)
            assert (found.value if hasattr(found, "value") else found) == value, (step_id, key)
    assert plan.waves == case.waves
    assert plan.critical_path_weeks == case.critical_path_weeks


@dataclass(frozen=True)
class BroughtIn:
    id: str
    spec: str
    withdraw: tuple[str, ...]
    needs: dict[str, tuple[str, ...]]
    """Each step's needs that are not run today and that no step brings in (steps with
    none are left out): ``hub``, ``d1|d2`` (either), ``store<hub`` (through hub)."""
    options: Options = field(default_factory=Options)


def _need(need: Prerequisite) -> str:
    return "|".join(need.options) + "".join(f"<{t}" for t in need.through)


BROUGHT_IN = [
    BroughtIn(
        "a-candidate-needs-what-is-not-run-today",
        "s:x -> a\ncandidate k\nalt k for a R3 weeks=4\nk -> hub\ncandidate hub",
        ("component:a",),
        {"replace-a": ("hub",)},
    ),
    BroughtIn(
        "a-retired-need-is-brought-back",
        "s:x -> a\ncandidate k\nalt k for a R3 weeks=4\nk -> old\nretired old",
        ("component:a",),
        {"replace-a": ("old",)},
    ),
    BroughtIn(
        "what-runs-today-meets-the-need",
        "s:x -> a\ncandidate k\nalt k for a R3 weeks=4\nk -> hub",
        ("component:a",),
        {},
    ),
    BroughtIn(
        "a-soft-need-is-not-a-prerequisite",
        "s:x -> a\ncandidate k\nalt k for a R3 weeks=4\nk -> hub soft\ncandidate hub",
        ("component:a",),
        {},
    ),
    BroughtIn(
        "another-steps-candidate-meets-it-and-comes-first",
        "s:x -> a\ns:y -> b\ncandidate ka\ncandidate kb\nalt ka for a R3 weeks=4\n"
        "alt kb for b R3 weeks=6\nkb -> ka",
        ("component:a", "component:b"),
        {},
    ),
    BroughtIn(
        "another-steps-incumbent-meets-it-its-step-comes-first",
        "s:x -> a\ns:y -> b\ncandidate ka\ncandidate kb\nalt ka for a R3 weeks=4\n"
        "alt kb for b R3 weeks=6\nkb -> a",
        ("component:a", "component:b"),
        {},
    ),
    BroughtIn(
        "followed-through-what-must-be-brought-in",
        "s:x -> a\ncandidate k\nalt k for a R3 weeks=4\nk -> hub\ncandidate hub\n"
        "hub -> store\ncandidate store\nhub -> net",
        ("component:a",),
        {"replace-a": ("hub", "store<hub")},
    ),
    BroughtIn(
        "a-group-with-a-running-member-is-met",
        "s:x -> a\ncandidate k\nalt k for a R3 weeks=4\nk -> d1 group=dir\n"
        "k -> d2 group=dir\ncandidate d2",
        ("component:a",),
        {},
    ),
    BroughtIn(
        "a-group-with-no-running-member-is-either-of-them",
        "s:x -> a\ncandidate k\nalt k for a R3 weeks=4\nk -> d1 group=dir\n"
        "k -> d2 group=dir\ncandidate d1\ncandidate d2\nd1 -> deeper\ncandidate deeper",
        ("component:a",),
        {"replace-a": ("d1|d2",)},
    ),
    BroughtIn(
        "a-withdrawn-member-is-no-option",
        "s:x -> a\ncandidate k\nalt k for a R3 weeks=4\nk -> gone group=dir\n"
        "k -> d2 group=dir\ncandidate d2",
        ("component:a", "component:gone"),
        {"replace-a": ("d2",)},
    ),
    BroughtIn(
        "an-excluded-member-is-no-option",
        "s:x -> a\ncandidate k\nalt k for a R3 weeks=4\nk -> d1 group=dir\n"
        "k -> d2 group=dir\ncandidate d1\ncandidate d2",
        ("component:a",),
        {"replace-a": ("d2",)},
        Options(exclude_candidates=frozenset({NodeId("d1")})),
    ),
    BroughtIn(
        "in-an-exit-a-withdrawn-need-gets-its-own-step",
        "s:x -> a\ncandidate k\nalt k for a R3 weeks=4\nvendor k other\nk -> own\n"
        "candidate k2\nalt k2 for own R3 weeks=2\nvendor k2 other",
        ("vendor:v",),
        {},
        Options(mode=Mode.EXIT),
    ),
    BroughtIn(
        "merged-steps-keep-each-candidates-needs",
        "s:x -> a\ns:y -> b\ncandidate ka\ncandidate kb\nka -> kb soft\nkb -> ka soft\n"
        "alt ka for a R3 weeks=4\nalt kb for b R3 weeks=6\nka -> p\nkb -> q\n"
        "candidate p\ncandidate q",
        ("component:a", "component:b"),
        {"replace-a+replace-b": ("p", "q")},
    ),
    BroughtIn(
        "a-member-that-cannot-be-restored-meets-no-need",
        "s:x -> a\ns:y -> w\ncandidate ka\nalt ka for a R3 weeks=4\nka -> w group=g\n"
        "ka -> n group=g\ncandidate n",
        ("component:a", "component:w"),
        {"replace-a": ("n",)},
    ),
    BroughtIn(
        "a-running-member-that-cannot-be-restored-meets-no-need",
        "s:x -> a\ncandidate ka\nalt ka for a R3 weeks=4\nka -> m group=g\nka -> n group=g\n"
        "m -> w\ncandidate n",
        ("component:a", "component:w"),
        {"replace-a": ("n",)},
    ),
    BroughtIn(
        "a-member-whose-only-candidate-is-excluded-meets-no-need",
        "s:x -> a\ns:y -> w\ncandidate ka\nalt ka for a R3 weeks=4\nka -> w group=g\n"
        "ka -> n group=g\ncandidate n\ncandidate kw\nalt kw for w R3",
        ("component:a", "component:w"),
        {"replace-a": ("n",)},
        Options(exclude_candidates=frozenset({NodeId("kw")})),
    ),
]


@pytest.mark.parametrize("case", BROUGHT_IN, ids=[c.id for c in BROUGHT_IN])
def test_needs_brought_in(case: BroughtIn) -> None:
    plan = simulate(build(case.spec), case.withdraw, case.options).plan
    found = {
        step.id: tuple(_need(n) for n in step.needs_brought_in)
        for step in plan.steps
        if step.needs_brought_in
    }
    assert found == case.needs


def test_merged_steps_say_which_candidate_needs_what() -> None:
    case = next(c for c in BROUGHT_IN if c.id == "merged-steps-keep-each-candidates-needs")
    (step,) = simulate(build(case.spec), case.withdraw).plan.steps
    assert [(n.candidate, n.options) for n in step.needs_brought_in] == [
        ("ka", ("p",)),
        ("kb", ("q",)),
    ]


@dataclass(frozen=True)
class NeedsFirst:
    id: str
    spec: str
    withdraw: tuple[str, ...]
    needs: dict[str, tuple[str, ...]]
    """Each step's needs an earlier step moves (steps with none left out), as
    ``candidate:node@step``."""
    told: dict[str, str]
    """What the alternatives table says beside each chosen candidate that has such needs."""
    options: Options = field(default_factory=Options)


NEEDS_FIRST = [
    NeedsFirst(
        "a-withdrawn-component-another-step-replaces",  # Seclore needs Entra ID
        "s:protect -> aip\ns:login -> entra\naip -> entra\ncandidate seclore\n"
        "alt seclore for aip R3 weeks=6\nseclore -> entra\ncandidate nubus\n"
        "alt nubus for entra R3 weeks=10\nvendor seclore other\nvendor nubus other",
        ("vendor:v",),
        {"replace-aip": ("seclore:entra@replace-entra",)},
        {"aip": "Needs entra, which nubus replaces first."},
    ),
    NeedsFirst(
        "the-candidate-another-step-brings-in",
        "s:x -> a\ns:y -> b\ncandidate ka\ncandidate kb\nalt ka for a R3 weeks=4\n"
        "alt kb for b R3 weeks=6\nkb -> ka",
        ("component:a", "component:b"),
        {"replace-b": ("kb:ka@replace-a",)},
        {"b": "Needs ka, brought in first to replace a."},
    ),
    NeedsFirst(
        "through-a-node-nobody-runs",
        "s:x -> a\ns:y -> b\ncandidate ka\ncandidate kb\ncandidate hub\n"
        "alt ka for a R3 weeks=4\nalt kb for b R3 weeks=6\nkb -> hub\nhub -> a",
        ("component:a", "component:b"),
        {"replace-b": ("kb:a@replace-a",)},
        {"b": "Needs a, which ka replaces first."},
    ),
    NeedsFirst(
        "both-the-replaced-and-its-replacement-told-once",
        "s:x -> a\ns:y -> b\ncandidate ka\ncandidate kb\nalt ka for a R3 weeks=4\n"
        "alt kb for b R3 weeks=6\nkb -> a\nkb -> ka",
        ("component:a", "component:b"),
        {"replace-b": ("kb:a@replace-a", "kb:ka@replace-a")},
        {"b": "Needs a, which ka replaces first."},
    ),
    NeedsFirst(
        "within-a-merged-step-nothing-comes-first",
        "s:x -> a\ns:y -> b\ncandidate ka\ncandidate kb\nka -> kb\nkb -> ka\n"
        "alt ka for a R3 weeks=4\nalt kb for b R3 weeks=6",
        ("component:a", "component:b"),
        {},
        {},
    ),
    NeedsFirst(
        "a-member-of-a-group-that-can-be-restored-is-waited-for",
        "s:x -> a\ns:y -> b\ncandidate ka\ncandidate kb\nalt ka for a R3 weeks=4\n"
        "alt kb for b R3 weeks=6\nkb -> a group=g\nkb -> c group=g",
        ("component:a", "component:b"),
        {"replace-b": ("kb:a@replace-a",)},
        {"b": "Needs a, which ka replaces first."},
    ),
    NeedsFirst(  # helper-68: the row said nothing where it explains why the step is blocked
        "what-an-earlier-step-has-no-alternative-for",
        "s:x -> a\ns:y -> b\ncandidate kb\nalt kb for b R3 weeks=6\nkb -> a soft",
        ("component:a", "component:b"),
        {"replace-b": ("kb:a@replace-a",)},
        {"b": "Needs a, for which no viable alternative is found yet."},
    ),
    NeedsFirst(
        "nothing-withdrawn-is-needed",
        "s:x -> a\ncandidate ka\nalt ka for a R3 weeks=4\nka -> c",
        ("component:a",),
        {},
        {},
    ),
]


@pytest.mark.parametrize("case", NEEDS_FIRST, ids=[c.id for c in NEEDS_FIRST])
def test_needs_first(case: NeedsFirst) -> None:
    simulation = simulate(build(case.spec), case.withdraw, case.options)
    found = {
        step.id: tuple(f"{n.candidate}:{n.node}@{n.step}" for n in step.needs_first)
        for step in simulation.plan.steps
        if step.needs_first
    }
    assert found == case.needs
    told = {row[0]: row[4] for row in alternatives(simulation).rows if "Needs " in row[4]}
    assert told == case.told


def test_why_lists_every_chain_earliest_first() -> None:
    graph = build(
        """
        s:work -> ca
        ca -> intune
        s:work -> client
        client -> intune renewal
        contract client 2026-06-30
        s:work -> mon soft
        mon -> intune grace=7
        """
    )
    explanation = explain(graph, ["component:intune"], NodeId("work"))
    found = [(c.nodes, c.day, c.breaks) for c in explanation.chains]
    assert found == [
        (("work", "ca", "intune"), 0.0, True),
        (("work", "mon", "intune"), 7.0, False),
        (("work", "client", "intune"), 180.0, True),
    ]


def test_why_follows_a_chain_longer_than_the_cut_when_its_walk_stops_early() -> None:
    """A ladder of 32 diamonds: a chain of 65 nodes and 2**32 paths. The walk stops at its
    limit, and the decisive chain was rebuilt from the cut one, whose ellipsis is no node:
    'min() arg is an empty sequence', exit 3 (helper-63). It is whole in the answer."""
    lines = ["s:s -> x32"]
    for i in range(1, 33):
        lines += [f"a{i} -> x{i - 1}", f"b{i} -> x{i - 1}", f"x{i} -> a{i}", f"x{i} -> b{i}"]
    explanation = explain(build("\n".join(lines)), ["component:x0"], NodeId("s"))
    assert explanation.truncated
    decisive = [chain for chain in explanation.chains if chain.breaks]
    assert decisive
    assert decisive[0].nodes[0] == "s"
    assert decisive[0].nodes[-1] == "x0"
    assert len(decisive[0].nodes) == 2 + 2 * 32
