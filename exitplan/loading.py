"""Read YAML/JSON files, or a folder of them, into one validated ``Estate``.

Every problem is collected before anything is reported, so an architect fixes a file in
one pass: syntax, unknown keys, wrong types and values, duplicate ids, unknown references
(with a suggestion), self-dependencies and cycles of hard dependencies. Each problem names
the file, the line and the field path (``exitplan.errors.Problem``).

YAML is read with the YAML 1.2 core schema, whatever PyYAML defaults to: ``NO`` is Norway,
``on``/``yes``/``off`` are text, and dates stay text until the model parses them. Hostile
input is refused before it can cost much: anything but a regular file, files over a size
limit (read with a bounded read, whatever size the file system claims), bytes that are not
UTF-8, more values than a limit, YAML aliases that expand beyond a budget (the "billion
laughs"), deep nesting, numbers of hundreds of digits. Messages quote at most a short
piece of what the file holds.

JSON is parsed at C speed by ``json``; the line of each field is found (by reading the
file again as YAML, which JSON is) only when a problem has to be reported. So is YAML that
holds nothing a fast reader might read otherwise than libyaml and this loader do
(``_read_yaml_fast``); everything else, and every file of a load that finds a problem, is
read by the loader's own reader (``_Builder``).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import itertools
import json
import math
import operator
import os
import re
import stat
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

import networkx as nx
import orjson
import re2
import yaml
import yaml_rs
from pydantic import BaseModel, TypeAdapter, ValidationError
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from exitplan.errors import (
    LONGEST_WORD_SUGGESTED,
    SUGGESTION_BUDGET,
    InvalidInputError,
    Problem,
    Suggestions,
    UsageError,
    abbreviate,
    did_you_mean,
    display_path,
    listed,
    os_reason,
    plural,
    printable,
    shorten,
    with_article,
)
from exitplan.model import (
    ID_PATTERN,
    ID_RULE,
    SECTIONS,
    Alternative,
    Component,
    DataFlow,
    Dependency,
    Estate,
    EstateInfo,
    Lifecycle,
    NodeId,
    Service,
    Strength,
    Vendor,
)
from exitplan.model.ids import slug

MAX_ESTATE_BYTES = 128 * 1024 * 1024
"""The default budget on the bytes of an estate's files together (``--max-bytes``): about
one and a half times a 100,000-component estate exported as compact JSON. It is checked
before any file is parsed, and it sets the budget on values below, so that it bounds the
memory a load can take."""

BYTES_PER_VALUE = 8
"""An estate may hold one value for every this many bytes of its budget: a real estate
takes 7 to 17 bytes a value, and a file of tiny values (``[{a: 1}, {a: 1}, ...]``, where
Python objects take 50 times the bytes they were written in) is refused at the budget."""

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Largest single file read outside an estate: a scenario, a mapping (an import source has
a budget of its own, ``exitplan.importers.files``)."""

MAX_DEPTH = 64
"""Deepest nesting accepted; the estate format needs six levels."""

MAX_VALUES = MAX_FILE_BYTES // BYTES_PER_VALUE
"""Most values (mapping keys, list items and the values under them) in a single file read
outside an estate; estate files share the budget that ``--max-bytes`` sets."""

ALIAS_BUDGET = 10_000
"""Nodes that YAML aliases may add beyond those written out, per file."""

MAX_NUMBER_CHARACTERS = 100
"""Longest integer accepted, in characters; converting longer ones costs quadratic time."""

MAX_FOLDER_ENTRIES = 100_000
"""Files and folders an estate's folder may hold, all levels together: more is not an
estate but a disk (a scenario's ``estate: /`` walked the whole file system for 8 s and
told 14,000 notices, helper-87)."""

MAX_PROBLEMS_PER_FILE = 1_000
"""Items of a file are checked until this many problems are found in it."""

SUFFIXES = (".yaml", ".yml", ".json")
"""The suffixes of estate files, in any case (``.YAML`` too)."""

FieldPath = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = f"{_TAG}str", f"{_TAG}seq", f"{_TAG}map"


# --- reading one file --------------------------------------------------------------------


_CORE_SCALARS: dict[str, re.Pattern[str]] = {
    "null": re.compile(r"~|null|Null|NULL|"),
    "bool": re.compile(r"true|True|TRUE|false|False|FALSE"),
    "int": re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"),
    "float": re.compile(
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    ),
}
"""The YAML 1.2 core schema (YAML 1.2.2 §10.3.2): what a plain scalar is, in this order."""

_FIRST_CHARACTERS = {
    "null": "~nN",
    "bool": "tTfF",
    "int": "-+0123456789",
    "float": "-+.0123456789",
}


_NOT_ONLY_TEXT = frozenset("".join(_FIRST_CHARACTERS.values()))
"""The first characters of plain scalars that may be something else than text."""


def _plain_kind(text: str) -> str:
    """The core-schema type of an untagged plain scalar: null, bool, int, float or str."""
    first = text[:1]
    for kind, pattern in _CORE_SCALARS.items():
        if (not first or first in _FIRST_CHARACTERS[kind]) and pattern.fullmatch(text):
            return kind
    return "str"


def plain_is_text(text: str) -> bool:
    """Whether ``text`` written as a plain YAML scalar reads back as this text (and not as
    a number, boolean or null) under the YAML 1.2 core schema this loader uses."""
    first = text[:1]
    return (first != "" and first not in _NOT_ONLY_TEXT) or _plain_kind(text) == "str"


_LIBYAML = bool(yaml.__with_libyaml__)
_QUOTES = ('"', "'")

if _LIBYAML:  # libyaml also caps nesting at 1,000 levels by itself
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]  # stubs omit it

else:  # pragma: no cover - every PyYAML wheel ships libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, text: str) -> None:
            Reader.__init__(self, text)
            Scanner.__init__(self)
            Parser.__init__(self)

        def dispose(self) -> None:
            pass


class _RefusedFileError(Exception):
    """A file cannot be read at all; carries the one problem that says why. ``unseen``:
    not one byte of it was read (it could not be opened, or is too large), so nothing is
    known of what it holds."""

    def __init__(self, problem: Problem, *, unseen: bool = False, empty: bool = False) -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.unseen = unseen
        self.empty = empty
        """It holds nothing, so no id named elsewhere can be in it."""


def _line_in(lines: Mapping[FieldPath, int], path: FieldPath) -> int:
    for end in range(len(path), -1, -1):
        line = lines.get(path[:end])
        if line is not None:
            return line
    return 1


class FileLines:
    """Where each field path of one file starts, for messages.

    A path's line is stored only where it differs from its parent's, so a file of one
    long flow-style line costs one entry. For JSON the lines are found on first use only:
    a file without problems never needs them.
    """

    def __init__(
        self,
        file: str,
        lines: dict[FieldPath, int] | None = None,
        find: Callable[[], dict[FieldPath, int]] | None = None,
    ) -> None:
        self.file = file
        self._lines = lines
        self._find = find

    def line_of(self, path: FieldPath) -> int:
        """The line of the longest known prefix of ``path`` (1 when nothing is known)."""
        if self._lines is None:
            self._lines = self._find() if self._find is not None else {}
            self._find = None
        return _line_in(self._lines, path)


@dataclass
class Document:
    """The data of one file, and the line on which every field path starts."""

    data: Any
    where: FileLines
    values: int = 0  # the values read, as counted against the limit
    size: int = 0  # the bytes read
    problems: tuple[Problem, ...] = ()
    """What was found while reading that did not stop it: a key given twice (the first
    value is kept, so that the rest of the file is checked and what it defines is known)."""

    @property
    def file(self) -> str:
        return self.where.file

    def line_of(self, path: FieldPath) -> int:
        return self.where.line_of(path)


@dataclass(frozen=True)
class _ValueLimit:
    """How many values a file may still hold, and what to say when it holds more."""

    values: int
    message: str


_ONE_FILE = _ValueLimit(
    MAX_VALUES, f"more than {MAX_VALUES:,} values in one file; split it into several files"
)


@dataclass
class _Anchor:
    value: Any
    nodes: int  # the nodes an alias to it stands for
    text: str | None  # the written text, when it is a scalar (it may be used as a key)


_YAML_11_BREAKS = {
    "\u0085": ("next line", "\\N"),
    "\u2028": ("line separator", "\\L"),
    "\u2029": ("paragraph separator", "\\P"),
}
_YAML_11_BREAK = re.compile(f"[{''.join(_YAML_11_BREAKS)}]")


