"""The facts a model exported by exitplan carries as ``exitplan-*`` properties, read back.

``exitplan export archimate`` writes every fact of the estate that a simulation reads onto
the element or relationship it belongs to, as text (``docs/export-archimate.md``); this
module reads those texts into estate fields. Each property names the model field it fills,
so that a value is checked against the same bounds and vocabulary as in an estate file,
with the line of the element that carries it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from exitplan.errors import agreeing, listed
from exitplan.model import (
    Alternative,
    Component,
    Consumer,
    Contract,
    Coverage,
    DataFlow,
    Dependency,
    EstateInfo,
    ExitPlan,
    Onset,
    Organisation,
    Service,
    Vendor,
    VendorLink,
)
from exitplan.model.estate import Krt, SuitabilityAssessment

_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_WHOLE = re.compile(r"[+-]?[0-9]+")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _number(given: str) -> float:
    """A decimal number as an estate file writes it (no ``1_0``, no ``nan``)."""
    if not _NUMBER.fullmatch(given):
        raise ValueError(given)
    return float(given)


def _whole(given: str) -> int:
    """Digits 0 to 9 (not ``1_0``, not other scripts' digits)."""
    if not _WHOLE.fullmatch(given):
        raise ValueError(given)
    return int(given)


def _day(given: str) -> date:
    """A date as YYYY-MM-DD, as in an estate file (not ``20261101`` or a week date)."""
    if not _DAY.fullmatch(given):
        raise ValueError(given)
    return date.fromisoformat(given)


def _yes_or_no(given: str) -> bool:
    if given.casefold() not in {"true", "false"}:
        raise ValueError(given)
    return given.casefold() == "true"


def _word(given: str) -> str:
    return given


def _lower(given: str) -> str:
    return given.casefold()


def _items(given: str) -> list[str]:
    """A list as the export writes it: items joined by ``, ``."""
    return list(dict.fromkeys(item.strip() for item in given.split(",") if item.strip()))


def _lower_items(given: str) -> list[str]:
    return _items(given.casefold())


def _laws(given: str) -> list[str]:
    """Foreign disclosure laws; ``none`` for none at all."""
    return [] if given.casefold() == "none" else _items(given)


def _lines(given: str) -> list[str]:
    """Sentences, which may hold commas: one to a line."""
    return [line.strip() for line in given.splitlines() if line.strip()]


@dataclass(frozen=True)
class Fact:
    """One property: the field it fills (``contract.end``: a field of a part), the model
    and field whose type checks it (or the type itself, for a value that is no field of
    its own), and how its text is read before that."""

    path: str
    model: type[BaseModel] | None
    field: str
    read: Callable[[str], Any]
    what: str
    kind: Any = None


def _fact(path: str, model: type[BaseModel], read: Callable[[str], Any], what: str) -> Fact:
    return Fact(path, model, path.rsplit(".", 1)[-1], read, what)


_TEXT = "a text of at most 4,000 characters"

FACTS: Mapping[str, Mapping[str, Fact]] = {
    "estate": {
        "exitplan-estate-title": _fact("title", EstateInfo, _word, _TEXT),
        "exitplan-estate-version": _fact("version", EstateInfo, _word, _TEXT),
        "exitplan-as-of": _fact("as_of", EstateInfo, _day, "a date (YYYY-MM-DD)"),
        "exitplan-currency": _fact("currency", EstateInfo, _word, "a currency code such as SEK"),
        "exitplan-legal-profile": _fact("legal_profile", EstateInfo, _lower, "eu or se"),
    },
    "vendor": {
        "exitplan-hq-country": _fact("hq_country", Vendor, _word, "a country code such as SE"),
        "exitplan-exposure": _fact("exposure", Vendor, _laws, "a list of foreign laws, or none"),
        "exitplan-dpf-certified": _fact("dpf_certified", Vendor, _yes_or_no, "true or false"),
        "exitplan-tags": _fact("tags", Vendor, _items, "a list of tags"),
    },
    "component": {
        "exitplan-lifecycle": _fact("lifecycle", Component, _lower, "a lifecycle"),
        "exitplan-licence": _fact("licence", Component, _lower, "a kind of licence"),
        "exitplan-licence-grace-days": _fact(
            "licence_grace_days", Component, _whole, "a number of days"
        ),
        "exitplan-support-end": _fact("support_end", Component, _day, "a date (YYYY-MM-DD)"),
        "exitplan-data-at-rest": _fact("data_at_rest", Component, _items, "country codes"),
        "exitplan-processing": _fact("processing", Component, _items, "country codes"),
        "exitplan-data-export": _fact("data_export", Component, _lower, "a way to export data"),
        "exitplan-cost-per-year": _fact("cost_per_year", Component, _number, "an amount"),
        "exitplan-contract-end": _fact("contract.end", Contract, _day, "a date (YYYY-MM-DD)"),
        "exitplan-contract-notice-days": _fact(
            "contract.notice_days", Contract, _whole, "a number of days"
        ),
        "exitplan-contract-renewal-months": _fact(
            "contract.renewal_months", Contract, _whole, "a number of months"
        ),
        "exitplan-contract-termination-fee": _fact(
            "contract.termination_fee", Contract, _number, "an amount"
        ),
        "exitplan-exit-plan": _fact("exit.plan_exists", ExitPlan, _yes_or_no, "true or false"),
        "exitplan-exit-last-tested": _fact(
            "exit.last_tested", ExitPlan, _day, "a date (YYYY-MM-DD)"
        ),
        "exitplan-exit-substitutability": _fact(
            "exit.substitutability", ExitPlan, _lower, "a substitutability"
        ),
        "exitplan-exit-reintegration": _fact(
            "exit.reintegration", ExitPlan, _lower, "a reintegration"
        ),
        "exitplan-exit-note": _fact("exit.note", ExitPlan, _word, _TEXT),
        "exitplan-tags": _fact("tags", Component, _items, "a list of tags"),
    },
    "service": {
        "exitplan-criticality": _fact("criticality", Service, _lower, "a criticality"),
        "exitplan-rto-hours": _fact("rto_hours", Service, _number, "a number of hours"),
        "exitplan-owner": _fact("owner", Service, _word, "the id of an organisation"),
        "exitplan-tags": _fact("tags", Service, _items, "a list of tags"),
    },
    "organisation": {
        "exitplan-users": _fact("users", Organisation, _whole, "a whole number of people"),
        "exitplan-organisation-kind": _fact("kind", Organisation, _lower, "a kind of organisation"),
    },
    "dependency": {
        "exitplan-capabilities": _fact(
            "capabilities", Dependency, _items, "a list of capabilities"
        ),
        "exitplan-grace-days": _fact("onset.grace_days", Onset, _whole, "a number of days"),
        "exitplan-at-renewal": _fact("onset.at_renewal", Onset, _yes_or_no, "true or false"),
    },
    "marks": {
        "exitplan-assumed": Fact("assumed", None, "", _yes_or_no, "true or false", bool),
    },
    "strength": {
        "exitplan-strength": _fact("strength", Dependency, _lower, "hard or soft"),
    },
    "supply": {
        "exitplan-roles": _fact("roles", VendorLink, _lower_items, "a list of vendor roles"),
    },
    "use": {
        "exitplan-users": _fact("users", Consumer, _whole, "a whole number of people"),
    },
    "realisation": {
        "exitplan-coverage": Fact(
            "coverage", None, "coverage", _lower, "full or partial", Coverage
        ),
    },
    "flow": {
        "exitplan-personal-data": _fact(
            "personal_data", DataFlow, _lower, "a kind of personal data"
        ),
        "exitplan-classification": _fact("classification", DataFlow, _lower, "a classification"),
        "exitplan-transfer": _fact("transfer", DataFlow, _lower, "a transfer basis"),
        "exitplan-osl-ref": _fact("osl_ref", DataFlow, _word, _TEXT),
        "exitplan-krt-k": _fact("krt.k", Krt, _whole, "a level, 0 to 4"),
        "exitplan-krt-r": _fact("krt.r", Krt, _whole, "a level, 0 to 4"),
        "exitplan-krt-t": _fact("krt.t", Krt, _whole, "a level, 0 to 4"),
        "exitplan-volume": _fact("volume", DataFlow, _word, _TEXT),
        "exitplan-suitability-outcome": _fact(
            "suitability.outcome", SuitabilityAssessment, _lower, "an outcome"
        ),
        "exitplan-suitability-date": _fact(
            "suitability.date", SuitabilityAssessment, _day, "a date (YYYY-MM-DD)"
        ),
    },
    "alternative": {
        "exitplan-readiness": _fact("readiness", Alternative, str.upper, "a readiness, R0 to R5"),
        "exitplan-covers": _fact("covers", Alternative, _items, "a list of capabilities"),
        "exitplan-gaps": _fact("gaps", Alternative, _lines, "gaps, one to a line"),
        "exitplan-effort-weeks": _fact("effort_weeks", Alternative, _number, "a number of weeks"),
        "exitplan-duration-weeks": _fact(
            "duration_weeks", Alternative, _number, "a number of weeks"
        ),
        "exitplan-cost-per-year": _fact("cost_per_year", Alternative, _number, "an amount"),
        "exitplan-migration-cost": _fact("migration_cost", Alternative, _number, "an amount"),
        "exitplan-parallel-months": _fact(
            "parallel_months", Alternative, _whole, "a number of months"
        ),
    },
}
"""For each kind of element or relation, the ``exitplan-*`` properties read back."""


@cache
def _adapter(model: type[BaseModel] | None, name: str, given: Any) -> TypeAdapter[Any]:
    """What checks a value: the model's field (its type, and the bounds given beside it
    as in ``Field(ge=1)``), or the type given."""
    if model is None:
        return TypeAdapter(given)
    field = model.model_fields[name]
    kind: Any = field.annotation
    if field.metadata:
        kind = Annotated[kind, *field.metadata]
    return TypeAdapter(kind)


_PARTS: Mapping[str, type[BaseModel]] = {"krt": Krt, "suitability": SuitabilityAssessment}
"""Parts whose fields are needed together."""


class BadFactError(ValueError):
    """A property whose text is not what its field holds: ``what`` says what it must be."""

    def __init__(self, key: str, given: str, what: str, message: str = "") -> None:
        super().__init__(key)
        self.key, self.given, self.what, self.message = key, given, what, message


def read_facts(kind: str, properties: Mapping[str, str]) -> dict[str, Any]:
    """The fields that the ``exitplan-*`` properties of an element or relation of ``kind``
    give, parts nested (``{"contract": {"end": ...}}``); ``BadFactError`` for the first
    property whose text its field cannot hold."""
    found: dict[str, Any] = {}
    for key, fact in FACTS.get(kind, {}).items():
        given = properties.get(key, "").strip()
        if not given:
            continue
        try:
            value = _adapter(fact.model, fact.field, fact.kind).validate_python(fact.read(given))
        except (ValueError, ValidationError):
            raise BadFactError(key, given, fact.what) from None
        *parts, last = fact.path.split(".")
        place = found
        for part in parts:
            place = place.setdefault(part, {})
        place[last] = value
    for part, model in _PARTS.items():
        if part in found:
            try:
                model.model_validate(found[part])
            except ValidationError:
                keys = [k for k, f in FACTS[kind].items() if f.path.startswith(part + ".")]
                present = [k for k in keys if properties.get(k, "").strip()]
                message = (
                    f"{listed(keys)} go together; only {listed(present)} "
                    f"{agreeing(len(present), 'is', 'are')} given"
                )
                raise BadFactError(present[0], "", "", message) from None
    if "onset" in found:  # as an estate file writes it
        onset = found.pop("onset")
        if onset.get("at_renewal"):
            found["onset"] = "at_renewal"
        elif onset.get("grace_days"):
            found["onset"] = {"grace_days": onset["grace_days"]}
    return found


__all__ = ["FACTS", "BadFactError", "Fact", "read_facts"]
