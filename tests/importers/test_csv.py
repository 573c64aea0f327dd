"""The CSV and Excel importer: real and written fixtures, the mapping tables, hostile files."""

from __future__ import annotations

import gc
import io
import random
import re
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from exitplan.errors import InvalidInputError
from exitplan.importers import csv as csv_import
from exitplan.importers import import_sources
from exitplan.importers.draft import Draft, Imported
from exitplan.loading import load_estate
from tests.conftest import CheckGolden, RunCli
from tests.importers import imported_texts, write_imported

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "csv"
CASES = {
    "servicenow": ["servicenow/cmdb_ci.csv", "servicenow/cmdb_rel_ci.csv"],
    "itop": ["itop/itop-export.csv", "itop/itop-relations.csv"],
    "gsa": ["gsa/it-standards.csv"],
    # Archi's CSV export: the properties file names elements of the elements file
    "archi": [
        "archi/test1-elements.csv",
        "archi/test1-relations.csv",
        "archi/test1-properties.csv",
    ],
}


@pytest.fixture(autouse=True)
def _in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    """File names in origins and messages are relative to the fixtures folder."""
    monkeypatch.chdir(FIXTURES)


def _import(*paths: Path | str) -> Imported:
    return import_sources([Path(path) for path in paths], fmt="csv")


def _elements(imported: Imported) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for content in imported.files.values():
        for section in ("components", "services", "capabilities", "organisations", "vendors"):
            for item in getattr(content, section):
                found[item.id] = item
    return found


def _table(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _problems(*paths: Path) -> list[str]:
    with pytest.raises(InvalidInputError) as raised:
        _import(*paths)
    return [str(problem) for problem in raised.value.problems]


# --- fixtures: golden estates, loading, simulating --------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES), ids=sorted(CASES))
def test_fixture_golden_loads_and_simulates(
    case: str, golden: CheckGolden, tmp_path: Path, run_cli: RunCli
) -> None:
    imported = _import(*CASES[case])
    for name, text in sorted(imported_texts(imported).items()):
        golden(f"import/csv/{case}/{name}", text)
    folder = write_imported(imported, tmp_path / case)
    estate = load_estate(folder)
    if case == "archi":  # an actor, an interface and a role: skipped as the Archi import does
        assert (estate.components, [o.id for o in estate.organisations]) == ((), ["business-actor"])
        return
    component = estate.components[0].id
    result = run_cli("simulate", folder, "-w", f"component:{component}")
    assert result.exit_code == 0, result.stderr


def test_archis_properties_file_makes_no_element_of_its_own() -> None:
    """Its rows name elements of the elements file; read as a components table they were
    three components named by raw ids, one of them a copy of an organisation."""
    imported = _import(*CASES["archi"])
    made = {origin.file for element in _elements(imported).values() if (origin := element.origin)}
    assert made == {"archi/test1-elements.csv"}
    assert any(
        "archi/test1-properties.csv: Archi's properties table not read (7 properties)" in note
        for source in imported.account.sources
        for note in source.notes
    )


def test_archis_export_takes_the_other_archimate_types_as_the_archi_import_does(
    tmp_path: Path,
) -> None:
    """A business object, a value stream and a grouping of an Archi CSV export were made
    components by other_types (helper-66: 173 of them in the NBility model, whose
    .archimate file makes none); equipment is a component as there. Outside Archi's export
    (no model row) a type not listed is still other_types."""
    rows = (
        '"ID","Type","Name","Documentation","Specialization"\n'
        '"m","ArchimateModel","Model","",""\n'
        '"a","ApplicationComponent","App","",""\n'
        '"o","BusinessObject","Invoice","",""\n'
        '"v","ValueStream","Connect a customer","",""\n'
        '"g","Grouping","Domain","",""\n'
        '"e","Equipment","Transformer","",""\n'
        '"s","ApplicationComponent","App 2","",""\n'
        '"j","Junction","","",""\n'
    )
    elements = _table(tmp_path, "elements.csv", rows)
    relations = _table(
        tmp_path,
        "relations.csv",
        '"ID","Type","Name","Documentation","Source","Target","Specialization"\n'
        '"r1","ServingRelationship","","","e","a",""\n'
        '"r2","SpecializationRelationship","","","s","a",""\n'
        '"r3","InfluenceRelationship","","","e","s",""\n',
    )
    imported = import_sources([], fmt="csv", tables=(elements, relations))
    made = _elements(imported)
    assert sorted(made) == ["app", "app-2", "transformer", "unknown-supplier-elements-csv"]
    assert [d.ref for d in made["app"].depends_on] == ["transformer"]
    skipped = {(kind, why) for source in imported.account.sources for kind, why in source.skipped}
    assert ("BusinessObject", "passive object: not something that can be withdrawn") in skipped
    assert ("Grouping", "grouping: a drawing aid, not an element") in skipped
    assert any(kind == "Junction" for kind, _ in skipped)  # not a component (helper-68)
    alternatives = [a for content in imported.files.values() for a in content.alternatives]
    assert [(a.replaces, a.candidate) for a in alternatives] == [("app", "app-2")]
    lower = _table(  # helper-69: the mapping's types are read in any case, so are these
        tmp_path,
        "lower.csv",
        '"ID","Type","Name"\n"m","archimatemodel","M"\n"o","BUSINESSOBJECT","Invoice"\n'
        '"j","junction",""\n"a","applicationcomponent","App"\n',
    )
    assert sorted(_elements(import_sources([lower], fmt="csv"))) == [
        "app",
        "unknown-supplier-lower-csv",
    ]
    plain = _table(tmp_path, "plain.csv", '"ID","Type","Name"\n"o","BusinessObject","Invoice"\n')
    assert sorted(_elements(import_sources([plain], fmt="csv"))) == [
        "invoice",
        "unknown-supplier-plain-csv",
    ]


def test_servicenow_mapping() -> None:
    imported = _import(*CASES["servicenow"])
    elements = _elements(imported)
    workplace = elements["digital-workplace"]
    assert workplace.criticality == "critical"
    assert {d.ref for d in workplace.depends_on} == {
        "exchange-online",
        "intune",
        "file-server-fs01",
    }
    assert elements["exchange-online"].vendor == "microsoft"  # vendor column before manufacturer
    assert elements["vmware-esxi-cluster"].vendor == "broadcom"
    assert elements["sql01"].lifecycle == "retired"
    assert elements["hr-portal"].note.startswith("=HYPERLINK(")  # kept as text
    source = imported.account.sources[0]
    assert source.skipped[("cmdb_ci_ip_address", "its type is mapped to skip")] == 1
    assert source.skipped[("Backed up by::Backs up", "its relation type is mapped to skip")] == 1
    assert imported.account.cycles == [("exchange-online", "microsoft-entra-id", "exchange-online")]
    origin = workplace.depends_on[0].origin
    assert origin.file == "servicenow/cmdb_rel_ci.csv"


def test_same_bytes_twice_and_with_rows_shuffled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = imported_texts(_import(*CASES["servicenow"]))
    assert imported_texts(_import(*CASES["servicenow"])) == first
    for seed in (1, 2, 3):
        folder = tmp_path / str(seed) / "servicenow"
        folder.mkdir(parents=True)
        for name in CASES["servicenow"]:
            header, *records = _records(FIXTURES / name)
            random.Random(seed).shuffle(records)
            (folder / Path(name).name).write_text("".join([header, *records]), encoding="utf-8")
        monkeypatch.chdir(folder.parent)
        assert imported_texts(_import(*reversed(CASES["servicenow"]))) == first


def _records(path: Path) -> list[str]:
    """The records of a CSV file as text, each ending in a line feed (a quoted cell may
    hold a line break, so records are not lines)."""
    text = path.read_text(encoding="utf-8")
    records, current, quoted = [], "", False
    for char in text:
        current += char
        if char == '"':
            quoted = not quoted
        elif char == "\n" and not quoted:
            records.append(current)
            current = ""
    return records


# --- table-driven mapping rules ------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field", "expected"),
    [
        ("Name,Manufacturer", "vendor", "acme"),
        ("name,Vendor", "vendor", "acme"),
        ("Display Name,SUPPLIER", "vendor", "acme"),
        ("standard_name,Publisher", "vendor", "acme"),
        ("NAME,Deployment Type", "delivery", "saas"),
        ("name,hosting model", "delivery", "saas"),
        ("name,Status", "lifecycle", "retired"),
        ("name,operational_status", "lifecycle", "retired"),
        ("name,Cost per year", "cost_per_year", 1250.5),
        ("name,Contract End", "contract", "2027-01-31"),
    ],
    ids=[
        "manufacturer",
        "vendor",
        "supplier",
        "publisher",
        "deployment-type",
        "hosting-model",
        "status",
        "operational-status",
        "cost",
        "contract-end",
    ],
)
def test_header_aliases(tmp_path: Path, header: str, field: str, expected: object) -> None:
    values = {
        "vendor": "Acme Inc.",
        "delivery": "SaaS",
        "lifecycle": "Retired",
        "cost_per_year": '"1,250.50"',
        "contract": "2027-01-31",
    }
    path = _table(tmp_path, "ci.csv", f"{header}\nWidget,{values[field]}\n")
    widget = _elements(_import(path))["widget"]
    value = getattr(widget, field)
    if field == "contract":
        value = value.end.isoformat()
    assert value == expected


