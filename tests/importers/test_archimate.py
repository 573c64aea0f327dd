"""The ArchiMate importer: real models (golden estates), the mapping rules one row at a time,
determinism under shuffled input, and hostile files.

Fixtures under tests/fixtures/archimate are unedited public files; their origin and
licence are in tests/fixtures/archimate/README.md.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest
from lxml import etree
from pydantic import ValidationError

from exitplan.errors import InvalidInputError
from exitplan.importers import archimate, import_sources
from exitplan.importers.draft import Imported
from exitplan.importers.mapping import mapping_model
from exitplan.loading import load_estate
from exitplan.model import Strength
from exitplan.render.estate_yaml import dump_estate_yaml
from tests.conftest import REPO, CheckGolden, RunCli

FIXTURES = Path("tests/fixtures/archimate")
REAL = (
    "archisurance.xml",
    "Sample1.xml",
    "archi5_Archisurance.archimate",
    "legacy_archi2_Archisurance.archimate",
    "v21_archisurance.xml",
    "arktect_archi_v5.archimate",
    "zoo_Zoo.archimate",
    "archi5_model_zipped.archimate",
    "jarchi_mergetest.archimate",
)
EXCHANGE_3 = "http://www.opengroup.org/xsd/archimate/3.0/"
EXCHANGE_21 = "http://www.opengroup.org/xsd/archimate"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    # Origins record the path as given; the golden files hold it relative to the repo.
    monkeypatch.chdir(REPO)


# --- helpers ----------------------------------------------------------------------------------

Element = tuple[str, str, str] | tuple[str, str, str, Mapping[str, str]]
Relation = tuple[str, str, str, str] | tuple[str, str, str, str, Mapping[str, str]]


def exchange(
    elements: Iterable[Element],
    relations: Iterable[Relation] = (),
    *,
    version: str = "3",
    relation_attributes: Mapping[str, str] | None = None,
) -> bytes:
    """An exchange-format model. Elements are (id, type, name[, properties]); relations
    (id, type, source, target[, properties]); ``accessType`` etc. go in the attributes
    given per relation id."""
    label = "label" if version == "2.1" else "name"
    namespace = EXCHANGE_21 if version == "2.1" else EXCHANGE_3
    ref = "identifierref" if version == "2.1" else "propertyDefinitionRef"
    keys: dict[str, str] = {}

    def props(given: Mapping[str, str]) -> str:
        if not given:
            return ""
        items = []
        for key, value in given.items():
            keys.setdefault(key, f"p{len(keys)}")
            items.append(
                f'<property {ref}="{keys[key]}"><value xml:lang="en">{escape(value)}</value>'
                "</property>"
            )
        return f"<properties>{''.join(items)}</properties>"

    body = ["<elements>"]
    for sid, kind, name, *rest in elements:
        body.append(
            f'<element identifier="{sid}" xsi:type="{kind}"><{label} xml:lang="en">'
            f"{escape(name)}</{label}>{props(rest[0] if rest else {})}</element>"
        )
    body.append("</elements><relationships>")
    extra = relation_attributes or {}
    for sid, kind, source, target, *more in relations:
        attributes = f" {extra[sid]}" if sid in extra else ""
        body.append(
            f'<relationship identifier="{sid}" source="{source}" target="{target}" '
            f'xsi:type="{kind}"{attributes}>{props(more[0] if more else {})}</relationship>'
        )
    body.append("</relationships>")
    if version == "2.1":
        definitions = "".join(
            f'<propertydef identifier="{pid}" name={quoteattr(key)} type="string"/>'
            for key, pid in keys.items()
        )
        body.append(f"<propertydefs>{definitions}</propertydefs>")
    else:
        definitions = "".join(
            f'<propertyDefinition identifier="{pid}" type="string"><name>{escape(key)}</name>'
            "</propertyDefinition>"
            for key, pid in keys.items()
        )
        body.append(f"<propertyDefinitions>{definitions}</propertyDefinitions>")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<model xmlns="{namespace}" '
        f'xmlns:xsi="{XSI}" identifier="m"><{label} xml:lang="en">Test</{label}>\n'
        + "\n".join(body)
        + "\n</model>\n"
    ).encode()


def native(
    elements: Iterable[Element],
    relations: Iterable[Relation] = (),
    *,
    relation_attributes: Mapping[str, str] | None = None,
    element_attributes: Mapping[str, str] | None = None,
) -> bytes:
    """An Archi ``.archimate`` model with the same arguments as ``exchange``."""

    def props(given: Mapping[str, str]) -> str:
        return "".join(
            f"<property key={quoteattr(k)} value={quoteattr(v)}/>" for k, v in given.items()
        )

    lines = []
    for sid, kind, name, *rest in elements:
        attributes = (
            f" {(element_attributes or {})[sid]}" if sid in (element_attributes or {}) else ""
        )
        lines.append(
            f'<element xsi:type="archimate:{kind}" name={quoteattr(name)} id="{sid}"{attributes}>'
            f"{props(rest[0] if rest else {})}</element>"
        )
    lines.append(
        '<folder name="Relations" id="rels" type="relations"><folder name="deeper" id="f2">'
    )
    for sid, kind, source, target, *more in relations:
        attributes = (
            f" {(relation_attributes or {})[sid]}" if sid in (relation_attributes or {}) else ""
        )
        lines.append(
            f'<element xsi:type="archimate:{kind}" id="{sid}" source="{source}" '
            f'target="{target}"{attributes}>{props(more[0] if more else {})}</element>'
        )
    lines.append("</folder></folder>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<archimate:model '
        f'xmlns:xsi="{XSI}" xmlns:archimate="http://www.archimatetool.com/archimate" '
        'name="Test" id="m" version="5.0.0">\n<folder name="Elements" id="els">'
        + "\n".join(lines)
        + "</folder>\n</archimate:model>\n"
    ).encode()


def run(
    tmp_path: Path,
    content: bytes,
    name: str = "model.xml",
    mapping: Mapping[str, Any] | None = None,
) -> Imported:
    path = tmp_path / name
    path.write_bytes(content)
    rules = mapping_model().model_validate(mapping or {})
    return import_sources([path], fmt="archimate", mapping=rules)


def nodes(imported: Imported) -> dict[str, Any]:
    """Every component, service, capability and vendor by id."""
    found: dict[str, Any] = {}
    for estate in imported.files.values():
        for kind in ("components", "services", "capabilities", "organisations", "vendors"):
            for item in getattr(estate, kind):
                found[item.id] = item
    return found


def by_name(imported: Imported, name: str) -> Any:
    matches = [item for item in nodes(imported).values() if item.name == name]
    assert len(matches) == 1, f"{name}: {matches}"
    return matches[0]


def dependencies(imported: Imported) -> set[tuple[str, str, str, str | None]]:
    """(dependent name, dependency name, strength, group) for every dependency."""
    names = {item.id: item.name for item in nodes(imported).values()}
    return {
        (item.name, names[entry.ref], entry.strength.value, entry.any_of_group)
        for item in nodes(imported).values()
        for entry in getattr(item, "depends_on", ())
    }


def flows(imported: Imported) -> set[tuple[str, str, tuple[str, ...]]]:
    names = {item.id: item.name for item in nodes(imported).values()}
    return {
        (names[flow.source], names[flow.target], tuple(flow.assets))
        for estate in imported.files.values()
        for flow in estate.data_flows
    }


def alternatives(imported: Imported) -> set[tuple[str, str]]:
    names = {item.id: item.name for item in nodes(imported).values()}
    return {
        (names[alt.replaces], names[alt.candidate])
        for estate in imported.files.values()
        for alt in estate.alternatives
    }


def skipped(imported: Imported) -> dict[tuple[str, str], int]:
    return dict(imported.account.total("skipped"))


def write_estate(imported: Imported, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, estate in imported.files.items():
        (folder / name).write_text(dump_estate_yaml(estate), encoding="utf-8")
    return folder


def account_text(imported: Imported) -> str:
    lines = []
    for source in imported.account.sources:
        lines.append(f"{source.file} ({source.format}): read {source.read}, mapped {source.mapped}")
        lines += [f"  made {kind}: {count}" for kind, count in sorted(source.made.items())]
        lines += [
            f"  skipped {kind}: {count} ({why})"
            for (kind, why), count in sorted(source.skipped.items())
        ]
        lines += [f"  inferred {what}: {count}" for what, count in sorted(source.inferred.items())]
        lines += [f"  note: {note}" for note in source.notes]
    lines += [f"cycle: {' → '.join(cycle)}" for cycle in imported.account.cycles]
    return "\n".join(lines) + "\n"


# --- real models ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REAL)
def test_real_model_gives_its_golden_estate(name: str, golden: CheckGolden, tmp_path: Path) -> None:
    imported = import_sources([FIXTURES / name])
    stem = name.rsplit(".", 1)[0]
    for file, estate in sorted(imported.files.items()):
        golden(f"import/archimate/{stem}/{file}", dump_estate_yaml(estate))
    golden(f"import/archimate/{stem}/account.txt", account_text(imported))
    if name in {"Sample1.xml", "archi5_model_zipped.archimate"}:
        # Nothing to keep (a role assigned to a process; two business elements). The draft
        # still writes one empty file for the source, which the loader refuses as empty.
        assert not nodes(imported)
        return
    # What `exitplan validate` does with the written folder.
    load_estate(write_estate(imported, tmp_path / "estate"))
    assert import_sources([FIXTURES / name]).files == imported.files


def test_archisurance_in_four_formats_gives_one_graph() -> None:
    """The same model as exchange 3.0, exchange 2.1, Archi 5 and Archi 2.6 (legacy names)."""
    graphs = {}
    for name in (
        "archisurance.xml",
        "v21_archisurance.xml",
        "archi5_Archisurance.archimate",
        "legacy_archi2_Archisurance.archimate",
    ):
        imported = import_sources([FIXTURES / name])
        kept = sorted(i for i in nodes(imported) if not i.startswith("unknown-supplier"))
        graphs[name] = (kept, sorted(dependencies(imported)))
    first = graphs["archisurance.xml"]
    assert len(first[0]) == 26 + 14  # components and services
    assert len(first[1]) == 40  # 37 direct, 3 derived through processes
    assert all(graph == first for graph in graphs.values())


def test_archisurance_simulates(tmp_path: Path) -> None:
    folder = write_estate(import_sources([FIXTURES / "archisurance.xml"]), tmp_path / "a")
    command = [sys.executable, "-m", "exitplan", "simulate", str(folder), "-w"]
    done = subprocess.run(
        [*command, "component:mainframe", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert '"state": "broken"' in done.stdout
    assert '"id": "claim-files-service"' in done.stdout


# --- determinism ------------------------------------------------------------------------------


def _shuffle(root: etree._Element, shuffler: random.Random) -> None:
    for parent in root.iter():
        if etree.QName(parent).localname in {
            "elements",
            "relationships",
            "folder",
            "propertyDefinitions",
            "propertydefs",
            "model",
        }:
            children = list(parent)
            if etree.QName(parent).localname == "model" and not etree.QName(
                parent
            ).namespace.startswith("http://www.archimatetool.com"):
                continue  # the exchange format's sections come in a fixed order
            shuffler.shuffle(children)
            parent[:] = children


@pytest.mark.parametrize(
    "name",
    [
        "archisurance.xml",
        "v21_archisurance.xml",
        "archi5_Archisurance.archimate",
        "legacy_archi2_Archisurance.archimate",
        "arktect_archi_v5.archimate",
        "zoo_Zoo.archimate",
    ],
)
def test_shuffled_source_gives_the_same_bytes(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = {
        file: dump_estate_yaml(estate)
        for file, estate in import_sources([FIXTURES / name]).files.items()
    }
    root = etree.parse(str(FIXTURES / name)).getroot()
    _shuffle(root, random.Random(7))
    copy = tmp_path / FIXTURES / name
    copy.parent.mkdir(parents=True)
    copy.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    monkeypatch.chdir(tmp_path)  # the same path as given, so the same origins
    shuffled = import_sources([FIXTURES / name])
    assert {f: dump_estate_yaml(e) for f, e in shuffled.files.items()} == expected


# --- element types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "becomes", "why"),
    [
        ("ApplicationComponent", "component", None),
        ("Node", "component", None),
        ("Device", "component", None),
        ("SystemSoftware", "component", None),
        ("Equipment", "component", None),
        ("Facility", "component", None),
        ("CommunicationNetwork", "component", None),
        ("Network", "component", None),  # legacy
        ("CommunicationPath", "component", None),  # legacy
        ("Path", "component", None),
        ("ApplicationService", "service", None),
        ("TechnologyService", "service", None),
        ("InfrastructureService", "service", None),  # legacy
        ("BusinessService", "service", None),
        ("Capability", "capability", None),
        ("Stakeholder", "skip", "motivation"),
        ("Goal", "skip", "motivation"),
        ("Principle", "skip", "motivation"),
        ("Requirement", "skip", "motivation"),
        ("Value", "skip", "motivation"),
        ("Resource", "skip", "strategy"),
        ("CourseOfAction", "skip", "strategy"),
        ("ValueStream", "skip", "strategy"),
        ("BusinessProcess", "skip", "behaviour"),
        ("ApplicationFunction", "skip", "behaviour"),
        ("InfrastructureFunction", "skip", "behaviour"),  # legacy
        ("InfrastructureInterface", "skip", "interface"),  # legacy
        ("BusinessObject", "skip", "passive object"),
        ("DataObject", "skip", "passive object"),
        ("Product", "skip", "business product"),
        ("BusinessActor", "skip", "business actor"),
        ("Location", "skip", "location"),
        ("Grouping", "skip", "grouping"),
        ("Plateau", "skip", "migration element"),
        ("WorkPackage", "skip", "migration element"),
        ("Gap", "skip", "migration element"),
        ("SomethingNew", "skip", "a type the mapping does not keep"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
@pytest.mark.parametrize("form", ["exchange", "native"])
def test_element_type_becomes(
    kind: str, becomes: str, why: str | None, form: str, tmp_path: Path
) -> None:
    content = (exchange if form == "exchange" else native)([("e1", kind, "Thing")])
    imported = run(tmp_path, content)
    if becomes == "skip":
        assert not [n for n in nodes(imported).values() if n.name == "Thing"]
        normal = archimate.normal_type(kind)
        assert why is not None
        assert [w for (t, w) in skipped(imported) if t == normal and why in w], skipped(imported)
    else:
        thing = by_name(imported, "Thing")
        plural = "capabilities" if becomes == "capability" else f"{becomes}s"
        assert any(thing in getattr(e, plural) for e in imported.files.values())
        assert thing.origin.type == archimate.normal_type(kind)


def test_legacy_names_are_read_in_the_current_vocabulary() -> None:
    assert archimate.normal_type("archimate:UsedByRelationship") == "Serving"
    assert archimate.normal_type("RealisationRelationship") == "Realization"
    assert archimate.normal_type("SpecialisationRelationship") == "Specialization"
    assert archimate.normal_type("Serving") == "Serving"
    assert archimate.normal_type("archimate:Junction") == "AndJunction"


# --- relations --------------------------------------------------------------------------------

TWO = [("a", "ApplicationComponent", "A"), ("b", "ApplicationComponent", "B")]
SERVICE = [("a", "ApplicationComponent", "A"), ("s", "ApplicationService", "S")]


@pytest.mark.parametrize(
    ("elements", "relation", "form", "attributes", "expected"),
    [
        (TWO, "Serving", "exchange", "", {"dep": ("B", "A", "hard")}),
        (TWO, "UsedByRelationship", "native", "", {"dep": ("B", "A", "hard")}),
        (TWO, "ServingRelationship", "native", "", {"dep": ("B", "A", "hard")}),
        (TWO, "UsedByRelationship", "2.1", "", {"dep": ("B", "A", "hard")}),
        (SERVICE, "Realization", "exchange", "", {"dep": ("S", "A", "hard")}),
        (SERVICE, "RealisationRelationship", "native", "", {"dep": ("S", "A", "hard")}),
        (TWO, "Assignment", "exchange", "", {"dep": ("B", "A", "hard")}),
        (TWO, "Association", "exchange", "", {"dep": ("A", "B", "soft")}),
        (TWO, "Aggregation", "exchange", "", {"dep": ("A", "B", "soft")}),
        (TWO, "CompositionRelationship", "native", "", {"dep": ("A", "B", "soft")}),
        (TWO, "Flow", "exchange", "", {"flow": ("A", "B", ("unspecified data",))}),
        (TWO, "TriggeringRelationship", "native", "", {"flow": ("A", "B", ("unspecified data",))}),
        (TWO, "Influence", "exchange", "", {"skip": "influence"}),
        (TWO, "Specialization", "exchange", "", {"alternative": ("B", "A")}),
        (TWO, "SpecialisationRelationship", "native", "", {"alternative": ("B", "A")}),
    ],
    ids=[
        "serving: the target needs the source",
        "used-by (Archi 2): as serving",
        "serving (Archi 4+)",
        "used-by (exchange 2.1)",
        "realization: the service needs its realiser",
        "realisation (British, Archi 2)",
        "assignment: the target needs the source",
        "association: soft, as drawn",
        "aggregation: the whole needs its parts softly",
        "composition: as aggregation",
        "flow: a data flow",
        "triggering: a data flow",
        "influence: skipped",
        "specialization: the specialised one is a candidate for the general one",
        "specialisation (British, Archi 2)",
    ],
)
def test_relation_becomes(
    elements: list[Element],
    relation: str,
    form: str,
    attributes: str,
    expected: dict[str, Any],
    tmp_path: Path,
) -> None:
    relations: list[Relation] = [("r", relation, elements[0][0], elements[1][0])]
    if form == "native":
        content = native(elements, relations)
    else:
        content = exchange(elements, relations, version="2.1" if form == "2.1" else "3")
    imported = run(tmp_path, content)
    if "dep" in expected:
        dependent, needed, strength = expected["dep"]
        assert dependencies(imported) == {(dependent, needed, strength, None)}
        entry = by_name(imported, dependent).depends_on[0]
        assert entry.assumed
        assert entry.origin.inferred == ("strength",)
    if "flow" in expected:
        assert flows(imported) == {expected["flow"]}
    if "alternative" in expected:
        assert alternatives(imported) == {expected["alternative"]}
    if "skip" in expected:
        assert not dependencies(imported)
        assert not flows(imported)
        assert any(expected["skip"] in why for (_t, why) in skipped(imported))


@pytest.mark.parametrize(
    ("form", "writes", "reads", "guessed"),
    [
        ("exchange", 'accessType="Write"', 'accessType="Read"', False),
        # absent: the schema says unspecified; read as a write, as Archi does, and assumed
        ("exchange", "", 'accessType="Read"', True),
        ("exchange", 'accessType="ReadWrite"', 'accessType="ReadWrite"', False),
        ("native", "", 'accessType="1"', False),  # Archi: absent = write, 1 = read
        ("native", 'accessType="3"', 'accessType="1"', False),
    ],
    ids=["write-read", "default-read", "readwrite-both", "archi-default-read", "archi-rw-read"],
)
def test_access_to_a_data_object_is_a_flow_from_writer_to_reader(
    form: str, writes: str, reads: str, guessed: bool, tmp_path: Path
) -> None:
    elements: list[Element] = [*TWO, ("d", "DataObject", "Customer record")]
    relations: list[Relation] = [("w", "Access", "a", "d"), ("r", "Access", "b", "d")]
    attributes = {"w": writes, "r": reads}
    build = exchange if form == "exchange" else native
    imported = run(tmp_path, build(elements, relations, relation_attributes=attributes))
    expected = {("A", "B", ("Customer record",))}
    if "ReadWrite" in writes:
        expected.add(("B", "A", ("Customer record",)))
    assert flows(imported) == expected
    for flow in (f for e in imported.files.values() for f in e.data_flows):
        assert flow.assumed is guessed
        assert flow.origin is not None
        assert ("direction" in flow.origin.inferred) is guessed


def test_an_access_whose_id_holds_a_plus_is_a_flow(tmp_path: Path) -> None:
    # Joined ids use "+"; an id that holds one is still only an id.
    elements: list[Element] = [*TWO, ("d", "DataObject", "D")]
    relations: list[Relation] = [("w+1", "Access", "a", "d"), ("r", "Access", "b", "d")]
    attributes = {"w+1": 'accessType="Write"', "r": 'accessType="Read"'}
    imported = run(tmp_path, exchange(elements, relations, relation_attributes=attributes))
    assert flows(imported) == {("A", "B", ("D",))}
    (flow,) = [f for e in imported.files.values() for f in e.data_flows]
    assert flow.origin is not None
    assert (flow.origin.id, flow.origin.inferred) == ("w+1+r", ())


def test_an_access_without_a_counterpart_is_counted(tmp_path: Path) -> None:
    elements: list[Element] = [*TWO, ("d", "DataObject", "D")]
    relations: list[Relation] = [("w", "Access", "a", "d"), ("u", "Access", "b", "d")]
    attributes = {"w": 'accessType="Write"', "u": 'accessType="Access"'}
    imported = run(tmp_path, exchange(elements, relations, relation_attributes=attributes))
    assert not flows(imported)
    assert sum(n for (t, _w), n in skipped(imported).items() if t == "Access") == 2


JUNCTION = [
    ("a", "ApplicationComponent", "A"),
    ("c", "ApplicationComponent", "C"),
    ("b", "ApplicationComponent", "B"),
]
THROUGH = [
    ("r1", "Serving", "a", "j"),
    ("r2", "Serving", "c", "j"),
    ("r3", "Serving", "j", "b"),
]


@pytest.mark.parametrize(
    ("junction", "form", "attributes", "group"),
    [
        ("AndJunction", "exchange", {}, None),
        ("OrJunction", "exchange", {}, "any-of-j"),
        ("Junction", "native", {}, None),
        ("Junction", "native", {"j": 'type="or"'}, "any-of-j"),
        ("OrJunction", "native", {}, "any-of-j"),  # Archi 2.x
    ],
    ids=["and", "or", "archi-and", "archi-or", "archi2-or"],
)
def test_junctions_are_resolved(
    junction: str, form: str, attributes: dict[str, str], group: str | None, tmp_path: Path
) -> None:
    elements: list[Element] = [*JUNCTION, ("j", junction, "Junction")]
    if form == "exchange":
        content = exchange(elements, THROUGH)
    else:
        content = native(elements, THROUGH, element_attributes=attributes)
    imported = run(tmp_path, content)
    assert dependencies(imported) == {("B", "A", "hard", group), ("B", "C", "hard", group)}


def test_junction_in_exchange_21_is_or_by_its_property(tmp_path: Path) -> None:
    elements: list[Element] = [*JUNCTION, ("j", "Junction", "J", {"JunctionType": "OR"})]
    imported = run(tmp_path, exchange(elements, THROUGH, version="2.1"))
    assert {g for (*_, g) in dependencies(imported)} == {"any-of-j"}


def test_a_chain_of_junctions_is_followed(tmp_path: Path) -> None:
    elements: list[Element] = [
        *JUNCTION,
        ("j", "OrJunction", "J"),
        ("k", "AndJunction", "K"),
    ]
    relations: list[Relation] = [
        ("r1", "Serving", "a", "j"),
        ("r2", "Serving", "c", "j"),
        ("r3", "Serving", "j", "k"),
        ("r4", "Serving", "k", "b"),
    ]
    imported = run(tmp_path, exchange(elements, relations))
    assert dependencies(imported) == {
        ("B", "A", "hard", "any-of-j"),
        ("B", "C", "hard", "any-of-j"),
    }


def _junction_chain(length: int, sid: str = "j{}") -> tuple[list[Element], list[Relation]]:
    """A and C serve B through ``length`` AND junctions in a row (ids from ``sid``)."""
    ids = [sid.format(i) for i in range(length)]
    elements: list[Element] = [*JUNCTION, *((j, "AndJunction", "") for j in ids)]
    relations: list[Relation] = [
        ("r-a", "Serving", "a", ids[0]),
        ("r-c", "Serving", "c", ids[0]),
        *((f"r-{ids[i]}", "Serving", ids[i], ids[i + 1]) for i in range(length - 1)),
        ("r-b", "Serving", ids[-1], "b"),
    ]
    return elements, relations


def test_a_long_chain_of_junctions_is_followed_with_a_short_origin(tmp_path: Path) -> None:
    # Once one recursive call per junction: a thousand in a row overflowed the stack.
    long_ids = "id-00000000-0000-0000-0000-{:012x}"
    elements, relations = _junction_chain(1000, long_ids)
    relations.append(("r-back", "Serving", long_ids.format(999), long_ids.format(0)))  # a loop
    imported = run(tmp_path, exchange(elements, relations))
    assert dependencies(imported) == {("B", "A", "hard", None), ("B", "C", "hard", None)}
    origins = {entry.origin.id for entry in by_name(imported, "B").depends_on}
    # Not the thousand ids joined (40,000 characters): the first, the last and a count.
    assert origins == {"r-a+(999 more)+r-b", "r-c+(999 more)+r-b"}
    load_estate(write_estate(imported, tmp_path / "estate"))


def test_an_or_junction_deep_in_a_chain_makes_the_group(tmp_path: Path) -> None:
    elements, relations = _junction_chain(1000)
    elements[len(JUNCTION) + 500] = ("j500", "OrJunction", "")
    imported = run(tmp_path, exchange(elements, relations))
    assert dependencies(imported) == {
        ("B", "A", "hard", "any-of-j500"),
        ("B", "C", "hard", "any-of-j500"),
    }


def test_a_lattice_of_junctions_is_followed_once_per_junction(tmp_path: Path) -> None:
    # 26 layers of two junctions, each joined to both of the next: 2**26 ways from A to B,
    # which were once followed one by one.
    layers = 26
    elements: list[Element] = [
        *JUNCTION,
        *((f"j{i}{side}", "AndJunction", "") for i in range(layers) for side in "xy"),
    ]
    relations: list[Relation] = [
        ("r-ax", "Serving", "a", "j0x"),
        ("r-ay", "Serving", "a", "j0y"),
        *(
            (f"r{i}{one}{other}", "Serving", f"j{i}{one}", f"j{i + 1}{other}")
            for i in range(layers - 1)
            for one in "xy"
            for other in "xy"
        ),
        ("r-bx", "Serving", f"j{layers - 1}x", "b"),
        ("r-by", "Serving", f"j{layers - 1}y", "b"),
    ]
    imported = run(tmp_path, exchange(elements, relations))
    assert dependencies(imported) == {("B", "A", "hard", None)}
    (entry,) = by_name(imported, "B").depends_on
    assert entry.origin.id == "r-ax+(25 more)+r-bx"  # the shortest way, the first ids


def test_of_two_ways_through_junctions_the_shortest_is_the_origin(tmp_path: Path) -> None:
    elements: list[Element] = [
        *JUNCTION,
        ("j", "AndJunction", "J"),
        ("k", "AndJunction", "K"),
        ("m", "AndJunction", "M"),
    ]
    relations: list[Relation] = [
        ("r1", "Serving", "a", "j"),
        ("r2", "Serving", "j", "k"),
        ("r3", "Serving", "k", "m"),
        ("r4", "Serving", "m", "b"),
        ("r5", "Serving", "j", "m"),
        ("r6", "Flow", "m", "c"),
    ]
    imported = run(tmp_path, exchange(elements, relations))
    assert dependencies(imported) == {("B", "A", "hard", None)}
    (entry,) = by_name(imported, "B").depends_on
    assert entry.origin.id == "r1+r5+r4"
    assert skipped(imported)[("Serving", "relations of different types meet at a junction")] == 1


def test_junctions_that_join_too_many_relations_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each relation into a junction joins each out of it: the product can grow without bound.
    monkeypatch.setattr(archimate, "_MOST_JUNCTION_WORK", 10)
    sides = [f"e{i}" for i in range(4)]
    elements: list[Element] = [
        ("j", "AndJunction", "J"),
        *((f"{e}-in", "ApplicationComponent", e) for e in sides),
        *((f"{e}-out", "ApplicationComponent", e.upper()) for e in sides),
    ]
    relations: list[Relation] = [
        *((f"r-{e}-in", "Serving", f"{e}-in", "j") for e in sides),
        *((f"r-{e}-out", "Serving", "j", f"{e}-out") for e in sides),
    ]
    with pytest.raises(InvalidInputError) as caught:
        run(tmp_path, exchange(elements, relations))
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (4, "junction")
    assert "junction 'j'" in problem.message
    assert "more than 10 times" in problem.message


@pytest.mark.parametrize(
    ("count", "middle", "refused"), [(100, False, False), (510, False, True), (510, True, True)]
)
def test_dependencies_derived_beyond_a_bound_are_refused_at_the_element(
    tmp_path: Path, count: int, middle: bool, refused: bool
) -> None:
    """One function, ``count`` components assigned to it, ``count`` services it realises:
    each service derives a need of each component, count squared. 600 of each gave
    360,000 (73 MB of estate from 200 KB, 1.5 GB while importing; helper-78); beyond
    250,000 the model is refused at the element most of them go through: with ``middle``,
    a process between the components and a function of each service, which the first
    element after each service had hidden (helper-82)."""
    hub = ("p", "ApplicationProcess", "Hub") if middle else ("f", "ApplicationFunction", "Hub")
    elements: list[Element] = [hub]
    relations: list[Relation] = []
    for i in range(count):
        elements += [
            (f"c{i}", "ApplicationComponent", f"C{i}"),
            (f"s{i}", "ApplicationService", f"S{i}"),
        ]
        relations.append((f"a{i}", "Assignment", f"c{i}", hub[0]))
        if middle:
            elements.append((f"f{i}", "ApplicationFunction", f"F{i}"))
            relations += [
                (f"v{i}", "Serving", "p", f"f{i}"),
                (f"r{i}", "Realization", f"f{i}", f"s{i}"),
            ]
        else:
            relations.append((f"r{i}", "Realization", "f", f"s{i}"))
    model = exchange(elements, relations)
    if not refused:
        imported = run(tmp_path, model)
        assert len(by_name(imported, "S0").depends_on) == count
        return
    with pytest.raises(InvalidInputError) as caught:
        run(tmp_path, model)
    (problem,) = caught.value.problems
    line = next(
        n
        for n, text in enumerate(model.splitlines(), 1)
        if f'identifier="{hub[0]}"'.encode() in text
    )
    assert (problem.line, problem.field) == (line, "derive_through")
    assert f"{hub[1]} '{hub[0]}': more than 250,000 dependencies" in problem.message


# --- vendors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "relation"),
    [("BusinessActor", "Serving"), ("BusinessRole", "Assignment"), ("BusinessActor", "Assignment")],
)
def test_actor_serving_or_assigned_to_a_component_is_its_vendor(
    actor: str, relation: str, tmp_path: Path
) -> None:
    elements: list[Element] = [("v", actor, "Acme AB"), ("a", "ApplicationComponent", "A")]
    imported = run(tmp_path, exchange(elements, [("r", relation, "v", "a")]))
    component = by_name(imported, "A")
    assert nodes(imported)[component.vendor].name == "Acme AB"
    assert component.assumed
    assert "vendor" in component.origin.inferred
    assert not dependencies(imported)


def test_actors_as_vendors_can_be_turned_off(tmp_path: Path) -> None:
    elements: list[Element] = [("v", "BusinessActor", "Acme"), ("a", "ApplicationComponent", "A")]
    content = exchange(elements, [("r", "Serving", "v", "a")])
    imported = run(tmp_path, content, mapping={"vendors": {"actors": False}})
    assert nodes(imported)[by_name(imported, "A").vendor].name.startswith("Unknown supplier")


def test_two_actors_give_the_same_vendor_whatever_the_order(tmp_path: Path) -> None:
    elements: list[Element] = [
        ("v1", "BusinessActor", "Zeta"),
        ("v2", "BusinessActor", "Alpha"),
        ("a", "ApplicationComponent", "A"),
    ]
    first = run(
        tmp_path, exchange(elements, [("r1", "Serving", "v1", "a"), ("r2", "Serving", "v2", "a")])
    )
    second = run(
        tmp_path,
        exchange(elements[::-1], [("r2", "Serving", "v2", "a"), ("r1", "Serving", "v1", "a")]),
    )
    assert by_name(first, "A").vendor == by_name(second, "A").vendor


@pytest.mark.parametrize("key", ["Vendor", "supplier", "Provider", "Manufacturer"])
@pytest.mark.parametrize("form", ["exchange", "native", "2.1"])
def test_vendor_property_names_the_vendor(key: str, form: str, tmp_path: Path) -> None:
    elements: list[Element] = [("a", "ApplicationComponent", "A", {key: "Microsoft Corporation"})]
    if form == "native":
        content = native(elements)
    else:
        content = exchange(elements, version="2.1" if form == "2.1" else "3")
    imported = run(tmp_path, content)
    component = by_name(imported, "A")
    assert nodes(imported)[component.vendor].name == "Microsoft Corporation"
    assert "vendor" not in component.origin.inferred


def test_a_type_mapped_to_vendor_provides_what_it_serves(tmp_path: Path) -> None:
    elements: list[Element] = [("v", "BusinessActor", "Acme"), ("a", "ApplicationComponent", "A")]
    content = exchange(elements, [("r", "Serving", "v", "a")])
    imported = run(
        tmp_path, content, mapping={"archimate": {"elements": {"BusinessActor": "vendor"}}}
    )
    assert nodes(imported)[by_name(imported, "A").vendor].name == "Acme"


# --- properties -------------------------------------------------------------------------------


def test_properties_and_documentation_go_into_the_note(tmp_path: Path) -> None:
    content = exchange(
        [("a", "ApplicationComponent", "A", {"Owner": "IT", "Lifecycle": "active", "Vendor": "X"})]
    ).replace(
        b"</name><properties>",
        b"</name><documentation>Runs the\n  claims.</documentation><properties>",
    )
    note = by_name(run(tmp_path, content), "A").note
    assert note == "Runs the claims.\nProperties: Lifecycle=active; Owner=IT"


def test_long_documentation_is_cut(tmp_path: Path) -> None:
    content = native([("a", "ApplicationComponent", "A")]).replace(
        b"></element>", b"><documentation>" + b"word " * 1000 + b"</documentation></element>"
    )
    note = by_name(run(tmp_path, content, name="m.archimate"), "A").note
    assert len(note) <= 1000
    assert note.endswith("…")


@pytest.mark.parametrize("form", ["exchange", "native"])
def test_exitplan_properties_are_honoured(form: str, tmp_path: Path) -> None:
    elements: list[Element] = [
        (
            "a",
            "Node",
            "Entra",
            {
                "exitplan-id": "entra-id",
                "exitplan-kind": "component",
                "exitplan-delivery": "saas",
                "Vendor": "Microsoft",
            },
        ),
        ("b", "Node", "Workplace", {"exitplan-id": "it-arbetsplats", "exitplan-kind": "service"}),
        ("c", "ApplicationComponent", "Intune", {"exitplan-id": "intune"}),
        ("d", "ApplicationComponent", "Okta", {"exitplan-id": "okta"}),
    ]
    relations: list[Relation] = [
        ("r1", "Serving", "a", "b", {"exitplan-strength": "soft"}),
        ("r2", "Serving", "a", "c", {"exitplan-strength": "hard", "exitplan-group": "idp"}),
        ("r3", "Serving", "d", "c", {"exitplan-strength": "hard", "exitplan-group": "idp"}),
    ]
    imported = run(tmp_path, (exchange if form == "exchange" else native)(elements, relations))
    found = nodes(imported)
    assert found["entra-id"].delivery.value == "saas"
    assert "delivery" not in found["entra-id"].origin.inferred
    assert "it-arbetsplats" in {s.id for e in imported.files.values() for s in e.services}
    soft = found["it-arbetsplats"].depends_on[0]
    assert (soft.ref, soft.strength, soft.assumed) == ("entra-id", Strength.SOFT, False)
    assert {(d.ref, d.any_of_group, d.assumed) for d in found["intune"].depends_on} == {
        ("entra-id", "idp", False),
        ("okta", "idp", False),
    }
    assert "Properties" not in (found["entra-id"].note or "")


def test_a_bad_exitplan_delivery_is_an_error_with_its_line(tmp_path: Path) -> None:
    content = exchange([("a", "Node", "A", {"exitplan-delivery": "cloud"})])
    with pytest.raises(InvalidInputError) as caught:
        run(tmp_path, content)
    problem = caught.value.problems[0]
    assert (problem.line, problem.field) == (4, "exitplan-delivery")
    assert "'cloud'" in problem.message


@pytest.mark.parametrize("form", ["exchange", "native"])
def test_organisations_and_who_uses_a_service_come_back(form: str, tmp_path: Path) -> None:
    """What exitplan's export writes of organisations: a BusinessActor of kind
    organisation, with its head count and kind, served by the services it uses (the
    people as ``exitplan-users``); and a service's criticality and recovery time."""
    elements: list[Element] = [
        (
            "s",
            "ApplicationService",
            "Mail",
            {
                "exitplan-id": "mail",
                "exitplan-kind": "service",
                "exitplan-criticality": "critical",
                "exitplan-rto-hours": "8.5",
            },
        ),
        (
            "o",
            "BusinessActor",
            "School board",
            {
                "exitplan-id": "schools",
                "exitplan-kind": "organisation",
                "exitplan-organisation-kind": "administration",
                "exitplan-users": "7500",
            },
        ),
        ("p", "BusinessActor", "Parks", {"exitplan-kind": "organisation"}),
    ]
    relations: list[Relation] = [
        ("u1", "Serving", "s", "o", {"exitplan-users": "7000", "exitplan-assumed": "true"}),
        ("u2", "Serving", "s", "p"),
        ("u3", "Serving", "s", "o", {"exitplan-users": "5"}),  # the same two again
    ]
    imported = run(tmp_path, (exchange if form == "exchange" else native)(elements, relations))
    found = [o for estate in imported.files.values() for o in estate.organisations]
    assert {(o.id, o.name, o.kind, o.users) for o in found} == {
        ("schools", "School board", "administration", 7500),
        ("parks", "Parks", None, None),
    }
    mail = nodes(imported)["mail"]
    assert (mail.criticality, mail.rto_hours) == ("critical", 8.5)
    assert [(c.organisation, c.users, c.assumed) for c in mail.consumers] == [
        ("parks", 0, True),
        ("schools", 7000, True),
    ]
    account = imported.account.sources[0]
    assert account.made["use of a service by an organisation"] == 2
    assert account.inferred["users of a service not in the source: 0"] == 1
    assert account.skipped[("Serving", "a second relation between the same two elements")] == 1


