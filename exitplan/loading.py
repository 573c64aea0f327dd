"""Read YAML/JSON files, or a folder of them, into one validated ``Estate``.

Every problem is collected before anything is reported, so an architect fixes a file in
one pass: syntax, unknown keys, wrong types and values, duplicate ids, unknown references
(with a suggestion), self-dependencies and cycles of hard dependencies. Each problem names
the file, the line and the field path (``exitplan.errors.Problem``).

YAML is read with the YAML 1.2 core schema, whatever PyYAML defaults to: ``NO`` is Norway,
``on``/``yes``/``off`` are text, and dates stay text until the model parses them. Hostile
input is refused before it can cost much: files over a size limit, bytes that are not
UTF-8, YAML aliases that expand beyond a budget (the "billion laughs"), deep nesting.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

import networkx as nx
import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from exitplan.errors import InvalidInputError, Problem, UsageError, display_path
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
    NodeId,
    Service,
    Strength,
    Vendor,
)

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Largest file read; an estate of tens of thousands of components fits well below it."""

MAX_DEPTH = 64
"""Deepest nesting accepted; the estate format needs six levels."""

ALIAS_BUDGET = 10_000
"""Nodes that YAML aliases may add beyond those written out, per file."""

SUFFIXES = (".yaml", ".yml", ".json")

FieldPath = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_CORE_TAGS = {f"{_TAG}{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")}


# --- reading one file --------------------------------------------------------------------


class _CoreSchemaResolver(BaseResolver):
    """Resolve plain scalars by the YAML 1.2 core schema (YAML 1.2.2 §10.3.2)."""


for _tag, _pattern, _first in (
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
):
    _CoreSchemaResolver.add_implicit_resolver(f"{_TAG}{_tag}", re.compile(_pattern), _first)

if yaml.__with_libyaml__:  # libyaml also caps nesting at 1,000 levels before we see a node
    from yaml.cyaml import CParser  # type: ignore[attr-defined]  # stubs omit it

    class _Composer(CParser, _CoreSchemaResolver):
        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            _CoreSchemaResolver.__init__(self)

else:  # pragma: no cover - every PyYAML wheel ships libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Composer(Reader, Scanner, Parser, Composer, _CoreSchemaResolver):  # type: ignore[no-redef]
        def __init__(self, text: str) -> None:
            Reader.__init__(self, text)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            _CoreSchemaResolver.__init__(self)


class _RefusedFileError(Exception):
    """A file cannot be read at all; carries the one problem that says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Document:
    """The data of one file, with the line on which every field path starts."""

    file: str
    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)

    def line_of(self, path: FieldPath) -> int:
        """The line of the longest known prefix of ``path`` (1 when nothing is known)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1


