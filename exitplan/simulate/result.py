"""What a simulation returns: plain values that the renderers format (DESIGN.md §6)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from exitplan.model import NodeId
from exitplan.simulate.schedule import Capacity

Progress = Callable[[int, int], None]
"""For long work, told after each step how many are done and how many there are (the
command line draws it as a bar)."""


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
    def users_recorded(self) -> int | None:
        """``users``, or ``None`` where no organisation is recorded as using the service
        (0 would say that nobody does)."""
        return self.users if self.consumers else None

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
    migration_cost: float | None = None
    parallel_months: int | None = None
    held_back_by: tuple[NodeId, ...] = ()
    """The withdrawn components with no viable alternative that keep it from being viable
    (``Restorability.held_back_by``)."""


@dataclass(frozen=True)
class HeldBack:
    """A withdrawn component with no viable alternative that nothing staying in use needs
    (so no step replaces it), yet that the candidates for components with none need: an
    alternative to it would let them be chosen (baramundi needs SQL Server)."""

    id: NodeId
    name: str
    holds_back: tuple[NodeId, ...]
    """The components without a viable alternative whose candidates need it."""


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
    uses_named: tuple[str, ...] = ()
    """The capabilities of ``uses`` by name, in the order of their names (two of one name
    in the estate each with its id; the id where none is recorded)."""


class StepKind(StrEnum):
    EXPORT = "export"
    REPLACE = "replace"


@dataclass(frozen=True)
class Move:
    replaces: NodeId
    candidate: NodeId | None


class DeadlineFrom(StrEnum):
    """Where a step's deadline comes from."""

    BREAKS = "breaks"
    """A cut-off: the day the first thing in use breaks without the step."""
    DEGRADES = "degrades"
    """A cut-off in which nothing in use breaks by a known day without the step: the day
    the first thing degrades."""
    CONTRACT = "contract"
    """A chosen exit: the end of the contract the replaced component runs under."""
    NO_CONTRACT = "no-contract"
    """A chosen exit, and no contract date is recorded for what the step replaces."""
    AT_RENEWAL = "at-renewal"
    """A cut-off in which nothing in use breaks or degrades by a known day without the
    step, and something does at a renewal whose date is unknown: no day to give, but not
    none (DESIGN.md: "never silently infinite")."""


@dataclass(frozen=True)
class ContractTerm:
    """The contract that gives a step of a chosen exit its deadline: the replaced
    component's own, else that of the withdrawn component it needs for its licence or
    service (such as a Microsoft 365 subscription)."""

    component: NodeId
    name: str
    end: date
    """The end the exit is due by: the recorded end, or the renewal after it when notice
    for that end could no longer be given by day 0."""
    notice_by: date | None
    """The last day to give notice (``None``: no notice period recorded)."""
    renewals: int
    """How many renewal terms after the recorded end ``end`` lies."""
    termination_fee: float | None
    renewal_months: int | None = None
    """The term the contract renews for (``None``: not recorded)."""


@dataclass(frozen=True, order=True)
class Prerequisite:
    """A hard need of a step's candidate that is not run today and that no step brings
    in: the nodes any one of which would meet it (a redundant group; most needs have
    one), and what needs it (the candidate, or ``through`` what the candidate needs)."""

    options: tuple[NodeId, ...]
    names: tuple[str, ...]
    candidate: NodeId
    through: tuple[NodeId, ...] = ()
    """Empty when the candidate needs it itself; else the node, not run today either,
    that needs it (the first found, nearest the candidate)."""

    @property
    def options_text(self) -> str:
        """The options by id, as a cell writes them: ``d1 or d2``."""
        return " or ".join(self.options)


@dataclass(frozen=True, order=True)
class EarlierNeed:
    """What a step's candidate needs (itself, or through what it needs that nobody runs
    today) that an earlier step moves: the withdrawn component that step replaces, or the
    candidate it brings in. The candidate is chosen on that condition: Seclore needs Entra
    ID, which the step before it replaces with Univention Nubus."""

    candidate: NodeId
    node: NodeId
    step: str
    """The earlier step's id."""