_WHERE = ("service", "organisation", "vendor", "component", "other")
"""The elements of the model below, in their order (each on its own line from line 4)."""
_RELATIONS = ("use", "dependency", "alternative", "flow", "roles")
"""Its relations, in their order, from line 10."""


def _model_with(where: str, key: str, given: str, more: Mapping[str, str] | None = None) -> bytes:
    own: dict[str, dict[str, str]] = {
        "service": {"exitplan-kind": "service"},
        "organisation": {"exitplan-kind": "organisation"},
        "vendor": {"exitplan-kind": "vendor"},
        "component": {"exitplan-kind": "component"},
        "other": {"exitplan-kind": "component"},
        "use": {},
        "dependency": {},
        "alternative": {},
        "flow": {},
        "roles": {"exitplan-roles": "licensor"},
    }
    own[where][key] = given
    own[where].update(more or {})
    return exchange(
        [
            ("s", "ApplicationService", "S", own["service"]),
            ("o", "BusinessActor", "O", own["organisation"]),
            ("v", "BusinessActor", "V", own["vendor"]),
            ("c", "ApplicationComponent", "C", own["component"]),
            ("d", "ApplicationComponent", "D", own["other"]),
        ],
        [
            ("u", "Serving", "s", "o", own["use"]),
            ("r", "Serving", "c", "d", own["dependency"]),
            ("a", "Specialization", "d", "c", own["alternative"]),
            ("f", "Flow", "c", "d", own["flow"]),
            ("p", "Association", "v", "c", own["roles"]),
        ],
    )


