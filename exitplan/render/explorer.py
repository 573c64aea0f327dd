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
"""

from __future__ import annotations

import gzip
import hashlib
import html
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

import orjson

from exitplan import __version__
from exitplan.render.files import positions

_ASSETS = resources.files("exitplan.render") / "assets"
_UNSAFE = re.compile("[<>&\u2028\u2029]")
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


def script_json(data: Mapping[str, Any]) -> str:
    """JSON that cannot end the script element it stands in."""
    text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _inline(script: str, name: str) -> str:
    if _SCRIPT_END.search(script):
        raise ValueError(f"{name} holds a script end and cannot be inlined")
    return script


MOST_PLACED = 1500
"""Up to this many nodes, Graphviz places them (clusters by vendor, dependents to the
left); beyond, the page sets each vendor's nodes in rows, as Graphviz would take long."""


def placed(data: Mapping[str, Any]) -> dict[str, list[float]]:
    """Each node's place as graphviz-pure lays out the estate: one cluster per vendor
    group, services and unprovided components in their own, an edge per dependency."""
    nodes = data["nodes"]
    if len(nodes) > MOST_PLACED:
        return {}
    names = {node[0]: f"n{index}" for index, node in enumerate(nodes)}
    clusters: dict[str, list[str]] = {}
    for node in nodes:
        cluster = node[3] or ("services" if node[2] == "service" else "none")
        clusters.setdefault(cluster, []).append(names[node[0]])
    lines = [
        "digraph {",
        "graph [rankdir=LR, nodesep=0.3, ranksep=1.1];",
        'node [shape=box, width=2.0, height=0.65, fixedsize=true, label=""];',
    ]
    for index, members in enumerate(clusters.values()):
        lines.append(f"subgraph cluster_{index} {{ margin=24; {'; '.join(members)}; }}")
    lines.extend(
        f"{names[source]} -> {names[target]};"
        for source, target, _ in data["dependencies"]
        if source in names and target in names
    )
    lines.append("}")
    found = positions("\n".join(lines))
    return {node[0]: list(found[names[node[0]]]) for node in nodes if names[node[0]] in found}


def dump_explorer(data: Mapping[str, Any]) -> bytes:
    """The page for ``explorer_data``'s ``data`` (placed by Graphviz); the same data gives
    the same bytes."""
    data = {**data, "positions": placed(data)}
    estate = data["estate"]
    parts = {
        "TITLE": html.escape(f"exitplan explorer: {estate['title']}"),
        "HEADING": html.escape(str(estate["title"])),
        "ESTATE": html.escape(str(estate["name"])),
        "VERSION": html.escape(__version__),
        "DATA": script_json(data),
        "CYTOSCAPE": _inline(cytoscape(), CYTOSCAPE),
        "EXPLORER": _inline(_asset("explorer.js"), "explorer.js"),
    }
    page = _PLACEHOLDER.sub(lambda m: parts[m.group(1)], _asset("explorer.html"))
    return page.encode("utf-8")


__all__ = ["dump_explorer", "script_json"]
