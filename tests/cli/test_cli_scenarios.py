"""Scenario files are checked like estates: every id they name must be in the estate, and
each problem names the scenario's file, line and field, with a suggestion."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import shutil
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from exitplan.loading import read_document
from exitplan.render.csv import dump_simulation_csv
from exitplan.render.rows import brought_in_sentences, headline, status
from exitplan.simulate import simulate
from exitplan.simulate.result import Simulation
from tests.conftest import EXAMPLE, REPO, RunCli, WriteFiles
from tests.reliability.test_outputs import write_estate
from tests.simulate.build import build

HEAD = f"id: s\ntitle: S\nestate: {EXAMPLE}\n"

BAD = [
    pytest.param(
        "withdraw: [vendor:microsfot]\n",
        "s.yaml:4: withdraw[0]: selector vendor:microsfot: no vendor 'microsfot' in estate "
        "'gothenburg'; did you mean 'microsoft'?",
        id="unknown-vendor",
    ),
    pytest.param(
        "withdraw:\n  - component:intune\n  - component:intnue\n",
        "s.yaml:6: withdraw[1]: selector component:intnue: no component 'intnue'",
        id="unknown-component-second-line",
    ),
    pytest.param(
        "withdraw: [component:intune]\nprefer: {intune: flet}\n",
        "s.yaml:5: prefer.intune: no candidate component 'flet' in estate 'gothenburg'; "
        "did you mean 'fleet'?",
        id="unknown-candidate",
    ),
    pytest.param(
        "withdraw: [component:intune]\nprefer: {intnue: fleet}\n",
        "s.yaml:5: prefer.intnue: no component 'intnue' in estate 'gothenburg'; "
        "did you mean 'intune'?",
        id="unknown-incumbent",
    ),
    pytest.param(
        "withdraw: [component:intune]\nprefer: {intune: keycloak}\n",
        "s.yaml:5: prefer.intune: 'keycloak' is not an alternative for 'intune' in the "
        "estate (its alternatives: baramundi, fleet)",
        id="not-an-alternative",
    ),
    pytest.param(  # the plan took fleet without a word (helper-57)
        "withdraw: [component:intune]\nprefer: {intune: baramundi}\n"
        "exclude_candidates: [baramundi]\n",
        "s.yaml:5: prefer.intune: 'baramundi' is preferred here and excluded by "
        "exclude_candidates; keep one of the two",
        id="preferred-and-excluded",
    ),
    pytest.param(
        "withdraw: [component:intune]\nexclude_candidates:\n  - fleet\n  - baramundy\n",
        "s.yaml:7: exclude_candidates[1]: no component 'baramundy' in estate 'gothenburg'; "
        "did you mean 'baramundi'?",
        id="unknown-excluded-candidate",
    ),
    pytest.param(
        "withdraw: [component:intune]\ncapacity:\n  parallel_steps: 0\n",
        "s.yaml:6: capacity.parallel_steps: Input should be greater than or equal to 1",
        id="no-parallel-steps",
    ),
    pytest.param(
        "withdraw: [component:intune]\ncapacity: {}\n",
        "s.yaml:5: capacity: give parallel_steps, person_weeks_per_month or both",
        id="empty-capacity",
    ),
    pytest.param(
        "withdraw: [component:intune]\ncapacity: {person_weeks_per_month: .inf}\n",
        "s.yaml:5: capacity.person_weeks_per_month:",
        id="infinite-people",
    ),
    pytest.param(
        "withdraw: [component:intune]\ncapacity: {parallel_steps: '3'}\n",
        "s.yaml:5: capacity.parallel_steps: Input should be a valid integer",
        id="parallel-steps-as-text",
    ),
    pytest.param(  # read as 1 person-week a month: the plan ran to 2054 (helper-60)
        "withdraw: [component:intune]\ncapacity: {person_weeks_per_month: true}\n",
        "s.yaml:5: capacity.person_weeks_per_month: Input should be a valid number",
        id="people-as-true",
    ),
    pytest.param(
        "withdraw: [component:intune]\nwork_starts: 2027-02-30\n",
        "s.yaml:5: work_starts:",
        id="no-such-date",
    ),
    pytest.param(  # 2026 typed for 2027: the plan looked ten months early and on time
        "withdraw: [component:intune]\nwork_starts: 2026-01-04\n",
        "s.yaml:5: work_starts: 2026-01-04 is before day 0 of the withdrawal (2026-11-01, "
        "the estate's as_of); the work is planned from day 0 on",
        id="work-before-day-zero",
    ),
    pytest.param(
        "withdraw: [component:intune]\nstart: 2027-03-01\nwork_starts: 2027-02-01\n",
        "s.yaml:6: work_starts: 2027-02-01 is before day 0 of the withdrawal (2027-03-01, start)",
        id="work-before-start",
    ),
    pytest.param(  # was told at line 1, the first bad item only (helper-63)
        "withdraw: [component:intune]\ninvalidate_transfer:\n  - adequacy_dpf\n"
        "  - not_assessed\n  - adequacy-dpf\n",
        "s.yaml:7: invalidate_transfer[1]: not_assessed is not a transfer basis that can be "
        "struck down; use adequacy_dpf, adequacy, scc, bcr or art49",
        id="a-basis-that-cannot-be-struck-down",
    ),
    pytest.param(
        "withdraw: [component:intune]\ninvalidate_transfer:\n  - adequacy_dpf\n"
        "  - not_assessed\n  - adequacy-dpf\n",
        "s.yaml:8: invalidate_transfer[2]: 'adequacy-dpf' is not a transfer basis that can be "
        "struck down; use adequacy_dpf, adequacy, scc, bcr or art49; did you mean "
        "'adequacy_dpf'?",
        id="a-misspelt-basis-beside-it",
    ),
    pytest.param(
        "format: 2\nwithdraw: [component:intune]\n",
        "s.yaml:4: format: format 2 is newer than this release of exitplan reads",
        id="newer-format",
    ),
]


@pytest.mark.parametrize(("body", "message"), BAD)
def test_unknown_ids_in_a_scenario_are_refused_with_their_line(
    run_cli: RunCli, write_files: WriteFiles, body: str, message: str
) -> None:
    folder = write_files({"s.yaml": HEAD + body})
    for command in ("run", "compare", "report"):
        extra = ("-o", str(folder / "out.md")) if command == "report" else ()
        result = run_cli(command, folder / "s.yaml", *extra, cwd=folder)
        assert result.exit_code == 2, (command, result.stderr)
        assert message in result.stderr, (command, result.stderr)
        assert "Traceback" not in result.stderr
        assert not (folder / "out.md").exists()


def test_work_starts_without_a_day_zero_is_refused_not_dropped(
    run_cli: RunCli, write_files: WriteFiles
) -> None:
    """An estate with no as_of and a scenario with no start: the plan was told in weeks
    and 'work_starts' left out without a word, yet the steps were '0 late'."""
    folder = write_files(
        {
            "e.yaml": "estate: {name: e}\nvendors: [{id: v, name: V}]\n"
            "components: [{id: a, name: A, vendor: v, delivery: saas}]\n",
            "s.yaml": "id: s\ntitle: S\nestate: e.yaml\nwithdraw: [vendor:v]\n"
            "work_starts: 2027-06-01\n",
        }
    )
    result = run_cli("run", folder / "s.yaml", cwd=folder)
    assert result.exit_code == 2
    assert (
        "s.yaml:5: work_starts: there is no day 0 to count it from: give start, or as_of in "
        "the estate" in result.stderr
    )


def test_every_problem_is_listed_at_once(run_cli: RunCli, write_files: WriteFiles) -> None:
    body = "withdraw: [vendor:nobody, component:intune]\nprefer: {intune: nothing}\n"
    folder = write_files({"s.yaml": HEAD + body})
    result = run_cli("run", folder / "s.yaml", cwd=folder)
    assert result.exit_code == 2
    assert "2 problems found; the scenario was not loaded." in result.stderr


def test_a_json_scenario_with_a_key_twice_is_refused_not_read_as_its_last(
    run_cli: RunCli, write_files: WriteFiles
) -> None:
    """An exit meant, a cut-off written last: json keeps the last without a word."""
    body = {"id": "s", "title": "S", "estate": str(EXAMPLE), "withdraw": ["vendor:microsoft"]}
    text = json.dumps(body)[:-1] + ', "mode": "exit",\n "mode": "cut-off"}'
    folder = write_files({"s.json": text})
    result = run_cli("run", folder / "s.json", cwd=folder)
    assert result.exit_code == 2
    assert "s.json:2: key 'mode' appears twice (first on line 1)" in result.stderr
    assert result.stdout == ""


def test_a_selector_that_withdraws_nothing_alone_is_judged_with_the_others(
    run_cli: RunCli, write_files: WriteFiles
) -> None:
    """Cisco's only component keeps running until its subscription ends in a cut-off, and
    a vendor known to the estate is no error even when it alone would withdraw little."""
    folder = write_files({"s.yaml": HEAD + "withdraw: [vendor:cisco, component:intune]\n"})
    result = run_cli("run", folder / "s.yaml", "--format", "json", cwd=folder)
    assert result.exit_code == 0, result.stderr
    assert "cisco-ise" in json.loads(result.stdout)["withdrawn"]


def test_an_estate_given_as_a_scenario_is_named_for_what_it_is(run_cli: RunCli) -> None:
    result = run_cli("run", EXAMPLE / "estate.yaml")
    assert result.exit_code == 2
    assert "this is an estate, not a scenario" in result.stderr


@pytest.mark.parametrize("inside", [False, True], ids=["given-as-the-estate", "in-its-folder"])
def test_a_scenario_given_as_an_estate_is_named_for_what_it_is(
    run_cli: RunCli, tmp_path: Path, inside: bool
) -> None:
    if inside:  # a scenario saved in the folder of the estate it names
        shutil.copytree(EXAMPLE, tmp_path / "estate")
        scenario = tmp_path / "estate" / "leave.yaml"
        scenario.write_text("id: s\ntitle: S\nestate: .\nwithdraw: [vendor:microsoft]\n")
        result = run_cli("run", scenario)
    else:
        scenario = REPO / "scenarios" / "leave-microsoft.yaml"
        result = run_cli("validate", scenario)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].endswith(
        "this is a scenario, not an estate: run it with exitplan run (or give it to report, "
        "or to diagram --scenario), and keep scenarios outside the estate's folder"
    ), result.stderr
    assert lines[0].startswith(str(scenario) if inside else "scenarios/leave-microsoft.yaml:")
    assert lines[1:] == ["exitplan: 1 problem found; the estate was not loaded."]


def test_the_scenario_schema_is_printed_and_accepts_every_example(run_cli: RunCli) -> None:
    result = run_cli("schema", "--scenario")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "exitplan scenario file"
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((REPO / "scenarios").glob("*.yaml")):
        assert list(validator.iter_errors(read_document(path).data)) == [], path
    assert list(validator.iter_errors({"id": "x", "title": "X", "estate": "e", "oops": 1}))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(os.mkfifo, "a FIFO (named pipe), not a regular file", id="fifo"),
        pytest.param(Path.mkdir, "is a folder; give a scenario file", id="folder"),
        pytest.param(lambda p: None, "no such scenario file", id="missing"),
    ],
)
def test_a_scenario_that_is_not_a_file_is_refused_without_waiting(
    run_cli: RunCli, tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    target = tmp_path / "s.yaml"
    make(target)
    result = run_cli("compare", target)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("estate", "message"),
    [
        pytest.param('"e\\0state"', "holds a NUL character, which no path can", id="nul"),
        pytest.param("e" * 300, "file name too long", id="name-too-long"),
        pytest.param("loop", "too many levels of symbolic links", id="link-loop"),
        pytest.param("nowhere", "no estate at 'nowhere' (relative to this file)", id="missing"),
        pytest.param(  # it named /dev/null alone, not the scenario (helper-88)
            "/dev/null", "'/dev/null' is a character device, not an estate", id="device"
        ),
        pytest.param("fifo", "'fifo' is a FIFO (named pipe), not an estate", id="fifo"),
    ],
)
def test_an_estate_that_cannot_be_read_is_named_with_the_scenario_line(
    run_cli: RunCli, tmp_path: Path, estate: str, message: str
) -> None:
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "s.yaml").write_text(f"id: s\ntitle: S\nestate: {estate}\nwithdraw: [vendor:x]\n")
    for command in ("run", "compare", "report", "sensitivity"):
        extra = ("-o", str(tmp_path / "out.md")) if command == "report" else ()
        result = run_cli(command, tmp_path / "s.yaml", *extra)
        assert result.exit_code == 2, (command, result.stderr)
        assert "s.yaml:3: estate: " in result.stderr, (command, result.stderr)
        assert message in result.stderr, (command, result.stderr)
        assert "Traceback" not in result.stderr
        assert not (tmp_path / "out.md").exists()


def test_capacity_delays_the_exit_and_compare_sets_both_side_by_side(
    run_cli: RunCli, write_files: WriteFiles
) -> None:
    body = "withdraw: [vendor:microsoft]\nmode: exit\n"
    folder = write_files(
        {
            "free.yaml": HEAD.replace("id: s", "id: free") + body,
            "three.yaml": HEAD.replace("id: s", "id: three")
            + body
            + "capacity: {parallel_steps: 3}\nwork_starts: 2027-01-04\n",
        }
    )
    plans = {}
    for name in ("free", "three"):
        result = run_cli("run", folder / f"{name}.yaml", "--format", "json", cwd=folder)
        assert result.exit_code == 0, result.stderr
        plans[name] = json.loads(result.stdout)["plan"]
    free, three = plans["free"], plans["three"]
    assert free["capacity"] is None
    assert free["finish_date"] == free["finish_date_without_capacity"]
    assert three["capacity"] == {"parallel_steps": 3, "person_weeks_per_month": None}
    assert three["work_starts"] == "2027-01-04"
    assert three["work_starts_day"] == 64
    assert three["finish_date"] > three["finish_date_without_capacity"] > free["finish_date"]
    starts = [s["start_date"] for s in three["steps"] if s["start_date"] is not None]
    assert min(starts) == "2027-01-04"
    for step in three["steps"]:
        if step["finish_date"] is not None:
            running = [
                other
                for other in three["steps"]
                if other["duration_weeks"]
                and other["start_day"] is not None
                and other["start_day"] <= step["start_day"] < other["finish_day"]
            ]
            assert len(running) <= 3

    compared = run_cli("compare", folder / "free.yaml", folder / "three.yaml", cwd=folder)
    assert compared.exit_code == 0, compared.stderr
    lines: dict[str, str] = defaultdict(str)  # a row of each table the width cut it into
    for line in compared.stdout.splitlines():
        if "  " in line:
            lines[line.split("  ")[1].strip()] += line
    assert free["finish_date"] in lines["plan finishes"]
    assert three["finish_date"] in lines["plan finishes"]
    assert "3 steps at a time" in lines["capacity"]


def test_compare_across_estates_names_each_and_keeps_currencies_apart(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """Gothenburg's SEK and the starter's EUR sat side by side under 'Costs in EUR, SEK.'
    with no word of which estate each column was."""
    assert run_cli("init", tmp_path / "starter").exit_code == 0
    result = run_cli(
        "compare",
        REPO / "scenarios" / "lose-intune.yaml",
        tmp_path / "starter" / "scenarios" / "leave-cloudco.yaml",
    )
    assert result.exit_code == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    assert ["estate", "gothenburg", "starter"] in lines
    assert ["currency", "SEK", "EUR"] in lines
    assert "Costs are in each estate's own currency (EUR, SEK)" in " ".join(result.stdout.split())


@pytest.mark.parametrize("command", ["run", "compare"])
def test_choices_the_withdrawal_gives_nothing_to_do_are_told(
    run_cli: RunCli, write_files: WriteFiles, command: str
) -> None:
    """Valid, but a preference for what is not replaced is a slip worth a word."""
    body = (
        "withdraw: [component:intune]\nprefer: {entra-id: keycloak}\n"
        "exclude_candidates: [jitsi, baramundi]\n"
    )
    folder = write_files({"s.yaml": HEAD + body})
    result = run_cli(command, folder / "s.yaml", cwd=folder)
    assert result.exit_code == 0, result.stderr
    assert (
        "s.yaml:5: prefer.entra-id: 'entra-id' needs no replacement in this withdrawal; "
        "the preference is not used" in result.stderr
    )
    assert (
        "s.yaml:6: exclude_candidates[0]: 'jitsi' is not a candidate for anything this "
        "withdrawal replaces, and excluding it changes nothing" in result.stderr
    )
    assert "baramundi" not in result.stderr  # a candidate for intune: it is used


ESTATE_WHERE_AN_EXCLUSION_MOVES_THE_STEP = """
estate: {name: t, as_of: 2026-01-01}
vendors: [{id: v, name: V, hq_country: SE}, {id: w, name: W, hq_country: SE}]
components:
  - {id: x, name: X, vendor: v, delivery: saas}
  - {id: k, name: K, vendor: w, delivery: saas}
  - {id: b, name: B, vendor: w, delivery: saas, depends_on: [x]}
  - {id: e, name: E, vendor: w, delivery: saas, lifecycle: candidate}
