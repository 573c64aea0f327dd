"""Shared fixtures: estates written into temporary folders, and the real command line."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from exitplan.loading import read_document
from exitplan.model import Estate

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "graphs" / "gothenburg"

WriteFiles = Callable[[Mapping[str, str | bytes]], Path]
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden files under tests/golden from the current output.",
    )


CheckGolden = Callable[[str, str], None]


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> CheckGolden:
    """Compare output with ``tests/golden/NAME`` byte for byte (``--update-golden``
    rewrites it; review the diff before committing)."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--update-golden"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"no golden file {name}; run pytest --update-golden"
        assert text == path.read_text(encoding="utf-8"), f"output differs from golden {name}"

    return check


@pytest.fixture
def write_files(tmp_path: Path) -> WriteFiles:
    """Write ``{relative name: text}`` into a fresh folder; text is dedented."""

    def write(files: Mapping[str, str | bytes]) -> Path:
        folder = tmp_path / "estate"
        folder.mkdir(exist_ok=True)
        for name, content in files.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return folder

    return write


def write_scenario(estate: Path, *withdraw: str, mode: str | None = None) -> Path:
    """A scenario file ``s.yaml`` beside the estate folder ``estate``, naming it by its
    folder's name (``id: s``, ``title: S``): what it withdraws and, if given, its mode."""
    lines = ["id: s", "title: S", f"estate: {estate.name}", f"withdraw: [{', '.join(withdraw)}]"]
    if mode is not None:
        lines.append(f"mode: {mode}")
    scenario = estate.parent / "s.yaml"
    scenario.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return scenario


def interrupting(
    monkeypatch: pytest.MonkeyPatch, name: str, at: Callable[[list[str]], bool]
) -> list[str]:
    """``os.<name>`` as it is, but a real SIGINT arrives as the call that ``at`` picks
    returns (before the caller can note what it did). The calls, by target."""
    real = getattr(os, name)
    calls: list[str] = []

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        done = real(*args, **kwargs)
        calls.append(str(args[-1] if name == "rename" else args[0]))
        if at(calls):
            signal.raise_signal(signal.SIGINT)
        return done

    monkeypatch.setattr(os, name, interrupted)
    return calls


def shuffled_copy(source: Path, target: Path, seed: int) -> Path:
    """The estate folder ``source`` again under ``target``: items shuffled inside every
    section, files renamed so that they are read in another order."""
    shuffler = random.Random(seed)
    target.mkdir()
    files = sorted(source.glob("*.yaml"))
    names = [f"{index:02d}.yaml" for index in range(len(files))]
    shuffler.shuffle(names)
    for path, name in zip(files, names, strict=True):
        data = read_document(path).data
        for value in data.values():
            if isinstance(value, list):
                shuffler.shuffle(value)
        (target / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def renamed(estate: Estate, name: str) -> Estate:
    """``estate`` under another name: a copy of its own in a database that holds others."""
    return estate.model_copy(update={"info": estate.info.model_copy(update={"name": name})})


@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str


def _command() -> list[str]:
    script = Path(sys.executable).with_name("exitplan")
    return [str(script)] if script.exists() else [sys.executable, "-m", "exitplan"]


RunCli = Callable[..., Result]


def cli(*args: str | Path, cwd: Path = REPO, env: Mapping[str, str] | None = None) -> Result:
    """Run the installed ``exitplan`` console script, as a user would."""
    environment = {**os.environ, "COLUMNS": "100", **(env or {})}
    completed = subprocess.run(
        [*_command(), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=300,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


def read_terminal(leader: int) -> str:
    """Everything a process writes to a pseudo-terminal, until it closes: read from the
    leader end (the process holds the follower), newlines as written."""
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


@pytest.fixture
def run_cli() -> RunCli:
    """``cli``, for tests that ask for it by fixture."""
    return cli
