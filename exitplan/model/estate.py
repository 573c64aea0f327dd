"""Pydantic models of the estate format (DESIGN.md §2).

``EstateFile`` is what one YAML/JSON file may hold; ``Estate`` is the validated merge of
one or more files, sorted by id, with every reference known to resolve. The models check
each item on its own; references across items are checked by ``exitplan.loading``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    model_serializer,
    model_validator,
)

from exitplan.errors import abbreviate, draws, value_kind
from exitplan.model.ids import ID_PATTERN, Country, Currency, Id, NodeId
from exitplan.model.vocabulary import (
    Classification,
    Coverage,
    Criticality,
    DataExport,
    Delivery,
    Exposure,
    LegalProfile,
    Licence,
    Lifecycle,
    OrganisationKind,
    PersonalData,
    Readiness,
    Reintegration,
    Strength,
    Substitutability,
    SuitabilityOutcome,
    TransferBasis,
    VendorRole,
)

_NOT_CHARACTERS = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _characters(value: str) -> str:
    """Text holds characters only: U+FFFE and U+FFFF are Unicode's noncharacters and a
    lone surrogate is half of one; no XML output (a workbook, a slide deck, an ArchiMate
    file) can carry them, and a picture's labels break on them."""
    found = _NOT_CHARACTERS.search(value)
    if found is not None:
        raise ValueError(
            f"holds U+{ord(found.group()):04X} at position {found.start() + 1}, "
            "which is not a character; remove it"
        )
    return value


Text = Annotated[str, StringConstraints(min_length=1, max_length=4000), AfterValidator(_characters)]


def visible(text: str) -> bool:
    """Whether ``text`` has a character to see: not only spaces and invisible characters
    (a zero-width space, a control character, a Hangul filler, a variation selector or
    another mark with nothing to sit on), which would be a blank cell in a table."""
    return any(draws(character) for character in text)


def _said(value: str) -> str:
    """A name says something (``visible``)."""
    if not visible(value):
        raise ValueError("holds no visible character; give the name it is known by")
    return value


Name = Annotated[Text, AfterValidator(_said)]

# Quantities are finite and bounded: far above any real estate, low enough that a slip
# such as 1e308 or .inf is refused with its line instead of turning a plan into nonsense.
MAX_DAYS = 36_500
"""100 years: grace periods, notice periods, horizons."""
MAX_WEEKS = 5_200
"""100 years: migration effort and duration."""
MAX_HOURS = 876_000
"""100 years: recovery time objectives."""
MAX_MONTHS = 1_200
"""100 years: contract terms, months of parallel running."""
MAX_COST = 1e15
"""A thousand billion a year, in any currency."""
MAX_USERS = 1_000_000_000
"""Users of a service, or the head count of an organisation."""

Days = Annotated[StrictInt, Field(ge=0, le=MAX_DAYS)]
Users = Annotated[StrictInt, Field(ge=0, le=MAX_USERS)]


def _no_negative_zero(value: float) -> float:
    """``-0.0`` passes ``ge=0``; as written out it read "-0.0" in the JSON."""
    return value + 0.0


Amount = Annotated[
    float,
    Field(ge=0, le=MAX_COST, allow_inf_nan=False, strict=True),
    AfterValidator(_no_negative_zero),
]
"""A finite, non-negative amount of money per year (or any quantity without a tighter
bound). Strict: a number as written, never ``true`` (1.0) nor a quoted ``"12"``."""
Weeks = Annotated[
    float,
    Field(ge=0, le=MAX_WEEKS, allow_inf_nan=False, strict=True),
    AfterValidator(_no_negative_zero),
]
Hours = Annotated[
    float,
    Field(ge=0, le=MAX_HOURS, allow_inf_nan=False, strict=True),
    AfterValidator(_no_negative_zero),
]
Months = Annotated[StrictInt, Field(ge=0, le=MAX_MONTHS)]

