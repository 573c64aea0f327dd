"""exitplan import, run as a user runs it: the folder it writes, re-imports that keep the
user's files, the summary, the mapping file, and the refusals (exit code 2, nothing
written)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
import struct
import subprocess
import zipfile
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import pytest
import yaml

from exitplan.cli.importing import _files, _put_in_place
from exitplan.errors import InvalidInputError, display_path
from exitplan.importers.draft import Draft
from exitplan.importers.files import MAX_SOURCE_BYTES
from exitplan.loading import load_estate
from exitplan.render.files import write_output
from tests.conftest import REPO, RunCli, _command, interrupting

CSV = REPO / "tests" / "fixtures" / "csv" / "servicenow"
COMPONENTS = CSV / "cmdb_ci.csv"
RELATIONS = CSV / "cmdb_rel_ci.csv"
PAIR = ("--components", str(COMPONENTS), "--relations", str(RELATIONS))


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_import_validate_simulate(tmp_path: Path, run_cli: RunCli) -> None:
    estate = tmp_path / "deep" / "er" / "estate"
    result = run_cli("import", *PAIR, "-o", estate)
    assert result.exit_code == 0, result.stderr
    assert "Skipped, by source type:" in result.stdout
    assert "cmdb_ci_ip_address: its type is mapped to skip" in result.stdout
    assert "Cycles of hard dependencies, broken" in result.stdout
    assert sorted(_tree(estate)) == [
        "estate.yaml",
        "imported/cmdb_ci.yaml",
        "imported/vendors.yaml",
    ]
    assert run_cli("validate", estate).exit_code == 0
    simulated = run_cli("simulate", estate, "-w", "component:microsoft-entra-id")
    assert simulated.exit_code == 0, simulated.stderr
    assert "broken" in simulated.stdout


def test_two_imports_give_the_same_bytes_in_any_order(tmp_path: Path, run_cli: RunCli) -> None:
    first = run_cli("import", *PAIR, "-o", tmp_path / "a", "--format", "json")
    second = run_cli(
        "import", "--relations", RELATIONS, "--components", COMPONENTS, "-o", tmp_path / "b",
        "--format", "json",
    )  # fmt: skip
    assert first.exit_code == second.exit_code == 0
    assert _tree(tmp_path / "a" / "imported") == _tree(tmp_path / "b" / "imported")
    summary = json.loads(first.stdout)
    assert summary["schema"] == "exitplan/import/v1"
    assert summary["made"]["component"] == 7
    assert first.stdout.replace("/a", "/b") == second.stdout
    (source,) = summary["sources"]  # the relations are counted with their components
    assert (source["file"], source["also"]) == (display_path(COMPONENTS), [display_path(RELATIONS)])


def test_the_summary_names_the_relations_table_beside_the_components(
    tmp_path: Path, run_cli: RunCli
) -> None:
    result = run_cli("import", *PAIR, "-o", tmp_path / "estate")
    assert result.exit_code == 0, result.stderr
    both = f"{display_path(COMPONENTS)} and {display_path(RELATIONS)} (csv):"
    assert both in result.stdout
    header = next((tmp_path / "estate" / "imported").glob("*.yaml")).read_text(encoding="utf-8")
    assert display_path(RELATIONS) in header.splitlines()[0]


def test_a_reimport_keeps_the_users_files_byte_for_byte(tmp_path: Path, run_cli: RunCli) -> None:
    estate = tmp_path / "estate"
    assert run_cli("import", *PAIR, "-o", estate).exit_code == 0
    header = estate / "estate.yaml"
    header.write_text(
        header.read_text(encoding="utf-8") + "overrides:\n"
        "  microsoft-entra-id:\n"
        "    delivery: saas\n"
        "    contract: {end: 2027-06-30, notice_days: 90}\n",
        encoding="utf-8",
    )
    (estate / "alternatives.yaml").write_text(
        "vendors: [{id: redhat, name: Red Hat}]\n"
        "components:\n"
        "  - {id: keycloak, name: Keycloak, vendor: redhat, delivery: self_hosted,"
        " lifecycle: candidate}\n"
        "alternatives:\n"
        "  - {for: microsoft-entra-id, candidate: keycloak, readiness: R2}\n",
        encoding="utf-8",
    )
    mine = {name: data for name, data in _tree(estate).items() if "imported/" not in name}
    stale = estate / "imported" / "cmdb_ci.yaml"
    stale.write_text(stale.read_text(encoding="utf-8") + "# stale\n", encoding="utf-8")
    result = run_cli("import", *PAIR, "-o", estate)
    assert result.exit_code == 0, result.stderr
    after = _tree(estate)
    assert {name: data for name, data in after.items() if "imported/" not in name} == mine
    assert not after["imported/cmdb_ci.yaml"].endswith(b"# stale\n")
    shown = run_cli("show", estate, "microsoft-entra-id", "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    assert '"delivery": "saas"' in shown.stdout
    assert [p.name for p in estate.iterdir() if p.name.startswith(".")] == []


def test_a_reimport_that_the_users_overrides_reject_changes_nothing(
    tmp_path: Path, run_cli: RunCli
) -> None:
    estate = tmp_path / "estate"
    assert run_cli("import", *PAIR, "-o", estate).exit_code == 0
    (estate / "mine.yaml").write_text(
        "overrides:\n  microsoft-entra-id: {delivery: saas}\n", encoding="utf-8"
    )
    before = _tree(estate)
    fewer = tmp_path / "fewer.csv"
    lines = COMPONENTS.read_text(encoding="utf-8").splitlines(keepends=True)
    fewer.write_text("".join(line for line in lines if "Entra" not in line), encoding="utf-8")
    result = run_cli("import", "--components", fewer, "--relations", RELATIONS, "-o", estate)
    assert result.exit_code == 2, result.stdout
    assert "mine.yaml:2: overrides.microsoft-entra-id: no element with id" in result.stderr
    assert "import was not written" in result.stderr
    assert "Traceback" not in result.stderr
    assert _tree(estate) == before
    assert [p.name for p in estate.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("prepare", "said"),
    [
        (
            lambda d: (
                (d / "imported").mkdir(parents=True)
                or (d / "imported" / "notes.yaml").write_text("vendors: []\n")
            ),
            "notes.yaml was not written by exitplan import",
        ),
        (
            lambda d: d.parent.mkdir(parents=True) or d.write_text("x"),
            "estate is not a folder; -o names the estate folder",
        ),
        (
            lambda d: d.mkdir(parents=True) or (d / "imported").write_text("x"),
            "imported is not a folder written by exitplan import",
        ),
    ],
    ids=["foreign-file-in-imported", "output-is-a-file", "imported-is-a-file"],
)
def test_a_folder_that_cannot_be_rewritten_safely_is_refused(
    tmp_path: Path, run_cli: RunCli, prepare: object, said: str
) -> None:
    estate = tmp_path / "place" / "estate"
    prepare(estate)  # type: ignore[operator]  # the table's preparations
    before = _tree(tmp_path)
    result = run_cli("import", *PAIR, "-o", estate)
    assert result.exit_code == 2
    assert said in result.stderr
    assert _tree(tmp_path) == before


def test_sources_inside_the_folder_are_refused(tmp_path: Path, run_cli: RunCli) -> None:
    inside = tmp_path / "estate" / "cmdb.csv"
    inside.parent.mkdir()
    inside.write_bytes(COMPONENTS.read_bytes())
    result = run_cli("import", inside, "-o", tmp_path / "estate")
    assert result.exit_code == 2
    assert "is inside" in result.stderr


@pytest.mark.parametrize(
    "place",
    ["/proc/exitplan-import/estate", "/dev/null/estate"],
    ids=["pseudo-file-system", "under-a-device"],
)
def test_an_unwritable_place_is_an_ordinary_error(run_cli: RunCli, place: str) -> None:
    result = run_cli("import", *PAIR, "-o", place)
    assert result.exit_code == 2
    assert "cannot create" in result.stderr or "is a file" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_read_only_folder_keeps_the_old_import(tmp_path: Path, run_cli: RunCli) -> None:
    estate = tmp_path / "estate"
    assert run_cli("import", *PAIR, "-o", estate).exit_code == 0
    before = _tree(estate)
    estate.chmod(0o500)
    try:
        result = run_cli("import", *PAIR, "-o", estate)
    finally:
        estate.chmod(0o700)
    if os.geteuid() != 0:
        assert result.exit_code == 2
        assert "cannot write" in result.stderr
    assert _tree(estate) == before


def test_the_default_mapping_is_a_mapping_file(tmp_path: Path, run_cli: RunCli) -> None:
    printed = run_cli("import", "--print-default-mapping")
    assert printed.exit_code == 0, printed.stderr
    mapping = yaml.safe_load(printed.stdout)
    assert {"vendors", "skip", "delivery", "csv"} <= set(mapping)
    path = tmp_path / "mapping.yaml"
    mapping["delivery"] = "saas"
    path.write_text(yaml.safe_dump(mapping), encoding="utf-8")
    result = run_cli("import", *PAIR, "-o", tmp_path / "e", "--mapping", path)
    assert result.exit_code == 0, result.stderr
    assert "component delivery not in the source: saas" in result.stdout
    schema = run_cli("schema", "--mapping")
    assert schema.exit_code == 0
    assert json.loads(schema.stdout)["title"] == "ImportMapping"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("delivery: cloud\n", "mapping.yaml:1: delivery: 'cloud' is not allowed"),
        ("vendors:\n  names: [{pattern: '(', vendor: X}]\n", "mapping.yaml:2: vendors.names[0]"),
        ("colour: red\n", "mapping.yaml:1: colour: unknown key 'colour'"),
        ("a: &x [*x]\n", "mapping.yaml:1"),
    ],
    ids=["bad-value", "bad-pattern", "unknown-key", "alias-loop"],
)
def test_a_bad_mapping_file_names_its_line(
    tmp_path: Path, run_cli: RunCli, text: str, said: str
) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("import", *PAIR, "-o", tmp_path / "e", "--mapping", path)
    assert result.exit_code == 2
    assert said in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "e").exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["-o", "x"], "name at least one source"),
        ([str(COMPONENTS)], "name the estate folder to write with -o DIR"),
        (["--relations", str(RELATIONS), "-o", "x"], "--relations needs --components"),
        ([str(COMPONENTS), "--from", "visio", "-o", "x"], "'visio' is not a format"),
        (["/nonexistent/cmdb.csv", "-o", "x"], "no such file or folder"),
        (["README.md", "-o", "x"], "README.md: not a format exitplan imports"),
    ],
    ids=["no-source", "no-output", "relations-alone", "unknown-format", "missing", "unknown"],
)
def test_usage_errors(tmp_path: Path, run_cli: RunCli, args: list[str], said: str) -> None:
    result = run_cli("import", *args, cwd=REPO)
    assert result.exit_code == 2
    assert said in result.stderr
    assert not (REPO / "x").exists()


def test_control_characters_in_names_never_reach_the_terminal(
    tmp_path: Path, run_cli: RunCli
) -> None:
    source = tmp_path / "evil\x1b[2J.csv"
    source.write_text("name,vendor\nEvil\x1b]0;owned\x07 \u202eapp,Acme\x9b31m\n", encoding="utf-8")
    result = run_cli("import", source, "-o", tmp_path / "e")
    assert result.exit_code == 0, result.stderr
    for stream in (result.stdout, result.stderr):
        assert "\x1b" not in stream
        assert "\x9b" not in stream
        assert "\u202e" not in stream
    assert run_cli("validate", tmp_path / "e").exit_code == 0


FIXTURES = REPO / "tests" / "fixtures"


@pytest.mark.parametrize(
    ("sources", "component", "skipped"),
    [
        ([FIXTURES / "archimate" / "archisurance.xml"], "mainframe", "Principle: motivation"),
        ([FIXTURES / "archimate" / "legacy_archi2_Archisurance.archimate"], "mainframe", "view"),
        ([FIXTURES / "backstage" / "examples"], "petstore", "User: skipped by the mapping"),
        (
            [FIXTURES / "cyclonedx" / "valid-saasbom-1.6.json"],
            "microservice-1",
            "data flow: the same",
        ),
        (
            [FIXTURES / "cyclonedx" / "keycloak-10.0.2-bom.json"],
            "activation-1.1",
            "Skipped: nothing.",
        ),
        ([FIXTURES / "csv" / "itop" / "itop-export.csv"], "skolplattform", "Skipped"),
    ],
    ids=["exchange-3", "archi-2", "backstage-folder", "saasbom", "large-sbom", "csv"],
)
def test_every_format_imports_validates_and_simulates(
    tmp_path: Path, run_cli: RunCli, sources: list[Path], component: str, skipped: str
) -> None:
    estate = tmp_path / "estate"
    result = run_cli("import", *sources, "-o", estate)
    assert result.exit_code == 0, result.stderr
    assert skipped in result.stdout
    assert run_cli("validate", estate).exit_code == 0
    simulated = run_cli("simulate", estate, "-w", f"component:{component}", "--format", "json")
    assert simulated.exit_code == 0, simulated.stderr
    assert json.loads(simulated.stdout)["withdrawn"] == [component]


def test_services_only_keeps_the_services(tmp_path: Path, run_cli: RunCli) -> None:
    bom = FIXTURES / "cyclonedx" / "laravel-7.12.0-bom.1.4.json"
    every = run_cli("import", bom, "-o", tmp_path / "a", "--format", "json")
    services = run_cli("import", bom, "-o", tmp_path / "b", "--format", "json", "--services-only")
    assert every.exit_code == services.exit_code == 0
    assert json.loads(every.stdout)["made"]["component"] > 50
    assert json.loads(services.stdout)["made"]["component"] == 1  # the BOM's subject only


def test_a_source_that_gives_nothing_still_gives_a_valid_estate(
    tmp_path: Path, run_cli: RunCli
) -> None:
    estate = tmp_path / "estate"
    result = run_cli("import", FIXTURES / "archimate" / "Sample1.xml", "-o", estate)
    assert result.exit_code == 0, result.stderr
    assert "0 made, 3 skipped" in result.stdout
    assert sorted(_tree(estate)) == ["estate.yaml"]
    assert run_cli("validate", estate).exit_code == 0


def test_the_report_says_where_to_check_each_imported_assumption(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """And what the import inferred, which is why it is assumed."""
    estate = tmp_path / "estate"
    assert (
        run_cli("import", FIXTURES / "archimate" / "archisurance.xml", "-o", estate).exit_code == 0
    )
    scenario = tmp_path / "lose-mainframe.yaml"
    scenario.write_text(
        "id: lose-mainframe\ntitle: Lose the mainframe\nestate: estate\n"
        "withdraw: [component:mainframe]\n",
        encoding="utf-8",
    )
    result = run_cli("report", scenario, "-o", tmp_path / "report.md")
    assert result.exit_code == 0, result.stderr
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert (
        "| Mainframe | component | its delivery and vendor, inferred by the import | "
        "imported from " in report
    )
    assert "archisurance.xml (id-986) |" in report
    # the source holds it: 'absent' is not how it could be wrong, so the withdrawn
    # mainframe itself is not the assumption that matters most (helper-54)
    assert "most of all Mainframe (component" not in report
    sensitivity = run_cli("sensitivity", scenario, "--format", "json")
    assert sensitivity.exit_code == 0, sensitivity.stderr
    ranked = json.loads(sensitivity.stdout)["assumptions"]
    assert ranked
    assert not any(r["kind"] == "component" and r["variation"] == "absent" for r in ranked)


def _fifo(tmp_path: Path) -> list[str]:
    fifo = tmp_path / "bom.json"
    os.mkfifo(fifo)
    return [str(fifo)]


def _long_source(tmp_path: Path) -> list[str]:
    return [str(tmp_path / ("x" * 300 + ".xml"))]


@pytest.mark.parametrize(
    ("sources", "output", "said"),
    [
        (_fifo, "estate", "bom.json: a FIFO (named pipe), not a file or folder"),
        (_long_source, "estate", ".xml: cannot read it: file name too long"),
        (lambda _: PAIR, "x" * 300 + "/estate", "cannot use "),
    ],
    ids=["fifo", "name-too-long", "output-name-too-long"],
)
def test_a_source_or_folder_that_cannot_be_used_is_refused_at_once(
    tmp_path: Path, run_cli: RunCli, sources: Any, output: str, said: str
) -> None:
    result = run_cli("import", *sources(tmp_path), "-o", tmp_path / output)
    assert result.exit_code == 2, result.stderr
    assert said in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) in ([], ["bom.json"])


def _header_then_ctrl_c(path: Path, data: bytes, *, told: bool = True) -> None:
    write_output(path, data, told=told)
    raise KeyboardInterrupt  # held while the header was put in place, raised right after


@pytest.mark.parametrize(
    ("files", "write_header", "raised"),
    [
        # no name, no vendor: the check fails
        ({"bad.yaml": b"components:\n  - id: x\n"}, write_output, InvalidInputError),
        # the header written, then the signal: the header stayed, and a later import
        # took it for the user's (helper-112)
        ({}, _header_then_ctrl_c, KeyboardInterrupt),
    ],
    ids=["refused", "ctrl-c-after-the-header"],
)
def test_a_first_import_that_fails_leaves_no_folder_behind(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    files: dict[str, bytes],
    write_header: Callable[[Path, bytes], None],
    raised: type[BaseException],
) -> None:
    monkeypatch.setattr("exitplan.cli.importing.write_output", write_header)
    folder = tmp_path / "new" / "deeper" / "estate"
    kept: list[bool] = []
    with pytest.raises(raised):
        _put_in_place(folder, files, MAX_SOURCE_BYTES, Draft().finish(), lambda: kept.append(True))
    assert list(tmp_path.iterdir()) == []
    assert kept == []


@pytest.mark.parametrize("depth", [1, 2])
def test_a_ctrl_c_as_the_folders_are_made_leaves_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, depth: int
) -> None:
    """``import ... -o a/b/c/z`` interrupted once ``a/b`` was made left ``a/`` and ``a/b/``
    behind (helper-115)."""
    interrupting(monkeypatch, "mkdir", lambda calls: len(calls) == depth)
    with pytest.raises(KeyboardInterrupt):
        _put_in_place(
            tmp_path / "a" / "b" / "c" / "z", {}, MAX_SOURCE_BYTES, Draft().finish(), lambda: None
        )
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_the_imported_folder_has_an_ordinary_folders_permissions(
    tmp_path: Path, run_cli: RunCli
) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    assert run_cli("import", *PAIR, "-o", tmp_path / "e").exit_code == 0
    assert stat.S_IMODE((tmp_path / "e" / "imported").stat().st_mode) == 0o777 & ~umask
    (tmp_path / "e" / "imported").chmod(0o750)
    assert run_cli("import", *PAIR, "-o", tmp_path / "e").exit_code == 0
    assert stat.S_IMODE((tmp_path / "e" / "imported").stat().st_mode) == 0o750


def test_a_large_import_is_split_into_parts_that_load_as_one(tmp_path: Path) -> None:
    draft = Draft()
    source = draft.source("cmdb.csv", "csv")
    for number in range(400):
        source.component(f"ci-{number}", f"Application {number:03d}", fields={"note": "x" * 200})
        if number:
            source.depends(f"ci-{number}", f"ci-{number - 1}", type="depends on")
    imported = draft.finish()
    whole = _files(imported, "header")
    assert sorted(whole) == ["cmdb.yaml", "vendors.yaml"]
    split = _files(imported, "header", max_bytes=20_000)
    names = sorted(split)
    assert names[:3] == ["cmdb-part-01.yaml", "cmdb-part-02.yaml", "cmdb-part-03.yaml"]
    assert names[-1] == "vendors.yaml"
    assert all(len(data) <= 20_000 for data in split.values())
    for files, folder in ((whole, tmp_path / "whole"), (split, tmp_path / "split")):
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
    one, parts = load_estate(tmp_path / "whole"), load_estate(tmp_path / "split")
    assert (parts.components, parts.vendors) == (one.components, one.vendors)
    first = split["cmdb-part-01.yaml"].decode()
    assert first.startswith("# header\ncomponents:\n- id: application-000\n")
    assert "".join(
        data.decode().removeprefix("# header\n").removeprefix("components:\n")
        for name, data in sorted(split.items())
        if name != "vendors.yaml"
    ) == whole["cmdb.yaml"].decode().removeprefix("# header\ncomponents:\n")


def test_tables_named_by_flag_keep_their_roles(tmp_path: Path, run_cli: RunCli) -> None:
    table = tmp_path / "ci.csv"  # its parent and child columns make it look like relations
    table.write_text("name,vendor,parent,child\nCRM,Acme,x,y\nMail,Microsoft,,\n")
    guessed = run_cli("import", table, "-o", tmp_path / "guessed")
    assert guessed.exit_code == 2
    assert "a relations table needs a components table" in guessed.stderr
    named = run_cli("import", "--components", table, "-o", tmp_path / "named")
    assert named.exit_code == 0, named.stderr
    assert "2 read, 2 made" in named.stdout


@pytest.mark.parametrize(
    ("components", "relations", "said"),
    [
        ("name\nA\n", "id,name\n1,x\n", "relations.csv:1: the relations table has no parent"),
        ("name\nA\n", "source,type\nA,uses\n", "relations.csv:1: the relations table has no"),
        ("parent\nA\n", "id,name\n1,x\n", "components.csv:1: the components table has no name"),
    ],
    ids=["no-ends", "no-child", "neither-table-fits"],
)
def test_a_table_named_by_flag_without_its_columns_is_refused(
    tmp_path: Path, run_cli: RunCli, components: str, relations: str, said: str
) -> None:
    (tmp_path / "components.csv").write_text(components)
    (tmp_path / "relations.csv").write_text(relations)
    result = run_cli(
        "import", "--components", "components.csv", "--relations", "relations.csv",
        "-o", tmp_path / "e", cwd=tmp_path,
    )  # fmt: skip
    assert result.exit_code == 2, result.stderr
    assert said in result.stderr
    assert not (tmp_path / "e").exists()


@pytest.mark.parametrize(
    "twice",
    [
        [str(COMPONENTS), str(COMPONENTS), str(RELATIONS)],
        [str(CSV / ".." / "servicenow" / "cmdb_ci.csv"), *PAIR],
    ],
    ids=["positional", "positional-and-flag"],
)
def test_a_source_named_twice_is_read_once(
    tmp_path: Path, run_cli: RunCli, twice: list[str]
) -> None:
    once = run_cli("import", *PAIR, "-o", tmp_path / "once")
    again = run_cli("import", *twice, "-o", tmp_path / "twice")
    assert again.exit_code == 0, again.stderr
    assert once.exit_code == 0, once.stderr
    assert _tree(tmp_path / "twice" / "imported") == _tree(tmp_path / "once" / "imported")


FIXTURES = REPO / "tests" / "fixtures"


@pytest.mark.parametrize(
    ("fmt", "source"),
    [
        ("archimate", FIXTURES / "archimate" / "archisurance.xml"),
        ("cyclonedx", FIXTURES / "cyclonedx" / "valid-bom-1.3.json"),
        ("csv", FIXTURES / "csv" / "gsa" / "it-standards.csv"),
        ("backstage", FIXTURES / "backstage" / "demo" / "catalog-info.yaml"),
    ],
)
def test_a_file_named_beside_its_folder_is_read_once(
    tmp_path: Path, run_cli: RunCli, fmt: str, source: Path
) -> None:
    """Real exports: a folder and a file in it named together (an easy slip with a shell
    glob) give what the folder alone gives, not every element twice under a second id."""
    folder = tmp_path / "sources"
    if fmt == "backstage":  # with the files its Locations name
        shutil.copytree(source.parent, folder)
    else:
        folder.mkdir()
        shutil.copy(source, folder)
    alone = run_cli("import", folder, "--from", fmt, "-o", tmp_path / "alone")
    both = run_cli("import", folder / source.name, folder, "--from", fmt, "-o", tmp_path / "both")
    assert alone.exit_code == 0, alone.stderr
    assert both.exit_code == 0, both.stderr

    def made(estate: Path) -> dict[str, list[tuple[str, str]]]:
        loaded = load_estate(estate)
        return {
            kind: sorted((e.id, e.name) for e in getattr(loaded, kind))
            for kind in ("vendors", "components", "services", "data_flows")
        }

    assert made(tmp_path / "both") == made(tmp_path / "alone")
    assert made(tmp_path / "alone")["components"] or made(tmp_path / "alone")["services"]


@pytest.mark.parametrize("fmt", ["archimate", "backstage", "csv", "cyclonedx"])
def test_a_folder_with_nothing_of_the_format_named_is_refused(
    tmp_path: Path, run_cli: RunCli, fmt: str
) -> None:
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "notes.md").write_text("not a model\n")
    result = run_cli("import", tmp_path / "model", "--from", fmt, "-o", tmp_path / "e")
    assert result.exit_code == 2, result.stderr
    assert f"model: nothing in this folder to import as {fmt} (" in result.stderr
    assert not (tmp_path / "e").exists()


def _archive(tmp_path: Path) -> list[str]:
    """An Archi archive of 14 KB whose model unpacks to 110 KB."""
    archive = tmp_path / "model.archimate"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as packed:
        packed.write(FIXTURES / "archimate" / "archi5_Archisurance.archimate", "model.xml")
    return [str(archive)]


def _backstage(tmp_path: Path) -> list[str]:
    folder = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "backstage" / "examples", folder)
    (folder / "all-components.yaml").write_bytes(
        (folder / "all-components.yaml").read_bytes() + b"# " + b"x" * 60_000 + b"\n"
    )
    return [str(folder)]


@pytest.mark.parametrize(
    ("sources", "said"),
    [
        (lambda _: [FIXTURES / "archimate" / "archisurance.xml"], "archisurance.xml: file is"),
        (lambda _: [FIXTURES / "cyclonedx" / "dropwizard-1.3.15-bom.json"], "bom.json: file is"),
        (lambda _: [FIXTURES / "csv" / "gsa" / "it-standards.csv"], "it-standards.csv: file is"),
        (_backstage, "all-components.yaml: file is"),
        (_archive, "model.archimate: the model in this archive unpacks to more than the limit"),
    ],
    ids=["archimate", "cyclonedx", "csv", "backstage", "archi-archive"],
)
def test_a_source_over_max_bytes_is_refused_and_a_larger_budget_takes_it(
    tmp_path: Path, run_cli: RunCli, sources: Any, said: str
) -> None:
    named = sources(tmp_path)
    refused = run_cli("import", *named, "-o", tmp_path / "estate", "--max-bytes", "50KB")
    assert refused.exit_code == 2, refused.stderr
    assert said in refused.stderr
    assert "50,000 bytes (raise it with --max-bytes)" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert refused.stdout == ""
    assert not (tmp_path / "estate").exists()
    taken = run_cli("import", *named, "-o", tmp_path / "estate", "--max-bytes", "8MiB")
    assert taken.exit_code == 0, taken.stderr
    assert run_cli("validate", tmp_path / "estate").exit_code == 0


def test_a_source_beyond_the_default_budget_is_refused_before_it_is_read(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """200 MB of CMDB export (sparse after its first rows): recognised as CSV from its
    head, then refused for its size without being read."""
    table = tmp_path / "cmdb.csv"
    rows = "".join(f"app-{n},Application {n},Acme\n" for n in range(5_000))
    table.write_text("id,name,vendor\n" + rows, encoding="utf-8")
    with table.open("r+b") as opened:
        opened.truncate(200 * 1000 * 1000)
    result = run_cli("import", table, "-o", tmp_path / "estate")
    assert result.exit_code == 2, result.stderr
    assert (
        "cmdb.csv: file is 200,000,000 bytes; the limit is 134,217,728 bytes "
        "(raise it with --max-bytes)"
    ) in result.stderr
    assert not (tmp_path / "estate").exists()


def test_an_estate_the_import_would_write_over_max_bytes_is_not_written(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """The sources fit, what they become does not: the same budget holds for the estate
    the import writes, as for every command that loads it afterwards."""
    estate = tmp_path / "estate"
    assert run_cli("import", *PAIR, "-o", estate).exit_code == 0
    before = _tree(estate)
    written = sum(len(content) for content in before.values())
    budget = max(COMPONENTS.stat().st_size, RELATIONS.stat().st_size) + 1
    assert budget < written
    result = run_cli("import", *PAIR, "-o", estate, "--max-bytes", str(budget))
    assert result.exit_code == 2, result.stderr
    assert "import was not written" in result.stderr
    assert "(raise it with --max-bytes)" in result.stderr
    # the file named is not kept: the message says so, and what it was made from
    assert f"imported/cmdb_ci.yaml (made from {display_path(COMPONENTS)}, not written)" in (
        result.stderr
    )
    assert _tree(estate) == before


@pytest.mark.parametrize("value", ["0", "-1", "lots", "1.5.5GB", "²", "1e400", " "])
def test_max_bytes_that_is_not_a_size_is_a_usage_error(
    tmp_path: Path, run_cli: RunCli, value: str
) -> None:
    result = run_cli("import", *PAIR, "-o", tmp_path / "estate", "--max-bytes", value)
    assert result.exit_code == 2, result.stderr
    assert "--max-bytes" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "estate").exists()


def test_a_workbook_beyond_the_budget_is_refused_before_its_directory_is_read(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """200 MB, sparse, whose end record claims a directory of all of it: detection does
    not read that directory (it would hold the whole file in memory), reading refuses the
    file for its size."""
    workbook = tmp_path / "big.xlsx"
    size = 200 * 1000 * 1000
    with workbook.open("wb") as opened:
        opened.write(b"PK\x03\x04")
        opened.seek(size - 22)
        opened.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, size - 22, 0, 0))
    result = run_cli("import", workbook, "-o", tmp_path / "estate")
    assert result.exit_code == 2, result.stderr
    assert "big.xlsx: file is 200,000,000 bytes; the limit is 134,217,728 bytes" in result.stderr
    assert not (tmp_path / "estate").exists()


@pytest.mark.parametrize("named", [[], ["--from", "csv"]], ids=["detected", "named"])
def test_a_workbook_of_a_zip_version_python_cannot_read_is_refused(
    tmp_path: Path, run_cli: RunCli, named: list[str]
) -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    raw = bytearray(packed.getvalue())
    directory = raw.index(b"PK\x01\x02")
    raw[directory + 6 : directory + 8] = struct.pack("<H", 70)  # needs zip version 7.0
    workbook = tmp_path / "future.xlsx"
    workbook.write_bytes(bytes(raw))
    result = run_cli("import", workbook, *named, "-o", tmp_path / "estate")
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    assert "future.xlsx" in result.stderr
    assert not (tmp_path / "estate").exists()


def test_the_largest_budget_is_a_budget(tmp_path: Path, run_cli: RunCli) -> None:
    (archive,) = _archive(tmp_path)
    result = run_cli("import", archive, "-o", tmp_path / "estate", "--max-bytes", "8EiB")
    assert result.exit_code == 0, result.stderr


def _model_with_header(properties: dict[str, str]) -> bytes:
    """An exchange model whose own properties are those an export writes of its estate."""
    definitions = "".join(
        f'<propertyDefinition identifier="p{i}" type="string"><name>{key}</name>'
        "</propertyDefinition>"
        for i, key in enumerate(properties)
    )
    values = "".join(
        f'<property propertyDefinitionRef="p{i}"><value xml:lang="en">{escape(value)}</value>'
        "</property>"
        for i, value in enumerate(properties.values())
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m">\n'
        '<name xml:lang="en">M</name>\n'
        f"<properties>{values}</properties>\n"
        '<elements><element identifier="c" xsi:type="ApplicationComponent">'
        '<name xml:lang="en">C</name></element></elements>\n'
        f"<propertyDefinitions>{definitions}</propertyDefinitions>\n"
        "</model>\n"
    ).encode()


def test_a_new_folder_takes_the_estate_header_an_export_carries(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """The title, version, date, currency and legal profile of the estate a model was
    exported from go into the estate.yaml of a new folder, whatever the title holds."""
    title = 'Gävle "IT" # not a comment\n\u0085\u2028 \\ : {x}'
    model = tmp_path / "model.xml"
    model.write_bytes(
        _model_with_header(
            {
                "exitplan-estate-title": title,
                "exitplan-estate-version": "2026.11",
                "exitplan-as-of": "2027-01-15",
                "exitplan-currency": "EUR",
                "exitplan-legal-profile": "se",
            }
        )
    )
    result = run_cli("import", model, "-o", tmp_path / "estate")
    assert result.exit_code == 0, result.stderr
    info = load_estate(tmp_path / "estate").info
    assert (info.name, info.title, info.version) == ("estate", title, "2026.11")
    assert (str(info.as_of), info.currency, info.legal_profile) == ("2027-01-15", "EUR", "se")
    shutil.copyfile(tmp_path / "estate" / "estate.yaml", tmp_path / "own.yaml")
    model.write_bytes(_model_with_header({"exitplan-as-of": "2030-01-01"}))
    assert run_cli("import", model, "-o", tmp_path / "estate").exit_code == 0
    own = (tmp_path / "own.yaml").read_bytes()
    assert (tmp_path / "estate" / "estate.yaml").read_bytes() == own  # the user's, kept


@pytest.mark.parametrize(
    ("key", "given"),
    [
        ("exitplan-as-of", "2027-02-30"),
        ("exitplan-currency", "kronor"),
        ("exitplan-legal-profile", "us"),
        ("exitplan-estate-title", "x" * 4001),
    ],
)
def test_a_bad_estate_header_in_a_model_is_an_error_with_its_line(
    key: str, given: str, tmp_path: Path, run_cli: RunCli
) -> None:
    model = tmp_path / "model.xml"
    model.write_bytes(_model_with_header({key: given}))
    result = run_cli("import", model, "-o", tmp_path / "estate")
    assert result.exit_code == 2
    assert f"model.xml:4: {key}: the model: {given[:20]!r}"[:-1] in result.stderr
    assert not (tmp_path / "estate").exists()


CATALOG = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: first
spec: {type: service, lifecycle: production, owner: team-a}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: mail
spec: {type: service, lifecycle: production, owner: team-a}
"""