CANNOT_BE_MADE = "cannot be made: the vendor is gone by then"
"""What every output says of a step that ``cannot_be_made``."""
TOO_LATE_FOR_NEXT = "the steps after it miss their deadlines however soon it finishes"
"""What every output says of a step that is ``too_late_for_next``."""


@dataclass(frozen=True)
class Step:
    """One step of the migration plan: export data from, or replace, withdrawn components.

    Steps whose candidates depend on each other are merged into one (``moves`` lists
    them). ``deadline`` is the day (after day 0 of the withdrawal) the step is due by:
    in a cut-off the day the first thing in use breaks without it, in a chosen exit the
    end of its contract (``deadline_from`` says which). ``slack`` is the days between the
    planned finish and that deadline (negative: late). ``start_week``/``finish_week``
    count from the start of the work, ``start_day``/``finish_day`` from day 0.
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
    start_day: int | None = None
    finish_day: int | None = None
    deadline_from: DeadlineFrom = DeadlineFrom.BREAKS
    contract: ContractTerm | None = None
    """The contract the step is due by (the earliest, when steps were merged)."""
    contracts: tuple[ContractTerm, ...] = ()
    """Every contract its moves run under."""
    effort_weeks: float | None = None
    migration_cost: float | None = None
    """One-off cost of the move (``None``: unknown; an export step has none)."""
    parallel_cost: float | None = None
    """The replaced components' yearly cost for the months they run next to the new."""
    needs_brought_in: tuple[Prerequisite, ...] = ()
    """What the step's candidates need hard that nothing runs today and no step brings in.
    The plan holds no step, no effort and no cost for bringing them in."""
    needs_first: tuple[EarlierNeed, ...] = ()
    """What its candidates need that an earlier step replaces or brings in (``after``
    names those steps; this says which of their nodes, and for which candidate)."""
    due_for_next: int | None = None
    """The day it must finish by for the steps after it to meet their deadlines (each
    starting when it finishes), when that is earlier than its own deadline or it has none:
    the replacement of Entra ID has no contract date, yet the steps that wait for it are
    due when the Microsoft 365 subscription ends."""
    cannot_be_made: bool = False
    """An export of data only the vendor can export that falls on or after the day the
    vendor is gone (a cut-off that takes it away on day 0): keep a copy outside it."""

    @property
    def late(self) -> bool:
        """Scheduled to finish after its deadline (an export that cannot be made is not
        late: it cannot be made at all, ``cannot_be_made``)."""
        return (
            self.slack is not None
            and self.slack < 0
            and not self.blocked
            and not self.cannot_be_made
        )

    @property
    def holds_up(self) -> int | None:
        """The days it finishes after ``due_for_next`` (``None``: it does not hold up the
        steps after it, or they miss their deadlines however soon it finishes, as
        ``too_late_for_next`` says); at most its own duration."""
        if self.blocked or self.due_for_next is None or self.finish_day is None:
            return None
        if self.too_late_for_next:
            return None
        over = self.finish_day - self.due_for_next
        return over if over > 0 else None

    @property
    def too_late_for_next(self) -> bool:
        """The steps after it miss their deadlines however soon it finishes: they need it
        before it can start (what follows it takes longer than the time left)."""
        return (
            not self.blocked
            and self.due_for_next is not None
            and self.start_day is not None
            and self.due_for_next < self.start_day
        )

    @property
    def replaces(self) -> NodeId:
        return self.moves[0].replaces

    @property
    def candidate(self) -> NodeId | None:
        return self.moves[0].candidate


