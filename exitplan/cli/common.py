"""What the commands share: the estate source (files or Neo4j), common options, and the
way a simulation is rendered and a diagram written."""

from __future__ import annotations

import contextlib
import errno
import functools
import gc
import os
import re
import shlex
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource
from pydantic import ByteSize, TypeAdapter, ValidationError

from exitplan.errors import (
    ExitplanError,
    UsageError,
    abbreviate,
    agreeing,
    display_path,
    os_reason,
    plural,
    printable,
    shorten,
    with_article,
)
from exitplan.graph import EmbeddedGraph, GraphBackend, Label
from exitplan.graph.neo4j import Neo4jGraph, Neo4jSettings, shown_uri
from exitplan.graph.port import NOT_IN_USE
from exitplan.loading import MAX_ESTATE_BYTES, SUFFIXES, estate_files, load_estate
from exitplan.model import Estate, LegalProfile, NodeId
from exitplan.model.estate import MAX_DAYS, IsoDate
from exitplan.render import rows
from exitplan.render.csv import dump_simulation_csv
from exitplan.render.files import (
    DIAGRAM_SUFFIXES,
    Renderer,
    diagram_bytes,
    place_for,
    write_output,
    write_outputs,
    written_through,
)
from exitplan.render.json import (
    dump_simulation_json,
)
from exitplan.render.markdown import dump_sections_markdown
from exitplan.render.table import (
    DEFAULT_WIDTH,
    dump_sections_table,
)
from exitplan.render.xlsx import CELL_CHARACTERS, Sheet, dump_xlsx
from exitplan.scenario import LoadedScenario, load_scenario, run_scenario, unused_choices
from exitplan.select import Mode
from exitplan.simulate import Options
from exitplan.simulate.result import Simulation, summarise
from exitplan.simulate.views import MAX_NODES, Diagram, impact_view

if TYPE_CHECKING:
    from rich.progress import Progress

PLURAL = {
    Label.VENDOR: "vendors",
    Label.COMPONENT: "components",
    Label.SERVICE: "services",
    Label.CAPABILITY: "capabilities",
    Label.ORGANISATION: "organisations",
}


_HEADER = re.compile(
    rb'(?m)^estate[ \t]*:[ \t]*(?:#.*)?\r?$|^estate[ \t]*:[ \t]*\{|"estate"[ \t\r\n]*:[ \t\r\n]*\{'
)
"""An estate file's header: a mapping under ``estate`` (``estate:`` and indented lines,
or ``estate: {...}``, in YAML; ``"estate": {...}`` in JSON), which an output that names
its estate (``"estate": "gothenburg"``) does not have."""

_SCHEMA = re.compile(rb'"\$schema"[ \t\r\n]*:[ \t\r\n]*"[^"]*json-schema\.org')
"""A JSON Schema (``exitplan schema > estate.schema.json``), which names ``estate`` among
its properties and which loading skips."""

HEADER_READ = 1 << 20
"""How much of a file is read to find the header in it."""


def holds_header(folder: Path, *, skip: str | None = None) -> Path | None:
    """The first estate file directly in ``folder`` (not in ``skip``) whose text gives the
    estate's header, if one does; files that cannot be read are passed over."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return None
    for entry in entries:
        if entry.name == skip or entry.name.startswith(".") or not _estate_named(entry):
            continue
        try:
            with open(entry, "rb") as file:
                head = file.read(HEADER_READ)
        except OSError:
            continue
        if _HEADER.search(head) and not _SCHEMA.search(head):  # loading skips a schema
            return entry
    return None


def _estate_named(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIXES) and path.is_file()


def inside_an_estate(folder: Path, what: str) -> None:
    """Warn when ``folder`` lies inside another estate's folder, which would read ``what``
    as part of it (a second header, the same ids twice). A warning, not a refusal: a
    folder that holds an estate file may also hold estate folders side by side, and only
    the user knows which folder is loaded."""
    try:
        around = Path(os.path.realpath(folder)).parents
    except (OSError, ValueError):  # pragma: no cover - realpath does not raise on Linux
        return
    for parent in around:
        header = holds_header(parent)
        if header is not None:
            notice(
                f"exitplan: note: {printable(display_path(folder))} is inside "
                f"{printable(display_path(parent))}, whose {printable(header.name)} gives an "
                f"estate's header; loading {printable(display_path(parent))} would read "
                f"{what} as part of it"
            )
            return


def in_the_way(folder: Path) -> str | None:
    """What stands in the folder's way, if anything does: a file, or a link to nothing."""
    for path in (folder, *folder.parents):
        try:
            if path.is_symlink() and not path.exists():
                return f"{display_path(path)} is a link to nothing, or a loop of links"
            if path.exists() and not path.is_dir():
                return f"{display_path(path)} is a file, not a folder"
        except OSError:  # a name too long: the error says so
            continue
    return None


