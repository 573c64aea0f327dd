"""Selectors: what a scenario withdraws (DESIGN.md §4).

``kind:value`` with one anchored pattern, parsed into a ``Selector``; several selectors are
a union. ``vendor:ID`` takes the vendor and its subsidiaries, ``jurisdiction:CC`` every
vendor whose ultimate parent is in CC, ``exposure:LAW`` every vendor exposed to that law.

What losing a vendor does to each of its components depends on the role it plays and on
the licence, read from the component's own fields (``LicenceEffect``):

=====================  ========================================  ========================
the vendor ...         cut-off (the vendor stops serving us)     exit (we choose to leave)
=====================  ========================================  ========================
operates it            withdrawn at day 0                        withdrawn at day 0
licenses it by         SaaS/PaaS/IaaS that nobody else runs:     withdrawn at day 0
subscription           withdrawn at day 0; software run here
                       (self-hosted, client, or operated by
                       someone else): withdrawn when the
                       subscription ends, at the contract end
                       plus ``licence_grace_days`` ("at renewal,
                       date unknown" without an end date)
licenses it            keeps running, degraded from              withdrawn at day 0
perpetually            ``support_end`` when that is known
licenses it, no        keeps running, and is told so: nothing    withdrawn at day 0
licence recorded       recorded says when it would stop
only supports or       not withdrawn                             withdrawn at day 0
sub-processes it,
or licenses it as
open source
=====================  ========================================  ========================
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from exitplan.errors import (
    Suggestions,
    UsageError,
    agreeing,
    did_you_mean,
    listed,
    printable,
    shorten,
    with_article,
)
from exitplan.graph.port import (
    Direction,
    GraphBackend,
    GraphNode,
    Label,
    Rel,
    UnknownNodeError,
    breadth_first,
    in_use_among,
)
from exitplan.model import Exposure, Licence, NodeId, VendorRole
from exitplan.model.ids import LONGEST_ID


class NothingWithdrawnError(UsageError):
    """Every selector is known, but together they withdraw nothing in this mode."""


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


LONGEST_SELECTOR = len("jurisdiction:") + LONGEST_ID


def parse_selector(text: str) -> Selector:
    """``"vendor:microsoft"`` -> ``Selector(VENDOR, "microsoft")``; a clear error otherwise
    (a selector longer than any can be is told by its length and its start, not echoed
    whole: one of 100,000 characters filled the terminal)."""
    if len(text) > LONGEST_SELECTOR:
        raise UsageError(
            f"selector of {len(text):,} characters, {shorten(printable(text), 60)!r}: none is "
            f"longer than {LONGEST_SELECTOR} (a kind, a colon and an id of at most {LONGEST_ID})"
        )
    match = _SELECTOR.match(text.strip())
    kind_given, colon, value_given = text.strip().partition(":")
    if match is None and colon and kind_given in SelectorKind.__members__.values():
        raise UsageError(  # the kind is right: say what is wrong with the value (helper-86)
            f"selector {text!r}: "
            + (
                f"{value_given!r} is not an id: an id starts with a letter or digit and holds "
                "letters, digits, '.', '_' and '-' only"
                if value_given
                else f"no value after '{kind_given}:'; give an id, e.g. {kind_given}:ID"
            )
        )
    if match is None:
        raise UsageError(
            f"selector {text!r} is not of the form KIND:VALUE "
            f"(KIND one of {', '.join(k.value for k in SelectorKind)})"
        )
    kind = match.group("kind")
    if kind not in SelectorKind.__members__.values():
        hint = did_you_mean(kind, [k.value for k in SelectorKind])
        allowed = ", ".join(k.value for k in SelectorKind)
        raise UsageError(f"unknown selector kind {kind!r} in {text!r}{hint} (allowed: {allowed})")
    return Selector(SelectorKind(kind), match.group("value"))


class LicenceEffect(StrEnum):
    """What a withdrawal does to one component, by the vendor's role and the licence."""

    WITHDRAWN = "withdrawn"  # at once
    SUBSCRIPTION_ENDS = "subscription_ends"  # withdrawn at the contract end, plus grace
    SUPPORT_ENDS = "support_ends"  # keeps running, degraded from the end of support
    UNRECORDED = "unrecorded"  # keeps running: no licence is recorded that would end it
    UNTOUCHED = "untouched"