def _catalog(tmp_path: Path) -> tuple[list[str], str]:
    catalog = tmp_path / "catalog-info.yaml"
    catalog.write_text(CATALOG, encoding="utf-8")
    return [str(catalog)], f"{display_path(catalog)}:10"


def _cmdb(tmp_path: Path) -> tuple[list[str], str]:
    return list(PAIR), f"{display_path(COMPONENTS)}:4"


@pytest.mark.parametrize(
    ("source", "taken"),
    [(_catalog, "mail"), (_cmdb, "microsoft-entra-id")],
    ids=["backstage", "csv"],
)
def test_a_clash_with_the_users_own_files_names_the_source_line_not_the_unkept_import(
    tmp_path: Path, run_cli: RunCli, source: Any, taken: str
) -> None:
    """The imported files are not kept when the estate they make is refused, so a problem
    in one is told at the source element it came from, and so is a place of one that a
    message about the user's own file names."""
    args, place = source(tmp_path)
    estate = tmp_path / "estate"
    assert run_cli("import", *args, "-o", estate).exit_code == 0
    mine = estate / "mine.yaml"
    mine.write_text(
        f"components:\n  - id: {taken}\n    name: Mine\n    vendor: mine\n"
        "    delivery: saas\nvendors:\n  - id: mine\n    name: Mine\n",
        encoding="utf-8",
    )
    before = _tree(estate)
    result = run_cli("import", *args, "-o", estate)
    assert result.exit_code == 2, result.stdout
    said = sorted(result.stderr.splitlines()[:2], key=lambda line: line.startswith(str(mine)))
    assert said[0].startswith(f"{place}: id: "), said
    assert said[0].endswith(f"duplicate id '{taken}'; also defined at {mine}:2"), said
    assert said[1] == f"{mine}:2: components[0].id: duplicate id '{taken}'; also defined at {place}"
    assert "imported/" not in result.stderr
    assert _tree(estate) == before


