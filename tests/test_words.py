"""Counts and kinds in the sentences people read: "1 step in 1 wave", "an organisation".
The helpers are table-tested; the CLI rows check that the words reach what is written."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from exitplan.errors import (
    Suggestions,
    agreeing,
    ended,
    in_weeks,
    listed,
    os_reason,
    plural,
    told_apart,
    with_article,
)
from exitplan.render.rows import sentences, varied_outcome
from tests.conftest import RunCli


@pytest.mark.parametrize(
    ("count", "word", "many", "said"),
    [
        (0, "step", None, "0 steps"),
        (1, "step", None, "1 step"),
        (2, "wave", None, "2 waves"),
        (1, "dependency step", None, "1 dependency step"),
        (12_500, "user", None, "12,500 users"),
        (1, "property", "properties", "1 property"),
        (3, "property", "properties", "3 properties"),
    ],
)
def test_plural(count: int, word: str, many: str | None, said: str) -> None:
    assert plural(count, word, many) == said


@pytest.mark.parametrize(
    ("count", "one", "many", "said"),
    [
        (0, "is", "are", "are"),
        (1, "is", "are", "is"),
        (2, "breaks", "break", "break"),
        (1, "it", "them", "it"),
        (-1, "has", "have", "have"),
    ],
)
def test_agreeing(count: int, one: str, many: str, said: str) -> None:
    assert agreeing(count, one, many) == said


@pytest.mark.parametrize(
    ("items", "most", "said"),
    [
        ([], None, ""),
        (["a"], None, "a"),
        (["a", "b"], None, "a and b"),
        (["a", "b", "c"], None, "a, b and c"),
        (["a", "b", "c", "d"], 3, "a, b, c and d"),  # one more is named, not counted
        (["a", "b", "c", "d", "e"], 3, "a, b, c and 2 more files"),
        ([f"f{n}" for n in range(1_203)], 1, "f0 and 1,202 more files"),
    ],
)
def test_listed(items: list[str], most: int | None, said: str) -> None:
    assert listed(items, most=most, more="more files") == said


@pytest.mark.parametrize(
    ("weeks", "said"),
    [
        (0, "0 weeks"),
        (1, "1 week"),
        (1.0, "1 week"),
        (2.5, "2.5 weeks"),
        (5e-324, "0 weeks"),  # "critical path 4.94066e-324 weeks" (helper-60)
        (100 / 3, "33.33 weeks"),
        (0.999, "1 week"),
        (1_126_670.4, "1126670.4 weeks"),  # not 1.12667e+06 (helper-61)
    ],
)
def test_in_weeks(weeks: float, said: str) -> None:
    assert in_weeks(weeks) == said


@pytest.mark.parametrize(
    ("word", "said"),
    [
        ("component", "a component"),
        ("organisation", "an organisation"),
        ("alternative", "an alternative"),
        ("vendor", "a vendor"),
        ("", "a "),
    ],
)
def test_with_article(word: str, said: str) -> None:
    assert with_article(word) == said


@pytest.mark.parametrize(
    ("command", "said", "not_said"),
    [
        (
            ("diagram", "graphs/gothenburg", "-w", "component:intune", "--view", "plan"),
            "1 step in 1 wave;",
            "1 steps",
        ),
        (
            ("diagram", "graphs/gothenburg", "--view", "estate", "--focus", "it-arbetsplats"),
            "1 dependency step either way",
            "1 dependency steps",
        ),
    ],
)
def test_one_is_singular_in_diagrams(
    run_cli: RunCli, tmp_path: Path, command: tuple[str, ...], said: str, not_said: str
) -> None:
    target = tmp_path / "picture.dot"
    extra = ("--depth", "1") if "--focus" in command else ()
    result = run_cli(*command, *extra, "-o", target)
    assert result.exit_code == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    assert said in text
    assert not_said not in text


def test_an_organisation_is_named_with_its_article(run_cli: RunCli) -> None:
    result = run_cli("what-breaks-if", "graphs/gothenburg", "stadsledningskontoret")
    assert result.exit_code == 2
    assert "'stadsledningskontoret' is an organisation;" in result.stderr


@pytest.mark.parametrize(
    ("changed", "unchanged", "said"),
    [
        (38, 30, ": 38 change the figures, 30 change nothing"),
        (3, 0, ": 3 change the figures"),
        (0, 1, ": 1 changes nothing"),
        (1, 1, ": 1 changes the figures, 1 changes nothing"),
        (0, 0, ""),
    ],
)
def test_what_varying_the_assumptions_changed(changed: int, unchanged: int, said: str) -> None:
    """A count of none is left out: never "0 change nothing"."""
    assert varied_outcome(changed, unchanged) == said


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (errno.EACCES, "permission denied"),
        (errno.ENOSPC, "no space left on device"),
        (OSError(errno.ENOENT, "No such file or directory"), "no such file or directory"),
        (PermissionError(errno.EACCES, "Permission denied", "x.csv"), "permission denied"),
        (OSError("no number"), "no number"),
        (ValueError("I/O operation on closed file."), "I/O operation on closed file."),
        (ValueError(), "ValueError"),
    ],
)
def test_os_reason(error: BaseException | int, said: str) -> None:
    """The system's reason fits after a colon, lower-case; other words stay as they are."""
    assert os_reason(error) == said


