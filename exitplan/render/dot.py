"""Graphviz DOT text for a ``Diagram`` (pure: the same diagram gives the same bytes).

Every look has a shape or border style as well as a colour, so a black-and-white print
still tells withdrawn from broken from degraded. Every string is quoted and escaped:
names with quotes, backslashes, angle brackets or newlines can neither break the file nor
inject attributes, and names are drawn as written: ``&amp;`` shows as ``&amp;`` (Graphviz
decodes entities in quoted labels as in HTML-like ones), control characters as escapes.
"""

from __future__ import annotations

import html
import itertools
import math
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import replace

from exitplan.errors import printable
from exitplan.simulate.views import (
    MOST_LINES,
    Cluster,
    Diagram,
    DiagramEdge,
    DiagramNode,
    Fan,
    Look,
    View,
    fans,
)

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
    Look.UNAFFECTED_YET: {
        "shape": "box",
        "style": "filled,dotted",
        "fillcolor": "#ffffff",
        "color": "#aaaaaa",
        "fontcolor": "#555555",
    },
    Look.CANDIDATE: {
        "shape": "box",
        "style": "filled",
        "fillcolor": "#d8f0d8",
        "color": "#2e7d32",
        "penwidth": "1.5",
    },
    Look.MISSING: {
        "shape": "box",
        "style": "filled,bold",
        "fillcolor": "#ffffff",
        "color": "#a30000",
        "fontcolor": "#a30000",
        "penwidth": "3",
    },
    Look.UNNEEDED: {
        "shape": "box",
        "style": "filled",
        "fillcolor": "#eeeeee",
        "color": "#888888",
        "fontcolor": "#555555",
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
    Look.UNAFFECTED_YET: "affected after the horizon",
    Look.CANDIDATE: "→ chosen replacement,\nits readiness and fit",
    Look.MISSING: "no viable alternative",
    Look.UNNEEDED: "nothing that stays needs it",
    Look.STEP: "migration step",
    Look.CRITICAL: "on the critical path",
    Look.BLOCKED: "blocked step",
    Look.EXPORT: "data export first",
    Look.HARD: "needs (stops without)",
    Look.SOFT: "uses (degrades without)",
    Look.GROUP: "needs one of a group",
    Look.FLOW: "data flow: what it carries",
    Look.BEFORE: "must come before",
}


def html_text(text: str) -> str:
    """Text for an HTML-like label: markup escaped, and backslashes doubled because
    Graphviz expands \\N, \\G and \\E even there."""
    return html.escape(printable(text), quote=True).replace("\\", "\\\\")


def quote(text: str) -> str:
    """A DOT string literal: line breaks, backslashes, quotes and ampersands escaped
    (control characters, which no Graphviz label can carry, shown as escapes)."""
    lines = printable(text.replace("\r\n", "\n").replace("\r", "\n"), newlines=True)
    escaped = lines.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return '"' + escaped.replace("\n", "\\n") + '"'


def label(lines: Iterable[str]) -> str:
    """Several lines as one label; each line is escaped on its own, then joined."""
    return quote("\n".join(lines))


def _attributes(values: Mapping[str, str]) -> str:
    return ", ".join(f"{key}={quote(value)}" for key, value in sorted(values.items()))


def _cell(
    lines: Iterable[str],
    look: Look,
    port: str | None = None,
    span: int = 1,
) -> str:
    """One cell of an HTML-like label, its text escaped for HTML (never raw markup), its
    border drawn as the look's box is (bold, dashed or dotted), so that a print in black
    and white still tells the states apart."""
    style = NODE_STYLE[look]
    text = "<br/>".join(html_text(line) for line in lines)
    colour = html.escape(style.get("fontcolor", "#000000"), quote=True)
    if "bold" in style.get("style", ""):
        text = f"<b>{text}</b>" if look is Look.MISSING else text
    at = (f' port="{port}"' if port else "") + (f' colspan="{span}"' if span > 1 else "")
    at += _outline(look)
    border = "2" if _heavy(look) else "1"
    return (
        f'<td{at} bgcolor="{html.escape(style["fillcolor"], quote=True)}" '
        f'color="{html.escape(style["color"], quote=True)}" border="{border}" '
        f'cellpadding="5" align="left" balign="left"><font color="{colour}">{text}</font></td>'
    )


def row_port(index: int, *, out: bool = False) -> str:
    """The port of row ``index`` of a card: its first cell, or its last for edges out."""
    return f"r{index}{'e' if out else ''}"


