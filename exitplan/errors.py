"""Every failure a user can cause or meet is an ``ExitplanError``.

Library code raises these; only ``exitplan.cli`` prints them and picks the exit code
(DESIGN.md §7), so a caller embedding exitplan gets exceptions, never ``sys.exit``.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import reprlib
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SIGNALS_ARRIVED: list[BaseException] = []
"""The Ctrl-C and SIGTERM exceptions the console script's handlers have raised in this
process (``exitplan.entry``; empty when exitplan runs inside another program). An error
that reaches the top after one of them is that signal's doing, even when an extension
turned it into an error of its own that keeps only its words."""


WATCHDOG_SET: list[int] = []
"""The seconds within which the console script's watchdog ends the process once the first
Ctrl-C or SIGTERM has arrived (``exitplan.entry``); empty without one (a console with no
``SIGALRM``, as on Windows, or exitplan inside another program). Only with one may a wait
let a second Ctrl-C pass: the watchdog still ends a wait that never would."""


SIGNAL_AFTERMATH: list[str] = []
"""What a Ctrl-C or SIGTERM from now on leaves behind, said after "interrupted" when the
command has done what it was for (``load``, once readers see the new copy): see
``after_a_signal``."""


@contextmanager
def after_a_signal(words: str) -> Iterator[None]:
    """Within it, a Ctrl-C or SIGTERM is told with ``words``; they are dropped when the
    block ends or fails of itself (a signal's exception leaves them for ``exitplan.entry``
    to say)."""
    SIGNAL_AFTERMATH.append(words)
    try:
        yield
    except Exception:
        SIGNAL_AFTERMATH.remove(words)
        raise
    SIGNAL_AFTERMATH.remove(words)


class ExitplanError(Exception):
    """Base class: a problem the user can act on. The message is shown as it is."""

    exit_code = 2


class UsageError(ExitplanError):
    """A command was asked for something that cannot be done (bad flag value, unknown id)."""


class BackendError(ExitplanError):
    """The graph backend is unreachable or refused us (wrong password, database down)."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, at a place an editor can jump to.

    ``line`` is 1-based; 0 means the problem concerns the whole file or several files.
    ``field`` is the dotted path inside the document (``components[3].depends_on[0].ref``).
    """

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{place}: {self.field}: {self.message}" if self.field else f"{place}: {self.message}"
        )


_INDEX = re.compile(r"(\d+)")


def _place(problem: Problem) -> tuple[object, ...]:
    """Where a problem is, to sort by: file, line, then the field with its indexes as
    numbers (``alternatives[99]`` before ``alternatives[995]``), then the message."""
    parts = _INDEX.split(problem.field)
    field = tuple((int(p), "") if i % 2 else (-1, p) for i, p in enumerate(parts))
    return problem.file, problem.line, field, problem.message


class InvalidInputError(ExitplanError):
    """One or more input files are wrong; every problem found is listed, sorted by place."""

    def __init__(
        self, problems: list[Problem], *, what: str = "estate", many: bool = False
    ) -> None:
        self.problems = sorted(set(problems), key=_place)
        self.what = what
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        # Escaped here, not only where printed, so that one problem stays one line even
        # when a key or a file name read from disk holds a line feed.
        lines = [printable(str(p)) for p in self.problems]
        lines.append(f"{count} {noun} found; the {what} {'were' if many else 'was'} not loaded.")
        super().__init__("\n".join(lines))


def display_path(path: Path) -> str:
    """A path as the user should see it: relative to the working directory when inside it.

    Links are not resolved, so a file reached through a link is named by the link (the
    name the user sees in the folder), and a looping or dangling link can still be named.
    """
    working = Path.cwd()
    try:
        return str(Path(os.path.abspath(path)).relative_to(working))
    except ValueError:
        pass
    try:
        return str(path.resolve().relative_to(working.resolve()))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a loop of links (3.11)
        return str(path)


SHORT = 60
"""About how many characters of a value read from a file a message quotes."""

_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxdict, _REPR.maxlist, _REPR.maxtuple = 2, 4, 4, 4
_REPR.maxstring = _REPR.maxlong = _REPR.maxother = SHORT


def value_kind(value: object) -> str:
    """What a value read from YAML or JSON is, in words ("a list", "a mapping", "a
    number"), for a message about a value of the wrong kind."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "empty"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return "a text" if isinstance(value, str) else f"a {type(value).__name__}"


def abbreviate(value: object, limit: int = SHORT) -> str:
    """``repr(value)`` cut to about ``limit`` characters, so that a message quoting a
    value read from a file stays one readable line whatever the file holds; a long text
    says how long it was.

    >>> abbreviate("a" * 100_000, limit=8)
    "'aaaaaaa…' (100,000 characters)"
    """
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[: limit - 1] + '…'!r} ({len(value):,} characters)"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"a number of {value.bit_length() * 30103 // 100000 + 1:,} digits"
    try:
        text = _REPR.repr(value)
    except ValueError:  # an integer inside too long to show in decimal
        text = f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


INVISIBLE = frozenset(
    [
        *range(0x00, 0x20),  # C0 control characters
        0x7F,  # DEL
        *range(0x80, 0xA0),  # C1 control characters
        *(0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)),  # direction marks
        0x061C,  # the Arabic letter mark, a direction mark too
        0x200D,  # the zero-width joiner: rich (15) fails on one that joins nothing
        0x200B,  # the zero-width space and the word joiner: nothing to see, yet two names
        0x2060,  # with and without one differ
        0xE0001,  # the tag characters: invisible text riding inside a name
        *range(0xE0020, 0xE0080),
        0x2028,  # the line and paragraph separators: a line break to some readers (a
        0x2029,  # browser's script, a PNG renderer that drops the rest of the line)
        0xFEFF,  # a byte order mark inside a name (concatenated exports): matplotlib's PDF
        # writer fails on it, and it hides in every other output
        0xFFFE,  # Unicode's noncharacters: no XML output (a workbook, a deck) can carry them
        0xFFFF,
    ]
)


