"""YAML read fast (``yaml_rs``) is read as the loader's own reader reads it, or not at all.

The fast reader is used only on the first, careless read of an estate; whatever it might
read otherwise than libyaml and ``_Builder`` is left to ``_Builder``. The invariant: when
the fast reader returns data, ``_Builder`` returns the same data, value for value and type
for type, and at most as many values as the fast reader counted. The one exception is
nesting beyond ``MAX_DEPTH``, which the fast reader leaves to the model's check, as the
JSON reader does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exitplan.loading import (
    MAX_DEPTH,
    MAX_VALUES,
    _Builder,
    _json_shape,
    _read_yaml_fast,
    _RefusedFileError,
    _ValueLimit,
    load_estate,
)
from tests.conftest import REPO, WriteFiles, cli

LIMIT = _ValueLimit(MAX_VALUES, "too many values")


def _typed(value: Any) -> Any:
    """``value`` with the type of every part spelled out (``1``, ``1.0`` and ``True`` differ)."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    return (type(value).__name__, repr(value))


def assert_read_alike(text: str) -> bool:
    """The invariant (see the module); whether the fast reader took the text."""
    fast = _read_yaml_fast(text, LIMIT)
    if fast is None:
        return False
    data, written = fast
    builder = _Builder("f.yaml", text, LIMIT)
    try:
        expected = builder.document()
    except _RefusedFileError as refused:
        problem = refused.problem
    else:
        assert _typed(data) == _typed(expected), text
        assert builder.values <= written, text
        return True
    assert problem.message == f"nested more than {MAX_DEPTH} levels deep", f"{text!r}: {problem}"
    assert _json_shape(data, MAX_VALUES)[1], text  # deeper than MAX_DEPTH
    return True


READ_FAST = [
    "key: NO\n",
    "key: yes\n",
    "key: 12\n",
    "key: -7\n",
    "key: 007\n",
    "key: 3.5\n",
    "key: 1e3\n",
    "key: 1.\n",
    "key: .5\n",
    "key: ~\n",
    "key: null\n",
    "key:\n",
    "key: true\n",
    "key: False\n",
    "key: 'true'\n",
    'key: "12"\n',
    "key: 2026-11-01\n",
    "key: 12:30\n",
    "key: x_1\n",
    "key: a_1_000\n",
    "namn: Göteborgs Stad 🏙\n",
    'key: "a\\tb\\u00e9\\n"\n',
    "key: 'it''s'\n",
    "key: a\n  b\n\n  c\n",
    "key: a # a comment\n",
    "key: a#b\n",
    "url: https://example.org/a?b=c#d\n",
    "key: {a: 1, b: [x, y], c: {d: e}}\n",
    "key: [a, b c, x_1]\n",
    "key: |\n  a\n   b\n\n  c\nnext: 1\n",
    "key: >-\n  a\n  b\n\n  c\n",
    "key: |+\n  a\n\nnext: 1\n",
    "key: > # a comment\n  a\n",
    "- a\n- - b\n  - c\n- {d: e}\n",
    "key: a\r\nnext: b\r\n",
    "key: |\r\n  a\r\n  b\r\n",
    "first: 1\nsecond:\n  - x: 1\n    y: [a, b]\n",
]


@pytest.mark.parametrize("text", READ_FAST)
def test_plain_estate_yaml_is_read_fast_and_alike(text: str) -> None:
    assert assert_read_alike(text), f"not read fast: {text!r}"


