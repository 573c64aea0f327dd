"""A real Neo4j 5.26 server for the tests: built from tests/neo4j_server with Maven, started
once per session on 127.0.0.1 and a free port with a random password, stopped at the end.

Without Java or Maven the Neo4j tests are skipped with the reason; with
EXITPLAN_REQUIRE_NEO4J=1 (as in .ci/run) that skip is a failure instead.
"""

from __future__ import annotations

import os
import secrets
import selectors
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from exitplan.graph.neo4j import Neo4jGraph, Neo4jSettings

SERVER = Path(__file__).resolve().parent.parent / "neo4j_server"
JAR = SERVER / "target" / "neo4j-test-server.jar"
READY_SECONDS = 180
HOW = (
    "the Neo4j tests start a real Neo4j 5.26 built from tests/neo4j_server; they need Java 17+ "
    "and Maven on PATH (and Maven Central, once). Install both and run: pytest -m neo4j"
)


@dataclass(frozen=True)
class Server:
    uri: str
    user: str
    password: str

    def settings(self) -> Neo4jSettings:
        return Neo4jSettings(self.uri, self.user, self.password)

    def environment(self) -> dict[str, str]:
        return {"NEO4J_URI": self.uri, "NEO4J_USER": self.user, "NEO4J_PASSWORD": self.password}


def _unavailable(reason: str) -> None:
    if os.environ.get("EXITPLAN_REQUIRE_NEO4J") == "1":
        pytest.fail(f"EXITPLAN_REQUIRE_NEO4J=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _build() -> None:
    sources = [*SERVER.rglob("*.java"), SERVER / "pom.xml"]
    if JAR.exists() and all(JAR.stat().st_mtime >= path.stat().st_mtime for path in sources):
        return
    maven = shutil.which("mvn")
    if maven is None:
        _unavailable(f"Maven is not installed; {HOW}")
    completed = subprocess.run(
        [str(maven), "-B", "-q", "package", "-DskipTests"],
        cwd=SERVER,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if completed.returncode != 0:
        pytest.fail(f"building the Neo4j test server failed:\n{completed.stdout}{completed.stderr}")


class _NotReadyError(Exception):
    """The test server did not announce itself; the message quotes its log."""


def _wait_ready(process: subprocess.Popen[bytes], log: Path) -> str:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + READY_SECONDS
    buffer = b""
    problem = ""
    while b"\n" not in buffer and not problem:
        left = deadline - time.monotonic()
        if left <= 0 or not selector.select(timeout=left):
            problem = f"Neo4j did not start in {READY_SECONDS} s"
            break
        chunk = os.read(process.stdout.fileno(), 4096)
        if not chunk:
            problem = "Neo4j exited before it was ready"
        buffer += chunk
    selector.close()
    line = buffer.split(b"\n", 1)[0].decode(errors="replace")
    if not problem and not line.startswith("READY "):
        problem = f"unexpected first line from the Neo4j test server: {line!r}"
    if problem:
        _stop(process)
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise _NotReadyError(f"{problem}; its log ({log}) ends with:\n{tail}")
    return line.removeprefix("READY ")


def _start(java: str, home: Path, password: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    with log.open("wb") as errors:
        process = subprocess.Popen(
            [
                java,
                "-Xms256m",
                "-Xmx1g",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                # the JVM's own warnings go to stdout by default, where only READY may go
                "-Xlog:disable",
                "-Xlog:all=warning:stderr",
                "-jar",
                str(JAR),
                str(home),
                "0",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            env={**os.environ, "NEO4J_TEST_PASSWORD": password},
        )
    return process, _wait_ready(process, log)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.stdin is not None:
        process.stdin.close()  # the server stops when its stdin closes
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    java = shutil.which("java")
    if java is None:
        _unavailable(f"Java is not installed; {HOW}")
    _build()
    password = secrets.token_urlsafe(18)
    for attempt in (1, 2):  # a cold JVM on a busy machine has, rarely, failed once
        home = tmp_path_factory.mktemp("neo4j")
        log = home.parent / f"{home.name}-server.log"
        try:
            process, uri = _start(str(java), home / "db", password, log)
            break
        except _NotReadyError as error:
            if attempt == 2:
                pytest.fail(str(error))
    try:
        yield Server(uri, "neo4j", password)
    finally:
        _stop(process)


OpenGraph = Callable[[str], Neo4jGraph]


@pytest.fixture
def open_graph(neo4j_server: Server) -> Iterator[OpenGraph]:
    """Connections by estate name (tests use names of their own); closed afterwards."""
    graphs: list[Neo4jGraph] = []

    def open_one(name: str) -> Neo4jGraph:
        graph = Neo4jGraph(neo4j_server.settings(), name)
        graphs.append(graph)
        return graph

    yield open_one
    for graph in graphs:
        graph.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "neo4j_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.neo4j)
