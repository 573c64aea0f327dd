"""exitplan init: a starter that validates, simulates, runs and checks at once, and
never overwrites what is there."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from exitplan.loading import read_document
from tests.conftest import RunCli


def test_the_starter_works_at_once(run_cli: RunCli, tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "new"
    made = run_cli("init", folder)
    assert made.exit_code == 0, made.stderr
    assert "exitplan simulate" in made.stdout
    for args in (
        ("validate", folder / "estate"),
        ("simulate", folder / "estate", "-w", "vendor:cloudco"),
        ("simulate", folder / "estate", "-w", "vendor:cloudco", "--mode", "exit"),
        ("run", folder / "scenarios" / "leave-cloudco.yaml"),
        ("check", folder / "estate"),
        ("report", folder / "scenarios" / "leave-cloudco.yaml", "-o", tmp_path / "r.md"),
    ):
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
    shown = json.loads(
        run_cli("simulate", folder / "estate", "-w", "vendor:cloudco", "--format", "json").stdout
    )
    assert {s["id"] for s in shown["services"]} == {"email-and-calendar", "workplace"}
    assert [item["id"] for item in shown["licences"]] == ["office-suite"]


def test_the_starter_files_follow_the_schemas_written_beside_them(
    run_cli: RunCli, tmp_path: Path
) -> None:
    assert run_cli("init", tmp_path).exit_code == 0
    for data, schema in (
        ("estate/estate.yaml", "estate.schema.json"),
        ("scenarios/leave-cloudco.yaml", "scenario.schema.json"),
    ):
        validator = jsonschema.Draft202012Validator(
            json.loads((tmp_path / schema).read_text(encoding="utf-8"))
        )
        assert list(validator.iter_errors(read_document(tmp_path / data).data)) == []
        first = (tmp_path / data).read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../{schema}"


@pytest.mark.parametrize("existing", ["estate/estate.yaml", "scenario.schema.json"])
def test_nothing_is_overwritten(run_cli: RunCli, tmp_path: Path, existing: str) -> None:
    (tmp_path / existing).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / existing).write_text("mine\n", encoding="utf-8")
    result = run_cli("init", tmp_path)
    assert result.exit_code == 2
    assert f"already holds {existing}" in result.stderr
    assert (tmp_path / existing).read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "scenarios").exists()


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        pytest.param("file/inside", "Not a directory", id="under-a-file"),
        pytest.param("n" * 300, "File name too long", id="name-too-long"),
    ],
)
def test_a_folder_that_cannot_be_made_is_an_ordinary_error(
    run_cli: RunCli, tmp_path: Path, where: str, reason: str
) -> None:
    (tmp_path / "file").write_text("not a folder\n", encoding="utf-8")
    result = run_cli("init", tmp_path / where)
    assert result.exit_code == 2
    assert result.stderr.startswith("exitplan: cannot create ")
    assert reason in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