def _card(card: str, heading: str, rows: list[DiagramNode], indent: str) -> str:
    """The rows of one card as one table under its heading, each row with its ports."""
    body = [
        f'<tr><td colspan="2" border="0" align="left">{_text((heading,), 13, bold=True)}</td></tr>'
    ]
    for index, row in enumerate(rows):
        if row.aside_look is None:
            cell = _cell(row.lines, row.look, row_port(index), span=2)
            body.append(f"<tr>{cell}</tr>")
            continue
        first = _cell(row.lines, row.look, row_port(index))
        aside = _cell(row.aside, row.aside_look, row_port(index, out=True))
        body.append(f"<tr>{first}{aside}</tr>")
    table = f'<<table border="0" cellborder="1" cellspacing="0">{"".join(body)}</table>>'
    return f'{indent}{quote(card)} [label={table}, shape="plain"];'


def _node(node: DiagramNode, indent: str) -> str:
    attributes = {**NODE_STYLE[node.look]}
    return f"{indent}{quote(node.id)} [label={label(node.lines)}, {_attributes(attributes)}];"


def _edge(edge: DiagramEdge, source: str, target: str) -> str:
    attributes = dict(EDGE_STYLE[edge.look])
    text = f"  {source} -> {target} [{_attributes(attributes)}"
    if edge.label:
        text += f", label={label(edge.label)}"
    return text + "];"


EDGE_SAMPLE: Mapping[Look, str] = {
    Look.HARD: "———>",
    Look.SOFT: "- - ->",
    Look.GROUP: "===<>",
    Look.FLOW: "———>>",
    Look.BEFORE: "———>",
    Look.CRITICAL: "===>",
}
"""How each kind of line looks in the legend: solid, dashed or heavy, as drawn, in
characters every renderer's fonts have (no geometric shapes, which some draw as boxes)."""

LEGEND_COLUMNS = 4

NOTE_WIDTH = 110
"""Characters on a line of a note above the drawing ("Cut to 16 of 24 nodes …"): as wide
as the legend's four columns, so that one long sentence does not widen the picture and
shrink the drawing when it is fitted to a page or a slide."""


def _text(lines: Iterable[str], size: int | None = None, bold: bool = False) -> str:
    text = "<br/>".join(html_text(line) for line in lines)
    if bold:
        text = f"<b>{text}</b>"
    return f'<font point-size="{size}">{text}</font>' if size else text


def _heavy(look: Look) -> bool:
    """Whether the look's box is drawn with a heavy line (bold, or a wider pen)."""
    style = NODE_STYLE[look]
    return "bold" in style.get("style", "") or "penwidth" in style


def _outline(look: Look) -> str:
    """The attribute of a cell whose border is drawn as the look's box: the line's kind
    (dashed, dotted or rounded) when it has one."""
    lines = NODE_STYLE[look].get("style", "")
    return next(
        (f' style="{kind}"' for kind in ("dashed", "dotted", "rounded") if kind in lines), ""
    )


def _sample(look: Look) -> str:
    """A legend cell drawn in the look it explains."""
    if look not in NODE_STYLE:
        colour = html.escape(EDGE_STYLE[look].get("color", "#000000"), quote=True)
        return f'<td><font color="{colour}">{html.escape(EDGE_SAMPLE[look])}</font></td>'
    style = NODE_STYLE[look]
    border = "3" if _heavy(look) else "1"
    return (
        f'<td bgcolor="{html.escape(style["fillcolor"], quote=True)}" '
        f'color="{html.escape(style["color"], quote=True)}" border="{border}"{_outline(look)} '
        f'width="36" height="18"> </td>'
    )


def _header(title: Iterable[str], looks: Iterable[Look], notes: Iterable[str]) -> str:
    """Title and legend as one HTML-like label above the drawing: it costs no place in
    the layout and reads first."""
    title = tuple(title)
    looks = tuple(looks)
    rows = [f'<tr><td align="left">{_text(title[:1], 22, bold=True)}</td></tr>']
    rows.extend(f'<tr><td align="left">{_text((line,), 16)}</td></tr>' for line in title[1:])
    legend = []
    for start in range(0, len(looks), LEGEND_COLUMNS):
        cells = "".join(
            f'{_sample(look)}<td align="left">{_text(LEGEND[look].splitlines(), 13)}</td>'
            for look in looks[start : start + LEGEND_COLUMNS]
        )
        legend.append(f"<tr>{cells}</tr>")
    if legend:
        table = '<table border="0" cellborder="0" cellspacing="4" cellpadding="2">'
        rows.append(f'<tr><td align="left">{table}{"".join(legend)}</table></td></tr>')
    rows.extend(
        f'<tr><td align="left" balign="left">{_text(textwrap.wrap(note, NOTE_WIDTH) or [""], 13)}'
        "</td></tr>"
        for note in notes
    )
    return (
        '<<table border="0" cellborder="0" cellspacing="2" cellpadding="2">'
        + "".join(rows)
        + "</table>>"
    )