@pytest.mark.parametrize(
    ("relation", "dependent", "needed", "strength"),
    [
        ("Depends on::Used by", "a", "b", "hard"),
        ("Runs on::Runs", "a", "b", "hard"),
        ("Uses::Used by", "a", "b", "hard"),
        ("Hosted on::Hosts", "a", "b", "hard"),
        ("Contains::Contained by", "a", "b", "soft"),
        ("Depends on", "a", "b", "hard"),
        ("", "a", "b", "hard"),
        ("ServingRelationship", "b", "a", "hard"),
        ("RealizationRelationship", "b", "a", "hard"),
    ],
    ids=[
        "depends-on",
        "runs-on",
        "uses",
        "hosted-on",
        "contains",
        "first-half",
        "no-type",
        "archi-serving",
        "archi-realisation",
    ],
)
def test_relation_types(
    tmp_path: Path, relation: str, dependent: str, needed: str, strength: str
) -> None:
    ci = _table(tmp_path, "ci.csv", "name\nA\nB\n")
    rel = _table(tmp_path, "rel.csv", f"parent,child,type\nA,B,{relation}\n")
    elements = _elements(_import(ci, rel))
    (entry,) = elements[dependent].depends_on
    assert (entry.ref, entry.strength) == (needed, strength)
    assert not elements[needed].depends_on


@pytest.mark.parametrize("named", ["Unknown", "NA", "None", "-", "TBD"])
def test_a_ci_named_like_a_blank_word_is_that_ci(tmp_path: Path, named: str) -> None:
    """ServiceNow ships a CI named "Unknown": the whole export was refused, at its row, as
    "a row with neither a name nor an id" (helper-98). A name, an id and a relation's ends
    are never blank; any other column still is."""
    ci = _table(tmp_path, "ci.csv", f"name,vendor\nA,unknown\n{named},Acme\n")
    rel = _table(tmp_path, "rel.csv", f"parent,child,type\nA,{named},Depends on::Used by\n")
    imported = _import(ci, rel)
    elements = _elements(imported)
    (needed,) = [e for e in elements.values() if getattr(e, "name", None) == named]
    assert needed.vendor is not None
    assert elements[needed.vendor].name == "Acme"
    (entry,) = elements["a"].depends_on
    assert entry.ref == needed.id
    assert elements["a"].vendor == "unknown-supplier-ci-csv"  # "unknown" there is not given


def test_rows_of_one_name_without_an_id_are_said_to_be_merged_for_want_of_one(
    tmp_path: Path,
) -> None:
    """A ServiceNow list without its sys_id: 173 laptops named alike were told as "the same
    id appears twice", though the file has no id (helper-98)."""
    ci = _table(tmp_path, "ci.csv", "name,serial,class\nMac,1,Computer\nMac,2,Computer\nPC,3,\n")
    imported = _import(ci)
    assert sorted(e.name for e in _elements(imported).values() if hasattr(e, "delivery")) == [
        "Mac",
        "PC",
    ]
    assert dict(imported.account.total("skipped")) == {("Computer", csv_import.SAME_NAME): 1}