FIRST_YEAR, LAST_YEAR = 1900, 2999
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> date:
    """Only ``YYYY-MM-DD`` is a date: pydantic alone would read ``20261101`` as seconds
    since 1970 and ``"20240101"`` in ISO basic form, neither what an architect meant."""
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(f"{value!r} is not a valid date: {error}") from None
    else:
        raise ValueError(f"expected a date YYYY-MM-DD, got {abbreviate(value)}")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(
            f"{day.isoformat()} is out of range: dates run from {FIRST_YEAR} to {LAST_YEAR}"
        )
    return day


IsoDate = Annotated[date, BeforeValidator(_iso_date, json_schema_input_type=date)]
"""A calendar date written ``YYYY-MM-DD``, between 1900 and 2999."""
Level = Annotated[StrictInt, Field(ge=0, le=4)]
GroupName = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=128)]


class Strict(BaseModel):
    """Base of every model: unknown keys are errors, values never change after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Origin(Strict):
    """Where an imported element came from, so that it can be checked at its source."""

    file: Text = Field(description="The file it was imported from, as given to exitplan import.")
    id: Text = Field(description="The element's identifier in that file.")
    type: Text | None = Field(
        default=None, description="Its type there, e.g. ApplicationComponent."
    )
    inferred: tuple[Annotated[str, StringConstraints(min_length=1, max_length=64)], ...] = Field(
        default=(),
        description="The fields the import inferred rather than read (they make the element "
        "assumed), e.g. delivery, vendor, strength.",
    )

    def __str__(self) -> str:
        return f"{self.file} ({self.id})"


class Described(Strict):
    """Fields every element of an estate may carry to tell fact from placeholder."""

    note: Text | None = Field(default=None, description="Free text for the reader.")
    assumed: StrictBool = Field(
        default=False, description="True when this is a placeholder, not a verified fact."
    )
    origin: Origin | None = Field(
        default=None, description="Where an imported element came from (exitplan import)."
    )


# --- estate header ------------------------------------------------------------------------


FORMAT = 1
"""The version of the estate and scenario file format this release reads."""


def _known_format(version: int) -> int:
    if version > FORMAT:
        raise ValueError(
            f"format {version} is newer than this release of exitplan reads (format "
            f"{FORMAT}); upgrade exitplan"
        )
    return version


FormatVersion = Annotated[
    StrictInt,
    Field(
        ge=1,
        description="The version of the file format (absent means 1), so that a later "
        "release can migrate old files instead of refusing them.",
    ),
    AfterValidator(_known_format),
]


class EstateInfo(Strict):
    name: Id = Field(description="Short name of the estate; also its name in a shared database.")
    format: FormatVersion = FORMAT
    legal_profile: LegalProfile = Field(
        default=LegalProfile.EU,
        description="The law the policy rules apply: eu (the GDPR, for any EU/EEA "
        "organisation; the default) or se (adds the Swedish classification and secrecy "
        "rules). exitplan check --profile overrides it.",
    )
    title: Text | None = None
    version: Text | None = None
    description: Text | None = None
    as_of: IsoDate | None = Field(
        default=None,
        description="The date the estate describes; scenarios start from it by default.",
    )
    currency: Currency = Field(
        default="SEK", description="ISO 4217 code of every cost in the estate."
    )


# --- vendors ------------------------------------------------------------------------------


class Vendor(Described):
    id: Id
    name: Name
    hq_country: Country | None = Field(default=None, description="ISO 3166-1 alpha-2.")
    parent: Id | None = Field(
        default=None, description="The owning vendor; the ultimate parent decides legal exposure."
    )
    exposure: tuple[Exposure, ...] | None = Field(
        default=None,
        description="Foreign disclosure laws; when absent, taken from the parent chain.",
    )
    dpf_certified: StrictBool | None = Field(
        default=None, description="Listed under the EU-US Data Privacy Framework."
    )
    tags: tuple[GroupName, ...] = ()


# --- dependencies -------------------------------------------------------------------------


class GraceDays(Strict):
    """The written form of a grace period: ``onset: {grace_days: 30}``."""

    grace_days: Days


class Onset(Strict):
    """When a withdrawal is felt through a dependency: at once, after a grace period, or
    when the dependent's contract comes up for renewal."""

    grace_days: Days = 0
    at_renewal: StrictBool = False

    def __str__(self) -> str:
        if self.at_renewal:
            return "at_renewal"
        return f"{self.grace_days} days grace" if self.grace_days else "immediate"

    @model_serializer
    def _written_form(self) -> str | dict[str, int]:
        """Dump as it is written, so that a dumped estate reads back the same."""
        if self.at_renewal:
            return "at_renewal"
        return {"grace_days": self.grace_days} if self.grace_days else "immediate"


