"""What a user waits for on a large estate, next to the least any tool must do.

For each size, the seeded synthetic estate (``benchmarks/synthetic.py``) is written as a
folder of JSON files with the model's own serialiser, compact as an export would be (one
file per section, the components in files of at most ``--components-per-file``), and,
with ``--yaml``, as the same folder in YAML. A child process generates and writes the
estate, so that the benchmark holds none while it times (``written`` says why). Then, in
one run, each of these is timed as a subprocess, the way a user runs it, so that
interpreter start-up counts on both sides:

* ``floor``: a Python process that parses the same JSON files with ``json``, builds a
  networkx graph of the dependencies and runs a bare reverse breadth-first search from
  the components of the largest vendor: the least any simulation of that withdrawal does;
* ``validate``: ``exitplan validate DIR``;
* ``simulate``: ``exitplan simulate DIR -w vendor:v-dominant --format json`` (or the
  vendor ``--vendor`` names, for every command here and the floor's search), and
  ``simulate as text``: the same command as a user types it, its tables in text (the
  default format);
* ``register``: ``exitplan register DIR --format json``;
* ``check``: ``exitplan check DIR --format json``;
* ``report``: ``exitplan report SCENARIO -o exit-strategy.md``, for a scenario that
  withdraws the same vendor (the simulation, the policies, the register rows of what is
  withdrawn, the assumptions and the document);
* ``sensitivity``, only when named in ``--commands``: ``exitplan sensitivity SCENARIO
  --format json`` for the same scenario, with its default limit (the 100 assumptions
  likeliest to matter, each varied by running the scenario again);

and with ``--neo4j``, on the Neo4j test server of ``tests/neo4j_server``:

* ``neo4j load``: ``exitplan load DIR``, in relationships a second;
* ``neo4j simulate``: the same withdrawal read from the database (``--backend neo4j``),
  as a ratio to ``simulate (json)``, and whether its answer is the same bytes.

Each is the best of ``--repeat`` runs; each run of a command follows a run of the floor,
and its ratio is to the best of those floor runs beside it (this machine's speed drifts
from minute to minute; a floor measured minutes earlier gave ratios 15% apart from one
run to the next). The table gives seconds, the ratio to the floor and the peak resident
memory of the process (``wait4``'s ``ru_maxrss``, see ``LAUNCH``).
A command that fails (exit code not 0, or 1 for ``check``, which reports findings with
1) is shown with its exit code and the last line it wrote, and the run goes on.

exitplan's own modules are byte-compiled before anything is timed, as pip compiles an
installed package and as the first run of an editable install does. Where
``PYTHONDONTWRITEBYTECODE`` is set (it is on the machine these figures come from), an
editable install would otherwise compile them again on every run: 0.3 s of each command.

    python benchmarks/end_to_end.py                      # 10k, 30k and 100k components
    python benchmarks/end_to_end.py --sizes 10000 --repeat 1 --yaml
    python benchmarks/end_to_end.py --sizes 30000 --commands simulate
    python benchmarks/end_to_end.py --sizes 10000 30000 --commands sensitivity --repeat 1
    python benchmarks/end_to_end.py --sizes 100000 --commands simulate --neo4j
    python benchmarks/end_to_end.py --sizes 30000 --commands simulate report --vendor v14
"""

from __future__ import annotations

import argparse
import compileall
import concurrent.futures
import contextlib
import multiprocessing
import os
import secrets
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import exitplan
from benchmarks.neo4j_bench import start_server
from benchmarks.synthetic import generate  # runs as a script from anywhere
from exitplan.graph.shape import estate_summary
from exitplan.model import Estate, EstateFile
from exitplan.render.estate_yaml import dump_estate_yaml

VENDOR = "v-dominant"
"""The vendor withdrawn unless ``--vendor`` names another."""
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
            graph.add_node(node["id"], vendors=[v["vendor"] for v in node.get("vendors", ())])
            for dependency in node.get("depends_on", ()):
                graph.add_edge(node["id"], dependency["ref"])
def under(vendor):  # the vendor named, or one of its subsidiaries
    while vendor != sys.argv[2] and vendor in owner:
        vendor = owner[vendor]
    return vendor == sys.argv[2]
starts = {n for n, vendors in graph.nodes(data="vendors") if any(map(under, vendors or ()))}
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


