"""The ``exitplan`` console script: Ctrl-C, SIGTERM and SIGHUP at any moment end in one
line.

The command line proper (``exitplan.cli``) imports click, pydantic, networkx and rich,
which takes a while; a Ctrl-C during those imports arrives before click runs, so the
interruption is caught here, around the import and the call. Nothing is imported before
``main`` has started (not even ``typing``): what runs before it is Python's own start-up
and the installer's script (which imports ``re``), where a Ctrl-C is Python's to handle.

Exit codes beyond DESIGN.md §7: 130 after Ctrl-C (SIGINT), 143 after SIGTERM and 129 after
SIGHUP (128 plus the signal's number, as a shell reports a process killed by it). SIGTERM
and SIGHUP (the terminal closed, the ssh session lost) are turned into an exception like
Ctrl-C, so that ``finally`` clauses run: a file being written is either left as it was or
replaced whole, no temporary file stays behind, and an import's folder is put back.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds of start-up in which Ctrl-C is not ours
    from types import FrameType
    from typing import NoReturn

INTERRUPTED = 130
TERMINATED = 143
HUNG_UP = 129
COLLECTOR_THRESHOLDS = (100_000, 50, 100)
"""The cycle collector's thresholds while a command runs (``main``); ``simulate_bench``
and ``neo4j_bench`` set the same, to time in process what the command does."""


class Terminated(BaseException):  # named like KeyboardInterrupt, its sibling
    """SIGTERM arrived; unwinds the stack like ``KeyboardInterrupt`` does."""


class HungUp(Terminated):
    """SIGHUP arrived (the terminal was closed): the run ends as on SIGTERM."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    del signum, frame
    raise _arrived(Terminated())


def _hang_up(signum: int, frame: FrameType | None) -> None:
    del signum, frame
    raise _arrived(HungUp())


def _ending(signalled: BaseException | None) -> tuple[str, int]:
    """What to say, and the exit code, for the signal that ended the run."""
    if isinstance(signalled, HungUp):
        return "hung up", HUNG_UP
    if isinstance(signalled, Terminated):
        return "terminated", TERMINATED
    return "interrupted", INTERRUPTED


def _ignore_signals() -> None:
    """From here on a signal changes nothing: the run is ending, or has ended."""
    import signal  # noqa: PLC0415  # imported already by then; kept out of the module

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    del signum, frame
    raise _arrived(KeyboardInterrupt())


GRACE_SECONDS = 5
"""How long a run may take to unwind after Ctrl-C or SIGTERM before it is ended there
and then (``_give_up``)."""


def _give_up(signum: int, frame: FrameType | None) -> None:
    """The run did not end within ``GRACE_SECONDS`` of the signal: a library waited on a
    server that stopped answering (the Neo4j driver closing a connection politely), or
    the signal's exception was raised where Python could only report it. Say why, once,
    and end the process; a file being put in place holds the signal until it is, so none
    is left half-written, and a database rolls back what a client that left had open."""
    del signum, frame
    import contextlib  # noqa: PLC0415
    import os  # noqa: PLC0415

    arrived = sys.modules["exitplan.errors"].SIGNALS_ARRIVED
    words, code = _ending(arrived[0])
    if not _said:
        with contextlib.suppress(OSError):  # nowhere left to say it
            os.write(2, f"exitplan: {_with_aftermath(words)}\n".encode())
    os._exit(code)


def _with_aftermath(words: str) -> str:
    """``terminated``, and what the command had done by then, if it says (``load``)."""
    aftermath = getattr(sys.modules.get("exitplan.errors"), "SIGNAL_AFTERMATH", None)
    return f"{words}; {aftermath[-1]}" if aftermath else words


_said: list[str] = []
"""What ``_stop`` has said (so that ``_give_up`` does not say it again)."""


def _arrived(signalled: BaseException) -> BaseException:
    """Note that a signal arrived, and give its exception to raise; the first one also
    sets a watchdog (``_give_up``).

    Some extensions turn an exception raised inside them into one of their own that keeps
    only its words: pydantic-core, building a model's validator while a module is
    imported, reports ``SchemaError: ... Terminated:`` with no cause to walk back to. A
    signal that has arrived is what stopped the run, whatever error reaches ``main``.
    """
    arrived = sys.modules["exitplan.errors"].SIGNALS_ARRIVED  # imported before
    arrived.append(signalled)
    if len(arrived) == 1:
        import signal  # noqa: PLC0415  # imported already by then

        if not hasattr(signal, "SIGALRM"):  # Windows: no watchdog
            return signalled
        signal.signal(signal.SIGALRM, _give_up)
        signal.alarm(GRACE_SECONDS)
        sys.modules["exitplan.errors"].WATCHDOG_SET.append(GRACE_SECONDS)
    return signalled


