"""exitplan init: a starter that validates, simulates, runs and checks at once, and
never overwrites what is there."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from exitplan.cli import init
from exitplan.loading import read_document
from tests.conftest import REPO, RunCli, _command, interrupting
from tests.reliability.test_outputs import _without_permission


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
        ("explore", folder / "estate", "-o", tmp_path / "e.html"),  # refused (helper-60)
    ):
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
    shown = json.loads(
        run_cli("simulate", folder / "estate", "-w", "vendor:cloudco", "--format", "json").stdout
    )
    assert {s["id"] for s in shown["services"]} == {"email-and-calendar", "workplace"}
    assert [item["id"] for item in shown["licences"]] == ["office-suite"]
    page = (tmp_path / "e.html").read_text(encoding="utf-8")
    assert "jurisdiction:SE" not in page  # only your own IT provider is Swedish here
    assert "jurisdiction:US" in page


@pytest.mark.parametrize(
    ("folder", "name"), [("team-a", "team-a"), ("Team B 2024", "team-b-2024"), ("2024", "2024")]
)
def test_the_starter_is_named_after_its_folder(
    run_cli: RunCli, tmp_path: Path, folder: str, name: str
) -> None:
    """Every starter was named 'starter': two loaded into one database replaced each other."""
    assert run_cli("init", tmp_path / folder).exit_code == 0
    shown = run_cli("validate", tmp_path / folder / "estate")
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.startswith(f"Estate {name} is valid")


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
    assert (
        f"already holds {existing.split('/', maxsplit=1)[0]}; init writes only into a new or empty"
        in (result.stderr)
    )
    assert (tmp_path / existing).read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "scenarios").exists()


REFUSED = [
    pytest.param(
        lambda t: (t / "README.md").write_text("# mine\n", encoding="utf-8"),
        "",
        "already holds README.md; init writes only into a new or empty folder",
        id="a-folder-of-the-users",
    ),
    pytest.param(
        lambda t: (t / "x").symlink_to(t / "nowhere"), "x", "x is a link to nothing", id="link"
    ),
]


@pytest.mark.parametrize(("prepare", "where", "said"), REFUSED)
def test_init_refuses_a_folder_it_would_mix_into(
    run_cli: RunCli, tmp_path: Path, prepare: Callable[[Path], object], where: str, said: str
) -> None:
    prepare(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run_cli("init", tmp_path / where if where else tmp_path)
    assert result.exit_code == 2
    assert said in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize(
    ("name", "text"),
    [("city.yaml", "estate:\n  name: city\n"), ("e.json", '{"estate": {"name": "e"}}')],
)
def test_init_inside_an_estate_says_so(
    run_cli: RunCli, tmp_path: Path, name: str, text: str
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    made = run_cli("init", tmp_path / "a" / "b")
    assert made.exit_code == 0, made.stderr
    assert f"whose {name} gives an estate's header" in made.stderr


def test_a_json_schema_beside_the_folder_is_not_an_estate(run_cli: RunCli, tmp_path: Path) -> None:
    """``exitplan schema > estate.schema.json``, as the README suggests, was taken for an
    estate's header, which loading skips: the note was false."""
    schema = run_cli("schema")
    assert schema.exit_code == 0, schema.stderr
    (tmp_path / "estate.schema.json").write_text(schema.stdout, encoding="utf-8")
    made = run_cli("init", tmp_path / "new")
    assert made.exit_code == 0, made.stderr
    assert made.stderr == ""


def test_an_output_that_names_its_estate_is_not_an_estate(run_cli: RunCli, tmp_path: Path) -> None:
    """A simulation saved as JSON (``"estate": "gothenburg"``) beside the folder is no
    estate header: init writes there."""
    (tmp_path / "answer.json").write_text('{"estate": "gothenburg"}', encoding="utf-8")
    made = run_cli("init", tmp_path / "new")
    assert made.exit_code == 0
    assert made.stderr == ""