@pytest.mark.parametrize(
    ("names", "told"),
    [
        ({"a": "LAN", "b": "WAN"}, {"a": "LAN", "b": "WAN"}),
        ({"a": "LAN", "b": "LAN"}, {"a": "LAN (a)", "b": "LAN (b)"}),
        # composed and decomposed é: alike on the page (helper-63)
        (
            {"a": "Caf\u00e9 LAN", "b": "Cafe\u0301 LAN"},
            {"a": "Caf\u00e9 LAN (a)", "b": "Cafe\u0301 LAN (b)"},
        ),
        ({"a": "LAN", "b": "LAN\u200b"}, {"a": "LAN (a)", "b": "LAN\u200b (b)"}),
        ({"a": "LAN", "b": "lan"}, {"a": "LAN (a)", "b": "lan (b)"}),
        ({"a": "LAN", "b": "LAN\ufe0f"}, {"a": "LAN (a)", "b": "LAN\ufe0f (b)"}),
        ({"lan": "lan", "b": "LAN"}, {"lan": "lan", "b": "LAN (b)"}),  # the id is the name
    ],
)
def test_names_that_look_alike_are_told_apart_by_their_ids(
    names: dict[str, str], told: dict[str, str]
) -> None:
    assert told_apart(names) == told


@pytest.mark.parametrize(
    ("names", "beside", "told"),
    [
        ({"a": "Mail"}, {"v": "Mail"}, {"a": "Mail", "v": "Mail (v)"}),  # names as alone
        ({"a": "LAN", "b": "LAN"}, {"c": "WAN"}, {"a": "LAN (a)", "b": "LAN (b)", "c": "WAN"}),
        ({"a": "LAN"}, {"c": "lan", "d": "LAN"}, {"a": "LAN", "c": "lan (c)", "d": "LAN (d)"}),
        ({"a": "LAN"}, {"a": "Other"}, {"a": "LAN"}),  # an id in names keeps its name
    ],
)
def test_names_beside_are_told_apart_from_all_and_leave_the_others_alone(
    names: dict[str, str], beside: dict[str, str], told: dict[str, str]
) -> None:
    """The nodes a document names beyond its simulation: each with its id where its name
    is taken, and the simulation's nodes read as the Gantt chart shows them."""
    assert told_apart(names, beside=beside) == told


def test_suggestions_stop_when_their_budget_is_spent() -> None:
    """Hundreds of mistyped ids against an estate of 20,000 took minutes of difflib
    (helper-87): the hints of one load or check share a budget of comparisons."""
    hints = Suggestions(budget=5)
    assert hints("alpah", ["alpha", "beta", "gamma"]) == "; did you mean 'alpha'?"
    assert hints("bteta", ["alpha", "beta", "gamma"]) == ""  # 3 more than the 2 left
    assert hints("gama", ["gamma"]) == "; did you mean 'gamma'?"  # 1 is within them
    assert hints.left == 1


@pytest.mark.parametrize(
    ("items", "said"),
    [
        (["Does not cover Mail", "slow"], "Does not cover Mail. slow."),
        (["Does not cover Mail etc.", "Why?"], "Does not cover Mail etc. Why?"),
        (["Does not cover Mail…", "  "], "Does not cover Mail…"),  # helper-102: not "Mail…."
    ],
)
def test_sentences_end_once(items: list[str], said: str) -> None:
    assert sentences(items) == said


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Does not cover Mail", "Does not cover Mail."),
        ("Does not cover Mail etc.", "Does not cover Mail etc."),
        ("Does not cover Q&A?", "Does not cover Q&A?"),
        ("Does not cover Yahoo!", "Does not cover Yahoo!"),
        ("Does not cover Mail…", "Does not cover Mail…"),
        ("Does not cover Mail:", "Does not cover Mail:."),  # helper-102 noticed; left
    ],
)
def test_a_sentence_ends_once(text: str, said: str) -> None:
    """The one rule the simulation's gaps, the report's paragraphs and an imported
    SBOM's notes end their sentences by."""
    assert ended(text) == said