class _NodeConverter:
    """Turn a composed YAML node tree into plain Python values and a line map."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[FieldPath, int] = {}
        self.seen: set[int] = set()
        self.expanded = 0

    def refuse(self, node: Node, message: str) -> _RefusedFileError:
        return _RefusedFileError(Problem(self.file, node.start_mark.line + 1, "", message))

    def convert(self, node: Node, path: FieldPath, active: frozenset[int]) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if len(path) > MAX_DEPTH:
            raise self.refuse(node, f"nested more than {MAX_DEPTH} levels deep")
        if id(node) in active:
            raise self.refuse(node, "a YAML alias refers to a node that contains it")
        if id(node) in self.seen:  # reached again through an alias
            self.expanded += 1
            if self.expanded > ALIAS_BUDGET:
                raise self.refuse(
                    node,
                    f"YAML aliases expand to more than {ALIAS_BUDGET} extra nodes; "
                    "refused as a possible alias bomb",
                )
        self.seen.add(id(node))
        if node.tag not in _CORE_TAGS:
            raise self.refuse(node, f"unsupported YAML tag {node.tag!r}")
        if isinstance(node, ScalarNode):
            return _scalar(node)
        inner = active | {id(node)}
        if isinstance(node, SequenceNode):
            return [self.convert(item, (*path, i), inner) for i, item in enumerate(node.value)]
        if not isinstance(node, MappingNode):  # the three node kinds of YAML
            raise self.refuse(node, "unexpected YAML node")
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise self.refuse(key_node, "a mapping key must be plain text")
            key = str(key_node.value)
            if key in mapping:
                first = self.lines[(*path, key)]
                raise self.refuse(key_node, f"key {key!r} appears twice (first on line {first})")
            self.lines[(*path, key)] = key_node.start_mark.line + 1
            mapping[key] = self.convert(value_node, (*path, key), inner)
        return mapping


def _scalar(node: ScalarNode) -> Any:
    text: str = node.value
    kind = node.tag.removeprefix(_TAG)
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
        message = f"YAML syntax error: {error.problem}"
        if error.context and error.context_mark is not None:
            started = error.context_mark.line + 1
            message += f" ({error.context} started on line {started})"
        elif error.context:
            message += f" ({error.context})"
        return Problem(file, line, "", message)
    if isinstance(error, yaml.reader.ReaderError):
        line = text[: error.position].count("\n") + 1
        return Problem(file, line, "", f"character {error.character!r} is not allowed in YAML")
    return Problem(file, 1, "", f"YAML syntax error: {error}")


def _compose(text: str, file: str) -> Node | None:
    composer = _Composer(text)
    try:
        return composer.get_single_node()
    except yaml.composer.ComposerError as error:
        if "expected a single document" in str(error):
            line = error.problem_mark.line + 1 if error.problem_mark else 1
            raise _RefusedFileError(
                Problem(file, line, "", "several YAML documents in one file; use one per file")
            ) from None
        raise _RefusedFileError(_yaml_problem(file, error, text)) from None
    except yaml.YAMLError as error:
        raise _RefusedFileError(_yaml_problem(file, error, text)) from None
    finally:
        composer.dispose()


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number in JSON")


def read_document(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> Document:
    """Read one YAML or JSON file into plain data with a line for every field path.

    Raises ``_RefusedFileError`` with the reason when the file cannot be read at all.
    """
    file = display_path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise _RefusedFileError(
            Problem(file, 0, "", f"file is {size:,} bytes; the limit is {max_bytes:,} bytes")
        )
    text = _decode(path.read_bytes(), file)
    if path.suffix == ".json":
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as error:
            raise _RefusedFileError(
                Problem(file, error.lineno, "", f"JSON syntax error: {error.msg}")
            ) from None
        except ValueError as error:
            raise _RefusedFileError(Problem(file, 1, "", str(error))) from None
        # Valid JSON is YAML 1.2 once its tabs (only ever whitespace here) are spaces;
        # composing it again gives the lines, while json gave the exact values.
        try:
            node = _compose(text.replace("\t", " "), file)
        except _RefusedFileError:
            node = None
        converter = _NodeConverter(file)
        if node is not None:
            converter.convert(node, (), frozenset())
        if data is None or data == {}:
            raise _RefusedFileError(Problem(file, 1, "", "file is empty"))
        return Document(file, data, converter.lines)
    node = _compose(text, file)
    if node is None:
        raise _RefusedFileError(Problem(file, 1, "", "file is empty"))
    converter = _NodeConverter(file)
    data = converter.convert(node, (), frozenset())
    if data is None or data == {}:
        raise _RefusedFileError(Problem(file, node.start_mark.line + 1, "", "file is empty"))
    return Document(file, data, converter.lines)


def read_one(path: Path, *, what: str) -> Document:
    """``read_document`` for a single file that must be readable, such as a scenario."""
    try:
        return read_document(path)
    except _RefusedFileError as refused:
        raise InvalidInputError([refused.problem], what=what) from None


# --- field paths and pydantic errors -------------------------------------------------------


def format_path(path: FieldPath) -> str:
    """``("components", 3, "depends_on", 0)`` -> ``components[3].depends_on[0]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _suggest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"; did you mean {match[0]!r}?" if match else ""


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
        hint = _suggest(key, allowed) or (f"; allowed: {', '.join(allowed)}" if allowed else "")
        return loc, f"unknown key {key!r}{hint}"
    if kind == "missing":
        return loc[:-1], f"required key {loc[-1]!r} is missing"
    if kind in ("enum", "literal_error"):
        expected = context.get("expected", "")
        options = re.findall(r"'([^']*)'", expected)
        hint = _suggest(str(given), options) if isinstance(given, str) else ""
        return loc, f"{_short(given)} is not allowed; expected {expected}{hint}"
    if kind == "string_pattern_mismatch":
        if context.get("pattern") == ID_PATTERN:
            return loc, f"{_short(given)} is not a valid id: {ID_RULE}"
        if context.get("pattern") == r"^[A-Z]{2}$":
            return loc, f"{_short(given)} is not a country code: use ISO 3166-1 alpha-2 (SE, US)"
        return loc, f"{_short(given)} does not match the pattern {context.get('pattern')}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return loc, f"expected a mapping of keys, got {_short(given)}"
    if kind in ("tuple_type", "list_type"):
        return loc, f"expected a list, got {_short(given)}"
    if kind == "value_error" or "input" not in error:
        return loc, message
    return loc, f"{message} (got {_short(given)})"


