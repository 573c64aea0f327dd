"""The register's substitutability rule, one row per case (exitplan/simulate/register.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exitplan.graph import EmbeddedGraph
from exitplan.loading import load_estate
from exitplan.select import Mode
from exitplan.simulate import Options, simulate
from exitplan.simulate.register import register_rows, substitutability
from tests.conftest import EXAMPLE
from tests.simulate.build import build

CASES = [
    ("a candidate at R3 covers everything in one step",
     "s:x -> a\ncandidate k\nalt k for a R3",
     "a", "easy",
     "a → k (R3); 1 dependent to move"),
    ("R3 with gaps",
     "s:x -> a\ncandidate k\nalt k for a R3 gaps=no-archive",
     "a", "medium",
     "a → k (R3, with gaps); 1 dependent to move"),
    ("R2 without gaps",
     "s:x -> a\ncandidate k\nalt k for a R2",
     "a", "medium",
     "a → k (R2); 1 dependent to move"),
    ("R2 with gaps",
     "s:x -> a\ncandidate k\nalt k for a R2 gaps=no-archive",
     "a", "highly_complex",
     "a → k (R2, with gaps); 1 dependent to move"),
    ("R1: a market scan only",
     "s:x -> a\ncandidate k\nalt k for a R1",
     "a", "highly_complex",
     "a → k (R1); 1 dependent to move"),
    ("no candidate at all",
     "s:x -> a",
     "a", "not_substitutable",
     "no viable alternative for a"),
    ("a candidate that needs what is withdrawn",
     "s:x -> a\ncandidate k\nalt k for a R5\nk -> a",
     "a", "not_substitutable",
     "no viable alternative for a"),
    ("nothing in use needs it",
     "s:x -> b\na -> b",
     "a", "easy",
     "nothing that stays in use needs it"),
    ("needed by a component, not a service",
     "s:x -> a\na -> b\ncandidate m\nalt m for b R2",
     "b", "medium",
     "b → m (R2); 2 dependents to move"),
    ("R5 but three dependents break and must move",
     "s:x -> a\ns:y -> a\ns:z -> a\ncandidate k\nalt k for a R5",
     "a", "medium",
     "a → k (R5); 3 dependents to move"),
    ("R3 but its candidate needs what nothing runs today",
     "s:x -> a\ncandidate k\nalt k for a R3\nk -> hub\ncandidate hub",
     "a", "medium",
     "a → k (R3); 1 dependent to move; needs hub brought in, which nothing runs today"),
    ("R3 and its candidate needs what runs today",
     "s:x -> a\ncandidate k\nalt k for a R3\nk -> hub",
     "a", "easy",
     "a → k (R3); 1 dependent to move"),
    ("R5 but ten dependents must move",
     "s:x0 -> a\ns:x1 -> a\ns:x2 -> a\ns:x3 -> a\ns:x4 -> a\ns:x5 -> a\ns:x6 -> a\ns:x7 -> a\n"
     "s:x8 -> a\ns:x9 -> a\ncandidate k\nalt k for a R5",
     "a", "highly_complex",
     "a → k (R5); 10 dependents to move"),
    ("two replacements: the less ready of them decides",  # (helper-95)
     "s:x -> a1\ns:y -> a2\na1 -> b\na2 -> b\ncandidate k1\ncandidate k2\nalt k1 for a1 R3\n"
     "alt k2 for a2 R1",
     "b", "highly_complex",
     "a1 → k1 (R3); a2 → k2 (R1); 4 dependents to move"),
    ("two replacements: gaps in one of them",  # (helper-95)
     "s:x -> a1\ns:y -> a2\na1 -> b\na2 -> b\ncandidate k1\ncandidate k2\nalt k1 for a1 R3\n"
     "alt k2 for a2 R2 gaps=x",
     "b", "highly_complex",
     "a1 → k1 (R3); a2 → k2 (R2, with gaps); 4 dependents to move"),
    ("what two candidates need, in the order of their ids",  # (helper-95)
     "s:x -> a1\ns:y -> a2\na1 -> b\na2 -> b\ncandidate k1\ncandidate k2\nalt k1 for a1 R3\n"
     "alt k2 for a2 R3\nk1 -> zz\nk2 -> aa\ncandidate zz\ncandidate aa",
     "b", "medium",
     "a1 → k1 (R3); a2 → k2 (R3); 4 dependents to move; "
     "needs aa and zz brought in, which nothing runs today"),
    ("a need of either of two",  # (helper-95)
     "s:x -> a\ncandidate k\nalt k for a R3\nk -> d1 group=g\nk -> d2 group=g\ncandidate d1\n"
     "candidate d2",
     "a", "medium",
     "a → k (R3); 1 dependent to move; needs either d1 or d2 brought in, which nothing runs today"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("spec", "withdrawn", "expected", "why"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_substitutability_rule(spec: str, withdrawn: str, expected: str, why: str) -> None:
    """The level and the whole reason: a wrong word in it is a wrong register (helper-95)."""
    graph = build(spec)
    level, reason = substitutability(
        simulate(graph, [f"component:{withdrawn}"], Options(mode=Mode.EXIT))
    )
    assert (level, reason) == (expected, why)


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


def test_a_row_names_its_alternatives_by_name_in_order_and_its_exit_plan(tmp_path: Path) -> None:
    """Alternatives by name in the order of their names, and the exit plan as recorded:
    no test's names differed from their ids, nor recorded a plan (helper-95)."""
    (tmp_path / "estate.yaml").write_text(
        "vendors: [{id: v, name: V}]\n"
        "services: [{id: s, name: S, depends_on: [c]}]\n"
        "components:\n"
        "  - {id: c, name: C, vendor: v, delivery: saas,\n"
        "     exit: {plan_exists: true, last_tested: 2025-05-01}}\n"
        "  - {id: k1, name: Zulu Mail, vendor: v, delivery: saas, lifecycle: candidate}\n"
        "  - {id: k2, name: Alpha Mail, vendor: v, delivery: saas, lifecycle: candidate}\n"
        "alternatives:\n"
        "  - {for: c, candidate: k1, readiness: R3}\n"
        "  - {for: c, candidate: k2, readiness: R3}\n",
        encoding="utf-8",
    )
    (row,) = register_rows(EmbeddedGraph(load_estate(tmp_path)))
    assert (row.alternatives, row.exit_plan, row.last_tested) == (
        ("Alpha Mail", "Zulu Mail"),
        True,
        "2025-05-01",
    )


