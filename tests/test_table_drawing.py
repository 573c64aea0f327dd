"""Tables are written line by line, and read exactly as rich would draw them.

``Grid.draw`` pads the cells that ``Grid`` has already wrapped, instead of handing the
table to rich, which measured and laid out every cell again (half a minute for the
tables of a 30,000-component withdrawal). Rich stays the judge: for any cells, any
title and caption and any width, the text must be the bytes rich draws from
``Grid.table`` on the same console.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from exitplan.errors import printable
from exitplan.graph import Label, Rel
from exitplan.graph.port import LoadSummary
from exitplan.importers.draft import Account, SourceAccount
from exitplan.render.imported import dump_import_text
from exitplan.render.table import (
    _AFTER_HYPHEN,
    Grid,
    _measure,
    _rich_text,
    _tokens,
    column_widths,
    counts_table,
    render_text,
    wrap,
)
from exitplan.render.table import _cells as _width


def _by_rich(grid: Grid, width: int) -> str:
    """The table as rich draws it on exitplan's console, trailing blanks removed."""
    drawn = _rich_text(grid.table(width), width)
    return "".join(line.rstrip() + "\n" for line in drawn.splitlines())


_READABLE = "abcxyzÅÄÖåäö漢字表🙂\u00a0\u3000 -←→\n"  # letters, wide, blanks, breaks
_ODD = "\u0301\u200d\ufe0f\U0001f3fd\U0001f1f8\U0001f1ea"  # of no width, or joining
_HOSTILE = "\x1b\t\r\x00\x7f\x85\u2028\u2029\u202e"  # escaped by printable, or not
_ID = st.from_regex(r"[a-z][a-z0-9]{0,14}(-[a-z0-9]{1,12}){0,4}", fullmatch=True)


def _cells(alphabet: str) -> st.SearchStrategy[str]:
    text = st.text(alphabet=st.sampled_from(alphabet), max_size=40)
    return st.one_of(text, _ID, st.lists(_ID, min_size=1, max_size=4).map(" ← ".join))


@st.composite
def _grids(
    draw: st.DrawFn,
    alphabet: str,
    widths: st.SearchStrategy[int],
    most: int,
    *,
    odd_headers: bool,
) -> tuple[Grid, int]:
    columns = draw(st.integers(min_value=1, max_value=most))
    text = _cells(alphabet)
    names = st.one_of(_ID, st.sampled_from(["name", "users affected", "breaks (day)"]))
    header = st.one_of(text, names) if odd_headers else names  # a column of no width: rich's
    headers = draw(st.lists(header, min_size=columns, max_size=columns))
    grid = Grid(draw(text), tuple(headers), caption=draw(st.none() | text))
    for row in draw(st.lists(st.tuples(*[text] * columns), max_size=8)):
        grid.add_row(*row)
    return grid, draw(widths)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_grids(_READABLE, st.integers(min_value=40, max_value=160), 5, odd_headers=False))
def test_a_grid_of_readable_text_is_drawn_here_as_rich_draws_it(
    drawn: tuple[Grid, int],
) -> None:
    grid, width = drawn
    layout = grid._layout(width)
    table = sum(layout.widths) + 3 * len(layout.widths) + 1
    if all(cell_len(line) <= table for line in layout.caption):  # else rich wraps it again
        assert layout.draw(width) is not None  # not left to rich
    assert render_text([grid], width=width) == _by_rich(grid, width)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    _grids(
        _READABLE + _ODD + _HOSTILE, st.integers(min_value=1, max_value=160), 7, odd_headers=True
    )
)
def test_any_grid_reads_as_rich_draws_it(drawn: tuple[Grid, int]) -> None:
    """Characters of no width, controls and widths too narrow for the columns: what is
    not drawn here is left to rich, and the text is rich's either way."""
    grid, width = drawn
    assert render_text([grid], width=width) == _by_rich(grid, width)


@pytest.mark.parametrize(
    ("headers", "rows", "width"),
    [
        pytest.param(("component", "state"), [("c1", "withdrawn")], 100, id="plain"),
        pytest.param(("a",), [], 40, id="no-rows"),
        pytest.param((), [], 40, id="no-columns"),
        pytest.param(("a", "b"), [("one\ntwo\nthree", "x")], 40, id="cell-of-three-lines"),
        pytest.param(("a", "b"), [("", "")], 40, id="empty-cells"),
        pytest.param(("id", "name"), [("漢字漢字漢字", "🙂 ok")], 40, id="wide-characters"),
        pytest.param(tuple("abcdefghij"), [tuple("0123456789")], 12, id="narrower-than-edges"),
        pytest.param(("a", "b"), [("x" * 300, "supercalifragilistic-" * 9)], 30, id="long-words"),
        pytest.param(
            ("component", "state", "because"),
            [
                (f"c{n}", "withdrawn" if n % 2 else "broken", chain)
                for n, chain in enumerate(
                    ["c1 ← c2 ← entra-conditional-access", "", "one\ntwo", "c1 ← c2"] * 3
                )
            ],
            40,
            id="repeated-cells-some-of-more-lines",
        ),
    ],
)
def test_edge_cases_read_as_rich_draws_them(
    headers: tuple[str, ...], rows: list[tuple[str, ...]], width: int
) -> None:
    grid = Grid("A title long enough to wrap onto a second line at narrow widths", headers)
    grid.caption = "a caption\nof two lines"
    for row in rows:
        grid.add_row(*row)
    assert render_text([grid], width=width) == _by_rich(grid, width)