OWN_PROVIDER = "own-provider"
"""The tag of the vendor group that is the organisation's own IT department."""

_SELECTABLE = frozenset({"vendor", "component", "service"})
"""Kinds of node a selector names by id."""

_HOSTED_BY_VENDOR = frozenset({"saas", "paas", "iaas"})
_STRENGTH = (
    LicenceEffect.WITHDRAWN,
    LicenceEffect.SUBSCRIPTION_ENDS,
    LicenceEffect.SUPPORT_ENDS,
    LicenceEffect.UNRECORDED,
)
"""Effects from the strongest: a component two named vendors provide gets the stronger."""


def licence_effect(
    roles: Sequence[str], licence: str | None, delivery: str | None, run_by_others: bool, mode: Mode
) -> LicenceEffect:
    """What losing a vendor that plays ``roles`` for a component does to it (the table in
    the module docstring).

    >>> licence_effect(["licensor"], "subscription", "self_hosted", False, Mode.CUT_OFF)
    <LicenceEffect.SUBSCRIPTION_ENDS: 'subscription_ends'>
    """
    if mode is Mode.EXIT or VendorRole.OPERATOR in roles:
        return LicenceEffect.WITHDRAWN
    if VendorRole.LICENSOR not in roles:
        return LicenceEffect.UNTOUCHED
    if licence == Licence.SUBSCRIPTION:
        if delivery in _HOSTED_BY_VENDOR and not run_by_others:
            return LicenceEffect.WITHDRAWN  # the vendor's own service: nobody else runs it
        return LicenceEffect.SUBSCRIPTION_ENDS
    if licence == Licence.PERPETUAL:
        return LicenceEffect.SUPPORT_ENDS
    if licence is None:  # a licensor, and no licence recorded: told, not passed over
        return LicenceEffect.UNRECORDED
    return LicenceEffect.UNTOUCHED  # open source


Effects = dict[NodeId, tuple[LicenceEffect, tuple[NodeId, ...]]]
"""What a withdrawal does to each component, and the named vendors that do it."""


def _keep_stronger(
    effects: Effects, node_id: NodeId, effect: LicenceEffect, by: tuple[NodeId, ...]
) -> None:
    """Record ``effect`` on a component unless a stronger one is known; vendors with the
    same effect are listed together."""
    previous = effects.get(node_id)
    if previous is None or _STRENGTH.index(effect) < _STRENGTH.index(previous[0]):
        effects[node_id] = (effect, by)
    elif effect is previous[0]:
        effects[node_id] = (effect, tuple(sorted({*previous[1], *by})))


@dataclass(frozen=True)
class Withdrawal:
    """What a set of selectors withdraws: components and services, and the vendors meant.

    ``withdrawn`` holds everything withdrawn, at once or when its subscription ends;
    ``licences`` says for each component of a named vendor that is not simply withdrawn
    at once what its licence makes of the withdrawal (ends with the subscription, runs on
    without support), and which vendors hold that licence.
    """

    selectors: tuple[Selector, ...]
    mode: Mode
    vendors: frozenset[NodeId]
    withdrawn: frozenset[NodeId]
    licences: Mapping[NodeId, tuple[LicenceEffect, tuple[NodeId, ...]]] = field(
        default_factory=dict
    )

    def having(self, effect: LicenceEffect) -> list[NodeId]:
        """The components on which the withdrawal has this licence effect, sorted."""
        return [c for c, (found, _) in self.licences.items() if found is effect]