class _Rows:
    """The cards of a diagram: which node is which row, and where its lines attach."""

    def __init__(self, diagram: Diagram) -> None:
        self.cards: dict[str, list[DiagramNode]] = {}
        for node in diagram.nodes:
            if node.card is not None:
                self.cards.setdefault(node.card, []).append(node)
        self.rows = {
            row.id: (card, index, row.aside_look is not None)
            for card, rows in self.cards.items()
            for index, row in enumerate(rows)
        }
        self.headings = {card.id: card.label for card in diagram.cards}
        # Lines leave a row on its east side and reach it on its west, whichever way the
        # diagram runs: top to bottom, a line to a row's north side crossed every row
        # above it, and its text with them.
        self.side = ("e", "w")

    def end(self, node_id: str, *, out: bool, row: bool = True) -> str:
        """Where a line starts or ends: the node, its card, or its row of the card."""
        if node_id not in self.rows:
            return quote(node_id)
        card, index, aside = self.rows[node_id]
        if not row:
            return quote(card)
        port = row_port(index, out=out and aside)
        return f"{quote(card)}:{quote(port)}:{self.side[0] if out else self.side[1]}"

    def members(self, nodes: Iterable[DiagramNode], indent: str) -> list[str]:
        """The nodes as DOT statements, each card once where its first row stands."""
        lines, seen = [], set()
        for node in nodes:
            if node.card is None:
                lines.append(_node(node, indent))
            elif node.card not in seen:
                seen.add(node.card)
                heading = self.headings[node.card]
                lines.append(_card(node.card, heading, self.cards[node.card], indent))
        return lines


def _frame(cluster: Cluster, members: list[str]) -> list[str]:
    frame = {
        "label": cluster.label,
        "style": "rounded",
        "color": "#b0b0b0",
        "fontsize": "12",
        "labeljust": "l",
    }
    return [
        f"  subgraph {quote('cluster_' + cluster.id)} {{",
        f"    graph [{_attributes(frame)}];",
        *members,
        "  }",
    ]


def _order(diagram: Diagram, clustered: Mapping[str, list[DiagramNode]], rows: _Rows) -> list[str]:
    """Invisible lines that place things: waves left to right, loose cards side by side,
    loose nodes in short columns."""
    out: list[str] = []
    if diagram.view is View.PLAN:  # every wave strictly after the one before it
        waves = [c.id for c in diagram.clusters if clustered.get(c.id)]
        for before, after in itertools.pairwise(waves):
            anchor = rows.end(clustered[after][0].id, out=False, row=False)
            starts = sorted({rows.end(n.id, out=True, row=False) for n in clustered[before]})
            out.extend(f'  {start} -> {anchor} [style="invis", weight="0"];' for start in starts)
    loose = [
        card.id for card in diagram.cards if not any(n.cluster for n in rows.cards.get(card.id, ()))
    ]
    if diagram.direction == "LR":
        for left, right in itertools.pairwise(loose):
            out.append(f'  {quote(left)} -> {quote(right)} [style="invis"];')
    for column in diagram.stacks:
        for upper, lower in itertools.pairwise(column):
            out.append(f'  {quote(upper)} -> {quote(lower)} [style="invis"];')
    return out


FRAME_NAME_WRAP = 28

FAN_HEADING = "heading"
"""The port of a fan's heading, where its one line leaves or arrives, so that it reads
along the line ("each of these 249" —needs→ the hub): from the table's side, the line
seemed to leave one cell, or a blank one. Not when the hub is a row of a card, whose
west side the line must reach: from the heading's corner it crossed the table back; nor
top to bottom, where it ran down the table's whole height (helper-81)."""


