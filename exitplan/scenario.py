"""Scenario files (DESIGN.md §5): a named withdrawal of one estate, run and compared.

A scenario file is YAML or JSON, read with the same safeguards and the same
``file:line: field: message`` problems as estate files::

    id: leave-microsoft
    title: Leave Microsoft entirely
    estate: ../graphs/gothenburg      # relative to the scenario file
    withdraw: [vendor:microsoft]
    mode: exit                         # or cut-off (the default)
    horizon_days: 730
    prefer: {entra-id: univention-nubus}
    exclude_candidates: [keycloak]

Legal assumptions (DESIGN.md §5) add to what is withdrawn::

    invalidate_transfer: [adequacy_dpf]  # these transfer bases are struck down ...
    withdraw_unlawful: true              # ... and what the unlawful flows reach is withdrawn
    withdraw_disclosure_risk: true       # no secret data within reach of foreign law
"""

from __future__ import annotations

import errno
import stat
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from exitplan.errors import (
    InvalidInputError,
    Problem,
    Suggestions,
    UsageError,
    did_you_mean,
    display_path,
    listed,
    os_reason,
    value_kind,
)
from exitplan.graph.port import GraphBackend, Label, Rel
from exitplan.loading import (
    Document,
    FieldPath,
    format_path,
    kind_of_file,
    read_one,
    validation_problems,
)
from exitplan.model.estate import FORMAT, SECTIONS, Days, FormatVersion, IsoDate, Strict, Text
from exitplan.model.ids import Id, NodeId
from exitplan.model.vocabulary import TransferBasis
from exitplan.select import Mode, NothingWithdrawnError, parse_selector, resolve
from exitplan.simulate import Options, simulate
from exitplan.simulate.policy import EstateView, flows_exposed, flows_losing_basis
from exitplan.simulate.result import Legal, Simulation
from exitplan.simulate.schedule import Capacity

NOT_A_TRANSFER = frozenset({TransferBasis.INTRA_EEA, TransferBasis.NOT_ASSESSED})
Strikable = Literal["adequacy_dpf", "adequacy", "scc", "bcr", "art49"]
STRIKABLE: tuple[str, ...] = get_args(Strikable)
"""The transfer bases a scenario can strike down: all but NOT_A_TRANSFER."""


def _strikable(value: Any) -> Any:
    """A basis that can be struck down, told at its own item (the list's problems were
    told at line 1, the first only, offering intra_eea and not_assessed, which it then
    refused)."""
    if value in STRIKABLE:
        return value
    use = listed(STRIKABLE, last="or")
    if value in NOT_A_TRANSFER:
        raise ValueError(f"{value} is not a transfer basis that can be struck down; use {use}")
    shown = repr(value) if isinstance(value, str) else value_kind(value)
    hint = did_you_mean(value, STRIKABLE) if isinstance(value, str) else ""
    raise ValueError(f"{shown} is not a transfer basis that can be struck down; use {use}{hint}")


StrikableBasis = Annotated[
    TransferBasis, BeforeValidator(_strikable, json_schema_input_type=Strikable)
]


class CapacityLimit(Strict):
    """How much migration work an organisation can carry at once."""

    parallel_steps: int | None = Field(
        default=None, ge=1, le=10_000, strict=True, description="Steps that can run at once."
    )
    person_weeks_per_month: float | None = Field(
        default=None,
        strict=True,  # a number as written: true read as 1.0 before
        ge=0.1,
        le=1_000_000,
        allow_inf_nan=False,
        description="People available for the migration, in person-weeks a month; a step "
        "needs its alternative's effort_weeks spread over its duration_weeks.",
    )

    @model_validator(mode="after")
    def _limits_something(self) -> CapacityLimit:
        if self.parallel_steps is None and self.person_weeks_per_month is None:
            raise ValueError("give parallel_steps, person_weeks_per_month or both")
        return self


WITHDRAWS_NOTHING = (
    "a scenario withdraws something: give 'withdraw' selectors, or 'withdraw_unlawful: "
    "true' with 'invalidate_transfer', or 'withdraw_disclosure_risk: true'"
)
"""Told of the file's ``withdraw`` (at its line where it is given, empty)."""


