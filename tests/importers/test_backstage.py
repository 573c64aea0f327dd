"""The Backstage catalog importer: real example catalogs as golden estates, the mapping
rules one row per case, Location rules, bad and hostile files."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from exitplan.errors import InvalidInputError
from exitplan.importers import backstage, import_sources
from exitplan.importers.draft import Account, Imported
from exitplan.importers.mapping import mapping_model
from exitplan.importers.rules import CommonRules
from exitplan.loading import load_estate
from exitplan.model import Component, Service, Strength
from exitplan.render.estate_yaml import dump_estate_yaml
from tests.conftest import CheckGolden, RunCli
from tests.importers import remove_deep, write_imported

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "backstage"
EXITPLAN = Path(sys.executable).parent / "exitplan"

Entity = dict[str, Any]


# --- helpers -----------------------------------------------------------------------------


def entity(kind: str, name: str, spec: Mapping[str, Any] | None = None, **metadata: Any) -> Entity:
    found: Entity = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": kind,
        "metadata": {"name": name, **metadata},
    }
    if spec is not None:
        found["spec"] = dict(spec)
    return found


def write_catalog(folder: Path, files: Mapping[str, Sequence[Entity] | str]) -> Path:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else yaml.safe_dump_all(content)
        path.write_text(text, encoding="utf-8")
    return folder


def run(
    paths: Sequence[Path], mapping: Mapping[str, Any] | None = None, *, fmt: str | None = None
) -> Imported:
    rules: CommonRules | None = None
    if mapping is not None:
        rules = mapping_model().model_validate({"backstage": mapping})
    return import_sources(paths, fmt=fmt, mapping=rules)


def texts(imported: Imported) -> dict[str, str]:
    return {name: dump_estate_yaml(estate) for name, estate in sorted(imported.files.items())}


def account_text(account: Account) -> str:
    lines = []
    for source in sorted(account.sources, key=lambda s: s.file):
        lines.append(f"{source.file}: read {source.read}, mapped {source.mapped}")
        lines += [f"  made {kind}: {n}" for kind, n in sorted(source.made.items())]
        lines += [f"  skipped {t} ({why}): {n}" for (t, why), n in sorted(source.skipped.items())]
        lines += [f"  inferred {what}: {n}" for what, n in sorted(source.inferred.items())]
        lines += [f"  note: {note}" for note in source.notes]
    lines += [f"cycle: {' → '.join(cycle)}" for cycle in account.cycles]
    return "\n".join(lines) + "\n"


def written(imported: Imported, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts(imported).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def ids(imported: Imported) -> dict[str, str]:
    """id → origin id (the entity ref) of every component, service, organisation, capability."""
    found = {}
    for estate in imported.files.values():
        for kind in ("components", "services", "organisations", "capabilities"):
            for element in getattr(estate, kind):
                found[element.id] = element.origin.id
    return found


def dependencies(imported: Imported) -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    for estate in imported.files.values():
        elements: list[Component | Service] = [*estate.components, *estate.services]
        for element in elements:
            for entry in element.depends_on:
                assert not isinstance(entry, str)
                found.add((element.id, entry.ref, str(entry.strength)))
    return found


def skipped(imported: Imported) -> dict[tuple[str, str], int]:
    return dict(imported.account.total("skipped"))


# --- real catalogs -----------------------------------------------------------------------

REAL = {
    "examples": ["examples/all.yaml", "examples/acme-corp.yaml"],
    "examples-folder": ["examples"],
    "demo": ["demo"],
}


@pytest.mark.parametrize(("case", "sources"), REAL.items(), ids=REAL.keys())
def test_real_catalog_imports_to_the_golden_estate(
    case: str,
    sources: list[str],
    golden: CheckGolden,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(FIXTURES)
    imported = run([Path(source) for source in sources])
    for name, text in texts(imported).items():
        golden(f"import/backstage/{case}/{name}", text)
    golden(f"import/backstage/{case}/account.txt", account_text(imported.account))
    estate = load_estate(written(imported, tmp_path / case))
    assert estate.components


def test_real_catalog_simulates_from_the_command_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(FIXTURES)
    folder = written(run([Path(p) for p in REAL["examples"]]), tmp_path / "estate")
    completed = subprocess.run(
        [str(EXITPLAN), "simulate", str(folder), "-w", "component:petstore", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert '"petstore-api"' in completed.stdout  # the API needs the component providing it


def test_example_catalog_counts_and_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    started = time.perf_counter()
    imported = run([Path(p) for p in REAL["examples"]])
    seconds = time.perf_counter() - started
    made = imported.account.total("made")
    assert (made["component"], made["service"], made["organisation"]) == (23, 3, 8)
    assert made["dependency"] == 18
    assert seconds < 5


def test_url_location_is_skipped_and_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    imported = run([Path("url-location/acme-corp.yaml")])
    assert skipped(imported)[("Location target", "a URL: exitplan never reads the network")] == 1


# --- determinism -------------------------------------------------------------------------


def _shuffled_examples(target: Path, seed: int) -> Path:
    """The examples again, documents in every file and Location targets shuffled."""
    shuffler = random.Random(seed)
    shutil.copytree(FIXTURES / "examples", target)
    for path in sorted(target.rglob("*.yaml")):
        if path.name.endswith(".oas.yaml"):
            continue
        documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        shuffler.shuffle(documents)
        for document in documents:
            listed = document.get("spec", {}).get("targets")
            if isinstance(listed, list):
                shuffler.shuffle(listed)
        path.write_text(yaml.safe_dump_all(documents), encoding="utf-8")
    return target


def test_same_bytes_twice_and_in_shuffled_order(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(FIXTURES)
    first = texts(run([Path(p) for p in REAL["examples"]]))
    again = texts(run([Path(p) for p in reversed(REAL["examples"])]))
    assert first == again
    for seed in (1, 2, 3):
        monkeypatch.chdir(tmp_path)
        _shuffled_examples(tmp_path / f"s{seed}" / "examples", seed)
        monkeypatch.chdir(tmp_path / f"s{seed}")
        shuffled = texts(run([Path("examples/acme-corp.yaml"), Path("examples/all.yaml")]))
        assert shuffled == first


# --- relations ---------------------------------------------------------------------------

RELATIONS = {
    "dependsOn: the entity needs the target": (
        [entity("Component", "a", {"dependsOn": ["component:b"]}), entity("Component", "b")],
        ("a", "b"),
    ),
    "dependsOn a resource": (
        [entity("Component", "a", {"dependsOn": ["resource:db"]}), entity("Resource", "db")],
        ("a", "db"),
    ),
    "dependencyOf: the target needs the entity": (
        [entity("Resource", "db", {"dependencyOf": ["component:a"]}), entity("Component", "a")],
        ("a", "db"),
    ),
    "consumesApis: the component needs the API": (
        [entity("Component", "a", {"consumesApis": ["orders"]}), entity("API", "orders")],
        ("a", "orders"),
    ),
    "providesApis: the API needs its provider": (
        [entity("Component", "a", {"providesApis": ["orders"]}), entity("API", "orders")],
        ("orders", "a"),
    ),
    "subcomponentOf: the parent needs the part": (
        [entity("Component", "part", {"subcomponentOf": "whole"}), entity("Component", "whole")],
        ("whole", "part"),
    ),
    "system: the system needs its members": (
        [entity("Component", "a", {"system": "shop"}), entity("System", "shop")],
        ("shop", "a"),
    ),
    "system of an API": (
        [entity("API", "orders", {"system": "shop"}), entity("System", "shop")],
        ("shop", "orders"),
    ),
}


@pytest.mark.parametrize(("entities", "expected"), RELATIONS.values(), ids=RELATIONS.keys())
def test_relation_becomes_a_dependency_in_the_right_direction(
    entities: list[Entity], expected: tuple[str, str], tmp_path: Path
) -> None:
    write_catalog(tmp_path, {"catalog-info.yaml": entities})
    imported = run([tmp_path / "catalog-info.yaml"])
    assert dependencies(imported) == {(*expected, "hard")}


REFS = {
    "kind:namespace/name": ("component:default/b", "component:default/b"),
    "kind:name": ("component:b", "component:default/b"),
    "name only: a Component first": ("b", "component:default/b"),
    "name only: else a Resource": ("db", "resource:default/db"),
    "namespace/name": ("default/b", "component:default/b"),
    "any case": ("Component:DEFAULT/B", "component:default/b"),
    "the entity's own namespace": ("c", "component:ops/c"),
    "another namespace": ("ops/c", "component:ops/c"),
}


@pytest.mark.parametrize(("ref", "target"), REFS.values(), ids=REFS.keys())
def test_entity_reference_forms(ref: str, target: str, tmp_path: Path) -> None:
    own = "ops" if target == "component:ops/c" and "/" not in ref else "default"
    write_catalog(
        tmp_path,
        {
            "catalog-info.yaml": [
                entity("Component", "a", {"dependsOn": [ref]}, namespace=own),
                entity("Component", "b"),
                entity("Resource", "db"),
                entity("Component", "c", namespace="ops"),
            ]
        },
    )
    imported = run([tmp_path / "catalog-info.yaml"])
    by_ref = {origin: node for node, origin in ids(imported).items()}
    source = by_ref[f"component:{own}/a"]
    assert dependencies(imported) == {(source, by_ref[target], "hard")}


def test_reference_to_what_the_catalog_lacks_is_skipped_and_counted(tmp_path: Path) -> None:
    write_catalog(
        tmp_path,
        {
            "catalog-info.yaml": [
                entity(
                    "Component", "a", {"dependsOn": ["api:b", "nowhere"], "consumesApis": ["b"]}
                ),
                entity("Component", "b"),
            ]
        },
    )
    imported = run([tmp_path / "catalog-info.yaml"])
    assert dependencies(imported) == set()
    lacking = "the entity it names is not in the catalog"
    assert skipped(imported)[("dependsOn", lacking)] == 2
    assert skipped(imported)[("consumesApis", lacking)] == 1


def test_a_software_template_skeleton_is_skipped_and_counted(tmp_path: Path) -> None:
    """A scaffolder template's ``content/catalog-info.yaml``, as in the public examples of
    awslabs/backstage-plugins-for-aws: what the user will fill in, not an entity."""
    write_catalog(
        tmp_path,
        {
            "catalog-info.yaml": [entity("Component", "shop", {"dependsOn": ["component:app"]})],
            "template/content/catalog-info.yaml": [
                entity("Component", "${{ values.name | dump }}", {"owner": "${{ values.owner }}"}),
            ],
        },
    )
    imported = run([tmp_path])
    names = [c.name for content in imported.files.values() for c in content.components]
    assert names == ["shop"]
    why = "a software template's skeleton (its name is a ${{ }} placeholder)"
    assert skipped(imported)[("Component", why)] == 1


def test_names_that_differ_only_in_case_are_one_entity(tmp_path: Path) -> None:
    """Backstage compares entity names without case, so ``Mail`` and ``mail`` are one
    entity written twice: the first is kept, the relations of both are its own, and a
    reference in any case reaches it."""
    write_catalog(
        tmp_path,
        {
            "catalog-info.yaml": [
                entity("Component", "Mail", {"owner": "team-a"}),
                entity("Component", "mail", {"dependsOn": ["component:store"]}),
                entity("Component", "MAIL"),
                entity("Component", "store"),
                entity("Component", "web", {"dependsOn": ["component:mAiL"]}),
            ]
        },
    )
    imported = run([tmp_path])
    assert ids(imported) == {
        "mail": "component:default/Mail",
        "store": "component:default/store",
        "web": "component:default/web",
    }
    assert {(a, b) for a, b, _ in dependencies(imported)} == {("mail", "store"), ("web", "mail")}
    why = (
        "the same entity as an earlier one whose name differs only in case"
        " (Backstage ignores case); the first kept"
    )
    assert skipped(imported) == {("Component", why): 2}
    assert imported.account.sources[0].notes == ["1 catalog file read"]


def test_relation_to_a_skipped_kind_is_counted(tmp_path: Path) -> None:
    write_catalog(
        tmp_path,
        {
            "catalog-info.yaml": [
                entity("Component", "a", {"system": "shop"}),
                entity("System", "shop", {"domain": "sales"}),
                entity("Domain", "sales"),
            ]
        },
    )
    imported = run([tmp_path / "catalog-info.yaml"], {"kinds": {"system": "skip"}})
    assert dependencies(imported) == set()
    assert skipped(imported)[("system", "an end was not imported")] == 1


# --- ids ---------------------------------------------------------------------------------

COLLISIONS = {
    "Component and API": (
        [entity("API", "petstore"), entity("Component", "petstore")],
        {"petstore": "component:default/petstore", "petstore-api": "api:default/petstore"},
    ),
    "Component, Resource and API": (
        [entity("API", "db"), entity("Resource", "db"), entity("Component", "db")],
        {
            "db": "component:default/db",
            "db-resource": "resource:default/db",
            "db-api": "api:default/db",
        },
    ),
    "System and Component": (
        [entity("System", "shop"), entity("Component", "shop")],
        {"shop": "component:default/shop", "shop-system": "system:default/shop"},
    ),
    "Group and Component": (
        [entity("Group", "team-a"), entity("Component", "team-a")],
        {"team-a": "component:default/team-a", "team-a-group": "group:default/team-a"},
    ),
    "two namespaces": (
        [entity("Component", "foo", namespace="ops"), entity("Component", "foo")],
        {"foo": "component:default/foo", "ops-foo": "component:ops/foo"},
    ),
    "title is the name, metadata.name the id": (
        [entity("Component", "crm", title="The CRM (v2)")],
        {"crm": "component:default/crm"},
    ),
}


@pytest.mark.parametrize(("entities", "expected"), COLLISIONS.values(), ids=COLLISIONS.keys())
def test_ids_that_would_collide_are_made_distinct(
    entities: list[Entity], expected: dict[str, str], tmp_path: Path
) -> None:
    write_catalog(tmp_path, {"catalog-info.yaml": entities})
    forward = ids(run([tmp_path / "catalog-info.yaml"]))
    write_catalog(tmp_path, {"catalog-info.yaml": list(reversed(entities))})
    assert forward == ids(run([tmp_path / "catalog-info.yaml"])) == expected


# --- Locations ---------------------------------------------------------------------------

PART = [entity("Component", "part")]

LOCATIONS: dict[str, tuple[dict[str, Any], list[str], dict[tuple[str, str], int]]] = {
    "relative target": (
        {"spec": {"target": "./parts/part.yaml"}, "parts/part.yaml": PART},
        ["part"],
        {},
    ),
    "targets list with a pattern": (
        {"spec": {"targets": ["./parts/*.yaml"]}, "parts/part.yaml": PART},
        ["part"],
        {},
    ),
    "a URL": (
        {"spec": {"type": "url", "target": "https://example.com/catalog-info.yaml"}},
        [],
        {("Location target", "a URL: exitplan never reads the network"): 1},
    ),
    "a missing file": (
        {"spec": {"target": "./parts/missing.yaml"}},
        [],
        {("Location target", "no such file"): 1},
    ),
    "a pattern matching nothing": (
        {"spec": {"target": "./none/*.yaml"}},
        [],
        {("Location target", "no file matches the pattern"): 1},
    ),
    "outside the source folder": (
        {"spec": {"target": "../outside.yaml"}},
        [],
        {("Location target", "outside the folder of the source"): 1},
    ),
    "up and out like ../../../etc/passwd": (
        {"spec": {"target": "../../../../../../../../etc/passwd"}},
        [],
        {("Location target", "outside the folder of the source"): 1},
    ),
    "an absolute path outside": (
        {"spec": {"target": "/etc/passwd"}},
        [],
        {("Location target", "outside the folder of the source"): 1},
    ),
    "a loop": (
        {
            "spec": {"targets": ["./loop.yaml", "./catalog-info.yaml"]},
            "loop.yaml": [
                entity("Location", "back", {"target": "./catalog-info.yaml"}),
                *PART,
            ],
        },
        ["part"],
        {},
    ),
}


@pytest.mark.parametrize(("layout", "made", "counted"), LOCATIONS.values(), ids=LOCATIONS.keys())
def test_location_rules(
    layout: dict[str, Any],
    made: list[str],
    counted: dict[tuple[str, str], int],
    tmp_path: Path,
) -> None:
    root = tmp_path / "catalog"
    write_catalog(tmp_path, {"outside.yaml": [entity("Component", "outside")]})
    files = {key: value for key, value in layout.items() if key != "spec"}
    write_catalog(root, {"catalog-info.yaml": [entity("Location", "all", layout["spec"])], **files})
    imported = run([root / "catalog-info.yaml"])
    assert sorted(ids(imported)) == made
    found = skipped(imported)
    for key, number in counted.items():
        assert found[key] == number
    assert all(key[0] != "Location target" or key in counted for key in found)


def test_a_folder_reads_every_catalog_file_once(tmp_path: Path) -> None:
    write_catalog(
        tmp_path,
        {
            "catalog-info.yaml": [entity("Location", "all", {"targets": ["./a/a.yml"]})],
            "a/a.yml": [entity("Component", "a")],
            "b/b.yaml": [entity("Component", "b")],
            "b/openapi.yaml": "openapi: 3.0.0\ninfo: {title: not a catalog}\n",
            "b/helm.yaml": "{{ .Values.broken }}: [\n",
            ".hidden/c.yaml": [entity("Component", "c")],
        },
    )
    imported = run([tmp_path])
    assert sorted(ids(imported)) == ["a", "b"]
    assert skipped(imported)[("file", "no Backstage entity in it (not a catalog file)")] == 2


# --- unknown fields, mapping -------------------------------------------------------------


def test_unknown_fields_are_ignored_and_counted(tmp_path: Path) -> None:
    write_catalog(
        tmp_path,
        {
            "catalog-info.yaml": [
                entity("Component", "a", {"owner": "team-a", "apiConsumedBy": ["b"], "x": 1}),
                entity("Component", "b", {"x": 2}, colour="red"),
                {**entity("Group", "team-a"), "extra": True},
            ]
        },
    )
    counted = skipped(run([tmp_path / "catalog-info.yaml"]))
    why = "a field the import does not use (ignored)"
    assert counted[("Component field spec.x", why)] == 2
    assert counted[("Component field spec.apiConsumedBy", why)] == 1
    assert counted[("Component field metadata.colour", why)] == 1
    assert counted[("Group field extra", why)] == 1


def test_owner_description_tags_and_lifecycle(tmp_path: Path) -> None:
    write_catalog(
        tmp_path,
        {
            "catalog-info.yaml": [
                entity(
                    "Component",
                    "a",
                    {"owner": "group:team-a", "lifecycle": "Deprecated", "type": "service"},
                    description="Sells things",
                    tags=["Java", "data", "data", "!!"],
                ),
                entity("System", "shop", {"owner": "team-a"}, description="The shop"),
            ]
        },
    )
    estate = run([tmp_path / "catalog-info.yaml"]).files["catalog-info.yaml"]
    component, service = estate.components[0], estate.services[0]
    assert component.note == "Sells things\nOwner: group:team-a; Type: service"
    assert component.tags == ("data", "java")
    assert component.lifecycle == "phasing_out"
    assert (service.description, service.note) == ("The shop", "Owner: team-a")


def test_a_resource_lifecycle_is_used_and_not_said_to_be_ignored(tmp_path: Path) -> None:
    """As janus-idp's pgdb Resource writes it: it was used, and counted as ignored too
    (helper-98)."""
    write_catalog(
        tmp_path,
        {
            "catalog-info.yaml": [
                entity("Resource", "db", {"type": "database", "lifecycle": "deprecated"})
            ]
        },
    )
    imported = run([tmp_path / "catalog-info.yaml"])
    (component,) = imported.files["catalog-info.yaml"].components
    assert component.lifecycle == "phasing_out"
    assert not [what for what, _ in skipped(imported) if "lifecycle" in what]


def test_mapping_changes_kinds_strengths_and_delivery(tmp_path: Path) -> None:
    write_catalog(
        tmp_path,
        {
            "catalog-info.yaml": [
                entity("Component", "web", {"type": "website", "system": "shop"}),
                entity("Component", "a", {"dependsOn": ["web"]}),
                entity("System", "shop", {"domain": "sales"}),
                entity("Domain", "sales"),
            ]
        },
    )
    imported = run(
        [tmp_path / "catalog-info.yaml"],
        {
            "kinds": {"Domain": "capability", "system": {"becomes": "component", "priority": 3}},
            "relations": {"dependsOn": {"becomes": "dependency", "strength": "soft"}},
            "delivery": {"Website": "saas"},
        },
    )
    estate = imported.files["catalog-info.yaml"]
    assert [c.id for c in estate.capabilities] == ["sales"]
    assert {c.id: str(c.delivery) for c in estate.components} == {
        "a": "self_hosted",
        "shop": "self_hosted",
        "web": "saas",
    }
    assert dependencies(imported) == {("a", "web", "soft"), ("shop", "web", "hard")}


def test_mapping_rejects_what_backstage_cannot_mean() -> None:
    with pytest.raises(ValueError, match="becomes"):
        mapping_model().model_validate({"backstage": {"kinds": {"api": "vendor"}}})
    with pytest.raises(ValueError, match="relations"):
        mapping_model().model_validate({"backstage": {"relations": {"ownedBy": {}}}})


def test_vendor_from_an_annotation_or_label(tmp_path: Path) -> None:
    write_catalog(
        tmp_path,
        {
            "catalog-info.yaml": [
                entity("Component", "a", annotations={"acme.com/vendor": "Microsoft Corp"}),
                entity("Resource", "b", labels={"supplier": "microsoft"}),
                entity("Component", "c"),
            ]
        },
    )
    imported = run([tmp_path / "catalog-info.yaml"])
    estate = imported.files["catalog-info.yaml"]
    vendors: dict[str, tuple[str | None, bool]] = {
        c.id: (c.vendor, c.origin is not None and "vendor" in c.origin.inferred)
        for c in estate.components
    }
    assert vendors["a"] == vendors["b"] == ("microsoft", False)  # one vendor, a fact
    assert vendors["c"][1] is True
    assert len(imported.files["vendors.yaml"].vendors) == 2


def test_default_strength_is_hard_and_assumed(tmp_path: Path) -> None:
    write_catalog(
        tmp_path,
        {"c.yaml": [entity("Component", "a", {"dependsOn": ["b"]}), entity("Component", "b")]},
    )
    estate = run([tmp_path / "c.yaml"]).files["c.yaml"]
    entry = estate.components[0].depends_on[0]
    assert not isinstance(entry, str)
    assert (entry.strength, entry.assumed) == (Strength.HARD, True)
    assert entry.origin is not None
    assert entry.origin.type == "dependsOn"


# --- detection ---------------------------------------------------------------------------


def test_detect(tmp_path: Path) -> None:
    assert backstage.detect(FIXTURES / "examples")
    assert backstage.detect(FIXTURES / "examples" / "all.yaml")
    assert backstage.detect(FIXTURES / "demo")
    assert not backstage.detect(FIXTURES / "examples" / "apis" / "petstore.oas.yaml")
    assert not backstage.detect(FIXTURES / "demo" / "app-config.yaml")
    assert not backstage.detect(tmp_path)


# --- bad and hostile files ---------------------------------------------------------------

BAD = {
    "no kind": ("apiVersion: backstage.io/v1alpha1\nmetadata:\n  name: a\n", 1, "kind"),
    "no name": (
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  title: A\n",
        3,
        "metadata.name",
    ),
    "no metadata": ("apiVersion: backstage.io/v1alpha1\nkind: Component\n", 1, "metadata"),
    "a list, not a mapping": ("- apiVersion: backstage.io/v1alpha1\n", 1, ""),
    "spec is a list": (
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec: [1]\n",
        4,
        "spec",
    ),
    "second document": (
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\n---\n"
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: 7}\n",
        7,
        "metadata.name",
    ),
    "a reference that is not a text": (
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\n"
        "spec:\n  dependsOn:\n    - {kind: component}\n",
        6,
        "spec.dependsOn[0]",
    ),
    "a Location target that is not a text": (
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: a}\n"
        "spec:\n  targets: [3]\n",
        5,
        "spec.targets[0]",
    ),
    "broken YAML": ("apiVersion: backstage.io/v1alpha1\nkind: [\n", 3, ""),
}


@pytest.mark.parametrize(("text", "line", "field"), BAD.values(), ids=BAD.keys())
def test_bad_file_is_a_clean_error_with_its_line(
    text: str, line: int, field: str, tmp_path: Path
) -> None:
    path = tmp_path / "catalog-info.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInputError) as raised:
        run([path], fmt="backstage")
    problem = raised.value.problems[0]
    assert (problem.file.endswith("catalog-info.yaml"), problem.line) == (True, line)
    if field:
        assert problem.field == field


def test_every_problem_of_a_source_at_once(tmp_path: Path) -> None:
    write_catalog(
        tmp_path,
        {
            "a.yaml": "apiVersion: backstage.io/v1alpha1\nmetadata: {name: a}\n",
            "b.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {}\n",
        },
    )
    with pytest.raises(InvalidInputError) as raised:
        run([tmp_path])
    assert [p.field for p in raised.value.problems] == ["kind", "metadata.name"]


def test_every_reference_that_is_not_one_at_once(tmp_path: Path) -> None:
    """Only the first was told, the next after each fix (helper-60)."""
    write_catalog(
        tmp_path,
        {
            "a.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
            "metadata: {name: a}\nspec:\n  type: service\n  system: {a: 1}\n"
            "  dependsOn: [component:b, 12, null]\n",
            "b.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
            "metadata: {name: b}\nspec: {type: service}\n",
        },
    )
    with pytest.raises(InvalidInputError) as raised:
        run([tmp_path])
    assert sorted(p.field for p in raised.value.problems) == [
        "spec.dependsOn[1]",
        "spec.dependsOn[2]",
        "spec.system",
    ]


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["apiVersion: backstage.io/v1alpha1", "kind: Component", "metadata:", "  name: a"]
    lines.append('  x0: &x0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]')
    for level in range(1, 10):
        lines.append(f"  x{level}: &x{level} [{','.join([f'*x{level - 1}'] * 9)}]")
    path = tmp_path / "catalog-info.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError):
        run([path], fmt="backstage")


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "catalog-info.yaml"
    path.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n  x: "
        + "[" * 5000
        + "]" * 5000
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError):
        run([path], fmt="backstage")


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "catalog-info.yaml"
    write_catalog(
        tmp_path, {"catalog-info.yaml": [entity("Component", f"c{n}") for n in range(50)]}
    )
    with pytest.raises(InvalidInputError, match=r"catalog-info\.yaml: .*limit is 1,000 bytes"):
        import_sources([path], fmt="backstage", max_bytes=1000)
    assert run([path], fmt="backstage").files  # within the default budget


def test_large_catalog_imports_in_seconds(tmp_path: Path) -> None:
    count = 3000
    entities = [
        entity("Component", f"c{n}", {"dependsOn": [f"c{n + 1}"], "system": f"s{n % 30}"})
        for n in range(count)
    ]
    entities += [entity("System", f"s{n}") for n in range(30)]
    write_catalog(tmp_path, {"catalog-info.yaml": entities})
    started = time.perf_counter()
    imported = run([tmp_path / "catalog-info.yaml"])
    assert time.perf_counter() - started < 20
    assert imported.account.total("made")["dependency"] == 2 * count - 1


def test_control_characters_bidi_and_formulas_stay_text(tmp_path: Path) -> None:
    title = "evil\x1b[31m\u202egnp.exe\u0007"
    formula = "=cmd|' /C calc'!A0"
    write_catalog(
        tmp_path,
        {
            "catalog-info.yaml": [
                entity("Component", "a", title=title, description=formula),
                entity("Component", "+b", title="@SUM(1+1)"),
            ]
        },
    )
    imported = run([tmp_path / "catalog-info.yaml"])
    text = texts(imported)["catalog-info.yaml"]
    assert "\x1b" not in text
    assert "\x07" not in text
    estate = load_estate(written(imported, tmp_path / "out"))
    names: dict[str, tuple[str, str | None]] = {c.id: (c.name, c.note) for c in estate.components}
    assert names["a"] == (title, formula)
    assert names["b"][0] == "@SUM(1+1)"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_links_leading_out_of_the_folder_are_not_followed(tmp_path: Path) -> None:
    outside = write_catalog(tmp_path / "outside", {"x.yaml": [entity("Component", "secret")]})
    root = write_catalog(tmp_path / "catalog", {"catalog-info.yaml": [entity("Component", "a")]})
    (root / "link.yaml").symlink_to(outside / "x.yaml")
    (root / "linked-folder").symlink_to(outside, target_is_directory=True)
    (root / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    write_catalog(
        root,
        {"loc.yaml": [entity("Location", "l", {"targets": ["./linked-folder/x.yaml"]})]},
    )
    imported = run([root])
    assert sorted(ids(imported)) == ["a"]
    counted = skipped(imported)
    assert counted[("file", "a link that leads outside the folder of the source")] == 1
    assert counted[("Location target", "outside the folder of the source")] == 1
    assert counted[("file", "a link that leads nowhere")] == 1


# --- targets the system cannot follow, links that loop, patterns that explode -------------

_LOCATION = "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: l\nspec:\n"
_has_links = pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")


def _loop(root: Path, name: str = "loop.yaml") -> None:
    (root / name).symlink_to(name)


def _location(root: Path, targets: str) -> Path:
    """A catalog whose Location's first target is on line 7 (``spec.targets[0]``)."""
    path = root / "catalog-info.yaml"
    path.write_text(_LOCATION + f"  targets:\n    - {targets}\n", encoding="utf-8")
    return path


