"""How fast are the register and the estate check, next to the bare searches they make?

The register withdraws every component in use on its own (exit mode) and asks what
breaks, what can replace it and who loses a service; the check's rules ask the same of
every component and of every vendor group. A bare reverse breadth-first search from
each is the baseline here, timed in the same process on the same graph: the least the
register does, which walks from each component. The check goes below it: it asks only
which services each breaks and degrades, and works that out for all at once
(``each_withdrawal``), so its ratio falls as the estate grows.

For each size, a seeded synthetic estate is built and loaded into the embedded backend,
then it times:

* ``bare register``: a reverse BFS over a plain networkx graph from each component in use;
* ``register``: ``register_rows`` over every component in use;
* ``bare check``: the same searches, plus one from the components of each vendor group;
* ``check``: ``policy.check`` with every rule.

With ``--neo4j``, the estate is also loaded into the Neo4j test server of
``tests/neo4j_server``, and ``register_rows`` read from the database is timed against
the embedded register, with whether their rows are the same.

    python benchmarks/register_bench.py                 # 10k and 30k components
    python benchmarks/register_bench.py --sizes 2000 --repeat 1
    python benchmarks/register_bench.py --sizes 10000 --neo4j
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import networkx as nx

from exitplan.graph import EmbeddedGraph, Label, Rel
from exitplan.graph.neo4j import Neo4jGraph, Neo4jSettings
from exitplan.graph.port import Direction, runs_today
from exitplan.model import NodeId
from exitplan.simulate.policy import check
from exitplan.simulate.register import register_rows

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.neo4j_bench import start_server
from benchmarks.simulate_bench import _best, _peak_rss_mib, bare_reverse_bfs
from benchmarks.synthetic import generate


def _groups(backend: EmbeddedGraph, components: list[NodeId]) -> list[set[NodeId]]:
    """The components in use of each vendor group (by ultimate parent)."""
    vendors = {v.id: v for v in backend.nodes(Label.VENDOR)}
    groups: dict[str, set[NodeId]] = defaultdict(set)
    for link in backend.edges_touching(components, Direction.OUT, [Rel.PROVIDED_BY]):
        parent = vendors[link.target].properties.get("ultimate_parent", link.target)
        groups[str(parent)].add(link.source)
    return [groups[parent] for parent in sorted(groups)]


def measure(size: int, repeat: int, neo4j: Neo4jSettings | None = None) -> dict[str, float]:
    estate = generate(size, seed=1)
    backend = EmbeddedGraph(estate)
    plain: nx.DiGraph[NodeId] = nx.DiGraph()
    plain.add_nodes_from(n.id for n in backend.nodes())
    plain.add_edges_from((e.source, e.target) for e in backend.edges(Rel.DEPENDS_ON))
    in_use = [n.id for n in backend.nodes(Label.COMPONENT) if runs_today(n)]
    groups = _groups(backend, in_use)

    def bare_register() -> int:
        return sum(len(bare_reverse_bfs(plain, {c})) for c in in_use)

    def bare_check() -> int:
        return bare_register() + sum(len(bare_reverse_bfs(plain, g)) for g in groups)

    bare_r, reached = _best(bare_register, repeat)
    register, rows = _best(lambda: register_rows(backend), repeat)
    bare_c, _ = _best(bare_check, repeat)
    checked, _ = _best(lambda: check(backend), repeat)
    on_neo4j, same = float("nan"), float("nan")
    if neo4j is not None:
        with Neo4jGraph(neo4j, estate.name) as graph:
            graph.load(estate)
            register_rows(graph)  # the server's first run plans and warms up
            on_neo4j, read = _best(lambda: register_rows(graph), repeat)
            same = float(read == rows)
    return {
        "components": float(len(backend.nodes(Label.COMPONENT))),
        "in_use": float(len(in_use)),
        "reached": float(reached),
        "rows": float(len(rows)),
        "bare_register_s": bare_r,
        "register_s": register,
        "bare_check_s": bare_c,
        "check_s": checked,
        "register_ratio": register / bare_r,
        "check_ratio": checked / bare_c,
        "rss_mib": _peak_rss_mib(),
        "neo4j_s": on_neo4j,
        "neo4j_ratio": on_neo4j / register,
        "neo4j_same": same,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--neo4j", action="store_true", help="also time the register read from Neo4j"
    )
    arguments = parser.parse_args()
    print(f"best of {arguments.repeat}; ratios to the bare searches in the same run")
    neo4j = (
        f" {'neo4j reg s':>11} {'ratio to embedded':>17} {'same rows':>9}"
        if arguments.neo4j
        else ""
    )
    print(
        f"{'components':>10} {'in use':>7} {'reached':>11} {'bare reg s':>10} {'register s':>10} "
        f"{'ratio':>6} {'bare chk s':>10} {'check s':>8} {'ratio':>6} {'RSS MiB':>8}{neo4j}"
    )
    with tempfile.TemporaryDirectory() as home:
        server, settings = None, None
        if arguments.neo4j:
            password = secrets.token_urlsafe(18)
            server, uri = start_server(Path(home) / "db", password)
            settings = Neo4jSettings(uri, "neo4j", password)
        try:
            for size in arguments.sizes:
                row = measure(size, arguments.repeat, settings)
                on_neo4j = (
                    f" {row['neo4j_s']:>11.2f} {row['neo4j_ratio']:>17.1f} "
                    f"{'yes' if row['neo4j_same'] else 'NO':>9}"
                    if arguments.neo4j
                    else ""
                )
                print(
                    f"{row['components']:>10,.0f} {row['in_use']:>7,.0f} {row['reached']:>11,.0f} "
                    f"{row['bare_register_s']:>10.2f} {row['register_s']:>10.2f} "
                    f"{row['register_ratio']:>6.1f} {row['bare_check_s']:>10.2f} "
                    f"{row['check_s']:>8.2f} {row['check_ratio']:>6.1f} {row['rss_mib']:>8.0f}"
                    f"{on_neo4j}",
                    flush=True,
                )
        finally:
            if server is not None and server.stdin is not None:
                server.stdin.close()
                server.wait(timeout=120)


if __name__ == "__main__":
    main()