class _Builder:
    """Plain Python values and a line map, built straight from libyaml's events.

    No node tree is kept (PyYAML's composer holds every node and two position marks per
    node: gigabytes for a file of tiny values), so the cost follows the values, and the
    limits on values, depth and aliases apply while reading, before the cost is paid.
    """

    def __init__(self, file: str, text: str, limit: _ValueLimit | None = None) -> None:
        self.file = file
        self.text = text
        self.limit = limit or _ONE_FILE
        self.parser = _Parser(text)
        self.lines: dict[FieldPath, int] = {}
        self.anchors: dict[str, _Anchor] = {}
        self.building: set[str] = set()  # anchors whose node is not complete yet
        self.values = 0  # nodes written out
        self.expanded = 0  # nodes added by aliases
        self.problems: list[Problem] = []  # found while reading on: a key given twice
        self.offsets: dict[FieldPath, int] = {}  # where a list's numbering starts (``again``)
        self.joined: set[str] = set()  # the sections given twice, whose lists are our own

    def refuse(self, line: int, path: FieldPath, message: str) -> _RefusedFileError:
        return _RefusedFileError(Problem(self.file, line, format_path(path), message))

    def next(self) -> Event:
        event = self.parser.get_event()
        if event is None:  # pragma: no cover - libyaml ends every stream with an event
            raise self.refuse(0, (), "YAML stream ends early")
        return event

    def breaks_read_otherwise(self) -> None:
        """Refuse a raw NEL, LS or PS: YAML 1.2 reads them as text and libyaml, like YAML
        1.1, as line breaks, so that a name changed (``Acme<NEL>Corp`` read as ``Acme
        Corp``) and every line after it was told one too far on. A text decoded from
        cp1252 as Latin-1 holds NEL for an ellipsis."""
        found = _YAML_11_BREAK.search(self.text)
        if found is not None:
            raw = found[0]
            line = self.text.count("\n", 0, found.start()) + 1
            name, escape = _YAML_11_BREAKS[raw]
            raise self.refuse(
                line,
                (),
                f"character U+{ord(raw):04X} ({name}) is read as a line break by some YAML "
                f"readers and as text by others; write it as {escape} inside double quotes, "
                "or remove it",
            )

    def document(self) -> Any:
        """The one document of the file; ``None`` when there is none."""
        self.breaks_read_otherwise()
        try:
            return self.single_document()
        except yaml.YAMLError as error:
            raise _RefusedFileError(_yaml_problem(self.file, error, self.text)) from None
        finally:
            self.parser.dispose()

    def single_document(self) -> Any:
        self.next()  # the start of the stream
        if self.parser.check_event(StreamEndEvent):
            return None
        self.next()  # the start of the document
        first = self.next()
        line = _line(first)
        self.lines[()] = line
        data = self.value(first, (), line)
        self.next()  # the end of the document
        if self.parser.check_event(DocumentStartEvent):
            another = _line(self.next())
            raise self.refuse(another, (), "several YAML documents in one file; use one per file")
        return data

    def all_documents(self) -> list[tuple[Any, dict[FieldPath, int]]]:
        """Every document of a stream (``---`` between them), each with its own lines;
        the limits on values, depth and aliases hold for the stream as a whole."""
        self.breaks_read_otherwise()
        try:
            self.next()  # the start of the stream
            found: list[Any] = []
            while self.parser.check_event(DocumentStartEvent):
                self.next()
                first = self.next()
                line = _line(first)
                index = len(found)
                self.lines[(index,)] = line
                found.append(self.value(first, (index,), line))
                self.next()  # the end of the document
        except yaml.YAMLError as error:
            raise _RefusedFileError(_yaml_problem(self.file, error, self.text)) from None
        finally:
            self.parser.dispose()
        lines: list[dict[FieldPath, int]] = [{} for _ in found]
        for path, line in self.lines.items():
            lines[int(path[0])][path[1:]] = line
        return list(zip(found, lines, strict=True))

    def count(self, line: int, path: FieldPath) -> None:
        self.values += 1
        if self.values > self.limit.values:
            raise self.refuse(line, path, self.limit.message)

    def value(self, event: Event | None, path: FieldPath, line: int) -> Any:
        """The value that starts with ``event``; ``line`` is where ``path`` is written.
        The checks come in the order of how often each case occurs: this runs for every
        value of the file."""
        self.count(line, path)
        kind = type(event)
        if kind is AliasEvent:
            return self.alias(event, path, line)  # type: ignore[arg-type]  # kind says so
        anchor = getattr(event, "anchor", None)
        if anchor is None:
            if kind is ScalarEvent:
                return self.scalar(event, path, line)  # type: ignore[arg-type]
            if kind is MappingStartEvent:
                return self.mapping(event, path, line)  # type: ignore[arg-type]
            if kind is SequenceStartEvent:
                return self.sequence(event, path, line)  # type: ignore[arg-type]
            raise self.refuse(line, path, "unexpected YAML event")  # pragma: no cover
        before = self.values + self.expanded
        self.building.add(anchor)
        if isinstance(event, ScalarEvent):
            value: Any = self.scalar(event, path, line)
        elif isinstance(event, SequenceStartEvent):
            value = self.sequence(event, path, line)
        elif isinstance(event, MappingStartEvent):
            value = self.mapping(event, path, line)
        else:  # pragma: no cover - libyaml only ever sends the events above here
            raise self.refuse(line, path, "unexpected YAML event")
        self.building.discard(anchor)
        text = event.value if isinstance(event, ScalarEvent) else None
        self.anchors[anchor] = _Anchor(value, self.values + self.expanded - before, text)
        return value

    def alias(self, event: AliasEvent, path: FieldPath, line: int) -> Any:
        name = event.anchor or ""
        if name in self.building:
            raise self.refuse(line, path, "a YAML alias refers to a node that contains it")
        anchor = self.anchors.get(name)
        if anchor is None:
            raise self.refuse(line, path, f"the YAML alias *{abbreviate(name)} has no anchor")
        self.expanded += anchor.nodes
        if self.expanded > ALIAS_BUDGET:
            raise self.refuse(
                line,
                path,
                f"YAML aliases expand to more than {ALIAS_BUDGET} extra nodes; "
                "refused as a possible alias bomb",
            )
        return anchor.value  # shared, not copied: nothing changes values after reading

    def check(self, event: CollectionStartEvent, path: FieldPath, line: int, tag: str) -> None:
        if event.tag is not None and event.tag not in ("!", tag):
            raise self.refuse(line, path, f"unsupported YAML tag {abbreviate(event.tag)}")
        if len(path) >= MAX_DEPTH:
            raise self.refuse(line, path, f"nested more than {MAX_DEPTH} levels deep")

    def sequence(self, event: SequenceStartEvent, path: FieldPath, line: int) -> list[Any]:
        self.check(event, path, line, _SEQ)
        items: list[Any] = []
        get_event, lines, value = self.parser.get_event, self.lines, self.value
        base = self.offsets.get(path, 0) if self.offsets else 0
        while type(item := get_event()) is not SequenceEndEvent:
            where = (*path, base + len(items))
            item_line = _line(item)
            if item_line != line:
                lines[where] = item_line
            items.append(value(item, where, item_line))
        return items

    def mapping(self, event: MappingStartEvent, path: FieldPath, line: int) -> dict[str, Any]:
        self.check(event, path, line, _MAP)
        mapping: dict[str, Any] = {}
        while type(key_event := self.next()) is not MappingEndEvent:
            key_line = _line(key_event)
            key = self.key(key_event, path, key_line)
            where = (*path, key)
            if key in mapping:
                # a section given twice (components: at the top and again below) is read
                # as one list, so that what its second part defines is known
                join = not path and isinstance(mapping[key], list)
                offset = len(mapping[key]) if join else 0
                second, lines = self.again(key, path, key_line, offset)
                if join and isinstance(second, list):
                    for index in range(offset, offset + len(second)):
                        lines.setdefault((key, index), key_line)  # on the key's line, or aliased
                    lines.pop((key,), None)
                    self.lines.update(lines)
                    if key not in self.joined:  # copied once (an anchor may share it), then
                        self.joined.add(key)  # extended: a section given 100,000 times
                        mapping[key] = list(mapping[key])
                    mapping[key].extend(second)
                continue
            if key_line != line:
                self.lines[where] = key_line
            mapping[key] = self.value(self.next(), where, key_line)
        return mapping

    def again(
        self, key: str, path: FieldPath, line: int, offset: int = 0
    ) -> tuple[Any, dict[FieldPath, int]]:
        """A key given twice in one mapping: told, and its second value read (its limits
        hold) apart from the first, with its own lines, so that the first value is
        checked as written; the second and its lines are returned. ``offset``: a list's
        items are numbered from there (they follow the first value's)."""
        first = _line_in(self.lines, (*path, key))
        told = len(self.problems)
        if told < MAX_PROBLEMS_PER_FILE:
            message = f"key {abbreviate(key)} appears twice (first on line {first})"
        elif told == MAX_PROBLEMS_PER_FILE:
            message = (
                f"more than {MAX_PROBLEMS_PER_FILE:,} keys given twice in this file; "
                "the rest are not told"
            )
        if told <= MAX_PROBLEMS_PER_FILE:
            self.problems.append(Problem(self.file, line, format_path(path), message))
        kept, self.lines = self.lines, {(*path, key): line}
        if offset:
            self.offsets[(*path, key)] = offset
        try:
            second = self.value(self.next(), (*path, key), line)
        finally:
            found, self.lines = self.lines, kept
            self.offsets.pop((*path, key), None)
        return second, found

    def no_comment_touching(self, event: ScalarEvent, path: FieldPath) -> None:
        """``"Acme"#1``: libyaml and PyYAML read ``Acme`` and drop ``#1`` as a comment, and
        YAML 1.2 readers refuse it, as a comment starts after a space."""
        end = event.end_mark
        if end is not None and self.text.startswith("#", end.index):
            quote = event.style
            rest = self.text[end.index : end.index + 20].partition("\n")[0]
            raise self.refuse(
                end.line + 1,
                path,
                f"{abbreviate(rest)} follows the closing {quote} with no space: some YAML "
                f"readers drop it as a comment and others refuse the line; put the # inside "
                f"the quotes, or a space before it",
            )

    def key(self, event: Event, path: FieldPath, line: int) -> str:
        """A key is the text written (``1: x`` has the key ``"1"``); never a list or map."""
        self.count(line, path)
        if isinstance(event, ScalarEvent):
            if event.tag not in (None, "!", _STR):  # as for a value: never constructed
                raise self.refuse(line, path, f"unsupported YAML tag {abbreviate(event.tag)}")
            if event.anchor is not None:
                self.anchors[event.anchor] = _Anchor(event.value, 1, event.value)
            if event.style in _QUOTES:
                self.no_comment_touching(event, (*path, event.value))
            return str(event.value)
        if isinstance(event, AliasEvent):
            anchor = self.anchors.get(event.anchor or "")
            if anchor is not None and anchor.text is not None:
                return anchor.text
        raise self.refuse(line, path, "a mapping key must be plain text")

    def scalar(self, event: ScalarEvent, path: FieldPath, line: int) -> Any:
        text: str = event.value
        tag = event.tag
        if event.style in _QUOTES:
            self.no_comment_touching(event, path)
        if tag is None and event.implicit[0]:  # plain, untagged: the core schema decides
            if text and text[0] not in _NOT_ONLY_TEXT:
                return text
            if text.isascii() and text.isdigit() and len(text) <= MAX_NUMBER_CHARACTERS:
                return int(text)
            kind = _plain_kind(text)
        elif tag is None or tag in ("!", _STR):
            return text
        elif tag.startswith(_TAG) and tag.removeprefix(_TAG) in _CORE_SCALARS:
            kind = tag.removeprefix(_TAG)
            if not _CORE_SCALARS[kind].fullmatch(text):
                raise self.refuse(line, path, f"{abbreviate(text)} is not a valid !!{kind}")
        else:
            raise self.refuse(line, path, f"unsupported YAML tag {abbreviate(tag)}")
        if kind == "int" and len(text) > MAX_NUMBER_CHARACTERS:
            raise self.refuse(line, path, _too_long(text))
        return _core_value(kind, text)


def _core_value(kind: str, text: str) -> Any:
    """The Python value of a scalar the core schema has typed."""
    if kind == "null":
        return None
    if kind == "bool":
        return text.lower() == "true"
    if kind == "int":
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text, 10)
    if kind == "float":
        lowered = text.lower()
        if lowered.endswith(".inf"):
            return -math.inf if lowered.startswith("-") else math.inf
        if lowered == ".nan":
            return math.nan
        return float(text)
    return text


def _line(event: Event | None) -> int:
    mark = event.start_mark if event is not None else None
    return mark.line + 1 if mark is not None else 0


def _too_long(number: str) -> str:
    return (
        f"a number written with {len(number):,} characters "
        f"(at most {MAX_NUMBER_CHARACTERS} are read): {abbreviate(number, 20)}"
    )


def _decode(raw: bytes, file: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        raise _RefusedFileError(
            Problem(file, line, "", f"not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8")
        ) from None
    return text.removeprefix("\ufeff")


def _yaml_problem(file: str, error: yaml.YAMLError, text: str) -> Problem:
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        line = error.problem_mark.line + 1
        if "maximum nesting depth" in (error.problem or ""):  # libyaml's limit: 1,000 levels
            return Problem(file, line, "", f"nested more than {MAX_DEPTH} levels deep")
        message = f"YAML syntax error: {shorten(error.problem or '')}"
        if error.context and error.context_mark is not None:
            started = error.context_mark.line + 1
            message += f" ({error.context} started on line {started})"
        elif error.context:
            message += f" ({error.context})"
        return Problem(file, line, "", message)
    if isinstance(error, yaml.reader.ReaderError):
        if _LIBYAML:  # its position counts the bytes of the text in UTF-8
            line = text.encode("utf-8")[: error.position].count(b"\n") + 1
        else:  # PyYAML's own reader counts characters
            line = text.count("\n", 0, error.position) + 1
        code = error.character if isinstance(error.character, int) else ord(error.character)
        message = f"character U+{code:04X} is not allowed in YAML"
        if code < 0x100:
            message += f"; inside double quotes it can be written as \\x{code:02x}"
        return Problem(file, line, "", message)
    return Problem(file, 1, "", f"YAML syntax error: {shorten(str(error))}")


# --- JSON: parsed by the json module; the slow work only for a file that fails --------------

_JSON_TOKENS = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{},:]|[-0-9][-+.0-9eE]*|NaN|Infinity')


_JSON_COLON = re.compile(r"[ \t\r\n]*:")


class _NumberTooLongError(ValueError):
    def __init__(self, written: str) -> None:
        super().__init__(written)
        self.written = written


def _json_int(written: str) -> int:
    if len(written) > MAX_NUMBER_CHARACTERS:
        raise _NumberTooLongError(written)
    return int(written)


def _json_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number in JSON")


@dataclass
class _JsonToken:
    """A token of a JSON text, outside strings, with where it is: ``depth`` counts the
    containers open after it, ``places`` the key or index each is at (kept up to date
    as the walk goes on: copy it to keep it), and ``key`` is true for a mapping's key."""

    match: re.Match[str]
    depth: int
    places: list[str | int]
    key: bool

    @property
    def line(self) -> int:
        return self.match.string.count("\n", 0, self.match.start()) + 1


def _json_tokens(text: str) -> Iterator[_JsonToken]:
    """The tokens of ``text`` in order, read one by one, so that the walk serves a text
    no parser takes (nested too deep, ``NaN``). A bracket is at the place of the list or
    mapping it opens, as the YAML reader tells it."""
    places: list[str | int] = []  # the key or index each open container is at
    in_mapping: list[bool] = []
    for match in _JSON_TOKENS.finditer(text):
        written = match.group()
        if written in ("]", "}") and places:
            places.pop()
            in_mapping.pop()
        key = written.startswith('"') and bool(in_mapping) and in_mapping[-1]
        key = key and _JSON_COLON.match(text, match.end()) is not None
        if key:
            places[-1] = json.loads(written)
        opens = written in ("[", "{")
        yield _JsonToken(match, len(places) + opens, places, key)
        if opens:
            places.append(0 if written == "[" else "")
            in_mapping.append(written == "{")
        elif written == "," and in_mapping and not in_mapping[-1]:
            places[-1] = int(places[-1]) + 1