def test_progress_is_told_after_each_row() -> None:
    told: list[tuple[int, int]] = []
    register_rows(
        build("s:x -> a\na -> b"), progress=lambda done, total: told.append((done, total))
    )
    assert told == [(1, 2), (2, 2)]


def test_the_provider_of_record_is_the_operator_before_the_licensor(tmp_path: Path) -> None:
    """Its ultimate parent and country are the operator's, whatever the ids' order; the
    own provider gives way to the licensor (helper-95: the first rule was pinned by no
    test)."""
    (tmp_path / "estate.yaml").write_text(
        "vendors:\n"
        "  - {id: zeta-op, name: Zeta Operator, hq_country: DE}\n"
        "  - {id: alpha-lic, name: Alpha Licensor, hq_country: FR, parent: big}\n"
        "  - {id: big, name: Big Corp, hq_country: US}\n"
        "  - {id: own, name: Own IT, hq_country: SE, tags: [own-provider]}\n"
        "components:\n"
        "  - {id: c, name: C, delivery: self_hosted,\n"
        "     vendors: [{vendor: zeta-op, roles: [operator]},\n"
        "               {vendor: alpha-lic, roles: [licensor]}]}\n"
        "  - {id: d, name: D, delivery: self_hosted,\n"
        "     vendors: [{vendor: own, roles: [operator]},\n"
        "               {vendor: alpha-lic, roles: [licensor]}]}\n"
        "services: [{id: s, name: S, depends_on: [c, d]}]\n",
        encoding="utf-8",
    )
    rows = register_rows(EmbeddedGraph(load_estate(tmp_path)))
    assert [(r.id, r.ultimate_parent, r.parent_country) for r in rows] == [
        ("c", "Zeta Operator", "DE"),
        ("d", "Big Corp", "US"),
    ]
