"""The console script's last line of defence: a signal wrapped by Python is still a signal."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import textwrap

import pytest

from exitplan.errors import SIGNAL_AFTERMATH, after_a_signal
from tests.conftest import EXAMPLE, REPO

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
cli.keep_estates = lambda: None
sys.modules["exitplan.cli"] = cli
entry.main()
"""


# A command of the real command line whose work imports a C extension as the signal
# arrives: pybind11's modules (matplotlib's among them) then raise ``ImportError:
# initialization failed`` from the signal's exception, which the command line caught as
# an internal error (exit 3) until it looked behind it.
INTERRUPTED_IMPORT = """
import os, signal, sys, types
import click
from exitplan import cli, entry

@click.command()
def interrupted():
    try:
        os.kill(os.getpid(), signal.{signal})
        for _ in range(10_000_000):
            pass
    except BaseException as caught:
        raise ImportError("initialization failed") from caught

module = types.ModuleType("exitplan.cli.interrupted")
module.command = interrupted
sys.modules["exitplan.cli.interrupted"] = module
cli.COMMANDS["interrupted"] = ("interrupted", "command")
sys.argv = ["exitplan", "interrupted"]
entry.main()
"""


# An extension that turns the signal's exception into an error of its own keeping only
# its words, with no cause behind it: pydantic-core does so while it builds a model's
# validator during an import ("SchemaError: ... Terminated:", seen in CI under SIGTERM).
WORDS_ONLY = """
import os, signal, sys, types
from exitplan import entry

def build():
    words = None
    try:
        os.kill(os.getpid(), signal.{signal})
        for _ in range(10_000_000):
            pass
    except BaseException as caught:
        words = f"Error building validator: {{type(caught).__name__}}: {{caught}}"
    raise ValueError(words)  # outside the except clause: no cause, no context

cli = types.ModuleType("exitplan.cli")
cli.run = lambda: 0
cli.keep_estates = lambda: None
def imported(name, *args, real=__import__, **kwargs):
    if name == "exitplan.cli":
        build()
    return real(name, *args, **kwargs)
sys.modules["exitplan.cli"] = cli
__builtins__.__import__ = imported
entry.main()
"""

# The same inside a command of the real command line, which would otherwise report it as
# an internal error of its own.
WORDS_ONLY_IN_A_COMMAND = INTERRUPTED_IMPORT.replace(
    """    except BaseException as caught:
        raise ImportError("initialization failed") from caught
""",
    """    except BaseException as caught:
        words = f"{{type(caught).__name__}}: {{caught}}"
    raise ValueError(words)
""",
)


# The same turned into problems of the input: pydantic-core validating ids against a
# pattern as Ctrl-C arrived reported "does not match the pattern" for each, and the load
# failed with them (seen under SIGINT in CI).
WORDS_AS_PROBLEMS = INTERRUPTED_IMPORT.replace(
    """    except BaseException as caught:
        raise ImportError("initialization failed") from caught
""",
    """    except BaseException:
        pass
    from exitplan.errors import InvalidInputError, Problem
    raise InvalidInputError([Problem("a.yaml", 6, "id", "does not match the pattern")])
""",
)


@pytest.mark.parametrize(
    "script",
    [
        pytest.param(WRAPPED, id="set-name-in-an-import"),
        pytest.param(INTERRUPTED_IMPORT, id="extension-import-in-a-command"),
        pytest.param(WORDS_ONLY, id="words-only-in-an-import"),
        pytest.param(WORDS_ONLY_IN_A_COMMAND, id="words-only-in-a-command"),
        pytest.param(WORDS_AS_PROBLEMS, id="words-as-problems-of-the-input"),
    ],
)
@pytest.mark.parametrize(
    ("name", "code", "said"),
    [("SIGINT", 130, "exitplan: interrupted"), ("SIGTERM", 143, "exitplan: terminated")],
)
def test_a_signal_wrapped_in_another_error_ends_in_one_line(
    script: str, name: str, code: int, said: str
) -> None:
    result = _signalled(script, name)
    assert result.stderr == said + "\n"
    assert result.returncode == code


def _signalled(script: str, name: str) -> subprocess.CompletedProcess[str]:
    """``script`` run in a Python of its own, sending itself the signal ``name``."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script.format(signal=name))],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_an_error_without_a_signal_behind_it_is_not_hidden() -> None:
    script = textwrap.dedent("""
        import sys, types
        from exitplan import entry
        def run():
            raise RuntimeError("a fault of our own")
        cli = types.ModuleType("exitplan.cli")
        cli.run = run
        cli.keep_estates = lambda: None
        sys.modules["exitplan.cli"] = cli
        entry.main()
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert "a fault of our own" in result.stderr
    assert result.returncode == 1


