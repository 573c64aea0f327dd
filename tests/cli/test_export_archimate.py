"""exitplan export archimate: the exchange file validates against The Open Group's XSD,
is the same bytes every time, says what the simulation said, survives hostile names, and
refuses what every output refuses."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from benchmarks.end_to_end import write_json
from benchmarks.synthetic import generate
from exitplan.graph import EmbeddedGraph, Rel
from exitplan.loading import load_estate
from exitplan.model import NodeId
from exitplan.render.archimate import _verdicts, identifier
from exitplan.render.json import dump_simulation_json
from exitplan.scenario import load_scenario, run_scenario
from exitplan.simulate import simulate
from tests.conftest import EXAMPLE, REPO, CheckGolden, RunCli, shuffled_copy, write_scenario
from tests.simulate.build import build

NS = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
A = {"a": NS}
XSD = REPO / "tests" / "xsd" / "archimate"
SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))
LEAVE = REPO / "scenarios" / "leave-microsoft.yaml"
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")


class _LocalSchemas(etree.Resolver):
    """Every schema the XSDs import comes from tests/xsd/archimate, never the network
    (``archimate3_Model.xsd`` imports ``http://www.w3.org/2001/xml.xsd``)."""

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:  # type: ignore[override]  # lxml-stubs omit the context argument
        del public_id
        local = XSD / str(system_url).rsplit("/", 1)[-1]
        if not local.is_file():
            raise AssertionError(f"the schemas asked for {system_url}, which is not kept here")
        return self.resolve_filename(str(local), context)  # type: ignore[attr-defined]  # missing from lxml-stubs


def exchange_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(XSD / "archimate3_Diagram.xsd"), parser))


def one(parent: etree._Element, path: str) -> etree._Element:
    """The child at ``path`` (``a:`` is the exchange namespace), which must be there."""
    found = parent.find(path, A)
    assert found is not None, path
    return found


def text(parent: etree._Element, path: str) -> str:
    return one(parent, path).text or ""


def parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.fromstring(data, parser)


def assert_valid(data: bytes) -> etree._Element:
    """The file validates against the exchange-format XSD, and passes the structural
    checks the XSD cannot make on its own."""
    root = parse(data)
    schema = exchange_schema()
    assert schema.validate(root), str(schema.error_log)
    assert_structure(root)
    return root


def assert_structure(root: etree._Element) -> None:
    """Ids are NCNames and unique; every reference points at something of the right kind."""
    ids = Counter(element.get("identifier") for element in root.iter() if element.get("identifier"))
    assert [i for i, n in ids.items() if n > 1] == []
    assert [i for i in ids if not NCNAME.match(str(i))] == []
    elements = {e.get("identifier") for e in root.findall("a:elements/a:element", A)}
    relations = root.findall("a:relationships/a:relationship", A)
    definitions = {
        d.get("identifier") for d in root.findall("a:propertyDefinitions/a:propertyDefinition", A)
    }
    for relation in relations:
        assert relation.get("source") in elements, relation.get("identifier")
        assert relation.get("target") in elements, relation.get("identifier")
    for used in root.iterfind(".//a:property", A):
        assert used.get("propertyDefinitionRef") in definitions
    relation_ids = {r.get("identifier") for r in relations}
    views = root.findall("a:views/a:diagrams/a:view", A)
    assert [text(v, "a:name").split(":")[0] for v in views] == ["Impact", "Plan"]
    for view in views:
        nodes = {n.get("identifier"): n for n in view.iterfind("a:node", A)}
        for node in nodes.values():
            if node.get(XSI_TYPE) == "Element":
                assert node.get("elementRef") in elements
        for line in view.iterfind("a:connection", A):
            assert line.get("relationshipRef") in relation_ids
            relation = next(
                r for r in relations if r.get("identifier") == line.get("relationshipRef")
            )
            source, target = nodes[line.get("source")], nodes[line.get("target")]
            assert source.get("elementRef") == relation.get("source")
            assert target.get("elementRef") == relation.get("target")
    for item in root.iterfind(".//a:organizations//a:item[@identifierRef]", A):
        assert item.get("identifierRef") in ids


