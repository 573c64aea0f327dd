"""The plan on a calendar: the Gantt view (SVG, PNG, PDF) and its Mermaid block."""

from __future__ import annotations

import json
import re
import warnings
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from matplotlib import font_manager, ft2font

from benchmarks.synthetic import generate
from exitplan.graph import EmbeddedGraph
from exitplan.loading import load_estate
from exitplan.render.gantt import (
    MOST_ROWS,
    PAGE,
    SLIDE,
    STYLE,
    Layout,
    _short_move,
    _subtitle_parts,
    bars,
    fitted,
    gantt_figure,
    gantt_mermaid,
    on_calendar,
    render_gantt,
)
from exitplan.render.rows import plan
from exitplan.select import Mode
from exitplan.simulate import Options, simulate
from exitplan.simulate.schedule import Capacity
from tests.conftest import EXAMPLE, RunCli, cli
from tests.reliability.test_outputs import HOSTILE, write_estate
from tests.simulate.build import build

GANTT = ("diagram", "graphs/gothenburg", "-w", "vendor:microsoft", "--mode", "exit")


@pytest.mark.parametrize("suffix", [".svg", ".png", ".pdf"])
def test_the_chart_is_the_same_bytes_twice(run_cli: RunCli, tmp_path: Path, suffix: str) -> None:
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    for target in (first, second):
        result = run_cli(*GANTT, "--view", "gantt", "-o", target)
        assert result.exit_code == 0, result.stderr
    assert first.read_bytes() == second.read_bytes()
    magic = {".svg": b"<?xml", ".png": b"\x89PNG", ".pdf": b"%PDF"}[suffix]
    assert first.read_bytes().startswith(magic)


def test_the_chart_draws_every_scheduled_step_and_lists_the_blocked(
    run_cli: RunCli, tmp_path: Path
) -> None:
    target = tmp_path / "plan.svg"
    assert run_cli(*GANTT, "--view", "gantt", "-o", target).exit_code == 0
    svg = target.read_text(encoding="utf-8")
    etree.fromstring(svg.encode("utf-8"))  # well-formed
    drawn = " ".join(re.findall(r"<!-- (.*?) -->", svg))
    shown = json.loads(run_cli("run", "scenarios/leave-microsoft.yaml", "--format", "json").stdout)
    names = {a["for"]: a["name"] for a in shown["alternatives"]}
    scheduled = [s for s in shown["plan"]["steps"] if s["finish_date"] is not None]
    assert len(scheduled) == 16
    for step in scheduled:
        assert names[step["replaces"]][:20] in drawn, step["id"]
    assert "Blocked, not scheduled" in drawn
    # the finish is that of the steps drawn, and the subtitle says the others are blocked
    assert "the steps that can be scheduled finish 2029-08-05" in drawn
    assert drawn.count("8 blocked, not drawn") == 1
    assert "3 contracts end 2027-06-30" in drawn


@pytest.mark.parametrize(
    ("withdrawal", "said"),
    [
        (("-w", "component:cisco-ise"), "Nothing to schedule"),
        (("-w", "vendor:keepit-as", "--mode", "exit"), "No step can be scheduled"),
    ],
)
def test_a_plan_with_nothing_on_the_calendar_says_so_with_no_time_axis(
    run_cli: RunCli, tmp_path: Path, withdrawal: tuple[str, ...], said: str
) -> None:
    target = tmp_path / "plan.svg"
    result = run_cli("diagram", "graphs/gothenburg", *withdrawal, "--view", "gantt", "-o", target)
    assert result.exit_code == 0, result.stderr
    assert "Warning" not in result.stderr  # no library warning about an empty axis
    drawn = " ".join(re.findall(r"<!-- (.*?) -->", target.read_text(encoding="utf-8")))
    assert said in drawn
    assert not re.search(r"\b(19|20)\d\d\b", drawn)  # no year on an axis
    assert "→ ?" not in drawn  # a blocked step is listed by what it replaces