class Scenario(Strict):
    """One scenario file."""

    model_config = ConfigDict(
        title="exitplan scenario file",
        json_schema_extra={
            "description": "A named withdrawal of one estate: what goes, in which mode, and "
            "the legal assumptions and preferences of the run."
        },
    )

    format: FormatVersion = FORMAT
    id: Id
    title: Text
    estate: Text = Field(description="The estate file or folder, relative to this file.")
    withdraw: tuple[Text, ...] = Field(
        default=(),
        description="Selectors: vendor:ID, component:ID, service:ID, jurisdiction:CC, "
        "exposure:LAW, tag:NAME; their union is withdrawn.",
    )
    invalidate_transfer: tuple[StrikableBasis, ...] = Field(
        default=(),
        description="Transfer bases struck down (e.g. adequacy_dpf): the flows of personal "
        "data to third countries that rely on them lose their legal basis.",
    )

    withdraw_unlawful: StrictBool = Field(
        default=False,
        description="Also withdraw the components that flows without a legal basis reach.",
    )
    withdraw_disclosure_risk: StrictBool = Field(
        default=False,
        description="Also withdraw the components that receive secret data (or K >= 3) and "
        "whose vendor group is exposed to foreign disclosure orders, unless a passed "
        "suitability assessment is recorded.",
    )
    mode: Literal["cut-off", "exit"] = "cut-off"
    horizon_days: Days | None = None
    start: IsoDate | None = Field(
        default=None,
        description="Day 0 of the withdrawal (a cut-off, or the decision to exit). Default: "
        "the estate's as_of date.",
    )
    work_starts: IsoDate | None = Field(
        default=None,
        description="The day the migration work begins. Default: day 0 (start).",
    )
    capacity: CapacityLimit | None = Field(
        default=None,
        description="How much of the migration can run at once; without it, every step "
        "starts as soon as the steps before it have finished.",
    )
    prefer: dict[Id, Id] = Field(default_factory=dict, description="{component: candidate}")
    exclude_candidates: tuple[Id, ...] = ()
    notes: Text | None = None

    @field_validator("invalidate_transfer", mode="after")
    @classmethod
    def _each_once(cls, given: tuple[TransferBasis, ...]) -> tuple[TransferBasis, ...]:
        """A basis given twice is struck down once (the sentence named it twice)."""
        return tuple(dict.fromkeys(given))

    @field_validator("withdraw_unlawful", mode="after")
    @classmethod
    def _bases_given(cls, unlawful: bool, info: ValidationInfo) -> bool:
        """Told at its own line (a check of the whole file was told at line 1)."""
        if unlawful and info.data.get("invalidate_transfer") == ():
            raise ValueError("needs the bases struck down: invalidate_transfer")
        return unlawful

    @model_validator(mode="after")
    def _withdraws_something(self) -> Scenario:
        if not (self.withdraw or self.withdraw_unlawful or self.withdraw_disclosure_risk):
            raise ValueError(WITHDRAWS_NOTHING)
        return self


@dataclass(frozen=True)
class LoadedScenario:
    scenario: Scenario
    path: Path
    document: Document | None = field(default=None, compare=False, repr=False)
    """The file as read, for the lines of problems found against the estate."""

    @property
    def estate_path(self) -> Path:
        return (self.path.parent / self.scenario.estate).resolve()

    def options(self) -> Options:
        return Options(
            mode=Mode(self.scenario.mode),
            horizon=self.scenario.horizon_days,
            start=self.scenario.start,
            prefer={NodeId(k): NodeId(v) for k, v in self.scenario.prefer.items()},
            exclude_candidates=frozenset(self.scenario.exclude_candidates),
            scenario_id=self.scenario.id,
            scenario_title=self.scenario.title,
            work_starts=self.scenario.work_starts,
            capacity=Capacity(capacity.parallel_steps, capacity.person_weeks_per_month)
            if (capacity := self.scenario.capacity)
            else None,
        )


