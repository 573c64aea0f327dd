"""The register's substitutability rule, one row per case (exitplan/simulate/register.py)."""

from __future__ import annotations

import pytest

from exitplan.graph import EmbeddedGraph
from exitplan.loading import load_estate
from exitplan.select import Mode
from exitplan.simulate import Options, simulate
from exitplan.simulate.register import register_rows, substitutability
from tests.conftest import EXAMPLE
from tests.simulate.build import build

CASES = [
    ("a candidate at R3 covers everything in one step", "s:x -> a\ncandidate k\nalt k for a R3",
     "a", "easy"),
    ("R3 with gaps", "s:x -> a\ncandidate k\nalt k for a R3 gaps=no-archive", "a", "medium"),
    ("R2 without gaps", "s:x -> a\ncandidate k\nalt k for a R2", "a", "medium"),
    ("R2 with gaps", "s:x -> a\ncandidate k\nalt k for a R2 gaps=no-archive", "a",
     "highly_complex"),
    ("R1: a market scan only", "s:x -> a\ncandidate k\nalt k for a R1", "a", "highly_complex"),
    ("no candidate at all", "s:x -> a", "a", "not_substitutable"),
    ("a candidate that needs what is withdrawn", "s:x -> a\ncandidate k\nalt k for a R5\nk -> a",
     "a", "not_substitutable"),
    ("nothing in use needs it", "s:x -> b\na -> b", "a", "easy"),
    ("needed by a component, not a service", "s:x -> a\na -> b\ncandidate m\nalt m for b R2",
     "b", "medium"),
    ("R5 but three dependents break and must move",
     "s:x -> a\ns:y -> a\ns:z -> a\ncandidate k\nalt k for a R5", "a", "medium"),
    ("R3 but its candidate needs what nothing runs today",
     "s:x -> a\ncandidate k\nalt k for a R3\nk -> hub\ncandidate hub", "a", "medium"),
    ("R3 and its candidate needs what runs today",
     "s:x -> a\ncandidate k\nalt k for a R3\nk -> hub", "a", "easy"),
    ("R5 but ten dependents must move",
     "\n".join(f"s:x{i} -> a" for i in range(10)) + "\ncandidate k\nalt k for a R5", "a",
     "highly_complex"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("spec", "withdrawn", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_substitutability_rule(spec: str, withdrawn: str, expected: str) -> None:
    graph = build(spec)
    level, reason = substitutability(
        simulate(graph, [f"component:{withdrawn}"], Options(mode=Mode.EXIT))
    )
    assert level == expected, reason
    assert reason


def test_every_component_in_use_gets_one_row() -> None:
    graph = build("s:x -> a\na -> b\ncandidate k\nalt k for a R3")
    rows = register_rows(graph)
    assert [r.id for r in rows] == ["a", "b"]
    assert rows[0].alternatives == ("k",)
    assert rows[0].services == ("x",)


def test_without_detail_the_answer_is_the_same_but_plan_and_chains() -> None:
    """The register's light simulation agrees with the full one on everything it reads."""
    graph = EmbeddedGraph(load_estate(EXAMPLE))
    for selector in ("vendor:microsoft", "component:intune", "component:ad-ds"):
        full = simulate(graph, [selector], Options(mode=Mode.EXIT))
        light = simulate(graph, [selector], Options(mode=Mode.EXIT, detail=False))
        assert [(a.id, a.state, a.fails_at, a.degrades_at) for a in light.affected] == [
            (a.id, a.state, a.fails_at, a.degrades_at) for a in full.affected
        ]
        assert light.replacements == full.replacements
        assert [(s.id, s.state, s.users) for s in light.services] == [
            (s.id, s.state, s.users) for s in full.services
        ]
        assert (light.users_broken, light.users_affected) == (
            full.users_broken,
            full.users_affected,
        )
        assert light.plan.steps == ()


def test_a_provider_without_a_recorded_country_says_so() -> None:
    """build's vendors record no country: the register says so in words, not "?"."""
    (row,) = register_rows(build("s:x -> a"))
    assert row.providers
    assert all("(country not recorded): " in provider for provider in row.providers)


def test_a_component_needed_only_redundantly_says_why_nothing_moves() -> None:
    """Windows Autopatch: replaced all the same, yet no service breaks without it; the
    reason says so rather than leave "0 dependents" beside a hard level unexplained."""
    graph = build("s:x -> a group=g\ns:x -> b group=g\ncandidate k\nalt k for a R1")
    level, reason = substitutability(simulate(graph, ["component:a"], Options(mode=Mode.EXIT)))
    assert level == "highly_complex"
    assert reason.endswith(
        "0 dependents to move: what needs it keeps running without it (redundancy, or a soft need)"
    )


def test_the_register_names_what_a_candidate_needs_brought_in() -> None:
    """baramundi replaces Intune and needs Univention Nubus, which the city does not run:
    the register said "Easily substitutable" of such a component (helper-59)."""
    graph = build("s:x -> a\ncandidate k\nalt k for a R3\nk -> hub\ncandidate hub")
    (row, *_) = register_rows(graph)
    assert (row.id, row.substitutability) == ("a", "medium")
    assert row.reason.endswith("; needs hub brought in, which nothing runs today")
    level, reason = substitutability(simulate(graph, ["component:a"], Options(mode=Mode.EXIT)))
    assert (level, reason) == (row.substitutability, row.reason)