def folder_named(
    _context: click.Context, _parameter: click.Parameter, value: str | None
) -> Path | None:
    """A folder given as a string: ``''`` names none (it is not ``.``, which click's
    ``path_type=Path`` would make of it)."""
    if value is None:
        return None
    if value == "":
        raise click.BadParameter("'' names no folder; give a folder's name (. for this one)")
    refuse_dash(value, _parameter, _context)
    path = Path(value)
    if ".." in path.parts:
        # 'x/../y' with no x names y: taken as typed, x would be made, y found missing
        # (and taken back on a failure, or written into though not empty), helper-116
        try:
            return Path(os.path.realpath(path))
        except OSError as error:
            raise click.BadParameter(f"cannot use {printable(value)}: {os_reason(error)}") from None
    return path


def emit(text: str) -> None:
    """Write the requested output to stdout.

    A closed stdout (``>&-``), a reader that went away (``| head -1``) or a full disk
    behind a redirection is an ordinary error, said on stderr; stdout is then pointed at
    the null device so that Python's final flush has nothing left to complain about.
    The bytes are written in a loop, because a buffered write that is cut short by a
    reader leaving reports only how much it wrote, and the text layer above it would
    drop the rest without a word. On a terminal, control characters are shown as escapes
    (CSV keeps them as read, for a file or a pipe).
    """
    stream = sys.stdout
    if stream is None:
        raise ExitplanError("cannot write the output: standard output is closed")
    with contextlib.suppress(OSError, ValueError):
        if stream.isatty():  # CSV keeps a name's control characters: not on a terminal
            text = printable(text, newlines=True, keep="\t")
    try:
        stream.flush()
        binary = getattr(stream, "buffer", None)
        if binary is None or os.linesep != "\n":  # a text-only stream, or newline translation
            stream.write(text)
            stream.flush()
            return
        _write_all(binary, text.encode(stream.encoding or "utf-8", stream.errors or "strict"))
    except (OSError, ValueError) as error:  # ValueError: a stream closed under us
        _drop_stdout()
        raise ExitplanError(
            f"cannot write the output to standard output: {os_reason(error)}"
        ) from None


def _write_all(binary: Any, data: bytes) -> None:
    rest = memoryview(data)
    while rest:
        written = binary.write(rest)
        if not written:
            raise OSError(errno.EIO, "the output was not accepted")
        rest = rest[written:]
    binary.flush()


def _drop_stdout() -> None:
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # no file descriptor left to redirect
        sys.stdout = None  # Python's own convention for a closed stdout


def _on_terminal() -> bool:
    return sys.stderr is not None and sys.stderr.isatty()


def _progress_bar(*, remaining: bool) -> Progress:
    """A bar for long work, on stderr, gone once the work is done: what it is doing, how
    far, for how long (and, with ``remaining``, how much longer)."""
    from rich.console import Console  # noqa: PLC0415  # only on a terminal
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns: list[ProgressColumn] = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    if remaining:
        columns.append(TimeRemainingColumn())
    # Not redirect_stdout: rich would leave its stand-in for a closed stdout (None) in
    # place afterwards, and the answer would go to the terminal instead of failing.
    return Progress(*columns, console=Console(stderr=True), transient=True, redirect_stdout=False)


@contextlib.contextmanager
def counted(description: str, *, remaining: bool = False) -> Iterator[Callable[[int, int], None]]:
    """Long work counted in steps on a bar (only when stderr is a terminal): what it
    yields is told how many steps are done and how many there are."""
    if not _on_terminal():
        yield lambda _done, _total: None
        return
    with _progress_bar(remaining=remaining) as shown:
        task = shown.add_task(description, total=None)
        yield lambda done, total: shown.update(task, completed=done, total=total)


@contextlib.contextmanager
def in_stages(*stages: str) -> Iterator[Callable[[], None]]:
    """Long work in named stages on a bar (only when stderr is a terminal): what it
    yields moves the bar on to the next stage."""
    if not _on_terminal():
        yield lambda: None
        return
    with _progress_bar(remaining=False) as shown:
        task = shown.add_task(stages[0], total=len(stages))
        done = 0

        def advance() -> None:
            nonlocal done
            done += 1
            shown.update(task, completed=done, description=stages[min(done, len(stages) - 1)])

        yield advance


def waiting(text: str) -> None:
    """What a command is waiting for, on stderr: a Neo4j server that stopped answering."""
    notice(f"exitplan: notice: {text}")


def notice(text: str, *, newlines: bool = False) -> None:
    """One message on stderr, shown as printable text; lost quietly if stderr is closed."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(printable(text, newlines=newlines) + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass  # nowhere left to say anything


def terminal_width() -> int:
    """The terminal's width when printing to one, else a fixed width so output is stable."""
    if sys.stdout is not None and sys.stdout.isatty():
        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return DEFAULT_WIDTH


