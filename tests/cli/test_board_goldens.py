"""The board's outputs, whole, as golden text: the report of every scenario (markdown,
and HTML with its pictures left out), the workbooks of an exit, a cut-off and the
register (every cell with its type and format, each sheet's panes and filter), and the
deck (every slide's text, tables, pictures' places and notes).

helper-97's mutation audit of the renderers found 45 of 68 slips no test caught, among
them broken and degraded swapped in a workbook's summary and a risk dropped from the deck:
the tests pinned a few cells each. A golden file pins all of them; ``pytest
--update-golden`` rewrites them, and the diff is read before it is committed.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from pptx.util import Emu

from tests.conftest import REPO, CheckGolden, RunCli

SCENARIOS = sorted(p.stem for p in (REPO / "scenarios").glob("*.yaml"))
assert len(SCENARIOS) == 8, SCENARIOS  # each is a golden below: none left out unseen


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s != "leave-microsoft"])
def test_the_report_of_every_scenario_is_golden(
    scenario: str, run_cli: RunCli, golden: CheckGolden, tmp_path: Path
) -> None:
    """leave-microsoft's is ``test_cli_legal.test_report_markdown_is_golden``."""
    target = tmp_path / "report.md"
    result = run_cli("report", f"scenarios/{scenario}.yaml", "-o", target)
    assert result.exit_code == 0, result.stderr
    golden(f"board/report-{scenario}.md", target.read_text(encoding="utf-8"))


def _without_pictures(html: str) -> str:
    """The page with each inline SVG as one line naming it: the pictures are Graphviz's,
    pinned by the diagram goldens; the words, tables and escaping are the report's."""
    return re.sub(r"<svg\b.*?</svg>", "<svg …/>", html, flags=re.DOTALL)


@pytest.mark.parametrize("scenario", ["leave-microsoft", "microsoft-cut-off"])
def test_the_html_report_is_golden(
    scenario: str, run_cli: RunCli, golden: CheckGolden, tmp_path: Path
) -> None:
    target = tmp_path / "report.html"
    result = run_cli("report", f"scenarios/{scenario}.yaml", "-o", target)
    assert result.exit_code == 0, result.stderr
    text = _without_pictures(target.read_text(encoding="utf-8"))
    assert text.count("<svg …/>") >= 1
    golden(f"board/report-{scenario}.html", text)


def _cell(value: object, number_format: str) -> str:
    if value is None:
        return ""
    kind = type(value).__name__
    shown = value.isoformat() if isinstance(value, date | datetime) else repr(value)
    return f"{shown} <{kind}{'' if number_format == 'General' else ' ' + number_format}>"


def _workbook(path: Path) -> str:
    """Every sheet: its name, frozen panes, filter and column widths, then each row's
    cells with their types and number formats."""
    book = openpyxl.load_workbook(path)
    lines = []
    for sheet in book.worksheets:
        widths = {k: round(v.width, 1) for k, v in sorted(sheet.column_dimensions.items())}
        lines.append(
            f"== {sheet.title} (panes {sheet.freeze_panes}, filter {sheet.auto_filter.ref}, "
            f"widths {widths})"
        )
        for row in sheet.iter_rows():
            lines.append(" | ".join(_cell(c.value, c.number_format) for c in row))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("run-leave-microsoft", ("run", "scenarios/leave-microsoft.yaml")),
        ("run-microsoft-cut-off", ("run", "scenarios/microsoft-cut-off.yaml")),
        ("register", ("register", "graphs/gothenburg")),
    ],
    ids=["exit", "cut-off", "register"],
)
def test_the_workbooks_are_golden(
    name: str, command: tuple[str, ...], run_cli: RunCli, golden: CheckGolden, tmp_path: Path
) -> None:
    target = tmp_path / "book.xlsx"
    result = run_cli(*command, "-o", target)
    assert result.exit_code == 0, result.stderr
    golden(f"board/{name}.xlsx.txt", _workbook(target))


def _deck(path: Path) -> str:
    """Every slide: its shapes in order (text, a table's cells, a picture's place and
    size in points), then its notes."""
    lines = []
    for number, slide in enumerate(Presentation(str(path)).slides, 1):
        lines.append(f"== slide {number}")
        for shape in slide.shapes:
            place = f"{Emu(shape.left).pt:.0f},{Emu(shape.top).pt:.0f}"
            size = f"{Emu(shape.width).pt:.0f}x{Emu(shape.height).pt:.0f}"
            if shape.has_text_frame:
                lines.append(f"-- text at {place}, {size}")
                for paragraph in shape.text_frame.paragraphs:
                    sizes = sorted({r.font.size.pt for r in paragraph.runs if r.font.size})
                    lines.append(f"{paragraph.text}  {sizes or ''}".rstrip())
            elif shape.has_table:
                lines.append(f"-- table at {place}, {size}")
                lines += [" | ".join(c.text for c in row.cells) for row in shape.table.rows]
            else:
                lines.append(f"-- {shape.shape_type} at {place}, {size}")
        lines.append("-- notes")
        lines.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("scenario", ["leave-microsoft", "microsoft-cut-off"])
def test_the_deck_is_golden(
    scenario: str, run_cli: RunCli, golden: CheckGolden, tmp_path: Path
) -> None:
    target = tmp_path / "deck.pptx"
    result = run_cli("report", f"scenarios/{scenario}.yaml", "-o", target)
    assert result.exit_code == 0, result.stderr
    golden(f"board/deck-{scenario}.txt", _deck(target))