def _json_place(text: str, found: Callable[[str, int], bool]) -> tuple[int, FieldPath]:
    """The line and field of the first token for which ``found(token, depth)``."""
    for token in _json_tokens(text):
        if found(token.match.group(), token.depth):
            return token.line, tuple(token.places)
    return 1, ()


def _json_key_twice(text: str, key: str) -> tuple[int, FieldPath, int] | None:
    """Where ``key`` is given a second time in one mapping: its line, the mapping's
    place, and the line of the first."""
    first: dict[tuple[str | int, ...], int] = {}  # the place of a mapping holding the key
    for token in _json_tokens(text):
        if token.key and token.places[-1] == key:
            mapping = tuple(token.places[:-1])
            if mapping in first:
                return token.line, mapping, first[mapping]
            first[mapping] = token.line
    return None


def _json_shape(data: Any, most: int) -> tuple[int, bool]:
    """The values in ``data`` as ``_Builder`` counts them (keys too), counted up to just
    past ``most``, and whether more than ``MAX_DEPTH`` containers nest; without
    recursing, and keeping only containers on the stack."""
    values = 1
    stack: list[tuple[Any, int]] = [(data, 1)] if isinstance(data, dict | list) else []
    while stack:
        container, depth = stack.pop()
        if depth > MAX_DEPTH:
            return values, True
        if isinstance(container, dict):
            values += 2 * len(container)
            children: Iterable[Any] = container.values()
        else:
            values += len(container)
            children = container
        if values > most:
            return values, False
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return values, False


_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"')


def _json_values_written(text: str, most: int) -> int:
    """About how many values a JSON text holds (keys counted, as ``_Builder`` does): one
    per separator or opening bracket outside strings, counted exactly only when a fast
    upper bound passes ``most``. Counted before parsing, because ``json`` builds every
    value at C speed before anything can be checked."""
    upper_bound = sum(text.count(mark) for mark in "[{,:") + 1  # strings included: fast
    if upper_bound <= most:
        return upper_bound
    outside_strings = _JSON_STRING.sub('""', text)
    return sum(outside_strings.count(mark) for mark in "[{,:") + 1


_DIGITS = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
"""Every digit made a ``0``, every other byte a space."""
_LONG_NUMBER = b"0" * 19
"""Digits enough for an integer beyond 64 bits, which orjson reads as a float."""


def _parse_json(text: str) -> Any:
    """The data of a JSON text, as ``json`` reads it. orjson reads it in two thirds of the
    time and gives the same values for every text it accepts, but for integers beyond 64
    bits; it accepts no text that ``json`` refuses. A text orjson refuses, or one that may
    hold such an integer (19 digits in a row anywhere), is read by ``json``, whose errors
    the loader reports. (The digits are found at C speed: ``_DIGITS``, then one search.)"""
    digits = text.encode("utf-8", "surrogatepass").translate(_DIGITS)
    if _LONG_NUMBER not in digits:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text, parse_constant=_json_constant, parse_int=_json_int)


def _read_json(text: str, file: str, limit: _ValueLimit, *, careful: bool = True) -> Document:
    """The data of a JSON file. Without ``careful``, the walk that counts values and nesting
    after parsing is left out: a load that finds no problem has checked every value
    against the model, which nests six levels, and a load that finds one reads its files
    again carefully, so that what it reports is the same either way."""

    def refuse(place: tuple[int, FieldPath], message: str) -> _RefusedFileError:
        line, path = place
        return _RefusedFileError(Problem(file, line, format_path(path), message))

    def deepest() -> tuple[int, FieldPath]:
        return _json_place(text, lambda _, depth: depth > MAX_DEPTH)

    too_deep = f"nested more than {MAX_DEPTH} levels deep"
    if not text.strip():  # as a YAML file says it, not "JSON syntax error: Expecting value"
        raise _RefusedFileError(Problem(file, 1, "", "file is empty"), empty=True)
    written = _json_values_written(text, limit.values)
    if written > limit.values:
        raise refuse((0, ()), limit.message)
    try:
        data = _parse_json(text)
    except json.JSONDecodeError as error:
        raise refuse((error.lineno, ()), f"JSON syntax error: {error.msg}") from None
    except RecursionError:  # nested hundreds of levels: refused like any deep file
        raise refuse(deepest(), too_deep) from None
    except _NumberTooLongError as error:
        number = error.written
        place = _json_place(text, lambda token, _: token == number)
        raise refuse(place, _too_long(number)) from None
    except ValueError as error:  # NaN or Infinity
        constant = str(error).split(" ", 1)[0].lstrip("-")
        place = _json_place(text, lambda token, _: token == constant)
        raise refuse(place, str(error)) from None
    try:
        twice = _keys_twice(text, file, data, limit)
    except RecursionError:  # read again with a hook, nested too deep for Python's parser
        raise refuse(deepest(), too_deep) from None
    if twice is not None:  # read by the loader's reader, its limits and depth checked
        first, found, problems = twice
        return Document(first, FileLines(file, found), written, problems=problems)
    values, deep = _json_shape(data, limit.values) if careful else (written, False)
    if deep:
        raise refuse(deepest(), too_deep)
    if values > limit.values:
        raise refuse((0, ()), limit.message)
    if data is None or data == {}:
        raise _RefusedFileError(Problem(file, 1, "", "file is empty"), empty=True)

    def find_lines() -> dict[FieldPath, int]:
        if "\n" not in text.rstrip():  # compact JSON on one line: nothing to find
            return {(): 1}
        return _lines_of(file, _as_yaml(text))

    return Document(data, FileLines(file, find=find_lines), values)


class _KeyTwiceError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_key_twice(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _KeyTwiceError(key)
            seen.add(key)
    return mapping


def _keys_twice(
    text: str, file: str, data: Any, limit: _ValueLimit
) -> tuple[Any, dict[FieldPath, int], tuple[Problem, ...]] | None:
    """``None`` for a JSON text that gives no key twice in one object (``json`` and orjson
    keep the last value without a word); else the data as the loader's own reader reads
    it (the first value of each such key, as for YAML), its lines, and a problem for each
    key given twice, at its line. Found at C speed: a text with no colon written as an
    escape holds as many colons as its data written out again, unless a key was dropped,
    since only a key drops anything; only then, or with such an escape, is the text read
    again, with a hook on every object."""
    if "\\u003a" not in text and "\\u003A" not in text:
        try:
            if text.count(":") == orjson.dumps(data).count(b":"):
                return None
        except orjson.JSONEncodeError:  # an integer beyond 64 bits: read again
            pass
    try:
        json.loads(text, object_pairs_hook=_no_key_twice, parse_int=_json_int)
    except _KeyTwiceError as given_twice:
        key = given_twice.key
    else:
        return None
    builder = _Builder(file, _as_yaml(text), limit)
    try:
        first = builder.document()
    except _RefusedFileError as refused:
        if not refused.problem.message.startswith("YAML syntax error"):
            raise  # a limit of the loader's own (nesting, values): told as itself
        # read otherwise by libyaml (a key of over 1,024 characters): found token by token
        found = _json_key_twice(text, key)
        if found is None:  # pragma: no cover - json found the key twice in one mapping
            problem = Problem(file, 0, "", f"key {abbreviate(key)} appears twice")
            raise _RefusedFileError(problem) from None
        line, mapping, first_line = found
        message = f"key {abbreviate(key)} appears twice (first on line {first_line})"
        raise _RefusedFileError(Problem(file, line, format_path(mapping), message)) from None
    return first, builder.lines, tuple(builder.problems)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE_PAIR = re.compile(r"\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})")
_NOT_AS_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
"""Characters JSON takes in a string as any other and YAML does not: the line breaks of
YAML 1.1 (NEL, LS, PS) and those outside YAML's printable set (DEL, the C1 controls, the
noncharacters U+FFFE and U+FFFF), and the byte-order mark. In valid JSON they occur only
inside strings, where their escape means the same."""


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match[0]):04x}"


def _pair(match: re.Match[str]) -> str:
    high, low = int(match[1], 16), int(match[2], 16)
    return f"\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08X}"


def _as_yaml(json_text: str) -> str:
    """Valid JSON as YAML 1.2, with the same values and lines: its tabs (only ever
    whitespace here) made spaces, the characters YAML reads otherwise escaped, a
    surrogate pair (an emoji, as Python's json writes it) as the one escape YAML reads,
    and a lone surrogate escape, which libyaml refuses, another escape."""
    text = _NOT_AS_IN_JSON.sub(_escaped, json_text.replace("\t", " "))
    return _SURROGATE_ESCAPE.sub(r"\\u0020", _SURROGATE_PAIR.sub(_pair, text))


def _lines_of(file: str, text: str, limit: _ValueLimit | None = None) -> dict[FieldPath, int]:
    """Where each field path of a text read fast starts, found by the loader's own reader
    (as far as it reads: e.g. not past a key over 1,024 characters)."""
    builder = _Builder(file, text, limit)
    with contextlib.suppress(_RefusedFileError):
        builder.document()
    return builder.lines


# --- YAML at C speed ----------------------------------------------------------------------

_NODE_START = r"(?:^|[\s\[\]{},])"
"""Where a YAML node or indicator may start: a line's start, a space, or a flow indicator."""

_NOT_TEXT = r"(?:[-+]?[0-9.][^\s,\[\]{}]*|true|True|TRUE|false|False|FALSE|null|Null|NULL|~)"
"""A plain scalar that might not be text: it starts like a number, or is a boolean or null."""

_FAST_READER_DIFFERS = (
    # Characters libyaml refuses or breaks lines at (tabs, CR, NEL, LS, PS, controls, a BOM
    # inside the text); the fast reader takes them otherwise.
    r"[^\n\x20-\x7e\x{a0}-\x{d7ff}\x{e000}-\x{fffd}\x{10000}-\x{10ffff}]"
    r"|[\x{2028}\x{2029}\x{feff}]",
    # Tags, anchors, aliases, complex and empty keys, directives.
    _NODE_START + r"[!&*?%:]",
    # A block scalar's header with an indentation digit or anything after it but a comment
    # (as inside a flow collection).
    _NODE_START + r"[|>](?:[-+](?:[ ]+[^ \n#]|\S)|[ ]+[^ \n#]|[^-+\s])",
    r"^(?:---|\.\.\.)(?:\s|$)",  # several documents
    r"^[|>]|\A(?:\s|#[^\n]*)*[|>]",  # a block scalar as the document, or at a line's start
    r"<<",  # a merge key
    # Numbers the YAML 1.2 core schema reads as text and the fast reader as numbers: with
    # underscores (1_000), in binary, signed hexadecimal or octal; .inf and .nan in mixed case.
    _NODE_START + r"[-+]?(?:_|[0-9.][0-9A-Za-z._+-]*_|0[xXoObB]|\.[iInN])",
    # Keys that are not text: this loader keeps them as written, the fast reader converts.
    _NODE_START + _NOT_TEXT + r":(?:\s|$)",
    r"[{,]\s*" + _NOT_TEXT + r"\s*[,}]",
    r"[\[{][^\n]*:\S",  # a colon without a space in a flow collection
    r"[{,]\s*[\[{]",  # a flow collection as a key (or, to be safe, as a flow list's item)
    # A bracket on a line with a comment or quotes: the brackets may not be counted right.
    r"[\[\]{}][^\n]*[#'\"]|[#'\"][^\n]*[\[\]{}]",
    r"\\u[dD][89a-fA-F]|\\U0000[dD][89a-fA-F]",  # a surrogate escape (libyaml refuses one)
    r"[0-9]{50}",  # a number near the longest accepted
)


def _re2(pattern: str | bytes, *, latin1: bool = False) -> re2._Regexp:
    """``pattern`` for RE2, which searches in linear time (Python's ``re`` can backtrack)."""
    options = re2.Options()
    options.log_errors = False  # a pattern here is ours; an automaton out of memory is not news
    options.max_mem = 64 << 20
    if latin1:
        options.encoding = re2.Options.Encoding.LATIN1
    return re2.compile(pattern, options)


