"""The mapping file: names that are never blank, vendor patterns that are quick to search."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from exitplan.errors import InvalidInputError
from exitplan.importers.mapping import load_mapping
from exitplan.importers.rules import LONGEST_NAME, NamedVendor
from tests.conftest import RunCli


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInputError) as raised:
        load_mapping(path)
    return [str(problem).split("/")[-1] for problem in raised.value.problems]


_VENDOR = "vendors.names[0].vendor"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("vendors:\n  names:\n    - {pattern: '.', vendor: ' '}\n", _VENDOR),
        ("vendors:\n  names:\n    - {pattern: '.', vendor: ''}\n", _VENDOR),
        ("vendors:\n  names:\n    - {pattern: '.', vendor: \"\\t\\n\"}\n", _VENDOR),
        ("vendors:\n  properties: [vendor, '  ']\n", "vendors.properties[1]"),
        ("skip:\n  - a\n  - ' '\n", "skip[1]"),
    ],
    ids=["space", "empty", "tab-newline", "property", "skip"],
)
def test_blank_names_are_refused(tmp_path: Path, text: str, said: str) -> None:
    (problem,) = _problems(tmp_path, text)
    assert problem.startswith("mapping.yaml:")
    assert f": {said}: String should have at least 1 character" in problem


def test_names_are_stripped(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text("vendors:\n  names: [{pattern: teams, vendor: ' Microsoft '}]\n")
    (rule,) = load_mapping(path).vendors.names
    assert rule.vendor == "Microsoft"


_HOSTILE_NAMES = ["a" * LONGEST_NAME, "a" * (LONGEST_NAME - 1) + "!", "ab " * (LONGEST_NAME // 3)]


@pytest.mark.parametrize(
    "pattern",
    [
        "^(a+)+$",
        "(a|aa)*b",
        "(a*)*b",
        r"(\w+\s?)+$",
        "(?:a|a){2,}x",
        ".*a.*b",
        r"\w+\w+x",
        r"^Azure\s+\w+",
        "a?" * 30 + "a" * 30,
        "(a|a)" * 20 + "x",
        "(?=(a+))+x",
    ],
    ids=str,
)
def test_patterns_that_can_take_long_are_refused(tmp_path: Path, pattern: str) -> None:
    started = time.perf_counter()
    (problem,) = _problems(
        tmp_path, f"vendors:\n  names:\n    - {{pattern: '{pattern}', vendor: X}}\n"
    )
    assert time.perf_counter() - started < 1
    assert problem.startswith("mapping.yaml:3: vendors.names[0].pattern: can take too long")


@pytest.mark.parametrize(
    "pattern",
    [
        "^Azure ",
        r"\b(teams|outlook|sharepoint)\b",
        "(?i)sap|oracle",
        "foo.*bar",
        r"^Microsoft( Corporation)?.*365",
        r"(teams|outlook).*\bonline\b",
        r"\d{4}",
        "(ab)*c",
        "(a|b)+c",
        r"[^,]+x",
        r"\w{1,20}\w{1,20}x",
    ],
    ids=str,
)
def test_patterns_quick_to_search_are_kept(pattern: str) -> None:
    """Each kept pattern searches names of the longest length, made to make it backtrack,
    quickly (one open repetition searches in time of the square of the length)."""
    rule = NamedVendor(pattern=pattern, vendor="X")
    compiled = re.compile(rule.pattern, re.IGNORECASE)  # as the draft compiles it
    started = time.perf_counter()
    for name in _HOSTILE_NAMES:
        compiled.search(name)
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize(
    ("mapping", "said"),
    [
        ("vendors:\n  names:\n    - {pattern: '^(a+)+$', vendor: X}\n", "pattern: can take"),
        ("vendors:\n  names:\n    - {pattern: '.', vendor: ' '}\n", "vendor: String should"),
    ],
    ids=["catastrophic-pattern", "blank-vendor"],
)
def test_a_hostile_mapping_ends_the_import_quickly(
    tmp_path: Path, run_cli: RunCli, mapping: str, said: str
) -> None:
    source = tmp_path / "ci.csv"
    source.write_text("name,vendor\n" + "a" * 40 + "!,\nB,\n", encoding="utf-8")
    path = tmp_path / "mapping.yaml"
    path.write_text(mapping, encoding="utf-8")
    started = time.perf_counter()
    result = run_cli("import", source, "-o", tmp_path / "e", "--mapping", path, cwd=tmp_path)
    assert time.perf_counter() - started < 60
    assert result.exit_code == 2, result.stderr
    assert f"mapping.yaml:3: vendors.names[0].{said}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "e").exists()