def own_provider(backend: GraphBackend, vendors: Iterable[GraphNode]) -> set[NodeId]:
    """The vendors of a group tagged ``own-provider``: the organisation's own IT
    department, never a vendor to leave, so never one that a law selects."""
    vendors = list(vendors)
    parents = {e.source: e.target for e in backend.edges(Rel.SUBSIDIARY_OF)}
    tagged = {v.id for v in vendors if OWN_PROVIDER in v.properties.get("tags", ())}  # type: ignore[operator]
    found = set()
    for vendor in vendors:
        group, seen = vendor.id, {vendor.id}
        while group in parents and parents[group] not in seen:
            group = parents[group]
            seen.add(group)
        if group in tagged:
            found.add(vendor.id)
    return found


class _Resolver:
    def __init__(self, backend: GraphBackend, mode: Mode, hints: Suggestions | None = None) -> None:
        self.backend = backend
        self.mode = mode
        self.hints = hints or Suggestions()
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
            if node is not None and node.label.kind in _SELECTABLE:  # ids share one namespace
                kind = node.label.kind
                hint = f"; {node.id!r} is {with_article(kind)}: {kind}:{node.id}"
            else:
                hint = self.hints(selector.value, [n.id for n in self.backend.nodes(label)])
            raise UsageError(
                f"selector {selector}: no {label.kind} {selector.value!r} in estate "
                f"{self.backend.info.name!r}{hint}"
            )
        return node

    def vendor_family(self, vendor_id: NodeId) -> set[NodeId]:
        """The vendor and every subsidiary below it, however deep."""
        return {vendor_id} | self.backend.dependents([vendor_id], rels=[Rel.SUBSIDIARY_OF])

    def own_provider(self) -> set[NodeId]:
        return own_provider(self.backend, self.vendors)

    def vendors_of(self, selector: Selector) -> set[NodeId]:
        if selector.kind is SelectorKind.VENDOR:
            return self.vendor_family(self._node(selector, Label.VENDOR).id)
        own = self.own_provider()
        if selector.kind is SelectorKind.JURISDICTION:
            country = selector.value.upper()
            found = {
                v.id
                for v in self.vendors
                if v.properties.get("jurisdiction") == country and v.id not in own
            }
            if not found:
                known = sorted(  # a vendor with no country recorded names none
                    {
                        str(v.properties.get("jurisdiction") or "")
                        for v in self.vendors
                        if v.id not in own
                    }
                    - {""}
                )
                besides = (
                    "; your own IT provider, tagged own-provider, is never a vendor to leave"
                    if any(v.properties.get("jurisdiction") == country for v in self.vendors)
                    else ""
                )
                raise UsageError(
                    f"selector {selector}: no vendor in estate {self.backend.info.name!r} is "
                    f"under the law of {country!r} (jurisdictions here: {', '.join(known)})"
                    f"{besides}"
                )
            return found
        law = selector.value.upper()
        if law not in Exposure.__members__.values():
            raise UsageError(
                f"selector {selector}: unknown exposure {selector.value!r}"
                f"{did_you_mean(law, [e.value for e in Exposure])} (known: {', '.join(Exposure)})"
            )
        return {
            v.id
            for v in self.vendors
            if law in v.properties.get("exposure", ()) and v.id not in own  # type: ignore[operator]
        }

    def components_of(self, vendors: set[NodeId]) -> Effects:
        """Each component these vendors provide, with the strongest effect losing them has
        on it (withdrawn at once, before the subscription ends, before support ends) and
        the vendors that have it."""
        links = self.backend.edges_touching(vendors, Direction.IN, [Rel.PROVIDED_BY])
        provided = {edge.source for edge in links}
        components = self.backend.nodes_by_id(provided)
        run_by_others = {
            edge.source
            for edge in self.backend.edges_touching(provided, Direction.OUT, [Rel.PROVIDED_BY])
            if edge.target not in vendors
            and VendorRole.OPERATOR in edge.properties.get("roles", ())  # type: ignore[operator]
        }
        found: Effects = {}
        for edge in sorted(links, key=lambda e: e.sort_key):
            roles = [str(role) for role in edge.properties.get("roles", ())]  # type: ignore[union-attr]
            properties = components[edge.source].properties
            licence, delivery = properties.get("licence"), properties.get("delivery")
            effect = licence_effect(
                roles,
                str(licence) if licence else None,
                str(delivery) if delivery else None,
                edge.source in run_by_others,
                self.mode,
            )
            if effect is LicenceEffect.UNTOUCHED:
                continue
            _keep_stronger(found, edge.source, effect, (edge.target,))
        return found

    def resolve(self, selector: Selector) -> tuple[set[NodeId], Effects]:
        """The vendors a selector names, and what it does to each component and service."""
        if selector.kind in (SelectorKind.COMPONENT, SelectorKind.SERVICE):
            label = Label.COMPONENT if selector.kind is SelectorKind.COMPONENT else Label.SERVICE
            return set(), {self._node(selector, label).id: (LicenceEffect.WITHDRAWN, ())}
        if selector.kind is SelectorKind.TAG:
            tagged = self.backend.nodes_tagged(selector.value)
            if not tagged:
                raise UsageError(
                    f"selector {selector}: no vendor, component or service in estate "
                    f"{self.backend.info.name!r} has the tag {selector.value!r}"
                )
            vendors = {n.id for n in tagged if n.label is Label.VENDOR}
            families = set().union(*(self.vendor_family(v) for v in vendors)) if vendors else set()
            effects = self.components_of(families)
            for node in tagged:
                if node.label in (Label.COMPONENT, Label.SERVICE):
                    effects[node.id] = (LicenceEffect.WITHDRAWN, ())
            return families, effects
        vendors = self.vendors_of(selector)
        return vendors, self.components_of(vendors)


