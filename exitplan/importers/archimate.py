"""ArchiMate models → estate elements: The Open Group's exchange format (the 2.1
namespace with ``<label>``, and 3.0/3.1) and Archi's own ``.archimate`` files (current 4.x/5.x,
legacy 2.x/3.x, and Archi's zipped archive format).

Reading is in two steps. A file is first read into a neutral ``_Model`` (nodes and links in
the current ArchiMate vocabulary: ``UsedByRelationship`` is read as ``Serving``,
``RealisationRelationship`` as ``Realization``, ``InfrastructureService`` as
``TechnologyService``, ...), whichever of the two formats it is in. The model is then mapped
by the tables of ``Rules``: which element type becomes what, and which relation type becomes
a dependency (hard or soft, in which direction), a data flow, a vendor or an alternative.
Junctions are resolved first (a relation into a junction and one out of it become one
relation; behind an OR junction the dependencies form an ``any_of_group``), and accesses to
one data object become flows from its writers to its readers.
"""

from __future__ import annotations

import contextlib
import heapq
import io
import sys
import zipfile
from collections import Counter, defaultdict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NoReturn

from lxml import etree
from pydantic import Field, field_validator

from exitplan.errors import InvalidInputError, Problem, abbreviate, did_you_mean, display_path
from exitplan.importers import rules
from exitplan.importers.draft import Draft, SourceDraft
from exitplan.importers.exported import BadFactError, read_facts
from exitplan.importers.files import (
    RAISE_IT,
    UNPACKING,
    once,
    read_source,
    source_bytes,
    unpacking_failed,
)
from exitplan.importers.rules import RelationRule
from exitplan.importers.xml import line, local, parse_xml
from exitplan.model import (
    Delivery,
    Strength,
)

NAME = "archimate"
TITLE = "ArchiMate: Open Group exchange format (2.1, 3.0, 3.1) and Archi .archimate files"

EXCHANGE_NAMESPACES = frozenset(
    {
        "http://www.opengroup.org/xsd/archimate",  # 2.1
        "http://www.opengroup.org/xsd/archimate/3.0/",
        "http://www.opengroup.org/xsd/archimate/3.1/",
    }
)
ARCHI_NAMESPACE = "http://www.archimatetool.com/archimate"
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_HEAD_BYTES = 4096

Kind = Literal["component", "service", "capability", "organisation", "vendor", "skip"]

# --- the vocabulary ---------------------------------------------------------------------------

_SYNONYMS = {
    # Archi 2.x/3.x and ArchiMate 2 names, and British spellings, in the ArchiMate 3.1 words
    "UsedBy": "Serving",
    "Realisation": "Realization",
    "Specialisation": "Specialization",
    "InfrastructureService": "TechnologyService",
    "InfrastructureInterface": "TechnologyInterface",
    "InfrastructureFunction": "TechnologyFunction",
    "InfrastructureProcess": "TechnologyProcess",
    "InfrastructureEvent": "TechnologyEvent",
    "InfrastructureInteraction": "TechnologyInteraction",
    "Network": "CommunicationNetwork",
    "CommunicationPath": "Path",
    "Junction": "AndJunction",
    "BusinessActivity": "BusinessProcess",
}


def normal_type(raw: str) -> str:
    """A type in the ArchiMate 3.1 vocabulary, whatever tool or version wrote it.

    >>> normal_type("archimate:UsedByRelationship"), normal_type("InfrastructureService")
    ('Serving', 'TechnologyService')
    """
    name = raw.rsplit(":", 1)[-1].strip()
    if name.endswith("Relationship") and name != "Relationship":
        name = name[: -len("Relationship")]
    return _SYNONYMS.get(name, name)


# Why each family of element types is left out by default (shown in the summary).
_ACTOR = "business actor or role: becomes the vendor of a component it serves or is assigned to"
WHY_SKIPPED: dict[str, str] = {
    **dict.fromkeys(
        (
            "Stakeholder",
            "Driver",
            "Assessment",
            "Goal",
            "Outcome",
            "Principle",
            "Requirement",
            "Constraint",
            "Meaning",
            "Value",
        ),
        "motivation element: why the architecture is so, not what runs",
    ),
    **dict.fromkeys(
        ("Resource", "CourseOfAction", "ValueStream"),
        "strategy element: not something a vendor provides",
    ),
    **dict.fromkeys(
        (
            "BusinessProcess",
            "BusinessFunction",
            "BusinessInteraction",
            "BusinessEvent",
            "ApplicationProcess",
            "ApplicationFunction",
            "ApplicationInteraction",
            "ApplicationEvent",
            "TechnologyProcess",
            "TechnologyFunction",
            "TechnologyInteraction",
            "TechnologyEvent",
        ),
        "behaviour: what an element does, not something that can be withdrawn",
    ),
    **dict.fromkeys(
        ("BusinessInterface", "ApplicationInterface", "TechnologyInterface"),
        "interface: a part of the component that offers it",
    ),
    **dict.fromkeys(
        ("ApplicationCollaboration", "TechnologyCollaboration"),
        "collaboration: a temporary grouping of components",
    ),
    **dict.fromkeys(
        ("BusinessObject", "DataObject", "Contract", "Representation", "Artifact", "Material"),
        "passive object: becomes the asset of the data flows that access it",
    ),
    "Product": "business product: what is sold, not what runs",
    **dict.fromkeys(("BusinessActor", "BusinessRole", "BusinessCollaboration"), _ACTOR),
    **dict.fromkeys(
        ("Plateau", "Gap", "WorkPackage", "Deliverable", "ImplementationEvent"),
        "migration element: reported, not simulated",
    ),
    "Location": "location: not simulated (give countries in data_at_rest and processing)",
    "Grouping": "grouping: a drawing aid, not an element",
}
_MIGRATION = frozenset({"Plateau", "Gap", "WorkPackage", "Deliverable", "ImplementationEvent"})
_ACTORS = frozenset({"BusinessActor", "BusinessRole", "BusinessCollaboration"})
_JUNCTIONS = frozenset({"AndJunction", "OrJunction"})
_VIEWS = frozenset({"ArchimateDiagramModel", "SketchModel", "CanvasModel", "DiagramModel"})

DEFAULT_ELEMENTS: dict[str, Kind] = {
    **dict.fromkeys(
        (
            "ApplicationComponent",
            "Node",
            "Device",
            "SystemSoftware",
            "Equipment",
            "Facility",
            "CommunicationNetwork",
            "Path",
            "DistributionNetwork",
        ),
        "component",
    ),
    **dict.fromkeys(("ApplicationService", "TechnologyService", "BusinessService"), "service"),
    "Capability": "capability",
    **dict.fromkeys(WHY_SKIPPED, "skip"),
}

