"""The real ``exitplan`` command: exit codes, stdout and stderr."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from exitplan import __version__
from exitplan.cli import COMMANDS, _command
from tests.conftest import RunCli, WriteFiles
from tests.test_graph import SMALL


def test_version(run_cli: RunCli) -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"exitplan, version {__version__}"


def test_every_command_has_help_with_an_example(run_cli: RunCli) -> None:
    top = run_cli("--help")
    assert top.exit_code == 0
    commands = [
        line.split()[0]
        for line in top.stdout.split("Commands:")[1].splitlines()
        if line.startswith("  ")
    ]
    assert {"validate", "show", "schema"} <= set(commands)
    for command in commands:
        result = run_cli(command, "--help")
        assert result.exit_code == 0, command
        assert "Example" in result.stdout, command
        assert f"exitplan {command}" in result.stdout, command
        options = [
            line.split()[0].rstrip(",")
            for line in result.stdout.split("Options:")[1].splitlines()
            if line.startswith("  -")
        ]
        if "--backend" in options:  # where the estate is read: after the command's own
            assert options[0] != "--backend", command
            where = options.index("--backend")
            assert options[where : where + 5] == [
                "--backend", "--estate", "--neo4j-uri", "--neo4j-user", "--max-bytes"
            ], command  # fmt: skip


def test_every_command_listed_is_one_the_command_line_knows() -> None:
    """Commands are imported when they run; the list they are found in must name each
    by the name its module gives it."""
    for name in COMMANDS:
        assert _command(name).name == name


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("simulat", "No such command 'simulat'. Did you mean 'simulate'?"),
        ("exprot", "No such command 'exprot'. (Did you mean one of: 'explore', 'export'?)"),
        ("nope", "No such command 'nope'."),
    ],
)
def test_an_unknown_command_names_the_nearest(run_cli: RunCli, typed: str, said: str) -> None:
    result = run_cli(typed)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == f"Error: {said}"


def test_validate_prints_counts(run_cli: RunCli, write_files: WriteFiles) -> None:
    folder = write_files({"small.yaml": SMALL})
    result = run_cli("validate", folder)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert "Estate small is valid (1 file):" in result.stdout
    assert "components           3  (2 in use, 1 candidate)" in result.stdout
    assert "data flows           1" in result.stdout


def test_four_problems_in_two_files_are_all_reported(
    run_cli: RunCli, write_files: WriteFiles
) -> None:
    folder = write_files(
        {
            "estate.yaml": """
            vendors:
              - id: microsoft
                name: Microsoft Corporation
                hq_country: US
            components:
              - id: entra-id
                name: Microsoft Entra ID
                vendor: microsoft
                delivery: saas
              - id: intune
                name: Microsoft Intune
                vendor: microsoft
                delivery: sass
                depends_on: [entra-idd]
              - id: entra-id
                name: Entra ID again
                vendor: microsoft
                delivery: saas
            """,
            "services.yaml": "services:\n  - id: workplace\n    name: [Managed workplace\n",
        }
    )
    result = run_cli("validate", folder)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1] == "exitplan: 5 problems found; the estate was not loaded."
    estate_file = str(folder / "estate.yaml")
    services_file = str(folder / "services.yaml")
    assert f"{estate_file}:6: components[0].id: duplicate id 'entra-id'" in result.stderr
    assert f"{estate_file}:15: components[2].id: duplicate id 'entra-id'" in result.stderr
    assert f"{estate_file}:13: components[1].delivery: 'sass' is not allowed" in result.stderr
    assert (
        f"{estate_file}:14: components[1].depends_on[0].ref: unknown component or service "
        "'entra-idd'; did you mean 'entra-id'?" in result.stderr
    )
    assert f"{services_file}:4: YAML syntax error" in result.stderr


def test_missing_path_is_a_usage_error(run_cli: RunCli) -> None:
    result = run_cli("validate", "no/such/estate")
    assert result.exit_code == 2
    assert result.stderr == "exitplan: no/such/estate: no such file or folder\n"
    assert "Traceback" not in result.stderr


def test_show_one_node_as_table_and_json(run_cli: RunCli, write_files: WriteFiles) -> None:
    folder = write_files({"small.yaml": SMALL})
    table = run_cli("show", folder, "mailer")
    assert table.exit_code == 0, table.stderr
    assert table.stdout.startswith("Component mailer: Mail\n")
    for title in ("Depends on", "Depended on by", "Provided by", "Alternatives", "Data flows in"):
        assert title in table.stdout
    assert "after 30 days" in table.stdout
    assert max(len(line) for line in table.stdout.splitlines()) <= 100
    result = run_cli("show", folder, "mailer", "--format", "json")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["schema"] == "exitplan/show/v1"
    assert shown["node"]["kind"] == "component"
    assert [d["id"] for d in shown["depends_on"]] == ["idp"]
    assert [d["id"] for d in shown["dependents"]] == ["mail-service"]
    assert [d["id"] for d in shown["alternatives"]] == ["open-mail"]
    assert shown["flows_in"][0]["properties"]["assets"] == ["mail body"]


FOOTNOTED = """
estate: {name: noted, as_of: 2026-01-01}
vendors: [{id: v, name: V, hq_country: SE}]
components:
  - id: a
    name: A
    vendor: v
    delivery: saas
    depends_on:
      - {ref: b, strength: soft, onset: {grace_days: 1}, why: Source one}
      - {ref: c, why: Source two}
      - {ref: d, why: Source one}
  - {id: b, name: B, vendor: v, delivery: saas}
  - {id: c, name: C, vendor: v, delivery: saas}
  - {id: d, name: D, vendor: v, delivery: saas}