_DIFFERS = _re2("(?m)" + "|".join(_FAST_READER_DIFFERS))
"""Anything ``yaml_rs`` may read otherwise than libyaml and ``_Builder``, found in linear time
(RE2). The loader's own reader decides whatever matches: a fast reading must equal it."""


_LONG_LINE = _re2(rb"[^\n]{1000}[^\n]{25}", latin1=True)
"""A line of more than 1,024 bytes (libyaml's longest key is 1,024 characters), searched in
the UTF-8 bytes. Apart from ``_DIFFERS``, and over bytes: over characters, or in one
pattern with the rest, this repetition makes RE2's automaton outgrow its memory, and RE2
then matches about a thousand times slower."""

_NOT_A_BRACKET = re.compile(r"[^\[\]{}\n]+")
_PAIR = re.compile(r"\[\]|\{\}")
_BLOCK_HEADER = _re2(_NODE_START + r"[|>]")
_ENDS_IN_HEADER = re.compile(_NODE_START + r"[|>][-+]?[ ]*(?:#.*)?$")
_FLOW_DEPTH_READ_FAST = 8


def _lines_balanced(text: str) -> bool:
    """Whether every flow collection (``[...]``, ``{...}``) opens and closes on one line and
    nests at most ``_FLOW_DEPTH_READ_FAST`` deep: a block scalar or a plain scalar cannot
    then be read inside one across lines, which the fast reader allows and libyaml does not.
    (``_DIFFERS`` leaves a line with brackets and quotes or a comment to the slower way.)"""
    if "[" not in text and "{" not in text:
        return True
    brackets = _NOT_A_BRACKET.sub("", text)
    for _ in range(_FLOW_DEPTH_READ_FAST):
        fewer = _PAIR.sub("", brackets)
        if fewer == brackets:
            break
        brackets = fewer
    return not brackets.strip("\n")


def _yaml_values_written(text: str) -> int:
    """At least as many values as a YAML text without aliases holds (keys counted, as
    ``_Builder`` does): two for each ``:``, ``?``, ``,`` and ``{`` (a key and its value), one
    for each ``-`` and ``[`` (an item), and the document."""
    pairs = sum(text.count(mark) for mark in ":?,{")
    return 1 + 2 * pairs + text.count("-") + text.count("[")


def _read_yaml_fast(text: str, limit: _ValueLimit) -> tuple[Any, int] | None:
    """The data of a YAML text as ``_Builder`` reads it, and at least its number of values,
    read by ``yaml_rs`` (Rust, several times faster); ``None`` when the text holds anything
    that reader may read otherwise (``_DIFFERS``), more values than ``limit`` may, or when
    it refuses the text. The caller then reads it with ``_Builder``, whose messages say why.

    Nesting stays shallow here: a line of at most 1,024 characters nests at most that many
    levels, and the loader's model checks every value of a load that finds no problem."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")  # what libyaml makes of a line break; a lone CR differs
    if _DIFFERS.search(text) or _LONG_LINE.search(text.encode()) or not _lines_balanced(text):
        return None
    if _BLOCK_HEADER.search(text) and (
        not text.endswith("\n") or _ENDS_IN_HEADER.search(text.rstrip().rpartition("\n")[2])
    ):
        return None  # a block scalar may end the text, where the readers keep lines otherwise
    written = _yaml_values_written(text)
    if written > limit.values:
        return None
    try:
        data = yaml_rs.loads(text, parse_datetime=False)  # duplicate keys are refused
    except Exception:  # refused: the loader's reader says why
        return None
    except BaseException as error:
        # A panic in Rust is a BaseException too (pyo3's PanicException); what else comes
        # here is a Ctrl-C, SIGTERM or SIGHUP arriving, or an exit, and goes on.
        if type(error).__name__ != "PanicException":
            raise
        return None
    if data is None or data == {}:
        return None  # empty: the loader's reader says so, with the line
    return data, written


# --- the bytes of one file ------------------------------------------------------------------

_KINDS: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of_file(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _read_bytes(path: Path, file: str, max_bytes: int, hint: str = "") -> bytes:
    """The bytes of a regular file, at most ``max_bytes``; never blocks on a FIFO and never
    trusts the size the file system reports (files under /proc report 0). ``hint`` follows
    the limit when the file is refused for its size (how to raise it)."""

    def refuse(message: str) -> _RefusedFileError:
        return _RefusedFileError(Problem(file, 0, "", message), unseen=True)

    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):  # checked before opening: opening a FIFO would wait
            raise refuse(f"{kind_of_file(mode)}, not a regular file")
        # O_NONBLOCK: should a FIFO replace the file after the check, opening still returns.
        flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
        descriptor = os.open(path, flags)
    except OSError as error:
        raise refuse(f"cannot read this file: {os_reason(error)}") from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise refuse(f"{kind_of_file(status.st_mode)}, not a regular file")
        if status.st_size > max_bytes:
            size, limit = plural(status.st_size, "byte"), plural(max_bytes, "byte")
            raise refuse(f"file is {size}; the limit is {limit}{hint}")
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(descriptor, min(max_bytes + 1 - total, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            limit = plural(max_bytes, "byte")
            raise refuse(f"file is more than {limit}; the limit is {limit}{hint}")
        return b"".join(chunks)
    except OSError as error:
        raise refuse(f"cannot read this file: {os_reason(error)}") from None
    finally:
        os.close(descriptor)


def read_document(
    path: Path,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    limit: _ValueLimit = _ONE_FILE,
    careful: bool = True,
) -> Document:
    """Read one YAML or JSON file into plain data with a line for every field path.

    Raises ``_RefusedFileError`` with the reason when the file cannot be read at all.
    """
    file = display_path(path)
    raw = _read_bytes(path, file, max_bytes)
    text = _decode(raw, file)
    if path.suffix.lower() == ".json":
        doc = _read_json(text, file, limit, careful=careful)
        doc.size = len(raw)
        return doc
    fast = None if careful else _read_yaml_fast(text, limit)
    if fast is not None:
        data, values = fast
        where = FileLines(file, find=functools.partial(_lines_of, file, text, limit))
        return Document(data, where, values, len(raw))
    builder = _Builder(file, text, limit)
    data = builder.document()
    if data is None or data == {}:
        line = builder.lines.get((), 1)
        raise _RefusedFileError(Problem(file, line, "", "file is empty"), empty=True)
    lines = FileLines(file, builder.lines)
    return Document(data, lines, builder.values, len(raw), tuple(builder.problems))


def read_bytes(path: Path, *, max_bytes: int, what: str, hint: str = "") -> tuple[bytes, str]:
    """The bytes of a regular file of at most ``max_bytes``, and its name as shown; the
    same refusals as for estate files (FIFOs, devices, size), as ``InvalidInputError``."""
    file = display_path(path)
    try:
        return _read_bytes(path, file, max_bytes, hint), file
    except _RefusedFileError as refused:
        raise InvalidInputError([refused.problem], what=what) from None


def read_yaml_stream(path: Path, *, max_bytes: int, what: str, hint: str = "") -> list[Document]:
    """Every document of a YAML file (a Backstage catalog holds several, split by
    ``---``), read with the same limits and YAML 1.2 core-schema scalars as estate files."""
    raw, file = read_bytes(path, max_bytes=max_bytes, what=what, hint=hint)
    try:
        text = _decode(raw, file)
        builder = _Builder(file, text)
        documents = builder.all_documents()
    except _RefusedFileError as refused:
        raise InvalidInputError([refused.problem], what=what) from None
    if builder.problems:
        raise InvalidInputError(builder.problems, what=what)
    return [Document(data, FileLines(file, lines)) for data, lines in documents]


def read_one(path: Path, *, what: str) -> Document:
    """``read_document`` for a single file that must be readable, such as a scenario."""
    try:
        document = read_document(path)
    except _RefusedFileError as refused:
        raise InvalidInputError([refused.problem], what=what) from None
    if document.problems:
        raise InvalidInputError(list(document.problems), what=what)
    return document


# --- field paths and pydantic errors -------------------------------------------------------


_LONGEST_KEY_SHOWN = 40


_LONGEST_PATH_SHOWN = 12


def format_path(path: FieldPath) -> str:
    """``("components", 3, "depends_on", 0)`` -> ``components[3].depends_on[0]``; a key
    too long to read is cut (the message says how long it is), and so is the middle of a
    path too deep to read (``x[0][0]…[0][0]``)."""
    if len(path) > _LONGEST_PATH_SHOWN:
        half = _LONGEST_PATH_SHOWN // 2
        return f"{format_path(path[:half])}…{format_path(path[-half:])}"
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        if part == "[key]":  # pydantic's place for a mapping's key: overrides[x][key]
            text += part
            continue
        name = part if len(part) <= _LONGEST_KEY_SHOWN else part[: _LONGEST_KEY_SHOWN - 1] + "…"
        name = name or '""'  # an empty key, seen
        text += f".{name}" if text else name
    return text


def _short(value: Any) -> str:
    return abbreviate(value)


def _given(value: Any) -> str:
    """What was given where a list or mapping belongs, in words: ``a mapping (web: ...)``,
    ``a list of 3``, ``the text 'x'``, rather than Python's own spelling of it."""
    if isinstance(value, dict):
        keys = ", ".join(printable(str(k)) for k in list(value)[:3])
        return f"a mapping ({shorten(keys + (', ...' if len(value) > 3 else ''), 60)})"
    if isinstance(value, list):
        return f"a list of {len(value):,}"
    if isinstance(value, str):
        return f"the text {_short(value)}"
    return _short(value)


def _hint(word: str, allowed: Sequence[str]) -> str:
    """ "did you mean" the closest allowed word, else the list of them; nothing for a word
    so long that it is no slip (the message stays one readable line)."""
    hint = did_you_mean(word, allowed)
    if not hint and allowed and len(word) <= LONGEST_WORD_SUGGESTED:
        hint = f"; allowed: {', '.join(allowed)}"
    return hint


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model somewhere inside an annotation such as ``tuple[X, ...] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    origin = get_origin(annotation)
    return _model_in(origin) if origin is not None and origin is not annotation else None


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        by_key = {info.alias or name: info for name, info in current.model_fields.items()}
        info = by_key.get(part)
        current = _model_in(info.annotation) if info is not None else None
    return current


def _message(model: type[BaseModel], error: Mapping[str, Any]) -> tuple[FieldPath, str]:
    """The field path (relative to the item) and a plain message for one pydantic error."""
    loc: FieldPath = tuple(error["loc"])
    kind = error["type"]
    given = error.get("input")
    context = error.get("ctx") or {}
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        allowed = sorted(_keys_of(parent)) if parent is not None else []
        key = str(loc[-1])
        return loc, f"unknown key {_short(key)}{_hint(key, allowed)}"
    if kind == "missing":
        return loc[:-1], f"required key {_short(loc[-1])} is missing"
    if kind in ("enum", "literal_error"):
        expected = context.get("expected", "")
        options = re.findall(r"'([^']*)'", expected)
        hint = did_you_mean(str(given), options) if isinstance(given, str) else ""
        return loc, f"{_short(given)} is not allowed; expected {expected}{hint}"
    if kind == "string_pattern_mismatch":
        if context.get("pattern") == ID_PATTERN:
            return loc, f"{_short(given)} is not a valid id: {ID_RULE}"
        if context.get("pattern") == r"^[A-Z]{2}$":
            return loc, f"{_short(given)} is not a country code: use ISO 3166-1 alpha-2 (SE, US)"
        return loc, f"{_short(given)} does not match the pattern {context.get('pattern')}"
    message = str(error["msg"]).removeprefix("Value error, ")
    plain = _plain(kind, given, context)
    if plain is not None:
        return loc, plain
    if kind == "string_unicode" and isinstance(given, str):  # a lone surrogate (JSON's \ud800)
        lone = next((c for c in given if 0xD800 <= ord(c) <= 0xDFFF), "")
        at = f" \\u{ord(lone):04x} at position {given.index(lone) + 1}" if lone else ""
        return loc, f"holds half a surrogate pair{at}, which is not a character; remove it"
    if kind == "value_error" or "input" not in error:
        return loc, message
    return loc, f"{message} (got {_short(given)})"


