"""A load that stops waits for its writers' batches under way to end (``_join`` in
``exitplan.graph.neo4j``), without a Neo4j server: the batches here wait on an event. A
second Ctrl-C while they end is let pass when the console script's watchdog is set,
which ends a wait on a server that stopped answering; without one it ends the wait."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from types import FrameType

import pytest

from exitplan.errors import SIGNALS_ARRIVED, WATCHDOG_SET
from exitplan.graph.neo4j import _join, _NotBegunError, _UnderWay

BATCH_SECONDS = 1.0
"""How long the batches under way take to end once the wait for them began."""

SIGNAL_AFTER = 0.2
"""When the second signal arrives, counted from the start of the wait."""


@pytest.fixture
def signals() -> Iterator[None]:
    """The process's own Ctrl-C handler for the test, and the lists it notes in left as
    they were."""
    kept = signal.getsignal(signal.SIGINT)
    arrived, watched = list(SIGNALS_ARRIVED), list(WATCHDOG_SET)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, kept)
        SIGNALS_ARRIVED[:] = arrived
        WATCHDOG_SET[:] = watched


def _interrupt(*, noted: bool) -> None:
    """Ctrl-C raises; ``noted``: as the console script's handler, which notes it first."""

    def handler(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        raised = KeyboardInterrupt()
        if noted:
            SIGNALS_ARRIVED.append(raised)
        raise raised

    signal.signal(signal.SIGINT, handler)


@pytest.mark.usefixtures("signals")
@pytest.mark.parametrize(
    ("watchdog", "noted", "let_pass"),
    [
        pytest.param(True, True, True, id="console-with-watchdog"),
        pytest.param(False, True, False, id="console-without-watchdog"),  # Windows
        pytest.param(True, False, False, id="another-handler"),  # not the console's
    ],
)
def test_a_second_ctrl_c_while_the_writers_end(watchdog: bool, noted: bool, let_pass: bool) -> None:
    """Only the batches' count tells the wait what is under way: a batch whose ``submit``
    a signal cut short has no future to wait for (helper-112)."""
    SIGNALS_ARRIVED.append(KeyboardInterrupt())  # the first, which stopped the load
    if watchdog:
        WATCHDOG_SET.append(5)
    _interrupt(noted=noted)
    released = threading.Event()
    # One writer: Python 3.11 and 3.12 take a thread whose join a signal interrupted for
    # ended, and a wait for the threads, not for their batches, returned at once.
    pool = ThreadPoolExecutor(1)
    began = threading.Barrier(2)
    under_way = _UnderWay()
    written: list[str] = []

    def batch() -> None:
        under_way.begin()
        try:
            began.wait()
            released.wait()
            written.append("written")
        finally:
            under_way.end()

    pool.submit(batch)
    not_begun = pool.submit(batch)
    began.wait()  # the writer is in a batch
    second = threading.Timer(SIGNAL_AFTER, os.kill, (os.getpid(), signal.SIGINT))
    ending = threading.Timer(BATCH_SECONDS, released.set)
    second.start()
    ending.start()
    try:
        if let_pass:
            _join(pool, under_way)
            assert written == ["written"]  # it returned once the batch had ended
        else:
            with pytest.raises(KeyboardInterrupt):
                _join(pool, under_way)
            assert written == []  # the wait was given up
        assert len(SIGNALS_ARRIVED) == 1 + noted  # the second signal did arrive
    finally:
        second.cancel()
        released.set()
        pool.shutdown()
    assert written == ["written"]  # the batch not begun never began: the load was stopped
    assert not_begun.cancelled() or isinstance(not_begun.exception(), _NotBegunError)
