"""Which withdrawn components must be replaced, and by what (DESIGN.md §4, Alternatives).

A node is *restorable* when it is unaffected, or withdrawn with a viable candidate, or
broken only through hard dependencies that are all restorable (a redundant group needs one
restorable member). A candidate is *viable* when it is not withdrawn itself and is
restorable. This is a least fixed point: everything starts unproven and is proven when its
conditions hold, so a cycle of unresolved needs is never viable. It is computed with a
worklist in time linear in the affected region.

Example: the scenario withdraws ``entra-id`` and ``intune``. ``fleet`` (a candidate for
``intune``) needs ``entra-id`` for sign-in, so ``fleet`` is viable only if ``entra-id``
has a viable candidate, say ``keycloak``; then the plan replaces ``entra-id`` first.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from exitplan.graph.port import (
    DependencyRegion,
    Direction,
    GraphBackend,
    GraphEdge,
    GraphNode,
    Label,
    Rel,
)
from exitplan.model import NodeId, Readiness
from exitplan.simulate.propagate import Times
from exitplan.simulate.result import CandidateAssessment, Replacement, Status


@dataclass(frozen=True)
class Preferences:
    """A scenario's say in the choice: preferred candidates and excluded ones."""

    prefer: Mapping[NodeId, NodeId] = field(default_factory=dict)
    exclude: frozenset[NodeId] = frozenset()


class Restorability:
    """The least fixed point of "restorable" (see module doc), computed over the part of
    the affected region that a candidate's viability can depend on: the candidates, the
    broken nodes their hard needs lead to, and the candidates of withdrawn ones among
    those. Outside that part nothing asks, so nothing is computed.
    """

    def __init__(
        self,
        region: DependencyRegion,
        times: Times,
        candidates: Mapping[NodeId, list[NodeId]],
        excluded: frozenset[NodeId],
    ) -> None:
        self.times = times
        self.region = region
        self.proven: set[NodeId] = set()
        self._waiting: dict[NodeId, int] = {}
        self._watchers: dict[NodeId, list[tuple[NodeId, str | None]]] = defaultdict(list)
        self._replaces: dict[NodeId, list[NodeId]] = defaultdict(list)
        self._groups_met: set[tuple[NodeId, str]] = set()
        ready: list[NodeId] = []
        for node_id in sorted(self._cone(candidates)):
            if node_id in times.withdrawn or node_id not in times.fail:
                continue
            waiting = self._watch_dependencies(node_id)
            self._waiting[node_id] = waiting
            if waiting == 0:
                ready.append(node_id)
        for incumbent, options in sorted(candidates.items()):
            for candidate in options:
                if candidate in times.withdrawn or candidate in excluded:
                    continue
                self._replaces[candidate].append(incumbent)
                if candidate not in times.fail:  # unaffected: viable at once
                    ready.append(incumbent)
        self._prove(ready)

    def _cone(self, candidates: Mapping[NodeId, list[NodeId]]) -> set[NodeId]:
        """Every node whose restorability a candidate's viability may need."""
        stack = [c for options in candidates.values() for c in options]
        stack += [n for n in candidates if n not in self.times.withdrawn]
        cone: set[NodeId] = set()
        while stack:
            node_id = stack.pop()
            if node_id in cone:
                continue
            cone.add(node_id)
            if node_id in self.times.fail:
                stack.extend(
                    edge.target
                    for edge in self.region.dependencies(node_id)
                    if edge.hard and edge.target in self.times.fail
                )
            stack.extend(candidates.get(node_id, ()))
        return cone

    def _watch_dependencies(self, node_id: NodeId) -> int:
        """Register what a broken node waits for; return how many requirements are open."""
        singles: list[NodeId] = []
        groups: dict[str, list[NodeId]] = defaultdict(list)
        for edge in self.region.dependencies(node_id):
            if edge.hard:
                if edge.group is None:
                    singles.append(edge.target)
                else:
                    groups[edge.group].append(edge.target)
        waiting = 0
        for target in singles:
            if target in self.times.fail:
                self._watchers[target].append((node_id, None))
                waiting += 1
        for group, members in groups.items():
            if all(member in self.times.fail for member in members):
                for member in members:
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

    def restorable(self, node_id: NodeId) -> bool:
        return node_id not in self.times.fail or node_id in self.proven

    def _hard_needs(self, node_id: NodeId) -> tuple[list[NodeId], dict[str, list[NodeId]]]:
        singles: list[NodeId] = []
        groups: dict[str, list[NodeId]] = defaultdict(list)
        for edge in self.region.dependencies(node_id):
            if edge.hard and edge.group is None:
                singles.append(edge.target)
            elif edge.hard and edge.group is not None:
                groups[edge.group].append(edge.target)
        return singles, groups

    def by_dependencies(self, node_id: NodeId) -> bool:
        """Would restoring what the node needs restore the node (without replacing it)?"""
        singles, groups = self._hard_needs(node_id)
        return all(self.restorable(t) for t in singles) and all(
            any(self.restorable(m) for m in members) for members in groups.values()
        )

    def blocker(self, node_id: NodeId) -> str:
        """Why a node cannot be restored, in a phrase: its first unrestorable need."""
        singles, groups = self._hard_needs(node_id)
        for target in singles:
            if not self.restorable(target):
                return f"needs {target}, which {self._state(target)}"
        for members in groups.values():
            if not any(self.restorable(m) for m in members):
                return f"needs one of {', '.join(members)}; none can be restored"
        return "its needs cannot be restored"

    def _state(self, node_id: NodeId) -> str:
        if node_id in self.times.withdrawn:
            return "is withdrawn with no viable alternative"
        return "breaks and cannot be restored"


