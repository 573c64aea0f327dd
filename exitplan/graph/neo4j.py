"""The Neo4j backend: estates kept in a shared Neo4j database, read over Bolt.

How an estate is stored
- Every node carries the label ``ExitplanNode`` and its kind label (``Component`` ...),
  the properties of ``exitplan.graph.shape`` and two of ours: ``estate`` (its name) and
  ``load`` (which load of that estate wrote it). ``(load, id)`` is unique.
- One ``ExitplanEstate {name}`` node per estate holds the header and ``load``: the load that
  readers use. Several estates live side by side; every query names its load.
- Beside each node, an ``ExitplanLinks {load, id}`` node (no relationships) holds what a
  simulation reads of it, compactly: ``node``, its kind and properties as one JSON text;
  ``needs``, its ``DEPENDS_ON`` edges out as one JSON text; ``needed_by``, the ids of its
  dependents (``_links``). A region is then read with one index seek per node, instead of
  two for the node and its links, or five property reads of every relationship on the
  way. Copies never change once written, so the two forms cannot drift apart.
  ``ExitplanEstate.links_layout`` names the form (``LAYOUT``).

How a load replaces an estate without readers seeing half of it
1. The new copy is written under a fresh load id, in ``UNWIND $rows`` batches of
   ``CREATE`` inside write transactions (``_execute``), ``writers`` of them at a time
   (``WRITERS`` unless told): nodes first, then relationships and links. Readers still
   follow the old load id.
   Nothing under a fresh id exists to be merged with, and a batch that fails is rolled
   back whole, so ``CREATE`` writes what ``MERGE`` would at twice the speed. The one
   case it does not cover, a batch that committed but whose answer was lost and that is
   run again, is caught by counting: a node twice breaks the ``(load, id)`` key,
   and the copy's relationships are counted against the estate's before the switch.
   Relationships find their ends by the element ids the node batches returned (and the
   load id, so that no other copy's node can stand in for one).
2. One transaction locks ``ExitplanEstate``, counts the new copy again and points
   ``ExitplanEstate.load`` at it: readers switch at once from one whole copy to the other.
3. Copies older than the previous one are deleted, so a reader that started just before
   the switch still finishes on a whole estate. A load that dies midway leaves only an
   unreferenced copy, which the next load deletes; the current copy is never touched.
   Each deletion reads what to keep under the same lock as the switch: of two loads of
   one estate at once, one may delete the other's copy before its switch, whose count
   then refuses it, but never after.

Every value travels as a ``$parameter``. Labels and relationship types come only from the
fixed lists in ``exitplan.graph.port``; they are the only text put into Cypher.
The ``neo4j`` driver is imported here, lazily, and only this module imports it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar
from urllib.parse import urlsplit

import orjson

from exitplan.errors import (
    SIGNALS_ARRIVED,
    WATCHDOG_SET,
    BackendError,
    UsageError,
    abbreviate,
    after_a_signal,
    did_you_mean,
    listed,
)
from exitplan.graph.port import (
    DependsOn,
    Direction,
    GraphEdge,
    GraphNode,
    Label,
    LoadSummary,
    PropertyValue,
    Rel,
    Subgraph,
    UnknownNodeError,
)
from exitplan.graph.region import MemoryRegion, collector_paused
from exitplan.graph.shape import dependency_links, estate_edges, estate_nodes, estate_summary
from exitplan.model import Estate, EstateInfo, NodeId

NODE = "ExitplanNode"
ESTATE = "ExitplanEstate"
LINKS = "ExitplanLinks"
LABELS: tuple[str, ...] = (NODE, ESTATE, LINKS, *(label.value for label in Label))
"""Every label this backend writes or reads: the only labels ever put into Cypher."""

_OURS = frozenset({"estate", "load", "key"})
_KIND_LABELS = {label.value: label for label in Label}
_NOT_READ = _OURS | {"id"}  # the id is the node's own, not one of its properties

_REGION_LEVEL = (
    "UNWIND $ids AS id MATCH (w:ExitplanLinks {load: $load, id: id}) "
    "RETURN collect([w.id, w.node, w.needs, w.needed_by]) AS rows"
)
"""One level of a dependency region: each frontier node's links (module doc): the node,
its dependency edges out, and the ids of its dependents."""
LAYOUT = 2
"""The form of the links a copy holds (module doc). A copy holding another form, or none,
is refused by readers (``load_id``); the first form was ``needs`` and ``needed_by`` alone,
beside the nodes that depend or are depended on."""
DEFAULT_BATCH = 10_000
WRITERS = 2
"""How many batches a load writes at once, each in a write transaction of its own. On a
server of two cores, two writers wrote the relationships of a 120,000-component estate in
21.6 s where one took 35.5 s (``benchmarks/neo4j_bench.py``). Readers follow the copy only
once it is whole and counted (module doc), so the order the batches commit in changes
nothing they see."""
MAX_WRITERS = 32
"""The most writers a load starts (``exitplan load --writers``): each is a thread and a
connection."""

BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
ESTATE_NAMES = "MATCH (e:ExitplanEstate) WHERE e.load IS NOT NULL RETURN e.name AS name"
"""The estates readers can read (a first load that never switched has no ``load``)."""

SCHEMA = (
    "CREATE CONSTRAINT exitplan_node_key IF NOT EXISTS "
    "FOR (n:ExitplanNode) REQUIRE (n.load, n.id) IS UNIQUE",
    "CREATE CONSTRAINT exitplan_estate_name IF NOT EXISTS "
    "FOR (e:ExitplanEstate) REQUIRE e.name IS UNIQUE",
    "CREATE INDEX exitplan_node_estate IF NOT EXISTS FOR (n:ExitplanNode) ON (n.estate)",
    "CREATE CONSTRAINT exitplan_links_key IF NOT EXISTS "
    "FOR (n:ExitplanLinks) REQUIRE (n.load, n.id) IS UNIQUE",
    "CREATE INDEX exitplan_links_estate IF NOT EXISTS FOR (n:ExitplanLinks) ON (n.estate)",
)
"""The constraints and indexes the estates share, each named ``exitplan_...``."""

CONNECT_SECONDS = 10.0
"""How long to wait for a server to accept a connection and answer the Bolt handshake:
a port that accepts and then says nothing ends in a message, not a hang."""

RETRY_SECONDS = 2 * CONNECT_SECONDS
"""How long a transaction that failed on a passing fault is tried again, from its first
failure: a server restarting, a cluster electing its leader. No attempt starts later;
the last may take up to ``CONNECT_SECONDS`` more to connect."""


def shown_uri(uri: str) -> str:
    """The URI as messages repeat it: without what follows '?' or '#' (a routing context,
    perhaps a token), and never with a user or password (``check_uri`` refuses those)."""
    return uri.split("#", 1)[0].split("?", 1)[0]


def check_uri(uri: str) -> None:
    """Refuse a URI the driver cannot use, with what to write instead."""
    shape = "bolt://HOST:7687 (or neo4j://, bolt+s://, neo4j+s://)"
    if "@" in uri:  # user info, perhaps a password: never repeated, never sent
        raise UsageError(
            "the Neo4j URI holds a user or password before '@'; write it as "
            f"{shape}, the user in NEO4J_USER (or --neo4j-user) and the password in "
            "NEO4J_PASSWORD"
        )
    shown = shown_uri(uri)
    if "://" not in uri:
        raise UsageError(f"the Neo4j URI {shown!r} has no scheme; write it as {shape}")
    try:
        parts = urlsplit(uri)
    except ValueError as error:
        raise UsageError(
            f"the Neo4j URI {shown!r} is malformed ({error}); write it as {shape}"
        ) from None
    host = parts.hostname
    try:
        parts.port  # noqa: B018 - read for the check alone
    except ValueError:  # what follows the host's ':' may be a password typed without '@'
        raise UsageError(
            f"the Neo4j URI '{parts.scheme}://{host or ''}:…' is malformed: what follows "
            "the host's ':' is not a port from 0 to 65535 (it is not repeated here); write "
            f"it as {shape}, a user in NEO4J_USER and a password in NEO4J_PASSWORD"
        ) from None
    if parts.scheme in ("http", "https"):
        raise UsageError(
            f"the Neo4j URI {shown!r} is the HTTP address of Neo4j Browser; exitplan speaks "
            f"Bolt: write it as bolt://{host or 'HOST'}:7687"
        )
    if parts.scheme not in BOLT_SCHEMES:
        raise UsageError(
            f"the Neo4j URI {shown!r} has the scheme {parts.scheme!r}; write it as {shape}"
        )
    if not host:
        raise UsageError(f"the Neo4j URI {shown!r} names no host; write it as {shape}")
    if parts.fragment or "#" in uri:
        raise UsageError(
            f"the Neo4j URI {shown!r} has a part after '#', which the driver does not take "
            "(it is not repeated here); leave it out"
        )
    if (parts.query or "?" in uri) and not parts.scheme.startswith("neo4j"):
        raise UsageError(
            f"the Neo4j URI {shown!r} has a part after '?' (not repeated here): a routing "
            "context, which only neo4j:// URIs take; leave it out, or use neo4j://"
        )
    if parts.path not in ("", "/"):
        raise UsageError(
            f"the Neo4j URI {shown!r} has a path ({parts.path!r}), which picks nothing; write "
            f"it as {shape}, and name a database in NEO4J_DATABASE"
        )


@dataclass(frozen=True)
class StoredEstate:
    """An estate a database holds: its name, title and date, and the nodes of the copy
    readers read."""

    name: str
    title: str | None
    as_of: date | None
    nodes: int
    readable: bool = True
    """Its header is one this exitplan reads (another version may have written it)."""


@dataclass(frozen=True)
class Unloaded:
    """What ``unload`` removed: nodes and copies, and whether a load of the estate put a
    new copy in place meanwhile (which readers then see)."""

    nodes: int
    copies: int
    loaded_again: bool


@dataclass(frozen=True)
class Neo4jSettings:
    """Where the database is. The password is never an option: environment or prompt."""

    uri: str
    user: str
    password: str = field(repr=False)
    database: str | None = None

    def __post_init__(self) -> None:
        check_uri(self.uri)
        if self.database is not None and self.database.lower() == "system":
            raise UsageError(
                "NEO4J_DATABASE names 'system', Neo4j's own database of users and "
                "databases, which cannot hold an estate; name a database for data, or "
                "unset NEO4J_DATABASE for the server's default"
            )

    @property
    def shown(self) -> str:
        """The URI as messages repeat it (``shown_uri``)."""
        return shown_uri(self.uri)

    @classmethod
    def from_environment(
        cls,
        uri: str | None = None,
        user: str | None = None,
        password: Callable[[], str] | None = None,
    ) -> Neo4jSettings:
        secret = os.environ.get("NEO4J_PASSWORD")
        if secret is None and password is not None:
            secret = password()
        if not secret:
            raise UsageError(
                "no Neo4j password: set NEO4J_PASSWORD in the environment (it is never "
                "taken from the command line)"
            )
        return cls(  # an empty variable is unset, as an empty NEO4J_DATABASE is
            uri=uri or os.environ.get("NEO4J_URI") or "bolt://127.0.0.1:7687",
            user=user or os.environ.get("NEO4J_USER") or "neo4j",
            password=secret,
            database=os.environ.get("NEO4J_DATABASE") or None,
        )


def _label(label: str) -> str:
    if label not in LABELS:  # never reached with user input: labels come from Label
        raise ValueError(f"not an exitplan label: {label!r}")
    return label


def _rel_types(rels: Iterable[Rel]) -> str:
    names = sorted({Rel(rel).value for rel in rels})
    return "|".join(names)


def _read(properties: Mapping[str, Any], drop: frozenset[str] = _OURS) -> dict[str, PropertyValue]:
    return {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in properties.items()
        if key not in drop
    }


def _links(estate: Estate, nodes: Iterable[GraphNode]) -> list[list[Any]]:
    """Rows ``[id, node, needs, needed_by]`` of the ``ExitplanLinks`` nodes (module doc),
    one for each of ``nodes`` (sorted by id):

    * ``node``: the node's kind and properties, as the JSON text ``[kind, {properties}]``;
    * ``needs``: its dependency edges out, by target, as a JSON list. An edge is its target
      alone when it is hard and immediate (most are); ``[target, hard, onset_days]`` when
      it has no more to say; else ``[target, hard, onset_days, at_renewal, group,
      capabilities]``. Null when the node depends on nothing;
    * ``needed_by``: the ids of its dependents, sorted; null when nothing depends on it."""
    needs: dict[NodeId, list[tuple[NodeId, Any]]] = defaultdict(list)
    needed_by: dict[NodeId, list[NodeId]] = defaultdict(list)
    for source, target, hard, onset, renewal, group, needed in dependency_links(estate):
        if renewal or group is not None or needed:
            item: Any = (target, hard, onset, renewal, group, needed)  # written as a list
        elif hard and onset == 0:
            item = target
        else:
            item = (target, hard, onset)
        needs[source].append((target, item))
        needed_by[target].append(source)  # once each: no pair is named twice
    rows: list[list[Any]] = []
    dumps = orjson.dumps
    for node in nodes:
        node_id = node.id
        out = needs.get(node_id)
        if out:
            out.sort()  # by target: no target twice, so the items are never compared
        dependents = needed_by.get(node_id)
        rows.append(
            [
                node_id,
                dumps((node.label.value, node.properties)).decode(),
                dumps([item for _, item in out]).decode() if out else None,
                sorted(dependents) if dependents else None,
            ]
        )
    return rows


_T = TypeVar("_T")


def _records(tx: Any, query: str, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
    result = tx.run(query, parameters)
    keys = result.keys()
    # A record is a tuple of plain values here (no node or relationship objects are
    # returned), so it is read as it is: Record.data() would walk every nested value
    # again to convert what is not there.
    return [dict(zip(keys, record, strict=True)) for record in result]


def _abandon(session: Any) -> None:
    """Drop a session's connection without a word to the server. Closing it politely
    rolls its transaction back and waits for the server's answer: a server that stopped
    answering held a Ctrl-C or SIGTERM for ever. Dropped, the connection ends, and the
    server rolls back by itself, as it does for any client that goes away; a load's
    copies are switched to in one transaction, so readers keep a whole estate. The
    driver does the same when an asyncio task is cancelled."""
    cancel = getattr(session, "_handle_cancellation", None)
    if cancel is None:  # a driver without it: the polite close, as before
        session.close()
        return
    cancel(message="exitplan interrupted")
    session._closed = True  # nothing left to close


class _NotBegunError(Exception):
    """A batch of a load not begun, as one before it failed (``Neo4jGraph._write``)."""


class _CopyGoneError(Exception):
    """The copy to switch to is no longer whole: the switch is rolled back."""


class _ShortCopyError(BackendError):
    """The copy written is not the estate's: something removed part of it (``fewer``), or
    a batch was written twice."""

    def __init__(self, message: str, *, fewer: bool) -> None:
        super().__init__(message)
        self.fewer = fewer


class _SupersededError(BackendError):
    """Another load of the estate removed this load's copy; its message says so whole."""


