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

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from pydantic import Field, StrictBool, ValidationError, model_validator

from exitplan.errors import InvalidInputError, Problem, UsageError, display_path
from exitplan.graph.port import GraphBackend
from exitplan.loading import read_one, validation_problems
from exitplan.model.estate import Days, IsoDate, Strict, Text
from exitplan.model.ids import Id, NodeId
from exitplan.model.vocabulary import TransferBasis
from exitplan.select import Mode, parse_selector
from exitplan.simulate import Options, simulate
from exitplan.simulate.policy import EstateView, flows_exposed, flows_losing_basis
from exitplan.simulate.result import Legal, Simulation

NOT_A_TRANSFER = frozenset({TransferBasis.INTRA_EEA, TransferBasis.NOT_ASSESSED})


class Scenario(Strict):
    """One scenario file."""

    id: Id
    title: Text
    estate: Text = Field(description="The estate file or folder, relative to this file.")
    withdraw: tuple[Text, ...] = Field(
        default=(),
        description="Selectors: vendor:ID, component:ID, service:ID, jurisdiction:CC, "
        "exposure:LAW, tag:NAME; their union is withdrawn.",
    )
    invalidate_transfer: tuple[TransferBasis, ...] = Field(
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
    start: IsoDate | None = Field(default=None, description="Default: the estate's as_of date.")
    prefer: dict[Id, Id] = Field(default_factory=dict, description="{component: candidate}")
    exclude_candidates: tuple[Id, ...] = ()
    notes: Text | None = None

    @model_validator(mode="after")
    def _withdraws_something(self) -> Scenario:
        if not (self.withdraw or self.withdraw_unlawful or self.withdraw_disclosure_risk):
            raise ValueError(
                "a scenario withdraws something: give 'withdraw' selectors, or "
                "'withdraw_unlawful: true' with 'invalidate_transfer', or "
                "'withdraw_disclosure_risk: true'"
            )
        kept = [b for b in self.invalidate_transfer if b in NOT_A_TRANSFER]
        if kept:
            raise ValueError(
                f"invalidate_transfer: {kept[0]} is not a transfer basis that can be struck "
                "down; use adequacy_dpf, adequacy, scc, bcr or art49"
            )
        if self.withdraw_unlawful and not self.invalidate_transfer:
            raise ValueError("'withdraw_unlawful' needs the bases struck down: invalidate_transfer")
        return self


@dataclass(frozen=True)
class LoadedScenario:
    scenario: Scenario
    path: Path

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
        )


def load_scenario(path: Path) -> LoadedScenario:
    """Read and check one scenario file; every problem is reported with its line."""
    if not path.is_file():
        raise UsageError(f"{display_path(path)}: no such scenario file")
    document = read_one(path, what="scenario")
    problems: list[Problem] = []
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(document.data)
    except ValidationError as error:
        problems += validation_problems(error, Scenario, document, ())
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
    if scenario is not None:
        loaded = LoadedScenario(scenario, path)
        if not loaded.estate_path.exists():
            problems.append(
                Problem(
                    document.file,
                    document.line_of(("estate",)),
                    "estate",
                    f"no estate at {scenario.estate!r} (relative to this file)",
                )
            )
    if problems or scenario is None:
        raise InvalidInputError(problems, what="scenario")
    return LoadedScenario(scenario, path)


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


def run_scenario(loaded: LoadedScenario, backend: GraphBackend) -> Simulation:
    """Simulate a scenario against the estate held by ``backend``: what it withdraws, and
    what its legal assumptions withdraw."""
    scenario = loaded.scenario
    legal = legal_effects(scenario, backend)
    selectors = [*scenario.withdraw]
    if legal is not None:
        selectors += [f"component:{c}" for c in legal.withdrawn]
    if not selectors:
        raise UsageError(
            f"scenario {scenario.id}: its legal assumptions make no flow unlawful, so "
            "nothing is withdrawn"
        )
    simulation = simulate(backend, selectors, loaded.options())
    return replace(simulation, legal=legal)


__all__ = ["LoadedScenario", "Scenario", "load_scenario", "run_scenario"]
