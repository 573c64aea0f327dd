"""How fast is a vendor withdrawal, next to the bare graph search it cannot do without?

For each size, a seeded synthetic estate is built and loaded into the embedded backend.
Then, in the same process and on the same graph, it times:

* ``bare``: a breadth-first search over the reverse dependency edges of a plain networkx
  graph, from everything the withdrawal takes away: the least any simulation must do;
* ``networkx``: networkx's own multi-source ``bfs_layers`` over the reverse view;
* ``per source``: ``networkx.bfs_edges(graph, source, reverse=True)`` from each withdrawn
  component in turn, the union of what they reach (the search as one writes it first);
* ``walk``: numbering the estate's dependencies for the propagation (once per estate, on
  the first simulation; not part of the timings below, as building ``bare``'s graph is
  not part of its; nor are the dependency edges the backend makes once and keeps);
* ``propagate``: the failure and degradation days alone (two passes of the min-max
  priority queue over the same region);
* ``simulate``: the whole ``exitplan.simulate.simulate`` call (selectors, failure and
  degradation days, alternatives, plan, report rows), for the largest vendor (cut-off);
* ``rows``: making the call's result objects alone, by their constructors from values
  taken beforehand (each affected node, service, replacement, assessed candidate and
  step): a lower bound on what any engine pays that returns the same objects, a compiled
  one included.

Everything is timed as the ``exitplan`` command runs it: with its cycle collector
thresholds (``exitplan.entry.COLLECTOR_THRESHOLDS``) and the loaded estate frozen
(``gc.freeze``, as the command does once it has read an estate), with the plain graph of
the bare search, which the command does not have to walk. ``--python-collector`` times
with Python's default thresholds and freezes nothing itself, as the figures taken before
2026-12-07 were (``rows`` then also timed reading each field back, and left the
candidates out): the collector then runs far more often while the call makes its
objects. In both, the numbering of a large region, made before the timings, freezes what
exists then, as it does in the command (``exitplan.graph.region.collector_paused``).
What a timed run makes is freed outside the timings, as the command frees nothing.

Each is the best of ``--repeat`` runs; the ratio is simulate / bare. Peak memory is the
largest resident set of the process (the estates dominate it) and, with ``--trace``, the
Python allocation peak of one simulate call (tracing makes that call many times slower).

    python benchmarks/simulate_bench.py              # 10k and 100k components
    python benchmarks/simulate_bench.py --sizes 2000 --repeat 1
    python benchmarks/simulate_bench.py --sizes 100000 --python-collector
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import math
import resource
import sys
import time
import tracemalloc
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import networkx as nx

from exitplan.entry import COLLECTOR_THRESHOLDS
from exitplan.graph import EmbeddedGraph, Rel
from exitplan.model import Estate, NodeId
from exitplan.select import resolve
from exitplan.simulate import simulate
from exitplan.simulate.propagate import propagate
from exitplan.simulate.result import Simulation

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.synthetic import generate  # runs as a script from anywhere

VENDOR = "vendor:v-dominant"


T = TypeVar("T")


def _best(run: Callable[[], T], repeat: int) -> tuple[float, T]:
    best = float("inf")
    result = run()
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        made = run()
        best = min(best, time.perf_counter() - started)
        result = made  # the run before is freed here, outside the timing
    return best, result


def bare_reverse_bfs(graph: nx.DiGraph[NodeId], starts: set[NodeId]) -> set[NodeId]:
    seen = set(starts)
    queue = deque(starts)
    predecessors = graph.pred
    while queue:
        for dependent in predecessors[queue.popleft()]:
            if dependent not in seen:
                seen.add(dependent)
                queue.append(dependent)
    return seen


def reverse_bfs_per_source(graph: nx.DiGraph[NodeId], starts: set[NodeId]) -> set[NodeId]:
    reached = set(starts)
    for start in starts:
        reached.update(target for _, target in nx.bfs_edges(graph, start, reverse=True))
    return reached


Made = list[tuple[type, list[tuple[object, ...]]]]


def row_arguments(simulation: Simulation) -> Made:
    """What the constructors of the simulation's row objects were called with, as values:
    affected nodes, services, replacements, the candidates assessed for them (each once)
    and plan steps."""
    candidates = {id(c): c for r in simulation.replacements for c in r.candidates}
    made: Made = []
    for objects in (
        simulation.affected,
        simulation.services,
        simulation.replacements,
        tuple(candidates.values()),
        simulation.plan.steps,
    ):
        if not objects:
            continue
        kind = type(objects[0])
        names = [f.name for f in dataclasses.fields(kind) if f.init]
        made.append((kind, [tuple(getattr(o, name) for name in names) for o in objects]))
    return made


def rows(arguments: Made) -> list[list[object]]:
    """Make the row objects again by their constructors (``row_arguments``), and return
    them, so that they are freed outside the timing."""
    return [[kind(*values) for values in calls] for kind, calls in arguments]


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(size: int, repeat: int, *, trace: bool, as_command: bool) -> dict[str, float]:
    started = time.perf_counter()
    estate = generate(size, seed=1)
    backend = EmbeddedGraph(estate)
    build = time.perf_counter() - started
    thresholds = gc.get_threshold()
    if as_command:
        gc.set_threshold(*COLLECTOR_THRESHOLDS)
    try:
        return _timed(estate, backend, build, repeat, trace=trace, as_command=as_command)
    finally:  # the next size starts as this one did (a region's numbering may freeze)
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def _timed(
    estate: Estate,
    backend: EmbeddedGraph,
    build: float,
    repeat: int,
    *,
    trace: bool,
    as_command: bool,
) -> dict[str, float]:
    dependencies = backend.summary().relationships[Rel.DEPENDS_ON]
    plain: nx.DiGraph[NodeId] = nx.DiGraph()
    plain.add_edges_from((e.source, e.target) for e in backend.edges(Rel.DEPENDS_ON))
    withdrawn = set(resolve(backend, [VENDOR]).withdrawn)
    if as_command:  # the estate, and what only the benchmark makes, kept to the end
        gc.freeze()
    bare, reached = _best(lambda: bare_reverse_bfs(plain, withdrawn), repeat)
    layered, _ = _best(lambda: list(nx.bfs_layers(plain.reverse(copy=False), withdrawn)), repeat)
    per_source, _ = _best(lambda: reverse_bfs_per_source(plain, withdrawn), repeat)
    region = backend.dependency_region(withdrawn)
    started = time.perf_counter()
    region.walk()
    walk = time.perf_counter() - started
    core, _ = _best(lambda: propagate(region, withdrawn, start=estate.info.as_of), repeat)
    full, result = _best(lambda: simulate(backend, [VENDOR]), repeat)
    arguments = row_arguments(result)
    made, _ = _best(lambda: rows(arguments), repeat)
    peak = math.nan
    if trace:
        tracemalloc.start()
        simulate(backend, [VENDOR])
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "components": float(len(estate.components)),
        "dependencies": float(dependencies),
        "withdrawn": float(len(withdrawn)),
        "reached": float(len(reached)),
        "affected": float(len(result.affected)),
        "build_s": build,
        "walk_s": walk,
        "bare_s": bare,
        "networkx_s": layered,
        "per_source_s": per_source,
        "propagate_s": core,
        "simulate_s": full,
        "rows_s": made,
        "ratio_rows": made / bare,
        "ratio": full / bare,
        "ratio_networkx": full / layered,
        "ratio_per_source": full / per_source,
        "ratio_propagate": core / bare,
        "simulate_peak_mib": peak / 2**20,
        "process_peak_rss_mib": _peak_rss_mib(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--trace", action="store_true", help="also trace one call's memory")
    parser.add_argument(
        "--python-collector",
        action="store_true",
        help="time with Python's default collector thresholds, freezing nothing itself",
    )
    arguments = parser.parse_args()
    header = (
        f"{'components':>10} {'deps':>9} {'withdrawn':>9} {'affected':>8} {'bare s':>7} "
        f"{'nx s':>7} {'each s':>7} {'walk s':>7} {'prop s':>7} {'sim s':>7} {'sim/bare':>8} "
        f"{'sim/nx':>7} "
        f"{'sim/each':>8} "
        f"{'prop/bare':>9} {'rows s':>7} {'rows/bare':>9} {'sim MiB':>8} {'RSS MiB':>8}"
    )
    collector = "Python's default collector" if arguments.python_collector else "as the command"
    print(f"withdrawing {VENDOR} (cut-off), best of {arguments.repeat}, {collector}")
    print(header)
    for size in arguments.sizes:
        row = measure(
            size, arguments.repeat, trace=arguments.trace, as_command=not arguments.python_collector
        )
        print(
            f"{row['components']:>10,.0f} {row['dependencies']:>9,.0f} {row['withdrawn']:>9,.0f} "
            f"{row['affected']:>8,.0f} {row['bare_s']:>7.3f} {row['networkx_s']:>7.3f} "
            f"{row['per_source_s']:>7.3f} {row['walk_s']:>7.3f} {row['propagate_s']:>7.3f} "
            f"{row['simulate_s']:>7.3f} "
            f"{row['ratio']:>8.1f} {row['ratio_networkx']:>7.1f} {row['ratio_per_source']:>8.1f} "
            f"{row['ratio_propagate']:>9.1f} {row['rows_s']:>7.3f} {row['ratio_rows']:>9.1f} "
            f"{row['simulate_peak_mib']:>8.1f} {row['process_peak_rss_mib']:>8.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
