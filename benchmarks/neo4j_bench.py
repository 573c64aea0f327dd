"""Neo4j next to the embedded backend, in one run, on a seeded synthetic estate.

It builds and starts the real Neo4j 5.26 test server of ``tests/neo4j_server`` (Java and
Maven needed), then for each size prints: how long ``load`` takes and its throughput in
relationships per second, and the time of one vendor withdrawal (``simulate``, cut-off,
the dominant vendor) on Neo4j and on the embedded backend, with identical results checked.

The estate is loaded twice: first into the fresh server (``cold``: the JVM compiles and
the queries are planned as they first run), then again as a user reloads a running
server. The second load is the one timed and split into its phases: writing the nodes,
writing the relationships, writing the links (the compact ``ExitplanLinks`` a region is
read from), and the check of the copy's counts with the switch of readers to it. Next
to it is the server's own floor: the same number of nodes and relationships written with
the plainest Cypher (``CREATE`` by id, no properties, one index) in the same batches, on
the same warm server, with one writer where the load has ``WRITERS`` (``--writers``). A
load near that floor is bound by the server, not by exitplan.

    python benchmarks/neo4j_bench.py                 # 100k components
    python benchmarks/neo4j_bench.py --sizes 5000 --batch-size 5000
    python benchmarks/neo4j_bench.py --writers 1      # one batch at a time
"""

from __future__ import annotations

import argparse
import gc
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from exitplan.entry import COLLECTOR_THRESHOLDS
from exitplan.graph import EmbeddedGraph
from exitplan.graph.neo4j import DEFAULT_BATCH, WRITERS, Neo4jGraph, Neo4jSettings
from exitplan.graph.shape import estate_edges, estate_nodes
from exitplan.model import Estate
from exitplan.render.json import dump_simulation_json
from exitplan.simulate import simulate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.synthetic import generate  # noqa: E402  # runs as a script from anywhere

SERVER = ROOT / "tests" / "neo4j_server"
JAR = SERVER / "target" / "neo4j-test-server.jar"
VENDOR = "vendor:v-dominant"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"this benchmark needs {name} on PATH")
    return found


