"""The README's tour stays true: every command it shows on the example is run, and every
line of output it shows (a shortened excerpt, "..." where lines are left out) must appear
in the real output, in order."""

from __future__ import annotations

import glob
import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import REPO, RunCli

SKIPPED = (
    " -o ",
    " > ",
    "exitplan load",
    "--backend",
    "broken-estate",  # exit code 2: test_the_broken_example_is_real
    "NEO4J",
    "init ",
    "my-import",
)
"""Commands the tour shows but that write files, need a server or a prepared folder;
their behaviour is tested elsewhere."""


def _examples() -> list[tuple[str, list[str]]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, *shown = chunk.rstrip("\n").split("\n")
            if not any(skip in f" {command} " for skip in SKIPPED):
                found.append((command, [line for line in shown if line != "..."]))
    return found


EXAMPLES = _examples()


def test_the_tour_shows_commands() -> None:
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_the_readme_output_is_real(run_cli: RunCli, command: str, shown: list[str]) -> None:
    words = shlex.split(command)
    assert words[0] == "exitplan"
    args = [
        match for word in words[1:] for match in (sorted(glob.glob(word, root_dir=REPO)) or [word])
    ]
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    real = [line.rstrip() for line in result.stdout.splitlines()]
    position = 0
    for line in shown:
        try:
            position = real.index(line.rstrip(), position) + 1
        except ValueError:
            pytest.fail(f"{command}: the README shows a line the command does not print:\n{line}")


def test_the_import_example_is_real(run_cli: RunCli, tmp_path: Path) -> None:
    """The tour's import, run in a folder of its own (the README's paths are relative to
    the repository, so ``tests`` is linked there), and the simulation after it."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL)
                 if "$ exitplan import" in b)  # fmt: skip
    (tmp_path / "tests").symlink_to(REPO / "tests")
    for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
        command, *shown = chunk.rstrip("\n").split("\n")
        result = run_cli(*shlex.split(command)[1:], cwd=tmp_path)
        assert result.exit_code == 0, result.stderr
        # what a terminal shows: the summary, then the line on standard error after it
        real = [line.rstrip() for line in (result.stdout + result.stderr).splitlines()]
        position = 0
        for line in (line for line in shown if line != "..."):
            assert line.rstrip() in real[position:], f"{command}: not printed: {line}"
            position = real.index(line.rstrip(), position) + 1


def test_the_explorer_example_is_real(run_cli: RunCli, tmp_path: Path) -> None:
    """The tour's explorer, written in a folder of its own: the line it shows is the
    one exitplan prints on standard error (helper-64: the README showed none)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    chunk = next(
        c
        for block in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL)
        for c in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]
        if c.startswith("exitplan explore")
    )
    command, *shown = chunk.rstrip("\n").split("\n")
    (tmp_path / "graphs").symlink_to(REPO / "graphs")
    result = run_cli(*shlex.split(command)[1:], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert (result.stdout, result.stderr.splitlines()) == ("", shown)
    assert (tmp_path / "estate.html").is_file()


def test_the_broken_example_is_real(run_cli: RunCli) -> None:
    """The tour's estate with mistakes is in the repository (docs/broken-estate), and its
    messages are what the README shows, on standard error, with exit code 2."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    chunk = next(
        c
        for block in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL)
        for c in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]
        if "broken-estate" in c.split("\n")[0]
    )
    command, *shown = chunk.rstrip("\n").split("\n")
    result = run_cli(*shlex.split(command)[1:])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == shown
