"""Whatever bytes a file holds, loading ends in an estate or in a list of problems."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exitplan import loading
from exitplan.errors import InvalidInputError, UsageError
from exitplan.loading import (
    _ONE_FILE,
    _keys_twice,
    _read_json,
    _RefusedFileError,
    format_path,
    load_estate,
)

FRAGMENTS = [
    "vendors:", "components:", "  - id: x", "    name: X", "    vendor: x", "    delivery: saas",
    "    depends_on: [x, y]", "  - &a {id: y, name: Y}", "  - *a", "    onset: {grace_days: -1}",
    "{", "}", "[", "]", ": ", "- ", "!!binary AA==", "'", '"', "\t", "---", "? ", "|", ">",
    "estate: {name: e}", "alternatives: [{for: x, candidate: y, readiness: R9}]",
]  # fmt: skip


def _load(name: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / name).write_bytes(content)
        problems: list[str] = ["(loaded)"]
        try:
            load_estate(Path(folder))
        except InvalidInputError as error:
            problems = [problem.message for problem in error.problems]
        assert problems
        for message in problems:
            assert message
            assert "\n" not in message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25))
def test_yaml_made_of_estate_fragments(lines: list[str]) -> None:
    _load("a.yaml", "\n".join(lines).encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_as_yaml_and_json(content: bytes) -> None:
    _load("a.yaml", content)
    _load("a.json", content)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_arbitrary_json_documents(document: object) -> None:
    _load("a.json", json.dumps(document).encode())
    _load("b.json", json.dumps({"components": [document]}).encode())


@st.composite
def _json_objects(draw: st.DrawFn, depth: int = 0) -> tuple[str, bool]:
    """A JSON object written by hand, and whether some object in it gives a key twice.
    Keys and texts hold colons, sometimes written as the escape ``\\u003a``."""
    keys = draw(st.lists(st.sampled_from(["a", "b", "a:b", ":", "é"]), max_size=4))
    twice = len(set(keys)) < len(keys)
    parts = []
    for key in keys:
        if depth < 2 and draw(st.booleans()):
            value, inner = draw(_json_objects(depth + 1))
            twice = twice or inner
        else:
            value = json.dumps(draw(st.sampled_from(["x", "1:2", "::", 7])))
        written = json.dumps(key, ensure_ascii=draw(st.booleans()))
        if draw(st.booleans()):
            written = written.replace(":", "\\u003a")
        parts.append(f"{written}: {value}")
    return "{" + ",\n".join(parts) + "}", twice


def _first_kept(pairs: list[tuple[str, object]]) -> dict[str, object]:
    kept: dict[str, object] = {}
    for key, value in pairs:
        kept.setdefault(key, value)
    return kept


@settings(max_examples=300, deadline=None)
@given(_json_objects())
def test_every_json_key_given_twice_is_told_at_its_line_and_only_then(
    written: tuple[str, bool],
) -> None:
    """Each key given twice is a problem at its own line, and the file is read on with
    the first value of each (as a YAML file is), so that its other problems are found."""
    text, twice = written
    found = _keys_twice(text, "f.json", json.loads(text), _ONE_FILE)
    if not twice:
        assert found is None
        return
    assert found is not None
    data, _, problems = found
    assert problems
    for problem in problems:
        assert "appears twice (first on line " in problem.message
        assert problem.line >= 1
    assert data == json.loads(text, object_pairs_hook=_first_kept)


_TRICKY = st.text(alphabet='ab:,[]{}" \\\nNé', max_size=5)
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | _TRICKY,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TRICKY, inner, max_size=3),
    max_leaves=12,
)


def _places(data: object, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    inner: list[tuple[str | int, object]] = []
    if isinstance(data, dict):
        inner = list(data.items())
    elif isinstance(data, list):
        inner = list(enumerate(data))
    return [path] + [found for key, value in inner for found in _places(value, (*path, key))]


def _with(data: object, path: tuple[str | int, ...], value: object) -> object:
    if not path:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)  # type: ignore[call-overload]
    copy[path[0]] = _with(copy[path[0]], path[1:], value)
    return copy


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES, st.data(), st.sampled_from([None, 0, 2]), st.booleans())
def test_a_json_constant_is_told_at_its_line_and_field(
    data: object, draw: st.DataObject, indent: int | None, ascii_only: bool
) -> None:
    """``NaN`` anywhere in any JSON text: told at the line and field where it is written,
    found token by token (no parser takes the text), strings and keys holding brackets,
    commas, colons, quotes and "NaN" not taken for anything else."""
    path = draw.draw(st.sampled_from(_places(data)))
    marker = "\x00here\x00"
    text = json.dumps(_with(data, path, marker), indent=indent, ensure_ascii=ascii_only)
    written = json.dumps(marker)
    line = text.count("\n", 0, text.index(written)) + 1
    with pytest.raises(_RefusedFileError) as refused:
        _read_json(text.replace(written, "NaN"), "f.json", _ONE_FILE)
    problem = refused.value.problem
    assert (problem.line, problem.field) == (line, format_path(path)), text
    assert problem.message == "NaN is not a number in JSON"


def test_a_folder_of_more_entries_than_an_estate_has_is_refused_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scenario's ``estate: /`` walked the whole file system for 8 s and told 14,000
    notices (helper-87): past the limit the walk stops with one message, however deep."""
    monkeypatch.setattr(loading, "MAX_FOLDER_ENTRIES", 12)
    (tmp_path / "e.yaml").write_text("estate: {name: e}\n", encoding="utf-8")
    for number in range(4):
        deeper = tmp_path / f"d{number}" / "inner"
        deeper.mkdir(parents=True)
        for name in ("a.txt", "b.txt"):
            (deeper / name).write_text("", encoding="utf-8")
    with pytest.raises(UsageError, match="holds more than 12 files and folders"):
        load_estate(tmp_path)
    monkeypatch.setattr(loading, "MAX_FOLDER_ENTRIES", 17)  # 1 + 4 + 4 + 8 entries: loads
    assert load_estate(tmp_path).info.name == "e"
