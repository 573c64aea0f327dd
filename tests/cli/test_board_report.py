"""The exit-strategy document as a board reads it: a one-page executive summary with the
plan on a calendar, then the detail, then the assumptions."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation

from exitplan.graph import EmbeddedGraph
from exitplan.loading import load_estate
from exitplan.model.estate import Contract
from exitplan.render.report import STYLE, decisions, sections_of
from exitplan.select import Mode
from exitplan.simulate import Options, simulate
from exitplan.simulate.schedule import Capacity
from exitplan.simulate.strategy import exit_strategy
from tests.conftest import REPO, RunCli, cli
from tests.reliability.test_outputs import ONE_BLOCKED, write_estate
from tests.simulate.build import build

SCENARIO = "scenarios/leave-microsoft.yaml"


def _report(run_cli: RunCli, target: Path) -> str:
    result = run_cli("report", SCENARIO, "-o", target)
    assert result.exit_code == 0, result.stderr
    return target.read_text(encoding="utf-8")


def test_the_document_opens_with_an_executive_summary(run_cli: RunCli, tmp_path: Path) -> None:
    text = _report(run_cli, tmp_path / "r.md")
    assert sections_of(text)[:2] == ["Executive summary", "Summary"]
    assert sections_of(text)[-1] == "Appendix: the assumptions"
    first = text.split("\n## Summary\n", 1)[0]
    for part in (
        "**The question.**",
        "**The answer in figures.**",
        "**The largest risks.**",
        "**Decisions for the board.**",
        "```mermaid\ngantt\n",
    ):
        assert part in first, part
    assert "| One-off cost of the exit | unknown |" in first
    assert (
        "Renew Microsoft Configuration Manager (on-premises site), Microsoft 365 Apps for "
        "enterprise and Microsoft 365 subscription (licensing and activation) once more, to "
        "2030-06-30, or accept 11 steps running past their end on 2027-06-30 (decide by "
        "2027-04-01, their notice date)" in first
    )
    risks = first.split("**The largest risks.**")[1].split("**Decisions for the board.**")[0]
    assert len(re.findall(r"^\d\. ", risks, re.M)) == 3


def test_prose_names_things_and_never_says_0_for_an_unknown_cost(
    run_cli: RunCli, tmp_path: Path
) -> None:
    text = _report(run_cli, tmp_path / "r.md")
    prose = [
        line
        for line in text.splitlines()
        if line and not line.startswith(("|", "#", "```", "    ")) and "mermaid" not in line
    ]
    for line in prose:
        assert not re.search(r"\breplace-[a-z]", line), line
        assert " 0 SEK" not in line, line
        assert "(configmgr)" not in line, line


chromium = shutil.which("chromium") or shutil.which("chromium-browser")
pdftotext = shutil.which("pdftotext")


def _printed(html: Path, pdf: Path) -> Path:
    """``html`` as Chromium prints it, on A4."""
    subprocess.run(
        [str(chromium), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", html.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return pdf


@pytest.mark.skipif(
    not (chromium and pdftotext), reason="needs Chromium and pdftotext (CI installs them)"
)
def test_the_executive_summary_with_its_chart_prints_on_one_a4_page(
    run_cli: RunCli, tmp_path: Path
) -> None:
    html = tmp_path / "r.html"
    text = _report(run_cli, html)
    first_h2 = text.index("<h2>Executive summary</h2>")
    assert first_h2 < text.index('<figure class="gantt">') < text.index("<h2>Summary</h2>")
    pdf = _printed(html, tmp_path / "r.pdf")

    def page(number: int) -> str:
        return subprocess.run(
            [str(pdftotext), "-f", str(number), "-l", str(number), str(pdf), "-"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip

    first, second = page(1), page(2)
    assert "Executive summary" in first
    assert "Decisions for the board" in first
    assert "The migration plan on a calendar" in first  # the chart's caption, under it
    assert second.lstrip().startswith("Summary")


def test_a_service_that_degrades_before_it_breaks_gives_both_days(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """Endpoint security showed "broken 2027-10-12" alone, though it is degraded from day
    0: a board saw nothing wrong with it for a year."""
    target = tmp_path / "r.md"
    result = run_cli("report", "scenarios/lose-intune.yaml", "-o", target)
    assert result.exit_code == 0, result.stderr
    assert (
        "| Endpoint security | high | broken | 2027-10-12 (day 345) | 2026-11-01 |"
        in target.read_text(encoding="utf-8")
    )


def test_with_nothing_to_migrate_the_html_report_draws_no_empty_plan(
    run_cli: RunCli, tmp_path: Path
) -> None:
    target = tmp_path / "r.html"
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        f"id: s\ntitle: S\nestate: {REPO / 'graphs' / 'gothenburg'}\n"
        "withdraw: [component:cisco-ise]\n",
        encoding="utf-8",
    )
    assert run_cli("report", scenario, "-o", target).exit_code == 0
    html = target.read_text(encoding="utf-8")
    assert '<figure class="impact">' in html
    assert '<figure class="plan">' not in html


@pytest.mark.parametrize(
    ("effort", "needs", "said"),
    [
        ({"effort_weeks": 4}, [], "Effort 4 person-weeks."),
        (  # helper-79: what brings in k's need is in no step's effort
            {"effort_weeks": 4},
            ["n"],
            "Effort at least 4 person-weeks (nothing counted for 1 need not in the plan).",
        ),
        ({}, ["n"], "Effort unknown: not recorded for its one step."),
    ],
)
def test_effort_not_recorded_is_unknown_not_zero(
    tmp_path: Path, effort: dict[str, int], needs: list[str], said: str
) -> None:
    alternative = {"for": "a", "candidate": "k", "readiness": "R3", **effort}
    components: list[dict[str, Any]] = [
        {"id": "a", "name": "A", "vendor": "v", "delivery": "saas"},
        {"id": "b", "name": "B", "vendor": "w", "delivery": "saas", "depends_on": ["a"]},
        {"id": "k", "name": "K", "vendor": "w", "delivery": "saas", "lifecycle": "candidate"},
        {"id": "n", "name": "N", "vendor": "w", "delivery": "saas", "lifecycle": "candidate"},
    ]
    components[2]["depends_on"] = needs
    _, scenario = write_estate(
        tmp_path / "in", "Plain", alternatives=[alternative], components=components
    )
    target = tmp_path / "report.md"
    result = cli("report", scenario, "-o", target)
    assert result.exit_code == 0, result.stderr
    assert said in target.read_text(encoding="utf-8")


NO_COST = {"id": "a2", "name": "A2", "vendor": "v", "delivery": "saas"}


@pytest.mark.parametrize(
    ("costs", "said"),
    [
        (
            ({}, {}, False),
            ["| Running cost a year | unknown before, unknown after (some costs not recorded) |",
             "Running cost: unknown for what is withdrawn (no cost recorded for 1 of its "
             "components), unknown for the replacements (no cost recorded for 1)."],
        ),
        (
            ({"cost_per_year": 1000}, {"cost_per_year": 500}, False),
            ["| Running cost a year | 1,000 SEK before, 500 SEK after |",
             "Running cost: 1,000 SEK a year for what is withdrawn, 500 SEK a year for the "
             "replacements."],
        ),
        (
            ({"cost_per_year": 1000}, {"cost_per_year": 500}, True),
            ["| Running cost a year | at least 1,000 SEK before, 500 SEK after (some costs not "
             "recorded) |",
             "Running cost: at least 1,000 SEK a year for what is withdrawn (no cost recorded "
             "for 1 of its components)"],
        ),
    ],
    ids=["none-recorded", "all-recorded", "some-recorded"],
)  # fmt: skip
def test_a_running_cost_not_recorded_is_unknown_not_zero(
    tmp_path: Path, costs: tuple[dict[str, int], dict[str, int], bool], said: list[str]
) -> None:
    """The board read "0 EUR before" for an estate that records no cost at all."""
    before, after, unrecorded = costs
    components = [
        {"id": "a", "name": "A", "vendor": "v", "delivery": "saas", **before},
        {"id": "b", "name": "B", "vendor": "w", "delivery": "saas", "depends_on": ["a"]},
        {"id": "k", "name": "K", "vendor": "w", "delivery": "saas", "lifecycle": "candidate"},
    ]
    if unrecorded:
        components.append(NO_COST)
    alternative = {"for": "a", "candidate": "k", "readiness": "R3", "effort_weeks": 4, **after}
    _, scenario = write_estate(
        tmp_path / "in", "Plain", components=components, alternatives=[alternative]
    )
    target = tmp_path / "report.md"
    result = cli("report", scenario, "-o", target)
    assert result.exit_code == 0, result.stderr
    report = target.read_text(encoding="utf-8")
    for sentence in said:
        assert sentence in report


@pytest.mark.parametrize(
    ("effort", "caveat"),
    [({"effort_weeks": 4}, False), ({}, True)],
    ids=["effort-recorded", "effort-not-recorded"],
)
def test_a_limit_on_people_says_which_steps_it_cannot_hold(
    tmp_path: Path, effort: dict[str, int], caveat: bool
) -> None:
    """'Staff the migration for 0.1 person-weeks a month' was told of a plan whose steps
    record no effort, which a limit on people therefore does not hold."""
    alternative = {"for": "a", "candidate": "k", "readiness": "R3", "duration_weeks": 6, **effort}
    _, scenario = write_estate(tmp_path / "in", "Plain", alternatives=[alternative])
    written = json.loads(scenario.read_text(encoding="utf-8"))
    scenario.write_text(json.dumps({**written, "capacity": {"person_weeks_per_month": 0.1}}))
    target = tmp_path / "report.md"
    result = cli("report", scenario, "-o", target)
    assert result.exit_code == 0, result.stderr
    report = target.read_text(encoding="utf-8")
    told = "0.1 person-weeks a month (1 step with no effort recorded is not held to it)"
    assert (told in report) is caveat
    assert ("Staff the migration for " + told in report) is caveat
    ran = cli("run", scenario)
    assert (told in " ".join(ran.stdout.split())) is caveat


@pytest.mark.parametrize(
    ("withdrawn", "decided", "not_decided"),
    [
        # no step runs late, one is blocked: notice is still given, and the blocked step told
        (
            "component:purview",
            "Give notice on Microsoft 365 subscription (licensing and activation) by "
            "2027-04-01; 1 step due by its end on 2027-06-30 is blocked until an "
            "alternative is found",
            "Extend",
        ),
        # steps run late: renew or extend, and no notice to give
        (
            "vendor:microsoft",
            "or accept 11 steps running past their end on 2027-06-30 (decide by 2027-04-01, "
            "their notice date); 7 more steps due by then are blocked until an alternative is "
            "found",
            "Give notice",
        ),
        ("component:intune", "Renew Microsoft 365 subscription", "blocked"),
    ],
)
def test_the_contract_decisions_keep_the_notice_date_beside_the_blocked_steps(
    withdrawn: str, decided: str, not_decided: str
) -> None:
    """Blocked steps due by a contract hid the decision to give notice on it."""
    backend = EmbeddedGraph(load_estate(REPO / "graphs" / "gothenburg"))
    simulation = simulate(backend, [withdrawn], Options(mode=Mode.EXIT))
    said = " ".join(decisions(exit_strategy(backend, simulation)))
    assert decided in said
    assert not_decided not in said


def test_an_undated_plan_finishes_in_a_week_of_the_work(run_cli: RunCli, tmp_path: Path) -> None:
    """Undated, the figure read "the other finishes week 6" and the summary began with a
    lower-case "the steps that can be scheduled"."""
    estate, scenario = write_estate(tmp_path, "Plain", components=ONE_BLOCKED)
    data = json.loads(estate.read_text(encoding="utf-8"))
    del data["estate"]["as_of"]
    estate.write_text(json.dumps(data), encoding="utf-8")
    text = _report_of(run_cli, scenario, tmp_path / "r.md")
    assert (
        "| The plan finishes | not while 1 step is blocked; the other finishes in week 6 of "
        "the work; 1 step after its deadline |" in text
    )
    assert "The steps that can be scheduled finish in week 6 of the work." in text
    assert ". the steps" not in text


def _report_of(run_cli: RunCli, scenario: Path, target: Path) -> str:
    result = run_cli("report", scenario, "-o", target)
    assert result.exit_code == 0, result.stderr
    return target.read_text(encoding="utf-8")


def test_two_nodes_of_one_name_are_told_apart_by_their_ids(tmp_path: Path, run_cli: RunCli) -> None:
    """An ArchiMate model names a network and a node alike 'LAN': a chain through both read
    as a loop, and two components as one (helper-54). Where a name is shared, the report
    adds each node's id; a name of its own stays as it is."""
    estate = {
        "estate": {"name": "twins", "as_of": "2026-01-01"},
        "vendors": [{"id": "v", "name": "V", "hq_country": "SE"}],
        "components": [
            {"id": "lan", "name": "LAN", "vendor": "v", "delivery": "saas",
             "depends_on": ["fw"], "assumed": True},
            {"id": "fw", "name": "Firewall", "vendor": "v", "delivery": "saas",
             "depends_on": ["lan-net"]},
            {"id": "lan-net", "name": "LAN", "vendor": "v", "delivery": "saas"},
        ],
        "services": [{"id": "mail", "name": "Mail", "depends_on": ["lan"]}],
        "data_flows": [{"id": "sync", "name": "Sync", "from": "lan", "to": "lan-net",
                        "assets": ["config"]}],
    }  # fmt: skip
    (tmp_path / "twins").mkdir()
    (tmp_path / "twins" / "estate.json").write_text(json.dumps(estate), encoding="utf-8")
    scenario = tmp_path / "lose.yaml"
    scenario.write_text(
        "id: lose\ntitle: Lose the network\nestate: twins\nwithdraw: [component:lan-net]\n",
        encoding="utf-8",
    )
    result = run_cli("report", scenario, "-o", tmp_path / "lose.md")
    assert result.exit_code == 0, result.stderr
    report = (tmp_path / "lose.md").read_text(encoding="utf-8")
    assert "LAN (lan) ← Firewall ← LAN (lan-net)" in report
    assert "no viable alternative: LAN (lan-net)" in report
    assert "Firewall (fw)" not in report
    assert "| Sync (sync) | LAN (lan) → LAN (lan-net) |" in report  # the data flows
    assert "| LAN (lan) | component | the component as recorded |" in report  # the appendix