_ONSET_FORMS = "onset must be 'immediate', 'at_renewal' or a mapping {grace_days: N}"


IMMEDIATE = Onset()
AT_RENEWAL = Onset(at_renewal=True)
_GRACE: dict[int, Onset] = {}
"""One ``Onset`` per grace period written: a large estate has a hundred thousand
dependencies and a handful of distinct onsets, and each model costs microseconds."""


def _onset_input(value: Any) -> Any:
    """Turn the written forms of DESIGN.md §2 into an ``Onset``; one clear error otherwise."""
    if type(value) is dict and len(value) == 1:  # {grace_days: N}, the common case
        days = value.get("grace_days")
        if type(days) is int and 0 <= days <= MAX_DAYS:
            known = _GRACE.get(days)
            if known is None:
                known = _GRACE[days] = Onset.model_validate(value)
            return known
    if isinstance(value, Onset):
        return value
    if value == "immediate":
        return IMMEDIATE
    if value == "at_renewal":
        return AT_RENEWAL
    if isinstance(value, Mapping) and "grace_days" in value and "at_renewal" not in value:
        return value
    raise ValueError(_ONSET_FORMS)


OnsetEntry = Annotated[
    Onset,
    BeforeValidator(
        _onset_input, json_schema_input_type=Literal["immediate", "at_renewal"] | GraceDays
    ),
]


class Dependency(Strict):
    """One entry of ``depends_on``; a bare id is a hard, immediate dependency."""

    ref: Id = Field(description="The component or service depended on.")
    strength: Strength = Strength.HARD
    onset: OnsetEntry = IMMEDIATE
    capabilities: tuple[Id, ...] = Field(
        default=(), description="The capabilities used through this dependency."
    )
    any_of_group: GroupName | None = Field(
        default=None,
        description="Hard dependencies sharing a group are redundant: the group fails "
        "only when all its members fail.",
    )
    why: Text | None = Field(default=None, description="The public source of this dependency.")
    assumed: StrictBool = False
    note: Text | None = None
    origin: Origin | None = Field(
        default=None, description="Where an imported dependency came from (exitplan import)."
    )


def _bare_ids_are_hard(value: Any) -> Any:
    """The bare ids among a list's entries as the hard, immediate dependencies they stand
    for. One call for the whole list, not one for each entry: a large estate has hundreds
    of thousands, and a call into Python for each took a quarter of their validation.

    What the model would read as a list is read so here: a list or a tuple as it is, any
    other iterable but a text, bytes or a mapping (a set, a generator) read once into a
    list; a tuple stays a tuple, for strict validation. Anything else is left to the
    model, which tells what is wrong with it where it is."""
    if isinstance(value, list | tuple):
        entries = value
    elif isinstance(value, str | bytes | bytearray | Mapping) or not isinstance(value, Iterable):
        return value
    else:
        entries = list(value)
    if not any(issubclass(kind, str) for kind in set(map(type, entries))):
        return entries
    written = [{"ref": entry} if isinstance(entry, str) else entry for entry in entries]
    return tuple(written) if isinstance(value, tuple) else written


DependsOnList = Annotated[
    tuple[Dependency, ...],
    BeforeValidator(_bare_ids_are_hard, json_schema_input_type=list[Id | Dependency]),
]
"""``depends_on``: each entry a ``Dependency``, or a bare id for a hard one."""


# --- components ---------------------------------------------------------------------------


