"""Estate files as YAML, in the project's own format: what ``exitplan import`` writes.

Keys come in the order of the model (``id`` and ``name`` first), lists in the order given
(the importer sorts them), defaults are left out, and every text that YAML 1.2 would read
as something else (``NO``, ``0o17``, ``null``, ``~``) is quoted, so the file reads back
to the same estate. Control characters, and invisible format characters such as bidi
overrides and zero-width spaces (which would make a name look like another), are written as
escapes.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import yaml

from exitplan.loading import plain_is_text
from exitplan.model import EstateFile


class _Dumper(yaml.SafeDumper):
    """A safe dumper that quotes for the YAML 1.2 core schema, not only for YAML 1.1."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def write_double_quoted(self, text: Any, split: bool = True) -> None:
        # PyYAML counts format characters as printable; escape the whole text instead.
        if not _hidden(text):
            super().write_double_quoted(text, split)
            return
        allow_unicode = self.allow_unicode
        self.allow_unicode = False
        try:
            super().write_double_quoted(text, split)
        finally:
            self.allow_unicode = allow_unicode


def _hidden(text: str) -> bool:
    """Whether ``text`` holds a character that changes how text shows without showing."""
    return any(unicodedata.category(ch) in {"Cf", "Zl", "Zp"} for ch in text)


def _text(dumper: yaml.representer.BaseRepresenter, text: str) -> yaml.ScalarNode:
    # Double quotes, with escapes, for anything YAML would read otherwise: numbers and
    # booleans of the 1.2 core schema, characters it folds or drops (NEL, U+2028), and
    # characters that change how text shows without showing (bidi overrides).
    plain = plain_is_text(text) and text.isprintable() and not _hidden(text)
    lines = "\n" in text and text.replace("\n", "").isprintable() and not _hidden(text)
    style = None if plain else "|" if lines else '"'  # PyYAML quotes what "|" cannot hold
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _text)


class _FastDumper(yaml.CSafeDumper):
    """libyaml's emitter with the same representers: the same bytes as ``_Dumper`` for
    every document that is ``_printable`` (no text needs an escape, a fold at an escape or
    a line break; tests/test_estate_yaml.py checks random ones), in a third of the time
    (13.6 s to 4.7 s for an import of 9,600 components). libyaml escapes characters beyond
    the Basic Multilingual Plane, which PyYAML writes as they are, and writes bidi
    overrides as they are, which ``_Dumper`` escapes: documents with either go through
    ``_Dumper``."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_FastDumper.add_representer(str, _text)


def _simple_key(key: Any) -> bool:
    """A key both emitters write as it is: printable ASCII, not empty (PyYAML writes an
    empty key as a complex key) and short (they measure a key's length differently)."""
    return isinstance(key, str) and 0 < len(key) <= 100 and key.isascii() and key.isprintable()


def _printable(value: Any) -> bool:
    """Whether every text in ``value`` is printable on one line and within the Basic
    Multilingual Plane: no line break, tab, control, format or separator character but
    the space, and no emoji; and every key is a ``_simple_key``."""
    if isinstance(value, str):
        return value.isprintable() and (value.isascii() or max(value) <= "\uffff")
    if isinstance(value, dict):
        return all(_simple_key(key) and _printable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_printable(item) for item in value)
    return True


_FIRST = ("id", "ref", "name", "for", "candidate")
_LAST = ("note", "assumed", "origin")


def _reading_order(value: Any) -> Any:
    """What an element is comes first (id, name), where it came from last."""
    if isinstance(value, list):
        return [_reading_order(item) for item in value]
    if not isinstance(value, dict):
        return value
    first = [key for key in _FIRST if key in value]
    last = [key for key in _LAST if key in value]
    middle = [key for key in value if key not in first and key not in last]
    return {
        key: value[key] if key == "origin" else _reading_order(value[key])
        for key in (*first, *middle, *last)
    }


def _comment(header: str) -> str:
    return "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())


def _yaml(data: Any) -> str:
    fast = yaml.__with_libyaml__ and _printable(data)
    return yaml.dump(
        data, Dumper=_FastDumper if fast else _Dumper, sort_keys=False, allow_unicode=True,
        width=100, default_flow_style=False,
    )  # fmt: skip


def dump_estate_yaml(estate: EstateFile, header: str = "") -> str:
    """One estate file as YAML text; ``header`` lines become comments at the top."""
    data = _reading_order(estate.model_dump(by_alias=True, exclude_defaults=True, mode="json"))
    return _comment(header) + _yaml(data)


PART_BYTES = 2 * 1024 * 1024
"""The size an imported estate file is kept under: a quarter of what the loader reads
of one file, and few enough values (every value takes two bytes or more) for its count."""


def dump_estate_yaml_parts(
    estate: EstateFile, header: str = "", max_bytes: int = PART_BYTES
) -> list[str]:
    """``estate`` as the text ``dump_estate_yaml`` gives, or, when that would be larger
    than ``max_bytes``, as several texts of about that size each: the elements in their
    order, each part a valid estate file (the loader merges them again)."""
    data = _reading_order(estate.model_dump(by_alias=True, exclude_defaults=True, mode="json"))
    if not data or any(not isinstance(value, list) for value in data.values()):
        return [dump_estate_yaml(estate, header)]
    comment = _comment(header)
    parts: list[str] = []
    part: list[str] = [comment]
    size = len(comment)
    for section, items in data.items():
        opened = False
        for item in items:
            # An element dumped alone reads as it does in its section: PyYAML does not
            # indent a list under its key.
            text = _yaml([item])
            length = len(text.encode("utf-8"))
            if size + length > max_bytes and size > len(comment):
                parts.append("".join(part))
                part, size, opened = [comment], len(comment), False
            if not opened:
                part.append(f"{section}:\n")
                size += len(section) + 2
                opened = True
            part.append(text)
            size += length
    parts.append("".join(part))
    return parts


__all__ = ["PART_BYTES", "dump_estate_yaml", "dump_estate_yaml_parts"]
