"""How fast are the estate-wide commands, next to the bare graph searches they stand on?

``exitplan register`` withdraws every component in use once; ``exitplan check`` reads the
whole estate and simulates each vendor group once. Both are estate-wide by nature, so
their cost grows with the estate; the question is by how much more than the searches
they cannot avoid. For each size, a seeded synthetic estate is built and, in the same
process on the same graph, this times:

* ``bare``: from every component in use, a breadth-first search over the reverse
  dependency edges of a plain networkx graph (what a per-component register must at
  least visit);
* ``register``: ``exitplan.simulate.register.register_rows`` (one simulation each);
* ``bare check``: one reverse search per vendor group, from all its components;
* ``check``: ``exitplan.simulate.policy.check`` with every rule.

    python benchmarks/legal_bench.py                 # 1k and 5k components
    python benchmarks/legal_bench.py --sizes 2000
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import networkx as nx

from exitplan.graph import EmbeddedGraph, Label, Rel
from exitplan.model import NodeId
from exitplan.simulate.policy import check
from exitplan.simulate.register import register_rows

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.simulate_bench import bare_reverse_bfs  # runs as a script from anywhere
from benchmarks.synthetic import generate


def _timed(run: object) -> float:
    started = time.perf_counter()
    run()  # type: ignore[operator]
    return time.perf_counter() - started


def measure(size: int) -> dict[str, float]:
    graph = EmbeddedGraph(generate(size, seed=1))
    plain: nx.DiGraph[NodeId] = nx.DiGraph()
    plain.add_edges_from((e.source, e.target) for e in graph.edges(Rel.DEPENDS_ON))
    in_use = [
        n.id
        for n in graph.nodes(Label.COMPONENT)
        if n.properties.get("lifecycle") not in ("candidate", "retired")
    ]
    groups: dict[NodeId, set[NodeId]] = defaultdict(set)
    vendors = {v.id: v for v in graph.nodes(Label.VENDOR)}
    for edge in graph.edges(Rel.PROVIDED_BY):
        parent = NodeId(str(vendors[edge.target].properties.get("ultimate_parent", edge.target)))
        groups[parent].add(edge.source)
    plain.add_nodes_from(in_use)
    bare = _timed(lambda: [bare_reverse_bfs(plain, {c}) for c in in_use])
    register = _timed(lambda: register_rows(graph))
    bare_check = _timed(
        lambda: [bare_reverse_bfs(plain, set(members) & set(plain)) for members in groups.values()]
    )
    checked = _timed(lambda: check(graph))
    return {
        "components": float(len(in_use)),
        "bare": bare,
        "register": register,
        "bare check": bare_check,
        "check": checked,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    arguments = parser.parse_args()
    print(f"{'size':>8} {'in use':>8} {'bare':>8} {'register':>9} {'ratio':>7} "
          f"{'bare chk':>9} {'check':>7} {'ratio':>7}")  # fmt: skip
    for size in arguments.sizes:
        m = measure(size)
        print(
            f"{size:>8} {m['components']:>8.0f} {m['bare']:>7.2f}s {m['register']:>8.2f}s "
            f"{m['register'] / m['bare']:>6.1f}x {m['bare check']:>8.2f}s {m['check']:>6.2f}s "
            f"{m['check'] / max(m['bare check'], 1e-9):>6.1f}x"
        )


if __name__ == "__main__":
    main()
