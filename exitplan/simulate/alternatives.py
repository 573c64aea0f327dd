"""Which withdrawn components must be replaced, and by what (DESIGN.md §4, Alternatives).

A node is *restorable* when it is unaffected, or withdrawn with a viable candidate, or
broken only through hard dependencies that are all restorable (a redundant group needs one
restorable member). A candidate is *viable* when it is not withdrawn itself and is
restorable. What a scenario excludes and nothing runs cannot be brought in, nor can what
needs it (``Assessor.out_of_reach``); a node not in use that the exclusions leave needing
a broken or withdrawn node is decided with the broken ones (``Restorability.pending``).
This is a least fixed point: everything starts unproven and is proven when its
conditions hold, so a cycle of unresolved needs is never viable. It is computed with a
worklist in time linear in the affected region (with exclusions, and in the nodes not in
use that the candidates need, which ``out_of_reach`` reads).

Example: the scenario withdraws ``entra-id`` and ``intune``. ``fleet`` (a candidate for
``intune``) needs ``entra-id`` for sign-in, so ``fleet`` is viable only if ``entra-id``
has a viable candidate, say ``keycloak``; then the plan replaces ``entra-id`` first.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace

from exitplan.errors import ended, told_apart
from exitplan.graph.port import (
    DependencyRegion,
    DependsOn,
    Direction,
    GraphBackend,
    GraphEdge,
    GraphNode,
    Label,
    Rel,
    in_use_among,
)
from exitplan.model import NodeId, Readiness
from exitplan.simulate.reach import Affects
from exitplan.simulate.result import CandidateAssessment, Replacement, Status


@dataclass(frozen=True)
class Preferences:
    """A scenario's say in the choice: preferred candidates and excluded ones."""

    prefer: Mapping[NodeId, NodeId] = field(default_factory=dict)
    exclude: frozenset[NodeId] = frozenset()


@dataclass(frozen=True)
class Used:
    """The capabilities the dependents in use take from a component: by id, as the JSON
    gives them, and in the order of their names, as documents say them."""

    ids: tuple[str, ...]
    names: Mapping[str, str]
    """Each one's name, told apart from any other capability's of the estate (the id where
    the estate names none)."""
    by_name: tuple[str, ...]

    @classmethod
    def of(cls, ids: tuple[str, ...], known: Mapping[str, str]) -> Used:
        names = {capability: known.get(capability, capability) for capability in ids}
        return cls(ids, names, tuple(sorted(ids, key=lambda c: (names[c].casefold(), c))))

    def named(self) -> tuple[str, ...]:
        return tuple(self.names[capability] for capability in self.by_name)


Needs = tuple[tuple[NodeId, ...], Mapping[str, tuple[NodeId, ...]]]
"""What a node needs hard: targets outside any group, and each group's members."""


class HardNeeds:
    """Each node's hard needs, read from the region once per node."""

    def __init__(self, region: DependencyRegion) -> None:
        self._region = region
        self._known: dict[NodeId, Needs] = {}

    def __call__(self, node_id: NodeId) -> Needs:
        known = self._known.get(node_id)
        if known is None:
            singles: list[NodeId] = []
            groups: dict[str, list[NodeId]] = defaultdict(list)
            for edge in self._region.dependencies(node_id):
                if edge.hard:
                    if edge.group is None:
                        singles.append(edge.target)
                    else:
                        groups[edge.group].append(edge.target)
            known = (tuple(singles), {g: tuple(members) for g, members in groups.items()})
            self._known[node_id] = known
        return known