def test_a_step_due_by_two_contracts_is_not_counted_twice_in_the_decisions() -> None:
    """With a contract of Entra ID's own, the late steps that need both it and the
    Microsoft 365 subscription were told with the renewal (8 late, 3 blocked) and again
    with the extension (10 late, 9 blocked): 18 late where the plan has 10; and renewing
    the subscription was offered as if it saved steps that Entra ID's end still makes late
    (helper-62)."""
    estate = load_estate(REPO / "graphs" / "gothenburg")
    components = [
        c.model_copy(update={"contract": Contract(end=date(2027, 12, 31), notice_days=180)})
        if c.id == "entra-id"
        else c
        for c in estate.components
    ]
    backend = EmbeddedGraph(estate.model_copy(update={"components": components}))
    simulation = simulate(backend, ["vendor:microsoft"], Options(mode=Mode.EXIT))
    said = decisions(exit_strategy(backend, simulation))
    renew = next(d for d in said if d.startswith("Renew"))
    extend = next(d for d in said if d.startswith("Extend"))
    assert (
        "Renew Microsoft Configuration Manager (on-premises site), Microsoft 365 Apps for "
        "enterprise and Microsoft 365 subscription (licensing and activation) once more, to "
        "2030-06-30, or accept 11 steps running past their end on 2027-06-30 (decide by "
        "2027-04-01, their notice date); 9 of them also run past the end of the contract of "
        "Microsoft Entra ID (2027-12-31), which renewing these does not move" in renew
    )
    assert "Microsoft Entra ID (2027-12-31, notice by 2027-07-04)" in extend
    assert "or accept 9 steps running past its end" in extend
    assert (  # named: the renewal that shares steps with it, not its whole group
        "(15 of these steps are also counted with Microsoft 365 subscription (licensing and "
        "activation) above)" in extend
    )
    late = {s.id for s in simulation.plan.late}
    assert len(late) == 11


