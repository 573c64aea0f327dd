"""Estate files as YAML, in the project's own format: what ``exitplan import`` writes.

Keys come in the order of the model (``id`` and ``name`` first), lists in the order given
(the importer sorts them), defaults are left out, and every text that YAML 1.2 would read
as something else (``NO``, ``0o17``, ``null``, ``~``) is quoted, so the file reads back
to the same estate. Control characters, and invisible format characters such as bidi
overrides and zero-width spaces (which would make a name look like another), are written as
escapes.
"""

from __future__ import annotations

import functools
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
    """Whether ``text`` holds a character that changes how text shows without showing.
    A printable text holds none (Python counts those categories as not printable)."""
    return not text.isprintable() and any(
        unicodedata.category(ch) in {"Cf", "Zl", "Zp"} for ch in text
    )


def _style(text: str) -> str | None:
    """Plain where YAML reads the text back as it is; double quotes, with escapes, for
    anything YAML would read otherwise: numbers and booleans of the 1.2 core schema,
    characters it folds or drops (NEL, U+2028), and characters that change how text shows
    without showing (bidi overrides). Lines as a literal block (PyYAML quotes what a block
    cannot hold)."""
    if text.isprintable():  # then nothing is hidden either
        return None if plain_is_text(text) else '"'
    lines = "\n" in text and text.replace("\n", "").isprintable()
    return "|" if lines else '"'


def _text(dumper: yaml.representer.BaseRepresenter, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=_style(text))


_Dumper.add_representer(str, _text)


_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{kind}" for kind in ("str", "seq", "map"))
_RESOLVER = yaml.resolver.Resolver()
_SCALARS = yaml.representer.SafeRepresenter()


def _plain_tag(text: str) -> str:
    """What PyYAML's resolver reads ``text`` as, written plain; it tries patterns only
    for texts that start with one of a few characters."""
    if text[:1] not in _RESOLVER.yaml_implicit_resolvers:
        return _STR
    return str(_RESOLVER.resolve(yaml.ScalarNode, text, (True, False)))  # type: ignore[no-untyped-call]


def _simple_key(key: Any) -> bool:
    """A key both emitters write as it is: printable ASCII, not empty (PyYAML writes an
    empty key as a complex key) and short (they measure a key's length differently)."""
    return isinstance(key, str) and 0 < len(key) <= 100 and key.isascii() and key.isprintable()


def _alike(text: str) -> bool:
    """Whether libyaml writes ``text`` as PyYAML does: printable on one line within the
    Basic Multilingual Plane (no line break, tab, control, format or separator character
    but the space, and no emoji), or several such lines as a literal block (``|-``), none
    ending in a space, and no line break at the end (after two, libyaml ends the document
    with ``...``)."""
    if "\n" in text:
        return (
            not text.endswith(("\n", " "))
            and " \n" not in text
            and text.replace("\n", "").isprintable()
            and (text.isascii() or max(text) <= "\uffff")
        )
    return text.isprintable() and (text.isascii() or max(text) <= "\uffff")


@functools.lru_cache(maxsize=8192)  # keys and many values repeat from element to element
def _text_event(text: str) -> yaml.ScalarEvent | None:
    """The event of a text as ``_Dumper`` makes it; ``None`` when libyaml would write it
    otherwise."""
    if not _alike(text):
        return None
    return yaml.ScalarEvent(None, _STR, (_plain_tag(text) == _STR, True), text, style=_style(text))


@functools.lru_cache(maxsize=1024)
def _key_event(key: Any) -> yaml.ScalarEvent | None:
    return _text_event(key) if _simple_key(key) else None


def _events(value: Any, events: list[yaml.Event]) -> bool:
    """Add the events PyYAML's safe dumper makes of ``value`` with our representer for
    texts (``_text``), made here without building its node tree and resolving each scalar
    twice, the most of the time a dump took. ``False`` (and the events unfinished) when a
    text or key is one that libyaml would write otherwise."""
    if isinstance(value, str):
        event = _text_event(value)
        if event is None:
            return False
        events.append(event)
    elif isinstance(value, dict):
        events.append(yaml.MappingStartEvent(None, _MAP, True, flow_style=False))
        for key, item in value.items():
            event = _key_event(key)
            if event is None:
                return False
            events.append(event)
            if not _events(item, events):
                return False
        events.append(yaml.MappingEndEvent())
    elif isinstance(value, list):
        events.append(yaml.SequenceStartEvent(None, _SEQ, True, flow_style=False))
        for item in value:
            if not _events(item, events):
                return False
        events.append(yaml.SequenceEndEvent())
    else:  # a number, a boolean or null, written as PyYAML writes it
        node = _SCALARS.represent_data(value)
        implicit = (_plain_tag(node.value) == node.tag, node.tag == _STR)
        events.append(yaml.ScalarEvent(None, node.tag, implicit, node.value))
    return True


def _printable(value: Any) -> bool:
    """Whether libyaml writes ``value`` as PyYAML does: every text ``_alike``, every key a
    ``_simple_key``."""
    return _events(value, [])


def _emitted(data: Any) -> str | None:
    """``data`` written by libyaml's emitter from ``_events``: the same bytes as
    ``_Dumper`` (tests/test_estate_yaml.py checks random documents) in less than half the
    time of PyYAML's representer before libyaml (8.5 s to 3.9 s for the 30,000 items of a
    ServiceNow-shaped CMDB export); ``None`` when a text is not ``_alike`` (an escape, a
    fold at an escape, an emoji, which libyaml escapes, or a bidi override, which it
    writes as it is), or when the document is not a mapping or a list (PyYAML ends a lone
    scalar with ``...``)."""
    if not yaml.__with_libyaml__ or not isinstance(data, dict | list):
        return None
    events: list[yaml.Event] = [yaml.StreamStartEvent(), yaml.DocumentStartEvent(explicit=False)]
    if not _events(data, events):
        return None
    events += [yaml.DocumentEndEvent(explicit=False), yaml.StreamEndEvent()]
    return str(yaml.emit(events, Dumper=yaml.CSafeDumper, allow_unicode=True, width=100))


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
    emitted = _emitted(data)
    if emitted is not None:
        return emitted
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
        default_flow_style=False,
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
