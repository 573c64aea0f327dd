"""Excel workbooks from simulate, run and register: read back with openpyxl."""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from exitplan.render.rows import REGISTER_HEADERS
from exitplan.render.xlsx import Sheet, dump_xlsx, fit_cell
from tests.cli.test_cli_simulate import ON_THE_DAY, ORDERED
from tests.conftest import RunCli, WriteFiles
from tests.reliability.test_outputs import HOSTILE, write_estate

SCENARIO = "scenarios/leave-microsoft.yaml"


def test_a_run_is_a_workbook_of_tables_with_dates_as_dates(run_cli: RunCli, tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for target in (first, second):
        result = run_cli("run", SCENARIO, "-o", target)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == ""
    assert first.read_bytes() == second.read_bytes()
    book = openpyxl.load_workbook(first)
    assert book.sheetnames == [
        "Summary", "Services", "Components", "Alternatives", "Plan", "Contracts"
    ]  # fmt: skip
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref is not None
        assert sheet.auto_filter.ref.startswith("A1:")
    plan = book["Plan"]
    headers = [cell.value for cell in plan[1]]
    rows = [dict(zip(headers, row, strict=True)) for row in plan.iter_rows(2, values_only=True)]
    step = next(r for r in rows if r["step"] == "replace-m365-apps")
    assert step["finishes"] == datetime(2029, 8, 5)
    assert step["due"] == datetime(2027, 6, 30)
    assert step["days to spare"] == -767
    assert isinstance(step["wave"], int)
    # a day before it can start is no day to meet: the cell says so, as the plan table does
    entra = next(r for r in rows if r["step"] == "replace-entra-id")
    assert entra["due for the steps after it"] == (
        "none: the steps after it miss their deadlines however soon it finishes"
    )
    exchange = next(r for r in rows if r["step"] == "replace-exchange-online")
    assert exchange["contract of"] == "m365-licensing"
    contracts = book["Contracts"]
    heads = [cell.value for cell in contracts[1]]
    by = {r[0]: dict(zip(heads, r, strict=True)) for r in contracts.iter_rows(2, values_only=True)}
    licensing = by["m365-licensing"]
    assert (licensing["notice by"], licensing["steps due by it"], licensing["late for it"]) == (
        datetime(2027, 4, 1),
        16,
        9,
    )
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(2, values_only=True)}
    assert summary["plan finishes, the steps that can be scheduled"] == datetime(2029, 8, 5)
    assert summary["blocked steps"] == 8
    assert summary["users who lose a service"] == 51_700
    assert summary["one-off cost recorded (SEK)"] == "unknown"