class Restorability:
    """The least fixed point of "restorable" (see module doc), computed over the part of
    the affected region that a candidate's viability can depend on: the candidates, the
    broken nodes their hard needs lead to, and the candidates of withdrawn ones among
    those. A node outside that part is taken in when the plan asks about it (``settled``).
    """

    def __init__(
        self,
        region: DependencyRegion,
        times: Affects,
        candidates: Mapping[NodeId, list[NodeId]],
        excluded: frozenset[NodeId],
        needs: HardNeeds | None = None,
        *,
        everything: bool = False,
        out_of_reach: frozenset[NodeId] = frozenset(),
        read_needs: Mapping[NodeId, Needs] | None = None,
    ) -> None:
        self.times = times
        self.region = region
        self._needs = needs or HardNeeds(region)
        self.excluded = excluded
        self.out_of_reach = out_of_reach
        self._read_needs = read_needs or {}
        """What the nodes not in use that exclusions were judged for need, as read from the
        backend (outside a withdrawal's region on Neo4j)."""
        self.everything = everything
        """Known without the fixed point: every node is restorable."""
        self.proven: set[NodeId] = set()
        self._waiting: dict[NodeId, int] = {}
        self._watchers: dict[NodeId, list[tuple[NodeId, str | None]]] = defaultdict(list)
        self._replaces: dict[NodeId, list[NodeId]] = defaultdict(list)
        self._groups_met: set[tuple[NodeId, str]] = set()
        self._candidates = candidates
        self._computed: set[NodeId] = set()
        """The nodes the fixed point has taken in: the part the candidates' viability may
        need, and what ``settled`` added. A withdrawn node is decided by its candidates,
        whether in it or not."""
        self.pending: frozenset[NodeId] = frozenset()
        """Nodes not in use that the withdrawal does not break, but that the scenario's
        exclusions leave needing what it breaks: a redundant group whose only member not
        excluded is broken or withdrawn (or a pending node, in turn). Whether they can be
        brought in is for the fixed point, as for a broken node."""
        if everything:
            return
        self.pending = self._pending()
        ready: list[NodeId] = []
        fail, pending = times.fail, self.pending
        roots = [c for options in candidates.values() for c in options]
        roots += [n for n in candidates if n not in times.withdrawn]
        for node_id in sorted(self._cone(roots)):
            if node_id in times.withdrawn or (node_id not in fail and node_id not in pending):
                continue
            waiting = self._watch_dependencies(node_id)
            self._waiting[node_id] = waiting
            if waiting == 0:
                ready.append(node_id)
        for incumbent, options in sorted(candidates.items()):
            for candidate in options:
                if (
                    candidate in times.withdrawn
                    or candidate in excluded
                    or self.unavailable(candidate)
                ):
                    continue
                self._replaces[candidate].append(incumbent)
                if candidate not in fail and candidate not in pending:  # unaffected, in reach
                    ready.append(incumbent)
        self._prove(ready)

    def _open(self, node_id: NodeId) -> bool:
        """Whether the fixed point decides the node: broken, withdrawn or pending."""
        return node_id in self.times.fail or node_id in self.pending

    def needs_of(self, node_id: NodeId) -> Needs:
        """What a node needs hard: from the region, or for a node outside it (not in use,
        not reached), as read for the exclusions."""
        read = self._read_needs.get(node_id)
        return read if read is not None else self._needs(node_id)

    def _pending(self) -> frozenset[NodeId]:
        """The nodes not in use, read for the exclusions, not out of reach and not broken,
        that need a broken or withdrawn node, or a pending one, with nothing free in its
        place (see ``pending``): the least set closed under that rule, with a worklist
        over who needs whom, so that each node is looked at again only when one of its
        needs turns pending."""
        fail, read = self.times.fail, self._read_needs
        pending: set[NodeId] = set()
        needers: dict[NodeId, set[NodeId]] = defaultdict(set)
        for node_id, (singles, groups) in read.items():
            for target in (*singles, *(m for members in groups.values() for m in members)):
                needers[target].add(node_id)

        def held(node_id: NodeId) -> bool:
            return node_id in fail or node_id in pending

        def waits(node_id: NodeId) -> bool:
            singles, groups = read[node_id]
            return any(held(t) for t in singles) or any(
                any(held(m) for m in members)
                and all(held(m) or self.unavailable(m) for m in members)
                for members in groups.values()
            )

        queue = sorted(read, reverse=True)
        while queue:
            node_id = queue.pop()
            if held(node_id) or self.unavailable(node_id) or not waits(node_id):
                continue
            pending.add(node_id)
            queue.extend(sorted(needers.get(node_id, ()), reverse=True))
        return frozenset(pending)

    def _cone(self, roots: Iterable[NodeId]) -> set[NodeId]:
        """Every node whose restorability the ``roots`` may need that was not computed
        before (added to ``_computed``)."""
        candidates, computed = self._candidates, self._computed
        stack = list(roots)
        cone: set[NodeId] = set()
        fail, pending = self.times.fail, self.pending  # _open, spelt out: it runs per need
        while stack:
            node_id = stack.pop()
            if node_id in cone or node_id in computed:
                continue
            cone.add(node_id)
            if node_id in fail or node_id in pending:
                singles, groups = self.needs_of(node_id)
                stack.extend(t for t in singles if t in fail or t in pending)
                for members in groups.values():
                    stack.extend(m for m in members if m in fail or m in pending)
            stack.extend(candidates.get(node_id, ()))
        computed |= cone
        return cone

    def settled(self, node_id: NodeId) -> bool:
        """``restorable``, decided for any node: a broken or pending node outside the part
        computed so far (what the candidates' viability needs) is added to the fixed
        point first, with what it needs. The plan asks this of the members of redundant
        groups and of what its candidates need. What the fixed point decided before
        cannot change: all that it needed was decided with it, and every candidate was in
        it from the start.

        What the exclusions keep out of reach (``out_of_reach``, ``pending``) is known
        only along the hard needs of the candidates, of nodes nobody runs; a node beyond
        them that needs only what is excluded reads as unaffected here, as it did
        before."""
        if (
            not self.everything
            and node_id not in self._computed
            and node_id not in self.times.withdrawn
            and self._open(node_id)
        ):
            ready: list[NodeId] = []
            for added in sorted(self._cone([node_id])):
                if added in self.times.withdrawn or not self._open(added):
                    continue
                waiting = self._watch_undecided(added)
                self._waiting[added] = waiting
                if waiting == 0:
                    ready.append(added)
            self._prove(ready)
        return self.restorable(node_id)

    def _watch_undecided(self, node_id: NodeId) -> int:
        """``_watch_dependencies`` for a node added after the fixed point first ran: what
        it needs that is proven already is met."""
        singles, groups = self.needs_of(node_id)
        proven, out = self.proven, self.out_of_reach
        waiting = 0
        for target in singles:
            if target in out:
                waiting += 1
            elif self._open(target) and target not in proven:
                self._watchers[target].append((node_id, None))
                waiting += 1
        for group, members in groups.items():
            if all((self._open(m) and m not in proven) or m in out for m in members):
                for member in members:
                    if self._open(member) and member not in out:
                        self._watchers[member].append((node_id, group))
                waiting += 1
        return waiting

    def _watch_dependencies(self, node_id: NodeId) -> int:
        """Register what a broken (or pending) node waits for; return how many
        requirements are open. A need that the exclusions keep out of reach stays open
        for good: nothing will prove it."""
        singles, groups = self.needs_of(node_id)
        # _open and unavailable, spelt out: this runs for every need in the cone
        fail, pending, out = self.times.fail, self.pending, self.out_of_reach
        waiting = 0
        for target in singles:
            if target in out:
                waiting += 1
            elif target in fail or target in pending:
                self._watchers[target].append((node_id, None))
                waiting += 1
        for group, members in groups.items():
            if all(m in fail or m in pending or m in out for m in members):  # none free
                for member in members:
                    if (member in fail or member in pending) and member not in out:
                        self._watchers[member].append((node_id, group))
                waiting += 1
        return waiting

    def _prove(self, ready: list[NodeId]) -> None:
        while ready:
            node_id = ready.pop()
            if node_id in self.proven:
                continue
            self.proven.add(node_id)
            for dependent, group in self._watchers.get(node_id, ()):
                if group is not None:
                    if (dependent, group) in self._groups_met:
                        continue
                    self._groups_met.add((dependent, group))
                self._waiting[dependent] -= 1
                if self._waiting[dependent] == 0:
                    ready.append(dependent)
            ready.extend(self._replaces.get(node_id, ()))

    def unavailable(self, node_id: NodeId) -> bool:
        """Whether the scenario's exclusions keep ``node_id`` out of reach (see
        ``Assessor.out_of_reach``)."""
        return node_id in self.out_of_reach

    def restorable(self, node_id: NodeId) -> bool:
        if self.everything:
            return True
        if self.unavailable(node_id):
            return False  # excluded and not in use, or needing what is
        return not self._open(node_id) or node_id in self.proven

    def by_dependencies(self, node_id: NodeId) -> bool:
        """Would restoring what the node needs restore the node (without replacing it)?"""
        singles, groups = self._needs(node_id)
        return all(self.restorable(t) for t in singles) and all(
            any(self.restorable(m) for m in members) for members in groups.values()
        )

    def blocker(self, node_id: NodeId) -> str:
        """Why a node cannot be restored, in a phrase: its first unrestorable need."""
        singles, groups = self._read_needs.get(node_id) or self._needs(node_id)
        for target in singles:
            if not self.restorable(target):
                return f"needs {self._named(target)}, which {self._state(target)}"
        for members in groups.values():
            if not any(self.restorable(m) for m in members):
                named = ", ".join(self._named(m) for m in members)
                return f"needs one of {named}; none can be restored"
        return "its needs cannot be restored"

    def held_back_by(self, node_id: NodeId) -> tuple[NodeId, ...]:
        """Every withdrawn component, with no viable alternative, that keeps the node from
        being restored, by id: each need that cannot be restored, each member of a group
        none of whose members can, and so on through the needs of what cannot be restored
        (a candidate that needs another candidate that needs it)."""
        found: list[NodeId] = []
        seen = {node_id}
        stack = [node_id]
        while stack:
            singles, groups = self.needs_of(stack.pop())
            blocking = [t for t in singles if not self.restorable(t)]
            for members in groups.values():
                if not any(self.restorable(m) for m in members):
                    blocking += members
            for target in blocking:
                if target in seen:
                    continue
                seen.add(target)
                if target in self.times.withdrawn:
                    found.append(target)
                elif target in self.times.fail or target in self._read_needs:
                    stack.append(target)  # its needs are known: what holds it back
        return tuple(sorted(found))

    def _named(self, node_id: NodeId) -> str:
        """A node by its name where the region holds it (what the withdrawal reaches, on
        every backend alike), else by its id."""
        return self.region.node(node_id).name if node_id in self.times.fail else node_id

    def _state(self, node_id: NodeId) -> str:
        if node_id in self.times.withdrawn:
            return "is withdrawn with no viable alternative"
        if node_id in self.excluded and self.unavailable(node_id):
            return "the scenario excludes"
        if self.unavailable(node_id):
            return "cannot be brought in without what the scenario excludes"
        if node_id in self.pending:
            return "cannot be brought in, as what it needs breaks and cannot be restored"
        if node_id not in self.times.fail:
            return "cannot be brought in without what the scenario excludes"
        return "breaks and cannot be restored"