def shorten(text: str, most: int = 120) -> str:
    """``text`` cut to ``most`` characters, its end shown as "…" (a line of a message, a
    title or a vendor's box in a diagram)."""
    return text if len(text) <= most else text[: most - 1] + "…"


def with_article(word: str) -> str:
    """``word`` with its article: a component, an organisation, an alternative."""
    return f"{'an' if word[:1] in {'a', 'e', 'i', 'o', 'u'} else 'a'} {word}"


def plural(count: int, word: str, many: str | None = None) -> str:
    """``"1 step"``, ``"2 steps"``, ``"1,200 users"``; ``many`` for a word that is not
    made plural with an s."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def ended(text: str) -> str:
    """``text`` ended as a sentence: a full stop after it, unless it ends already with
    ".", "!", "?" or "…" (a name at its end may end it: "Does not cover Mail etc.")."""
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def agreeing(count: int, one: str, many: str) -> str:
    """The form of a word that agrees with ``count``: ``agreeing(1, "is", "are")`` is
    ``"is"``; any other count takes ``many``, as "0 steps are" does."""
    return one if count == 1 else many


def told_apart(names: Mapping[str, str], beside: Mapping[str, str] | None = None) -> dict[str, str]:
    """Names by id, where two ids share a name each with its id (``LAN (lan-net)``), so
    that a chain through both does not read as a loop, nor two components as one. Names
    that look alike are shared: "Café" composed and decomposed, with or without an
    invisible character, in another case. With ``beside``, more names (of ids not in
    ``names``), each with its id where its name is shared with any other; ``names`` read
    as they would alone."""
    seen = {node_id: _looks(name) for node_id, name in names.items()}
    shared = Counter(seen.values())
    told = {
        node_id: f"{name} ({node_id})" if shared[seen[node_id]] > 1 and name != node_id else name
        for node_id, name in names.items()
    }
    more = {
        node_id: _looks(name) for node_id, name in (beside or {}).items() if node_id not in names
    }
    every = shared + Counter(more.values())
    for node_id, looks in more.items():
        name = (beside or {})[node_id]
        told[node_id] = f"{name} ({node_id})" if every[looks] > 1 and name != node_id else name
    return told


def _looks(name: str) -> str:
    """What a name looks like on a page: its compatibility form, without the characters
    that draw nothing, and without case (``Café LAN`` in either Unicode form)."""
    drawn = unicodedata.normalize("NFKC", name)
    return "".join(c for c in drawn if c.isspace() or draws(c)).casefold()


BLANK_LOOKING = frozenset("\u115f\u1160\u2800\u3164\uffa0")
"""Printable letters and symbols that draw nothing: the Hangul fillers and the blank
Braille pattern."""


def draws(character: str) -> bool:
    """Whether a character puts ink on the page: not a space, a control or format
    character, a mark (a variation selector, the combining grapheme joiner; a mark on a
    letter draws, but the letter is what counts), nor one of ``BLANK_LOOKING``."""
    return (
        character.isprintable()
        and not character.isspace()
        and character not in BLANK_LOOKING
        and unicodedata.category(character) not in ("Mn", "Me", "Cf")
    )


def listed(
    items: Iterable[str], *, most: int | None = None, more: str = "more", last: str = "and"
) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"`` (``last="or"``: ``"a, b or c"``); with
    ``most``, a list longer than one more than that names the first ``most`` and counts the
    rest: ``"a, b, c and 4 more files"`` (``more="more files"``)."""
    words = list(items)
    if most is not None and len(words) > most + 1:
        words = [*words[:most], f"{len(words) - most:,} {more}"]
    return f" {last} ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def os_reason(error: BaseException | int) -> str:
    """An operating-system error (or its number) in words that fit after a colon, as the
    system says it but for its first letter: "permission denied", "no space left on
    device"."""
    if isinstance(error, int):
        text = os.strerror(error)
    elif isinstance(error, OSError) and error.strerror:
        text = error.strerror
    else:  # not the system's words: as they are ("I/O operation on closed file")
        return str(error) or type(error).__name__
    return text[:1].lower() + text[1:]


