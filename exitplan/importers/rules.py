"""The mapping rules every format shares: how vendors are found, which source ids are left
out, and what a component's delivery is when the source does not say.

Each format adds its own section (which source types become what, which relation means
which dependency); ``exitplan.importers.mapping`` puts them together into the one
``--mapping`` file.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from exitplan.model import Delivery, Strength

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""A name in the mapping (a vendor, a property, a source id): spaces around it dropped, and
never blank."""

LONGEST_NAME = 4_000
"""The longest name a vendor pattern is searched in (the estate model's text)."""
MOST_WAYS = 2 * (LONGEST_NAME + 1)
"""The most ways a vendor pattern may have to match at one place in a name: one open
repetition (``.*``, ``\\w+``) and one optional part. Python's matcher backtracks through
every way before it gives up, so a pattern with more can search one name for hours."""


class Rules(BaseModel):
    """Base of every mapping section: unknown keys are errors, values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"not a regular expression: {error}") from None
    return pattern


_parse: Any = importlib.import_module("re._parser").parse  # the parser of re.compile itself
_NO_CHOICE = {"LITERAL", "NOT_LITERAL", "ANY", "IN", "AT", "GROUPREF"}
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


def _first(items: Sequence[tuple[Any, Any]]) -> set[str] | None:
    """The characters (case folded) a part of a pattern starts with, when it can only
    start with known characters."""
    if not items:
        return None
    op, value = items[0]
    kind = str(op)
    if kind == "LITERAL":
        return {chr(value).casefold()}
    if kind == "SUBPATTERN":
        return _first(value[3])
    if kind == "BRANCH":
        firsts = [_first(branch) for branch in value[1]]
        if any(first is None for first in firsts):
            return None
        return {char for first in firsts if first for char in first}
    return None


def _ways(items: Sequence[tuple[Any, Any]]) -> int:
    """An upper bound of the ways a part of a pattern can match at one place in a name of
    ``LONGEST_NAME`` characters (more than ``MOST_WAYS`` is ``MOST_WAYS + 1``)."""
    total = 1
    for op, value in items:
        total = min(total * _item_ways(str(op), value), MOST_WAYS + 1)
    return total


def _item_ways(kind: str, value: Any) -> int:
    """The ways of one part of a pattern, by the parser's name for it (``value`` is what
    the parser holds for it)."""
    if kind in _NO_CHOICE:
        return 1
    if kind == "SUBPATTERN":
        return _ways(value[3])
    if kind == "ATOMIC_GROUP":
        return _ways(value)
    if kind in {"ASSERT", "ASSERT_NOT"}:
        return _ways(value[1])
    if kind == "GROUPREF_EXISTS":
        return _ways(value[1]) + (_ways(value[2]) if value[2] else 1)
    if kind == "BRANCH":
        branches = value[1]
        firsts = [_first(branch) for branch in branches]
        known = [first for first in firsts if first is not None]
        ways = [_ways(branch) for branch in branches]
        if len(known) == len(firsts) and sum(map(len, known)) == len(set().union(*known)):
            return max(ways)  # branches that start differently: at most one matches
        return sum(ways)
    if kind in _REPEATS:
        low, body = int(value[0]), value[2]
        high = max(min(int(value[1]), LONGEST_NAME), low)
        each = _ways(body)
        if each == 1:  # a character, a class, or a group that matches one way
            return high - low + 1
        total = 0
        for times in range(low, high + 1):
            total += min(each**times, MOST_WAYS + 1)
            if total > MOST_WAYS:
                break
        return total
    return MOST_WAYS + 1  # a part the parser may make one day: not known to be quick


def _quick(pattern: str) -> str:
    """The pattern, unless searching a name with it can backtrack for long."""
    if _ways(_parse(pattern, re.IGNORECASE)) > MOST_WAYS:
        raise ValueError(
            "can take too long to search a name: a repeated group that matches in several "
            "ways, as (a+)+ or (a|aa)*, or more than one open repetition, as .*x.* or "
            "\\w+\\w+; repeat single characters or classes, and leave at most one "
            "repetition open"
        )
    return pattern


Pattern = Annotated[
    str,
    StringConstraints(min_length=1, max_length=500),
    AfterValidator(_compiles),
    AfterValidator(_quick),
]


class NamedVendor(Rules):
    """Elements whose name matches ``pattern`` (a case-insensitive regular expression
    searched anywhere in the name) are provided by ``vendor``; the vendor is assumed. A
    pattern may repeat single characters or classes, and leave at most one repetition
    open (``*``, ``+``, ``{2,}``): others can take hours to search one name."""

    pattern: Pattern
    vendor: Name


class VendorRules(Rules):
    properties: tuple[Name, ...] = Field(
        default=("vendor", "supplier", "provider", "manufacturer", "publisher"),
        description="Property names (any case) whose value names the vendor of an element; "
        "the first one present wins. A vendor read from a property is a fact, not assumed.",
    )
    names: tuple[NamedVendor, ...] = Field(
        default=(),
        description="Vendors guessed from element names, tried in order; assumed.",
    )
    actors: bool = Field(
        default=True,
        description="ArchiMate: a business actor or role that serves or is assigned to a "
        "component is its vendor (assumed).",
    )
    unknown: bool = Field(
        default=True,
        description="A component whose source names no supplier gets the vendor 'unknown "
        "supplier' of its source file (assumed), so that it stays visible.",
    )


class CommonRules(Rules):
    vendors: VendorRules = Field(default_factory=VendorRules)
    skip: tuple[Name, ...] = Field(
        default=(),
        description="Source ids (or names) of elements to leave out, with every relation "
        "that touches them.",
    )
    delivery: Delivery = Field(
        default=Delivery.SELF_HOSTED,
        description="The delivery of a component whose source does not tell it; assumed.",
    )


class RelationRule(Rules):
    """What one relation type of a source becomes."""

    becomes: Annotated[
        str, StringConstraints(pattern=r"^(dependency|data_flow|vendor|alternative|skip)$")
    ] = Field(description="dependency, data_flow, vendor, alternative or skip")
    strength: Strength = Field(
        default=Strength.HARD, description="For a dependency: hard or soft (assumed)."
    )
    reverse: bool = Field(
        default=False,
        description="For a dependency: true when the relation points from what is needed "
        "to what needs it (ArchiMate serving, realisation, assignment).",
    )


__all__ = ["CommonRules", "NamedVendor", "Pattern", "RelationRule", "Rules", "VendorRules"]