def test_a_gantt_is_not_a_graph(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli(*GANTT, "--view", "gantt", "-o", tmp_path / "plan.dot")
    assert result.exit_code == 2
    assert "write it as .svg, .png or .pdf" in result.stderr
    assert not (tmp_path / "plan.dot").exists()


def test_an_unwritable_target_leaves_nothing(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "plan.png"
    result = run_cli(*GANTT, "--view", "gantt", "-o", target)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert not target.parent.exists()


def test_bars_follow_the_plan() -> None:
    graph = EmbeddedGraph(load_estate(EXAMPLE))
    simulation = simulate(graph, ["vendor:microsoft"], Options(mode=Mode.EXIT))
    found = bars(simulation)
    steps = {s.id: s for s in simulation.plan.steps}
    assert [b.step for b in found] == sorted(
        (b.step for b in found), key=lambda i: (steps[i].start_day or 0, steps[i].wave, i)
    )
    for bar in found:
        step = steps[bar.step]
        assert bar.start == simulation.date_of(step.start_day)
        assert bar.finish == simulation.date_of(step.finish_day)
        assert bar.critical == (step.id in simulation.plan.critical_path)
    assert {b.step for b in found} == {s.id for s in steps.values() if not s.blocked}


def test_hostile_names_stay_inside_the_mermaid_block(tmp_path: Path) -> None:
    name = HOSTILE + " ```\n# heading : colon ; semi %% comment <b>x</b> `tick`"
    estate, _ = write_estate(tmp_path / "in", name)
    graph = EmbeddedGraph(load_estate(estate))
    simulation = simulate(graph, ["vendor:v"], Options(mode=Mode.EXIT))
    block = gantt_mermaid(simulation)
    lines = block.splitlines()
    assert lines[0] == "```mermaid"
    assert lines[-1] == "```"
    assert block.count("```") == 2
    tasks = [line for line in lines if " :" in line]
    assert len(tasks) == 1
    label = tasks[0].split(" :")[0]
    assert not re.search(r"[:;#%<>`\x00-\x1f\x7f-\x9f\u202e]", label), label
    svg = render_gantt(simulation, ".svg")
    etree.fromstring(svg)  # the names in its comments do not break the document
    assert b"\x1b" not in svg


def test_on_a_page_the_blocked_steps_are_counted_where_the_chart_has_no_room_for_them() -> None:
    simulation = simulate(
        EmbeddedGraph(load_estate(EXAMPLE)), ["vendor:microsoft"], Options(mode=Mode.EXIT)
    )
    drawn = " ".join(re.findall(r"<!-- (.*?) -->", render_gantt(simulation, ".svg", PAGE).decode()))
    assert "8 blocked, not drawn (the plan's table lists them)" in drawn
    assert "Blocked, not scheduled" not in drawn
    assert "8 more steps are blocked, not in the chart" in gantt_mermaid(simulation)


@pytest.mark.parametrize("layout", [SLIDE, PAGE], ids=["slide", "page"])
@pytest.mark.parametrize(
    ("withdrawn", "said"),
    [
        ("vendor:microsoft", "blocked"),
        ("vendor:v-dominant", "blocked"),
        ("component:intune", "no step brings in"),  # a part longer than a line
        ("component:keepit vendor:cisco vendor:microsoft", "blocked"),  # a title of 2 lines
    ],
)
def test_the_title_subtitle_and_legend_do_not_overlap(
    layout: Layout, withdrawn: str, said: str
) -> None:
    """The subtitle (finish, critical path, late and blocked steps, a need no step brings
    in) ran into the legend at the slide's upper right; it now breaks between its parts,
    and a part longer than a line is wrapped."""
    import matplotlib as mpl  # noqa: PLC0415
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.text import Text  # noqa: PLC0415

    estate = generate(600, seed=3) if withdrawn == "vendor:v-dominant" else load_estate(EXAMPLE)
    simulation = simulate(EmbeddedGraph(estate), withdrawn.split(), Options(mode=Mode.EXIT))
    with mpl.rc_context({**STYLE, "font.size": layout.font}):
        figure = gantt_figure(simulation, layout)
        FigureCanvasAgg(figure)
        figure.draw_without_rendering()
        (axes,) = figure.axes
        texts = {text.get_text(): text for text in figure.findobj(Text)}
        subtitle = axes.get_title(loc="left")
        boxes = {
            "title": texts[figure.get_suptitle()].get_window_extent(),
            "subtitle": texts[subtitle].get_window_extent(),
            "legend": figure.legends[0].get_window_extent(),
        }
    assert figure.get_suptitle().startswith("Migration plan")
    assert said in subtitle
    for first, second in [("title", "subtitle"), ("title", "legend"), ("subtitle", "legend")]:
        assert not boxes[first].overlaps(boxes[second]), (first, second)
    width = figure.get_figwidth() * figure.dpi
    assert boxes["subtitle"].x0 >= 0
    assert boxes["subtitle"].x1 <= width


def test_a_hostile_title_is_drawn_escaped_and_a_missing_glyph_warns_nobody(
    tmp_path: Path,
) -> None:
    """The title is the scenario's: an escape sequence reached the picture raw (a box
    glyph), and matplotlib printed a warning for it, and for every emoji, on the terminal."""
    estate, _ = write_estate(tmp_path / "in", "Alpha \U0001f4e7")
    graph = EmbeddedGraph(load_estate(estate))
    options = Options(mode=Mode.EXIT, scenario_title=HOSTILE + " \U0001f4e7 mail")
    simulation = simulate(graph, ["vendor:v"], options)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        svg = render_gantt(simulation, ".svg").decode("utf-8")
        render_gantt(simulation, ".png")
    drawn = " ".join(re.findall(r"<!-- (.*?) -->", svg))
    assert "Evil\\x1b[2J" in drawn
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202e]", svg.replace("\n", ""))


def test_an_undated_estate_is_drawn_in_weeks_and_has_no_mermaid(tmp_path: Path) -> None:
    estate, _ = write_estate(tmp_path / "in", "Plain")
    data = json.loads(estate.read_text(encoding="utf-8"))
    del data["estate"]["as_of"]
    estate.write_text(json.dumps(data), encoding="utf-8")
    simulation = simulate(EmbeddedGraph(load_estate(estate)), ["vendor:v"])
    assert simulation.start is None
    assert [(b.start, b.finish) for b in bars(simulation)] == [(0.0, 6.0)]
    assert gantt_mermaid(simulation) == ""
    assert b"weeks of work" in render_gantt(simulation, ".svg")


@pytest.mark.parametrize(("starts", "due"), [(None, 4.0), (date(2026, 1, 15), 2.0)])
def test_a_chart_in_weeks_of_work_keeps_the_deadlines(starts: date | None, due: float) -> None:
    """Drawn in weeks (an undated estate, or dates past the calendar), the bars lost their
    deadlines: no hatching, no diamond, beside a subtitle that counted them late
    (helper-89). A's dependent breaks on day 28: week 4 of work that starts on day 0,
    week 2 of work that starts on day 14."""
    graph = build("s:x -> a grace=28\ncandidate k\nalt k for a R3 weeks=6")
    simulation = simulate(graph, ["component:a"], Options(work_starts=starts))
    (bar,) = bars(simulation, dated=False)
    assert (bar.finish, bar.deadline) == (6.0, due)
    assert "1 late" in _subtitle_parts(simulation, SLIDE)


def test_a_large_plan_is_cut_to_what_reads_keeping_the_critical_path() -> None:
    simulation = simulate(EmbeddedGraph(generate(600, seed=3)), ["vendor:v-dominant"])
    everything = bars(simulation)
    kept = fitted(everything, simulation, MOST_ROWS)
    assert len(everything) > MOST_ROWS
    assert len(kept) == MOST_ROWS
    assert set(simulation.plan.critical_path) <= {b.step for b in kept}
    assert [b for b in everything if b in kept] == kept  # in their order
    svg = render_gantt(simulation, ".svg").decode("utf-8")
    assert f"{MOST_ROWS} of {len(everything)} steps drawn" in svg
    block, after = gantt_mermaid(simulation).split("```\n\n")
    tasks = [line for line in block.splitlines() if re.match(r" +\d+\. ", line)]
    assert len(tasks) == MOST_ROWS
    stuck = len(simulation.plan.blocked)
    assert stuck > 1
    assert after == (
        f"The chart shows {MOST_ROWS} of {len(everything)} steps: the critical path, then the "
        "earliest to start; the migration plan below lists every step.\n\n"
        f"{stuck} more steps are blocked, not in the chart until an alternative is found; "
        "the migration plan below lists them.\n"
    )


@pytest.mark.parametrize("name", ["call", "title", "Section A", "click me", "2024-01-01", "gantt"])
def test_no_name_is_read_as_a_mermaid_keyword(tmp_path: Path, name: str) -> None:
    estate, _ = write_estate(tmp_path / "in", name)
    simulation = simulate(EmbeddedGraph(load_estate(estate)), ["vendor:v"], Options(mode=Mode.EXIT))
    tasks = [line.strip() for line in gantt_mermaid(simulation).splitlines() if " :" in line]
    assert tasks
    for task in tasks:
        assert re.match(r"(\d+\. |End of )", task), task


@pytest.mark.parametrize(
    ("command", "suffix"),
    [("diagram", ".svg"), ("diagram", ".png"), ("report", ".html"), ("report", ".pptx")],
)
def test_dollar_signs_in_names_are_text_not_mathematics(
    tmp_path: Path, command: str, suffix: str
) -> None:
    """matplotlib reads text between two $ as mathematics: ``$x^$`` was an internal error
    and ``$5 or $10`` lost its dollars."""
    estate, scenario = write_estate(tmp_path / "in", "Intune $5 or $10 a month $x^$")
    target = tmp_path / f"out{suffix}"
    args: list[str | Path] = (
        ["diagram", estate, "-w", "vendor:v", "--view", "gantt", "-o", target]
        if command == "diagram"
        else ["report", scenario, "-o", target]
    )
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    if suffix == ".svg":  # drawn as paths, one per glyph, named by the glyph's index
        font = ft2font.FT2Font(font_manager.findfont("DejaVu Sans"))
        dollar = f'id="DejaVuSans-{font.get_char_index(ord("$")):x}"'
        assert dollar.encode() in target.read_bytes()


@pytest.mark.parametrize(
    ("label", "length", "shown"),
    [
        ("Exchange Online → OX App Suite", 56, "Exchange Online → OX App Suite"),
        ("A" * 40 + " → Fleet", 20, "A" * 11 + "… → Fleet"),
        ("Short → " + "B" * 40, 20, "Short → " + "B" * 11 + "…"),
        ("A" * 40 + " → " + "B" * 40, 23, "A" * 9 + "… → " + "B" * 9 + "…"),
        ("Export data from " + "P" * 60, 20, "Export data from PP…"),
    ],
)
def test_a_bar_label_keeps_both_of_its_ends(label: str, length: int, shown: str) -> None:
    assert _short_move(label, length) == shown
    assert len(_short_move(label, length)) <= length


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("short", "short"),
        (
            "Microsoft Purview Information Protection (sensitivity labels, DLP) and more",
            "Microsoft Purview Information …",
        ),
        ("x" * 100, "x" * 39 + "…"),  # one word longer than the room: cut inside it
    ],
)
def test_a_blocked_step_is_named_cut_between_words(text: str, cut: str) -> None:
    from exitplan.render.gantt import _between_words  # noqa: PLC0415

    assert _between_words(text, 40) == cut


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Alpha\nBeta", "Alpha Beta"),  # a line break is a space, not 'x0a'
        ("Evil\x1b[2J Corp", "Evil 2J Corp"),
        ("a:b;c#d%%e", "a b c d e"),
        ("``` fence", "fence"),
        ("", "step"),
    ],
)
def test_a_name_in_mermaid_is_plain_words(name: str, shown: str) -> None:
    from exitplan.render.gantt import _mermaid_text  # noqa: PLC0415

    assert _mermaid_text(name) == shown