class VendorLink(Strict):
    vendor: Id
    roles: tuple[VendorRole, ...] = Field(min_length=1)


class ExitPlan(Strict):
    plan_exists: StrictBool = False
    last_tested: IsoDate | None = None
    substitutability: Substitutability | None = None
    reintegration: Reintegration | None = None
    note: Text | None = None


class Contract(Strict):
    """The contract a component runs under. In a chosen exit it gives the plan its
    deadlines: a step replacing the component is due by the contract's end, and notice
    must be given ``notice_days`` before."""

    end: IsoDate | None = None
    notice_days: Days | None = None
    renewal_months: Months | None = Field(
        default=None,
        ge=1,
        description="The term the contract renews for at its end unless notice is given; an "
        "exit whose notice date for the recorded end has passed is due at the next renewal.",
    )
    termination_fee: Amount | None = Field(
        default=None, description="A one-off fee for leaving the contract, in the currency."
    )
    note: Text | None = None


def _capability_mapping(value: Any) -> Any:
    """A list of capability ids means each is realised in full."""
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            if not isinstance(item, str):  # a list or a mapping is no key to map
                # pydantic reports a ValueError as a problem of the field; a TypeError not
                raise ValueError(  # noqa: TRY004
                    f"expected capability ids; item {index} is {value_kind(item)}"
                )
        return dict.fromkeys(value, Coverage.FULL.value)
    return value


CapabilityMap = Annotated[
    dict[Id, Coverage],
    BeforeValidator(_capability_mapping, json_schema_input_type=list[Id] | dict[Id, Coverage]),
]

_HOSTED_BY_VENDOR = frozenset({Delivery.SAAS, Delivery.PAAS, Delivery.IAAS})


class Component(Described):
    """A product, SaaS module, platform or self-hosted software."""

    id: Id
    name: Name
    vendor: Id | None = Field(
        default=None,
        description="Shorthand for one vendor: operator of SaaS/PaaS/IaaS, else licensor.",
    )
    vendors: tuple[VendorLink, ...] | None = None
    delivery: Delivery
    licence: Licence | None = Field(
        default=None,
        description="How the right to run it is held. Default: subscription for "
        "SaaS/PaaS/IaaS, else unknown. In a cut-off, software the organisation runs itself "
        "under a subscription from the withdrawn vendor stops at its contract end (plus "
        "licence_grace_days; 'at renewal, date unknown' without contract.end); under a "
        "perpetual licence it keeps running, degraded from support_end when that is known.",
    )
    licence_grace_days: Days | None = Field(
        default=None,
        description="Days the software keeps running after its subscription ends, until its "
        "licence check fails.",
    )
    support_end: IsoDate | None = Field(
        default=None,
        description="The last day the vendor supports and updates this version; a perpetual "
        "licence runs on after a cut-off, degraded from this day.",
    )
    lifecycle: Lifecycle = Lifecycle.ACTIVE
    data_at_rest: tuple[Country, ...] = ()
    processing: tuple[Country, ...] = ()
    capabilities: CapabilityMap = Field(default_factory=dict)
    depends_on: DependsOnList = ()
    exit: ExitPlan | None = None
    data_export: DataExport | None = None
    cost_per_year: Amount | None = None
    contract: Contract | None = None
    tags: tuple[GroupName, ...] = ()

    @model_validator(mode="after")
    def _one_way_to_name_vendors(self) -> Component:
        if self.vendor is not None and self.vendors is not None:
            raise ValueError(
                "give either 'vendor' or 'vendors', not both (in an override that gives "
                "'vendors', add 'vendor: null' to drop the element's own)"
            )
        if self.vendor is None and not self.vendors:
            raise ValueError("a component needs 'vendor' or 'vendors' (who provides it)")
        return self

    @property
    def providers(self) -> tuple[VendorLink, ...]:
        """Every vendor link; the ``vendor:`` shorthand gets its role from ``delivery``."""
        if self.vendors is not None or self.vendor is None:  # _one_way_to_name_vendors
            return self.vendors or ()
        role = VendorRole.OPERATOR if self.delivery in _HOSTED_BY_VENDOR else VendorRole.LICENSOR
        return (VendorLink(vendor=self.vendor, roles=(role,)),)

    @property
    def effective_licence(self) -> Licence | None:
        if self.licence is None and self.delivery in _HOSTED_BY_VENDOR:
            return Licence.SUBSCRIPTION
        return self.licence


