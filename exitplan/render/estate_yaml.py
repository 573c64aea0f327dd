"""Estate files as YAML, in the project's own format: what ``exitplan import`` writes.

Keys come in the order of the model (``id`` and ``name`` first), lists in the order given
(the importer sorts them), defaults are left out, and every text that YAML 1.2 would read
as something else (``NO``, ``0o17``, ``null``, ``~``) is quoted, so the file reads back
to the same estate. Control characters are written as escapes.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from exitplan.loading import plain_is_text
from exitplan.model import EstateFile

_INVISIBLE = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Bidirectional marks and overrides: printable to YAML, but they make a name read
differently from what it is, so they are written as escapes too."""


class _Dumper(yaml.SafeDumper):
    """A safe dumper that quotes for the YAML 1.2 core schema, not only for YAML 1.1."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        if not _INVISIBLE.search(text):
            super().write_double_quoted(text, split)
            return
        self.allow_unicode = False  # every character outside ASCII as an escape
        try:
            super().write_double_quoted(text, split)
        finally:
            self.allow_unicode = True


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # Double quotes, with escapes, for anything YAML would read otherwise: numbers and
    # booleans of the 1.2 core schema, and characters it folds or drops (NEL, U+2028).
    plain = plain_is_text(text) and text.isprintable()
    lines = "\n" in text and text.replace("\n", "").isprintable()
    style = None if plain else "|" if lines else '"'  # PyYAML quotes what "|" cannot hold
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _text)


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


def dump_estate_yaml(estate: EstateFile, header: str = "") -> str:
    """One estate file as YAML text; ``header`` lines become comments at the top."""
    data = _reading_order(estate.model_dump(by_alias=True, exclude_defaults=True, mode="json"))
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return comment + body


__all__ = ["dump_estate_yaml"]