def test_a_limit_on_people_says_how_far_it_moves_the_finish() -> None:
    """'Staff the migration for 2 person-weeks a month' did not say that this moves the
    finish by eleven years; and the three Microsoft 365 contracts, renewed a different
    number of times, took three of the five decisions and pushed it out (helper-62)."""
    backend = EmbeddedGraph(load_estate(REPO / "graphs" / "gothenburg"))
    simulation = simulate(
        backend,
        ["vendor:microsoft"],
        Options(mode=Mode.EXIT, capacity=Capacity(person_weeks_per_month=2)),
    )
    said = decisions(exit_strategy(backend, simulation))
    assert (
        "Staff the migration for 2 person-weeks a month, which moves the finish from "
        "2029-08-05 to 2042-02-12" in said
    )
    assert sum(d.startswith("Renew") for d in said) == 1
    assert (
        "and Microsoft 365 subscription (licensing and activation) as their late steps need, "
        "up to 5 times more, to 2042-06-30" in " ".join(said)
    )


def test_a_part_of_the_agreement_with_only_blocked_steps_is_renewed_with_the_rest() -> None:
    """Three contracts alike, one with only a blocked step: the board was told to renew
    two and to give notice on the third (helper-65). All three are one renewal."""
    spec = """
        s:svc -> ca
        s:svc -> cb
        s:svc -> cc
        candidate na
        candidate nc
        vendor na other
        vendor nc other
        alt na for ca R3 weeks=80
        alt nc for cc R3 weeks=150
        contract ca 2026-06-30 notice=90 renews=12
        contract cb 2026-06-30 notice=90 renews=12
        contract cc 2026-06-30 notice=90 renews=12
    """
    backend = build(spec)
    simulation = simulate(backend, ["vendor:v"], Options(mode=Mode.EXIT))
    said = decisions(exit_strategy(backend, simulation))
    renew = [d for d in said if d.startswith("Renew")]
    assert len(renew) == 1, said
    assert "ca, cb and cc as their late steps need, up to 3 times more" in renew[0]
    assert "or accept 2 steps running past their end on 2026-06-30" in renew[0]
    assert renew[0].endswith("1 more step due by then is blocked until an alternative is found")
    assert not [d for d in said if d.startswith("Give notice")], said