def test_a_table_too_wide_for_the_console_is_left_to_rich() -> None:
    """Ten columns need at least 41 cells (an edge and a cell each, three blanks apart);
    at 12 rich squeezes them its own way, and the drawing must be rich's."""
    grid = Grid("T", tuple("abcdefghij"))
    grid.add_row(*"0123456789")
    assert grid._layout(12).draw(12) is None
    assert render_text([grid], width=12) == _by_rich(grid, 12)


def test_a_joiner_that_joins_nothing_is_shown_not_fatal() -> None:
    """Rich (15) raised IndexError laying out this header (a zero-width joiner after a
    hyphen, then another); ``printable`` now shows the joiner as ``\\u200d``."""
    grid = Grid("aö\ufe0f  \u202e\u202e", ("字", "-\u200d\u200d字\tö-ö "))
    assert render_text([grid], width=18) == _by_rich(grid, 18)
    assert "-\\u200d\\u200d字" in render_text([grid], width=60)


@pytest.mark.parametrize(
    ("natural", "words", "lowest", "room", "widths"),
    [
        # everything fits: the natural widths
        ([10, 5, 30], [8, 3, 20], [8, 3, 10], 45, [10, 5, 30]),
        # a long column breaks at its hyphens before "day 0" breaks at its space
        ([30, 5, 40], [30, 3, 30], [10, 3, 12], 50, [23, 5, 22]),
        # nothing long left to break: the short column gives way too
        ([12, 7, 12], [12, 3, 12], [12, 3, 12], 28, [12, 4, 12]),
    ],
    ids=["fits", "long-words-break-first", "short-last"],
)
def test_short_columns_keep_their_lines_while_long_words_can_break(
    natural: list[int], words: list[int], lowest: list[int], room: int, widths: list[int]
) -> None:
    """After an import, "day 0" was cut into "day" and "0" beside chains of long
    hyphenated ids that could have broken at their hyphens."""
    assert column_widths(lowest, words, natural, room) == widths


@pytest.mark.parametrize(
    ("line", "tokens"),
    [
        ("≥ 21,000,000", ["≥ 21,000,000"]),
        ("2029-08-05 *", ["2029-08-05 *"]),
        ("at least 5 ≥ 6 and 7 *", ["at ", "least ", "5 ", "≥ 6 ", "and ", "7 *"]),
        ("a ← b", ["a ← ", "b"]),
        ("≥", ["≥"]),
        ("* note", ["* ", "note"]),
        # only a figure's marks: none in a name, and never a chain
        ("old system * *", ["old ", "system ", "* ", "*"]),
        ("≥ ≥ 5 * *", ["≥ ", "≥ 5 * ", "*"]),
        ("a ≥ b", ["a ", "≥ ", "b"]),
    ],
)
def test_a_mark_stays_with_its_figure(line: str, tokens: list[str]) -> None:
    """Comparing eight scenarios put "≥" and "*" on lines of their own."""
    assert _tokens(line) == tokens


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("≥ 24,300,000", 12, ["≥ 24,300,000"]),
        ("≥ 24,300,000", 10, ["≥", "24,300,000"]),  # too narrow together: apart, not cut
        ("2029-08-05 *", 10, ["2029-08-05", "*"]),
        ("144 * and more", 5, ["144 *", "and", "more"]),
    ],
)
def test_a_figure_and_its_mark_part_rather_than_lose_a_digit(
    text: str, width: int, lines: list[str]
) -> None:
    assert wrap(text, width) == lines


def test_counts_have_thousands_separators_and_line_up() -> None:
    """helper-67, at 30k components: "service 1500" beside "component 36,000" in show, and
    an import summary whose "366,188  dependencies" stood out of line."""
    summary = LoadSummary("e", {Label.SERVICE: 1500, Label.COMPONENT: 36_000}, {Rel.DEPENDS_ON: 7})
    drawn = render_text([counts_table(summary)], width=60)
    assert "1,500" in drawn
    assert "36,000" in drawn
    source = SourceAccount(
        "a.csv", "csv", made=Counter({"component": 36_000, "dependency": 1_366_188})
    )
    source.skipped[("Type", "why")] = 3
    lines = dump_import_text(Account([source]), "out", ["x.yaml"]).splitlines()
    counted = [line for line in lines if line.startswith("  ") and line.strip()[0].isdigit()]
    ends = {len(line) - len(line.lstrip(" 0123456789,")) for line in counted}
    assert ends == {13}  # each name starts where the one after "  1,366,188  " does
    assert "  1,366,188  dependencies" in lines


def _widest(text: str) -> tuple[int, int, int]:
    """The widest word, line and piece between hyphens, measured the slow, plain way
    (exitplan before 22544ba): the oracle for ``_measure``, whose widths rich is given
    and so cannot judge."""
    lines = text.split("\n")
    word = max((_width(t.strip()) for line in lines for t in _tokens(line)), default=0)
    pieces = (
        _width(piece.strip())
        for line in lines
        for token in _tokens(line, marks=False)
        for piece in _AFTER_HYPHEN.split(token)
    )
    return word, max((_width(line) for line in lines), default=0), max(pieces, default=0)


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        _cells(_READABLE + _ODD + _HOSTILE + "≥*\t"), st.sampled_from(["≥ 5 * *", "2029-08-05 *"])
    )
)
def test_a_cell_is_measured_as_word_line_and_piece(cell: str) -> None:
    assert _measure(cell) == _widest(cell)
    assert _measure(printable(cell, newlines=True)) == _widest(printable(cell, newlines=True))