def test_an_unknown_capability_in_a_model_names_its_relation_in_the_model(
    tmp_path: Path, run_cli: RunCli
) -> None:
    model = tmp_path / "model.xml"
    scenario = REPO / "scenarios" / "leave-microsoft.yaml"
    assert run_cli("export", "archimate", scenario, "-o", model).exit_code == 0
    text = model.read_text(encoding="utf-8")
    property_ = '<property propertyDefinitionRef="pd-exitplan-capabilities">'
    at = text.index(property_)
    start = text.rindex("<relationship ", 0, at)
    relation = re.search(r'identifier="([^"]+)"', text[start:]).group(1)  # type: ignore[union-attr]
    value = text.index("<value", at)
    value = text.index(">", value) + 1
    end = text.index("</value>", value)
    model.write_text(text[:value] + "no-such-capability" + text[end:], encoding="utf-8")
    estate = tmp_path / "estate"
    result = run_cli("import", model, "-o", estate)
    assert result.exit_code == 2, result.stdout
    line = text.count("\n", 0, start) + 1
    assert result.stderr.splitlines()[0] == (
        f"{model}:{line}: capabilities[0]: '{relation}': unknown capability 'no-such-capability'"
    )
    assert not estate.exists()


def test_a_folder_holding_the_users_notes_still_takes_the_header(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """A README (or any file that is not an estate header) beside the import does not make
    it drop the source's date, currency and legal profile."""
    (tmp_path / "estate").mkdir()
    (tmp_path / "estate" / "README.md").write_text("# notes\n", encoding="utf-8")
    model = tmp_path / "model.xml"
    model.write_bytes(_model_with_header({"exitplan-as-of": "2027-01-15"}))
    result = run_cli("import", model, "-o", tmp_path / "estate")
    assert result.exit_code == 0, result.stderr
    assert str(load_estate(tmp_path / "estate").info.as_of) == "2027-01-15"
    assert (tmp_path / "estate" / "README.md").read_text(encoding="utf-8") == "# notes\n"


@pytest.mark.parametrize("name", ["2024", "1.5", "true", "null", "0o17", "NO"])
def test_a_folder_named_like_a_number_or_truth_value_is_a_name(
    tmp_path: Path, run_cli: RunCli, name: str
) -> None:
    result = run_cli("import", *PAIR, "-o", tmp_path / name)
    assert result.exit_code == 0, result.stderr
    assert load_estate(tmp_path / name).info.name == name.lower()


def test_a_folder_inside_an_estate_is_told(tmp_path: Path, run_cli: RunCli) -> None:
    """An import into a folder inside another estate's folder is written, with a note that
    loading the outer folder reads it too (only the user knows which folder is loaded)."""
    assert run_cli("import", *PAIR, "-o", tmp_path / "estate").exit_code == 0
    result = run_cli("import", *PAIR, "-o", tmp_path / "estate" / "sub")
    assert result.exit_code == 0, result.stderr
    assert "estate.yaml gives an estate's header; loading " in result.stderr
    assert run_cli("validate", tmp_path / "estate" / "sub").exit_code == 0


@pytest.mark.parametrize(
    ("target", "said"),
    [
        pytest.param("estate/imported", "which every import rewrites", id="into-imported"),
        pytest.param("estate/imported/x", "which every import rewrites", id="under-imported"),
        pytest.param("", "'' names no folder", id="empty-name"),
    ],
)
@pytest.mark.parametrize("emptied", [False, True], ids=["imported", "imported-empty"])
def test_a_folder_inside_an_import_is_refused(
    tmp_path: Path, run_cli: RunCli, target: str, said: str, emptied: bool
) -> None:
    """An estate's imported/ is refused even when empty (an import that made no file):
    the estate would then read a second header from it (helper-57)."""
    assert run_cli("import", *PAIR, "-o", tmp_path / "estate").exit_code == 0
    if emptied:
        for file in (tmp_path / "estate" / "imported").iterdir():
            file.unlink()
    before = _tree(tmp_path)
    result = run_cli("import", *PAIR, "-o", tmp_path / target if target else "")
    assert result.exit_code == 2
    assert said in result.stderr
    assert _tree(tmp_path) == before
    assert run_cli("validate", tmp_path / "estate").exit_code == 0


def test_a_source_or_mapping_that_is_the_folder_or_in_it_is_refused(
    tmp_path: Path, run_cli: RunCli
) -> None:
    folder = tmp_path / "cmdb"
    folder.mkdir()
    shutil.copyfile(COMPONENTS, folder / "cmdb_ci.csv")
    result = run_cli("import", folder, "-o", folder)
    assert result.exit_code == 2
    assert "is inside" in result.stderr
    (folder / "mapping.yaml").write_text("csv: {}\n", encoding="utf-8")
    result = run_cli("import", *PAIR, "-o", folder, "--mapping", folder / "mapping.yaml")
    assert result.exit_code == 2
    assert "mapping.yaml is inside" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["cmdb_ci.csv", "mapping.yaml"]


def test_a_folder_inside_a_source_folder_is_refused(tmp_path: Path, run_cli: RunCli) -> None:
    """The next import would read this one's files as a source."""
    sources = tmp_path / "cmdb"
    sources.mkdir()
    shutil.copyfile(COMPONENTS, sources / "cmdb_ci.csv")
    result = run_cli("import", sources, "-o", sources / "estate")
    assert result.exit_code == 2
    assert "is inside the source folder" in result.stderr
    assert sorted(p.name for p in sources.iterdir()) == ["cmdb_ci.csv"]


@pytest.mark.parametrize("target", ["nowhere", "loop"])
def test_a_link_to_nothing_as_the_folder_is_told_as_such(
    tmp_path: Path, run_cli: RunCli, target: str
) -> None:
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "nowhere" if target == "nowhere" else link)
    result = run_cli("import", *PAIR, "-o", link)
    assert result.exit_code == 2
    assert "link is a link to nothing, or a loop of links" in result.stderr


