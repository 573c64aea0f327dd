"""Terminal tables, drawn by rich, returned as text (readable at 100 columns)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from exitplan.graph.describe import INCOMING, OUTGOING, EstateDescription, NodeDescription
from exitplan.graph.port import GraphEdge, Label, LoadSummary, PropertyValue, Rel
from exitplan.render.rows import Section

DEFAULT_WIDTH = 100


def render_text(renderables: Iterable[RenderableType], *, width: int = DEFAULT_WIDTH) -> str:
    """Draw rich renderables into plain text (no colour codes), one blank line apart."""
    buffer = io.StringIO()
    console = Console(  # markup off: a name like "[adequacy_dpf]" is text, not a style
        file=buffer,
        width=width,
        color_system=None,
        force_terminal=False,
        highlight=False,
        markup=False,
    )
    for index, renderable in enumerate(renderables):
        if index:
            console.print()
        console.print(renderable)
    # rich pads every line to the full width; trailing blanks only get in the way.
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def show_value(value: PropertyValue | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(show_value(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:,}"
    return str(value)


def onset_text(properties: Mapping[str, PropertyValue]) -> str:
    if properties.get("at_renewal"):
        return "at renewal"
    days = properties.get("onset_days", 0)
    return f"after {days} days" if days else "immediate"


Column = tuple[str, Callable[[GraphEdge], str]]


def _prop(name: str) -> Callable[[GraphEdge], str]:
    return lambda edge: show_value(edge.properties.get(name))


EDGE_COLUMNS: Mapping[Rel, Sequence[Column]] = {
    Rel.DEPENDS_ON: (
        ("strength", _prop("strength")),
        ("onset", lambda edge: onset_text(edge.properties)),
        ("group", _prop("group")),
    ),
    Rel.PROVIDED_BY: (("roles", _prop("roles")),),
    Rel.SUBSIDIARY_OF: (),
    Rel.ALTERNATIVE_FOR: (
        ("readiness", _prop("readiness")),
        ("weeks", _prop("duration_weeks")),
        ("gaps", _prop("gaps")),
    ),
    Rel.REQUIRES: (),
    Rel.REALISES: (("coverage", _prop("coverage")),),
    Rel.USES: (("users", _prop("users")), ("assumed", _prop("assumed"))),
    Rel.FLOWS_TO: (
        ("flow", _prop("id")),
        ("assets", _prop("assets")),
        ("personal data", _prop("personal_data")),
        ("class", _prop("classification")),
        ("transfer", _prop("transfer")),
    ),
}

TITLES: Mapping[str, str] = {
    "depends_on": "Depends on",
    "provided_by": "Provided by",
    "parent": "Parent",
    "candidate_for": "Candidate for",
    "requires": "Requires",
    "realises": "Realises",
    "uses": "Uses",
    "flows_out": "Data flows out",
    "dependents": "Depended on by",
    "provides": "Provides",
    "subsidiaries": "Subsidiaries",
    "alternatives": "Alternatives",
    "required_by": "Required by",
    "realised_by": "Realised by",
    "used_by": "Used by",
    "flows_in": "Data flows in",
}

_REL_OF_SECTION = {name: rel for mapping in (OUTGOING, INCOMING) for rel, name in mapping.items()}


def _table(title: str, headers: Sequence[str]) -> Table:
    """Names wrap at a readable width; everything folds rather than run off the edge."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, expand=False)
    for index, header in enumerate(headers):
        if index == 0:
            table.add_column(header, overflow="fold", min_width=12)
        elif header == "name":
            table.add_column(header, overflow="fold", min_width=12, max_width=26)
        else:
            table.add_column(header, overflow="fold")
    return table


def dump_node_table(description: NodeDescription, *, width: int = DEFAULT_WIDTH) -> str:
    node = description.node
    heading = Text(f"{node.label.value} {node.id}: {node.name}", style="bold")
    attributes = _table("Attributes", ("attribute", "value"))
    for key in sorted(node.properties):
        if key != "name":
            attributes.add_row(key, show_value(node.properties[key]))
    parts: list[RenderableType] = [heading, attributes]
    for section, neighbours in description.sections.items():
        if not neighbours:
            continue
        columns = [
            (header, cell)
            for header, cell in EDGE_COLUMNS[_REL_OF_SECTION[section]]
            if any(cell(neighbour.edge) for neighbour in neighbours)
        ]
        sourced = _REL_OF_SECTION[section] is Rel.DEPENDS_ON
        headers = (
            "id",
            "name",
            *(header for header, _ in columns),
            *(("source",) if sourced else ()),
        )
        table = _table(TITLES[section], headers)
        notes: list[str] = []
        for neighbour in neighbours:
            cells = [cell(neighbour.edge) for _, cell in columns]
            if sourced:
                cells.append(_footnote(neighbour.edge.properties, notes))
            table.add_row(neighbour.node.id, neighbour.node.name, *cells)
        if notes:
            table.caption = "\n".join(f"[{n}] {text}" for n, text in enumerate(notes, start=1))
            table.caption_justify = "left"
        parts.append(table)
    return render_text(parts, width=width)


def _footnote(properties: Mapping[str, PropertyValue], notes: list[str]) -> str:
    """A dependency's source as a short mark in the table, its text as a numbered note."""
    marks = []
    why = properties.get("why")
    if why:
        if str(why) not in notes:
            notes.append(str(why))
        marks.append(f"[{notes.index(str(why)) + 1}]")
    if properties.get("assumed"):
        marks.append("assumed")
    return " ".join(marks)


def counts_table(summary: LoadSummary, title: str = "Counts") -> Table:
    table = _table(title, ("kind", "count"))
    for label, count in summary.nodes.items():
        table.add_row(label.kind, show_value(count))
    table.add_row("relationships", show_value(summary.relationship_total))
    return table


def dump_estate_table(description: EstateDescription, *, width: int = DEFAULT_WIDTH) -> str:
    info = description.estate
    heading = Text(f"Estate {info.name}" + (f": {info.title}" if info.title else ""), style="bold")
    parts: list[RenderableType] = [heading, counts_table(description.summary)]
    detail = {
        Label.SERVICE: ("criticality", "users"),
        Label.COMPONENT: ("delivery", "lifecycle"),
        Label.VENDOR: ("hq_country", "jurisdiction"),
        Label.ORGANISATION: ("kind", "users"),
        Label.CAPABILITY: (),
    }
    for label in (
        Label.SERVICE,
        Label.COMPONENT,
        Label.VENDOR,
        Label.ORGANISATION,
        Label.CAPABILITY,
    ):
        nodes = [node for node in description.nodes if node.label is label]
        if not nodes:
            continue
        title = "Capabilities" if label is Label.CAPABILITY else f"{label.value}s"
        table = _table(title, ("id", "name", *detail[label]))
        for node in nodes:
            table.add_row(
                node.id, node.name, *(show_value(node.properties.get(k)) for k in detail[label])
            )
        parts.append(table)
    return render_text(parts, width=width)


def section_table(section: Section) -> Table:
    table = _table(section.title, section.headers)
    for row in section.rows:
        table.add_row(*row)
    if section.note:
        table.caption = section.note
        table.caption_justify = "left"
    return table


def dump_sections_table(
    lines: Sequence[str], sections: Sequence[Section], *, width: int = DEFAULT_WIDTH
) -> str:
    """A headline paragraph, then one table per non-empty section."""
    parts: list[RenderableType] = [Text("\n".join(lines))] if lines else []
    for section in sections:
        if section.rows or section.note:
            parts.append(section_table(section))
    return render_text(parts, width=width)