ESTATE_PATH = click.argument("path", type=click.Path(path_type=Path))
"""An estate's file or folder; one that is missing or a loop of links is told by the loader,
as every command that reads an estate tells it."""
FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)


FORMATS = click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "markdown", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
WITHDRAW = click.option(
    "--withdraw",
    "-w",
    "selectors",
    multiple=True,
    required=True,
    metavar="SELECTOR",
    help="What is withdrawn: vendor:ID, component:ID, service:ID, jurisdiction:CC, "
    "exposure:LAW or tag:NAME. Repeat for a union.",
)
MODE = click.option(
    "--mode",
    type=click.Choice([m.value for m in Mode]),
    default=Mode.CUT_OFF.value,
    show_default=True,
    help="cut-off: the vendor stops serving us (what it operates goes at once); "
    "exit: we leave, so every component of the vendor must be replaced.",
)
HORIZON = click.option(
    "--horizon",
    type=click.IntRange(min=0, max=MAX_DAYS),
    metavar="DAYS",
    help="Show only what breaks or degrades within this many days.",
)


class Day(click.ParamType[date]):
    """A date as the estate files write it: ``YYYY-MM-DD``, between 1900 and 2999."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return TypeAdapter(IsoDate).validate_python(value)
        except ValidationError as error:
            self.fail(str(error.errors()[0]["msg"]).removeprefix("Value error, "), param, ctx)


START = click.option(
    "--start",
    type=Day(),
    metavar="YYYY-MM-DD",
    help="Day 0 of the withdrawal, for renewal dates (default: the estate's as_of).",
)


class Size(click.ParamType[int]):
    """A number of bytes, with or without a unit: ``300000000``, ``512MiB``, ``1.5GB``."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            size = int(TypeAdapter(ByteSize).validate_python(str(value).strip()))
        except ValidationError:
            self.fail(f"{value!r} is not a size such as 300000000, 512MiB or 1GB", param, ctx)
        if size < 1:
            self.fail("give at least one byte", param, ctx)
        return size


class CountOrAll(click.ParamType[int | None]):
    """A count from 1, or ``all`` (read as ``None``); a count of over 18 digits is told
    as ``beyond`` says (it is more than any estate holds)."""

    name = "count"

    def __init__(self, beyond: str) -> None:
        self.beyond = beyond

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> int | None:
        if value is None or isinstance(value, int):
            return value
        text = str(value).strip()
        if text == "all":
            return None
        if not (text.isascii() and text.isdigit()):
            self.fail(f"{abbreviate(text)} is neither a count from 1 nor 'all'", param, ctx)
        if len(text) > 18:  # and never a number Python refuses to read (over 4,300 digits)
            self.fail(f"{abbreviate(text)} is {self.beyond}", param, ctx)
        count = int(text)
        if count < 1:
            self.fail(f"{abbreviate(text)} is neither a count from 1 nor 'all'", param, ctx)
        return count


_MAX_BYTES = "exitplan.max_bytes"


def _keep_max_bytes(ctx: click.Context, parameter: click.Parameter, value: int | None) -> None:
    del parameter
    if value is not None:
        ctx.meta[_MAX_BYTES] = value


MAX_BYTES = click.option(
    "--max-bytes",
    type=Size(),
    metavar="SIZE",
    expose_value=False,
    callback=_keep_max_bytes,
    help=f"The most the estate's files may hold together (default {MAX_ESTATE_BYTES // 2**20} "
    "MiB, about 150,000 components as compact JSON), e.g. 512MiB. It is checked before "
    "anything is read, and it bounds the memory a load takes: the files may hold one value "
    "for every 8 bytes of it.",
)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while an estate is read and its graph built, or
    imported and written: millions of objects are made there and all are kept, so every
    collection in between walks them in vain (a fifth of the time of a large load).
    Afterwards what exists is frozen (``gc.freeze``): it lives as long as the command, and
    the collections to come walk only what is made later, instead of starting with one over
    all of it. Loading makes no cycles of garbage worth collecting."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


T = TypeVar("T")

_KEPT: list[object] | None = None
"""The estates and graphs read, while ``keep_estates`` is in force."""


def keep_estates() -> None:
    """Keep every estate and graph a command reads until the process ends, instead of
    freeing them when the command returns: freeing millions of objects one by one takes
    seconds (1.6 s of a 15 s simulate at 30,000 components) and changes nothing in a
    process that ``exitplan.entry`` then ends at once. Only that entry turns this on; a
    caller that runs many commands in one process (a test) frees them as usual."""
    global _KEPT  # noqa: PLW0603  # once per process, before the command runs
    if _KEPT is None:
        _KEPT = []


