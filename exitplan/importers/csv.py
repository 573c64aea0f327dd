"""CSV and Excel tables, as CMDBs and spreadsheets export them → estate elements.

An import reads a **components table** (one row per configuration item: a name, a class, a
vendor, a status ...) and, optionally, a **relations table** (one row per relation: a
parent, a child and a relation type, as ServiceNow's ``cmdb_rel_ci``). They come as two
CSV files, or as the sheets of one ``.xlsx`` workbook. Which header means what, which
class becomes which kind of element and which relation type means which dependency is
data: the ``csv`` section of the mapping (``Rules``), whose defaults cover ServiceNow,
iTop, GLPI and Snipe-IT exports and Archi's CSV export. docs/import-csv.md is the guide.

Reading is careful with what a spreadsheet may hold: the encoding (UTF-8 with or without
a byte order mark, UTF-16 or UTF-32 with one, else cp1252) and the delimiter (``,`` ``;``
tab ``|``) are detected; a cell that looks like a formula (``=HYPERLINK(...)``) is only ever text; a
workbook is opened only after its zip directory and XML were checked (no zip bomb, no
document type declaration), and formulas are never evaluated (the values Excel cached
are read). Problems are collected and reported all at once, each with the file, the line
(physical lines, counting line breaks inside quoted cells) and the column.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any, Literal

import pycountry
from pydantic import Field, StringConstraints

from exitplan.errors import InvalidInputError, Problem, abbreviate, agreeing, display_path, plural
from exitplan.importers import rules
from exitplan.importers.archimate import DEFAULT_ELEMENTS, WHY_SKIPPED
from exitplan.importers.draft import Draft, SourceDraft, relation_id
from exitplan.importers.files import (
    UNPACKING,
    once,
    read_source,
    source_bytes,
    unpacking_failed,
)
from exitplan.model import Criticality, Delivery, Lifecycle, Strength
from exitplan.model.estate import MAX_COST, visible

NAME = "csv"
TITLE = "CSV and Excel tables (CMDB exports): a components table and a relations table"

Alias = Annotated[str, StringConstraints(min_length=1, max_length=200)]
RelationType = Annotated[str, StringConstraints(max_length=200)]
"""A value of the relation type column; the empty text stands for a table without one."""
Aliases = tuple[Alias, ...]
Kind = Literal["component", "service", "capability", "organisation", "skip"]
DeliveryWord = Delivery | Literal["unknown"]
LifecycleWord = Lifecycle | Literal["unknown"]

MAX_PROBLEMS = 1_000
"""As the loader: after this many problems in one import the rest are not listed."""
UNPACKED_PER_BYTE = 2
"""A workbook whose parts unpack to more than this many times the budget on a source file
(``--max-bytes``; 256 MiB by default) is refused (a zip bomb)."""
MAX_RATIO = 100
"""A workbook part (over a megabyte) that unpacks to more than this many times its packed
size is refused; real sheets pack 5 to 20 times."""
MAX_PARTS = 10_000
_HEAD_BYTES = 64 * 1024
"""How much of a file detection reads for the header line."""
LONGEST_KEY = 1_000
"""An id, name or class longer than this is not one (the wrong column, or a hostile file)."""
LONGEST_NOTE = 4_000
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = (",", ";", "\t", "|")


def normal(text: str) -> str:
    """Headers and vocabulary compare without case, spaces, ``_``, ``-`` or ``.``:
    ``Owned By`` = ``owned_by`` = ``ownedby``.

    >>> normal(" Sys_Class Name "), normal("Depends on::Used by")
    ('sysclassname', 'dependson::usedby')
    """
    return re.sub(r"[\s_.\-]+", "", text.casefold())


# --- the mapping section ----------------------------------------------------------------------


class Columns(rules.Rules):
    """Which headers mean what. Each field lists header names, compared without case,
    spaces, underscores, hyphens or dots; when a table has several, the first one in this
    order that has a value in a row wins."""

    id: Aliases = Field(
        default=("sys_id", "id", "ci id", "asset id", "asset tag", "identifier", "key"),
        description="The row's identifier; relations name rows by it (or by name). "
        "Without one, the name is the identifier.",
    )
    name: Aliases = Field(
        default=("name", "display name", "ci name", "standard name", "title", "hostname"),
        description="What the element is called.",
    )
    type: Aliases = Field(
        default=("sys_class_name", "class", "ci class", "ci type", "type", "element type"),
        description="The class or type of the row, looked up in 'types'.",
    )
    vendor: Aliases = Field(
        default=("vendor", "supplier", "provider", "manufacturer", "publisher"),
        description="Who provides it (one vendor per organisation, however often named).",
    )
    delivery: Aliases = Field(
        default=("delivery", "deployment type", "deployment", "hosting", "hosting model"),
        description="How it is delivered, looked up in 'delivery'.",
    )
    lifecycle: Aliases = Field(
        default=(
            "lifecycle",
            "install_status",  # where a CI is in its life (In Stock, Retired): before
            "operational_status",  # whether it operates (helper-98: In Stock read as active)
            "status",
            "life cycle status",
            "state",
        ),
        description="Its status, looked up in 'lifecycle'.",
    )
    owner: Aliases = Field(
        default=(
            "owner",
            "owned_by",
            "business owner",
            "managed_by",
            "support_group",
            "organization",
            "organisation",
        ),
        description="Who owns or supports it; kept in the note.",
    )
    criticality: Aliases = Field(
        default=(
            "criticality",
            "business criticality",
            "busines_criticality",
            "business criticity",
        ),
        description="A service's criticality, looked up in 'criticality' (a component's is "
        "kept in the note).",
    )
    cost: Aliases = Field(
        default=("cost per year", "annual cost", "yearly cost", "cost"),
        description="A component's cost per year, a plain number.",
    )
    currency: Aliases = Field(
        default=("currency", "cost currency", "cost_cc"),
        description="The currency of a component's cost, an ISO 4217 code such as SEK "
        "(ServiceNow's cost_cc); a code in the cost cell itself comes first.",
    )
    contract_end: Aliases = Field(
        default=("contract end", "contract end date", "contract expiry", "end date"),
        description="A component's contract end, YYYY-MM-DD (or an Excel date).",
    )
    note: Aliases = Field(
        default=(
            "note",
            "notes",
            "description",
            "short_description",
            "comments",
            "documentation",
        ),
        description="Free text kept as the element's note.",
    )
    parent: Aliases = Field(
        default=("parent", "source", "from", "parent ci", "dependent"),
        description="Relations table: the first end of a relation.",
    )
    child: Aliases = Field(
        default=("child", "target", "to", "child ci", "dependency"),
        description="Relations table: the other end of a relation.",
    )
    relation: Aliases = Field(
        default=("type", "relation type", "relationship type", "relationship", "rel type"),
        description="Relations table: the relation type, looked up in 'relations'.",
    )
    strength: Aliases = Field(
        default=("strength",),
        description="Relations table: hard or soft; overrides the mapping (then not assumed).",
    )


_SERVICE: Kind = "service"
_COMPONENT_ONLY = (
    ("vendor", "Vendor"),
    ("delivery", "Delivery"),
    ("lifecycle", "Lifecycle"),
    ("cost", "Cost per year"),
    ("currency", "Currency"),
    ("contract_end", "Contract end"),
)
"""Columns of a components table that only a component has a field for: on a row that
becomes a service, capability or organisation they go into its note, never lost."""
_COMPONENT: Kind = "component"
_SKIP: Kind = "skip"

_TYPES: dict[str, Kind] = {
    # ServiceNow classes
    "cmdb_ci_service": _SERVICE,
    "cmdb_ci_service_business": _SERVICE,
    "cmdb_ci_service_technical": _SERVICE,
    "cmdb_ci_service_discovered": _SERVICE,
    "cmdb_ci_service_auto": _SERVICE,
    "service_offering": _SERVICE,
    "business_service": _SERVICE,
    "cmdb_ci_appl": _COMPONENT,
    "cmdb_ci_business_app": _COMPONENT,
    "cmdb_ci_server": _COMPONENT,
    "cmdb_ci_win_server": _COMPONENT,
    "cmdb_ci_linux_server": _COMPONENT,
    "cmdb_ci_unix_server": _COMPONENT,
    "cmdb_ci_vm_instance": _COMPONENT,
    "cmdb_ci_database": _COMPONENT,
    "cmdb_ci_db_instance": _COMPONENT,
    "cmdb_ci_cloud_service_account": _COMPONENT,
    "cmdb_ci_ip_address": _SKIP,
    "cmdb_ci_network_adapter": _SKIP,
    "cmdb_ci_disk": _SKIP,
    # words that spreadsheets and iTop, GLPI or Snipe-IT use
    "service": _SERVICE,
    "business service": _SERVICE,
    "technical service": _SERVICE,
    "application": _COMPONENT,
    "application solution": _COMPONENT,
    "software": _COMPONENT,
    "saas": _COMPONENT,
    "server": _COMPONENT,
    "virtual machine": _COMPONENT,
    "database": _COMPONENT,
    "database schema": _COMPONENT,
    "middleware": _COMPONENT,
    "web server": _COMPONENT,
    "network device": _COMPONENT,
    "capability": "capability",
    "organisation": "organisation",
    "organization": "organisation",
    "team": "organisation",
    "location": _SKIP,
    "ip address": _SKIP,
    # Archi's CSV export (the Type column)
    "ApplicationComponent": _COMPONENT,
    "ApplicationInterface": _COMPONENT,
    "Node": _COMPONENT,
    "Device": _COMPONENT,
    "SystemSoftware": _COMPONENT,
    "TechnologyService": _SERVICE,
    "ApplicationService": _SERVICE,
    "BusinessService": _SERVICE,
    "BusinessActor": "organisation",
    "Capability": "capability",
    "ArchimateModel": _SKIP,
}

_HARD = {"becomes": "dependency", "strength": Strength.HARD}
_SOFT = {"becomes": "dependency", "strength": Strength.SOFT}
_RELATIONS: dict[str, dict[str, Any]] = {
    # ServiceNow cmdb_rel_ci types, "parent descriptor::child descriptor"
    "Depends on::Used by": _HARD,
    "Runs on::Runs": _HARD,
    "Hosted on::Hosts": _HARD,
    "Virtualized by::Virtualizes": _HARD,
    "Uses::Used by": _HARD,
    "Sends data to::Receives data from": {"becomes": "data_flow"},
    "Receives data from::Sends data to": {"becomes": "data_flow", "reverse": True},
    "Provided by::Provides": _HARD,
    "Contains::Contained by": _SOFT,
    "Members::Member of": _SOFT,
    "Cluster of::Cluster": _SOFT,
    "Connects to::Connected by": _SOFT,
    "Managed by::Manages": _SOFT,
    "Backed up by::Backs up": {"becomes": "skip"},
    "Owns::Owned by": {"becomes": "skip"},
    # a relations table without a type column, or the words of a spreadsheet
    "": _HARD,
    "depends on": _HARD,
    "uses": _HARD,
    "runs on": _HARD,
    "hosted on": _HARD,
    "soft": _SOFT,
    "data flow": {"becomes": "data_flow"},
    "replaced by": {"becomes": "alternative"},
    # Archi's CSV export: serving, realisation and assignment point from what is needed
    "ServingRelationship": {**_HARD, "reverse": True},
    "RealizationRelationship": {**_HARD, "reverse": True},
    "AssignmentRelationship": {**_HARD, "reverse": True},
    "FlowRelationship": {"becomes": "data_flow"},
    "CompositionRelationship": _SOFT,
    "AggregationRelationship": _SOFT,
    "AssociationRelationship": {"becomes": "skip"},
    "TriggeringRelationship": {"becomes": "skip"},
    "AccessRelationship": {"becomes": "skip"},
    "InfluenceRelationship": {"becomes": "skip"},
    # the specialised element (source) could replace the general one, as the archimate
    # import takes it
    "SpecializationRelationship": {"becomes": "alternative", "reverse": True},
}

_DELIVERY: dict[str, DeliveryWord] = {
    "saas": Delivery.SAAS,
    "software as a service": Delivery.SAAS,
    "cloud": Delivery.SAAS,
    "cloud service": Delivery.SAAS,
    "paas": Delivery.PAAS,
    "platform as a service": Delivery.PAAS,
    "iaas": Delivery.IAAS,
    "infrastructure as a service": Delivery.IAAS,
    "self_hosted": Delivery.SELF_HOSTED,
    "self hosted": Delivery.SELF_HOSTED,
    "on premises": Delivery.SELF_HOSTED,
    "on premise": Delivery.SELF_HOSTED,
    "on prem": Delivery.SELF_HOSTED,
    "internal": Delivery.SELF_HOSTED,
    "server": Delivery.SELF_HOSTED,
    "client": Delivery.CLIENT,
    "desktop": Delivery.CLIENT,
    "workstation": Delivery.CLIENT,
    "mobile": Delivery.CLIENT,
    "other": "unknown",
}

_LIFECYCLE: dict[str, LifecycleWord] = {
    **dict.fromkeys(
        (
            "active",
            "operational",
            "non-operational",
            "installed",
            "in use",
            "in production",
            "production",
            "live",
            "deployed",
            "ready to deploy",
            "ready",
            "approved",
            "exception",
            "in maintenance",
            "repair in progress",
            "dr standby",
        ),
        Lifecycle.ACTIVE,
    ),
    **dict.fromkeys(
        ("phasing_out", "phasing out", "sunsetting", "deprecated", "obsolete", "end of life"),
        Lifecycle.PHASING_OUT,
    ),
    **dict.fromkeys(
        (
            "candidate",
            "pilot",
            "pipeline",
            "planned",
            "proposed",
            "implementation",
            "on order",
            "pending install",
            "pending",
            "in stock",
            "stock",
        ),
        Lifecycle.CANDIDATE,
    ),
    **dict.fromkeys(
        ("retired", "denied", "archived", "disposed", "decommissioned", "stolen", "absent"),
        Lifecycle.RETIRED,
    ),
}

_CRITICALITY: dict[str, Criticality] = {
    "critical": Criticality.CRITICAL,
    "very high": Criticality.CRITICAL,
    "mission critical": Criticality.CRITICAL,
    "1 - most critical": Criticality.CRITICAL,
    "high": Criticality.HIGH,
    "2 - somewhat critical": Criticality.HIGH,
    "medium": Criticality.MEDIUM,
    "moderate": Criticality.MEDIUM,
    "3 - less critical": Criticality.MEDIUM,
    "low": Criticality.LOW,
    "4 - not critical": Criticality.LOW,
}


class Sheets(rules.Rules):
    components: Aliases = Field(
        default=("cmdb_ci", "components", "configuration items", "cis", "assets", "elements"),
        description="Names of the workbook sheet that is the components table; when none "
        "is there, the first sheet whose header has a name or id column.",
    )
    relations: Aliases = Field(
        default=("cmdb_rel_ci", "relations", "relationships", "dependencies"),
        description="Names of the sheet that is the relations table; when none is there, "
        "the first sheet whose header has both a parent and a child column.",
    )


class Rules(rules.Rules):
    """The ``csv`` section of the mapping file."""

    columns: Columns = Field(default_factory=Columns, description=Columns.__doc__)
    types: dict[Alias, Kind] = Field(
        default_factory=lambda: dict(_TYPES),
        description="The value of the type/class column → component, service, capability, "
        "organisation or skip (the row is left out and counted).",
    )
    other_types: Kind = Field(
        default="component",
        description="What a row whose type is not in 'types' becomes (counted as inferred); "
        "a table without a type column makes components.",
    )
    relations: dict[RelationType, rules.RelationRule] = Field(
        default_factory=lambda: {
            key: rules.RelationRule.model_validate(value) for key, value in _RELATIONS.items()
        },
        description="The value of the relation type column → what the relation becomes. A "
        "dependency runs from the parent (source, from) to the child (target, to): the "
        "parent depends on the child, unless 'reverse'. A type written 'A::B' (ServiceNow) "
        "is also found by its first half. The empty type is a table without a type column. "
        "A type not listed is skipped and counted.",
    )
    delivery: dict[Alias, DeliveryWord] = Field(
        default_factory=lambda: dict(_DELIVERY),
        description="Words of the delivery column → saas, paas, iaas, self_hosted, client, "
        "or unknown (the mapping's default delivery, assumed). Another word is an error.",
    )
    lifecycle: dict[Alias, LifecycleWord] = Field(
        default_factory=lambda: dict(_LIFECYCLE),
        description="Words of the status column → active, phasing_out, candidate, retired "
        "or unknown. A word not listed is taken as active and counted as inferred (CMDB "
        "status lists differ too much to refuse them).",
    )
    criticality: dict[Alias, Criticality] = Field(
        default_factory=lambda: dict(_CRITICALITY),
        description="Words of the criticality column → low, medium, high, critical. "
        "Another word is an error.",
    )
    blank: Aliases = Field(
        default=("-", "--", "n/a", "na", "none", "null", "(empty)", "unknown", "tbd"),
        description="Cell values that mean 'not given' in every column but the names and "
        "ids (a CI may be named 'Unknown').",
    )
    sheets: Sheets = Field(default_factory=Sheets, description="Sheets of an .xlsx workbook.")


# --- tables -------------------------------------------------------------------------------------


@dataclass
class Table:
    """One table read from a file or sheet: its header and rows, each row with the line
    (CSV: the physical line it starts on; workbook: the sheet's row number)."""

    file: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    sheet: str = ""
    header_line: int = 1

    def place(self, column: str) -> str:
        return f"{self.sheet}: {column}" if self.sheet and column else self.sheet or column


@dataclass
class _Problems:
    found: list[Problem] = field(default_factory=list)

    def add(self, file: str, line: int, column: str, message: str) -> None:
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(Problem(file, line, column, message))
        elif len(self.found) == MAX_PROBLEMS:
            self.found.append(
                Problem(file, line, "", f"more than {MAX_PROBLEMS:,} problems; the rest not shown")
            )

    def raise_any(self) -> None:
        if self.found:
            raise InvalidInputError(self.found, what="source")


def _refused(file: str, message: str, line: int = 0) -> InvalidInputError:
    return InvalidInputError([Problem(file, line, "", message)], what="source")


def decode(raw: bytes, file: str) -> str:
    """Text of a CSV file: UTF-8 (a byte order mark dropped), UTF-16 with a byte order
    mark, UTF-32 with one, else cp1252 (what Excel on Windows writes). A file that is
    UTF-8 up to a byte that is not (a row pasted in from elsewhere) is refused at that
    line: read as cp1252, every letter before it came out garbled."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        try:
            return raw.decode("utf-32")
        except UnicodeDecodeError:
            raise _refused(file, "starts as UTF-32 but is not UTF-32 text") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise _refused(file, "starts as UTF-16 but is not UTF-16 text") from None
    if b"\x00" in raw:
        line = _line_at(raw, raw.index(b"\x00"))
        raise _refused(file, "holds a NUL byte: not a text table (save it as CSV)", line)
    mark = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return raw[mark:].decode("utf-8")
    except UnicodeDecodeError as error:
        at = mark + error.start  # in the file, the byte order mark counted
        if mark or any(byte >= 0x80 for byte in raw[:at]):  # UTF-8 said or written before it
            raise _refused(
                file,
                f"is UTF-8 up to byte 0x{raw[at]:02x}, which is not: the file "
                "mixes encodings; save it as UTF-8 throughout",
                _line_at(raw, at),
            ) from None
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as error:
        line = _line_at(raw, error.start)
        raise _refused(
            file,
            f"neither UTF-8 nor cp1252 text (byte 0x{raw[error.start]:02x}); save it as UTF-8",
            line,
        ) from None


_LINE_BREAK = re.compile(r"\r\n?|\n")
"""What ends a line of a CSV file: CR LF (Windows), LF, or CR alone (old Mac exports)."""


def _line_at(raw: bytes, offset: int) -> int:
    """The line of the byte at ``offset``."""
    return len(re.findall(rb"\r\n?|\n", raw[:offset])) + 1


def _first_line(text: str) -> str:
    return _LINE_BREAK.split(text, maxsplit=1)[0]


def delimiter(header: str) -> str:
    """The delimiter of a table: of ``,`` ``;`` tab ``|``, the one found most often in
    the header line outside quotes (a tie goes to the earlier in that list).

    >>> delimiter('"a;b",c,d'), delimiter("name;vendor"), delimiter("name")
    (',', ';', ',')
    """
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))


def read_csv_table(raw: bytes, file: str, problems: _Problems) -> Table:
    """A table from the bytes of a CSV file; an empty file is refused, and so is a quoted
    cell that is never closed (the rest of the file would silently become that cell).
    Other slips of quoting (``"a"b``) are read leniently, as spreadsheets write them."""
    text = decode(raw, file)
    if not text.strip():
        raise _refused(file, "file is empty")
    table = _csv_table(text, file, problems)
    last = table.rows[-1][0] if table.rows else table.header_line
    tail = itertools.islice(io.StringIO(text, newline=""), last - 1, None)
    try:  # the last row again, strictly: was it still in a quoted cell at the end?
        for _ in csv.reader(tail, delimiter=delimiter(_first_line(text)), strict=True):
            pass
    except csv.Error as error:
        if str(error) == "unexpected end of data":
            raise _refused(
                file,
                "a quoted cell opened in this row is never closed; "
                "every line after it would be read into that cell",
                last,
            ) from None
    return table


def _csv_table(text: str, file: str, problems: _Problems) -> Table:
    """The table as read leniently (a slip of quoting such as ``"a"b`` is read as
    spreadsheets write it)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(_first_line(text)))
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    header_line = 1
    line = 1
    try:
        for cells in reader:
            if header is None:
                if any(cell.strip() for cell in cells):
                    header, header_line = cells, line
            else:
                rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as error:
        problems.add(file, line, "", f"not a readable CSV row: {error}")
    if header is None:
        raise _refused(file, "file is empty")
    return Table(file, header, rows, header_line=header_line)


