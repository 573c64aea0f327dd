"""Backstage software catalog → estate: ``catalog-info.yaml`` files and folders of them.

A source is a catalog file or a folder. A folder gives every ``*.yaml``/``*.yml`` file
under it that holds a Backstage entity (hidden files and folders left out); a file gives
its entities; a ``Location`` entity adds the files its ``target``/``targets`` name. Only
files are followed, never the network, and never outside the folder of the source (the
folder given, or the folder of the file given): a URL, a path leading out, or a target
that does not exist is skipped and counted. Each file is read once, so Locations that
point at each other are harmless. A target that names no file the system can open (a
NUL character, a name too long, a loop of links) is refused with its line. A pattern
(``*``, ``?``, ``[...]``, one ``**``) matches as in Backstage: a wildcard matches no
hidden name, ``**`` follows no linked folder, and the patterns of one source list at most
``MAX_GLOB_ENTRIES`` files and folders.

Mapping (the defaults, as data in ``Rules``; see docs/import-backstage.md):

=============  ==============================================================
Component      component
API            component, priority 1: a Component keeps the plain slug
Resource       component, priority 1 (after a Component, before an API)
System         service: it depends on every entity whose ``spec.system`` names it
Group          organisation
Domain, User   skipped (counted); Template and kinds the mapping does not name too
Location       not an element: its targets are read
=============  ==============================================================

Relations, always from the dependent to what it needs: ``dependsOn`` (the entity needs
the target), ``dependencyOf`` (the target needs the entity), ``consumesApis`` (the
component needs the API), ``providesApis`` (the API needs the component that provides
it), ``subcomponentOf`` (the parent needs its subcomponent), ``system`` (the system
needs its members). The strength is the mapping's choice, so each is assumed.

Entity references are resolved as Backstage does: ``kind:namespace/name``, the kind
defaulting to the field's kind (``dependsOn`` has none: a Component, else a Resource),
the namespace to the referring entity's own, compared without case.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator

from exitplan.errors import (
    InvalidInputError,
    Problem,
    abbreviate,
    display_path,
    os_reason,
    plural,
    value_kind,
)
from exitplan.importers import rules
from exitplan.importers.draft import Draft, SourceDraft, slug
from exitplan.importers.files import read_source, read_yaml_source
from exitplan.loading import Document, FieldPath, format_path
from exitplan.model import Delivery, Lifecycle

NAME = "backstage"
TITLE = "Backstage software catalog: catalog-info.yaml files and folders, Locations followed"

MAX_GLOB_ENTRIES = 100_000
"""The files and folders the Location patterns of one source may list together (about a
second of work); a pattern that would list more is refused rather than left to run."""

Becomes = Literal["component", "service", "capability", "organisation", "skip"]
RelationField = Literal[
    "dependsOn", "dependencyOf", "consumesApis", "providesApis", "subcomponentOf", "system"
]
KindName = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class KindRule(rules.Rules):
    """What entities of one Backstage kind become."""

    becomes: Becomes = Field(
        description="component, service, capability, organisation, or skip (counted)."
    )
    priority: int = Field(
        default=0,
        ge=0,
        le=9,
        description="When entities of two kinds would get the same id, the lower priority "
        "keeps the plain slug of the name and the next gets '-<kind>' appended "
        "(a Component and an API both called petstore: petstore and petstore-api).",
    )


class RelationRule(rules.RelationRule):
    """What one relation field of an entity's ``spec`` becomes."""

    becomes: Literal["dependency", "data_flow", "skip"] = Field(
        description="dependency, data_flow (from what is needed to what needs it) or skip"
    )


_DEFAULT_KINDS: dict[str, KindRule] = {
    "component": KindRule(becomes="component"),
    "resource": KindRule(becomes="component", priority=1),
    "api": KindRule(becomes="component", priority=2),
    "system": KindRule(becomes="service"),
    "group": KindRule(becomes="organisation"),
    "domain": KindRule(becomes="skip"),
    "user": KindRule(becomes="skip"),
    "template": KindRule(becomes="skip"),
}

_DEFAULT_RELATIONS: dict[RelationField, RelationRule] = {
    "dependsOn": RelationRule(becomes="dependency"),
    "dependencyOf": RelationRule(becomes="dependency", reverse=True),
    "consumesApis": RelationRule(becomes="dependency"),
    "providesApis": RelationRule(becomes="dependency", reverse=True),
    "subcomponentOf": RelationRule(becomes="dependency", reverse=True),
    "system": RelationRule(becomes="dependency", reverse=True),
}