def _keep(value: T) -> T:
    if _KEPT is not None:
        _KEPT.append(value)
    return value


def read_estate(path: Path, files_read: list[Path] | None = None) -> Estate:
    """``load_estate``, telling on stderr what was skipped and why (also when it fails);
    within the budget of ``--max-bytes`` when the command was given one."""
    found: list[str] = []
    context = click.get_current_context(silent=True)
    max_bytes = context.meta.get(_MAX_BYTES, MAX_ESTATE_BYTES) if context else MAX_ESTATE_BYTES
    try:
        with collector_paused():
            return _keep(
                load_estate(path, max_bytes=max_bytes, notices=found, files_read=files_read)
            )
    finally:
        for text in found:
            notice(f"exitplan: notice: {text}")


def embedded(path: Path) -> GraphBackend:
    estate = read_estate(path)
    with collector_paused():
        return _keep(EmbeddedGraph(estate))


@dataclass(frozen=True)
class Source:
    """Where a query command reads its estate: files (embedded) or a Neo4j database."""

    path: Path | None
    backend: str
    estate: str | None
    uri: str | None
    user: str | None

    def open(self, path: Path | None = None) -> GraphBackend:
        path = path or self.path
        if self.backend == "embedded":
            if path is None:
                raise UsageError("give the estate's PATH (a file or folder), or --backend neo4j")
            given = [
                flag
                for flag, value in (("--estate", self.estate), ("--neo4j-uri", self.uri))
                if value is not None
            ]
            if given:
                notice(
                    f"exitplan: notice: {' and '.join(given)} {agreeing(len(given), 'is', 'are')} "
                    "used only with --backend neo4j; the estate is read from its files"
                )
            return embedded(path)
        if self.path is not None and self.estate is not None:
            notice(
                f"exitplan: notice: {display_path(self.path)} is not read: with --estate the "
                f"estate {self.estate!r} is read from the database"
            )
        name = self.estate or (read_estate(path).name if path is not None else None)
        if name is None:
            raise UsageError("with --backend neo4j, name the estate: --estate NAME")
        settings = Neo4jSettings.from_environment(self.uri, self.user, password=prompt_password)
        graph = Neo4jGraph(settings, name, waiting=waiting)
        click.get_current_context().call_on_close(graph.close)
        return graph


def reads_files(backend: str, estate: str | None) -> bool:
    """Whether a scenario's estate is read from its files: always, but from Neo4j with
    --estate (without it, the files give the estate's name)."""
    return backend == "embedded" or estate is None


def prompt_password() -> str:
    """The password typed at a terminal; none (told as such by the caller) when standard
    input is not one, or when the prompt gets an empty line or the end of input (Ctrl-D).
    Ctrl-C at the prompt stays an interruption."""
    if not sys.stdin.isatty():
        return ""
    try:
        return str(
            click.prompt(
                "Neo4j password", hide_input=True, err=True, default="", show_default=False
            )
        )
    except click.Abort as stopped:
        if isinstance(stopped.__context__, EOFError):  # click has ended the prompt's line
            return ""
        raise


NEO4J_USER = click.option(
    "--neo4j-user",
    metavar="USER",
    help="Neo4j user (default: $NEO4J_USER, else neo4j). The password comes from "
    "$NEO4J_PASSWORD or a prompt, never from the command line.",
)
NEO4J_URI = click.option(
    "--neo4j-uri",
    metavar="URI",
    help="Neo4j Bolt URI (default: $NEO4J_URI, else bolt://127.0.0.1:7687), without a user "
    "or password in it. The database is $NEO4J_DATABASE, else the server's default.",
)