# --- workbooks -------------------------------------------------------------------------------

_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROW_NUMBER = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br\s*=\s*[\"']\s*\+?([0-9]+)\s*[\"']"
)

MOST_ROWS = 1_048_576
"""The rows of an Excel sheet. A row numbered beyond (a few bytes of XML) stood for that
many empty rows, read one by one: a 5 KB file took days (helper-78)."""


def check_workbook(raw: bytes, file: str) -> zipfile.ZipFile:
    """The workbook's zip, once it is known not to be a zip bomb and to hold no XML
    document type declaration (openpyxl's XML parsers are safe only as configured by
    the environment; this does not depend on it)."""
    try:
        book = zipfile.ZipFile(io.BytesIO(raw))
        parts = book.infolist()
    except UNPACKING as error:
        raise _refused(
            file, f"not an Excel workbook (.xlsx is a zip file): {unpacking_failed(error)}"
        ) from None
    if len(parts) > MAX_PARTS:
        raise _refused(file, f"a workbook of {len(parts):,} parts is refused")
    total = sum(part.file_size for part in parts)
    limit = UNPACKED_PER_BYTE * source_bytes()
    if total > limit:
        raise _refused(
            file,
            f"unpacks to {total:,} bytes; the limit is {limit:,} bytes, twice --max-bytes (a "
            "zip bomb?)",
        )
    for part in parts:
        if part.file_size > 1 << 20 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise _refused(
                file,
                f"part {part.filename!r} unpacks {part.file_size // max(part.compress_size, 1):,}"
                f" times its size; more than {MAX_RATIO} is refused (a zip bomb?)",
            )
    if "xl/workbook.xml" not in book.namelist():
        raise _refused(file, "a zip file, but not an Excel workbook (no xl/workbook.xml)")
    for part in parts:
        if part.is_dir():
            continue
        sheet = part.filename.startswith("xl/worksheets/")
        try:
            with book.open(part) as stream:
                tail = b""
                while chunk := stream.read(1 << 20):
                    window = tail + chunk
                    if _DECLARATION.search(window) or b"<\x00!\x00" in window:
                        raise _refused(
                            file,
                            f"part {part.filename!r} has an XML document type or entity "
                            "declaration, which no workbook needs (entities can expand "
                            "without bound or read other files)",
                        )
                    if sheet:
                        _check_rows(window, part.filename, file)
                    tail = window[-4096:]
        except UNPACKING as error:
            raise _refused(
                file, f"part {part.filename!r} cannot be unpacked: {unpacking_failed(error)}"
            ) from None
    return book