def _plain(kind: str, given: Any, context: Mapping[str, Any]) -> str | None:
    """The message for an error of a number's size, a value's type or a list's length;
    None for the other kinds."""
    if kind == "finite_number":
        if isinstance(given, float) and math.isinf(given):  # 1e400 reads as infinity too
            sign = "-" if given < 0 else ""
            return (
                f"reads as {sign}infinity (too large a number, or written so); give a finite number"
            )
        return f"{_short(given)} is not a finite number"
    if kind == "less_than_equal":
        return f"{_short(given)} is too large; at most {_number(context.get('le'))}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of keys, got {_given(given)}"
    if kind in ("tuple_type", "list_type"):
        return f"expected a list, got {_given(given)}"
    if kind == "too_short":
        least = _number(context.get("min_length"))
        if not given:
            return f"an empty list; give at least {least}"
        return f"{_number(context.get('actual_length'))} items; at least {least}"
    if kind == "too_long":
        most = _number(context.get("max_length"))
        return f"{_number(context.get('actual_length'))} items; at most {most}"
    return None


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def _short_only_of_invalid_items(detail: Mapping[str, Any]) -> bool:
    """Pydantic counts a list's length after its invalid items are dropped: ``roles:
    [owner]`` was "0 items; at least 1" beside the item's own problem. The list was long
    enough as written."""
    given, least = detail.get("input"), detail.get("ctx", {}).get("min_length")
    return (
        detail["type"] == "too_short"
        and isinstance(given, list | tuple)
        and isinstance(least, int)
        and len(given) >= least
    )


def validation_problems(
    error: ValidationError,
    model: type[BaseModel],
    doc: Document | FileLines,
    base: FieldPath,
    renumber: Callable[[FieldPath], FieldPath] | None = None,
) -> list[Problem]:
    """Each error of the model as a problem at ``base`` (``renumber``: from where in the
    validated data to where in the written)."""
    problems = []
    for detail in error.errors():
        if _short_only_of_invalid_items(detail):
            continue
        loc, message = _message(model, detail)
        path = (*base, *(renumber(loc) if renumber else loc))
        problems.append(Problem(doc.file, doc.line_of(path), format_path(path), message))
    return problems


# --- the whole estate -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    """A valid item, and where it was written."""

    model: Any
    where: FileLines
    path: FieldPath
    salvaged: bool = False  # invalid, kept only so that its references are checked too
    places: Mapping[int, int] = field(default_factory=dict)
    """Overridden: where each ``depends_on`` entry the override gave is in it (``_patched``)."""
    kept: Mapping[int, int] = field(default_factory=dict)
    """Overridden: where each ``depends_on`` entry the element kept is in ``before``."""
    before: _Item | None = None
    """Overridden: the element as written, where the entries it kept are told."""

    def problem(self, suffix: FieldPath, message: str) -> Problem:
        entry = suffix[1] if len(suffix) > 1 and suffix[0] == "depends_on" else None
        if isinstance(entry, int) and entry in self.kept and self.before is not None:
            return self.before.problem(("depends_on", self.kept[entry], *suffix[2:]), message)
        path = (*self.path, *_in_patch(self.places, suffix))
        return Problem(self.where.file, self.where.line_of(path), format_path(path), message)

    def place(self, suffix: FieldPath) -> str:
        """``file:line`` of the field ``suffix``, the line its problem would name."""
        return f"{self.where.file}:{self.problem(suffix, '').line}"


@dataclass(frozen=True)
class _Override:
    """One entry of an ``overrides`` section: the fields that patch element ``id``."""

    id: str
    patch: Mapping[str, Any]
    doc: Document
    path: FieldPath


@dataclass
class _Collected:
    headers: list[tuple[EstateInfo, FileLines]] = field(default_factory=list)
    items: dict[str, list[_Item]] = field(default_factory=lambda: defaultdict(list))
    overrides: list[_Override] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def estate_files(path: Path, notices: list[str] | None = None) -> list[Path]:
    """The files an estate path stands for, in a fixed order: the file itself, or the
    estate files of a folder and of all its sub-folders.

    In a folder, nothing is skipped in silence:

    - a regular file whose name ends in ``.yaml``, ``.yml`` or ``.json``, in any case
      (``A.YAML`` too), is read; other files (``README.md``) are not estate files;
    - links are followed, to files and to folders, inside the folder or outside it; each
      real file and folder is read once, under the first name found for it (a name that
      is not a link first), and every other name for it is skipped with a notice;
    - a link that leads nowhere or back to a folder that contains it (a loop) is skipped
      with a notice, and so are FIFOs, devices and sockets, which are never opened;
    - hidden folders (``.git``) and hidden estate files (``.draft.yaml``), whose names
      start with a dot, are skipped with a notice;
    - a file or folder that cannot be read (permission denied) is a problem: the load
      fails rather than go on without it;
    - a JSON Schema of estate files saved in the folder (``exitplan schema >
      estate.schema.json``) is recognised by its content and skipped with a notice.

    Notices (one line each, ``skipped PATH: why``) are appended to ``notices``. Raises
    ``UsageError`` when the path is missing, is a FIFO or device, or holds no estate file,
    and ``InvalidInputError`` when a file or folder cannot be read.
    """
    found, problems = _list_estate(path, notices if notices is not None else [])
    if problems:
        raise InvalidInputError(problems)
    return found


_Keys = tuple[tuple[int, int], ...]  # (st_dev, st_ino) of the folders that hold a path


@dataclass
class _FolderWalk:
    """Lists the estate files under a folder (``estate_files`` tells the rule)."""

    root: Path
    notices: list[str]
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files_seen: dict[tuple[int, int], Path] = field(default_factory=dict)
    folders_seen: dict[tuple[int, int], Path] = field(default_factory=dict)
    folders: list[tuple[Path, _Keys]] = field(default_factory=list)
    links: list[tuple[Path, _Keys]] = field(default_factory=list)
    entries: int = 0

    def run(self, status: os.stat_result) -> list[Path]:
        key = (status.st_dev, status.st_ino)
        self.folders_seen[key] = self.root
        self.folders.append((self.root, (key,)))
        # The real tree first, then the links in the order found, so that a file or folder
        # is known by its own name rather than by a link to it. No recursion: a hostile
        # tree may be thousands of folders deep.
        while self.folders or self.links:
            if self.folders:
                self.folder(*self.folders.pop())
            else:
                self.link(*self.links.pop(0))
        return sorted(self.files, key=lambda p: p.relative_to(self.root).as_posix())

    def skip(self, path: Path, why: str) -> None:
        self.notices.append(f"skipped {display_path(path)}: {why}")

    def problem(self, path: Path, message: str) -> None:
        self.problems.append(Problem(display_path(path), 0, "", message))

    def folder(self, folder: Path, inside: _Keys) -> None:
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            self.problem(folder, f"cannot read this folder: {os_reason(error)}")
            return
        self.entries += len(entries)
        if self.entries > MAX_FOLDER_ENTRIES:
            raise UsageError(
                f"{display_path(self.root)} holds more than {MAX_FOLDER_ENTRIES:,} files and "
                "folders: that is no estate's folder; give the folder of the estate's files"
            )
        first_subfolder = len(self.folders)
        for entry in entries:
            path = folder / entry.name
            if entry.name.startswith("."):
                if entry.is_dir():
                    self.skip(path, "a hidden folder")
                elif _has_estate_suffix(entry.name):
                    self.skip(path, "a hidden file")
            elif entry.is_symlink():
                self.links.append((path, inside))
            else:
                try:
                    status = entry.stat(follow_symlinks=False)
                except OSError as error:
                    self.problem(path, f"cannot read: {os_reason(error)}")
                    continue
                self.visit(path, status, inside)
        self.folders[first_subfolder:] = reversed(self.folders[first_subfolder:])

    def link(self, path: Path, inside: _Keys) -> None:
        try:
            status = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            self.skip(path, f"a link to nothing ({_link_target(path)})")
            return
        except OSError as error:
            if error.errno == errno.ELOOP:
                self.skip(path, "a loop of links")
            else:
                self.problem(path, f"cannot follow this link: {os_reason(error)}")
            return
        self.visit(path, status, inside)

    def visit(
        self, path: Path, status: os.stat_result, inside: tuple[tuple[int, int], ...]
    ) -> None:
        key = (status.st_dev, status.st_ino)
        if stat.S_ISDIR(status.st_mode):
            first = self.folders_seen.get(key)
            if key in inside and first is not None:
                self.skip(path, f"a link back to {display_path(first)}, which holds it (a loop)")
            elif first is not None:
                self.skip(path, f"the same folder as {display_path(first)}, read once")
            else:
                self.folders_seen[key] = path
                self.folders.append((path, (*inside, key)))
        elif stat.S_ISREG(status.st_mode):
            if not _has_estate_suffix(path.name):
                return
            first = self.files_seen.get(key)
            if first is not None:
                self.skip(path, f"the same file as {display_path(first)}, read once")
            else:
                self.files_seen[key] = path
                self.files.append(path)
        else:
            self.skip(path, f"{kind_of_file(status.st_mode)}, not a regular file")


def _has_estate_suffix(name: str) -> bool:
    return name.lower().endswith(SUFFIXES)


def _link_target(path: Path) -> str:
    try:
        return abbreviate(os.readlink(path))
    except OSError:
        return "unknown"


def _list_estate(path: Path, notices: list[str]) -> tuple[list[Path], list[Problem]]:
    """The files to read and the problems met listing them; notices go to ``notices``."""
    shown = display_path(path)
    try:
        status = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise UsageError(f"{shown}: no such file or folder") from None
    except OSError as error:
        why = "a loop of links" if error.errno == errno.ELOOP else os_reason(error)
        raise UsageError(f"{shown}: cannot read: {why}") from None
    if stat.S_ISREG(status.st_mode):
        return [path], []
    if not stat.S_ISDIR(status.st_mode):
        raise UsageError(f"{shown}: {kind_of_file(status.st_mode)}, not an estate file or folder")
    walk = _FolderWalk(path, notices)
    files = walk.run(status)
    if not files and not walk.problems:
        raise UsageError(f"{shown}: no .yaml, .yml or .json files in this folder")
    return files, walk.problems


_SCHEMA_TITLE = "exitplan estate file"  # EstateFile's title in the schema


def _is_schema(data: Any) -> bool:
    """A JSON Schema (``exitplan schema``), not an estate: it points at json-schema.org or
    carries the title of the estate file schema, and holds no section of an estate. (One
    that does is an estate file, checked as one: its ``$schema`` or ``title`` is told as an
    unknown section, where skipping it had dropped its components without a word.)"""
    if not isinstance(data, dict):
        return False
    if any(key in SECTIONS or key in _SPECIAL_SECTIONS for key in data):
        return False
    dialect = data.get("$schema")
    return (isinstance(dialect, str) and "json-schema.org" in dialect) or (
        data.get("title") == _SCHEMA_TITLE
    )


_CHUNK = 1_000
"""Items validated in one call: enough to save the calls, few enough that the errors of
a chunk of invalid items cost little (a section of a million invalid items validated
at once made an error a gigabyte large)."""


@functools.cache
def _list_adapter(model: type[BaseModel]) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]  # a model class, at run time


def _all_valid(model: type[BaseModel], items: list[Any]) -> list[Any] | None:
    """Every item of a section validated in one call; ``None`` when any item is invalid,
    and then each is validated on its own, so that its problems are told and its valid
    fields kept."""
    try:
        return _list_adapter(model).validate_python(items)
    except ValidationError:
        return None