def backend_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Adds the options that say where the estate is read, listed after the command's own
    in ``--help`` (what a command does comes first; the database settings after it)."""
    options = (
        MAX_BYTES,
        NEO4J_USER,
        NEO4J_URI,
        click.option("--estate", metavar="NAME", help="The estate's name in the database."),
        click.option(
            "--backend",
            type=click.Choice(["embedded", "neo4j"]),
            default="embedded",
            show_default=True,
            help="embedded: read the estate's files (PATH, or a scenario's estate:); neo4j: "
            "read the estate loaded with 'exitplan load'.",
        ),
    )
    for option in options:
        function = option(function)
    # click lists the parameters in the reverse of the order they were added
    params: list[click.Parameter] = function.__click_params__  # type: ignore[attr-defined]
    params[:0] = params[-len(options) :]
    del params[-len(options) :]
    return function


def estate_source(*, shifts: str | None = None) -> Callable[[Callable[..., Any]], Any]:
    """Adds ``[PATH]`` and the backend options, and passes them on as ``source``.

    With ``--backend neo4j`` the PATH may be left out; then the first positional belongs
    to the argument named by ``shifts`` (``show --backend neo4j --estate E intune``), as
    typed, unless no ``--estate`` is given and it names a file or folder (the estate).
    """

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(
            *args: Any,
            path: str | None,
            backend: str,
            estate: str | None,
            neo4j_uri: str | None,
            neo4j_user: str | None,
            **kwargs: Any,
        ) -> Any:
            if (
                backend == "neo4j"
                and shifts
                and kwargs.get(shifts) is None
                and path is not None
                and (estate is not None or missing(path))
            ):  # the id as typed: 'intune/' is no node, though it names the same folder
                kwargs[shifts], path = path, None
            where = Path(path) if path is not None else None
            source = Source(where, backend, estate, neo4j_uri, neo4j_user)
            return function(*args, source=source, **kwargs)

        decorated = backend_options(wrapper)
        return click.argument("path", required=False, type=click.Path(), metavar="[PATH]")(
            decorated
        )

    return decorate


SYMLINK_RULE = (
    "A symbolic link is followed: the file it points to is replaced (created if missing), "
    "and the link stays. It may not be one of the command's own input files."
)
"""How every output file is written (docs/outputs.md says the rest)."""


def diagram_file_suffix(
    ctx: click.Context, parameter: click.Parameter, value: Path | None
) -> Path | None:
    """Refuse an unknown picture format before any work starts."""
    del ctx, parameter
    if value is not None and value.suffix.lower() not in DIAGRAM_SUFFIXES:
        raise click.BadParameter(
            f"the suffix picks the format: {', '.join(DIAGRAM_SUFFIXES)} (got {value.name!r})"
        )
    return value


def refuse_dash(value: Any, param: click.Parameter | None, ctx: click.Context | None) -> None:
    """``-`` as a file or folder to write: click would make one named ``-`` where the
    user meant standard output, which these options do not write to."""
    if value == "-":
        raise click.BadParameter(
            "'-' is not standard output here; give a name (./- for one that is '-')", ctx, param
        )


class OutputFile(click.Path):
    """A file to write: a name that ends in a separator, ``.`` or ``..`` names a folder
    (``newdir/``, ``newdir/.``), which click would take as the file ``newdir``; refused,
    as is ``-``, which click would take as a file of that name."""

    def __init__(self) -> None:  # written, not read: a file of mode 222 too (helper-81)
        super().__init__(dir_okay=False, readable=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        refuse_dash(value, param, ctx)
        last = value.replace(os.sep, "/").rsplit("/", 1)[-1] if isinstance(value, str) else "x"
        # newdir/, newdir/., ..: a folder (one that exists is click's to tell)
        if last in ("", ".", "..") and value and not os.path.isdir(value):
            self.fail(
                f"{printable(shorten(value))!r} names a folder; give the file to write in it",
                param,
                ctx,
            )
        return super().convert(value, param, ctx)


DIAGRAM_OPTION = click.option(
    "--diagram",
    "diagram_file",
    type=OutputFile(),
    callback=diagram_file_suffix,
    help="Also draw the impact view to this file (.dot, .svg, .png, or .pdf with the system's "
    f"Graphviz); over {MAX_NODES} nodes, the part that matters most, saying what it leaves out "
    "(a .dot file, for other tools, is whole). " + SYMLINK_RULE,
)


def _real(path: Path) -> str | None:
    """The path with its links resolved; ``None`` where a link cannot be read (another
    user's ``/proc/PID/cwd``): what then reads or writes it says why, with its path."""
    try:
        return os.path.realpath(path)
    except OSError:
        return None


def _same_file(output: Path, source: Path) -> bool:
    """Whether writing ``output`` would replace ``source``: the same inode (through
    symbolic or hard links), or, where either is missing, the same resolved path."""
    try:
        return os.path.samefile(output, source)
    except OSError:
        resolved = _real(output)
        return resolved is not None and resolved == _real(source)


def refuse_own_inputs(
    outputs: Iterable[Path | None], *, estate: Path | None = None, scenario: Path | None = None
) -> None:
    """Refuse, before any work, an output that is one of the command's own inputs: the
    scenario file, the estate file or any file of the estate folder; and two outputs that
    are one file (the second written would replace the first)."""
    wanted = [output for output in outputs if output is not None]
    if not wanted:
        return
    for index, output in enumerate(wanted):
        for other in wanted[index + 1 :]:
            if written_through(output) and written_through(other):
                continue  # two devices, or a pipe: written into one after the other
            if _same_file(output, other):
                raise UsageError(
                    f"will not write {output} and {other}: they are one file, and the second "
                    "would replace the first; choose two files"
                )
    inputs = [("the scenario", scenario)] if scenario is not None else []
    if estate is not None and _present(estate):
        inputs += [("the estate", file) for file in estate_files(estate)]
    for output in wanted:
        for what, source in inputs:
            if _same_file(output, source):
                raise UsageError(
                    f"will not write {output}: it is {display_path(source)}, part of {what} "
                    "this command reads; choose another file"
                )
        if estate is not None and _read_with(output, estate):
            raise UsageError(
                f"will not write {output} into the estate folder {display_path(estate)}: "
                "the next command would read it as part of the estate; choose a file "
                "outside it"
            )


def missing(path: Path | str) -> bool:
    """Whether nothing, not even a link, is at ``path``; false where that cannot be told
    (a folder on its way the user may not open): what reads it then says why."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def _present(path: Path, *, folder: bool = False) -> bool:
    """Whether ``path`` exists (is a folder); false where it cannot be looked at (a folder
    on its way that the user may not open): loading it says so, with its path."""
    try:
        return path.is_dir() if folder else path.exists()
    except OSError:
        return False


def _read_with(output: Path, estate: Path) -> bool:
    """Whether a new file ``output`` would be read as part of the estate folder: an estate
    file (``.yaml``, ``.yml``, ``.json``) in it or in a sub-folder, none of them hidden."""
    if output.suffix.lower() not in {".yaml", ".yml", ".json"}:
        return False
    resolved = _real(output)
    if resolved is None or not _present(estate, folder=True):
        return False
    where = Path(resolved)
    for folder in _folders_read(estate):
        try:
            inside = where.relative_to(folder)
        except ValueError:
            continue
        if not any(part.startswith(".") for part in inside.parts):
            return True
    return False


def _folders_read(estate: Path) -> list[Path]:
    """The real folders the loader reads of an estate folder: the folder, and every
    sub-folder a link leads to elsewhere (each once; hidden ones are not read)."""
    found: list[Path] = []
    seen: set[str] = set()
    for top, folders, _ in os.walk(estate, followlinks=True):
        real = os.path.realpath(top)
        if real in seen:
            folders.clear()  # a loop of links: the loader reads each folder once
            continue
        seen.add(real)
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        if top == str(estate) or os.path.islink(top):
            found.append(Path(real))
    return found


def write_diagram(diagram: Diagram, path: Path, renderer: Renderer = Renderer.PURE) -> None:
    write_output(path, diagram_bytes(diagram, path.suffix.lower(), renderer))
    notice(f"exitplan: wrote {path}")


def impact_drawn(
    backend: GraphBackend,
    simulation: Simulation,
    path: Path | None,
    source: Source,
    scenario: Path | None = None,
) -> tuple[Path, bytes] | None:
    """``--diagram`` of ``simulate`` and ``run``: the impact view, or the part of it that
    reads on a slide (``MAX_NODES``, alike nodes drawn as tables counted as ``exitplan
    diagram`` counts them) when the whole would not (the answer is not given up
    for it), with a notice of what it leaves out and the command that draws any part of
    it whole: of the same withdrawal, from the same day 0 and to the same horizon (of the
    ``scenario`` file ``run`` ran)."""
    if path is None:
        return None
    if path.suffix.lower() == ".dot":  # for other tools: whole, as exitplan diagram writes it
        return drawn(impact_view(backend, simulation, most=None), path)
    diagram = impact_view(backend, simulation, fit=MAX_NODES, fit_tables=True)
    if diagram.left_out:
        notice(
            f"exitplan: notice: {printable(display_path(path))}: {diagram.left_out} "
            f"exitplan diagram {printable(_drawn_again(backend, simulation, source, scenario))} "
            "--view impact --focus ID --depth N -o FILE draws any part of it whole."
        )
    return drawn(diagram, path)


def _drawn_again(
    backend: GraphBackend, simulation: Simulation, source: Source, scenario: Path | None
) -> str:
    """The arguments of an ``exitplan diagram`` command that simulates ``simulation``
    again: the estate where it was read, and the scenario file or what was withdrawn, in
    which mode, from which day 0 and to which horizon."""
    if source.backend != "embedded":
        where = [
            "--backend neo4j",
            *(
                f"{flag} {shlex.quote(value)}"
                for flag, value in (
                    # a scenario's files name the estate unless --estate does
                    ("--estate", source.estate or (None if scenario else backend.info.name)),
                    # as every message gives it: without what follows '?' (helper-99)
                    ("--neo4j-uri", shown_uri(source.uri) if source.uri else None),
                    ("--neo4j-user", source.user),
                )
                if value is not None
            ),
        ]
        if scenario and source.estate is None:  # the files are read, within the budget
            where += [budget] if (budget := _max_bytes_given()) else []
    else:
        path = display_path(source.path or Path("."))
        where = [] if scenario else [shlex.quote(_not_an_option(path))]
        where += [budget] if (budget := _max_bytes_given()) else []
    if scenario is not None:
        return " ".join(
            [f"--scenario {shlex.quote(_not_an_option(display_path(scenario)))}", *where]
        )
    withdrawn = [f"-w {shlex.quote(s)}" for s in simulation.selectors]
    mode = ["--mode exit"] if simulation.mode == Mode.EXIT.value else []
    start = (
        [f"--start {simulation.start.isoformat()}"]
        if simulation.start not in (None, simulation.as_of)
        else []
    )
    horizon = [f"--horizon {simulation.horizon}"] if simulation.horizon is not None else []
    return " ".join([*where, *withdrawn, *mode, *start, *horizon])


def _max_bytes_given() -> str:
    """``--max-bytes N`` when the command was given one, for a command it suggests."""
    context = click.get_current_context(silent=True)
    given = context.meta.get(_MAX_BYTES) if context else None
    return f"--max-bytes {given}" if given is not None else ""


def _not_an_option(path: str) -> str:
    """A path as a command's argument: one that starts with ``-`` would be read as an
    option, so it is given as ``./-x``."""
    return f"./{path}" if path.startswith("-") else path


def drawn(diagram: Diagram, path: Path) -> tuple[Path, bytes]:
    """The diagram drawn now, to be written with the command's result (``deliver``'s
    ``also``): a diagram that cannot be drawn leaves no file, and one that cannot be
    written leaves the result as it was."""
    data = diagram_bytes(diagram, path.suffix.lower())
    place_for(path)  # no folder for it: said before anything is written
    return path, data


def _written(outputs: list[tuple[Path, bytes]]) -> None:
    """Write the files together (``write_outputs``), and say each."""
    write_outputs(outputs)
    for path, _ in outputs:
        notice(f"exitplan: wrote {path}")


def simulation_options(mode: str, horizon: int | None, start: date | None) -> Options:
    return Options(mode=Mode(mode), horizon=horizon, start=start)


OUTPUT = click.option(
    "-o",
    "--output",
    "output",
    type=OutputFile(),
    help="Write to this file instead of standard output (whole, or not at all); a .xlsx "
    "file is an Excel workbook with one sheet per table; without --format, a .json, .md "
    "or .csv file is written in that format. " + SYMLINK_RULE,
)

_SUFFIX_FORMATS = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".csv": "csv"}
_OTHER_WORKBOOKS = frozenset({".xls", ".xlsm", ".xlsb", ".ods"})
_OTHER_FORMATS = frozenset({".tsv", ".yaml", ".yml", ".xml", ".html", ".htm", ".docx", ".pptx"})


def text_format(output_format: str, output: Path | None) -> str:
    """The format of the text: what ``--format`` says when given; else what the suffix of
    ``-o`` names (``.json``, ``.md``, ``.csv``), when the command writes that format."""
    context = click.get_current_context()
    if output is None:
        return output_format
    suffix = output.suffix.lower()
    wanted = _SUFFIX_FORMATS.get(suffix)
    if suffix in _OTHER_WORKBOOKS:  # a spreadsheet would refuse text under that name
        raise UsageError(
            f"{display_path(output)}: exitplan writes workbooks as .xlsx; name the file .xlsx, "
            "or .csv for a table a spreadsheet opens too"
        )
    if suffix in DIAGRAM_SUFFIXES:  # a table under a picture's name opens as neither
        raise UsageError(
            f"{display_path(output)}: -o writes .json, .md, .csv or .xlsx here; a picture is "
            "drawn by exitplan diagram, or by simulate and run with --diagram FILE"
        )
    if suffix in _OTHER_FORMATS:
        notice(
            f"exitplan: notice: {output} is written as {output_format}, not {suffix[1:]} "
            "(exitplan writes .json, .md, .csv and .xlsx here)"
        )
    if context.get_parameter_source("output_format") not in {
        ParameterSource.DEFAULT,
        ParameterSource.DEFAULT_MAP,
    }:  # said on purpose; still, say what the name will not
        if suffix == ".xlsx":
            notice(f"exitplan: notice: {output} is written as a workbook; --format is not used")
        elif wanted is not None and wanted != output_format:
            notice(f"exitplan: notice: writing {output_format} into {output}, as --format says")
        return output_format
    option = next(p for p in context.command.params if p.name == "output_format")
    choices = option.type.choices if isinstance(option.type, click.Choice) else ()
    return wanted if wanted is not None and wanted in choices else output_format


UTF8_BOM = "\ufeff"
"""Begins a CSV file written with ``-o``: without it, Excel takes the file for the
system's code page and shows "GÃ¶teborg" for "Göteborg". Standard output has none, so a
pipe reads the CSV as it is; nor has ``-o /dev/stdout`` or a pipe, read as it is too."""


def deliver(
    text: Callable[[], str],
    sheets: Callable[[], list[Sheet]],
    output: Path | None,
    output_format: str,
    also: tuple[Path, bytes] | None = None,
) -> None:
    """The output on standard output, or into ``output``: a workbook when it ends in
    .xlsx, else the text (CSV in a file with a byte-order mark). ``also``: a file drawn
    beside it (``drawn``), written with ``output`` all or none, after standard output."""
    extra = [also] if also is not None else []
    if output is None:
        emit(text())
        _written(extra)
        return
    cut: list[str] = []
    bom = UTF8_BOM if output_format == "csv" and not written_through(output) else ""
    data = (
        dump_xlsx(sheets(), cut)
        if output.suffix.lower() == ".xlsx"
        else (bom + text()).encode("utf-8")
    )
    _written([(output, data), *extra])
    if cut:
        shown = "; ".join(cut[:5]) + (f"; and {len(cut) - 5:,} more" if len(cut) > 5 else "")
        notice(
            f"exitplan: notice: {plural(len(cut), 'cell')} cut to the {CELL_CHARACTERS:,} "
            f"characters a cell holds, each saying so ({shown}); the CSV and JSON hold them whole"
        )


def render_simulation(simulation: Simulation, output_format: str) -> str:
    if output_format == "json":
        return dump_simulation_json(simulation)
    if output_format == "csv":
        return dump_simulation_csv(simulation)
    lines = rows.headline(simulation)
    sections = rows.simulation_sections(simulation)
    if output_format == "markdown":
        title = simulation.scenario_title or f"Withdrawing {', '.join(simulation.selectors)}"
        return dump_sections_markdown(title, lines, sections)
    return dump_sections_table(lines, sections, width=terminal_width())


PROFILE = click.option(
    "--profile",
    type=click.Choice([p.value for p in LegalProfile]),
    help="The legal profile of the policy rules: eu (the GDPR, for any EU/EEA organisation) "
    "or se (adds the Swedish classification and secrecy rules). Default: the estate's "
    "legal_profile, else eu.",
)


def scenario_read(scenario: Path, source: Source, outputs: Iterable[Path | None]) -> LoadedScenario:
    """A scenario file read and checked, as ``run``, ``report`` and ``diagram --scenario``
    read it, and the ``outputs`` refused when they are among what it reads."""
    loaded = load_scenario(scenario, estate_read=reads_files(source.backend, source.estate))
    refuse_own_inputs(outputs, estate=loaded.estate_path, scenario=scenario)
    return loaded


def scenario_simulated(loaded: LoadedScenario, source: Source) -> tuple[GraphBackend, Simulation]:
    """The scenario's estate opened (from its files, or from the database ``source``
    names) and the scenario simulated; its preferences that had nothing to do are said,
    and so is a withdrawal of nothing."""
    graph = source.open(loaded.estate_path)
    simulation = run_scenario(loaded, graph)
    for said in unused_choices(loaded, simulation, graph):
        notice(f"exitplan: notice: {said}")
    tell_if_nothing_is_withdrawn(graph, simulation)
    return graph, simulation


def tell_if_nothing_is_withdrawn(backend: GraphBackend, simulation: Simulation) -> None:
    """A notice when the selectors withdraw nothing in use, with the reason where a
    selector names a node that is not in use, so that an empty picture or table is not
    taken for "nothing would break"."""
    if simulation.legal is not None or summarise(simulation).withdrawn:
        return
    reasons = []
    for selector in simulation.selectors:
        kind, _, value = selector.partition(":")
        if kind not in ("component", "service"):
            continue
        lifecycle = backend.node(NodeId(value)).properties.get("lifecycle")
        if lifecycle in NOT_IN_USE:
            state = with_article(lifecycle) if lifecycle == "candidate" else lifecycle
            reasons.append(f"{value} is {state}, not in use")
    notice(
        f"exitplan: notice: {', '.join(simulation.selectors)} "
        f"{agreeing(len(simulation.selectors), 'withdraws', 'withdraw')} nothing in use today"
        + (f" ({'; '.join(reasons)})" if reasons else "")
    )


class ScenarioFile(click.Path):
    """A scenario file that exists; an estate folder given in its place is told what to
    give instead, rather than click's "is a directory"."""

    def __init__(self, *, exists: bool = True) -> None:
        super().__init__(exists=exists, dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str | os.PathLike):
            try:
                os.stat(value)
            except FileNotFoundError:
                pass  # click says it does not exist
            except OSError as error:  # click took a folder the user may not open for none
                self.fail(
                    f"{printable(os.fspath(value))!r}: cannot read: {os_reason(error)}", param, ctx
                )
        if isinstance(value, str | os.PathLike) and os.path.isdir(value):
            self.fail(
                f"{printable(os.fspath(value))!r} is a folder; give a scenario file, which names "
                "its estate and what it withdraws (see scenarios/, e.g. "
                "scenarios/leave-microsoft.yaml)",
                param,
                ctx,
            )
        return super().convert(value, param, ctx)