def vendor_exits(
    backend: GraphBackend, vendors: Iterable[NodeId]
) -> dict[NodeId, frozenset[NodeId]]:
    """What an exit from each vendor withdraws, with its subsidiaries: for each,
    ``resolve(backend, [f"vendor:{vendor}"], Mode.EXIT).withdrawn``, read for all of them
    at once. In an exit, every component a vendor of the group provides, in any role, is
    withdrawn (``licence_effect``). The check's concentration rule asks it of every vendor
    group in use; one by one, it made five queries of Neo4j a group (348 for an estate of
    4,000 components)."""
    wanted = sorted(set(vendors))
    try:
        nodes = backend.nodes_by_id(wanted)
    except UnknownNodeError:
        nodes = {}  # told below, as resolving it alone tells it
    if len(nodes) < len(wanted) or any(n.label is not Label.VENDOR for n in nodes.values()):
        return {v: resolve(backend, [f"vendor:{v}"], Mode.EXIT).withdrawn for v in wanted}
    below: dict[NodeId, set[NodeId]] = defaultdict(set)
    seen, frontier = set(wanted), wanted
    while frontier:  # the subsidiaries of all of them, a level at a time
        edges = backend.edges_touching(frontier, Direction.IN, [Rel.SUBSIDIARY_OF])
        for edge in edges:
            below[edge.target].add(edge.source)
        frontier = sorted({edge.source for edge in edges} - seen)
        seen.update(frontier)
    provides: dict[NodeId, set[NodeId]] = defaultdict(set)
    for edge in backend.edges_touching(seen, Direction.IN, [Rel.PROVIDED_BY]):
        provides[edge.target].add(edge.source)
    exits = {}
    for vendor in wanted:
        family = breadth_first([vendor], lambda n: below.get(n, ())) | {vendor}
        exits[vendor] = frozenset().union(*(provides[member] for member in family))
        if not exits[vendor]:  # told as resolving it alone tells it
            exits[vendor] = resolve(backend, [f"vendor:{vendor}"], Mode.EXIT).withdrawn
    return exits


