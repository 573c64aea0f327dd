"""Answers that small plausible slips in the engine changed without any test noticing
(helper-92's mutation audit: a condition dropped, a tie-break lost, a day off by one).
Each row is a tiny estate, the withdrawal of vendor ``v`` and what the plan says: each
step's moves, whether it is blocked, its deadline, start and finish day; the components
with no viable alternative; those that need no replacement. The rules are DESIGN.md §4's
(restorable, viable, needed; deadlines; the capacity's placings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from exitplan.simulate import Options, simulate
from exitplan.simulate.schedule import Capacity
from tests.simulate.build import build

Step = tuple[tuple[str, ...], bool, int | None, int | None, int | None]


@dataclass(frozen=True)
class Row:
    id: str
    spec: str
    steps: tuple[Step, ...]
    missing: tuple[str, ...] = ()
    not_needed: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    held_back: tuple[str, ...] = ()
    selectors: tuple[str, ...] = ("vendor:v",)


ROWS = [
    Row(  # z excluded leaves c (for x) wanting y's group: b is replaced instead
        "exclusion-keeps-a-group-member-out-of-reach",
        """
        s:svc -> b
        s:svc -> y
        b -> x
        vendor b w
        c -> y group=g
        c -> z group=g
        candidate c
        vendor c w
        candidate z
        vendor z w
        candidate e
        vendor e w
        alt c for x R3
        alt e for b R3
        """,
        ((("b>e",), False, 0, 0, 0), (("y>?",), True, 0, None, None)),
        missing=("y",),
        not_needed=("x",),
        options={"exclude_candidates": frozenset({"z"})},
    ),
    Row(  # k runs, but excluded it is no candidate for x: b is replaced instead
        "an-excluded-candidate-in-use",
        """
        s:svc -> b
        s:svc -> k
        b -> x
        vendor b w
        vendor k w
        candidate e
        vendor e w
        alt k for x R3
        alt e for b R3
        """,
        ((("b>e",), False, 0, 0, 0),),
        not_needed=("x",),
        options={"exclude_candidates": frozenset({"k"})},
    ),
    Row(  # b needs t (restored by t2) and one of m1, m2 (m2 runs): c is viable
        "a-group-with-one-member-free-is-met",
        """
        s:svc -> x
        s:svc -> b
        b -> t
        b -> m1 group=g
        b -> m2 group=g
        vendor m2 w
        vendor b w
        c -> b
        candidate c
        vendor c w
        candidate t2
        vendor t2 w
        alt c for x R3
        alt t2 for t R3
        """,
        (
            (("m1>?",), True, 0, None, None),
            (("t>t2",), False, 0, 0, 0),
            (("x>c",), False, 0, 0, 0),
        ),
        missing=("m1",),
    ),
    Row(  # both members restorable, but t is not: b is not, and c (for x) is not viable
        "a-group-met-twice-still-waits-for-the-rest",
        """
        s:svc -> x
        s:svc -> b
        b -> t
        b -> m1 group=g
        b -> m2 group=g
        vendor b w
        c -> b
        candidate c
        vendor c w
        candidate n1
        vendor n1 w
        candidate n2
        vendor n2 w
        alt c for x R3
        alt n1 for m1 R3
        alt n2 for m2 R3
        """,
        (
            (("m1>n1",), False, 0, 0, 0),
            (("m2>n2",), False, 0, 0, 0),
            (("t>?",), True, 0, None, None),
            (("x>?",), True, 0, None, None),
        ),
        missing=("t", "x"),
    ),
    Row(  # t restored by t2 makes c viable, which restores x: b2 runs on
        "a-replacement-proves-what-its-candidate-needs",
        """
        s:svc -> b2
        b2 -> x
        vendor b2 w
        c -> t
        candidate c
        vendor c w
        candidate t2
        vendor t2 w
        candidate e2
        vendor e2 w
        alt c for x R3
        alt t2 for t R3
        alt e2 for b2 R3
        """,
        ((("t>t2",), False, None, 0, 0), (("x>c",), False, 0, 0, 0)),
    ),
    Row(  # one restorable member restores b's group: b is not replaced
        "one-restorable-member-suffices",
        """
        s:svc -> b
        b -> m1 group=g
        b -> m2 group=g
        vendor b w
        candidate n1
        vendor n1 w
        candidate e
        vendor e w
        alt n1 for m1 R3
        alt e for b R3
        """,
        ((("m1>n1",), False, 0, 0, 0), (("m2>?",), True, 0, None, None)),
        missing=("m2",),
    ),
    Row(  # x is still needed by svc, after 30 days; b, which needs it at once, is replaced
        "the-deadline-of-a-need-beside-a-replaced-dependent",
        """
        s:svc -> b
        s:svc -> x grace=30
        b -> x
        vendor b w
        candidate e
        vendor e w
        alt e for b R3 weeks=2
        """,
        ((("b>e",), False, 0, 0, 14), (("x>?",), True, 30, None, None)),
        missing=("x",),
    ),
    Row(  # b breaks on day 30, not 29
        "the-deadline-is-the-day-it-breaks",
        """
        s:svc -> b
        b -> x grace=30
        vendor b w
        candidate e
        vendor e w
        alt e for b R3 weeks=2
        """,
        ((("b>e",), False, 30, 0, 14),),
        not_needed=("x",),
    ),
    Row(  # 1.5 weeks is 10.5 days: it finishes on day 11, 1 day late, not on day 10
        "a-part-day-counts-as-a-day",
        """
        s:svc -> x grace=10
        candidate c
        vendor c w
        alt c for x R3 weeks=1.5
        """,
        ((("x>c",), False, 10, 0, 11),),
    ),
    Row(  # one team, neither late either way: the earlier deadline goes first
        "the-earlier-deadline-goes-first",
        """
        s:svc -> a grace=300
        s:svc -> b grace=200
        candidate na
        vendor na w
        candidate nb
        vendor nb w
        alt na for a R3 weeks=10
        alt nb for b R3 weeks=10
        """,
        ((("a>na",), False, 300, 70, 140), (("b>nb",), False, 200, 0, 70)),
        options={"capacity": Capacity(parallel_steps=1)},
    ),
    Row(  # c needs svc2 softly, and svc2 is withdrawn itself: no step to wait for
        "a-need-of-what-is-withdrawn-waits-for-no-step",
        """
        s:s -> x
        s:s -> z
        s:svc2 -> z
        c -> s:svc2 soft
        candidate c
        vendor c w
        candidate z2
        vendor z2 w
        alt c for x R3 weeks=2
        alt z2 for z R3 weeks=2
        """,
        ((("x>c",), False, 0, 0, 14), (("z>z2",), False, 0, 0, 14)),
        selectors=("vendor:v", "service:svc2"),
    ),
    Row(  # with z excluded, p (which c needs) waits on y alone: y holds back x's candidate
        "what-an-exclusion-leaves-needed-is-held-back",
        """
        s:s -> x
        c -> p
        candidate c
        vendor c w
        p -> y group=g
        p -> z group=g
        candidate p
        vendor p w
        candidate z
        vendor z w
        alt c for x R3
        """,
        ((("x>?",), True, 0, None, None),),
        missing=("x",),
        not_needed=("y",),
        options={"exclude_candidates": frozenset({"z"})},
        held_back=("y",),
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_the_plan_answers_as_the_rules_say(row: Row) -> None:
    simulation = simulate(build(row.spec), list(row.selectors), Options(**row.options))
    steps = tuple(
        (
            tuple(f"{m.replaces}>{m.candidate or '?'}" for m in step.moves),
            step.blocked,
            step.deadline,
            step.start_day,
            step.finish_day,
        )
        for step in simulation.plan.steps
    )
    assert steps == row.steps
    assert tuple(sorted(r.replaces for r in simulation.missing)) == row.missing
    assert simulation.not_needed == row.not_needed
    assert tuple(h.id for h in simulation.held_back) == row.held_back
