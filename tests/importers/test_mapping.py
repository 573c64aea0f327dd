"""The mapping file: names that are never blank, vendor patterns searched in linear time."""

from __future__ import annotations

from pathlib import Path

import pytest

from exitplan.errors import InvalidInputError
from exitplan.importers.draft import Draft
from exitplan.importers.mapping import load_mapping
from exitplan.importers.rules import CommonRules, NamedVendor, VendorRules, vendor_pattern
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


_LONGEST = 4_000  # the longest name the estate model holds
_HOSTILE_NAMES = ["a" * _LONGEST, "a" * (_LONGEST - 1) + "!", ("ab " * (_LONGEST // 3)).strip()]


@pytest.mark.parametrize(
    ("pattern", "matches"),
    [
        ("^(a+)+$", [True, False, False]),
        ("(a|aa)*b", [False, False, True]),
        ("(a*)*b", [False, False, True]),
        (r"(\w+\s?)+$", [True, False, True]),
        (".*a.*b", [False, False, True]),
        (r"\w+\w+x", [False, False, False]),
        ("a?" * 30 + "a" * 30, [True, True, False]),
        (r"^Azure\s+\w+", [False, False, False]),
    ],
    ids=str,
)
def test_patterns_that_backtrack_in_python_search_any_name_in_linear_time(
    pattern: str, matches: list[bool]
) -> None:
    """Python's re takes hours on these against such names; RE2 answers at once (a hang
    here would be the failure)."""
    draft = Draft(
        CommonRules(vendors=VendorRules(names=(NamedVendor(pattern=pattern, vendor="X"),)))
    )
    source = draft.source("cmdb.csv", "csv")
    for number, name in enumerate(_HOSTILE_NAMES):
        source.component(str(number), name)
    imported = draft.finish()
    vendors = [c.vendor for c in imported.files["cmdb.yaml"].components]
    by_name = {c.name: c.vendor for c in imported.files["cmdb.yaml"].components}
    assert [by_name[name] == "x" for name in _HOSTILE_NAMES] == matches, vendors


@pytest.mark.parametrize(
    ("pattern", "said"),
    [
        ("(?<=a)b", "invalid perl operator: (?<="),
        (r"(a)\1", "invalid escape sequence: \\1"),
        ("(", "missing ): ("),
    ],
    ids=["lookbehind", "backreference", "unbalanced"],
)
def test_patterns_re2_cannot_search_with_are_refused(
    tmp_path: Path, pattern: str, said: str
) -> None:
    (problem,) = _problems(
        tmp_path, f"vendors:\n  names:\n    - {{pattern: '{pattern}', vendor: X}}\n"
    )
    assert problem.startswith(
        "mapping.yaml:3: vendors.names[0].pattern: not a regular expression exitplan can "
        f"search with: {said}"
    ), problem


@pytest.mark.parametrize(
    ("pattern", "name", "found"),
    [
        ("^Azure ", "Azure DevOps", True),
        (r"\b(teams|outlook|sharepoint)\b", "Microsoft TEAMS", True),
        (r"\b(teams|outlook|sharepoint)\b", "Steamship", False),
        ("sap|oracle", "Oracle Database", True),
        (r"^Microsoft( Corporation)?.*365", "Microsoft Corporation Office 365", True),
        (r"\d{4}", "Server 2019", True),
        ("försäkring", "FÖRSÄKRINGSKASSAN", True),
    ],
)
def test_patterns_search_names_without_regard_to_case(pattern: str, name: str, found: bool) -> None:
    rule = NamedVendor(pattern=pattern, vendor="X")
    assert (vendor_pattern(rule.pattern).search(name) is not None) == found


def test_a_hostile_mapping_ends_the_import_with_its_line(tmp_path: Path, run_cli: RunCli) -> None:
    source = tmp_path / "ci.csv"
    source.write_text("name,vendor\n" + "a" * 40 + "!,\nB,\n", encoding="utf-8")
    path = tmp_path / "mapping.yaml"
    path.write_text("vendors:\n  names:\n    - {pattern: '.', vendor: ' '}\n", encoding="utf-8")
    result = run_cli("import", source, "-o", tmp_path / "e", "--mapping", path, cwd=tmp_path)
    assert result.exit_code == 2, result.stderr
    assert "mapping.yaml:3: vendors.names[0].vendor: String should" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "e").exists()


def test_a_pattern_python_would_hang_on_imports_at_once(tmp_path: Path, run_cli: RunCli) -> None:
    source = tmp_path / "ci.csv"
    source.write_text("name,vendor\n" + "a" * 900 + "!,\naaaa,\n", encoding="utf-8")
    path = tmp_path / "mapping.yaml"
    path.write_text("vendors:\n  names:\n    - {pattern: '^(a+)+$', vendor: X}\n")
    result = run_cli("import", source, "-o", tmp_path / "e", "--mapping", path, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "vendor guessed from the element's name" in result.stdout
    assert run_cli("validate", tmp_path / "e").exit_code == 0
