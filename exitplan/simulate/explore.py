"""What the offline explorer shows: the estate as a graph, and the answer of exitplan's own
simulation for every withdrawal the reader can pick.

The page computes nothing itself. For each choice (every vendor group, every
jurisdiction, every component in use, and the selectors given) the simulation runs here,
and the page only filters its answer by the day on the slider: a service is broken on day
``d`` when it fails on or before ``d``, degraded when it degrades on or before ``d`` and
is not broken. The data is plain lists, so that a large estate stays small; ``last_day``,
the last day any answer tells, sets the slider's end without the page reading every
answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from exitplan.graph.port import GraphBackend, Label, Rel, in_use_among
from exitplan.graph.remembered import RememberedGraph
from exitplan.model import NodeId
from exitplan.select import (
    NothingWithdrawnError,
    Selector,
    SelectorKind,
    own_provider,
    parse_selector,
)
from exitplan.simulate import Options, Shared, Timeline, timeline
from exitplan.simulate.propagate import NEVER, Times, is_dated
from exitplan.simulate.result import DeadlineFrom, Progress, Simulation, StepKind


@dataclass(frozen=True)
class Choice:
    """A withdrawal the reader can pick: its selectors, the name shown, and its group in
    the picker (``ASKED`` for what ``--withdraw`` names, Jurisdictions, Vendors or
    Components)."""

    key: str
    name: str
    group: str
    selectors: tuple[str, ...] = field(default=())


ASKED = "Asked for (--withdraw)"
"""The picker's group of the withdrawal the page was made for (helper-96: it read "Given")."""
MOST_COMPONENTS = 500
"""Components offered one by one, at most: each is a simulation written into the page."""
ANSWERED_FIRST = {ASKED: 0, "Jurisdictions": 1, "Vendors": 2, "Components": 3}
"""The order the choices are answered in, within ``MOST_ANSWERED``: the one the page opens
on, then the few jurisdictions a board asks about, before the many vendors and components."""
MOST_ANSWERED = 5_000_000
"""Affected nodes the page's answers hold together, at most: once they are reached, the
choices after them are not offered. The synthetic estate of 36,000 components holds 3.9
million (a page of 55 MB, which Chromium opens in 4 s); a chain of 4,000 components, each
of a vendor of its own, held 8 million, a page of 86 MB that took 48 s (helper-87)."""


def _given(given: Iterable[str]) -> tuple[str, ...]:
    """The selectors ``-w`` names, each once, as the picker writes them (a country in
    capitals: ``jurisdiction:us`` is the choice ``jurisdiction:US``)."""
    found: dict[str, None] = {}
    for text in given:
        selector = parse_selector(text)
        if selector.kind is SelectorKind.JURISDICTION:
            selector = Selector(selector.kind, selector.value.upper())
        found.setdefault(str(selector))
    return tuple(found)


def given_key(given: Iterable[str]) -> str | None:
    """The choice ``-w`` names: ``vendor:x`` alone, or ``vendor:x + component:y``."""
    selectors = _given(given)
    return " + ".join(selectors) if selectors else None


def choices(
    backend: GraphBackend, given: Iterable[str] = (), running: set[NodeId] | None = None
) -> list[Choice]:
    """Every vendor group (a vendor with no parent, with its subsidiaries), every
    jurisdiction of a vendor not of your own IT provider, every component in use (the
    first ``MOST_COMPONENTS`` by id), and ``given`` as one choice first (unless it is one
    of those)."""
    found = []
    selectors = _given(given)
    key = given_key(selectors)
    if key is not None:
        found.append(Choice(key, key, ASKED, selectors))
    vendors = backend.nodes(Label.VENDOR)
    children = {edge.source for edge in backend.edges(Rel.SUBSIDIARY_OF)}
    for vendor in vendors:
        if vendor.id not in children:
            key = f"vendor:{vendor.id}"
            found.append(Choice(key, vendor.name, "Vendors", (key,)))
    own = own_provider(backend, vendors)  # never a vendor a law selects
    countries = sorted(
        {
            str(v.properties["jurisdiction"])
            for v in vendors
            if "jurisdiction" in v.properties and v.id not in own
        }
    )
    for country in countries:
        key = f"jurisdiction:{country}"
        found.append(Choice(key, f"Vendors under {country} law", "Jurisdictions", (key,)))
    components = backend.nodes(Label.COMPONENT)
    if running is None:
        running = in_use_among(backend, components)
    in_use = [c for c in components if c.id in running]
    for component in in_use[:MOST_COMPONENTS]:
        key = f"component:{component.id}"
        found.append(Choice(key, component.name, "Components", (key,)))
    return found


