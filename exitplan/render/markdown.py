"""Markdown output: the same sections as the terminal table, as GitHub-flavoured tables."""

from __future__ import annotations

from collections.abc import Sequence

from exitplan.render.rows import Section


def escape(text: str) -> str:
    """Text that cannot break a Markdown table or smuggle in markup: links, images,
    emphasis and code spans stay text."""
    escaped = text.replace("\\", "\\\\").replace("&", "&amp;")
    for mark in "|*_[]`~":  # without [ and ], no link or image can open
        escaped = escaped.replace(mark, "\\" + mark)
    escaped = escaped.replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")
    return "\\" + escaped if escaped.startswith(("#", "+", "-", "=")) else escaped


def section_markdown(section: Section, level: int = 2) -> str:
    lines = [f"{'#' * level} {escape(section.title)}", ""]
    if section.rows:
        lines.append("| " + " | ".join(escape(h) for h in section.headers) + " |")
        lines.append("|" + "|".join("---" for _ in section.headers) + "|")
        lines.extend("| " + " | ".join(escape(cell) for cell in row) + " |" for row in section.rows)
        lines.append("")
    if section.note:
        lines.extend([escape(section.note), ""])
    return "\n".join(lines)


def dump_sections_markdown(title: str, lines: Sequence[str], sections: Sequence[Section]) -> str:
    parts = [f"# {escape(title)}", "", *(escape(line) for line in lines), ""]
    parts.extend(section_markdown(section) for section in sections)
    return "\n".join(parts).rstrip("\n") + "\n"
