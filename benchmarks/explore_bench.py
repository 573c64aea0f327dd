"""How long an architect waits for the explorer of a large estate: to write the page, and
for a browser to open it.

For each size, the seeded synthetic estate (``benchmarks/synthetic.py``) is written as a
folder of JSON files, as ``end_to_end.py`` writes it. Then, in one run, each of these is
timed as a subprocess:

* ``floor``: ``end_to_end.py``'s floor (parse the files, build the graph, a bare reverse
  search from the largest vendor's components);
* ``explore``: ``exitplan explore DIR -o estate.html``, with the size of the page;

and, when Debian's ``chromium`` is installed:

* ``browser floor``: headless Chromium opening a page with nothing on it and taking a
  screenshot;
* ``browser``: the same for the explorer's page, as it opens on its first choice (the
  script runs to its end before the screenshot is taken). Its memory is that of
  Chromium's first process, not of the renderer.

Each is the best of ``--repeat`` runs, its ratio to the best of the floors run beside it.

    python benchmarks/explore_bench.py                    # 2,000 and 10,000 components
    python benchmarks/explore_bench.py --sizes 30000 --repeat 1
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.end_to_end import EXITPLAN, FLOOR, VENDOR, _paired, _row, write_json
from benchmarks.synthetic import generate  # runs as a script from anywhere

BROWSER = shutil.which("chromium")


def _browser(page: Path, picture: Path) -> list[str]:
    return [
        str(BROWSER), "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,900",
        "--virtual-time-budget=1000", f"--screenshot={picture}", page.as_uri(),
    ]  # fmt: skip


def measure(size: int, repeat: int, work: Path) -> None:
    folder = work / f"estate-{size}"
    write_json(generate(size, seed=1), folder, per_file=5000)
    floor = [sys.executable, "-c", FLOOR, str(folder), VENDOR]
    page = work / "estate.html"
    explored, beside = _paired(
        [EXITPLAN, "explore", str(folder), "-o", str(page)], floor, repeat, (0,), work / "out"
    )
    print(f"{size:,} components", flush=True)
    print(_row("explore", explored, beside.seconds, beside), flush=True)
    if explored.said:
        return
    print(f"  {'page':<24} {page.stat().st_size / 2**20:>8.1f} MiB", flush=True)
    if BROWSER is None:
        print("  (no chromium here: the page is not opened)")
        return
    empty = work / "empty.html"
    empty.write_text("<!DOCTYPE html><title>empty</title>", encoding="utf-8")
    picture = work / "page.png"
    opened, bare = _paired(
        _browser(page, picture), _browser(empty, picture), repeat, (0,), work / "browser"
    )
    print(_row("browser opens it", opened, bare.seconds, bare), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 10_000])
    parser.add_argument("--repeat", type=int, default=1)
    arguments = parser.parse_args()
    print(f"exitplan explore, and the page in a browser; best of {arguments.repeat}")
    for size in arguments.sizes:
        with tempfile.TemporaryDirectory(prefix="exitplan-explore-") as directory:
            measure(size, arguments.repeat, Path(directory))


if __name__ == "__main__":
    main()