def _day(value: float) -> int | str | None:
    """A day; ``"renewal"`` for one at a renewal of unknown date; ``None``: never."""
    if value == NEVER:
        return None
    return int(value) if is_dated(value) else "renewal"


class _Chains:
    """The chains of an answer, each told once: chains share their tails, so a node's
    chain is the node and then a chain of the next. ``fails_via`` gives, for each node
    on a failure chain, the next (``None``: the chain ends there); ``degrades_via``, for
    each node on a degradation chain, the next when the chain goes on as the next's
    degradation chain, ``True`` when it goes on as the node's own failure chain (where
    the node degrades because it fails), ``None`` when it ends there."""

    def __init__(self, times: Times) -> None:
        self.times = times
        self.fails_via: dict[NodeId, NodeId | None] = {}
        self.degrades_via: dict[NodeId, NodeId | bool | None] = {}
        self._told_alike: dict[NodeId, bool] = {}

    def _alike(self, node: NodeId) -> bool:
        """Whether ``node``'s degradation chain is its failure chain (asked once a node:
        each chain walks to the withdrawal)."""
        alike = self._told_alike.get(node)
        if alike is None:
            chain = self.times.chain
            alike = self._told_alike[node] = chain(node, broken=False) == chain(node, broken=True)
        return alike

    def failure(self, node_id: NodeId) -> None:
        causes, known = self.times.fail_cause, self.fails_via
        node: NodeId | None = node_id
        while node is not None and node not in known:  # as Times.chain walks it
            cause = causes.get(node)
            known[node] = cause
            node = cause

    def degradation(self, node_id: NodeId) -> None:
        times, known = self.times, self.degrades_via
        node = node_id
        while node not in known:  # as Times.chain walks it, a node at a time
            cause = times.degrade_cause.get(node)
            if cause is not None and times.degrade[node] < times.fails_at(node):
                known[node] = cause  # degraded through its cause
                node = cause
                continue
            if node in times.ends and node not in times.fail:
                known[node] = None  # runs on without support: degraded by nothing else
                return
            after = times.fail_cause.get(node)  # degraded because it fails
            if after is None:
                known[node] = None
            elif self._alike(after):
                known[node] = after  # the rest reads as the next's degradation chain
                node = after
                continue
            else:
                known[node] = True
                self.failure(node)
            return