DEFAULT_THROUGH: tuple[str, ...] = tuple(
    f"{layer}{what}"
    for layer in ("Business", "Application", "Technology")
    for what in ("Process", "Function", "Interaction", "Interface")
)
"""Element types that dependencies are derived through (behaviour and interfaces)."""

_LONGEST_DERIVATION = 6  # relations in one derived chain
_MOST_DERIVED = 250_000
"""Dependencies derived through behaviour and interfaces, per model. One function that 600
components are assigned to and that realises 600 services gave 360,000 of them: 73 MB of
estate from 200 KB of model, 1.5 GB while importing, and 1,500 of each ran out of memory
(helper-78). No model needs so many: they are refused, naming the element most of them
go through."""
_WHOLE_PART = frozenset({"Composition", "Aggregation"})
_INTERFACES = frozenset({"BusinessInterface", "ApplicationInterface", "TechnologyInterface"})

DEFAULT_RELATIONS: dict[str, RelationRule] = {
    "Serving": RelationRule(becomes="dependency", strength=Strength.HARD, reverse=True),
    "Realization": RelationRule(becomes="dependency", strength=Strength.HARD, reverse=True),
    "Assignment": RelationRule(becomes="dependency", strength=Strength.HARD, reverse=True),
    "Access": RelationRule(becomes="data_flow"),
    "Flow": RelationRule(becomes="data_flow"),
    "Triggering": RelationRule(becomes="data_flow"),
    "Association": RelationRule(becomes="dependency", strength=Strength.SOFT),
    "Aggregation": RelationRule(becomes="dependency", strength=Strength.SOFT),
    "Composition": RelationRule(becomes="dependency", strength=Strength.SOFT),
    "Influence": RelationRule(becomes="skip"),
    "Specialization": RelationRule(becomes="alternative"),
}


def _merged(defaults: Mapping[str, Any], given: object) -> object:
    if not isinstance(given, Mapping):
        return given  # pydantic says what is wrong with it
    return {**defaults, **{normal_type(str(key)): value for key, value in given.items()}}


class Rules(rules.Rules):
    """The ``archimate`` section of the mapping file. Types are ArchiMate 3.1 names; older
    and British spellings (``UsedBy``, ``Realisation``, ``InfrastructureService``,
    ``Network``) are read as the current ones. A mapping file lists only what it changes."""

    elements: dict[str, Kind] = Field(
        default_factory=lambda: dict(DEFAULT_ELEMENTS),
        description="What each element type becomes: component, service, capability, "
        "organisation, vendor or skip. Defaults: application components, nodes, devices, "
        "system software, equipment, facilities, networks and paths → component; "
        "application, technology and business services → service; Capability → "
        "capability; everything else is skipped and counted with its reason (motivation, "
        "strategy, behaviour, interfaces, passive objects, actors and roles, migration "
        "elements, locations, groupings). A business actor or role that is skipped still "
        "names the vendor of a component it serves or is assigned to (vendors.actors). "
        "A type not listed is skipped. Junctions are always resolved, never mapped.",
    )
    relations: dict[str, RelationRule] = Field(
        default_factory=lambda: dict(DEFAULT_RELATIONS),
        description="What each relation type becomes. Defaults: Serving, Realization and "
        "Assignment → hard dependency of the target on the source (reverse: X serves Y, so Y "
        "needs X); Association, Aggregation and Composition → soft dependency of the source "
        "on the target (the whole needs its parts), kept only between components and "
        "services; Access → data flows from each writer of a data object to each of its "
        "readers, the object's name as the asset; Flow and Triggering → a data flow from "
        "source to target; Specialization → an alternative: the source (the specialised "
        "successor) is a candidate for the target; Influence → skipped. A relation "
        "from a business actor or role to a component that is a dependency or 'vendor' makes "
        "the actor its vendor. 'reverse' turns a data flow around as well.",
    )

    derive_through: tuple[str, ...] = Field(
        default=DEFAULT_THROUGH,
        description="Element types that dependencies are derived through, as ArchiMate "
        "derives chains of serving, realization and assignment: a component assigned to an "
        "application function that realises a service gives the service a dependency on the "
        "component; a business service realised by a process that an application service "
        "serves depends on that application service. A derived dependency is hard only when "
        "every relation of its chain is (else soft), is assumed, and is made only where no "
        "direct relation joins the two. Default: the processes, functions, interactions and "
        "interfaces of the three layers; an empty list turns derivation off.",
    )

    @field_validator("derive_through", mode="before")
    @classmethod
    def _through_in_current_names(cls, given: object) -> object:
        """Each a known element type, in ArchiMate 3's name; anything else is refused (a
        misspelt or non-text entry quietly derived less)."""
        if not isinstance(given, list | tuple):
            return given
        found: list[object] = []
        for kind in given:
            if not isinstance(kind, str):  # the field's type says what is wrong with it
                found.append(kind)
                continue
            name = normal_type(kind)
            if name not in DEFAULT_ELEMENTS:
                hint = did_you_mean(name, sorted(DEFAULT_ELEMENTS))
                raise ValueError(f"{abbreviate(kind)} is not an ArchiMate element type{hint}")
            found.append(name)
        return tuple(found)

    @field_validator("elements", mode="before")
    @classmethod
    def _elements_over_defaults(cls, given: object) -> object:
        return _merged(DEFAULT_ELEMENTS, given)

    @field_validator("relations", mode="before")
    @classmethod
    def _relations_over_defaults(cls, given: object) -> object:
        return _merged(DEFAULT_RELATIONS, given)


# --- the neutral model ------------------------------------------------------------------------


@dataclass
class _Node:
    sid: str
    type: str
    name: str
    line: int
    documentation: str = ""
    properties: dict[str, str] = field(default_factory=dict)
    or_junction: bool = False
    specialisations: tuple[str, ...] = ()
    """The names of Archi's specialisations (profiles) of the element, kept in its note."""


@dataclass
class _Link:
    sid: str
    type: str
    source: str
    target: str
    line: int
    name: str = ""
    access: str = "write"  # read, write, readwrite, access (unspecified) or UNSTATED
    properties: dict[str, str] = field(default_factory=dict)


@dataclass
class _Model:
    file: str
    nodes: dict[str, _Node] = field(default_factory=dict)
    links: dict[str, _Link] = field(default_factory=dict)
    views: int = 0
    properties: dict[str, str] = field(default_factory=dict)  # of the model itself
    line: int = 0  # where its properties are
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (type, sid)
    profiles: dict[str, str] = field(default_factory=dict)  # Archi's specialisations by id

    def add_node(self, node: _Node) -> None:
        if node.sid in self.nodes or node.sid in self.links:
            self.duplicates.append((node.type, node.sid))
        else:
            self.nodes[node.sid] = node

    def add_link(self, link: _Link) -> None:
        if link.sid in self.nodes or link.sid in self.links:
            self.duplicates.append((link.type, link.sid))
        else:
            self.links[link.sid] = link


