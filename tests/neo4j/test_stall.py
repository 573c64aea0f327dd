"""A Neo4j server that stops answering in the middle of a command: Ctrl-C and SIGTERM
still end the command at once. Between exitplan and the test server stands a proxy
that, once told to, passes nothing on in either direction, as a frozen server does."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks.synthetic import generate
from exitplan.render.json import dump_simulation_json
from exitplan.simulate import simulate
from tests.cli.test_cli_large import _written
from tests.conftest import REPO, RunCli, _command, renamed
from tests.neo4j.conftest import OpenGraph, Server


class StallingProxy:
    """Forwards Bolt between a client and the server until ``stall`` is set; from then on
    it reads what either side sends and passes none of it on."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.stall = threading.Event()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = int(self.listener.getsockname()[1])
        self.sockets: list[socket.socket] = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # closed at the end of the test
                return
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        while True:
            try:
                data = source.recv(65536)
                if not data:
                    return
                if not self.stall.is_set():
                    sink.sendall(data)
            except OSError:
                return

    def close(self) -> None:
        for each in self.sockets:
            each.close()


@pytest.fixture
def proxy(neo4j_server: Server) -> Iterator[StallingProxy]:
    parts = urlsplit(neo4j_server.uri)
    assert parts.hostname is not None
    assert parts.port is not None
    made = StallingProxy((parts.hostname, parts.port))
    yield made
    made.close()


def _signal_ends(
    process: subprocess.Popen[bytes], sent: signal.Signals, code: int, said: str, times: int = 1
) -> int:
    """``sent`` ends the command within 20 s, with ``code`` and one line of its own last;
    sent up to ``times`` times, 0.3 s apart, as an impatient user presses Ctrl-C again,
    while the command runs. Returns how many were sent."""
    started = time.monotonic()
    process.send_signal(sent)
    signals = 1
    for _ in range(times - 1):
        time.sleep(0.3)
        if process.poll() is None:
            process.send_signal(sent)
            signals += 1
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"the command did not end within 20 s of {sent.name}")
    assert process.stderr is not None
    with process.stderr:
        told = process.stderr.read().decode()
    assert process.returncode == code, told
    assert told.strip().endswith(f"exitplan: {said}"), told
    assert "Traceback" not in told
    assert time.monotonic() - started < 20
    return signals


SIGNALS = pytest.mark.parametrize(
    ("sent", "code", "said"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
)
"""Ctrl-C and SIGTERM, the exit code each ends a command with, and the one line said."""


def _through(proxy: StallingProxy, server: Server) -> dict[str, str]:
    """The environment of a command that reaches the server through the proxy."""
    return {**os.environ, **server.environment(), "NEO4J_URI": f"bolt://127.0.0.1:{proxy.port}"}


@SIGNALS
def test_a_signal_ends_a_command_whose_server_stopped_answering(
    neo4j_server: Server,
    proxy: StallingProxy,
    run_cli: RunCli,
    sent: signal.Signals,
    code: int,
    said: str,
) -> None:
    """The command waited on a stopped server for ever: a Ctrl-C asked the server to roll
    the transaction back, and waited for an answer that never came."""
    assert run_cli("load", "graphs/gothenburg", env=neo4j_server.environment()).exit_code == 0
    env = _through(proxy, neo4j_server)
    command = [  # 81 simulations, each reading over Bolt: it reads when the server stalls
        *_command(),
        "sensitivity",
        "scenarios/leave-microsoft.yaml",
        "--backend",
        "neo4j",
        "--estate",
        "gothenburg",
    ]
    process = subprocess.Popen(
        command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    time.sleep(3.0)  # connected, and reading
    proxy.stall.set()
    time.sleep(1.0)
    assert process.poll() is None, "the command ended before the server stalled"
    _signal_ends(process, sent, code, said)


@pytest.mark.parametrize(
    ("server", "times"),
    [("answering", 1), ("stalled", 1), ("stalled", 2)],
    ids=["answering", "stalled", "stalled-twice"],
)
@SIGNALS
def test_a_signal_ends_a_load_by_two_writers(
    neo4j_server: Server,
    proxy: StallingProxy,
    open_graph: OpenGraph,
    tmp_path: Path,
    server: str,
    sent: signal.Signals,
    code: int,
    said: str,
    times: int,
) -> None:
    """Two writers write a load; the signal reaches the main thread alone. The load stops
    with the batches under way (at once, or by the watchdog when the server no longer
    answers), says one line, and readers keep the copy they had. Sent twice to a load
    whose writers wait on a stalled server, the second changes nothing: the watchdog the
    first started ends the command, with the same line and exit code. (It used to give
    up the wait for the writers, and one of them told of the lost connection after the
    command's last line. With the server answering, the batches under way end within
    milliseconds, and a second signal finds the command ending, which ignores it.)"""
    name = f"signalled-{server}-{sent.name.lower()}-{times}"
    made = generate(3000, seed=7)
    estate = renamed(made, name)
    open_graph(name).load(estate)
    before = dump_simulation_json(simulate(open_graph(name), ["vendor:v-dominant"]))
    env = _through(proxy, neo4j_server)
    path = _written(estate, tmp_path / "estate.json")
    command = [*_command(), "load", str(path), "--batch-size", "20", "--writers", "2"]
    process = subprocess.Popen(
        command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    watcher = open_graph(name)
    copies = "MATCH (n:ExitplanNode {estate: $name}) RETURN count(DISTINCT n.load) AS loads"
    deadline = time.monotonic() + 60
    while watcher._run(copies, name=name)[0]["loads"] < 2:  # the new copy is being written
        assert process.poll() is None, "the load ended before it wrote"
        assert time.monotonic() < deadline, "the load wrote nothing in a minute"
        time.sleep(0.05)
    if server == "stalled":
        proxy.stall.set()
        time.sleep(0.5)
    assert process.poll() is None, "the load ended before the signal"
    # the writers wait on the stalled server: the command is still there for the second
    assert _signal_ends(process, sent, code, said, times) == times
    assert dump_simulation_json(simulate(open_graph(name), ["vendor:v-dominant"])) == before