def _first_word_height(pdf: Path) -> float:
    boxes = subprocess.run(
        [str(pdftotext), "-f", "1", "-l", "1", "-bbox", str(pdf), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    found = re.search(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">Exit<', boxes)
    assert found, boxes[:2000]
    return float(found[2]) - float(found[1])


def _printed_word_height(run_cli: RunCli, folder: Path, name: str) -> float:
    """The height of the document's first word ("Exit") as Chromium prints the HTML
    report of ``write_estate``'s estate named ``name``, on A4."""
    _, scenario = write_estate(folder, name)
    html = folder / "r.html"
    assert run_cli("report", scenario, "-o", html).exit_code == 0
    assert "\u200b" not in html.read_text(encoding="utf-8")  # copied text is as written
    return _first_word_height(_printed(html, folder / "r.pdf"))


@pytest.mark.skipif(
    not (chromium and pdftotext), reason="needs Chromium and pdftotext (CI installs them)"
)
def test_a_long_name_does_not_print_the_report_smaller(run_cli: RunCli, tmp_path: Path) -> None:
    """helper-84: a vendor's name of 30 letters, in two of the register's eleven columns,
    made the page wider, and Chromium printed every page a fifth smaller than with a
    short name."""
    short = _printed_word_height(run_cli, tmp_path / "short", "Acme")
    long = _printed_word_height(run_cli, tmp_path / "long", "AcmeCloudServicesInternational")
    assert short == long


def _pages(pdf: Path) -> list[tuple[float, str]]:
    """Each printed page's width (in points) and text, as ``pdftotext -bbox`` reads it."""
    boxes = subprocess.run(
        [str(pdftotext), "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [
        (float(width), " ".join(re.findall(r">([^<]+)</word>", body)))
        for width, body in re.findall(r'<page width="([\d.]+)"[^>]*>(.*?)</page>', boxes, re.S)
    ]


@pytest.mark.skipif(
    not (chromium and pdftotext), reason="needs Chromium and pdftotext (CI installs them)"
)
def test_wide_tables_print_on_landscape_pages_and_every_page_at_full_size(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """A table wider than A4 made Chromium print every page of the report smaller: the
    register's eleven columns by 13%, the data flows' eight by 2%; and the register's names
    could break anywhere, so they broke inside words ("Intraservi ce", helper-114). Tables
    of eight columns or more print on landscape pages, with their headings, and the
    document's first word is as high as in a page of the same style and nothing else (the
    style prints at 86%, whatever the tables hold)."""
    html = tmp_path / "r.html"
    _report(run_cli, html)
    bare = tmp_path / "bare.html"
    bare.write_text(
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><style>{STYLE}</style>"
        "</head><body><h1>Exit strategy</h1></body></html>",
        encoding="utf-8",
    )
    pdf = _printed(html, tmp_path / "r.pdf")
    assert _first_word_height(pdf) == _first_word_height(_printed(bare, tmp_path / "b.pdf"))
    pages = _pages(pdf)
    upright, across = min(w for w, _ in pages), max(w for w, _ in pages)
    assert across > upright
    for heading in (
        "Register of the withdrawn components",
        "Data flows affected",
        "Steps",
        "The legal findings are explained under Policy findings.",  # a table's note
    ):
        (width,) = [w for w, text in pages if f" {heading} " in f" {text} "]
        assert width == across, heading
    register = " ".join(text for w, text in pages if w == across)
    assert "Göteborgs Stad Intraservice (SE): operator;" in register


def test_two_bases_struck_down_read_as_two_and_every_element_by_its_name(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """Two transfer bases struck down are "them", joined by "and" (the question said "it"
    and a sentence joined them by a comma, helper-97); the legal table's ends, and what the
    assumptions name beyond the simulation (an untouched network, a data flow), read by
    name, as the rest of the document does (they read as ids)."""
    scenario = tmp_path / "two.yaml"
    scenario.write_text(
        f"id: two\ntitle: Two bases\nestate: {REPO / 'graphs' / 'gothenburg'}\n"
        "invalidate_transfer: [adequacy_dpf, scc]\nwithdraw_unlawful: true\nmode: exit\n",
        encoding="utf-8",
    )
    report = _report_of(run_cli, scenario, tmp_path / "two.md")
    bases = (
        r"the EU-US Data Privacy Framework (adequacy\_dpf) and standard contractual clauses "
        r"(scc)"
    )
    assert f"If {bases} were struck down and we stopped using what relies on them," in report
    assert f"8 data flows lose their legal basis once {bases} are struck down." in report
    assert (
        "| Directory synchronisation (Entra Connect) (directory-sync) | Active Directory Domain "
        "Services (on-premises) → Microsoft Entra ID |"
    ) in report
    assert "| Nextcloud Hub (files) → City network (LAN, Wi-Fi, VPN) | dependency |" in report
    assert "| Mail and calendars | data flow |" in report
    assert "city-network" not in report
    deck = tmp_path / "two.pptx"
    result = run_cli("report", scenario, "-o", deck)
    assert result.exit_code == 0, result.stderr
    notes = "\n".join(
        slide.notes_slide.notes_text_frame.text
        for slide in Presentation(str(deck)).slides
        if slide.has_notes_slide
    )
    assert "- data flow: Mail and calendars" in notes
    assert "→ City network (LAN, Wi-Fi, VPN)" in notes
    assert "city-network" not in notes


def test_a_flow_or_vendor_named_as_a_component_leaves_the_component_s_name_alone(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """The document names an assumed flow and an assumed vendor, both called "Mail" like
    the component withdrawn: the component read "Mail (mail)" on every line but the Gantt
    chart's and the flows table's (helper-100). It reads "Mail" throughout; the vendor,
    a node the simulation does not show, gets its id; a flow is told by its kind."""
    estate = {
        "estate": {"name": "mail", "as_of": "2026-01-01"},
        "vendors": [{"id": "v", "name": "Mail", "hq_country": "SE", "assumed": True}],
        "components": [{"id": "mail", "name": "Mail", "vendor": "v", "delivery": "saas"}],
        "services": [{"id": "post", "name": "Post", "depends_on": ["mail"]}],
        "data_flows": [{"id": "letters", "name": "Mail", "from": "post", "to": "mail",
                        "assets": ["letters"], "assumed": True}],
    }  # fmt: skip
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "estate.json").write_text(json.dumps(estate), encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "id: s\ntitle: S\nestate: mail\nwithdraw: [vendor:v]\nmode: exit\n", encoding="utf-8"
    )
    report = _report_of(run_cli, scenario, tmp_path / "s.md")
    assert "Mail (mail)" not in report
    assert "| Post | medium | broken | 2026-01-01 |  | none recorded | Mail |" in report
    assert "| Mail (v) | vendor | the vendor as recorded |" in report
    assert "| Mail | data flow | classification and basis |" in report