def test_a_column_named_only_cost_gives_a_yearly_cost_assumed_and_0_as_not_given(
    tmp_path: Path,
) -> None:
    """ServiceNow's ``cost`` is what a CI cost to buy, 0 where nobody filled it in: it was
    read as a yearly cost stated as fact, and 742 CIs of a real export "cost nothing"
    (helper-98). A column that says it is yearly is read as before, 0 included."""
    given = "name,vendor,delivery,{}\nA,Acme,saas,0\nB,Acme,saas,1200\n"
    bare = _elements(_import(_table(tmp_path, "ci.csv", given.format("cost"))))
    assert (bare["a"].cost_per_year, bare["a"].assumed) == (None, False)
    assert (bare["b"].cost_per_year, bare["b"].assumed) == (1200, True)
    assert bare["b"].origin.inferred == ("cost_per_year",)
    yearly = _elements(_import(_table(tmp_path, "ci2.csv", given.format("annual cost"))))
    assert (yearly["a"].cost_per_year, yearly["a"].assumed) == (0, False)
    assert (yearly["b"].cost_per_year, yearly["b"].assumed) == (1200, False)


def test_servicenows_install_status_is_read_before_its_operational_status(
    tmp_path: Path,
) -> None:
    """Where a CI is in its life comes before whether it operates: eight CIs "In Stock"
    of a real export were active for their operational status (helper-98)."""
    ci = _table(
        tmp_path,
        "ci.csv",
        "name,vendor,delivery,operational_status,install_status\n"
        "Spare,Acme,saas,Operational,In Stock\nOld,Acme,saas,Operational,Retired\n"
        "Live,Acme,saas,Operational,Installed\nOff,Acme,saas,Non-Operational,\n",
    )
    found = _elements(_import(ci))
    assert {n: found[n].lifecycle for n in ("spare", "old", "live", "off")} == {
        "spare": "candidate",
        "old": "retired",
        "live": "active",
        "off": "active",
    }


@pytest.mark.parametrize(
    ("relation", "skipped"),
    [
        ("Backed up by::Backs up", "its relation type is mapped to skip"),
        ("Frobnicates::Frobnicated by", "its relation type is not in the mapping (csv.relations)"),
    ],
    ids=["mapped-to-skip", "unknown-type"],
)
def test_relations_skipped_and_counted(tmp_path: Path, relation: str, skipped: str) -> None:
    ci = _table(tmp_path, "ci.csv", "name\nA\nB\n")
    rel = _table(tmp_path, "rel.csv", f"source,target,relationship type\nA,B,{relation}\n")
    account = _import(ci, rel).account.sources[0]
    assert account.skipped[(relation, skipped)] == 1


def test_relation_to_unknown_ci_is_skipped_and_strength_column_is_a_fact(tmp_path: Path) -> None:
    ci = _table(tmp_path, "ci.csv", "sys_id,name\n1,A\n2,B\n")
    rel = _table(tmp_path, "rel.csv", "from,to,strength\n1,2,soft\nA,Ghost,hard\n")
    imported = _import(ci, rel)
    (entry,) = _elements(imported)["a"].depends_on
    assert (entry.ref, entry.strength, entry.assumed) == ("b", "soft", False)
    account = imported.account.sources[0]
    assert account.skipped[("relation", "an end is not a row of the components table")] == 1


@pytest.mark.parametrize(
    ("type_", "section"),
    [
        ("cmdb_ci_service", "services"),
        ("business_service", "services"),
        ("Business service", "services"),
        ("cmdb_ci_appl", "components"),
        ("cmdb_ci_database", "components"),
        ("Application Solution", "components"),
        ("Server", "components"),
        ("Capability", "capabilities"),
        ("BusinessActor", "organisations"),
        ("something new", "components"),
    ],
    ids=str,
)
def test_type_to_kind(tmp_path: Path, type_: str, section: str) -> None:
    path = _table(tmp_path, "ci.csv", f"name,class\nWidget,{type_}\n")
    imported = _import(path)
    (content,) = [c for name, c in imported.files.items() if name != "vendors.yaml"]
    assert [item.id for item in getattr(content, section)] == ["widget"]


def test_type_mapped_to_skip(tmp_path: Path) -> None:
    path = _table(tmp_path, "ci.csv", "name,class\n10.0.0.1,cmdb_ci_ip_address\nA,x\n")
    imported = _import(path)
    assert "10-0-0-1" not in _elements(imported)
    assert imported.account.sources[0].skipped[("cmdb_ci_ip_address", "its type is mapped to skip")]


@pytest.mark.parametrize(
    ("word", "delivery"),
    [
        ("SaaS", "saas"),
        ("Cloud", "saas"),
        ("Software as a Service", "saas"),
        ("PaaS", "paas"),
        ("IaaS", "iaas"),
        ("On-Premises", "self_hosted"),
        ("on prem", "self_hosted"),
        ("Desktop", "client"),
        ("Other", "self_hosted"),
        ("-", "self_hosted"),
    ],
    ids=str,
)
def test_delivery_words(tmp_path: Path, word: str, delivery: str) -> None:
    path = _table(tmp_path, "ci.csv", f"name,delivery\nWidget,{word}\n")
    assert _elements(_import(path))["widget"].delivery == delivery