"""


def test_show_marks_each_source_by_its_note_and_a_day_in_the_singular(
    run_cli: RunCli, write_files: WriteFiles
) -> None:
    """A source told twice has one note; marks count from 1, as the notes under the table
    do; one day of grace reads "after 1 day" (helper-97's R96 and R97 were untested)."""
    result = run_cli("show", write_files({"noted.yaml": FOOTNOTED}), "a")
    assert result.exit_code == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.strip()}
    assert rows["b"][-4:] == ["after", "1", "day", "[1]"]
    assert rows["c"][-1] == "[2]"
    assert rows["d"][-1] == "[1]"
    assert "[1] Source one" in result.stdout
    assert "[2] Source two" in result.stdout
    assert "[3]" not in result.stdout


def test_show_unknown_node_suggests(run_cli: RunCli, write_files: WriteFiles) -> None:
    folder = write_files({"small.yaml": SMALL})
    result = run_cli("show", folder, "mailr")
    assert result.exit_code == 2
    assert result.stderr == "exitplan: estate 'small' has no node 'mailr'; did you mean 'mailer'?\n"


def test_show_with_an_id_alone_says_the_estate_comes_first(run_cli: RunCli) -> None:
    """``show intune`` said "intune: no such file or folder" alone (helper-86)."""
    result = run_cli("show", "intune")
    assert result.exit_code == 2
    assert result.stderr == (
        "exitplan: intune: no such file or folder; show takes the estate first, then an id: "
        "exitplan show PATH intune\n"
    )
    assert run_cli("show", "graphs/nothere", "intune").stderr == (
        "exitplan: graphs/nothere: no such file or folder\n"  # a path and an id: no hint
    )


@pytest.mark.parametrize(
    "command",
    [
        ("show", "graphs/gothenburg", "files-to-onedrive"),
        ("what-breaks-if", "graphs/gothenburg", "files-to-onedrive"),
        ("diagram", "graphs/gothenburg", "--view", "estate", "--focus", "files-to-onedrive"),
    ],
)
def test_a_data_flow_id_is_told_as_a_data_flow(
    run_cli: RunCli, tmp_path: Path, command: tuple[str, ...]
) -> None:
    extra = ("-o", tmp_path / "x.dot") if command[0] == "diagram" else ()
    result = run_cli(*command, *extra)
    assert result.exit_code == 2
    assert result.stderr == (
        "exitplan: 'files-to-onedrive' is a data flow, from 'files-and-collaboration' to "
        "'onedrive', not a node: name either end instead (each lists its data flows)\n"
    )
    assert not (tmp_path / "x.dot").exists()


def test_show_whole_estate(run_cli: RunCli, write_files: WriteFiles) -> None:
    folder = write_files({"small.yaml": SMALL})
    result = run_cli("show", folder, "--format", "json")
    shown = json.loads(result.stdout)
    assert shown["counts"]["nodes"]["component"] == 3
    assert len(shown["edges"]) == 13
    table = run_cli("show", folder)
    assert "Services" in table.stdout
    assert "mail-service" in table.stdout