def _readiness_level(value: object) -> int:
    return Readiness(str(value)).level if value is not None else -1


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class Choices:
    """Replacements for withdrawn components, and for broken components in use that only
    their own alternatives can restore (``replaced``: e.g. office apps whose licence
    service is withdrawn with nothing to take its place)."""

    replacements: dict[NodeId, Replacement]
    replaced: frozenset[NodeId]
    restorability: Restorability


class Assessor:
    """Chooses alternatives for withdrawals over one region, under one set of preferences.

    What does not depend on the withdrawal is read once and kept for the next: each
    component's offers and the capabilities its dependents use, what each node realises
    and needs, and the assessment of each candidate when it is viable. The register asks
    for every component of an estate in turn, the explorer for every choice it offers
    (``exitplan.simulate.Shared``); a simulation alone asks once."""

    def __init__(
        self,
        backend: GraphBackend,
        region: DependencyRegion,
        preferences: Preferences,
        *,
        acyclic: bool = False,
    ) -> None:
        self.backend = backend
        self.region = region
        self.preferences = preferences
        self.acyclic = acyclic
        """The caller knows that the hard dependencies, redundant groups included, form
        no cycle in the region (see ``_surely_restorable``)."""
        self.needs = HardNeeds(region)
        self._offers: dict[NodeId, list[GraphEdge]] = {}
        self._nodes: dict[NodeId, GraphNode] = {}
        self._realised: dict[NodeId, dict[str, str]] = {}
        self._uses: dict[NodeId, Used] = {}
        self._capabilities: Mapping[str, str] | None = None  # every name, told apart
        self._viable: dict[tuple[NodeId, NodeId], CandidateAssessment] = {}

    def _read_offers(self, incumbents: list[NodeId]) -> None:
        """The offers for incumbents not yet read, and their candidates: one query and a
        node look-up however many there are."""
        new = [i for i in incumbents if i not in self._offers]
        if not new:
            return
        offers = self.backend.edges_touching(new, Direction.IN, [Rel.ALTERNATIVE_FOR])
        for incumbent in new:
            self._offers[incumbent] = []
        for offer in offers:
            self._offers[offer.target].append(offer)
        candidates = {offer.source for offer in offers if offer.source not in self._nodes}
        self._nodes.update(self.backend.nodes_by_id(candidates))

    def read_ahead(self, incumbents: list[NodeId]) -> None:
        """Read at once what many choices will ask of these incumbents (the register's one
        withdrawal per component): on a database, three queries rather than three each."""
        self._read(incumbents)

    def _read(self, incumbents: list[NodeId]) -> None:
        """Offers, candidates and what they realise, for incumbents not yet read."""
        self._read_offers(incumbents)
        candidates = sorted({o.source for i in incumbents for o in self._offers[i]})
        unread = [n for n in (*incumbents, *candidates) if n not in self._realised]
        for node_id in unread:
            self._realised[node_id] = {}
        for edge in self.backend.edges_touching(unread, Direction.OUT, [Rel.REALISES]):
            self._realised[edge.source][edge.target] = str(edge.properties.get("coverage", "full"))

    def _capability_names(self) -> Mapping[str, str]:
        """Every capability's name, read at once when first asked (an estate has tens of
        them, not thousands), and told apart across the estate: a name two share reads
        with its id wherever either is said."""
        if self._capabilities is None:
            every = self.backend.nodes(Label.CAPABILITY)
            self._capabilities = told_apart({node.id: node.name for node in every})
        return self._capabilities

    def _uses_of(self, incumbent: NodeId) -> Used:
        uses = self._uses.get(incumbent)
        if uses is None:
            ids = _capabilities_used(self.region, incumbent, self._realised[incumbent])
            uses = self._uses[incumbent] = Used.of(ids, self._capability_names())
        return uses

    def _assess(
        self, offer: GraphEdge, uses: Used, times: Affects, restorability: Restorability
    ) -> CandidateAssessment:
        key = (offer.target, offer.source)
        viable = self._viable.get(key)
        if viable is None:
            viable = self._viable[key] = _assess(
                offer,
                node=self._nodes[offer.source],
                uses=uses,
                realised=self._realised,
                preferences=self.preferences,
            )
        reason = _unviable(offer.source, times, restorability, self.preferences)
        if reason is None:
            return viable
        held = restorability.held_back_by(offer.source) if reason.startswith("needs") else ()
        return replace(viable, viable=False, reason=reason, held_back_by=held)

    def without_offers(self, incumbent: NodeId) -> Replacement:
        """The replacement of a component that no candidate is offered for: missing."""
        self._read([incumbent])
        node = self.region.node(incumbent)
        return _choose(node, [], self._uses_of(incumbent), self.preferences)

    def _surely_restorable(self, times: Affects) -> bool:
        """Whether every node is restorable, known without the fixed point.

        It is when the hard dependencies form no cycle and every withdrawn node has a
        candidate that nothing withdrawn reaches (and the scenario does not exclude):
        each withdrawn node is then restored by it, and every broken node after it, in
        the order of the hard dependencies, since all it needs hard is restorable. Only
        the withdrawn components then need a replacement; nothing broken is restored by
        its own alternative. (With a cycle through a redundant group, nodes on it can
        stay unrestorable each for want of the other, so the fixed point must decide.)"""
        if not self.acyclic:
            return False
        withdrawn = sorted(times.withdrawn)
        self._read(withdrawn)
        if self.preferences.exclude:
            return False  # what an exclusion keeps out of reach is for the fixed point
        return all(
            any(offer.source not in times.fail for offer in self._offers[node_id])
            for node_id in withdrawn
        )

    def out_of_reach(
        self, candidates: Set[NodeId], times: Affects
    ) -> tuple[frozenset[NodeId], dict[NodeId, Needs]]:
        """What the scenario's exclusions keep out of reach: the excluded candidates not in
        use, and each node not in use (a candidate to bring in) that needs hard what is out
        of reach (of a redundant group, every member). Collabora Online needs Nextcloud: with
        Nextcloud excluded it cannot be brought in either. Read from the backend (a node
        not in use is outside the region of a withdrawal), for the candidates and what they
        need only, and only when the scenario excludes something; the least fixed point."""
        excluded = self.preferences.exclude
        if not excluded:
            return frozenset(), {}
        # An excluded component in use still runs (a candidate that what is in use needs
        # too): only one nobody runs is kept out of reach. A withdrawn one is for the fixed
        # point: replaced, what it needs no longer matters.
        named = self.backend.nodes_by_id(sorted(excluded))
        running = in_use_among(self.backend, named.values())
        gone = [n for n in named if n not in running and n not in times.withdrawn]
        needs: dict[NodeId, list[DependsOn]] = {}
        seen = set(candidates) | excluded
        frontier = sorted(set(candidates) - excluded)
        while frontier:
            running = in_use_among(self.backend, self.backend.nodes_by_id(frontier).values())
            walked = [n for n in frontier if n not in running and n not in times.withdrawn]
            for node_id in walked:
                needs[node_id] = []
            for edge in self.backend.edges_touching(walked, Direction.OUT, [Rel.DEPENDS_ON]):
                dependency = DependsOn.of(edge)
                if dependency.hard:
                    needs[dependency.source].append(dependency)
            found = {d.target for node_id in walked for d in needs[node_id]} - seen
            seen |= found
            frontier = sorted(found)
        needed_by: dict[NodeId, list[NodeId]] = defaultdict(list)
        for node_id, listed in needs.items():
            for dependency in listed:
                needed_by[dependency.target].append(node_id)
        out = set(gone)
        queue = sorted(gone)
        while queue:
            for node_id in needed_by.get(queue.pop(), ()):
                if node_id not in out and _needs_what_is_out(needs[node_id], out):
                    out.add(node_id)
                    queue.append(node_id)
        return frozenset(out), {node_id: as_needs(listed) for node_id, listed in needs.items()}

    def choose(self, times: Affects, *, offered: Set[NodeId] | None = None) -> Choices:
        """Rank the candidates of every withdrawn component and choose one for each; do
        the same for broken components in use that their dependencies cannot restore.

        A broken component that no candidate is offered for has nothing to choose, so
        only its offers are read (none); ``offered``, when the caller knows every
        component that has a candidate, saves even that."""
        region = self.region
        everything = self._surely_restorable(times)
        incumbents = sorted(
            node_id
            for node_id in (times.withdrawn if everything else times.fail)
            if (offered is None or node_id in offered or node_id in times.withdrawn)
            and region.node(node_id).label is Label.COMPONENT
            and (node_id in times.withdrawn or region.in_use(node_id))
        )
        self._read_offers(incumbents)
        incumbents = [i for i in incumbents if self._offers[i] or i in times.withdrawn]
        self._read(incumbents)
        candidates = {
            i: [offer.source for offer in self._offers[i]] for i in incumbents if self._offers[i]
        }
        out_of_reach, read_needs = self.out_of_reach(
            {c for options in candidates.values() for c in options}, times
        )
        restorability = Restorability(
            region,
            times,
            candidates,
            self.preferences.exclude,
            self.needs,
            everything=everything,
            out_of_reach=out_of_reach,
            read_needs=read_needs,
        )
        replacements: dict[NodeId, Replacement] = {}
        replaced: set[NodeId] = set()
        for incumbent in incumbents:
            withdrawn = incumbent in times.withdrawn
            if not withdrawn and (
                incumbent not in candidates or restorability.by_dependencies(incumbent)
            ):
                continue
            uses = self._uses_of(incumbent)
            assessed = [
                self._assess(offer, uses, times, restorability) for offer in self._offers[incumbent]
            ]
            assessed.sort(key=_rank)
            replacement = _choose(region.node(incumbent), assessed, uses, self.preferences)
            if withdrawn:
                replacements[incumbent] = replacement
            elif replacement.chosen is not None:
                replacements[incumbent] = replacement
                replaced.add(incumbent)
        return Choices(replacements, frozenset(replaced), restorability)


