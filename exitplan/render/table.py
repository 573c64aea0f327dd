"""Terminal tables as rich draws them, returned as text (readable at 100 columns).

Headings are drawn by rich. A table (``Grid``) is written here line by line, to the bytes
rich draws from ``Grid.table`` (the tests compare the two): rich measures every cell
again, which took half a minute for the tables of a 30,000-component withdrawal.

Two promises, whatever the width:

- Text read from a file is shown through ``printable``: a name with an escape sequence,
  a carriage return or a direction override cannot drive the terminal. The same bytes are
  written to a terminal, a file or a pipe.
- No id or word is cut in half. Cells are wrapped here, not by rich: at spaces and after
  arrows (``←``, ``→``); a word wider than its column is broken after one of its hyphens;
  only a piece without hyphen that still cannot fit is shortened, with an ellipsis. The
  column widths are chosen so that, when the width allows it, every word (every id with
  its hyphens) fits its column whole.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat

from rich import box
from rich.cells import cell_len, get_character_cell_size, set_cell_size
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from exitplan.errors import plural, printable
from exitplan.graph.describe import INCOMING, OUTGOING, EstateDescription, NodeDescription
from exitplan.graph.port import GraphEdge, Label, LoadSummary, PropertyValue, Rel
from exitplan.render.rows import Section, sentences

DEFAULT_WIDTH = 100
ELLIPSIS = "…"

_ARROWS = ("←", "→")
_TOKEN = re.compile(r"\s*\S+\s*|\s+")
_AFTER_ARROW = re.compile(r"(?<=[←→])(?=\S)")
_AFTER_HYPHEN = re.compile(r"(?<=-)(?=[^-])")
_BEFORE_MARK = "≥"  # "≥ 24,300,000": at least
_AFTER_MARK = "*"  # "2029-08-05 *": a finish without the blocked steps


def _simple(text: str) -> bool:
    """Whether ``text`` is printable ASCII but for arrows (a chain, ``a ← b``): a cell a
    character, as rich counts them too."""
    return text.isprintable() and (
        text.isascii() or text.replace("←", "").replace("→", "").isascii()
    )


def _cells(text: str) -> int:
    """The cells ``text`` takes: its length when it is ``_simple``, else as rich counts
    them."""
    return len(text) if _simple(text) else cell_len(text)


def _tokens(line: str, *, marks: bool = True) -> list[str]:
    """The unbreakable pieces of a line, each with the spaces that follow it; an arrow
    stays with the word before it (``a ←`` ends a line, never starts one); with ``marks``,
    so does the mark of a figure where there is room (``wrap``): ``≥`` with the number
    after it, ``*`` with the number or date before it."""
    tokens: list[str] = []
    glued = False
    for token in _TOKEN.findall(line):
        for piece in _AFTER_ARROW.split(token):
            if tokens and (
                (glued and piece[:1].isdigit())
                or (piece[:1] in _ARROWS and tokens[-1][-1:].isspace())
                or (marks and piece.strip() == _AFTER_MARK and tokens[-1].strip()[-1:].isdigit())
            ):
                tokens[-1] += piece
            else:
                tokens.append(piece)
            glued = marks and piece.strip() == _BEFORE_MARK
    return tokens


def _shorten(piece: str, width: int) -> str:
    """``piece`` in ``width`` cells, with an ellipsis when it had to be cut."""
    if _cells(piece) <= width:
        return piece
    return set_cell_size(piece, max(width - 1, 0)).rstrip() + ELLIPSIS if width > 0 else ""


def _break_word(word: str, width: int) -> list[str]:
    """A word wider than ``width`` as lines broken after its hyphens; a piece without a
    hyphen that is still too wide is shortened with an ellipsis."""
    lines: list[str] = []
    current = ""
    for piece in _AFTER_HYPHEN.split(word):
        if _cells(current + piece) <= width:
            current += piece
            continue
        if current:
            lines.append(current)
        current = _shorten(piece, width)
    lines.append(current)
    return lines


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` cells, broken as the module says.

    >>> wrap("it-arbetsplats ← compliance-management ← intune", 24)
    ['it-arbetsplats ←', 'compliance-management ←', 'intune']
    >>> wrap("entra-conditional-access", 14)
    ['entra-', 'conditional-', 'access']
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if _cells(paragraph) <= width:
            lines.append(paragraph)
            continue
        current = ""
        for token in (
            piece
            for glued in _tokens(paragraph)
            # a figure and its mark too wide together are broken at the space between
            for piece in (
                _tokens(glued, marks=False) if _cells(glued.rstrip()) > width else [glued]
            )
        ):
            word = token.rstrip()
            if _cells(current + word) <= width:
                current += token
                continue
            if current.strip():
                lines.append(current.rstrip())
            if _cells(word) <= width:
                current = token.lstrip() if current.strip() else token
                continue
            *whole, current = _break_word(word.lstrip(), width)
            lines.extend(whole)
            current += token[len(word) :]
        lines.append(current.rstrip())
    return lines


def _wrapped(cell: str, width: int) -> list[str]:
    """``wrap``, with its commonest case first: a ``_simple`` line that fits (a table of
    a large withdrawal has hundreds of thousands of cells, most of them so)."""
    if len(cell) <= width and _simple(cell):
        return [cell]
    return wrap(cell, width)


_PLAIN = re.compile(r"[^\s\-←→]*")


def _bare(text: str) -> bool:
    """Whether ``text`` is one word of printable ASCII without a hyphen: its widest
    word, line and piece are all its length."""
    return text.isascii() and text.isprintable() and _PLAIN.fullmatch(text) is not None


def _measure(cell: str) -> tuple[int, int, int]:
    """A cell's widest word, widest line and widest piece between hyphens (below this,
    some piece gets an ellipsis); a plain one (one word of printable ASCII, no hyphen)
    by its length."""
    if _bare(cell):
        return len(cell), len(cell), len(cell)
    size = len if _simple(cell) else _cells  # a _simple cell is one line, a cell a character
    words = lines = pieces = 0
    for line in cell.split("\n"):
        lines = max(lines, size(line))
        tokens = _tokens(line)
        words = max(words, *(size(token.strip()) for token in tokens), 0)
        # a mark stays with its figure in a word, not in a piece
        marked = _BEFORE_MARK in line or _AFTER_MARK in line
        pieces = max(
            pieces,
            *(
                size(piece.strip())
                for token in (_tokens(line, marks=False) if marked else tokens)
                for piece in _AFTER_HYPHEN.split(token)
            ),
            0,
        )
    return words, lines, pieces


def _measures(cells: Sequence[str]) -> tuple[int, int, int]:
    """The widest word, widest line and widest piece between hyphens of any of ``cells``.
    A column of a large withdrawal has tens of thousands of cells: when they are all plain
    (``_measure``), as ids and dates are, the column is measured at once by its longest
    cell; else each distinct cell once ("withdrawn", a date repeat)."""
    if _bare("".join(cells)):
        longest = max(map(len, cells), default=0)
        return longest, longest, longest
    words = lines = pieces = 0
    for cell in set(cells):
        word, line, piece = _measure(cell)
        words, lines, pieces = max(words, word), max(lines, line), max(pieces, piece)
    return words, lines, pieces


def _shrink(widths: list[int], floors: Sequence[int], excess: int) -> None:
    """Take ``excess`` cells from the widest columns first, none below its floor, so that
    short columns ("day 345", "critical") keep their lines whole."""
    while excess > 0:
        shrinkable = [i for i, (w, f) in enumerate(zip(widths, floors, strict=True)) if w > f]
        if not shrinkable:
            return
        widest = max(shrinkable, key=lambda i: (widths[i], i))
        widths[widest] -= 1
        excess -= 1


SHORT = 8
"""A column whose lines are this short at most ("day 345", "2 weeks") gives way only after
the long words of the others have broken at their hyphens."""


def column_widths(
    lowest: Sequence[int],
    words: Sequence[int],
    natural: Sequence[int],
    room: int,
    body: Sequence[int] | None = None,
) -> list[int]:
    """Widths for columns whose lines are ``natural`` wide, whose widest word is ``words``
    wide and whose widest piece between hyphens is ``lowest`` wide, in ``room`` cells;
    ``body`` is how wide each column must stay for its cells to keep their lines whole
    while its header wraps.

    The natural widths when they fit; else headers wrap first (down to ``body``); then
    the widest columns give way, down to their widest word, then down to their widest
    piece between hyphens, a ``SHORT`` column keeping its lines; then the short columns
    too; then, the width being too small for that, down to one cell (the ellipsis case).
    """
    widths = list(natural)
    # a short cell ("day 0", "R3 fit") keeps its line while long words break at hyphens
    short = [n <= SHORT for n in natural]
    kept_words = [n if s else w for n, w, s in zip(natural, words, short, strict=True)]
    kept_pieces = [n if s else p for n, p, s in zip(natural, lowest, short, strict=True)]
    for floors in (body or natural, kept_words, kept_pieces, words, lowest, [1] * len(widths)):
        _shrink(widths, floors, sum(widths) - room)
        if sum(widths) <= room:
            break
    return widths


@dataclass
class Grid:
    """A table to draw: its text is wrapped when the width is known (``render_text``)."""

    title: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)
    caption: str | None = None
    first_min: int = 12
    name_max: int = 26

    def __post_init__(self) -> None:
        self.headers = tuple(printable(header) for header in self.headers)

    def add_row(self, *cells: str) -> None:
        if "".join(cells).isprintable():  # the commonest row: nothing to show otherwise
            self.rows.append(cells)
        else:
            self.rows.append(tuple(printable(cell, newlines=True) for cell in cells))

    def _limits(self, index: int) -> tuple[int, int | None]:
        if index == 0:
            return self.first_min, None
        if self.headers[index] == "name":
            return self.first_min, self.name_max
        return 0, None

    def _layout(self, width: int) -> _Layout:
        """Column widths for a console ``width`` cells wide, and every cell wrapped."""
        cells_of = zip(*self.rows, strict=True) if self.rows else [()] * len(self.headers)
        columns = list(zip(self.headers, cells_of, strict=True))
        lowest, words, natural, body = [], [], [], []
        for index, (header, cells) in enumerate(columns):
            at_least, at_most = self._limits(index)
            head_word, head_line, head_piece = _measure(header)
            cell_word, cell_line, cell_piece = _measures(cells)
            word = max(head_word, cell_word)
            line = max(head_line, cell_line)
            if at_most is not None:
                line = max(min(line, at_most), word)
                cell_line = min(cell_line, line)
            lowest.append(max(at_least, head_piece, cell_piece))
            words.append(max(at_least, word))
            natural.append(max(at_least, line))
            # a header may wrap at its spaces onto about two lines before any cell wraps
            heading = max(head_word, (head_line + 1) // 2)
            body.append(max(at_least, cell_line, heading))
        count = len(self.headers)
        room = width - 1 - 3 * count  # an edge each side, a separator and padding per column
        widths = column_widths(lowest, words, natural, room, body)
        inner = sum(widths) + 3 * count - 1  # the table's width less its two edges
        return _Layout(
            widths=widths,
            title=wrap(printable(self.title), max(inner, 1)) if self.title else [],
            headers=[wrap(h, size) for h, size in zip(self.headers, widths, strict=True)],
            columns=[
                _Column.of(cells, size) for (_, cells), size in zip(columns, widths, strict=True)
            ],
            caption=wrap(printable(self.caption, newlines=True), max(inner, 20))
            if self.caption
            else [],
        )

    def table(self, width: int) -> Table:
        """The rich table for a console ``width`` cells wide, every cell wrapped."""
        return self._table(self._layout(width))

    @staticmethod
    def _table(layout: _Layout) -> Table:
        table = Table(
            title=Text("\n".join(layout.title)) if layout.title else None,
            title_justify="left",
            box=box.SIMPLE_HEAD,
            expand=False,
        )
        for header, size in zip(layout.headers, layout.widths, strict=True):
            table.add_column(Text("\n".join(header)), width=size, no_wrap=True, overflow="ellipsis")
        for row in layout.cell_rows():
            table.add_row(*(Text("\n".join(lines)) for lines in row))
        if layout.caption:
            table.caption = Text("\n".join(layout.caption))
            table.caption_justify = "left"
        return table

    def draw(self, width: int) -> str:
        """The table as rich draws it (``table``), written here line by line.

        Rich lays out and measures every cell again, which took half a minute for the
        tables of a 30,000-component withdrawal; the cells are already wrapped to their
        columns, so what is left is padding. A table rich would draw otherwise (see
        ``_Layout.draw``) is left to rich."""
        layout = self._layout(width)
        drawn = layout.draw(width)
        if drawn is not None:
            return drawn
        return _rich_text(self._table(layout), width)


@dataclass(frozen=True)
class _Column:
    """A column's cells and their lines wrapped to its width. A large withdrawal's table
    has hundreds of thousands of cells, most in columns whose every cell is one
    ``_simple`` line that fits (ids, states, dates): such a column is ``whole`` (no
    ``wrapped``) and is padded without looking at each cell again; any other column
    wraps and fills each distinct cell once ("withdrawn", a chain repeat)."""

    cells: Sequence[str]
    wrapped: dict[str, list[str]] | None

    @staticmethod
    def of(cells: Sequence[str], width: int) -> _Column:
        if _simple("".join(cells)) and max(map(len, cells), default=0) <= width:
            return _Column(cells, None)
        return _Column(cells, {cell: _wrapped(cell, width) for cell in dict.fromkeys(cells)})

    def lines(self) -> list[list[str]]:
        """Each cell's lines."""
        if self.wrapped is None:
            return [[cell] for cell in self.cells]
        return [self.wrapped[cell] for cell in self.cells]

    def filled(self, width: int) -> tuple[list[str], dict[int, list[str]]] | None:
        """Each cell's first line filled to ``width`` cells (``_filled``), and every line
        of the cells of more than one line, by row; ``None`` when a line is wider or not
        ``_plain``."""
        if self.wrapped is None:
            return list(map(str.ljust, self.cells, repeat(width))), {}
        filled = {}
        for cell, lines in self.wrapped.items():
            shown = _filled_lines(lines, width)
            if shown is None:
                return None
            filled[cell] = shown
        tall = {cell for cell, lines in filled.items() if len(lines) > 1}
        return (
            [filled[cell][0] for cell in self.cells],
            {row: filled[cell] for row, cell in enumerate(self.cells) if cell in tall}
            if tall
            else {},
        )


