"""Names read from files reach the terminal only as printable text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exitplan.errors import printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("Göteborgs Stad \u2013 IT", "Göteborgs Stad \u2013 IT", id="plain-unicode"),
        pytest.param("a\x1b[2Jb", "a\\x1b[2Jb", id="escape-sequence"),
        pytest.param("a\rb", "a\\x0db", id="carriage-return"),
        pytest.param("a\nb", "a\\x0ab", id="newline"),
        pytest.param("a\x9bb", "a\\x9bb", id="c1-csi"),
        pytest.param("a\x7fb", "a\\x7fb", id="delete"),
        pytest.param("a\u202eb", "a\\u202eb", id="right-to-left-override"),
        pytest.param("a\u2066b", "a\\u2066b", id="isolate"),
        pytest.param("a\u061cb", "a\\u061cb", id="arabic-letter-mark"),
        pytest.param("in\udcff.xml", "in\\xff.xml", id="file-name-byte-no-utf-8"),
        pytest.param("a\ud800b", "a\\ud800b", id="lone-surrogate"),
        pytest.param("-\u200d\u200d字", "-\\u200d\\u200d字", id="zero-width-joiner"),
        pytest.param("a\ufffeb\uffff", "a\\ufffeb\\uffff", id="noncharacters"),
        pytest.param("a\u2028b\u2029c", "a\\u2028b\\u2029c", id="line-separators"),
        pytest.param("Mail\ufeff", "Mail\\ufeff", id="byte-order-mark"),
        pytest.param("a\u200bb\u2060c", "a\\u200bb\\u2060c", id="zero-width-space-word-joiner"),
        pytest.param("a\U000e0041", "a\\U000e0041", id="tag-character"),
    ],
)
def test_control_characters_are_shown_as_escapes(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_newlines_can_be_kept() -> None:
    assert printable("one\ntwo\x1b", newlines=True) == "one\ntwo\\x1b"


@given(st.text())
def test_nothing_invisible_survives(text: str) -> None:
    shown = printable(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in shown)
    assert not any(
        c in shown
        for c in "\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
    )