def test_an_error_of_a_command_with_no_signal_behind_it_is_an_internal_error() -> None:
    script = INTERRUPTED_IMPORT.replace("os.kill(os.getpid(), signal.{signal})", "int('x')")
    command = [sys.executable, "-c", textwrap.dedent(script)]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    assert result.stderr.startswith("exitplan: internal error: ImportError: initialization")
    assert result.returncode == 3


KEPT = """
import atexit, sys
from exitplan.cli import common
def said():
    print("kept:", *sorted(type(value).__name__ for value in common._KEPT or ()), file=sys.stderr)
atexit.register(said)
sys.argv = ["exitplan", *sys.argv[1:]]
from exitplan import entry
entry.main()
"""


@pytest.mark.parametrize(
    ("args", "kept"),
    [
        (
            ["simulate", str(EXAMPLE), "-w", "vendor:microsoft", "--format", "json"],
            "kept: EmbeddedGraph Estate",
        ),
        (["validate", str(EXAMPLE)], "kept: Estate"),
    ],
)
def test_the_console_script_keeps_what_it_read_to_the_end(args: list[str], kept: str) -> None:
    """The process ends at once after the command (``entry._leave``): the estate and its
    graph are kept to that end, not freed object by object when the command returns."""
    result = subprocess.run(
        [sys.executable, "-c", KEPT, *args], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == kept


def test_a_command_run_in_process_keeps_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    """A caller that runs many commands in one process frees each one's estate as usual."""
    from exitplan.cli import common, run  # noqa: PLC0415

    assert run(["validate", str(EXAMPLE)]) == 0
    assert common._KEPT is None
    assert "gothenburg" in capsys.readouterr().out


# A command that has done what it was for (a load whose copy readers see) when the
# signal arrives, while it tidies up.
DONE_THEN_SIGNALLED = """
import os, signal, sys, types
from exitplan import entry, errors

def run():
    errors.SIGNAL_AFTERMATH.append("estate e was loaded all the same")
    os.kill(os.getpid(), signal.{signal})
    for _ in range(10_000_000):
        pass
    return 0

cli = types.ModuleType("exitplan.cli")
cli.run = run
cli.keep_estates = lambda: None
sys.modules["exitplan.cli"] = cli
entry.main()
"""


@pytest.mark.parametrize(
    ("name", "code", "said"),
    [("SIGINT", 130, "interrupted"), ("SIGTERM", 143, "terminated")],
)
def test_a_signal_after_the_work_is_done_says_what_was_done(
    name: str, code: int, said: str
) -> None:
    """SIGTERM while a finished load removed the old copy said only "terminated"."""
    result = _signalled(DONE_THEN_SIGNALLED, name)
    assert result.stderr == f"exitplan: {said}; estate e was loaded all the same\n"
    assert result.returncode == code


@pytest.mark.parametrize(
    ("raised", "kept"),
    [(None, False), (ValueError("a fault"), False), (KeyboardInterrupt(), True)],
    ids=["done", "failed", "signalled"],
)
def test_what_a_signal_leaves_is_said_only_within_its_block(
    raised: BaseException | None, kept: bool
) -> None:
    """The words stay for ``entry`` to say only when a signal's exception leaves the block."""
    before = list(SIGNAL_AFTERMATH)
    with contextlib.suppress(ValueError, KeyboardInterrupt), after_a_signal("was loaded"):
        assert SIGNAL_AFTERMATH[-1] == "was loaded"
        if raised is not None:
            raise raised
    assert ([*before, "was loaded"] == SIGNAL_AFTERMATH) is kept
    SIGNAL_AFTERMATH[:] = before


# The console script's end with a thread of the given kind still running: a daemon one
# (the progress bar's refresh thread, which often outlives the bar by a moment) or not.
LEFT_RUNNING = """
import os, sys, threading, time
from exitplan import entry

class Freed:
    def __del__(self):
        os.write(2, b"freed one by one")

kept = Freed()
threading.Thread(target=time.sleep, args=(0.3,), daemon=sys.argv[1] == "daemon").start()
entry._leave(0)
"""


@pytest.mark.parametrize(
    ("thread", "freed"),
    [
        ("daemon", ""),  # ended at once: Python's own exit does not wait for it either
        ("plain", "freed one by one"),  # the ordinary exit, which waits for it
    ],
)
def test_only_a_thread_that_python_waits_for_takes_the_ordinary_exit(
    thread: str, freed: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-c", LEFT_RUNNING, thread],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, freed)