def in_weeks(value: float) -> str:
    """``"1 week"``, ``"2.5 weeks"``, ``"0 weeks"``: to two decimals at most (5e-324
    weeks, from a duration written so, is 0)."""
    shown = round(value, 2) + 0.0  # no "-0"
    return f"{decimal_text(shown)} {'week' if shown == 1 else 'weeks'}"


def decimal_text(value: float) -> str:
    """``value`` to two decimals at most, without an exponent below a billion
    (``1126670``, not ``1.12667e+06``)."""
    if not math.isfinite(value) or abs(value) >= 1e9:
        return f"{value:g}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def printable(text: str, *, newlines: bool = False, keep: str = "") -> str:
    """``text`` with every control character (C0, DEL, C1) and every bidirectional
    override shown as an escape (``\\x1b``, ``\\u202e``), so that a name read from a file
    can neither drive a terminal (colours, cursor moves, a title change) nor reorder
    what is shown around it. The zero-width joiner is shown as ``\\u200d`` too: rich
    cannot lay out a line where it joins nothing (a traceback instead of a table). With
    ``newlines``, line feeds stay line feeds; so do the characters in ``keep``.

    >>> printable("evil\\x1b[31mred")
    'evil\\\\x1b[31mred'
    """
    if text.isprintable():  # the common case: no control or format character at all
        return text
    shown = []
    for character in text:
        code = ord(character)
        if (character == "\n" and newlines) or character in keep:
            shown.append(character)
        elif 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is no UTF-8
            shown.append(f"\\x{code - 0xDC00:02x}")
        elif code in INVISIBLE or 0xD800 <= code <= 0xDFFF:  # or a lone surrogate
            shown.append(
                f"\\x{code:02x}"
                if code < 0x100
                else f"\\u{code:04x}"
                if code < 0x10000
                else f"\\U{code:08x}"
            )
        else:
            shown.append(character)
    return "".join(shown)


LONGEST_WORD_SUGGESTED = 128
"""Longer words get no "did you mean": no id is longer, and comparing costs time."""


SUGGESTION_BUDGET = 100_000
"""Id comparisons spent on "did you mean" hints by one load or one check of a scenario:
thousands of unknown ids against an estate of tens of thousands would take hours. A
comparison of ids much alike costs about 60 µs (difflib), so the hints cost 6 s at most."""


class Suggestions:
    """``did_you_mean`` within a budget of comparisons shared by the hints of one load or
    check; once it is spent, the problems left are told without a hint."""

    def __init__(self, budget: int = SUGGESTION_BUDGET) -> None:
        self.left = budget

    def __call__(self, word: str, choices: Collection[str]) -> str:
        if len(choices) > self.left:
            return ""
        self.left -= len(choices)
        return did_you_mean(word, choices)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'entra-id'?"`` for the closest of ``choices``, or nothing; the one
    place every "unknown ..." message gets its suggestion from."""
    if len(word) > LONGEST_WORD_SUGGESTED:
        return ""
    match = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"; did you mean {match[0]!r}?" if match else ""