def _fan_table(fan: Fan, indent: str) -> str:
    """The leaves on a grid about as tall as wide, in the order of their names, each
    cell outlined as its look's box is, under a heading whose port (``FAN_HEADING``) the
    line leaves or reaches."""
    shared = fan.said is not None
    cells = [
        _cell(
            (*node.lines, *(() if shared else tuple(f"({said})" for said in line.label))),
            node.look,
        )
        for node, line in fan.leaves
    ]
    if fan.frames:
        rows, width = _framed_rows(cells, fan.frames)
    else:
        columns = math.ceil(math.sqrt(len(cells) * 3 / 8))
        rows = [cells[start : start + columns] for start in range(0, len(cells), columns)]
        width = len(rows[0])
    heading = _text((f"each of these {len(fan.leaves):,}",), 13, bold=True)
    at = f'port="{FAN_HEADING}" colspan="{width}" border="0" align="left"'
    body = [[f"<td {at}>{heading}</td>"], *rows]
    return f'{indent}{quote(fan.id)} [label=<{_table(body)}>, shape="plain"];'


def _table(rows: list[list[str]]) -> str:
    """Rows of cells as an HTML-like table without spacing, each cell with its border."""
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in rows)
    return f'<table border="0" cellborder="1" cellspacing="0">{body}</table>'


def _frame_name(name: str, rows: int) -> str:
    """The cell that names a frame before its leaves in a fan's table, over ``rows``: as
    the frame's own label shows it (its line breaks kept, control characters as escapes),
    wrapped, in at most ``MOST_LINES`` lines; empty for leaves in no frame."""
    span = f' rowspan="{rows}" valign="top"' if rows > 1 else ""
    at = f'border="0" cellpadding="5" align="left" balign="left"{span}'
    if not name:
        return f"<td {at}></td>"
    lines = [
        piece
        for line in name.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for piece in textwrap.wrap(printable(line), FRAME_NAME_WRAP, break_long_words=True) or [""]
    ]
    if len(lines) > MOST_LINES:
        lines = [*lines[: MOST_LINES - 1], lines[MOST_LINES - 1] + "…"]
    return f"<td {at}>{_text(lines, 10, bold=True)}</td>"


def _framed_rows(
    cells: list[str], frames: tuple[tuple[str, str], ...]
) -> tuple[list[list[str]], int]:
    """A fan's cells in rows under each frame's name, and how many columns the rows span.

    Each frame's cells fill rows of ``columns`` beside its name (as many as the widest
    frame, at most as in a plain grid); frames stand one below the other in groups side
    by side, each group a table of its own, so that names keep to their own columns and
    cells to theirs, and a tall name makes no row of another group taller. The group
    height is the one that makes the table about as tall as wide (a cell about 3/8 as
    tall as wide), found by halves: a taller group makes no more groups, and a .dot
    written whole may hold a fan of thousands."""
    runs = [
        (frame[1], [cell for cell, _ in run])
        for frame, run in itertools.groupby(zip(cells, frames, strict=True), key=lambda p: p[1])
    ]
    widest = max(len(members) for _, members in runs)
    columns = min(widest, math.ceil(math.sqrt(len(cells) * 3 / 8)))
    heights = [math.ceil(len(members) / columns) for _, members in runs]

    def grouped(height: int) -> list[list[int]]:  # the runs in each group, in order
        groups: list[list[int]] = []
        used = height
        for index, rows in enumerate(heights):
            if used + rows > height:
                groups.append([])
                used = 0
            groups[-1].append(index)
            used += rows
        return groups

    def off(height: int) -> int:  # how far from as tall as wide
        return 3 * height - 8 * len(grouped(height)) * (columns + 1)

    low, high = max(heights), sum(heights)
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if off(middle) >= 0 else (middle + 1, high)
    height = low - 1 if low > max(heights) and abs(off(low - 1)) < abs(off(low)) else low
    count, low = len(grouped(height)), max(heights)
    while low < height:  # as many groups, as even as they go: the lowest height for them
        middle = (low + height) // 2
        low, height = (low, middle) if len(grouped(middle)) <= count else (middle + 1, height)
    tables = []
    for group in grouped(height):
        rows: list[list[str]] = []
        for index in group:
            name, members = runs[index]
            for chunk in range(heights[index]):
                part = members[chunk * columns : (chunk + 1) * columns]
                blank = columns - len(part)
                rows.append(
                    [
                        *([_frame_name(name, heights[index])] if chunk == 0 else []),
                        *part,
                        *([f'<td border="0" colspan="{blank}"></td>'] if blank else []),
                    ]
                )
        tables.append(f'<td border="0" cellpadding="0" valign="top">{_table(rows)}</td>')
    return [tables], len(tables)