def _check_sheets_there(book: zipfile.ZipFile, file: str) -> None:
    """Refuse, as damaged, a workbook that lists a sheet whose part is missing: openpyxl
    passes over such a sheet without a word, so that the others were imported alone, or
    the workbook said to be empty (helper-78). The parts are found as openpyxl finds them,
    so that one listed and not used, or spelt otherwise, is no matter (helper-82)."""
    from openpyxl.reader.workbook import WorkbookParser  # noqa: PLC0415  # slow to import

    listed = WorkbookParser(book, "xl/workbook.xml")
    listed.parse()
    there = set(book.namelist())
    for sheet, relation in listed.find_sheets():
        if relation.TargetMode != "External" and relation.target not in there:
            raise _refused(
                file,
                f"the workbook lists sheet {sheet.name!r} in part "
                f"{relation.target!r}, which is not in the file (a damaged "
                "workbook)",
            )


def _check_rows(xml: bytes, part: str, file: str) -> None:
    """Refuse a sheet whose rows are numbered beyond Excel's ``MOST_ROWS``."""
    for found in _ROW_NUMBER.finditer(xml):
        digits = found[1].lstrip(b"0") or b"0"
        if len(digits) > 7 or int(digits) > MOST_ROWS:
            shown = digits[:20].decode() + ("…" if len(digits) > 20 else "")
            raise _refused(
                file,
                f"part {part!r} numbers a row {shown}; a sheet has at most {MOST_ROWS:,} rows",
            )


