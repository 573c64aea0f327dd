"""Estates at the size of a real export: one file of 15 MB, and the budget that bounds
what an estate may hold (``--max-bytes``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from benchmarks.synthetic import generate
from exitplan.loading import MAX_ESTATE_BYTES
from exitplan.model import Estate, EstateFile
from exitplan.render.rows import chain_text
from tests.conftest import RunCli, WriteFiles
from tests.test_graph import SMALL


def _written(estate: Estate, path: Path, indent: int | None = None) -> Path:
    """``estate`` as one JSON file, as an export would give it."""
    content = EstateFile(
        estate=estate.info,
        vendors=estate.vendors,
        components=estate.components,
        services=estate.services,
        capabilities=estate.capabilities,
        organisations=estate.organisations,
        alternatives=estate.alternatives,
    )
    path.write_text(content.model_dump_json(by_alias=True, exclude_defaults=True, indent=indent))
    return path


def test_a_single_file_of_ten_thousand_components_loads_without_splitting(
    tmp_path: Path, run_cli: RunCli
) -> None:
    path = _written(generate(10_000, seed=1), tmp_path / "cmdb-export.json", indent=2)
    assert path.stat().st_size > 15_000_000
    result = run_cli("validate", path)
    assert result.exit_code == 0, result.stderr[-2000:]
    assert "components      12,000  (10,000 in use, 2,000 candidates)" in result.stdout
    simulated = run_cli("simulate", path, "-w", "vendor:v-dominant", "--format", "json")
    assert simulated.exit_code == 0, simulated.stderr[-2000:]


def test_show_counts_in_thousands_as_validate_does(tmp_path: Path, run_cli: RunCli) -> None:
    path = _written(generate(300, seed=1), tmp_path / "estate.json")
    shown = run_cli("show", path)
    assert shown.exit_code == 0, shown.stderr[-2000:]
    (counted,) = (line.split() for line in shown.stdout.splitlines() if "relationships" in line)
    assert counted[0] == "relationships"
    assert re.fullmatch(r"\d{1,3}(,\d{3})+", counted[1]), counted  # thousands apart
    assert "component       360" in shown.stdout


@pytest.mark.parametrize(
    ("written", "code", "said"),
    [
        ("1000", 2, "the limit is 1,000 bytes (raise it with --max-bytes)"),
        ("512MiB", 0, ""),
        ("1.5 GB", 0, ""),
        ("0", 2, "Invalid value for '--max-bytes': give at least one byte"),
        ("lots", 2, "Invalid value for '--max-bytes': 'lots' is not a size"),
    ],
)
def test_max_bytes_takes_a_size_with_or_without_a_unit(
    written: str, code: int, said: str, run_cli: RunCli, write_files: WriteFiles
) -> None:
    folder = write_files({"small.yaml": SMALL})
    result = run_cli("validate", folder, "--max-bytes", written)
    assert result.exit_code == code, result.stderr
    assert said in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ("validate",),
        ("load",),
        ("simulate", "-w", "vendor:eu-sub"),
        ("register",),
        ("check",),
        ("show", "mailer"),
        ("diagram", "--view", "estate", "-o", "{tmp}/d.dot"),
    ],
)
def test_every_command_that_reads_an_estate_keeps_to_its_budget(
    command: tuple[str, ...], run_cli: RunCli, write_files: WriteFiles, tmp_path: Path
) -> None:
    folder = write_files({"small.yaml": SMALL})
    size = (folder / "small.yaml").stat().st_size
    name, *rest = (part.replace("{tmp}", str(tmp_path)) for part in command)
    refused = run_cli(name, folder, *rest, "--max-bytes", str(size - 1))
    assert refused.exit_code == 2, refused.stdout + refused.stderr
    assert f"the limit is {size - 1:,} bytes" in refused.stderr
    within = run_cli(name, folder, *rest, "--max-bytes", str(size))
    assert f"the limit is {size:,}" not in within.stderr
    assert "Traceback" not in within.stderr


def test_the_default_budget_is_told_in_the_help(run_cli: RunCli) -> None:
    result = run_cli("validate", "--help")
    assert f"default {MAX_ESTATE_BYTES // 2**20} MiB" in " ".join(result.stdout.split())


# --- long chains -------------------------------------------------------------------------

_IDS = [f"c{i}" for i in range(2000)]


@pytest.mark.parametrize(
    ("length", "shown"),
    [
        (1, "c0"),
        (9, "c0 ← c1 ← c2 ← c3 ← c4 ← c5 ← c6 ← c7 ← c8"),
        (10, "c0 ← c1 ← c2 ← c3 ← … 2 more … ← c6 ← c7 ← c8 ← c9"),
        (2000, "c0 ← c1 ← c2 ← c3 ← … 1,992 more … ← c1996 ← c1997 ← c1998 ← c1999"),
    ],
)
def test_a_long_chain_is_shown_by_its_ends(length: int, shown: str) -> None:
    chain = _IDS[:length]
    assert chain_text(chain) == shown
    assert chain_text(chain, {n: n.upper() for n in chain}) == shown.replace("c", "C")
    assert chain_text(chain, whole=True) == " ← ".join(chain)


def _chain_estate(length: int) -> str:
    """A service that needs a chain of ``length`` components, the last one withdrawn."""
    lines = [
        "estate: {name: chain, as_of: 2026-01-01}",
        "vendors: [{id: v, name: V, hq_country: US}, {id: w, name: W, hq_country: SE}]",
        "components:",
        *(
            f"  - {{id: c{i}, name: C{i}, vendor: w, delivery: saas, depends_on: [c{i + 1}]}}"
            for i in range(length - 1)
        ),
        f"  - {{id: c{length - 1}, name: C{length - 1}, vendor: v, delivery: saas}}",
        "services:",
        "  - {id: s, name: S, depends_on: [c0]}",
    ]
    return "\n".join(lines) + "\n"


def test_tables_cut_long_chains_and_json_and_why_keep_them(
    run_cli: RunCli, write_files: WriteFiles, tmp_path: Path
) -> None:
    """A chain of 2,000 components: each row of a table shows the ends of its chain (the
    table had every chain whole, 40 MB for this estate); the simulation keeps the first
    62 nodes of a chain, a count of the rest and what is withdrawn (every node carried
    the rest of its chain: the answer grew with the square of the depth); ``why`` gives
    every node."""
    folder = write_files({"chain.yaml": _chain_estate(2000)})
    table = run_cli("simulate", folder, "-w", "vendor:v")
    assert table.exit_code == 0, table.stderr
    assert "c0 ← c1 ← c2 ← c3 ← … 1,995 more … ← c1999" in " ".join(table.stdout.split())
    assert len(table.stdout) < 1_000_000
    whole = " ← ".join(_IDS)
    result = json.loads(run_cli("simulate", folder, "-w", "vendor:v", "--format", "json").stdout)
    service = next(a for a in result["affected"] if a["id"] == "s")
    assert service["because"] == ["s", *_IDS[:61], "… 1,938 more …", _IDS[-1]]
    why = run_cli("why", folder, "-w", "vendor:v", "c0", "--format", "json")
    assert why.exit_code == 0, why.stderr
    assert [c["nodes"] for c in json.loads(why.stdout)["chains"]] == [_IDS]
    workbook = tmp_path / "chain.xlsx"
    assert run_cli("simulate", folder, "-w", "vendor:v", "-o", workbook).exit_code == 0
    cells = [c.value for row in load_workbook(workbook)["Components"].iter_rows() for c in row]
    assert "c1 ← c2 ← c3 ← c4 ← … 1,994 more … ← c1999" in cells
    assert whole not in cells


def test_a_plan_too_large_for_a_slide_is_refused_with_advice_that_works(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """The plan view does not take --focus: its refusal points to what it does take."""
    path = _written(generate(3_000, seed=1), tmp_path / "estate.json")
    result = run_cli(
        "diagram", path, "-w", "vendor:v-dominant", "--view", "plan", "-o", tmp_path / "p.svg"
    )
    assert result.exit_code == 2, result.stderr
    assert "withdraw less with -w" in result.stderr
    assert "--view gantt" in result.stderr
    assert "--focus" not in result.stderr
    assert not (tmp_path / "p.svg").exists()