def as_needs(hard: list[DependsOn]) -> Needs:
    """Hard dependencies as ``HardNeeds`` gives them: targets outside any group, and each
    group's members."""
    groups: dict[str, list[NodeId]] = defaultdict(list)
    for dependency in hard:
        if dependency.group is not None:
            groups[dependency.group].append(dependency.target)
    singles = tuple(d.target for d in hard if d.group is None)
    return singles, {group: tuple(members) for group, members in groups.items()}


def _needs_what_is_out(needs: list[DependsOn], out: Set[NodeId]) -> bool:
    """Whether hard ``needs`` cannot be met without what is ``out``: a need outside any
    group that is out, or a group all of whose members are."""
    groups: dict[str, list[NodeId]] = defaultdict(list)
    for dependency in needs:
        if dependency.group is None:
            if dependency.target in out:
                return True
        else:
            groups[dependency.group].append(dependency.target)
    return any(all(member in out for member in members) for members in groups.values())


def _capabilities_used(
    region: DependencyRegion, incumbent: NodeId, offered: Mapping[str, str]
) -> tuple[str, ...]:
    """What the dependents in use take from a component: the capabilities named on their
    dependency edges, or where an edge names none, everything the component realises."""
    used: set[str] = set()
    for edge in region.dependents(incumbent):
        if not region.in_use(edge.source):
            continue
        used.update(edge.capabilities or offered)
    return tuple(sorted(used or offered))