UNFOLLOWABLE = {
    "a NUL character": ('"./a\\0.yaml"', None, "a Location target holds a NUL character"),
    "a name of 300 characters": (
        f"./{'a' * 300}.yaml",
        None,
        "(307 characters): file name too long",
    ),
    "a loop of links": pytest.param(
        "./loop.yaml", _loop, "cannot follow './loop.yaml': a loop of links", marks=_has_links
    ),
    "a folder that loops": pytest.param(
        "./loop.yaml/x.yaml", _loop, "a loop of links", marks=_has_links
    ),
    "two '**'": (
        "'**/**/*.yaml'",
        None,
        "cannot follow '**/**/*.yaml': more than one '**' in a pattern",
    ),
}


@pytest.mark.parametrize(("target", "make", "message"), UNFOLLOWABLE.values(), ids=UNFOLLOWABLE)
def test_a_target_the_system_cannot_follow_is_refused_with_its_line(
    target: str, make: Any, message: str, tmp_path: Path
) -> None:
    if make is not None:
        make(tmp_path)
    path = _location(tmp_path, target)
    with pytest.raises(InvalidInputError) as raised:
        run([path])
    [problem] = raised.value.problems
    assert (problem.file.endswith("catalog-info.yaml"), problem.line) == (True, 7)
    assert problem.field == "spec.targets[0]"
    assert message in problem.message


