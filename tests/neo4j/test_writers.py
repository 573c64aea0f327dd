"""A load written by several writers at once (``exitplan load --writers``): it reads back
as the estate, as one writer's does, and a failed batch or a Ctrl-C in the middle stops
it, leaves readers on the copy they had, and leaves no writer running."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from benchmarks.synthetic import generate
from exitplan.errors import BackendError, UsageError
from exitplan.graph import EmbeddedGraph
from exitplan.graph.neo4j import MAX_WRITERS, Neo4jGraph
from exitplan.loading import load_estate
from exitplan.model import Estate
from exitplan.render.json import dump_simulation_json
from exitplan.simulate import simulate
from tests.conftest import EXAMPLE, RunCli, renamed
from tests.neo4j.conftest import OpenGraph, Server

pytestmark = pytest.mark.neo4j

SMALL_BATCH = 3
"""Rows per batch here: the example estate becomes hundreds of batches, so that writers
overlap all through the load."""


def _answer(graph: Any, selector: str) -> str:
    return dump_simulation_json(simulate(graph, [selector]))


def _writers_left() -> list[str]:
    """The load's writer threads still running."""
    return [t.name for t in threading.enumerate() if t.name.startswith("exitplan-load")]


class Counted(Neo4jGraph):
    """Counts the batches of relationships it writes, and fails those in ``failing``:
    each after waiting its number of seconds."""

    def __init__(self, *args: Any, failing: dict[int, float] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.failing = failing or {}
        self.written = 0
        self.threads: set[str] = set()
        self._lock = threading.Lock()

    def _run(self, query: str, *, write: bool = False, **parameters: Any) -> Any:
        if write and "CREATE (a)-[r:" in query:
            with self._lock:
                self.written += 1
                number = self.written
                self.threads.add(threading.current_thread().name)
            if number in self.failing:
                time.sleep(self.failing[number])
                raise BackendError(f"batch {number} of the relationships failed")
        return super()._run(query, write=write, **parameters)


class Met(Neo4jGraph):
    """Its first two batches of relationships wait for each other: the load fails unless
    two are written at once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = threading.Barrier(2, timeout=30)
        self.met = 0
        self._lock = threading.Lock()

    def _run(self, query: str, *, write: bool = False, **parameters: Any) -> Any:
        if write and "CREATE (a)-[r:" in query:
            with self._lock:
                self.met += 1
                waits = self.met <= 2
            if waits:
                self.meeting.wait()
        return super()._run(query, write=write, **parameters)


@pytest.mark.parametrize("writers", [1, 2, 5])
@pytest.mark.parametrize(
    ("estate", "selector"),
    [(load_estate(EXAMPLE), "vendor:microsoft"), (generate(400, seed=5), "vendor:v-dominant")],
    ids=["example", "synthetic"],
)
def test_a_load_by_several_writers_reads_back_as_the_estate(
    writers: int, estate: Estate, selector: str, neo4j_server: Server
) -> None:
    named = renamed(estate, f"writers-{writers}-{estate.name}")
    embedded = EmbeddedGraph(named)
    settings = neo4j_server.settings()
    with Neo4jGraph(settings, named.name, batch_size=SMALL_BATCH, writers=writers) as graph:
        graph.load(named)
        assert graph.summary() == embedded.summary()
        assert graph.nodes() == embedded.nodes()
        assert graph.edges() == embedded.edges()
        every = [node.id for node in embedded.nodes()]
        region = graph.dependency_region(every)
        for node_id in every:
            assert region.dependencies(node_id) == embedded._region.dependencies(node_id)
            assert region.dependents(node_id) == embedded._region.dependents(node_id)
        assert _answer(graph, selector) == _answer(embedded, selector)
    assert _writers_left() == []


@pytest.mark.parametrize("stop", ["a failed batch", "Ctrl-C"])
def test_a_load_by_two_writers_stopped_midway_leaves_readers_their_copy(
    stop: str, neo4j_server: Server, open_graph: OpenGraph
) -> None:
    """The batches not begun are not written; the ones under way end; readers see the
    copy loaded before, whole; the next load removes what the stopped one wrote."""
    name = "writers-stopped"
    estate = renamed(load_estate(EXAMPLE), name)
    settings = neo4j_server.settings()
    whole = Counted(settings, name, batch_size=SMALL_BATCH, writers=2)
    with whole:
        whole.load(estate)
    before = _answer(open_graph(name), "vendor:microsoft")

    def interrupt(done: int, total: int) -> None:
        if stop == "Ctrl-C" and done > total // 3:
            raise KeyboardInterrupt  # as Ctrl-C arrives in the main thread

    failing = whole.written // 3
    stopped = Counted(
        settings,
        name,
        batch_size=SMALL_BATCH,
        writers=2,
        failing={failing: 0.0} if stop == "a failed batch" else {},
    )
    raised: type[BaseException] = BackendError if stop == "a failed batch" else KeyboardInterrupt
    with stopped, pytest.raises(raised) as caught:
        stopped.load(estate, progress=interrupt)
    assert _writers_left() == []  # the batches under way ended before it was raised
    assert stopped.threads == {"exitplan-load_0", "exitplan-load_1"}
    if stop == "a failed batch":
        assert f"batch {failing} of the relationships failed" in str(caught.value)
        assert "readers still see the copy loaded before" in str(caught.value)
        # the other writer's batch under way ends; none begins after the failure
        assert failing <= stopped.written <= failing + 1
    else:
        assert 0 < stopped.written < whole.written  # the rest were never begun
    reader = open_graph(name)
    assert _answer(reader, "vendor:microsoft") == before
    assert reader.summary() == EmbeddedGraph(estate).summary()
    again = open_graph(name)
    again.load(estate)  # and removes the stopped load's part-written copy
    loads = again._run(
        "MATCH (n:ExitplanNode {estate: $name}) RETURN count(DISTINCT n.load) AS loads", name=name
    )
    assert loads[0]["loads"] == 2


@pytest.mark.parametrize(
    ("writers", "said"),
    [
        ("0", "Invalid value for '--writers': 0 is not in the range 1<=x<=32."),
        (str(MAX_WRITERS + 1), "Invalid value for '--writers': 33 is not in the range 1<=x<=32."),
        ("two", "Invalid value for '--writers': 'two' is not a valid integer range."),
        ("-1", "Invalid value for '--writers': -1 is not in the range 1<=x<=32."),
    ],
)
def test_load_refuses_a_number_of_writers_it_cannot_use(
    writers: str, said: str, neo4j_server: Server, run_cli: RunCli
) -> None:
    loaded = run_cli(
        "load", "graphs/gothenburg", "--writers", writers, env=neo4j_server.environment()
    )
    assert loaded.exit_code == 2, loaded.stderr
    assert said in loaded.stderr
    assert loaded.stdout == ""


def test_load_with_writers_given_says_what_it_loaded(neo4j_server: Server, run_cli: RunCli) -> None:
    env = neo4j_server.environment()
    one = run_cli("load", "graphs/gothenburg", "--writers", "1", "--batch-size", "7", env=env)
    four = run_cli("load", "graphs/gothenburg", "--writers", "4", "--batch-size", "7", env=env)
    assert one.exit_code == four.exit_code == 0, (one.stderr, four.stderr)
    assert one.stdout == four.stdout
    args = ("-w", "vendor:microsoft", "--format", "json")
    database = run_cli("simulate", "--backend", "neo4j", "--estate", "gothenburg", *args, env=env)
    assert database.stdout == run_cli("simulate", "graphs/gothenburg", *args).stdout


def test_the_first_batch_to_fail_in_order_is_told_though_a_later_one_failed_first(
    neo4j_server: Server,
) -> None:
    name = "writers-failed-twice"
    estate = renamed(load_estate(EXAMPLE), name)
    settings = neo4j_server.settings()
    loader = Counted(settings, name, batch_size=SMALL_BATCH, writers=2, failing={10: 1.0, 11: 0.0})
    with loader, pytest.raises(BackendError) as caught:
        loader.load(estate)
    assert "batch 10 of the relationships failed" in str(caught.value)
    assert loader.written == 11  # nothing began once batch 11 had failed
    assert _writers_left() == []


def test_two_writers_write_two_batches_at_once(neo4j_server: Server) -> None:
    """Would time out (and fail the load) if the batches were written one by one."""
    name = "writers-at-once"
    estate = renamed(load_estate(EXAMPLE), name)
    with Met(neo4j_server.settings(), name, batch_size=SMALL_BATCH, writers=2) as graph:
        graph.load(estate)
        assert graph.summary() == EmbeddedGraph(estate).summary()
    alone = Met(neo4j_server.settings(), name, batch_size=SMALL_BATCH, writers=1)
    alone.meeting = threading.Barrier(2, timeout=1)
    with alone, pytest.raises(threading.BrokenBarrierError):
        alone.load(estate)


@pytest.mark.parametrize("writers", [0, -1, MAX_WRITERS + 1])
def test_a_load_has_one_to_thirty_two_writers(writers: int, neo4j_server: Server) -> None:
    with pytest.raises(UsageError, match=f"a load has 1 to 32 writers, not {writers}"):
        Neo4jGraph(neo4j_server.settings(), "writers", writers=writers)
