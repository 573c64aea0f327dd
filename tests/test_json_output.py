"""JSON output is written by orjson where it writes what the json module writes, and by
the json module everywhere else: the same bytes either way."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exitplan.loading import _parse_json
from exitplan.render.json import (
    _INVISIBLE,
    _MAY_BE_INVISIBLE,
    _SHAPE,
    _WRITTEN_OTHERWISE,
    _escape_invisible,
    _finite,
    _json_module,
    _orjson_bytes,
    dump_json,
)


def _orjson(payload: dict[str, Any]) -> str | None:
    written = _orjson_bytes(payload)
    return None if written is None else written.decode("utf-8")


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.floats(min_value=-1e-3, max_value=1e-3)
    | st.text()
    | st.text(alphabet=st.characters(max_codepoint=0x3000, exclude_categories=["Cs"]))
)
_PAYLOADS = st.dictionaries(
    st.text(),
    st.recursive(
        _SCALARS,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.tuples(inner, inner)
            | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        ),
        max_leaves=20,
    ),
    max_size=6,
)


@settings(max_examples=400, deadline=None)
@given(_PAYLOADS)
def test_orjson_writes_what_the_json_module_writes_or_steps_aside(
    payload: dict[str, Any],
) -> None:
    fast = _orjson(payload)
    if fast is not None:
        assert fast == _json_module(payload)


def test_the_json_module_takes_over_where_orjson_would_differ() -> None:
    for payload in ({"a": 1e-05}, {"a": 2.5e-07}, {"a": 2**64}, {"a": {1: "x"}}):
        assert _orjson(payload) is None, payload
        assert dump_json(payload) == _json_module(payload) + "\n"


def test_figures_that_are_not_finite_are_null_on_both_paths() -> None:
    payload = {"cost": float("inf"), "weeks": float("nan"), "ok": 1.5}
    assert json.loads(dump_json(payload)) == {"cost": None, "weeks": None, "ok": 1.5}
    assert _orjson(payload) == _json_module(payload)


_OUTPUT_BYTES = st.binary(max_size=60) | st.text(
    alphabet=st.sampled_from("0123456789e-.E+ ab\x7f\x85\u200e\u202e\u2013\u2067ö"), max_size=40
).map(lambda text: text.encode("utf-8"))


@settings(max_examples=600, deadline=None)
@given(_OUTPUT_BYTES)
def test_the_byte_searches_find_what_the_expressions_would(written: bytes) -> None:
    """The searches that stand in for regular expressions over the whole output: a float
    orjson writes otherwise (``e-`` then a digit, or ``0.0000``), and the first byte of a
    character a terminal would act on."""
    shapes = written.translate(_SHAPE)
    assert any(shape in shapes for shape in _WRITTEN_OTHERWISE) == bool(
        re.search(rb"e-[0-9]|0\.0000", written)
    )
    text = written.decode("utf-8", "replace")
    if _INVISIBLE.search(text):
        assert any(start in written for start in _MAY_BE_INVISIBLE)


@settings(max_examples=300, deadline=None)
@given(_PAYLOADS)
def test_dump_json_escapes_every_invisible_character(payload: dict[str, Any]) -> None:
    text = dump_json(payload)
    assert _INVISIBLE.search(text) is None
    assert json.loads(text) == json.loads(_escape_invisible(_json_module(_finite(payload))))


@pytest.mark.parametrize(
    "text",
    [
        '{"users": 123456789012345678901234}',  # beyond 64 bits: orjson would give a float
        '{"users": 18446744073709551616, "cost": 9223372036854775808}',
        '{"note": "id 12345678901234567890 in text", "n": 1.5e-7}',
        '{"a": -0, "b": 1E+2, "c": "\\u00f6\\ud83d\\ude00", "a": 2}',
    ],
)
def test_estate_json_is_read_as_the_json_module_reads_it(text: str) -> None:
    """The loader reads JSON with orjson where it gives the same values as ``json``."""
    read = _parse_json(text)
    assert read == json.loads(text)
    assert [type(value) for value in read.values()] == [
        type(value) for value in json.loads(text).values()
    ]


@pytest.mark.parametrize("character", ["\x7f", "\x85", "\u200d", "\u202e", "\u2028", "\u2029"])
def test_characters_that_act_on_a_reader_are_written_as_escapes(character: str) -> None:
    text = dump_json({"name": f"a{character}b"})
    assert character not in text
    assert f"\\u{ord(character):04x}" in text
    assert json.loads(text) == {"name": f"a{character}b"}
