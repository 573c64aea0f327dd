"""CycloneDX SBOMs and SaaSBOMs (JSON or XML, spec 1.2 to 1.6) → components, vendors,
dependencies and data flows; the mapping is in docs/import-cyclonedx.md.

The BOM is read by the official ``cyclonedx-python-lib``. Before the library sees it, the
file is parsed here (JSON by the standard library, XML by ``exitplan.importers.xml``) so
that a malformed or hostile file is refused with its line, and so that two things the
library (11.x) does not read are taken from the parsed document instead:

- the 1.5+ data-flow objects of a service (``name``, ``description``, ``source``,
  ``destination``, ``governance``): the library refuses them ("Unexpected key name"), so
  each is read here and handed to the library cut down to the 1.2 to 1.4 form
  (``flow`` and ``classification``), which it still checks;
- ``licensing`` of a licence (1.5+: ``licenseTypes``, ``expiration``), which the library
  drops.

Elements without a ``bom-ref`` get one made of their name and version, so that their ids
and relations do not depend on the order of the file.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import warnings
import xml.etree.ElementTree as StdElementTree
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from lxml import etree
from pydantic import Field

from exitplan.errors import InvalidInputError, Problem, ended
from exitplan.importers import rules
from exitplan.importers.draft import Draft, SourceDraft
from exitplan.importers.files import once, read_source
from exitplan.importers.xml import line as xml_line
from exitplan.importers.xml import local, parse_xml
from exitplan.model import Classification, Delivery, Licence, PersonalData, Strength
from exitplan.model.estate import FIRST_YEAR, LAST_YEAR, visible

NAME = "cyclonedx"
TITLE = "CycloneDX SBOM or SaaSBOM (JSON or XML, spec 1.2 to 1.6)"

MAX_JSON_DEPTH = 256
"""Deeper than any real BOM (nested components rarely go beyond a dozen levels); deeper
documents are refused before the library walks them recursively."""

MAX_JSON_INTEGER_DIGITS = 1000
"""Longer than any number a BOM holds (a version, a count); a longer integer is refused
before Python converts it (which it refuses past 4,300 digits, and which takes time
growing with the square of the length)."""

_HEAD_BYTES = 64 * 1024
_NAMESPACE = re.compile(r"^http://cyclonedx\.org/schema/bom/1\.\d+$")
_XML_ROOT = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?bom\b[^>]*=\s*[\"']http://cyclonedx\.org/schema/bom/1\.\d+[\"']"
)
_JSON_FORMAT = re.compile(rb'"bomFormat"\s*:\s*"CycloneDX"')
_LONGEST_NOTE = 4000
_SKIP: Literal["skip"] = "skip"

ComponentType = Literal[
    "application",
    "container",
    "cryptographic-asset",
    "data",
    "device",
    "device-driver",
    "file",
    "firmware",
    "framework",
    "library",
    "machine-learning-model",
    "operating-system",
    "platform",
]
VendorField = Literal["supplier", "manufacturer", "publisher", "author"]


class ClassificationRule(rules.Rules):
    """What a word of a service's data classification says; a field left out says
    nothing (the default applies, assumed)."""

    personal_data: PersonalData | None = None
    classification: Classification | None = None


_RUNS_HERE = Delivery.SELF_HOSTED

_DEFAULT_TYPES: dict[ComponentType, Delivery | Literal["skip"]] = {
    "application": _RUNS_HERE,
    "container": _RUNS_HERE,
    "device": _RUNS_HERE,
    "device-driver": _RUNS_HERE,
    "firmware": _RUNS_HERE,
    "framework": _RUNS_HERE,
    "library": _RUNS_HERE,
    "machine-learning-model": _RUNS_HERE,
    "operating-system": _RUNS_HERE,
    "platform": _RUNS_HERE,
    "cryptographic-asset": _SKIP,
    "data": _SKIP,
    "file": _SKIP,
}

_P, _C = PersonalData, Classification
_DEFAULT_CLASSIFICATIONS: dict[str, ClassificationRule] = {
    word: ClassificationRule(personal_data=personal, classification=level)
    for word, personal, level in [
        ("public", _P.NONE, _C.PUBLIC),
        ("internal", None, _C.INTERNAL),
        ("confidential", None, _C.CONFIDENTIAL),
        ("restricted", None, _C.CONFIDENTIAL),
        ("secret", None, _C.SECRET),
        ("pii", _P.ORDINARY, _C.CONFIDENTIAL),
        ("personal", _P.ORDINARY, _C.CONFIDENTIAL),
        ("gdpr", _P.ORDINARY, _C.CONFIDENTIAL),
        ("pifi", _P.ORDINARY, _C.CONFIDENTIAL),
        ("pci", _P.ORDINARY, _C.CONFIDENTIAL),
        ("sensitive", _P.SPECIAL_CATEGORY, _C.CONFIDENTIAL),
        ("spi", _P.SPECIAL_CATEGORY, _C.CONFIDENTIAL),
        ("phi", _P.SPECIAL_CATEGORY, _C.CONFIDENTIAL),
        ("health", _P.SPECIAL_CATEGORY, _C.CONFIDENTIAL),
        ("medical", _P.SPECIAL_CATEGORY, _C.CONFIDENTIAL),
        ("biometric", _P.SPECIAL_CATEGORY, _C.CONFIDENTIAL),
        ("genetic", _P.SPECIAL_CATEGORY, _C.CONFIDENTIAL),
        ("criminal", _P.CRIMINAL_OFFENCE, _C.CONFIDENTIAL),
    ]
}


class Rules(rules.Rules):
    """How a CycloneDX BOM becomes estate elements."""

    services_only: bool = Field(
        default=False,
        description="Keep only the services (and the BOM's subject, which uses them); "
        "every component is skipped and counted (exitplan import --services-only).",
    )
    subject: Literal["component", "service"] = Field(
        default="component",
        description="What metadata.component (the software the BOM describes) becomes: a "
        "component, with the vendor the BOM names for it, or a service (what users get; "
        "its supplier goes into the note).",
    )
    component_types: dict[ComponentType, Delivery | Literal["skip"]] = Field(
        default_factory=lambda: dict(_DEFAULT_TYPES),
        description="Component type → the delivery of the component it becomes, or skip. "
        "A BOM lists what its subject is built from, so it runs wherever the subject runs: "
        "self_hosted by default. Types not listed are skipped and counted.",
    )
    vendor_fields: tuple[VendorField, ...] = Field(
        default=("supplier", "manufacturer", "publisher", "author"),
        description="The fields of a component that name its vendor, tried in order "
        "(manufacturer is 1.6; for the BOM's subject metadata.supplier and "
        "metadata.manufacture(r) count too). A service's vendor is its provider.",
    )
    strength: Strength = Field(
        default=Strength.HARD,
        description="The strength of a dependency from the dependencies section.",
    )
    strength_assumed: bool = Field(
        default=True,
        description="A BOM says that one thing depends on another, not how hard: the "
        "strength is the mapping's choice and the dependency is marked assumed.",
    )
    nested: bool = Field(
        default=True,
        description="A component or service nested inside another is part of it: the "
        "outer one depends on it (hard, assumed), unless the dependencies section says what "
        "the outer one needs (it has an entry for it) and names what needs the inner one: "
        "then nesting is only where the inner one lies, as in npm's node_modules.",
    )
    subject_uses_top_level: bool = Field(
        default=True,
        description="When the dependencies section names nothing the subject depends on, "
        "it depends on every top-level component and service that nothing else in the "
        "dependencies section needs (assumed).",
    )
    classifications: dict[str, ClassificationRule] = Field(
        default_factory=lambda: dict(_DEFAULT_CLASSIFICATIONS),
        description="Words of a data classification (any case; the whole text or any word "
        "of it) → personal_data and classification of the data flow; the most severe "
        "match wins.",
    )
    default_personal_data: PersonalData = Field(
        default=PersonalData.NONE,
        description="personal_data of a flow whose classification names none (assumed).",
    )
    default_classification: Classification = Field(
        default=Classification.INTERNAL,
        description="classification of a flow whose classification names none (assumed).",
    )
    not_open_source: tuple[rules.Name, ...] = Field(
        default=(
            "BUSL-*",
            "SSPL-*",
            "Elastic-*",
            "CC-*-NC*",
            "Commons-Clause",
            "LicenseRef-*",
        ),
        description="SPDX ids (shell patterns, any case) that are not open source; every "
        "other SPDX id makes licence open_source.",
    )


# --- detection ---------------------------------------------------------------------------


def detect(path: Path) -> bool:
    """A CycloneDX JSON file (``"bomFormat": "CycloneDX"`` near the start), an XML file
    whose root is ``bom`` in a CycloneDX 1.x namespace, or a folder holding one."""
    if path.is_dir():
        return any(True for _ in _files_in(path))
    return _is_bom(path)


def _is_bom(path: Path) -> bool:
    try:
        with path.open("rb") as opened:
            head = opened.read(_HEAD_BYTES)
    except OSError:
        return False
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"{":
        return _JSON_FORMAT.search(head) is not None
    if start == b"<":
        return _XML_ROOT.search(head) is not None
    return False


def _files_in(folder: Path) -> Iterator[Path]:
    for path in sorted(_under(folder)):
        if path.suffix.lower() in {".json", ".xml"} and path.is_file() and _is_bom(path):
            yield path


def _under(folder: Path) -> list[Path]:
    """Everything under ``folder``, as ``Path.rglob("*")`` lists it (linked folders not
    entered), without its recursion: a hostile tree may be thousands of folders deep."""
    found: list[Path] = []
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as scan:
                entries = list(scan)
        except OSError:
            continue
        for entry in entries:
            path = current / entry.name
            found.append(path)
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
            except OSError:
                continue
    return found


# --- reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _DataEntry:
    """One data classification of a service, in the 1.5+ form (1.2 to 1.4 lack the rest)."""

    flow: str
    classification: str
    name: str | None = None
    description: str | None = None
    sources: tuple[str, ...] = ()
    destinations: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()


@dataclass
class _Licensing:
    types: set[str] = field(default_factory=set)
    expiration: str | None = None


@dataclass
class _Side:
    """What is read from the parsed document beside the library (see module docstring)."""

    data: dict[str, list[_DataEntry]] = field(default_factory=dict)
    licensing: dict[str, _Licensing] = field(default_factory=dict)
    made_refs: int = 0
    given_refs: dict[str, list[int]] = field(default_factory=dict)
    """Each bom-ref the file gives, with the lines it is given on (0: not known yet)."""

    def given_ref(self, given: object, line: int) -> str | None:
        """The bom-ref ``given``, recorded with its line; ``None`` when none is given (the
        caller makes one, counted here)."""
        if isinstance(given, str) and given:
            self.given_refs.setdefault(given, []).append(line)
            return given
        self.made_refs += 1
        return None

    def refuse_refs_twice(self, file: str, text: str) -> None:
        """The spec wants each bom-ref unique: a dependency naming one given twice names
        either element, and the import kept the first without a word. Every such bom-ref
        is told at once."""
        problems = []
        twice = {ref: lines for ref, lines in self.given_refs.items() if len(lines) >= 2}
        where = _ref_lines(text, twice) if any(not all(v) for v in twice.values()) else {}
        for ref, lines in twice.items():
            found = lines if all(lines) else where.get(ref, [])  # JSON: where the text gives it
            first, second = found[:2] if len(found) >= 2 else (1, 1)
            problems.append(
                Problem(
                    file,
                    max(second, 1),
                    "bom-ref",
                    f"bom-ref {ref!r} is given twice (first on line {first}); the spec wants "
                    "each unique, since a dependency names an element by it",
                )
            )
        if problems:
            raise InvalidInputError(sorted(problems, key=lambda p: p.line), what="source")


_BOM_REF = re.compile(r'"bom-ref"\s*:\s*("(?:[^"\\]|\\.)*")')


def _ref_lines(text: str, refs: Collection[str]) -> dict[str, list[int]]:
    """The lines of a JSON text on which each of ``refs`` is given as a bom-ref, in one
    pass (a pass for each ref took minutes where thousands were given twice)."""
    found: dict[str, list[int]] = {}
    line, counted = 1, 0
    for match in _BOM_REF.finditer(text):
        ref = json.loads(match.group(1))
        if ref in refs:
            line += text.count("\n", counted, match.start())
            counted = match.start()
            found.setdefault(ref, []).append(line)
    return found


def read(paths: Sequence[Path], draft: Draft, rules: Rules) -> None:
    files = once(file for path in paths for file in (_files_in(path) if path.is_dir() else [path]))
    for file in files:
        _read_file(file, draft, rules)


def _read_file(path: Path, draft: Draft, rules: Rules) -> None:
    raw, file = read_source(path)
    side = _Side()
    start = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"<":
        bom, version = _bom_from_xml(raw, file, side)
    else:
        bom, version = _bom_from_json(raw, file, side)
    source = draft.source(file, NAME)
    _Mapper(draft, source, rules, side, bom).run()
    source.note(f"{file}: CycloneDX {version}")
    if side.made_refs:
        source.infer("bom-ref made from name and version", side.made_refs)


def _problem(file: str, line: int, message: str, where: str = "") -> InvalidInputError:
    return InvalidInputError([Problem(file, max(line, 1), where, message)], what="source")


_MAILED = re.compile(r"<[^<>@\s]+@[^<>\s]+>|\(?\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b\)?")
"""An e-mail address in a supplier's or publisher's name, in angle brackets or bare."""


def _library_error(error: Exception, text: str, file: str) -> InvalidInputError:
    """The library says what is wrong but not where: find the first value or key its
    message quotes in the text (the slow path, taken only for a bad file)."""
    message = str(error) or type(error).__name__
    line, where = 1, ""
    for quoted in re.findall(r"'([^']{1,200})'|(\w[\w-]*)/\w", message):
        token = next(part for part in quoted if part)
        found = re.search(rf"[\"'>]{re.escape(token)}[\"'<]", text)
        if found is not None:
            line = text.count("\n", 0, found.start()) + 1
            key = re.search(
                r"\"([\w-]+)\"\s*:\s*(?:\"[^\"]*\"|[^:\"]*)\Z",  # a text value may hold ':'s
                text[text.rfind("\n", 0, found.start()) + 1 : found.end()],
            )
            where = key.group(1) if key else token
            break
    if isinstance(error, TypeError):  # the library's own slip, seen on valid files too
        return _problem(
            file,
            line,
            f"cyclonedx-python-lib, which reads CycloneDX for exitplan, cannot read this BOM "
            f"({message}); if the file is valid CycloneDX, that is the library's limit",
            where,
        )
    return _problem(file, line, f"not valid CycloneDX: {message}", where)


def _bom_from_json(raw: bytes, file: str, side: _Side) -> tuple[Any, str]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise _problem(file, line, "not UTF-8 text") from None
    document = _load_json(text, file)
    if not isinstance(document, dict) or document.get("bomFormat") != "CycloneDX":
        raise _problem(file, 1, 'not a CycloneDX BOM: no "bomFormat": "CycloneDX"')
    version = document.get("specVersion")
    if not isinstance(version, str) or not re.fullmatch(r"1\.[0-9]{1,2}", version):
        found = re.search(r'"specVersion"\s*:', text)
        raise _problem(
            file,
            text.count("\n", 0, found.start()) + 1 if found else 1,
            "not valid CycloneDX: "
            + (
                f"specVersion {json.dumps(version)} is no CycloneDX version (1.0 to 1.7)"
                if found
                else "no specVersion, which every CycloneDX BOM gives"
            ),
            "specVersion",
        )
    _check_dependencies(document, text, file)
    _check_shapes(document, text, file)
    _check_texts(document, text, file)
    _prepare_json(document, side)
    side.refuse_refs_twice(file, text)
    from cyclonedx.model.bom import Bom  # noqa: PLC0415  # heavy; only when a BOM is read

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bom = Bom.from_json(document)  # type: ignore[attr-defined]  # added by py_serializable
    except (
        Exception
    ) as error:  # the library raises ValueError, TypeError, KeyError... for invalid input
        raise _library_error(error, text, file) from None
    return bom, version


def _load_json(text: str, file: str) -> Any:
    """The parsed document; duplicate keys, NaN/Infinity, integers longer than
    ``MAX_JSON_INTEGER_DIGITS``, lone surrogates (``\\ud800``: not Unicode, and no file
    or terminal can take them) and nesting deeper than ``MAX_JSON_DEPTH`` are refused with
    their line. Fast path first: the C parser; the text is scanned again only to say
    where a refused key, constant, number or text is."""
    problems: list[str] = []

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        made = dict(pairs)
        if len(made) != len(pairs) and not problems:
            problems.append("duplicate")
        return made

    def no_constant(name: str) -> Any:
        problems.append("constant")
        return None

    def short_integer(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_JSON_INTEGER_DIGITS:
            problems.append("integer")
            return 0
        return int(digits)

    try:
        document = json.loads(
            text,
            object_pairs_hook=no_duplicates,
            parse_constant=no_constant,
            parse_int=short_integer,
        )
    except json.JSONDecodeError as error:
        raise _problem(file, error.lineno, f"not well-formed JSON: {error.msg}") from None
    except RecursionError:
        document, problems = None, ["deep"]
    if not problems and _too_deep(document):
        problems = ["deep"]
    if not problems and _SURROGATE_ESCAPE.search(text) and _has_surrogate(document):
        problems = ["surrogate"]
    if problems:
        line, message, where = _locate(text, problems[0])
        raise _problem(file, line, message, where)
    return document


def _too_deep(document: Any) -> bool:
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return True
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return False


def _has_surrogate(document: Any) -> bool:
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return True
        elif isinstance(value, dict):
            stack.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|-?Infinity|NaN|-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?'
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _escaped(text: str) -> str:
    """``text`` with every lone surrogate written as its escape, so that it can be shown."""
    return _SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _locate(text: str, what: str) -> tuple[int, str, str]:
    """The line, message and field of the first duplicate key, NaN/Infinity, integer too
    long, text with a lone surrogate, or too deep nesting."""
    keys: list[set[str] | None] = []
    previous, key, outer = "", "", [""]  # the last key, and the key of each open value
    line, counted = 1, 0  # lines counted as the tokens pass: once over the text in all
    for token in _TOKEN.finditer(text):
        value = token.group()
        line += text.count("\n", counted, token.start())
        counted = token.start()
        if value in {"{", "["}:
            keys.append(set() if value == "{" else None)
            outer.append(key)
            if what == "deep" and len(keys) > MAX_JSON_DEPTH:
                return line, f"JSON nested more than {MAX_JSON_DEPTH} deep; no BOM needs that", ""
        elif value in {"}", "]"} and keys:
            keys.pop()
            key = outer.pop()
        elif value in {"NaN", "Infinity", "-Infinity"} and what == "constant":
            return line, f"{value} is not a JSON value", ""
        elif what == "integer" and _too_long_integer(value):
            digits = len(value.lstrip("-"))
            message = (
                f"an integer of {digits:,} digits; no BOM needs more than "
                f"{MAX_JSON_INTEGER_DIGITS:,}"
            )
            return line, message, key
        elif what == "surrogate" and (found := _SURROGATE.search(decoded := _decoded(value))):
            shown = f"\\u{ord(found.group()):04x}"
            message = f"{shown} is half of a UTF-16 pair, alone: not a Unicode character"
            is_key = text[token.end() :].lstrip(" \t\r\n").startswith(":")
            return line, message, _escaped(decoded) if is_key else key
        elif value == ":" and previous.startswith('"') and keys and keys[-1] is not None:
            name = json.loads(previous)
            if name in keys[-1] and what == "duplicate":
                return line, f"the key {previous} appears twice in one object", ""
            keys[-1].add(name)
            key = _escaped(name)
        previous = value
    messages = {
        "duplicate": "a key appears twice in one object",
        "constant": "NaN or Infinity is not a JSON value",
        "integer": f"an integer of more than {MAX_JSON_INTEGER_DIGITS:,} digits",
        "surrogate": "half of a UTF-16 pair, alone: not a Unicode character",
        "deep": f"JSON nested more than {MAX_JSON_DEPTH} deep; no BOM needs that",
    }
    return 1, messages[what], ""


def _too_long_integer(token: str) -> bool:
    return (
        token[-1].isdigit()
        and len(token.lstrip("-")) > MAX_JSON_INTEGER_DIGITS
        and (not any(mark in token for mark in ".eE"))
    )


def _decoded(token: str) -> str:
    """The text of a JSON string token with an escape that may be a surrogate; nothing
    for any other token (the slow path: decoded only when needed)."""
    if not token.startswith('"') or not _SURROGATE_ESCAPE.search(token):
        return ""
    decoded = json.loads(token)
    return decoded if isinstance(decoded, str) else ""


def _made_ref(kind: str, element: Mapping[str, Any]) -> str:
    group, name, version = (str(element.get(key) or "") for key in ("group", "name", "version"))
    return f"exitplan:{kind}:{group + '/' if group else ''}{name}{'@' + version if version else ''}"


_TEXT_KEYS = ("name", "version", "group", "author", "publisher", "description", "bom-ref")
"""What a component or service holds as text and the import reads: the library takes any
JSON value for them, and what reads them failed on a number or a null."""


def _check_texts(document: dict[str, Any], text: str, file: str) -> None:
    """A number, true/false, null, list or object where CycloneDX has text and the import
    reads it (a component's or service's name, a property's name and value, a licence's
    id, name and expression, a supplier's name), refused with its line and place."""
    metadata = document.get("metadata")
    stack: list[tuple[Any, str]] = [
        (item, f"{kind}s[{n}]")
        for kind in ("component", "service")
        for n, item in enumerate(_list(document.get(f"{kind}s")))
    ]
    texts: list[tuple[str, dict[str, Any], str]] = []
    if isinstance(metadata, dict):
        stack.append((metadata.get("component"), "metadata.component"))
        texts += _organisations(metadata, "metadata")
    while stack:
        element, where = stack.pop()
        if isinstance(element, dict):
            texts += _element_texts(element, where)
            stack += [
                (item, f"{where}.{kind}s[{n}]")
                for kind in ("component", "service")
                for n, item in enumerate(_list(element.get(f"{kind}s")))
            ]
    for key, holder, place in texts:
        if key in holder and not isinstance(holder[key], str):
            _refuse_text(text, file, key, holder[key], place)


_LIST, _OBJECT = "a list", "an object"
_TOP_SHAPES = {
    "metadata": _OBJECT, "components": _LIST, "services": _LIST, "dependencies": _LIST,
    "externalReferences": _LIST,
}  # fmt: skip
_METADATA_SHAPES = {
    "component": _OBJECT, "supplier": _OBJECT, "manufacturer": _OBJECT,
    "manufacture": _OBJECT, "licenses": _LIST, "properties": _LIST,
}  # fmt: skip
_ELEMENT_SHAPES = {
    "supplier": _OBJECT, "manufacturer": _OBJECT, "hashes": _LIST, "licenses": _LIST,
    "externalReferences": _LIST, "properties": _LIST, "components": _LIST,
}  # fmt: skip
_SERVICE_SHAPES = {**_ELEMENT_SHAPES, "provider": _OBJECT, "endpoints": _LIST, "data": _LIST}
"""Where CycloneDX has a list or an object that the import reads, by place (what it does
not read, tools or authors say, is the library's to take or leave)."""


def _check_shapes(document: dict[str, Any], text: str, file: str) -> None:
    """A text or number where CycloneDX has a list or an object (``"supplier": "Acme"``),
    refused with its line and place: the library said only that it could not deserialise
    the Bom, quoting its own classes (helper-78). Only where CycloneDX has that key, and
    a null passes, as the library takes it (helper-82)."""
    stack: list[tuple[Any, str, Mapping[str, str]]] = [(document, "", _TOP_SHAPES)]
    while stack:
        holder, where, shapes = stack.pop()
        if not isinstance(holder, dict):
            continue
        _check_keys(holder, where, shapes, text, file)
        for key, inner in (("components", _ELEMENT_SHAPES), ("services", _SERVICE_SHAPES)):
            for n, item in enumerate(_list(holder.get(key))):
                place = f"{where}.{key}[{n}]" if where else f"{key}[{n}]"
                if not isinstance(item, dict):
                    _refuse_kind(text, file, key, item, place, "a list of objects")
                stack.append((item, place, inner))
        for n, item in enumerate(_list(holder.get("licenses"))):
            if item is not None and not isinstance(item, dict):
                place = f"{where}.licenses[{n}]" if where else f"licenses[{n}]"
                _refuse_kind(text, file, "licenses", item, place, "a list of objects")
        if shapes is _TOP_SHAPES and isinstance(holder.get("metadata"), dict):
            stack.append((holder["metadata"], "metadata", _METADATA_SHAPES))
        if shapes is _METADATA_SHAPES and isinstance(holder.get("component"), dict):
            stack.append((holder["component"], "metadata.component", _ELEMENT_SHAPES))


def _check_keys(
    holder: dict[str, Any], where: str, shapes: Mapping[str, str], text: str, file: str
) -> None:
    """Refuse a value of ``holder`` that is not of the shape ``shapes`` has for its key."""
    for key, wanted in shapes.items():
        value = holder.get(key)
        if value is None:
            continue
        fits = list if wanted == _LIST else dict
        if not isinstance(value, fits):
            _refuse_kind(text, file, key, value, f"{where}.{key}" if where else key, wanted)


def _element_texts(element: dict[str, Any], where: str) -> list[tuple[str, dict[str, Any], str]]:
    """The texts of a component or service the import reads: (key, holder, place)."""
    texts = [(key, element, where) for key in _TEXT_KEYS]
    texts += _organisations(element, where)
    for n, item in enumerate(_list(element.get("properties"))):
        if isinstance(item, dict):
            texts += [(key, item, f"{where}.properties[{n}]") for key in ("name", "value")]
    for n, choice in enumerate(_list(element.get("licenses"))):
        if isinstance(choice, dict):
            texts.append(("expression", choice, f"{where}.licenses[{n}]"))
            licence = choice.get("license")
            if isinstance(licence, dict):
                place = f"{where}.licenses[{n}].license"
                texts += [(key, licence, place) for key in ("id", "name")]
    return texts


def _organisations(holder: dict[str, Any], where: str) -> list[tuple[str, dict[str, Any], str]]:
    """The names of the organisations an element names, which may make its vendor."""
    return [
        ("name", holder[role], f"{where}.{role}")
        for role in ("supplier", "manufacturer", "manufacture", "provider")
        if isinstance(holder.get(role), dict)
    ]


def _refuse_text(text: str, file: str, key: str, value: Any, place: str) -> None:
    _refuse_kind(text, file, key, value, f"{place}.{key}", "text")


def _refuse_kind(text: str, file: str, key: str, value: Any, place: str, wanted: str) -> None:
    """Refuse ``value`` of ``key`` at ``place``, which should be ``wanted``, at the first
    line where ``key`` is followed by such a value (the line of the first one, at worst)."""
    shown = (
        re.escape(json.dumps(value))
        if not isinstance(value, dict | list)
        else ("\\[" if isinstance(value, list) else "{")  # of that kind: the bad one, first
    )
    found = (
        re.search(rf'"{re.escape(key)}"\s*:\s*{shown}', text)
        or re.search(rf'"{re.escape(key)}"\s*:\s*\[[^\]]*?{shown}', text)  # in a list
        or re.search(rf'"{re.escape(key)}"\s*:', text)
    )
    raise _problem(
        file,
        text.count("\n", 0, found.start()) + 1 if found else 1,
        f"not valid CycloneDX: {key} is {wanted}, not {_kind(value)}",
        place,
    )


def _check_dependencies(document: dict[str, Any], text: str, file: str) -> None:
    """A ``dependsOn`` that is not a list of bom-refs: the library would pass it over
    without a word, and with it every dependency it names."""
    for index, entry in enumerate(_list(document.get("dependencies"))):
        if not isinstance(entry, dict):
            continue
        ref = entry.get("ref")
        if not isinstance(ref, str) or not ref.strip():  # the library fails on it obscurely
            found = re.search(r'"dependencies"\s*:', text)
            raise _problem(
                file,
                text.count("\n", 0, found.start()) + 1 if found else 1,
                "not valid CycloneDX: a dependency without a ref names no element",
                f"dependencies[{index}].ref",
            )
        given = entry.get("dependsOn")
        if given is not None and not isinstance(given, list):
            found = re.search(r'"dependsOn"\s*:\s*[^\s\[]', text)
            line = text.count("\n", 0, found.start()) + 1 if found else 1
            raise _problem(
                file,
                line,
                f"not valid CycloneDX: dependsOn is a list of bom-refs, not {_kind(given)}",
                f"dependencies[{index}].dependsOn",
            )


def _kind(value: object) -> str:
    """What a JSON value is, in words."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list"
    return "a text" if isinstance(value, str) else "an object"


def _prepare_json(document: dict[str, Any], side: _Side) -> None:
    """Give every element a bom-ref and take out what the library cannot read."""
    metadata = document.get("metadata")
    subject = metadata.get("component") if isinstance(metadata, dict) else None
    stack: list[tuple[str, Any]] = [("component", subject)]
    stack += [("component", item) for item in _list(document.get("components"))]
    stack += [("service", item) for item in _list(document.get("services"))]
    while stack:
        kind, element = stack.pop()
        if not isinstance(element, dict):
            continue
        ref = side.given_ref(element.get("bom-ref"), 0) or _made_ref(kind, element)
        element["bom-ref"] = ref
        stack += [(kind, item) for item in _list(element.get(f"{kind}s"))]
        for choice in _list(element.get("licenses")):
            licence = choice.get("license") if isinstance(choice, dict) else None
            if isinstance(licence, dict) and isinstance(licence.get("licensing"), dict):
                licensing = licence["licensing"]
                found = side.licensing.setdefault(ref, _Licensing())
                found.types.update(str(t) for t in _list(licensing.get("licenseTypes")))
                found.expiration = found.expiration or _str(licensing.get("expiration"))
        if kind == "service" and isinstance(element.get("data"), list):
            entries = []
            for entry in element["data"]:
                if isinstance(entry, dict) and {"flow", "classification"} <= set(entry):
                    entries.append(_json_entry(entry))
                    # The 1.2-1.4 form, which the library reads and checks.
                    entry_cut = {"flow": entry["flow"], "classification": entry["classification"]}
                    entry.clear()
                    entry.update(entry_cut)
            side.data[ref] = entries


def _json_entry(entry: Mapping[str, Any]) -> _DataEntry:
    governance = entry.get("governance")
    owners: list[str] = []
    if isinstance(governance, dict):
        for owner in _list(governance.get("owners")):
            if isinstance(owner, dict):
                for role in ("organization", "contact"):
                    named = owner.get(role)
                    if isinstance(named, dict) and _str(named.get("name")):
                        owners.append(str(named["name"]))
    return _DataEntry(
        flow=str(entry["flow"]),
        classification=str(entry["classification"]),
        name=_str(entry.get("name")),
        description=_str(entry.get("description")),
        sources=tuple(str(url) for url in _list(entry.get("source"))),
        destinations=tuple(str(url) for url in _list(entry.get("destination"))),
        owners=tuple(owners),
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _bom_from_xml(raw: bytes, file: str, side: _Side) -> tuple[Any, str]:
    root = parse_xml(raw, file)
    namespace = etree.QName(root).namespace or ""
    if local(root.tag) != "bom" or not _NAMESPACE.match(namespace):
        raise _problem(
            file,
            xml_line(root),
            "not a CycloneDX BOM: the root is not bom in a CycloneDX namespace",
        )
    version = namespace.rsplit("/", 1)[-1]
    _prepare_xml(root, namespace, side)
    side.refuse_refs_twice(file, "")
    for dependency in root.iter(f"{{{namespace}}}dependency"):
        if not (dependency.get("ref") or "").strip():  # the library fails on it obscurely
            raise _problem(
                file,
                xml_line(dependency),
                "not valid CycloneDX: a dependency without a ref names no element",
                "dependency.ref",
            )
    from cyclonedx.model.bom import Bom  # noqa: PLC0415  # heavy; only when a BOM is read

    # The library wants an ElementTree element; the tree is already checked (no DOCTYPE,
    # no entities, bounded depth), so the standard parser only re-reads safe text.
    element = StdElementTree.fromstring(etree.tostring(root))  # noqa: S314  # checked above
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bom = Bom.from_xml(element)  # type: ignore[attr-defined]  # added by py_serializable
    except (
        Exception
    ) as error:  # the library raises ValueError, TypeError, KeyError... for invalid input
        raise _library_error(error, raw.decode("utf-8", "replace"), file) from None
    return bom, version


_OPTIONAL_TEXT = ("author", "publisher", "group", "version", "description", "copyright", "cpe")
"""Text elements of a component or service that may be left out: an empty one (as
``<description/>`` in real SBOMs) counts as left out."""


def _imported_xml(root: etree._Element, ns: str) -> Iterator[etree._Element]:
    """The components and services an import reads, as ``_prepare_json`` walks them: the
    subject, the components and the services, and what each holds of its own kind; not
    the tools that wrote the file (``metadata/tools``) or what else names a component."""
    stack = [
        *root.findall(f"{ns}metadata/{ns}component"),
        *root.findall(f"{ns}components/{ns}component"),
        *root.findall(f"{ns}services/{ns}service"),
    ]
    stack.reverse()  # in the order written
    while stack:
        element = stack.pop()
        yield element
        kind = local(element.tag)
        stack += reversed(element.findall(f"{ns}{kind}s/{ns}{kind}"))


def _prepare_xml(root: etree._Element, namespace: str, side: _Side) -> None:
    ns = f"{{{namespace}}}"

    def child_text(element: etree._Element, name: str) -> str:
        found = element.find(f"{ns}{name}")
        return (found.text or "").strip() if found is not None else ""

    for element in root.iter(f"{ns}component", f"{ns}service"):
        for name in _OPTIONAL_TEXT:  # the library reads an empty one as the text "None"
            for empty in element.findall(f"{ns}{name}"):
                if len(empty) == 0 and not empty.attrib and not (empty.text or "").strip():
                    element.remove(empty)
    for element in _imported_xml(root, ns):
        kind = local(element.tag)
        ref = side.given_ref(element.get("bom-ref"), xml_line(element)) or _made_ref(
            kind, {key: child_text(element, key) for key in ("group", "name", "version")}
        )
        element.set("bom-ref", ref)
        for licence in element.findall(f"{ns}licenses/{ns}license"):
            licensing = licence.find(f"{ns}licensing")
            if licensing is None:
                continue
            found = side.licensing.setdefault(ref, _Licensing())
            found.types.update(
                (t.text or "").strip() for t in licensing.iter(f"{ns}licenseType") if t.text
            )
            found.expiration = found.expiration or child_text(licensing, "expiration") or None
        data = element.find(f"{ns}data") if kind == "service" else None
        if data is None:
            continue
        entries = []
        for item in list(data):
            if local(item.tag) == "classification":  # 1.2-1.4
                entries.append(_DataEntry(item.get("flow") or "", (item.text or "").strip()))
            elif local(item.tag) == "dataflow":  # 1.5+
                classification = item.find(f"{ns}classification")
                if classification is None:
                    continue
                entries.append(
                    _DataEntry(
                        flow=classification.get("flow") or "",
                        classification=(classification.text or "").strip(),
                        name=item.get("name"),
                        description=item.get("description"),
                        sources=tuple(
                            u.text.strip()
                            for u in item.iter(f"{ns}url")
                            if u.text and _parent_is(u, ns, "source")
                        ),
                        destinations=tuple(
                            u.text.strip()
                            for u in item.iter(f"{ns}url")
                            if u.text and _parent_is(u, ns, "destination")
                        ),
                        owners=tuple(
                            (n.text or "").strip()
                            for governance in item.iter(f"{ns}governance")
                            for n in governance.iter(f"{ns}name")
                            if n.text and n.text.strip()
                        ),
                    )
                )
                # The 1.2-1.4 form, which the library reads and checks.
                data.replace(item, classification)
        side.data[ref] = entries


def _parent_is(element: etree._Element, ns: str, name: str) -> bool:
    parent = element.getparent()
    return parent is not None and parent.tag == f"{ns}{name}"


# --- mapping -----------------------------------------------------------------------------

_PERSONAL_ORDER = (
    PersonalData.NONE,
    PersonalData.ORDINARY,
    PersonalData.CRIMINAL_OFFENCE,
    PersonalData.SPECIAL_CATEGORY,
)
_LEVEL_ORDER = tuple(Classification)
_DIRECTIONS = {"outbound": ("out",), "inbound": ("in",), "bi-directional": ("in", "out")}


def classify(text: str, rules: Rules) -> tuple[PersonalData, Classification, tuple[str, ...]]:
    """personal_data and classification of a data classification, and the fields that
    fell back to the defaults. The whole text and each of its words are looked up.

    >>> classify("PII", Rules())[:2]
    (<PersonalData.ORDINARY: 'ordinary'>, <Classification.CONFIDENTIAL: 'confidential'>)
    """
    table = {word.casefold(): rule for word, rule in rules.classifications.items()}
    whole = " ".join(re.findall(r"\w+", text.casefold()))
    hits = [table[key] for key in dict.fromkeys([whole, *whole.split()]) if key in table]
    personal = [hit.personal_data for hit in hits if hit.personal_data is not None]
    levels = [hit.classification for hit in hits if hit.classification is not None]
    inferred = tuple(
        name
        for name, found in (("personal_data", personal), ("classification", levels))
        if not found
    )
    return (
        max(personal, key=_PERSONAL_ORDER.index, default=rules.default_personal_data),
        max(levels, key=_LEVEL_ORDER.index, default=rules.default_classification),
        inferred,
    )


def licence_of(
    ids: Sequence[str], expressions: Sequence[str], types: Sequence[str], rules: Rules
) -> Licence | None:
    """The licence a component is held under: a subscription or perpetual licence only
    when ``licensing.licenseTypes`` says so; open source when an SPDX id (or every id of an
    expression) is an open-source licence; otherwise unknown.

    >>> licence_of(["MIT"], [], [], Rules())
    <Licence.OPEN_SOURCE: 'open_source'>
    """
    stated = {kind.casefold() for kind in types}
    if "subscription" in stated:
        return Licence.SUBSCRIPTION
    if "perpetual" in stated:
        return Licence.PERPETUAL
    if any(_open_source(spdx_id, rules) for spdx_id in ids):
        return Licence.OPEN_SOURCE
    for expression in expressions:
        without_exceptions = re.sub(r"\s+WITH\s+[\w.+-]+", " ", expression)
        parts = [p for p in re.split(r"\s+(?:AND|OR)\s+|[()\s]+", without_exceptions) if p]
        if parts and all(_open_source(part.removesuffix("+"), rules) for part in parts):
            return Licence.OPEN_SOURCE
    return None


def _open_source(spdx_id: str, rules: Rules) -> bool:
    from cyclonedx.spdx import fixup_id  # noqa: PLC0415  # heavy; only when a BOM is read

    known = fixup_id(spdx_id)
    if known is None:
        return False
    return not any(
        fnmatch.fnmatchcase(known.casefold(), p.casefold()) for p in rules.not_open_source
    )


def _ref_of(target: str) -> str:
    """The bom-ref a data-flow end names: a BOM-Link ``urn:cdx:SERIAL/VERSION#REF`` or a
    plain bom-ref (anything else, such as a URL, names nothing imported)."""
    if target.startswith("urn:cdx:") and "#" in target:
        return target.split("#", 1)[1]
    return target


def _note(parts: Sequence[str | None]) -> str | None:
    sentences = [part.strip() for part in parts if part and part.strip()]
    text = " ".join(ended(sentence) for sentence in sentences)
    if not text:
        return None
    return text if len(text) <= _LONGEST_NOTE else text[: _LONGEST_NOTE - 1] + "…"


def _ref(element: Any) -> str:
    return str(element.bom_ref.value)


def _contract_end(expiration: str | None) -> date | str | None:
    """The day a licence expires, or why the text given is not one."""
    if not expiration:
        return None
    try:
        end = datetime.fromisoformat(expiration.replace("Z", "+00:00")).date()
    except ValueError:
        return "not a date and time as CycloneDX writes them"
    if not FIRST_YEAR <= end.year <= LAST_YEAR:
        # The model takes 1900 to 2999; 9999-12-31 often means "never".
        return f"a year outside {FIRST_YEAR} to {LAST_YEAR}"
    return end


class _Mapper:
    """Tells the source draft what one BOM holds."""

    def __init__(
        self, draft: Draft, source: SourceDraft, rules: Rules, side: _Side, bom: Any
    ) -> None:
        self.elements = draft.elements
        self.source = source
        self.rules = rules
        self.side = side
        self.bom = bom
        self.known: set[str] = set()
        self.imported: set[str] = set()
        self.nested: list[tuple[str, str]] = []  # (outer, inner) of imported elements
        self.top: list[str] = []
        self.subject: str | None = None
        self.consumers: dict[str, set[str]] = {}
        self.declared: set[tuple[str, str]] = set()

    def run(self) -> None:
        self._subject()
        self._components()
        self._services()
        self._dependencies()
        self._flows()

    # --- elements ------------------------------------------------------------------------

    def _added(self, sid: str) -> bool:
        """Whether the draft kept the element (it leaves out ids listed under skip)."""
        if (self.source.file, sid) in self.elements:
            self.imported.add(sid)
            return True
        return False

    def _subject(self) -> None:
        metadata = self.bom.metadata
        subject = metadata.component
        if subject is None:
            return
        ref = self.subject = _ref(subject)
        self.known.add(ref)
        kind = subject.type.value
        if self.rules.subject == "service":
            vendor_names = [
                v.name
                for v in (subject.supplier, metadata.supplier, metadata.manufacturer)
                if v is not None and v.name
            ]
            supplied = f"Supplied by {vendor_names[0]}." if vendor_names else None
            self.source.service(
                ref,
                subject.name,
                type=f"metadata.component ({kind})",
                fields={"note": _note([self._about(subject), supplied])}
                if supplied or self._about(subject)
                else None,
                priority=-1,
            )
        else:
            fields = {
                "supplier": [subject.supplier, metadata.supplier],
                "manufacturer": [
                    subject.manufacturer,
                    metadata.manufacturer,
                    metadata.manufacture,
                ],
                "publisher": [subject.publisher],
                "author": [subject.author],
            }
            self._component(subject, ref, fields, f"metadata.component ({kind})", priority=-1)
        self._added(ref)

    def _component(
        self,
        component: Any,
        ref: str,
        fields: Mapping[str, Sequence[Any]],
        type_: str,
        *,
        priority: int = 0,
    ) -> None:
        delivery = self.rules.component_types.get(component.type.value)
        licences = list(component.licenses)
        ids = [lic.id for lic in licences if getattr(lic, "id", None)]
        expressions = [lic.value for lic in licences if getattr(lic, "value", None)]
        shown = [*ids, *expressions, *(lic.name for lic in licences if getattr(lic, "name", None))]
        licensing = self.side.licensing.get(ref, _Licensing())
        licence = licence_of(ids, expressions, sorted(licensing.types), self.rules)
        written: dict[str, Any] = {}
        end = _contract_end(licensing.expiration)
        expires = None
        if isinstance(end, str):  # not written as a contract end; the note keeps the text
            self.source.skip("licensing.expiration", end)
            end = None
            expires = f"Licence expires {licensing.expiration}."
        note = _note(
            [
                self._about(component, description=False),
                f"Licence: {'; '.join(shown)}." if shown else None,
                f"Licence types: {', '.join(sorted(licensing.types))}."
                if licensing.types
                else None,
                expires,
                component.description,
            ]
        )
        if note:
            written["note"] = note
        if licence is not None:
            written["licence"] = licence
        if end is not None:
            written["contract"] = {"end": end}
        candidates = [
            (name, value) for name in self.rules.vendor_fields for value in fields.get(name, ())
        ]
        vendor, guessed = self._vendor(candidates, component.properties)
        self.source.component(
            ref,
            component.name,
            type=type_,
            delivery=delivery if isinstance(delivery, Delivery) else None,
            vendor=vendor,
            vendor_assumed=guessed,
            fields=written,
            priority=priority,
            variant=component.version,
        )

    def _about(self, element: Any, *, description: bool = True) -> str | None:
        purl = getattr(element, "purl", None)
        endpoints = sorted(str(uri) for uri in getattr(element, "endpoints", ()) or ())
        return _note(
            [
                f"Group {element.group}." if element.group else None,
                f"Version {element.version}." if element.version else None,
                f"Package {purl}." if purl else None,
                f"Endpoints: {', '.join(endpoints)}." if endpoints else None,
                element.description if description else None,
            ]
        )

    def _vendor(
        self, candidates: Sequence[tuple[str, Any]], properties: Any
    ) -> tuple[str | None, bool]:
        """The vendor's key, and whether it is a guess: ``author`` is free text, most often
        a person or a list of people, not the organisation that supplies the component; and
        a name with an e-mail address is a package's maintainer (trivy's ``supplier`` and
        syft's ``publisher`` of a Debian or Alpine package: "Debian OpenSSL Team
        <pkg-openssl-devel@lists.alioth.debian.org>"), named without the address."""
        for field_name, value in candidates:
            if value is None:
                continue
            name = value if isinstance(value, str) else (value.name or "")
            urls = [] if isinstance(value, str) else sorted(str(url) for url in value.urls)
            unmailed = _MAILED.sub("", name).strip(" ,;")
            mailed = unmailed != name.strip()
            if mailed and visible(unmailed):
                name = unmailed
            if not visible(name):  # a name of invisible characters alone names nobody
                continue
            if mailed:
                self.source.infer(
                    f"vendor from a {field_name} with an e-mail address (a maintainer)"
                )
            elif field_name == "author":
                self.source.infer("vendor from the author field (most often a person)")
            web = {"note": f"Web site: {', '.join(urls)}."} if urls else None
            guessed = field_name == "author" or mailed
            key = self.source.vendor(name.strip(), type=field_name, fields=web, assumed=guessed)
            return key, guessed
        found = self.source.vendor_from({prop.name: prop.value or "" for prop in properties or ()})
        return found, False

    def _components(self) -> None:
        stack: list[tuple[Any, str | None]] = [(c, None) for c in self.bom.components]
        subject = self.bom.metadata.component
        if subject is not None:  # the subject's own parts are read as nested components
            outer = self.subject if self.subject in self.imported else None
            stack += [(inner, outer) for inner in subject.components]
        while stack:
            component, outer = stack.pop()
            ref = _ref(component)
            self.known.add(ref)
            kind = component.type.value
            delivery = self.rules.component_types.get(kind)
            if self.rules.services_only:
                self.source.read()
                self.source.skip(kind, "--services-only keeps only the services")
            elif delivery is None or delivery == _SKIP:
                self.source.read()
                why = "skipped by the mapping" if delivery else "a type the mapping does not list"
                self.source.skip(kind, why)
            else:
                fields = {
                    "supplier": [component.supplier],
                    "manufacturer": [component.manufacturer],
                    "publisher": [component.publisher],
                    "author": [component.author],
                }
                self._component(component, ref, fields, kind)
            inner_outer = self._place(ref, outer)
            stack += [(inner, inner_outer) for inner in component.components]

    def _place(self, ref: str, outer: str | None) -> str | None:
        """Record where an element that was kept sits (at the top, or inside ``outer``);
        the outer element for what is nested in it (None when it was not kept)."""
        if not self._added(ref):
            return None
        if outer is None:
            self.top.append(ref)
        else:
            self.nested.append((outer, ref))
        return ref

    def _services(self) -> None:
        stack: list[tuple[Any, str | None]] = [(s, None) for s in self.bom.services]
        while stack:
            service, outer = stack.pop()
            ref = _ref(service)
            self.known.add(ref)
            licences = [
                getattr(lic, "id", None)
                or getattr(lic, "value", None)
                or getattr(lic, "name", None)
                for lic in service.licenses
            ]
            note = _note(
                [
                    self._about(service),
                    f"Licence: {'; '.join(sorted(str(x) for x in licences if x))}."
                    if any(licences)
                    else None,
                ]
            )
            self.source.component(
                ref,
                service.name,
                type="service",
                delivery=Delivery.SAAS,  # a service, not said how it is run: a guess
                delivery_guessed=True,
                vendor=self._vendor([("provider", service.provider)], service.properties)[0],
                fields={"note": note} if note else None,
            )
            inner_outer = self._place(ref, outer)
            stack += [(inner, inner_outer) for inner in service.services]

    # --- relations -----------------------------------------------------------------------

    def _dependencies(self) -> None:
        inferred = ("strength",) if self.rules.strength_assumed else ()
        stated: set[str] = set()  # what the dependencies section says the needs of
        for entry in self.bom.dependencies:
            dependent = str(entry.ref.value)
            stated.add(dependent)
            for target in entry.dependencies:
                needed = str(target.ref.value)
                if dependent not in self.known or needed not in self.known:
                    self.source.read()
                    self.source.skip("dependency", "a bom-ref that is not in the file")
                    continue
                self.source.depends(
                    dependent,
                    needed,
                    type="dependsOn",
                    strength=self.rules.strength,
                    inferred=inferred,
                    assumed=bool(inferred),
                )
                self.declared.add((dependent, needed))
                self.consumers.setdefault(needed, set()).add(dependent)
        if self.rules.nested:
            needed_somewhere = {  # by something imported other than itself
                needed
                for dependent, needed in self.declared
                if dependent != needed and dependent in self.imported
            }
            for outer, inner in sorted(self.nested):
                # where the section says what the outer one needs and names who needs the
                # inner one, nesting is where it lies (npm's node_modules), not a need
                if outer not in stated or inner not in needed_somewhere:
                    self.source.depends(outer, inner, type="nested", inferred=("strength",))
                    self.source.infer("a nested element is part of the one around it")
        subject = self.subject
        if (
            self.rules.subject_uses_top_level
            and subject in self.imported
            and not any(dependent == subject for dependent, _ in self.declared)
        ):
            needed_by_others = {needed for _, needed in self.declared}
            for ref in sorted(set(self.top) - needed_by_others - {subject}):
                self.source.depends(subject, ref, type="metadata.component", inferred=("strength",))
                self.source.infer("the BOM's subject depends on each top-level element")

    def _counterparts(self, service: str, named: Sequence[str]) -> tuple[list[str], bool]:
        """The other ends of a data flow of ``service`` and whether they were inferred."""
        resolved = sorted({_ref_of(n) for n in named} & self.imported - {service})
        if resolved:
            return resolved, False
        consumers = sorted(self.consumers.get(service, set()) & self.imported - {service})
        if consumers:
            return consumers, True
        outer = sorted(o for o, i in self.nested if i == service)
        if outer:
            return outer, True
        if self.subject in self.imported and self.subject != service:
            return [str(self.subject)], True
        return [], True

    def _flows(self) -> None:
        seen: set[tuple[str, str, str, str]] = set()
        for service, entries in sorted(self.side.data.items()):
            if service not in self.imported:
                self.source.read(len(entries))
                self.source.skip("data flow", "its service was not imported", len(entries))
                continue
            for entry in sorted(entries, key=lambda e: (e.classification, e.flow, e.name or "")):
                self._flow(service, entry, seen)

    def _flow(self, service: str, entry: _DataEntry, seen: set[tuple[str, str, str, str]]) -> None:
        directions = _DIRECTIONS.get(entry.flow.casefold())
        if directions is None:
            self.source.read()
            self.source.skip("data flow", f"flow direction {entry.flow or 'missing'}")
            return
        personal, level, defaulted = classify(entry.classification, self.rules)
        owners = f"Data owners: {', '.join(entry.owners)}." if entry.owners else None
        for direction in directions:
            named = {"in": entry.sources, "out": entry.destinations}[direction]
            if len(directions) == 2:
                named = (*entry.sources, *entry.destinations)
            others, guessed = self._counterparts(service, named)
            if not others:
                self.source.read()
                self.source.skip("data flow", "no other end: no source, consumer or subject")
                continue
            for other in others:
                ends = (other, service) if direction == "in" else (service, other)
                key = (*ends, entry.classification.casefold(), (entry.name or "").casefold())
                if key in seen:
                    self.source.read()
                    self.source.skip("data flow", "the same flow described at both its ends")
                    continue
                seen.add(key)
                end_field = "from" if direction == "in" else "to"
                self.source.flow(
                    ends[0],
                    ends[1],
                    type=f"data ({entry.flow})",
                    sid=f"{service}: {entry.name or entry.classification} ({direction})",
                    name=entry.name or f"{entry.classification} data",
                    assets=[entry.classification],
                    fields={
                        "personal_data": personal,
                        "classification": level,
                        **({"note": n} if (n := _note([entry.description, owners])) else {}),
                    },
                    inferred=(*defaulted, *((end_field,) if guessed else ())),
                )


__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_JSON_INTEGER_DIGITS",
    "NAME",
    "TITLE",
    "Rules",
    "classify",
    "detect",
    "licence_of",
    "read",
]