def _collect(doc: Document, into: _Collected) -> None:
    data = doc.data
    if not isinstance(data, dict):
        into.problems.append(
            Problem(
                doc.file,
                1,
                "",
                f"the top level must be a mapping of sections (estate, {', '.join(SECTIONS)})",
            )
        )
        return
    allowed = ["estate", *SECTIONS, "overrides"]
    start = len(into.problems)

    def full(path: FieldPath) -> bool:
        """Past the problem limit, the rest of a hostile file is not worth the time."""
        if len(into.problems) - start < MAX_PROBLEMS_PER_FILE:
            return False
        into.problems.append(
            Problem(
                doc.file,
                doc.line_of(path),
                format_path(path),
                f"more than {MAX_PROBLEMS_PER_FILE:,} problems in this file; "
                "the rest of it was not checked",
            )
        )
        return True

    if "withdraw" in data and ("id" in data or "title" in data):
        into.problems.append(
            Problem(
                doc.file,
                doc.line_of(("withdraw",)),
                "",
                "this is a scenario, not an estate: run it with exitplan run (or give it to "
                "report, or to diagram --scenario), and keep scenarios outside the estate's "
                "folder",
            )
        )
        return
    for key, value in data.items():
        if full((key,)):
            return
        special = _SPECIAL_SECTIONS.get(key)
        if special is not None:
            special(doc, value, into)
            continue
        model = SECTIONS.get(key)
        if model is None:
            hint = _hint(key, allowed)
            into.problems.append(
                Problem(
                    doc.file,
                    doc.line_of((key,)),
                    format_path((key,)),
                    f"unknown section {_short(key)}{hint}",
                )
            )
            continue
        if value is None:
            continue
        if not isinstance(value, list):
            into.problems.append(
                Problem(doc.file, doc.line_of((key,)), key, f"expected a list, got {_given(value)}")
            )
            continue
        if not _collect_items(doc, key, model, value, into, full):
            return


def _collect_items(
    doc: Document,
    key: str,
    model: type[BaseModel],
    value: list[Any],
    into: _Collected,
    full: Callable[[FieldPath], bool],
) -> bool:
    """The items of one section, chunk by chunk; false once the file has too many
    problems to go on (``full``)."""
    where = doc.where
    for start in range(0, len(value), _CHUNK):
        if full((key, start)):
            return False
        valid = _all_valid(model, value[start : start + _CHUNK])
        if valid is not None:  # the common case: a whole chunk at once
            into.items[key] += [_Item(m, where, (key, start + i)) for i, m in enumerate(valid)]
            continue
        for index in range(start, min(start + _CHUNK, len(value))):
            path: FieldPath = (key, index)
            if full(path):
                return False
            raw = value[index]
            try:
                into.items[key].append(_Item(model.model_validate(raw), where, path))
            except ValidationError as error:
                into.problems += validation_problems(error, model, doc, path)
                salvaged = _salvage(model, raw)
                if salvaged is not None:
                    into.items[key].append(_Item(salvaged, where, path, salvaged=True))
    return True


def _collect_header(doc: Document, value: Any, into: _Collected) -> None:
    try:
        into.headers.append((EstateInfo.model_validate(value), doc.where))
    except ValidationError as error:
        into.problems += validation_problems(error, EstateInfo, doc, ("estate",))


def _collect_overrides(doc: Document, value: Any, into: _Collected) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        into.problems.append(
            Problem(
                doc.file,
                doc.line_of(("overrides",)),
                "overrides",
                f"expected a mapping of element ids to the fields that patch them, got "
                f"{_short(value)}",
            )
        )
        return
    for key, patch in value.items():
        path: FieldPath = ("overrides", key)
        if not isinstance(patch, dict) or not patch:
            into.problems.append(
                Problem(
                    doc.file,
                    doc.line_of(path),
                    format_path(path),
                    f"expected a mapping of the fields to change, got {_short(patch)}",
                )
            )
            continue
        if "id" in patch:
            into.problems.append(
                Problem(
                    doc.file,
                    doc.line_of((*path, "id")),
                    format_path((*path, "id")),
                    "an override cannot change an id; define a new element instead",
                )
            )
            continue
        into.overrides.append(_Override(str(key), patch, doc, path))


_SPECIAL_SECTIONS: dict[str, Callable[[Document, Any, _Collected], None]] = {
    "estate": _collect_header,
    "overrides": _collect_overrides,
}


def _patched(
    written: Mapping[str, Any], patch: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[int, int], dict[int, int]]:
    """The element's fields with the patch laid over them. ``depends_on`` is merged by
    ``ref``: an entry of the patch replaces the element's entry with the same ref, and the
    others are added; every other field is replaced whole. Also, for each entry of the
    merged ``depends_on``, its place in the patch when the patch gave it, else in the
    element as written (a problem with it is told there)."""
    merged = {**written, **patch}
    places: dict[int, int] = {}
    kept: dict[int, int] = {}
    if isinstance(patch.get("depends_on"), list) and isinstance(written.get("depends_on"), list):
        entries: dict[Any, tuple[Any, int, bool]] = {
            _ref_of(entry): (entry, index, False)
            for index, entry in enumerate(written["depends_on"])
        }
        for index, entry in enumerate(patch["depends_on"]):
            entries[_ref_of(entry)] = (entry, index, True)
        merged["depends_on"] = [entry for entry, _, _ in entries.values()]
        for at, (_, index, given) in enumerate(entries.values()):
            (places if given else kept)[at] = index
    return merged, places, kept


def _in_patch(places: Mapping[int, int], loc: FieldPath) -> FieldPath:
    """A problem's place in the merged element as its place in the override."""
    if len(loc) > 1 and loc[0] == "depends_on" and isinstance(loc[1], int) and loc[1] in places:
        return ("depends_on", places[loc[1]], *loc[2:])
    return loc


def _ref_of(entry: Any) -> Any:
    """What a ``depends_on`` entry is merged by: its ref when it is text; any other entry
    is kept apart (the model then says what is wrong with it)."""
    ref = entry.get("ref") if isinstance(entry, dict) else entry
    return ref if isinstance(ref, str) else id(entry)


def _apply_overrides(collected: _Collected) -> None:
    """Lay every override over the element it names (DESIGN.md §2, ``overrides``)."""
    where: dict[str, tuple[str, int]] = {}
    for section, entries in collected.items.items():
        for index, item in enumerate(entries):
            if hasattr(item.model, "id") and not item.salvaged:
                where.setdefault(item.model.id, (section, index))
    seen: dict[str, _Override] = {}
    hints, ids = Suggestions(), sorted(where)
    for override in collected.overrides:
        doc, path = override.doc, override.path
        earlier = seen.get(override.id)
        if earlier is not None:
            collected.problems.append(
                Problem(
                    doc.file,
                    doc.line_of(path),
                    format_path(path),
                    f"{override.id!r} is overridden twice; also at "
                    f"{earlier.doc.file}:{earlier.doc.line_of(earlier.path)}",
                )
            )
            continue
        seen[override.id] = override
        found = where.get(override.id)
        if found is None:
            hint = hints(override.id, ids)
            collected.problems.append(
                Problem(
                    doc.file,
                    doc.line_of(path),
                    format_path(path),
                    f"no element with id {override.id!r} to override{hint}",
                )
            )
            continue
        twice = _named_twice(override)
        if twice:
            collected.problems += twice
            continue
        section, index = found
        model = SECTIONS[section]
        item = collected.items[section][index]
        written = item.model.model_dump(by_alias=True, exclude_unset=True, mode="json")
        _no_longer_inferred(written, override.patch)
        merged, places, kept = _patched(written, override.patch)
        try:
            patched = model.model_validate(merged)
        except ValidationError as error:
            collected.problems += validation_problems(
                error, model, doc, path, renumber=functools.partial(_in_patch, places)
            )
            salvaged = _salvage(model, merged)  # its references told in the same run
            if salvaged is not None:
                collected.items[section][index] = _Item(
                    salvaged, doc.where, path, True, places=places, kept=kept, before=item
                )
            continue
        collected.items[section][index] = _Item(
            patched, doc.where, path, places=places, kept=kept, before=item
        )


def _named_twice(override: _Override) -> list[Problem]:
    """A dependency an override names twice: merged by ref, one of the two would be
    dropped without a word (in an element itself, the same list is refused)."""
    entries = override.patch.get("depends_on")
    if not isinstance(entries, list):
        return []
    found: list[Problem] = []
    seen: dict[Any, int] = {}
    for index, entry in enumerate(entries):
        ref = entry.get("ref") if isinstance(entry, dict) else entry
        if not isinstance(ref, str):
            continue  # the model says what is wrong with it
        if ref in seen:
            path = (*override.path, "depends_on", index)
            found.append(
                Problem(
                    override.doc.file,
                    override.doc.line_of(path),
                    format_path(path),
                    f"depends on {ref!r} twice (also depends_on[{seen[ref]}])",
                )
            )
        else:
            seen[ref] = index
    return found


def _no_longer_inferred(written: dict[str, Any], patch: Mapping[str, Any]) -> None:
    """What an override sets is known, no longer what an import inferred: it leaves the
    element's ``origin.inferred`` (so that the report does not call the user's own value
    a guess). The element stays ``assumed`` unless the override says otherwise."""
    origin = written.get("origin")
    if isinstance(origin, dict) and isinstance(origin.get("inferred"), list):
        origin["inferred"] = [name for name in origin["inferred"] if name not in patch]


@functools.cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    annotation: Any = info.annotation
    if info.metadata:  # constraints and validators that pydantic lifted out of Annotated
        annotation = Annotated[annotation, *info.metadata]
    return TypeAdapter(annotation)


def _salvage(model: type[BaseModel], raw: Any) -> Any:
    """The valid fields of an invalid item, so that its references and id are still checked
    in the same run; the fields that failed are ``None``. ``None`` when it has no valid id."""
    if not isinstance(raw, dict):
        return None
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in raw:
            with contextlib.suppress(ValidationError):  # reported already
                fields[name] = _field_adapter(model, name).validate_python(raw[key])
    if "id" in model.model_fields and "id" not in fields:
        return None
    for name, info in model.model_fields.items():
        fields.setdefault(
            name, None if info.is_required() else info.get_default(call_default_factory=True)
        )
    return model.model_construct(**fields)


class _References:
    """Checks references between items, with a suggestion for each unknown one."""

    def __init__(self, items: Mapping[str, list[_Item]], refused: Sequence[str] = ()) -> None:
        self.unless = (
            f" (unless it is in {listed(refused, most=3, more='more files')}, which could not "
            "be read)"
            if refused
            else ""
        )
        """What an unknown id may yet be: defined in a file that was refused whole (a YAML
        syntax error), which a fix of that file will tell; not said of an id that looks
        like a known one, as the suggestion is likelier."""
        self.kind_of: dict[str, str] = {}
        for section, entries in items.items():
            for item in entries:
                if hasattr(item.model, "id"):
                    self.kind_of.setdefault(item.model.id, section)
        self.depended_on = {i for i, kind in self.kind_of.items() if kind in _DEPENDED_ON}
        """The ids a dependency may name: those whose first definition (``kind_of``) is
        a component or a service."""
        self.problems: list[Problem] = []
        self.choices: dict[tuple[str, ...], list[str]] = {}
        self.suggested: dict[tuple[str, tuple[str, ...]], str] = {}
        # Each suggestion compares the unknown id with every id of the wanted kinds; in a
        # huge estate with thousands of unknown references that would take hours, so the
        # comparisons are budgeted and the remaining problems go without a hint.
        self.comparisons_left = SUGGESTION_BUDGET

    def suggest(self, ref: str, sections: tuple[str, ...]) -> str:
        known = self.suggested.get((ref, sections))
        if known is not None:
            return known
        choices = self.choices.get(sections)
        if choices is None:
            choices = sorted(i for i, k in self.kind_of.items() if k in sections)
            self.choices[sections] = choices
        if len(choices) > self.comparisons_left:
            return ""
        self.comparisons_left -= len(choices)
        hint = self.suggested[(ref, sections)] = did_you_mean(ref, choices)
        return hint

    def check(self, item: _Item, suffix: FieldPath, ref: str | None, *sections: str) -> None:
        if ref is None:  # the field itself was invalid and has been reported
            return
        kind = self.kind_of.get(ref)
        if kind in sections:
            return
        wanted = " or ".join(_singular(s) for s in sections)
        if kind is not None:
            message = f"{ref!r} is {with_article(_singular(kind))}; expected {with_article(wanted)}"
        else:
            hint = self.suggest(ref, sections)  # a slip of the pen, likelier than the file
            message = f"unknown {wanted} {ref!r}{hint or self.unless}"
        self.problems.append(item.problem(suffix, message))


def _singular(section: str) -> str:
    return {"data_flows": "data flow", "capabilities": "capability"}.get(
        section, section.removesuffix("s")
    )