def test_schema_is_draft_2020_12_and_checks_files(run_cli: RunCli) -> None:
    result = run_cli("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    validator = jsonschema.Draft202012Validator(schema)
    validator.check_schema(schema)
    dependencies = ["y", {"ref": "z", "onset": {"grace_days": 3}}]
    component = {"id": "x", "name": "X", "vendor": "v", "delivery": "saas"}
    good = {"components": [{**component, "depends_on": dependencies}]}
    assert list(validator.iter_errors(good)) == []
    bad = {"components": [{"id": "X", "name": "X", "delivery": "sass", "colour": 1}]}
    assert len(list(validator.iter_errors(bad))) >= 1


def test_debug_shows_the_traceback(run_cli: RunCli) -> None:
    plain = run_cli("show", "no/such/estate")
    assert plain.exit_code == 2
    assert "Traceback" not in plain.stderr
    debug = run_cli("--debug", "show", "no/such/estate")
    assert "Traceback" in debug.stderr
    assert "UsageError: no/such/estate: no such file or folder" in debug.stderr
    # The traceback is added to the message, and bad input is exit code 2 as without it.
    assert debug.exit_code == 2
    assert debug.stderr.rstrip().splitlines()[-1] == plain.stderr.rstrip().splitlines()[-1]


_SIMULATE = ("simulate", "graphs/gothenburg", "-w", "vendor:microsoft")
_RUN = ("run", "scenarios/lose-intune.yaml")


@pytest.mark.parametrize(
    ("command", "name", "given", "starts"),
    [
        (_SIMULATE, "out.json", (), "{"),
        (_SIMULATE, "OUT.JSON", (), "{"),
        (_SIMULATE, "out.md", (), "# Withdrawing vendor:microsoft"),
        (_SIMULATE, "out.csv", (), "id,kind,name,state"),
        (_SIMULATE, "out.txt", (), "Withdrawing vendor:microsoft (cut-off)"),
        (_SIMULATE, "out", (), "Withdrawing vendor:microsoft (cut-off)"),
        (_SIMULATE, "out.json", ("--format", "table"), "Withdrawing vendor:microsoft (cut-off)"),
        (_SIMULATE, "out.md", ("--format", "json"), "{"),
        (_RUN, "out.json", (), "{"),
        (_RUN, "out.markdown", (), "# "),
        (("register", "graphs/gothenburg"), "out.md", (), "# Register of gothenburg"),
        (("register", "graphs/gothenburg"), "out.json", (), "{"),
        (("register", "graphs/gothenburg"), "out.txt", (), "Component id,"),
    ],
)
def test_without_format_the_suffix_of_the_output_names_it(
    command: tuple[str, ...],
    name: str,
    given: tuple[str, ...],
    starts: str,
    run_cli: RunCli,
    tmp_path: Path,
) -> None:
    target = tmp_path / name
    result = run_cli(*command, *given, "-o", target)
    assert result.exit_code == 0, result.stderr
    written = target.read_text(encoding="utf-8-sig")  # CSV: with its byte-order mark
    assert written.startswith(starts), written[:200]
    if starts == "{":
        json.loads(target.read_text(encoding="utf-8"))


@pytest.mark.parametrize("command", [("show",), ("why", "-w", "vendor:microsoft")])
def test_a_selector_where_a_node_id_belongs_is_told_the_id(
    run_cli: RunCli, command: tuple[str, ...]
) -> None:
    result = run_cli(command[0], "graphs/gothenburg", "component:intune", *command[1:])
    assert result.exit_code == 2
    assert result.stderr == (
        "exitplan: estate 'gothenburg' has no node 'component:intune'; did you mean 'intune'? "
        "(a node is named by its id, without 'component:')\n"
    )


def test_neo4j_options_without_the_neo4j_backend_are_told(run_cli: RunCli) -> None:
    result = run_cli(
        "show", "graphs/gothenburg", "intune", "--estate", "other", "--neo4j-uri", "bolt://x:1"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "exitplan: notice: --estate and --neo4j-uri are used only with --backend neo4j; the "
        "estate is read from its files\n"
    )
