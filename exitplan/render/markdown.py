"""Markdown output: the same sections as the terminal table, as GitHub-flavoured tables."""

from __future__ import annotations

import re
from collections.abc import Sequence

from exitplan.errors import printable
from exitplan.render.rows import Section

_LINE_END = re.compile(r"\r\n|\r|\n")  # CommonMark's line endings: CR counts as much as LF
_ORDERED = re.compile(r"^(\d{1,9})([.)])")
_INDENT = re.compile(r"^[ ]+")


_INLINE = re.compile(r"(?![ +=\-]|\d{1,9}[.)])[^\\&<>|*_\[\]`~#]*")
"""Printable ASCII that ``_escaped`` leaves as it is: no mark, entity or line start to
neutralise (most cells of a report: ids, names, days, counts)."""


def escape(text: str) -> str:
    """Text that stays inline wherever it is put: it can neither break a table nor start
    a block, nor smuggle in markup (``_escaped``; plain text as it is, at once)."""
    if text.isascii() and text.isprintable() and _INLINE.fullmatch(text):
        return text
    return _escaped(text)


def _escaped(text: str) -> str:
    """``text`` made inline:

    - Line endings (LF, CR, CRLF) become spaces, so nothing after them starts a line; the
      start of the text cannot open a block either: headings, lists (``-``, ``+``, ``1.``),
      quotes, fences, setext underlines, HTML blocks and indented code all stay text.
    - Links, images, emphasis, code spans, tables cells and entities stay text (``&amp;``
      is shown as written).
    - Other control characters are shown as escapes (``\\x1b``), as on the terminal.
    """
    shown = printable(_LINE_END.sub(" ", text))
    escaped = shown.replace("\\", "\\\\").replace("&", "&amp;")
    for mark in "|*_[]`~#":  # without [ and ], no link or image can open
        escaped = escaped.replace(mark, "\\" + mark)
    escaped = escaped.replace("<", "&lt;").replace(">", "&gt;")
    escaped = _ORDERED.sub(r"\1\\\2", escaped)
    escaped = _INDENT.sub(lambda spaces: "&#32;" * len(spaces.group(0)), escaped)
    return "\\" + escaped if escaped.startswith(("+", "-", "=")) else escaped


def section_markdown(section: Section, level: int = 2) -> str:
    return f"{'#' * level} {escape(section.title)}\n\n" + table_markdown(section)


def table_markdown(section: Section) -> str:
    """A section's table and note, without its heading ("None." for a section with
    neither rows nor a note)."""
    lines = []
    if section.rows:
        lines.append("| " + " | ".join(escape(h) for h in section.headers) + " |")
        lines.append("|" + "|".join("---" for _ in section.headers) + "|")
        lines.extend("| " + " | ".join(escape(cell) for cell in row) + " |" for row in section.rows)
        lines.append("")
    if section.note:
        lines.extend([escape(section.note), ""])
    elif not section.rows:  # a heading over nothing reads as if something were cut
        lines.extend(["None.", ""])
    return "\n".join(lines)


def dump_sections_markdown(title: str, lines: Sequence[str], sections: Sequence[Section]) -> str:
    parts = [f"# {escape(title)}", "", *(escape(line) for line in lines), ""]
    parts.extend(section_markdown(section) for section in sections)
    return "\n".join(parts).rstrip("\n") + "\n"