@pytest.mark.parametrize(
    "delimiter", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"]
)
def test_delimiters(tmp_path: Path, delimiter: str) -> None:
    text = delimiter.join(["name", "vendor", "note"]) + "\n"
    text += delimiter.join(["Widget", "Acme", '"a, b; c | d"']) + "\n"
    elements = _elements(_import(_table(tmp_path, "ci.csv", text)))
    assert elements["widget"].vendor == "acme"
    assert elements["widget"].note == "a, b; c | d"


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""), ("utf-16", b""), ("utf-32", b"")],
    ids=["utf-8", "utf-8-bom", "cp1252", "utf-16-bom", "utf-32-bom"],
)
def test_encodings(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    path = tmp_path / "ci.csv"
    path.write_bytes(prefix + "Name;Manufacturer\nÄrende-hantering;Åbo Öl AB\n".encode(encoding))
    elements = _elements(_import(path))
    assert elements["arende-hantering"].name == "Ärende-hantering"
    assert elements["abo-ol"].name == "Åbo Öl AB"


def test_a_head_cut_in_a_character_or_later_rows_in_another_encoding_is_still_a_table(
    tmp_path: Path,
) -> None:
    """Detection reads 64 KiB: cut inside 'Å', or before a cp1252 row, the head was
    refused as mixed and the file was 'not a format exitplan imports' (helper-61)."""
    row = "Åsa Café,100\n".encode()
    for pad in range(16):
        data = b"name,cost\n" + b"X" * pad + b",1\n" + row * 6000
        if data[65535] >= 0x80 and data[65536] >= 0x80:
            break
    big = tmp_path / "big.csv"
    big.write_bytes(data)
    assert csv_import.detect(big)
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes("name,cost\nCafé,100\n".encode() + "Ström,200\n".encode("cp1252"))
    assert csv_import.detect(mixed)
    (problem,) = _problems(mixed)
    assert "mixed.csv:3: is UTF-8 up to byte 0xf6" in problem


def test_quoted_newlines_count_physical_lines(tmp_path: Path) -> None:
    text = 'name,note,criticality\nA,"one\ntwo\nthree",high\nB,,extreme\n'
    problems = _problems(_table(tmp_path, "ci.csv", text))
    assert [problem.split("/")[-1] for problem in problems] == [
        "ci.csv:5: criticality: unknown criticality 'extreme'; "
        "add it to the mapping (known: critical, high, low, medium)"
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_line_endings(tmp_path: Path, newline: str) -> None:
    lines = ["name,vendor", "A,Acme", "B,Beta", ""]
    path = _table(tmp_path, "ci.csv", newline.join(lines))
    assert csv_import.detect(path)
    elements = _elements(_import(path))
    assert (elements["a"].vendor, elements["b"].vendor) == ("acme", "beta")
    bad = _table(tmp_path, "bad.csv", newline.join(["name,criticality", "A,", "B,extreme", ""]))
    (problem,) = _problems(bad)
    assert problem.split("/")[-1].startswith("bad.csv:3: criticality: unknown criticality")


@pytest.mark.parametrize(
    ("components", "relations", "said"),
    [
        ("name,cost\nA,1000000000000000\nB,1000000000000001\n", None, "ci.csv:3: cost: '1000"),
        ("name,cost\nA," + "9" * 400 + "\n", None, "ci.csv:2: cost: '9999"),
        ("name,cost\nA,1 000 000 000 000 001\n", None, "ci.csv:2: cost: '1 000"),
        ("name\nA\nB\n", "id,parent,child\n" + "r" * 5_000 + ",A,B\n", "rel.csv:2: id: longer"),
        ("name\nA\nB\n", "parent,child,type\nA,B,Uses::" + "x" * 5_000, "rel.csv:2: type: longer"),
        ("name\nA\nB\n", "parent,child\nA," + "B" * 5_000 + "\n", "rel.csv:2: child: longer"),
    ],
    ids=["cost-too-high", "cost-infinite", "cost-spaced", "relation-id", "relation-type", "end"],
)
def test_values_the_estate_cannot_hold_are_refused(
    tmp_path: Path, components: str, relations: str | None, said: str
) -> None:
    paths = [_table(tmp_path, "ci.csv", components)]
    if relations is not None:
        paths.append(_table(tmp_path, "rel.csv", relations))
    (problem,) = _problems(*paths)
    assert problem.split("/")[-1].startswith(said), problem


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("12 000", 12_000.0),
        ("1,250.50", 1250.5),
        ("1.250,50", 1250.5),
        ("1,250", 1250.0),
        ("1.250", 1250.0),  # a Swedish or German export's thousands, as 1,250
        ("12,5", 12.5),
        ("0,001", 0.001),
        ("SEK 4500", 4500.0),
        ("4 500 EUR", 4500.0),
        ("12 000 kr", 12_000.0),
        ("12 000:-", 12_000.0),
        ("250 tkr", 250_000.0),  # the scale was dropped: 250 (helper-60)
        ("12 MSEK", 12_000_000.0),
        ("2.5M", 2_500_000.0),
        ("12k", 12_000.0),
        ("3 mkr", 3_000_000.0),
        ("kr 12 000", 12_000.0),  # the Danish and Norwegian order (helper-61)
        ("kr 1.250,00", 1250.0),
        ("2.500M", 2_500_000.0),  # a decimal before a scale, not thousands (helper-61)
        ("12.500 tkr", 12_500.0),
        ("12 lots", None),  # a word that is no currency is refused, not dropped
        ("about 12", None),
        ("٣٠٠", None),  # ASCII digits only
        ("\uff11\uff12", None),  # full-width
        ("12.", None),
        ("1_000", None),
        ("SEK 12 EUR", None),
    ],
)
def test_a_cost_is_read_as_a_spreadsheet_writes_it(written: str, read: float | None) -> None:
    assert csv_import.cost(written) == read


def test_the_highest_cost_is_imported(tmp_path: Path) -> None:
    imported = _import(_table(tmp_path, "ci.csv", "name,cost\nA,1000000000000000\n"))
    estate = load_estate(write_imported(imported, tmp_path / "out"))
    assert estate.components[0].cost_per_year == 1e15


# --- workbooks ------------------------------------------------------------------------------