def _assess(
    offer: GraphEdge,
    *,
    node: GraphNode,
    uses: Used,
    realised: Mapping[NodeId, Mapping[str, str]],
    preferences: Preferences,
) -> CandidateAssessment:
    """A candidate as it is when viable: what the withdrawal decides is added after."""
    candidate = offer.source
    properties = offer.properties
    covers_given = properties.get("covers")
    if isinstance(covers_given, tuple):
        covered = {str(c): "full" for c in covers_given}
    else:
        covered = dict(realised.get(candidate, {}))
    gaps = [
        ended(f"Does not cover {uses.names[capability]}")
        if capability not in covered
        else f"Covers {uses.names[capability]} only in part."
        for capability in uses.by_name
        if covered.get(capability) != "full"
    ]
    gaps.extend(str(gap) for gap in properties.get("gaps", ()))  # type: ignore[union-attr]
    return CandidateAssessment(
        candidate=candidate,
        name=node.name,
        readiness=str(properties.get("readiness", "R0")),
        viable=True,
        reason=None,
        gaps=tuple(gaps),
        effort_weeks=_number(properties.get("effort_weeks")),
        duration_weeks=_number(properties.get("duration_weeks")),
        cost_per_year=_number(properties.get("cost_per_year")),
        preferred=preferences.prefer.get(offer.target) == candidate,
        migration_cost=_number(properties.get("migration_cost")),
        parallel_months=_whole(properties.get("parallel_months")),
    )