class _UnderWay:
    """The batches of a load being written: none begins once the load is ``stopped``, and
    those that began are counted until they end, so that a stopped load waits for each
    (``_join``), the one whose ``submit`` a signal cut short too (its future never
    kept)."""

    def __init__(self) -> None:
        self.stopped = threading.Event()
        self._changed = threading.Condition()
        self._count = 0

    def begin(self) -> None:
        with self._changed:
            if self.stopped.is_set():
                raise _NotBegunError
            self._count += 1

    def end(self) -> None:
        with self._changed:
            self._count -= 1
            self._changed.notify_all()

    def wait(self) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._count == 0)


def _join(pool: ThreadPoolExecutor, under_way: _UnderWay) -> None:
    """Wait for a stopped load's batches under way to end, and then for its writers;
    those not begun are cancelled. The connections the batches use must not be closed
    under them: given up on, the wait let a writer tell of a lost connection after the
    command's last line. So a Ctrl-C or SIGTERM that arrives while it waits (Ctrl-C
    pressed again) is let pass when the console script's watchdog is set
    (``WATCHDOG_SET``), which ends a wait on a server that stopped answering; the command
    ends with the first signal all the same (``SIGNALS_ARRIVED``). Without a watchdog, it
    ends the wait. The batches are waited for, not the threads: on Python 3.11 and 3.12 a
    thread whose join a signal interrupted is taken for ended, and a second join returns
    at once."""
    under_way.stopped.set()
    while True:
        try:
            under_way.wait()
            pool.shutdown(cancel_futures=True)  # no batch left to write: they end at once
        except BaseException as error:
            if not (WATCHDOG_SET and any(error is arrived for arrived in SIGNALS_ARRIVED)):
                raise
        else:
            return


