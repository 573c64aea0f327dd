"""``overrides:`` patches elements defined in other files (DESIGN.md §2), so that an
architect's enrichments of an imported estate live in their own file."""

from __future__ import annotations

from pathlib import Path

import pytest

from exitplan.errors import InvalidInputError
from exitplan.loading import load_estate
from exitplan.model import Strength

BASE = """\
vendors: [{id: v, name: V}]
components:
  - {id: a, name: A, vendor: v, delivery: self_hosted, depends_on: [b, {ref: c, strength: soft}]}
  - {id: b, name: B, vendor: v, delivery: saas}
  - {id: c, name: C, vendor: v, delivery: saas}
services:
  - {id: s, name: S, depends_on: [a]}
"""


def _estate(tmp_path: Path, overrides: str) -> Path:
    (tmp_path / "imported").mkdir()
    (tmp_path / "imported" / "model.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "mine.yaml").write_text(overrides, encoding="utf-8")
    return tmp_path


def test_fields_are_replaced_and_dependencies_merged_by_ref(tmp_path: Path) -> None:
    estate = load_estate(
        _estate(
            tmp_path,
            "overrides:\n"
            "  a:\n"
            "    licence_grace_days: 30\n"
            "    contract: {end: 2027-12-31}\n"
            "    depends_on: [{ref: b, strength: soft}, {ref: s2}]\n"
            "  s: {criticality: critical}\n"
            "services: [{id: s2, name: S2}]\n",
        )
    )
    a = next(c for c in estate.components if c.id == "a")
    assert a.licence_grace_days == 30
    assert a.contract is not None
    assert str(a.contract.end) == "2027-12-31"
    assert a.delivery == "self_hosted"  # not given: kept
    assert {(d.ref, d.strength) for d in a.depends_on} == {
        ("b", Strength.SOFT),
        ("c", Strength.SOFT),
        ("s2", Strength.HARD),
    }
    assert next(s for s in estate.services if s.id == "s").criticality == "critical"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ("overrides:\n  zz: {name: X}\n", "mine.yaml:2: overrides.zz: no element with id 'zz'"),
        ("overrides:\n  b: {delivery: cloud}\n", "mine.yaml:2: overrides.b.delivery: 'cloud'"),
        ("overrides:\n  b: {id: x}\n", "mine.yaml:2: overrides.b.id: an override cannot change"),
        ("overrides:\n  b: 3\n", "mine.yaml:2: overrides.b: expected a mapping"),
        ("overrides: [b]\n", "mine.yaml:1: overrides: expected a mapping of element ids"),
        (
            "overrides:\n  a:\n    depends_on: [{ref: nowhere}]\n",
            "mine.yaml:3: overrides.a.depends_on[0].ref: unknown component or service 'nowhere'",
        ),
        ("overrides:\n  b: {wrong: 1}\n", "mine.yaml:2: overrides.b.wrong: unknown key 'wrong'"),
        (  # a ref that is not text was a key of the merge: exit 3 (helper-60)
            "overrides:\n  a:\n    depends_on:\n      - {ref: b}\n      - {ref: [c]}\n",
            "mine.yaml:5: overrides.a.depends_on[1].ref: Input should be a valid string",
        ),
        (  # merged by ref, one of the two was dropped without a word (helper-57)
            "overrides:\n  b:\n    depends_on:\n      - {ref: a, strength: soft}\n"
            "      - {ref: a, strength: hard}\n",
            "mine.yaml:5: overrides.b.depends_on[1]: depends on 'a' twice (also depends_on[0])",
        ),
    ],
    ids=[
        "unknown-id",
        "bad-value",
        "id",
        "not-mapping",
        "list",
        "bad-ref",
        "unknown-field",
        "a-ref-that-is-a-list",
        "a-dependency-twice",
    ],
)
def test_a_bad_override_names_its_file_line_and_field(
    tmp_path: Path, overrides: str, expected: str
) -> None:
    with pytest.raises(InvalidInputError) as raised:
        load_estate(_estate(tmp_path, overrides))
    assert expected in str(raised.value)


