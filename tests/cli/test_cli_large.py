"""Estates at the size of a real export: one file of 15 MB, and the budget that bounds
what an estate may hold (``--max-bytes``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.synthetic import generate
from exitplan.loading import MAX_ESTATE_BYTES
from exitplan.model import EstateFile
from tests.conftest import RunCli, WriteFiles
from tests.test_graph import SMALL


def test_a_single_file_of_ten_thousand_components_loads_without_splitting(
    tmp_path: Path, run_cli: RunCli
) -> None:
    estate = generate(10_000, seed=1)
    content = EstateFile(
        estate=estate.info,
        vendors=estate.vendors,
        components=estate.components,
        services=estate.services,
        capabilities=estate.capabilities,
        organisations=estate.organisations,
        alternatives=estate.alternatives,
    )
    path = tmp_path / "cmdb-export.json"
    path.write_text(content.model_dump_json(by_alias=True, exclude_defaults=True, indent=2))
    assert path.stat().st_size > 15_000_000
    result = run_cli("validate", path)
    assert result.exit_code == 0, result.stderr[-2000:]
    assert "components       12000  (10000 in use, 2,000 candidates)" in result.stdout
    simulated = run_cli("simulate", path, "-w", "vendor:v-dominant", "--format", "json")
    assert simulated.exit_code == 0, simulated.stderr[-2000:]


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