def test_the_subtitle_names_what_the_alternatives_need_and_no_step_brings_in() -> None:
    """baramundi, chosen for Intune, needs Univention Nubus, which nothing runs and no step
    brings in: the chart's finish leaves it out, and the subtitle says so."""
    simulation = simulate(EmbeddedGraph(load_estate(EXAMPLE)), ["component:intune"])
    for layout in (SLIDE, PAGE):
        drawn = " ".join(
            re.findall(r"<!-- (.*?) -->", render_gantt(simulation, ".svg", layout).decode())
        )
        assert (
            "no step brings in Univention Nubus (IAM with Keycloak and OpenLDAP), needed by "
            "baramundi Management Suite" in drawn
        )
    whole = simulate(EmbeddedGraph(load_estate(EXAMPLE)), ["vendor:microsoft"])
    assert "not in the plan" not in render_gantt(whole, ".svg", SLIDE).decode()


@pytest.mark.parametrize(
    ("spec", "told"),
    [
        (  # one need of one candidate
            "s:x -> a\ncandidate k\nalt k for a R3 weeks=4\nk -> hub\ncandidate hub",
            "no step brings in hub, needed by k",
        ),
        (  # one need of two candidates, the first named
            "s:x -> a\ns:y -> b\ncandidate ka\ncandidate kb\nalt ka for a R3 weeks=4\n"
            "alt kb for b R3 weeks=6\nka -> hub\nkb -> hub\ncandidate hub",
            "no step brings in hub, needed by ka and 1 more",
        ),
        (  # a need of one node before a choice; the rest counted
            "s:x -> a\ncandidate k\nalt k for a R3 weeks=4\nk -> d1 group=d\nk -> d2 group=d\n"
            "k -> hub\nk -> old\ncandidate d1\ncandidate d2\ncandidate hub\nretired old",
            "no step brings in hub, needed by k; nor 2 more needs of the chosen alternatives",
        ),
        (  # a choice alone
            "s:x -> a\ncandidate k\nalt k for a R3 weeks=4\nk -> d1 group=d\nk -> d2 group=d\n"
            "candidate d1\ncandidate d2",
            "no step brings in either d1 or d2, needed by k",
        ),
        (  # a long name is cut between words
            "s:x -> a\ncandidate k\nalt k for a R3 weeks=4\nk -> " + "w" * 80 + "\n"
            "candidate " + "w" * 80,
            "no step brings in " + "w" * 59 + "…, needed by k",
        ),
    ],
)
def test_the_subtitle_names_the_first_need_not_in_the_plan(spec: str, told: str) -> None:
    from exitplan.render.gantt import _subtitle_parts  # noqa: PLC0415
    from tests.simulate.build import build  # noqa: PLC0415

    withdrawn = ["component:a", *(["component:b"] if "alt kb for b" in spec else [])]
    simulation = simulate(build(spec), withdrawn)
    assert _subtitle_parts(simulation, SLIDE)[-1] == told