def test_an_override_with_a_bad_value_has_its_references_checked_in_the_same_run(
    tmp_path: Path,
) -> None:
    """Its unknown ref and the cycle it closes were told only once the bad value was
    mended, one run later (helper-93)."""
    overrides = (
        "overrides:\n"
        "  b:\n"
        "    delivery: cloud\n"
        "    depends_on: [{ref: nowhere, strength: soft}, a]\n"
        "  c: {note: fine}\n"
    )
    with pytest.raises(InvalidInputError) as raised:
        load_estate(_estate(tmp_path, overrides))
    assert [str(problem).removeprefix(f"{tmp_path}/") for problem in raised.value.problems] == [
        "imported/model.yaml:3: components[0].depends_on[0]: cycle of hard dependencies: "
        "a → b → a; make one dependency soft or part of an any_of_group",
        "mine.yaml:3: overrides.b.delivery: 'cloud' is not allowed; expected 'saas', 'paas', "
        "'iaas', 'self_hosted' or 'client'",
        "mine.yaml:4: overrides.b.depends_on[0].ref: unknown component or service 'nowhere'",
    ]


def test_an_element_overridden_twice_is_an_error(tmp_path: Path) -> None:
    root = _estate(tmp_path, "overrides:\n  b: {note: one}\n")
    (root / "more.yaml").write_text("overrides:\n  b: {note: two}\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as raised:
        load_estate(root)
    assert "'b' is overridden twice; also at" in str(raised.value)


def test_an_override_that_closes_a_hard_cycle_is_caught(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as raised:
        load_estate(_estate(tmp_path, "overrides:\n  b:\n    depends_on: [a]\n"))
    assert "cycle" in str(raised.value)


@pytest.mark.parametrize(
    ("patch", "left"),
    [
        ("{delivery: saas}", ("vendor",)),
        ("{vendor: v}", ("delivery",)),
        ("{delivery: saas, vendor: v}", ()),
        ("{note: checked}", ("delivery", "vendor")),
    ],
    ids=["delivery", "vendor", "both", "neither"],
)
def test_what_an_override_sets_is_no_longer_inferred(
    tmp_path: Path, patch: str, left: tuple[str, ...]
) -> None:
    """The report said 'its delivery and vendor, inferred by the import' of a component
    whose delivery and vendor the user had set by override (helper-55)."""
    (tmp_path / "imported").mkdir()
    (tmp_path / "imported" / "model.yaml").write_text(
        "vendors: [{id: v, name: V}]\n"
        "components:\n"
        "  - {id: a, name: A, vendor: v, delivery: self_hosted, assumed: true,\n"
        "     origin: {file: m.xml, id: x1, inferred: [delivery, vendor]}}\n",
        encoding="utf-8",
    )
    (tmp_path / "mine.yaml").write_text(f"overrides:\n  a: {patch}\n", encoding="utf-8")
    (a,) = load_estate(tmp_path).components
    assert a.origin is not None
    assert a.origin.inferred == left
    assert a.assumed


def test_a_problem_of_an_overridden_elements_own_dependency_is_told_where_it_is_written(
    tmp_path: Path,
) -> None:
    """Told at the override, on the index of another entry there (helper-61)."""
    (tmp_path / "a.yaml").write_text(
        "vendors: [{id: v, name: V}]\ncomponents:\n"
        "  - {id: y, name: Y, vendor: v, delivery: saas}\n"
        "  - id: x\n    name: X\n    vendor: v\n    delivery: saas\n    depends_on:\n"
        "      - y\n      - nope1\n",
        encoding="utf-8",
    )
    (tmp_path / "b.yaml").write_text(
        "overrides:\n  x:\n    depends_on:\n      - {ref: y, strength: soft}\n"
        "      - {ref: nope2}\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError) as raised:
        load_estate(tmp_path)
    told = sorted(str(p).split("/")[-1] for p in raised.value.problems)
    assert [t.split(": unknown")[0] for t in told] == [
        "a.yaml:10: components[1].depends_on[1].ref",
        "b.yaml:5: overrides.x.depends_on[1].ref",
    ]