def _cell_text(value: object) -> str:
    """A cell value as the text a CSV export would hold (dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


MOST_COLUMNS = 1_024
"""The most columns a sheet may use (a CMDB export has dozens)."""


def _check_width(declared: int, sheet: str, file: str) -> None:
    if declared > MOST_COLUMNS:
        raise _refused(
            file,
            f"sheet {sheet!r} uses {declared:,} columns; at most {MOST_COLUMNS:,} are read "
            "(delete the cells far to the right)",
        )


def read_workbook(raw: bytes, file: str) -> list[Table]:
    """Every sheet of a workbook as a table (empty sheets left out). Values are those
    Excel cached; a formula cell without one is a problem."""
    import openpyxl  # noqa: PLC0415  # only workbooks need it, and it is slow to import

    book = check_workbook(raw, file)
    tables: list[Table] = []
    try:
        values = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
        _check_sheets_there(book, file)
        for sheet in values.worksheets:
            table = _sheet_table(sheet, formulas[sheet.title], file)
            if table is not None:
                tables.append(table)
        values.close()
        formulas.close()
    except InvalidInputError:
        raise
    except Exception as error:  # openpyxl raises many types for a bad part
        raise _refused(file, f"not a workbook that can be read: {abbreviate(str(error))}") from None
    if not tables:
        raise _refused(file, "every sheet of the workbook is empty")
    return tables


def _sheet_table(sheet: Any, written: Any, file: str) -> Table | None:
    """One sheet as a table: its cached values, and its formulas (``written``) to find
    a formula without a value; ``None`` when it is empty."""
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    header_line = 1
    # The size a sheet declares is not trusted (A1:XFD1048576 would make every row
    # 16,384 cells); rows are read as long as they are, up to a limit.
    _check_width(sheet.max_column or 0, sheet.title, file)
    sheet.reset_dimensions()
    written.reset_dimensions()
    pairs = zip(
        sheet.iter_rows(values_only=True, max_col=MOST_COLUMNS),
        written.iter_rows(values_only=True, max_col=MOST_COLUMNS),
        strict=False,
    )
    for number, (cached, given) in enumerate(pairs, start=1):
        if number > MOST_ROWS:  # a number the scan of the bytes missed (helper-82)
            raise _refused(file, f"sheet {sheet.title!r} has rows beyond Excel's {MOST_ROWS:,}")
        if cached.count(None) == len(cached) and given.count(None) == len(given):
            continue  # an empty row, or one of the rows a gap in the numbers skips
        cells = [_cell_text(value) for value in cached]
        for index, (value, formula) in enumerate(zip(cached, given, strict=False)):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                cells[index] = "\x00formula"  # marks a formula without a value
        if header is None:
            if any(cell.strip() for cell in cells):
                header, header_line = cells, number
        elif any(cell.strip() for cell in cells):
            rows.append((number, cells))
    if header is None:
        return None
    return Table(file, header, rows, sheet=sheet.title, header_line=header_line)


# --- reading rows ---------------------------------------------------------------------------


class _Header:
    """Where each mapped column is in a table's header."""

    def __init__(self, header: Sequence[str], columns: Columns) -> None:
        positions: dict[str, list[int]] = {}
        for index, name in enumerate(header):
            positions.setdefault(normal(name), []).append(index)
        self.names = list(header)
        self.found: dict[str, list[int]] = {}
        for what in Columns.model_fields:
            at = [
                index
                for alias in getattr(columns, what)
                for index in positions.get(normal(alias), [])
            ]
            self.found[what] = list(dict.fromkeys(at))
        self.relations = bool(self.found["parent"] and self.found["child"])
        self.components = bool(self.found["name"] or self.found["id"])

    def unused(self, role: str) -> list[str]:
        mapped = _ROLE_FIELDS[role]
        taken = {index for what in mapped for index in self.found[what]}
        return [name for index, name in enumerate(self.names) if index not in taken and name]


_ROLE_FIELDS = {
    "components": (
        "id",
        "name",
        "type",
        "vendor",
        "delivery",
        "lifecycle",
        "owner",
        "criticality",
        "cost",
        "currency",
        "contract_end",
        "note",
    ),
    "relations": ("id", "parent", "child", "relation", "strength", "note"),
}


@dataclass
class _Row:
    table: Table
    line: int
    cells: list[str]
    header: _Header
    blank: frozenset[str]
    problems: _Problems
    guessed: list[str] = field(default_factory=list)
    """The element's fields the mapping guessed (a type or status not in it)."""
    told: int = 0
    """The problems told of the row so far."""

    def get(self, what: str, *, key: bool = False) -> tuple[str, str]:
        """The first value given for ``what`` and the header of its column. A ``key`` (a
        name or an id) is never one of the blank words: ServiceNow ships a CI named
        "Unknown", and a row so named is that CI, not a row without a name (helper-98)."""
        for index in self.header.found[what]:
            value = self.cells[index].strip() if index < len(self.cells) else ""
            if value == "\x00formula":
                self.problem(
                    self.header.names[index],
                    "a formula without a cached value (the workbook was saved without "
                    "calculating it); open and save it in Excel, or export the values",
                )
                continue
            if value and (key or value.casefold() not in self.blank):
                return value, self.header.names[index]
        return "", ""

    def problem(self, column: str, message: str) -> None:
        self.told += 1
        self.problems.add(self.table.file, self.line, self.table.place(column), message)