def test_a_model_with_a_bad_character_is_told_at_its_line(tmp_path: Path, run_cli: RunCli) -> None:
    """The root element says the file is an ArchiMate model; the fault after it is told
    with its line, not as a format exitplan does not import."""
    text = (REPO / "tests" / "fixtures" / "archimate" / "archisurance.xml").read_text()
    at = text.index(">", text.index("<name")) + 1
    model = tmp_path / "model.xml"
    model.write_text(text[:at] + "A\x0cB" + text[at:], encoding="utf-8")
    result = run_cli("import", model, "-o", tmp_path / "estate")
    assert result.exit_code == 2
    assert "model.xml:3: not well-formed XML" in result.stderr
    assert "not a format" not in result.stderr
    assert not (tmp_path / "estate").exists()


def test_a_folder_of_tables_is_recognised_without_from(tmp_path: Path, run_cli: RunCli) -> None:
    """A CMDB's export of two tables, given as their folder, imports as the two tables do
    (it was 'not a format exitplan imports' unless --from csv was given; helper-54)."""
    assert run_cli("import", CSV, "-o", tmp_path / "folder").exit_code == 0
    assert run_cli("import", COMPONENTS, RELATIONS, "-o", tmp_path / "files").exit_code == 0
    loaded = [load_estate(tmp_path / name) for name in ("folder", "files")]
    assert loaded[0].components == loaded[1].components
    assert loaded[0].services == loaded[1].services


