"""What an import builds before it becomes an estate: elements keyed by their source ids,
relations between those keys, and an account of what was made, skipped and inferred.

A format module reads its files and tells a ``SourceDraft`` what it found, in source
terms; ``Draft.finish`` then does what every format needs the same way:

- **ids**: each element gets the slug of its name (``"CRM System"`` → ``crm-system``), or
  the id the source carries for it (a model exitplan exported). When two elements would
  get the same slug, one whose id the source gave keeps it (else the one that sorts first
  by kind, priority, file and source id); the next gets the slug of its source type appended
  (``petstore-api``), and any further one a number (``petstore-2``). The rule looks only at
  the set of elements, never at the order they were read in, so a shuffled source gives
  the same ids;
- **vendors**: one per organisation, however many elements name it (names are compared
  without case, punctuation or a legal suffix such as Inc. or AB); a component whose
  vendor the source does not give gets one from the mapping's name patterns (assumed),
  else the vendor "unknown supplier" of its source file (assumed);
- **relations** whose ends were not imported are counted as skipped, never written;
- **cycles** of hard dependencies, which an estate may not have: the dependency that
  closes one, found by a depth-first search in id order, becomes soft and assumed, and the
  cycle is listed in the account;
- **provenance**: every element and relation records ``origin`` (file, source id and type,
  and the fields that were inferred), and anything inferred is ``assumed: true``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from anyascii import anyascii
from pydantic import BaseModel, ValidationError

from exitplan.errors import InvalidInputError, Problem, abbreviate, with_article
from exitplan.importers.rules import CommonRules, vendor_pattern
from exitplan.model import (
    Alternative,
    Capability,
    Component,
    DataFlow,
    Delivery,
    EstateFile,
    NodeId,
    Organisation,
    Origin,
    Readiness,
    Service,
    Strength,
    Vendor,
    VendorRole,
)
from exitplan.model.estate import visible
from exitplan.model.ids import ID_PATTERN
from exitplan.model.ids import slug as ids_slug

KINDS = ("vendor", "component", "service", "capability", "organisation", "data flow")
"""What an imported element can become, in the order that decides who keeps a slug."""

_LONGEST_SLUG = 96  # leaves room for a suffix within the 128 characters of an id
_LONGEST_ID = 128
_ID = re.compile(ID_PATTERN)
_LONGEST_TEXT = 4000  # the model's Text
_LEGAL_SUFFIX = re.compile(
    r"inc|incorporated|ltd|limited|llc|llp|plc|corp|corporation|co|company|ab|publ|gmbh|"
    r"ag|sa|sas|bv|nv|oy|oyj|as|asa|aps|srl|spa|pty|kk"
)


def slug(text: str) -> str:
    """A lower-case id from any text, short enough to take a suffix (``model.ids.slug``).

    >>> slug("Försäkrings-CRM (v2)")
    'forsakrings-crm-v2'
    """
    return ids_slug(text, _LONGEST_SLUG)


def is_id(text: str) -> bool:
    """Whether ``text`` is an id as an estate writes it, to keep as it is."""
    return len(text) <= _LONGEST_ID and _ID.fullmatch(text) is not None


def _latin(character: str) -> str:
    """A Latin letter that does not decompose (``ł``, ``ø``, ``ß``, ``æ``) as the ids spell
    it (``l``, ``o``, ``ss``, ``ae``), and a symbol (an emoji) as a word of its own, since it
    tells names apart as a letter does; any other character as it is: names in other
    scripts are compared as written, since two of them may sound alike and be others."""
    if character.isascii():
        return character
    if unicodedata.category(character) == "So":
        return f" {anyascii(character)} "
    if not unicodedata.name(character, "").startswith("LATIN"):
        return character
    return anyascii(character).casefold()


def vendor_key(name: str) -> str:
    """Names of one organisation compare equal: ``Microsoft Corporation`` = ``microsoft``,
    ``Mărășteanu`` = ``Marasteanu``, ``Małecki`` = ``Malecki``. Legal forms are dropped
    from the end only: ``AG Grid Ltd`` is ``ag grid``, ``SAS Institute Inc.`` is ``sas
    institute``; a leading article
    too: ``The Apache Software Foundation`` = ``Apache Software Foundation`` (an SBOM
    names its publishers both ways)."""
    folded = "".join(
        _latin(c)
        for c in unicodedata.normalize("NFKD", name.casefold())
        if not unicodedata.combining(c)
    )
    words = re.sub(r"[^\w]+", " ", folded).split()
    while len(words) > 1 and _LEGAL_SUFFIX.fullmatch(words[-1]):
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words) or name


def _text(value: str) -> str:
    return _cut(value.strip())


def _cut(value: str) -> str:
    """``value`` as a text the model takes: at most 4,000 characters, the cut marked."""
    return value if len(value) <= _LONGEST_TEXT else value[: _LONGEST_TEXT - 1] + "…"


@dataclass
class _Element:
    kind: str
    file: str
    sid: str
    name: str
    type: str | None
    fields: dict[str, Any]
    priority: int = 0
    inferred: list[str] = field(default_factory=list)
    counted: set[str] = field(default_factory=set)  # of those, counted with their reason
    vendor: str | None = None  # a vendor key
    vendor_assumed: bool = False
    assumed: bool = False
    at: str = ""  # the file it was read from, when a source is a folder of files
    id_hint: str = ""  # an exitplan id the source carries (a model exitplan exported)
    id_given: bool = False  # of a vendor: its id_hint is such an id, not its name's key
    id_exact: bool = False  # the id_hint is an exitplan id to keep as it is, not a name
    links: dict[str, set[VendorRole]] = field(default_factory=dict)
    """Of a component: its vendors (keys) and their roles, where the source gives them."""
    parent: str | None = None  # of a vendor: the key of the vendor that owns it
    variant: str = ""
    """What tells the element from others of its name (a package's version), for its id."""

    @property
    def origin_file(self) -> str:
        return self.at or self.file

    @property
    def order(self) -> tuple[str, bool, int, int, str, str]:
        return (
            (self.id_hint if self.id_exact else slug(self.id_hint))
            or slug(self.name)
            or slug(self.sid),
            # an id the source gives comes first
            (self.kind == "vendor" and not self.id_given) or not self.id_hint,
            KINDS.index(self.kind),
            self.priority,
            self.file,
            self.sid,
        )


@dataclass
class _Relation:
    file: str
    source: str
    target: str
    type: str
    sid: str | None
    fields: dict[str, Any]
    inferred: tuple[str, ...]
    assumed: bool
    at: str = ""

    @property
    def origin_file(self) -> str:
        return self.at or self.file


@dataclass
class SourceAccount:
    """What one source file gave and what became of it."""

    file: str
    format: str
    read: int = 0
    also: list[str] = field(default_factory=list)
    """Other files read as part of this source: a relations table given beside it."""
    made: Counter[str] = field(default_factory=Counter)
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(source type, why) -> how many."""
    inferred: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    @property
    def mapped(self) -> int:
        """What was made from what was read: vendors are made from what others name."""
        return sum(count for kind, count in self.made.items() if kind != "vendor")


@dataclass
class Account:
    """What an import made, skipped and inferred; the CLI prints it as the summary."""

    sources: list[SourceAccount]
    cycles: list[tuple[str, ...]] = field(default_factory=list)

    def total(self, what: str) -> Counter[Any]:
        counted: Counter[Any] = Counter()
        for source in self.sources:
            counted.update(getattr(source, what))
        return counted


@dataclass(frozen=True)
class Imported:
    """The estate files an import writes (by file name) and the account of it."""

    files: Mapping[str, EstateFile]
    account: Account
    header: Mapping[str, Any] = field(default_factory=dict)
    """What a source says of the estate itself (a model exitplan exported: its date,
    currency, legal profile, title and version), for the estate.yaml of a new folder."""
    lines: Mapping[tuple[str, str], int] = field(default_factory=dict)
    """(origin file, source id) -> the line the element or relation is on there, where the
    format tells it."""
    made_from: Mapping[str, str] = field(default_factory=dict)
    """Estate file name -> the source it was made from (``vendors.yaml``: from all)."""

    def at_source(self, problem: Problem, written: Any) -> Problem:
        """A problem found when the imported estate is checked, as one in the source it
        came from: ``written`` is the data of the imported file the problem names, and
        the element on the problem's path that records an origin is the one to fix.
        Without one, the problem as it was."""
        found = _origin_on(written, problem.field)
        if found is None:
            return problem
        origin, rest = found
        file, sid = str(origin.get("file", "")), str(origin.get("id", ""))
        if not file or not sid:
            return problem
        return Problem(
            file, self.lines.get((file, sid), 0), rest, f"{abbreviate(sid, 60)}: {problem.message}"
        )

    def place_of(self, element: Any) -> str | None:
        """Where the imported ``element`` (its data as written) is in its source:
        ``file:line``, or ``file (id)`` when the format does not tell the line."""
        origin = element.get("origin") if isinstance(element, Mapping) else None
        if not isinstance(origin, Mapping) or not origin.get("file") or not origin.get("id"):
            return None
        file, sid = str(origin["file"]), str(origin["id"])
        line = self.lines.get((file, sid), 0)
        return f"{file}:{line}" if line else f"{file} ({abbreviate(sid, 60)})"


_PATH_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def _origin_on(data: Any, path: str) -> tuple[Mapping[str, Any], str] | None:
    """The innermost ``origin`` along ``path`` (``services[7].depends_on[0].x``) in
    ``data``, and the rest of the path after the element that holds it."""
    found = None
    at = data
    for part in _PATH_PART.finditer(path):
        index, key = part.groups()
        if isinstance(at, Mapping) and isinstance(at.get("origin"), Mapping):
            found = (at["origin"], path[part.start() :].lstrip("."))
        if index is not None and isinstance(at, list) and int(index) < len(at):
            at = at[int(index)]
        elif key is not None and isinstance(at, Mapping) and key in at:
            at = at[key]
        else:
            break
    else:
        if isinstance(at, Mapping) and isinstance(at.get("origin"), Mapping):
            found = (at["origin"], "")
    return found


class SourceDraft:
    """What a format module tells about one source file, in the source's own ids."""

    def __init__(self, draft: Draft, file: str, fmt: str) -> None:
        self._draft = draft
        self.file = _storable(file)  # as the estate holds it, names of vendors made too
        self.account = SourceAccount(self.file, fmt)
        self.at = ""
        self.lines: dict[str, int] = {}
        self._at_file: dict[str, str] = {}

    def read_also(self, file: str) -> None:
        """This source was also read from ``file`` (a relations table beside its
        components), as the summary says."""
        file = _storable(file)
        if file != self.file and file not in self.account.also:
            self.account.also.append(file)

    def reading(self, file: str) -> None:
        """What is added from now on was read from ``file`` (a file of a source folder);
        it is recorded in ``origin``. Ids stay those of the whole source."""
        file = _storable(file)
        self.at = "" if file == self.file else file

    # --- elements ----------------------------------------------------------------------

    def _add(
        self,
        kind: str,
        sid: str,
        name: str | None,
        *,
        type: str | None = None,
        fields: Mapping[str, Any] | None = None,
        priority: int = 0,
        assumed: bool = False,
        id_hint: str | None = None,
        exact_id: bool = False,
    ) -> bool:
        self.account.read += 1
        shown = _text(name or "")
        if not visible(shown):  # "", or nothing to see: the model refuses such a name
            shown = sid
        if self._draft.skips(sid, shown):
            self.skip(type or kind, "listed under skip in the mapping")
            return False
        key = (self.file, sid)
        if key in self._draft.elements:
            self.skip(type or kind, "the same id appears twice in the source; the first kept")
            return False
        self._draft.elements[key] = _Element(
            kind,
            self.file,
            sid,
            shown,
            type,
            dict(fields or {}),
            priority,
            assumed=assumed,
            at=self.at,
            id_hint=id_hint or "",
            id_exact=exact_id and is_id(id_hint or ""),
        )
        return True

    def component(
        self,
        sid: str,
        name: str | None,
        *,
        type: str | None = None,
        delivery: Delivery | None = None,
        delivery_guessed: bool = False,
        vendor: str | None = None,
        vendor_assumed: bool = False,
        fields: Mapping[str, Any] | None = None,
        priority: int = 0,
        assumed: bool = False,
        id_hint: str | None = None,
        exact_id: bool = False,
        variant: str | None = None,
    ) -> None:
        """A component; ``vendor`` is a key from ``vendor()``. Without ``delivery`` the
        mapping's default is used, and the component is assumed; so it is when the format
        only suggests the ``delivery`` given (``delivery_guessed``). ``id_hint`` is the id
        to prefer over the slug of the name; ``exact_id``: an exitplan id, kept as it is;
        ``variant`` tells it from others of its name in its id (``debug-4-3-4``)."""
        if not self._add(
            "component",
            sid,
            name,
            type=type,
            fields=fields,
            priority=priority,
            assumed=assumed,
            id_hint=id_hint,
            exact_id=exact_id,
        ):
            return
        element = self._draft.elements[(self.file, sid)]
        element.variant = variant or ""
        if delivery is None:
            element.fields["delivery"] = self._draft.rules.delivery
            element.inferred.append("delivery")
        else:
            element.fields["delivery"] = delivery
            if delivery_guessed:
                element.inferred.append("delivery")
        element.vendor = vendor
        element.vendor_assumed = vendor_assumed

    def service(self, sid: str, name: str | None, **options: Any) -> None:
        self._add("service", sid, name, **options)

    def capability(self, sid: str, name: str | None, **options: Any) -> None:
        self._add("capability", sid, name, **options)

    def organisation(self, sid: str, name: str | None, **options: Any) -> None:
        self._add("organisation", sid, name, **options)

    def vendor(
        self,
        name: str,
        *,
        sid: str | None = None,
        type: str | None = None,
        fields: Mapping[str, Any] | None = None,
        id_hint: str | None = None,
        assumed: bool = False,
    ) -> str:
        """The key of the vendor called ``name``; the same organisation named twice, here
        or in another source, is one vendor (Sweco AB and Sweco are the vendor sweco).
        ``id_hint``: the id the source gives it (a model exitplan exported); then that id,
        not the name, says which vendor it is, and a later mention of its name is it.
        ``sid``: its own id in the source, else it is only named by others. ``assumed``:
        this mention is a guess; the vendor is assumed while every mention is one."""
        shown = _text(name)
        given = dict(fields or {})
        if id_hint:
            key = "=" + id_hint  # no name's key starts so
            element = self._draft.vendors.get(key)
            if element is None:
                element = _Element(
                    "vendor", self.file, sid or shown, shown, type, given, at=self.at
                )
                element.id_hint, element.id_given = id_hint, True
                element.id_exact = is_id(id_hint)
                self._draft.vendors[key] = element
                self._draft.given_names.setdefault(shown, key)
                self._draft.given_keys.setdefault(vendor_key(name), []).append(key)
            else:
                for name_of, value in given.items():
                    element.fields.setdefault(name_of, value)
            element.assumed = element.assumed or assumed
            return key
        key = vendor_key(name)
        same_key = self._draft.given_keys.get(key, [])
        given_key = self._draft.given_names.get(shown) or (
            same_key[0] if len(same_key) == 1 else None
        )
        if given_key is not None:  # a vendor with an id of its own, named
            element = self._draft.vendors[given_key]
            for name_of, value in given.items():
                element.fields.setdefault(name_of, value)
            return given_key
        known = self._draft.vendors.get(key)
        if known is None or (len(shown), shown) < (len(known.name), known.name):
            element = _Element(
                "vendor",
                self.file,
                sid or shown,
                shown,
                type,
                {**(known.fields if known else {}), **given},
                assumed=known.assumed and assumed if known else assumed,
                at=self.at,
                id_hint=key,
            )
            if known is not None:
                element.parent = known.parent
            self._draft.vendors[key] = element
        else:
            element = known
            for name_of, value in given.items():
                element.fields.setdefault(name_of, value)
            element.assumed = element.assumed and assumed  # a fact once named as one
        return key

    def supplies(self, component: str, vendor: str, roles: Iterable[VendorRole]) -> None:
        """``vendor`` (a key) provides ``component`` (a source id) in ``roles``, as the
        source says: the component's ``vendors``."""
        self.account.read += 1
        element = self._draft.elements.get((self.file, component))
        if element is None or element.kind != "component":
            self.skip("vendor relation", "an end was not imported")
            return
        element.links.setdefault(vendor, set()).update(roles)
        self.account.made["vendor role of a component"] += 1

    def owns(self, parent: str, subsidiary: str, *, type: str) -> None:
        """Vendor ``parent`` owns vendor ``subsidiary`` (keys)."""
        self.account.read += 1
        child = self._draft.vendors[subsidiary]
        if parent == subsidiary:
            self.skip(type, "a vendor that owns itself")
            return
        if child.parent is not None and child.parent != parent:
            self.skip(type, "a second owner of a vendor; the first kept")
            return
        above: str | None = parent
        seen = {subsidiary}
        while above is not None and above not in seen:
            seen.add(above)
            above = self._draft.vendors[above].parent
        if above is not None:
            self.skip(type, "an owner that would make a cycle of owners")
            return
        child.parent = parent
        self.account.made["vendor owned by another"] += 1

    def vendor_from(self, properties: Mapping[str, str]) -> str | None:
        """The vendor a property of the element names (``Vendor: Microsoft``), or None."""
        wanted = {name.casefold(): name for name in self._draft.rules.vendors.properties}
        given = {key.casefold(): value for key, value in properties.items()}
        for name in wanted:
            value = given.get(name)
            if value and value.strip():
                return self.vendor(value.strip())
        return None

    def provided_by(self, component: str, vendor: str, *, assumed: bool = True) -> None:
        """``component`` (a source id) is provided by ``vendor`` unless the source already
        named its vendor."""
        element = self._draft.elements.get((self.file, component))
        if element is None or element.kind != "component" or element.vendor is not None:
            return
        element.vendor = vendor
        element.vendor_assumed = assumed
        if assumed:
            self.infer("vendor taken from an actor that serves or is assigned to it")

    # --- relations ---------------------------------------------------------------------

    def depends(
        self,
        dependent: str,
        dependency: str,
        *,
        type: str,
        sid: str | None = None,
        strength: Strength = Strength.HARD,
        group: str | None = None,
        why: str | None = None,
        inferred: Sequence[str] = ("strength",),
        assumed: bool | None = None,
        facts: Mapping[str, Any] | None = None,
    ) -> None:
        """``dependent`` needs ``dependency`` (both source ids). By default the strength
        was chosen by the mapping, so the dependency is assumed. ``facts``: more fields of
        the dependency (its capabilities, onset), or the ``coverage`` of a realisation."""
        self.account.read += 1
        fields: dict[str, Any] = {"strength": strength, **(facts or {})}
        if group:
            fields["any_of_group"] = slug(group) or "group"
        if why:
            fields["why"] = _text(why)
        self._draft.dependencies.append(
            _Relation(
                self.file,
                dependent,
                dependency,
                type,
                sid,
                fields,
                tuple(inferred),
                bool(inferred) if assumed is None else assumed,
                self.at,
            )
        )

    def flow(
        self,
        source: str,
        target: str,
        *,
        type: str,
        sid: str | None = None,
        name: str | None = None,
        assets: Sequence[str] = (),
        fields: Mapping[str, Any] | None = None,
        inferred: Sequence[str] = (),
        assumed: bool = False,
    ) -> None:
        """Data flows from ``source`` to ``target`` (source ids)."""
        self.account.read += 1
        written = {**dict(fields or {})}
        if name and visible(_text(name)):  # a name of spaces or invisible characters is none
            written["name"] = _text(name)
        shown = [_text(asset) for asset in assets if asset.strip()]
        if not shown:
            shown = [written.get("name") or "unspecified data"]
            inferred = (*inferred, "assets")
        written["assets"] = tuple(dict.fromkeys(shown))
        self._draft.flows.append(
            _Relation(
                self.file,
                source,
                target,
                type,
                sid,
                written,
                tuple(inferred),
                assumed or bool(inferred),
                self.at,
            )
        )

    def alternative(
        self,
        replaces: str,
        candidate: str,
        *,
        type: str,
        sid: str | None = None,
        readiness: Readiness | None = None,
        note: str | None = None,
        facts: Mapping[str, Any] | None = None,
        assumed: bool = False,
    ) -> None:
        """``candidate`` could replace ``replaces``; unless the source gives its readiness,
        that is a guess (R1, assumed). ``facts``: what else the source says of it."""
        self.account.read += 1
        fields: dict[str, Any] = {**(facts or {}), "readiness": readiness or Readiness.R1}
        if note:
            fields["note"] = _text(note)
        inferred = () if readiness is not None else ("readiness",)
        self._draft.alternatives.append(
            _Relation(
                self.file,
                replaces,
                candidate,
                type,
                sid,
                fields,
                inferred,
                assumed or bool(inferred),
                self.at,
            )
        )

    def uses(
        self,
        service: str,
        organisation: str,
        *,
        type: str,
        sid: str | None = None,
        users: int | None = None,
        assumed: bool = False,
    ) -> None:
        """``organisation`` uses ``service`` (source ids), with ``users`` of its people; when
        the source gives no number, none is assumed (0, assumed)."""
        self.account.read += 1
        inferred = () if users is not None else ("users",)
        self._draft.uses.append(
            _Relation(
                self.file,
                service,
                organisation,
                type,
                sid,
                {"users": users or 0},
                inferred,
                assumed or bool(inferred),
                self.at,
            )
        )

    # --- the account -------------------------------------------------------------------

    def skip(self, type: str, why: str, count: int = 1) -> None:
        """``count`` elements or relations of ``type`` were read and left out, because ``why``."""
        self.account.skipped[(type, why)] += count

    def read(self, count: int = 1) -> None:
        """Count what was read and then skipped without a call to an adder."""
        self.account.read += count

    def infer(self, what: str, count: int = 1) -> None:
        self.account.inferred[what] += count

    def guessed(self, sid: str, *fields: str) -> None:
        """The fields of element ``sid`` that were guessed (each counted already with its
        reason by ``infer``): recorded in its origin, and the element is assumed."""
        element = self._draft.elements.get((self.file, sid))
        if element is not None and fields:
            element.inferred.extend(fields)
            element.counted.update(fields)

    def note(self, text: str) -> None:
        self.account.notes.append(text)

    def place(self, sid: str, line: int) -> None:
        """The line of the element or relation ``sid`` in the file being read, for the
        messages about it (of an id given twice, the first: the one kept)."""
        if sid in self.lines:
            return
        self.lines[sid] = line
        if self.at:
            self._at_file[sid] = self.at

    def at_file(self, sid: str) -> str:
        return self._at_file.get(sid, self.file)

    def header(self, fields: Mapping[str, Any]) -> None:
        """What the source says of the estate itself; of several sources, the first by
        name that says anything."""
        if fields and not self._draft.header:
            self._draft.header = dict(fields)


class Draft:
    """Collects what the sources say, then ``finish`` makes the estate files."""

    def __init__(self, rules: CommonRules | None = None) -> None:
        self.rules = rules or CommonRules()
        self.sources: list[SourceDraft] = []
        self.elements: dict[tuple[str, str], _Element] = {}
        self.vendors: dict[str, _Element] = {}
        self.dependencies: list[_Relation] = []
        self.flows: list[_Relation] = []
        self.alternatives: list[_Relation] = []
        self.uses: list[_Relation] = []  # service, organisation: the organisation uses it
        self.header: dict[str, Any] = {}
        self.currency: str | None = None
        """The currency of the estate imported into, when it exists: costs are in it."""
        self.given_names: dict[str, str] = {}  # the name of a vendor with an id given -> key
        self.given_keys: dict[str, list[str]] = {}  # its name's key -> keys of such vendors
        self._skip = {text.casefold() for text in self.rules.skip}
        self._patterns = [
            (vendor_pattern(rule.pattern), rule.vendor) for rule in self.rules.vendors.names
        ]

    def source(self, file: str, fmt: str) -> SourceDraft:
        made = SourceDraft(self, file, fmt)
        self.sources.append(made)
        return made

    def skips(self, sid: str, name: str) -> bool:
        return sid.casefold() in self._skip or name.casefold() in self._skip

    def finish(self) -> Imported:
        return _Finisher(self).run()


_FLOW_INFERRED = {
    "assets": "data flow assets not in the source: named after the flow",
    "from": "data flow sender not in the source: guessed from its links",
    "to": "data flow receiver not in the source: guessed from its links",
    "classification": "data flow classification not in the source: {}",
    "personal_data": "data flow personal data not in the source: {}",
}
"""What the summary says of a field of a data flow the import inferred, by field (the
value it took in place of ``{}``). A direction read from an access with no type is
counted where it is read."""


def _origin(file: str, sid: str, type_: str | None, inferred: Iterable[str]) -> Origin:
    """Where an element came from; a source id too long for the model is cut, marked
    with an ellipsis (it still leads to the element by its beginning)."""
    return Origin(
        file=_cut(_storable(file)) or "?",
        id=_cut(_storable(sid)) or "(no id)",
        type=_cut(_storable(type_)) if type_ else None,
        inferred=tuple(sorted(set(inferred))),
    )


def _origin_key(file: str, sid: str) -> tuple[str, str]:
    """A source file and id as its ``Origin`` holds them, to find its line by."""
    return _cut(_storable(file)) or "?", _cut(_storable(sid)) or "(no id)"


def _storable(text: str) -> str:
    """A source's id or file name as an estate file can hold it: Unicode's two
    noncharacters as escapes, and so a file name's bytes that are no UTF-8 (``\\xff``;
    they crashed every import, helper-78) and any other lone surrogate. (Where such a
    character is in a name, the estate model refuses the name, and the user is told on
    which line.)"""
    text = text.replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff")
    return _SURROGATE.sub(_surrogate_escape, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate_escape(found: re.Match[str]) -> str:
    code = ord(found[0])
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


_Model = TypeVar("_Model", bound=BaseModel)


def spell_cycle(loop: Sequence[str], most: int = 8) -> str:
    """A cycle as ``a → b → c → a``; a long one keeps its ends and counts the rest, so
    that a note or a summary line stays readable whatever the source holds.

    >>> spell_cycle(["a", "b", "c", "d", "e", "a"], most=4)
    'a → b → … 2 more … → e → a'
    """
    if len(loop) <= most:
        return " → ".join(loop)
    half = most // 2
    hidden = len(loop) - 2 * half
    return " → ".join([*loop[:half], f"… {hidden:,} more …", *loop[-half:]])


def _shown(value: object) -> str:
    return str(getattr(value, "value", value))


def _relation_sid(relation: _Relation) -> str:
    return relation_id(relation.sid, relation.source, relation.target)


def relation_id(sid: str | None, source: str, target: str) -> str:
    """A relation's id in its source, or its two ends when it has none (as its origin
    records it)."""
    return sid or f"{source} → {target}"


class _Finisher:
    """Turns a draft into estate files (the rules are in the module docstring)."""

    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.by_file = {source.file: source for source in draft.sources}
        self.ids: dict[tuple[str, str], NodeId] = {}  # (file, sid) -> id
        self.vendor_ids: dict[str, NodeId] = {}  # vendor key -> id
        self.cycles: list[tuple[str, ...]] = []
        self.entry_source: dict[int, str] = {}  # id of a dependency entry -> its source
        self.organisation_ids: dict[tuple[str, str], NodeId] = {}  # (file, id given) -> id
        self.lines = {  # (origin file, source id) -> its line there, where the format tells
            _origin_key(source.at_file(sid), sid): line
            for source in draft.sources
            for sid, line in source.lines.items()
        }

    def account(self, file: str) -> SourceAccount:
        return self.by_file[file].account

    def _validated(
        self, model: type[_Model], data: Mapping[str, Any], file: str, sid: str
    ) -> _Model:
        """``data`` as ``model``; should a format module have passed on a value the
        estate model refuses, the user learns which element of which file it was (on
        which line, where the format tells it), not a traceback."""
        try:
            return model.model_validate(data)
        except ValidationError as error:
            problems = [
                Problem(
                    file,
                    self.lines.get(_origin_key(file, sid), 0),
                    ".".join(str(part) for part in detail["loc"]),
                    f"{abbreviate(sid, 60)}: {detail['msg'].removeprefix('Value error, ')}",
                )
                for detail in error.errors()
            ]
            raise InvalidInputError(problems, what="source") from None

    def run(self) -> Imported:
        self._vendors_of_components()
        self._assign_ids()
        components: dict[NodeId, dict[str, Any]] = {}
        others: dict[str, list[tuple[str, Any]]] = {kind: [] for kind in KINDS}
        for key, element in self.draft.elements.items():
            written = self._written(element)
            if element.kind in {"component", "service"}:
                components[self.ids[key]] = written
            others[element.kind].append((element.file, (element, written)))
        dependencies = self._dependencies(components)
        self._break_cycles(components, dependencies)
        self._consumers(components)
        return self._files(components, others)

    # --- vendors -----------------------------------------------------------------------

    def _vendors_of_components(self) -> None:
        unknown: dict[str, str] = {}
        for element in self.draft.elements.values():
            if element.kind != "component" or element.vendor is not None or element.links:
                continue
            source = self.by_file[element.file]
            for pattern, vendor in self.draft._patterns:
                if pattern.search(element.name):
                    element.vendor = source.vendor(vendor)
                    element.vendor_assumed = True
                    source.infer("vendor guessed from the element's name")
                    break
            else:
                if element.file not in unknown:
                    source.reading(source.file)  # the vendor of the whole source
                    unknown[element.file] = source.vendor(
                        f"Unknown supplier ({self._short_name(element.file)})",
                        fields={"note": "The source names no supplier for these components."},
                    )
                    self.draft.vendors[unknown[element.file]].assumed = True
                element.vendor = unknown[element.file]
                element.vendor_assumed = True
                source.infer("vendor not in the source: Unknown supplier")
            element.inferred.append("vendor")

    def _short_name(self, file: str) -> str:
        """A source's file name without its folder, unless another source has that name."""

        def base(name: str) -> str:  # a backslash is an escape's (\\xff), not a folder's
            return name.rsplit("/", 1)[-1]

        same = [other for other in self.draft.sources if base(other.file) == base(file)]
        return base(file) if len(same) == 1 else file

    # --- ids ---------------------------------------------------------------------------

    def _assign_ids(self) -> None:
        everything = [
            (element.order, ("element", key), element)
            for key, element in self.draft.elements.items()
        ]
        everything += [
            (element.order, ("vendor", (key, "")), element)
            for key, element in self.draft.vendors.items()
        ]
        taken: set[str] = set()
        # The number each base tries first: the ones below it were taken when last tried,
        # and stay so (helper-78: from 2 each time, 20,000 CIs named alike took 33 s).
        numbers: dict[str, int] = {}
        named = Counter(  # the packages of each name, of versions known
            order[0] or slug(element.kind)
            for order, _, element in everything
            if slug(element.variant)
        )
        for order, (what, key), element in sorted(everything, key=lambda entry: entry[0]):
            base = order[0] or slug(element.kind)
            candidates = [base]
            if slug(element.variant) and named[base] > 1:  # a package of one name in several
                base = f"{base}-{slug(element.variant)}"[:120]  # versions: each by its own,
                candidates = [base]  # then numbered (debug-2.6.9-2; helper-98: debug-12)
            elif element.type and slug(element.type):
                candidates.append(f"{base}-{slug(element.type)}"[:120])
            chosen = next((c for c in candidates if c not in taken), None)
            number = numbers.get(base, 2)
            while chosen is None:
                if f"{base}-{number}" not in taken:
                    chosen = f"{base}-{number}"
                number += 1
            numbers[base] = number
            taken.add(chosen)
            if what == "vendor":
                self.vendor_ids[key[0]] = NodeId(chosen)
            else:
                self.ids[key] = NodeId(chosen)
                if element.kind == "organisation" and element.id_hint:
                    self.organisation_ids[(element.file, element.id_hint)] = NodeId(chosen)
        self.taken = taken

    # --- elements ----------------------------------------------------------------------

    def _written(self, element: _Element) -> dict[str, Any]:
        inferred = list(element.inferred)
        guessed = element.vendor_assumed and not element.links  # the source names them
        if element.kind == "component" and guessed and "vendor" not in inferred:
            inferred.append("vendor")
        written = {
            **element.fields,
            "name": element.name,
            "origin": _origin(element.origin_file, element.sid, element.type, inferred),
        }
        if inferred or element.assumed:
            written["assumed"] = True
        owner = written.get("owner")
        if element.kind == "service" and owner is not None:  # an id the source gave
            found = self.organisation_ids.get((element.file, str(owner)))
            if found is None:
                del written["owner"]
                self.account(element.file).skipped[
                    ("owner", "not the id of an organisation of the source")
                ] += 1
            else:
                written["owner"] = found
        if element.kind == "component" and _shorthand(element):
            ((key, _),) = element.links.items()
            written["vendor"] = self.vendor_ids[key]
        elif element.kind == "component" and element.links:
            written["vendors"] = [
                {
                    "vendor": self.vendor_ids[key],
                    "roles": [role for role in VendorRole if role in roles],
                }
                for key, roles in sorted(
                    element.links.items(), key=lambda link: self.vendor_ids[link[0]]
                )
            ]
        elif element.kind == "component":
            written["vendor"] = self.vendor_ids[element.vendor or ""]
        account = self.account(element.file)
        account.made[element.kind] += 1
        for name in element.inferred:
            if name != "vendor" and name not in element.counted:  # else counted with its reason
                account.inferred[
                    f"{element.kind} {name} not in the source: {_shown(element.fields.get(name))}"
                ] += 1
        return written

    def _resolve(self, relation: _Relation, what: str) -> tuple[NodeId, NodeId] | None:
        account = self.account(relation.file)
        ends = []
        for sid in (relation.source, relation.target):
            element = self.draft.elements.get((relation.file, sid))
            if element is None:
                account.skipped[(relation.type, "an end was not imported")] += 1
                return None
            if element.kind not in {"component", "service"}:
                kind = with_article(element.kind)
                account.skipped[
                    (relation.type, f"{what} to or from {kind}, not a component or service")
                ] += 1
                return None
            ends.append(self.ids[(relation.file, sid)])
        if ends[0] == ends[1]:
            account.skipped[(relation.type, f"{what} of an element to itself")] += 1
            return None
        return ends[0], ends[1]

    def _dependencies(
        self, nodes: Mapping[NodeId, dict[str, Any]]
    ) -> dict[NodeId, dict[NodeId, dict[str, Any]]]:
        found: dict[NodeId, dict[NodeId, dict[str, Any]]] = {}
        ordered = sorted(
            self.draft.dependencies,
            key=lambda r: (
                r.file,
                r.source,
                r.target,
                r.fields.get("strength") != Strength.HARD,
                r.sid or "",
                r.type,
            ),
        )
        for relation in ordered:
            if self._capability_link(relation, nodes):
                continue
            ends = self._resolve(relation, "a dependency")
            if ends is None:
                continue
            dependent, dependency = ends
            entries = found.setdefault(dependent, {})
            if dependency in entries:
                self.account(relation.file).skipped[
                    (relation.type, "a second relation between the same two elements")
                ] += 1
                continue
            entry: dict[str, Any] = {"ref": dependency, **relation.fields}
            entry.pop("coverage", None)  # of a realisation, which is not a dependency
            if relation.assumed:
                entry["assumed"] = True
            entry["origin"] = _origin(
                relation.origin_file, _relation_sid(relation), relation.type, relation.inferred
            )
            entries[dependency] = entry
            self.account(relation.file).made["dependency"] += 1
            if "strength" in relation.inferred:
                self.account(relation.file).inferred[
                    f"dependency strength chosen by relation type ({relation.type})"
                ] += 1
            self.entry_source[id(entry)] = relation.file
        for entries in found.values():
            self._settle_groups(entries)
        return found

    def _settle_groups(self, entries: Mapping[NodeId, dict[str, Any]]) -> None:
        """A redundant group is of hard dependencies, two or more: a soft dependency
        leaves its group, and a group left with one member (an OR junction one of whose
        branches was not imported) is a plain dependency, assumed."""
        members: dict[str, list[dict[str, Any]]] = {}
        for entry in entries.values():
            group = entry.get("any_of_group")
            if group is None:
                continue
            if entry.get("strength", Strength.HARD) != Strength.HARD:
                del entry["any_of_group"]
                self.account(self.entry_source[id(entry)]).inferred[
                    "soft dependency taken out of its redundant group"
                ] += 1
                continue
            members.setdefault(group, []).append(entry)
        for listed in members.values():
            if len(listed) > 1:
                continue
            (entry,) = listed
            del entry["any_of_group"]
            entry["assumed"] = True
            self.account(self.entry_source[id(entry)]).inferred[
                "redundant group with one member imported: a plain dependency"
            ] += 1

    def _capability_link(self, relation: _Relation, nodes: Mapping[NodeId, dict[str, Any]]) -> bool:
        """A capability that "depends on" a component is realised by it (the component's
        ``capabilities``); a service that depends on a capability ``requires`` it."""
        ends = [self.draft.elements.get((relation.file, sid))
                for sid in (relation.source, relation.target)]  # fmt: skip
        if ends[0] is None or ends[1] is None:
            return False
        kinds = (ends[0].kind, ends[1].kind)
        ids = [self.ids[(relation.file, sid)] for sid in (relation.source, relation.target)]
        account = self.account(relation.file)
        if kinds == ("capability", "component"):
            coverage = relation.fields.get("coverage", "full")
            nodes[ids[1]].setdefault("capabilities", {})[ids[0]] = coverage
            account.made["capability realised by a component"] += 1
            return True
        if kinds == ("service", "capability"):
            required = nodes[ids[0]].setdefault("requires", [])
            if ids[1] not in required:
                required.append(ids[1])
                required.sort()
            account.made["capability required by a service"] += 1
            return True
        return False

    def _break_cycles(
        self,
        nodes: Mapping[NodeId, dict[str, Any]],
        dependencies: dict[NodeId, dict[NodeId, dict[str, Any]]],
    ) -> None:
        """Soften the dependency that closes each cycle of hard dependencies."""

        def hard(entry: Mapping[str, Any]) -> bool:
            return entry.get("strength", Strength.HARD) == Strength.HARD and not entry.get(
                "any_of_group"
            )

        state: dict[NodeId, int] = {}  # 1 on the stack, 2 done
        for start in sorted(nodes):
            if start in state:
                continue
            stack: list[tuple[NodeId, list[NodeId]]] = [
                (start, sorted(dependencies.get(start, {}), reverse=True))
            ]
            path = [start]
            state[start] = 1
            while stack:
                node, pending = stack[-1]
                if not pending:
                    stack.pop()
                    path.pop()
                    state[node] = 2
                    continue
                target = pending.pop()
                entry = dependencies[node][target]
                if not hard(entry):
                    continue
                if state.get(target) == 1:
                    loop = (*path[path.index(target) :], target)
                    self._soften(entry, loop)
                elif target not in state:
                    state[target] = 1
                    path.append(target)
                    stack.append((target, sorted(dependencies.get(target, {}), reverse=True)))
        for dependent, entries in dependencies.items():
            nodes[dependent]["depends_on"] = [entries[ref] for ref in sorted(entries)]

    def _soften(self, entry: dict[str, Any], loop: tuple[NodeId, ...]) -> None:
        origin: Origin = entry["origin"]
        entry["strength"] = Strength.SOFT
        entry["assumed"] = True
        entry["note"] = f"Made soft by the import: it closes the cycle {spell_cycle(loop)}."
        entry["origin"] = origin.model_copy(
            update={"inferred": tuple(sorted({*origin.inferred, "strength"}))}
        )
        self.cycles.append(loop)
        self.account(self.entry_source[id(entry)]).inferred[
            "dependency made soft to break a cycle"
        ] += 1

    def _inherited(self, vendor: _Element) -> tuple[Any, ...]:
        """The exposure a vendor would have without its own: the nearest given up its
        owners, else none."""
        seen: set[str] = set()
        above = vendor.parent
        while above is not None and above not in seen:
            seen.add(above)
            owner = self.draft.vendors[above]
            if "exposure" in owner.fields:
                return tuple(sorted(owner.fields["exposure"]))
            above = owner.parent
        return ()

    def _consumers(self, nodes: Mapping[NodeId, dict[str, Any]]) -> None:
        """Who uses each service: its ``consumers``, in the order of their ids."""
        found: dict[NodeId, dict[NodeId, dict[str, Any]]] = {}
        for relation in sorted(self.draft.uses, key=lambda r: (r.file, r.source, r.target)):
            account = self.account(relation.file)
            user = self.draft.elements.get((relation.file, relation.target))
            used = self.draft.elements.get((relation.file, relation.source))
            if used is None or user is None:
                account.skipped[(relation.type, "an end was not imported")] += 1
                continue
            if (used.kind, user.kind) != ("service", "organisation"):
                account.skipped[
                    (relation.type, "a use that is not of a service by an organisation")
                ] += 1
                continue
            service = self.ids[(relation.file, relation.source)]
            organisation = self.ids[(relation.file, relation.target)]
            consumers = found.setdefault(service, {})
            if organisation in consumers:
                account.skipped[
                    (relation.type, "a second relation between the same two elements")
                ] += 1
                continue
            consumer: dict[str, Any] = {"organisation": organisation, **relation.fields}
            if relation.assumed:
                consumer["assumed"] = True
            consumers[organisation] = consumer
            account.made["use of a service by an organisation"] += 1
            if "users" in relation.inferred:
                account.inferred["users of a service not in the source: 0"] += 1
        for service, consumers in found.items():
            nodes[service]["consumers"] = [consumers[o] for o in sorted(consumers)]

    # --- data flows, alternatives, files -----------------------------------------------

    def _flows(self) -> list[tuple[str, DataFlow]]:
        made: list[tuple[str, DataFlow]] = []
        ordered = sorted(self.draft.flows, key=lambda r: (r.file, r.source, r.target, r.sid or ""))
        for relation in ordered:
            ends = self._resolve(relation, "a data flow")
            if ends is None:
                continue
            given = relation.fields.get("id") or relation.fields.get("name") or ""  # id first
            base = slug(given) or f"flow-{ends[0]}-to-{ends[1]}"
            base = base[:_LONGEST_SLUG]
            chosen, number = base, 2
            while chosen in self.taken:
                chosen, number = f"{base}-{number}", number + 1
            self.taken.add(chosen)
            written = {
                **relation.fields,
                "id": chosen,
                "from": ends[0],
                "to": ends[1],
                "origin": _origin(
                    relation.origin_file, _relation_sid(relation), relation.type, relation.inferred
                ),
            }
            if relation.assumed:
                written["assumed"] = True
            made.append(
                (
                    relation.file,
                    self._validated(
                        DataFlow, written, relation.origin_file, _relation_sid(relation)
                    ),
                )
            )
            account = self.account(relation.file)
            account.made["data flow"] += 1
            for name in sorted(set(relation.inferred)):
                said = _FLOW_INFERRED.get(name)
                if said is not None:
                    account.inferred[said.format(_shown(written.get(name)))] += 1
        return made

    def _alternatives(self) -> list[tuple[str, Alternative]]:
        made: dict[tuple[NodeId, NodeId], tuple[str, Alternative]] = {}
        for relation in sorted(self.draft.alternatives, key=lambda r: (r.file, r.source, r.target)):
            ends = self._resolve(relation, "an alternative")
            if ends is None or ends in made:
                continue
            kinds = {
                self.draft.elements[(relation.file, sid)].kind
                for sid in (relation.source, relation.target)
            }
            if kinds != {"component"}:
                self.account(relation.file).skipped[
                    (relation.type, "an alternative between elements that are not components")
                ] += 1
                continue
            made[ends] = (
                relation.file,
                self._validated(
                    Alternative,
                    {
                        **relation.fields,
                        "for": ends[0],
                        "candidate": ends[1],
                        "assumed": relation.assumed,
                        "origin": _origin(
                            relation.origin_file,
                            _relation_sid(relation),
                            relation.type,
                            relation.inferred,
                        ),
                    },
                    relation.origin_file,
                    _relation_sid(relation),
                ),
            )
            self.account(relation.file).made["alternative"] += 1
        return list(made.values())

    def _files(
        self,
        components: Mapping[NodeId, dict[str, Any]],
        others: Mapping[str, list[tuple[str, Any]]],
    ) -> Imported:
        models: dict[str, type[Any]] = {
            "component": Component,
            "service": Service,
            "capability": Capability,
            "organisation": Organisation,
        }
        sections: dict[str, dict[str, list[Any]]] = {
            source.file: {} for source in self.draft.sources
        }
        for kind, entries in others.items():
            if kind not in models:
                continue
            plural = "capabilities" if kind == "capability" else f"{kind}s"
            for file, (element, own) in entries:
                node = self.ids[(element.file, element.sid)]
                written = components[node] if kind in {"component", "service"} else own
                model = self._validated(
                    models[kind], {**written, "id": node}, element.origin_file, element.sid
                )
                sections[file].setdefault(plural, []).append(model)
        for file, flow in self._flows():
            sections[file].setdefault("data_flows", []).append(flow)
        for file, alternative in self._alternatives():
            sections[file].setdefault("alternatives", []).append(alternative)
        vendors = []
        for key, element in self.draft.vendors.items():
            written = {
                **element.fields,
                "id": self.vendor_ids[key],
                "name": element.name,
                "origin": _origin(element.origin_file, element.sid, element.type, ()),
            }
            if element.parent is not None:
                written["parent"] = self.vendor_ids[element.parent]
            own = written.get("exposure")
            if own is not None and tuple(sorted(own)) == self._inherited(element):
                del written["exposure"]  # its owners' (an export writes every vendor's)
            if element.assumed:
                written["assumed"] = True
            vendors.append(self._validated(Vendor, written, element.origin_file, element.sid))
            self.account(element.file).made["vendor"] += 1
        names = _file_names([source.file for source in self.draft.sources])
        files: dict[str, EstateFile] = {}
        for file, content in sections.items():
            if not content:  # a source that gave nothing writes no (empty, invalid) file
                continue
            files[names[file]] = EstateFile.model_validate(
                {kind: sorted(items, key=_sort_key) for kind, items in content.items()}
            )
        if vendors:
            files["vendors.yaml"] = EstateFile(vendors=tuple(sorted(vendors, key=_sort_key)))
        account = Account([source.account for source in self.draft.sources], self.cycles)
        made_from = {name: file for file, name in names.items() if name in files}
        return Imported(files, account, self.draft.header, self.lines, made_from)


_HOSTED = frozenset({Delivery.SAAS, Delivery.PAAS, Delivery.IAAS})


def _shorthand(element: _Element) -> bool:
    """Whether a component's one vendor, in one role, is what ``vendor:`` alone says: the
    operator of what a vendor hosts, else the licensor."""
    if len(element.links) != 1:
        return False
    (roles,) = element.links.values()
    hosted = element.fields.get("delivery") in _HOSTED
    return roles == {VendorRole.OPERATOR if hosted else VendorRole.LICENSOR}


def _sort_key(model: Any) -> tuple[str, str]:
    if isinstance(model, Alternative):
        return (model.replaces, model.candidate)
    return (model.id, "")


def _file_names(sources: Sequence[str]) -> dict[str, str]:
    """One estate file per source, named after it: ``archisurance.xml`` →
    ``archisurance.yaml``; two sources of one name get ``-2``; ``vendors`` is reserved."""
    names: dict[str, str] = {}
    taken = {"vendors"}
    for file in sorted(set(sources)):
        stem = slug(file.rsplit("/", 1)[-1].rsplit(".", 1)[0]) or "source"
        chosen, number = stem, 2
        while chosen in taken:
            chosen, number = f"{stem}-{number}", number + 1
        taken.add(chosen)
        names[file] = f"{chosen}.yaml"
    return names


__all__ = [
    "KINDS",
    "Account",
    "Draft",
    "Imported",
    "SourceAccount",
    "SourceDraft",
    "slug",
    "spell_cycle",
    "vendor_key",
]
