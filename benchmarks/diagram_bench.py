"""How long an architect waits for a diagram of a large estate.

For each size, the seeded synthetic estate (``benchmarks/synthetic.py``) is written as a
folder of JSON files, as ``end_to_end.py`` writes it. Then, in one run, each view is timed
as a subprocess, each beside a run of ``end_to_end.py``'s floor (parse the files, build the
graph, a bare reverse search from the largest vendor's components):

* ``estate``: ``exitplan diagram DIR --view estate -o estate.dot``, everything in use;
* ``impact``: ``--view impact -w vendor:v-dominant -o impact.dot``;
* ``plan``: ``--view plan -w vendor:v-dominant -o plan.dot``;
* ``focus``: ``--view estate --focus ID --depth 1 -o focus.svg``, the neighbourhood of
  a component a dozen others need, laid out by graphviz-pure (a picture is drawn only
  where it has at most 250 nodes, so at scale the large views are written as DOT, which
  is what is timed for them).

Each is the best of ``--repeat`` runs, with its ratio to the best of the floors run beside
it and the size of what it wrote. A cost that grows faster than the estate shows as a
ratio that grows with the size.

    python benchmarks/diagram_bench.py                       # 1,000, 4,000 and 10,000
    python benchmarks/diagram_bench.py --sizes 30000 --repeat 1
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.end_to_end import EXITPLAN, FLOOR, VENDOR, _paired, _row, write_json
from benchmarks.synthetic import generate  # runs as a script from anywhere
from exitplan.model import Estate


def _focus(estate: Estate) -> str:
    """A component that a dozen others need, or as near as the estate has (the first of
    them by id): its neighbourhood fits on a slide at every size."""
    needed = Counter(dependency.ref for node in estate.components for dependency in node.depends_on)
    nearest = min(abs(count - 12) for count in needed.values())
    return min(ref for ref, count in needed.items() if abs(count - 12) == nearest)


def measure(size: int, repeat: int, work: Path) -> None:
    estate = generate(size, seed=1)
    folder = work / f"estate-{size}"
    write_json(estate, folder, per_file=5000)
    focus = _focus(estate)
    del estate  # held, it would slow the commands timed (``end_to_end.written``)
    floor = [sys.executable, "-c", FLOOR, str(folder), VENDOR]
    views = {
        "estate": ["--view", "estate", "-o", str(work / "estate.dot")],
        "impact": ["--view", "impact", "-w", f"vendor:{VENDOR}", "-o", str(work / "impact.dot")],
        "plan": ["--view", "plan", "-w", f"vendor:{VENDOR}", "-o", str(work / "plan.dot")],
        "focus": [
            *("--view", "estate", "--focus", focus, "--depth", "1"),
            *("-o", str(work / "focus.svg")),
        ],
    }
    print(f"{size:,} components", flush=True)
    for name, arguments in views.items():
        timed, beside = _paired(
            [EXITPLAN, "diagram", str(folder), *arguments], floor, repeat, (0,), work / "out"
        )
        written = Path(arguments[-1])
        print(
            _row(name, timed, beside.seconds, beside)
            + ("" if timed.said else f"   {written.stat().st_size / 2**20:.1f} MiB written"),
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 4_000, 10_000])
    parser.add_argument("--repeat", type=int, default=1)
    arguments = parser.parse_args()
    print(f"exitplan diagram, each view; best of {arguments.repeat}")
    for size in arguments.sizes:
        with tempfile.TemporaryDirectory(prefix="exitplan-diagram-") as directory:
            measure(size, arguments.repeat, Path(directory))


if __name__ == "__main__":
    main()
