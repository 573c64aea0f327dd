"""The estate YAML writer: libyaml's emitter, fed the events PyYAML's dumper would make,
where it writes the same bytes as PyYAML's; PyYAML's where it would not (escapes, folds at
escapes, emoji, hidden characters, lines ending in a space)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from exitplan.render.estate_yaml import _Dumper, _emitted, _printable, _yaml

pytestmark = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")

_PRINTABLE = st.characters(
    categories=("L", "M", "N", "P", "S"), include_characters=" ", max_codepoint=0xFFFF
)
_TEXTS = st.one_of(
    st.text(_PRINTABLE, max_size=20),
    st.text(_PRINTABLE, min_size=90, max_size=320),  # folded at the width of 100
    st.sampled_from(["NO", "yes", "0o17", "1e3", "null", "~", "- x", "a: b", " lead", "x #"]),
    st.integers(min_value=10**40, max_value=10**120).map(str),  # quoted, and long
)
_LINES = st.lists(st.text(_PRINTABLE, max_size=30), min_size=2, max_size=5).map("\n".join)
_TEXTS_ALIKE = st.one_of(
    _TEXTS,
    _LINES.filter(lambda text: not text.endswith((" ", "\n")) and " \n" not in text),  # a block
)
_ANY_CHARACTER = st.characters(codec="utf-8") | st.sampled_from("\n\t\r \u202e\u200b😀\x85")
_ANY_TEXT = st.one_of(_TEXTS_ALIKE, _LINES, st.text(_ANY_CHARACTER, max_size=30))
_KEYS = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=40)


def _data(texts: st.SearchStrategy[str], keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.recursive(
        st.one_of(texts, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none()),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
        max_leaves=12,
    )


_DATA = _data(_TEXTS_ALIKE, _KEYS)
_ANY_DATA = _data(_ANY_TEXT, _KEYS | _ANY_TEXT)


def _dumped(data: Any, dumper: type[yaml.SafeDumper] | type[yaml.CSafeDumper]) -> str:
    return yaml.dump(
        data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100,
        default_flow_style=False,
    )  # fmt: skip


@settings(max_examples=600)
@given(st.dictionaries(_KEYS, _DATA, max_size=4) | st.lists(_DATA, max_size=4))
def test_libyaml_writes_printable_documents_as_pyyaml_does(data: Any) -> None:
    """Estate files are mappings (a document of one plain text ends with "..." in PyYAML
    alone)."""
    assert _printable(data)
    assert _emitted(data) == _dumped(data, _Dumper)


@settings(max_examples=600)
@given(st.dictionaries(_KEYS | _ANY_TEXT, _ANY_DATA, max_size=4) | _ANY_DATA)
def test_every_document_is_written_as_pyyaml_writes_it(data: Any) -> None:
    """Whichever emitter writes it: libyaml where it writes alike, else PyYAML's own (a
    lone scalar too, which PyYAML ends with "...")."""
    assert _yaml(data) == _dumped(data, _Dumper)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Mail 😀", "Mail 😀"),  # libyaml would escape it: \U0001F600
        ("admin\u202eexe.txt", '"admin\\u202Eexe.txt"'),  # libyaml would write it as it is
        ("a\tb", '"a\\tb"'),
        ("two\nlines", "|-\n    two\n    lines"),
        ("Göteborg Stad", "Göteborg Stad"),
        ("Owner: Anna\nTeam: Workplace", "|-\n    Owner: Anna\n    Team: Workplace"),
        ("a line \nends in a space", '"a line \\nends in a space"'),  # no block can hold it
        ("ends in a space \nand\n", '"ends in a space \\nand\\n"'),
        ("ends\nin a break\n", "|\n    ends\n    in a break"),  # with more, libyaml adds "..."
    ],
    ids=[
        "emoji", "bidi-override", "tab", "lines", "swedish", "note", "trailing-space",
        "trailing-space-and-break", "trailing-break",
    ],
)  # fmt: skip
def test_texts_libyaml_would_write_otherwise_are_written_by_pyyaml(text: str, written: str) -> None:
    assert _yaml({"components": [{"id": "x", "name": text}]}) == (
        f"components:\n- id: x\n  name: {written}\n"
    )
    alike = ("Göteborg Stad", "two\nlines", "Owner: Anna\nTeam: Workplace")
    assert _printable(text) is (text in alike)