BAD_FACTS = [
    ("organisation", "exitplan-users", "many"),
    ("organisation", "exitplan-users", "-1"),
    ("organisation", "exitplan-users", "1e99"),
    ("organisation", "exitplan-organisation-kind", "guild"),
    ("service", "exitplan-criticality", "vital"),
    ("service", "exitplan-rto-hours", "nan"),
    ("service", "exitplan-rto-hours", "-4"),
    ("service", "exitplan-tags", "Not A Tag!"),
    ("vendor", "exitplan-hq-country", "Sweden"),
    ("vendor", "exitplan-exposure", "US_CLOUD_ACT, US_NOPE"),
    ("vendor", "exitplan-dpf-certified", "maybe"),
    ("component", "exitplan-lifecycle", "zombie"),
    ("component", "exitplan-licence", "borrowed"),
    ("component", "exitplan-licence-grace-days", "1.5"),
    ("component", "exitplan-support-end", "2027-02-30"),
    ("component", "exitplan-contract-end", "soon"),
    ("component", "exitplan-contract-end", "20271231"),
    ("component", "exitplan-support-end", "2026-W44-7"),
    ("component", "exitplan-licence-grace-days", "1_0"),
    ("component", "exitplan-licence-grace-days", "\u0663\u0660"),
    ("component", "exitplan-cost-per-year", "1_000"),
    ("component", "exitplan-assumed", "yes"),
    ("component", "exitplan-kind", "widget"),
    ("dependency", "exitplan-strength", "medium"),
    ("dependency", "exitplan-assumed", "1"),
    ("component", "exitplan-contract-renewal-months", "0"),
    ("component", "exitplan-cost-per-year", "1e999"),
    ("component", "exitplan-cost-per-year", "=1+1"),
    ("component", "exitplan-data-at-rest", "SE, Europe"),
    ("component", "exitplan-exit-plan", "yes"),
    ("component", "exitplan-exit-note", "x" * 4001),
    ("use", "exitplan-users", "2.5"),
    ("use", "exitplan-users", "=1+1"),
    ("dependency", "exitplan-grace-days", "-3"),
    ("dependency", "exitplan-at-renewal", "sometimes"),
    ("dependency", "exitplan-capabilities", "sign in"),
    ("dependency", "exitplan-coverage", "most"),
    ("alternative", "exitplan-readiness", "R9"),
    ("alternative", "exitplan-effort-weeks", "-1"),
    ("alternative", "exitplan-parallel-months", "six"),
    ("flow", "exitplan-personal-data", "lots"),
    ("flow", "exitplan-classification", "top secret"),
    ("flow", "exitplan-transfer", "by post"),
    ("flow", "exitplan-krt-k", "9"),
    ("flow", "exitplan-suitability-date", "last year"),
    ("flow", "exitplan-suitability-outcome", "fine"),
    ("roles", "exitplan-roles", "licensor, boss"),
]