@dataclass(frozen=True)
class Costs:
    """What the exit costs, in the estate's currency. Every sum is of the figures
    recorded; what is not recorded is counted (or named), never taken as 0."""

    per_year_before: float = 0.0
    """The withdrawn components in use: what stops being paid."""
    per_year_before_unknown: int = 0
    per_year_after: float = 0.0
    """The chosen candidates: what starts being paid."""
    per_year_after_unknown: int = 0
    migration: float = 0.0
    parallel: float = 0.0
    termination: float = 0.0
    """The termination fees of the contracts the exit leaves (a chosen exit only)."""
    one_off_unknown: tuple[str, ...] = ()
    """Steps whose migration or parallel-running cost is not recorded (or blocked)."""
    termination_unknown: tuple[NodeId, ...] = ()
    """Contracts the exit leaves with no termination fee recorded."""

    @property
    def one_off(self) -> float:
        return self.migration + self.parallel + self.termination


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    waves: int
    critical_path_weeks: float
    """Weeks from the start of the work to the last finish, without a capacity limit."""
    critical_path: tuple[str, ...]
    effort_weeks: float
    cost_per_year: float
    finish_weeks: float | None = None
    """Weeks to the last finish within the scenario's capacity (without one: the
    critical path)."""
    capacity: Capacity | None = None
    work_starts_day: int = 0
    """The day (after day 0 of the withdrawal) the migration work begins."""
    finish_day: int | None = None
    """The day the last step that can be scheduled finishes, within the capacity."""
    finish_day_without_capacity: int | None = None
    costs: Costs = Costs()
    contracts: tuple[ContractTerm, ...] = ()
    """In a chosen exit, every contract a step is due by, and every contract of a
    withdrawn component in use (the exit leaves it, whether a step is due by it or not),
    the earliest end first."""

    @property
    def scheduled(self) -> bool:
        """Whether any step can be scheduled (is not blocked)."""
        return any(step.finish_week is not None for step in self.steps)

    @property
    def late(self) -> tuple[Step, ...]:
        """The steps scheduled to finish after their deadline."""
        return tuple(step for step in self.steps if step.late)

    @property
    def lateness_unknown(self) -> tuple[Step, ...]:
        """The steps whose finish cannot be set against their deadline, neither late nor
        on time but not known: due by a contract's end in an estate without a date (no day
        0), or due at a renewal of unknown date."""
        return tuple(
            step
            for step in self.steps
            if not step.blocked
            and (
                step.deadline_from is DeadlineFrom.AT_RENEWAL
                or (step.deadline_from is DeadlineFrom.CONTRACT and step.deadline is None)
            )
        )

    @property
    def holding_up(self) -> tuple[Step, ...]:
        """The steps that finish after the steps after them must start (``Step.holds_up``)."""
        return tuple(step for step in self.steps if step.holds_up is not None)

    @property
    def too_late_for_next(self) -> tuple[Step, ...]:
        """The steps whose later steps miss their deadlines however soon they finish."""
        return tuple(step for step in self.steps if step.too_late_for_next)

    @property
    def blocked(self) -> tuple[Step, ...]:
        """The steps that cannot be scheduled until an alternative is found; the plan's
        finish is that of the others."""
        return tuple(step for step in self.steps if step.blocked)

    @property
    def finish(self) -> float:
        return self.critical_path_weeks if self.finish_weeks is None else self.finish_weeks

    @property
    def duration_unknown(self) -> tuple[str, ...]:
        """The steps that can be scheduled and record no ``duration_weeks``: each is placed
        as taking no time, so the critical path and the finish are the least they can be."""
        return tuple(
            step.id
            for step in self.steps
            if step.kind is StepKind.REPLACE and not step.blocked and step.duration_weeks is None
        )

    @property
    def needs_not_in_plan(self) -> int:
        """How many needs of the chosen candidates no step brings in, each counted once
        however many candidates have it."""
        return len({n.options for step in self.steps for n in step.needs_brought_in})


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


LICENCE_UNRECORDED = "not recorded"