def test_an_empty_name_is_not_this_folder(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("init", "")
    assert result.exit_code == 2
    assert "'' names no folder" in result.stderr


def test_a_folder_holding_only_hidden_entries_is_empty(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    result = run_cli("init", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".git",
        "estate",
        "estate.schema.json",
        "scenario.schema.json",
        "scenarios",
    ]


def test_the_next_commands_can_be_pasted(run_cli: RunCli, tmp_path: Path) -> None:
    folder = tmp_path / "my estate"
    made = run_cli("init", folder)
    assert made.exit_code == 0, made.stderr
    assert f"exitplan validate '{folder}'/estate" in made.stdout


@pytest.mark.parametrize(
    ("target", "told"),
    [
        pytest.param("locked/new/deeper", "exitplan: cannot create ", id="folder-to-create"),
        pytest.param("locked", "exitplan: cannot write into ", id="empty-folder"),
    ],
)
def test_a_failed_init_leaves_nothing(tmp_path: Path, target: str, told: str) -> None:
    """Writing fails part-way (a folder init may not write into): no file of the starter
    stays, and no folder init made."""
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    done = subprocess.run(
        _without_permission([*_command(), "init", tmp_path / target]),
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(told), done.stderr
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        pytest.param("file/inside", "file is a file, not a folder", id="under-a-file"),
        pytest.param("n" * 300, "file name too long", id="name-too-long"),
    ],
)
def test_a_folder_that_cannot_be_made_is_an_ordinary_error(
    run_cli: RunCli, tmp_path: Path, where: str, reason: str
) -> None:
    (tmp_path / "file").write_text("not a folder\n", encoding="utf-8")
    result = run_cli("init", tmp_path / where)
    assert result.exit_code == 2
    assert result.stderr.startswith("exitplan: cannot create ")
    assert reason in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_ctrl_c_as_a_file_is_moved_in_takes_every_file_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A Ctrl-C as the first file was moved into place ended init before it noted the
    file as moved, and it stayed: all four files or none, as init promises, and a second
    init then refused the folder as not empty (helper-115). The signal waits until every
    file is moved, then all are taken back."""
    folder = tmp_path / "z"
    folder.mkdir()
    files = init._files(folder)
    calls = interrupting(monkeypatch, "rename", lambda calls: len(calls) == 1)
    with pytest.raises(KeyboardInterrupt):
        init._write_all(folder, files)
    monkeypatch.undo()
    assert len(calls) == len({name.split("/")[0] for name in files}) > 1
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("depth", [1, 2])
def test_a_ctrl_c_as_the_folders_are_made_removes_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, depth: int
) -> None:
    """``init a/b/c/z`` interrupted once ``a/b`` was made left ``a/`` and ``a/b/`` behind
    (helper-115): the folders init made are removed, deepest first."""
    interrupting(monkeypatch, "mkdir", lambda calls: len(calls) == depth)
    with pytest.raises(KeyboardInterrupt):
        init.init_command.callback(folder=tmp_path / "a" / "b" / "c" / "z")  # type: ignore[misc]
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_a_folder_named_through_a_missing_one_is_the_folder_it_names(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """``init x/../y``, with no x: the check for an empty folder looked through the missing
    x, found nothing, and init wrote beside the user's files in y (and made x); where y
    could not be written, init took y itself away as a folder it had made (helper-116)."""
    kept = tmp_path / "y"
    kept.mkdir()
    (kept / "notes.txt").write_text("keep", encoding="utf-8")
    result = run_cli("init", "x/../y", cwd=tmp_path)
    assert result.exit_code == 2
    assert "y already holds notes.txt" in result.stderr
    locked = tmp_path / "z"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        refused = subprocess.run(
            _without_permission([*_command(), "init", "x/../z"]),
            cwd=tmp_path, capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip
    finally:
        locked.chmod(0o755)
    assert refused.returncode == 2, refused.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["y", "z"]
    assert [p.name for p in kept.iterdir()] == ["notes.txt"]
    made = run_cli("init", "x/../w", cwd=tmp_path)
    assert made.exit_code == 0, made.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w", "y", "z"]