def test_a_pattern_that_lists_too_much_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backstage, "MAX_GLOB_ENTRIES", 10)
    for number in range(20):
        (tmp_path / f"x{number}").mkdir()
    path = _location(tmp_path, "'*/*.yaml'")
    with pytest.raises(InvalidInputError) as raised:
        run([path])
    [problem] = raised.value.problems
    assert (problem.line, problem.field) == (7, "spec.targets[0]")
    assert "lists more than 10 files and folders" in problem.message


@_has_links
def test_links_that_multiply_folders_stop_at_the_limit_in_seconds(tmp_path: Path) -> None:
    for name in "ab":
        (tmp_path / name).symlink_to(".")
    path = _location(tmp_path, "'" + "*/" * 40 + "*.yaml'")  # 2**40 paths without a limit
    started = time.perf_counter()
    with pytest.raises(InvalidInputError, match=r"lists more than 100,000 files and folders"):
        run([path])
    assert time.perf_counter() - started < 30


def test_one_double_star_matches_at_any_depth_but_not_hidden(tmp_path: Path) -> None:
    deep = tmp_path / "/".join(["d"] * 50)
    write_catalog(
        tmp_path,
        {
            f"{deep.relative_to(tmp_path)}/deep.yaml": [entity("Component", "deep")],
            "top.yaml": [entity("Component", "top")],
            ".hidden/hidden.yaml": [entity("Component", "hidden")],
            "d/.dot.yaml": [entity("Component", "dot")],
        },
    )
    path = _location(tmp_path, "'./**/*.yaml'")
    assert sorted(ids(run([path]))) == ["deep", "top"]