def _other_places(item: _Item, items: list[_Item], suffix: FieldPath, shown: int = 3) -> str:
    """Where else an id is defined (the line of its field ``suffix``, as its own message
    names it): a few places, then how many more (an id written 100,000 times must not make
    100,000 messages of 100,000 places each)."""
    others = list(itertools.islice((other for other in items if other is not item), shown))
    places = ", ".join(other.place(suffix) for other in others)
    more = len(items) - 1 - len(others)
    return places + (f" and {more:,} more" if more > 0 else "")


def _check_duplicates(collected: _Collected) -> None:
    places: dict[str, list[_Item]] = defaultdict(list)
    for entries in collected.items.values():
        for item in entries:
            if hasattr(item.model, "id"):
                places[item.model.id].append(item)
    for node_id, items in places.items():
        if len(items) == 1:  # nearly every id: nowhere else to name
            continue
        for item in items:
            others = _other_places(item, items, ("id",))
            collected.problems.append(
                item.problem(("id",), f"duplicate id {node_id!r}; also defined at {others}")
            )
    pairs: dict[tuple[str, str], list[_Item]] = defaultdict(list)
    for item in collected.items["alternatives"]:
        if item.model.replaces is not None and item.model.candidate is not None:
            pairs[(item.model.replaces, item.model.candidate)].append(item)
    for (replaced, candidate), items in pairs.items():
        if len(items) == 1:
            continue
        for item in items:
            others = _other_places(item, items, ("candidate",))
            collected.problems.append(
                item.problem(
                    ("candidate",),
                    f"{candidate!r} is listed twice as an alternative for {replaced!r}; "
                    f"also at {others}",
                )
            )


_DEPENDED_ON = frozenset({"components", "services"})

_REF = operator.attrgetter("ref")
"""What a dependency names: read from each of a list by ``map`` at C speed."""
_CAPABILITIES = operator.attrgetter("capabilities")
_GROUP = operator.attrgetter("any_of_group")
_NO_GROUP = frozenset({None})


def _plainly_valid(owner: str, entries: tuple[Dependency, ...], refs: _References) -> bool:
    """Whether a list of dependencies has nothing to check one by one: each names a
    component or service other than its owner, once, without capabilities or groups.
    Decided in bulk, because it holds for most of the hundreds of thousands in a large
    estate."""
    targets = set(map(_REF, entries))
    return (
        len(targets) == len(entries)
        and owner not in targets
        and targets <= refs.depended_on
        and not any(map(_CAPABILITIES, entries))
        and _NO_GROUP.issuperset(map(_GROUP, entries))
    )


def _check_dependencies(item: _Item, refs: _References) -> None:
    owner = item.model.id
    entries: tuple[Dependency, ...] = item.model.depends_on
    if _plainly_valid(owner, entries, refs):
        return
    groups: dict[str, int] = defaultdict(int)
    seen: dict[str, int] = {}
    for index, dependency in enumerate(entries):
        ref = dependency.ref
        if ref == owner:
            refs.problems.append(
                item.problem(("depends_on", index), f"{owner!r} depends on itself")
            )
        elif ref in seen:
            refs.problems.append(
                item.problem(
                    ("depends_on", index),
                    f"depends on {ref!r} twice (also depends_on[{seen[ref]}])",
                )
            )
        else:
            refs.check(item, ("depends_on", index, "ref"), ref, "components", "services")
            seen[ref] = index
        where: FieldPath = ("depends_on", index)
        for position, capability in enumerate(dependency.capabilities):
            refs.check(item, (*where, "capabilities", position), capability, "capabilities")
        if dependency.any_of_group is not None:
            if dependency.strength is Strength.SOFT:
                refs.problems.append(
                    item.problem(
                        (*where, "any_of_group"),
                        "any_of_group applies to hard dependencies only; "
                        "a soft dependency never makes its dependent fail",
                    )
                )
            groups[dependency.any_of_group] += 1
    for group, members in groups.items():
        if members == 1:
            index = next(i for i, d in enumerate(entries) if d.any_of_group == group)
            refs.problems.append(
                item.problem(
                    ("depends_on", index, "any_of_group"),
                    f"group {group!r} has one member; a redundant group needs two or more",
                )
            )


def _check_listed_once(
    item: _Item, refs: _References, key: str, values: list[str], suffix: str | None = None
) -> None:
    """An id named twice in one list is a slip (which of the two entries is meant?)."""
    first: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in first:
            where: FieldPath = (key, index) if suffix is None else (key, index, suffix)
            refs.problems.append(
                item.problem(where, f"{value!r} is listed twice (also {key}[{first[value]}])")
            )
        first.setdefault(value, index)


def _check_references(collected: _Collected, refused: Sequence[str] = ()) -> None:
    refs = _References(collected.items, refused)
    _check_vendor_and_component_references(collected, refs)
    _check_service_references(collected, refs)
    _check_flow_and_alternative_references(collected, refs)
    collected.problems += refs.problems


def _check_vendor_and_component_references(collected: _Collected, refs: _References) -> None:
    for item in collected.items["vendors"]:
        vendor: Vendor = item.model
        if vendor.parent == vendor.id:
            refs.problems.append(item.problem(("parent",), f"{vendor.id!r} is its own parent"))
        elif vendor.parent is not None:
            refs.check(item, ("parent",), vendor.parent, "vendors")
    for item in collected.items["components"]:
        component: Component = item.model
        if component.vendor is not None:
            refs.check(item, ("vendor",), component.vendor, "vendors")
        for index, link in enumerate(component.vendors or ()):
            refs.check(item, ("vendors", index, "vendor"), link.vendor, "vendors")
        _check_listed_once(
            item, refs, "vendors", [link.vendor for link in component.vendors or ()], "vendor"
        )
        for capability in component.capabilities:
            refs.check(item, ("capabilities",), capability, "capabilities")
        _check_dependencies(item, refs)


def _check_service_references(collected: _Collected, refs: _References) -> None:
    for item in collected.items["services"]:
        service: Service = item.model
        if service.owner is not None:
            refs.check(item, ("owner",), service.owner, "organisations")
        for index, capability in enumerate(service.requires):
            refs.check(item, ("requires", index), capability, "capabilities")
        _check_listed_once(item, refs, "requires", list(service.requires))
        for index, consumer in enumerate(service.consumers):
            refs.check(
                item, ("consumers", index, "organisation"), consumer.organisation, "organisations"
            )
        _check_listed_once(
            item, refs, "consumers", [c.organisation for c in service.consumers], "organisation"
        )
        _check_dependencies(item, refs)


def _check_flow_and_alternative_references(collected: _Collected, refs: _References) -> None:
    for item in collected.items["data_flows"]:
        flow: DataFlow = item.model
        refs.check(item, ("from",), flow.source, "components", "services")
        refs.check(item, ("to",), flow.target, "components", "services")
    for item in collected.items["alternatives"]:
        alternative: Alternative = item.model
        refs.check(item, ("for",), alternative.replaces, "components")
        refs.check(item, ("candidate",), alternative.candidate, "components")
        if alternative.replaces is not None and alternative.replaces == alternative.candidate:
            refs.problems.append(
                item.problem(("candidate",), "a component cannot be its own alternative")
            )
        for index, capability in enumerate(alternative.covers or ()):
            refs.check(item, ("covers", index), capability, "capabilities")


def _spell(loop: Sequence[str]) -> str:
    """``[b, c, a]`` -> ``a → b → c → a``: a loop told from its smallest id, so the message
    does not depend on the order the files were read in."""
    first = loop.index(min(loop))
    ordered = [*loop[first:], *loop[:first]]
    return " → ".join([*ordered, ordered[0]])


_NOT_RUNNING = {
    Lifecycle.RETIRED: (
        "is retired",
        "a lifecycle not brought up to date, or a dependency left over?",
    ),
    Lifecycle.CANDIDATE: (
        "is a candidate, not run today",
        "set its lifecycle to active if it runs, or drop the dependency if it is a fallback "
        "nobody runs",
    ),
}
"""The lifecycles of what does not run today, with what a notice says of a dependency on
such a component, and what to do about it."""

_IMPORTED_CHANGE = (
    "an imported component is changed in an overrides: entry in a file of your own beside "
    "imported/, as a new import rewrites imported/"
)
"""Where a change to an imported component is kept."""


def taken_as_running(components: Iterable[Component], services: Iterable[Service]) -> set[NodeId]:
    """The candidate and retired components that a component or service in use needs,
    directly or through other such components: the simulation takes them as running
    (``exitplan.graph.region.idle`` decides the same from a graph)."""
    needs = {component.id: component for component in components}
    idle = {c for c, component in needs.items() if component.lifecycle in _NOT_RUNNING}
    taken: set[NodeId] = set()
    if not idle:
        return taken
    needing: list[Component | Service] = [
        *(component for c, component in needs.items() if c not in idle),
        *services,
    ]
    while needing:
        depends_on = needing.pop().depends_on
        if idle.isdisjoint(map(_REF, depends_on)):  # nearly every one: asked at C speed
            continue
        for dependency in depends_on:
            if dependency.ref in idle and dependency.ref not in taken:
                taken.add(dependency.ref)
                needing.append(needs[dependency.ref])
    return taken


def _needs_not_running(collected: _Collected) -> list[Problem]:
    """A component or service in use that needs a retired component, or a candidate: the
    simulation takes it as running until withdrawn, so what needs it loses it only when
    it is withdrawn or what it needs breaks; and so in turn for what such a component
    needs (``exitplan.graph.region.idle``)."""
    found: list[Problem] = []
    lifecycles = {
        item.model.id: item.model.lifecycle
        for item in collected.items["components"]
        if item.model.lifecycle in _NOT_RUNNING
    }
    if not lifecycles:
        return found
    needs = {item.model.id: item.model for item in collected.items["components"]}
    taken = taken_as_running(needs.values(), (item.model for item in collected.items["services"]))
    for section in ("components", "services"):
        for item in collected.items[section]:
            if getattr(item.model, "lifecycle", None) in _NOT_RUNNING and (
                item.model.id not in taken
            ):
                continue
            depends_on = item.model.depends_on
            if lifecycles.keys().isdisjoint(map(_REF, depends_on)):  # as in taken_as_running
                continue
            for index, dependency in enumerate(depends_on):
                lifecycle = lifecycles.get(dependency.ref)
                if lifecycle is None:
                    continue
                what, why = _NOT_RUNNING[lifecycle]
                if needs[dependency.ref].origin is not None:
                    why += (
                        f" {_IMPORTED_CHANGE[0].upper()}{_IMPORTED_CHANGE[1:]}"
                        if why.endswith("?")
                        else f"; {_IMPORTED_CHANGE}"
                    )
                found.append(
                    item.problem(
                        ("depends_on", index),
                        f"{dependency.ref!r} {what}, yet {item.model.id!r} needs it: the "
                        f"simulation takes {dependency.ref!r} as running until withdrawn ({why})",
                    )
                )
    return found


def _takes_no_time(collected: _Collected) -> list[Problem]:
    """A move to a candidate said to take 0 weeks."""
    found: list[Problem] = []
    for item in collected.items["alternatives"]:
        if item.model.duration_weeks == 0:
            effort = item.model.effort_weeks
            found.append(
                item.problem(
                    ("duration_weeks",),
                    "0 weeks: the move takes no time on the plan's calendar"
                    + (
                        f", though it takes {effort:g} person-weeks of effort (under a limit "
                        "on people, as long as they need for it)"
                        if effort
                        else ""
                    )
                    + " (leave it out when it is not known)",
                )
            )
    return found


NOTICE_TOLD_BEYOND = 366
"""Days of notice a renewing contract may ask before it is told, if its term is shorter."""


def _notice_beyond_term(collected: _Collected) -> list[Problem]:
    """A contract's notice longer than a year and than its renewal term (31 days a month):
    notice for an end falls before the term that ends there begins, and leaving is put off
    by as many terms (36,500 days of a monthly term: 1,199 renewals, a deadline in 2127).
    Three months' notice of a monthly term is common, and not told."""
    found = []
    for item in collected.items["components"]:
        contract = item.model.contract
        if contract is None or contract.notice_days is None or contract.renewal_months is None:
            continue
        if contract.notice_days > max(contract.renewal_months * 31, NOTICE_TOLD_BEYOND):
            found.append(
                item.problem(
                    ("contract", "notice_days"),
                    f"{contract.notice_days:,} days of notice is longer than the renewal "
                    f"term ({plural(contract.renewal_months, 'month')}): notice for an end "
                    "is due before the term that ends there begins, so leaving is put off "
                    "by renewals",
                )
            )
    return found