@pytest.mark.parametrize(("where", "key", "given"), BAD_FACTS)
def test_a_bad_exitplan_fact_is_an_error_with_its_line(
    where: str, key: str, given: str, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        run(tmp_path, _model_with(where, key, given))
    (problem,) = caught.value.problems
    line = 4 + _WHERE.index(where) if where in _WHERE else 10 + _RELATIONS.index(where)
    assert (problem.line, problem.field) == (line, key)
    assert repr(given)[:40] in problem.message  # a long one is cut


@pytest.mark.parametrize("form", ["exchange", "native"])
@pytest.mark.parametrize(
    ("key", "again", "refused"),
    [
        ("exitplan-lifecycle", "retired", True),  # two answers: which is meant?
        ("exitplan-lifecycle", "active", False),  # the same twice says it once
        ("Lifecycle", "retired", False),  # not exitplan's: the first, as Archi shows it
    ],
)
def test_a_property_given_twice(
    form: str, key: str, again: str, refused: bool, tmp_path: Path
) -> None:
    made = exchange if form == "exchange" else native
    once = made([("c", "Node", "C", {key: "active", "exitplan-kind": "component"})])
    other = made([("c", "Node", "C", {key: again, "exitplan-kind": "component"})])

    def holding(model: bytes, value: str) -> bytes:
        """The property element of ``model`` that holds ``value``."""
        found = re.search(
            rb"<property (?:(?!<property ).)*?" + value.encode() + rb".*?(?:</property>|/>)",
            model,
        )
        assert found is not None
        return found.group(0)

    first = holding(once, "active")
    content = once.replace(first, first + holding(other, again), 1)
    if not refused:
        run(tmp_path, content)
        return
    with pytest.raises(InvalidInputError) as caught:
        run(tmp_path, content)
    (problem,) = caught.value.problems
    line = content.count(b"\n", 0, content.index(first)) + 1
    assert (problem.line, problem.field) == (line, key)
    assert problem.message.startswith("given twice, as 'active' and 'retired'")


def test_the_model_of_bad_facts_imports_whole_with_good_ones(tmp_path: Path) -> None:
    """The model the table above spoils, with good values: every relation is read."""
    imported = run(tmp_path, _model_with("component", "exitplan-lifecycle", "active"))
    found = nodes(imported)
    assert found["c"].vendors is None
    assert found["c"].vendor == "v"
    assert [c.organisation for c in found["s"].consumers] == ["o"]
    assert [d.ref for d in found["d"].depends_on] == ["c"]
    (estate,) = [e for e in imported.files.values() if e.alternatives]
    assert [(a.replaces, a.candidate) for a in estate.alternatives] == [("c", "d")]
    assert [(f.source, f.target) for f in estate.data_flows] == [("c", "d")]


@pytest.mark.parametrize("form", ["exchange", "native"])
def test_vendors_come_back_with_their_ids_owners_and_roles(form: str, tmp_path: Path) -> None:
    """What exitplan's export writes of vendors: a BusinessActor of kind vendor with its
    id and facts, an Aggregation from its owner, and an Association to each component it
    provides with its roles."""

    def vendor(sid: str, name: str, **facts: str) -> Element:
        return (sid, "BusinessActor", name, {"exitplan-kind": "vendor", **facts})

    elements: list[Element] = [
        vendor(
            "ms",
            "Microsoft Corporation",
            **{
                "exitplan-id": "microsoft",
                "exitplan-hq-country": "US",
                "exitplan-exposure": "US_CLOUD_ACT, US_FISA702",
                "exitplan-dpf-certified": "true",
                "exitplan-tags": "big-tech",
            },
        ),
        vendor(
            "ie",
            "Microsoft Ireland Operations Limited",
            **{"exitplan-id": "ms-ie", "exitplan-hq-country": "IE", "exitplan-assumed": "true"},
        ),
        vendor("op", "City IT", **{"exitplan-id": "city-it"}),
        vendor("x", "Loop A"),
        vendor("y", "Loop B"),
        (
            "teams",
            "ApplicationComponent",
            "Teams",
            {"exitplan-delivery": "saas", "Vendor": "Microsoft Ireland Operations Limited"},
        ),
        ("sccm", "ApplicationComponent", "ConfigMgr", {"exitplan-delivery": "self_hosted"}),
    ]
    relations: list[Relation] = [
        ("o1", "Aggregation", "ms", "ie"),
        ("o2", "Aggregation", "op", "ie"),  # a second owner
        ("o3", "Aggregation", "x", "y"),
        ("o4", "Aggregation", "y", "x"),  # closes a cycle of owners
        ("p1", "Association", "ie", "teams", {"exitplan-roles": "operator"}),
        ("p2", "Association", "ms", "sccm", {"exitplan-roles": "licensor, support_access"}),
        ("p3", "Association", "op", "sccm", {"exitplan-roles": "operator"}),
    ]
    imported = run(tmp_path, (exchange if form == "exchange" else native)(elements, relations))
    found = nodes(imported)
    microsoft, ireland = found["microsoft"], found["ms-ie"]
    assert (microsoft.hq_country, microsoft.exposure, microsoft.dpf_certified) == (
        "US",
        ("US_CLOUD_ACT", "US_FISA702"),
        True,
    )
    assert (microsoft.tags, microsoft.assumed, microsoft.origin.id) == (("big-tech",), False, "ms")
    assert (ireland.parent, ireland.hq_country, ireland.assumed) == ("microsoft", "IE", True)
    assert found["loop-b"].parent == "loop-a"
    assert found["loop-a"].parent is None
    assert found["teams"].vendor == "ms-ie"  # operator of what it hosts: the shorthand
    assert [(v.vendor, v.roles) for v in found["configmgr"].vendors] == [
        ("city-it", ("operator",)),
        ("microsoft", ("licensor", "support_access")),
    ]
    account = imported.account.sources[0]
    assert account.made["vendor owned by another"] == 2
    assert account.skipped[("Aggregation", "a second owner of a vendor; the first kept")] == 1
    assert account.skipped[("Aggregation", "an owner that would make a cycle of owners")] == 1
    assert account.made["vendor role of a component"] == 3


def test_an_owner_that_is_no_organisation_of_the_model_is_skipped(tmp_path: Path) -> None:
    content = exchange(
        [
            ("s", "ApplicationService", "S", {"exitplan-owner": "it", "exitplan-kind": "service"}),
            ("t", "ApplicationService", "T", {"exitplan-owner": "nobody"}),
            ("o", "BusinessActor", "IT", {"exitplan-kind": "organisation", "exitplan-id": "it"}),
        ]
    )
    imported = run(tmp_path, content)
    found = nodes(imported)
    assert (found["s"].owner, found["t"].owner) == ("it", None)
    skipped = imported.account.sources[0].skipped
    assert skipped[("owner", "not the id of an organisation of the source")] == 1


# --- motivation, strategy, migration ----------------------------------------------------------


def test_motivation_and_strategy_are_skipped_and_counted(tmp_path: Path) -> None:
    elements: list[Element] = [
        ("g1", "Goal", "G1"),
        ("g2", "Goal", "G2"),
        ("d", "Driver", "D"),
        ("r", "Resource", "R"),
        ("a", "ApplicationComponent", "A"),
    ]
    imported = run(tmp_path, exchange(elements, [("i", "Influence", "d", "g1")]))
    counts = {t: n for (t, _w), n in skipped(imported).items()}
    assert counts == {"Goal": 2, "Driver": 1, "Resource": 1, "Influence": 1}
    assert imported.account.sources[0].read == 6


def test_migration_elements_are_reported_and_plateaus_offer_successors(tmp_path: Path) -> None:
    elements: list[Element] = [
        ("p1", "Plateau", "Today"),
        ("p2", "Plateau", "2027"),
        ("w", "WorkPackage", "Move mail"),
        ("old", "ApplicationComponent", "Exchange Online"),
        ("new", "ApplicationComponent", "Open-Xchange"),
        ("kept", "ApplicationComponent", "Directory"),
    ]
    relations: list[Relation] = [
        ("t", "Triggering", "p1", "p2"),
        ("h1", "Aggregation", "p1", "old"),
        ("h2", "Composition", "p1", "kept"),
        ("h3", "Aggregation", "p2", "new"),
        ("h4", "Aggregation", "p2", "kept"),
    ]
    imported = run(tmp_path, exchange(elements, relations))
    assert alternatives(imported) == {("Exchange Online", "Open-Xchange")}
    (note,) = imported.account.sources[0].notes
    assert "Plateau '2027'" in note
    assert "WorkPackage 'Move mail'" in note
    assert skipped(imported)[("Plateau", "migration element: reported, not simulated")] == 2


# --- the mapping file -------------------------------------------------------------------------


def test_a_mapping_file_changes_only_what_it_names() -> None:
    rules = archimate.Rules.model_validate(
        {"elements": {"Network": "skip"}, "relations": {"UsedBy": {"becomes": "skip"}}}
    )
    assert rules.elements["CommunicationNetwork"] == "skip"
    assert rules.elements["Node"] == "component"
    assert rules.relations["Serving"].becomes == "skip"
    assert rules.relations["Realization"].reverse


@pytest.mark.parametrize(
    ("through", "says"),
    [
        (["ApplicationFunction", 5], "derive_through.1"),
        ([["ApplicationFunction"]], "derive_through.0"),
        (["ApplicationFuntcion"], "not an ArchiMate element type; did you mean"),
    ],
)
def test_a_mapping_derives_through_element_types_only(through: list[Any], says: str) -> None:
    """A misspelt or non-text type was taken and quietly derived less (helper-60)."""
    with pytest.raises(ValidationError) as raised:
        archimate.Rules.model_validate({"derive_through": through})
    assert says in str(raised.value)
    used = archimate.Rules.model_validate({"derive_through": ["BusinessProcess"]})
    assert used.derive_through == ("BusinessProcess",)


def test_a_type_mapped_to_skip_says_so(tmp_path: Path) -> None:
    imported = run(
        tmp_path,
        exchange([("n", "Node", "N")]),
        mapping={"archimate": {"elements": {"Node": "skip"}}},
    )
    assert skipped(imported) == {("Node", "skipped by the mapping file"): 1}


def test_the_default_mapping_is_in_the_mapping_model() -> None:
    assert mapping_model()().archimate.relations["Serving"].reverse  # type: ignore[attr-defined]


# --- detection --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REAL)
def test_real_models_are_detected(name: str) -> None:
    assert archimate.detect(FIXTURES / name)


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0"?><model xmlns="http://example.org/other"/>',
        b"<model/>",
        b"components: []\n",
        b"",
        b"\x00\x01\x02",
        b'<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.4"/>',
    ],
)
def test_other_files_are_not_detected(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_bytes(content)
    assert not archimate.detect(path)


def test_a_folder_of_models_is_read(tmp_path: Path) -> None:
    (tmp_path / "one.xml").write_bytes(exchange([("a", "Node", "A")]))
    (tmp_path / "two.archimate").write_bytes(native([("b", "Node", "B")]))
    (tmp_path / "notes.xml").write_bytes(b"<notes/>")
    assert archimate.detect(tmp_path)
    imported = import_sources([tmp_path], fmt="archimate")
    assert {"A", "B"} <= {n.name for n in nodes(imported).values()}
    assert len(imported.account.sources) == 2


# --- hostile and broken files -----------------------------------------------------------------

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE model [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/"><name>&lol3;</name></model>
"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE model [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/"><name>&secret;</name></model>
"""


@pytest.mark.parametrize(
    ("content", "line", "says"),
    [
        (LAUGHS, 2, "DOCTYPE"),
        (EXTERNAL, 2, "DOCTYPE"),
        (b'<?xml version="1.0"?>\n<catalog><item/></catalog>\n', 2, "not an ArchiMate model"),
        (exchange([("a", "Node", "A")])[:-40], 7, "not well-formed"),
        (
            b'<?xml version="1.0"?>\n<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/">'
            b"\n<name>a\x01b</name></model>",
            3,
            "not well-formed",
        ),
        (exchange(TWO, [("r", "Serving", "a", "")]), 7, "has no target"),
        (exchange(TWO, [("r", "Serving", "", "")]), 7, "has no source and target"),
        (native(TWO, [("r", "ServingRelationship", "a", "")]), 6, "has no target"),
        (exchange(TWO).replace(b'identifier="a" ', b""), 4, "without an identifier"),
        (exchange(TWO).replace(b' xsi:type="ApplicationComponent"', b"", 1), 4, "no xsi:type"),
    ],
    ids=[
        "billion laughs",
        "external entity",
        "not ArchiMate",
        "truncated",
        "control character",
        "no target",
        "no ends",
        "archi: no target",
        "no identifier",
        "no type",
    ],
)
def test_bad_files_are_refused_with_file_and_line(
    content: bytes, line: int, says: str, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        run(tmp_path, content)
    (problem,) = caught.value.problems
    assert problem.file.endswith("model.xml")
    assert problem.line == line, problem
    assert says in problem.message


@pytest.mark.parametrize("form", ["exchange", "native"])
def test_every_element_the_model_cannot_hold_is_told_at_once(form: str, tmp_path: Path) -> None:
    """One per run: a missing identifier, then a missing type, then a relationship with no
    ends, each after the one before was fixed (helper-60)."""
    relations = [("r1", "Serving", "a", ""), ("r2", "Serving", "", "b")]
    if form == "exchange":
        content = exchange(TWO, relations).replace(b'identifier="a" ', b"")
    else:
        content = native(TWO, [(i, f"{t}Relationship", a, b) for i, t, a, b in relations])
        content = content.replace(b' id="a"', b"")
    with pytest.raises(InvalidInputError) as caught:
        run(tmp_path, content)
    said = [p.message for p in caught.value.problems]
    assert len(said) == 3, said
    assert any("without an identifier" in m for m in said)
    assert any("'r1' has no target" in m for m in said)
    assert any("'r2' has no source" in m for m in said)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_doctype_is_refused_in_utf16_too(encoding: str, tmp_path: Path) -> None:
    # The search of the raw bytes for "<!DOCTYPE" does not see it in UTF-16.
    declared = "UTF-16" if encoding == "utf-16" else encoding.upper()
    content = EXTERNAL.decode().replace('"1.0"?>', f'"1.0" encoding="{declared}"?>\n')
    with pytest.raises(InvalidInputError) as caught:
        run(tmp_path, content.encode(encoding))
    (problem,) = caught.value.problems
    assert problem.line == 3
    assert "DOCTYPE declaration is refused" in problem.message


def test_deep_nesting_is_refused_and_deep_folders_are_read(tmp_path: Path) -> None:
    def nested(depth: int) -> bytes:
        body = native([("a", "Node", "A")])
        opening = "".join(f'<folder name="f{i}" id="f{i}">' for i in range(depth))
        return body.replace(
            b'<folder name="Elements" id="els">',
            f'<folder name="Elements" id="els">{opening}'.encode(),
        ).replace(b"</archimate:model>", ("</folder>" * depth).encode() + b"</archimate:model>")

    assert by_name(run(tmp_path, nested(200)), "A").name == "A"
    with pytest.raises(InvalidInputError) as caught:
        run(tmp_path, nested(400))
    (problem,) = caught.value.problems
    # libxml2 said to use its XML_PARSE_HUGE option, which no user can set (helper-78)
    assert problem.message == "elements nest more than 256 deep; no model needs that"
    assert problem.line == 3  # where the folders open


@pytest.mark.parametrize("where", ["text", "attribute", "comment", "name"])
def test_a_text_beyond_the_reader_s_bound_is_refused_in_the_user_s_terms(
    tmp_path: Path, where: str
) -> None:
    """libxml2 refuses a text, value or comment of over 10,000,000 bytes in one place and a
    name of over 50,000 characters, and said "try XML_PARSE_HUGE" (helper-78), or called
    the file not well-formed (helper-82)."""
    long = "x" * 10_000_001
    model = exchange([("a", "ApplicationComponent", "A")])
    if where == "text":
        model = model.replace(
            b"</model>", f"<documentation>{long}</documentation></model>".encode()
        )
    elif where == "comment":
        model = model.replace(b"</model>", f"<!--{long}--></model>".encode())
    elif where == "name":
        model = model.replace(b"</model>", f"<{'n' * 50_001}/></model>".encode())
    else:
        model = model.replace(b'identifier="a"', f'identifier="a" x="{long}"'.encode())
    with pytest.raises(InvalidInputError) as caught:
        run(tmp_path, model)
    (problem,) = caught.value.problems
    assert problem.message == (
        "a name of more than 50,000 characters; no model needs that"
        if where == "name"
        else "a text, value or comment of more than 10,000,000 bytes in one place; no model "
        "needs that"
    )


def test_a_name_with_control_and_bidi_characters_is_escaped_and_loads(tmp_path: Path) -> None:
    name = "Pay\u202eroll\u200b\u0085sys\x7f\ttem"
    imported = run(tmp_path, exchange([("a", "ApplicationComponent", name)]))
    text = "".join(dump_estate_yaml(e) for e in imported.files.values())
    for escaped in ("\\u202E", "\\u200B", "\\N", "\\x7F", "\\t"):
        assert escaped in text
    assert "\u202e" not in text
    estate = load_estate(write_estate(imported, tmp_path / "estate"))
    assert name in {c.name for c in estate.components}


def test_relations_to_unknown_ids_and_duplicate_ids_are_counted(tmp_path: Path) -> None:
    elements: list[Element] = [*TWO, ("a", "Node", "Second A")]
    relations: list[Relation] = [
        ("r1", "Serving", "a", "missing"),
        ("r2", "Serving", "a", "b"),
        ("r2", "Flow", "a", "b"),
        ("b", "Flow", "a", "b"),
        ("r3", "Association", "r2", "a"),
    ]
    imported = run(tmp_path, exchange(elements, relations))
    assert dependencies(imported) == {("B", "A", "hard", None)}
    assert skipped(imported) == {
        ("Node", "the same id appears twice in the source; the first kept"): 1,
        ("Flow", "the same id appears twice in the source; the first kept"): 2,
        ("Serving", "refers to an element that is not in the file"): 1,
        ("Association", "a relation to or from another relation"): 1,
    }
    assert imported.account.sources[0].read == 8


def test_the_zipped_archive_format_is_read(tmp_path: Path) -> None:
    imported = import_sources([FIXTURES / "archi5_model_zipped.archimate"])
    assert imported.account.sources[0].read > 0


def test_a_zip_without_a_model_is_refused(tmp_path: Path) -> None:
    import zipfile  # noqa: PLC0415

    path = tmp_path / "m.archimate"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("images/x.png", b"x")
    with pytest.raises(InvalidInputError) as caught:
        import_sources([path], fmt="archimate")
    assert "not an Archi model archive" in caught.value.problems[0].message


@pytest.mark.parametrize(
    ("rule", "expected_dependencies", "expected_flows"),
    [
        ({"Flow": {"becomes": "data_flow", "reverse": True}}, set(), {("B", "A", ("orders",))}),
        (
            {"Flow": {"becomes": "dependency", "strength": "soft"}},
            {("A", "B", "soft", None)},
            set(),
        ),
        ({"Flow": {"becomes": "skip"}}, set(), set()),
    ],
    ids=["flow reversed", "flow as a soft dependency", "flow skipped"],
)
def test_a_relation_rule_in_the_mapping_file_is_followed(
    rule: dict[str, Any],
    expected_dependencies: set[tuple[str, str, str, str | None]],
    expected_flows: set[tuple[str, str, tuple[str, ...]]],
    tmp_path: Path,
) -> None:
    content = exchange(TWO, [("r", "Flow", "a", "b")]).replace(
        b'xsi:type="Flow">', b'xsi:type="Flow"><name>orders</name>'
    )
    imported = run(tmp_path, content, mapping={"archimate": {"relations": rule}})
    assert dependencies(imported) == expected_dependencies
    assert flows(imported) == expected_flows


# --- derived dependencies ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("elements", "relations", "expected"),
    [
        (
            [
                ("c", "ApplicationComponent", "C"),
                ("f", "ApplicationFunction", "F"),
                ("s", "ApplicationService", "S"),
            ],
            [("r1", "Assignment", "c", "f"), ("r2", "Realization", "f", "s")],
            {("S", "C", "hard", None)},
        ),
        (
            [
                ("a", "ApplicationService", "A"),
                ("p", "BusinessProcess", "P"),
                ("b", "BusinessService", "B"),
            ],
            [("r1", "Serving", "a", "p"), ("r2", "Realization", "p", "b")],
            {("B", "A", "hard", None)},
        ),
        (
            [
                ("c", "ApplicationComponent", "C"),
                ("i", "ApplicationInterface", "I"),
                ("d", "ApplicationComponent", "D"),
            ],
            [("r1", "Composition", "c", "i"), ("r2", "Serving", "i", "d")],
            {("D", "C", "hard", None)},
        ),
        (
            [
                ("c", "ApplicationComponent", "C"),
                ("f", "ApplicationFunction", "F"),
                ("s", "ApplicationService", "S"),
            ],
            [("r1", "Association", "f", "c"), ("r2", "Realization", "f", "s")],
            {("S", "C", "soft", None)},
        ),
        (
            [
                ("c", "ApplicationComponent", "C"),
                ("e", "BusinessEvent", "E"),
                ("s", "ApplicationService", "S"),
            ],
            [("r1", "Assignment", "c", "e"), ("r2", "Realization", "e", "s")],
            set(),
        ),
    ],
    ids=[
        "component assigned to a function that realises a service",
        "business service realised by a process an application service serves",
        "through the interface a component is composed of",
        "a soft link makes the chain soft",
        "not through events",
    ],
)
def test_dependencies_are_derived_through_behaviour_and_interfaces(
    elements: list[Element],
    relations: list[Relation],
    expected: set[tuple[str, str, str, str | None]],
    tmp_path: Path,
) -> None:
    imported = run(tmp_path, exchange(elements, relations))
    assert dependencies(imported) == expected
    for item in nodes(imported).values():
        for entry in getattr(item, "depends_on", ()):
            assert entry.assumed
            assert entry.origin.type.startswith("derived: ")
            assert entry.origin.inferred == ("ref", "strength")


def test_no_derived_dependency_beside_a_direct_one_or_when_turned_off(tmp_path: Path) -> None:
    elements: list[Element] = [
        ("c", "ApplicationComponent", "C"),
        ("f", "ApplicationFunction", "F"),
        ("s", "ApplicationService", "S"),
    ]
    relations: list[Relation] = [("r1", "Assignment", "c", "f"), ("r2", "Realization", "f", "s")]
    direct = run(tmp_path, exchange(elements, [*relations, ("r3", "Realization", "c", "s")]))
    assert dependencies(direct) == {("S", "C", "hard", None)}
    (entry,) = by_name(direct, "S").depends_on
    assert entry.origin.type == "Realization"
    off = run(
        tmp_path,
        exchange(elements, relations),
        mapping={"archimate": {"derive_through": []}},
    )
    assert not dependencies(off)


def test_an_access_by_a_function_is_a_flow_of_the_component_assigned_to_it(
    tmp_path: Path,
) -> None:
    elements: list[Element] = [
        *TWO,
        ("f", "ApplicationFunction", "Store"),
        ("g", "ApplicationFunction", "Report"),
        ("d", "DataObject", "Claims"),
    ]
    relations: list[Relation] = [
        ("a1", "Assignment", "a", "f"),
        ("a2", "Assignment", "b", "g"),
        ("w", "Access", "f", "d"),
        ("r", "Access", "g", "d"),
    ]
    attributes = {"w": 'accessType="Write"', "r": 'accessType="Read"'}
    imported = run(tmp_path, exchange(elements, relations, relation_attributes=attributes))
    assert flows(imported) == {("A", "B", ("Claims",))}
    (flow,) = [f for e in imported.files.values() for f in e.data_flows]
    assert flow.assumed
    assert flow.origin is not None
    assert set(flow.origin.inferred) == {"from", "to"}


def test_a_fifo_is_not_detected(tmp_path: Path) -> None:
    import os  # noqa: PLC0415

    fifo = tmp_path / "model.xml"
    os.mkfifo(fifo)
    assert not archimate.detect(fifo)


def test_a_corrupt_archive_is_refused(tmp_path: Path) -> None:
    import zipfile  # noqa: PLC0415

    path = tmp_path / "m.archimate"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("model.xml", b"<model>" + b"x" * 4000 + b"</model>")
    raw = bytearray(path.read_bytes())
    start = 30 + len(b"model.xml")
    raw[start : start + 8] = b"\xff" * 8  # the deflate stream, broken
    path.write_bytes(bytes(raw))
    with pytest.raises(InvalidInputError) as caught:
        import_sources([path], fmt="archimate")
    assert "not an Archi model archive" in caught.value.problems[0].message


def test_the_estate_header_is_read_from_either_form(tmp_path: Path) -> None:
    """The model's own properties: of an exchange file, its <properties>; of an Archi
    file, the <property> children of the model (one in a folder is the folder's)."""
    component = [("c", "ApplicationComponent", "C")]
    exchanged = exchange(component).replace(
        b"<elements>",
        b'<properties><property propertyDefinitionRef="h1"><value>2027-01-15</value>'
        b'</property><property propertyDefinitionRef="h2"><value>EUR</value></property>'
        b"</properties>\n<elements>",
    )
    exchanged = exchanged.replace(
        b"</model>",
        b'<propertyDefinitions><propertyDefinition identifier="h1" type="string"><name>'
        b'exitplan-as-of</name></propertyDefinition><propertyDefinition identifier="h2" '
        b'type="string"><name>exitplan-currency</name></propertyDefinition>'
        b"</propertyDefinitions></model>",
    )
    archi = native(component).replace(
        b'version="5.0.0">\n',
        b'version="5.0.0">\n<property key="exitplan-as-of" value="2027-01-15"/>'
        b'<property key="exitplan-currency" value="EUR"/>\n',
    )
    archi = archi.replace(
        b'<folder name="deeper" id="f2">',
        b'<folder name="deeper" id="f2"><property key="exitplan-currency" value="USD"/>',
    )
    assert b"exitplan-currency" in exchanged
    for content in (exchanged, archi):
        imported = run(tmp_path, content)
        assert imported.header == {"as_of": date(2027, 1, 15), "currency": "EUR"}
    bad = archi.replace(b'value="2027-01-15"', b'value="2027-13-01"')
    with pytest.raises(InvalidInputError) as caught:
        run(tmp_path, bad)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (3, "exitplan-as-of")
    assert problem.message.startswith("the model: '2027-13-01'")


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"exitplan-krt-k": "2"}, "exitplan-krt-k is"),
        ({"exitplan-krt-r": "1", "exitplan-krt-t": "1"}, "exitplan-krt-r and exitplan-krt-t are"),
        ({"exitplan-suitability-outcome": "passed"}, "exitplan-suitability-outcome is"),
    ],
)
def test_facts_that_go_together_are_given_together(
    given: dict[str, str], missing: str, tmp_path: Path
) -> None:
    (key, value), *rest = given.items()
    with pytest.raises(InvalidInputError) as caught:
        run(tmp_path, _model_with("flow", key, value, dict(rest)))
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (13, key)
    assert problem.message.endswith(f"go together; only {missing} given")