def properties(root: etree._Element, element: etree._Element) -> dict[str, str]:
    names = {
        d.get("identifier"): text(d, "a:name")
        for d in root.findall("a:propertyDefinitions/a:propertyDefinition", A)
    }
    return {
        names[p.get("propertyDefinitionRef")]: text(p, "a:value")
        for p in element.iterfind("a:properties/a:property", A)
    }


def export(run_cli: RunCli, scenario: Path, target: Path) -> bytes:
    result = run_cli("export", "archimate", scenario, "-o", target)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"exitplan: wrote {target}\n"
    return target.read_bytes()


# --- the example estate --------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.stem for s in SCENARIOS])
def test_every_example_scenario_validates_against_the_xsd(
    scenario: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    assert_valid(export(run_cli, scenario, tmp_path / "model.xml"))


def test_the_export_is_golden_and_the_same_bytes_twice(
    run_cli: RunCli, golden: CheckGolden, tmp_path: Path
) -> None:
    first = export(run_cli, LEAVE, tmp_path / "first.xml")
    second = export(run_cli, LEAVE, tmp_path / "second.xml")
    assert first == second
    assert first.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n")
    golden("export-leave-microsoft.xml", first.decode("utf-8"))


def test_shuffled_estate_files_give_the_same_bytes(run_cli: RunCli, tmp_path: Path) -> None:
    shuffled = shuffled_copy(EXAMPLE, tmp_path / "shuffled", seed=11)
    scenario = tmp_path / "leave.yaml"
    scenario.write_text(
        LEAVE.read_text(encoding="utf-8").replace("../graphs/gothenburg", str(shuffled)),
        encoding="utf-8",
    )
    original = export(run_cli, LEAVE, tmp_path / "original.xml")
    assert export(run_cli, scenario, tmp_path / "shuffled.xml") == original


def test_the_file_says_what_the_simulation_says(run_cli: RunCli, tmp_path: Path) -> None:
    root = assert_valid(export(run_cli, LEAVE, tmp_path / "model.xml"))
    loaded = load_scenario(LEAVE)
    graph = EmbeddedGraph(load_estate(loaded.estate_path))
    simulation = run_scenario(loaded, graph)
    by_id = {e.get("identifier"): e for e in root.findall("a:elements/a:element", A)}
    assert len(by_id) == len(graph.nodes())
    for affected in simulation.affected:
        said = properties(root, by_id[f"id-{affected.id}"])
        assert said["exitplan-id"] == affected.id
        assert said["exitplan-state"] == affected.state.value
        if affected.fails_at is not None:
            assert said["exitplan-fails-at-day"] == str(affected.fails_at)
        if len(affected.because) > 1:
            assert said["exitplan-because"] == " ← ".join(affected.because)
    entra = properties(root, by_id["id-entra-id"])
    assert entra["Vendor"] == "Microsoft Ireland Operations Limited"
    assert entra["exitplan-kind"] == "component"
    assert entra["exitplan-delivery"] == "saas"
    assert entra["exitplan-candidate"] == "univention-nubus"
    assert entra["exitplan-wave"] == "1"
    assert properties(root, by_id["id-microsoft"])["exitplan-state"] == "withdrawn"
    # helper-79: what nothing needs but the candidates of others do was "not needed"
    assert simulation.held_back
    for held in simulation.held_back:
        said = properties(root, by_id[f"id-{held.id}"])
        assert said["exitplan-alternative-status"] == "missing"
        assert said["exitplan-holds-back"] == ", ".join(held.holds_back)
    for unneeded in set(simulation.not_needed) - {held.id for held in simulation.held_back}:
        assert properties(root, by_id[f"id-{unneeded}"])["exitplan-alternative-status"] == (
            "not needed"
        )
    # Every dependency is one Serving, from what is needed to what needs it.
    serving = {
        (r.get("source"), r.get("target")): r
        for r in root.findall("a:relationships/a:relationship", A)
        if r.get(XSI_TYPE) == "Serving"
    }
    for edge in graph.edges(Rel.DEPENDS_ON):
        relation = serving[f"id-{edge.target}", f"id-{edge.source}"]
        said = properties(root, relation)
        assert said["exitplan-relation"] == "depends_on"
        assert said["exitplan-strength"] == edge.properties.get("strength", "hard")
        if "group" in edge.properties:
            assert said["exitplan-group"] == edge.properties["group"]
    flows = [
        r for r in root.findall("a:relationships/a:relationship", A) if r.get(XSI_TYPE) == "Flow"
    ]
    assert len(flows) == len(graph.edges(Rel.FLOWS_TO))


def test_a_candidate_says_what_it_needs_that_the_plan_does_not_bring_in(
    run_cli: RunCli, tmp_path: Path
) -> None:
    intune = REPO / "scenarios" / "lose-intune.yaml"
    root = assert_valid(export(run_cli, intune, tmp_path / "model.xml"))
    by_id = {e.get("identifier"): e for e in root.findall("a:elements/a:element", A)}
    assert properties(root, by_id["id-baramundi"])["exitplan-needs-not-in-plan"] == (
        "univention-nubus"
    )
    assert b"exitplan-needs-not-in-plan" not in export(run_cli, LEAVE, tmp_path / "leave.xml")


@pytest.mark.parametrize(
    ("app_grace", "due"), [(200, "130"), (50, "none: too late however soon it finishes")]
)
def test_a_replaced_component_says_when_the_steps_after_it_need_it(
    app_grace: int, due: str | None
) -> None:
    """replace-app takes 70 days after replace-idp: due on day 200 it needs it by day 130;
    on day 50, before it can start. replace-app has no step after it."""
    graph = build(
        f"s:x -> app grace={app_grace}\ns:y -> idp grace=400\napp -> idp\ncandidate k\n"
        "alt k for app R4 weeks=10\nk -> idp\ncandidate kc\nalt kc for idp R2 weeks=20"
    )
    said = _verdicts(simulate(graph, ["component:app", "component:idp"]))
    assert said[NodeId("idp")].get("exitplan-due-for-next-day") == due
    assert "exitplan-due-for-next-day" not in said[NodeId("app")]


def test_views_colour_by_state_and_order_the_plan_by_wave(run_cli: RunCli, tmp_path: Path) -> None:
    root = assert_valid(export(run_cli, LEAVE, tmp_path / "model.xml"))
    impact, plan = root.findall("a:views/a:diagrams/a:view", A)
    headings = [text(n, "a:label") for n in impact if n.get(XSI_TYPE) == "Label"]
    assert [h.split(" ")[0] for h in headings] == ["Withdrawn", "Broken", "Degraded"]
    fills: dict[str | None, Any] = {
        n.get("elementRef"): one(n, "a:style/a:fillColor").attrib
        for n in impact.iterfind("a:node[@elementRef]", A)
    }
    assert dict(fills["id-it-arbetsplats"]) == {"r": "246", "g": "179", "b": "179"}  # broken
    waves = [text(n, "a:label") for n in plan if n.get(XSI_TYPE) == "Label"]
    assert waves == ["Wave 1", "Wave 2", "Wave 3"]
    x_of = {
        n.get("elementRef"): int(n.get("x") or 0) for n in plan.iterfind("a:node[@elementRef]", A)
    }
    assert x_of["id-entra-id"] < x_of["id-sharepoint-online"] < x_of["id-m365-apps"]


# --- hostile names -------------------------------------------------------------------------

HOSTILE = "Evil ]]> <script>alert(\"x\")</script> & 'quoted' \x1b[31mred \u202etxt.exe"


def write_hostile(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    estate: dict[str, Any] = {
        "estate": {"name": "hostile", "title": name, "as_of": "2026-01-01"},
        "vendors": [
            {"id": "v", "name": name, "hq_country": "SE"},
            {"id": "w", "name": f"W {name}", "hq_country": "DE"},
        ],
        "components": [
            {"id": "a", "name": name, "vendor": "v", "delivery": "saas", "note": name},
            {
                "id": "b",
                "name": f"B {name}",
                "vendor": "w",
                "delivery": "saas",
                "depends_on": [{"ref": "a", "why": name}],
            },
            {
                "id": "k",
                "name": f"K {name}",
                "vendor": "w",
                "delivery": "saas",
                "lifecycle": "candidate",
            },
        ],
        "services": [
            {
                "id": "s",
                "name": name,
                "depends_on": ["b"],
                "consumers": [{"organisation": "o", "users": 10}],
            }
        ],
        "organisations": [{"id": "o", "name": f"O {name}"}],
        "data_flows": [{"id": "f", "name": name, "from": "b", "to": "a", "assets": [name]}],
        "alternatives": [{"for": "a", "candidate": "k", "readiness": "R3", "gaps": [name]}],
    }
    (folder / "estate.json").write_text(json.dumps(estate), encoding="utf-8")
    scenario = folder / "scenario.json"
    scenario.write_text(
        json.dumps(
            {"id": "hostile", "title": name, "estate": "estate.json", "withdraw": ["vendor:v"]}
        ),
        encoding="utf-8",
    )
    return scenario


def test_hostile_names_stay_text(run_cli: RunCli, tmp_path: Path) -> None:
    scenario = write_hostile(tmp_path / "hostile", HOSTILE)
    data = export(run_cli, scenario, tmp_path / "model.xml")
    root = assert_valid(data)
    assert b"<script>" not in data  # markup is escaped, never written raw
    assert b"\x1b" not in data
    assert "\u202e".encode() not in data
    names = [text(e, "a:name") for e in root.findall("a:elements/a:element", A)]
    shown = "Evil ]]> <script>alert(\"x\")</script> & 'quoted' \\x1b[31mred \\u202etxt.exe"
    assert shown in names
    flow = next(r for r in root.iter(f"{{{NS}}}relationship") if r.get(XSI_TYPE) == "Flow")
    assert text(flow, "a:name") == shown
    assert text(root, "a:name") == shown


# --- refusals ------------------------------------------------------------------------------


def test_writing_over_the_scenario_or_the_estate_is_refused(
    run_cli: RunCli, tmp_path: Path
) -> None:
    scenario = write_hostile(tmp_path / "plain", "Plain name")
    estate = scenario.parent / "estate.json"
    before = {path: path.read_bytes() for path in (scenario, estate)}
    for target in (scenario, estate):
        link = tmp_path / f"{target.stem}.xml"  # .json is refused as a name already
        link.symlink_to(target)
        result = run_cli("export", "archimate", scenario, "-o", link)
        assert result.exit_code == 2, result.stderr
        assert "will not write" in result.stderr
        assert result.stderr.count("\n") == 1
    assert {path: path.read_bytes() for path in before} == before


@pytest.mark.parametrize("where", ["under-a-file", "proc"])
def test_an_unwritable_target_is_a_clean_error(where: str, run_cli: RunCli, tmp_path: Path) -> None:
    if where == "proc":
        target = Path("/proc/exitplan-model.xml")
        if not target.parent.is_dir():
            pytest.skip("no /proc here")
    else:
        (tmp_path / "file.txt").write_text("a file, not a folder", encoding="utf-8")
        target = tmp_path / "file.txt" / "model.xml"
    result = run_cli("export", "archimate", LEAVE, "-o", target)
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("exitplan: cannot write")
    assert str(target) in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == (
        ["file.txt"] if where == "under-a-file" else []
    )


def test_output_is_required_and_help_speaks_archimate(run_cli: RunCli) -> None:
    result = run_cli("export", "archimate", LEAVE)
    assert result.exit_code == 2
    assert "-o" in result.stderr
    shown = run_cli("export", "archimate", "--help")
    assert shown.exit_code == 0
    assert "Open Exchange XML Model" in shown.stdout
    assert "archimate" in run_cli("export", "--help").stdout


def test_importing_the_export_gives_back_the_same_dependencies(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """Issue 11: export archimate → import archimate gives the same components, services,
    dependencies, alternatives and data flows; and the same organisations, who uses each
    service with how many people, and each service's criticality and recovery time."""
    model = tmp_path / "model.xml"
    export(run_cli, LEAVE, model)
    result = run_cli("import", model, "-o", tmp_path / "back")
    assert result.exit_code == 0, result.stderr
    original = load_estate(EXAMPLE)
    back = load_estate(tmp_path / "back")

    def dependencies(estate: Any) -> set[tuple[str, str, str]]:
        return {
            (owner.id, dependency.ref, dependency.strength.value)
            for owner in (*estate.components, *estate.services)
            for dependency in owner.depends_on
        }

    assert {c.id for c in back.components} == {c.id for c in original.components}
    assert {s.id for s in back.services} == {s.id for s in original.services}
    assert dependencies(back) == dependencies(original)
    assert {(a.replaces, a.candidate, a.readiness) for a in back.alternatives} == {
        (a.replaces, a.candidate, a.readiness) for a in original.alternatives
    }

    def flows(estate: Any) -> set[tuple[str, str, tuple[str, ...], str, str, str]]:
        return {
            (f.source, f.target, f.assets, f.personal_data, f.classification, f.transfer)
            for f in estate.data_flows
        }

    assert flows(back) == flows(original)

    def organisations(estate: Any) -> set[tuple[str, str, str | None, int | None]]:
        return {(o.id, o.name, o.kind, o.users) for o in estate.organisations}

    def services(estate: Any) -> set[tuple[Any, ...]]:
        return {
            (
                s.id,
                s.criticality,
                s.rto_hours,
                frozenset((c.organisation, c.users, c.assumed) for c in s.consumers),
            )
            for s in estate.services
        }

    assert organisations(back) == organisations(original)
    assert services(back) == services(original)


def test_an_exported_estate_imported_back_gives_the_same_answers(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """Exported and imported back into a folder of the estate's name (the import names
    the estate after its folder; the model gives it the rest of its header: title,
    version, date, currency, legal profile), the example answers every example scenario,
    the policy check and the register byte for byte as it did."""
    model = tmp_path / "model.xml"
    export(run_cli, LEAVE, model)
    back = tmp_path / "gothenburg"
    result = run_cli("import", model, "-o", back)
    assert result.exit_code == 0, result.stderr
    assert "Skipped, by source type:\n       2  view:" in result.stdout  # nothing else
    assert load_estate(back).info == load_estate(EXAMPLE).info.model_copy(
        update={"description": None}
    )
    original, returned = EmbeddedGraph(load_estate(EXAMPLE)), EmbeddedGraph(load_estate(back))
    for scenario in SCENARIOS:
        loaded = load_scenario(scenario)
        assert dump_simulation_json(run_scenario(loaded, returned)) == dump_simulation_json(
            run_scenario(loaded, original)
        ), scenario.name
    for command in (("check", "--format", "json"), ("register", "--format", "json")):
        answers = [run_cli(command[0], estate, *command[1:]) for estate in (EXAMPLE, back)]
        assert answers[0].stdout == answers[1].stdout, command


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_synthetic_estate_imported_back_gives_the_same_answers(
    seed: int, run_cli: RunCli, tmp_path: Path
) -> None:
    """The same on seeded synthetic estates (``benchmarks/synthetic.py``): other shapes of
    redundancy, vendors, organisations and alternatives than the example's."""
    estate = generate(300, seed=seed)
    folder = tmp_path / "estate"
    write_json(estate, folder, per_file=100)
    scenario = write_scenario(folder, "vendor:v-dominant")
    export_quietly(run_cli, scenario, tmp_path / "model.xml")  # its views cut to fit
    back = tmp_path / "synthetic-300"
    assert run_cli("import", tmp_path / "model.xml", "-o", back).exit_code == 0
    for args in (
        ("simulate", "-w", "vendor:v-dominant", "--format", "json"),
        ("simulate", "-w", "jurisdiction:US", "--mode", "exit", "--format", "json"),
        ("check", "--format", "json"),
    ):
        answers = [run_cli(args[0], where, *args[1:]) for where in (folder, back)]
        assert answers[0].exit_code == 0, answers[0].stderr
        assert answers[0].stdout == answers[1].stdout, args


EDGE_ESTATE = """\
estate: {name: edge, as_of: 2026-11-01, legal_profile: se}
vendors:
  - {id: salesforce, name: "Salesforce, Inc.", hq_country: US, exposure: [US_CLOUD_ACT]}
  - {id: salesforce-se, name: Salesforce AB, hq_country: SE, parent: salesforce}
  - {id: globex, name: Globex, hq_country: DE}
  - {id: globex-ab, name: Globex AB, hq_country: SE}
  - {id: eu-sub, name: EU Sub, hq_country: SE, parent: salesforce, exposure: []}
  - {id: uk-sub, name: UK Sub, hq_country: GB, parent: salesforce, exposure: [UK_IPA]}
  - {id: v--x, name: Double, hq_country: SE}
components:
  - {id: crm, name: CRM, vendor: salesforce-se, delivery: saas}
  - {id: mail, name: Mail, vendor: eu-sub, delivery: saas}
  - {id: files, name: Files, vendor: uk-sub, delivery: saas}
  - {id: erp, name: ERP, vendor: globex, delivery: saas}
  - {id: hr, name: HR, vendor: globex-ab, delivery: saas, depends_on: [a-b, a--b, trail_]}
  - {id: a-b, name: A-B, vendor: v--x, delivery: self_hosted}
  - {id: a--b, name: A--B, vendor: v--x, delivery: self_hosted}
  - {id: trail_, name: Trail, vendor: v--x, delivery: self_hosted}
  - {id: LONG, name: Long, vendor: globex, delivery: saas}
services:
  - id: case-work
    name: Case work
    depends_on: [crm, mail, files, erp, hr, LONG]
data_flows:
  - id: cases-to-mail
    from: case-work
    to: mail
    assets: ["name, address", personal identity number]
    personal_data: special_category
    classification: secret
    transfer: adequacy_dpf
  - {id: cases-to-files, from: case-work, to: files, assets: [documents],
     personal_data: special_category, classification: confidential, transfer: scc}
"""


def test_an_edge_estate_imported_back_gives_the_same_answers(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """What an estate can hold that the example does not: vendors whose names compare
    equal (Salesforce, Inc. and Salesforce AB), a subsidiary with an exposure of its own
    (none, or another law), ids that are not what a name would give (a--b, trail_, one of
    117 characters), an asset with a comma."""
    long_id = "x" * 117
    folder = tmp_path / "edge"
    folder.mkdir()
    (folder / "estate.yaml").write_text(EDGE_ESTATE.replace("LONG", long_id), encoding="utf-8")
    scenario = write_scenario(folder, "vendor:salesforce")
    export(run_cli, scenario, tmp_path / "model.xml")
    back = tmp_path / "back" / "edge"
    result = run_cli("import", tmp_path / "model.xml", "-o", back)
    assert result.exit_code == 0, result.stderr
    original, returned = load_estate(folder), load_estate(back)
    assert {v.id: (v.parent, v.exposure) for v in returned.vendors} == {
        v.id: (v.parent, v.exposure if v.exposure or v.parent else None) for v in original.vendors
    }
    assert {c.id for c in returned.components} == {c.id for c in original.components}
    assert {f.id: f.assets for f in returned.data_flows} == {
        f.id: f.assets for f in original.data_flows
    }
    for args in (
        ("simulate", "-w", "vendor:salesforce", "--format", "json"),
        ("simulate", "-w", "vendor:globex", "--format", "json"),
        ("check", "--format", "json"),
        ("register", "--format", "json"),
    ):
        answers = [run_cli(args[0], where, *args[1:]) for where in (folder, back)]
        assert answers[0].exit_code in {0, 1}, answers[0].stderr
        assert answers[0].stdout == answers[1].stdout, args


def test_an_edited_vendor_property_makes_no_vendor_of_its_own(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """In an exported model the Vendor property is for reading; the Associations with
    their roles say who provides a component, so an edit of it adds no unused vendor."""
    model = tmp_path / "model.xml"
    export(run_cli, LEAVE, model)
    text = model.read_text(encoding="utf-8")
    assert text.count('<value xml:lang="en">Microsoft Ireland Operations Limited</value>') > 1
    model.write_text(
        text.replace(
            '<value xml:lang="en">Microsoft Ireland Operations Limited</value>',
            '<value xml:lang="en">Edited Vendor Ltd</value>',
        ),
        encoding="utf-8",
    )
    back = tmp_path / "gothenburg"
    assert run_cli("import", model, "-o", back).exit_code == 0
    assert {v.id for v in load_estate(back).vendors} == {v.id for v in load_estate(EXAMPLE).vendors}


# --- views of a large estate ---------------------------------------------------------------


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """A seeded synthetic estate whose withdrawal touches more than a view shows
    (``MAX_NODES``), its scenario, and the simulation's answer."""
    folder = tmp_path_factory.mktemp("large")
    write_json(generate(700, seed=4), folder / "estate", per_file=400)
    scenario = write_scenario(folder / "estate", "vendor:v-dominant")
    loaded = load_scenario(scenario)
    return scenario, run_scenario(loaded, EmbeddedGraph(load_estate(loaded.estate_path)))


def export_quietly(run_cli: RunCli, scenario: Path, target: Path, *given: str) -> bytes:
    """The bytes of an export that may say on standard error what its views leave out."""
    result = run_cli("export", "archimate", scenario, "-o", target, *given)
    assert result.exit_code == 0, result.stderr
    return target.read_bytes()


def drawn(view: etree._Element) -> set[str]:
    return {str(n.get("elementRef")) for n in view.iterfind("a:node[@elementRef]", A)}


@pytest.mark.parametrize("most", [None, 40, 3])
def test_views_of_a_large_estate_draw_the_chains_that_matter_within_the_limit(
    most: int | None, large: tuple[Path, Any], run_cli: RunCli, tmp_path: Path
) -> None:
    """Over the limit each view draws at most that many nodes and says in its
    documentation, and on standard error, what it leaves out; every element and
    relationship is in the model all the same. A drawn node's whole chain of causes is
    drawn with it, and so is a withdrawn vendor."""
    scenario, simulation = large
    limit = 250 if most is None else most
    target = tmp_path / "model.xml"
    given = () if most is None else ("--view-nodes", str(most))
    result = run_cli("export", "archimate", scenario, "-o", target, *given)
    assert result.exit_code == 0, result.stderr
    root = assert_valid(target.read_bytes())
    whole = assert_valid(
        export_quietly(run_cli, scenario, tmp_path / "w.xml", "--view-nodes", "all")
    )
    for part in ("a:elements/a:element", "a:relationships/a:relationship"):
        assert len(root.findall(part, A)) == len(whole.findall(part, A))
    impact, plan = root.findall("a:views/a:diagrams/a:view", A)
    every_impact, every_plan = whole.findall("a:views/a:diagrams/a:view", A)
    everything = len(simulation.affected) + len(simulation.vendors)
    assert len(drawn(every_impact)) == everything > limit
    assert len(drawn(every_plan)) > limit or most is None  # the plan cut with a limit given
    for view, every in ((impact, every_impact), (plan, every_plan)):
        said = text(view, "a:documentation").split("\n\n")[-1]
        if len(drawn(every)) <= limit:
            assert drawn(view) == drawn(every)
            assert not said.startswith("Cut to")
            continue
        assert len(drawn(view)) <= limit
        assert drawn(view) < drawn(every)
        assert said.startswith(f"Cut to {len(drawn(view)):,} of {len(drawn(every)):,} nodes")
        assert "every element is in the model" in said
        name = text(view, "a:name").partition(":")[0]
        assert f"exitplan: notice: {target}: the view {name!r}: {said}\n" in result.stderr
    assert result.stderr.endswith(f"exitplan: wrote {target}\n")
    on_impact = drawn(impact)
    assert on_impact & {identifier(vendor) for vendor in simulation.vendors}
    for affected in simulation.affected:
        if identifier(affected.id) in on_impact:
            assert {identifier(n) for n in affected.because} <= on_impact, affected.id
    headings = [text(n, "a:label") for n in impact if n.get(XSI_TYPE) == "Label"]
    assert any(" of " in heading for heading in headings), headings


def test_a_view_under_the_limit_is_whole_and_says_nothing(
    large: tuple[Path, Any], run_cli: RunCli, tmp_path: Path
) -> None:
    scenario, simulation = large
    big = len(simulation.affected) + len(simulation.vendors) + 2 * len(simulation.plan.steps)
    result = run_cli(
        "export", "archimate", scenario, "-o", tmp_path / "m.xml", "--view-nodes", str(big)
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"exitplan: wrote {tmp_path / 'm.xml'}\n"
    root = assert_valid((tmp_path / "m.xml").read_bytes())
    for view in root.findall("a:views/a:diagrams/a:view", A):
        assert "Cut to" not in text(view, "a:documentation")


def test_a_cut_view_is_the_same_bytes_twice(
    large: tuple[Path, Any], run_cli: RunCli, tmp_path: Path
) -> None:
    scenario, _ = large
    first, second = (
        export_quietly(run_cli, scenario, tmp_path / name) for name in ("a.xml", "b.xml")
    )
    assert first == second


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("0", "'0' is neither a count from 1 nor 'all'"),
        ("many", "'many' is neither a count from 1 nor 'all'"),
        ("9" * 40, "is more than any estate has nodes: 'all' draws each"),
    ],
)
def test_view_nodes_that_are_no_count_are_refused(
    given: str, said: str, run_cli: RunCli, tmp_path: Path
) -> None:
    target = tmp_path / "m.xml"
    result = run_cli("export", "archimate", LEAVE, "-o", target, "--view-nodes", given)
    assert result.exit_code == 2
    assert said in result.stderr
    assert "Traceback" not in result.stderr
    assert not target.exists()


def test_a_cut_view_draws_the_vendors_that_provide_the_most_and_then_the_services(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """helper-71: the withdrawn vendors came first by id, so a view of US law (ten
    vendors, seven of which provide nothing in use) cut to 10 nodes drew ten vendors and
    no service, and cut to 5 left out the one that provides 35 of what is withdrawn. Now
    those that provide the most come first, up to a tenth of the view; a state with
    nothing drawn keeps its heading with its count."""
    scenario = REPO / "scenarios" / "us-law.yaml"
    for most, vendors in ((10, {"id-microsoft-ireland"}), (1, {"id-microsoft-ireland"})):
        root = assert_valid(
            export_quietly(run_cli, scenario, tmp_path / "m.xml", "--view-nodes", str(most))
        )
        impact = root.findall("a:views/a:diagrams/a:view", A)[0]
        on_view = drawn(impact)
        assert len(on_view) == most
        assert on_view & {f"id-{v}" for v in ("microsoft", "ibm", "red-hat", "8x8-inc")} == set()
        assert vendors <= on_view
        headings = [text(n, "a:label") for n in impact if n.get(XSI_TYPE) == "Label"]
        assert [h.split(" ")[0] for h in headings] == ["Withdrawn", "Broken", "Degraded"]
        said = text(impact, "a:documentation").split("\n\n")[-1]
        assert "the withdrawn vendors that provide the most of what is affected, then the" in said
        if most == 10:
            services = {
                f"id-{s}" for s in ("identity-and-access", "it-arbetsplats", "email-and-calendar")
            }
            assert on_view & services, on_view
        else:
            assert headings[1].startswith("Broken (0 of ")


def test_a_cut_plan_counts_the_steps_of_each_wave_and_says_when_none_fits(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """helper-71: the plan's headings did not count what a cut left out, and a view too
    small for any step said it drew the critical path."""
    root = assert_valid(export_quietly(run_cli, LEAVE, tmp_path / "m.xml", "--view-nodes", "6"))
    plan = root.findall("a:views/a:diagrams/a:view", A)[1]
    headings = [text(n, "a:label") for n in plan if n.get(XSI_TYPE) == "Label"]
    assert headings[0].startswith("Wave 1 (")
    assert " of " in headings[0]
    assert [h.split(" (")[0] for h in headings] == ["Wave 1", "Wave 2", "Wave 3"]
    assert "each step whole. Not drawn: " in text(plan, "a:documentation")
    assert "steps that replace a component" in text(plan, "a:documentation")
    intune = REPO / "scenarios" / "lose-intune.yaml"  # no step of a single node
    root = assert_valid(export_quietly(run_cli, intune, tmp_path / "m.xml", "--view-nodes", "1"))
    plan = root.findall("a:views/a:diagrams/a:view", A)[1]
    said = text(plan, "a:documentation").split("\n\n")[-1]
    assert said.startswith("Cut to 0 of ")
    assert "no step fits whole in 1 node." in said
    assert not drawn(plan)


@pytest.mark.parametrize(("name", "code"), [("x.json", 2), ("x.MD", 2), ("x.xml", 0), ("x", 0)])
def test_an_exchange_file_named_as_another_format_is_refused(
    run_cli: RunCli, tmp_path: Path, name: str, code: int
) -> None:
    """``-o x.json`` got XML without a word (helper-86)."""
    result = run_cli("export", "archimate", LEAVE, "-o", tmp_path / name)
    assert result.exit_code == code, result.stderr
    if code:
        assert "the exchange file is XML: name it .xml" in result.stderr
        assert list(tmp_path.iterdir()) == []
