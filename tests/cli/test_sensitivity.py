"""``exitplan sensitivity`` as a user runs it: the ranking it prints must be what running
the scenario on the estate, edited by hand, gives."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest

from exitplan.cli.common import CountOrAll
from exitplan.loading import load_estate
from exitplan.model import EstateFile
from exitplan.render.rows import sensitivity_changes
from exitplan.simulate.sensitivity import Change
from tests.conftest import REPO, RunCli, cli
from tests.reliability.test_outputs import HOSTILE, RAW_CONTROL, write_estate

SCENARIO = REPO / "scenarios" / "leave-microsoft.yaml"


def _late(step: dict[str, Any]) -> bool:
    """Past its deadline, as the JSON says it (negative slack, not blocked)."""
    return step["slack_days"] is not None and step["slack_days"] < 0 and not step["blocked"]


Read = Callable[[dict[str, Any]], Any]
FIGURES: dict[
    str, tuple[str, Read]
] = {  # a figure: its key in the headline, and where `run --format json` has it
    "services broken": ("services_broken", lambda run: run["summary"]["services_broken"]),
    "users losing a service": ("users_broken", lambda run: run["summary"]["users_broken"]),
    "components with no alternative": (
        "missing_alternatives",
        lambda run: run["summary"]["missing_alternatives"],
    ),
    "critical path weeks": (
        "critical_path_weeks",
        lambda run: run["summary"]["critical_path_weeks"],
    ),
    "finish": ("finish", lambda run: run["plan"]["finish_day"]),
    "steps late": ("steps_late", lambda run: sum(map(_late, run["plan"]["steps"]))),
    "steps blocked": ("steps_blocked", lambda run: run["summary"]["blocked_steps"]),
    "needs not in the plan": (
        "needs_not_in_plan",
        lambda run: run["summary"]["needs_not_in_plan"],
    ),
}


@pytest.fixture(scope="module")
def ranked() -> dict[str, Any]:
    result = cli("sensitivity", SCENARIO, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return dict(json.loads(result.stdout))


def _without(source: str, target: str, folder: Path) -> Path:
    """The example estate with ``source → target`` deleted, as one JSON file, and a copy
    of the scenario that runs on it."""
    estate = load_estate(REPO / "graphs" / "gothenburg")
    components, services = list(estate.components), list(estate.services)
    owners: list[list[Any]] = [components, services]
    for items in owners:
        for index, owner in enumerate(items):
            if owner.id == source:
                kept = tuple(d for d in owner.depends_on if d.ref != target)
                assert len(kept) == len(owner.depends_on) - 1
                items[index] = owner.model_copy(update={"depends_on": kept})
    edited = EstateFile(
        estate=estate.info,
        vendors=estate.vendors,
        components=tuple(components),
        services=tuple(services),
        capabilities=estate.capabilities,
        organisations=estate.organisations,
        data_flows=estate.data_flows,
        alternatives=estate.alternatives,
    )
    folder.mkdir()
    (folder / "estate.json").write_text(
        edited.model_dump_json(by_alias=True, exclude_defaults=True), encoding="utf-8"
    )
    scenario = folder / "scenario.yaml"
    scenario.write_text(
        SCENARIO.read_text(encoding="utf-8").replace("../graphs/gothenburg", "estate.json"),
        encoding="utf-8",
    )
    return scenario


def test_the_most_decisive_dependency_agrees_with_a_run_of_the_edited_estate(
    ranked: dict[str, Any], tmp_path: Path, run_cli: RunCli
) -> None:
    first = next(
        a for a in ranked["assumptions"] if a["kind"] == "dependency" and a["variation"] == "absent"
    )
    source, target = first["subject"].split(" → ")
    result = run_cli("run", _without(source, target, tmp_path / "edited"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    again = json.loads(result.stdout)
    headline = ranked["headline"]
    changed = {c["figure"]: c["after"] for c in first["changes"]}
    assert changed  # it is ranked because it changes something
    assert headline["users_recorded"] is True  # says users_broken is a count, not a figure
    assert headline["steps_lateness_unknown"] == 0  # dated: every step's lateness is known
    notes = {"users_recorded", "steps_lateness_unknown"}
    assert set(headline) - notes == {key for key, _ in FIGURES.values()}
    for figure, (key, read) in FIGURES.items():
        assert read(again) == changed.get(figure, headline[key]), figure


def test_the_ranking_follows_the_largest_change_then_the_number_of_changes(
    ranked: dict[str, Any],
) -> None:
    weights = [
        (max(c["relative"] for c in a["changes"]), len(a["changes"])) for a in ranked["assumptions"]
    ]
    assert weights == sorted(weights, reverse=True)
    assert all(a["chain"] for a in ranked["assumptions"])  # each says why it matters
    assert ranked["simulations"] >= len(ranked["assumptions"])
    assert [a["rank"] for a in ranked["assumptions"]] == list(
        range(1, len(ranked["assumptions"]) + 1)
    )


def test_a_variation_that_blocks_more_steps_says_so_beside_its_earlier_finish(
    ranked: dict[str, Any],
) -> None:
    """Losing an alternative blocks steps, and the finish of those left can come sooner:
    "finish 2029-08-05 → 2028-08-06" alone read as if the exit were quicker."""
    earlier = [
        changes
        for assumption in ranked["assumptions"]
        for variation in assumption["variations"]
        if (changes := {c["figure"]: c for c in variation["changes"]})
        and "finish" in changes
        and changes["finish"]["after"] is not None
        and changes["finish"]["after"] < changes["finish"]["before"]
        and "components with no alternative" in changes
    ]
    assert earlier
    for changes in earlier:
        blocked = changes["steps blocked"]
        assert blocked["after"] > blocked["before"]
    assert ranked["headline"]["steps_blocked"] == 8


def test_table_markdown_and_csv_show_the_first_n(run_cli: RunCli, ranked: dict[str, Any]) -> None:
    table = run_cli("sensitivity", SCENARIO, "--top", "3")
    assert table.exit_code == 0, table.stderr
    assert "Verify these first" in table.stdout
    assert f"The first 3 of {len(ranked['assumptions'])}." in table.stdout
    markdown = run_cli("sensitivity", SCENARIO, "--top", "3", "--format", "markdown")
    assert markdown.stdout.startswith("# Sensitivity: leave-microsoft")
    assert markdown.stdout.count("\n| ") == 1 + 3  # header and three rows
    text = run_cli("sensitivity", SCENARIO, "--top", "3", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["assumption", "if it is wrong", "what changes", "chain"]
    assert [row[:2] for row in rows[1:]] == [
        [f"{a['kind']}: {a['subject']}", a["variation"]] for a in ranked["assumptions"][:3]
    ]


def test_the_same_scenario_gives_the_same_bytes(run_cli: RunCli) -> None:
    once = run_cli("sensitivity", SCENARIO, "--format", "json").stdout
    assert once == run_cli("sensitivity", SCENARIO, "--format", "json").stdout


@pytest.mark.parametrize("output_format", ["table", "markdown", "csv", "json"])
def test_hostile_names_and_notes_never_reach_the_terminal(
    output_format: str, tmp_path: Path, run_cli: RunCli
) -> None:
    _, scenario = write_estate(
        tmp_path / "in",
        HOSTILE,
        components=[
            {"id": "a", "name": HOSTILE, "vendor": "v", "delivery": "saas", "assumed": True,
             "note": f"=HYPERLINK(\"x\") {HOSTILE}"},
            {"id": "b", "name": f"B {HOSTILE}", "vendor": "w", "delivery": "saas",
             "depends_on": [{"ref": "a", "assumed": True, "note": HOSTILE}]},
            {"id": "k", "name": f"K {HOSTILE}", "vendor": "w", "delivery": "saas",
             "lifecycle": "candidate"},
        ],
    )  # fmt: skip
    result = run_cli("sensitivity", scenario, "--format", output_format)
    assert result.exit_code == 0, result.stderr
    assert not RAW_CONTROL.search(result.stdout), repr(result.stdout[:500])
    assert "Traceback" not in result.stderr
    if output_format == "json":
        found = json.loads(result.stdout)["assumptions"]
        assert {a["subject"] for a in found} >= {"a", "b → a"}
        assert any(a["what"] == HOSTILE for a in found)  # escaped in the text, whole parsed


def test_a_missing_scenario_is_a_usage_error(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("sensitivity", tmp_path / "none.yaml")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_a_scenario_that_prefers_an_alternative_can_lose_it(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """Varying "not viable" removes the preferred pair; the scenario, checked once against
    the real estate, still runs on the varied one (as the report's section does)."""
    scenario = tmp_path / "prefer.yaml"
    scenario.write_text(
        f"id: prefer\ntitle: Prefer Nubus\nestate: {REPO / 'graphs' / 'gothenburg'}\n"
        "withdraw: [vendor:microsoft]\nmode: exit\nprefer: {entra-id: univention-nubus}\n",
        encoding="utf-8",
    )
    result = run_cli("sensitivity", scenario, "--format", "json")
    assert result.exit_code == 0, result.stderr
    tried = {
        (a["subject"], v["variation"])
        for a in json.loads(result.stdout)["assumptions"]
        for v in a["variations"]
    }
    assert ("univention-nubus for entra-id", "not viable") in tried
    report = run_cli("report", scenario, "-o", tmp_path / "prefer.md")
    assert report.exit_code == 0, report.stderr
    assert "## Verify these first" in (tmp_path / "prefer.md").read_text(encoding="utf-8")


def test_every_chain_runs_from_a_service_down_through_what_is_assumed(
    ranked: dict[str, Any],
) -> None:
    """docs/outputs.md: "the chain from an affected service through what is assumed"; a
    withdrawn component's own chain is the component alone, which is no such chain."""
    estate = load_estate(REPO / "graphs" / "gothenburg")
    services = {s.id for s in estate.services}
    needs = {c.id: {d.ref for d in c.depends_on} for c in estate.components}
    needs |= {s.id: {d.ref for d in s.depends_on} for s in estate.services}
    assert ranked["assumptions"]
    for found in ranked["assumptions"]:
        chain = found["chain"]
        assert chain[0] in services, (found["subject"], chain)
        for upper, lower in itertools.pairwise(chain):
            assert lower in needs[upper], (found["subject"], chain)


def test_a_limit_varies_the_likeliest_and_says_how_many_it_left(
    run_cli: RunCli, ranked: dict[str, Any]
) -> None:
    result = run_cli("sensitivity", SCENARIO, "--most", "5", "--format", "json")
    assert result.exit_code == 0, result.stderr
    limited = json.loads(result.stdout)
    varied = len(ranked["assumptions"]) + ranked["unchanged"]
    assert (limited["limit"], ranked["limit"]) == (5, 100)  # 100: the default
    assert ranked["beyond_limit"] == 0
    assert len(limited["assumptions"]) + limited["unchanged"] + limited["beyond_limit"] == varied
    assert limited["beyond_limit"] > 0
    assert limited["simulations"] < ranked["simulations"]
    everything = {(a["kind"], a["subject"]): a for a in ranked["assumptions"]}
    for found in limited["assumptions"]:  # as decisive as without the limit
        assert {**found, "rank": 0} == {**everything[(found["kind"], found["subject"])], "rank": 0}
    table = run_cli("sensitivity", SCENARIO, "--most", "5")
    left = f"{limited['beyond_limit']:,} more assumptions were not varied: only the 5 likeliest"
    assert left in " ".join(table.stdout.split())
    csv_only = run_cli("sensitivity", SCENARIO, "--most", "5", "--format", "csv")
    assert f"{limited['beyond_limit']:,} assumptions were not varied (--most 5)" in csv_only.stderr
    every = run_cli("sensitivity", SCENARIO, "--most", "all", "--format", "json")
    assert json.loads(every.stdout) == {**ranked, "limit": None}


@pytest.mark.parametrize(
    "most",
    ["0", "-3", "x", "", "1.5", "ALL", "²", "①", "٣", "\U0001d7d3", "9" * 5000, "+5", "1_000"],
)
def test_a_limit_that_is_not_a_count_is_a_usage_error(run_cli: RunCli, most: str) -> None:
    result = run_cli("sensitivity", SCENARIO, "--most", most)
    assert result.exit_code == 2
    assert "--most" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


MOST = CountOrAll("more than any estate has assumptions: 'all' varies each")


@pytest.mark.parametrize(
    ("given", "read", "said"),
    [
        ("5", 5, None),
        (" 12 ", 12, None),
        ("all", None, None),
        ("0", None, "'0' is neither a count from 1 nor 'all'"),
        ("-3", None, "'-3' is neither a count from 1 nor 'all'"),
        ("five", None, "'five' is neither a count from 1 nor 'all'"),
        ("٣", None, "is neither a count from 1 nor 'all'"),  # a digit, but not ASCII
        ("9" * 19, None, "is more than any estate has assumptions: 'all' varies each"),
        ("9" * 5_000, None, "(5,000 characters) is more than any estate has assumptions"),
    ],
)
def test_most_reads_a_count_or_all(given: str, read: int | None, said: str | None) -> None:
    if said is None:
        assert MOST.convert(given, None, None) == read
    else:
        with pytest.raises(click.BadParameter) as raised:
            MOST.convert(given, None, None)
        assert said in raised.value.message


@pytest.mark.parametrize(
    ("blocked", "needs", "told"),
    [
        ((0, 1), None, "finish week 20 → week 8; steps late 3 → 1; steps blocked 0 → 1 (not "
         "counted in the finish or steps late)"),
        ((1, 0), None, "finish week 20 → week 8; steps late 3 → 1; steps blocked 1 → 0"),
        (None, None, "finish week 20 → week 8; steps late 3 → 1"),
        (None, (0, 1), "finish week 20 → week 8; steps late 3 → 1; needs not in the plan 0 → 1 "
         "(not counted in the finish or steps late)"),
        (None, (1, 0), "finish week 20 → week 8; steps late 3 → 1; needs not in the plan 1 → 0"),
        ((0, 1), (0, 1), "finish week 20 → week 8; steps late 3 → 1; steps blocked 0 → 1 (not "
         "counted in the finish or steps late); needs not in the plan 0 → 1"),
    ],
    ids=["more-blocked", "fewer-blocked", "as-many", "more-needs", "fewer-needs", "both"],
)  # fmt: skip
def test_figures_that_move_as_steps_are_blocked_say_so(
    blocked: tuple[int, int] | None, needs: tuple[int, int] | None, told: str
) -> None:
    """A lost alternative read as bringing the finish forward and making fewer steps late
    (helper-88, helper-91); so did one that leaves a need to no step: Univention Nubus
    not viable read as a year saved (helper-94)."""
    changes = [Change("finish", 140, 56, 0.6), Change("steps late", 3, 1, 0.6)]
    if blocked is not None:
        changes.append(Change("steps blocked", *blocked, 1.0))
    if needs is not None:
        changes.append(Change("needs not in the plan", *needs, 1.0))
    assert sensitivity_changes(changes, None) == told
