"""The console script's last line of defence: a signal wrapped by Python is still a signal."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.conftest import REPO

# A module standing in for ``exitplan.cli`` whose import creates a class while the signal
# arrives: Python then raises ``RuntimeError("Error calling __set_name__ ...")`` with the
# signal's exception as its cause, as happened when SIGTERM met markdown_it's import.
WRAPPED = """
import os, signal, sys, types
from exitplan import entry

def run():
    class Hook:
        def __set_name__(self, owner, name):
            os.kill(os.getpid(), signal.{signal})
            for _ in range(1000):
                pass

    class Owner:
        field = Hook()
    return 0

cli = types.ModuleType("exitplan.cli")
cli.run = run
sys.modules["exitplan.cli"] = cli
entry.main()
"""


@pytest.mark.parametrize(
    ("name", "code", "said"),
    [("SIGINT", 130, "exitplan: interrupted"), ("SIGTERM", 143, "exitplan: terminated")],
)
def test_a_signal_wrapped_in_another_error_ends_in_one_line(
    name: str, code: int, said: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(WRAPPED.format(signal=name))],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stderr == said + "\n"
    assert result.returncode == code


def test_an_error_without_a_signal_behind_it_is_not_hidden() -> None:
    script = textwrap.dedent("""
        import sys, types
        from exitplan import entry
        def run():
            raise RuntimeError("a fault of our own")
        cli = types.ModuleType("exitplan.cli")
        cli.run = run
        sys.modules["exitplan.cli"] = cli
        entry.main()
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert "a fault of our own" in result.stderr
    assert result.returncode == 1