def _plain_legend(looks: Iterable[Look], notes: Iterable[str] = ()) -> list[str]:
    """The legend as a cluster of sample nodes and lines (for a Graphviz without
    HTML-like labels)."""
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


def plain(diagram: Diagram) -> Diagram:
    """The same diagram without tables: each row of a card becomes a node of its own, in a
    frame named like the card, its second cell written below its name. For a Graphviz
    built without HTML-like labels."""
    headings = {card.id: card for card in diagram.cards}
    nodes = []
    frames = list(diagram.clusters)  # in their order: waves stay left to right
    for node in diagram.nodes:
        if node.card is None:
            nodes.append(node)
            continue
        look = node.aside_look if node.aside_look in (Look.MISSING, Look.UNNEEDED) else node.look
        cluster = node.cluster
        if cluster is None:
            if headings[node.card] not in frames:
                frames.append(headings[node.card])
            cluster = node.card
        nodes.append(DiagramNode(node.id, (*node.lines, *node.aside), look or node.look, cluster))
    looks = [*diagram.legend]
    return replace(
        diagram,
        nodes=tuple(sorted(nodes)),
        clusters=tuple(frames),
        cards=(),
        legend=tuple(look for look in looks if look is not Look.CANDIDATE),
    )


def dump_dot(diagram: Diagram, *, tables: bool = True) -> str:
    """The diagram as DOT text, ready for ``dot -Tsvg``. Without ``tables`` it uses no
    HTML-like labels (see ``plain``)."""
    if not tables:
        diagram = plain(diagram)
    graph = {
        "rankdir": diagram.direction,
        "labelloc": "t",
        "labeljust": "l",
        "fontname": FONT,
        "fontsize": "20",
        "nodesep": "0.25",
        "ranksep": "0.55",
        "newrank": "true",
        "pad": "0.3",
    }

    out = [
        f"digraph {quote(diagram.view.value)} {{",
        f"  graph [{_attributes(graph)}];",
        f"  graph [label={_header(diagram.title, diagram.legend, diagram.notes)}];"
        if tables
        else f"  graph [label={label(diagram.title)}];",
        f"  node [{_attributes({'fontname': FONT, 'fontsize': '11', 'margin': '0.12,0.06'})}];",
        f"  edge [{_attributes({'fontname': FONT, 'fontsize': '9', 'arrowsize': '0.7'})}];",
    ]
    rows = _Rows(diagram)
    folds = fans(diagram) if tables else []
    folded = {leaf.id for fan in folds for leaf, _ in fan.leaves}
    clustered: dict[str, list[DiagramNode]] = {}
    for node in diagram.nodes:
        if node.cluster is not None:
            clustered.setdefault(node.cluster, []).append(node)

    def members(nodes: Iterable[DiagramNode], cluster: str | None, indent: str) -> list[str]:
        drawn = rows.members([n for n in nodes if n.id not in folded], indent)
        return drawn + [_fan_table(fan, indent) for fan in folds if fan.cluster == cluster]

    out.extend(members([n for n in diagram.nodes if n.cluster is None], None, "  "))
    for cluster in diagram.clusters:
        framed = members(clustered.get(cluster.id, []), cluster.id, "    ")
        if framed:  # a frame whose nodes all stand in a fan's table outside it is not drawn
            out.extend(_frame(cluster, framed))
    out.extend(_order(diagram, clustered, rows))
    edges = [e for e in diagram.edges if e.source not in folded and e.target not in folded]
    heads = {fan.id for fan in folds if fan.hub not in rows.rows and diagram.direction == "LR"}

    def end(node_id: str, *, out: bool) -> str:  # a fan's line at its heading's side
        if node_id in heads:
            return f"{quote(node_id)}:{quote(FAN_HEADING)}:{'e' if out else 'w'}"
        return rows.end(node_id, out=out)

    out.extend(
        _edge(edge, end(edge.source, out=True), end(edge.target, out=False))
        for edge in [*edges, *(fan.edge for fan in folds)]
    )
    if not tables and diagram.legend:
        out.extend(_plain_legend(diagram.legend, diagram.notes))
    out.append("}")
    return "\n".join(out) + "\n"