def _lookup(table: Mapping[str, Any], value: str) -> Any:
    return table.get(normal(value))


def _normal_table(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {normal(key): value for key, value in mapping.items()}


_AMOUNT = re.compile(
    r"(?P<before>[a-z]{3}|kr|[$€£¥])?(?P<number>[0-9][0-9.,]*)"
    r"(?P<scale>k|t|m|mn|mio)?(?P<after>[a-z]{3}|kr|:-|[$€£¥])?",
    re.ASCII | re.IGNORECASE,
)
_SCALES = {"k": 1e3, "t": 1e3, "m": 1e6, "mn": 1e6, "mio": 1e6}
"""Thousands (``12k``, ``250 tkr``) and millions (``2.5M``, ``12 MSEK``, ``3 mkr``)."""


def cost(text: str) -> float | None:
    """A yearly amount written as a spreadsheet would: ``12 000``, ``1,250.50``,
    ``1.250,50``, ``SEK 4500``, ``12 000:-``, with a scale (``250 tkr``, ``12 MSEK``,
    ``2.5M``); None when it is not such a number. A separator followed by groups of three
    digits alone is one of thousands (``1,250`` and ``1.250`` are both 1250), except
    before a scale (``2.500M`` is two and a half million); digits are ASCII digits only;
    any other word is refused, not dropped.

    >>> cost("1,250.50"), cost("1.250,50"), cost("12 000 kr"), cost("12,5"), cost("a lot")
    (1250.5, 1250.5, 12000.0, 12.5, None)
    >>> cost("250 tkr"), cost("12 MSEK"), cost("1.250"), cost("12 lots")
    (250000.0, 12000000.0, 1250.0, None)
    """
    plain = re.sub(r"[\s\u00a0\u202f']+", "", text)
    matched = _AMOUNT.fullmatch(plain)
    if matched is None or (matched["before"] and matched["after"]):
        return None
    for code in (matched["before"], matched["after"]):  # a currency, not any word
        word = code is not None and code.isalpha() and code.casefold() != "kr"
        if word and pycountry.currencies.get(alpha_3=code.upper()) is None:
            return None
    number = matched["number"]
    if "," in number and "." in number:
        decimal = "," if number.rfind(",") > number.rfind(".") else "."
        number = number.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif re.fullmatch(r"[1-9][0-9]{0,2}([,.][0-9]{3})+", number) and not matched["scale"]:
        number = number.replace(",", "").replace(".", "")  # thousands (not "2.500M")
    else:
        number = number.replace(",", ".")
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", number):
        return None
    return float(number) * _SCALES.get((matched["scale"] or "").casefold(), 1.0)


_SYMBOLS = {"€": "EUR", "£": "GBP"}
"""Currency signs that name one currency ($ and ¥ name several, kr four)."""


def currency_named(text: str) -> str | None:
    """The ISO 4217 code a cost cell names, before or after its number (``SEK 4500``,
    ``12 000 EUR``, ``€ 300``), else None (``kr``, ``$`` and a bare number name none).

    >>> currency_named("USD 1,200"), currency_named("12 000 kr"), currency_named("€300")
    ('USD', None, 'EUR')
    """
    matched = _AMOUNT.fullmatch(re.sub(r"[\s\u00a0\u202f']+", "", text))
    if matched is None:
        return None
    for code in (matched["before"], matched["after"]):
        if code in _SYMBOLS:
            return _SYMBOLS[code]
        if code and code.isalpha() and pycountry.currencies.get(alpha_3=code.upper()):
            return code.upper()
    return None


def currency_code(text: str) -> str | None:
    """``text`` as an ISO 4217 code (``sek`` is SEK), else None."""
    word = text.strip().upper()
    known = len(word) == 3 and word.isascii() and word.isalpha()
    return word if known and pycountry.currencies.get(alpha_3=word) is not None else None


_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?")


def contract_end(text: str) -> str | None:
    """``YYYY-MM-DD`` (a time after it ignored) between 1900 and 2999, else None."""
    matched = _DATE.fullmatch(text)
    if matched is None:
        return None
    try:
        day = date.fromisoformat(matched.group(1))
    except ValueError:
        return None
    return day.isoformat() if 1900 <= day.year <= 2999 else None


def _note(parts: Sequence[str]) -> str | None:
    text = "\n".join(part for part in parts if part)
    if not text:
        return None
    return text if len(text) <= LONGEST_NOTE else text[: LONGEST_NOTE - 1] + "…"


@dataclass
class _Known:
    """The rows of the components tables, by id and by name, for the relations."""

    by_id: dict[str, tuple[SourceDraft, str]] = field(default_factory=dict)
    by_name: dict[str, list[tuple[SourceDraft, str]]] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)

    def find(self, value: str) -> tuple[SourceDraft, str] | str:
        """The source and id of the row ``value`` names, or why there is none."""
        found = self.by_id.get(value) or self.by_id.get(value.casefold())
        if found is not None:
            return found
        named = self.by_name.get(value.casefold(), [])
        if len(named) == 1:
            return named[0]
        if named:
            return "an end names several rows of the components table"
        if value in self.skipped or value.casefold() in self.skipped:
            return "an end is a row whose type is mapped to skip"
        return "an end is not a row of the components table"