LEFT_TO_THE_LOADER = [
    "key: 1_000\n",  # the core schema reads text, the fast reader 1000
    "key: _5\n",
    "key: 1e3_0\n",
    "key: 0b101\n",
    "key: +0x1\n",
    "key: -0o7\n",
    "key: 0X1F\n",
    "key: 0x1F\n",
    "key: .iNf\n",
    "1: x\n",  # a key the fast reader turns into a number
    "true: x\n",
    "null: x\n",
    "~: x\n",
    "key: {4}\n",
    "key: {a, null}\n",
    ": x\n",
    "key: {a:b}\n",
    "key: [a, 2.5, true]\n",  # numbers in a flow list look like keys of a flow mapping
    "key: {grace_days:}\n",
    "key:\ta\n",  # a tab
    "key: a\rb\n",  # a lone carriage return
    "key: a\x85b\n",  # NEL, a line break to libyaml
    "key: a\u2028b\n",
    "key: a\ufeffb\n",
    "key: a\x07b\n",
    "key: a\x00b\n",
    "key: !custom x\n",
    "key: !!str 1\n",
    "key: &a x\nother: *a\n",
    "? x\n: y\n",
    "<<: {a: 1}\nb: 2\n",
    "a: b\n---\nc: d\n",
    "a: b\n...\n",
    "%YAML 1.2\n---\na: b\n",
    "key: [a,\n  b]\n",  # a flow collection across lines
    "key: [>-\n  a]\n",
    "key: {|}\n",
    "key: {a: 1, >b: 2}\n",
    "key: |2\n   a\n",
    "key: |-1\n  a\n",
    "|\n|\n  }\n",  # a block scalar as the document
    " |\nkind: x\n",
    "# a comment\n  >-\nkind: x\n",
    "key:\n|\n  x\n",
    "key: |\n  a",  # a block scalar at the end of a text without a last line break
    "key: |\n\n\n",
    "key: >\n",
    "k" * 1100 + ": x\n",
    "key: " + "9" * 60 + "\n",
    "key: [[[[[[[[[a]]]]]]]]]\n",
    '- "\\ud83d\\ude00"\n',  # a surrogate pair: one character to yaml_rs, refused by libyaml
    '- "\\U0000d83d"\n',
    "{[a]}\n",  # a flow collection as a key
    "key: {{a: b}}\n",
    "key: {a, [b]}\n",
    "key: [a, [b]]\n",
    "[ #]\n |\n x,'[']\n",  # brackets in a comment and quotes hide a collection across lines
    "a:\n  { #}\n true\n, '{' }\n",
    "key: [ # ]\n x:,-1\n   z, '[']\n",
    "key: {a: '[b'}\n",
]


@pytest.mark.parametrize("text", LEFT_TO_THE_LOADER)
def test_what_the_fast_reader_might_read_otherwise_is_left_to_the_loader(text: str) -> None:
    assert _read_yaml_fast(text, LIMIT) is None


def test_a_text_with_more_values_than_the_limit_is_left_to_the_loader() -> None:
    text = "".join(f"- {i}\n" for i in range(100))
    assert _read_yaml_fast(text, _ValueLimit(100, "too many")) is None
    assert _read_yaml_fast(text, _ValueLimit(201, "too many")) is not None


def test_nesting_within_a_line_is_read_without_harm_and_refused_by_the_model(
    write_files: WriteFiles,
) -> None:
    """yaml_rs recurses once per level: 20,000 levels crash the process. A line of at most
    1,024 characters nests at most about 500 levels; the loader refuses them as before."""
    deep = "- " * 510 + "x\n"
    assert len(deep) < 1024
    assert assert_read_alike(deep)
    indented = "".join(" " * level + "- a:\n" for level in range(0, 1000, 2))
    assert assert_read_alike(indented)
    folder = write_files({"deep.yaml": "components:\n" + deep, "indented.yaml": indented})
    result = cli("validate", folder)
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1] == "exitplan: 2 problems found; the estate was not loaded."
    deep_line, indented_line = sorted(lines[:-1])
    assert "/deep.yaml:2: components[0][0]" in deep_line
    assert f"/indented.yaml:{MAX_DEPTH // 2}: [0].a[0].a" in indented_line  # two levels a line
    for line in (deep_line, indented_line):
        assert line.endswith(f": nested more than {MAX_DEPTH} levels deep"), line


SCALAR_TEXTS = [
    "NO",
    "1_000",
    "0b1",
    "0x1F",
    "true",
    "null",
    "~",
    "",
    " a",
    "a: b",
    "- x",
    "#",
    "é",
    "12",
    "1.5",
    "1e3",
    ".inf",
    "x_1",
    "'",
    '"',
    "\\",
    "[a",
    "{",
    "|",
    ">",
    "\t",
    "a\nb",
    "a\n\nb\n",
    "\r",
    "\x85",
    "\u2028",
    "2026-11-01",
    "&a",
    "*a",
    "!t",
    "? ",
    "<<",
    "---",
]