def _unviable(
    candidate: NodeId, times: Affects, restorability: Restorability, preferences: Preferences
) -> str | None:
    """Why a candidate cannot be chosen in this withdrawal; ``None`` when it can."""
    if candidate in times.withdrawn:
        return "withdrawn by this scenario too"
    if candidate in preferences.exclude:
        return "excluded by the scenario"
    if not restorability.restorable(candidate):
        return restorability.blocker(candidate)
    return None


def _rank(assessment: CandidateAssessment) -> tuple[bool, int, int, float, str]:
    """Viable first, then fewer gaps, higher readiness, lower effort, then id."""
    effort = assessment.effort_weeks if assessment.effort_weeks is not None else math.inf
    return (
        not assessment.viable,
        len(assessment.gaps),
        -_readiness_level(assessment.readiness),
        effort,
        assessment.candidate,
    )


def _choose(
    incumbent: GraphNode,
    assessed: list[CandidateAssessment],
    uses: Used,
    preferences: Preferences,
) -> Replacement:
    viable = [a for a in assessed if a.viable]
    chosen = viable[0] if viable else None
    note = None
    preferred = preferences.prefer.get(incumbent.id)
    if preferred is not None:
        match = next((a for a in assessed if a.candidate == preferred), None)
        if match is None:
            note = f"the preferred {preferred} is not listed as an alternative"
        elif match.viable:
            chosen = match
        else:  # by its name, and its id too where another candidate has that name
            named = told_apart({a.candidate: a.name for a in assessed})[match.candidate]
            note = f"the preferred {named} is not viable: {match.reason}"
    if chosen is None:
        status = Status.MISSING
    elif chosen.gaps:
        status = Status.PARTIAL
    else:
        status = Status.OK
    return Replacement(
        incumbent.id, incumbent.name, status, chosen, tuple(assessed), uses.ids, note, uses.named()
    )