def _exit_hint(backend: GraphBackend, parsed: Sequence[Selector]) -> str:
    """Whether an exit would take away something in use, said as a hint; else that the
    vendors provide only what is not in use (candidates, retired components)."""
    exit_mode = _Resolver(backend, Mode.EXIT)
    reached = {node for selector in parsed for node in exit_mode.resolve(selector)[1]}
    if in_use_among(backend, backend.nodes_by_id(reached).values()):
        return " (try --mode exit)"
    if reached:
        return (
            "; nor would an exit take anything away: what they provide is not in use "
            "(a candidate or retired)"
        )
    return ""


SELECTABLE = {Label.VENDOR: "vendor", Label.COMPONENT: "component", Label.SERVICE: "service"}


def _parsed(backend: GraphBackend, text: str) -> Selector:
    """``parse_selector``; a bare id of a vendor, component or service is refused with the
    selector that names it (``microsoft``: did you mean ``vendor:microsoft``?)."""
    try:
        return parse_selector(text)
    except UsageError as error:
        if ":" in text or not _SELECTOR.match(f"vendor:{text.strip()}"):
            raise
        try:
            node = backend.node(NodeId(text.strip()))
        except UnknownNodeError:  # no such node: the selector's own message
            raise error from None
        if node.label not in SELECTABLE:
            raise
        raise UsageError(f"{error}; did you mean '{SELECTABLE[node.label]}:{node.id}'?") from None


def resolve(
    backend: GraphBackend,
    selectors: Iterable[Selector | str],
    mode: Mode = Mode.CUT_OFF,
    hints: Suggestions | None = None,
) -> Withdrawal:
    """Resolve selectors against an estate into what is withdrawn (their union; where two
    selectors reach one component, the stronger effect counts). ``hints``: the budget of
    "did you mean" comparisons, shared where a scenario's selectors are checked one by one.

    >>> resolve(backend, ["vendor:microsoft"]).withdrawn  # doctest: +SKIP
    frozenset({'entra-id', 'intune', ...})
    """
    parsed = sorted({s if isinstance(s, Selector) else _parsed(backend, s) for s in selectors})
    if not parsed:
        raise UsageError("nothing to withdraw: give at least one selector, e.g. vendor:ID")
    resolver = _Resolver(backend, mode, hints)
    vendors: set[NodeId] = set()
    effects: Effects = {}
    for selector in parsed:
        named_vendors, reached = resolver.resolve(selector)
        vendors |= named_vendors
        for node_id, (effect, by) in reached.items():
            _keep_stronger(effects, node_id, effect, by)
    running = (LicenceEffect.SUPPORT_ENDS, LicenceEffect.UNRECORDED)
    if all(effect is LicenceEffect.UNRECORDED for effect, _ in effects.values()):
        unrecorded = sorted(in_use_among(backend, backend.nodes_by_id(effects).values()))
        raise NothingWithdrawnError(
            f"{', '.join(map(str, parsed))} withdraws nothing in {mode} mode: the vendors "
            "named neither operate any component here nor license one by subscription or "
            "perpetual licence"
            + (_exit_hint(backend, parsed) if mode is Mode.CUT_OFF else "")
            + (
                f"; {listed(unrecorded, most=5)} "
                f"{agreeing(len(unrecorded), 'records', 'record')} no licence, so nothing "
                f"says when the withdrawal would stop {agreeing(len(unrecorded), 'it', 'them')} "
                "(record the licence: subscription, perpetual or open_source)"
                if unrecorded
                else ""
            )
        )
    withdrawn = {c for c, (effect, _) in effects.items() if effect not in running}
    licences = {
        c: found for c, found in sorted(effects.items()) if found[0] is not LicenceEffect.WITHDRAWN
    }
    return Withdrawal(tuple(parsed), mode, frozenset(vendors), frozenset(withdrawn), licences)