def answer(found: Timeline, index: Mapping[NodeId, int] | None = None) -> dict[str, Any]:
    """A simulation as the page reads it: lists, not objects. ``affected`` gives every
    node in use that the withdrawal reaches, ``[id, withdrawn, fails, degrades]``, so
    that the page can say its state on any day as ``simulate --horizon DAY`` does; the
    chain behind each is told by ``fails_via`` and ``degrades_via`` (``_Chains``).

    With ``index`` (each node's place in the page's list of nodes), every node is given
    by its number and ``withdrawn`` as 1 or 0: the page of a 10,000-component estate
    holds hundreds of answers of thousands of nodes each, and an id is written many times
    in each (the page reads the numbers back as ids).

    ``not_needed`` gives the withdrawn components that need no replacement, as nothing
    that stays in use needs them.

    A step is ``[id, wave, replaces, candidates, start, finish, deadline, blocked, export,
    needs brought in, due for the steps after it, too late for them, cannot be made]``:
    the last three as ``Step.due_for_next`` (none where no day can be met),
    ``Step.too_late_for_next`` and ``Step.cannot_be_made``."""
    simulation, times = found.simulation, found.times
    ref: Callable[[NodeId], Any] = (lambda n: index[n]) if index is not None else (lambda n: n)
    key: Callable[[NodeId], str] = (lambda n: str(index[n])) if index is not None else str
    flag: Callable[[bool], Any] = int if index is not None else bool
    affected = []
    chains = _Chains(times)
    for node_id in sorted(found.in_use):
        fails, degrades = times.fails_at(node_id), times.degrades_at(node_id)
        affected.append(
            [ref(node_id), flag(node_id in times.withdrawn), _day(fails), _day(degrades)]
        )
        if fails != NEVER:
            chains.failure(node_id)
        if degrades < fails:
            chains.degradation(node_id)
    return {
        "affected": affected,
        "fails_via": {
            key(n): ref(after) if after is not None else None
            for n, after in chains.fails_via.items()
        },
        "degrades_via": {
            key(n): ref(after) if isinstance(after, str) else after
            for n, after in chains.degrades_via.items()
        },
        "users": {key(s.id): s.users for s in simulation.services},
        "replacements": [
            [ref(r.replaces), r.status.value, ref(r.chosen.candidate) if r.chosen else None]
            for r in simulation.replacements
        ],
        "steps": [
            [
                step.id,
                step.wave,
                [ref(move.replaces) for move in step.moves],
                [ref(move.candidate) if move.candidate else None for move in step.moves],
                step.start_day,
                step.finish_day,
                "renewal" if step.deadline_from is DeadlineFrom.AT_RENEWAL else step.deadline,
                step.blocked,
                step.kind is StepKind.EXPORT,
                [[ref(o) for o in need.options] for need in step.needs_brought_in],
                None if step.too_late_for_next else step.due_for_next,
                step.too_late_for_next,
                step.cannot_be_made,
            ]
            for step in simulation.plan.steps
        ],
        "finish": simulation.plan.finish_day,
        "not_needed": [ref(node) for node in simulation.not_needed],
    }


def _nodes(backend: GraphBackend, running: set[NodeId]) -> Iterator[list[Any]]:
    """``[id, name, kind, vendor group]`` for every component and service."""
    vendors = {v.id: v for v in backend.nodes(Label.VENDOR)}
    parents = {edge.source: edge.target for edge in backend.edges(Rel.SUBSIDIARY_OF)}

    def group(vendor: NodeId) -> NodeId:
        seen = {vendor}
        while vendor in parents and parents[vendor] not in seen:
            vendor = parents[vendor]
            seen.add(vendor)
        return vendor

    provided: dict[NodeId, NodeId] = {}
    for edge in backend.edges(Rel.PROVIDED_BY):
        provided.setdefault(edge.source, group(edge.target))
    for label in (Label.SERVICE, Label.COMPONENT):
        for node in backend.nodes(label):
            vendor = provided.get(node.id)
            yield [
                node.id,
                node.name,
                label.kind
                if label is Label.SERVICE or node.id in running
                else str(node.properties.get("lifecycle")),
                vendor,
                vendors[vendor].name if vendor in vendors else None,
            ]


def _read_once(backend: GraphBackend) -> RememberedGraph:
    """``backend``, each answer read once; the region of every node, every vendor's
    subsidiaries and what it provides, and what each component realises, at once: the
    answers to hundreds of choices share their reads. On Neo4j, the 524 choices of the
    synthetic estate of 1,000 components made 7,686 queries when each read its own region,
    105 when they shared the whole region but read each vendor's links (three queries a
    vendor), and 34 now."""
    remembered = RememberedGraph(backend)
    remembered.read_whole_region()
    remembered.read_every_edge([Rel.SUBSIDIARY_OF, Rel.PROVIDED_BY, Rel.REALISES])
    return remembered


