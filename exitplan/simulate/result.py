"""What a simulation returns: plain values that the renderers format (DESIGN.md §6)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from exitplan.model import NodeId


class State(StrEnum):
    WITHDRAWN = "withdrawn"
    BROKEN = "broken"
    DEGRADED = "degraded"


class Status(StrEnum):
    """Can a needed withdrawn component be replaced?"""

    OK = "ok"  # by a viable candidate that covers everything used
    PARTIAL = "partial"  # by a viable candidate that leaves gaps
    MISSING = "missing"  # no viable candidate


def people(uses: Iterable[tuple[NodeId, int]]) -> int:
    """How many people ``(organisation, users)`` pairs of several services come to: per
    organisation the largest count, summed (one person uses many services)."""
    largest: dict[NodeId, int] = {}
    for organisation, users in uses:
        largest[organisation] = max(largest.get(organisation, 0), users)
    return sum(largest.values())


@dataclass(frozen=True)
class Affected:
    """A component or service in use that the withdrawal reaches.

    ``fails_at``/``degrades_at`` are days after the withdrawal, ``None`` when it never
    happens or when it happens at a renewal whose date is unknown (``undated``).
    ``because`` is the chain from this node down to a withdrawn one.
    """

    id: NodeId
    kind: str
    name: str
    state: State
    fails_at: int | None
    degrades_at: int | None
    because: tuple[NodeId, ...]
    undated: bool = False


@dataclass(frozen=True)
class Consumer:
    organisation: NodeId
    name: str
    users: int
    assumed: bool


@dataclass(frozen=True)
class ServiceImpact:
    """An affected service and the people who use it."""

    impact: Affected
    criticality: str
    users: int
    consumers: tuple[Consumer, ...]

    @property
    def id(self) -> NodeId:
        return self.impact.id

    @property
    def state(self) -> State:
        return self.impact.state


@dataclass(frozen=True)
class CandidateAssessment:
    """One candidate for one withdrawn component, as ranked."""

    candidate: NodeId
    name: str
    readiness: str
    viable: bool
    reason: str | None  # why it is not viable
    gaps: tuple[str, ...]
    effort_weeks: float | None
    duration_weeks: float | None
    cost_per_year: float | None
    preferred: bool = False


@dataclass(frozen=True)
class Replacement:
    """The alternatives of one needed withdrawn component and the one chosen."""

    replaces: NodeId
    name: str
    status: Status
    chosen: CandidateAssessment | None
    candidates: tuple[CandidateAssessment, ...]
    uses: tuple[str, ...]  # the capabilities its dependents use
    note: str | None = None


class StepKind(StrEnum):
    EXPORT = "export"
    REPLACE = "replace"


@dataclass(frozen=True)
class Move:
    replaces: NodeId
    candidate: NodeId | None


@dataclass(frozen=True)
class Step:
    """One step of the migration plan: export data from, or replace, withdrawn components.

    Steps whose candidates depend on each other are merged into one (``moves`` lists
    them). ``deadline`` is the day the first thing in use breaks without this step;
    ``slack`` the days between the planned finish and that deadline (negative: late).
    """

    id: str
    kind: StepKind
    moves: tuple[Move, ...]
    wave: int
    after: tuple[str, ...]
    duration_weeks: float | None
    start_week: float | None
    finish_week: float | None
    deadline: int | None
    slack: int | None
    blocked: bool
    blocked_by: tuple[NodeId, ...]

    @property
    def replaces(self) -> NodeId:
        return self.moves[0].replaces

    @property
    def candidate(self) -> NodeId | None:
        return self.moves[0].candidate


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    waves: int
    critical_path_weeks: float
    critical_path: tuple[str, ...]
    effort_weeks: float
    cost_per_year: float


@dataclass(frozen=True)
class FlowAtRisk:
    """A data flow a scenario's legal assumption makes unlawful."""

    flow: str
    name: str
    source: NodeId
    target: NodeId
    rule: str
    """``third-country-transfer`` (its basis was struck down) or ``foreign-disclosure``."""
    reason: str


@dataclass(frozen=True)
class Legal:
    """What a scenario's legal assumptions do: the transfer bases it strikes down, the
    flows that lose their footing, and the components withdrawn because of them."""

    invalidated: tuple[str, ...]
    flows: tuple[FlowAtRisk, ...]
    withdrawn: tuple[NodeId, ...]
    """Components withdrawn because unlawful flows reach them (empty unless asked)."""


@dataclass(frozen=True)
class LicenceEnd:
    """A component of a withdrawn vendor that the organisation runs itself, which its
    licence keeps running for a while: until its subscription ends (then it is withdrawn),
    or, under a perpetual licence, without updates once its support ends (degraded)."""

    id: NodeId
    name: str
    licence: str
    """``subscription`` or ``perpetual``."""
    vendors: tuple[str, ...]
    """The names of the withdrawn vendors that hold the licence."""
    day: int | None
    """The day it stops (subscription) or degrades (perpetual); ``None`` when unknown."""
    end: date | None
    """The contract end (subscription) or the end of support (perpetual), as recorded."""
    grace_days: int | None = None
    """The licence-check grace after a subscription ends, when recorded."""


@dataclass(frozen=True)
class Simulation:
    """The whole answer to "if we had to leave this vendor"."""

    estate: str
    estate_title: str | None
    as_of: date | None
    start: date | None
    currency: str
    selectors: tuple[str, ...]
    mode: str
    horizon: int | None
    vendors: tuple[NodeId, ...]
    withdrawn: tuple[NodeId, ...]
    affected: tuple[Affected, ...]
    services: tuple[ServiceImpact, ...]
    replacements: tuple[Replacement, ...]
    not_needed: tuple[NodeId, ...]  # withdrawn, but nothing that stays in use needs them
    plan: Plan
    users_broken: int
    users_affected: int
    scenario_id: str | None = None
    scenario_title: str | None = None
    legal: Legal | None = None
    licences: tuple[LicenceEnd, ...] = ()

    @property
    def missing(self) -> tuple[Replacement, ...]:
        return tuple(r for r in self.replacements if r.status is Status.MISSING)


@dataclass(frozen=True)
class Summary:
    """The headline figures of a simulation, as ``compare`` sets them side by side."""

    withdrawn: int
    services_broken: int
    services_degraded: int
    users_broken: int
    users_affected: int
    missing_alternatives: int
    partial_alternatives: int
    steps: int
    blocked_steps: int
    waves: int
    critical_path_weeks: float
    effort_weeks: float
    cost_per_year: float


def summarise(simulation: Simulation) -> Summary:
    services = simulation.services
    statuses = [r.status for r in simulation.replacements]
    return Summary(
        withdrawn=len(simulation.withdrawn),
        services_broken=sum(s.state in (State.BROKEN, State.WITHDRAWN) for s in services),
        services_degraded=sum(s.state is State.DEGRADED for s in services),
        users_broken=simulation.users_broken,
        users_affected=simulation.users_affected,
        missing_alternatives=statuses.count(Status.MISSING),
        partial_alternatives=statuses.count(Status.PARTIAL),
        steps=len(simulation.plan.steps),
        blocked_steps=sum(step.blocked for step in simulation.plan.steps),
        waves=simulation.plan.waves,
        critical_path_weeks=simulation.plan.critical_path_weeks,
        effort_weeks=simulation.plan.effort_weeks,
        cost_per_year=simulation.plan.cost_per_year,
    )
