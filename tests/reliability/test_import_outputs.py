"""exitplan import under signals: Ctrl-C, SIGTERM or SIGHUP at any moment leaves the folder with
its old import or the whole new one, and no temporary folder behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from exitplan.render import files
from exitplan.render.files import replace_folder
from tests.conftest import REPO, _command
from tests.reliability.test_outputs import HELD, SIGNALS, needs_proc, started, wait_until

GSA = REPO / "tests" / "fixtures" / "csv" / "gsa" / "it-standards.csv"
OLD = REPO / "tests" / "fixtures" / "csv" / "itop" / "itop-export.csv"


def _import(source: Path, folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*_command(), "import", str(source), "-o", str(folder)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _imported(source: Path, folder: Path) -> None:
    done = subprocess.run(
        [*_command(), "import", str(source), "-o", str(folder)],
        cwd=REPO,
        capture_output=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _trees(tmp_path: Path) -> tuple[dict[str, bytes], dict[str, bytes], float]:
    """The folder ``imported/`` as the import of ``OLD`` and of ``GSA`` leave it, and how
    long the latter took."""
    reference = tmp_path / "reference"
    process = _import(GSA, reference)
    began = time.monotonic()
    process.communicate(timeout=300)
    assert process.returncode == 0
    took = time.monotonic() - began
    old_folder = tmp_path / "old"
    _imported(OLD, old_folder)
    return _tree(old_folder / "imported"), _tree(reference / "imported"), took


def _assert_said(stderr: str, said: str, folder: Path, *, kept_new: bool) -> None:
    """The one line a signal leaves, last: once the new import is kept, it says so."""
    last = stderr.splitlines()[-1]
    if kept_new:
        assert last.startswith(f"{said}; "), stderr
        assert last.endswith(f"{folder.name}/imported/ was written all the same"), stderr
    else:
        assert last == said, stderr


@needs_proc
@pytest.mark.parametrize(("signum", "code", "said"), SIGNALS)
def test_a_signal_at_any_moment_leaves_the_old_import_or_the_whole_new_one(
    signum: int, code: int, said: str, tmp_path: Path
) -> None:
    old, new, took = _trees(tmp_path)
    outcomes: Counter[tuple[int, bool]] = Counter()
    for fraction in (0.0, 0.1, 0.3, 0.5, 0.7, 0.85, 1.0, 1.3):
        folder = tmp_path / f"estate-{fraction}"
        _imported(OLD, folder)
        process = _import(GSA, folder)
        if started(process):
            time.sleep(fraction * took)
            process.send_signal(signum)
        _, errors = process.communicate(timeout=300)
        stderr = errors.decode()
        assert "Traceback" not in stderr, stderr
        assert process.returncode in (0, code), stderr
        after = _tree(folder / "imported")
        assert after in (old, new)
        if process.returncode == code:
            _assert_said(stderr, said, folder, kept_new=after == new)
        assert sorted(p.name for p in folder.iterdir()) == ["estate.yaml", "imported"]
        outcomes[process.returncode, after == new] += 1
    assert outcomes[code, False] >= 1, outcomes


@needs_proc
@pytest.mark.parametrize(("signum", "code", "said"), SIGNALS)
def test_a_signal_during_the_swap_waits_for_it(
    signum: int, code: int, said: str, tmp_path: Path
) -> None:
    """Caught as the new import is swapped in, the signal leaves the old one; as the new
    one is kept, the new one, and says so."""
    old, new, _ = _trees(tmp_path)
    for attempt in range(5):
        folder = tmp_path / f"estate-{attempt}"
        _imported(OLD, folder)
        process = _import(GSA, folder)
        blocked = sum(1 << (s - 1) for s in HELD)
        held = wait_until(process, "SigBlk", signum, exactly=blocked)
        if held:
            process.send_signal(signum)
        _, errors = process.communicate(timeout=300)
        stderr = errors.decode()
        assert "Traceback" not in stderr, stderr
        after = _tree(folder / "imported")
        assert after in (old, new)
        assert sorted(p.name for p in folder.iterdir()) == ["estate.yaml", "imported"]
        if held:
            assert process.returncode == code, stderr
            _assert_said(stderr, said, folder, kept_new=after == new)
            return
    pytest.skip("the swap was too quick to be caught five times")  # pragma: no cover


def _ctrl_c() -> None:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(5)  # what a long check would go on with; a live Ctrl-C cuts it short


def _ctrl_c_held() -> None:
    os.kill(os.getpid(), signal.SIGINT)  # held until the new folder is kept


def _refused() -> None:
    raise ValueError("the estate has problems")


@pytest.mark.parametrize(
    ("old", "during_check", "on_keeping", "raised", "left"),
    [
        pytest.param(True, None, None, None, "new", id="checked"),
        pytest.param(True, _refused, None, ValueError, "old", id="refused"),
        pytest.param(False, _refused, None, ValueError, None, id="refused-first"),
        # the check of a large import takes seconds, and waited for signals to the end,
        # and the new import was kept (helper-111)
        pytest.param(True, _ctrl_c, None, KeyboardInterrupt, "old", id="ctrl-c-in-check"),
        pytest.param(False, _ctrl_c, None, KeyboardInterrupt, None, id="ctrl-c-in-check-first"),
        pytest.param(True, None, _ctrl_c_held, KeyboardInterrupt, "new", id="ctrl-c-as-kept"),
    ],
)
def test_a_folder_replaced_is_the_old_one_or_the_whole_new_one(
    tmp_path: Path,
    old: bool,
    during_check: Callable[[], None] | None,
    on_keeping: Callable[[], None] | None,
    raised: type[BaseException] | None,
    left: str | None,
) -> None:
    """``replace_folder``, in this process, with its signals live but while it puts
    folders in place."""
    folder = tmp_path / "imported"
    if old:
        folder.mkdir()
        (folder / "a.yaml").write_bytes(b"old")
    steps: list[str] = []

    def check() -> None:
        if during_check is not None:
            during_check()
        steps.append("checked")

    def kept() -> None:
        steps.append("kept")
        if on_keeping is not None:
            on_keeping()

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(raised) if raised else contextlib.nullcontext():
            replace_folder(folder, {"b.yaml": b"new"}, check, kept)
    finally:
        signal.signal(signal.SIGINT, previous)
    found = {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else None
    assert found == {"old": {"a.yaml": b"old"}, "new": {"b.yaml": b"new"}, None: None}[left]
    assert sorted(p.name for p in tmp_path.iterdir()) == (["imported"] if left else [])
    assert ("kept" in steps) == (left == "new")
    assert ("checked" in steps) == (during_check is None)


# The console script, with a Ctrl-C that arrives as the new import is kept.
KEPT_THEN_SIGNALLED = """
import os, signal, sys
from exitplan import entry
from exitplan.cli import importing