class _Reader:
    """Reads tables into a draft with the rules of one mapping."""

    def __init__(self, draft: Draft, mapping: Rules) -> None:
        self.draft = draft
        self.rules = mapping
        self.problems = _Problems()
        self.known = _Known()
        self.blank = frozenset(word.casefold() for word in mapping.blank)
        self.types = _normal_table(mapping.types)
        self.relation_rules = _normal_table(mapping.relations)
        self.delivery = _normal_table(mapping.delivery)
        self.lifecycle = _normal_table(mapping.lifecycle)
        self.criticality = _normal_table(mapping.criticality)
        self.currency: str | None = None
        """The currency of the estate's costs: the one most costs name (``pair``)."""
        self.left_out: Counter[tuple[str, str]] = Counter()
        """Costs in another currency, by source file and currency: not converted."""
        self.archi = False
        """The table being read is Archi's export (it holds the model's row): a type the
        mapping does not list is taken as the archimate import takes it."""

    def _rows(self, table: Table, header: _Header) -> Iterator[_Row]:
        width = len(header.names)
        for line, cells in table.rows:
            if not any(cell.strip() for cell in cells):
                continue
            row = _Row(table, line, cells, header, self.blank, self.problems)
            extra = [cell for cell in cells[width:] if cell.strip()]
            if extra:
                row.problem(
                    "",
                    f"{len(cells):,} cells in a table of {width:,} columns "
                    f"(first extra: {abbreviate(extra[0])}); a delimiter or quote inside a cell?",
                )
                continue
            yield row

    def _unused(self, source: SourceDraft, table: Table, header: _Header, role: str) -> None:
        unused = header.unused(role)
        if unused:
            shown = ", ".join(abbreviate(name, 40) for name in unused[:10])
            more = f" and {len(unused) - 10:,} more" if len(unused) > 10 else ""
            where = f"sheet {table.sheet!r} of {table.file}" if table.sheet else table.file
            source.note(f"{where}: columns not used: {shown}{more}")

    # --- components ---------------------------------------------------------------------

    def components(self, table: Table, source: SourceDraft) -> None:
        header = _Header(table.header, self.rules.columns)
        if not header.components:
            self.problems.add(
                table.file,
                table.header_line,
                table.place(""),
                "the components table has no name or id column; name yours in the mapping "
                "under csv.columns.name",
            )
            return
        self._unused(source, table, header, "components")
        source.reading(table.file)
        self.archi = _archi_export(table, header)
        for row in self._rows(table, header):
            self._component(row, source)

    def _key(self, row: _Row, what: str) -> tuple[str, str]:
        value, column = row.get(what, key=what in _KEYS)
        if len(value) > LONGEST_KEY:
            row.problem(column, f"longer than {LONGEST_KEY:,} characters: {abbreviate(value)}")
            return "", column
        return value, column

    def _component(self, row: _Row, source: SourceDraft) -> None:
        sid, _ = self._key(row, "id")
        name, _ = self._key(row, "name")
        if not sid and not name:
            if not row.told:  # else its name or id is told: too long, or a formula
                row.problem("", "a row with neither a name nor an id")
            return
        type_, _ = self._key(row, "type")
        if not sid and self.known.by_id.get(name, (None,))[0] is source:
            source.read()  # 173 laptops named "MacBook Pro 17" were one (helper-98)
            source.skip(type_ or "row", SAME_NAME)
            return
        sid = sid or name
        kind, why = self._kind(row, type_, source)
        if kind == "skip":
            self.known.skipped.update({sid, sid.casefold(), (name or sid).casefold()})
            source.read()
            source.skip(type_ or "row", why)
            return
        details = self._details(row, kind, source)
        if details is None:
            return
        fields, delivery, vendor = details
        shown = type_ or None
        if kind == "component":
            source.component(
                sid,
                name or sid,
                type=shown,
                delivery=delivery,
                vendor=source.vendor(vendor) if vendor else None,
                fields=fields,
            )
        elif kind == "service":
            source.service(sid, name or sid, type=shown, fields=fields)
        elif kind == "capability":
            source.capability(sid, name or sid, type=shown, fields=fields)
        else:
            source.organisation(sid, name or sid, type=shown, fields=fields)
        source.place(sid, row.line)
        source.guessed(sid, *row.guessed)
        self.known.by_id.setdefault(sid, (source, sid))
        self.known.by_id.setdefault(sid.casefold(), (source, sid))
        self.known.by_name.setdefault((name or sid).casefold(), []).append((source, sid))

    def _kind(self, row: _Row, type_: str, source: SourceDraft) -> tuple[Kind, str]:
        """What a row's type becomes, and why when it is skipped."""
        kind: Kind = self.rules.other_types
        why = "its type is mapped to skip"
        if type_:
            mapped = _lookup(self.types, type_)
            archi = _lookup(_ARCHI_TYPES, type_) if mapped is None and self.archi else None
            if archi is not None:
                kind = _ARCHI_ELEMENTS[archi]
                why = _archi_why(archi, why)
            elif mapped is None:
                source.infer(f"type not in the mapping, taken as {kind}")
                row.guessed.append("type")
            else:
                kind = mapped
        return kind, why

    def _word(self, row: _Row, what: str, table: Mapping[str, Any]) -> tuple[Any, bool]:
        """The mapped value of a closed-vocabulary column (None when empty), and whether
        the word was known (an unknown one is a problem)."""
        word, column = row.get(what)
        if not word:
            return None, True
        found = _lookup(table, word)
        if found is None:
            row.problem(column, f"unknown {what} {abbreviate(word)}; {_known(table)}")
            return None, False
        return found, True

    def _parsed(self, row: _Row, what: str, parse: Any, expected: str) -> tuple[Any, bool]:
        word, column = row.get(what)
        if not word:
            return None, True
        value = parse(word)
        if value is None:
            row.problem(column, f"not {expected}: {abbreviate(word)}")
            return None, False
        return value, True

    def _component_fields(
        self, row: _Row, source: SourceDraft, amount: float | None, end: str | None
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        status, _ = row.get("lifecycle")
        lifecycle = _lookup(self.lifecycle, status) if status else "unknown"
        if lifecycle is None:
            source.infer("status not in the mapping, taken as active")
            row.guessed.append("lifecycle")
        elif lifecycle != "unknown":
            fields["lifecycle"] = Lifecycle(lifecycle)
        amount = self._yearly(row, source, amount)
        if amount is not None:
            fields["cost_per_year"] = amount
        if end is not None:
            fields["contract"] = {"end": end}
        return fields

    def _yearly(self, row: _Row, source: SourceDraft, amount: float | None) -> float | None:
        """A cost per year, from a column named only ``cost`` a guess: ServiceNow's
        ``cost`` is what the item cost to buy, and 0 where nobody filled it in, taken as not
        given rather than as free (helper-98: 742 laptops and servers "cost nothing")."""
        _, column = row.get("cost")
        if amount is None or normal(column) != "cost":
            return amount
        if amount == 0:
            source.infer("a cost of 0 in a column named only 'cost', taken as not given")
            return None
        source.infer("cost per year from a column named only 'cost' (ServiceNow's: the price)")
        row.guessed.append("cost_per_year")
        return amount

    def _in_currency(self, row: _Row, *, counted: bool) -> bool | None:
        """Whether the row's cost is in the estate's currency (or names none); a cost in
        another is ``counted`` to be told (a component's: another row keeps its cost in
        its note); None, with a problem of the row, when a currency column names none."""
        word, _ = row.get("cost")
        code = currency_named(word)
        if code is None:
            given, column = row.get("currency")
            if not given:
                return True
            code = currency_code(given)
            if code is None:
                row.problem(column, f"not a currency code such as SEK: {abbreviate(given)}")
                return None
        if self.currency is None or code == self.currency:
            return True
        if counted:
            self.left_out[row.table.file, code] += 1
        return False

    def _details(
        self, row: _Row, kind: Kind, source: SourceDraft
    ) -> tuple[dict[str, Any], Delivery | None, str] | None:
        """The fields of a row's element (its note too), its delivery and vendor name;
        None when a value is wrong (the problem is recorded)."""
        delivery, ok_delivery = self._word(row, "delivery", self.delivery)
        level, ok_level = self._word(row, "criticality", self.criticality)
        amount, ok_cost = self._parsed(row, "cost", cost, "an amount per year")
        if amount is not None and amount > MAX_COST:
            word, column = row.get("cost")
            row.problem(column, f"{abbreviate(word)} is more than {MAX_COST:,.0f} a year")
            ok_cost = False
        if amount:  # 0 is 0 in any currency
            fits = self._in_currency(row, counted=kind == "component")
            ok_cost = ok_cost and fits is not None  # None: a currency column naming none
            amount = amount if fits else None
        end, ok_end = self._parsed(row, "contract_end", contract_end, "a date YYYY-MM-DD")
        vendor, ok_vendor = _vendor(row)
        if not (ok_delivery and ok_level and ok_cost and ok_end and ok_vendor):
            return None
        fields: dict[str, Any] = {}
        extra: list[str] = []
        if kind == "component":
            fields.update(self._component_fields(row, source, amount, end))
        if level is not None:
            if kind == "service":
                fields["criticality"] = level
            else:
                extra.append(f"Criticality: {level}")
        owner, _ = row.get("owner")
        if owner:
            extra.append(f"Owner: {owner}")
        if kind != "component":  # fields only a component has: kept in the note, as written
            for what, label in _COMPONENT_ONLY:
                written, _ = row.get(what)
                if written:
                    extra.append(f"{label}: {written}")
        text, _ = row.get("note")
        note = _note([text, *extra])
        if note:
            fields["note"] = note
        chosen = None if delivery in (None, "unknown") else Delivery(delivery)
        return fields, chosen, vendor if kind == "component" else ""

    # --- relations ------------------------------------------------------------------------

    def relations(self, table: Table, owner: SourceDraft) -> None:
        header = _Header(table.header, self.rules.columns)
        if not header.relations:  # only a table named with --relations gets here so
            self.problems.add(
                table.file,
                table.header_line,
                table.place(""),
                "the relations table has no parent and child columns; name yours in the "
                "mapping under csv.columns.parent and csv.columns.child",
            )
            return
        self._unused(owner, table, header, "relations")
        for row in self._rows(table, header):
            self._relation(row, owner, header)

    def _rule(self, type_: str) -> rules.RelationRule | None:
        found = self.relation_rules.get(normal(type_))
        if found is None and "::" in type_:
            found = self.relation_rules.get(normal(type_.split("::", 1)[0]))
        return found

    def _relation(self, row: _Row, owner: SourceDraft, header: _Header) -> None:
        keys = _keys(row, "parent", "child", "relation", "id")
        if keys is None:
            return
        parent, child, type_, sid = keys
        given, strength_column = row.get("strength")
        missing = [
            header.names[header.found[what][0]]
            for what, value in (("parent", parent), ("child", child))
            if not value
        ]
        for column in missing:
            row.problem(column, "empty: a relation needs both ends")
        strength: Strength | None = None
        if given:
            try:
                strength = Strength(given.casefold())
            except ValueError:
                row.problem(strength_column, f"{abbreviate(given)} is not hard or soft")
                return
        if missing:
            return
        rule = self._rule(type_)
        shown = type_ or "relation"
        ends = _ends(rule, [self.known.find(parent), self.known.find(child)])
        if isinstance(ends, str) or rule is None:
            owner.read()
            owner.skip(shown, str(ends))
            return
        (source, a), (_, b) = ends
        dependent, needed = (b, a) if rule.reverse else (a, b)
        source.reading(row.table.file)
        source.place(relation_id(sid, dependent, needed), row.line)
        if rule.becomes == "dependency":
            source.depends(
                dependent,
                needed,
                type=shown,
                sid=sid or None,
                strength=strength or rule.strength,
                inferred=() if strength else ("strength",),
            )
        elif rule.becomes == "data_flow":
            source.flow(dependent, needed, type=shown, sid=sid or None)
        elif rule.becomes == "alternative":
            source.alternative(dependent, needed, type=shown, sid=sid or None)
        else:  # vendor: the element at the other end names the vendor of this one
            source.read()
            element = self.draft.elements.get((source.file, needed))
            if element is not None:
                source.provided_by(dependent, source.vendor(element.name))

    # --- whole imports ----------------------------------------------------------------------

    def _currency(self, tables: Sequence[Table]) -> str | None:
        """The currency most costs name (in their cell, else in a currency column), the
        first by code of a tie; None when none names one. A cost of 0 is not counted."""
        counted: Counter[str] = Counter()
        for table in tables:
            header = _Header(table.header, self.rules.columns)
            at_cost, at_currency = header.found["cost"], header.found["currency"]
            if not at_cost:
                continue
            for _, cells in table.rows:
                given = [cells[i].strip() for i in at_cost if i < len(cells)]
                word = next((w for w in given if w and w.casefold() not in self.blank), "")
                if not cost(word):
                    continue
                named = [currency_code(cells[i]) for i in at_currency if i < len(cells)]
                code = currency_named(word) or next((c for c in named if c), None)
                if code is not None:
                    counted[code] += 1
        return min(counted, key=lambda code: (-counted[code], code)) if counted else None

    def pair(
        self, components: Sequence[Table], relations: Sequence[Table], notes: Sequence[str] = ()
    ) -> None:
        """Components tables, each its own source (a workbook's are one source), then
        the relations tables, whose ends may be in any of them."""
        sources: dict[str, SourceDraft] = {}
        given = self.draft.currency  # the estate imported into counts in it
        self.currency = given or self._currency(components)
        for table in components:
            source = sources.get(table.file)
            if source is None:
                source = sources[table.file] = self.draft.source(table.file, NAME)
            self.components(table, source)
        if sources:
            first = next(iter(sources.values()))
            for text in notes:
                first.note(text)
            if self.currency is not None and given is None:
                first.header({"currency": self.currency})
        why = "as its estate.yaml says" if given else "the currency most costs name"
        for (file, code), count in sorted(self.left_out.items()):
            sources[file].note(
                f"{plural(count, 'cost')} in {code} left out: the estate's costs are in "
                f"{self.currency}, {why}, and exitplan does not convert them"
            )
        if relations and not components:
            for table in relations:
                self.problems.add(
                    table.file,
                    0,
                    "",
                    "a relations table needs a components table (its rows name the rows there)",
                )
            return
        for table in relations:
            owner = sources.get(table.file) or sources[components[0].file]
            owner.read_also(table.file)
            self.relations(table, owner)
        for source in sources.values():
            source.reading(source.file)  # what the draft adds later is of the source itself


_ARCHI_JUNCTION = (
    "junction: joins relations, which only the import of the .archimate model resolves"
)
"""Why a junction of Archi's CSV export is skipped."""
_ARCHI_ELEMENTS: dict[str, Kind] = {
    **{kind: becomes for kind, becomes in DEFAULT_ELEMENTS.items() if becomes != "vendor"},
    **dict.fromkeys(("Junction", "AndJunction", "OrJunction"), "skip"),
}
"""The ArchiMate element types as the archimate import takes them by default, for a type
of Archi's CSV export that the mapping does not list (a BusinessObject, a ValueStream):
not a component by ``other_types``, but skipped with its reason."""
_ARCHI_TYPES = {normal(kind): kind for kind in _ARCHI_ELEMENTS}
"""Each ArchiMate type by its written form in any case (as the mapping's types are)."""


def _archi_why(type_: str, otherwise: str) -> str:
    """Why the Archi import skips ``type_``, where it holds here: what that import makes of
    a passive object or an actor instead (a data flow's asset, a vendor) needs relations
    this import does not derive, so those are only named."""
    if type_.endswith("Junction"):
        return _ARCHI_JUNCTION
    why = WHY_SKIPPED.get(type_, otherwise)
    family, _, reason = why.partition(": ")
    return f"{family}: not something that can be withdrawn" if "becomes" in reason else why


def _archi_export(table: Table, header: _Header) -> bool:
    """Whether ``table`` is the elements file of Archi's CSV export: a row of its type
    column is the model itself (``ArchimateModel``), which Archi writes first."""
    return any(
        index < len(cells) and cells[index].strip().casefold() == "archimatemodel"
        for _, cells in table.rows[:3]
        for index in header.found["type"]
    )


SAME_NAME = (
    "the name of an earlier row, and no id to tell them apart; the first kept (map an id "
    "column, such as a serial number or an asset tag)"
)
_KEYS = frozenset({"id", "name", "parent", "child"})
"""The columns that name a row or what it links, never read as blank (see ``_Row.get``)."""


def _keys(row: _Row, *whats: str) -> list[str] | None:
    """The values of ``whats`` in a row; None when one is too long to be a key (each such
    one is a problem)."""
    found = [row.get(what, key=what in _KEYS) for what in whats]
    for value, column in found:
        if len(value) > LONGEST_KEY:
            row.problem(column, f"longer than {LONGEST_KEY:,} characters: {abbreviate(value)}")
    if any(len(value) > LONGEST_KEY for value, _ in found):
        return None
    return [value for value, _ in found]


Ends = tuple[tuple[SourceDraft, str], tuple[SourceDraft, str]]


def _ends(
    rule: rules.RelationRule | None, ends: Sequence[tuple[SourceDraft, str] | str]
) -> Ends | str:
    """The two rows a relation links, or why it is left out."""
    if rule is None:
        return "its relation type is not in the mapping (csv.relations)"
    if rule.becomes == "skip":
        return "its relation type is mapped to skip"
    first, second = ends
    if isinstance(first, str):
        return first
    if isinstance(second, str):
        return second
    if first[0] is not second[0]:
        return "its ends are in different components tables"
    return first, second


def _known(table: Mapping[str, Any]) -> str:
    values = sorted({str(value) for value in table.values()})
    return f"add it to the mapping (known: {', '.join(values)})"


def _archi_properties(table: Table) -> bool:
    """Whether ``table`` is the properties file of Archi's CSV export (``"ID","Key","Value"``),
    which names elements of the elements file, not elements of its own."""
    return [normal(column) for column in table.header] == ["id", "key", "value"]


def _role(table: Table, mapping: Rules) -> str:
    header = _Header(table.header, mapping.columns)
    return "relations" if header.relations else "components"


def _read_file(path: Path, reader: _Reader) -> list[Table]:
    raw, file = read_source(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES or raw.startswith(b"PK\x03\x04"):
        return read_workbook(raw, file)
    return [read_csv_table(raw, file, reader.problems)]


def holds_tables(folder: Path) -> bool:
    """Whether ``folder`` holds a file the import may read as a table (``--from csv``)."""
    return any(
        child.suffix.lower() in (*TEXT_SUFFIXES, *WORKBOOK_SUFFIXES) for child in folder.iterdir()
    )


def _files(paths: Sequence[Path], columns: Columns) -> tuple[list[Path], list[Path]]:
    """The files to read as tables, and those a folder holds that are left: a ``.txt``
    file that is read and whose first line is no table's header under the mapping's
    ``columns`` (a licence, a read-me). Every other file given, or in a folder with a
    table's name, is read, and refused if it is not one (or cannot be read)."""
    found: list[Path] = []
    left: list[Path] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.iterdir()):
                suffix = child.suffix.lower()
                if suffix == ".txt" and _detect_file(child, columns) is False:
                    left.append(child)
                elif suffix in (*TEXT_SUFFIXES, *WORKBOOK_SUFFIXES):
                    found.append(child)
        else:
            found.append(path)
    return once(sorted(found, key=display_path)), sorted(left, key=display_path)


def _sheet_roles(tables: list[Table], mapping: Rules) -> tuple[list[Table], list[Table]]:
    """A workbook's components and relations sheets: by name, else by their headers."""
    by_name = {normal(table.sheet): table for table in tables}
    components = next(
        (by_name[normal(n)] for n in mapping.sheets.components if normal(n) in by_name), None
    )
    relations = next(
        (by_name[normal(n)] for n in mapping.sheets.relations if normal(n) in by_name), None
    )
    for table in tables:
        role = _role(table, mapping)
        if relations is None and role == "relations" and table is not components:
            relations = table
        if components is None and role == "components" and table is not relations:
            header = _Header(table.header, mapping.columns)
            if header.components:
                components = table
    return ([components] if components else []), ([relations] if relations else [])


def read(paths: Sequence[Path], draft: Draft, rules: Rules) -> None:
    """Read CSV files and workbooks: each CSV file is a components or a relations table
    by its header (a relations table has parent and child columns); a workbook's sheets
    are the tables, by name or header. Raises ``InvalidInputError`` with every problem."""
    reader = _Reader(draft, rules)
    components: list[Table] = []
    relations: list[Table] = []
    notes: list[str] = []
    files, left = _files(paths, rules.columns)
    notes.extend(f"{display_path(path)}: not read, not a table" for path in left)
    for path in files:
        tables = _read_file(path, reader)
        if tables[0].sheet:
            found, linked = _sheet_roles(tables, rules)
            used = {id(table) for table in (*found, *linked)}
            for table in tables:
                if id(table) not in used:
                    notes.append(f"{table.file}: sheet {table.sheet!r} not read")
            components.extend(found)
            relations.extend(linked)
        elif _archi_properties(tables[0]):
            count = len(tables[0].rows)
            notes.append(
                f"{tables[0].file}: Archi's properties table not read ({count} "
                f"{agreeing(count, 'property', 'properties')}); import the .archimate model "
                "itself to use them"
            )
        else:
            (relations if _role(tables[0], rules) == "relations" else components).append(tables[0])
    reader.pair(components, relations, notes)
    reader.problems.raise_any()


def read_tables(components: Path, relations: Path | None, draft: Draft, rules: Rules) -> None:
    """Read a components table and, optionally, a relations table named by the user
    (``--components FILE --relations FILE``): the roles are not guessed."""
    reader = _Reader(draft, rules)
    component_tables = _read_file(components, reader)
    relation_tables = _read_file(relations, reader) if relations is not None else []
    if relations is not None and relation_tables[0].sheet:
        relation_tables = _sheet_roles(relation_tables, rules)[1] or relation_tables[:1]
    if component_tables[0].sheet:
        component_tables = _sheet_roles(component_tables, rules)[0] or component_tables[:1]
    reader.pair(component_tables, relation_tables)
    reader.problems.raise_any()


def detect(path: Path) -> bool:
    """A CSV file whose first line is a header with a known column, or a workbook; or a
    folder that holds one (a CMDB's export of two tables). Only the head of a file is read
    (of a workbook, its list of parts), so that a file over the budget is still recognised
    and then refused for its size, not taken for another format."""
    if path.is_dir():
        try:
            return any(_detect_file(child) for child in sorted(path.iterdir()))
        except OSError:
            return False
    return bool(_detect_file(path))


def _first_line_bytes(head: bytes) -> bytes:
    """The bytes of the first line of a file's head, for its encoding alone to be told: a
    head cut in the middle of a character, or a file whose later rows mix encodings, is
    still a table (reading it whole says what is wrong with it). A head in UTF-16 or
    UTF-32 is kept whole, its last unit cut if need be."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return head[: len(head) - len(head) % 4]
    return re.split(rb"\r\n?|\n", head, maxsplit=1)[0]


def _detect_file(path: Path, columns: Columns | None = None) -> bool | None:
    """Whether ``path`` starts as a table does (a header with a known column, under
    ``columns`` or the default mapping's); ``None`` when it cannot be read to tell: not
    a regular file, or refused by the system."""
    suffix = path.suffix.lower()
    if suffix not in (*TEXT_SUFFIXES, *WORKBOOK_SUFFIXES):
        return False
    if not path.is_file():
        return None
    try:
        with path.open("rb") as opened:
            head = opened.read(_HEAD_BYTES)
            if suffix in WORKBOOK_SUFFIXES:
                if not head.startswith(b"PK\x03\x04"):
                    return False
                if os.fstat(opened.fileno()).st_size > source_bytes():
                    return True  # too large to look into: reading it refuses it for its size
                return "xl/workbook.xml" in zipfile.ZipFile(opened).namelist()
    except OSError:
        return None
    except UNPACKING:  # a damaged archive: not a workbook (OSError is told above)
        return False
    try:
        first = _first_line(decode(_first_line_bytes(head), "")).strip()
    except InvalidInputError:
        return False
    if not first:
        return False
    try:
        cells = next(csv.reader([first], delimiter=delimiter(first)), [])
    except csv.Error:
        return False
    header = _Header(cells, columns or Columns())
    return len(cells) >= 2 and bool(header.components or header.relations)


def _vendor(row: _Row) -> tuple[str, bool]:
    """The row's vendor name, and whether it can be one: a name of a few visible
    characters at most ``LONGEST_KEY`` long, or none. An invisible one is told at its row
    (it was told later, without a line, under the estate's ``name``: helper-87)."""
    vendor, column = row.get("vendor")
    if len(vendor) > LONGEST_KEY:
        row.problem(column, f"a vendor name longer than {LONGEST_KEY:,} characters")
        return vendor, False
    if vendor and not visible(vendor):
        row.problem(
            column,
            f"{vendor!r} holds no visible character; give the vendor's name, or leave the "
            "cell empty",
        )
        return vendor, False
    return vendor, True


__all__ = [
    "NAME",
    "TITLE",
    "Columns",
    "Rules",
    "Sheets",
    "decode",
    "delimiter",
    "detect",
    "read",
    "read_tables",
]