class Rules(rules.Rules):
    """The ``backstage:`` section of the mapping file. ``kinds`` and ``relations`` are
    merged over the defaults: name only what changes."""

    kinds: dict[KindName, KindRule] = Field(
        default_factory=lambda: dict(_DEFAULT_KINDS),
        description="Backstage kind (any case) → what it becomes. A kind named nowhere is "
        "skipped and counted; Location is never an element (its targets are read).",
    )
    relations: dict[RelationField, RelationRule] = Field(
        default_factory=lambda: dict(_DEFAULT_RELATIONS),
        description="Relation field of spec → dependency (strength; reverse: the target "
        "needs the entity), data flow or skip. 'system' is membership: spec.system.",
    )
    lifecycles: dict[KindName, Lifecycle] = Field(
        default_factory=lambda: {"deprecated": Lifecycle.PHASING_OUT},
        description="spec.lifecycle (any case) → the component's lifecycle; others stay active.",
    )
    delivery: dict[KindName, Delivery] = Field(
        default_factory=dict,
        description="spec.type (any case, e.g. website) → the component's delivery; a type "
        "not named gets the shared default delivery, assumed.",
    )

    @field_validator("kinds", mode="before")
    @classmethod
    def _over_default_kinds(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        given = {
            str(key).casefold(): {"becomes": rule} if isinstance(rule, str) else rule
            for key, rule in value.items()
        }
        return {**_DEFAULT_KINDS, **given}

    @field_validator("relations", mode="before")
    @classmethod
    def _over_default_relations(cls, value: Any) -> Any:
        return {**_DEFAULT_RELATIONS, **value} if isinstance(value, Mapping) else value

    @field_validator("lifecycles", "delivery", mode="after")
    @classmethod
    def _any_case(cls, value: dict[str, Any]) -> dict[str, Any]:
        return {key.casefold(): rule for key, rule in value.items()}


# --- the catalog format ----------------------------------------------------------------

_DEFAULT_NAMESPACE = "default"
_SHOWN_KIND = {
    "component": "Component",
    "api": "API",
    "resource": "Resource",
    "system": "System",
    "domain": "Domain",
    "group": "Group",
    "user": "User",
    "location": "Location",
    "template": "Template",
}
_ENVELOPE = {"apiVersion", "kind", "metadata", "spec", "relations", "status"}
_METADATA = {
    "name",
    "namespace",
    "title",
    "description",
    "labels",
    "annotations",
    "tags",
    "links",
    "uid",
    "etag",
}
_SPEC: dict[str, frozenset[str]] = {
    "component": frozenset(
        {
            "type",
            "lifecycle",
            "owner",
            "system",
            "subcomponentOf",
            "providesApis",
            "consumesApis",
            "dependsOn",
            "dependencyOf",
        }
    ),
    "api": frozenset({"type", "lifecycle", "owner", "system", "definition"}),
    # lifecycle is none of Backstage's Resource fields, but written on real ones (janus-idp's
    # pgdb: deprecated) and used as a Component's (helper-98: said to be ignored)
    "resource": frozenset({"type", "lifecycle", "owner", "system", "dependsOn", "dependencyOf"}),
    "system": frozenset({"type", "owner", "domain"}),
    "domain": frozenset({"type", "owner", "subdomainOf"}),
    "group": frozenset({"type", "profile", "parent", "children", "members"}),
    "user": frozenset({"profile", "memberOf"}),
}
_TARGET_KINDS: dict[str, tuple[str, ...]] = {
    # The kind a reference without one has, by field (Backstage's catalog processors);
    # dependsOn has none in Backstage: a Component is tried first, then a Resource.
    "dependsOn": ("component", "resource"),
    "dependencyOf": ("component", "resource"),
    "consumesApis": ("api",),
    "providesApis": ("api",),
    "subcomponentOf": ("component",),
    "system": ("system",),
}
_ENTITY_LINE = re.compile(rb"^apiVersion:[ \t]*['\"]?[A-Za-z0-9.-]*backstage\.io/", re.MULTILINE)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
_GLOB = re.compile(r"[*?\[]")
_SUFFIXES = (".yaml", ".yml")
_SNIFF_BYTES = 64 * 1024
_LONGEST_NOTE = 4000
_LONGEST_FIELD_SHOWN = 40
_DETECT_FILES = 200


def _is_catalog_text(raw: bytes) -> bool:
    return _ENTITY_LINE.search(raw) is not None


def _sniff(path: Path) -> bool:
    """Whether a regular file's first bytes hold a Backstage ``apiVersion`` line."""
    try:
        if not path.is_file():
            return False
        with path.open("rb") as stream:
            return _is_catalog_text(stream.read(_SNIFF_BYTES))
    except OSError:
        return False


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    """The entries of a folder in name order; none when it cannot be listed."""
    try:
        with os.scandir(folder) as scan:
            return sorted(scan, key=lambda entry: entry.name)
    except OSError:
        return []


def _is_folder(entry: os.DirEntry[str], *, links: bool) -> bool:
    try:
        return entry.is_dir() and (links or not entry.is_symlink())
    except OSError:  # a loop of links, a name too long
        return False


def _yaml_files(folder: Path) -> Iterator[Path]:
    """Every ``*.yaml``/``*.yml`` under ``folder`` in name order; hidden files and folders
    and linked folders left out. No recursion: a hostile tree may be thousands of folders
    deep."""
    stack = [folder]
    while stack:
        current = stack.pop()
        folders: list[Path] = []
        for entry in _entries(current):
            if entry.name.startswith("."):
                continue
            if _is_folder(entry, links=True):
                if not entry.is_symlink():
                    folders.append(current / entry.name)
            elif entry.name.lower().endswith(_SUFFIXES):
                yield current / entry.name
        stack.extend(reversed(folders))


class _UnfollowableError(Exception):
    """A path the system refuses to follow; the message says why."""

    def __init__(self, why: str, *, loop: bool = False) -> None:
        super().__init__(why)
        self.loop = loop


def _resolve(path: Path) -> Path:
    """``path`` with its links followed (a path that leads nowhere is fine: it is told by
    the caller). Raises ``_UnfollowableError`` for a loop of links (which Python 3.11 and
    3.12 report as RuntimeError), a name too long, a NUL character or a folder that cannot
    be searched."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        pass
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise _UnfollowableError("a loop of links", loop=True) from None
        raise _UnfollowableError(os_reason(error)) from None
    except ValueError:  # "embedded null byte"
        raise _UnfollowableError("a NUL character in the path") from None
    try:
        return path.resolve()
    except RuntimeError:  # a loop of links, made since the check
        raise _UnfollowableError("a loop of links", loop=True) from None
    except (OSError, ValueError) as error:
        raise _UnfollowableError(str(error)) from None


class _TooManyEntriesError(Exception):
    """The patterns of a source listed more than ``MAX_GLOB_ENTRIES`` entries."""


def detect(path: Path) -> bool:
    """A catalog file, or a folder with one (``catalog-info.yaml`` first), judged from an
    ``apiVersion: backstage.io/...`` line in the first bytes."""
    if path.is_dir():
        for name in ("catalog-info.yaml", "catalog-info.yml"):
            if _sniff(path / name):
                return True
        for number, file in enumerate(_yaml_files(path)):
            if number >= _DETECT_FILES:
                break
            if _sniff(file):
                return True
        return False
    return path.name.lower().endswith(_SUFFIXES) and _sniff(path)


@dataclass
class _Entity:
    kind: str  # casefolded
    namespace: str
    name: str
    data: Mapping[str, Any]
    document: Document

    @property
    def sid(self) -> str:
        return f"{self.kind}:{self.namespace.casefold()}/{self.name}"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.namespace.casefold(), self.name.casefold())

    @property
    def shown_kind(self) -> str:
        return _SHOWN_KIND.get(self.kind, str(self.data["kind"]))

    @property
    def metadata(self) -> Mapping[str, Any]:
        value = self.data["metadata"]
        return value if isinstance(value, Mapping) else {}

    @property
    def spec(self) -> Mapping[str, Any]:
        value = self.data.get("spec")
        return value if isinstance(value, Mapping) else {}

    def line(self, *path: str | int) -> int:
        return self.document.line_of(path)


@dataclass
class _Catalog:
    """The entities of one source, read file by file, following Locations."""

    source: SourceDraft
    root: Path  # resolved: nothing outside it is read
    entities: list[_Entity] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seen: set[Path] = field(default_factory=set)
    files: int = 0
    through_locations: int = 0
    listed: int = 0  # entries listed by Location patterns, at most MAX_GLOB_ENTRIES
    _queue: deque[tuple[Path, str]] = field(default_factory=deque)

    def read(self, start: Path) -> None:
        if start.is_dir():
            self._queue.extend((file, "folder") for file in _yaml_files(start))
        else:
            self._queue.append((start, "given"))
        while self._queue:
            path, how = self._queue.popleft()
            self._read_file(path, how)

    def _read_file(self, path: Path, how: str) -> None:
        """``how``: ``given``, ``location`` (a Location's target) or ``folder``. A file given
        or named by a Location must be a catalog file; a file found in a folder is read
        only when it holds an entity."""
        try:
            resolved = _resolve(path)
        except _UnfollowableError as error:
            self._unfollowable(path, error, "file")
            return
        if resolved in self.seen:
            return
        self.seen.add(resolved)
        if not resolved.exists():
            self.source.skip("file", "a link that leads nowhere")
            return
        if not resolved.is_relative_to(self.root):
            self.source.skip("file", "a link that leads outside the folder of the source")
            return
        if how == "folder":
            if not resolved.is_file():
                self.source.skip("file", "not a regular file")
                return
            raw, _ = read_source(path)
            if not _is_catalog_text(raw):
                self.source.skip("file", "no Backstage entity in it (not a catalog file)")
                return
        documents = read_yaml_source(path)
        self.files += 1
        self.through_locations += how == "location"
        for document in documents:
            entity = self._entity(document)
            if entity is None:
                continue
            self.entities.append(entity)
            if entity.kind == "location":
                self._follow(entity, resolved.parent)

    def _entity(self, document: Document) -> _Entity | None:
        data = document.data
        if data is None:  # an empty document, as after a trailing '---'
            return None
        if not isinstance(data, Mapping):
            self._problem(document, (), f"an entity is a mapping, not {value_kind(data)}")
            return None
        missing = False
        for key in ("apiVersion", "kind"):
            if not _text(data.get(key)):
                self._problem(document, (key,), f"every entity has {key} (a text)")
                missing = True
        metadata = data.get("metadata")
        if not isinstance(metadata, Mapping):
            self._problem(document, ("metadata",), "every entity has metadata with a name")
            return None
        name = _text(metadata.get("name"))
        if not name:
            self._problem(document, ("metadata", "name"), "every entity has a name (a text)")
            missing = True
        namespace = metadata.get("namespace", _DEFAULT_NAMESPACE)
        if not _text(namespace):
            self._problem(document, ("metadata", "namespace"), "a namespace is a text")
            missing = True
        if "spec" in data and not isinstance(data["spec"], Mapping):
            self._problem(document, ("spec",), f"spec is a mapping, not {value_kind(data['spec'])}")
            missing = True
        if missing:
            return None
        kind = str(data["kind"]).strip().casefold()
        return _Entity(kind, str(namespace).strip(), name, data, document)

    def _problem(self, document: Document, path: FieldPath, message: str) -> None:
        self.problems.append(
            Problem(document.file, document.line_of(path), format_path(path), message)
        )

    def _unfollowable(self, path: Path, error: _UnfollowableError, what: str) -> None:
        """A file found in a folder or by a pattern that cannot be followed: a loop of
        links is skipped, as the estate loader skips it, and named in a note; anything else
        (permission denied, say) is a problem, rather than go on without the file."""
        if error.loop:
            self.source.skip(what, str(error))
            self.source.note(f"skipped {display_path(path)}: {error}")
        else:
            self.problems.append(Problem(display_path(path), 0, "", f"cannot follow: {error}"))

    def _follow(self, location: _Entity, folder: Path) -> None:
        spec = location.spec
        targets: list[tuple[object, FieldPath]] = []
        if "target" in spec:
            targets.append((spec["target"], ("spec", "target")))
        listed = spec.get("targets", [])
        if isinstance(listed, list):
            targets += [(item, ("spec", "targets", i)) for i, item in enumerate(listed)]
        else:
            targets.append((listed, ("spec", "targets")))
        for target, where in targets:
            if not isinstance(target, str) or not target.strip():
                self._problem(location.document, where, "a Location target is a path (a text)")
                continue
            if "\0" in target:
                self._problem(location.document, where, "a Location target holds a NUL character")
                continue
            try:
                paths = self._targets(target.strip(), folder)
            except _UnfollowableError as error:
                shown = abbreviate(target.strip())
                self._problem(location.document, where, f"cannot follow {shown}: {error}")
                continue
            except _TooManyEntriesError:
                self._problem(
                    location.document,
                    where,
                    f"the pattern {abbreviate(target.strip())} lists more than "
                    f"{MAX_GLOB_ENTRIES:,} files and folders (counted over the patterns of "
                    "this source); give narrower patterns or name the files",
                )
                return
            for path in paths:
                self._queue.append((path, "location"))

    def _targets(self, target: str, folder: Path) -> list[Path]:
        skip = self.source.skip
        if _URL.match(target):
            skip("Location target", "a URL: exitplan never reads the network")
            return []
        if _GLOB.search(target):
            return self._pattern_targets(target, folder)
        path = folder / target
        if not _resolve(path).is_relative_to(self.root):
            skip("Location target", "outside the folder of the source")
            return []
        if not path.is_file():
            skip("Location target", "no such file")
            return []
        return [path]

    def _pattern_targets(self, target: str, folder: Path) -> list[Path]:
        skip = self.source.skip
        if Path(target).is_absolute():
            skip("Location target", "an absolute pattern")
            return []
        parts = [part for part in target.split("/") if part not in {"", "."}]
        if any("**" in part and part != "**" for part in parts):
            skip("Location target", "a pattern exitplan cannot follow")
            return []
        if parts.count("**") > 1:
            raise _UnfollowableError(
                "more than one '**' in a pattern (one already matches folders at any depth)"
            )
        found = sorted(self._glob(folder, parts))
        inside: list[Path] = []
        files: list[Path] = []
        for path in found:
            try:
                resolved = _resolve(path)
            except _UnfollowableError as error:
                if not error.loop:
                    raise
                self._unfollowable(path, error, "Location target")
                continue
            if resolved.is_relative_to(self.root):
                inside.append(path)
                if path.is_file():
                    files.append(path)
        outside = len(found) - len(inside)
        if outside:
            skip("Location target", "outside the folder of the source", outside)
        if not found:
            skip("Location target", "no file matches the pattern")
        return files

    def _glob(self, folder: Path, parts: Sequence[str]) -> list[Path]:
        """What the pattern ``parts`` matches under ``folder``, as ``Path.glob`` would,
        except that a wildcard matches no hidden name unless its part starts with a dot
        (as in Backstage) and that every entry listed counts towards ``MAX_GLOB_ENTRIES``.
        ``**`` (at most one) follows no linked folder; a wildcard follows linked folders,
        only as deep as the pattern goes."""
        found = [folder]
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if part == "**":
                found = [under for start in found for under in self._folders_under(start)]
            elif _GLOB.search(part):
                found = [
                    start / entry.name
                    for start in found
                    for entry in self._listed(start)
                    if (part.startswith(".") or not entry.name.startswith("."))
                    and fnmatch.fnmatch(entry.name, part)
                    and (last or _is_folder(entry, links=True))
                ]
            else:
                found = [start / part for start in found]
                if last:
                    found = [path for path in found if os.path.exists(path)]
        return list(dict.fromkeys(found))

    def _folders_under(self, start: Path) -> list[Path]:
        """``start`` and every folder under it, hidden and linked folders left out."""
        folders: list[Path] = []
        stack = [start] if os.path.isdir(start) else []
        while stack:
            current = stack.pop()
            folders.append(current)
            stack += [
                current / entry.name
                for entry in self._listed(current)
                if not entry.name.startswith(".") and _is_folder(entry, links=False)
            ]
        return folders

    def _listed(self, folder: Path) -> list[os.DirEntry[str]]:
        entries = _entries(folder)
        self.listed += len(entries) + 1
        if self.listed > MAX_GLOB_ENTRIES:
            raise _TooManyEntriesError
        return entries


_PLACEHOLDER = "${{"
"""Where a scaffolder template's skeleton (``content/catalog-info.yaml``) puts what the user
fills in: such a file describes no entity of the catalog."""


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


# --- entities → the draft ----------------------------------------------------------------


def read(paths: Sequence[Path], draft: Draft, rules: Rules) -> None:
    seen: set[Path] = set()  # a file that one source read, another does not read again
    for path in paths:
        source = draft.source(display_path(path), NAME)
        root = (path if path.is_dir() else path.parent).resolve()
        catalog = _Catalog(source, root, seen=seen)
        catalog.read(path)
        if catalog.problems:
            raise InvalidInputError(catalog.problems, what="catalog")
        _Mapper(source, rules, catalog.entities).run()
        # What the draft adds at finish (the 'unknown supplier' vendor) is of the source,
        # not of the file read last, which would change with the order of the files.
        source.reading(source.file)
        source.note(
            f"{plural(catalog.files, 'catalog file')} read"
            + (
                f", {catalog.through_locations} through Location targets"
                if catalog.through_locations
                else ""
            )
        )


class _Mapper:
    def __init__(self, source: SourceDraft, rules: Rules, entities: list[_Entity]) -> None:
        self.source = source
        self.rules = rules
        self.entities = entities
        self.by_key: dict[tuple[str, str, str], _Entity] = {}
        for entity in entities:
            self.by_key.setdefault(entity.key, entity)
        self.problems: list[Problem] = []
        """Every reference that is not one, told at once after all are read."""

    def run(self) -> None:
        mapped: list[_Entity] = []
        for entity in self.entities:
            self.source.reading(entity.document.file)
            if entity.kind == "location":
                self.source.read()
                self.source.skip("Location", "a Location: its targets were read instead")
                continue
            if _PLACEHOLDER in entity.name or _PLACEHOLDER in entity.namespace:
                self.source.read()
                self.source.skip(
                    entity.shown_kind,
                    "a software template's skeleton (its name is a ${{ }} placeholder)",
                )
                continue
            first = self.by_key[entity.key]
            if first.sid != entity.sid:  # the same ref to Backstage, which ignores case
                self.source.read()
                self.source.skip(
                    entity.shown_kind,
                    "the same entity as an earlier one whose name differs only in case "
                    "(Backstage ignores case); the first kept",
                )
                mapped.append(entity)  # its relations are the first's
                continue
            rule = self.rules.kinds.get(entity.kind)
            if rule is None:
                self.source.read()
                self.source.skip(entity.shown_kind, "a kind the mapping does not name")
                continue
            if rule.becomes == "skip":
                self.source.read()
                self.source.skip(entity.shown_kind, "skipped by the mapping (kinds)")
            else:
                self._element(entity, rule)
                self._unknown_fields(entity)
            mapped.append(entity)
        for entity in mapped:
            self.source.reading(entity.document.file)
            self._relations(entity)
        if self.problems:
            raise InvalidInputError(self.problems, what="catalog")

    def _element(self, entity: _Entity, rule: KindRule) -> None:
        metadata, spec = entity.metadata, entity.spec
        name = _text(metadata.get("title")) or entity.name
        profile = spec.get("profile")
        if rule.becomes == "organisation" and isinstance(profile, Mapping):
            name = _text(profile.get("displayName")) or name
        default_namespace = entity.namespace.casefold() == _DEFAULT_NAMESPACE
        options: dict[str, Any] = {
            "type": entity.shown_kind,
            "priority": rule.priority,
            "id_hint": entity.name if default_namespace else f"{entity.namespace}-{entity.name}",
            "fields": self._fields(entity, rule),
        }
        if rule.becomes == "component":
            self.source.component(
                entity.sid,
                name,
                delivery=self.rules.delivery.get(_text(spec.get("type")).casefold()),
                vendor=self.source.vendor_from(_properties(metadata)),
                **options,
            )
        else:
            add = {
                "service": self.source.service,
                "capability": self.source.capability,
                "organisation": self.source.organisation,
            }[rule.becomes]
            add(entity.sid, name, **options)
        self.source.place(entity.sid, entity.line("metadata", "name"))

    def _fields(self, entity: _Entity, rule: KindRule) -> dict[str, Any]:
        """Description, note (owner, domain, type, namespace), tags and lifecycle."""
        spec = entity.spec
        description = _text(entity.metadata.get("description"))
        facts = [
            f"{label}: {_text(spec.get(key))}"
            for label, key in (("Owner", "owner"), ("Domain", "domain"), ("Type", "type"))
            if _text(spec.get(key))
        ]
        if entity.namespace.casefold() != _DEFAULT_NAMESPACE:
            facts.append(f"Namespace: {entity.namespace}")
        fields: dict[str, Any] = {}
        if rule.becomes in {"service", "capability"}:
            if description:
                fields["description"] = _cut(description)
            note = "; ".join(facts)
        else:
            note = "\n".join(part for part in (description, "; ".join(facts)) if part)
        if note:
            fields["note"] = _cut(note)
        if rule.becomes in {"component", "service"}:
            tags = self._tags(entity)
            if tags:
                fields["tags"] = tags
        if rule.becomes == "component":
            lifecycle = self.rules.lifecycles.get(_text(spec.get("lifecycle")).casefold())
            if lifecycle is not None:
                fields["lifecycle"] = lifecycle
        return fields

    def _tags(self, entity: _Entity) -> list[str]:
        given = entity.metadata.get("tags")
        if not isinstance(given, list):
            return []
        tags = {slug(tag) for tag in given if isinstance(tag, str)}
        tags.discard("")
        return sorted(tags)

    def _unknown_fields(self, entity: _Entity) -> None:
        known_spec = _SPEC.get(entity.kind)
        places: list[tuple[str, Iterable[Any], Iterable[str] | None]] = [
            ("", entity.data, _ENVELOPE),
            ("metadata.", entity.metadata, _METADATA),
            ("spec.", entity.spec, known_spec),
        ]
        for prefix, values, known in places:
            if known is None:
                continue
            for key in values:
                if key not in known:
                    shown = str(key)[:_LONGEST_FIELD_SHOWN]
                    self.source.skip(
                        f"{entity.shown_kind} field {prefix}{shown}",
                        "a field the import does not use (ignored)",
                    )

    def _relations(self, entity: _Entity) -> None:
        known = _SPEC.get(entity.kind)
        for field_name, rule in sorted(self.rules.relations.items()):
            if field_name not in entity.spec or (known is not None and field_name not in known):
                continue
            value = entity.spec[field_name]
            refs = value if isinstance(value, list) else [value]
            for index, ref in enumerate(refs):
                if not isinstance(ref, str) or not ref.strip():
                    where = (
                        ("spec", field_name, index)
                        if isinstance(value, list)
                        else ("spec", field_name)
                    )
                    self.problems.append(
                        Problem(
                            entity.document.file,
                            entity.document.line_of(where),
                            format_path(where),
                            "an entity reference is a text such as component:default/name",
                        )
                    )
                    continue
                self._relation(entity, field_name, rule, ref.strip())

    def _relation(self, entity: _Entity, field_name: str, rule: RelationRule, ref: str) -> None:
        target = self._resolve(ref, _TARGET_KINDS[field_name], entity.namespace)
        if rule.becomes == "skip":
            self.source.read()
            self.source.skip(field_name, "skipped by the mapping (relations)")
            return
        if target is None:
            self.source.read()
            self.source.skip(field_name, "the entity it names is not in the catalog")
            return
        first = self.by_key[entity.key]  # of the names that differ only in case
        dependent, needed = (target, first) if rule.reverse else (first, target)
        if rule.becomes == "dependency":
            self.source.depends(dependent.sid, needed.sid, type=field_name, strength=rule.strength)
        else:
            self.source.flow(needed.sid, dependent.sid, type=field_name, name=None)

    def _resolve(self, ref: str, kinds: tuple[str, ...], namespace: str) -> _Entity | None:
        """``kind:namespace/name``, ``kind:name``, ``namespace/name`` or ``name``."""
        kind, colon, rest = ref.partition(":")
        if not colon:
            kind, rest = "", ref
        space, slash, name = rest.partition("/")
        if not slash:
            space, name = namespace, rest
        tried = (kind,) if kind else kinds
        for candidate in tried:
            found = self.by_key.get(
                (candidate.strip().casefold(), space.strip().casefold(), name.strip().casefold())
            )
            if found is not None:
                return found
        return None


def _properties(metadata: Mapping[str, Any]) -> dict[str, str]:
    """Labels and annotations as vendor properties: ``acme.com/vendor`` also answers to
    ``vendor``, unless a key ``vendor`` is given itself."""
    found: dict[str, str] = {}
    short: dict[str, str] = {}
    for section in ("labels", "annotations"):
        values = metadata.get(section)
        if not isinstance(values, Mapping):
            continue
        for key, value in values.items():
            if isinstance(key, str) and isinstance(value, str):
                found.setdefault(key, value)
                short.setdefault(key.rsplit("/", 1)[-1], value)
    return {**short, **found}


def _cut(text: str) -> str:
    return text if len(text) <= _LONGEST_NOTE else text[: _LONGEST_NOTE - 1] + "…"


__all__ = [
    "MAX_GLOB_ENTRIES",
    "NAME",
    "TITLE",
    "KindRule",
    "RelationRule",
    "Rules",
    "detect",
    "read",
]