replace = importing.replace_folder

def replace_folder(folder, files, check, kept):
    def signalled():
        kept()
        os.kill(os.getpid(), signal.SIGINT)

    replace(folder, files, check, signalled)

importing.replace_folder = replace_folder
sys.argv = ["exitplan", *sys.argv[1:]]
entry.main()
"""


def test_a_signal_as_the_new_import_is_kept_says_it_was_written(tmp_path: Path) -> None:
    """Kept, the new import stays: "interrupted" alone read as if it had not been written."""
    folder = tmp_path / "estate"
    _imported(OLD, folder)
    done = subprocess.run(
        [sys.executable, "-c", KEPT_THEN_SIGNALLED, "import", str(GSA), "-o", str(folder)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 130, done.stderr
    _assert_said(done.stderr, "exitplan: interrupted", folder, kept_new=True)
    assert "it-standards.yaml" in {p.name for p in (folder / "imported").iterdir()}
    assert sorted(p.name for p in folder.iterdir()) == ["estate.yaml", "imported"]


@pytest.mark.parametrize("fault", ["unheld-after-moving-aside", "arriving-as-put-back"])
def test_a_signal_in_the_putting_back_still_puts_the_old_folder_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fault: str
) -> None:
    """helper-112: where no signal is held (Windows), a Ctrl-C right after the old folder
    was moved aside had its hiding place removed with it; a Ctrl-C whose handler ran as
    the putting back began to hold signals skipped the putting back, and left the new
    folder unchecked."""
    folder = tmp_path / "imported"
    folder.mkdir()
    (folder / "a.yaml").write_bytes(b"old")
    checked: list[bool] = []
    if fault == "unheld-after-moving-aside":
        monkeypatch.setattr(files, "signals_held", contextlib.nullcontext)
        rename = os.replace

        def replace(source: Path, target: Path) -> None:
            rename(source, target)
            if Path(target).parent.name.startswith(".imported.old."):
                raise KeyboardInterrupt

        monkeypatch.setattr(os, "replace", replace)

        def check() -> None:
            checked.append(True)

    else:
        setting = signal.signal

        def check() -> None:
            checked.append(True)
            raise ValueError("the estate has problems")

        def set_handler(signum: signal.Signals, handler: Any) -> Any:
            if checked and getattr(handler, "__name__", "") == "later" and len(checked) == 1:
                checked.append(True)
                raise KeyboardInterrupt  # the handler of one that arrived, before this is set
            return setting(signum, handler)

        monkeypatch.setattr(signal, "signal", set_handler)
    with pytest.raises(KeyboardInterrupt):
        files.replace_folder(folder, {"b.yaml": b"new"}, check)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {"a.yaml": b"old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["imported"]
