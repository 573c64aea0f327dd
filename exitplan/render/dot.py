"""Graphviz DOT text for a ``Diagram`` (pure: the same diagram gives the same bytes).

Every look has a shape or border style as well as a colour, so a black-and-white print
still tells withdrawn from broken from degraded. Every string is quoted and escaped:
names with quotes, backslashes, angle brackets or newlines can neither break the file nor
inject attributes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

from exitplan.simulate.views import Diagram, DiagramEdge, DiagramNode, Look

FONT = "Helvetica"

NODE_STYLE: Mapping[Look, Mapping[str, str]] = {
    Look.SERVICE: {
        "shape": "box",
        "style": "rounded,filled,bold",
        "fillcolor": "#dbe9f6",
        "color": "#1f4e79",
    },
    Look.COMPONENT: {"shape": "box", "style": "filled", "fillcolor": "#f4f4f4", "color": "#666666"},
    Look.WITHDRAWN: {
        "shape": "box",
        "style": "filled,bold",
        "fillcolor": "#262626",
        "fontcolor": "#ffffff",
        "color": "#000000",
        "peripheries": "2",
    },
    Look.BROKEN: {
        "shape": "box",
        "style": "filled,bold",
        "fillcolor": "#f6b3b3",
        "color": "#a30000",
        "penwidth": "2.5",
    },
    Look.DEGRADED: {
        "shape": "box",
        "style": "filled,dashed",
        "fillcolor": "#fde3b5",
        "color": "#b86e00",
        "penwidth": "1.8",
    },
    Look.UNAFFECTED: {
        "shape": "box",
        "style": "filled",
        "fillcolor": "#ffffff",
        "color": "#aaaaaa",
        "fontcolor": "#555555",
    },
    Look.CANDIDATE: {
        "shape": "box",
        "style": "rounded,filled,diagonals",
        "fillcolor": "#d8f0d8",
        "color": "#2e7d32",
        "penwidth": "1.5",
    },
    Look.MISSING: {
        "shape": "octagon",
        "style": "filled,bold",
        "fillcolor": "#ffffff",
        "color": "#a30000",
        "fontcolor": "#a30000",
        "penwidth": "3",
    },
    Look.STEP: {
        "shape": "box",
        "style": "rounded,filled",
        "fillcolor": "#eef3fb",
        "color": "#4a6fa5",
    },
    Look.CRITICAL: {
        "shape": "box",
        "style": "rounded,filled,bold",
        "fillcolor": "#cfe0f5",
        "color": "#0b2e59",
        "penwidth": "3.5",
    },
    Look.BLOCKED: {
        "shape": "box",
        "style": "rounded,filled,dashed",
        "fillcolor": "#eeeeee",
        "color": "#a30000",
        "fontcolor": "#444444",
        "penwidth": "2",
    },
    Look.EXPORT: {"shape": "folder", "style": "filled", "fillcolor": "#fff4c2", "color": "#8a6d00"},
}

EDGE_STYLE: Mapping[Look, Mapping[str, str]] = {
    Look.HARD: {"color": "#444444"},
    Look.SOFT: {"color": "#777777", "style": "dashed"},
    Look.GROUP: {"color": "#444444", "style": "bold", "arrowhead": "odiamond"},
    Look.FLOW: {
        "color": "#1f5fa8",
        "fontcolor": "#1f5fa8",
        "penwidth": "1.6",
        "arrowhead": "vee",
        "style": "tapered",
        "constraint": "false",
    },
    Look.REPLACES: {"color": "#2e7d32", "style": "dashed", "arrowhead": "empty", "penwidth": "1.5"},
    Look.BEFORE: {"color": "#555555"},
    Look.CRITICAL: {"color": "#0b2e59", "penwidth": "3.5"},
}

LEGEND: Mapping[Look, str] = {
    Look.SERVICE: "service",
    Look.COMPONENT: "component",
    Look.WITHDRAWN: "withdrawn",
    Look.BROKEN: "broken (from the day shown)",
    Look.DEGRADED: "degraded (still works, less well)",
    Look.UNAFFECTED: "survives (redundancy)",
    Look.CANDIDATE: "chosen replacement",
    Look.MISSING: "withdrawn, no viable alternative",
    Look.STEP: "migration step",
    Look.CRITICAL: "on the critical path",
    Look.BLOCKED: "blocked step",
    Look.EXPORT: "data export first",
    Look.HARD: "needs (stops without)",
    Look.SOFT: "uses (degrades without)",
    Look.GROUP: "needs one of a group",
    Look.FLOW: "data flow: what it carries",
    Look.REPLACES: "to be replaced by",
    Look.BEFORE: "must come before",
}


def quote(text: str) -> str:
    """A DOT string literal: backslashes, quotes and line breaks escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{escaped}"'