def _workbook(path: Path, sheets: Mapping[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("components", "relations"),
    [("cmdb_ci", "cmdb_rel_ci"), ("Apps", "Links"), ("Components", "Relations")],
    ids=["servicenow-names", "by-headers", "plain-names"],
)
def test_xlsx_sheets(tmp_path: Path, components: str, relations: str) -> None:
    path = _workbook(
        tmp_path / "estate.xlsx",
        {
            "Readme": [["This workbook lists our systems"]],
            components: [
                ["Name", "Manufacturer", "Contract end", "Cost"],
                ["CRM", "Acme", __import__("datetime").datetime(2027, 3, 31), 12000],
                ["Database", None, None, None],
            ],
            relations: [["Parent", "Child", "Type"], ["CRM", "Database", "Runs on::Runs"]],
        },
    )
    elements = _elements(_import(path))
    crm = elements["crm"]
    assert (crm.vendor, crm.contract.end.isoformat(), crm.cost_per_year) == (
        "acme",
        "2027-03-31",
        12000,
    )
    assert [d.ref for d in crm.depends_on] == ["database"]


def test_xlsx_formula_without_cached_value_is_reported(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "f.xlsx", {"cis": [["Name", "Note"], ["A", "=1+1"], ["=B2", "x"]]})
    problems = _problems(path)
    assert [problem.split(" (the")[0] for problem in problems] == [
        f"{path}:2: cis: Note: a formula without a cached value",
        f"{path}:3: cis: Name: a formula without a cached value",
    ]  # and no more: row 3's name is not also missing (it had said "neither a name nor an id")


def _zip(path: Path, parts: Mapping[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return path


def _rewritten(workbook: Path, path: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """``workbook`` copied to ``path`` part by part, each part's bytes as ``change`` gives
    them back for its name, and left out where it gives None."""
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(path, "w") as target:
        for part in source.infolist():
            data = change(part.filename, source.read(part))
            if data is not None:
                target.writestr(part, data)
    return path


def test_xlsx_zip_bomb_refused(tmp_path: Path) -> None:
    path = _zip(
        tmp_path / "bomb.xlsx",
        {"xl/workbook.xml": b"<w/>", "xl/worksheets/sheet1.xml": b"\0" * (50 << 20)},
    )
    (problem,) = _problems(path)
    assert "times its size; more than 100 is refused (a zip bomb?)" in problem


def test_xlsx_that_unpacks_beyond_twice_the_budget_is_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "padded.xlsx", {"cis": [["Name", "Vendor"], ["A", "Acme"]]})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/media/pad.bin", b"pad " * 25_000)  # packs 100 KB into a few
    budget = 20_000
    assert path.stat().st_size < budget
    with pytest.raises(InvalidInputError) as raised:
        import_sources([path], fmt="csv", max_bytes=budget)
    (problem,) = (str(p) for p in raised.value.problems)
    assert "the limit is 40,000 bytes, twice --max-bytes (a zip bomb?)" in problem
    assert _elements(import_sources([path], fmt="csv", max_bytes=200_000))["a"].vendor == "acme"


def test_non_zip_xlsx_refused(tmp_path: Path) -> None:
    path = _table(tmp_path, "fake.xlsx", "name,vendor\nA,B\n")
    (problem,) = _problems(path)
    assert "not an Excel workbook" in problem


def test_xlsx_with_entity_declaration_refused(tmp_path: Path) -> None:
    good = _workbook(tmp_path / "good.xlsx", {"cis": [["Name"], ["A"]]})
    parts = {}
    with zipfile.ZipFile(good) as book:
        for name in book.namelist():
            parts[name] = book.read(name)
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + parts[sheet]
    (problem,) = _problems(_zip(tmp_path / "xxe.xlsx", parts))
    assert "document type or entity declaration" in problem


# --- hostile and broken input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ('"=HYPERLINK(""http://evil.invalid"",""x"")"', '=HYPERLINK("http://evil.invalid","x")'),
        ("\"+cmd|' /C calc'!A0\"", "+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "@SUM(A1:A9)"),
        ("-2+3", "-2+3"),
    ],
    ids=["hyperlink", "dde", "at-sum", "minus"],
)
def test_formula_cells_are_text(tmp_path: Path, cell: str, text: str) -> None:
    path = _table(tmp_path, "ci.csv", f"name,note\n{cell},{cell}\n")
    imported = _import(path)
    (component,) = next(iter(imported.files.values())).components
    assert (component.name, component.note) == (text, text)
    folder = write_imported(imported, tmp_path / "out")
    assert load_estate(folder).components[0].name == text


@pytest.mark.parametrize("column", ["name", "note"])
def test_a_noncharacter_is_an_error_on_its_row(tmp_path: Path, column: str) -> None:
    """U+FFFE fits a CSV cell but no estate file: refused with the row's line, in plain
    words (not pydantic's "Value error, ...")."""
    path = _table(
        tmp_path,
        "ci.csv",
        f"name,note\nA,ok\nB,ok\nC{'' if column == 'note' else chr(0xFFFE)},x{chr(0xFFFE)}\n",
    )
    with pytest.raises(InvalidInputError) as caught:
        _import(path)
    (problem,) = caught.value.problems if column == "note" else caught.value.problems[:1]
    assert problem.line == 4
    assert "U+FFFE" in problem.message
    assert "Value error" not in problem.message


def test_control_and_bidi_characters_kept(tmp_path: Path) -> None:
    name = "Evil\u202egnp.exe\x07"
    path = _table(tmp_path, "ci.csv", f"name,note\nA,{name}\n")
    imported = _import(path)
    assert _elements(imported)["a"].note == name
    folder = write_imported(imported, tmp_path / "out")
    assert load_estate(folder).components[0].note == name


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('name,note\nA,ok\nB,"never closed\nC,ok\nD,ok\n', 3),
        ('name,note\nA,"two\nlines"\nB,"never closed\nC,ok\n', 4),
        ('name,note\nA,ok\nB,"never closed', 3),
        ('name,"note\nA,ok\n', 1),
        ('name,note\nA,"a"b\nB,ok\nC,"never closed\nD,ok\n', 4),
    ],
    ids=[
        "middle",
        "after-a-cell-of-two-lines",
        "last-line",
        "in-the-header",
        "after-a-lenient-slip",
    ],
)
def test_a_quoted_cell_never_closed_is_refused_where_it_opens(
    tmp_path: Path, text: str, line: int
) -> None:
    """Read leniently, the rest of the file would become one cell, its rows lost."""
    (problem,) = _problems(_table(tmp_path, "ci.csv", text))
    assert f"ci.csv:{line}: a quoted cell opened in this row is never closed" in problem


@pytest.mark.parametrize(
    ("text", "notes"),
    [
        ('name,note\nA,"say ""hi"""\n', ['say "hi"']),
        ('name,note\nA,5" screen\n', ['5" screen']),
        ('name,note\nA,"a"b\nB,ok\n', ["ab", "ok"]),
    ],
    ids=["doubled", "inch-mark", "text-after-closing-quote"],
)
def test_other_quoting_is_read_as_spreadsheets_write_it(
    tmp_path: Path, text: str, notes: list[str]
) -> None:
    imported = _import(_table(tmp_path, "ci.csv", text))
    assert [c.note for c in next(iter(imported.files.values())).components] == notes


def test_huge_cell_and_huge_row(tmp_path: Path) -> None:
    huge_cell = _table(tmp_path, "cell.csv", "name,note\nA," + "x" * 200_000 + "\n")
    (problem,) = _problems(huge_cell)
    assert "cell.csv:2: not a readable CSV row: field larger than field limit" in problem
    wide = _table(tmp_path, "row.csv", "name,note\nA," + ",".join(["y"] * 100_000) + "\n")
    (problem,) = _problems(wide)
    assert "row.csv:2: 100,001 cells in a table of 2 columns" in problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"", "file is empty"),
        (b"\n\n", "file is empty"),
        (b"name,vendor\n", None),
        (b"name\xff\x81,x\n", "neither UTF-8 nor cp1252"),
        (b"name,\x00vendor\n", "holds a NUL byte"),
        (  # read as cp1252 whole: 'CafÃ©' (helper-60)
            "name\nCafé\n".encode() + b"Caf\xe9\n",
            "t.csv:3: is UTF-8 up to byte 0xe9, which is not: the file mixes encodings",
        ),
        (  # the offset was counted after the mark: line 2 and byte 0x6e (helper-63)
            b"\xef\xbb\xbfname,type\nA,application\nB\xff,application\n",
            "t.csv:3: is UTF-8 up to byte 0xff, which is not: the file mixes encodings",
        ),
        (b"vendor,model\nAcme,X1\n", "no name or id column"),
        (b"parent,child\n,B\n", "parent: empty: a relation needs both ends"),
    ],
    ids=[
        "empty",
        "blank-lines",
        "header-only",
        "wrong-encoding",
        "nul",
        "mixed-encodings",
        "utf-8-with-a-mark-then-not",
        "no-name",
        "empty-parent",
    ],
)
def test_broken_files(tmp_path: Path, text: bytes, expected: str | None) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(text)
    if expected is None:
        assert _import(path).account.sources[0].read == 0
        return
    problems = (
        _problems(path)
        if b"parent" not in text
        else _problems(_table(tmp_path, "ci.csv", "name\nB\n"), path)
    )
    assert any(expected in problem for problem in problems), problems