@pytest.mark.parametrize("given", [(), ("--from", "csv")], ids=["detected", "named"])
def test_a_text_file_in_a_folder_of_tables_that_is_not_one_is_left_with_a_note(
    tmp_path: Path, run_cli: RunCli, given: tuple[str, ...]
) -> None:
    """Archi's CSV export beside its licence: the licence is not read as a table (it was
    refused as one with no name or id column), and the summary says so."""
    folder = REPO / "tests" / "fixtures" / "csv" / "archi"
    result = run_cli("import", folder, *given, "-o", tmp_path / "estate")
    assert result.exit_code == 0, result.stderr
    assert f"{display_path(folder / 'LICENSE-archi.txt')}: not read, not a table" in result.stdout
    assert load_estate(tmp_path / "estate").organisations  # the export's actor


def test_a_text_file_named_that_is_not_a_table_is_still_refused(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """Only in a folder is such a file left: one named by the user is what they meant."""
    licence = REPO / "tests" / "fixtures" / "csv" / "archi" / "LICENSE-archi.txt"
    result = run_cli("import", licence, "--from", "csv", "-o", tmp_path / "estate")
    assert result.exit_code == 2, result.stderr
    assert "LICENSE-archi.txt:1:" in result.stderr
    assert not (tmp_path / "estate").exists()


def test_a_text_table_with_the_mappings_columns_is_read_from_a_folder(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """A relations table saved as .txt whose columns only the user's mapping names is a
    table, not a read-me: it was left unread, silently dropping every dependency
    (helper-55)."""
    folder = tmp_path / "cmdb"
    folder.mkdir()
    (folder / "cmdb_ci.csv").write_bytes(COMPONENTS.read_bytes())
    relations = RELATIONS.read_text(encoding="utf-8").replace(
        "sys_id,parent,type,child", "Rel,Von,type,Nach", 1
    )
    (folder / "rels.txt").write_text(relations, encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "csv:\n  columns:\n    id: [rel]\n    parent: [von]\n    child: [nach]\n",
        encoding="utf-8",
    )
    args = ("--from", "csv", "--mapping", mapping)
    assert run_cli("import", folder, *args, "-o", tmp_path / "folder").exit_code == 0
    assert run_cli("import", COMPONENTS, RELATIONS, "-o", tmp_path / "files").exit_code == 0
    loaded = [load_estate(tmp_path / name) for name in ("folder", "files")]
    dependencies = [
        sorted(
            [(c.id, d.ref) for c in estate.components for d in c.depends_on]
            + [(s.id, d.ref) for s in estate.services for d in s.depends_on]
        )
        for estate in loaded
    ]
    assert dependencies[0]
    assert dependencies[0] == dependencies[1]


def test_a_fifo_named_like_a_table_in_a_folder_of_tables_is_refused_at_once(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """A folder of tables is recognised from the heads of its files: one that is a FIFO is
    not opened to tell (it would wait for a writer), and reading it is refused with its
    name; nothing is written."""
    folder = tmp_path / "cmdb"
    folder.mkdir()
    (folder / "cmdb_ci.csv").write_bytes(COMPONENTS.read_bytes())
    (folder / "cmdb_rel_ci.csv").write_bytes(RELATIONS.read_bytes())
    os.mkfifo(folder / "notes.txt")
    result = run_cli("import", folder, "-o", tmp_path / "estate")
    assert result.exit_code == 2, result.stderr
    assert "notes.txt: a FIFO (named pipe), not a regular file" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "estate").exists()


def test_a_summary_that_cannot_be_written_says_the_import_was(tmp_path: Path) -> None:
    """With stdout on a full device, the import was in place and the one line said only
    that the summary could not be written: a script saw a failure, the folder had changed
    (helper-78)."""
    model = REPO / "tests" / "fixtures" / "archimate" / "archisurance.xml"
    out = tmp_path / "out"
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = subprocess.run(
            [*map(str, _command()), "import", str(model), "-o", str(out)],
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=300,
        )
    assert done.returncode == 2
    assert done.stderr == (
        "exitplan: wrote out/imported/ (2 files), but cannot write the output to standard "
        "output: no space left on device\n"
    )
    assert load_estate(out).components
