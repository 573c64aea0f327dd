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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from exitplan.errors import InvalidInputError, Problem, UsageError, display_path
from exitplan.graph.port import GraphBackend
from exitplan.loading import read_one, validation_problems
from exitplan.model.estate import Days, Strict, Text
from exitplan.model.ids import Id, NodeId
from exitplan.select import Mode, parse_selector
from exitplan.simulate import Options, simulate
from exitplan.simulate.result import Simulation


class Scenario(Strict):
    """One scenario file."""

    id: Id
    title: Text
    estate: Text = Field(description="The estate file or folder, relative to this file.")
    withdraw: Annotated[tuple[Text, ...], Field(min_length=1)] = Field(
        description="Selectors: vendor:ID, component:ID, service:ID, jurisdiction:CC, "
        "exposure:LAW, tag:NAME; their union is withdrawn."
    )
    mode: Literal["cut-off", "exit"] = "cut-off"
    horizon_days: Days | None = None
    start: date | None = Field(default=None, description="Default: the estate's as_of date.")
    prefer: dict[Id, Id] = Field(default_factory=dict, description="{component: candidate}")
    exclude_candidates: tuple[Id, ...] = ()
    notes: Text | None = None


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


def run_scenario(loaded: LoadedScenario, backend: GraphBackend) -> Simulation:
    """Simulate a scenario against the estate held by ``backend``."""
    return simulate(backend, loaded.scenario.withdraw, loaded.options())


__all__ = ["LoadedScenario", "Scenario", "load_scenario", "run_scenario"]