@dataclass(frozen=True)
class LicenceEnd:
    """A component of a withdrawn vendor that the organisation runs itself, which its
    licence keeps running for a while: until its subscription ends (then it is withdrawn),
    or, under a perpetual licence, without updates once its support ends (degraded)."""

    id: NodeId
    name: str
    licence: str
    """``subscription``, ``perpetual``, or ``LICENCE_UNRECORDED`` where the vendor is its
    licensor and no licence is recorded: it is taken as running on, and told so."""
    vendors: tuple[str, ...]
    """The names of the withdrawn vendors that hold the licence."""
    day: int | None
    """The day it stops (subscription) or degrades (perpetual); ``None`` when unknown."""
    end: date | None
    """The contract end (subscription) or the end of support (perpetual), as recorded."""
    grace_days: int | None = None
    """The licence-check grace after a subscription ends, when recorded."""
    passed: bool = False
    """``end`` lies before day 0: the effect is counted from day 0."""

    @property
    def effect(self) -> str | None:
        """``withdrawn`` when a subscription ends, ``degraded`` when a perpetual licence's
        support ends; ``None``: a perpetual licence with no end of support recorded, or
        no licence recorded, runs on, and is not counted as degraded."""
        if self.licence == "subscription":
            return "withdrawn"
        return "degraded" if self.end is not None else None


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
    held_back: tuple[HeldBack, ...] = ()
    later: tuple[NodeId, ...] = ()
    """In use, and withdrawn, broken or degraded only after the horizon (none without
    one): what a picture must not call a survivor."""

    def date_of(self, day: int | None) -> date | None:
        """The calendar date of a day after day 0 (``None``: undated)."""
        if day is None or self.start is None:
            return None
        try:
            return self.start + timedelta(days=day)
        except OverflowError:  # beyond the year 9999: no date to show
            return None

    @property
    def missing(self) -> tuple[Replacement, ...]:
        return tuple(r for r in self.replacements if r.status is Status.MISSING)

    @property
    def users_recorded(self) -> bool:
        """Some service that breaks records who uses it, or none breaks (then nobody loses
        one, whoever uses them): else ``users_broken`` is 0 for want of a count, and every
        output says "none recorded"."""
        broken = [s for s in self.services if s.state in (State.BROKEN, State.WITHDRAWN)]
        return not broken or any(s.consumers for s in broken)


@dataclass(frozen=True)
class Summary:
    """The headline figures of a simulation, as ``compare`` sets them side by side."""

    withdrawn: int
    """Components and services in use that are withdrawn (within the horizon); not the
    candidates of a withdrawn vendor, which were never in use."""
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
    finish_weeks: float = 0.0
    """Weeks from the start of the work to the last finish, within the capacity."""
    finish_date: str | None = None
    one_off_cost: float | None = 0.0
    """The recorded one-off costs (``one_off_cost_unknown`` steps have none recorded);
    ``None`` when none is recorded and some part is not, as the text says "unknown" (a
    cost not recorded is never told as 0)."""
    one_off_cost_unknown: int = 0
    """The steps with no one-off cost recorded."""
    termination_fee_unknown: int = 0
    """The contracts the exit leaves with no termination fee recorded."""
    needs_not_in_plan: int = 0
    """Needs of the chosen candidates that are not run today and that no step brings in
    (a redundant group counts once)."""
    cost_per_year_unknown: int = 0
    """The parts of ``cost_per_year`` not counted: replacements with no candidate chosen
    or none priced, and ``needs_not_in_plan``; "at least" when more than 0."""
    effort_unknown: int = 0
    """The steps whose effort ``effort_weeks`` does not count: the blocked ones, with
    nothing to move to yet, and those that record none; "at least" when more than 0."""
    users_recorded: bool = True
    """Some service that breaks records who uses it, or none breaks; else ``users_broken``
    is 0 because nothing is recorded, and is told as "none recorded", never as 0 people."""


def summarise(simulation: Simulation) -> Summary:
    services = simulation.services
    statuses = [r.status for r in simulation.replacements]
    return Summary(
        withdrawn=sum(a.state is State.WITHDRAWN for a in simulation.affected),
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
        finish_weeks=simulation.plan.finish,
        finish_date=finish.isoformat()
        if (finish := simulation.date_of(simulation.plan.finish_day))
        else None,
        one_off_cost=None
        if not (costs := simulation.plan.costs).one_off
        and (costs.one_off_unknown or costs.termination_unknown)
        else costs.one_off,
        one_off_cost_unknown=len(simulation.plan.costs.one_off_unknown),
        termination_fee_unknown=len(simulation.plan.costs.termination_unknown),
        needs_not_in_plan=simulation.plan.needs_not_in_plan,
        cost_per_year_unknown=sum(
            r.chosen is None or r.chosen.cost_per_year is None for r in simulation.replacements
        )
        + simulation.plan.needs_not_in_plan,
        effort_unknown=sum(
            step.kind is StepKind.REPLACE and step.effort_weeks is None
            for step in simulation.plan.steps
        ),
        users_recorded=simulation.users_recorded,
    )