_swallowed: list[BaseException] = []
"""A signal's exception raised where Python cannot pass it on (a ``__del__``, a weakref
callback during garbage collection): Python reports such an exception as "ignored" and
carries on, so it is remembered here and the run stops as soon as it is back in ``main``."""


def _remember_swallowed_signals() -> None:
    """Keep signal exceptions out of Python's "Exception ignored" report, and remember
    them."""
    default = sys.unraisablehook

    def keep(unraisable: object) -> None:
        value = getattr(unraisable, "exc_value", None)
        if isinstance(value, (KeyboardInterrupt, Terminated)):
            _swallowed.append(value)
        else:
            default(unraisable)  # type: ignore[arg-type]

    sys.unraisablehook = keep


def _signal_behind(error: BaseException) -> BaseException | None:
    """The Ctrl-C or SIGTERM that caused ``error``, if one did.

    Python wraps an exception raised inside some hooks (``__set_name__`` while a class is
    created during an import, for one) in a ``RuntimeError`` whose cause is the signal's
    exception; that is still the signal, not a fault of exitplan's.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, (KeyboardInterrupt, Terminated)):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _first_arrived() -> BaseException | None:
    """The first signal the handlers noted, if exitplan got as far as installing them."""
    errors = sys.modules.get("exitplan.errors")
    arrived = getattr(errors, "SIGNALS_ARRIVED", None)
    return arrived[0] if arrived else None


def _stop(words: str, code: int) -> int:
    """Say once why exitplan stopped; further signals are ignored from here on."""
    _ignore_signals()
    _said.append(words)
    try:
        if sys.stderr is not None:
            sys.stderr.write(f"exitplan: {_with_aftermath(words)}\n")
            sys.stderr.flush()
    except OSError:  # nowhere left to say it
        pass
    return code


def _run() -> int:
    """Import the command line (the slow part) and run it."""
    import signal  # noqa: PLC0415  # inside main's try: a Ctrl-C here is caught too

    _remember_swallowed_signals()
    import exitplan.errors  # noqa: PLC0415  # where the handlers note what arrived

    hangup = getattr(signal, "SIGHUP", None)  # not on Windows; caught before SIGTERM is
    if hangup is not None and signal.getsignal(hangup) is signal.SIG_DFL:  # nohup: ignored
        signal.signal(hangup, _hang_up)
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:  # an ignored one stays ignored
        signal.signal(signal.SIGTERM, _terminate)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupt)
    import gc  # noqa: PLC0415

    # A command builds its objects once (an estate of 100,000 components makes millions)
    # and keeps them to the end; with Python's default thresholds the collector walks them
    # all again and again while they are made, which took half of a large load. Cycles of
    # garbage are rare here, and they are still collected, only less often.
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    from exitplan.cli import keep_estates, run  # noqa: PLC0415  # the slow import, guarded

    keep_estates()  # the process ends at once after the command (``_leave``)
    code = run()
    # Done: a signal from now on must not turn a finished run into a traceback.
    _ignore_signals()
    # A signal came where Python could not raise it, or was caught on its way: it counts.
    pending = _swallowed or exitplan.errors.SIGNALS_ARRIVED
    if pending:
        raise pending[0]
    return code


def _leave(code: int) -> NoReturn:
    """End the process at once, once what Python does at exit that matters has been
    done: the exit handlers run and the output flushed. Python would then free every
    object one by one, which for a large estate takes seconds (2.3 s of a 9 s command at
    30,000 components) and changes nothing. With threads still running, or output that
    cannot be flushed, the ordinary exit is taken instead, so that it reports as before.
    A daemon thread does not count, as Python's own exit does not wait for it either: the
    progress bar's, which often still ends as the command returns, took a run on a
    terminal the slow way one time in six (helper-111)."""
    import atexit  # noqa: PLC0415
    import os  # noqa: PLC0415
    import threading  # noqa: PLC0415

    this = threading.current_thread()
    if any(not thread.daemon and thread is not this for thread in threading.enumerate()):
        raise SystemExit(code)
    atexit._run_exitfuncs()  # what Python itself runs at exit
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    os._exit(code)


def main() -> NoReturn:
    """Run the command line and exit with its code."""
    try:
        code = _run()
    except (KeyboardInterrupt, Terminated, Exception) as error:
        signalled = _signal_behind(error) or _first_arrived()
        if signalled is None:
            raise
        code = _stop(*_ending(signalled))
    _leave(code)
