"""The withdrawal engine: what breaks and when, what can replace it, in what order we move.

``simulate`` ties the parts together: selectors resolve to what is withdrawn
(``exitplan.select``), ``propagate`` computes failure and degradation days over the
dependents only, ``alternatives`` finds which withdrawn components are needed and chooses
their replacements, ``plan`` orders the steps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from exitplan.graph.port import (
    DependencyRegion,
    Direction,
    GraphBackend,
    Label,
    Rel,
    in_use_among,
)
from exitplan.model import NodeId
from exitplan.select import LicenceEffect, Mode, Selector, Withdrawal, resolve
from exitplan.simulate.alternatives import (
    Assessor,
    Preferences,
    needed_components,
)
from exitplan.simulate.plan import Calendar, make_plan
from exitplan.simulate.propagate import NEVER, Times, is_dated, propagate
from exitplan.simulate.result import (
    LICENCE_UNRECORDED,
    Affected,
    Consumer,
    HeldBack,
    LicenceEnd,
    Plan,
    Replacement,
    ServiceImpact,
    Simulation,
    State,
    Status,
    people,
)
from exitplan.simulate.schedule import Capacity
from exitplan.simulate.why import Chain, chains

UNRECORDED = LicenceEffect.UNRECORDED


@dataclass(frozen=True)
class Options:
    """How to run a simulation; a scenario file sets the same things."""

    mode: Mode = Mode.CUT_OFF
    horizon: int | None = None
    start: date | None = None  # default: the estate's as-of date
    prefer: Mapping[NodeId, NodeId] = field(default_factory=dict)
    exclude_candidates: frozenset[NodeId] = frozenset()
    scenario_id: str | None = None
    scenario_title: str | None = None
    work_starts: date | None = None
    """When the migration work begins (default: day 0 of the withdrawal)."""
    capacity: Capacity | None = None
    """How much of the work can run at once (default: no limit)."""
    detail: bool = True
    """False: no migration plan and no explanation chains (``because`` holds the node
    alone), for callers that need only states, users and alternatives, such as the
    register, which simulates every component once."""


def _day(value: float) -> int | None:
    return int(value) if is_dated(value) else None


def _affected(
    region: DependencyRegion,
    times: Times,
    horizon: int | None,
    *,
    chains: bool = True,
    services_only: bool = False,
) -> list[Affected]:
    """Every node in use that is withdrawn, broken or degraded within the horizon, by id
    (``services_only``: the services alone); one withdrawn after the horizon (at its
    subscription's end) is degraded within it if what it needs degrades it by then.
    Effects at a renewal of unknown date are always kept (as broken or degraded with no
    day), never silently dropped."""
    fail, degrade, withdrawn = times.fail, times.degrade, times.withdrawn
    in_use, node_of, chain = region.in_use, region.node, times.chain
    service = Label.SERVICE

    def within(day: float) -> bool:  # by the horizon, or at a renewal of unknown date
        return horizon is None or day <= horizon or not is_dated(day)

    found = []
    for node_id in sorted(degrade):
        if not in_use(node_id) or (services_only and node_of(node_id).label is not service):
            continue
        fails, degrades = fail.get(node_id, NEVER), degrade[node_id]
        if node_id in withdrawn and within(fails):  # on day 0, or at a subscription's end
            state = State.WITHDRAWN
        elif fails != NEVER and within(fails):
            state = State.BROKEN
        elif degrades != NEVER and within(degrades):
            state = State.DEGRADED
        else:
            continue
        if not within(fails):  # the report ends at the horizon
            fails = NEVER
        if not within(degrades):
            degrades = NEVER
        broken = state is not State.DEGRADED
        node = node_of(node_id)
        found.append(
            Affected(
                id=node_id,
                kind=node.label.kind,
                name=node.name,
                state=state,
                fails_at=_day(fails),
                degrades_at=_day(degrades),
                because=chain(node_id, broken=broken) if chains else (node_id,),
                undated=not is_dated(fails if broken else degrades),
            )
        )
    return found


def _services(
    backend: GraphBackend, region: DependencyRegion, affected: Iterable[Affected]
) -> list[ServiceImpact]:
    services = [a for a in affected if a.kind == Label.SERVICE.kind]
    uses = backend.edges_touching([s.id for s in services], Direction.IN, [Rel.USES])
    organisations = backend.nodes_by_id({edge.source for edge in uses})
    consumers: dict[NodeId, list[Consumer]] = defaultdict(list)
    for edge in uses:
        consumers[edge.target].append(
            Consumer(
                edge.source,
                organisations[edge.source].name,
                int(edge.properties.get("users", 0)),  # type: ignore[arg-type]
                bool(edge.properties.get("assumed", False)),
            )
        )
    return [
        ServiceImpact(
            impact=s,
            criticality=str(region.node(s.id).properties.get("criticality", "medium")),
            users=sum(c.users for c in consumers[s.id]),
            consumers=tuple(sorted(consumers[s.id], key=lambda c: c.organisation)),
        )
        for s in services
    ]


def _users(services: Iterable[ServiceImpact], states: set[State]) -> int:
    """People who lose (or notice) a service in one of ``states``."""
    return people(
        (consumer.organisation, consumer.users)
        for service in services
        if service.state in states
        for consumer in service.consumers
    )


def simulate(
    backend: GraphBackend,
    selectors: Iterable[Selector | str],
    options: Options | None = None,
) -> Simulation:
    """Withdraw what ``selectors`` name and work out the consequences."""
    return _run(backend, selectors, options or Options())[0]


@dataclass(frozen=True)
class Timeline:
    """A simulation with every day it found: what each node that the withdrawal reaches
    and that is in use does, and when (for showing the answer at any day). Each node and
    the chain behind it are told by ``times`` (``Times.chain``): the simulation's affected
    rows are the services alone (for their users), each ``because`` the service alone."""

    simulation: Simulation
    times: Times
    in_use: frozenset[NodeId]


class Shared:
    """What simulations of one loaded estate under the same options can share: the reads
    of the alternatives that do not depend on the withdrawal (each component's offers, the
    capabilities its dependents use, each candidate's assessment when viable). For a caller
    that runs many withdrawals, such as the explorer; a backend that reads a new region for
    each withdrawal (Neo4j) shares nothing."""

    def __init__(self) -> None:
        self._assessor: Assessor | None = None
        self._sharing = True

    def assessor(
        self, backend: GraphBackend, region: DependencyRegion, preferences: Preferences
    ) -> Assessor:
        known = self._assessor
        if (
            known is not None
            and known.backend is backend
            and known.region is region
            and known.preferences == preferences
        ):
            return known
        made = Assessor(backend, region, preferences)
        # A second region or backend: these runs share nothing, and keeping the last
        # assessor would keep its region alive beside the next one.
        self._sharing = self._sharing and known is None
        self._assessor = made if self._sharing else None
        return made


def timeline(
    backend: GraphBackend,
    selectors: Iterable[Selector | str],
    options: Options | None = None,
    shared: Shared | None = None,
) -> Timeline:
    """``simulate``, keeping the failure and degradation days of every node it reached;
    with ``shared``, reusing what earlier runs read that the withdrawal does not change."""
    simulation, region, times = _run(
        backend, selectors, options or Options(), shared, with_chains=False
    )
    return Timeline(simulation, times, frozenset(n for n in times.degrade if region.in_use(n)))


@dataclass(frozen=True)
class Explanation:
    """Every chain by which a withdrawal reaches one node (``exitplan why``)."""

    simulation: Simulation
    node: NodeId
    chains: tuple[Chain, ...]
    truncated: bool


def explain(
    backend: GraphBackend,
    selectors: Iterable[Selector | str],
    node_id: NodeId,
    options: Options | None = None,
) -> Explanation:
    backend.node(node_id)  # an unknown node is an error, with a suggestion
    simulation, region, times = _run(backend, selectors, options or Options())
    found, truncated = chains(region, times, node_id)
    return Explanation(simulation, node_id, tuple(found), truncated)


def _run(
    backend: GraphBackend,
    selectors: Iterable[Selector | str],
    options: Options,
    shared: Shared | None = None,
    *,
    with_chains: bool = True,
) -> tuple[Simulation, DependencyRegion, Times]:
    withdrawal = resolve(backend, selectors, options.mode)
    info = backend.info
    start = options.start or info.as_of
    subscriptions = withdrawal.having(LicenceEffect.SUBSCRIPTION_ENDS)
    unsupported = withdrawal.having(LicenceEffect.SUPPORT_ENDS)
    region = backend.dependency_region([*withdrawal.withdrawn, *unsupported])
    times = propagate(
        region,
        withdrawal.withdrawn,
        start=start,
        subscriptions=subscriptions,
        unsupported=unsupported,
    )
    preferences = Preferences(dict(options.prefer), options.exclude_candidates)
    assessor = (shared or Shared()).assessor(backend, region, preferences)
    choices = assessor.choose(times)
    needed = needed_components(region, times, choices)
    calendar = Calendar(
        start=start,
        exit=withdrawal.mode is Mode.EXIT,
        work_starts=(options.work_starts - start).days if options.work_starts and start else 0,
        capacity=options.capacity,
    )
    plan = (
        make_plan(
            backend,
            region,
            times,
            choices.replacements,
            needed,
            calendar,
            excluded=preferences.exclude,
            restorable=choices.restorability.settled,
        )
        if options.detail
        else Plan((), 0, 0.0, (), 0.0, 0.0)
    )
    affected = _affected(
        region,
        times,
        options.horizon,
        chains=with_chains and options.detail,
        services_only=not with_chains,  # a timeline tells every other node by its days
    )
    services = _services(backend, region, affected)
    simulation = Simulation(
        estate=info.name,
        estate_title=info.title,
        as_of=info.as_of,
        start=start,
        currency=info.currency,
        selectors=tuple(str(s) for s in withdrawal.selectors),
        mode=withdrawal.mode.value,
        horizon=options.horizon,
        vendors=tuple(sorted(withdrawal.vendors)),
        withdrawn=tuple(sorted(withdrawal.withdrawn)),
        affected=tuple(affected),
        services=tuple(services),
        replacements=tuple(choices.replacements[c] for c in sorted(needed)),
        not_needed=tuple(sorted(set(choices.replacements) - needed)),
        plan=plan,
        users_broken=_users(services, {State.BROKEN, State.WITHDRAWN}),
        users_affected=_users(services, set(State)),
        scenario_id=options.scenario_id,
        scenario_title=options.scenario_title,
        licences=_licence_ends(backend, region, withdrawal, times, start),
        held_back=_held_back(region, [choices.replacements[c] for c in sorted(needed)]),
        later=_after_horizon(region, times, affected)
        if with_chains and options.horizon is not None
        else (),
    )
    return simulation, region, times


def _after_horizon(
    region: DependencyRegion, times: Times, affected: Iterable[Affected]
) -> tuple[NodeId, ...]:
    """The nodes in use that the withdrawal reaches but ``_affected`` left out: those
    withdrawn, broken or degraded after the horizon. O(region)."""
    told = {a.id for a in affected}
    return tuple(
        sorted(
            node_id
            for node_id, degrades in times.degrade.items()
            if node_id not in told
            and region.in_use(node_id)
            and (degrades != NEVER or times.fail.get(node_id, NEVER) != NEVER)
        )
    )


def _held_back(
    region: DependencyRegion, replacements: Iterable[Replacement]
) -> tuple[HeldBack, ...]:
    """The withdrawn components with no viable alternative, not replaced themselves, that
    the candidates for components with none need (by id)."""
    replaced: set[NodeId] = set()
    holding: dict[NodeId, list[NodeId]] = defaultdict(list)
    for replacement in replacements:
        replaced.add(replacement.replaces)
        if replacement.status is Status.MISSING:
            for candidate in replacement.candidates:
                for blocker in candidate.held_back_by:
                    holding[blocker].append(replacement.replaces)
    return tuple(
        HeldBack(node_id, region.node(node_id).name, tuple(sorted(set(holds))))
        for node_id, holds in sorted(holding.items())
        if node_id not in replaced
    )


def _licence_ends(
    backend: GraphBackend,
    region: DependencyRegion,
    withdrawal: Withdrawal,
    times: Times,
    start: date | None,
) -> tuple[LicenceEnd, ...]:
    """What the licences of the named vendors' self-run components make of the withdrawal
    (of those in use: a candidate's licence ends nothing that runs here)."""
    unrecorded = [  # told where nothing else reaches them: else they are among the affected
        n
        for n, (effect, _) in withdrawal.licences.items()
        if effect is UNRECORDED and times.fails_at(n) == NEVER and times.degrades_at(n) == NEVER
    ]
    outside = backend.nodes_by_id(unrecorded)  # none of them is withdrawn: not in the region
    running = in_use_among(backend, outside.values())
    licences = {
        n: held
        for n, held in withdrawal.licences.items()
        if (n in running if held[0] is UNRECORDED else region.in_use(n))
    }
    names = backend.nodes_by_id({v for _, vendors in licences.values() for v in vendors})
    ends = []
    for node_id, (effect, vendors) in licences.items():
        if effect is UNRECORDED:
            ends.append(
                LicenceEnd(
                    id=node_id,
                    name=outside[node_id].name,
                    licence=LICENCE_UNRECORDED,
                    vendors=tuple(names[v].name for v in vendors),
                    day=None,
                    end=None,
                )
            )
            continue
        node = region.node(node_id)
        subscription = effect is LicenceEffect.SUBSCRIPTION_ENDS
        end = node.properties.get("contract_end" if subscription else "support_end")
        grace = node.properties.get("licence_grace_days") if subscription else None
        ends.append(
            LicenceEnd(
                id=node_id,
                name=node.name,
                licence="subscription" if subscription else "perpetual",
                vendors=tuple(names[v].name for v in vendors),
                day=_day(times.ends[node_id]),
                end=date.fromisoformat(end) if isinstance(end, str) else None,
                grace_days=grace if isinstance(grace, int) else None,
                passed=isinstance(end, str) and start is not None and end < start.isoformat(),
            )
        )
    return tuple(ends)


__all__ = ["Explanation", "Options", "Shared", "Timeline", "explain", "simulate", "timeline"]