@pytest.mark.parametrize("pattern", [None, "'./**/*.yaml'"], ids=["folder", "pattern"])
def test_a_folder_thousands_deep_is_read(pattern: str | None, tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    folder.mkdir()
    try:
        current = folder
        for _ in range(1500):  # os.walk and Path.glob recurse: past 1000 Python gives up
            current = current / "d"
            current.mkdir()
        write_catalog(current, {"deep.yaml": [entity("Component", "deep")]})
        if pattern is None:
            write_catalog(folder, {"catalog-info.yaml": [entity("Component", "top")]})
            assert sorted(ids(run([folder]))) == ["deep", "top"]
        else:
            assert sorted(ids(run([_location(folder, pattern)]))) == ["deep"]
    finally:
        remove_deep(folder)


LOOPS = {
    "in the folder read": ("", "file"),
    "matched by a pattern": ("'./*.yaml'", "Location target"),
}


@_has_links
@pytest.mark.parametrize(("targets", "counted"), LOOPS.values(), ids=LOOPS)
def test_a_loop_of_links_found_is_skipped_and_named(
    targets: str, counted: str, tmp_path: Path
) -> None:
    root = tmp_path / "catalog"
    write_catalog(root, {"a.yaml": [entity("Component", "a")]})
    _loop(root)
    source = _location(root, targets) if targets else root
    imported = run([source])
    assert sorted(ids(imported)) == ["a"]
    assert skipped(imported)[(counted, "a loop of links")] == 1
    notes = [note for s in imported.account.sources for note in s.notes]
    assert any(note.endswith("loop.yaml: a loop of links") for note in notes)
    assert load_estate(write_imported(imported, tmp_path / "estate")).components


CLI_REFUSED = {
    "a NUL character": ('"./a\\0.yaml"', ":7: spec.targets[0]: a Location target holds a NUL"),
    "a name too long": (f"./{'n' * 256}", ":7: spec.targets[0]: cannot follow"),
    "a glob bomb": ("'" + "**/" * 7 + "*.yaml'", ":7: spec.targets[0]: cannot follow '**/"),
}


@pytest.mark.parametrize(("target", "expected"), CLI_REFUSED.values(), ids=CLI_REFUSED)
def test_the_command_line_refuses_a_bad_target_in_one_line(
    target: str, expected: str, tmp_path: Path, run_cli: RunCli
) -> None:
    source = tmp_path / "catalog"
    source.mkdir()
    _location(source, target)
    current = source
    for _ in range(40):  # the glob bomb's 40 folders; harmless for the others
        current = current / "d"
        current.mkdir()
    result = run_cli("import", source, "-o", tmp_path / "out")
    assert result.exit_code == 2, result.stderr
    assert "internal error" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if "catalog-info.yaml" in line]
    assert expected in line