def _batches(rows: list[list[Any]], size: int) -> Iterator[list[list[Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _region(rows: list[list[Any]]) -> MemoryRegion:
    """A region from the links of its nodes, rows ``[id, node, needs, needed_by]`` sorted
    by id (``_links``). Each node's dependencies come by target, and its dependents by
    source when the nodes are taken in id order: the region's lists are built sorted."""
    nodes: dict[NodeId, GraphNode] = {}
    dependencies: dict[NodeId, list[DependsOn]] = {}
    dependents: defaultdict[Any, list[DependsOn]] = defaultdict(list)  # by target, an id
    new, loads, edge, kinds = tuple.__new__, orjson.loads, DependsOn, _KIND_LABELS
    nothing: tuple[str, ...] = ()
    for node_id, node, needs, _ in rows:
        source = NodeId(node_id)
        kind, properties = loads(node)
        nodes[source] = GraphNode(source, kinds[kind], _read(properties, _NOT_READ))
        if needs is None:
            continue
        out = []
        for item in loads(needs):
            if item.__class__ is str:
                each = new(edge, (source, item, True, 0, False, None, nothing))
                target = item
            elif len(item) == 3:
                target, hard, onset = item
                each = new(edge, (source, target, hard, onset, False, None, nothing))
            else:
                target, hard, onset, renewal, group, needed = item
                each = new(edge, (source, target, hard, onset, renewal, group, tuple(needed)))
            out.append(each)
            dependents[target].append(each)
        dependencies[source] = out
    return MemoryRegion(dict(dependents), dependencies, nodes)


@contextmanager
def _told_with(words: str) -> Iterator[None]:
    """A ``BackendError`` within it is told with ``words`` after its own."""
    try:
        yield
    except BackendError as error:
        raise BackendError(f"{error}; {words}") from None


def _stored(name: object, info: object, nodes: int) -> StoredEstate:
    """An estate as ``estates`` lists it, from its header's JSON (one that another version
    of exitplan wrote is listed all the same, as not readable)."""
    try:
        header = EstateInfo.model_validate(json.loads(str(info)) if info else None)
    except ValueError:
        return StoredEstate(str(name), None, None, nodes, readable=False)
    return StoredEstate(str(name), header.title, header.as_of, nodes)


def _first_error(error: ValueError) -> str:
    """The first thing pydantic found wrong (or JSON's own words), on one line."""
    errors = getattr(error, "errors", None)
    told = str(errors()[0]["msg"]) if callable(errors) and errors() else str(error)
    return " ".join(told.split())


def _nested(error: BaseException) -> Iterator[BaseException]:
    """An error and those behind it: its causes, and the members of an exception group
    (the routing driver's "Unable to retrieve routing information" holds the refused
    connection two levels down)."""
    waiting, seen = [error], set()
    while waiting:
        found = waiting.pop(0)
        if id(found) in seen:
            continue
        seen.add(id(found))
        yield found
        waiting.extend(e for e in (found.__cause__, found.__context__) if e is not None)
        if isinstance(found, BaseExceptionGroup):
            waiting.extend(found.exceptions)


class Neo4jGraph:
    """A ``GraphBackend`` over a Neo4j database, one estate at a time. ``waiting`` is told,
    once, when the connection is lost and the command tries again, before it gives up."""

    def __init__(
        self,
        settings: Neo4jSettings,
        estate: str,
        *,
        batch_size: int = DEFAULT_BATCH,
        writers: int = WRITERS,
        waiting: Callable[[str], None] | None = None,
    ) -> None:
        try:
            import neo4j  # noqa: PLC0415  # optional at import time: only this backend needs it
        except ImportError as error:  # pragma: no cover - a runtime dependency
            raise BackendError("the Neo4j backend needs the 'neo4j' package") from error
        self._neo4j = neo4j
        self.settings = settings
        self.estate_name = estate
        self.batch_size = batch_size
        if not 1 <= writers <= MAX_WRITERS:
            raise UsageError(f"a load has 1 to {MAX_WRITERS} writers, not {writers}")
        self.writers = writers
        # The driver logs each retry of a failed transaction; the one line we print is enough.
        logging.getLogger("neo4j").addHandler(logging.NullHandler())
        logging.getLogger("neo4j").propagate = False
        try:
            self._driver = neo4j.GraphDatabase.driver(
                settings.uri,
                auth=(settings.user, settings.password),
                connection_timeout=CONNECT_SECONDS,
                connection_acquisition_timeout=CONNECT_SECONDS,
            )
        except (ValueError, neo4j.exceptions.ConfigurationError) as error:
            raise UsageError(f"the Neo4j URI {settings.shown!r} cannot be used: {error}") from None
        self._verified = False
        self._waiting = waiting
        self._told_lost = False
        self._telling = threading.Lock()
        self._load_id: str | None = None
        self._info: EstateInfo | None = None
        self._known: set[str] = set()
        """Ids read as nodes of the copy ``_load_id``: a copy never changes once written,
        so they need no second look to be known (``_require_known``)."""

    # --- plumbing -----------------------------------------------------------------------

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> Neo4jGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _translate(self, error: Exception) -> BackendError:
        """One readable line for each way the database can fail us."""
        exceptions = self._neo4j.exceptions
        where = self.settings.shown
        if isinstance(error, exceptions.AuthError):
            return BackendError(
                f"Neo4j at {where} refused user {self.settings.user!r}: wrong user or password"
            )
        if isinstance(error, exceptions.ServiceUnavailable | exceptions.SessionExpired):
            if self._verified:  # it answered before: the connection was lost on the way
                return BackendError(
                    f"the Neo4j server at {where} stopped answering during the command "
                    "(the connection was lost); is it still running?"
                )
            tls = urlsplit(where).scheme.endswith(("+s", "+ssc"))
            told = " ".join(" ".join(str(e).split()) for e in _nested(error))
            found = re.search(r"\[Errno -?\d+\] ([^)\]\[]+)", told)  # up to the next one
            reason = found.group(1).strip() if found else ""
            return BackendError(
                f"no Neo4j server answers at {where}"
                + (
                    f": {reason[:1].lower()}{reason[1:]}"
                    if reason
                    else ": a web server answered there, not Bolt (Neo4j's browser port?)"
                    if "looks like HTTP" in told  # at once, not after a wait (helper-85)
                    else f" within {CONNECT_SECONDS:g} s"  # "incomplete handshake" too
                )
                + "; is it running, and is this its Bolt port?"
                + (" Does it speak TLS, as the scheme asks?" if tls else "")
            )
        if isinstance(error, exceptions.UnsupportedServerProduct):  # its message: "50N42"
            return BackendError(
                f"no Neo4j server answers at {where}: what answered there speaks no Bolt "
                "version this exitplan knows (another kind of server, or a Neo4j too old for its "
                "driver); is this Neo4j's Bolt port?"
            )
        # the server's text may run over several lines: one line, as every message is
        message = " ".join(str(getattr(error, "message", None) or error).split())
        code = str(getattr(error, "code", "") or "")
        database = self.settings.database
        if code.endswith("DatabaseNotFound") or message.startswith("Graph not found"):
            return BackendError(
                f"Neo4j at {where} has no database {database!r} (NEO4J_DATABASE): name one "
                "that exists, or unset NEO4J_DATABASE for the server's default"
            )
        if "database" in message.lower() and "not" in message.lower():
            named = f" {database!r} (NEO4J_DATABASE)" if database else ""
            return BackendError(f"Neo4j at {where}: database{named} unavailable: {message}")
        return BackendError(f"Neo4j at {where}: {message}")

    def _rows(self, query: str, **parameters: Any) -> list[Any]:
        """A read whose query returns one record, ``collect([...]) AS rows``: thousands of
        rows travel as one Bolt message instead of one message each."""
        found = self._run(query, **parameters)
        return list(found[0]["rows"]) if found else []

    def _run(self, query: str, *, write: bool = False, **parameters: Any) -> list[dict[str, Any]]:
        """A read of the copy this graph reads, the one whose ``load`` parameter is that
        copy's id, is checked, after it, to be of a copy that still exists
        (``_still_kept``); every read of a copy names it so. Reads of the estate node, of
        the estates, or of a copy being written are not checked: a load or unload that
        reads them tells itself what became of the copy it followed."""
        load = self._load_id
        checked = load if not write and parameters.get("load") == load else None
        return self._execute(lambda tx: _records(tx, query, parameters), write=write, of=checked)

    def _execute(
        self, work: Callable[[Any], _T], *, write: bool = False, of: str | None = None
    ) -> _T:
        """``work(tx)`` in one transaction, rolled back when ``work`` raises. A fault the
        server calls passing (a lost connection, a cluster's leader changing, a deadlock)
        is tried again for about ``RETRY_SECONDS``; a lost connection is told at once
        (``waiting``), not only when the retries are spent. A read ``of`` a copy is
        checked, after it, to be of a copy that still exists (``_still_kept``)."""
        if of is not None:
            work = self._still_kept(work, of)
        exceptions = self._neo4j.exceptions
        failed_at: float | None = None
        delay = 1.0
        while True:
            try:
                return self._once(work, write=write)
            except (exceptions.Neo4jError, exceptions.DriverError) as error:
                now = time.monotonic()
                failed_at = now if failed_at is None else failed_at
                if not (
                    self._verified
                    and error.is_retryable()
                    and now + delay - failed_at <= RETRY_SECONDS
                ):
                    raise self._translate(error) from None
                lost = isinstance(error, exceptions.ServiceUnavailable | exceptions.SessionExpired)
                if lost and self._waiting is not None and self._first_told_lost():
                    self._waiting(
                        f"the Neo4j server at {self.settings.shown} stopped answering; trying "
                        f"again for about {RETRY_SECONDS:g} s (Ctrl-C stops)"
                    )
                time.sleep(delay)
                delay *= 2

    def _first_told_lost(self) -> bool:
        """Whether the lost connection is to be told now: once, though a load's writers
        find it lost at the same moment."""
        with self._telling:
            told, self._told_lost = self._told_lost, True
        return not told

    def _once(self, work: Callable[[Any], _T], *, write: bool) -> _T:
        """``work(tx)`` in one transaction, committed when it returns."""
        if not self._verified:  # fail at once, not after the retries of a transaction
            self._driver.verify_connectivity()
            self._verified = True
        access = self._neo4j.WRITE_ACCESS if write else self._neo4j.READ_ACCESS
        session = self._driver.session(database=self.settings.database, default_access_mode=access)
        try:
            with collector_paused():  # a large answer unpacks into an object per value
                tx = session.begin_transaction()
                found = work(tx)
                tx.commit()
        except Exception:
            # rolls the transaction back; over a lost connection, that fails as well
            with suppress(self._neo4j.exceptions.Neo4jError, self._neo4j.exceptions.DriverError):
                session.close()
            raise
        except BaseException:  # Ctrl-C or SIGTERM: leave without a word (``_abandon``)
            _abandon(session)
            raise
        session.close()
        return found

    def _still_kept(self, work: Callable[[Any], _T], load: str) -> Callable[[Any], _T]:
        """``work``, then a look at whether the copy ``load`` is still one of the two that
        ``remove_old_copies`` keeps. Two loads of the estate while a command reads make
        a third copy current and remove the reader's: from then on its reads come back
        empty, which would read as "nothing depends on it", never as an error. A copy
        leaves the two kept before any of it is removed, and never comes back: when it is
        still kept after a read, that read saw all of it."""

        def checked(tx: Any) -> _T:
            found = work(tx)
            kept = _records(
                tx,
                "OPTIONAL MATCH (e:ExitplanEstate {name: $name}) "
                "RETURN $load IN [e.load, e.previous] AS kept, e IS NULL AS gone",
                {"name": self.estate_name, "load": load},
            )
            if kept and kept[0]["gone"]:
                raise BackendError(
                    f"the estate {self.estate_name!r} was removed from the Neo4j database at "
                    f"{self.settings.shown} (exitplan unload) while this command read it"
                )
            if not kept or not kept[0]["kept"]:
                raise BackendError(
                    f"the estate {self.estate_name!r} in the Neo4j database at "
                    f"{self.settings.shown} was loaded again twice while this command read "
                    "it, and the copy it read was removed: run the command again"
                )
            return found

        return checked

    @property
    def load_id(self) -> str:
        if self._load_id is None:
            rows = self._run(
                "MATCH (e:ExitplanEstate {name: $name}) "
                "RETURN e.load AS load, e.links_load AS links, e.links_layout AS layout, "
                "e.info AS info",
                name=self.estate_name,
            )
            if not rows:
                names = [row["name"] for row in self._run(ESTATE_NAMES)]
                raise UsageError(
                    f"the Neo4j database at {self.settings.shown} holds no estate named "
                    f"{abbreviate(self.estate_name)}{did_you_mean(self.estate_name, names)} "
                    + (
                        f"(it holds {listed(sorted(names), most=5, more='more')}); "
                        if names
                        else "(it holds none); "
                    )
                    + "write it there with: exitplan load PATH"
                )
            found = rows[0]
            layout = found["layout"]
            if isinstance(layout, int) and layout > LAYOUT and found["links"] == found["load"]:
                raise UsageError(
                    f"the estate {self.estate_name!r} in the Neo4j database at "
                    f"{self.settings.shown} was written by a newer version of exitplan, with "
                    "links in a form this one cannot read; upgrade exitplan to read it"
                )
            if found["links"] != found["load"] or layout != LAYOUT:  # see ``load``
                raise UsageError(
                    f"the estate {self.estate_name!r} in the Neo4j database at "
                    f"{self.settings.shown} was written by another version of exitplan, "
                    "without the links in the form a simulation reads; write it again "
                    "with: exitplan load PATH"
                )
            try:
                info = EstateInfo.model_validate(json.loads(found["info"]))
            except ValueError as error:  # pydantic's ValidationError, or JSON's own
                raise UsageError(
                    f"the estate {self.estate_name!r} in the Neo4j database at "
                    f"{self.settings.shown} has a header this exitplan cannot read (another "
                    f"version wrote it: {_first_error(error)}); load it again with this one, "
                    "or use the version that wrote it"
                ) from None
            self._load_id, self._info = str(found["load"]), info
        return self._load_id

    # --- writing ------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Constraints and indexes; idempotent, and so when loads of other estates make
        them at the same time on a new database: the server may then say one exists
        already, though ``IF NOT EXISTS`` asked it not to (helper-99: 22 of 30 such)."""
        for query in SCHEMA:
            try:
                self._run(query, write=True)
            except BackendError:
                if query.split()[2] not in self._schema_names():  # its own name
                    raise  # not made by another load meanwhile: the error stands

    def _schema_names(self) -> set[str]:
        rows = self._run("SHOW CONSTRAINTS YIELD name RETURN name")
        rows += self._run("SHOW INDEXES YIELD name RETURN name")
        return {str(row["name"]) for row in rows}

    def load(
        self,
        estate: Estate,
        *,
        progress: Callable[[int, int], None] | None = None,
        clean: bool = True,
    ) -> LoadSummary:
        """Write the estate under a new load id, then switch readers to it (module doc);
        with ``clean``, then remove the copies older than the one replaced (else the
        caller calls ``remove_old_copies``, once it has told the user the load is done)."""
        if estate.name != self.estate_name:
            raise UsageError(
                f"this connection is for estate {self.estate_name!r}, not {estate.name!r}"
            )
        self.ensure_schema()
        current = self._current_load(estate.name)
        try:
            written = self._write_and_switch(estate, progress)
        except BackendError as error:
            try:
                now = self._current_load(estate.name)
                switched: bool | None = now != current
            except BackendError:
                now, switched = current, None  # the connection is gone: the first fault, alone
            removed = (
                now is None and switched is not None and not isinstance(error, _SupersededError)
            )
            if removed and (
                current is not None or (isinstance(error, _ShortCopyError) and error.fewer)
            ):
                raise BackendError(  # only an unload removes a copy no estate node points at
                    f"Neo4j at {self.settings.shown}: estate {estate.name!r} was removed "
                    "(exitplan unload) while this load wrote it, part of this copy with it; "
                    "the database holds none of it to read: load it again"
                ) from None  # the server's own words (a node it could not find) said nothing
            if switched and not isinstance(error, _SupersededError):
                raise BackendError(  # its cleanup removed what this load wrote against
                    f"Neo4j at {self.settings.shown}: another load of estate {estate.name!r} "
                    "switched readers to its whole copy while this load wrote, and removed "
                    "this copy: load the same estate once at a time (other estates may load "
                    "side by side)"
                ) from None
            if (
                switched is False
                and current is not None
                and not isinstance(error, _SupersededError)
            ):
                raise BackendError(f"{error}; readers still see the copy loaded before") from None
            raise
        if clean:
            self.remove_old_copies()
        return written

    def _write(
        self,
        batches: Sequence[tuple[str, list[list[Any]], Mapping[str, Any]]],
        advance: Callable[[int], None],
    ) -> list[list[dict[str, Any]]]:
        """Each ``(query, rows, parameters)`` in a write transaction of its own, ``writers``
        at a time; the records of each, in the order given. Each batch's rows are counted
        to ``advance`` once it and every batch before it are written, and no batch is
        begun more than ``2 * writers`` ahead of the last one counted: the work stays
        within a few batches of what ``advance`` has been told. Once a batch fails, or
        Ctrl-C or SIGTERM arrives, no batch begins; the first failure in the order given
        is raised once the batches under way have ended (those begun before the failure:
        a batch runs only after every batch before it has begun). A batch under way then
        commits into the copy that no reader follows (module doc), as one before it did."""
        found: list[list[dict[str, Any]]] = []
        if self.writers == 1:
            for query, rows, parameters in batches:
                found.append(self._run(query, write=True, rows=rows, **parameters))
                advance(len(rows))
            return found
        under_way = _UnderWay()

        def write(query: str, rows: list[list[Any]], parameters: Mapping[str, Any]) -> Any:
            under_way.begin()
            try:
                return self._run(query, write=True, rows=rows, **parameters)
            except BaseException:
                under_way.stopped.set()
                raise
            finally:
                under_way.end()

        pool = ThreadPoolExecutor(self.writers, thread_name_prefix="exitplan-load")
        waiting: deque[tuple[Future[list[dict[str, Any]]], int]] = deque()

        def count_one() -> None:
            future, rows = waiting.popleft()
            found.append(future.result())
            advance(rows)

        try:
            for query, rows, parameters in batches:
                if len(waiting) == 2 * self.writers:  # each writer has its next at hand
                    count_one()
                waiting.append((pool.submit(write, query, rows, parameters), len(rows)))
            while waiting:
                count_one()
        except BaseException:
            # The batches under way end first (each in about a second); the connections
            # they use must not be closed under them (``close``). A server that stopped
            # answering is left by the command's watchdog (``exitplan.entry``).
            _join(pool, under_way)
            raise
        pool.shutdown()
        return found

    def _current_load(self, name: str) -> str | None:
        rows = self._run("MATCH (e:ExitplanEstate {name: $name}) RETURN e.load AS load", name=name)
        return str(rows[0]["load"]) if rows and rows[0]["load"] is not None else None

    def _write_and_switch(
        self, estate: Estate, progress: Callable[[int, int], None] | None
    ) -> LoadSummary:
        load = f"{estate.name}:{uuid.uuid4().hex}"
        nodes = estate_nodes(estate)
        edges = estate_edges(estate)
        links = _links(estate, nodes)
        total = len(nodes) + len(edges) + len(links)
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done += count
            if progress is not None:
                progress(done, total)

        # Rows are [id, properties] and [source, target, properties]: lists pack smaller
        # than maps, and the driver sends the tuples in properties as lists itself.
        by_label: dict[Label, list[list[Any]]] = defaultdict(list)
        for node in nodes:
            by_label[node.label].append([node.id, dict(node.properties)])
        # The server's element id of each node written: relationships find their ends by
        # it, half again as fast as through the (load, id) index.
        element: dict[str, str] = {}
        named = {"load": load, "estate": estate.name}
        batches = [
            (
                "UNWIND $rows AS row "
                f"CREATE (n:ExitplanNode:{_label(label.value)} {{load: $load, id: row[0]}}) "
                "SET n += row[1], n.estate = $estate "
                "RETURN collect([row[0], elementId(n)]) AS rows",
                batch,
                named,
            )
            for label, rows in sorted(by_label.items())
            for batch in _batches(rows, self.batch_size)
        ]
        for created in self._write(batches, advance):
            element.update(created[0]["rows"])
        by_type: dict[Rel, list[list[Any]]] = defaultdict(list)
        for edge in edges:
            by_type[edge.type].append(
                [element[edge.source], element[edge.target], dict(edge.properties)]
            )
        # an end deleted meanwhile (a concurrent load) matches nothing, and the count
        # before the switch refuses the copy
        batches = [
            (
                "UNWIND $rows AS row "
                "MATCH (a) WHERE elementId(a) = row[0] AND a.load = $load "
                "MATCH (b) WHERE elementId(b) = row[1] AND b.load = $load "
                f"CREATE (a)-[r:{_rel_types([rel])}]->(b) "
                "SET r += row[2]",
                batch,
                {"load": load},
            )
            for rel, rows in sorted(by_type.items())
            for batch in _batches(rows, self.batch_size)
        ]
        batches += [
            (
                "UNWIND $rows AS row CREATE (:ExitplanLinks {load: $load, estate: $estate, "
                "id: row[0], node: row[1], needs: row[2], needed_by: row[3]})",
                batch,
                named,
            )
            for batch in _batches(links, self.batch_size)
        ]
        self._write(batches, advance)
        written = self._summary_of(load)
        expected = estate_summary(estate)
        linked = self._run("MATCH (w:ExitplanLinks {load: $load}) RETURN count(*) AS n", load=load)
        if written != expected:
            raise _ShortCopyError(
                f"Neo4j at {self.settings.shown}: the load wrote {written.node_total:,} nodes "
                f"and {written.relationship_total:,} relationships where the estate has "
                f"{expected.node_total:,} and {expected.relationship_total:,} (another load "
                "of it at the same time, or a batch retried after its commit?): load again",
                fewer=written.node_total < expected.node_total,
            )
        if linked[0]["n"] != len(links):
            raise _ShortCopyError(
                f"Neo4j at {self.settings.shown}: the load wrote {linked[0]['n']:,} "
                f"ExitplanLinks nodes where the estate needs {len(links):,}: load again",
                fewer=linked[0]["n"] < len(links),
            )
        info = json.dumps(estate.info.model_dump(mode="json"), sort_keys=True)
        # One transaction: the estate node is locked (SET takes its write lock), the copy
        # counted again, and readers switched; the removal of old copies takes the same
        # lock, so no copy is switched to while another load removes it (two loads at
        # once), and a copy found short rolls the switch back, the estate node with it.
        count = (
            "MERGE (e:ExitplanEstate {name: $name}) SET e.locked = true REMOVE e.locked "
            "WITH e "
            "CALL () { MATCH (n:ExitplanNode {load: $load}) RETURN count(n) AS nodes } "
            "CALL () { MATCH (w:ExitplanLinks {load: $load}) RETURN count(w) AS links } "
            "RETURN nodes, links"
        )
        switch = (
            "MATCH (e:ExitplanEstate {name: $name}) "
            "WITH e, e.load AS previous "
            # ``links_load`` and ``links_layout`` name the load that has links and their
            # form: a copy written by an exitplan that wrote none, or another form, is
            # refused by readers, not read as if nothing depended on anything. ``links``
            # (the first form's marker) is removed, so that such an exitplan refuses this
            # copy in turn
            "SET e.load = $load, e.links_load = $load, e.links_layout = $layout, "
            "e.info = $info, e.previous = previous REMOVE e.links"
        )
        parameters = {"name": estate.name, "load": load, "layout": LAYOUT, "info": info}

        def work(tx: Any) -> None:
            (found,) = _records(tx, count, parameters)
            if (found["nodes"], found["links"]) != (expected.node_total, len(links)):
                raise _CopyGoneError
            _records(tx, switch, parameters)

        try:
            self._execute(work, write=True)
        except _CopyGoneError:
            if self._current_load(estate.name) is None:
                raise _SupersededError(
                    f"Neo4j at {self.settings.shown}: estate {estate.name!r} was removed "
                    "(exitplan unload) while this load wrote it, this copy with it; the "
                    "database holds none of it: load it again"
                ) from None
            raise _SupersededError(
                f"Neo4j at {self.settings.shown}: another load of estate {estate.name!r} "
                "removed this copy before it could be switched to; readers see that load's "
                "whole copy: load the same estate once at a time (other estates may load "
                "side by side)"
            ) from None
        self._load_id, self._info, self._known = load, estate.info, set()
        return written

    def remove_old_copies(self) -> None:
        """Delete every copy of the estate but the current one and the one before it (a
        reader that started on it finishes on a whole estate). Each batch reads which two
        to keep under the estate node's lock, so a copy another load is switching to at
        that moment is kept, and a copy being written is removed only before its switch,
        which its count then refuses."""
        for label in (NODE, LINKS):
            while True:
                rows = self._run(
                    "MATCH (e:ExitplanEstate {name: $name}) "
                    "SET e.locked = true REMOVE e.locked "
                    "WITH [k IN [e.load, e.previous] WHERE k IS NOT NULL] AS keep "
                    f"MATCH (n:{_label(label)} {{estate: $name}}) WHERE NOT n.load IN keep "
                    "WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS deleted",
                    write=True,
                    name=self.estate_name,
                    batch=self.batch_size,
                )
                if not rows or rows[0]["deleted"] == 0:
                    break

    # --- the estates a database holds -----------------------------------------------------

    def estates(self) -> list[StoredEstate]:
        """Every estate in the database that readers can read, by name, with the size of
        the copy they read (this connection's estate name plays no part)."""
        rows = self._run(
            "MATCH (e:ExitplanEstate) WHERE e.load IS NOT NULL "
            # by the estate's index: the nodes of its copies, not of every estate
            "CALL (e) { MATCH (n:ExitplanNode {estate: e.name}) WHERE n.load = e.load "
            "RETURN count(n) AS nodes } "
            "RETURN e.name AS name, e.info AS info, nodes ORDER BY name"
        )
        return [_stored(row["name"], row["info"], int(row["nodes"])) for row in rows]

    def unfinished(self) -> list[tuple[str, int]]:
        """The estates of which the database holds nodes but no copy readers read, with
        their number of nodes: a first load interrupted before its switch or still
        writing, or an unload interrupted. ``estates`` does not list them; ``unload`` or
        the next load removes them."""
        rows = self._run(
            "MATCH (n:ExitplanNode) WHERE n.estate IS NOT NULL "  # by the estate index
            "WITH n.estate AS name, count(n) AS nodes "
            "WHERE NOT EXISTS { MATCH (e:ExitplanEstate {name: name}) WHERE e.load IS NOT NULL } "
            "RETURN name, nodes ORDER BY name"
        )
        return [(str(row["name"]), int(row["nodes"])) for row in rows]

    def stored(self) -> StoredEstate | None:
        """This connection's estate as the database holds it, its header alone (``nodes``
        is not counted: 0); ``None`` when it holds none."""
        rows = self._run(
            "MATCH (e:ExitplanEstate {name: $name}) WHERE e.load IS NOT NULL "
            "RETURN e.name AS name, e.info AS info",
            name=self.estate_name,
        )
        return _stored(rows[0]["name"], rows[0]["info"], 0) if rows else None

    def unload(self) -> Unloaded:
        """Remove this estate from the database, every copy of it: first the estate node,
        so that readers stop finding it (and a reader in the middle of a command stops at
        its next read, ``_still_kept``), then its nodes in batches. ``UsageError`` when the
        database holds nothing of the estate. An interrupted removal is finished by running
        it again, or by the next load. A load of the estate that switches to its copy
        meanwhile keeps that copy, which ``Unloaded.loaded_again`` tells: its switch
        ``MERGE``s the estate node, whose name is unique, so each batch's read of what to
        keep waits for that switch to commit or roll back."""
        name = self.estate_name
        (found,) = self._run(
            "OPTIONAL MATCH (e:ExitplanEstate {name: $name}) "
            "SET e.locked = true REMOVE e.locked "
            "WITH e, e IS NOT NULL AS had DETACH DELETE e "
            "WITH had "
            "CALL () { MATCH (n:ExitplanNode {estate: $name}) RETURN count(n) > 0 AS nodes } "
            "CALL () { MATCH (w:ExitplanLinks {estate: $name}) RETURN count(w) > 0 AS links } "
            "RETURN had, nodes OR links AS left",
            write=True,
            name=name,
        )
        # This graph no longer follows the copy it may have read or written: a read or a
        # load from here on looks for the estate's copy again (``load_id``).
        self._load_id, self._info, self._known = None, None, set()
        if not found["had"] and not found["left"]:
            names = [row["name"] for row in self._run(ESTATE_NAMES)]
            raise UsageError(
                f"the Neo4j database at {self.settings.shown} holds no estate named "
                f"{abbreviate(name)}{did_you_mean(name, names)} "
                + (f"(it holds {listed(sorted(names), most=5)})" if names else "(it holds none)")
            )
        removed, copies = 0, set[str]()
        left = (
            f"estate {name} is no longer read, but some of it is left in the database: "
            f"run exitplan unload {name} again to remove it"
        )
        with after_a_signal(left), _told_with(left):
            for label in (NODE, LINKS):
                while True:
                    rows = self._run(
                        "OPTIONAL MATCH (e:ExitplanEstate {name: $name}) "
                        "SET e.locked = true REMOVE e.locked "
                        "WITH [k IN [e.load, e.previous] WHERE k IS NOT NULL] AS keep "
                        f"MATCH (n:{_label(label)} {{estate: $name}}) WHERE NOT n.load IN keep "
                        "WITH n, n.load AS load LIMIT $batch DETACH DELETE n "
                        "RETURN count(*) AS deleted, collect(DISTINCT load) AS loads",
                        write=True,
                        name=name,
                        batch=self.batch_size,
                    )
                    deleted = int(rows[0]["deleted"]) if rows else 0
                    if label == NODE:
                        removed += deleted
                        copies.update(rows[0]["loads"] if rows else ())
                    if not deleted:
                        break
        return Unloaded(removed, len(copies), self._current_load(name) is not None)

    # --- reading ------------------------------------------------------------------------

    @property
    def info(self) -> EstateInfo:
        self.load_id  # noqa: B018  # resolves the load and reads the header with it
        assert self._info is not None  # noqa: S101  # set together with the load id
        return self._info

    def summary(self) -> LoadSummary:
        return self._summary_of(self.load_id)

    def _summary_of(self, load: str) -> LoadSummary:
        nodes = self._run(
            "MATCH (n:ExitplanNode {load: $load}) "
            "RETURN [l IN labels(n) WHERE l <> 'ExitplanNode'][0] AS label, count(*) AS count",
            load=load,
        )
        edges = self._run(
            "MATCH (:ExitplanNode {load: $load})-[r]->() RETURN type(r) AS type, count(*) AS count",
            load=load,
        )
        node_counts = {row["label"]: row["count"] for row in nodes}
        edge_counts = {row["type"]: row["count"] for row in edges}
        return LoadSummary(
            self.estate_name,
            {label: int(node_counts.get(label.value, 0)) for label in Label},
            {rel: int(edge_counts.get(rel.value, 0)) for rel in Rel},
        )

    def _nodes_of(self, rows: Iterable[list[Any]]) -> list[GraphNode]:
        """Nodes from rows ``[id, labels, properties]``, by id."""
        found = []
        kinds = _KIND_LABELS.get
        for node_id, labels, properties in sorted(rows):  # by id: no id twice
            for name in labels:
                label = kinds(name)
                if label is not None:
                    break
            else:
                raise BackendError(
                    f"Neo4j at {self.settings.shown}: node {node_id!r} of estate "
                    f"{self.estate_name!r} has none of exitplan's kind labels; write the "
                    "estate again with: exitplan load PATH"
                )
            # the id is the node's own, not one of its properties
            found.append(GraphNode(NodeId(node_id), label, _read(properties, _NOT_READ)))
        return found

    def _edges_of(self, rows: Iterable[Sequence[Any]]) -> list[GraphEdge]:
        """Edges from rows ``[source, target, type, properties]``."""
        found = [
            GraphEdge(NodeId(source), NodeId(target), Rel(kind), _read(properties))
            for source, target, kind, properties in rows
        ]
        return sorted(found, key=lambda edge: edge.sort_key)

    def _unknown(self, node_id: str) -> UnknownNodeError:
        ids = self._run("MATCH (n:ExitplanNode {load: $load}) RETURN n.id AS id", load=self.load_id)
        return UnknownNodeError(node_id, (row["id"] for row in ids), estate=self.estate_name)

    def nodes_by_id(self, ids: Iterable[NodeId]) -> dict[NodeId, GraphNode]:
        wanted = sorted(set(ids))
        rows = self._rows(
            "UNWIND $ids AS id MATCH (n:ExitplanNode {load: $load, id: id}) "
            "RETURN collect([n.id, labels(n), properties(n)]) AS rows",
            load=self.load_id,
            ids=wanted,
        )
        found = {node.id: node for node in self._nodes_of(rows)}
        self._known.update(found)
        for node_id in wanted:
            if node_id not in found:
                raise self._unknown(node_id)
        return found

    def node(self, node_id: NodeId) -> GraphNode:
        return self.nodes_by_id([node_id])[node_id]

    def nodes(self, label: Label | None = None) -> list[GraphNode]:
        # with its kind's label, when given: the planner may then read that kind alone
        # (the capabilities, not the estate)
        kind = f":{_label(label.value)}" if label is not None else ""
        rows = self._rows(
            f"MATCH (n:ExitplanNode{kind} {{load: $load}}) "
            "RETURN collect([n.id, labels(n), properties(n)]) AS rows",
            load=self.load_id,
        )
        return self._nodes_of(rows)

    def nodes_tagged(self, tag: str) -> list[GraphNode]:
        rows = self._rows(
            "MATCH (n:ExitplanNode {load: $load}) WHERE $tag IN coalesce(n.tags, []) "
            "RETURN collect([n.id, labels(n), properties(n)]) AS rows",
            load=self.load_id,
            tag=tag,
        )
        return self._nodes_of(rows)

    def edges(self, rel: Rel | None = None) -> list[GraphEdge]:
        types = _rel_types([rel] if rel else list(Rel))
        rows = self._rows(
            (
                f"MATCH (a:ExitplanNode {{load: $load}})-[r:{types}]->(b:ExitplanNode) "
                "RETURN collect([a.id, b.id, type(r), properties(r)]) AS rows"
            ),
            load=self.load_id,
        )
        return self._edges_of(rows)

    def edges_touching(
        self, ids: Iterable[NodeId], direction: Direction, rels: Collection[Rel]
    ) -> list[GraphEdge]:
        wanted = sorted(set(ids))
        if not wanted or not rels:
            self._require_known(wanted)
            return []
        pattern = (
            "(a:ExitplanNode {load: $load, id: id})-[r:TYPES]->(b:ExitplanNode)"
            if direction is Direction.OUT
            else "(a:ExitplanNode)-[r:TYPES]->(b:ExitplanNode {load: $load, id: id})"
        ).replace("TYPES", _rel_types(rels))
        rows = self._rows(
            (
                f"UNWIND $ids AS id MATCH {pattern} "
                "RETURN collect([a.id, b.id, type(r), properties(r)]) AS rows"
            ),
            load=self.load_id,
            ids=wanted,
        )
        found = self._edges_of(rows)
        anchored = {edge.source if direction is Direction.OUT else edge.target for edge in found}
        self._require_known([node_id for node_id in wanted if node_id not in anchored])
        return found

    def _require_known(self, ids: list[NodeId]) -> None:
        """Raise for the first of ``ids`` (sorted) that names no node, as the embedded
        backend does; an index seek each for those not read as nodes before, no property
        read."""
        known = self._known
        ids = [node_id for node_id in ids if node_id not in known]
        if not ids:
            return
        unknown = self._rows(
            "UNWIND $ids AS id OPTIONAL MATCH (n:ExitplanNode {load: $load, id: id}) "
            "WITH id, n WHERE n IS NULL RETURN collect(id) AS rows",
            load=self.load_id,
            ids=ids,
        )
        if unknown:
            raise self._unknown(min(unknown))

    def edges_of(
        self, node_id: NodeId, direction: Direction, rels: Collection[Rel] | None = None
    ) -> list[GraphEdge]:
        return self.edges_touching([node_id], direction, list(Rel) if rels is None else rels)

    def _closure(
        self,
        ids: Iterable[NodeId],
        direction: Direction,
        max_depth: int | None,
        rels: Collection[Rel],
    ) -> set[NodeId]:
        """Breadth-first, one query per level for the whole frontier: a variable-length
        pattern from many start nodes would walk the shared region once per start."""
        starts = sorted(set(ids))
        self.nodes_by_id(starts)
        types = _rel_types(rels) if rels else None
        step = (
            "(s)-[:TYPES]->(d:ExitplanNode)"
            if direction is Direction.OUT
            else "(s)<-[:TYPES]-(d:ExitplanNode)"
        )
        query = (
            "UNWIND $ids AS id MATCH (s:ExitplanNode {load: $load, id: id}) "
            f"MATCH {step.replace('TYPES', types or '')} RETURN collect(DISTINCT d.id) AS rows"
        )
        seen = set(starts)
        reached: set[NodeId] = set()
        frontier = starts
        depth = 0
        while frontier and types and (max_depth is None or depth < max_depth):
            found = {
                NodeId(node_id) for node_id in self._rows(query, load=self.load_id, ids=frontier)
            }
            found -= seen
            seen |= found
            reached |= found
            frontier = sorted(found)
            depth += 1
        return reached

    def dependents(
        self,
        ids: Iterable[NodeId],
        *,
        max_depth: int | None = None,
        rels: Collection[Rel] = (Rel.DEPENDS_ON,),
    ) -> set[NodeId]:
        return self._closure(ids, Direction.IN, max_depth, rels)

    def dependencies(
        self,
        ids: Iterable[NodeId],
        *,
        max_depth: int | None = None,
        rels: Collection[Rel] = (Rel.DEPENDS_ON,),
    ) -> set[NodeId]:
        return self._closure(ids, Direction.OUT, max_depth, rels)

    def dependency_region(self, ids: Iterable[NodeId]) -> MemoryRegion:
        """The withdrawn nodes, everything that depends on them, and every dependency edge
        leaving those nodes. The closure is walked in the database one level at a time;
        each level is one query and one record for the whole frontier: its nodes with their
        links (module doc), whose dependents are the next frontier."""
        starts = sorted(set(ids))
        seen = set(starts)
        frontier = starts
        rows: list[list[Any]] = []
        with collector_paused():  # an object for every edge, all kept
            while frontier:
                level = self._rows(_REGION_LEVEL, load=self.load_id, ids=frontier)
                if len(level) < len(frontier):  # every node of a whole copy has links
                    if frontier is starts:
                        self._require_known(starts)  # an unknown id is the caller's error
                    linked = {row[0] for row in level}
                    raise BackendError(
                        f"Neo4j at {self.settings.shown}: the copy of estate "
                        f"{self.estate_name!r} has no links for "
                        f"{min(set(frontier) - linked)!r}; write it again with: "
                        "exitplan load PATH"
                    )
                needing: set[NodeId] = set()
                for row in level:
                    needed_by = row[3]
                    if needed_by is not None:
                        needing.update(needed_by)
                rows += level
                frontier = sorted(needing - seen)
                seen.update(frontier)
            rows.sort()  # by id: no id twice
            self._known.update(row[0] for row in rows)
            try:
                return _region(rows)
            except (KeyError, ValueError, TypeError) as error:  # links changed by hand
                raise BackendError(
                    f"Neo4j at {self.settings.shown}: the links of estate "
                    f"{self.estate_name!r} cannot be read ({type(error).__name__}: "
                    f"{abbreviate(str(error), 80)}); were they changed in the database? "
                    "Write the estate again with: exitplan load PATH"
                ) from None

    def subgraph(self, ids: Iterable[NodeId]) -> Subgraph:
        wanted = sorted(set(ids))
        nodes = self.nodes_by_id(wanted)
        rows = self._rows(
            "MATCH (a:ExitplanNode {load: $load})-[r]->(b:ExitplanNode {load: $load}) "
            "WHERE a.id IN $ids AND b.id IN $ids "
            "RETURN collect([a.id, b.id, type(r), properties(r)]) AS rows",
            load=self.load_id,
            ids=wanted,
        )
        return Subgraph(
            tuple(sorted(nodes.values(), key=lambda n: n.id)), tuple(self._edges_of(rows))
        )