def _filled_lines(lines: list[str], width: int) -> list[str] | None:
    """A cell's lines filled to ``width`` cells; ``None`` when one is wider or not
    ``_plain``."""
    filled = []
    for line in lines:
        shown = _filled(line, width)
        if shown is None:
            return None
        filled.append(shown)
    return filled


@dataclass(frozen=True)
class _Layout:
    widths: list[int]
    title: list[str]
    headers: list[list[str]]
    columns: list[_Column]
    caption: list[str]

    def cell_rows(self) -> list[tuple[list[str], ...]]:
        """The wrapped cells, row by row."""
        return list(zip(*(column.lines() for column in self.columns), strict=True))

    def draw(self, width: int) -> str | None:
        """The lines of a ``box.SIMPLE_HEAD`` table with these cells, each ending in a
        line feed (trailing blanks aside, as rich draws it); ``None`` when rich would draw
        it otherwise.

        Rich draws: the title, an edge of blanks, the header row, a rule, the rows, an
        edge of blanks, the caption. A row is an edge and a cell's padding (two blanks),
        then each cell filled to its column's width, three blanks apart (padding, a
        separator, padding). A cell of fewer lines than its row is filled with blank
        lines: below it, or in the header row above it (headers sit on the rule).
        """
        widths = self.widths
        total = sum(widths) + 3 * len(widths) + 1
        if (
            total > width
            or min(widths, default=0) < 1  # rich shows nothing of a column of no width
            or any(
                not _plain(line) or _cells(line) > total for line in (*self.title, *self.caption)
            )
        ):
            return None
        headers, firsts, talls = [], [], []
        for lines, column, size in zip(self.headers, self.columns, widths, strict=True):
            header, filled = _filled_lines(lines, size), column.filled(size)
            if header is None or filled is None:
                return None
            headers.append(header)
            firsts.append(filled[0])
            talls.append(filled[1])
        out = [line + "\n" for line in self.title]
        out.append("\n")
        out.extend(_row_lines(headers, widths, above=True))  # headers sit on the rule
        out.append(" " + "─" * (total - 2) + "\n")
        # every row as if of one line (the commonest row), then those of more lines
        rows = ["  " + "   ".join(parts) + "\n" for parts in zip(*firsts, strict=True)]
        for row in sorted(set().union(*talls)):
            cells = [
                tall.get(row) or [first[row]] for first, tall in zip(firsts, talls, strict=True)
            ]
            rows[row] = "".join(_row_lines(cells, widths, above=False))
        out.extend(rows)
        out.append("\n")
        out.extend(line + "\n" for line in self.caption)
        return "".join(out)