def test_the_plan_sheet_says_an_export_cannot_be_made_in_a_cut_off(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """The text, JSON and charts said so; the workbook showed an export on time (helper-61)."""
    target = tmp_path / "cut.xlsx"
    result = run_cli("run", "scenarios/microsoft-cut-off.yaml", "-o", target)
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(target)
    assert "Contracts" not in book.sheetnames  # a cut-off leaves no contract: it is left
    plan = book["Plan"]
    headers = [cell.value for cell in plan[1]]
    rows = {r[0]: dict(zip(headers, r, strict=True)) for r in plan.iter_rows(2, values_only=True)}
    assert rows["export-purview"]["cannot be made"] == "yes: the vendor is gone by then"
    assert {r["cannot be made"] for s, r in rows.items() if s != "export-purview"} == {None}


def test_the_plan_sheet_names_what_a_step_needs_brought_in(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "intune.xlsx"
    result = run_cli("run", "scenarios/lose-intune.yaml", "-o", target)
    assert result.exit_code == 0, result.stderr
    plan = openpyxl.load_workbook(target)["Plan"]
    headers = [cell.value for cell in plan[1]]
    rows = [dict(zip(headers, row, strict=True)) for row in plan.iter_rows(2, values_only=True)]
    assert [(r["step"], r["needs brought in (not in the plan)"]) for r in rows] == [
        ("replace-intune", "univention-nubus")
    ]


def test_the_workbook_and_the_csv_say_what_a_candidate_needs_an_earlier_step_to_move(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """Collabora Online is chosen on the condition that Nextcloud replaces SharePoint
    first; the alternatives said "ok"/"partial" and nothing of it (helper-62)."""
    target = tmp_path / "leave.xlsx"
    result = run_cli("run", "scenarios/leave-microsoft.yaml", "-o", target)
    assert result.exit_code == 0, result.stderr
    sheet = openpyxl.load_workbook(target)["Alternatives"]
    headers = [cell.value for cell in sheet[1]]
    rows = {r[0]: dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    first = "needs first (an earlier step moves it)"
    assert rows["m365-apps"][first] == "nextcloud"
    assert rows["teams"][first] == "univention-nubus"
    assert rows["entra-id"][first] is None  # the identity step waits for nothing
    table = run_cli("run", "scenarios/leave-microsoft.yaml", "--format", "csv")
    assert table.exit_code == 0, table.stderr
    found = {r["id"]: r["needs_first"] for r in csv.DictReader(io.StringIO(table.stdout))}
    assert (found["m365-apps"], found["entra-id"]) == ("nextcloud", "")


def test_simulate_writes_the_same_workbook_and_text_elsewhere(
    run_cli: RunCli, tmp_path: Path
) -> None:
    result = run_cli(
        "simulate", "graphs/gothenburg", "-w", "component:intune", "-o", tmp_path / "i.xlsx"
    )
    assert result.exit_code == 0, result.stderr
    services = openpyxl.load_workbook(tmp_path / "i.xlsx")["Services"]
    assert services.max_row == 1 + 7  # 4 broken, 3 degraded
    headers = [cell.value for cell in services[1]]
    rows = {
        r[0]: dict(zip(headers, r, strict=True)) for r in services.iter_rows(2, values_only=True)
    }
    # a service degraded from day 0 that breaks on day 345: the sheet shows both days (it
    # had one "from" cell, so the earlier degradation was hidden; helper-97)
    endpoint = rows["endpoint-security"]
    assert (endpoint["state"], endpoint["breaks"], endpoint["breaks (day)"]) == (
        "broken", datetime(2027, 10, 12), 345
    )  # fmt: skip
    assert (endpoint["degrades"], endpoint["degrades (day)"]) == (datetime(2026, 11, 1), 0)
    degraded = rows["email-and-calendar"]
    assert (degraded["breaks"], degraded["degrades"], degraded["degrades (day)"]) == (
        None, datetime(2027, 1, 13), 73
    )  # fmt: skip
    text = run_cli(
        "simulate", "graphs/gothenburg", "-w", "component:intune", "-o", tmp_path / "i.json",
        "--format", "json",
    )  # fmt: skip
    assert text.exit_code == 0
    shown = run_cli("simulate", "graphs/gothenburg", "-w", "component:intune", "--format", "json")
    assert (tmp_path / "i.json").read_text(encoding="utf-8") == shown.stdout


def test_the_register_is_a_workbook(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "register.xlsx"
    result = run_cli("register", "graphs/gothenburg", "-o", target)
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(target)
    sheet = book["Register"]
    assert tuple(cell.value for cell in sheet[1]) == REGISTER_HEADERS
    assert sheet.max_row == 1 + 40  # the components in use
    users = REGISTER_HEADERS.index("Users of those services")
    assert all(isinstance(row[users], int) for row in sheet.iter_rows(2, values_only=True))


def test_the_register_writes_the_exit_plan_test_as_a_date(run_cli: RunCli, tmp_path: Path) -> None:
    estate = tmp_path / "estate"
    shutil.copytree("graphs/gothenburg", estate)
    devices = estate / "components-device-management.yaml"
    text = devices.read_text(encoding="utf-8")
    devices.write_text(
        text.replace(
            "      plan_exists: false\n",
            "      plan_exists: true\n      last_tested: 2026-05-01\n",
            1,
        ),
        encoding="utf-8",
    )
    result = run_cli("register", estate, "-o", tmp_path / "register.xlsx")
    assert result.exit_code == 0, result.stderr
    sheet = openpyxl.load_workbook(tmp_path / "register.xlsx")["Register"]
    tested = [row[-1] for row in sheet.iter_rows(2, values_only=True)]
    assert tested.count(datetime(2026, 5, 1)) == 1
    assert all(value is None or isinstance(value, datetime) for value in tested)


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://evil","x")', "+1+2", "-3+4", "@SUM(A1)", "=cmd|' /C calc'!A0", HOSTILE],
)
def test_no_name_runs_as_a_formula(run_cli: RunCli, tmp_path: Path, name: str) -> None:
    estate, scenario = write_estate(tmp_path / "in", name)
    for args in (("run", scenario), ("register", estate)):
        target = tmp_path / f"{args[0]}.xlsx"
        result = run_cli(*args, "-o", target)
        assert result.exit_code == 0, result.stderr
        book = openpyxl.load_workbook(target)
        kept = 0
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        assert "\x1b" not in cell.value
                    kept += cell.value == name and cell.data_type == "s"
        # the name is kept as written, as text: no quote or space put before it (openpyxl
        # makes a formula only of "="; Excel and LibreOffice run none of a text cell)
        assert kept or name == HOSTILE, args


def test_an_unwritable_workbook_leaves_nothing(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "r.xlsx"
    result = run_cli("register", "graphs/gothenburg", "-o", target)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert not target.parent.exists()


def test_text_a_workbook_cannot_carry_is_written_as_escapes() -> None:
    """The loader refuses U+FFFE and U+FFFF, but a database written by other hands might
    hand one over: shown as an escape, like a control character, never an internal error."""
    data = dump_xlsx([Sheet("S", ("name",), [("a\uffffb\x07\ufffe",)])])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet["A2"].value == "a\\uffffb\\x07\\ufffe"


def test_text_is_shown_as_in_every_other_output() -> None:
    """DEL, C1 controls, bidirectional overrides and line separators fit in a workbook
    but would act on whoever reads it: written as escapes, as on the terminal; line feeds
    stay, as a cell may hold lines."""
    given = "a\x7f\x85\x9b\u202eb\u2028c\u2029d\ne\tf \U0001f469\u200d\U0001f4bb"
    data = dump_xlsx([Sheet("S", ("name",), [(given,)])])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    shown = "a\\x7f\\x85\\x9b\\u202eb\\u2028c\\u2029d\ne\tf \U0001f469\u200d\U0001f4bb"
    assert sheet["A2"].value == shown  # tabs, line feeds and an emoji's joiner stay


def test_a_text_longer_than_a_cell_holds_is_cut_with_words_and_a_notice(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """A spreadsheet cell holds 32,767 characters, and openpyxl cuts longer text without a
    word: 2,500 services on one component are listed in the CSV whole, and in the workbook
    up to a service, with the count of what is left out."""
    services = "".join(
        f"  - {{id: service-number-{n:05}, name: S{n}, criticality: low,"
        " depends_on: [{ref: idp}]}\n"
        for n in range(2_500)
    )
    estate = tmp_path / "hub.yaml"
    estate.write_text(
        "estate: {name: hub, as_of: 2026-11-01}\n"
        "vendors: [{id: acme, name: Acme}]\n"
        "components: [{id: idp, name: IdP, vendor: acme, delivery: saas}]\n"
        f"services:\n{services}",
        encoding="utf-8",
    )
    result = run_cli("register", estate, "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 0, result.stderr
    assert "1 cell cut to the 32,767 characters a cell holds" in result.stderr
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    (row,) = sheet.iter_rows(2, values_only=True)
    listed = str(row[headers.index("Services depending on it")])
    assert len(listed) <= 32_767
    kept, _, told = listed.partition(" … cut here: ")
    assert re.search(r"; service-number-\d{5}$", kept), kept[-100:]  # cut between services
    assert kept.count(";") > 1_000
    assert told.startswith(
        f"{len('; '.join(f'service-number-{n:05}' for n in range(2_500))) - len(kept):,} more"
    )
    whole = run_cli("register", estate)
    assert "service-number-02499" in whole.stdout


@pytest.mark.parametrize(
    ("name", "code", "told"),
    [
        ("r.xls", 2, "exitplan writes workbooks as .xlsx; name the file .xlsx, or .csv"),
        ("r.ods", 2, "exitplan writes workbooks as .xlsx"),
        ("r.tsv", 0, "r.tsv is written as csv, not tsv (exitplan writes .json, .md, .csv"),
        ("r.svg", 2, "-o writes .json, .md, .csv or .xlsx here; a picture is drawn by exitplan"),
        ("r.txt", 0, ""),
    ],
)
def test_a_suffix_that_names_another_format_is_told(
    run_cli: RunCli, tmp_path: Path, name: str, code: int, told: str
) -> None:
    """CSV text named .xls makes a spreadsheet complain that the file is not what its
    name says: refused before any work; a name of another format gets a notice."""
    result = run_cli("register", "graphs/gothenburg", "-o", tmp_path / name)
    assert result.exit_code == code, result.stderr
    assert told in result.stderr
    assert (tmp_path / name).exists() == (code == 0)
    if not told:
        assert "notice" not in result.stderr


@pytest.mark.parametrize("separator", ["; ", ", "])
def test_a_long_list_is_cut_between_its_items(separator: str) -> None:
    items = [f"step-{n:05}" for n in range(4_000)]
    kept, _, told = fit_cell(separator.join(items)).partition(" … cut here: ")
    assert kept.split(separator)[-1] in items
    assert told.endswith("the CSV and JSON hold it whole)")


@pytest.mark.parametrize(
    "command",
    [
        ("register", "graphs/gothenburg"),
        ("simulate", "graphs/gothenburg", "-w", "vendor:microsoft", "--format", "csv"),
        ("run", "scenarios/lose-intune.yaml", "--format", "csv"),
    ],
)
def test_a_csv_file_begins_with_a_byte_order_mark_and_standard_output_does_not(
    run_cli: RunCli, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """Excel opened the register as its system's code page: "GÃ¶teborgs Stad"."""
    target = tmp_path / "out.csv"
    written = run_cli(*command, "-o", target)
    assert written.exit_code == 0, written.stderr
    shown = run_cli(*command)
    data = target.read_bytes()
    assert data.startswith("\ufeff".encode())
    assert not shown.stdout.startswith("\ufeff")
    assert data.decode("utf-8-sig") == shown.stdout


def test_the_register_leaves_users_not_recorded_blank_never_0(
    run_cli: RunCli, write_files: WriteFiles, tmp_path: Path
) -> None:
    """B's services record no users: the cell is blank in the CSV and the workbook; A's
    count is 0, as no service depends on it (helper-97's R63 and R88 wrote 0 for both)."""
    folder = write_files({"ordered.yaml": ORDERED})
    result = run_cli("register", folder, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    users = {
        row["Component id"]: row["Users of those services"]
        for row in csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff")))
    }
    assert users == {"a": "0", "b": ""}
    result = run_cli("register", folder, "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 0, result.stderr
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["Register"]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("Users of those services")
    assert {row[0]: row[column] for row in sheet.iter_rows(2, values_only=True)} == {
        "a": 0,
        "b": None,
    }


def test_without_a_day_0_no_contract_is_counted_on_time(
    run_cli: RunCli, write_files: WriteFiles, tmp_path: Path
) -> None:
    """An estate with no as_of and no --start has no dates: the Contracts sheet leaves
    "late for it" blank, as the text says "lateness unknown", rather than 0 (helper-97's
    R60)."""
    estate = ON_THE_DAY.replace("END", "2026-01-29").replace(", as_of: 2026-01-01", "")
    folder = write_files({"undated.yaml": estate})
    target = tmp_path / "u.xlsx"
    result = run_cli("simulate", folder, "-w", "vendor:v", "--mode", "exit", "-o", target)
    assert result.exit_code == 0, result.stderr
    sheet = openpyxl.load_workbook(target)["Contracts"]
    headers = [cell.value for cell in sheet[1]]
    (row,) = [dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)]
    assert (row["steps due by it"], row["late for it"]) == (1, None)