services: [{id: s, name: S, criticality: low, depends_on: [b, k]}]
alternatives:
  - {for: x, candidate: k, readiness: R3}
  - {for: b, candidate: e, readiness: R3}
"""


def test_many_exclusions_cost_a_bounded_number_of_runs(
    run_cli: RunCli, write_files: WriteFiles
) -> None:
    """Each exclusion no replacement offers is checked by running the scenario without it;
    a scenario may list hundreds. One run without them all tells them all when nothing
    changes; where something does, only the first ten are run one by one."""
    spares = [f"spare{i:02}" for i in range(12)]
    estate = ESTATE_WHERE_AN_EXCLUSION_MOVES_THE_STEP + "".join(
        f"  - {{for: k, candidate: {spare}, readiness: R3}}\n" for spare in spares
    )
    estate = estate.replace(
        "components:\n",
        "components:\n"
        + "".join(
            f"  - {{id: {spare}, name: {spare}, vendor: w, delivery: saas, lifecycle: candidate}}\n"
            for spare in spares
        ),
    )
    head = "id: s\ntitle: S\nestate: estate.yaml\nwithdraw: [vendor:v]\n"
    folder = write_files(
        {
            "estate.yaml": estate,
            "spares.yaml": head + f"exclude_candidates: [{', '.join(spares)}]\n",
            "mixed.yaml": head + f"exclude_candidates: [k, {', '.join(spares)}]\n",
        }
    )
    idle = run_cli("run", folder / "spares.yaml", cwd=folder)
    assert idle.exit_code == 0, idle.stderr
    assert idle.stderr.count("excluding it changes nothing") == 12
    mixed = run_cli("run", folder / "mixed.yaml", cwd=folder)
    assert mixed.exit_code == 0, mixed.stderr
    told = [line for line in mixed.stderr.splitlines() if "changes nothing" in line]
    assert len(told) == 9  # k (first) moves the step; 9 more run; the last 3 not run
    assert "'k'" not in " ".join(told)
    assert "'spare09'" not in " ".join(told)


@pytest.mark.parametrize("command", ["run", "compare"])
def test_an_exclusion_that_moves_the_step_is_not_told_as_changing_nothing(
    run_cli: RunCli, write_files: WriteFiles, command: str
) -> None:
    """Excluding K (in use, the only candidate for X) leaves X unrestorable, so B, which
    needs X, is replaced by E instead: K is then offered for nothing the withdrawal
    replaces, and the notice said excluding it changes nothing (helper-92)."""
    folder = write_files(
        {
            "estate.yaml": ESTATE_WHERE_AN_EXCLUSION_MOVES_THE_STEP,
            "s.yaml": "id: s\ntitle: S\nestate: estate.yaml\nwithdraw: [vendor:v]\n"
            "exclude_candidates: [k]\n",
            "plain.yaml": "id: p\ntitle: P\nestate: estate.yaml\nwithdraw: [vendor:v]\n",
        }
    )
    excluded = run_cli(command, folder / "s.yaml", "--format", "json", cwd=folder)
    assert excluded.exit_code == 0, excluded.stderr
    assert "changes nothing" not in excluded.stderr
    plain = run_cli("run", folder / "plain.yaml", "--format", "json", cwd=folder)
    steps = {
        name: [(s["replaces"], s["candidate"]) for s in json.loads(r.stdout)["plan"]["steps"]]
        for name, r in (("plain", plain), ("excluded", excluded))
        if command == "run" or name == "plain"
    }
    assert steps["plain"] == [("x", "k")]
    if command == "run":
        assert steps["excluded"] == [("b", "e")]


def test_compare_tells_a_finish_without_its_blocked_steps_and_writes_plain_numbers_in_csv(
    run_cli: RunCli,
) -> None:
    """A scenario that blocks more steps finished "sooner" side by side, and CSV wrote
    "51,700", which a Swedish spreadsheet reads as 51.7."""
    scenarios = ("scenarios/leave-microsoft.yaml", "scenarios/microsoft-without-nextcloud.yaml")
    table = run_cli("compare", *scenarios, "--format", "csv")
    assert table.exit_code == 0, table.stderr
    rows = {row[0]: row[1:] for row in csv.reader(io.StringIO(table.stdout))}
    assert rows["users who lose a service"] == ["51700", "51700"]
    assert rows["blocked steps"] == ["8", "11"]
    assert rows["plan finishes"] == [
        "2029-08-05, without the 8 blocked",
        "2028-10-29, without the 11 blocked",
    ]
    assert rows["cost of alternatives per year"][0] == "at least 24300000"
    shown = run_cli("compare", *scenarios).stdout
    assert "51,700" in shown
    assert "≥ 24,300,000" in shown
    assert "2029-08-05 *" in shown
    assert "* The finish of the steps that can be scheduled" in " ".join(shown.split())


def test_compare_tells_a_one_off_lower_bound_and_a_plan_with_every_step_blocked(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """The one-off row kept separators in CSV and "at least" beside "≥"; a plan whose every
    step is blocked left its date empty; the "*" note came with no "*"."""
    alternative = {"for": "a", "candidate": "k", "readiness": "R3", "effort_weeks": 4,
                   "duration_weeks": 6, "migration_cost": 1_500_000}  # fmt: skip
    estate, scenario = write_estate(tmp_path, "Plain", alternatives=[alternative])
    every = tmp_path / "every.json"
    every.write_text(
        json.dumps(
            {
                "id": "every",
                "title": "Every",
                "estate": estate.name,
                "withdraw": ["vendor:v", "vendor:w"],
            }
        ),
        encoding="utf-8",
    )
    table = run_cli("compare", scenario, every, "--format", "csv")
    assert table.exit_code == 0, table.stderr
    rows = {row[0]: row[1:] for row in csv.reader(io.StringIO(table.stdout))}
    assert rows["one-off cost of the exit"] == ["at least 1500000", "unknown"]
    assert rows["blocked steps"] == ["0", "1"]
    assert rows["plan finishes"] == ["2026-02-12", "none: every step is blocked"]
    shown = run_cli("compare", scenario, every).stdout
    assert "≥ 1,500,000" in shown
    assert "at least" not in shown.split("Costs in")[0]
    assert "≥: at least, as some costs or efforts are not recorded" in " ".join(shown.split())
    assert "* The finish" not in shown


def test_compare_never_shortens_a_figure(run_cli: RunCli) -> None:
    """Eight scenarios do not fit 100 characters side by side: they are set out in several
    tables, each with the labels, rather than with figures cut to '26,500,0…'."""
    every = sorted((REPO / "scenarios").glob("*.yaml"))
    result = run_cli("compare", *every)
    assert result.exit_code == 0, result.stderr
    assert "…" not in result.stdout
    assert "Scenarios compared (1-" in result.stdout
    assert f"of {len(every)})" in result.stdout
    assert result.stdout.count("  waves  ") >= 2  # the labels again in each table
    assert "26,500,000" in result.stdout


def test_compare_tells_scenarios_of_one_id_apart(run_cli: RunCli, tmp_path: Path) -> None:
    """The same scenario run on two copies of an estate: the columns are named by file,
    the estates by folder, and a mode that differs has its row."""
    assert run_cli("init", tmp_path / "a").exit_code == 0
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    estate = tmp_path / "b" / "estate" / "estate.yaml"
    estate.write_text(estate.read_text(encoding="utf-8").replace("users: 2200", "users: 9200"))
    scenario = tmp_path / "b" / "scenarios" / "leave-cloudco.yaml"
    scenario.write_text(scenario.read_text(encoding="utf-8").replace("mode: exit", "mode: cut-off"))
    result = run_cli(
        "compare",
        "a/scenarios/leave-cloudco.yaml",
        "b/scenarios/leave-cloudco.yaml",
        cwd=tmp_path,
    )
    assert result.exit_code == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    assert ["a/scenarios/leave-cloudco.yaml", "b/scenarios/leave-cloudco.yaml"] in lines
    assert ["estate", "a/estate", "b/estate"] in lines
    assert ["mode", "exit", "cut-off"] in lines


def test_compare_lists_its_scenarios_one_a_paragraph_in_markdown(run_cli: RunCli) -> None:
    result = run_cli(
        "compare",
        "scenarios/leave-microsoft.yaml",
        "scenarios/lose-intune.yaml",
        "--format",
        "markdown",
    )
    assert result.exit_code == 0, result.stderr
    assert "Entirely\n\nlose-intune: " in result.stdout.replace("entirely", "Entirely")
    assert result.stdout.count("Scenarios compared") == 1
    assert "## Figures" in result.stdout


def test_compare_tells_every_bad_scenario_at_once(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("init", tmp_path / "s").exit_code == 0
    head = "estate: s/estate\nwithdraw: [vendor:cloudco]\n"
    (tmp_path / "b1.yaml").write_text(f"id: b1\ntitle: B1\n{head}mode: exitt\n")
    (tmp_path / "b2.yaml").write_text(f"id: b2\ntitle: B2\n{head}horizon_days: -5\n")
    result = run_cli("compare", "b1.yaml", "b2.yaml", cwd=tmp_path)
    assert result.exit_code == 2
    assert "b1.yaml:5: mode: " in result.stderr
    assert "b2.yaml:5: horizon_days: " in result.stderr
    assert result.stderr.endswith("2 problems found; the scenarios were not loaded.\n")


@pytest.mark.parametrize(
    "command", [("run",), ("report",), ("sensitivity",), ("export", "archimate"), ("compare",)]
)
def test_an_estate_folder_where_a_scenario_belongs_is_told_what_to_give(
    run_cli: RunCli, command: tuple[str, ...]
) -> None:
    result = run_cli(*command, "graphs/gothenburg")
    assert result.exit_code == 2
    assert "'graphs/gothenburg' is a folder; give a scenario file, which names its estate" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["run", "report"])
def test_a_scenario_that_withdraws_nothing_in_use_is_told(
    run_cli: RunCli, tmp_path: Path, command: str
) -> None:
    scenario = tmp_path / "nothing.yaml"
    scenario.write_text(
        f"id: nothing\ntitle: Nothing\nestate: {REPO / 'graphs' / 'gothenburg'}\n"
        "withdraw: [component:baramundi]\n",
        encoding="utf-8",
    )
    result = run_cli(command, scenario, *(["-o", tmp_path / "r.md"] if command == "report" else []))
    assert result.exit_code == 0, result.stderr
    assert (
        "exitplan: notice: component:baramundi withdraws nothing in use today (baramundi is a "
        "candidate, not in use)" in result.stderr
    )


def test_what_a_candidate_needs_and_is_not_run_today_is_said_not_planned(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """baramundi, which replaces Intune, needs Univention Nubus; the city runs none and
    losing Intune alone chooses none: the plan has no step for it and must say so."""
    result = run_cli("run", "scenarios/lose-intune.yaml")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    said = "Not in the plan and not run today: univention-nubus, needed by baramundi."
    assert text.count(said) == 2  # in the headline and under the plan
    assert "Its effort and cost are not in the figures." in text
    document = tmp_path / "report.md"
    report = run_cli("report", "scenarios/no-secret-outside-eu.yaml", "-o", document)
    assert report.exit_code == 0, report.stderr
    assert (
        "No step brings in Univention Nubus (IAM with Keycloak and OpenLDAP), not run today "
        "and needed by Nextcloud Hub (files) and OX App Suite (mail and calendar)."
        in " ".join(document.read_text(encoding="utf-8").split())
    )
    assert (
        "| Migration steps | 2 in 1 wave; 1 need of the chosen alternatives not in the plan |"
        in document.read_text(encoding="utf-8")
    )
    assert (
        "2. Decide how to bring in Univention Nubus (IAM with Keycloak and OpenLDAP), which "
        "Nextcloud Hub (files) and OX App Suite (mail and calendar) need and which nothing "
        "runs today, and add its effort and cost to the plan. 3. Decide how many"
        in " ".join(document.read_text(encoding="utf-8").split())
    )
    table = run_cli("simulate", "graphs/gothenburg", "-w", "component:intune", "--format", "csv")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(table.stdout))}
    assert rows["intune"]["needs_not_in_plan"] == "univention-nubus"
    assert {row["needs_not_in_plan"] for i, row in rows.items() if i != "intune"} == {""}
    leaving = run_cli("simulate", "graphs/gothenburg", "-w", "vendor:microsoft", "--format", "csv")
    steps = {row["id"]: row for row in csv.DictReader(io.StringIO(leaving.stdout))}
    assert (steps["entra-id"]["too_late_for_next"], steps["entra-id"]["step"]) == (
        "yes",
        "replace-entra-id",
    )
    assert steps["entra-id"]["due_for_next_days"] == ""  # a day before it can start: none
    assert steps["m365-apps"]["too_late_for_next"] == "no"  # blank read as unknown (helper-89)
    assert steps["m365-apps"]["finish_day"] != ""  # when it runs, as in JSON
    assert steps["m365-apps"]["deadline_from"] == "breaks"
    assert {r["too_late_for_next"] + r["finish_day"] for r in steps.values() if not r["step"]} == {
        ""
    }  # a service has no step of its own
    compared = run_cli(
        "compare", "scenarios/leave-microsoft.yaml", "scenarios/lose-intune.yaml", "--format", "csv"
    )
    assert compared.exit_code == 0, compared.stderr
    assert "needs not in the plan,0,1" in compared.stdout.splitlines()
    leave = run_cli("run", "scenarios/leave-microsoft.yaml")
    assert "not run today" not in leave.stdout  # Nubus is chosen there, for Entra ID


def test_the_csv_names_each_candidates_needs_on_the_row_of_what_it_replaces() -> None:
    """Two steps merged into one: each incumbent's row gives what its own candidate needs;
    a choice between several nodes is written as the workbook writes it."""
    spec = (
        "s:x -> a\ns:y -> b\ncandidate ka\ncandidate kb\nka -> kb soft\nkb -> ka soft\n"
        "alt ka for a R3 weeks=4\nalt kb for b R3 weeks=6\nka -> p\nkb -> d1 group=g\n"
        "kb -> d2 group=g\ncandidate p\ncandidate d1\ncandidate d2"
    )
    simulation = simulate(build(spec), ["component:a", "component:b"])
    assert [s.id for s in simulation.plan.steps] == ["replace-a+replace-b"]
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(dump_simulation_csv(simulation)))}
    assert (rows["a"]["needs_not_in_plan"], rows["b"]["needs_not_in_plan"]) == ("p", "d1 or d2")


def test_the_headline_says_which_candidate_needs_what_as_the_plan_notes_do() -> None:
    spec = (
        "s:x -> a\ns:y -> b\ncandidate ka\ncandidate kb\nalt ka for a R3 weeks=4\n"
        "alt kb for b R3 weeks=6\nka -> p\nka -> z1 group=g\nka -> z2 group=g\n"
        "kb -> d1 group=g\nkb -> d2 group=g\ncandidate p\ncandidate z1\ncandidate z2\n"
        "candidate d1\ncandidate d2"
    )
    simulation = simulate(build(spec), ["component:a", "component:b"])
    said = (
        "Not in the plan and not run today: p and either z1 or z2, needed by ka; either d1 "
        "or d2, needed by kb"
    )
    assert said + "." in headline(simulation)
    assert brought_in_sentences(simulation)[0] == said


def _needing(groups: int) -> Simulation:
    """``groups`` withdrawn components whose candidates each need a node not run today."""
    spec = "".join(
        f"s:x -> a{i}\ncandidate k{i}\ncandidate n{i}\nk{i} -> n{i}\nalt k{i} for a{i} R3\n"
        for i in range(groups)
    )
    return simulate(build(spec), [f"component:a{i}" for i in range(groups)])


@pytest.mark.parametrize(
    ("groups", "said"),
    [
        (3, "n0, needed by k0; n1, needed by k1; n2, needed by k2"),
        (4, "n0, needed by k0; n1, needed by k1; n2, needed by k2; n3, needed by k3"),
        (5, "n0, needed by k0; n1, needed by k1; n2, needed by k2; 2 more needs"),
    ],
)
def test_the_headline_counts_the_needs_it_leaves_out_only_when_two_or_more(
    groups: int, said: str
) -> None:
    """A count of one more need takes the room of its name: the name is said instead."""
    told = brought_in_sentences(_needing(groups), most=3)
    assert told[0] == "Not in the plan and not run today: " + said


@pytest.mark.parametrize(
    ("late", "over", "told"),
    [
        (5, 4, "5 days late"),
        (5, 5, "5 days late"),
        (5, 6, "5 days late; 6 days late for the steps after it"),
        (0, 1, "0 days to spare; 1 day late for the steps after it"),
    ],
)
def test_a_step_late_for_the_steps_after_it_says_so_unless_it_is_late_by_as_much_itself(
    late: int, over: int, told: str
) -> None:
    """Late by as many days as it holds up the steps after it, a step's own lateness
    already says how late they start."""
    (step,) = simulate(
        build("s:x -> a\ncandidate k\nalt k for a R3 weeks=4"), ["component:a"]
    ).plan.steps
    assert step.finish_day is not None
    moved = dataclasses.replace(step, slack=-late, due_for_next=step.finish_day - over)
    assert moved.holds_up == over
    assert status(moved) == told


def test_an_earlier_contract_leaves_the_subscriptions_notice_in_the_plan(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """With a contract of its own ending first, Entra ID sets the deadline of every step
    that needs it and the subscription; the subscription's notice date stays told, with
    the steps due by it (they were all Entra ID's)."""
    estate = tmp_path / "estate"
    shutil.copytree(EXAMPLE, estate)
    (estate / "entra-contract.yaml").write_text(
        "overrides:\n  entra-id:\n    contract: {end: 2027-03-31, notice_days: 90}\n",
        encoding="utf-8",
    )
    scenario = tmp_path / "leave.yaml"
    text = (REPO / "scenarios" / "leave-microsoft.yaml").read_text(encoding="utf-8")
    scenario.write_text(text.replace("../graphs/gothenburg", str(estate)), encoding="utf-8")
    result = run_cli("run", scenario)
    assert result.exit_code == 0, result.stderr
    told = " ".join(result.stdout.split())
    assert "(entra-id) ends 2027-03-31, notice by 2026-12-31: 18 steps due by it" in told
    assert (
        "(m365-licensing) ends 2027-06-30, notice by 2027-04-01: 16 steps due by it, 9 late, "
        "6 blocked. Renewing it once more" in told
    )
    shown = json.loads(run_cli("run", scenario, "--format", "json").stdout)
    exchange = next(s for s in shown["plan"]["steps"] if s["id"] == "replace-exchange-online")
    assert [c["component"] for c in exchange["contracts"]] == ["entra-id", "m365-licensing"]
