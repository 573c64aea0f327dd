"""Diagrams: deterministic DOT, escaped labels, SVG without system Graphviz, clear refusals."""

from __future__ import annotations

import re
import shlex
import shutil
import struct
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from exitplan.cli.common import _not_an_option
from exitplan.graph import EmbeddedGraph
from exitplan.loading import load_estate
from exitplan.model import NodeId
from exitplan.render.dot import NOTE_WIDTH, dump_dot, quote
from exitplan.render.files import Renderer, diagram_bytes
from exitplan.select import Mode
from exitplan.simulate import Options, simulate
from exitplan.simulate.result import State
from exitplan.simulate.views import (
    FAN,
    MAX_NODES,
    SLIDE_NODES,
    Cluster,
    Diagram,
    DiagramEdge,
    DiagramNode,
    Look,
    View,
    estate_view,
    fans,
    impact_view,
    plan_view,
)
from tests.conftest import EXAMPLE, CheckGolden, RunCli, WriteFiles, cli, shuffled_copy
from tests.reliability.test_outputs import write_estate
from tests.simulate.build import build

VIEWS = ["estate", "impact", "plan"]


@pytest.mark.parametrize("view", VIEWS)
def test_dot_per_view_is_golden_and_stable(
    view: str, run_cli: RunCli, golden: CheckGolden, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.dot", tmp_path / "second.dot"
    for target in (first, second):
        result = run_cli(
            "diagram", "graphs/gothenburg", "-w", "vendor:microsoft", "--view", view, "-o", target
        )
        assert result.exit_code == 0, result.stderr
    assert first.read_bytes() == second.read_bytes()
    golden(f"diagram-{view}.dot", first.read_text(encoding="utf-8"))


def test_shuffled_files_give_the_same_dot(tmp_path: Path) -> None:
    shuffled = shuffled_copy(EXAMPLE, tmp_path / "shuffled", seed=5)
    original = dump_dot(estate_view(EmbeddedGraph(load_estate(EXAMPLE))))
    assert dump_dot(estate_view(EmbeddedGraph(load_estate(shuffled)))) == original


HOSTILE = 'Evil "quoted" <b>bold</b> \\\\back\\\\slash\nnew line"]; x [label="injected'


def test_hostile_names_are_escaped(
    write_files: WriteFiles, run_cli: RunCli, tmp_path: Path
) -> None:
    folder = write_files(
        {
            "e.yaml": f"""
            vendors:
              - {{id: v, name: V, hq_country: SE}}
            components:
              - id: a
                name: {quote(HOSTILE)}
                vendor: v
                delivery: saas
            services:
              - {{id: s, name: Service, depends_on: [a]}}
            """
        }
    )
    dot = tmp_path / "x.dot"
    assert run_cli("diagram", folder, "--view", "estate", "-o", dot).exit_code == 0
    text = dot.read_text(encoding="utf-8")
    assert "injected" in text
    assert 'x [label="injected' not in text  # the quote did not end the string
    svg = tmp_path / "x.svg"
    result = run_cli("diagram", folder, "--view", "estate", "-o", svg)
    assert result.exit_code == 0, result.stderr
    texts = "".join(ET.parse(svg).getroot().itertext())  # noqa: S314  # our own output
    assert '"quoted"' in texts
    assert "<b>bold</b>" in texts


def _path_without_dot(tmp_path: Path) -> dict[str, str]:
    """A PATH on which there is no Graphviz."""
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    return {"PATH": str(empty)}


def test_svg_without_system_graphviz_has_a_legend(run_cli: RunCli, tmp_path: Path) -> None:
    svg = tmp_path / "impact.svg"
    result = run_cli(
        "diagram",
        "graphs/gothenburg",
        "--withdraw",
        "vendor:microsoft",
        "--view",
        "impact",
        "-o",
        svg,
        env=_path_without_dot(tmp_path),
    )
    assert result.exit_code == 0, result.stderr
    root = ET.parse(svg).getroot()  # noqa: S314  # our own output
    texts = " ".join(t.strip() for t in root.itertext() if t.strip())
    for entry in ("withdrawn", "broken (from the day shown)", "needs (stops without)"):
        assert entry in texts  # the legend
    assert "Microsoft Entra ID" in texts
    assert "NO VIABLE" in texts  # the vendor's table, with its replacements


def _nodes_and_cells(svg: bytes) -> tuple[set[str], list[str]]:
    """The node ids of an SVG drawn by Graphviz, and every text it draws, sorted."""
    root = ET.fromstring(svg)  # noqa: S314  # our own output
    ns = {"svg": "http://www.w3.org/2000/svg"}
    nodes = {
        title.text or ""
        for group in root.iterfind(".//svg:g[@class='node']", ns)
        for title in group.iterfind("svg:title", ns)
    }
    texts = sorted(t.text.strip() for t in root.iterfind(".//svg:text", ns) if t.text)
    return nodes, texts


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot (CI installs it)")
@pytest.mark.parametrize("view", ["impact", "plan", "estate"])
def test_the_pip_installed_renderer_draws_what_graphviz_draws(
    run_cli: RunCli, tmp_path: Path, view: str
) -> None:
    """graphviz-pure (the default, with dot hidden from PATH) and the system's dot draw
    the same nodes with the same tables and texts."""
    drawn = {}
    for renderer, env in (("pure", _path_without_dot(tmp_path)), ("dot", None)):
        svg = tmp_path / f"{view}-{renderer}.svg"
        args = ["-w", "vendor:microsoft", "--mode", "exit"] if view != "estate" else []
        result = run_cli(
            "diagram", "graphs/gothenburg", *args, "--view", view, "--renderer", renderer,
            "-o", svg, env=env,
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        drawn[renderer] = _nodes_and_cells(svg.read_bytes())
    pure, dot = drawn["pure"], drawn["dot"]
    assert pure[0] == dot[0]
    assert pure[0]
    assert pure[1] == dot[1]


def test_png_without_system_graphviz(run_cli: RunCli, tmp_path: Path) -> None:
    png = tmp_path / "impact.png"
    result = run_cli(
        "diagram", "graphs/gothenburg", "-w", "vendor:microsoft", "-o", png,
        env=_path_without_dot(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    again = tmp_path / "again.png"
    run_cli("diagram", "graphs/gothenburg", "-w", "vendor:microsoft", "-o", again,
            env=_path_without_dot(tmp_path))  # fmt: skip
    assert again.read_bytes() == png.read_bytes()


@pytest.mark.parametrize(
    ("suffix", "extra"), [(".pdf", ()), (".svg", ("--renderer", "dot"))], ids=["pdf", "dot"]
)
def test_what_needs_system_graphviz_says_what_to_install(
    run_cli: RunCli, tmp_path: Path, suffix: str, extra: tuple[str, ...]
) -> None:
    target = tmp_path / f"impact{suffix}"
    result = run_cli(
        "diagram", "graphs/gothenburg", "-w", "vendor:microsoft", *extra, "-o", target,
        env=_path_without_dot(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 2
    assert "apt-get install graphviz" in result.stderr
    assert not target.exists()
    assert list(tmp_path.glob(f".impact{suffix}*")) == []  # no half-written file left


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot (CI installs it)")
def test_png_through_system_graphviz(run_cli: RunCli, tmp_path: Path) -> None:
    png = tmp_path / "plan.png"
    result = run_cli(
        "diagram", "graphs/gothenburg", "-w", "vendor:microsoft", "--view", "plan", "-o", png
    )
    assert result.exit_code == 0, result.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unknown_suffix_is_refused_before_work(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("diagram", "graphs/gothenburg", "--view", "estate", "-o", tmp_path / "x.gif")
    assert result.exit_code == 2
    assert "the suffix picks the format" in result.stderr


@pytest.mark.parametrize(
    ("command", "name", "magic"),
    [
        (("diagram", "graphs/gothenburg", "-w", "component:intune"), "up.PNG", b"\x89PNG"),
        (
            ("diagram", "graphs/gothenburg", "-w", "component:intune", "--view", "gantt"),
            "g.Svg",
            b"<?xml",
        ),
        (
            ("diagram", "graphs/gothenburg", "--view", "estate", "--renderer", "dot"),
            "e.DOT",
            b"digraph",
        ),
        (("report", "scenarios/lose-intune.yaml"), "R.HTML", b"<!DOCTYPE html>"),
        (("report", "scenarios/lose-intune.yaml"), "R.MD", b"# Exit strategy"),
    ],
)
def test_a_suffix_in_capitals_picks_the_same_format(
    run_cli: RunCli, tmp_path: Path, command: tuple[str, ...], name: str, magic: bytes
) -> None:
    result = run_cli(*command, "-o", tmp_path / name)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / name).read_bytes().startswith(magic)


def test_simulate_can_draw_too(run_cli: RunCli, tmp_path: Path) -> None:
    dot = tmp_path / "impact.dot"
    result = run_cli("simulate", "graphs/gothenburg", "-w", "component:intune", "--diagram", dot)
    assert result.exit_code == 0, result.stderr
    assert "Microsoft Intune" in dot.read_text(encoding="utf-8")


def _components_drawn(dot: Path) -> int:
    """The wide estate's components in a DOT file: nodes, and cells of a fan's table."""
    text = dot.read_text(encoding="utf-8")
    return len(re.findall(r'^\s*"c\d+" \[', text, re.M)) + len(re.findall(r">C \d+<", text))


WIDE = MAX_NODES * FAN + 100
"""So many dependents of one node that even drawn as a table they are more than read on a
slide (a table counts one node for each FAN of them)."""


def _wide_estate(folder: Path, dependents: int = WIDE) -> tuple[Path, Path]:
    """One withdrawn component that ``dependents`` components of another vendor need: an
    impact view of more nodes than read on a slide."""
    components = [{"id": "a", "name": "A", "vendor": "v", "delivery": "saas"}] + [
        {"id": f"c{i:03d}", "name": f"C {i}", "vendor": "w", "delivery": "saas",
         "depends_on": ["a"]}
        for i in range(dependents)
    ]  # fmt: skip
    services = [{"id": "s", "name": "S", "depends_on": ["c000"]}]
    return write_estate(folder, "wide", components=components, services=services, alternatives=[])


@pytest.mark.parametrize("command", ["simulate", "run"])
def test_simulate_and_run_draw_the_part_that_reads_on_a_slide_and_give_the_answer(
    command: str, run_cli: RunCli, tmp_path: Path
) -> None:
    """A diagram over 250 nodes was refused after the simulation, and the answer with it
    (helper-67: 8 s of simulation at 30k, nothing on standard output, no workbook), with a
    hint naming --focus, which neither command has. They now draw the part that matters
    most, as the report does, and say what the picture leaves out."""
    estate, scenario = _wide_estate(tmp_path / "estate")
    svg, book = tmp_path / "impact.svg", tmp_path / "answer.xlsx"
    given = ["simulate", estate, "-w", "vendor:v"] if command == "simulate" else ["run", scenario]
    result = run_cli(*given, "--diagram", svg, "-o", book)
    assert result.exit_code == 0, result.stderr
    assert book.read_bytes().startswith(b"PK")
    text = svg.read_text(encoding="utf-8")
    drawn = set(re.findall(r"<title>(c\d+|s)</title>", text))
    drawn |= {f"c{int(n):03d}" for n in re.findall(r">C (\d+)<", text)}  # in a fan's table
    assert "<title>withdrawn:vendor&#45;v</title>" in text
    assert {"s", "c000"} <= drawn
    assert len(drawn) == 249  # and the withdrawn component's row
    assert "impact.svg: Cut to 250 of 3,102 nodes to fit the page" in result.stderr
    assert "Not drawn: 2,852 broken or degraded components" in result.stderr
    hint = re.search(r"(exitplan diagram .*) draws any part of it whole", result.stderr)
    assert hint is not None, result.stderr  # a command that can be run as it is (helper-68)
    part_svg = str(tmp_path / "part.svg")
    filled = hint.group(1).replace("--focus ID --depth N -o FILE", "--focus c000 --depth 1 -o ")
    words = shlex.split(filled + shlex.quote(part_svg))
    if command == "simulate":
        assert words[2:5] == [str(estate), "-w", "vendor:v"]
    else:  # the scenario again: its withdrawal, start, horizon and preferences with it
        assert words[2:4] == ["--scenario", str(scenario)]
    part = run_cli(*words[1:])
    assert part.exit_code == 0, part.stderr
    whole_dot = tmp_path / "whole.dot"  # a .dot file, for other tools, is whole (helper-70)
    given_dot = run_cli(*given, "--diagram", whole_dot)
    assert given_dot.exit_code == 0, given_dot.stderr
    assert "Cut to" not in given_dot.stderr
    assert _components_drawn(whole_dot) == WIDE
    svg = tmp_path / "impact.svg"
    whole = run_cli("diagram", estate, "-w", "vendor:v", "--view", "impact", "-o", svg)
    assert whole.exit_code == 2  # the command that can focus still says how
    assert (
        "3,102 nodes (even with alike ones drawn as tables, one for each 12 of them), more than "
        "250 read on a slide; cut it down with --focus"
    ) in whole.stderr


@pytest.mark.parametrize("command", ["simulate", "diagram", "estate"])
def test_a_hub_s_dependents_that_fit_on_a_slide_as_a_table_are_drawn_whole(
    command: str, run_cli: RunCli, tmp_path: Path
) -> None:
    """300 dependents of one node, drawn as one table, read on a slide as 25 boxes would:
    they were cut to 250 nodes by --diagram, and refused by exitplan diagram, whose advice
    for the hub alone was to list its neighbours with exitplan show."""
    estate, _ = _wide_estate(tmp_path / "estate", dependents=300)
    svg = tmp_path / "whole.svg"
    given = {
        "simulate": ["simulate", estate, "-w", "vendor:v", "--diagram", svg],
        "diagram": ["diagram", estate, "-w", "vendor:v", "--view", "impact", "-o", svg],
        "estate": ["diagram", estate, "--view", "estate", "--focus", "a", "--depth", "1"],
    }[command]
    result = run_cli(*given, *(["-o", svg] if command == "estate" else []))
    assert result.exit_code == 0, result.stderr
    assert "Cut to" not in result.stderr
    text = svg.read_text(encoding="utf-8")
    drawn = set(re.findall(r"<title>(c\d+)</title>", text))
    drawn |= {f"c{int(n):03d}" for n in re.findall(r">C (\d+)<", text)}
    assert drawn == {f"c{i:03d}" for i in range(300)}


def test_withdrawn_components_nothing_needs_count_each_though_named_in_one_row(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """helper-77: the row that names every withdrawn component nothing needs counted as
    one node, so 2,900 of them were drawn as a column 28,000 pixels tall; each counts."""
    components = [{"id": "a", "name": "A", "vendor": "v", "delivery": "saas"}] + [
        {"id": f"u{i:03d}", "name": f"Unused {i}", "vendor": "v", "delivery": "saas"}
        for i in range(300)
    ]
    services = [{"id": "s", "name": "S", "depends_on": ["a"]}]
    estate, _ = write_estate(
        tmp_path / "unused", "unused", components=components, services=services, alternatives=[]
    )
    svg = tmp_path / "x.svg"
    refused = run_cli("diagram", estate, "-w", "vendor:v", "--view", "impact", "-o", svg)
    assert refused.exit_code == 2
    assert "the diagram would have 302 nodes, more than 250 read on a slide" in refused.stderr
    cut = run_cli("simulate", estate, "-w", "vendor:v", "--diagram", svg)
    assert cut.exit_code == 0, cut.stderr
    assert "Cut to 250 of 302 nodes" in cut.stderr


def test_a_table_too_large_for_a_slide_is_counted_as_a_table(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """Dependents that even as a table count more than a slide holds are refused, and the
    refusal says how they were counted."""
    estate, _ = _wide_estate(tmp_path / "estate", dependents=2990)
    svg = tmp_path / "whole.svg"
    result = run_cli("diagram", estate, "-w", "vendor:v", "--view", "impact", "-o", svg)
    assert result.exit_code == 2
    assert (
        "the diagram would have 2,992 nodes (253 with alike ones drawn as tables, one for each "
        "12 of them), more than 250 read on a slide; cut it down with --focus"
    ) in result.stderr
    assert not svg.exists()


@pytest.mark.parametrize(
    ("given", "told"),
    [
        ((), "cut it down with --focus ID --depth N"),
        (("--focus", "a"), "cut it down with a --depth below 2, or --focus on"),  # default 2
        (("--focus", "a", "--depth", "2"), "cut it down with a --depth below 2, or --focus on"),
        (
            ("--focus", "a", "--depth", "1"),
            "a alone has that many neighbours: exitplan show ESTATE a",
        ),
    ],
    ids=["no-focus", "focus-with-the-default-depth", "depth-2", "depth-1"],
)
@pytest.mark.parametrize("view", ["estate", "impact"])
def test_a_diagram_too_large_says_how_to_draw_less_and_a_dot_file_is_whole(
    view: str, given: tuple[str, ...], told: str, run_cli: RunCli, tmp_path: Path
) -> None:
    """With --focus and --depth 1 given, the refusal asked for --focus ID --depth N again
    (helper-67, on a hub of 10,588 neighbours); a .dot file, for other tools, was refused
    too."""
    estate, _ = _wide_estate(tmp_path / "estate")
    withdraw = ("-w", "vendor:v") if view == "impact" else ()
    shown = tmp_path / "wide.svg"
    refused = run_cli("diagram", estate, *withdraw, "--view", view, *given, "-o", shown)
    assert refused.exit_code == 2
    assert told in refused.stderr
    assert "a .dot file is written whole, for other tools" in refused.stderr
    assert not shown.exists()
    whole = tmp_path / "wide.dot"
    written = run_cli("diagram", estate, *withdraw, "--view", view, *given, "-o", whole)
    assert written.exit_code == 0, written.stderr
    assert _components_drawn(whole) == WIDE


def test_focus_cuts_the_estate_down(run_cli: RunCli, tmp_path: Path) -> None:
    dot = tmp_path / "focus.dot"
    result = run_cli(
        "diagram",
        "graphs/gothenburg",
        "--view",
        "estate",
        "--focus",
        "intune",
        "--depth",
        "1",
        "-o",
        dot,
    )
    assert result.exit_code == 0, result.stderr
    text = dot.read_text(encoding="utf-8")
    assert '"intune"' in text
    assert '"entra-id"' in text
    assert '"teams"' not in text


def test_impact_view_shows_what_the_simulation_computed() -> None:
    """Every withdrawn component is a row (or named in its card's folded row) with the
    replacement the simulation chose, or says that none is viable; every broken service
    carries its day."""
    graph = EmbeddedGraph(load_estate(EXAMPLE))
    simulation = simulate(graph, ["vendor:microsoft"], Options(mode=Mode.EXIT))
    diagram = impact_view(graph, simulation)
    rows = {node.id: node for node in diagram.nodes if node.card is not None}
    folded = " ".join(" ".join(n.lines) for n in rows.values() if n.id.startswith("unneeded:"))
    names = graph.nodes_by_id({a.id for a in simulation.affected})
    for affected in simulation.affected:
        name = names[affected.id].name
        if affected.state is State.WITHDRAWN:
            assert affected.id in rows or name in folded, name
    for gap in simulation.missing:
        assert rows[gap.replaces].aside_look is Look.MISSING
    for replacement in simulation.replacements:
        if replacement.chosen is not None:
            row = rows[replacement.replaces]
            assert row.aside_look is Look.CANDIDATE
            candidate = graph.node(replacement.chosen.candidate).name
            assert " ".join(row.aside).startswith("→ " + candidate.split()[0])
    drawn = {node.id: node for node in diagram.nodes}
    for service in simulation.services:
        if service.state is State.BROKEN:
            when = simulation.date_of(service.impact.fails_at)
            assert when is not None
            assert f"breaks {when.isoformat()}" in drawn[service.id].lines


def test_hostile_names_in_table_cells_are_escaped(
    write_files: WriteFiles, run_cli: RunCli, tmp_path: Path
) -> None:
    folder = write_files(
        {
            "e.yaml": f"""
            vendors:
              - {{id: v, name: {quote(HOSTILE)}, hq_country: SE}}
              - {{id: w, name: W, hq_country: SE}}
            components:
              - id: a
                name: {quote(HOSTILE)}
                vendor: v
                delivery: saas
              - id: b
                name: {quote(HOSTILE + " & more</td></tr></table>>")}
                vendor: w
                delivery: saas
                lifecycle: candidate
            services:
              - {{id: s, name: Service, depends_on: [a]}}
            alternatives:
              - {{for: a, candidate: b, readiness: R2}}
            """
        }
    )
    dot = tmp_path / "x.dot"
    result = run_cli("diagram", folder, "-w", "vendor:v", "--view", "impact", "-o", dot)
    assert result.exit_code == 0, result.stderr
    text = dot.read_text(encoding="utf-8")
    assert "more</td>" not in text  # the name cannot close the table of the label
    assert "more&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&gt;" in text
    svg = tmp_path / "x.svg"
    result = run_cli("diagram", folder, "-w", "vendor:v", "--view", "impact", "-o", svg)
    assert result.exit_code == 0, result.stderr
    texts = "".join(ET.parse(svg).getroot().itertext())  # noqa: S314  # our own output
    assert "<b>bold</b>" in texts
    assert "more</td></tr></table>>" in texts
    assert "→ Evil" in texts


def test_backslashes_and_control_characters_stay_text(
    write_files: WriteFiles, run_cli: RunCli, tmp_path: Path
) -> None:
    """Graphviz expands \\N, \\G and \\E even in HTML-like labels, and a NUL ends its parse;
    names are drawn as written (control characters as escapes, as on the terminal)."""
    name = "ACME\\\\Nordic \\\\\\\\fs01\\\\Gemensam \\a\\0"  # YAML escapes: \, \\, BEL, NUL
    folder = write_files(
        {
            "e.yaml": f"""
            vendors: [{{id: x, name: "{name}", hq_country: SE}}]
            components: [{{id: a, name: "{name}", vendor: x, delivery: saas}}]
            services: [{{id: s, name: S, depends_on: [a]}}]
            """
        }
    )
    for env in (None, _path_without_dot(tmp_path)):
        svg = tmp_path / ("system.svg" if env is None else "wasm.svg")
        result = run_cli(
            "diagram", folder, "-w", "vendor:x", "--view", "impact", "-o", svg, env=env
        )
        assert result.exit_code == 0, result.stderr
        root = ET.parse(svg).getroot()  # noqa: S314  # our own output
        texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
        assert "ACME\\Nordic" in texts
        assert "\\\\fs01\\Gemensam" in texts
        assert "withdrawn:" not in texts  # \N was not expanded to the node's id
        assert "\\x07\\x00" in texts


def test_plain_drawing_keeps_waves_in_order() -> None:
    spec = "\n".join(
        [f"s:x -> c{i}" for i in range(12)]
        + [f"candidate k{i}\nalt k{i} for c{i} R3" for i in range(12)]
        + [f"k{i + 1} -> k{i}" for i in range(11)]
        + [f"vendor k{i} other" for i in range(12)]
    )
    graph = build(spec)
    drawing = plan_view(graph, simulate(graph, ["vendor:v"], Options(mode=Mode.EXIT)))
    waves = re.findall(r'subgraph "cluster_wave-(\d+)"', dump_dot(drawing, tables=False))
    assert [int(w) for w in waves] == list(range(1, 13))


@pytest.mark.parametrize(
    ("shortcut", "first", "then", "drawn"),
    [
        ("", "", "", False),  # a chain of hard, immediate needs shows a → c
        ("", "soft", "", True),  # a only degrades through b: a → c says a stops
        ("", "", "soft", True),
        ("soft", "", "", False),  # a stops through the chain: it degrades too
        ("soft", "soft", "soft", False),
        ("", "", "grace=345", True),  # the chain says after 345 days; a → c, at once
        ("grace=30", "", "", False),  # the chain makes a stop sooner
        ("soft grace=90", "soft", "", False),
        ("", "renewal", "", True),  # the chain says at renewal
        ("renewal", "", "", False),
        ("", "group=g", "", True),  # b is one of a group: its chain is no chain
    ],
)
def test_a_dependency_is_left_out_only_where_a_chain_says_all_it_says(
    shortcut: str, first: str, then: str, drawn: bool
) -> None:
    """a → c beside a → b → c: the estate view leaves a → c out when the chain makes a stop
    (or degrade) no later than a → c would; a soft link or a period of grace in the chain
    says less, and a → c stays (helper-114 found IT-arbetsplats → Windows 11 left out
    behind a chain through a soft link)."""
    graph = build(f"s:x -> a\na -> b {first}\nb -> c {then}\na -> c {shortcut}\na -> g2 group=g")
    lines = {(edge.source, edge.target) for edge in estate_view(graph).edges}
    assert {("a", "b"), ("b", "c")} <= lines
    assert (("a", "c") in lines) is drawn


def test_a_step_box_says_what_it_needs_brought_in() -> None:
    graph = build(
        "s:x -> a\ncandidate k\nalt k for a R3 weeks=4\nk -> hub\ncandidate hub\n"
        "k -> d1 group=dir\nk -> d2 group=dir\ncandidate d1\ncandidate d2"
    )
    drawing = plan_view(graph, simulate(graph, ["component:a"]))
    (box,) = drawing.nodes
    assert "needs hub and either d1 or d2 brought in: not planned" in " ".join(box.lines)


@pytest.mark.parametrize(
    ("app_grace", "told"),
    [
        (200, ("260 days to spare", "10 days late for the steps after it")),
        (
            50,
            (
                "260 days to spare",
                "the steps after it miss",
                "their deadlines however soon",
                "it finishes",
            ),
        ),
        (400, ("260 days to spare",)),
    ],
)
def test_a_step_box_says_how_late_it_is_for_the_steps_after_it(
    app_grace: int, told: tuple[str, ...]
) -> None:
    """replace-app takes 70 days after replace-idp (due on day 400, finishing on day
    140): due on day 200 it needs replace-idp by day 130; on day 50, before it can start."""
    graph = build(
        f"s:x -> app grace={app_grace}\ns:y -> idp grace=400\napp -> idp\ncandidate k\n"
        "alt k for app R4 weeks=10\nk -> idp\ncandidate kc\nalt kc for idp R2 weeks=20"
    )
    drawing = plan_view(graph, simulate(graph, ["component:app", "component:idp"]))
    box = next(node for node in drawing.nodes if node.id == "replace-idp")
    assert box.lines[2:] == told


@pytest.mark.parametrize(("mode", "told"), [(Mode.CUT_OFF, True), (Mode.EXIT, False)])
def test_an_export_box_says_when_it_cannot_be_made(mode: Mode, told: bool) -> None:
    graph = build(
        "s:x -> a\nexport a\ncontract a 2026-07-01\ncandidate k\nvendor k other\n"
        "alt k for a R3 weeks=4"
    )
    drawing = plan_view(graph, simulate(graph, ["vendor:v"], Options(mode=mode)))
    box = next(node for node in drawing.nodes if node.id == "export-a")
    assert ("cannot be made: the vendor is gone by then" in " ".join(box.lines)) is told


def test_focus_must_be_a_service_or_component(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli(
        "diagram", "graphs/gothenburg", "--view", "estate", "--focus", "microsoft",
        "-o", tmp_path / "f.dot",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "service or component, not a vendor" in result.stderr


@pytest.mark.parametrize("view", ["estate", "impact"])
def test_an_empty_focus_is_no_node(run_cli: RunCli, tmp_path: Path, view: str) -> None:
    """``--focus ''`` drew the whole view, where ``show`` and ``why`` refuse an empty id
    (helper-115)."""
    withdraw = ["-w", "vendor:microsoft"] if view == "impact" else []
    result = run_cli(
        "diagram", "graphs/gothenburg", "--view", view, *withdraw, "--focus", "",
        "-o", tmp_path / "f.svg",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == "exitplan: estate 'gothenburg' has no node ''\n"
    assert not (tmp_path / "f.svg").exists()


def test_focus_on_what_the_withdrawal_does_not_reach_is_refused(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """It drew a title ('around Keycloak') over an empty picture, with exit 0."""
    result = run_cli(
        "diagram", "graphs/gothenburg", "--view", "impact", "-w", "component:intune",
        "--focus", "keycloak", "-o", tmp_path / "d.png",
    )  # fmt: skip
    assert result.exit_code == 2
    assert (
        "--focus keycloak: the withdrawal reaches nothing within 2 dependency steps of it"
        in result.stderr
    )
    assert not (tmp_path / "d.png").exists()


def test_options_a_view_does_not_use_are_named(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli(
        "diagram", "graphs/gothenburg", "-w", "vendor:microsoft", "--view", "plan",
        "--focus", "intune", "-o", tmp_path / "p.dot",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "the plan view does not use --focus" in result.stderr
    alone = run_cli(
        "diagram", "graphs/gothenburg", "--view", "estate", "--depth", "3", "-o", tmp_path / "e.dot"
    )  # fmt: skip
    assert alone.exit_code == 0, alone.stderr
    assert "--depth is used only with --focus ID; the whole view is drawn" in alone.stderr


@pytest.mark.parametrize("view", ["impact", "estate", "plan", "gantt"])
def test_names_of_thousands_of_characters_are_cut_to_a_few_lines(tmp_path: Path, view: str) -> None:
    """A name may hold 4,000 characters. Wrapped whole, names of 1,000 took 9 GB and 40 s
    to draw into a 52,504-pixel PNG, and of 4,000 failed inside graphviz-pure."""
    estate, _ = write_estate(tmp_path / "in", "Long name " * 399)
    target = tmp_path / f"{view}.png"
    result = cli("diagram", estate, "-w", "vendor:v", "--view", view, "-o", target)
    assert result.exit_code == 0, result.stderr
    width, height = struct.unpack(">II", target.read_bytes()[16:24])
    assert width < 4000
    assert height < 2000


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot (CI installs it)")
def test_a_pdf_is_the_same_bytes_a_second_later_in_another_time_zone(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """cairo writes the local time into a PDF, to the second and with its offset from
    UTC; exitplan writes a fixed one."""
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for target, zone in ((first, "UTC"), (second, "Asia/Kolkata")):
        result = run_cli(
            "diagram", "graphs/gothenburg", "-w", "vendor:microsoft", "-o", target, env={"TZ": zone}
        )
        assert result.exit_code == 0, result.stderr
        time.sleep(1.1)
    assert first.read_bytes() == second.read_bytes()
    assert b"/CreationDate (D:20000101000000" in first.read_bytes()


def test_top_to_bottom_lines_reach_the_withdrawn_rows_from_the_side(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """Top to bottom, a line to a row's north side crossed every row above it."""
    target = tmp_path / "tb.dot"
    result = run_cli(
        "diagram", "graphs/gothenburg", "-w", "vendor:microsoft", "--group-by", "none",
        "--direction", "TB", "-o", target,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    assert 'rankdir="TB"' in text or "rankdir=TB" in text
    assert re.search(r':"?r\d+"?:w', text)
    assert not re.search(r':"?r\d+"?:n\b', text)


def test_a_long_note_above_the_drawing_wraps_and_does_not_widen_the_picture() -> None:
    """ "Cut to 10 of 52 nodes …" was one line of some 200 characters: the picture grew as
    wide as it, and its drawing shrank when it was fitted to a page or a slide."""
    graph = EmbeddedGraph(load_estate(EXAMPLE))
    simulation = simulate(graph, ["vendor:microsoft"], Options(mode=Mode.EXIT))
    view = impact_view(graph, simulation, fit=10)
    assert view.left_out is not None
    assert len(view.left_out) > NOTE_WIDTH
    header = dump_dot(view).split("graph [label=", 1)[1].split("];", 1)[0]
    (cell,) = [c for c in re.findall(r"<td[^>]*>(.*?)</td>", header) if "Cut to 10 of" in c]
    lines = re.sub(r"<[^>]+>", "\n", cell.replace("<br/>", "\n")).split("\n")
    assert len([line for line in lines if line.strip()]) >= 2
    assert max(map(len, lines)) <= NOTE_WIDTH


def test_a_slide_cut_to_fit_draws_what_has_no_viable_alternative_first() -> None:
    """The deck's "What breaks" slide drew six withdrawn components, every one with a
    replacement, and none of the ten with no viable alternative (helper-56): the services
    whose chain passes through one now come first, and those components before the ones
    most depended on."""
    graph = EmbeddedGraph(load_estate(EXAMPLE))
    simulation = simulate(graph, ["vendor:microsoft"], Options(mode=Mode.EXIT))
    view = impact_view(graph, simulation, fit=SLIDE_NODES)
    missing = {r.replaces for r in simulation.missing}
    shown = {n.id.split(":")[-1] for n in view.nodes}
    through = {  # the services whose chain passes through one, and that one
        n for s in simulation.services if set(s.impact.because) & missing for n in s.impact.because
    } & (missing | {s.id for s in simulation.services})
    assert len(through) >= 4
    assert through <= shown, through - shown
    assert view.left_out is not None
    assert "through what has no viable alternative before the rest" in view.left_out


@pytest.mark.parametrize(
    ("start", "told"),
    [
        (None, "estate as of 2026-11-01"),
        (date(2027, 1, 1), "estate as of 2026-11-01; day 0 2027-01-01"),
    ],
)
def test_a_diagram_names_day_0_when_the_scenario_starts_later(
    start: date | None, told: str
) -> None:
    """A cut-off from 2027-01-01 drew "estate as of 2026-11-01" alone (helper-56): the
    days on the picture count from a date it did not give."""
    graph = EmbeddedGraph(load_estate(EXAMPLE))
    simulation = simulate(graph, ["vendor:microsoft"], Options(start=start))
    for view in (impact_view(graph, simulation), plan_view(graph, simulation)):
        assert view.title[-1] == told


def test_the_notices_command_takes_a_path_that_starts_with_a_hyphen_as_a_path() -> None:
    """helper-69: an estate at ./-est was printed as '-est', an option to click."""
    assert (_not_an_option("-est"), _not_an_option("est"), _not_an_option("/x/-y")) == (
        "./-est",
        "est",
        "/x/-y",
    )


def test_the_command_that_draws_a_part_keeps_the_budget_given(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """``--max-bytes`` given to simulate is in the ``exitplan diagram`` command it
    suggests: an estate beyond the default budget would be refused by that command."""
    estate, _ = _wide_estate(tmp_path / "estate")
    svg = tmp_path / "impact.svg"
    result = run_cli("simulate", estate, "-w", "vendor:v", "--max-bytes", "1MiB", "--diagram", svg)
    assert result.exit_code == 0, result.stderr
    hint = re.search(r"(exitplan diagram .*) draws any part of it whole", result.stderr)
    assert hint is not None, result.stderr
    words = shlex.split(hint.group(1).replace("--focus ID --depth N -o FILE", ""))
    assert words[2:7] == [str(estate), "--max-bytes", str(2**20), "-w", "vendor:v"]
    part = tmp_path / "part.svg"
    drawn = run_cli(*words[1:], "--focus", "c000", "--depth", "1", "-o", part)
    assert drawn.exit_code == 0, drawn.stderr
    assert part.exists()


def _later_scenario(folder: Path) -> tuple[Path, Path]:
    """The wide estate, and a scenario that leaves its vendor from a later day 0 and looks
    only 90 days ahead."""
    estate, _ = _wide_estate(folder)
    scenario = folder / "later.json"
    scenario.write_text(
        '{"id": "later", "title": "vendor:v", "estate": "estate.json",'  # titled as -w is
        ' "withdraw": ["vendor:v"], "mode": "exit", "start": "2027-01-01", "horizon_days": 90}',
        encoding="utf-8",
    )
    return estate, scenario


@pytest.mark.parametrize("command", ["simulate", "run"])
def test_the_command_that_draws_a_part_keeps_day_0_the_horizon_and_the_mode(
    command: str, run_cli: RunCli, tmp_path: Path
) -> None:
    """The suggested command drew the withdrawal from the estate's as_of, to no horizon,
    and (after run) without the scenario's preferences: the part did not match the slide.
    It now draws from the same day 0, to the same horizon, in the same mode."""
    estate, scenario = _later_scenario(tmp_path / "estate")
    later = ["--mode", "exit", "--start", "2027-01-01", "--horizon", "90"]
    given = (
        ["simulate", estate, "-w", "vendor:v", *later]
        if command == "simulate"
        else ["run", scenario]
    )
    result = run_cli(*given, "--diagram", tmp_path / "slide.svg")
    assert result.exit_code == 0, result.stderr
    hint = re.search(r"(exitplan diagram .*) draws any part of it whole", result.stderr)
    assert hint is not None, result.stderr
    words = shlex.split(hint.group(1).replace("--focus ID --depth N -o FILE", ""))
    if command == "simulate":
        assert words[2:] == [
            str(estate), "-w", "vendor:v", "--mode", "exit", "--start", "2027-01-01",
            "--horizon", "90", "--view", "impact",
        ]  # fmt: skip
    else:
        assert words[2:] == ["--scenario", str(scenario), "--view", "impact"]
    part = tmp_path / "part.dot"
    drawn = run_cli(*words[1:], "--focus", "c000", "--depth", "1", "-o", part)
    assert drawn.exit_code == 0, drawn.stderr
    text = part.read_text(encoding="utf-8")
    assert "(exit, horizon 90 days)" in text
    assert "estate as of 2026-01-01; day 0 2027-01-01" in text


def test_a_scenario_draws_what_its_options_draw(run_cli: RunCli, tmp_path: Path) -> None:
    """``diagram --scenario`` simulates as ``run`` does: a scenario without preferences,
    titled as its withdrawal (the title heads the picture), draws, byte for byte, what
    its withdrawal, mode, start and horizon given as options draw; and those options
    change the picture (day 0 and horizon in its title)."""
    estate, scenario = _later_scenario(tmp_path / "estate")
    options = ["-w", "vendor:v", "--mode", "exit", "--start", "2027-01-01", "--horizon", "90"]
    for view in ("impact", "plan"):
        by_scenario, by_options, plain = (tmp_path / f"{view}-{n}.dot" for n in range(3))
        for given, path in (
            (["--scenario", scenario], by_scenario),
            ([estate, *options], by_options),
            ([estate, "-w", "vendor:v", "--mode", "exit"], plain),
        ):
            result = run_cli("diagram", *given, "--view", view, "-o", path)
            assert result.exit_code == 0, result.stderr
        assert by_scenario.read_bytes() == by_options.read_bytes()
        assert by_scenario.read_bytes() != plain.read_bytes()
        assert "day 0 2027-01-01" not in plain.read_text(encoding="utf-8")
    gantt = tmp_path / "gantt.svg"
    result = run_cli("diagram", "--scenario", scenario, "--view", "gantt", "-o", gantt)
    assert result.exit_code == 0, result.stderr
    assert gantt.read_bytes().lstrip().startswith(b"<?xml")


@pytest.mark.parametrize(
    ("given", "told"),
    [
        (["ESTATE"], "leave out PATH"),
        (["-w", "vendor:w"], "leave out --withdraw"),
        (["--mode", "cut-off"], "leave out --mode"),
        (["--start", "2027-02-01"], "leave out --start"),
        (["--horizon", "30"], "leave out --horizon"),
        (["ESTATE", "--horizon", "30"], "leave out PATH, --horizon"),
        (["--view", "estate"], "the estate view draws no withdrawal: give the estate as PATH"),
    ],
    ids=["path", "withdraw", "mode", "start", "horizon", "two", "estate-view"],
)
def test_what_a_scenario_sets_is_not_set_again(
    given: list[str], told: str, run_cli: RunCli, tmp_path: Path
) -> None:
    """With --scenario, whatever would set its estate, withdrawal, mode, start or horizon
    again is refused before anything is read (which would win is not for the reader of
    the picture to guess)."""
    estate, scenario = _later_scenario(tmp_path / "estate")
    words = [str(estate) if word == "ESTATE" else word for word in given]
    svg = tmp_path / "impact.svg"
    result = run_cli("diagram", "--scenario", scenario, *words, "-o", svg)
    assert result.exit_code == 2, result.stderr
    assert told in result.stderr
    assert "Traceback" not in result.stderr
    assert not svg.exists()


@pytest.mark.parametrize(
    ("target", "told"),
    [("scenario.yaml", "part of the scenario"), ("estate/estate.yaml", "part of the estate")],
)
def test_a_scenario_s_picture_is_not_written_over_what_it_reads(
    target: str, told: str, run_cli: RunCli, tmp_path: Path
) -> None:
    """A picture's name that is a symbolic link to the scenario, or to a file of its
    estate, is refused before anything is drawn; both stay as they were."""
    shutil.copytree(EXAMPLE, tmp_path / "estate")
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(
        "id: s\ntitle: S\nestate: estate\nwithdraw: [vendor:microsoft]\n", encoding="utf-8"
    )
    before = (tmp_path / target).read_bytes()
    (tmp_path / "picture.svg").symlink_to(tmp_path / target)
    result = run_cli("diagram", "--scenario", scenario, "-o", tmp_path / "picture.svg")
    assert result.exit_code == 2, result.stderr
    assert "will not write" in result.stderr
    assert told in result.stderr
    assert (tmp_path / target).read_bytes() == before


@pytest.mark.parametrize("view", ["impact", "plan", "gantt"])
def test_a_withdrawal_view_without_one_says_both_ways_to_give_it(
    view: str, run_cli: RunCli, tmp_path: Path
) -> None:
    estate, _ = _wide_estate(tmp_path / "estate", dependents=2)
    result = run_cli("diagram", estate, "--view", view, "-o", tmp_path / "x.svg")
    assert result.exit_code == 2
    assert f"the {view} view needs --withdraw SELECTOR (or --scenario FILE)" in result.stderr


def test_the_estate_view_names_day_0_and_horizon_as_unused(run_cli: RunCli, tmp_path: Path) -> None:
    estate, _ = _wide_estate(tmp_path / "estate", dependents=2)
    svg = tmp_path / "estate.svg"
    given = ("--start", "2027-01-01", "--horizon", "5")
    result = run_cli("diagram", estate, "--view", "estate", *given, "-o", svg)
    assert result.exit_code == 0, result.stderr
    assert "the estate view does not use --start, --horizon" in result.stderr


def _fan_diagram(view: View, edges: list[tuple[str, str, Look, str]]) -> Diagram:
    """Nodes named by the edges ("f3" in frame f, "g3" in g, "k3" in k, "r3" a card's row,
    "d3" degraded, "s3" a service, the others broken components), and the edges."""
    ids = sorted({end for source, target, _, _ in edges for end in (source, target)})
    nodes = tuple(
        DiagramNode(
            i,
            (i,),
            Look.DEGRADED if i.startswith("d") else Look.BROKEN,
            cluster=i[0] if i[0] in "fgk" else None,
            card="card" if i.startswith("r") else None,
            service=i.startswith("s"),
        )
        for i in ids
    )
    lines = tuple(DiagramEdge(a, b, look, (said,) if said else ()) for a, b, look, said in edges)
    return Diagram(
        view,
        ("t",),
        "LR",
        nodes,
        lines,
        clusters=(Cluster("f", "F"), Cluster("g", "G <b>&amp;\x07"), Cluster("k", "K\tk\r\nnext")),
        cards=(Cluster("card", "C"),),
    )


def _leaves(
    prefix: str, count: int, to: str, look: Look = Look.HARD, said: str = ""
) -> list[tuple[str, str, Look, str]]:
    return [(f"{prefix}{i:02d}", to, look, said) for i in range(count)]


_TWO_HUBS = [("hub", "other", Look.HARD, ""), ("other", "x", Look.HARD, "")]


@pytest.mark.parametrize(
    ("view", "edges", "folded"),
    [
        (View.IMPACT, [*_TWO_HUBS, *_leaves("a", FAN, "hub")], []),
        (View.IMPACT, [*_TWO_HUBS, *_leaves("a", FAN + 1, "hub")], [("hub", True, FAN + 1)]),
        (View.ESTATE, [*_TWO_HUBS, *_leaves("a", FAN + 1, "hub")], [("hub", True, FAN + 1)]),
        (View.PLAN, [*_TWO_HUBS, *_leaves("a", FAN + 1, "hub")], []),
        (
            View.IMPACT,
            [*_TWO_HUBS, *_leaves("a", FAN + 1, "hub"), *_leaves("b", FAN + 1, "hub", Look.SOFT)],
            [("hub", True, FAN + 1), ("hub", True, FAN + 1)],
        ),
        (
            View.IMPACT,
            [
                *_TWO_HUBS,
                *_leaves("a", FAN + 1, "hub"),
                *_leaves("b", FAN, "hub", said="after 30 days"),
            ],
            [("hub", True, 2 * FAN + 1)],
        ),
        (
            View.IMPACT,
            [*_TWO_HUBS, *_leaves("a", FAN + 1, "hub"), *_leaves("d", FAN + 1, "hub")],
            [("hub", True, FAN + 1), ("hub", True, FAN + 1)],
        ),
        (
            View.IMPACT,
            [*_TWO_HUBS, *_leaves("a", FAN + 1, "hub"), *_leaves("s", FAN, "hub")],
            [("hub", True, FAN + 1)],
        ),
        (
            View.IMPACT,
            [*_TWO_HUBS, *_leaves("a", FAN + 1, "hub"), *_leaves("f", FAN + 1, "hub")],
            [("hub", True, FAN + 1), ("hub", True, FAN + 1)],
        ),
        (
            View.IMPACT,
            [*_TWO_HUBS, *_leaves("a", FAN + 2, "hub"), ("a00", "other", Look.HARD, "")],
            [("hub", True, FAN + 1)],
        ),
        (
            View.IMPACT,
            [*_TWO_HUBS, *[("hub", f"a{i:02d}", Look.HARD, "") for i in range(FAN + 1)]],
            [("hub", False, FAN + 1)],
        ),
        (View.IMPACT, [*_TWO_HUBS, *_leaves("r", FAN + 1, "hub")], []),
        (
            View.ESTATE,
            [*_TWO_HUBS, *_leaves("f", FAN // 2 + 1, "hub"), *_leaves("g", FAN // 2, "hub")],
            [("hub", True, FAN + 1)],
        ),
        (
            View.ESTATE,
            [*_TWO_HUBS, *_leaves("f", FAN // 2, "hub"), *_leaves("g", FAN // 2, "hub")],
            [],
        ),
        (
            View.ESTATE,
            [
                *_TWO_HUBS,
                *_leaves("f", FAN + 1, "hub"),
                *_leaves("g", FAN // 2, "hub"),
                *_leaves("k", FAN // 2 + 1, "hub"),
            ],
            [("hub", True, FAN + 1), ("hub", True, FAN + 1)],
        ),
        (
            View.ESTATE,
            [*_TWO_HUBS, *_leaves("f", FAN // 2 + 1, "fhub"), *_leaves("g", FAN // 2, "fhub")],
            [],
        ),
        (
            View.ESTATE,
            [
                *_TWO_HUBS,
                *_leaves("f", FAN // 2 + 1, "fhub"),
                *_leaves("g", FAN // 2, "fhub"),
                *_leaves("k", FAN // 2 + 1, "fhub"),
            ],
            [("fhub", True, FAN + 1)],
        ),
        (
            View.ESTATE,
            [
                *_TWO_HUBS,
                *_leaves("f", 5, "fhub"),
                *_leaves("g", 4, "fhub"),
                *_leaves("k", 4, "fhub"),
            ],
            [("fhub", True, 8)],
        ),
        (
            View.ESTATE,
            [*_TWO_HUBS, *_leaves("f", FAN, "hub"), *_leaves("g", FAN, "hub", Look.SOFT)],
            [],
        ),
    ],
    ids=[
        "as-many-as-FAN-one-by-one",
        "more-in-one-table",
        "estate-view-too",
        "not-the-plan-whose-ranks-are-waves",
        "needs-and-uses-apart",
        "a-line-said-otherwise-in-its-cell",
        "broken-and-degraded-apart",
        "services-apart",
        "frames-apart",
        "a-leaf-with-a-second-line-stays",
        "outward",
        "rows-of-a-card-stay",
        "from-several-frames-one-table",
        "as-many-as-FAN-from-several-frames-one-by-one",
        "a-frame-s-own-table-and-the-rest-across",
        "the-hub-s-own-frame-keeps-its-leaves",
        "the-others-across",
        "the-hub-s-own-frame-counts-towards-a-table",
        "across-frames-needs-and-uses-apart",
    ],
)
def test_a_wide_fan_of_leaves_is_one_table(
    view: View, edges: list[tuple[str, str, Look, str]], folded: list[tuple[str, bool, int]]
) -> None:
    """More than FAN nodes with one line each, alike, to one node are drawn as one table
    with one line; the DOT holds each of them once, as a node or as a cell. helper-74:
    lines said otherwise (days of grace) kept the column; broken and degraded leaves, and
    a service among components, shared one table."""
    diagram = _fan_diagram(view, edges)
    found = fans(diagram)
    assert [(fan.hub, fan.inward, len(fan.leaves)) for fan in found] == folded
    dot = dump_dot(diagram)
    for fan in found:
        table = f'"{fan.id}":"heading"'  # the line leaves or reaches the heading
        line = f'{table}:e -> "{fan.hub}"' if fan.inward else f'"{fan.hub}" -> {table}:w'
        assert line in dot
    leaves = {i for edge in edges for i in edge[:2]} - {"hub", "fhub", "other", "x"}
    for leaf in leaves:
        assert len(re.findall(rf'"{leaf}" \[|>{leaf}<', dot)) == 1
    assert "fan:" not in dump_dot(diagram, tables=False)  # without tables, one by one


def test_a_fan_from_several_frames_stands_outside_them_its_rows_under_each_frame_s_name() -> None:
    """Too few leaves in each frame to fold (helper-74: 24 vendors with 10 each) kept the
    frames in one column 18,000 pixels tall. One table outside the frames holds them all,
    each frame's leaves after its name (escaped), and a frame left with nothing else in
    it is not drawn; frames keep their order, leaves theirs."""
    edges = [
        *_TWO_HUBS,
        *_leaves("g", 3, "hub"),
        *_leaves("f", FAN, "hub"),
        ("f99", "x", Look.HARD, ""),
    ]
    diagram = _fan_diagram(View.ESTATE, edges)
    (fan,) = fans(diagram)
    assert fan.cluster is None
    leaves = [*(f"f{i:02d}" for i in range(FAN)), "g00", "g01", "g02"]
    assert [node.id for node, _ in fan.leaves] == leaves
    dot = dump_dot(diagram)
    framed = dot[dot.index('subgraph "cluster_f"') : dot.index("\n  }\n")]
    assert '"f99"' in framed  # the frame keeps its other node
    assert "fan:0" not in framed
    assert "cluster_g" not in dot  # its leaves are all in the table
    table = next(line for line in dot.splitlines() if line.startswith('  "fan:0"'))
    assert table.count("<b>F</b>") == 1
    assert table.count("<b>G &lt;b&gt;&amp;amp;\\\\x07</b>") == 1  # as in the frame's label
    assert "<b>&amp;" not in table
    assert "\x07" not in table
    # as tall as wide: one group of three leaves a row, f's 4 rows under its one name, g's
    # 1, under the heading
    assert table.count("<tr>") == 1 + 1 + 4 + 1
    assert 'rowspan="4"' in table


def test_a_frame_s_name_in_a_fan_s_table_reads_as_the_frame_s_own_label() -> None:
    """helper-75: a tab in a frame's name became spaces in the table, a line break a
    space, while the frame's own label shows them as an escape and a line break."""
    edges = [*_TWO_HUBS, *_leaves("g", FAN // 2 + 1, "hub"), *_leaves("k", FAN // 2, "hub")]
    table = next(
        line
        for line in dump_dot(_fan_diagram(View.ESTATE, edges)).splitlines()
        if line.startswith('  "fan:0"')
    )
    assert "<b>K\\\\x09k<br/>next</b>" in table


@pytest.mark.parametrize("renderer", list(Renderer))
def test_a_fan_of_leaves_in_no_frame_and_in_frames_is_drawn(renderer: Renderer) -> None:
    """helper-75: leaves in no frame beside leaves in frames made a nameless bold cell,
    which neither Graphviz nor graphviz-pure draws; their name cell is empty now. The
    hub's own frame keeps its leaves beside it."""
    if renderer is Renderer.DOT and shutil.which("dot") is None:
        pytest.skip("needs Graphviz's dot (CI installs it)")
    edges = [
        *_TWO_HUBS,
        *_leaves("a", FAN // 2 + 1, "fhub"),
        *_leaves("g", FAN // 2, "fhub"),
        *_leaves("f", 2, "fhub"),
    ]
    diagram = _fan_diagram(View.ESTATE, edges)
    (fan,) = fans(diagram)
    assert fan.frames[0] == ("", "")
    assert {node.id[0] for node, _ in fan.leaves} == {"a", "g"}
    svg = diagram_bytes(diagram, ".svg", renderer).decode()
    texts = {*re.findall(r">([afg]\d\d)<", svg)}
    assert texts == {
        *(f"a{i:02d}" for i in range(7)),
        *(f"g{i:02d}" for i in range(6)),
        "f00",
        "f01",
    }


@pytest.mark.parametrize("renderer", ["pure", "dot"])
def test_a_hub_s_dependents_from_many_vendors_are_not_a_column_of_frames(
    renderer: str, run_cli: RunCli, tmp_path: Path
) -> None:
    """helper-74: 24 vendors with 10 components each that need one hub, drawn around the
    hub by vendor, made a PNG 567 x 18,456 pixels; one table, as tall as wide, now."""
    if renderer == "dot" and shutil.which("dot") is None:
        pytest.skip("needs Graphviz's dot (CI installs it)")
    vendors = [{"id": "v", "name": "Hub", "hq_country": "US"}] + [
        {"id": f"w{j}", "name": f"Vendor {j}", "hq_country": "SE"} for j in range(24)
    ]
    components = [{"id": "a", "name": "A", "vendor": "v", "delivery": "saas"}] + [
        {"id": f"c{j}-{i}", "name": f"C {j}.{i}", "vendor": f"w{j}", "delivery": "saas",
         "depends_on": ["a"]}
        for j in range(24)
        for i in range(10)
    ]  # fmt: skip
    services = [{"id": "s", "name": "S", "depends_on": ["c0-0"]}]
    estate, _ = write_estate(
        tmp_path / "estate", "by vendor", vendors=vendors, components=components,
        services=services, alternatives=[],
    )  # fmt: skip
    png = tmp_path / "hub.png"
    given = ["--view", "estate", "--focus", "a", "--depth", "1", "--renderer", renderer]
    result = run_cli("diagram", estate, *given, "-o", png)
    assert result.exit_code == 0, result.stderr
    width, height = struct.unpack(">II", png.read_bytes()[16:24])
    assert height < 2 * width, (width, height)
    assert height < 2500


def test_a_slide_of_a_hub_s_dependents_is_not_a_tall_column(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """Components that need one withdrawn component, cut to a slide: they stood in one
    column 22,000 pixels tall; in a table the picture is about as tall as wide."""
    estate, _ = _wide_estate(tmp_path / "estate")
    png = tmp_path / "impact.png"
    result = run_cli("simulate", estate, "-w", "vendor:v", "--diagram", png)
    assert result.exit_code == 0, result.stderr
    width, height = struct.unpack(">II", png.read_bytes()[16:24])
    assert height < 2 * width, (width, height)
    assert height < 4000


@pytest.mark.parametrize("view", ["plan", "gantt"])
def test_the_plan_is_of_every_step_whatever_the_horizon(
    view: str, run_cli: RunCli, tmp_path: Path
) -> None:
    """helper-73: --horizon changed nothing in the plan and the Gantt chart (the plan has
    every step), yet was taken silently and the plan's title said "horizon 0 days"."""
    drawn = []
    for given in ((), ("--horizon", "0")):
        path = tmp_path / f"{view}{len(given)}.svg"
        result = run_cli(
            "diagram", EXAMPLE, "-w", "vendor:microsoft", "--view", view, *given, "-o", path
        )
        assert result.exit_code == 0, result.stderr
        assert ("does not use --horizon" in result.stderr) == bool(given)
        drawn.append(path.read_bytes())
    assert drawn[0] == drawn[1]
    assert b"horizon" not in drawn[1]


def test_what_the_horizon_does_not_reach_is_not_said_to_survive() -> None:
    """helper-73: Configuration Manager, withdrawn at its contract end 2027-06-30, was drawn
    as "survives (redundancy)" with a horizon of 0 days; it is unaffected by the horizon,
    and may go later, which the picture now says. (Withdrawing its licensor alone: with
    the rest of Microsoft, what it needs degrades it from day 0, and it is drawn so.)"""
    graph = EmbeddedGraph(load_estate(EXAMPLE))
    simulation = simulate(graph, ["vendor:microsoft"], Options(horizon=0))
    view = impact_view(graph, simulation, focus=NodeId("configmgr"), depth=1)
    assert next(n for n in view.nodes if n.id == "configmgr").look is Look.DEGRADED
    for horizon, look in ((0, Look.UNAFFECTED_YET), (None, Look.WITHDRAWN)):
        simulation = simulate(graph, ["vendor:microsoft-ireland"], Options(horizon=horizon))
        view = impact_view(graph, simulation, focus=NodeId("configmgr"), depth=1)
        node = next(n for n in view.nodes if n.id == "configmgr")
        assert node.look is look
        dot = dump_dot(view)
        if horizon is not None:
            assert node.lines[-1] == "affected after 2026-11-01"
            assert "affected after the horizon" in dot
            assert "survives (redundancy)" not in dot
    # What survives for good through redundancy still says so, whatever the horizon
    # (helper-74: with --horizon 36500 it read "unaffected to 2126-10-08").
    survivors = []
    for horizon in (None, 36500):
        simulation = simulate(graph, ["component:intune"], Options(horizon=horizon))
        assert simulation.later == ()
        view = impact_view(graph, simulation)
        survivors.append(sorted(n.id for n in view.nodes if n.look is Look.UNAFFECTED))
    assert survivors[0] == survivors[1]
    assert survivors[0]


def test_a_cut_picture_counts_what_goes_after_the_horizon_apart(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """helper-74: components that break on day 60, left out of a picture with a horizon of
    10 days, were counted as "nodes that survive"."""
    components = [{"id": "a", "name": "A", "vendor": "v", "delivery": "saas"}] + [
        {"id": f"c{i:03d}", "name": f"C {i}", "vendor": "w", "delivery": "saas",
         "depends_on": [{"ref": "a", "onset": {"grace_days": 60}}]}
        for i in range(WIDE)
    ]  # fmt: skip
    services = [{"id": "s", "name": "S", "depends_on": ["a"]}]
    estate, _ = write_estate(
        tmp_path / "later", "later", components=components, services=services, alternatives=[]
    )
    result = run_cli(
        "simulate", estate, "-w", "vendor:v", "--horizon", "10", "--diagram", tmp_path / "x.svg"
    )
    assert result.exit_code == 0, result.stderr
    assert "nodes affected after the horizon" in result.stderr
    assert "survive" not in result.stderr
    text = (tmp_path / "x.svg").read_text(encoding="utf-8")
    assert "affected after 2026&#45;01&#45;11" in text  # as the SVG writes a hyphen


def test_a_scenario_s_plan_too_large_says_to_withdraw_less_in_the_file(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """helper-73: the advice named -w, which --scenario refuses."""
    many = range(MAX_NODES + 1)
    estate, scenario = write_estate(
        tmp_path / "estate",
        "many",
        components=[
            *(
                {"id": f"a{i:03d}", "name": f"A {i}", "vendor": "v", "delivery": "saas"}
                for i in many
            ),
            *(
                {"id": f"k{i:03d}", "name": f"K {i}", "vendor": "w", "delivery": "saas",
                 "lifecycle": "candidate"}
                for i in many
            ),
        ],
        services=[{"id": "s", "name": "S", "depends_on": [f"a{i:03d}" for i in many]}],
        alternatives=[
            {"for": f"a{i:03d}", "candidate": f"k{i:03d}", "readiness": "R3", "effort_weeks": 4}
            for i in many
        ],
    )  # fmt: skip
    svg = tmp_path / "plan.svg"
    result = run_cli("diagram", "--scenario", scenario, "--view", "plan", "-o", svg)
    assert result.exit_code == 2, result.stderr
    assert "withdraw less in the scenario file, or show the plan as a timeline" in result.stderr
    assert " -w " not in result.stderr
    given = run_cli("diagram", estate, "-w", "vendor:v", "--view", "plan", "-o", svg)
    assert given.exit_code == 2, given.stderr
    assert "withdraw less with -w (a component rather than a vendor)" in given.stderr
    assert not svg.exists()


def test_without_an_estate_the_diagram_names_each_way_to_give_one(
    run_cli: RunCli, tmp_path: Path
) -> None:
    result = run_cli("diagram", "-w", "vendor:microsoft", "-o", tmp_path / "x.svg")
    assert result.exit_code == 2
    assert (
        "give the estate's PATH (a file or folder), a scenario with --scenario FILE, or "
        "--backend neo4j"
    ) in result.stderr


def test_a_fan_s_cells_stand_in_the_order_of_their_names_and_its_line_at_its_heading() -> None:
    """A table's cells follow the names they show, numbers in their order ("b2" before
    "b10"; in their lines' order, the ids' text order, "b10" stood first). Its one line
    leaves the heading ("each of these 13"), which reads along it; to a card's row it
    leaves the table's side, as from the heading's corner it crossed the table back to
    the row's west side."""
    edges = sorted(  # as the views sort them
        [
            *_TWO_HUBS,
            *[(f"b{i}", "hub", Look.HARD, "") for i in range(FAN + 1)],
            *[(f"c{i}", "r0", Look.HARD, "") for i in range(FAN + 1)],
        ]
    )
    dot = dump_dot(_fan_diagram(View.IMPACT, edges))
    for fan, prefix in (("fan:0", "b"), ("fan:1", "c")):
        table = next(line for line in dot.splitlines() if line.startswith(f'  "{fan}"'))
        assert re.findall(rf">({prefix}[0-9]+)<", table) == [f"{prefix}{i}" for i in range(FAN + 1)]
    assert '  "fan:0":"heading":e -> "hub" [color="#444444"];' in dot
    assert '  "fan:1" -> "card":"r0":w [color="#444444"];' in dot
    assert '<td port="heading" colspan=' in dot
    # Top to bottom, from the heading the line ran down the table's height (helper-81)
    down = dump_dot(replace(_fan_diagram(View.IMPACT, edges), direction="TB"))
    assert '  "fan:0" -> "hub" [color="#444444"];' in down


def test_a_fan_s_lines_said_otherwise_are_said_in_its_cells_and_cells_keep_their_outline() -> None:
    """Leaves whose lines carry different words (days of grace) share a table whose line
    carries none, each cell its own; a degraded leaf's cell is dashed, as its box is."""
    edges = [
        *_TWO_HUBS,
        *_leaves("d", FAN, "hub", Look.SOFT),
        ("d99", "hub", Look.SOFT, "after 30 days"),
    ]
    dot = dump_dot(_fan_diagram(View.IMPACT, edges))
    assert '"fan:0":"heading":e -> "hub" [color="#777777", style="dashed"];' in dot
    assert "d99<br/>(after 30 days)" in dot
    assert dot.count('style="dashed" bgcolor="#fde3b5"') == FAN + 1
    same = dump_dot(
        _fan_diagram(View.IMPACT, [*_TWO_HUBS, *_leaves("a", FAN + 1, "hub", said="x")])
    )
    assert '"fan:0":"heading":e -> "hub" [color="#444444", label="x"];' in same
    assert "(x)" not in same


def _boxes(svg: str, kind: str) -> dict[str, tuple[float, float, float, float]]:
    """The bounding box of each ``kind`` (``node`` or ``cluster``) of an SVG that Graphviz
    drew, by its title: from the points of its outline (a polygon or a path)."""
    found = {}
    root = ET.fromstring(svg)  # noqa: S314  # our own output
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        if group.get("class") != kind:
            continue
        title = group.findtext("{http://www.w3.org/2000/svg}title") or ""
        numbers = [
            float(n)
            for shape in group
            if shape.tag.endswith(("polygon", "path"))
            for n in re.findall(r"-?\d+(?:\.\d+)?", shape.get("points") or shape.get("d") or "")
        ]
        if numbers:
            xs, ys = numbers[0::2], numbers[1::2]
            found[title] = (min(xs), min(ys), max(xs), max(ys))
    return found


@pytest.mark.parametrize("renderer", list(Renderer))
@pytest.mark.parametrize(
    ("view", "mode"),
    [("impact", Mode.EXIT), ("impact", Mode.CUT_OFF), ("plan", Mode.EXIT), ("estate", None)],
)
def test_every_node_is_drawn_inside_its_frame_and_no_frame_on_another(
    renderer: Renderer, view: str, mode: Mode | None
) -> None:
    """A node outside its frame, or in another's, reads as belonging elsewhere. (helper-114
    saw Service desk and Endpoint security on the Services frame's edge, and Keepit's frame
    over Microsoft Ireland's, in pictures scaled down; at full size they are apart.)"""
    if renderer is Renderer.DOT and shutil.which("dot") is None:
        pytest.skip("needs Graphviz's dot (CI installs it)")
    graph = EmbeddedGraph(load_estate(EXAMPLE))
    if mode is None:
        diagram = estate_view(graph, most=None)
    else:
        simulation = simulate(graph, ["vendor:microsoft"], Options(mode=mode))
        diagram = (impact_view if view == "impact" else plan_view)(graph, simulation)
    svg = diagram_bytes(diagram, ".svg", renderer).decode()
    nodes, frames = _boxes(svg, "node"), _boxes(svg, "cluster")
    frames.pop("cluster_legend", None)
    assert frames

    def apart(one: tuple[float, ...], other: tuple[float, ...]) -> bool:
        return one[2] <= other[0] or other[2] <= one[0] or one[3] <= other[1] or other[3] <= one[1]

    for name, frame in frames.items():
        assert all(apart(frame, other) for key, other in frames.items() if key != name), name
    cluster_of = {node.id: node.cluster for node in diagram.nodes}
    for node_id in nodes:  # the renderer's own: a wave's blocked list, a vendor's table
        if node_id.startswith("blocked:"):
            cluster_of[node_id] = node_id.removeprefix("blocked:")
        elif node_id.startswith("withdrawn:"):
            cluster_of[node_id] = None  # in no frame: clear of every one (helper-116)
    assert any(cluster_of.get(node_id) for node_id in nodes)
    for node_id, (left, top, right, bottom) in nodes.items():
        if node_id not in cluster_of:
            continue
        own = cluster_of[node_id]
        for name, (frame_left, frame_top, frame_right, frame_bottom) in frames.items():
            if name == f"cluster_{own}":
                assert frame_left <= left, (node_id, name)
                assert right <= frame_right, (node_id, name)
                assert frame_top <= top, (node_id, name)
                assert bottom <= frame_bottom, (node_id, name)
            else:
                assert apart((left, top, right, bottom), frames[name]), (node_id, name)