LAUNCH = """
import os, subprocess, sys, time
output = open(sys.argv[1], "wb") if sys.argv[1] != "-" else subprocess.DEVNULL
started = time.perf_counter()
process = subprocess.Popen(sys.argv[2:], stdout=output)
_, status, usage = os.wait4(process.pid, 0)
print(time.perf_counter() - started, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""
"""Runs a command and reports its wall time, peak memory and exit code. The command is
started from this small process because Linux carries a process's peak memory over
``exec`` from the process it was forked from: started from a benchmark, whose peak
includes its imports and what it built, every command would seem to take at least as
much."""


def _run(
    command: list[str],
    ok: tuple[int, ...] = (0,),
    output: Path | None = None,
    env: dict[str, str] | None = None,
) -> Timed:
    """Run ``command`` and measure it: wall time and the peak memory of that process; its
    standard output goes to ``output`` when given."""
    with tempfile.TemporaryFile() as errors:
        measured = subprocess.run(
            [sys.executable, "-c", LAUNCH, str(output or "-"), *command],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            check=True,
            env={**os.environ, **(env or {})},
        )
        errors.seek(0)
        lines = errors.read().decode("utf-8", "replace").strip().splitlines()
    seconds, peak_kib, code = measured.stdout.split()
    said = "" if int(code) in ok else (lines[-1] if lines else "")
    return Timed(float(seconds), int(peak_kib) / 1024, int(code), said)


def _best(
    command: list[str],
    repeat: int,
    ok: tuple[int, ...] = (0,),
    output: Path | None = None,
    env: dict[str, str] | None = None,
) -> Timed:
    runs = [_run(command, ok, output, env) for _ in range(repeat)]
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
        text = content.model_dump_json(by_alias=True, exclude_defaults=True)
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


def _row(what: str, timed: Timed, floor: float, beside: Timed | None = None) -> str:
    if timed.said:
        return f"  {what:<24} failed with {timed.code}: {timed.said[:100]}"
    return (
        f"  {what:<24} {timed.seconds:>8.2f} s {timed.seconds / floor:>8.1f}x "
        f"{timed.peak_mib:>8.0f} MiB"
        + (f"   (the floor beside it: {beside.seconds:.2f} s)" if beside is not None else "")
    )


def _paired(
    command: list[str], floor: list[str], repeat: int, ok: tuple[int, ...], output: Path
) -> tuple[Timed, Timed]:
    """The best of ``repeat`` runs of ``command``, and the best of as many runs of the
    floor, each run just before one of the command's."""
    runs: list[Timed] = []
    floors: list[Timed] = []
    for _ in range(repeat):
        floors.append(_run(floor))
        runs.append(_run(command, ok, output))
    best = min(runs, key=lambda timed: (timed.code not in ok, timed.seconds))
    return best, min(floors, key=lambda timed: timed.seconds)


COMMANDS = ("validate", "simulate", "register", "check", "report")
LONG = ("sensitivity",)
"""Commands timed only when named: each runs the scenario again a hundred times or more."""


def _scenario(estate: Path, only: tuple[str, ...], vendor: str) -> Path:
    """A scenario file beside the estate that withdraws the same vendor, written only when
    a command timed reads it."""
    scenario = estate.parent / f"{estate.name}-scenario.yaml"
    if not {"report", "sensitivity"} & set(only):
        return scenario
    scenario.write_text(
        f"id: leave-{vendor}\ntitle: Leave {vendor}\nestate: {estate.name}\n"
        f"withdraw: [vendor:{vendor}]\n",
        encoding="utf-8",
    )
    return scenario


@dataclass(frozen=True)
class Server:
    """A running Neo4j test server: what ``exitplan`` needs in its environment."""

    uri: str
    password: str

    @property
    def env(self) -> dict[str, str]:
        return {"NEO4J_URI": self.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": self.password}


@dataclass(frozen=True)
class Written:
    """What the benchmark needs to know of an estate it wrote, without holding it."""

    name: str
    components: int
    dependencies: int
    relationships: int
    size: int
    """The JSON files' total size in bytes."""


def _write(size: int, folder: Path, per_file: int) -> Written:
    estate = generate(size, seed=1)
    dependencies = sum(len(c.depends_on) for c in estate.components) + sum(
        len(s.depends_on) for s in estate.services
    )
    return Written(
        estate.name,
        len(estate.components),
        dependencies,
        estate_summary(estate).relationship_total,
        write_json(estate, folder, per_file),
    )


def written(size: int, folder: Path, per_file: int) -> Written:
    """The seeded estate of ``size`` written as JSON into ``folder``, by a child process:
    the benchmark holds no estate while it times. Held here, the estate of 120,000
    components made ``simulate`` take 30.4 s where it took 20.5 s once freed (the same
    files, one run each); a process holding 6 GiB beside it made it 27.3 s. That was on
    a Firecracker VM with free-page reporting, where memory a process touches first is
    slow to come by (zeroing 2 GiB took 0.9 to 2.9 s): ``simulate`` touches some 2 GiB
    there, the floor 350 MiB, so memory held elsewhere fell on the command alone."""
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("fork")
    ) as child:
        return child.submit(_write, size, folder, per_file).result()