def _implausible(collected: _Collected, info: EstateInfo) -> list[Problem]:
    """What loads but is hardly what was meant, told as notices (file, line and field):
    a component or service in use that needs a retired component or a candidate, a move
    that takes no time, more users of a service in an organisation than it has people, a
    contract that ended before the date the estate describes and does not renew, a notice
    longer than its renewal term, and an exit plan tested after that date (a test not yet
    made counts as made)."""
    found = []
    people = {
        item.model.id: item.model.users
        for item in collected.items["organisations"]
        if item.model.users is not None
    }
    for item in collected.items["services"]:
        for index, consumer in enumerate(item.model.consumers):
            most = people.get(consumer.organisation)
            if most is not None and consumer.users > most:
                found.append(
                    item.problem(
                        ("consumers", index, "users"),
                        f"{consumer.users:,} users in {consumer.organisation!r}, which has "
                        f"{most:,} people (its users): every figure of users who lose a "
                        "service counts them as written",
                    )
                )
    found += _needs_not_running(collected) + _takes_no_time(collected)
    found += _notice_beyond_term(collected)
    if info.as_of is not None:
        for item in collected.items["components"]:
            contract = item.model.contract
            if (
                contract is not None
                and contract.end is not None
                and contract.end < info.as_of
                and contract.renewal_months is None
            ):
                found.append(
                    item.problem(
                        ("contract", "end"),
                        f"{contract.end.isoformat()} is before the estate's as_of "
                        f"({info.as_of.isoformat()}) and the contract does not renew: it "
                        "counts as ended on day 0 (a renewal not recorded?)",
                    )
                )
            tested = item.model.exit.last_tested if item.model.exit else None
            if tested is not None and tested > info.as_of:
                found.append(
                    item.problem(
                        ("exit", "last_tested"),
                        f"{tested.isoformat()} is after the estate's as_of "
                        f"({info.as_of.isoformat()}): the check counts the plan as tested",
                    )
                )
    return found


def _check_parent_loops(collected: _Collected) -> None:
    vendors = {item.model.id: item for item in collected.items["vendors"]}
    graph: nx.DiGraph[str] = nx.DiGraph()
    for node_id in sorted(vendors):
        parent = vendors[node_id].model.parent
        if parent in vendors and parent != node_id:
            graph.add_edge(node_id, parent)
    for loop in nx.simple_cycles(graph):  # one parent each, so every loop is found once
        collected.problems.append(
            vendors[min(loop)].problem(("parent",), f"the parent chain loops: {_spell(loop)}")
        )


def _in_cycles(needs: Mapping[str, list[str]]) -> set[str]:
    """The nodes left when those that need nothing left are taken away, again and again:
    every node on a cycle and those that lead to one. Empty for a valid estate, found in
    time linear in the edges. A target that is no node of ``needs`` is left out."""
    needed_by: dict[str, list[str]] = defaultdict(list)
    left: dict[str, int] = {}
    for node, targets in needs.items():
        known = [target for target in targets if target in needs and target != node]
        left[node] = len(known)
        for target in known:
            needed_by[target].append(node)
    free = [node for node, count in left.items() if count == 0]
    while free:
        for dependent in needed_by.get(free.pop(), ()):
            left[dependent] -= 1
            if left[dependent] == 0:
                free.append(dependent)
    return {node for node, count in left.items() if count > 0}


def _check_hard_cycles(collected: _Collected) -> None:
    """A cycle of hard dependencies outside any redundant group can never work."""
    hard = Strength.HARD
    needs: dict[str, list[str]] = defaultdict(list)
    for item in [*collected.items["components"], *collected.items["services"]]:
        needs[item.model.id] += [
            d.ref for d in item.model.depends_on if d.strength is hard and d.any_of_group is None
        ]
    if not _in_cycles(needs):
        return
    dependents = sorted(
        [*collected.items["components"], *collected.items["services"]], key=lambda i: i.model.id
    )
    known = {item.model.id for item in dependents}  # an unknown id is in no cycle
    graph: nx.DiGraph[str] = nx.DiGraph()
    where: dict[tuple[str, str], tuple[_Item, int]] = {}
    for item in dependents:
        for index, dependency in enumerate(item.model.depends_on):
            if (
                dependency.strength is Strength.HARD
                and dependency.any_of_group is None
                and dependency.ref != item.model.id
                and dependency.ref in known
            ):
                graph.add_edge(item.model.id, dependency.ref)
                where[(item.model.id, dependency.ref)] = (item, index)
    for strongly_connected in nx.strongly_connected_components(graph):
        if len(strongly_connected) < 2:
            continue
        start = min(strongly_connected)
        cycle = [edge[0] for edge in nx.find_cycle(graph.subgraph(strongly_connected), start)]
        first = min(cycle)
        item, index = where[(first, cycle[(cycle.index(first) + 1) % len(cycle)])]
        collected.problems.append(
            item.problem(
                ("depends_on", index),
                f"cycle of hard dependencies: {_spell(cycle)}; "
                "make one dependency soft or part of an any_of_group",
            )
        )


def estate_name_for(path: Path) -> str:
    """The name an estate without one is given after its file or folder (``Team A`` is
    ``team-a``, ``Ärlig väg`` ``arlig-vag``), cut to the length of an id; ``exitplan
    init`` names its starter so too."""
    stem = path.stem if path.is_file() else path.resolve().name
    return slug(stem) or "estate"


def _header(collected: _Collected, path: Path) -> EstateInfo | None:
    if len(collected.headers) > 1:
        places = [f"{doc.file}:{doc.line_of(('estate',))}" for _, doc in collected.headers]
        for _, doc in collected.headers:
            others = ", ".join(p for p in places if not p.startswith(f"{doc.file}:"))
            collected.problems.append(
                Problem(
                    doc.file,
                    doc.line_of(("estate",)),
                    "estate",
                    f"the estate header is given more than once; also at {others}",
                )
            )
        return None
    if collected.headers:
        return collected.headers[0][0]
    return EstateInfo(name=NodeId(estate_name_for(path)))


def _sorted(items: Iterable[_Item], key: str = "id") -> Iterator[Any]:
    models = [item.model for item in items]
    if key == "id":
        return iter(sorted(models, key=lambda m: m.id))
    return iter(sorted(models, key=lambda m: (m.replaces, m.candidate)))


def _over_budget(files: Sequence[Path], max_bytes: int) -> Problem | None:
    """The file with which the estate's files pass ``max_bytes``, told before any is read
    (by the sizes the file system reports; reading checks again, as it goes)."""
    total = 0
    for file in files:
        with contextlib.suppress(OSError):  # reading says why it cannot
            status = os.stat(file)
            if stat.S_ISREG(status.st_mode):
                total += status.st_size
        if total > max_bytes:
            return Problem(
                display_path(file),
                0,
                "",
                f"the estate's files come to {plural(total, 'byte')} with this one; the limit is "
                f"{plural(max_bytes, 'byte')} (raise it with --max-bytes)",
            )
    return None


def load_estate(
    path: Path,
    *,
    max_bytes: int = MAX_ESTATE_BYTES,
    notices: list[str] | None = None,
    files_read: list[Path] | None = None,
) -> Estate:
    """Load an estate from a file or a folder of files; raise with every problem found.

    ``max_bytes`` is the budget on the bytes of all files together, and through
    ``BYTES_PER_VALUE`` on the values they hold. What was skipped, and why, is appended to
    ``notices`` (see ``estate_files``); the files read as estate files to ``files_read``.
    Both are filled in as the load goes, so a caller has them also when the load fails.

    The files are read fast first; should the load find any problem, they are read again
    with every check made as each file is read, so that the problems reported are the
    same as if they had been read that way from the start.

    >>> load_estate(Path("graphs/gothenburg")).name
    'gothenburg'
    """
    fast_notices: list[str] = []
    fast_read: list[Path] = []
    try:
        estate = _load(path, max_bytes, fast_notices, fast_read, careful=False)
    except InvalidInputError:  # read again outside this block: what was read is let go
        estate = None
    if estate is None:
        return _load(
            path,
            max_bytes,
            notices if notices is not None else [],
            files_read if files_read is not None else [],
            careful=True,
        )
    if notices is not None:
        notices += fast_notices
    if files_read is not None:
        files_read += fast_read
    return estate


def _check_links(
    collected: _Collected, unread: Sequence[str], refused: Sequence[str], noted: list[str]
) -> None:
    """References, parent loops and cycles; not while a file could not be read at all, as
    an id named elsewhere may well be in it: each would be told as unknown. An unknown id
    while a file was read but refused whole (``refused``: not YAML, say) is told with the
    files it may be in."""
    if unread:
        files = listed(unread, most=3, more="more files")
        noted.append(f"references between elements were not checked: {files} could not be read")
        return
    _check_references(collected, refused)
    _check_parent_loops(collected)
    _check_hard_cycles(collected)


def _load(
    path: Path, max_bytes: int, noted: list[str], read: list[Path], *, careful: bool
) -> Estate:
    files, problems = _list_estate(path, noted)
    too_large = _over_budget(files, max_bytes)
    if too_large is not None:
        raise InvalidInputError([*problems, too_large])
    collected = _Collected(problems=problems)
    bytes_left = max_bytes
    values_left = max_bytes // BYTES_PER_VALUE
    unread: list[str] = []  # files not read at all: not even their sections are known
    refused_files: list[str] = []  # read but refused whole: what they define is not known
    for file in files:
        limit = _ValueLimit(
            values_left,
            f"more than {max_bytes // BYTES_PER_VALUE:,} values in the estate's files "
            f"(one for every {BYTES_PER_VALUE} bytes of the limit of {max_bytes:,} bytes; "
            "raise it with --max-bytes)",
        )
        try:
            doc = read_document(file, max_bytes=bytes_left, limit=limit, careful=careful)
        except _RefusedFileError as refused:
            collected.problems.append(refused.problem)
            if refused.unseen:
                unread.append(refused.problem.file)
            elif not refused.empty:
                refused_files.append(refused.problem.file)
            continue
        values_left -= doc.values
        bytes_left -= doc.size
        collected.problems.extend(doc.problems)
        if _is_schema(doc.data):
            if not careful:  # skipped unchecked by the model: every read check must hold
                try:
                    read_document(file, max_bytes=doc.size, limit=limit)
                except _RefusedFileError as refused:
                    collected.problems.append(refused.problem)
                    continue
            if file is path:  # named on its own: the user meant it as the estate
                collected.problems.append(
                    Problem(doc.file, 1, "", "a JSON Schema (exitplan schema), not an estate")
                )
            else:
                noted.append(f"skipped {doc.file}: a JSON Schema (exitplan schema), not an estate")
            continue
        read.append(file)
        _collect(doc, collected)
    if not read and not collected.problems:
        raise UsageError(f"{display_path(path)}: no estate files in this folder")
    info = _header(collected, path)
    _apply_overrides(collected)
    _check_duplicates(collected)
    _check_links(collected, unread, refused_files, noted)
    if collected.problems or info is None:
        raise InvalidInputError(collected.problems)
    noted.extend(str(problem) for problem in _implausible(collected, info))
    items = collected.items
    return Estate(
        info=info,
        vendors=tuple(_sorted(items["vendors"])),
        components=tuple(_sorted(items["components"])),
        services=tuple(_sorted(items["services"])),
        capabilities=tuple(_sorted(items["capabilities"])),
        organisations=tuple(_sorted(items["organisations"])),
        data_flows=tuple(_sorted(items["data_flows"])),
        alternatives=tuple(_sorted(items["alternatives"], key="pair")),
    )


__all__ = [
    "ALIAS_BUDGET",
    "BYTES_PER_VALUE",
    "MAX_DEPTH",
    "MAX_ESTATE_BYTES",
    "MAX_FILE_BYTES",
    "MAX_NUMBER_CHARACTERS",
    "MAX_PROBLEMS_PER_FILE",
    "MAX_VALUES",
    "SUFFIXES",
    "Document",
    "FileLines",
    "estate_files",
    "format_path",
    "kind_of_file",
    "load_estate",
    "plain_is_text",
    "read_bytes",
    "read_document",
    "read_one",
    "read_yaml_stream",
    "taken_as_running",
    "validation_problems",
]