def _lzma_damaged(model: bytes) -> bytes:
    import io  # noqa: PLC0415
    import zipfile  # noqa: PLC0415

    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_LZMA) as archive:
        archive.writestr("model.xml", model)
    raw = bytearray(packed.getvalue())
    for index in range(80, 280):  # inside the compressed model
        raw[index] ^= 0x5A
    return bytes(raw)


def _cut_short(model: bytes) -> bytes:
    import io  # noqa: PLC0415
    import struct  # noqa: PLC0415
    import zipfile  # noqa: PLC0415

    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("model.xml", model[:2000])
    raw = bytearray(packed.getvalue())
    entry = raw.find(b"PK\x01\x02")  # the directory says 7,000 bytes; the member has 2,000
    struct.pack_into("<II", raw, entry + 20, 7000, 7000)
    return bytes(raw)


@pytest.mark.parametrize(
    ("damage", "told"),
    [
        (_lzma_damaged, "not an Archi model archive: Corrupt input data"),
        (_cut_short, "not an Archi model archive: it ends before its data does"),
    ],
)
def test_a_damaged_archive_is_refused(tmp_path: Path, damage: Any, told: str) -> None:
    """LZMA's and a short member's errors were not caught: exit 3 (helper-63)."""
    path = tmp_path / "m.archimate"
    path.write_bytes(damage((FIXTURES / "archi5_Archisurance.archimate").read_bytes()))
    with pytest.raises(InvalidInputError) as caught:
        import_sources([path], fmt="archimate")
    assert told in caught.value.problems[0].message


