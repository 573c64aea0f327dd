"""Long commands draw a bar on stderr when it is a terminal, and only then: what they
write is the same with and without one."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, _command, cli, read_terminal

GOTHENBURG = REPO / "graphs" / "gothenburg"
SERVICENOW = REPO / "tests" / "fixtures" / "csv" / "servicenow"
SCENARIO = REPO / "scenarios" / "leave-microsoft.yaml"

CASES = [
    (
        ["sensitivity", SCENARIO, "--most", "20", "--format", "json"],
        None,
        "running the scenario again",
    ),
    (["register", GOTHENBURG, "--format", "json"], None, "withdrawing each component in turn"),
    (
        ["explore", GOTHENBURG, "-o", "estate.html"],
        "estate.html",
        "answering each withdrawal the page offers",
    ),
    (
        [
            "import",
            "--components",
            SERVICENOW / "cmdb_ci.csv",
            "--relations",
            SERVICENOW / "cmdb_rel_ci.csv",
            "-o",
            "estate",
        ],
        "estate/imported/cmdb_ci.yaml",
        "checking it as validate would",  # the last stage, drawn as the bar is taken down
    ),
]


def _on_terminal(
    args: list[str | Path], cwd: Path, *, closed: bool = False
) -> tuple[int, str, str]:
    """Run the command with stderr on a pseudo-terminal (and, when ``closed``, no stdout
    at all): its exit code, its stdout and what the terminal showed."""
    import pty  # noqa: PLC0415  # POSIX only

    leader, follower = pty.openpty()
    answer = cwd / "stdout.txt"
    with answer.open("wb") as stdout:
        process = subprocess.Popen(
            [*_command(), *map(str, args)],
            stdout=stdout,
            stderr=follower,
            env={**os.environ, "COLUMNS": "100", "LINES": "50"},
            cwd=cwd,
            preexec_fn=(lambda: os.close(1)) if closed else None,  # noqa: PLW1509  # no threads here
        )
    os.close(follower)
    shown = read_terminal(leader)
    process.wait(timeout=300)
    return process.returncode, answer.read_text(encoding="utf-8"), shown


@pytest.mark.parametrize(
    ("args", "written", "bar"), CASES, ids=["sensitivity", "register", "explore", "import"]
)
def test_a_bar_on_a_terminal_changes_nothing_written(
    tmp_path: Path, args: list[str | Path], written: str | None, bar: str
) -> None:
    piped_folder = tmp_path / "piped"
    terminal_folder = tmp_path / "terminal"
    piped_folder.mkdir()
    terminal_folder.mkdir()
    piped = cli(*args, cwd=piped_folder)
    code, stdout, shown = _on_terminal(args, terminal_folder)
    assert (piped.exit_code, code) == (0, 0)
    assert stdout == piped.stdout
    assert bar in shown
    assert "Traceback" not in shown
    assert bar not in piped.stderr
    assert "\x1b" not in piped.stderr  # no bar, and no cursor movement, off a terminal
    if written is not None:
        assert (terminal_folder / written).read_bytes() == (piped_folder / written).read_bytes()


@pytest.mark.parametrize(
    ("args", "written", "bar"),
    [case for case in CASES if case[1] is None or case[0][0] == "import"],
    ids=["sensitivity", "register", "import"],
)
def test_a_bar_leaves_a_closed_stdout_closed(
    tmp_path: Path, args: list[str | Path], written: str | None, bar: str
) -> None:
    """The answer does not reach the terminal through the bar's stand-in for stdout: the
    command fails as it does without a bar."""
    code, _, shown = _on_terminal(args, tmp_path, closed=True)
    assert code == 2
    assert "standard output is closed" in shown
    assert bar in shown
    assert '"schema"' not in shown
    assert "Traceback" not in shown
