"""The explorer as one self-contained HTML file: the data, Cytoscape.js (vendored from
npm with its licence, ``assets/cytoscape.LICENSE``) and the page's own script, all
inline, so that it opens from ``file://`` with no network and no server.

Cytoscape.js is kept as its npm release's ``dist/cytoscape.min.js``, gzipped
(``assets/cytoscape.min.js.gz``: a third of the size, and the library's own code stays
out of searches of ours); ``CYTOSCAPE_SHA256`` is the release file's digest, checked on
every page written.

The data sits in a ``<script type="application/json">`` block. Inside a script element
only ``</script`` and ``<!--`` could end or confuse it, so every ``<``, ``>`` and ``&``
in the JSON is written as a ``\\u`` escape (as are U+2028 and U+2029), which JSON.parse
reads back as the same text. Names reach the page only as text nodes.

Each answer is kept as its JSON compressed (zlib's deflate, in base64): answers are most
of a large estate's page, and the page inflates only those picked, when first shown, with
the browser's own ``DecompressionStream`` (Chrome and Edge 80, Firefox 113, Safari 16.4).
The browser no longer reads every answer to open the page: at 36,000 components
(``benchmarks/explore_bench.py``), 131.0 to 54.5 MiB, opened in 3.7 s rather than 5.4 s,
with a JavaScript heap of 104 rather than 468 MiB.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Any

import networkx as nx
import orjson

from exitplan import __version__
from exitplan.errors import printable, shorten
from exitplan.render.files import positions
from exitplan.render.rows import plan_sentences, status, users_lost
from exitplan.select import Mode
from exitplan.simulate.result import Simulation, summarise

Edge = tuple[str, str]

_ASSETS = resources.files("exitplan.render") / "assets"
_UNSAFE = re.compile(b"[<>&]|\xe2\x80[\xa8\xa9]")  # U+2028 and U+2029 in UTF-8
_PLACEHOLDER = re.compile(r"@([A-Z]+)@")
_SCRIPT_END = re.compile(r"</script|<!--", re.IGNORECASE)


CYTOSCAPE = "cytoscape.min.js"
CYTOSCAPE_VERSION = "3.35.0"
CYTOSCAPE_SHA256 = "71fa9ebec21a7ca2c40cff6aacc30d1f6464e363662ad4b2c197e1adc770cd94"
"""sha256 of ``dist/cytoscape.min.js`` in the npm package cytoscape 3.35.0."""


def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def cytoscape() -> str:
    """The vendored library, exactly as released."""
    data = gzip.decompress((_ASSETS / f"{CYTOSCAPE}.gz").read_bytes())
    if hashlib.sha256(data).hexdigest() != CYTOSCAPE_SHA256:
        raise ValueError(f"the vendored {CYTOSCAPE} is not the {CYTOSCAPE_VERSION} release")
    return data.decode("utf-8")


def script_json(data: Mapping[str, Any]) -> bytes:
    """JSON that cannot end the script element it stands in, in UTF-8 (kept as bytes: a
    large estate's is hundreds of megabytes, and as text up to four times that)."""
    written = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    return _UNSAFE.sub(
        lambda m: f"\\u{ord(m.group().decode('utf-8')):04x}".encode("ascii"), written
    )


def kept_answer(answer: Mapping[str, Any]) -> str:
    """An answer as the page's data holds it: its JSON compressed, in base64, made now so
    that the lists are not kept until the page is written (each answer's text takes
    several times less memory than its lists). The same answer gives the same text."""
    written = orjson.dumps(answer, option=orjson.OPT_SORT_KEYS)
    return base64.b64encode(zlib.compress(written, 6)).decode("ascii")


def explorer_words(simulation: Simulation) -> dict[str, Any]:
    """What the page tells of an answer in ``simulate``'s own words, for the whole
    withdrawal (``told``): the users who lose a service, and its sentences of the
    alternatives and the plan (those of what needs no replacement aside: the page's
    simulation lists the services alone among what it reaches, and its table of
    alternatives names them); and where each step of the plan stands (``status``, in the
    plan's order: on time, late, blocked)."""
    figures = summarise(simulation)
    users = users_lost(figures)
    told = [f"{users[:1].upper()}{users[1:]}.", *plan_sentences(simulation, figures, spare=False)]
    return {
        "told": [printable(line) for line in told],
        "status": [printable(status(step)) for step in simulation.plan.steps],
    }


def read_answer(kept: str) -> Any:
    """An answer kept by ``kept_answer``, as the page reads it back."""
    return orjson.loads(zlib.decompress(base64.b64decode(kept, validate=True)))


def _inline(script: str, name: str) -> str:
    if _SCRIPT_END.search(script):
        raise ValueError(f"{name} holds a script end and cannot be inlined")
    return script


MOST_PLACED = 1500
"""Up to this many nodes, Graphviz places them (clusters by vendor, dependents to the
left); beyond, the page sets each vendor's nodes in rows, as Graphviz would take long."""

MOST_PLACED_DEPENDENCIES = 10_000
"""... and up to this many dependencies among them (beyond, even weighing them as below
takes seconds)..."""

MOST_LAYERED = 6000
"""... as long as the drawing has up to this many nodes once each dependency counts one
in every column it crosses, as Graphviz orders them (``_layered``): its time grows
steeply with them (all 1,000 dependencies there can be among 46 components, 13,847 such
nodes: 27 s). Beyond, Graphviz is given only the dependencies that no chain of others
implies (of ``a → b → c`` and ``a → c``, the first two), if these are few enough."""


MOST_DRAWN = 5000
"""Up to this many dependencies, the page draws them all; beyond, only those of the chain
picked, as a browser takes tens of seconds to draw a hundred thousand (a 10,000-component
estate: 51 s to open, 11 s without them)."""


MOST_NODES_DRAWN = 3000
"""Up to this many components and services, the page draws each; beyond, each vendor as
one box coloured by the worst state of its nodes, and the nodes of the chain picked in
a row above the boxes (a 30,000-component estate took 34 s to open, most of it in drawing
them)."""


def _laid(names: Mapping[str, str], dependencies: Sequence[Sequence[Any]]) -> list[Edge] | None:
    """The dependencies Graphviz is given, in their order: all, when they make up to
    ``MOST_LAYERED`` nodes; else those no chain of others implies, when these do (every
    one within a cycle, as Graphviz sets a cycle's nodes by its own rule); else ``None``."""
    known = [(d[0], d[1]) for d in dependencies if d[0] in names and d[1] in names]
    graph = _graph(names, known)
    if _layered(graph) <= MOST_LAYERED:
        return known
    groups = nx.condensation(graph)
    group = groups.graph["mapping"]
    kept = set(nx.transitive_reduction(groups).edges)
    fewer = [(a, b) for a, b in known if group[a] == group[b] or (group[a], group[b]) in kept]
    return fewer if _layered(_graph(names, fewer)) <= MOST_LAYERED else None


def _graph(names: Iterable[str], edges: Iterable[Edge]) -> nx.DiGraph[str]:
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(names)
    graph.add_edges_from(edges)
    return graph


def _layered(graph: nx.DiGraph[str]) -> int:
    """The nodes of the drawing, with one for each column a dependency crosses (each node
    a column right of everything that depends on it, then as near as that allows to what
    it depends on; a cycle's nodes in one column)."""
    groups = nx.condensation(graph)
    group = groups.graph["mapping"]
    order = list(nx.topological_sort(groups))
    column: dict[int, int] = {}
    for each in order:
        column[each] = max((column[d] + 1 for d in groups.predecessors(each)), default=0)
    for each in reversed(order):
        right = [column[d] for d in groups.successors(each)]
        column[each] = max(column[each], min(right, default=0) - 1)
    spans = (abs(column[group[b]] - column[group[a]]) for a, b in graph.edges)
    return graph.number_of_nodes() + sum(max(0, span - 1) for span in spans)


def placed(data: Mapping[str, Any]) -> dict[str, list[float]]:
    """Each node's place as graphviz-pure lays out the estate: one cluster per vendor
    group, services and unprovided components in their own, an edge per dependency it is
    given (``_laid``); none for an estate beyond the limits above."""
    nodes = data["nodes"]
    if len(nodes) > MOST_PLACED or len(data["dependencies"]) > MOST_PLACED_DEPENDENCIES:
        return {}
    names = {node[0]: f"n{index}" for index, node in enumerate(nodes)}
    laid = _laid(names, data["dependencies"])
    if laid is None:
        return {}
    clusters: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    for node in nodes:
        cluster = node[3] or ("services" if node[2] == "service" else "none")
        clusters.setdefault(cluster, []).append(names[node[0]])
        titles.setdefault(cluster, node[4] or ("Services" if node[2] == "service" else ""))
    lines = [
        "digraph {",
        "graph [rankdir=LR, nodesep=0.3, ranksep=1.1];",
        'node [shape=box, width=2.0, height=0.65, fixedsize=true, label=""];',
    ]
    for index, (cluster, members) in enumerate(clusters.items()):
        title = _title_room(titles[cluster])
        lines.append(
            f"subgraph cluster_{index} {{ margin=24; fontsize=13; labelloc=t; "
            f'label="{title}"; {"; ".join(members)}; }}'
        )
    lines.extend(f"{names[source]} -> {names[target]};" for source, target in laid)
    lines.append("}")
    found = positions("\n".join(lines))
    return {node[0]: list(found[names[node[0]]]) for node in nodes if names[node[0]] in found}


TITLE_WIDTH = 130
"""The pixels of a vendor's frame title on a line of the page (13-pixel bold text,
explorer.js), where it wraps: at a space, or anywhere in a word longer than a line."""


def _width(text: str) -> float:
    """About the pixels ``text`` takes in 13-pixel bold DejaVu Sans, erring wide."""
    return sum(13.0 if c in "MWmw@" else 10.5 if c.isupper() else 8.5 for c in text)


def _title_lines(title: str) -> list[str]:
    """``title`` wrapped as the page wraps it (explorer.js ``wrappable``: at spaces, and a
    word of 15 or more characters at every 8th), about, erring to more lines."""
    lines: list[str] = []
    line = ""
    for word in title.split():
        pieces = [word[i : i + 8] for i in range(0, len(word), 8)] if len(word) >= 15 else [word]
        for index, piece in enumerate(pieces):
            joined = f"{line}{' ' if index == 0 else ''}{piece}" if line else piece
            if _width(joined) <= TITLE_WIDTH or not line:
                line = joined
                continue
            lines.append(line)
            line = piece
    return [*lines, line] if line or not lines else lines


def _title_room(title: str) -> str:
    """A cluster label of the lines a frame's title takes on the page, written with ``x``
    only (the name itself need not be escaped for DOT): Graphviz keeps that room above
    the nodes, where the page sets the title (a four-line title lay over the frame above;
    helper-96)."""
    return "\\n".join("x" * len(line) for line in _title_lines(title))


LONGEST_NAME = 120
"""The most characters of a name the page shows."""


def _printable_names(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with every name the page shows made printable (``printable``): a control
    character or a bidirectional override in a name is shown as its escape, as in every
    other output, never written into the page (where U+202E would reverse what follows).
    A name longer than a diagram shows is cut, its end shown as "…" (one name of 4,000
    characters shrank the whole graph to a thumbnail)."""

    def shown(value: Any) -> Any:
        return shorten(printable(value), LONGEST_NAME) if isinstance(value, str) else value

    estate = data["estate"]
    return {
        **data,
        "estate": {key: shown(value) for key, value in estate.items()},
        "nodes": [[n[0], shown(n[1]), n[2], n[3], shown(n[4])] for n in data["nodes"]],
        "choices": [[c[0], shown(c[1]), c[2]] for c in data.get("choices", ())],
    }


_MODES = {
    Mode.CUT_OFF.value: "Cut-off: the vendor stops serving us; what it operates goes at once.",
    Mode.EXIT.value: "Exit: we leave, so every component of the vendor must be replaced.",
}


def dump_explorer(data: Mapping[str, Any]) -> bytes:
    """The page for ``explorer_data``'s ``data`` (placed by Graphviz); the same data gives
    the same bytes."""
    data = _printable_names(data)
    data = {
        **data,
        "answers": {
            key: answer if isinstance(answer, str) else kept_answer(answer)
            for key, answer in data["answers"].items()
        },
        "positions": placed(data),
        "draw_dependencies": len(data["dependencies"]) <= MOST_DRAWN,
        "draw_nodes": len(data["nodes"]) <= MOST_NODES_DRAWN,
    }
    estate = data["estate"]
    texts = {
        "TITLE": html.escape(f"exitplan explorer: {estate['title']}"),
        "HEADING": html.escape(str(estate["title"])),
        "MODE": html.escape(_MODES.get(str(data.get("mode")), "")),
        "ESTATE": html.escape(str(estate["name"])),
        "VERSION": html.escape(__version__),
        "CYTOSCAPE": _inline(cytoscape(), CYTOSCAPE),
        "EXPLORER": _inline(_asset("explorer.js"), "explorer.js"),
    }
    parts = {name: text.encode("utf-8") for name, text in texts.items()}
    parts["DATA"] = script_json(data)
    parts["POLICY"] = b"@POLICY@"  # set once the scripts it allows are written
    pieces = _PLACEHOLDER.split(_asset("explorer.html"))  # text, name, text, ...
    page = b"".join(
        parts[piece] if index % 2 else piece.encode("utf-8") for index, piece in enumerate(pieces)
    )
    return page.replace(b"@POLICY@", _policy(page), 1)


_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
"""A script the page runs (the data's block has a type, and is never run)."""


def _policy(page: bytes) -> bytes:
    """The page's Content-Security-Policy: nothing fetched, no form sent, no base address,
    and no script run but the page's own two, each allowed by its sha256, so that a
    script written into the page some other way does not run."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(found[1]).digest()).decode()}'"
        for found in _SCRIPT.finditer(page)
    )
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    ).encode("ascii")


__all__ = [
    "MOST_DRAWN",
    "MOST_NODES_DRAWN",
    "MOST_PLACED",
    "MOST_PLACED_DEPENDENCIES",
    "dump_explorer",
    "explorer_words",
    "kept_answer",
    "placed",
    "read_answer",
    "script_json",
]