def measure_neo4j(
    server: Server,
    estate: Written,
    folder: Path,
    repeat: int,
    embedded: tuple[Timed, Path],
    vendor: str,
) -> None:
    """``exitplan load`` into Neo4j (relationships a second), then the same withdrawal as
    on the embedded backend, read from the database: its time next to the embedded one,
    and whether the two answers are the same bytes."""
    relationships = estate.relationships
    loaded = _best([EXITPLAN, "load", str(folder)], 1, env=server.env)
    if loaded.said:
        print(_row("neo4j load", loaded, loaded.seconds), flush=True)
        return
    print(
        f"  {'neo4j load':<24} {loaded.seconds:>8.2f} s {relationships / loaded.seconds:>8,.0f}"
        f" relationships/s {loaded.peak_mib:>6.0f} MiB",
        flush=True,
    )
    timed, expected = embedded
    answer = folder.parent / f"{folder.name}-neo4j.json"
    command = [EXITPLAN, "simulate", "--backend", "neo4j", "--estate", estate.name]
    command += ["-w", f"vendor:{vendor}", "--format", "json"]
    on_neo4j = _best(command, repeat, output=answer, env=server.env)
    same = answer.read_bytes() == expected.read_bytes()
    print(
        f"{_row('neo4j simulate', on_neo4j, timed.seconds)} (ratio to embedded; "
        f"{'the same answer' if same else 'A DIFFERENT ANSWER'})",
        flush=True,
    )


def measure(
    size: int,
    repeat: int,
    per_file: int,
    yaml: bool,
    work: Path,
    only: tuple[str, ...],
    server: Server | None = None,
    vendor: str = VENDOR,
) -> None:
    folder = work / f"estate-{size}-json"
    estate = written(size, folder, per_file)
    files = len(list(folder.glob("*.json")))
    print(
        f"{estate.components:,} components, {estate.dependencies:,} dependencies: "
        f"{files} JSON files, {estate.size / 2**20:.1f} MiB",
        flush=True,
    )
    floor_command = [sys.executable, "-c", FLOOR, str(folder), vendor]
    floor = _best(floor_command, repeat)
    print(_row("floor", floor, floor.seconds), flush=True)
    folders = [("json", folder)]
    if yaml:
        yaml_folder = work / f"estate-{size}-yaml"
        size_yaml = write_yaml(folder, yaml_folder)
        print(f"  (YAML: {size_yaml / 2**20:.1f} MiB)", flush=True)
        folders.append(("yaml", yaml_folder))
    for kind, path in folders:
        scenario = _scenario(path, only, vendor)
        withdraw = ["-w", f"vendor:{vendor}"]
        commands = {
            f"validate ({kind})": ([EXITPLAN, "validate", str(path)], (0,)),
            f"simulate ({kind})": (
                [EXITPLAN, "simulate", str(path), *withdraw, "--format", "json"],
                (0,),
            ),
            f"simulate as text ({kind})": ([EXITPLAN, "simulate", str(path), *withdraw], (0,)),
            f"register ({kind})": ([EXITPLAN, "register", str(path), "--format", "json"], (0,)),
            f"check ({kind})": ([EXITPLAN, "check", str(path), "--format", "json"], (0, 1)),
            f"report ({kind})": (
                [EXITPLAN, "report", str(scenario), "-o", str(work / "exit-strategy.md")],
                (0,),
            ),
            f"sensitivity ({kind})": (
                [EXITPLAN, "sensitivity", str(scenario), "--format", "json"],
                (0,),
            ),
        }
        for what, (command, ok) in commands.items():
            if what.split()[0] not in only:
                continue
            output = work / f"{size}-{'-'.join(what.split()[:-1])}-{kind}.out"
            timed, beside = _paired(command, floor_command, repeat, ok, output)
            print(_row(what, timed, beside.seconds, beside), flush=True)
            if server is not None and what == "simulate (json)":
                measure_neo4j(server, estate, folder, repeat, (timed, output), vendor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--components-per-file", type=int, default=1_000)
    parser.add_argument("--yaml", action="store_true", help="also time the estate as YAML")
    parser.add_argument("--commands", nargs="+", choices=COMMANDS + LONG, default=list(COMMANDS))
    parser.add_argument(
        "--neo4j",
        action="store_true",
        help="also load each estate into the Neo4j test server and simulate there "
        "(Java and Maven needed; with simulate among --commands)",
    )
    parser.add_argument(
        "--vendor",
        default=VENDOR,
        help="the vendor withdrawn (default: the largest; e.g. v14, one of about 600 at "
        "30,000 components, to see simulate and report follow what a scenario touches)",
    )
    arguments = parser.parse_args()
    compileall.compile_dir(Path(exitplan.__file__).parent, quiet=1)  # as an installed package
    print(f"withdrawing vendor:{arguments.vendor}; best of {arguments.repeat}; ratios to the floor")
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="exitplan-e2e-")))
        server = None
        if arguments.neo4j:
            password = secrets.token_urlsafe(18)
            process, uri = start_server(work / "neo4j", password)
            stack.callback(_stop_server, process)
            server = Server(uri, password)
        for size in arguments.sizes:
            measure(
                size,
                arguments.repeat,
                arguments.components_per_file,
                arguments.yaml,
                work,
                tuple(arguments.commands),
                server,
                arguments.vendor,
            )


def _stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.stdin is not None:
        process.stdin.close()
    process.wait(timeout=120)


if __name__ == "__main__":
    main()
