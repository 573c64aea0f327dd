"""What a user waits for on a large estate, next to the least any tool must do.

For each size, the seeded synthetic estate (``benchmarks/synthetic.py``) is written as a
folder of JSON files with the model's own serialiser (one file per section, the
components in files of at most ``--components-per-file``), and, with ``--yaml``, as the
same folder in YAML. Then, in one run, each of these is timed as a subprocess, the way a
user runs it, so that interpreter start-up counts on both sides:

* ``floor``: a Python process that parses the same JSON files with ``json``, builds a
  networkx graph of the dependencies and runs a bare reverse breadth-first search from
  the components of the largest vendor: the least any simulation of that withdrawal does;
* ``validate``: ``exitplan validate DIR``;
* ``simulate``: ``exitplan simulate DIR -w vendor:v-dominant --format json``;
* ``register``: ``exitplan register DIR --format json``;
* ``check``: ``exitplan check DIR --format json``.

Each is the best of ``--repeat`` runs; the table gives seconds, the ratio to the floor and
the peak resident memory of the process (``wait4``'s ``ru_maxrss``). A command that fails
(exit code not 0, or 1 for ``check``, which reports findings with 1) is shown with its
exit code and the last line it wrote, and the run goes on.

    python benchmarks/end_to_end.py                      # 10k, 30k and 100k components
    python benchmarks/end_to_end.py --sizes 10000 --repeat 1 --yaml
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.synthetic import generate  # runs as a script from anywhere
from exitplan.model import Estate, EstateFile
from exitplan.render.estate_yaml import dump_estate_yaml

VENDOR = "vendor:v-dominant"
EXITPLAN = str(Path(sys.executable).with_name("exitplan"))

FLOOR = """
import json, sys
from collections import deque
from pathlib import Path
import networkx as nx

folder = Path(sys.argv[1])
graph = nx.DiGraph()
owner = {}
for path in sorted(folder.glob("*.json")):
    data = json.loads(path.read_text(encoding="utf-8"))
    for vendor in data.get("vendors", ()):
        if vendor.get("parent"):
            owner[vendor["id"]] = vendor["parent"]
    for section in ("components", "services"):
        for node in data.get(section, ()):
            graph.add_node(node["id"], vendor=node.get("vendor"))
            for dependency in node.get("depends_on", ()):
                graph.add_edge(node["id"], dependency["ref"])
def group(vendor):
    while vendor in owner:
        vendor = owner[vendor]
    return vendor
starts = {n for n, v in graph.nodes(data="vendor") if v and group(v) == sys.argv[2]}
seen, queue = set(starts), deque(starts)
while queue:
    for dependent in graph.pred[queue.popleft()]:
        if dependent not in seen:
            seen.add(dependent)
            queue.append(dependent)
print(len(seen))
"""


@dataclass(frozen=True)
class Timed:
    seconds: float
    peak_mib: float
    code: int
    said: str


def _run(command: list[str], ok: tuple[int, ...] = (0,)) -> Timed:
    """Run ``command`` and measure it: wall time and the peak memory of that process."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        took = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        lines = errors.read().decode("utf-8", "replace").strip().splitlines()
    said = "" if process.returncode in ok else (lines[-1] if lines else "")
    return Timed(took, usage.ru_maxrss / 1024, process.returncode, said)


def _best(command: list[str], repeat: int, ok: tuple[int, ...] = (0,)) -> Timed:
    runs = [_run(command, ok) for _ in range(repeat)]
    return min(runs, key=lambda timed: (timed.code not in ok, timed.seconds))


def write_json(estate: Estate, folder: Path, per_file: int) -> int:
    """The estate as JSON estate files; returns their total size in bytes."""
    folder.mkdir(parents=True)
    sections: dict[str, EstateFile] = {
        "estate": EstateFile(estate=estate.info),
        "vendors": EstateFile(vendors=estate.vendors),
        "services": EstateFile(services=estate.services),
        "capabilities": EstateFile(capabilities=estate.capabilities),
        "organisations": EstateFile(organisations=estate.organisations),
        "data-flows": EstateFile(data_flows=estate.data_flows),
        "alternatives": EstateFile(alternatives=estate.alternatives),
    }
    for number, start in enumerate(range(0, len(estate.components), per_file), start=1):
        part = estate.components[start : start + per_file]
        sections[f"components-{number:02d}"] = EstateFile(components=part)
    total = 0
    for name, content in sections.items():
        if content == EstateFile():
            continue
        text = content.model_dump_json(by_alias=True, exclude_defaults=True, indent=1)
        (folder / f"{name}.json").write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    return total


def write_yaml(json_folder: Path, folder: Path) -> int:
    """The same files as YAML, written as exitplan import writes estate files."""
    folder.mkdir(parents=True)
    total = 0
    for path in sorted(json_folder.glob("*.json")):
        content = EstateFile.model_validate_json(path.read_bytes())
        text = dump_estate_yaml(content)
        (folder / f"{path.stem}.yaml").write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    return total


def _row(what: str, timed: Timed, floor: float) -> str:
    if timed.said:
        return f"  {what:<18} failed with {timed.code}: {timed.said[:100]}"
    return (
        f"  {what:<18} {timed.seconds:>8.2f} s {timed.seconds / floor:>8.1f}x "
        f"{timed.peak_mib:>8.0f} MiB"
    )


def measure(size: int, repeat: int, per_file: int, yaml: bool, work: Path) -> None:
    estate = generate(size, seed=1)
    dependencies = sum(len(c.depends_on) for c in estate.components) + sum(
        len(s.depends_on) for s in estate.services
    )
    folder = work / f"estate-{size}-json"
    size_json = write_json(estate, folder, per_file)
    files = len(list(folder.glob("*.json")))
    print(
        f"{len(estate.components):,} components, {dependencies:,} dependencies: "
        f"{files} JSON files, {size_json / 2**20:.1f} MiB",
        flush=True,
    )
    floor = _best([sys.executable, "-c", FLOOR, str(folder), "v-dominant"], repeat)
    print(_row("floor", floor, floor.seconds), flush=True)
    folders = [("json", folder)]
    if yaml:
        yaml_folder = work / f"estate-{size}-yaml"
        size_yaml = write_yaml(folder, yaml_folder)
        print(f"  (YAML: {size_yaml / 2**20:.1f} MiB)", flush=True)
        folders.append(("yaml", yaml_folder))
    for kind, path in folders:
        commands = {
            f"validate ({kind})": ([EXITPLAN, "validate", str(path)], (0,)),
            f"simulate ({kind})": (
                [EXITPLAN, "simulate", str(path), "-w", VENDOR, "--format", "json"],
                (0,),
            ),
            f"register ({kind})": ([EXITPLAN, "register", str(path), "--format", "json"], (0,)),
            f"check ({kind})": ([EXITPLAN, "check", str(path), "--format", "json"], (0, 1)),
        }
        for what, (command, ok) in commands.items():
            print(_row(what, _best(command, repeat, ok), floor.seconds), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--components-per-file", type=int, default=1_000)
    parser.add_argument("--yaml", action="store_true", help="also time the estate as YAML")
    arguments = parser.parse_args()
    print(f"withdrawing {VENDOR}; best of {arguments.repeat}; ratios to the floor")
    with tempfile.TemporaryDirectory(prefix="exitplan-e2e-") as work:
        for size in arguments.sizes:
            measure(
                size,
                arguments.repeat,
                arguments.components_per_file,
                arguments.yaml,
                Path(work),
            )


if __name__ == "__main__":
    main()