def load_scenario(path: Path, *, estate_read: bool = True) -> LoadedScenario:
    """Read and check one scenario file; every problem is reported with its line.
    ``estate_read``: the estate it names will be read from its files (not when the
    estate comes from Neo4j by the name given, where the files need not be here)."""
    if not path.exists():
        raise UsageError(f"{display_path(path)}: no such scenario file")
    if path.is_dir():
        raise UsageError(f"{display_path(path)}: a folder, not a scenario file")
    document = read_one(path, what="scenario")
    keys = document.data.keys() if isinstance(document.data, dict) else set()
    if keys & {"estate", *SECTIONS} and not keys & SCENARIO_KEYS:
        raise UsageError(
            f"{document.file}: this is an estate, not a scenario; give it to validate, "
            "simulate or check, or write a scenario that names it (exitplan schema "
            "--scenario shows the format)"
        )
    problems: list[Problem] = []
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(document.data)
    except ValidationError as error:
        problems += [
            replace(found, line=document.line_of(("withdraw",)), field="withdraw")
            if found.message.endswith(WITHDRAWS_NOTHING)  # of the whole file: its withdraw
            else found
            for found in validation_problems(error, Scenario, document, ())
        ]
    raw = document.data if isinstance(document.data, dict) else {}
    selectors = raw.get("withdraw")
    for index, text in enumerate(selectors if isinstance(selectors, list) else []):
        if not isinstance(text, str):
            continue
        try:
            parse_selector(text)
        except UsageError as error:
            where = ("withdraw", index)
            problems.append(
                Problem(document.file, document.line_of(where), f"withdraw[{index}]", str(error))
            )
    if scenario is not None and estate_read:
        missing = _no_estate(LoadedScenario(scenario, path))
        if missing is not None:
            problems.append(
                Problem(document.file, document.line_of(("estate",)), "estate", missing)
            )
    if problems or scenario is None:
        raise InvalidInputError(problems, what="scenario")
    return LoadedScenario(scenario, path, document)


def _no_estate(loaded: LoadedScenario) -> str | None:
    """Why the estate a scenario names cannot be read, or ``None`` when it is there."""
    named = loaded.scenario.estate
    if "\x00" in named:
        return f"{named!r} holds a NUL character, which no path can"
    try:
        if loaded.estate_path.exists():
            mode = loaded.estate_path.stat().st_mode
            if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
                return None
            return f"{named!r} is {kind_of_file(mode)}, not an estate file or folder"
    except RuntimeError:  # Path.resolve on a loop of symbolic links
        return f"cannot read {named!r}: {os_reason(errno.ELOOP)}"
    except OSError as error:  # a name too long
        return f"cannot read {named!r}: {os_reason(error)}"
    return f"no estate at {named!r} (relative to this file)"


def legal_effects(scenario: Scenario, backend: GraphBackend) -> Legal | None:
    """The flows a scenario's legal assumptions make unlawful, and the components it
    withdraws because of them; ``None`` when it makes no legal assumption."""
    if not (scenario.invalidate_transfer or scenario.withdraw_disclosure_risk):
        return None
    bases = [str(b) for b in scenario.invalidate_transfer]
    view = EstateView.read(backend, scenario.start or backend.info.as_of)
    flows = flows_losing_basis(view, bases) if bases else []
    if scenario.withdraw_disclosure_risk:
        flows += flows_exposed(view)
    wanted = {
        "third-country-transfer": scenario.withdraw_unlawful,
        "foreign-disclosure": scenario.withdraw_disclosure_risk,
    }
    withdrawn = {flow.target for flow in flows if wanted[flow.rule]}
    return Legal(
        tuple(bases),
        tuple(sorted(flows, key=lambda f: (f.flow, f.reason))),
        tuple(sorted(withdrawn)),
    )


SCENARIO_KEYS = frozenset({"id", "title", "withdraw", "mode", "horizon_days", "prefer"})
"""Keys only a scenario has; a file with none of them and estate sections is an estate."""