def _problem(file: str, element: etree._Element | None, where: str, message: str) -> Problem:
    return Problem(file, line(element) if element is not None else 0, where, message)


def _refuse(file: str, element: etree._Element | None, where: str, message: str) -> NoReturn:
    raise InvalidInputError([_problem(file, element, where, message)], what="source")


class _RejectedError(Exception):
    """One element or relationship the model cannot hold: told with every other."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _reject(file: str, element: etree._Element | None, where: str, message: str) -> NoReturn:
    raise _RejectedError(_problem(file, element, where, message))


def _refused_together(problems: list[Problem]) -> None:
    if problems:
        raise InvalidInputError(problems, what="source")


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return "".join(str(piece) for piece in element.itertext()).strip()


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if local(child.tag) == name]


def _parts(element: etree._Element) -> dict[str, etree._Element]:
    """The first child of each name, in one pass (a model has tens of thousands of these)."""
    first: dict[str, etree._Element] = {}
    for child in element:
        tag = child.tag
        if isinstance(tag, str):
            first.setdefault(tag[tag.rfind("}") + 1 :], child)
    return first


def _child(element: etree._Element, *names: str) -> etree._Element | None:
    """The first child called one of ``names`` (in the order of ``names``)."""
    first: dict[str, etree._Element] = {}
    for child in element:
        first.setdefault(local(child.tag), child)
    for name in names:
        if name in first:
            return first[name]
    return None


def _attribute(element: etree._Element, name: str) -> str:
    value = element.get(name)
    return value.strip() if isinstance(value, str) else ""


_ACCESS_WORDS = {
    # exchange format words and Archi's numbers (absent = write in both)
    "write": "write",
    "0": "write",
    "read": "read",
    "1": "read",
    "access": "access",
    "2": "access",
    "readwrite": "readwrite",
    "3": "readwrite",
}


UNSTATED = "unstated"
"""An access of the exchange format with no ``accessType``: its schema's default is
unspecified (``Access``), yet Sparx and ARIS write none for every access. It is read as
a write, as Archi reads an access with no type, and the flow it gives is marked assumed."""


def _access(element: etree._Element, absent: str = "write") -> str:
    given = _attribute(element, "accessType").casefold()
    return _ACCESS_WORDS.get(given, "access") if given else absent


# --- the exchange format ----------------------------------------------------------------------


def _exchange(root: etree._Element, file: str) -> _Model:
    model = _Model(file)
    names = _property_names(root)
    problems: list[Problem] = []
    for section in root:
        what = local(section.tag)
        if what == "elements":
            for element in _children(section, "element"):
                try:
                    _exchange_element(model, element, names)
                except _RejectedError as rejected:
                    problems.append(rejected.problem)
        elif what == "relationships":
            for element in _children(section, "relationship"):
                try:
                    _exchange_relationship(model, element, names)
                except _RejectedError as rejected:
                    problems.append(rejected.problem)
        elif what in {"views", "diagrams"}:
            model.views += sum(1 for e in section.iter() if local(e.tag) in {"view", "diagram"})
        elif what == "properties":
            try:
                model.properties = _exchange_properties(section, names, file)
            except _RejectedError as rejected:
                problems.append(rejected.problem)
            model.line = line(section)
    _refused_together(problems)
    for node in model.nodes.values():
        if node.type == "AndJunction" and node.properties.get("JunctionType", "").casefold() in {
            "or",
            "orjunction",
        }:
            node.type = "OrJunction"  # how the 2.1 exchange format says it
        node.or_junction = node.type == "OrJunction"
    return model


def _exchange_element(model: _Model, element: etree._Element, names: Mapping[str, str]) -> None:
    sid, kind = _identity(element, model.file, "element")
    parts = _parts(element)
    model.add_node(
        _Node(
            sid,
            kind,
            _text(parts.get("name", parts.get("label"))),
            line(element),
            _text(parts.get("documentation")),
            _exchange_properties(parts.get("properties"), names, model.file),
        )
    )


def _exchange_relationship(
    model: _Model, element: etree._Element, names: Mapping[str, str]
) -> None:
    sid, kind = _identity(element, model.file, "relationship")
    source, target = _ends(element, model.file)
    parts = _parts(element)
    model.add_link(
        _Link(
            sid,
            kind,
            source,
            target,
            line(element),
            _text(parts.get("name", parts.get("label"))),
            _access(element, UNSTATED),
            _exchange_properties(parts.get("properties"), names, model.file),
        )
    )


def _property_names(root: etree._Element) -> dict[str, str]:
    """Property definition id → name (3.x ``propertyDefinitions``; 2.1 ``propertydefs``)."""
    names: dict[str, str] = {}
    for section in root:
        if local(section.tag).casefold() not in {"propertydefinitions", "propertydefs"}:
            continue
        for definition in section:
            sid = _attribute(definition, "identifier")
            name = _attribute(definition, "name") or _text(_child(definition, "name"))
            if sid:
                names[sid] = name or sid
    return names


def _exchange_properties(
    holder: etree._Element | None, names: Mapping[str, str], file: str
) -> dict[str, str]:
    found: dict[str, str] = {}
    for prop in _children(holder, "property") if holder is not None else ():
        ref = _attribute(prop, "propertyDefinitionRef") or _attribute(prop, "identifierref")
        _keep(found, names.get(ref, ref), _text(_child(prop, "value")), file, prop)
    return found


def _keep(found: dict[str, str], key: str, value: str, file: str, prop: etree._Element) -> None:
    """A property read: the first of a key is kept (Archi lets a key repeat), but one of
    exitplan's own given twice with two values is a question only the author can answer."""
    if not key:
        return
    if key not in found:
        found[key] = value
    elif key.startswith("exitplan-") and found[key] != value:
        _reject(
            file,
            prop,
            key,
            f"given twice, as {abbreviate(found[key])} and {abbreviate(value)}; "
            "keep the one that is meant",
        )


def _identity(element: etree._Element, file: str, what: str) -> tuple[str, str]:
    sid = _attribute(element, "identifier") or _attribute(element, "id")
    kind = _attribute(element, _XSI_TYPE)
    if not sid:
        _reject(file, element, what, f"an {what} without an identifier")
    if not kind:
        _reject(file, element, what, f"{what} {sid!r} has no xsi:type")
    return sid, normal_type(kind)