def _row_lines(row: Sequence[list[str]], widths: list[int], *, above: bool) -> list[str]:
    """A row of filled cells as lines, a cell of fewer lines than its row filled with
    blank lines ``above`` it or below it."""
    height = max(len(lines) for lines in row)
    cells = []
    for lines, size in zip(row, widths, strict=True):
        blank = [" " * size] * (height - len(lines))
        cells.append(blank + lines if above else lines + blank)
    return ["  " + "   ".join(parts) + "\n" for parts in zip(*cells, strict=True)]


def _filled(line: str, size: int) -> str | None:
    """``line`` filled with blanks to ``size`` cells, as rich fills it; ``None`` when it
    is wider or not ``_plain``."""
    if _simple(line):
        return line.ljust(size) if len(line) <= size else None
    cells = cell_len(line)
    return line + " " * (size - cells) if cells <= size and _plain(line, cells) else None


def _plain(line: str, cells: int | None = None) -> bool:
    """Whether rich pads ``line`` by its cells alone: every character takes a cell or two
    and the line takes their sum (``cells``, when the caller has measured it). A character
    of no width (a combining accent, a joiner, a control character) makes rich measure the
    padded line again, its own way."""
    if _simple(line):
        return True
    sizes = [get_character_cell_size(character) for character in line]
    measured = cell_len(line) if cells is None else cells
    return min(sizes, default=1) >= 1 and sum(sizes) == measured