def label(lines: Iterable[str]) -> str:
    """Several lines as one label; each line is escaped on its own, then joined."""
    return quote("\n".join(lines))


def _attributes(values: Mapping[str, str]) -> str:
    return ", ".join(f"{key}={quote(value)}" for key, value in sorted(values.items()))


def _node(node: DiagramNode, indent: str) -> str:
    attributes = {**NODE_STYLE[node.look]}
    return f"{indent}{quote(node.id)} [label={label(node.lines)}, {_attributes(attributes)}];"


def _edge(edge: DiagramEdge) -> str:
    attributes = dict(EDGE_STYLE[edge.look])
    text = f"  {quote(edge.source)} -> {quote(edge.target)} [{_attributes(attributes)}"
    if edge.label:
        text += f", label={label(edge.label)}"
    return text + "];"


def _legend(looks: Iterable[Look], notes: Iterable[str] = ()) -> list[str]:
    lines = [
        '  subgraph "cluster_legend" {',
        '    label="Legend"; fontsize="14"; style="rounded"; color="#999999"; margin="12";',
    ]
    previous: str | None = None
    for look in looks:
        if look in NODE_STYLE:
            key = f"legend:{look.value}"
            lines.append(
                f"    {quote(key)} [label={quote(LEGEND[look])}, {_attributes(NODE_STYLE[look])}];"
            )
        else:
            start, end = f"legend:{look.value}:from", f"legend:{look.value}:to"
            lines.append(f'    {quote(start)} [label="", shape="point", width="0.05"];')
            lines.append(f'    {quote(end)} [label={quote(LEGEND[look])}, shape="plaintext"];')
            lines.append(
                f"    {quote(start)} -> {quote(end)} [{_attributes(EDGE_STYLE[look])}, "
                'constraint="true"];'
            )
            key = start
        if previous is not None:  # stack the legend in one column
            lines.append(f'    {quote(previous)} -> {quote(key)} [style="invis"];')
        previous = end if look not in NODE_STYLE else key
    for index, note in enumerate(notes):
        lines.append(f'    "legend:note:{index}" [label={quote(note)}, shape="plaintext"];')
    lines.append("  }")
    return lines


def dump_dot(diagram: Diagram) -> str:
    """The diagram as DOT text, ready for ``dot -Tsvg``."""
    graph = {
        "rankdir": diagram.direction,
        "label": "\n".join(diagram.title),
        "labelloc": "t",
        "labeljust": "l",
        "fontname": FONT,
        "fontsize": "20",
        "nodesep": "0.35",
        "ranksep": "0.7",
        "newrank": "true",
        "pad": "0.3",
    }

    out = [
        f"digraph {quote(diagram.view.value)} {{",
        f"  graph [{_attributes(graph)}];",
        f"  node [{_attributes({'fontname': FONT, 'fontsize': '11', 'margin': '0.12,0.06'})}];",
        f"  edge [{_attributes({'fontname': FONT, 'fontsize': '9', 'arrowsize': '0.7'})}];",
    ]
    clustered: dict[str, list[DiagramNode]] = {}
    for node in diagram.nodes:
        if node.cluster is None:
            out.append(_node(node, "  "))
        else:
            clustered.setdefault(node.cluster, []).append(node)
    for cluster in diagram.clusters:
        members = clustered.get(cluster.id, [])
        if not members:
            continue
        out.append(f"  subgraph {quote('cluster_' + cluster.id)} {{")
        frame = {
            "label": cluster.label,
            "style": "rounded",
            "color": "#b0b0b0",
            "fontsize": "12",
            "labeljust": "l",
        }
        out.append(f"    graph [{_attributes(frame)}];")
        out.extend(_node(node, "    ") for node in members)
        out.append("  }")
    if diagram.view.value == "plan":  # every wave strictly after the one before it
        waves = [c.id for c in diagram.clusters if clustered.get(c.id)]
        for before, after in itertools.pairwise(waves):
            anchor = clustered[after][0].id
            out.extend(
                f'  {quote(node.id)} -> {quote(anchor)} [style="invis", weight="0"];'
                for node in clustered[before]
            )
    for column in diagram.stacks:
        for upper, lower in itertools.pairwise(column):
            out.append(f'  {quote(upper)} -> {quote(lower)} [style="invis"];')
    out.extend(_edge(edge) for edge in diagram.edges)
    if diagram.legend:
        out.extend(_legend(diagram.legend, diagram.notes))
    out.append("}")
    return "\n".join(out) + "\n"
