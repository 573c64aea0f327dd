"""Turning rendered text into files: diagram formats, and atomic writes.

A file is written next to its destination under a temporary name and then renamed over
it, so a failed run never leaves half a file behind.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from exitplan.errors import (
    ExitplanError,
    UsageError,
    after_a_signal,
    display_path,
    os_reason,
    printable,
)
from exitplan.render.dot import dump_dot
from exitplan.simulate.views import Diagram

DIAGRAM_SUFFIXES = (".dot", ".svg", ".png", ".pdf")

INSTALL_GRAPHVIZ = (
    "install Graphviz's 'dot' program (Debian/Ubuntu: apt-get install graphviz; "
    "macOS: brew install graphviz; Windows: winget install graphviz)"
)


class Renderer(StrEnum):
    """Who turns a diagram into a picture."""

    PURE = "pure"
    """graphviz-pure, a port of Graphviz installed with exitplan: the same picture on
    every machine, as SVG or PNG. The default."""
    DOT = "dot"
    """The system's Graphviz ``dot``, when asked for, and for PDF."""


PURE = "graphviz-pure"


def _pure() -> str:
    """The graphviz-pure program: beside this Python (its virtual environment's scripts),
    else on the PATH."""
    beside = Path(sys.executable).parent / PURE
    if beside.exists():
        return str(beside)
    found = shutil.which(PURE)
    if found is None:
        raise ExitplanError(f"{PURE} is missing; reinstall exitplan (pip install exitplan)")
    return found


def diagram_bytes(diagram: Diagram, suffix: str, renderer: Renderer = Renderer.PURE) -> bytes:
    """A diagram in the format a file suffix asks for.

    SVG and PNG come from graphviz-pure, a Rust port of Graphviz that pip installs with
    exitplan, so that the same input gives the same picture on every machine; the
    system's Graphviz ``dot`` draws them when ``renderer`` asks for it, and draws PDF,
    which graphviz-pure cannot write.
    """
    if suffix not in DIAGRAM_SUFFIXES:
        raise UsageError(
            f"cannot write a diagram as {suffix or 'a file without suffix'}; "
            f"use one of {', '.join(DIAGRAM_SUFFIXES)}"
        )
    if suffix == ".dot":
        return dump_dot(diagram).encode("utf-8")
    fmt = suffix.removeprefix(".")
    source = dump_dot(diagram).encode("utf-8")
    if renderer is Renderer.DOT or fmt == "pdf":
        program = shutil.which("dot")
        if program is None:
            because = "writing .pdf" if fmt == "pdf" else "--renderer dot"
            raise UsageError(
                f"{because} needs Graphviz: {INSTALL_GRAPHVIZ}; .svg and .png work without it"
            )
        # in UTC, so that the time cairo writes into a PDF ends in Z on every machine
        drawn = _draw([program, f"-T{fmt}"], source, suffix, "Graphviz", {"TZ": "UTC"})
        return _PDF_DATES.sub(rb"\g<1>20000101000000Z", drawn) if fmt == "pdf" else drawn
    return _draw([_pure(), f"-T{fmt}"], source, suffix, PURE)


_PDF_DATES = re.compile(rb"(/(?:CreationDate|ModDate) ?\(D:)\d{14}Z")
"""The time cairo writes into a PDF (it takes no SOURCE_DATE_EPOCH): replaced by a fixed
one of the same length, so that the file's offsets hold and the same input gives the same
bytes."""


def positions(source: str) -> dict[str, tuple[float, float]]:
    """Where graphviz-pure places each node of the DOT graph ``source`` (its names plain
    identifiers), in points, y growing downwards as on a screen."""
    plain = _draw([_pure(), "-Tplain"], source.encode("utf-8"), ".plain", PURE)
    found = {}
    for line in plain.decode("utf-8").splitlines():
        words = line.split()
        if words[:1] == ["node"] and len(words) >= 4:
            found[words[1]] = (round(float(words[2]) * 72, 1), round(-float(words[3]) * 72, 1))
    return found


