"""The mapping rules every format shares: how vendors are found, which source ids are left
out, and what a component's delivery is when the source does not say.

Each format adds its own section (which source types become what, which relation means
which dependency); ``exitplan.importers.mapping`` puts them together into the one
``--mapping`` file.
"""

from __future__ import annotations

from typing import Annotated, Any

import re2
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from exitplan.model import Delivery, Strength

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""A name in the mapping (a vendor, a property, a source id): spaces around it dropped, and
never blank."""


class Rules(BaseModel):
    """Base of every mapping section: unknown keys are errors, values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def vendor_pattern(pattern: str) -> Any:
    """``pattern`` compiled for searching names, case-insensitively, with RE2: its time
    grows with the length of the name and never with the pattern's backtracking, so no
    mapping can make an import hang (Python's own ``re`` can take hours on ``(a+)+$``)."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # the error is ours to report, not RE2's to print
    return re2.compile(pattern, options)


def _compiles(pattern: str) -> str:
    try:
        vendor_pattern(pattern)
    except re2.error as error:
        reason = error.args[0] if error.args else error
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(
            f"not a regular expression exitplan can search with: {reason} (RE2 syntax: no "
            "backreferences or lookarounds)"
        ) from None
    return pattern


Pattern = Annotated[str, StringConstraints(min_length=1, max_length=500), AfterValidator(_compiles)]


class NamedVendor(Rules):
    """Elements whose name matches ``pattern`` (a case-insensitive regular expression
    searched anywhere in the name) are provided by ``vendor``; the vendor is assumed. The
    pattern is in RE2's syntax (Python's without backreferences and lookarounds; ``\\b``
    is a boundary of ASCII words), which searches any name in linear time."""

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


__all__ = [
    "CommonRules",
    "NamedVendor",
    "Pattern",
    "RelationRule",
    "Rules",
    "VendorRules",
    "vendor_pattern",
]