# --- services, capabilities, organisations ---------------------------------------------------


class Consumer(Strict):
    organisation: Id
    users: Users
    assumed: StrictBool = False
    note: Text | None = None


class Service(Described):
    """What users get, such as the managed workplace."""

    id: Id
    name: Name
    description: Text | None = None
    owner: Id | None = Field(default=None, description="The organisation that owns the service.")
    criticality: Criticality = Criticality.MEDIUM
    rto_hours: Hours | None = None
    depends_on: DependsOnList = ()
    requires: tuple[Id, ...] = Field(default=(), description="Capabilities the service needs.")
    consumers: tuple[Consumer, ...] = ()
    tags: tuple[GroupName, ...] = ()

    @property
    def users(self) -> int:
        return sum(consumer.users for consumer in self.consumers)


class Capability(Described):
    id: Id
    name: Name
    description: Text | None = None


class Organisation(Described):
    id: Id
    name: Name
    kind: OrganisationKind | None = None
    users: Users | None = Field(default=None, description="Head count, where known.")


# --- data flows and alternatives -------------------------------------------------------------


class Krt(Strict):
    """Swedish information classification levels, 0-4: confidentiality (konfidentialitet),
    integrity (riktighet), availability (tillgänglighet)."""

    k: Level
    r: Level
    t: Level


class SuitabilityAssessment(Strict):
    outcome: SuitabilityOutcome
    date: IsoDate
    note: Text | None = None


class DataFlow(Described):
    id: Id
    name: Name | None = None
    source: Id = Field(alias="from", description="The component or service sending the data.")
    target: Id = Field(alias="to", description="The component or service receiving the data.")
    assets: tuple[Text, ...] = Field(min_length=1)
    personal_data: PersonalData = PersonalData.NONE
    classification: Classification = Classification.INTERNAL
    osl_ref: Text | None = Field(
        default=None, description="The secrecy provision (OSL) that covers the data, if any."
    )
    krt: Krt | None = None
    transfer: TransferBasis = TransferBasis.NOT_ASSESSED
    volume: Text | None = None
    suitability: SuitabilityAssessment | None = None


class Alternative(Described):
    """A candidate that could replace a component (both are ordinary components)."""

    replaces: Id = Field(alias="for", description="The component to be replaced.")
    candidate: Id
    readiness: Readiness
    covers: tuple[Id, ...] | None = Field(
        default=None, description="Capabilities covered; default: the candidate's own."
    )
    gaps: tuple[Text, ...] = ()
    effort_weeks: Weeks | None = None
    duration_weeks: Weeks | None = None
    cost_per_year: Amount | None = None
    migration_cost: Amount | None = Field(
        default=None,
        description="One-off cost of moving to the candidate (work bought in, licences, "
        "tools), in the currency.",
    )
    parallel_months: Months | None = Field(
        default=None,
        description="Months the component keeps running next to the candidate; they cost "
        "the component's cost_per_year for that time.",
    )


# --- files and estates -------------------------------------------------------------------------


SECTIONS: dict[str, type[Described]] = {
    "vendors": Vendor,
    "components": Component,
    "services": Service,
    "capabilities": Capability,
    "organisations": Organisation,
    "data_flows": DataFlow,
    "alternatives": Alternative,
}
"""The list sections of an estate file and the model of one item in each."""