scalars = (
    st.sampled_from(SCALAR_TEXTS)
    | st.text(max_size=12)
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False)
    | st.booleans()
    | st.none()
)
keys = st.sampled_from(SCALAR_TEXTS) | st.text(max_size=8) | st.integers(-5, 5)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=16,
)
INSERTED = [*":-,[]{}#'\"|> \n\t_.0", ": ", "- ", "\n  ", "|\n  ", "\r\n", "1_0", "!", "&a", "*a"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=documents,
    flow=st.sampled_from([None, True, False]),
    style=st.sampled_from([None, '"', "'", "|", ">"]),
    unicode=st.booleans(),
    width=st.integers(10, 120),
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(INSERTED)), max_size=3),
)
def test_any_text_is_read_alike_or_left_to_the_loader(
    data: Any,
    flow: bool | None,
    style: str | None,
    unicode: bool,
    width: int,
    edits: list[tuple[int, str]],
) -> None:
    text = yaml.safe_dump(
        data, default_flow_style=flow, default_style=style, allow_unicode=unicode, width=width
    )
    for position, inserted in edits:
        at = position % (len(text) + 1)
        text = text[:at] + inserted + text[at:]
    assert_read_alike(text)


EXAMPLE_FILES = sorted((REPO / "graphs" / "gothenburg").glob("*.yaml"))


@settings(max_examples=300, deadline=None)
@given(
    which=st.integers(0, len(EXAMPLE_FILES) - 1),
    edits=st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(0, 4), st.sampled_from(INSERTED)),
        min_size=1,
        max_size=4,
    ),
)
def test_an_edited_example_file_is_read_alike_or_left_to_the_loader(
    which: int, edits: list[tuple[int, int, str]]
) -> None:
    text = EXAMPLE_FILES[which].read_text(encoding="utf-8")
    for position, removed, inserted in edits:
        at = position % (len(text) + 1)
        text = text[:at] + inserted + text[at + removed :]
    assert_read_alike(text)


def test_most_of_the_example_estate_is_read_fast() -> None:
    taken = [assert_read_alike(path.read_text(encoding="utf-8")) for path in EXAMPLE_FILES]
    assert sum(taken) >= len(EXAMPLE_FILES) - 3, [
        p.name for p, t in zip(EXAMPLE_FILES, taken, strict=True) if not t
    ]


def test_the_example_estate_loads_the_same_with_windows_line_breaks(tmp_path: Path) -> None:
    folder = tmp_path / "crlf"
    folder.mkdir()
    for path in EXAMPLE_FILES:
        (folder / path.name).write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    original = load_estate(REPO / "graphs" / "gothenburg")
    crlf = load_estate(folder)
    assert crlf.model_dump(exclude={"info"}) == original.model_dump(exclude={"info"})


class PanicException(BaseException):  # named as pyo3 names a panic in Rust
    """What a panic inside ``yaml_rs`` raises: a BaseException, not an Exception."""


class Terminated(BaseException):
    """As the console script's SIGTERM handler raises (``exitplan.entry``)."""


@pytest.mark.parametrize(
    ("raised", "left_to_the_loader"),
    [
        (ValueError("refused"), True),
        (PanicException("a panic in Rust"), True),
        (KeyboardInterrupt(), False),
        (Terminated(), False),  # SIGTERM's, and SIGHUP's alike: was read as a refusal
        (SystemExit(2), False),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else str(value),
)
def test_only_a_refusal_or_a_panic_is_left_to_the_loader(
    monkeypatch: pytest.MonkeyPatch, raised: BaseException, left_to_the_loader: bool
) -> None:
    """A signal that arrives while ``yaml_rs`` reads is raised on, not taken for a text it
    refused: a SIGTERM was held until the slow reader had read the estate again."""

    def loads(text: str, **options: Any) -> Any:
        raise raised

    monkeypatch.setattr("exitplan.loading.yaml_rs.loads", loads)
    if left_to_the_loader:
        assert _read_yaml_fast("components: []\n", LIMIT) is None
    else:
        with pytest.raises(type(raised)):
            _read_yaml_fast("components: []\n", LIMIT)