def needed_components(region: DependencyRegion, times: Affects, choices: Choices) -> set[NodeId]:
    """The components the plan must replace.

    A withdrawn component is needed when something that stays in use depends on it (a
    node in use, neither withdrawn nor itself replaced), or a chosen candidate does,
    directly or through broken nodes it relies on. A broken component that is replaced by
    its own alternative is needed as well.
    """
    replacements = choices.replacements
    restorability = choices.restorability
    pending = restorability.pending
    needed: set[NodeId] = set(choices.replaced)
    queue: list[NodeId] = sorted(choices.replaced)
    for incumbent in sorted(replacements):
        if incumbent in needed:
            continue
        if any(
            edge.source not in times.withdrawn
            and edge.source not in choices.replaced
            and region.in_use(edge.source)
            for edge in region.dependents(incumbent)
        ):
            needed.add(incumbent)
            queue.append(incumbent)
    while queue:
        chosen = replacements[queue.pop()].chosen
        if chosen is None or (
            chosen.candidate not in times.degrade and chosen.candidate not in pending
        ):
            continue  # no candidate, or one that nothing withdrawn reaches
        seen = {chosen.candidate}
        frontier = [chosen.candidate]
        while frontier:
            current = frontier.pop()
            for target in _relied_on(region, times, restorability, current):
                if target in seen:
                    continue
                seen.add(target)
                if target in replacements:
                    if target not in needed:
                        needed.add(target)
                        queue.append(target)
                elif (
                    target in times.degrade and target not in times.withdrawn
                ) or target in pending:
                    frontier.append(target)
    return needed


def met_without(members: Sequence[NodeId], restorable: Callable[[NodeId], bool]) -> list[NodeId]:
    """The members a need through a redundant group is met without: those that cannot be
    restored, when another member can (else none). A step does not wait for the
    replacement of such a member (``plan._precedence``); it is still needed, as a
    withdrawn member of a group is, to restore the redundancy."""
    restored = [restorable(m) for m in members]
    return [m for m, ok in zip(members, restored, strict=True) if not ok] if any(restored) else []


def _relied_on(
    region: DependencyRegion, times: Affects, restorability: Restorability, node_id: NodeId
) -> list[NodeId]:
    """What a node relies on, for ``needed_components``: every dependency from the region;
    for a pending node, its hard needs as read for the exclusions, and its dependencies
    from the region where the withdrawal reaches it (a soft need of something withdrawn)."""
    reached = (
        [edge.target for edge in region.dependencies(node_id)] if node_id in times.degrade else []
    )
    if node_id in restorability.pending:
        singles, groups = restorability.needs_of(node_id)
        return [*singles, *(m for members in groups.values() for m in members), *reached]
    return reached