def _console(file: io.StringIO, width: int) -> Console:
    return Console(  # markup and emoji off: "[adequacy_dpf]" or ":ok:" in a name is text
        file=file,
        width=width,
        color_system=None,
        force_terminal=False,
        highlight=False,
        markup=False,
        emoji=False,
    )


def _rich_text(renderable: RenderableType, width: int) -> str:
    """A renderable as rich draws it."""
    buffer = io.StringIO()
    _console(buffer, width).print(renderable)
    return buffer.getvalue()


def render_text(renderables: Iterable[RenderableType | Grid], *, width: int = DEFAULT_WIDTH) -> str:
    """Draw renderables into plain text (no colour codes), one blank line apart."""
    drawn = "\n".join(
        renderable.draw(width) if isinstance(renderable, Grid) else _rich_text(renderable, width)
        for renderable in renderables
    )
    # rich pads every line to the full width; trailing blanks only get in the way.
    return "".join(line.rstrip() + "\n" for line in drawn.splitlines())


def _heading(lines: Iterable[str], width: int, *, bold: bool = False) -> Text:
    """Lines of text read from files, each made printable and wrapped like a cell."""
    shown = [part for line in lines for part in wrap(printable(line), width)]
    return Text("\n".join(shown), style="bold" if bold else "")


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


