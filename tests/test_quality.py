"""The code stays clean: ruff, strict mypy and the import-linter layer contract.

These run as part of the test command so that CI and a developer run one command.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

BIN = Path(sys.executable).parent


def _run(*command: str) -> None:
    tool = BIN / command[0]
    executable = str(tool) if tool.exists() else command[0]
    completed = subprocess.run(
        [executable, *command[1:]], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.quality
@pytest.mark.parametrize(
    "command",
    [
        ("ruff", "check", "."),
        ("ruff", "format", "--check", "."),
        ("mypy",),
        ("lint-imports",),
    ],
    ids=["ruff-check", "ruff-format", "mypy-strict", "import-layers"],
)
def test_tool_passes(command: tuple[str, ...]) -> None:
    _run(*command)