def explorer_data(
    backend: GraphBackend,
    given: Iterable[str] = (),
    options: Options | None = None,
    progress: Progress | None = None,
    keep: Callable[[dict[str, Any]], Any] = lambda answered: answered,
    words: Callable[[Simulation], Mapping[str, Any]] = lambda _: {},
    *,
    most: int = MOST_ANSWERED,
) -> dict[str, Any]:
    """The estate, and the answer to every choice (those that withdraw nothing, or
    nothing in use, are left out), until the answers hold ``most`` affected nodes: the
    given one first (always answered), then jurisdictions, vendors and components, each
    in their order (``choices_left_out`` counts those after that; the page lists the
    others as offered). The page opens on the given one, else on the vendor group whose
    withdrawal reaches the most nodes (the first such in the order answered).
    Deterministic: the same estate gives the same data. ``progress`` is told how many
    choices are answered, before each and at the end; what ``keep`` makes of each answer
    is kept (the page's writer keeps its JSON, much smaller than its lists), with what
    ``words`` tells of its simulation (the page's writer gives the sentences ``simulate``
    prints)."""
    backend = _read_once(backend)
    info = backend.info
    picked: list[tuple[int, list[str]]] = []
    answers = {}
    last = 0
    given = _given(given)
    initial = given_key(given)
    running = in_use_among(backend, backend.nodes(Label.COMPONENT))  # read once
    nodes = list(_nodes(backend, running))
    index = {NodeId(node[0]): place for place, node in enumerate(nodes)}
    offered = choices(backend, given, running)
    keys = [choice.key for choice in offered]
    shared = Shared()
    held = left_out = 0
    widest: tuple[int, str] | None = None  # the vendor that reaches the most, the first such
    # answered jurisdictions first: few, and what a board asks; listed as offered all the same
    first = sorted(range(len(offered)), key=lambda i: (ANSWERED_FIRST.get(offered[i].group, 9), i))
    for done, place in enumerate(first):
        choice = offered[place]
        if progress is not None:
            progress(done, len(offered))
        if choice.group == ASKED and keys.count(choice.key) > 1:
            continue  # offered in its own group too
        if held >= most and choice.key != initial:  # the one the page opens on is kept
            left_out += 1
            continue
        try:
            found = timeline(backend, choice.selectors, options, shared)
        except NothingWithdrawnError:
            if choice.group == ASKED:
                raise  # what the reader asked for withdraws nothing: say so
            continue
        if not found.in_use and choice.group != ASKED:
            continue  # it takes away only what nothing runs on (candidates, in an exit)
        picked.append((place, [choice.key, choice.name, choice.group]))
        answered = {**answer(found, index), **words(found.simulation)}
        reached = len(answered["affected"])
        if choice.group == "Vendors" and (widest is None or reached > widest[0]):
            widest = (reached, choice.key)
        held += reached
        days = (day for a in answered["affected"] for day in a[2:] if isinstance(day, int))
        last = max(last, max(days, default=0))
        answers[choice.key] = keep(answered)
    if progress is not None:
        progress(len(offered), len(offered))
    picked.sort()
    answers = {key: answers[key] for _, (key, _, _) in picked}
    dependencies = [
        [edge.source, edge.target, edge.properties.get("strength", "hard") == "hard"]
        for edge in backend.edges(Rel.DEPENDS_ON)
    ]
    uses = sorted(  # [service, organisation, users], for the users who lose one on a day
        [edge.target, edge.source, int(edge.properties.get("users", 0))]  # type: ignore[arg-type]
        for edge in backend.edges(Rel.USES)
    )
    in_use = len(running)
    day_0 = (options or Options()).start or info.as_of
    return {
        "estate": {"name": info.name, "title": info.title or info.name},
        "mode": (options or Options()).mode.value,
        "components_left_out": max(0, in_use - MOST_COMPONENTS),
        "choices_left_out": left_out,
        "initial": initial if initial is not None else widest[1] if widest else None,
        "start": day_0.isoformat() if day_0 else None,
        "nodes": nodes,
        "dependencies": dependencies,
        "uses": uses,
        "choices": [entry for _, entry in picked],
        "answers": answers,
        "last_day": last,
    }


__all__ = ["ASKED", "Choice", "answer", "choices", "explorer_data", "given_key"]