def _ends(element: etree._Element, file: str) -> tuple[str, str]:
    source, target = _attribute(element, "source"), _attribute(element, "target")
    if not source or not target:
        missing = " and ".join(n for n, v in (("source", source), ("target", target)) if not v)
        sid = _attribute(element, "identifier") or _attribute(element, "id")
        _reject(file, element, "relationship", f"relationship {sid!r} has no {missing}")
    return source, target


# --- Archi's own format -----------------------------------------------------------------------


def _archi(root: etree._Element, file: str) -> _Model:
    model = _Model(file)
    for profile in root:  # after the folders in the file; named by the elements before them
        if local(profile.tag) == "profile" and profile.get("id"):
            model.profiles[str(profile.get("id"))] = _attribute(profile, "name")
    pending = list(reversed(list(root)))
    problems: list[Problem] = []
    while pending:
        element = pending.pop()
        what = local(element.tag)
        if what == "folder":
            pending.extend(reversed(list(element)))
            continue
        try:
            _archi_item(model, root, element, what)
        except _RejectedError as rejected:
            problems.append(rejected.problem)
    _refused_together(problems)
    return model


def _archi_item(model: _Model, root: etree._Element, element: etree._Element, what: str) -> None:
    """One child of an Archi model or of its folders: a property of the model, an element
    or relationship, or a view; anything else is passed by."""
    file = model.file
    if what == "property" and element.getparent() is root:  # of the model itself
        _keep(
            model.properties,
            _attribute(element, "key"),
            _attribute(element, "value"),
            file,
            element,
        )
        model.line = model.line or line(element)  # where the model's properties start
        return
    if what != "element":
        return  # the model's own documentation, properties, profiles, images
    sid, kind = _identity(element, file, "element")
    if kind in _VIEWS or local(_attribute(element, _XSI_TYPE)) in _VIEWS:
        model.views += 1
        return
    name = _attribute(element, "name") or _text(_child(element, "name"))
    documentation = _attribute(element, "documentation") or _text(_child(element, "documentation"))
    properties: dict[str, str] = {}
    for prop in _children(element, "property"):
        _keep(properties, _attribute(prop, "key"), _attribute(prop, "value"), file, prop)
    if (
        element.get("source") is not None
        or element.get("target") is not None
        or (kind in DEFAULT_RELATIONS)
    ):
        source, target = _ends(element, file)
        model.add_link(
            _Link(sid, kind, source, target, line(element), name, _access(element), properties)
        )
    else:
        or_junction = kind == "OrJunction" or (
            kind == "AndJunction" and _attribute(element, "type").casefold() == "or"
        )
        profiles = _attribute(element, "profiles").split()
        model.add_node(
            _Node(
                sid,
                "OrJunction" if or_junction else kind,
                name,
                line(element),
                documentation,
                properties,
                or_junction,
                tuple(model.profiles.get(p) or p for p in profiles),
            )
        )


# --- reading files ----------------------------------------------------------------------------


def _root_of(raw: bytes, file: str) -> etree._Element:
    """The root element; Archi's zipped archive format holds the model as ``model.xml``."""
    if raw.startswith(b"PK\x03\x04"):
        limit = source_bytes()
        too_large = f"the model in this archive unpacks to more than the limit of {limit:,} bytes"
        too_large += RAISE_IT
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                info = archive.getinfo("model.xml")
                if info.file_size > limit:
                    _refuse(file, None, "", too_large)
                with archive.open(info) as member:
                    raw = member.read(min(limit, sys.maxsize - 1) + 1)
        except UNPACKING as error:
            _refuse(file, None, "", f"not an Archi model archive: {unpacking_failed(error)}")
        if len(raw) > limit:
            _refuse(file, None, "", too_large)
    return parse_xml(raw, file)


def _which(root: etree._Element) -> str | None:
    qname = etree.QName(root)
    if qname.localname == "model" and qname.namespace in EXCHANGE_NAMESPACES:
        return "exchange"
    if qname.localname == "model" and qname.namespace == ARCHI_NAMESPACE:
        return "archi"
    return None


_GRAFICO_ROOTS = frozenset({"ArchimateModel", "Folder"})
"""The root elements of the files of a model kept by coArchi (its Grafico folders)."""
GRAFICO = (
    "a part of an Archi model kept by coArchi (Grafico: one file per element, in folders), "
    "which is not read: open the model in Archi and save it as an .archimate file, or "
    "export it to an exchange file (File → Export → Model to Open Exchange File), and "
    "import that"
)


def _grafico(path: Path, root: etree._Element) -> bool:
    """Whether ``root`` is of a file of a coArchi model: its own roots, or the model's
    ``folder.xml`` with the folders of its elements beside it."""
    qname = etree.QName(root)
    if qname.namespace != ARCHI_NAMESPACE:
        return False
    if qname.localname in _GRAFICO_ROOTS:
        return True
    if path.name != "folder.xml" or len(root):
        return False
    with contextlib.suppress(OSError):
        return any((d / "folder.xml").is_file() for d in path.parent.iterdir() if d.is_dir())
    return False


def load(path: Path) -> _Model:
    """The ArchiMate model in the file at ``path``, in the neutral vocabulary."""
    raw, file = read_source(path)
    root = _root_of(raw, file)
    if _grafico(path, root):
        _refuse(file, root, "", GRAFICO)
    which = _which(root)
    if which is None:
        _refuse(
            file,
            root,
            "",
            f"not an ArchiMate model: the root element is <{local(root.tag)}> in namespace "
            f"{etree.QName(root).namespace or '(none)'}, not <model> of the Open Group "
            "exchange format or <archimate:model> of Archi",
        )
    return _exchange(root, file) if which == "exchange" else _archi(root, file)


def detect(path: Path) -> bool:
    """Whether ``path`` is an ArchiMate model (or a folder holding one), judged from the
    root element in its first few kilobytes."""
    if path.is_dir():
        try:
            return any(detect(child) for child in _model_files(path))
        except OSError:
            return False
    if not path.is_file():
        return False  # a FIFO or a device would block or never end; reading refuses them
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return False
    if head.startswith(b"PK\x03\x04"):
        return path.suffix.casefold() == ".archimate"
    parser = etree.XMLPullParser(
        events=("start",), resolve_entities=False, no_network=True, load_dtd=False
    )
    # A fault after the root element (a control character in a name) is for the reader
    # to tell with its line: the root already says what the file is.
    with contextlib.suppress(etree.XMLSyntaxError):
        parser.feed(head)
    try:
        for _event, root in parser.read_events():
            return isinstance(root, etree._Element) and (
                _which(root) is not None
                or (
                    etree.QName(root).namespace == ARCHI_NAMESPACE
                    and etree.QName(root).localname in _GRAFICO_ROOTS
                )
            )
    except etree.XMLSyntaxError:
        return False
    return False


