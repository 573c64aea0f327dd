"""Every benchmark still runs, on a small estate: a benchmark is run by hand, a session or
a release apart, and one broken by a change to what it calls would only be found then.

Each is run as its README line runs it (``python benchmarks/NAME.py``), in a child
process, with sizes small enough for the suite. The figures themselves are not judged
here (speed is never asserted in a test); that each measures, and prints a row of them,
is. Left out: ``neo4j_bench.py``, which starts a Neo4j server of its own (its load and
its queries are those of ``tests/neo4j``), and ``hostile_files.py``, whose files are
built just under the 128 MiB budget to be worst cases (``tests/reliability/test_inputs``
reads the same shapes just under a budget of 8 MiB).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

NUMBER = re.compile(r"\d+\.\d+")

RUNS = {
    "simulate_bench": ["--sizes", "400", "--repeat", "1"],
    "register_bench": ["--sizes", "400", "--repeat", "1"],
    "end_to_end": ["--sizes", "400", "--repeat", "1", "--yaml"],
    "import_bench": ["--sizes", "400", "--repeat", "1"],
    "diagram_bench": ["--sizes", "400", "--repeat", "1"],
    "legal_bench": ["--sizes", "400"],
    "sensitivity_bench": ["--repeat", "1"],
    "explore_bench": ["--sizes", "400", "--repeat", "1"],
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_the_benchmark_runs_and_measures(name: str, tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / f"{name}.py"), *RUNS[name]],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # as from anywhere: a benchmark finds the project itself
        timeout=900,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert "Traceback" not in finished.stderr
    # A command a benchmark times that fails is a row, and the benchmark goes on: a
    # renamed option would pass unseen by the exit code.
    assert "failed with" not in finished.stdout, finished.stdout
    measured = [line for line in finished.stdout.splitlines() if NUMBER.search(line)]
    assert measured, finished.stdout