@pytest.mark.parametrize(
    ("weeks", "finish"),
    [(" weeks=6", "finishes 2026-02-12"), ("", "finishes 2026-01-01 at the earliest")],
)
def test_the_subtitle_finishes_at_the_earliest_where_a_step_records_no_duration(
    weeks: str, finish: str
) -> None:
    """The terminal and the report said "at the earliest" of a plan with a step that
    records no ``duration_weeks``; the chart's subtitle gave the date alone."""
    from exitplan.render.gantt import _subtitle_parts  # noqa: PLC0415

    simulation = simulate(build(f"s:x -> a\ncandidate k\nalt k for a R3{weeks}"), ["component:a"])
    assert _subtitle_parts(simulation, SLIDE)[0] == finish


@pytest.mark.parametrize(
    ("needs", "names", "first"),
    [
        ({("a",): ["k"], ("z",): ["k"]}, {"a": "Zulu", "z": "Alpha"}, ("z",)),  # by name
        ({("a",): ["k"], ("z",): ["k"]}, {}, ("a",)),  # by id where nothing is named
        ({("a", "b"): ["k"], ("z",): ["k"]}, {"z": "Zulu"}, ("z",)),  # one node first
        ({("a", "b"): ["k"], ("c", "d"): ["k"]}, {"a": "Y", "c": "X"}, ("c", "d")),
    ],
    ids=["by-name", "by-id", "one-node-before-a-choice", "choices-by-name"],
)
def test_the_first_need_is_the_one_the_plans_notes_tell_first(
    needs: dict[tuple[str, ...], list[str]], names: dict[str, str], first: tuple[str, ...]
) -> None:
    """The subtitle and the board decision named the need first by id, the notes by name
    (helper-55)."""
    from exitplan.render.rows import first_need  # noqa: PLC0415

    assert first_need(needs, names)[0] == first


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_a_plan_past_the_year_9999_is_drawn_in_weeks_of_work(suffix: str) -> None:
    """Three moves of 100 years' effort at 0.1 person-weeks a month end past the year
    9999, which a valid estate may say: the dates of matplotlib (and Python) end there,
    and the report failed with an internal error (helper-57). The chart is drawn in weeks
    of work, as for an undated estate; the text names the day instead of a date."""
    spec = "\n".join(
        f"s:s{n} -> a{n}\ncandidate k{n}\nalt k{n} for a{n} R3 weeks=5200 effort=5200"
        for n in range(3)
    )
    capacity = Capacity(person_weeks_per_month=0.1)
    simulation = simulate(
        build(spec), [f"component:a{n}" for n in range(3)], Options(capacity=capacity)
    )
    assert simulation.date_of(simulation.plan.finish_day) is None  # past the calendar
    assert not on_calendar(simulation)
    drawn = render_gantt(simulation, suffix)
    assert drawn.startswith({".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}[suffix])
    assert "day " in " ".join(plan(simulation).rows[-1])


def test_a_contract_no_step_is_due_by_is_drawn_too() -> None:
    """The board is asked to give notice on it; the chart left it out (helper-61)."""
    graph = build(
        "s:x -> a\na -> e\ne -> licence\ncontract e 2026-06-30\n"
        "contract licence 2026-12-31 notice=90\ncandidate k\nvendor k other\n"
        "alt k for a R3 weeks=10"
    )
    block = gantt_mermaid(simulate(graph, ["vendor:v"], Options(mode=Mode.EXIT)))
    contracts = block.split("section Contracts", 1)[1]
    assert "End of e :milestone, 2026-06-30" in contracts
    assert "End of licence :milestone, 2026-12-31" in contracts


def test_the_subtitle_counts_the_steps_holding_up_as_the_plans_notes_name_them() -> None:
    """The subtitle said '2 holding up later steps' where the plan's notes named three
    (Active Directory, Entra ID and SharePoint): SharePoint is late itself, and nothing
    after it can meet its deadline however soon it finishes (helper-62)."""
    simulation = simulate(
        EmbeddedGraph(load_estate(EXAMPLE)), ["vendor:microsoft"], Options(mode=Mode.EXIT)
    )
    hopeless = {s.replaces for s in simulation.plan.too_late_for_next}
    assert hopeless == {"ad-ds", "entra-id", "sharepoint-online"}
    drawn = " ".join(
        re.findall(r"<!-- (.*?) -->", render_gantt(simulation, ".svg", SLIDE).decode())
    )
    assert "3 holding up later steps" in drawn


def test_a_byte_order_mark_in_a_name_does_not_stop_a_pdf(run_cli: RunCli, tmp_path: Path) -> None:
    """U+FEFF in a name (CSV exports put together) made matplotlib's PDF writer fail: an
    IndexError, exit 3 (helper-63). Names show it as an escape, as everywhere else."""
    estate, _ = write_estate(tmp_path, "Mail\ufeff")
    target = tmp_path / "g.pdf"
    result = run_cli("diagram", estate, "-w", "vendor:v", "--view", "gantt", "-o", target)
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes().startswith(b"%PDF")