def test_all_problems_at_once(tmp_path: Path) -> None:
    rows = "".join(f"App {n},bogus,2027-13-01\n" for n in range(1_200))
    problems = _problems(_table(tmp_path, "ci.csv", "name,criticality,contract end\n" + rows))
    assert len(problems) == 1_001
    assert "more than 1,000 problems" in "\n".join(problems)


def test_read_tables_names_the_roles(tmp_path: Path) -> None:
    ci = _table(tmp_path, "a.csv", "parent,name\nX,A\nX,B\n")  # a parent column, yet components
    rel = _table(tmp_path, "b.csv", "from,to\nA,B\n")
    draft = Draft()
    csv_import.read_tables(ci, rel, draft, csv_import.Rules())
    elements = {e.name: e for e in draft.elements.values()}
    assert set(elements) == {"A", "B"}
    assert len(draft.dependencies) == 1


@pytest.mark.parametrize(
    ("name", "text", "detected"),
    [
        ("ci.csv", "sys_id,name,sys_class_name\n", True),
        ("rel.csv", "parent,type,child\n", True),
        ("x.tsv", "Name\tManufacturer\n", True),
        ("notes.txt", "dear diary\n", False),
        ("data.json", '{"name": 1}', False),
    ],
    ids=["cmdb-ci", "cmdb-rel-ci", "tsv", "prose", "json"],
)
def test_detect(tmp_path: Path, name: str, text: str, detected: bool) -> None:
    assert csv_import.detect(_table(tmp_path, name, text)) is detected


def test_detect_workbook(tmp_path: Path) -> None:
    assert csv_import.detect(_workbook(tmp_path / "w.xlsx", {"cis": [["Name"]]}))
    assert not csv_import.detect(_table(tmp_path, "w.xlsx", "Name,x\n"))
    assert io  # (io is used by the helpers of other tests)


def test_a_corrupt_workbook_part_is_refused(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    book = openpyxl.Workbook()
    sheet = book.create_sheet("components")
    sheet.append(["name", "vendor"])
    book.save(good)
    raw = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as archive:
        part = next(i for i in archive.infolist() if i.compress_type == zipfile.ZIP_DEFLATED)
    start = part.header_offset + 30 + len(part.filename.encode()) + len(part.extra)
    raw[start : start + 8] = b"\xff" * 8  # the deflate stream of one part, broken
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bytes(raw))
    with pytest.raises(InvalidInputError) as raised:
        import_sources([bad], fmt="csv")
    assert "cannot be unpacked" in str(raised.value)