def start_server(home: Path, password: str) -> tuple[subprocess.Popen[bytes], str]:
    if not JAR.exists():
        subprocess.run([_tool("mvn"), "-B", "-q", "package", "-DskipTests"], cwd=SERVER, check=True)
    process = subprocess.Popen(
        [_tool("java"), "-Xms1g", "-Xmx4g", "-jar", str(JAR), str(home), "0"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NEO4J_TEST_PASSWORD": password},
    )
    assert process.stdout is not None  # noqa: S101  # we asked for a pipe
    line = process.stdout.readline().decode().strip()
    if not line.startswith("READY "):
        process.kill()
        raise SystemExit(f"the Neo4j test server did not start: {line!r}")
    return process, line.removeprefix("READY ")


class LoadPhases:
    """When the load finished writing nodes, relationships and links, from its progress
    calls (in that order); the rest of the load is its count check and the switch."""

    def __init__(self, nodes: int, relationships: int) -> None:
        self.marks = (nodes, nodes + relationships)
        self.done_at: list[float] = []
        self.last = 0.0

    def advance(self, done: int, total: int) -> None:
        self.last = time.perf_counter()
        while len(self.done_at) < len(self.marks) and done >= self.marks[len(self.done_at)]:
            self.done_at.append(self.last)

    def split(self, started: float) -> tuple[float, float, float]:
        """Seconds writing nodes, relationships, and links."""
        nodes_done, relationships_done = (*self.done_at, self.last, self.last)[:2]
        return nodes_done - started, relationships_done - nodes_done, self.last - relationships_done


def bare_load(graph: Neo4jGraph, estate: Estate, batch: int) -> float:
    """Seconds to write the estate's nodes and relationships with the plainest Cypher,
    in batches of ``batch`` rows: the server's floor for ``load``. Removed afterwards."""
    nodes = [node.id for node in estate_nodes(estate)]
    edges = [[edge.source, edge.target] for edge in estate_edges(estate)]
    graph._run("CREATE INDEX bare_node IF NOT EXISTS FOR (n:BareNode) ON (n.id)", write=True)
    graph._run("CALL db.awaitIndexes()", write=False)
    started = time.perf_counter()
    for first in range(0, len(nodes), batch):
        graph._run(
            "UNWIND $rows AS row CREATE (:BareNode {id: row})",
            write=True,
            rows=nodes[first : first + batch],
        )
    for first in range(0, len(edges), batch):
        graph._run(
            "UNWIND $rows AS row MATCH (a:BareNode {id: row[0]}) MATCH (b:BareNode {id: row[1]}) "
            "CREATE (a)-[:BARE]->(b)",
            write=True,
            rows=edges[first : first + batch],
        )
    seconds = time.perf_counter() - started
    while graph._run(
        "MATCH (n:BareNode) WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS deleted",
        write=True,
    )[0]["deleted"]:
        pass
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    parser.add_argument("--writers", type=int, default=WRITERS, help="the load's writers at once")
    arguments = parser.parse_args()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)  # the exitplan command's thresholds
    password = secrets.token_urlsafe(18)
    with tempfile.TemporaryDirectory() as home:
        process, uri = start_server(Path(home) / "db", password)
        try:
            settings = Neo4jSettings(uri, "neo4j", password)
            print(
                f"{'components':>10} {'relationships':>13} {'cold s':>6} {'load s':>8} "
                f"{'nodes s':>7} {'rels s':>6} {'links s':>7} {'check s':>7} {'rels/s':>9} "
                f"{'floor s':>8} {'floor rels/s':>12} "
                f"{'neo4j sim s':>11} {'embedded sim s':>14} {'ratio':>6} {'identical':>9}"
            )
            for size in arguments.sizes:
                estate = generate(size, seed=1)
                embedded = EmbeddedGraph(estate)
                relationships = embedded.summary().relationship_total
                with Neo4jGraph(
                    settings,
                    estate.name,
                    batch_size=arguments.batch_size,
                    writers=arguments.writers,
                ) as graph:
                    started = time.perf_counter()
                    graph.load(estate)  # a fresh server: the JVM compiles, queries plan
                    cold = time.perf_counter() - started
                    phases = LoadPhases(len(estate_nodes(estate)), relationships)
                    started = time.perf_counter()
                    graph.load(estate, progress=phases.advance)
                    load = time.perf_counter() - started
                    nodes_s, relationships_s, links_s = phases.split(started)
                    floor = bare_load(graph, estate, arguments.batch_size)
                    simulate(graph, [VENDOR])  # the server's first run plans and warms up
                    started = time.perf_counter()
                    from_database = simulate(graph, [VENDOR])
                    database = time.perf_counter() - started
                started = time.perf_counter()
                from_memory = simulate(embedded, [VENDOR])
                memory = time.perf_counter() - started
                same = dump_simulation_json(from_database) == dump_simulation_json(from_memory)
                print(
                    f"{len(estate.components):>10,} {relationships:>13,} {cold:>6.1f} {load:>8.1f} "
                    f"{nodes_s:>7.1f} {relationships_s:>6.1f} {links_s:>7.1f} "
                    f"{load - nodes_s - relationships_s - links_s:>7.1f} "
                    f"{relationships / load:>9,.0f} {floor:>8.1f} {relationships / floor:>12,.0f} "
                    f"{database:>11.2f} {memory:>14.2f} {database / memory:>6.1f} "
                    f"{'yes' if same else 'NO':>9}",
                    flush=True,
                )
        finally:
            if process.stdin is not None:
                process.stdin.close()
            process.wait(timeout=120)


if __name__ == "__main__":
    main()