def check_against_estate(loaded: LoadedScenario, backend: GraphBackend) -> None:
    """Every id a scenario names must be in its estate: the components of ``prefer`` (and
    the pair must be a listed alternative), ``exclude_candidates``, and each selector of
    ``withdraw``. All problems at once, each with the scenario's file, line and field."""
    scenario, document = loaded.scenario, loaded.document
    if document is None:
        return
    problems: list[Problem] = []
    components = {node.id for node in backend.nodes(Label.COMPONENT)}
    pairs = {(edge.target, edge.source) for edge in backend.edges(Rel.ALTERNATIVE_FOR)}

    hints = Suggestions()

    def unknown(path: FieldPath, what: str, value: str, known: set[NodeId]) -> None:
        hint = hints(value, known)
        problems.append(
            Problem(
                document.file,
                document.line_of(path),
                format_path(path),
                f"no {what} {value!r} in estate {backend.info.name!r}{hint}",
            )
        )

    where: FieldPath
    for incumbent, candidate in scenario.prefer.items():
        where = ("prefer", incumbent)
        if incumbent not in components:
            unknown(where, "component", incumbent, components)
        elif candidate not in components:
            unknown(where, "candidate component", candidate, components)
        elif (incumbent, candidate) not in pairs:
            listed = sorted(c for i, c in pairs if i == incumbent)
            problems.append(
                Problem(
                    document.file,
                    document.line_of(where),
                    format_path(where),
                    f"{candidate!r} is not an alternative for {incumbent!r} in the estate"
                    + (f" (its alternatives: {', '.join(listed)})" if listed else ""),
                )
            )
        elif candidate in scenario.exclude_candidates:  # one of the two cannot be meant
            problems.append(
                Problem(
                    document.file,
                    document.line_of(where),
                    format_path(where),
                    f"{candidate!r} is preferred here and excluded by exclude_candidates; "
                    "keep one of the two",
                )
            )
    for index, candidate in enumerate(scenario.exclude_candidates):
        if candidate not in components:
            unknown(("exclude_candidates", index), "component", candidate, components)
    problems += _work_before_day_zero(loaded, backend.info.as_of)
    problems += _selector_problems(scenario, document, backend)
    if problems:
        raise InvalidInputError(problems, what="scenario")


def _selector_problems(
    scenario: Scenario, document: Document, backend: GraphBackend
) -> list[Problem]:
    """Each selector of ``withdraw`` that names nothing in the estate, at its line; and the
    list, where together they withdraw nothing."""
    problems: list[Problem] = []
    mode = Mode(scenario.mode)
    empty = 0
    hints = Suggestions()
    for index, text in enumerate(scenario.withdraw):
        try:
            resolve(backend, [text], mode, hints)
        except NothingWithdrawnError:
            empty += 1  # known, only empty alone; the union is judged below
        except UsageError as error:
            where = ("withdraw", index)
            problems.append(
                Problem(document.file, document.line_of(where), format_path(where), str(error))
            )
    legal = scenario.withdraw_unlawful or scenario.withdraw_disclosure_risk
    if empty and empty == len(scenario.withdraw) and not legal:
        # each alone withdraws nothing, so their union does not (the stronger effect of
        # each counts); said at the file's line, not only when it runs (helper-83)
        try:
            resolve(backend, scenario.withdraw, mode)
        except NothingWithdrawnError as error:
            line = document.line_of(("withdraw",))
            problems.append(Problem(document.file, line, "withdraw", str(error)))
    return problems


def _work_before_day_zero(loaded: LoadedScenario, as_of: date | None) -> list[Problem]:
    """``work_starts`` must fall on or after day 0: a year mistyped (2026 for 2027) made a
    plan ten months early look on time. Without a day 0 it cannot be placed at all."""
    scenario, document = loaded.scenario, loaded.document
    begins = scenario.work_starts
    if begins is None or document is None:
        return []
    day_zero = scenario.start or as_of
    if day_zero is None:
        said = "there is no day 0 to count it from: give start, or as_of in the estate"
    elif begins < day_zero:
        given = "start" if scenario.start else "the estate's as_of"
        said = (
            f"{begins.isoformat()} is before day 0 of the withdrawal ({day_zero.isoformat()}, "
            f"{given}); the work is planned from day 0 on"
        )
    else:
        return []
    line = document.line_of(("work_starts",))
    return [Problem(document.file, line, "work_starts", said)]


