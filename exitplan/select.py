"""Selectors: what a scenario withdraws (DESIGN.md §4).

``kind:value`` with one anchored pattern, parsed into a ``Selector``; several selectors are
a union. ``vendor:ID`` takes the vendor and its subsidiaries, ``jurisdiction:CC`` every
vendor whose ultimate parent is in CC, ``exposure:LAW`` every vendor exposed to that law.
A vendor's components are withdrawn by the role the vendor plays for them: in *cut-off*
mode (the vendor stops serving us) where it operates the component, or licenses it by
subscription and nobody else runs it; in *exit* mode (we choose to leave) whatever its
role. (DESIGN.md §4 says "operator, or licensor of a subscription"; software that the city
runs itself keeps running until its licence check fails, which the estate models as a
dependency with a grace period, so it is not withdrawn at day 0.)
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from exitplan.errors import UsageError
from exitplan.graph.port import Direction, GraphBackend, GraphNode, Label, Rel
from exitplan.model import Exposure, Licence, NodeId, VendorRole


class SelectorKind(StrEnum):
    VENDOR = "vendor"
    COMPONENT = "component"
    SERVICE = "service"
    JURISDICTION = "jurisdiction"
    EXPOSURE = "exposure"
    TAG = "tag"


class Mode(StrEnum):
    """Why the vendor goes: it cuts us off, or we choose to exit."""

    CUT_OFF = "cut-off"
    EXIT = "exit"


_SELECTOR = re.compile(r"^(?P<kind>[a-z_]+):(?P<value>[A-Za-z0-9][A-Za-z0-9._-]*)$")


@dataclass(frozen=True, order=True)
class Selector:
    kind: SelectorKind
    value: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


def _suggest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"; did you mean {match[0]!r}?" if match else ""


def parse_selector(text: str) -> Selector:
    """``"vendor:microsoft"`` -> ``Selector(VENDOR, "microsoft")``; a clear error otherwise."""
    match = _SELECTOR.match(text.strip())
    if match is None:
        raise UsageError(
            f"selector {text!r} is not of the form KIND:VALUE "
            f"(KIND one of {', '.join(k.value for k in SelectorKind)})"
        )
    kind = match.group("kind")
    if kind not in SelectorKind.__members__.values():
        hint = _suggest(kind, [k.value for k in SelectorKind])
        allowed = ", ".join(k.value for k in SelectorKind)
        raise UsageError(f"unknown selector kind {kind!r} in {text!r}{hint} (allowed: {allowed})")
    return Selector(SelectorKind(kind), match.group("value"))


@dataclass(frozen=True)
class Withdrawal:
    """What a set of selectors withdraws: components and services, and the vendors meant."""

    selectors: tuple[Selector, ...]
    mode: Mode
    vendors: frozenset[NodeId]
    withdrawn: frozenset[NodeId]


def _taken_away(roles: Sequence[str], licence: str | None, run_by_others: bool, mode: Mode) -> bool:
    """Does losing this vendor take the component away at once?

    In exit mode, always. In cut-off mode, when the vendor operates it, or licenses it by
    subscription and nobody else runs it. Software that someone else runs (the city's own
    servers and PCs) keeps running until its licence lapses; where the estate models that
    lapse as a dependency with a grace period (a licence check), the grace applies.
    """
    if mode is Mode.EXIT or VendorRole.OPERATOR in roles:
        return True
    subscription = VendorRole.LICENSOR in roles and licence == Licence.SUBSCRIPTION
    return subscription and not run_by_others


class _Resolver:
    def __init__(self, backend: GraphBackend, mode: Mode) -> None:
        self.backend = backend
        self.mode = mode
        self._vendors: list[GraphNode] | None = None

    @property
    def vendors(self) -> list[GraphNode]:
        if self._vendors is None:
            self._vendors = self.backend.nodes(Label.VENDOR)
        return self._vendors

    def _node(self, selector: Selector, label: Label) -> GraphNode:
        try:
            node = self.backend.node(NodeId(selector.value))
        except UsageError:
            node = None
        if node is None or node.label is not label:
            known = [n.id for n in self.backend.nodes(label)]
            raise UsageError(
                f"selector {selector}: no {label.kind} {selector.value!r} in estate "
                f"{self.backend.info.name!r}{_suggest(selector.value, known)}"
            )
        return node

    def vendor_family(self, vendor_id: NodeId) -> set[NodeId]:
        """The vendor and every subsidiary below it, however deep."""
        return {vendor_id} | self.backend.dependents([vendor_id], rels=[Rel.SUBSIDIARY_OF])

    def vendors_of(self, selector: Selector) -> set[NodeId]:
        if selector.kind is SelectorKind.VENDOR:
            return self.vendor_family(self._node(selector, Label.VENDOR).id)
        if selector.kind is SelectorKind.JURISDICTION:
            country = selector.value.upper()
            found = {v.id for v in self.vendors if v.properties.get("jurisdiction") == country}
            if not found:
                known = sorted({str(v.properties.get("jurisdiction", "")) for v in self.vendors})
                raise UsageError(
                    f"selector {selector}: no vendor in estate {self.backend.info.name!r} is "
                    f"under the law of {country!r} (jurisdictions here: {', '.join(known)})"
                )
            return found
        law = selector.value.upper()
        if law not in Exposure.__members__.values():
            raise UsageError(
                f"selector {selector}: unknown exposure {selector.value!r}"
                f"{_suggest(law, [e.value for e in Exposure])} (known: {', '.join(Exposure)})"
            )
        return {v.id for v in self.vendors if law in v.properties.get("exposure", ())}  # type: ignore[operator]

    def components_of(self, vendors: set[NodeId]) -> set[NodeId]:
        links = self.backend.edges_touching(vendors, Direction.IN, [Rel.PROVIDED_BY])
        provided = {edge.source for edge in links}
        components = self.backend.nodes_by_id(provided)
        run_by_others = {
            edge.source
            for edge in self.backend.edges_touching(provided, Direction.OUT, [Rel.PROVIDED_BY])
            if edge.target not in vendors
            and VendorRole.OPERATOR in edge.properties.get("roles", ())  # type: ignore[operator]
        }
        withdrawn: set[NodeId] = set()
        for edge in links:
            roles = [str(role) for role in edge.properties.get("roles", ())]  # type: ignore[union-attr]
            licence = components[edge.source].properties.get("licence")
            if _taken_away(
                roles, str(licence) if licence else None, edge.source in run_by_others, self.mode
            ):
                withdrawn.add(edge.source)
        return withdrawn

    def resolve(self, selector: Selector) -> tuple[set[NodeId], set[NodeId]]:
        """The vendors a selector names, and the components and services it withdraws."""
        if selector.kind is SelectorKind.COMPONENT:
            return set(), {self._node(selector, Label.COMPONENT).id}
        if selector.kind is SelectorKind.SERVICE:
            return set(), {self._node(selector, Label.SERVICE).id}
        if selector.kind is SelectorKind.TAG:
            tagged = self.backend.nodes_tagged(selector.value)
            if not tagged:
                raise UsageError(
                    f"selector {selector}: no vendor, component or service in estate "
                    f"{self.backend.info.name!r} has the tag {selector.value!r}"
                )
            vendors = {n.id for n in tagged if n.label is Label.VENDOR}
            families = set().union(*(self.vendor_family(v) for v in vendors)) if vendors else set()
            direct = {n.id for n in tagged if n.label in (Label.COMPONENT, Label.SERVICE)}
            return families, direct | self.components_of(families)
        vendors = self.vendors_of(selector)
        return vendors, self.components_of(vendors)


def resolve(
    backend: GraphBackend, selectors: Iterable[Selector | str], mode: Mode = Mode.CUT_OFF
) -> Withdrawal:
    """Resolve selectors against an estate into what is withdrawn (their union).

    >>> resolve(backend, ["vendor:microsoft"]).withdrawn  # doctest: +SKIP
    frozenset({'entra-id', 'intune', ...})
    """
    parsed = sorted({s if isinstance(s, Selector) else parse_selector(s) for s in selectors})
    if not parsed:
        raise UsageError("nothing to withdraw: give at least one selector, e.g. vendor:ID")
    resolver = _Resolver(backend, mode)
    vendors: set[NodeId] = set()
    withdrawn: set[NodeId] = set()
    for selector in parsed:
        named_vendors, taken = resolver.resolve(selector)
        vendors |= named_vendors
        withdrawn |= taken
    if not withdrawn:
        raise UsageError(
            f"{', '.join(map(str, parsed))} withdraws nothing in {mode} mode: the vendors "
            "named neither operate nor license by subscription any component here"
            + (" (try --mode exit)" if mode is Mode.CUT_OFF else "")
        )
    return Withdrawal(tuple(parsed), mode, frozenset(vendors), frozenset(withdrawn))
