"""The Gothenburg example estate: valid, complete enough to recognise, sourced or marked
assumed, described by the published JSON Schema, and loaded the same in any order."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest
from pydantic import BaseModel

from exitplan.graph import EmbeddedGraph
from exitplan.graph.describe import describe_estate
from exitplan.loading import load_estate, read_document
from exitplan.model import (
    SECTIONS,
    Component,
    Consumer,
    Contract,
    Dependency,
    EstateFile,
    EstateInfo,
    ExitPlan,
    Krt,
    Lifecycle,
    Origin,
    Service,
    SuitabilityAssessment,
    VendorLink,
)
from exitplan.render.json import dump_estate_json
from exitplan.render.schema import estate_file_schema
from exitplan.scenario import CapacityLimit, Scenario
from tests.conftest import EXAMPLE, REPO, shuffled_copy

REQUIRED = {
    "ad-ds", "entra-id", "entra-connect", "intune", "configmgr", "co-management",
    "entra-conditional-access", "autopatch", "defender-endpoint", "exchange-online",
    "sharepoint-online", "onedrive", "teams", "m365-apps", "purview",
}  # fmt: skip


def test_the_example_is_valid_and_large_enough() -> None:
    estate = load_estate(EXAMPLE)
    in_use = [c for c in estate.components if c.lifecycle is not Lifecycle.CANDIDATE]
    assert len(in_use) >= 35
    assert len(estate.services) >= 8
    assert len(estate.alternatives) >= 15
    assert len(estate.data_flows) >= 6
    assert {c.id for c in estate.components} >= REQUIRED


def test_every_dependency_names_its_source_or_is_marked_assumed() -> None:
    estate = load_estate(EXAMPLE)
    owners: list[Component | Service] = [*estate.components, *estate.services]
    for owner in owners:
        for dependency in owner.depends_on:
            assert dependency.why or dependency.assumed, f"{owner.id} -> {dependency.ref}"


def test_the_case_facts_are_modelled() -> None:
    estate = load_estate(EXAMPLE)
    flows = {flow.id: flow for flow in estate.data_flows}
    to_intune = [f for f in flows.values() if f.target == "intune"]
    assert any(
        {"user name", "IP address"} <= set(f.assets) or len(f.assets) >= 3 for f in to_intune
    )
    assert any(f.source == "ad-ds" and f.target == "entra-id" for f in flows.values())
    apps = next(c for c in estate.components if c.id == "m365-apps")
    assert any(d.onset.grace_days == 30 for d in apps.depends_on)
    assert next(c for c in estate.components if c.id == "configmgr").lifecycle == "phasing_out"
    assert not any(a.replaces == "purview" for a in estate.alternatives)
    assert (
        estate.jurisdiction(next(v.id for v in estate.vendors if v.id == "microsoft-ireland"))
        == "US"
    )


def test_the_json_schema_accepts_every_file_under_graphs() -> None:
    validator = jsonschema.Draft202012Validator(estate_file_schema())
    files = sorted((REPO / "graphs").rglob("*.yaml"))
    assert files
    for path in files:
        errors = list(validator.iter_errors(read_document(path).data))
        assert errors == [], f"{path}: {errors[0].message if errors else ''}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_files_give_byte_identical_json(seed: int, tmp_path: Path) -> None:
    """Items shuffled inside every section, files renamed so they are read in another
    order: the estate is the same, and so is every byte of its JSON."""
    target = shuffled_copy(EXAMPLE, tmp_path / "gothenburg", seed)
    original = dump_estate_json(describe_estate(EmbeddedGraph(load_estate(EXAMPLE))))
    shuffled = dump_estate_json(describe_estate(EmbeddedGraph(load_estate(target))))
    assert shuffled == original


def test_the_example_lists_its_sources_and_assumptions() -> None:
    text = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    assert "assum" in text.lower()


def test_the_readme_lists_exactly_the_assumed_dependencies() -> None:
    """The README's table of assumed dependencies stays true to the files."""
    estate = load_estate(EXAMPLE)
    owners: list[Component | Service] = [*estate.components, *estate.services]
    assumed = {(o.id, d.ref) for o in owners for d in o.depends_on if d.assumed}
    text = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    table = text.split("### Dependencies marked `assumed: true`", 1)[1]
    listed = set(re.findall(r"^\| `([^`]+)` → `([^`]+)`", table, flags=re.MULTILINE))
    assert listed == assumed


def test_the_format_page_describes_every_field() -> None:
    """docs/estate-format.md names every key an estate or scenario file may hold."""
    text = (REPO / "docs" / "estate-format.md").read_text(encoding="utf-8")
    models: list[type[BaseModel]] = [*SECTIONS.values(), EstateInfo, Scenario]
    models += [Dependency, VendorLink, ExitPlan, Contract, Consumer, Krt, SuitabilityAssessment]
    models += [Origin, EstateFile, CapacityLimit]
    missing = [
        f"{model.__name__}.{info.alias or name}"
        for model in models
        for name, info in model.model_fields.items()
        if not re.search(rf"\b{re.escape(info.alias or name)}\b", text)
    ]
    assert missing == []
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/estate-format.md" in readme