MOST_EXCLUSIONS_RUN = 10
"""The most excluded candidates that ``unused_choices`` runs the scenario without, one at
a time, to know whether each changes nothing."""


def unused_choices(
    loaded: LoadedScenario, simulation: Simulation, backend: GraphBackend
) -> list[str]:
    """The preferences of a scenario that its withdrawal gives nothing to do, each with
    its file, line and field: a ``prefer`` for a component that needs no replacement, an
    excluded candidate that changes nothing. Valid, and worth a word.

    An excluded candidate that no replacement offers may still change the answer: kept
    out of reach, it can leave a withdrawn component unrestorable, so that what depends
    on it is replaced instead and the component needs no step. So such an exclusion is
    told only when the scenario run without it gives the same replacements and plan: one
    run more without all such exclusions, and where that differs, one run for each of the
    first ``MOST_EXCLUSIONS_RUN``, the rest untold (a scenario may list hundreds)."""
    scenario, document = loaded.scenario, loaded.document
    if document is None:
        return []
    replaced = {r.replaces for r in simulation.replacements}
    offered = {a.candidate for r in simulation.replacements for a in r.candidates}

    def same_without(dropped: set[NodeId]) -> bool:
        options = loaded.options()
        kept = replace(options, exclude_candidates=options.exclude_candidates - dropped)
        without = simulate(backend, list(simulation.selectors), kept)
        return (without.replacements, without.plan) == (simulation.replacements, simulation.plan)

    unoffered = [c for c in scenario.exclude_candidates if c not in offered]
    idle: set[NodeId] = set()
    if unoffered and same_without(set(unoffered)):
        idle = set(unoffered)
    elif unoffered:
        idle = {c for c in unoffered[:MOST_EXCLUSIONS_RUN] if same_without({c})}

    def notice(where: FieldPath, message: str) -> str:
        return str(Problem(document.file, document.line_of(where), format_path(where), message))

    said = [
        notice(
            ("prefer", incumbent),
            f"{incumbent!r} needs no replacement in this withdrawal; the preference is not used",
        )
        for incumbent in scenario.prefer
        if incumbent not in replaced
    ]
    said += [
        notice(
            ("exclude_candidates", index),
            f"{candidate!r} is not a candidate for anything this withdrawal replaces, and "
            "excluding it changes nothing",
        )
        for index, candidate in enumerate(scenario.exclude_candidates)
        if candidate in idle
    ]
    return said


def scenario_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a scenario file, for editors."""
    schema = Scenario.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def run_scenario(
    loaded: LoadedScenario, backend: GraphBackend, *, checked: bool = False
) -> Simulation:
    """Simulate a scenario against the estate held by ``backend``: what it withdraws, and
    what its legal assumptions withdraw. ``checked``: the scenario was already checked
    against this estate (it is run again on the estate varied, where a ``prefer`` pair
    may on purpose no longer be an alternative)."""
    if not checked:
        check_against_estate(loaded, backend)
    scenario = loaded.scenario
    legal = legal_effects(scenario, backend)
    selectors = [*scenario.withdraw]
    if legal is not None:
        selectors += [f"component:{c}" for c in legal.withdrawn]
    if not selectors:
        said = "its legal assumptions make no flow unlawful, so nothing is withdrawn"
        document = loaded.document
        if document is None:
            raise UsageError(f"scenario {scenario.id}: {said}")
        key = "withdraw_unlawful" if scenario.withdraw_unlawful else "withdraw_disclosure_risk"
        # one line at the key, not "the scenario was not loaded": it loaded, and ran
        raise UsageError(str(Problem(document.file, document.line_of((key,)), key, said)))
    simulation = simulate(backend, selectors, loaded.options())
    return replace(simulation, legal=legal)


__all__ = ["LoadedScenario", "Scenario", "load_scenario", "run_scenario"]