class EstateFile(Strict):
    """What one YAML or JSON file may contain; every section is optional."""

    model_config = ConfigDict(
        title="exitplan estate file",
        json_schema_extra={
            "description": "One file of an exitplan estate. A folder of such files is merged "
            "into one estate; ids are unique across the folder."
        },
    )

    estate: EstateInfo | None = None
    vendors: tuple[Vendor, ...] = ()
    components: tuple[Component, ...] = ()
    services: tuple[Service, ...] = ()
    capabilities: tuple[Capability, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    data_flows: tuple[DataFlow, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    overrides: dict[Id, dict[str, Any]] = Field(
        default_factory=dict,
        description="Patches to elements defined in other files (usually imported ones), "
        "keyed by id: each field given replaces the element's own; depends_on entries "
        "replace the entry with the same ref and add the others. A re-import rewrites only "
        "the imported files, so enrichments written here survive it.",
    )


Element = Vendor | Component | Service | Capability | Organisation | DataFlow


class Estate(Strict):
    """A whole, validated estate: every section sorted by id, every reference resolved.

    Build one with ``exitplan.loading.load_estate``; constructing it directly skips the
    cross-reference checks.
    """

    info: EstateInfo
    vendors: tuple[Vendor, ...] = ()
    components: tuple[Component, ...] = ()
    services: tuple[Service, ...] = ()
    capabilities: tuple[Capability, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    data_flows: tuple[DataFlow, ...] = ()
    alternatives: tuple[Alternative, ...] = ()

    @property
    def name(self) -> str:
        return self.info.name

    def elements(self) -> Iterator[Element]:
        yield from self.vendors
        yield from self.components
        yield from self.services
        yield from self.capabilities
        yield from self.organisations
        yield from self.data_flows

    @cached_property
    def by_id(self) -> Mapping[NodeId, Element]:
        return {element.id: element for element in self.elements()}

    @cached_property
    def vendor_by_id(self) -> Mapping[NodeId, Vendor]:
        return {vendor.id: vendor for vendor in self.vendors}

    def parent_chain(self, vendor_id: NodeId) -> tuple[Vendor, ...]:
        """The vendor, its parent, its parent's parent ... up to the ultimate parent."""
        chain: list[Vendor] = []
        seen: set[NodeId] = set()
        current: NodeId | None = vendor_id
        while current is not None and current not in seen:
            vendor = self.vendor_by_id[current]
            chain.append(vendor)
            seen.add(current)
            current = vendor.parent
        return tuple(chain)

    @cached_property
    def _owners(self) -> Mapping[NodeId, tuple[NodeId, str | None, tuple[Exposure, ...]]]:
        """Per vendor: its ultimate parent, its jurisdiction and its exposure, each vendor
        worked out once from its parent's (a chain of thousands of owners cost the square
        of its length, walked again for every vendor in it)."""
        found: dict[NodeId, tuple[NodeId, str | None, tuple[Exposure, ...]]] = {}
        for start in self.vendor_by_id:
            path: list[Vendor] = []
            on_path: set[NodeId] = set()
            current: NodeId | None = start
            while current is not None and current not in found and current not in on_path:
                vendor = self.vendor_by_id[current]
                path.append(vendor)
                on_path.add(current)
                current = vendor.parent
            above = found.get(current) if current is not None else None
            for vendor in reversed(path):  # from the top down: each from the one above it
                own = tuple(sorted(vendor.exposure)) if vendor.exposure is not None else None
                if above is None:  # the ultimate parent (a loop is refused on loading)
                    above = (vendor.id, vendor.hq_country, own or ())
                else:
                    top, country, inherited = above
                    above = (
                        top,
                        country or vendor.hq_country,
                        own if own is not None else inherited,
                    )
                found[vendor.id] = above
        return found

    def ultimate_parent(self, vendor_id: NodeId) -> Vendor:
        return self.vendor_by_id[self._owners[vendor_id][0]]

    def jurisdiction(self, vendor_id: NodeId) -> str | None:
        """The country whose law governs the vendor: that of its ultimate parent (the
        topmost owner that records one)."""
        return self._owners[vendor_id][1]

    def exposure(self, vendor_id: NodeId) -> tuple[Exposure, ...]:
        """Declared exposure, else the nearest declared one up the parent chain."""
        return self._owners[vendor_id][2]