def _draw(
    command: list[str], source: bytes, suffix: str, who: str, env: Mapping[str, str] | None = None
) -> bytes:
    try:
        done = subprocess.run(  # noqa: S603 - a fixed program; the DOT text is its input
            command,
            input=source,
            capture_output=True,
            check=False,
            timeout=600,
            env={**os.environ, **env} if env else None,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ExitplanError(f"{who} could not draw the {suffix} file: {error}") from None
    if done.returncode != 0 or not done.stdout:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise ExitplanError(
            f"{who} could not draw the {suffix} file"
            + (f": {reason[0]}" if reason else "")
            + "; write it with -o NAME.dot to see what was asked of it"
        )
    return done.stdout


def destination(path: Path) -> Path:
    """The file that writing to ``path`` replaces: ``path`` itself, or, when ``path`` is a
    symbolic link, the file it points to (which need not exist yet); the link stays."""
    if not path.is_symlink():
        return path
    target = Path(os.path.realpath(path))
    if target.is_symlink():  # realpath stops where links go round in a circle
        raise ExitplanError(
            f"cannot write {path}: {os_reason(errno.ELOOP)} "
            "(the symbolic link leads back to itself)"
        )
    return target


LONGEST_NAME = 255
"""Bytes in a file name on Linux's file systems (and most others)."""


def _beside(name: str, tail: str) -> str:
    """The prefix of a temporary file or folder beside ``name``: ``.name`` and ``tail``,
    the name cut so that the whole, with tempfile's 8 random characters, is a legal file
    name (a target of 250 bytes could not be written, as its temporary name was too long)."""
    room = LONGEST_NAME - len(tail.encode()) - 1 - 8
    cut = name.encode(errors="surrogateescape")[:room].decode(errors="ignore")
    return f".{cut}{tail}"


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP wait while a file is put in place, and act right after: an
    interruption leaves the old file or the whole new one, never a temporary file. So
    does SIGALRM, the watchdog that ends a run that does not unwind after a signal.
    (Python runs signal handlers in the main thread only, so only there is this needed.)"""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not (
        threading.main_thread()
    ):
        yield
        return
    held = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGALRM)
    received: list[int] = []

    def later(signum: int, frame: object) -> None:
        del frame
        received.append(signum)

    # A native thread (a numerical library's worker pool) may take a signal that the
    # main thread blocks; Python would then run the handler in the main thread all the
    # same. So the handlers, too, only note the signal until the file is in place.
    handlers = {s: handler for s in held if (handler := signal.getsignal(s)) is not None}
    # A signal whose handler raises while they are set waits as a held one does: raised
    # at once, it would skip what is to be held (putting an old folder back, say).
    arrived = _set_handlers(dict.fromkeys(handlers, later))
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, set(held))
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        restored = _set_handlers(handlers)
        if arrived is not None:  # in the order they came
            raise arrived
        for noted in dict.fromkeys(received):
            signal.raise_signal(noted)
        if restored is not None:
            raise restored


def _set_handlers(handlers: Mapping[signal.Signals, Any]) -> BaseException | None:
    """Each of ``handlers`` set, though a signal's handler raises as one is set:
    ``signal.signal`` runs the handlers of signals that have arrived, and one that
    raised there left the handlers after it unset (helper-111). The first exception so
    raised, for the caller to raise once every handler is set."""
    arrived: BaseException | None = None
    for signum, handler in handlers.items():
        while True:
            try:
                signal.signal(signum, handler)
            except Exception:
                raise
            except BaseException as error:  # a Ctrl-C's, a SIGTERM's: set it again
                arrived = arrived or error
            else:
                break
    return arrived


def _mode_for(target: Path) -> tuple[int, os.stat_result | None]:
    """The permission bits the written file gets: those of the file it replaces, else
    those of an ordinary new file (0666 less the umask), not ``mkstemp``'s 0600."""
    try:
        existing = target.stat()
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask, None
    return stat.S_IMODE(existing.st_mode), existing


def _missing(directory: Path) -> str:
    """Why ``directory`` cannot hold a file: a file stands where a folder should be, or
    there is no such folder."""
    for path in (directory, *directory.parents):
        with contextlib.suppress(OSError):
            if path.exists() and not path.is_dir():
                return f"{display_path(path)} is a file, not a folder"
    return f"no folder {display_path(directory)}"


def place_for(path: Path) -> tuple[Path, Path]:
    """The file a write to ``path`` replaces and the folder it is written in; an error
    that names the path when there is no such folder, or the name is one's (so that a
    command with two outputs can ask before it writes the first)."""
    try:
        if _written_through(path):
            return path, path.parent
        target = destination(path)
        directory = target.parent if str(target.parent) else Path()
        found = directory.is_dir()
        folder = target.is_dir()
    except OSError as error:  # a name too long, a loop of links
        raise ExitplanError(f"cannot write {path}: {os_reason(error)}") from None
    if folder:  # also what an empty name (-o '') becomes: the current folder
        raise UsageError(f"cannot write {display_path(path)}: it is a folder; name a file")
    if not found:
        raise UsageError(f"cannot write {path}: {_missing(directory)}")
    if target.exists() and not os.access(target, os.W_OK):  # replaced, as > would not (helper-80)
        raise ExitplanError(f"cannot write {path}: {os_reason(errno.EACCES)} (read-only)")
    if not os.access(directory, os.W_OK | os.X_OK):  # said before anything is written
        raise ExitplanError(f"cannot write {path}: {os_reason(errno.EACCES)}")
    return target, directory


def write_output(path: Path, data: bytes | Sequence[bytes], *, told: bool = True) -> None:
    """Write ``data`` (or its parts, one after the other, for a document too large to
    join first) to ``path`` atomically: a temporary file ``.NAME.<random>`` beside the
    target, written, flushed to disk and renamed over it.

    - A symbolic link is followed: the file it points to is replaced, the link stays; a
      link to a file that does not exist yet creates that file.
    - A device or a pipe (``/dev/null``, ``/dev/stdout``, a FIFO) is written into, not
      replaced.
    - A file that is replaced keeps its permission bits (and its owner and group when
      the user may keep them); a new file gets 0666 less the umask.
    - A Ctrl-C, SIGTERM or SIGHUP during the write takes effect once the file is in place,
      and (``told``) says that it was written all the same; a caller that takes the file
      back on a signal passes ``told=False``.
    - Any failure of the system (no permission, a full disk, a read-only or pseudo file
      system) is an ``ExitplanError`` naming the path and the reason, and the temporary
      file is removed.
    """
    write_outputs([(path, data)], told=told)


def write_outputs(
    outputs: Sequence[tuple[Path, bytes | Sequence[bytes]]], *, told: bool = True
) -> None:
    """Write several files as ``write_output`` writes one, all or none: each is written
    to its temporary file first, and only when every one is written are they renamed
    into place (a result and its diagram: a diagram that cannot be written leaves the
    result that was there before). Devices and pipes are written into between the two,
    while signals act (a pipe's reader may never come): one that fails, ``/dev/full``
    say, leaves the files as they were (helper-80: they had been replaced by then), and
    a file that fails leaves the pipe without the result (helper-81)."""
    through: list[tuple[Path, bytes | Sequence[bytes]]] = []
    files: list[tuple[Path, bytes | Sequence[bytes], Path, Path]] = []  # and where
    for path, data in outputs:
        try:
            if _written_through(path):
                through.append((path, data))
                continue
        except OSError as error:  # a name too long, a loop of links
            raise ExitplanError(f"cannot write {path}: {os_reason(error)}") from None
        files.append((path, data, *place_for(path)))  # no folder: before any is written
    staged: list[tuple[Path, str, Path]] = []  # (path, temporary, target)
    written = _written_all_the_same([path for path, *_ in files]) if told and files else None
    try:
        with contextlib.ExitStack() as aftermath:

            def in_place() -> None:  # with signals held: one that waits is told of them
                _put_in_place(staged)
                if written is not None:
                    aftermath.enter_context(after_a_signal(written))

            with signals_held():
                for path, data, target, directory in files:
                    staged.append((path, _staged(path, target, directory, data), target))
                if not through:  # a signal now waits until the files are in place
                    in_place()
            if through:
                for path, data in through:
                    _write_through(path, data)
                with signals_held():
                    in_place()
    finally:
        for _, temporary, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _written_all_the_same(paths: Sequence[Path]) -> str:
    """What a signal held while ``paths`` were put in place leaves: they are, whole."""
    shown = [printable(display_path(path)) for path in paths]
    if len(shown) == 1:
        return f"{shown[0]} was written all the same"
    return f"{', '.join(shown[:-1])} and {shown[-1]} were written all the same"


def _put_in_place(staged: list[tuple[Path, str, Path]]) -> None:
    """Rename each temporary file over its target; ``staged`` is emptied."""
    for path, temporary, target in staged:
        try:
            os.replace(temporary, target)
        except OSError as error:
            raise ExitplanError(f"cannot write {path}: {os_reason(error)}") from None
    staged.clear()


def _staged(path: Path, target: Path, directory: Path, data: bytes | Sequence[bytes]) -> str:
    """``data`` written, flushed and synced to a temporary file beside ``target`` (with
    its permission bits, and owner where it may be kept); its name."""
    temporary: str | None = None
    try:
        mode, existing = _mode_for(target)
        handle, temporary = tempfile.mkstemp(prefix=_beside(target.name, "."), dir=directory)
        with os.fdopen(handle, "wb") as file:
            if existing is not None:
                with contextlib.suppress(OSError):  # only root may give a file away
                    os.fchown(file.fileno(), existing.st_uid, existing.st_gid)
            os.fchmod(file.fileno(), mode)
            file.writelines([data] if isinstance(data, bytes | bytearray) else data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException as error:  # a full disk, or a signal where none can be held
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        if isinstance(error, OSError):
            raise ExitplanError(f"cannot write {path}: {os_reason(error)}") from None
        raise
    return temporary


_OPEN_FILE = re.compile(r"/proc/(?P<pid>[0-9]+)(?:/task/[0-9]+)?/fd/(?P<fd>[0-9]{1,9})")
ANOTHER_PROCESS = -1
"""What ``_descriptor`` returns for a descriptor of another process."""


def _descriptor(path: Path) -> int | None:
    """The descriptor that ``path`` leads to through its links as the kernel follows them
    (``/dev/stdout`` is ``/proc/self/fd/1``), or ``None``; ``ANOTHER_PROCESS`` for one
    of another process. Such a path leads on to the file the descriptor has open, a log
    that the shell appends to, say: renamed over, that file was replaced (helper-80),
    and opened anew, it was emptied. Each link is followed here, one by one, as a name
    (``dl/../so``, ``//proc/self/fd/1``) was no guide to where it leads (helper-81)."""
    text = os.fspath(path)
    pending = [part for part in reversed(text.split("/")) if part]
    if not text.startswith("/"):
        pending += [part for part in reversed(os.getcwd().split("/")) if part]
    current, links = "", 0
    while pending:
        part = pending.pop()
        if part == ".":
            continue
        if part == "..":
            current = current.rsplit("/", 1)[0]
            continue
        candidate = f"{current}/{part}"
        found = _OPEN_FILE.fullmatch(candidate)
        if found is not None and not pending:
            return int(found["fd"]) if int(found["pid"]) == os.getpid() else ANOTHER_PROCESS
        if not os.path.islink(candidate):
            current = candidate
            continue
        links += 1
        if links > 40:  # a loop of links: told where the file is opened
            return None
        target = os.readlink(candidate)
        if target.startswith("/"):
            current = ""
        pending += [piece for piece in reversed(target.split("/")) if piece]
    return None


def _written_through(path: Path) -> bool:
    """Whether ``path`` is a device or a pipe (``/dev/null``, a FIFO a reader waits on)
    or names a descriptor this process has open (``/dev/stdout``, whatever it leads to):
    written into as it is, since renaming a file over it would take its place, not reach
    it. Any other kind of file that is not a regular one (a socket, a block device) is
    refused."""
    descriptor = _descriptor(path)
    if descriptor == ANOTHER_PROCESS:
        raise UsageError(f"cannot write {path}: it is a file another process has open")
    if descriptor is not None:
        return True
    try:
        mode = path.stat().st_mode
    except OSError:  # none yet; or a loop of links or a name too long, told below
        return False
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return True
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return False  # a folder is refused where it would be replaced
    raise UsageError(f"cannot write {path}: it is neither a file, a device nor a pipe")


def written_through(path: Path) -> bool:
    """Whether ``path`` is written into as it stands (a device, a pipe, a descriptor of
    this process) rather than replaced by a file; ``False`` where that cannot be told
    (it is said when the file is written)."""
    try:
        return _written_through(path)
    except (OSError, UsageError):
        return False


def _write_through(path: Path, data: bytes | Sequence[bytes]) -> None:
    """Write into a device or pipe, or the descriptor ``path`` names as it stands (its
    position, appending if it appends, as a write to standard output does): there is no
    half-written file to leave behind, and a failure (``/dev/full``'s "no space", a
    reader that has gone) is an error."""
    descriptor = _descriptor(path)
    try:
        if descriptor is None:
            file = open(path, "wb")  # noqa: SIM115 (closed below)
        else:
            for stream in (sys.stdout, sys.stderr):  # what was said before comes first
                if stream is not None:  # None: closed when the command started
                    with contextlib.suppress(OSError, ValueError):
                        stream.flush()
            file = os.fdopen(os.dup(descriptor), "wb")
        with file:
            file.writelines([data] if isinstance(data, bytes | bytearray) else data)
    except OSError as error:
        raise ExitplanError(f"cannot write {path}: {os_reason(error)}") from None


IMPORTED_MARK = "# Written by exitplan import."
"""The first line of every file an import writes: a re-import rewrites only such files."""


def _write_new(path: Path, data: bytes) -> None:
    with open(path, "xb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def _folder_mode(folder: Path) -> int:
    """The permission bits of the folder ``folder`` replaces, else those of an ordinary
    new folder (0777 less the umask)."""
    try:
        return stat.S_IMODE(folder.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o777 & ~umask


def replace_folder(
    folder: Path,
    files: Mapping[str, bytes],
    check: Callable[[], None],
    kept: Callable[[], None] = lambda: None,
) -> None:
    """Put ``files`` (name → bytes) in place as ``folder``, replacing what it held, as one
    step: the new folder is written beside it under a hidden name, swapped in, and
    ``check`` is called; should ``check`` raise, or Ctrl-C, SIGTERM or SIGHUP arrive
    before the new folder is kept, the old one is put back and the error goes on. Then
    ``kept`` is called: from then on the new folder stays, whatever arrives. The swap,
    the putting back and the keeping wait for signals, so an interruption leaves the old
    folder or the whole new one; ``check`` (reading a large estate takes seconds) does
    not.
    """
    parent = folder.parent
    staging: Path | None = None
    previous: Path | None = None
    final = False
    try:
        staging = Path(tempfile.mkdtemp(prefix=_beside(folder.name, ".new."), dir=parent))
        staging.chmod(_folder_mode(folder))  # mkdtemp's 0700 would hide it from the team
        for name, data in sorted(files.items()):
            _write_new(staging / name, data)
        try:
            with signals_held():
                if folder.exists() or folder.is_symlink():
                    previous = Path(
                        tempfile.mkdtemp(prefix=_beside(folder.name, ".old."), dir=parent)
                    )
                    os.replace(folder, previous / folder.name)
                os.replace(staging, folder)
                staging = None
            check()
            with signals_held():
                final = True
                kept()
                if previous is not None:
                    shutil.rmtree(previous, ignore_errors=True)
        except BaseException:
            if not final:
                with signals_held():  # the old folder back, whole
                    # Read from the disk: where no signal can be held (Windows), one
                    # may come between a rename and ``staging = None``.
                    if staging is None or not staging.exists():  # the new one in place
                        staging = None
                        shutil.rmtree(folder, ignore_errors=True)
                    if previous is not None:
                        old = previous / folder.name
                        if old.exists() or old.is_symlink():
                            os.replace(old, folder)
                        with contextlib.suppress(OSError):  # only if empty: never the old
                            previous.rmdir()
            raise
    except OSError as error:
        raise ExitplanError(f"cannot write {display_path(folder)}: {os_reason(error)}") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


_STAMPS = re.compile(
    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)
FIXED_STAMP = b"2000-01-01T00:00:00Z"


def fixed_zip(data: bytes, replaced: Mapping[str, bytes | None] | None = None) -> bytes:
    """An Office file (a zip) made reproducible: every entry stamped with one fixed time,
    and the creation and change times its libraries write into ``docProps/core.xml``
    replaced by a fixed one, so that the same input gives the same bytes. ``replaced``
    gives entries new content, or none (``None``: left out)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    replaced = replaced or {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            if info.filename in replaced:
                new = replaced[info.filename]
                if new is not None:
                    target.writestr(fixed, new)
                continue
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _STAMPS.sub(rb"\g<1>" + FIXED_STAMP + rb"\2", content)
            target.writestr(fixed, content)
    return out.getvalue()