def _readiness_level(value: object) -> int:
    return Readiness(str(value)).level if value is not None else -1


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _capabilities(edges: Iterable[GraphEdge]) -> dict[NodeId, dict[str, str]]:
    realised: dict[NodeId, dict[str, str]] = defaultdict(dict)
    for edge in edges:
        realised[edge.source][edge.target] = str(edge.properties.get("coverage", "full"))
    return realised


@dataclass(frozen=True)
class Choices:
    """Replacements for withdrawn components, and for broken components in use that only
    their own alternatives can restore (``replaced``: e.g. office apps whose licence
    service is withdrawn with nothing to take its place)."""

    replacements: dict[NodeId, Replacement]
    replaced: frozenset[NodeId]
    restorability: Restorability


def assess_alternatives(
    backend: GraphBackend,
    region: DependencyRegion,
    times: Times,
    preferences: Preferences,
) -> Choices:
    """Rank the candidates of every withdrawn component and choose one for each; do the
    same for broken components in use that their dependencies cannot restore."""
    incumbents = sorted(
        node_id
        for node_id in times.fail
        if region.node(node_id).label is Label.COMPONENT
        and (node_id in times.withdrawn or region.in_use(node_id))
    )
    offers = backend.edges_touching(incumbents, Direction.IN, [Rel.ALTERNATIVE_FOR])
    candidates: dict[NodeId, list[NodeId]] = defaultdict(list)
    offers_for: dict[NodeId, list[GraphEdge]] = defaultdict(list)
    for offer in offers:
        candidates[offer.target].append(offer.source)
        offers_for[offer.target].append(offer)
    restorability = Restorability(region, times, candidates, preferences.exclude)
    candidate_ids = {offer.source for offer in offers}
    nodes = backend.nodes_by_id(candidate_ids)
    realised = _capabilities(
        backend.edges_touching([*incumbents, *candidate_ids], Direction.OUT, [Rel.REALISES])
    )
    replacements: dict[NodeId, Replacement] = {}
    replaced: set[NodeId] = set()
    for incumbent in incumbents:
        withdrawn = incumbent in times.withdrawn
        if not withdrawn and (
            incumbent not in candidates or restorability.by_dependencies(incumbent)
        ):
            continue
        uses = _capabilities_used(region, incumbent, realised.get(incumbent, {}))
        assessed = [
            _assess(
                offer,
                node=nodes[offer.source],
                uses=uses,
                realised=realised,
                times=times,
                restorability=restorability,
                preferences=preferences,
            )
            for offer in offers_for[incumbent]
        ]
        assessed.sort(key=_rank)
        replacement = _choose(region.node(incumbent), assessed, uses, preferences)
        if withdrawn:
            replacements[incumbent] = replacement
        elif replacement.chosen is not None:
            replacements[incumbent] = replacement
            replaced.add(incumbent)
    return Choices(replacements, frozenset(replaced), restorability)


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
    uses: tuple[str, ...],
    realised: Mapping[NodeId, Mapping[str, str]],
    times: Times,
    restorability: Restorability,
    preferences: Preferences,
) -> CandidateAssessment:
    candidate = offer.source
    properties = offer.properties
    covers_given = properties.get("covers")
    if isinstance(covers_given, tuple):
        covered = {str(c): "full" for c in covers_given}
    else:
        covered = dict(realised.get(candidate, {}))
    gaps = [
        f"Does not cover {capability}."
        if capability not in covered
        else f"Covers {capability} only in part."
        for capability in uses
        if covered.get(capability) != "full"
    ]
    gaps.extend(str(gap) for gap in properties.get("gaps", ()))  # type: ignore[union-attr]
    reason: str | None = None
    if candidate in times.withdrawn:
        reason = "withdrawn by this scenario too"
    elif candidate in preferences.exclude:
        reason = "excluded by the scenario"
    elif not restorability.restorable(candidate):
        reason = restorability.blocker(candidate)
    return CandidateAssessment(
        candidate=candidate,
        name=node.name,
        readiness=str(properties.get("readiness", "R0")),
        viable=reason is None,
        reason=reason,
        gaps=tuple(gaps),
        effort_weeks=_number(properties.get("effort_weeks")),
        duration_weeks=_number(properties.get("duration_weeks")),
        cost_per_year=_number(properties.get("cost_per_year")),
        preferred=preferences.prefer.get(offer.target) == candidate,
    )


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
    uses: tuple[str, ...],
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
        else:
            note = f"the preferred {preferred} is not viable: {match.reason}"
    if chosen is None:
        status = Status.MISSING
    elif chosen.gaps:
        status = Status.PARTIAL
    else:
        status = Status.OK
    return Replacement(incumbent.id, incumbent.name, status, chosen, tuple(assessed), uses, note)


def needed_components(region: DependencyRegion, times: Times, choices: Choices) -> set[NodeId]:
    """The components the plan must replace.

    A withdrawn component is needed when something that stays in use depends on it (a
    node in use, neither withdrawn nor itself replaced), or a chosen candidate does,
    directly or through broken nodes it relies on. A broken component that is replaced by
    its own alternative is needed as well.
    """
    replacements = choices.replacements
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
        if chosen is None or chosen.candidate not in times.degrade:
            continue  # no candidate, or one that nothing withdrawn reaches
        seen = {chosen.candidate}
        frontier = [chosen.candidate]
        while frontier:
            current = frontier.pop()
            for edge in region.dependencies(current):
                target = edge.target
                if target in seen:
                    continue
                seen.add(target)
                if target in replacements:
                    if target not in needed:
                        needed.add(target)
                        queue.append(target)
                elif target in times.degrade and target not in times.withdrawn:
                    frontier.append(target)
    return needed
