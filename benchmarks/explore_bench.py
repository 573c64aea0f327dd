"""How long an architect waits for the explorer of a large estate: to write the page, and
for a browser to open it.

For each size, the seeded synthetic estate (``benchmarks/synthetic.py``) is written as a
folder of JSON files, as ``end_to_end.py`` writes it. Then, in one run, each of these is
timed as a subprocess:

* ``floor``: ``end_to_end.py``'s floor (parse the files, build the graph, a bare reverse
  search from the largest vendor's components);
* ``explore``: ``exitplan explore DIR -o estate.html``, with the size of the page;

and, when Debian's ``chromium`` and ``chromedriver`` are installed, in headless Chromium
driven by Selenium:

* ``browser floor``: opening a page with nothing on it;
* ``browser``: opening the explorer's page until it shows its first choice (its body's
  ``data-ready``: the answer inflated and drawn), with the page's JavaScript heap then.
  (Chromium's ``--virtual-time-budget`` cannot measure it: virtual time waits for the
  answer's ``DecompressionStream``, which waits for virtual time.)

Each is the best of ``--repeat`` runs, its ratio to the best of the floors run beside it.

    python benchmarks/explore_bench.py                    # 2,000 and 10,000 components
    python benchmarks/explore_bench.py --sizes 30000 --repeat 1
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.end_to_end import EXITPLAN, FLOOR, VENDOR, _paired, _row, write_json
from benchmarks.synthetic import generate  # runs as a script from anywhere

BROWSER = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")


def _driver() -> Any:
    from selenium import webdriver  # noqa: PLC0415 - only when a browser is here
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

    options = webdriver.ChromeOptions()
    options.binary_location = str(BROWSER)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900"):
        options.add_argument(argument)
    return webdriver.Chrome(options=options, service=Service(executable_path=str(DRIVER)))


def _opened(page: Path) -> tuple[float, float]:
    """Seconds until ``page`` is ready in a new browser, and its JavaScript heap in MiB."""
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

    driver = _driver()
    try:
        driver.get("about:blank")
        started = time.perf_counter()
        driver.get(page.as_uri())
        WebDriverWait(driver, 3600, poll_frequency=0.02).until(
            lambda d: d.find_element("tag name", "body").get_attribute("data-ready") == "true"
        )
        seconds = time.perf_counter() - started
        heap = driver.execute_script("return performance.memory.usedJSHeapSize")
        return seconds, float(heap) / 2**20
    finally:
        driver.quit()


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
    if BROWSER is None or DRIVER is None:
        print("  (no chromium or chromedriver here: the page is not opened)")
        return
    empty = work / "empty.html"
    empty.write_text(
        '<!DOCTYPE html><title>empty</title><body data-ready="true"></body>', encoding="utf-8"
    )
    floors, runs = [], []
    for _ in range(repeat):
        floors.append(_opened(empty))
        runs.append(_opened(page))
    bare, (seconds, heap) = min(floors), min(runs)
    print(
        f"  {'browser opens it':<24} {seconds:>8.2f} s {seconds / bare[0]:>8.1f}x "
        f"{heap:>8.0f} MiB JavaScript heap   (the floor beside it: {bare[0]:.2f} s)",
        flush=True,
    )


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