@pytest.mark.parametrize(
    ("far", "names"),
    [("XFD1048576", None), ("AMJ2", ["CRM"]), ("A70000", ["CRM", "stray"])],
    ids=["last-cell-of-excel", "column-1024", "row-200000"],
)
def test_a_sheet_is_read_as_far_as_it_goes_not_as_far_as_it_claims(
    tmp_path: Path, far: str, names: list[str] | None
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "components"
    sheet.append(["name", "vendor"])
    sheet.append(["CRM", "Acme"])
    sheet[far] = "stray"
    path = tmp_path / "cmdb.xlsx"
    book.save(path)
    if names is None:
        with pytest.raises(InvalidInputError) as raised:
            import_sources([path])
        (problem,) = raised.value.problems
        assert "sheet 'components' uses 16,384 columns; at most 1,024 are read" in problem.message
    else:
        imported = import_sources([path])
        assert sorted(c.name for c in imported.files["cmdb.yaml"].components) == names


@pytest.mark.parametrize(
    ("row", "spelt", "refused"),
    [
        (1_048_576, 'r="{}"', False),
        (1_048_577, 'r="{}"', True),
        (2_000_000_000, 'r="{}"', True),
        (10**30, 'r="{}"', True),
        (2_000_000_000, 'r = " +{}"', True),
        (3, 'r="0000{}"', False),
        (2_000_000_000, 'r="&#50;{}"', True),
    ],
    ids=[
        "last-row-of-excel", "one-beyond", "two-billion", "thirty-digits", "spaced-and-signed",
        "leading-zeros", "a-character-reference",
    ],
)  # fmt: skip
def test_a_row_numbered_beyond_excel_is_refused_before_it_is_read(
    tmp_path: Path, row: int, spelt: str, refused: bool
) -> None:
    """A row's number in the sheet's XML stood for as many empty rows, read one by one: a
    5 KB workbook whose second row said 2,000,000,000 took days (helper-78). Beyond
    Excel's last row it is refused from the bytes; up to it, the empty rows are passed
    over, and the item at the last row is read. A number spelt otherwise than the scan of
    the bytes reads (a character reference) is refused at the row beyond (helper-82)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "components"
    sheet.append(["name", "vendor"])
    sheet.append(["CRM", "Acme"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)

    def renumbered(name: str, data: bytes) -> bytes:
        if name.startswith("xl/worksheets/"):
            number = str(row)[1:] if "&#50;" in spelt else str(row)
            data = data.replace(b'<row r="2"', f"<row {spelt.format(number)}".encode())
            for column in b"AB":
                cell = bytes([column]) + b"2"
                data = data.replace(b'"' + cell + b'"', f'"{chr(column)}{row}"'.encode())
        return data

    path = _rewritten(plain, tmp_path / "cmdb.xlsx", renumbered)
    if refused:
        with pytest.raises(InvalidInputError) as raised:
            import_sources([path])
        (problem,) = raised.value.problems
        assert "1,048,576" in problem.message
    else:
        imported = import_sources([path])
        (crm,) = imported.files["cmdb.yaml"].components
        assert crm.name == "CRM"


@pytest.mark.parametrize(
    ("sheets", "missing"),
    [
        ({"components": [["name", "vendor"], ["A", "V"]]}, "sheet1"),
        (
            {
                "components": [["name", "vendor"], ["A", "V"], ["B", "V"]],
                "relations": [["source", "target"], ["A", "B"]],
            },
            "sheet2",
        ),
    ],
    ids=["its-only-sheet", "one-of-two"],
)
def test_a_workbook_that_lacks_a_sheet_it_lists_is_damaged(
    tmp_path: Path, sheets: Mapping[str, list[list[object]]], missing: str
) -> None:
    """openpyxl passes over a sheet whose part is missing: a workbook of one such sheet
    was said to be empty (helper-78), and of two, the other sheet was imported alone,
    without its relations."""
    whole = _workbook(tmp_path / "whole.xlsx", sheets)
    part = f"xl/worksheets/{missing}.xml"
    path = _rewritten(
        whole, tmp_path / "cmdb.xlsx", lambda name, data: None if name == part else data
    )
    with pytest.raises(InvalidInputError) as raised:
        import_sources([path])
    (problem,) = raised.value.problems
    title = list(sheets)[int(missing[-1]) - 1]
    assert problem.message == (
        f"the workbook lists sheet {title!r} in part {part!r}, which is not in the file (a "
        "damaged workbook)"
    )


@pytest.mark.parametrize(
    "target",
    ["./worksheets/sheet1.xml", "../xl/worksheets/sheet1.xml", "/xl/worksheets/sheet1.xml"],
)
def test_a_sheet_listed_by_another_spelling_of_its_part_is_read(
    tmp_path: Path, target: str
) -> None:
    """Spellings openpyxl reads were refused as a missing part (helper-82); so was a part
    listed and not used."""
    whole = _workbook(tmp_path / "whole.xlsx", {"components": [["name", "vendor"], ["A", "V"]]})

    def relisted(name: str, data: bytes) -> bytes:
        if name == "xl/_rels/workbook.xml.rels":
            data = data.replace(
                b'Target="/xl/worksheets/sheet1.xml"', b'Target="worksheets/sheet1.xml"'
            )
            data = data.replace(b'Target="worksheets/sheet1.xml"', f'Target="{target}"'.encode())
            data = data.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdX" Target="worksheets/unused.xml" Type="http://sche'
                b'mas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
                b"</Relationships>",
            )
        return data

    path = _rewritten(whole, tmp_path / "cmdb.xlsx", relisted)
    (crm,) = import_sources([path]).files["cmdb.yaml"].components
    assert crm.name == "A"


def test_an_import_leaves_no_draft_for_the_collector_to_find() -> None:
    """The command pauses the collector while it imports: the draft, which points at its
    sources as they point at it, must be freed without it."""
    gc.collect()
    gc.disable()
    try:
        imported = _import(*CASES["servicenow"])
        left = [thing for thing in gc.get_objects() if isinstance(thing, Draft)]
    finally:
        gc.enable()
    assert imported.files
    assert left == []


def test_a_type_or_status_not_in_the_mapping_is_marked_on_its_element(tmp_path: Path) -> None:
    """What the mapping guesses is in the element's origin, and the element is assumed,
    as for every other guess, so that the report lists it; counted once, with its reason."""
    path = _table(
        tmp_path,
        "ci.csv",
        "name,type,status\nA,weirdtype,Operational\nB,Application,strange\nC,Application,Operational\n",
    )
    imported = _import(path)
    found = _elements(imported)
    guessed = {key: set(found[key].origin.inferred) - {"delivery", "vendor"} for key in "abc"}
    assert guessed == {"a": {"type"}, "b": {"lifecycle"}, "c": set()}
    assert all(found[key].assumed for key in ("a", "b"))
    inferred = imported.account.sources[0].inferred
    assert inferred["type not in the mapping, taken as component"] == 1
    assert inferred["status not in the mapping, taken as active"] == 1
    assert not any(reason.startswith("component lifecycle") for reason in inferred)


def test_a_row_made_a_service_keeps_its_component_fields_in_its_note(tmp_path: Path) -> None:
    """A service has no vendor, delivery, lifecycle, cost or contract: a CMDB row that
    became one lost them without a word (helper-64); they are kept in its note."""
    table = _table(
        tmp_path,
        "ci.csv",
        "name,class,vendor,delivery,status,cost,contract end\n"
        "Mail,service,Microsoft,saas,retired,120000,2027-06-30\n",
    )
    mail = _elements(_import(table))["mail"]
    assert mail.note == (
        "Vendor: Microsoft\nDelivery: saas\nLifecycle: retired\nCost per year: 120000\n"
        "Contract end: 2027-06-30"
    )


def test_a_workbook_part_in_damaged_lzma_is_refused(tmp_path: Path) -> None:
    """An LZMA-packed sheet with broken data: LZMAError, exit 3 (helper-63)."""
    good = tmp_path / "good.xlsx"
    book = openpyxl.Workbook()
    sheet = book.create_sheet("components", 0)
    sheet.append(["name", "type"])
    sheet.append(["A", "application"])
    book.save(good)
    packed = io.BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(packed, "w") as target:
        for info in source.infolist():
            sheet = info.filename == "xl/worksheets/sheet1.xml"
            method = zipfile.ZIP_LZMA if sheet else zipfile.ZIP_DEFLATED
            target.writestr(info.filename, source.read(info.filename), compress_type=method)
    raw = bytearray(packed.getvalue())
    start = raw.find(b"xl/worksheets/sheet1.xml") + 54
    for index in range(start, start + 60):
        raw[index] ^= 0x5A
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bytes(raw))
    with pytest.raises(InvalidInputError) as raised:
        import_sources([bad], fmt="csv")
    assert "part 'xl/worksheets/sheet1.xml' cannot be unpacked: Corrupt input data" in str(
        raised.value
    )


@pytest.mark.parametrize(
    ("row", "said"),
    [
        ("a" * 1001 + ",Acme", ["ci.csv:2: name: longer than 1,000 characters"]),
        (",Acme", ["ci.csv:2: a row with neither a name nor an id"]),
    ],
    ids=["name-too-long", "no-name"],
)
def test_a_name_too_long_is_one_problem_not_also_a_row_without_one(
    tmp_path: Path, row: str, said: list[str]
) -> None:
    """A name over the limit was also told as missing (helper-78)."""
    problems = _problems(_table(tmp_path, "ci.csv", f"name,vendor\n{row}\n"))
    shown = [problem.split("/")[-1] for problem in problems]
    assert [line[: len(start)] for line, start in zip(shown, said, strict=True)] == said


@pytest.mark.parametrize("vendor", ["\u200b", "\u200b\u200d", "\x1b"], ids=["zwsp", "zwj", "esc"])
def test_a_vendor_of_invisible_characters_is_told_at_its_row(tmp_path: Path, vendor: str) -> None:
    """It was told without a line, as the estate's ``name`` (helper-87)."""
    problems = _problems(_table(tmp_path, "ci.csv", f"name,vendor\nApp,{vendor}\n"))
    shown = [problem.split("/")[-1] for problem in problems]
    assert len(shown) == 1
    assert shown[0].startswith("ci.csv:2: vendor: ")
    assert "holds no visible character; give the vendor's name" in shown[0]


def _notes(imported: Imported) -> list[str]:
    return [note for source in imported.account.sources for note in source.notes]


def test_the_costs_currency_is_the_estate_s_and_another_is_left_out_not_converted(
    tmp_path: Path,
) -> None:
    """ServiceNow writes each cost's currency in ``cost_cc``, which was not read: costs in
    USD became SEK, the default (helper-98). The currency most costs name, in their cell
    or in such a column, is the estate's; a cost in another is left out and told, never
    added to the others as if it were the same money; a 0 names no currency."""
    ci = _table(
        tmp_path,
        "ci.csv",
        "name,vendor,delivery,annual cost,cost_cc\n"
        "A,Acme,saas,1200,USD\nB,Acme,saas,USD 2500,\nC,Acme,saas,300,sek\n"
        "D,Acme,saas,€ 40,USD\nE,Acme,saas,0,EUR\nF,Acme,saas,0,EUR\nG,Acme,saas,,SEK\n",
    )
    imported = _import(ci)
    found = _elements(imported)
    costs = {name: found[name].cost_per_year for name in "abcdefg"}
    assert costs == {"a": 1200, "b": 2500, "c": None, "d": None, "e": 0, "f": 0, "g": None}
    assert imported.header == {"currency": "USD"}
    assert (
        "1 cost in EUR left out: the estate's costs are in USD, the currency most costs "
        "name, and exitplan does not convert them" in _notes(imported)
    )
    assert "1 cost in SEK left out: the estate's costs are in USD" in " ".join(_notes(imported))
    plain = _import(_table(tmp_path, "plain.csv", "name,vendor,delivery,annual cost\nA,V,saas,5\n"))
    assert plain.header == {}  # no currency named: the estate's own stands (SEK by default)


@pytest.mark.parametrize("given", ["dollars", "US$", "=1+2", "\x1b[31mUSD", "SEK\u202e"])
def test_a_currency_that_names_none_is_a_problem_of_its_row(
    tmp_path: Path, run_cli: RunCli, given: str
) -> None:
    ci = _table(
        tmp_path, "ci.csv", f"name,vendor,delivery,annual cost,currency\nA,Acme,saas,5,{given}\n"
    )
    (problem,) = _problems(ci)
    assert problem.startswith(f"{ci}:2: currency: not a currency code such as SEK: ")
    result = run_cli("import", ci, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "ci.csv:2: currency: not a currency code such as SEK: " in result.stderr
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", result.stderr)
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("header", "kept"),
    [
        ("  currency: SEK\n", {"a": None, "b": None, "c": 7}),
        ("", {"a": None, "b": None, "c": 7}),  # no currency: the default, SEK
        ("  currency: USD\n", {"a": 5, "b": 6, "c": None}),
    ],
    ids=["sek", "default", "usd"],
)
def test_into_an_estate_the_costs_in_its_currency_are_kept(
    tmp_path: Path, run_cli: RunCli, header: str, kept: dict[str, float | None]
) -> None:
    """Into a folder whose estate.yaml counts in SEK, an export mostly in USD kept its USD
    costs and left out the SEK ones, then said the costs were not converted: the estate's
    own currency comes first, the majority only for a new folder."""
    ci = _table(
        tmp_path,
        "ci.csv",
        "name,vendor,delivery,annual cost,cost_cc\nA,V,saas,5,USD\nB,V,saas,6,USD\n"
        "C,V,saas,7,SEK\n",
    )
    folder = tmp_path / "estate"
    folder.mkdir()
    (folder / "estate.yaml").write_text(f"estate:\n  name: here\n{header}", "utf-8")
    result = run_cli("import", ci, "-o", folder)
    assert result.exit_code == 0, result.stderr
    costs = {
        c.id: c.cost_per_year for c in load_estate(folder).components if c.id in ("a", "b", "c")
    }
    assert costs == kept
    told = " ".join(result.stdout.split())
    counted = "SEK" if kept["c"] else "USD"
    assert f"the estate's costs are in {counted}, as its estate.yaml says," in told
    assert "not converted" not in result.stderr
    fresh = run_cli("import", ci, "-o", tmp_path / "new")
    assert fresh.exit_code == 0, fresh.stderr
    assert "  currency: USD\n" in (tmp_path / "new" / "estate.yaml").read_text("utf-8")
    assert "the currency most costs name" in " ".join(fresh.stdout.split())


def test_a_service_s_cost_in_another_currency_stays_in_its_note_and_is_not_counted(
    tmp_path: Path,
) -> None:
    ci = _table(
        tmp_path,
        "ci.csv",
        "name,type,vendor,delivery,annual cost,cost_cc\n"
        "A,server,Acme,saas,100,SEK\nB,server,Acme,saas,200,SEK\nPortal,service,,,7,USD\n",
    )
    imported = _import(ci)
    assert "Cost per year: 7" in (_elements(imported)["portal"].note or "")
    assert not [note for note in _notes(imported) if "left out" in note]


def test_an_estate_header_that_bombs_is_refused_cheaply_and_the_folder_kept(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """The import reads the currency of the estate it writes into from its header: an
    alias bomb there is refused with its file and line, as loading refuses it, and the
    folder keeps what it held."""
    ci = _table(tmp_path, "ci.csv", "name,vendor,delivery,annual cost\nA,V,saas,5\n")
    lines = ["estate:", "  name: bomb", "  currency: SEK", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 12):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    folder = tmp_path / "bomb"
    folder.mkdir()
    header = folder / "estate.yaml"
    header.write_text("\n".join(lines) + "\n", "utf-8")
    result = run_cli("import", ci, "-o", folder)
    assert result.exit_code == 2
    assert "estate.yaml:7: a3[7]: YAML aliases expand to more than" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["estate.yaml"]
    assert header.read_text("utf-8") == "\n".join(lines) + "\n"