_ARCHI = 'xmlns:archimate="http://www.archimatetool.com/archimate"'


@pytest.mark.parametrize(
    "model_root",
    [
        f'<archimate:ArchimateModel {_ARCHI} name="M" id="m"/>',  # as coArchi writes it
        f'<archimate:model {_ARCHI} name="M" id="m"/>',  # an empty model with folders beside
    ],
    ids=["grafico-root", "empty-model-with-folders"],
)
@pytest.mark.parametrize("given", ["folder", "file"])
def test_a_coarchi_model_is_refused_with_what_to_do(
    model_root: str, given: str, tmp_path: Path, run_cli: RunCli
) -> None:
    """A model kept in git by coArchi imported as an empty estate, or was "not a format
    exitplan imports" (helper-70, on the NBility model's Grafico folder)."""
    model = tmp_path / "model"
    (model / "application").mkdir(parents=True)
    (model / "folder.xml").write_text(model_root, encoding="utf-8")
    (model / "application" / "folder.xml").write_text(
        f'<archimate:Folder {_ARCHI} name="Application" id="f" type="application"/>',
        encoding="utf-8",
    )
    (model / "application" / "ApplicationComponent_a.xml").write_text(
        f'<archimate:ApplicationComponent {_ARCHI} name="A" id="a"/>', encoding="utf-8"
    )
    source = model if given == "folder" else model / "folder.xml"
    result = run_cli("import", source, "-o", tmp_path / "out")
    assert result.exit_code == 2, result.stdout
    assert "kept by coArchi (Grafico" in result.stderr
    assert "save it as an .archimate file" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_archi_specialisation_is_kept_in_the_note(tmp_path: Path) -> None:
    """Archi's specialisations (profiles, listed after the folders and named by id) were
    dropped without a trace (helper-98, on pyArchimate's profile.archimate)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<archimate:model xmlns:xsi="{XSI}" {_ARCHI} name="M" id="m" version="5.0.0">\n'
        '<folder name="Application" id="f" type="application">\n'
        '<element xsi:type="archimate:ApplicationComponent" name="Mail" id="a" '
        'profiles="p1 p9"><documentation>Where mail lives</documentation></element>\n'
        '<element xsi:type="archimate:ApplicationComponent" name="Chat" id="b"/>\n'
        "</folder>\n"
        '<profile name="Cloud service" id="p1" conceptType="ApplicationComponent"/>\n'
        "</archimate:model>\n"
    ).encode()
    found = nodes(run(tmp_path, content, "model.archimate"))
    assert found["mail"].note == "Where mail lives\nSpecialization: Cloud service; p9"
    assert found["chat"].note is None