def validation_problems(
    error: ValidationError, model: type[BaseModel], doc: Document, base: FieldPath
) -> list[Problem]:
    problems = []
    for detail in error.errors():
        loc, message = _message(model, detail)
        path = (*base, *loc)
        problems.append(Problem(doc.file, doc.line_of(path), format_path(path), message))
    return problems


# --- the whole estate -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    """A valid item, and where it was written."""

    model: Any
    doc: Document
    path: FieldPath
    salvaged: bool = False  # invalid, kept only so that its references are checked too

    def problem(self, suffix: FieldPath, message: str) -> Problem:
        path = (*self.path, *suffix)
        return Problem(self.doc.file, self.doc.line_of(path), format_path(path), message)

    @property
    def place(self) -> str:
        return f"{self.doc.file}:{self.doc.line_of(self.path)}"


@dataclass
class _Collected:
    headers: list[tuple[EstateInfo, Document]] = field(default_factory=list)
    items: dict[str, list[_Item]] = field(default_factory=lambda: defaultdict(list))
    problems: list[Problem] = field(default_factory=list)


def estate_files(path: Path) -> list[Path]:
    """The files an estate path stands for: the file itself, or every YAML/JSON file under
    the folder (hidden ones skipped), in a fixed order."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise UsageError(f"{display_path(path)}: no such file or folder")
    found = [
        candidate
        for candidate in path.rglob("*")
        if candidate.suffix in SUFFIXES
        and candidate.is_file()
        and not any(part.startswith(".") for part in candidate.relative_to(path).parts)
    ]
    if not found:
        raise UsageError(f"{display_path(path)}: no .yaml, .yml or .json files in this folder")
    return sorted(found, key=lambda p: p.relative_to(path).as_posix())


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
    allowed = ["estate", *SECTIONS]
    for key, value in data.items():
        if key == "estate":
            try:
                into.headers.append((EstateInfo.model_validate(value), doc))
            except ValidationError as error:
                into.problems += validation_problems(error, EstateInfo, doc, ("estate",))
            continue
        model = SECTIONS.get(key)
        if model is None:
            hint = _suggest(key, allowed) or f"; allowed: {', '.join(allowed)}"
            into.problems.append(
                Problem(doc.file, doc.line_of((key,)), key, f"unknown section {key!r}{hint}")
            )
            continue
        if value is None:
            continue
        if not isinstance(value, list):
            into.problems.append(
                Problem(doc.file, doc.line_of((key,)), key, f"expected a list, got {_short(value)}")
            )
            continue
        for index, raw in enumerate(value):
            path: FieldPath = (key, index)
            try:
                into.items[key].append(_Item(model.model_validate(raw), doc, path))
            except ValidationError as error:
                into.problems += validation_problems(error, model, doc, path)
                salvaged = _salvage(model, raw)
                if salvaged is not None:
                    into.items[key].append(_Item(salvaged, doc, path, salvaged=True))


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

    def __init__(self, items: Mapping[str, list[_Item]]) -> None:
        self.kind_of: dict[str, str] = {}
        for section, entries in items.items():
            for item in entries:
                if hasattr(item.model, "id"):
                    self.kind_of.setdefault(item.model.id, section)
        self.problems: list[Problem] = []

    def check(self, item: _Item, suffix: FieldPath, ref: str | None, *sections: str) -> None:
        if ref is None:  # the field itself was invalid and has been reported
            return
        kind = self.kind_of.get(ref)
        if kind in sections:
            return
        wanted = " or ".join(_singular(s) for s in sections)
        if kind is not None:
            message = f"{ref!r} is a {_singular(kind)}; expected a {wanted}"
        else:
            choices = [i for i, k in self.kind_of.items() if k in sections]
            message = f"unknown {wanted} {ref!r}{_suggest(ref, choices)}"
        self.problems.append(item.problem(suffix, message))


def _singular(section: str) -> str:
    return {"data_flows": "data flow", "capabilities": "capability"}.get(
        section, section.removesuffix("s")
    )


def _check_duplicates(collected: _Collected) -> None:
    places: dict[str, list[_Item]] = defaultdict(list)
    for entries in collected.items.values():
        for item in entries:
            if hasattr(item.model, "id"):
                places[item.model.id].append(item)
    for node_id, items in places.items():
        for item in items:
            others = ", ".join(other.place for other in items if other is not item)
            if others:
                collected.problems.append(
                    item.problem(("id",), f"duplicate id {node_id!r}; also defined at {others}")
                )
    pairs: dict[tuple[str, str], list[_Item]] = defaultdict(list)
    for item in collected.items["alternatives"]:
        if item.model.replaces is not None and item.model.candidate is not None:
            pairs[(item.model.replaces, item.model.candidate)].append(item)
    for (replaced, candidate), items in pairs.items():
        for item in items:
            others = ", ".join(other.place for other in items if other is not item)
            if others:
                collected.problems.append(
                    item.problem(
                        ("candidate",),
                        f"{candidate!r} is listed twice as an alternative for {replaced!r}; "
                        f"also at {others}",
                    )
                )


def _check_dependencies(item: _Item, refs: _References) -> None:
    owner = item.model.id
    entries: tuple[Dependency, ...] = item.model.depends_on
    groups: dict[str, int] = defaultdict(int)
    seen: dict[str, int] = {}
    for index, dependency in enumerate(entries):
        where: FieldPath = ("depends_on", index)
        if dependency.ref == owner:
            refs.problems.append(item.problem(where, f"{owner!r} depends on itself"))
        elif dependency.ref in seen:
            refs.problems.append(
                item.problem(
                    where,
                    f"depends on {dependency.ref!r} twice "
                    f"(also depends_on[{seen[dependency.ref]}])",
                )
            )
        else:
            refs.check(item, (*where, "ref"), dependency.ref, "components", "services")
        seen.setdefault(dependency.ref, index)
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


def _check_references(collected: _Collected) -> None:
    refs = _References(collected.items)
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


def _check_hard_cycles(collected: _Collected) -> None:
    """A cycle of hard dependencies outside any redundant group can never work."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    where: dict[tuple[str, str], tuple[_Item, int]] = {}
    dependents = [*collected.items["components"], *collected.items["services"]]
    for item in sorted(dependents, key=lambda i: i.model.id):
        for index, dependency in enumerate(item.model.depends_on):
            if (
                dependency.strength is Strength.HARD
                and dependency.any_of_group is None
                and dependency.ref != item.model.id
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


def _estate_name(path: Path) -> str:
    stem = path.stem if path.is_file() else path.resolve().name
    slug = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._")
    return slug or "estate"


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
    return EstateInfo(name=NodeId(_estate_name(path)))


def _sorted(items: Iterable[_Item], key: str = "id") -> Iterator[Any]:
    models = [item.model for item in items]
    if key == "id":
        return iter(sorted(models, key=lambda m: m.id))
    return iter(sorted(models, key=lambda m: (m.replaces, m.candidate)))


def load_estate(path: Path, *, max_file_bytes: int = MAX_FILE_BYTES) -> Estate:
    """Load an estate from a file or a folder of files; raise with every problem found.

    >>> load_estate(Path("graphs/gothenburg")).name
    'gothenburg'
    """
    collected = _Collected()
    for file in estate_files(path):
        try:
            doc = read_document(file, max_bytes=max_file_bytes)
        except _RefusedFileError as refused:
            collected.problems.append(refused.problem)
            continue
        _collect(doc, collected)
    info = _header(collected, path)
    _check_duplicates(collected)
    _check_references(collected)
    _check_parent_loops(collected)
    _check_hard_cycles(collected)
    if collected.problems or info is None:
        raise InvalidInputError(collected.problems)
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
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "Document",
    "estate_files",
    "format_path",
    "load_estate",
    "read_document",
    "read_one",
    "validation_problems",
]