def _model_files(folder: Path) -> list[Path]:
    return sorted(
        (p for p in folder.iterdir() if p.suffix.casefold() in {".xml", ".archimate"}),
        key=lambda p: p.name,
    )


def read(paths: Sequence[Path], draft: Draft, rules: Rules) -> None:
    """Read every ArchiMate file of ``paths`` (a folder: its ArchiMate files) into ``draft``."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(child for child in _model_files(path) if detect(child))
        else:
            files.append(path)
    for path in once(sorted(files, key=display_path)):
        model = load(path)
        _Mapper(model, draft.source(model.file, NAME), draft, rules).run()


# --- mapping ----------------------------------------------------------------------------------

_EXITPLAN_KINDS = {"component", "service", "capability", "organisation", "vendor"}
_LONGEST_DOCUMENTATION = 1000
_LONGEST_NOTE = 4000
_NAMED_MIGRATION = 20


def _short(text: str, longest: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= longest else text[: longest - 1].rstrip() + "…"


@dataclass(frozen=True)
class _Edge:
    """A relation after junctions are resolved."""

    sid: str
    type: str
    source: str
    target: str
    link: _Link
    group: str | None = None


_JOINED_IN_FULL = 5  # relations joined through junctions whose ids are all shown
_MOST_JUNCTION_WORK = 1_000_000  # relations followed and joined through junctions, per model


@dataclass(frozen=True)
class _Way:
    """How a junction leads to one element: the OR group on the way, the number of
    relations followed, the last of them, and the ids of all of them when there are few."""

    group: str | None
    relations: int
    last: _Link
    ids: tuple[str, ...] | None

    def joined(self, first: _Link) -> str:
        """The id of the relation from ``first`` to the element: the ids joined by ``+``,
        or (on a long way) the first and the last with the number between, so that the id
        stays short however many junctions it passes."""
        if self.ids is not None:
            return "+".join((first.sid, *self.ids))
        return f"{first.sid}+({self.relations - 1} more)+{self.last.sid}"


@dataclass
class _Ways:
    """Where a junction leads (by relations of one type): the way to each element, the
    relations of another type that leave the junctions passed, and the relations looked at."""

    targets: dict[str, _Way] = field(default_factory=dict)
    mixed: int = 0
    steps: int = 0


def _ids(last: _Link, came_by: Mapping[str, _Link | None]) -> tuple[str, ...] | None:
    """The ids of the relations from the first junction to ``last``, following the
    relation each junction was reached by; None when they are more than can be shown."""
    ids = [last.sid]
    step = came_by[last.source]
    while step is not None:
        if len(ids) + 1 >= _JOINED_IN_FULL:
            return None
        ids.append(step.sid)
        step = came_by[step.source]
    return tuple(reversed(ids))


class _Mapper:
    """Applies the mapping tables to one model."""

    def __init__(self, model: _Model, source: SourceDraft, draft: Draft, rules: Rules) -> None:
        self.model = model
        self.source = source
        self.draft = draft
        self.rules = rules
        self.kinds: dict[str, str] = {}  # sid -> what it became (or "skip", "junction")
        self.vendors: dict[str, str] = {}  # sid of an element mapped to vendor -> vendor key

    def run(self) -> None:
        self._header()
        for node in self.model.nodes.values():
            self.source.place(node.sid, node.line)
        for link in self.model.links.values():
            self.source.place(link.sid, link.line)
        nodes = sorted(self.model.nodes.values(), key=lambda n: n.sid)
        vendors = [n for n in nodes if self._kind(n) == "vendor"]
        for node in vendors + [n for n in nodes if self._kind(n) != "vendor"]:
            self._element(node)  # vendors first, so that a component naming one finds it
        for kind, _sid in sorted(self.model.duplicates):
            self.source.skip(kind, "the same id appears twice in the source; the first kept")
        self._migration()
        edges = self._edges()
        self._relations(edges)
        self._plateaus()
        if self.model.views:
            self.source.skip(
                "view", "views and diagrams draw the model; the model is read", self.model.views
            )
        # Read = what the file holds, counted once (the draft counts its adders, and an
        # access to a data object can give several flows).
        self.source.account.read = (
            len(self.model.nodes)
            + len(self.model.links)
            + len(self.model.duplicates)
            + self.model.views
        )

    # --- elements ------------------------------------------------------------------------------

    def _element(self, node: _Node) -> None:
        if node.type in _JUNCTIONS:
            self.kinds[node.sid] = "junction"
            self.source.skip(node.type, "junction: the relations through it are joined")
            return
        properties = node.properties
        kind = self._kind(node)
        self.kinds[node.sid] = kind
        if kind == "skip":
            why = WHY_SKIPPED.get(node.type, "a type the mapping does not keep")
            if node.type in DEFAULT_ELEMENTS and DEFAULT_ELEMENTS[node.type] != "skip":
                why = "skipped by the mapping file"
            self.source.skip(node.type, why)
            return
        if kind == "vendor":
            self.vendors[node.sid] = self.source.vendor(
                node.name or node.sid,
                sid=node.sid,
                type=node.type,
                fields={**self._note(node), **self._facts(kind, node)},
                id_hint=properties.get("exitplan-id", "").strip() or None,
                assumed=self._assumed(node),
            )
            return
        options: dict[str, Any] = {
            "type": node.type,
            "fields": {**self._note(node), **self._facts(kind, node)},
            "id_hint": properties.get("exitplan-id") or None,
            "exact_id": bool(properties.get("exitplan-id")),
            "assumed": self._assumed(node),
        }
        if kind == "component":
            # exitplan's export names the vendors on Associations with their roles, and
            # the Vendor property beside them only for reading
            exported = "exitplan-vendors" in properties
            vendor = None if exported else self.source.vendor_from(properties)
            self.source.component(
                node.sid,
                node.name,
                delivery=self._delivery(node),
                vendor=vendor,
                **options,
            )
        elif kind == "service":
            self.source.service(node.sid, node.name, **options)
        elif kind == "capability":
            self.source.capability(node.sid, node.name, **options)
        else:
            self.source.organisation(node.sid, node.name, **options)

    def _kind(self, node: _Node) -> str:
        """What an element becomes: what ``exitplan-kind`` says, else what its type does."""
        wanted = node.properties.get("exitplan-kind", "").strip().casefold()
        if wanted in _EXITPLAN_KINDS:
            return wanted
        if wanted:
            raise InvalidInputError(
                [
                    Problem(
                        self.model.file,
                        node.line,
                        "exitplan-kind",
                        f"element {node.sid!r}: {_short(wanted, 60)!r} is not one of "
                        + ", ".join(sorted(_EXITPLAN_KINDS)),
                    )
                ],
                what="source",
            )
        return self.rules.elements.get(node.type, "skip")

    def _assumed(self, what: _Node | _Link) -> bool:
        """Whether ``exitplan-assumed`` says so."""
        return bool(self._facts("marks", what).get("assumed", False))

    def _header(self) -> None:
        """What a model exitplan exported says of the estate itself."""
        self.source.header(self._facts("estate", self.model))

    def _facts(self, kind: str, what: _Node | _Link | _Model) -> dict[str, Any]:
        """What the ``exitplan-*`` properties of an element, a relation or the model say
        of it."""
        try:
            return read_facts(kind, what.properties)
        except BadFactError as error:
            said = f"{_short(error.given, 60)!r} is not {error.what}"
            if isinstance(what, _Model):
                noun = "the model"
            else:
                noun = f"{'element' if isinstance(what, _Node) else 'relation'} {what.sid!r}"
            raise InvalidInputError(
                [
                    Problem(
                        self.model.file,
                        what.line,
                        error.key,
                        f"{noun}: {error.message or said}",
                    )
                ],
                what="source",
            ) from None

    def _delivery(self, node: _Node) -> Delivery | None:
        given = node.properties.get("exitplan-delivery", "").strip()
        if not given:
            return None
        try:
            return Delivery(given.casefold())
        except ValueError:
            known = ", ".join(d.value for d in Delivery)
            raise InvalidInputError(
                [
                    Problem(
                        self.model.file,
                        node.line,
                        "exitplan-delivery",
                        f"element {node.sid!r}: delivery {given!r} is not one of {known}",
                    )
                ],
                what="source",
            ) from None

    def _note(self, node: _Node) -> dict[str, Any]:
        """Documentation and the properties exitplan does not read, as a note."""
        vendor_keys = {name.casefold() for name in self.draft.rules.vendors.properties}
        shown = [
            f"{key}={_short(value, 200)}"
            for key, value in sorted(node.properties.items())
            if not key.casefold().startswith("exitplan-") and key.casefold() not in vendor_keys
        ]
        parts = []
        if node.documentation.strip():
            parts.append(_short(node.documentation, _LONGEST_DOCUMENTATION))
        if node.specialisations:  # helper-98: dropped without a trace
            parts.append(
                "Specialization: " + "; ".join(_short(s, 200) for s in node.specialisations)
            )
        if shown:
            parts.append("Properties: " + "; ".join(shown))
        note = "\n".join(parts)
        if len(note) > _LONGEST_NOTE:
            note = note[: _LONGEST_NOTE - 1] + "…"
        return {"note": note} if note else {}

    def _migration(self) -> None:
        found = sorted(
            (node.type, node.name or node.sid)
            for node in self.model.nodes.values()
            if node.type in _MIGRATION
        )
        if not found:
            return
        named = ", ".join(f"{kind} {name!r}" for kind, name in found[:_NAMED_MIGRATION])
        more = len(found) - _NAMED_MIGRATION
        tail = f" and {more} more" if more > 0 else ""
        self.source.note(f"Migration elements, reported and not simulated: {named}{tail}.")

    # --- relations -----------------------------------------------------------------------------

    def _edges(self) -> list[_Edge]:
        """Every relation with junctions resolved; relations to ids the file does not hold,
        or to another relation, are counted as skipped here."""
        into: dict[str, list[_Link]] = defaultdict(list)
        out_of: dict[str, list[_Link]] = defaultdict(list)
        edges: list[_Edge] = []
        for link in sorted(self.model.links.values(), key=lambda li: li.sid):
            ends = (link.source, link.target)
            if any(end in self.model.links for end in ends):
                self.source.skip(link.type, "a relation to or from another relation")
                continue
            if any(end not in self.model.nodes for end in ends):
                self.source.skip(link.type, "refers to an element that is not in the file")
                continue
            if self.kinds.get(link.target) == "junction":
                into[link.target].append(link)
            if self.kinds.get(link.source) == "junction":
                out_of[link.source].append(link)
            if "junction" not in {self.kinds.get(link.source), self.kinds.get(link.target)}:
                edges.append(_Edge(link.sid, link.type, link.source, link.target, link))
        ways: dict[tuple[str, str], _Ways] = {}  # (junction, relation type) -> where it leads
        work = 0
        for link in (li for links in into.values() for li in links):
            if self.kinds.get(link.source) == "junction":
                continue  # a junction feeding a junction: joined from its first feeder
            key = (link.target, link.type)
            if key not in ways:
                ways[key] = self._through(link.target, link.type, out_of)
                work += ways[key].steps
            found = ways[key]
            if found.mixed:
                self.source.skip(
                    link.type, "relations of different types meet at a junction", found.mixed
                )
            work += len(found.targets)
            if work > _MOST_JUNCTION_WORK:
                junction = self.model.nodes[link.target]
                raise InvalidInputError(
                    [
                        Problem(
                            self.model.file,
                            junction.line,
                            "junction",
                            f"junction {junction.sid!r}: the junctions of this model join "
                            f"relations more than {_MOST_JUNCTION_WORK:,} times; no model "
                            "needs that many",
                        )
                    ],
                    what="source",
                )
            for target, way in found.targets.items():
                edges.append(
                    _Edge(way.joined(link), link.type, link.source, target, link, way.group)
                )
        return edges

    def _through(self, junction: str, kind: str, out_of: Mapping[str, list[_Link]]) -> _Ways:
        """Where a relation of type ``kind`` into ``junction`` leads: each element reached
        through junctions by relations of that type, by the shortest way (of two as short,
        the one whose relation ids come first), with the OR group of the first OR junction
        on it. One breadth-first search: each junction is passed once, so a long chain or a
        lattice of junctions costs its number of relations."""
        came_by: dict[str, _Link | None] = {junction: None}
        depth = {junction: 0}
        groups = {junction: self._group(junction, None)}
        found = _Ways()
        waiting = deque([junction])
        while waiting:
            here = waiting.popleft()
            for link in out_of.get(here, ()):  # in the order of their ids
                found.steps += 1
                if link.type != kind:
                    found.mixed += 1
                elif self.kinds.get(link.target) != "junction":
                    if link.target not in found.targets:
                        found.targets[link.target] = _Way(
                            groups[here], depth[here] + 1, link, _ids(link, came_by)
                        )
                elif link.target not in came_by:
                    came_by[link.target] = link
                    depth[link.target] = depth[here] + 1
                    groups[link.target] = self._group(link.target, groups[here])
                    waiting.append(link.target)
        return found

    def _group(self, junction: str, outer: str | None) -> str | None:
        """The OR group of what is reached through ``junction``: the outer one first."""
        if outer is None and self.model.nodes[junction].or_junction:
            return f"any-of-{junction}"
        return outer

    def _relations(self, edges: list[_Edge]) -> None:
        accesses: list[_Edge] = []
        needs: dict[str, list[tuple[str, bool, _Edge]]] = defaultdict(list)  # soft?
        owners: dict[tuple[str, str], tuple[str, str]] = {}  # (component, vendor) candidates
        for edge in sorted(edges, key=lambda e: e.sid):
            rule = self.rules.relations.get(edge.type)
            if rule is None or rule.becomes == "skip":
                why = (
                    "influence: a motivation relation"
                    if edge.type == "Influence" and rule is not None
                    else "a relation type the mapping does not keep"
                )
                self.source.skip(edge.type, why)
                continue
            if self._uses(edge) or self._supplies(edge) or self._owns(edge):
                continue
            dependent, needed = (
                (edge.target, edge.source) if rule.reverse else (edge.source, edge.target)
            )
            if rule.becomes in {"dependency", "vendor"} and self._provides(needed, dependent):
                owners[(dependent, needed)] = (dependent, needed)
                continue
            if rule.becomes == "vendor":
                self.source.skip(edge.type, "a vendor relation that is not actor to component")
            elif rule.becomes == "dependency":
                self._depends(edge, dependent, needed, rule.strength)
                needs[dependent].append((needed, rule.strength == Strength.SOFT, edge))
                if edge.type in _WHOLE_PART and self.model.nodes[edge.target].type in _INTERFACES:
                    # An interface is a part of its component: what it serves, the component
                    # serves (ArchiMate's derivation through structure).
                    needs[edge.target].append((edge.source, False, edge))
            elif rule.becomes == "alternative":
                facts = self._facts("alternative", edge.link)
                self.source.alternative(
                    edge.target,
                    edge.source,
                    type=edge.type,
                    sid=edge.sid,
                    readiness=facts.pop("readiness", None),
                    facts=facts,
                    assumed=self._assumed(edge.link),
                )
            elif edge.type == "Access":
                accesses.append(edge)
            else:
                given = edge.link.properties
                listed = given.get("exitplan-assets", "")
                # one to a line as exitplan exports them; with commas as written by hand
                assets = [a.strip() for a in listed.split("\n" if "\n" in listed else ",")]
                self.source.flow(
                    dependent,
                    needed,
                    type=edge.type,
                    sid=edge.sid,
                    name=edge.link.name or None,
                    assets=[a for a in assets if a],
                    fields={
                        **self._facts("flow", edge.link),
                        **({"id": given["exitplan-id"]} if given.get("exitplan-id") else {}),
                    },
                    assumed=self._assumed(edge.link),
                )
        for dependent, needed in sorted(owners):
            actor = self.model.nodes[needed]
            vendor = self.vendors.get(needed) or self.source.vendor(
                actor.name or needed, sid=needed, type=actor.type, fields=self._note(actor)
            )
            self.source.provided_by(dependent, vendor, assumed=True)
            self.source.infer("vendor from a business actor or role")
        self._accesses(accesses, needs)
        self._derive(needs)

    def _uses(self, edge: _Edge) -> bool:
        """A service that serves an organisation is used by it (exitplan's export writes
        ``uses`` so, with the people as ``exitplan-users``)."""
        if edge.type != "Serving" or (
            self.kinds.get(edge.source),
            self.kinds.get(edge.target),
        ) != ("service", "organisation"):
            return False
        users = self._facts("use", edge.link).get("users")
        assumed = self._assumed(edge.link)
        self.source.uses(
            edge.source, edge.target, type=edge.type, sid=edge.sid, users=users, assumed=assumed
        )
        return True

    def _supplies(self, edge: _Edge) -> bool:
        """A vendor associated with a component in the roles ``exitplan-roles`` names
        provides it so (exitplan's export writes each of a component's vendors so)."""
        if "exitplan-roles" not in edge.link.properties or edge.source not in self.vendors:
            return False
        if self.kinds.get(edge.target) != "component":
            return False
        roles = self._facts("supply", edge.link).get("roles")
        if roles is None:  # given empty: no roles said
            return False
        self.source.supplies(edge.target, self.vendors[edge.source], roles)
        return True

    def _owns(self, edge: _Edge) -> bool:
        """A vendor that aggregates or is composed of another vendor owns it."""
        if edge.type not in _WHOLE_PART:
            return False
        if edge.source not in self.vendors or edge.target not in self.vendors:
            return False
        self.source.owns(self.vendors[edge.source], self.vendors[edge.target], type=edge.type)
        return True

    def _provides(self, needed: str, dependent: str) -> bool:
        """Whether ``needed`` is an actor (or a vendor) that provides component ``dependent``."""
        if self.kinds.get(dependent) != "component":
            return False
        if needed in self.vendors:
            return True
        actor = self.model.nodes[needed].type in _ACTORS and self.kinds.get(needed) == "skip"
        return actor and self.draft.rules.vendors.actors

    def _depends(self, edge: _Edge, dependent: str, needed: str, strength: Strength) -> None:
        properties = edge.link.properties
        given = self._facts("strength", edge.link).get("strength")
        group = properties.get("exitplan-group", "").strip() or edge.group
        facts = self._facts("dependency", edge.link)
        facts.update(self._facts("realisation", edge.link))  # how much of a capability
        assumed = True if self._assumed(edge.link) else None
        if given is not None:
            self.source.depends(
                dependent,
                needed,
                type=edge.type,
                sid=edge.sid,
                strength=Strength(given),
                group=group,
                inferred=(),
                assumed=assumed,
                facts=facts,
            )
        else:
            self.source.depends(
                dependent,
                needed,
                type=edge.type,
                sid=edge.sid,
                strength=strength,
                group=group,
                assumed=assumed,
                facts=facts,
            )

    def _derive(self, needs: Mapping[str, list[tuple[str, bool, _Edge]]]) -> None:
        """Dependencies of a component or service through behaviour and interfaces: for each
        element that is kept, the best chain (hard before soft, then shorter, then by the
        relation ids) to each kept element it reaches through pass-through elements only.

        ``service S <-realises- function F <-assigned- component C`` gives ``S → C``.
        Cost: one Dijkstra-style search per kept element over the pass-through region.
        """
        through = set(self.rules.derive_through)
        kept = {"component", "service"}

        def passes(sid: str) -> bool:
            return self.kinds.get(sid) == "skip" and self.model.nodes[sid].type in through

        direct = {(dependent, needed) for dependent, ends in needs.items() for needed, *_ in ends}
        through_each: Counter[str] = Counter()  # derived through each pass-through element
        derived = 0
        for start in sorted(sid for sid in needs if self.kinds.get(sid) in kept):
            heap: list[tuple[bool, int, tuple[str, ...], tuple[str, ...], str, tuple[str, ...]]]
            heap = [(False, 0, (), (), start, ())]
            settled: set[str] = set()
            while heap:
                soft, length, sids, types, node, passed = heapq.heappop(heap)
                if node in settled:
                    continue
                settled.add(node)
                if node != start and self.kinds.get(node) in kept:
                    if length > 1 and (start, node) not in direct:
                        self._derived(start, node, soft, sids, types)
                        through_each.update(passed)
                        derived += 1
                        if derived > _MOST_DERIVED:
                            self._too_many_derived(through_each)
                    continue
                if length >= _LONGEST_DERIVATION:
                    continue
                on = (*passed, node) if node != start else passed
                for needed, weak, edge in needs.get(node, ()):
                    if needed not in settled and (self.kinds.get(needed) in kept or passes(needed)):
                        step = (soft or weak, length + 1, (*sids, edge.sid), (*types, edge.type))
                        heapq.heappush(heap, (*step, needed, on))

    def _too_many_derived(self, through_each: Counter[str]) -> NoReturn:
        most = min(through_each, key=lambda sid: (-through_each[sid], sid))
        element = self.model.nodes[most]
        raise InvalidInputError(
            [
                Problem(
                    self.model.file,
                    element.line,
                    "derive_through",
                    f"{element.type} {element.sid!r}: more than {_MOST_DERIVED:,} dependencies "
                    "would be derived through behaviour and interfaces, the most through this "
                    f"element ({through_each[most]:,}); no model needs that many: model the "
                    "dependencies directly, or leave its type out of derive_through in the "
                    "mapping",
                )
            ],
            what="source",
        )

    def _derived(
        self, dependent: str, needed: str, soft: bool, sids: tuple[str, ...], types: Sequence[str]
    ) -> None:
        self.source.depends(
            dependent,
            needed,
            type="derived: " + " → ".join(types),
            sid=" → ".join(sids),
            strength=Strength.SOFT if soft else Strength.HARD,
            inferred=("ref", "strength"),
        )
        self.source.infer("dependency derived through behaviour or an interface")

    def _accesses(
        self, accesses: list[_Edge], needs: Mapping[str, list[tuple[str, bool, _Edge]]]
    ) -> None:
        """Writers of a data object send it to its readers: one flow per writer and reader,
        the object's name as the asset. When a function or process accesses the object,
        the components assigned to it are the writers or readers."""
        kept = {"component", "service"}

        def performers(sid: str) -> list[str]:
            if self.kinds.get(sid) in kept:
                return [sid]
            if self.kinds.get(sid) != "skip" or self.model.nodes[sid].type not in set(
                self.rules.derive_through
            ):
                return [sid]  # the draft counts it as an end that was not imported
            assigned = {
                needed
                for needed, _soft, edge in needs.get(sid, ())
                if edge.type == "Assignment" and self.kinds.get(needed) in kept
            }
            return sorted(assigned) or [sid]

        by_object: dict[str, dict[str, list[_Edge]]] = defaultdict(lambda: defaultdict(list))
        for edge in accesses:
            mode = edge.link.access
            if mode in {"write", "readwrite", UNSTATED}:
                by_object[edge.target]["write"].append(edge)
            if mode in {"read", "readwrite"}:
                by_object[edge.target]["read"].append(edge)
        used: set[int] = set()  # the accesses that gave a flow (by identity: ids may repeat)
        made: set[tuple[str, str, str]] = set()
        for data in sorted(by_object):
            asset = self.model.nodes[data].name or data
            pairs = sorted(
                (
                    (source, target, writer, reader)
                    for writer in by_object[data]["write"]
                    for reader in by_object[data]["read"]
                    for source in performers(writer.source)
                    for target in performers(reader.source)
                    if source != target
                ),
                key=lambda pair: (pair[0], pair[1], pair[2].sid, pair[3].sid),
            )
            for source, target, writer, reader in pairs:
                used.update((id(writer), id(reader)))
                imported = self.kinds.get(source) in kept and self.kinds.get(target) in kept
                if imported and (source, target, data) in made:
                    self.source.skip("Access", "a second access that gives the same data flow")
                    continue
                made.add((source, target, data))
                # Not assumed when the writer and the reader themselves are the ends, and
                # the writer says it writes.
                inferred = (
                    () if (source, target) == (writer.source, reader.source) else ("from", "to")
                )
                if writer.link.access == UNSTATED:
                    inferred = (*inferred, "direction")
                    self.source.infer("access with no type read as a write (as Archi reads it)")
                self.source.flow(
                    source,
                    target,
                    type="Access",
                    sid=f"{writer.sid}+{reader.sid}",
                    assets=(asset,),
                    inferred=inferred,
                )
        for edge in accesses:
            if id(edge) not in used:
                self.source.skip(
                    edge.type, "an access with no matching writer or reader of the same object"
                )

    def _plateaus(self) -> None:
        """Two plateaus joined by Triggering: what only the first holds is replaced by
        what only the second holds (each pair offered as an alternative)."""
        holds: dict[str, set[str]] = defaultdict(set)
        successions: list[_Link] = []
        for link in self.model.links.values():
            ends = (self.model.nodes.get(link.source), self.model.nodes.get(link.target))
            if ends[0] is None or ends[1] is None or ends[0].type != "Plateau":
                continue
            if link.type in {"Aggregation", "Composition"}:
                if self.kinds.get(link.target) == "component":
                    holds[link.source].add(link.target)
            elif link.type == "Triggering" and ends[1].type == "Plateau":
                successions.append(link)
        for link in sorted(successions, key=lambda li: li.sid):
            before, after = holds[link.source], holds[link.target]
            for old in sorted(before - after):
                for new in sorted(after - before):
                    self.source.alternative(
                        old,
                        new,
                        type="Plateau",
                        sid=f"{link.sid}:{old}>{new}",
                        note=(
                            f"Offered because plateau {self.model.nodes[link.source].name!r} "
                            f"leads to {self.model.nodes[link.target].name!r}."
                        ),
                    )


__all__ = [
    "ARCHI_NAMESPACE",
    "DEFAULT_ELEMENTS",
    "DEFAULT_RELATIONS",
    "EXCHANGE_NAMESPACES",
    "NAME",
    "TITLE",
    "Rules",
    "detect",
    "load",
    "normal_type",
    "read",
]