def show_count(value: PropertyValue | None) -> str:
    """A count of people with its thousands separated, at any size (9,500 beside 10,500;
    ``show_value`` leaves four digits alone, for years)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value):
        return f"{int(value):,}"
    return show_value(value)


def onset_text(properties: Mapping[str, PropertyValue]) -> str:
    if properties.get("at_renewal"):
        return "at renewal"
    days = int(properties.get("onset_days", 0))  # type: ignore[arg-type]  # whole days
    return f"after {plural(days, 'day')}" if days else "immediate"


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
        ("gaps", lambda edge: sentences([str(g) for g in edge.properties.get("gaps") or ()])),  # type: ignore[union-attr]
    ),
    Rel.REQUIRES: (),
    Rel.REALISES: (("coverage", _prop("coverage")),),
    Rel.USES: (
        ("users", lambda edge: show_count(edge.properties.get("users"))),
        ("assumed", _prop("assumed")),
    ),
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


def _table(title: str, headers: Sequence[str]) -> Grid:
    """Names wrap at a readable width (26); the first column is at least 12 wide."""
    return Grid(title, tuple(headers))


def dump_node_table(description: NodeDescription, *, width: int = DEFAULT_WIDTH) -> str:
    node = description.node
    heading = _heading([f"{node.label.value} {node.id}: {node.name}"], width, bold=True)
    attributes = _table("Attributes", ("attribute", "value"))
    for key in sorted(node.properties):
        if key != "name":
            attributes.add_row(key, show_value(node.properties[key]))
    parts: list[RenderableType | Grid] = [heading, attributes]
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


def counts_table(summary: LoadSummary, title: str = "Counts") -> Grid:
    table = _table(title, ("kind", "count"))
    for label, count in summary.nodes.items():
        table.add_row(label.kind, f"{count:,}")
    table.add_row("relationships", f"{summary.relationship_total:,}")
    return table


def dump_estate_table(description: EstateDescription, *, width: int = DEFAULT_WIDTH) -> str:
    info = description.estate
    heading = _heading(
        [f"Estate {info.name}" + (f": {info.title}" if info.title else "")], width, bold=True
    )
    parts: list[RenderableType | Grid] = [heading, counts_table(description.summary)]
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
                node.id,
                node.name,
                *(
                    (show_count if k == "users" else show_value)(node.properties.get(k))
                    for k in detail[label]
                ),
            )
        parts.append(table)
    return render_text(parts, width=width)


def section_table(section: Section) -> Grid:
    table = _table(section.title, section.headers)
    for row in section.rows:
        table.add_row(*row)
    if section.note:
        table.caption = section.note
    return table


def dump_sections_table(
    lines: Sequence[str], sections: Sequence[Section], *, width: int = DEFAULT_WIDTH
) -> str:
    """A headline paragraph, then one table per non-empty section."""
    parts: list[RenderableType | Grid] = [_heading(lines, width)] if lines else []
    for section in sections:
        if section.rows:
            parts.append(section_table(section))
        elif section.note:  # a table of headers alone says nothing: its title and note
            parts.append(_heading([section.title], width, bold=True))
            parts.append(_heading([section.note], width))
    return render_text(parts, width=width)
