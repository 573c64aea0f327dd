"""Identifiers: one namespace for every node of an estate (DESIGN.md §2)."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, NewType

import pycountry
from anyascii import anyascii
from pydantic import AfterValidator, StringConstraints

NodeId = NewType("NodeId", str)
"""The id of a vendor, component, service, capability, organisation or data flow."""

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
ID_RULE = "a lower-case slug: letters a-z, digits, '.', '_' or '-', starting with a letter or digit"
_ID_RE = re.compile(ID_PATTERN)

LONGEST_ID = 128
"""The most characters an id has."""
Id = Annotated[NodeId, StringConstraints(pattern=ID_PATTERN, max_length=LONGEST_ID)]
"""A ``NodeId`` as a pydantic field: validated against ``ID_PATTERN``."""


def is_node_id(text: str) -> bool:
    return bool(_ID_RE.match(text)) and len(text) <= 128


def slug(text: str, longest: int = LONGEST_ID) -> str:
    """A lower-case id from any text, of at most ``longest`` characters: every script
    written in Latin letters (anyascii: accents dropped, ``ø`` and ``ł`` as ``o`` and
    ``l``, ``ß`` as ``ss``, Cyrillic, Greek, Korean or Chinese spelt out), other
    characters as hyphens; empty when nothing is left.

    >>> slug("Försäkrings-CRM (v2)"), slug("Bodø kommune"), slug("Maciej Małecki")
    ('forsakrings-crm-v2', 'bodo-kommune', 'maciej-malecki')
    """
    folded = text if text.isascii() else anyascii(unicodedata.normalize("NFC", text))
    cut = re.sub(r"[^a-z0-9._-]+", "-", folded.lower())
    cut = re.sub(r"-{2,}", "-", cut).strip("-._")
    return cut[:longest].rstrip("-._")


def _known_country(code: str) -> str:
    if pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code (e.g. SE, IE, US)")
    return code


Country = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}$"),
    AfterValidator(_known_country),
]
"""An ISO 3166-1 alpha-2 country code, upper case: ``SE``, ``NO``, ``US``."""


def _known_currency(code: str) -> str:
    if pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code (e.g. SEK, EUR, USD)")
    return code


Currency = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{3}$"),
    AfterValidator(_known_currency),
]
"""An ISO 4217 currency code, upper case: ``SEK``, ``EUR``, ``NOK``."""
