"""``exitplan explore`` in a real browser: Debian's headless Chromium, driven by Selenium
through Debian's chromedriver. The page must show what ``exitplan simulate --horizon D``
says for the withdrawal and the day picked, opened offline from ``file://``."""

from __future__ import annotations

import base64
import itertools
import json
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.end_to_end import write_json
from exitplan.graph import EmbeddedGraph, Rel
from exitplan.loading import load_estate
from exitplan.model import NodeId, Strength
from exitplan.render.explorer import (
    LONGEST_NAME,
    MOST_DRAWN,
    MOST_NODES_DRAWN,
    MOST_PLACED,
    MOST_PLACED_DEPENDENCIES,
    dump_explorer,
    kept_answer,
    placed,
    read_answer,
    script_json,
)
from exitplan.render.rows import status
from exitplan.select import Mode
from exitplan.simulate import Options, simulate, timeline
from exitplan.simulate.explore import (
    ASKED,
    MOST_COMPONENTS,
    _Chains,
    answer,
    choices,
    explorer_data,
    given_key,
)
from exitplan.simulate.propagate import Times
from tests.conftest import REPO, RunCli, cli
from tests.reliability.test_outputs import HOSTILE, write_estate
from tests.simulate.build import estate as tiny_estate
from tests.simulate.test_properties import Random, estates

GOTHENBURG = REPO / "graphs" / "gothenburg"
DRIVER = shutil.which("chromedriver")
BROWSER = shutil.which("chromium")
browser_only = pytest.mark.skipif(
    DRIVER is None or BROWSER is None,
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium-driver)",
)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("explore") / "estate.html"
    result = cli("explore", GOTHENBURG, "-o", target)
    assert result.exit_code == 0, result.stderr
    return target


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if DRIVER is None or BROWSER is None:
        pytest.skip("needs Debian's chromium and chromium-driver")
    from selenium import webdriver  # noqa: PLC0415 - only the browser tests need it
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--window-size=1600,1000",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: any name lookup fails
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # the page's console
    driver = webdriver.Chrome(options=options, service=Service(executable_path=DRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def _shown(driver: Any, list_id: str) -> list[str]:
    return [
        str(item.get_attribute("data-id"))
        for item in driver.find_elements("css selector", f"#{list_id} > li[data-id]")
    ]


def _expected(selector: str, day: int) -> dict[str, list[str]]:
    """What ``exitplan simulate --horizon DAY --format json`` says, by state."""
    result = cli("simulate", GOTHENBURG, "-w", selector, "--horizon", str(day), "--format", "json")
    assert result.exit_code == 0, result.stderr
    simulated = json.loads(result.stdout)
    services = {s["id"]: s["state"] for s in simulated["services"]}
    components = [a for a in simulated["affected"] if a["kind"] == "component"]
    return {
        "broken": sorted(i for i, s in services.items() if s in ("broken", "withdrawn")),
        "degraded": sorted(i for i, s in services.items() if s == "degraded"),
        "broken-components": sorted(a["id"] for a in components if a["state"] == "broken"),
        "degraded-components": sorted(a["id"] for a in components if a["state"] == "degraded"),
        "withdrawn": sorted(a["id"] for a in simulated["affected"] if a["state"] == "withdrawn"),
    }


def _open(driver: Any, page: Path, fragment: str = "") -> None:
    """The page opened anew (not a change of the address of the page open), once it
    shows its first answer."""
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

    driver.get("about:blank")
    driver.get(page.as_uri() + fragment)
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element("tag name", "body").get_attribute("data-ready") == "true"
    )


def _settled(driver: Any, shown: str) -> None:
    """Wait until the page shows ``shown`` ("vendor:x&90"): an answer first picked is
    inflated before it is shown."""
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

    WebDriverWait(driver, 10).until(
        lambda d: d.find_element("tag name", "body").get_attribute("data-shown") == shown
    )


@browser_only
def test_picking_microsoft_and_day_90_shows_what_simulate_says(page: Path, browser: Any) -> None:
    from selenium.webdriver.support.ui import Select  # noqa: PLC0415

    _open(browser, page)
    Select(browser.find_element("id", "withdraw")).select_by_value("vendor:microsoft")
    slider = browser.find_element("id", "day")
    browser.execute_script(  # the slider moved as a hand moves it: its value, then input
        "arguments[0].value = 90; arguments[0].dispatchEvent(new Event('input'));", slider
    )
    _settled(browser, "vendor:microsoft&90")
    expected = _expected("vendor:microsoft", 90)
    for state, ids in expected.items():  # the components too: only the services were listed
        assert sorted(_shown(browser, state)) == ids, state
        assert ids, state  # the comparison is not of two empty lists
    counts = {state: len(ids) for state, ids in expected.items()}
    assert browser.find_element("id", "summary").text == (
        f"{counts['withdrawn']} withdrawn, {counts['broken']} services broken and "
        f"{counts['degraded']} degraded, {counts['broken-components']} components broken and "
        f"{counts['degraded-components']} degraded on 2027-01-30 (day 90); "
        "51,700 users lose a service."
    )
    assert browser.current_url.endswith("#withdraw=vendor%3Amicrosoft&day=90")
    assert "2027-01-30 (day 90)" in browser.find_element("id", "date").text


@browser_only
def test_the_page_says_nothing_in_the_console(page: Path, browser: Any) -> None:
    """Opened, picked and slid, the page warns of nothing and fails at nothing in the
    browser's console (Cytoscape warned of the zoom speed the page had set)."""
    from selenium.webdriver.support.ui import Select  # noqa: PLC0415

    browser.get_log("browser")  # what the pages opened before this one said
    _open(browser, page, "#withdraw=component:intune&day=400")
    Select(browser.find_element("id", "withdraw")).select_by_value("vendor:microsoft")
    slider = browser.find_element("id", "day")
    browser.execute_script(
        "arguments[0].value = 90; arguments[0].dispatchEvent(new Event('input'));", slider
    )
    _settled(browser, "vendor:microsoft&90")
    said = [entry for entry in browser.get_log("browser") if entry["level"] != "INFO"]
    assert said == []


@browser_only
@pytest.mark.parametrize(
    ("selector", "day"),
    [("vendor:microsoft", 0), ("component:intune", 400), ("jurisdiction:US", 90)],
)
def test_the_address_opens_the_page_in_that_state(
    page: Path, browser: Any, selector: str, day: int
) -> None:
    _open(browser, page, f"#withdraw={selector}&day={day}")
    expected = _expected(selector, day)
    assert sorted(_shown(browser, "broken")) == expected["broken"]
    assert sorted(_shown(browser, "degraded")) == expected["degraded"]
    assert browser.find_element("id", "withdraw").get_attribute("value") == selector


@browser_only
def test_an_exit_page_says_its_mode_and_names_export_and_blocked_steps(
    page: Path, tmp_path: Path, browser: Any
) -> None:
    target = tmp_path / "exit.html"
    result = cli("explore", GOTHENBURG, "-w", "vendor:microsoft", "--mode", "exit", "-o", target)
    assert result.exit_code == 0, result.stderr
    _open(browser, target, "#withdraw=vendor:microsoft&day=0")
    assert browser.find_element("id", "mode").text.startswith("Exit: we leave")
    steps = [row.text for row in browser.find_elements("css selector", "#plan td:nth-child(2)")]
    assert any(s.startswith("export data from Microsoft Purview") for s in steps)
    assert any(s.endswith("→ no viable alternative") for s in steps)
    assert not any("?" in s for s in steps)
    due, told = _due(browser), _status(browser)
    assert due["replace-entra-id"] == ""  # no contract date of its own: the steps after it
    assert told["replace-entra-id"].endswith(  # set it one it cannot meet
        "the steps after it miss their deadlines however soon it finishes"
    )
    assert due["replace-m365-apps"] == "2027-06-30 (day 241)"
    export = browser.find_elements("css selector", '#plan tr[data-id="export-purview"] td')
    assert export[2].text == "2026-11-01"  # in an exit it is made on day 0
    assert _shown(browser, "degraded") == []  # none on day 0: the list says so
    assert browser.find_element("id", "degraded").text == "none on this day"
    summary = browser.find_element("id", "summary").text
    assert re.fullmatch(
        r"\d+ withdrawn, \d+ services broken and 0 degraded, \d+ components? broken and \d+ "
        r"degraded on .*",
        summary,
    )
    _open(browser, target, "#withdraw=component:topdesk&day=0")
    assert "1 service broken" in browser.find_element("id", "summary").text
    _open(browser, page, "#withdraw=vendor:microsoft&day=0")
    assert browser.find_element("id", "mode").text.startswith("Cut-off: the vendor stops")
    export = browser.find_elements("css selector", '#plan tr[data-id="export-purview"] td')
    assert [cell.text for cell in export[2:4]] == ["", ""]
    assert _status(browser)["export-purview"] == "cannot be made: the vendor is gone by then"


@browser_only
def test_a_step_says_what_it_needs_brought_in_that_is_not_planned(page: Path, browser: Any) -> None:
    _open(browser, page, "#withdraw=component:intune&day=0")
    steps = [row.text for row in browser.find_elements("css selector", "#plan td:nth-child(2)")]
    assert steps == [
        "Microsoft Intune → baramundi Management Suite; needs Univention Nubus (IAM with "
        "Keycloak and OpenLDAP) brought in: not planned"
    ]


def _open_tiny(browser: Any, run_cli: RunCli, tmp_path: Path, spec: str, selector: str) -> None:
    """The page of a tiny estate (``tests/simulate/build.py``) withdrawing ``selector``."""
    write_json(tiny_estate(spec), tmp_path / "estate", 100)
    target = tmp_path / "tiny.html"
    result = run_cli("explore", tmp_path / "estate", "-o", target)
    assert result.exit_code == 0, result.stderr
    _open(browser, target, f"#withdraw={selector}&day=0")


def _column(browser: Any, place: int) -> dict[str, str]:
    """The plan table's cells in the column at ``place``, by the step's id."""
    rows = browser.find_elements("css selector", "#plan tr[data-id]")
    return {
        r.get_attribute("data-id"): r.find_elements("css selector", "td")[place].text for r in rows
    }


def _due(browser: Any) -> dict[str, str]:
    """The plan table's "due" cell of each step."""
    return _column(browser, 4)


def _status(browser: Any) -> dict[str, str]:
    """The plan table's "on time?" cell of each step."""
    return _column(browser, 5)


@browser_only
def test_the_users_who_lose_a_service_are_counted_on_the_day(
    browser: Any, run_cli: RunCli, tmp_path: Path
) -> None:
    """As ``simulate --horizon`` counts them on that day: per organisation the largest
    count of the services it loses (helper-96: only the whole withdrawal's were told)."""
    spec = (
        "s:s1 -> a\ns:s2 -> b grace=30\ns:s3 -> c grace=60\n"
        "users s1 o1 10\nusers s1 o2 5\nusers s2 o1 20"
    )
    _open_tiny(browser, run_cli, tmp_path, spec, "vendor:v")
    told = {}
    for selector, day in [
        ("vendor:v", 0),
        ("vendor:v", 30),
        ("vendor:v", 90),
        ("component:c", 0),
        ("component:c", 60),
    ]:
        _open(browser, tmp_path / "tiny.html", f"#withdraw={selector}&day={day}")
        told[selector, day] = browser.find_element("id", "summary").text.split("; ", 1)[1]
        result = run_cli(
            "simulate",
            tmp_path / "estate",
            "-w",
            selector,
            "--horizon",
            str(day),
            "--format",
            "json",
        )
        summary = json.loads(result.stdout)["summary"]
        if summary["services_broken"] and summary["users_recorded"]:
            assert told[selector, day] == f"{summary['users_broken']} users lose a service."
    assert told == {
        ("vendor:v", 0): "15 users lose a service.",
        ("vendor:v", 30): "25 users lose a service.",
        ("vendor:v", 90): "25 users lose a service.",
        ("component:c", 0): "no user loses a service.",
        ("component:c", 60): "no users are recorded for the services broken.",
    }


@browser_only
def test_a_need_of_one_node_is_told_before_a_choice(
    browser: Any, run_cli: RunCli, tmp_path: Path
) -> None:
    spec = (
        "s:x -> a\ncandidate k\nalt k for a R3 weeks=4\nk -> d1 group=g\nk -> d2 group=g\n"
        "k -> hub\ncandidate hub\ncandidate d1\ncandidate d2"
    )
    _open_tiny(browser, run_cli, tmp_path, spec, "component:a")
    steps = [row.text for row in browser.find_elements("css selector", "#plan td:nth-child(2)")]
    assert steps == ["a → k; needs hub and either d1 or d2 brought in: not planned"]


@browser_only
def test_a_step_is_due_earlier_for_the_step_after_it(
    browser: Any, run_cli: RunCli, tmp_path: Path
) -> None:
    """replace-app is due on day 200 and takes 70 days after replace-idp: the plan table
    gives replace-idp's own deadline and day 130, as ``simulate`` does."""
    spec = (
        "s:x -> app grace=200\ns:y -> idp grace=400\napp -> idp\ncandidate k\n"
        "alt k for app R4 weeks=10\nk -> idp\ncandidate kc\nalt kc for idp R2 weeks=20\n"
        "vendor k other\nvendor kc other"
    )
    _open_tiny(browser, run_cli, tmp_path, spec, "vendor:v")
    due = _due(browser)
    assert due == {
        "replace-idp": "2027-02-05 (day 400); 2026-05-11 (day 130) for the steps after it",
        "replace-app": "2026-07-20 (day 200)",
    }


@browser_only
def test_a_service_shows_the_chain_that_breaks_it(page: Path, browser: Any) -> None:
    _open(browser, page, "#withdraw=component:intune&day=0")
    chain, because = _picked(browser, GOTHENBURG, "component:intune", "it-arbetsplats")
    assert chain == because


def _click_node(browser: Any, node: str) -> None:
    """A click where Cytoscape (3.35, its registration on the container) draws ``node``."""
    from selenium.webdriver.common.action_chains import ActionChains  # noqa: PLC0415

    x, y = browser.execute_script(
        "var cy = document.getElementById('graph')._cyreg.cy;"
        "var p = cy.getElementById(arguments[0]).renderedPosition(); return [p.x, p.y];",
        f"n/{node}",
    )
    graph = browser.find_element("id", "graph")
    width, height = graph.size["width"], graph.size["height"]
    ActionChains(browser).move_to_element_with_offset(
        graph, int(x - width / 2), int(y - height / 2)
    ).click().perform()


def _chain(browser: Any) -> list[str]:
    return [
        str(item.get_attribute("data-id"))
        for item in browser.find_elements("css selector", "#chain-list > li")
    ]


@browser_only
def test_the_chain_says_how_each_link_passes_it_on(page: Path, browser: Any) -> None:
    """In the words of ``exitplan why``: a hard need, a soft one, and the day the last
    link was withdrawn (helper-96: the list held the names alone)."""
    _open(browser, page, "#withdraw=vendor:microsoft&day=90")
    told = {}
    for service in ("it-arbetsplats", "client-management"):
        browser.find_element("css selector", f'li[data-id="{service}"]').click()
        told[service] = [
            li.text for li in browser.find_elements("css selector", "#chain-list > li")
        ]
    assert told == {
        "it-arbetsplats": [
            "IT-arbetsplats (managed workplace)",
            "needs Compliance management",
            "needs Microsoft Entra Conditional Access (compliant-device rule), withdrawn "
            "2026-11-01",
        ],
        "client-management": [
            "Configuration and update management",
            "uses Windows Autopilot (soft: degraded without it), withdrawn 2026-11-01",
        ],
    }


@browser_only
def test_every_link_of_every_chain_is_told_as_the_estate_gives_it(page: Path, browser: Any) -> None:
    """Each link's word follows the dependency's hardness in the estate, for every node
    listed on a day; and only the withdrawn end of a chain says when it was withdrawn."""
    estate = load_estate(GOTHENBURG)
    hard = {
        (c.id, d.ref): d.strength is Strength.HARD for c in estate.components for d in c.depends_on
    }
    hard |= {
        (s.id, d.ref): d.strength is Strength.HARD for s in estate.services for d in s.depends_on
    }
    _open(browser, page, "#withdraw=vendor:microsoft&day=400")
    listed = browser.find_elements(
        "css selector",
        "#broken > li, #degraded > li, #broken-components > li, #degraded-components > li",
    )
    assert len(listed) > 20
    for item in listed:
        item.click()
        links = browser.find_elements("css selector", "#chain-list > li")
        ids = [NodeId(str(li.get_attribute("data-id"))) for li in links]
        for k, link in enumerate(links[1:], 1):
            word = "needs " if hard[(ids[k - 1], ids[k])] else "uses "
            assert link.text.startswith(word), (ids, link.text)
        assert ", withdrawn 20" in links[-1].text
        assert not any("withdrawn" in li.text for li in links[:-1])


@browser_only
@pytest.mark.skipif(
    shutil.which("pdfimages") is None, reason="needs pdfimages (poppler-utils; CI installs it)"
)
def test_a_printout_holds_the_graph(page: Path, browser: Any, tmp_path: Path) -> None:
    """helper-96: printing the page lost the graph (the canvas the print layout resizes).
    The printout's first page holds a picture of the whole graph as marked."""
    _open(browser, page, "#withdraw=vendor:microsoft&day=90")
    printed = tmp_path / "printed.pdf"
    printed.write_bytes(base64.b64decode(browser.print_page()))
    width, height = browser.execute_script(
        "var p = document.getElementById('printed'); return [p.naturalWidth, p.naturalHeight];"
    )
    assert width > 1000
    assert height > 1000
    listed = subprocess.run(
        [str(shutil.which("pdfimages")), "-list", "-f", "1", "-l", "1", str(printed)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    assert [(int(row.split()[3]), int(row.split()[4])) for row in listed] == [(width, height)]


@browser_only
def test_a_service_clicked_in_the_graph_shows_the_chain_that_breaks_it(
    page: Path, browser: Any
) -> None:
    """As the legend says: the click looked for a component withdrawn alone of the
    service's id, found none, and did nothing (helper-96)."""
    _open(browser, page, "#withdraw=component:intune&day=0")
    _click_node(browser, "it-arbetsplats")
    result = cli("simulate", GOTHENBURG, "-w", "component:intune", "--format", "json")
    affected = {a["id"]: a for a in json.loads(result.stdout)["affected"]}
    assert _chain(browser) == affected["it-arbetsplats"]["because"]
    assert len(_chain(browser)) > 2
    assert browser.find_element("id", "withdraw").get_attribute("value") == "component:intune"
    services = sorted(s.id for s in load_estate(GOTHENBURG).services)
    unreached = next(service for service in services if service not in affected)
    _click_node(browser, unreached)
    assert _chain(browser) == []
    name = next(s.name for s in load_estate(GOTHENBURG).services if s.id == unreached)
    assert browser.find_element("id", "chain").text == (
        f"{name} is neither withdrawn, broken nor degraded on 2026-11-01."
    )


@browser_only
def test_a_service_withdrawn_is_a_service_broken_as_simulate_counts_it(
    tmp_path: Path, browser: Any
) -> None:
    """The page said "1 withdrawn, 0 services broken" where simulate says 1 service broken
    (helper-96)."""
    target = tmp_path / "service.html"
    result = cli("explore", GOTHENBURG, "-w", "service:it-arbetsplats", "-o", target)
    assert result.exit_code == 0, result.stderr
    _open(browser, target, "#withdraw=service:it-arbetsplats&day=0")
    expected = _expected("service:it-arbetsplats", 0)
    assert _shown(browser, "broken") == expected["broken"] == ["it-arbetsplats"]
    assert _shown(browser, "withdrawn") == expected["withdrawn"] == ["it-arbetsplats"]
    assert browser.find_element("id", "summary").text.startswith(
        "1 withdrawn, 1 service broken and 0 degraded"
    )


@browser_only
def test_a_page_from_another_day_0_shows_what_simulate_says_from_it(
    tmp_path: Path, browser: Any
) -> None:
    """``--start``, as simulate takes it (helper-96: the page could only start on as_of)."""
    target = tmp_path / "later.html"
    result = cli("explore", GOTHENBURG, "--start", "2027-01-01", "-o", target)
    assert result.exit_code == 0, result.stderr
    _open(browser, target, "#withdraw=vendor:microsoft&day=200")
    simulated = cli(
        "simulate", GOTHENBURG, "-w", "vendor:microsoft", "--start", "2027-01-01",
        "--horizon", "200", "--format", "json",
    )  # fmt: skip
    affected = json.loads(simulated.stdout)["affected"]
    assert sorted(_shown(browser, "withdrawn")) == sorted(
        a["id"] for a in affected if a["state"] == "withdrawn"
    )
    assert "configmgr" in _shown(browser, "withdrawn")  # its contract ends on day 180 now
    assert browser.find_element("id", "date").text == "2027-07-20 (day 200)"


@browser_only
def test_the_plan_and_the_whole_withdrawal_read_as_simulate_tells_them(
    page: Path, browser: Any
) -> None:
    """The plan table in simulate's order (by wave) with its "on time?" column, the
    components that need no replacement, and simulate's sentences of the whole
    withdrawal: the page had none of them (helper-96)."""
    _open(browser, page, "#withdraw=vendor:microsoft&day=90")
    simulation = simulate(EmbeddedGraph(load_estate(GOTHENBURG)), ["vendor:microsoft"])
    steps = sorted(simulation.plan.steps, key=lambda step: (step.wave, step.id))
    assert list(_status(browser)) == [step.id for step in steps]
    assert _status(browser) == {step.id: status(step) for step in steps}
    assert any(text.endswith("days late") for text in _status(browser).values())
    headers = [cell.text for cell in browser.find_elements("css selector", "#plan th")]
    assert headers == ["wave", "step", "starts", "finishes", "due", "on time?"]
    rows = browser.find_elements("css selector", "#alternatives tr[data-id]")
    spare = [r.get_attribute("data-id") for r in rows if "not needed" in r.text]
    assert spare == list(simulation.not_needed) == ["exchange-online-protection", "planner"]
    told = [item.text for item in browser.find_elements("css selector", "#told > li")]
    printed = " ".join(cli("simulate", GOTHENBURG, "-w", "vendor:microsoft").stdout.split())
    assert told[0] == "51,700 users lose a service."
    assert any(line.startswith("Migration plan: 18 steps in 3 waves") for line in told)
    for line in told:
        assert line in printed


@browser_only
def test_a_list_shows_its_first_items_and_counts_the_rest(tmp_path: Path, browser: Any) -> None:
    many = [
        {"id": f"b{index:03d}", "name": f"B{index}", "vendor": "w", "delivery": "saas",
         "depends_on": ["a"]}
        for index in range(250)
    ]  # fmt: skip
    estate, _ = write_estate(
        tmp_path / "in",
        "N",
        components=[{"id": "a", "name": "A", "vendor": "v", "delivery": "saas"}, *many],
        alternatives=[],
        services=[],
    )
    target = tmp_path / "many.html"
    assert cli("explore", estate, "-o", target).exit_code == 0
    _open(browser, target, "#withdraw=vendor:v&day=0")
    by_name = sorted(range(250), key=lambda index: f"B{index}")  # all broken on day 0
    assert _shown(browser, "broken-components") == [f"b{index:03d}" for index in by_name[:200]]
    items = browser.find_elements("css selector", "#broken-components > li")
    assert items[-1].text == "… and 50 more: exitplan simulate lists them all"
    assert "250 components broken" in browser.find_element("id", "summary").text


def _picked(browser: Any, estate: Path, selector: str, service: str) -> tuple[list[str], Any]:
    """The chain the open page shows when ``service`` is clicked, and simulate's."""
    browser.find_element("css selector", f'#broken > li[data-id="{service}"]').click()
    chain = [
        str(item.get_attribute("data-id"))
        for item in browser.find_elements("css selector", "#chain-list > li")
    ]
    result = cli("simulate", estate, "-w", selector, "--format", "json")
    (found,) = [a for a in json.loads(result.stdout)["affected"] if a["id"] == service]
    return chain, found["because"]


@browser_only
def test_hostile_names_are_text_and_run_nothing(tmp_path: Path, browser: Any) -> None:
    name = f"{HOSTILE} <img src=x onerror=\"document.title='owned'\"></script><!--"
    estate, _ = write_estate(tmp_path / "in", name)
    target = tmp_path / "hostile.html"
    result = cli("explore", estate, "-o", target)
    assert result.exit_code == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    data = text.split('id="exitplan-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data
    assert ">" not in data
    _open(browser, target, "#withdraw=vendor:v&day=0")
    assert browser.title.startswith("exitplan explorer")
    assert not browser.find_elements("css selector", "img:not(#printed)")  # none from a name
    names = [e.text for e in browser.find_elements("css selector", "#broken .name")]
    assert names
    assert "onerror" in names[0]
    assert "\\x1b[2J" in names[0]  # shown as its escape, as everywhere else
    # no control character or bidirectional override in the page, nor in its data read
    unseen = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    assert not unseen.search(text)
    assert not unseen.search(json.dumps(json.loads(data), ensure_ascii=False))


@browser_only
@pytest.mark.parametrize(
    "fragment",
    ["#withdraw=%E0&day=0", "#withdraw=constructor&day=5", "#withdraw=__proto__", "#day=x%"],
)
def test_an_address_that_cannot_be_read_opens_the_widest_choice(
    page: Path, browser: Any, fragment: str
) -> None:
    """The page opens on the vendor whose withdrawal reaches the most: it opened on the
    first vendor by id, Cisco, with nothing broken (helper-96)."""
    _open(browser, page, fragment)
    assert browser.find_element("id", "withdraw").get_attribute("value") == "vendor:microsoft"
    assert browser.find_element("id", "summary").text  # the page shows an answer


def test_without_a_given_choice_the_page_opens_on_the_vendor_that_reaches_the_most() -> None:
    backend = EmbeddedGraph(load_estate(GOTHENBURG))
    data = explorer_data(backend)
    reached = {
        key: len(answered["affected"])
        for key, answered in data["answers"].items()
        if key.startswith("vendor:")
    }  # jurisdiction:US reaches more: the page opens on a vendor to leave
    assert data["initial"] == "vendor:microsoft" == max(reached, key=reached.__getitem__)
    assert explorer_data(backend, ["component:intune"])["initial"] == "component:intune"


@browser_only
@pytest.mark.parametrize("day", ["-5", "1e3", "36501", "999999", "2.5"])
def test_a_day_in_the_address_that_is_no_day_is_said(page: Path, browser: Any, day: str) -> None:
    """It was taken as day 0 in silence, or stretched the slider to 999,999 days."""
    _open(browser, page, f"#withdraw=vendor:microsoft&day={day}")
    assert browser.find_element("id", "unoffered").text == (
        f"The address gives the day {day}, which is not a whole number of days from 0 to "
        "36,500; it shows day 0."
    )
    slider = browser.find_element("id", "day")
    assert slider.get_attribute("value") == "0"
    assert int(slider.get_attribute("max")) < 36_500
    _open(browser, page, "#withdraw=vendor:microsoft&day=36500")
    assert not browser.find_element("id", "unoffered").is_displayed()
    assert browser.find_element("id", "day").get_attribute("value") == "36500"


@browser_only
def test_a_listed_service_answers_the_space_key_as_a_button(page: Path, browser: Any) -> None:
    _open(browser, page, "#withdraw=component:intune&day=0")
    item = browser.find_element("css selector", '#broken > li[data-id="it-arbetsplats"]')
    assert item.get_attribute("role") == "button"
    item.send_keys(" ")
    assert _chain(browser)[0] == "it-arbetsplats"


@browser_only
def test_a_script_written_into_the_page_does_not_run(
    page: Path, browser: Any, tmp_path: Path
) -> None:
    """The policy allows the page's own two scripts by their sha256, not any inline one."""
    text = page.read_text(encoding="utf-8")
    policy = re.search(r'Content-Security-Policy" content="([^"]*)"', text)
    assert policy is not None
    assert "unsafe-inline" not in policy[1].split("script-src")[1].split(";")[0]
    assert policy[1].count("'sha256-") == 2
    edited = tmp_path / "edited.html"
    edited.write_text(
        text.replace("</body>", "<script>document.title = 'owned';</script></body>"),
        encoding="utf-8",
    )
    _open(browser, edited, "#withdraw=vendor:microsoft&day=0")
    assert browser.title.startswith("exitplan explorer")  # the page's own scripts ran
    assert browser.find_element("id", "summary").text


@browser_only
def test_an_id_named_like_an_object_member_is_an_ordinary_id(tmp_path: Path, browser: Any) -> None:
    estate, _ = write_estate(
        tmp_path / "in",
        "plain",
        components=[
            {"id": "constructor", "name": "Constructor", "vendor": "v", "delivery": "saas"},
            {"id": "b", "name": "B", "vendor": "w", "delivery": "saas"},
        ],
        services=[
            {"id": "s", "name": "S", "depends_on": ["constructor", "b"],
             "consumers": [{"organisation": "o", "users": 10}]},
        ],
        alternatives=[],
    )  # fmt: skip
    target = tmp_path / "object.html"
    assert cli("explore", estate, "-o", target).exit_code == 0
    _open(browser, target, "#withdraw=component:constructor&day=0")
    assert browser.find_element("id", "withdraw").get_attribute("value") == "component:constructor"
    texts = [e.text for e in browser.find_elements("css selector", "#withdrawn > li")]
    assert texts == ["Constructor 2026-01-01"]
    assert [e.text for e in browser.find_elements("css selector", "#broken .name")] == ["S"]


@browser_only
def test_beyond_the_dependencies_drawn_the_chain_picked_is_drawn(
    tmp_path: Path, browser: Any
) -> None:
    """An estate with more dependencies than MOST_DRAWN opens with none drawn and says so;
    a service picked shows its chain, drawn edge by edge, as simulate gives it."""
    ids = [f"c{index:03d}" for index in range(110)]  # 5,995 dependencies among them
    estate, _ = write_estate(
        tmp_path / "in",
        "dense",
        components=[
            {"id": c, "name": c.upper(), "vendor": "v" if c == ids[-1] else "w",
             "delivery": "saas", "depends_on": ids[index + 1:]}
            for index, c in enumerate(ids)
        ],
        services=[
            {"id": "s", "name": "S", "depends_on": [ids[0]],
             "consumers": [{"organisation": "o", "users": 10}]},
        ],
        alternatives=[],
    )  # fmt: skip
    assert len(ids) * (len(ids) - 1) // 2 + 1 > MOST_DRAWN
    target = tmp_path / "dense.html"
    assert cli("explore", estate, "-o", target).exit_code == 0
    _open(browser, target, "#withdraw=vendor:v&day=0")
    graph = browser.find_element("id", "graph")
    assert graph.get_attribute("data-edges") == "0"
    assert browser.find_element("id", "undrawn").text.startswith("5,996 dependencies")
    chain, because = _picked(browser, estate, "vendor:v", "s")
    assert chain == because
    assert graph.get_attribute("data-edges") == str(len(chain) - 1)


@browser_only
def test_an_estate_within_the_dependencies_drawn_draws_them_all(page: Path, browser: Any) -> None:
    _open(browser, page)
    assert not browser.find_element("id", "undrawn").is_displayed()
    drawn = browser.find_element("id", "graph").get_attribute("data-edges")
    estate = EmbeddedGraph(load_estate(GOTHENBURG))
    assert int(drawn or 0) == len(list(estate.edges(Rel.DEPENDS_ON)))


def _path(ids: list[str]) -> list[tuple[str, str]]:
    return list(itertools.pairwise(ids))


def _crossing(length: int, dependents: int) -> tuple[list[str], list[tuple[str, str]]]:
    """Two chains of ``length``, and components that each depend on the first's head and
    the second's tail: one long dependency each, which no chain implies."""
    first = [f"p{index}" for index in range(length)]
    second = [f"q{index}" for index in range(length)]
    apart = [f"a{index}" for index in range(dependents)]
    edges = [*_path(first), *_path(second)]
    edges += [(a, first[0]) for a in apart] + [(a, second[-1]) for a in apart]
    return [*first, *second, *apart], edges


def _numbered(count: int) -> list[str]:
    return [f"c{index:04d}" for index in range(count)]


_ESTATES = {
    "a-chain": (_numbered(10), _path(_numbered(10))),
    "most-nodes": (_numbered(MOST_PLACED), _path(_numbered(21))),
    "too-many-nodes": (_numbered(MOST_PLACED + 1), _path(_numbered(21))),
    # every dependency there can be among 70: all but the chain are implied by it
    "complete": (_numbered(70), list(itertools.combinations(_numbered(70), 2))),
    "complete-and-a-cycle": (
        _numbered(70),
        [*itertools.combinations(_numbered(70), 2), ("c0069", "c0068")],
    ),
    "long-crossings-within": _crossing(100, 55),  # 5,645 columns crossed, with nodes
    "long-crossings-beyond": _crossing(100, 70),  # 7,130
    "too-many-dependencies": (
        _numbered(200),
        list(itertools.islice(itertools.combinations(_numbered(200), 2), 10_001)),
    ),
}


@pytest.mark.parametrize(
    ("estate", "by_graphviz"),
    [
        ("a-chain", True), ("most-nodes", True), ("too-many-nodes", False),
        ("complete", True), ("complete-and-a-cycle", True), ("long-crossings-within", True),
        ("long-crossings-beyond", False), ("too-many-dependencies", False),
    ],
)  # fmt: skip
def test_graphviz_places_an_estate_it_lays_out_in_good_time(estate: str, by_graphviz: bool) -> None:
    ids, edges = _ESTATES[estate]
    assert len(edges) <= MOST_PLACED_DEPENDENCIES or not by_graphviz
    data = {
        "nodes": [[i, i, "component", "v", "V"] for i in ids],
        "dependencies": [[a, b, True] for a, b in edges],
    }
    found = placed(data)
    assert (found != {}) is by_graphviz
    if by_graphviz:
        assert set(found) == set(ids)
        cycle = {"c0068", "c0069"} if estate.endswith("cycle") else set()
        for dependent, dependency in edges:  # dependents to the left, as drawn
            if not {dependent, dependency} <= cycle:
                assert found[dependent][0] < found[dependency][0]


def test_the_page_is_one_file_with_nothing_fetched(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", text, re.IGNORECASE)
    assert "Content-Security-Policy" in text
    assert "The Cytoscape Consortium" in text  # the vendored library keeps its licence


def test_answers_kept_as_json_give_the_same_page() -> None:
    backend = EmbeddedGraph(load_estate(GOTHENBURG))
    kept = explorer_data(backend, keep=kept_answer)
    whole = explorer_data(backend)
    assert all(isinstance(a, str) for a in kept["answers"].values())
    assert {k: read_answer(a) for k, a in kept["answers"].items()} == whole["answers"]
    assert dump_explorer(kept) == dump_explorer(whole)


def test_the_same_estate_gives_the_same_bytes(page: Path, tmp_path: Path, run_cli: RunCli) -> None:
    again = tmp_path / "again.html"
    assert run_cli("explore", GOTHENBURG, "-o", again).exit_code == 0
    assert again.read_bytes() == page.read_bytes()


@settings(max_examples=300)
@given(
    st.dictionaries(
        st.text(max_size=8),
        st.text(st.characters(codec="utf-8") | st.sampled_from("<>&\u2028\u2029/!-"), max_size=40),
        max_size=4,
    )
)
def test_no_name_can_end_the_data_script(data: dict[str, str]) -> None:
    text = script_json({**data, "name": "</script><script>alert(1)</script>\u2028<!--"})
    assert not set(text.decode("utf-8")) & set("<>&\u2028\u2029")
    assert json.loads(text) == {**data, "name": "</script><script>alert(1)</script>\u2028<!--"}


def test_a_wrong_suffix_or_selector_is_refused_before_any_work(
    tmp_path: Path, run_cli: RunCli
) -> None:
    wrong = run_cli("explore", GOTHENBURG, "-o", tmp_path / "e.png")
    assert wrong.exit_code == 2
    assert "HTML" in wrong.stderr
    bad = run_cli("explore", GOTHENBURG, "-w", "nonsense", "-o", tmp_path / "e.html")
    assert bad.exit_code == 2
    assert "Traceback" not in bad.stderr
    assert not (tmp_path / "e.html").exists()


def _state_on(entry: list[Any], day: int) -> str | None:
    """The page's rule (explorer.js ``stateOn``), written again in Python."""

    def within(on: int | str | None) -> bool:
        return on == "renewal" or (isinstance(on, int) and on <= day)

    if entry[1] and within(entry[2]):
        return "withdrawn"
    if entry[2] is not None and within(entry[2]):
        return "broken"
    if entry[3] is not None and within(entry[3]):
        return "degraded"
    return None


def _failure_chain(answer: dict[str, Any], node: str) -> list[str]:
    """The page's rule (explorer.js ``failureChain``), written again in Python."""
    chain = [node]
    while answer["fails_via"].get(node) is not None:
        node = answer["fails_via"][node]
        chain.append(node)
    return chain


def _degradation_chain(answer: dict[str, Any], node: str) -> list[str]:
    """The page's rule (explorer.js ``degradationChain``), written again in Python."""
    chain = []
    while True:
        chain.append(node)
        after = answer["degrades_via"].get(node)
        if after is None:
            return chain
        if after is True:
            return chain + _failure_chain(answer, node)[1:]
        node = after


def _times(
    fail: dict[str, float],
    degrade: dict[str, float],
    fail_cause: dict[str, str] | None = None,
    degrade_cause: dict[str, str] | None = None,
    ends: dict[str, float] | None = None,
) -> Times:
    def ids(days: dict[str, float] | None) -> dict[NodeId, float]:
        return {NodeId(node): day for node, day in (days or {}).items()}

    def causes(found: dict[str, str] | None) -> dict[NodeId, NodeId]:
        return {NodeId(node): NodeId(cause) for node, cause in (found or {}).items()}

    return Times(
        fail=ids(fail),
        degrade=ids(degrade),
        fail_cause=causes(fail_cause),
        degrade_cause=causes(degrade_cause),
        withdrawn=frozenset({NodeId("w")}),
        onset=lambda _dependency: 0.0,
        ends=ids(ends),
    )


@pytest.mark.parametrize(
    ("times", "via"),
    [
        (  # n degrades through c, which degrades through w
            _times({"w": 0}, {"n": 0, "c": 0, "w": 0},
                   degrade_cause={"n": "c", "c": "w"}),
            {"n": "c", "c": "w", "w": None},
        ),
        (  # c degrades because it fails, through x, which degraded before, through y
            _times({"w": 0, "y": 5, "x": 30, "c": 30}, {"n": 10, "c": 30, "x": 5, "y": 5},
                   fail_cause={"c": "x", "x": "w"}, degrade_cause={"n": "c", "x": "y"}),
            {"n": "c", "c": True},
        ),
        (  # n runs on without support at the end of its licence: degraded by nothing else
            _times({"w": 0}, {"n": 40}, ends={"n": 40}),
            {"n": None},
        ),
    ],
    ids=["degradations", "into-a-failure-chain", "licence-end"],
)  # fmt: skip
def test_a_degradation_chain_told_once_per_node_is_rebuilt_as_it_was(
    times: Times, via: dict[str, Any]
) -> None:
    chains = _Chains(times)
    chains.degradation(NodeId("n"))
    assert {node: chains.degrades_via[NodeId(node)] for node in via} == via
    told = {"fails_via": chains.fails_via, "degrades_via": chains.degrades_via}
    assert tuple(_degradation_chain(told, "n")) == times.chain(NodeId("n"), broken=False)


@pytest.mark.parametrize("day", [0, 30, 90, 365, 2000])
def test_the_embedded_answer_gives_the_states_simulate_gives_at_every_day(day: int) -> None:
    backend = EmbeddedGraph(load_estate(GOTHENBURG))
    for selector in ("vendor:microsoft", "component:intune", "vendor:cisco"):
        for mode in Mode:
            embedded = answer(timeline(backend, [selector], Options(mode=mode)))
            simulated = simulate(backend, [selector], Options(mode=mode, horizon=day))
            states = {e[0]: _state_on(e, day) for e in embedded["affected"]}
            assert {k: v for k, v in states.items() if v} == {
                a.id: a.state.value for a in simulated.affected
            }


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates(), st.data())
def test_on_random_estates_the_page_rule_agrees_with_simulate(
    random: Random, data: st.DataObject
) -> None:
    withdrawn = data.draw(st.lists(st.sampled_from(random.ids), min_size=1, max_size=3))
    selectors = [f"component:{node_id}" for node_id in withdrawn]
    day = data.draw(st.sampled_from([0, 4, 5, 29, 30, 31, 60]))
    backend = EmbeddedGraph(random.estate)
    embedded = answer(timeline(backend, selectors))
    simulated = simulate(backend, selectors, Options(horizon=day))
    states = {e[0]: _state_on(e, day) for e in embedded["affected"]}
    assert {k: v for k, v in states.items() if v} == {
        a.id: a.state.value for a in simulated.affected
    }
    chains = {
        e[0]: (_degradation_chain if _state_on(e, day) == "degraded" else _failure_chain)(
            embedded, e[0]
        )
        for e in embedded["affected"]
    }
    for affected in simulated.affected:
        assert tuple(chains[affected.id]) == affected.because


def _by_ids(numbered: dict[str, Any], nodes: Sequence[str]) -> dict[str, Any]:
    """A numbered answer read back as the page reads it (explorer.js ``answerOf``)."""

    def node(place: int | None) -> str | None:
        return None if place is None else nodes[place]

    return {
        "affected": [[nodes[a[0]], a[1] == 1, a[2], a[3]] for a in numbered["affected"]],
        "fails_via": {nodes[int(k)]: node(v) for k, v in numbered["fails_via"].items()},
        "degrades_via": {
            nodes[int(k)]: nodes[v] if isinstance(v, int) and not isinstance(v, bool) else v
            for k, v in numbered["degrades_via"].items()
        },
        "users": {nodes[int(k)]: v for k, v in numbered["users"].items()},
        "replacements": [[nodes[r[0]], r[1], node(r[2])] for r in numbered["replacements"]],
        "steps": [
            [
                *s[:2],
                [nodes[r] for r in s[2]],
                [node(c) for c in s[3]],
                *s[4:9],
                [[nodes[o] for o in options] for options in s[9]],
                *s[10:],
            ]
            for s in numbered["steps"]
        ],
        "finish": numbered["finish"],
        "not_needed": [nodes[n] for n in numbered["not_needed"]],
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates(), st.data())
def test_an_answer_by_numbers_reads_back_as_the_answer_by_ids(
    random: Random, data: st.DataObject
) -> None:
    """The page holds each node by its place in its list of nodes (an id is written many
    times in every answer); read back, it is the answer by ids, node for node."""
    withdrawn = data.draw(st.lists(st.sampled_from(random.ids), min_size=1, max_size=3))
    found = timeline(EmbeddedGraph(random.estate), [f"component:{n}" for n in withdrawn])
    nodes = sorted({*random.ids, *(s.id for s in random.estate.services)})
    numbered = answer(found, {NodeId(n): place for place, n in enumerate(nodes)})
    assert all(isinstance(a[0], int) and a[1] in (0, 1) for a in numbered["affected"])
    assert _by_ids(numbered, nodes) == answer(found)


@pytest.mark.parametrize(
    ("count", "drawn"), [(1, True), (MOST_NODES_DRAWN, True), (MOST_NODES_DRAWN + 1, False)]
)
def test_beyond_the_nodes_drawn_each_vendor_is_one_box(count: int, drawn: bool) -> None:
    data = {
        "estate": {"name": "e", "title": "E"},
        "nodes": [[f"c{i}", f"C{i}", "component", "v", "V"] for i in range(count)],
        "dependencies": [],
        "answers": {},
    }
    page = dump_explorer(data).decode("utf-8")
    told = json.loads(page.split('id="exitplan-data">', 1)[1].split("</script>", 1)[0])
    assert told["draw_nodes"] is drawn


@browser_only
def test_an_estate_beyond_the_nodes_drawn_shows_vendors_as_boxes_and_the_chain_picked(
    tmp_path: Path, browser: Any
) -> None:
    """Beyond MOST_NODES_DRAWN the page draws one box per vendor (and one for services),
    says so, and gives the same answer; a service picked draws its chain node by node
    beside the boxes."""
    many = [
        {"id": f"x{index:04d}", "name": f"X{index}", "vendor": "w", "delivery": "saas"}
        for index in range(MOST_NODES_DRAWN)
    ]
    hostile = f"{HOSTILE} <img src=x onerror=\"document.title='owned'\"></script><!--"
    estate, _ = write_estate(
        tmp_path / "in",
        hostile,  # the vendors' names, in the boxes' labels
        components=[
            {"id": "a", "name": "A", "vendor": "v", "delivery": "saas"},
            {"id": "b", "name": "B", "vendor": "w", "delivery": "saas", "depends_on": ["a"]},
            *many,
        ],
        alternatives=[],
    )
    target = tmp_path / "many.html"
    result = cli("explore", estate, "-o", target)
    assert result.exit_code == 0, result.stderr
    _open(browser, target, "#withdraw=vendor:v&day=0")
    graph = browser.find_element("id", "graph")
    boxes = 3  # v, w and the services
    assert graph.get_attribute("data-nodes") == str(boxes)
    assert browser.title.startswith("exitplan explorer")
    assert not browser.find_elements("css selector", "img:not(#printed)")
    assert browser.find_element("id", "collapsed").text.startswith(
        f"{MOST_NODES_DRAWN + 3:,} components and services are too many to draw one by one"
    )
    assert not browser.find_element("id", "undrawn").is_displayed()
    assert _shown(browser, "broken") == ["s"]
    assert _shown(browser, "withdrawn") == ["a"]
    chain, because = _picked(browser, estate, "vendor:v", "s")
    assert chain == because == ["s", "b", "a"]
    assert graph.get_attribute("data-nodes") == str(boxes + len(chain))
    assert graph.get_attribute("data-edges") == str(len(chain) - 1)
    assert graph.get_attribute("data-on-chain") == "3"  # the boxes of s, b and a

    def find(text: str) -> str:
        search = browser.find_element("id", "search")
        search.clear()
        search.send_keys(text)
        return str(graph.get_attribute("data-matches"))

    # Find marks the boxes that hold a match, not boxes whose label or lack of an id does
    assert find("x0001") == "1"
    assert find("nodes") == "0"
    assert find("undefined") == "0"
    assert graph.get_attribute("data-on-chain") == "3"  # a search leaves the chain's marks
    find("x0001")
    browser.execute_script(
        "var s = document.getElementById('day'); s.value = '5';s.dispatchEvent(new Event('input'));"
    )
    assert graph.get_attribute("data-matches") == "1"  # a new day leaves the search's


@pytest.mark.parametrize(
    ("given", "key"),
    [
        ((), None),
        (("vendor:microsoft",), "vendor:microsoft"),
        (("vendor:microsoft", "vendor:microsoft"), "vendor:microsoft"),
        (("jurisdiction:us",), "jurisdiction:US"),
        (
            (" component:intune ", "jurisdiction:US", "jurisdiction:us"),
            "component:intune + jurisdiction:US",
        ),
    ],
)
def test_the_given_choice_is_named_once_as_the_picker_names_it(
    given: tuple[str, ...], key: str | None
) -> None:
    assert given_key(given) == key
    offered = choices(EmbeddedGraph(load_estate(GOTHENBURG)), given)
    assert [c.key for c in offered if c.group == ASKED] == ([key] if key else [])
    if key in ("vendor:microsoft", "jurisdiction:US"):  # offered in its own group too
        assert [c.key for c in offered].count(key) == 2
    assert [c.name for c in offered if c.group == "Jurisdictions"] == [
        f"Vendors under {country} law" for country in ("DE", "DK", "FI", "GB", "NL", "SE", "US")
    ]


@pytest.mark.parametrize("given", [(), ("component:c0",)])
def test_the_answers_stop_at_their_budget_and_count_what_is_left_out(
    given: tuple[str, ...],
) -> None:
    """A chain of components, each of a vendor of its own, made a page that grew with the
    square of the chain (helper-87: 4,000 made 86 MB in 48 s). The answers stop once they
    hold ``most`` affected nodes; the choices after are counted, the given one answered."""
    lines = [f"c{i} -> c{i + 1}" for i in range(59)]
    vendors = [f"vendor c{i} v{i:02d}" for i in range(60)]
    backend = EmbeddedGraph(tiny_estate("\n".join([*lines, *vendors])))
    whole = explorer_data(backend, given)
    assert whole["choices_left_out"] == 0
    held = explorer_data(backend, given, most=300)
    kept = [key for key, _, _ in held["choices"]]
    assert (
        kept[: len(kept) - len(given)]
        == [key for key, _, _ in whole["choices"]][: len(kept) - len(given)]
    )
    assert all(key in kept for key in given)  # the page opens on it: answered all the same
    sizes = [len(held["answers"][key]["affected"]) for key in kept[: len(kept) - len(given)]]
    assert sum(sizes[:-1]) < 300 <= sum(sizes)  # the last one answered reached the budget
    assert held["choices_left_out"] == len(whole["choices"]) - len(kept)
    assert held == explorer_data(backend, given, most=300)  # the same estate, the same page


def test_past_the_budget_the_jurisdictions_are_answered_before_the_vendors() -> None:
    """The few jurisdictions a board asks about were left out before the many vendors
    offered ahead of them; the page still lists what it offers in its own order."""
    backend = EmbeddedGraph(load_estate(GOTHENBURG))
    whole = explorer_data(backend)
    groups = [group for _, _, group in whole["choices"]]
    assert groups.index("Vendors") < groups.index("Jurisdictions")  # as the page lists them
    jurisdictions = [key for key, _, group in whole["choices"] if group == "Jurisdictions"]
    held = explorer_data(backend, most=1)  # one answer, then no more
    assert [key for key, _, _ in held["choices"]] == jurisdictions[:1]
    assert held["choices_left_out"] >= len(whole["choices"]) - 1  # some would withdraw nothing
    assert list(whole["answers"]) == [key for key, _, _ in whole["choices"]]


def test_an_exit_page_offers_only_what_takes_something_in_use_away() -> None:
    """In an exit, a vendor of candidates alone (8x8 here) withdraws its candidates, and
    nothing anyone runs: the page would show nothing for it, so it does not offer it."""
    backend = EmbeddedGraph(load_estate(GOTHENBURG))
    data = explorer_data(backend, options=Options(mode=Mode.EXIT))
    offered = {key for key, _, _ in data["choices"]}
    assert "vendor:microsoft" in offered
    assert "vendor:8x8-inc" not in offered
    for key in offered:
        assert data["answers"][key]["affected"], key


def test_a_name_longer_than_a_diagram_shows_is_cut(tmp_path: Path, run_cli: RunCli) -> None:
    """One name of 3,999 characters shrank the whole graph to a thumbnail."""
    estate, _ = write_estate(tmp_path / "in", "Long" + "x" * 3_990)
    target = tmp_path / "long.html"
    result = run_cli("explore", estate, "-o", target)
    assert result.exit_code == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    data = json.loads(text.split('id="exitplan-data">', 1)[1].split("</script>", 1)[0])
    names = [node[1] for node in data["nodes"]]
    assert "Long" + "x" * (LONGEST_NAME - 5) + "…" in names
    assert max(len(name) for name in names) == LONGEST_NAME


@browser_only
def test_a_browser_that_cannot_inflate_the_answers_says_so(page: Path, browser: Any) -> None:
    """The answers are kept compressed; a browser without DecompressionStream says what
    to open the page in, rather than show nothing, and says so again after a pick or a
    move of the slider (helper-72: they said the page was damaged)."""
    from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: PLC0415

    added = browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": "delete window.DecompressionStream;"}
    )
    try:
        _open(browser, page, "#withdraw=vendor:microsoft&day=0")
        said = browser.find_element("id", "summary").text
        assert said.startswith("This browser cannot read the answers")
        assert _shown(browser, "broken") == []
        Select(browser.find_element("id", "withdraw")).select_by_value("component:intune")
        browser.execute_script(
            "var s = document.getElementById('day'); s.value = '5';"
            "s.dispatchEvent(new Event('input'));"
        )
        WebDriverWait(browser, 10).until(
            lambda d: d.current_url.endswith("#withdraw=component%3Aintune&day=5")
        )
        assert browser.find_element("id", "summary").text == said
    finally:
        browser.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]}
        )
    _open(browser, page, "#withdraw=vendor:microsoft&day=0")
    assert _shown(browser, "broken")  # as it was, once the browser has it


@browser_only
def test_the_last_pick_is_shown_however_the_answers_inflate(page: Path, browser: Any) -> None:
    """Picks in quick succession, each answer inflated when first picked: the page ends
    showing the last, whatever order the inflating ends in."""
    from selenium.webdriver.support.ui import Select  # noqa: PLC0415

    _open(browser, page)
    picker = Select(browser.find_element("id", "withdraw"))
    for key in ("vendor:microsoft", "jurisdiction:US", "component:intune"):
        picker.select_by_value(key)
    _settled(browser, "component:intune&0")
    browser.execute_script("return new Promise(function (done) { setTimeout(done, 300); });")
    assert browser.find_element("tag name", "body").get_attribute("data-shown") == (
        "component:intune&0"
    )
    expected = _expected("component:intune", 0)
    assert sorted(_shown(browser, "broken")) == expected["broken"]


@browser_only
@pytest.mark.parametrize("damage", ["not base64 at all!", "bm90IGRlZmxhdGU="])
def test_an_answer_that_cannot_be_read_says_the_page_is_damaged(
    page: Path, browser: Any, tmp_path: Path, damage: str
) -> None:
    """An answer whose text is not base64, or not deflated JSON (a page edited by hand,
    or cut short): the page says so and shows nothing of another answer; the others
    still open."""
    from selenium.webdriver.support.ui import Select  # noqa: PLC0415

    text = page.read_text(encoding="utf-8")
    before, rest = text.split('id="exitplan-data">', 1)
    data, after = rest.split("</script>", 1)
    told = json.loads(data)
    told["answers"]["component:intune"] = damage
    damaged = tmp_path / "damaged.html"
    damaged.write_text(
        before + 'id="exitplan-data">' + json.dumps(told) + "</script>" + after, encoding="utf-8"
    )
    _open(browser, damaged, "#withdraw=vendor:microsoft&day=0")
    assert _shown(browser, "broken")
    Select(browser.find_element("id", "withdraw")).select_by_value("component:intune")
    _settled(browser, "")
    assert browser.find_element("id", "summary").text == (
        "The answer for component:intune cannot be read: the page is damaged. Write it again "
        "with exitplan explore."
    )
    assert _shown(browser, "broken") == _shown(browser, "withdrawn") == []
    Select(browser.find_element("id", "withdraw")).select_by_value("vendor:microsoft")
    _settled(browser, "vendor:microsoft&0")
    assert _shown(browser, "broken")


@browser_only
def test_a_new_address_on_the_open_page_shows_that_state(page: Path, browser: Any) -> None:
    """The address changed on the page already open (a link within a workshop's notes,
    the back button): the answer it names is inflated and shown."""
    _open(browser, page, "#withdraw=vendor:microsoft&day=0")
    browser.execute_script("location.hash = '#withdraw=component:intune&day=400';")
    _settled(browser, "component:intune&400")
    assert browser.find_element("id", "withdraw").get_attribute("value") == "component:intune"
    expected = _expected("component:intune", 400)
    assert sorted(_shown(browser, "broken")) == expected["broken"]


@browser_only
def test_an_address_naming_what_the_page_does_not_offer_says_so(page: Path, browser: Any) -> None:
    """helper-72: a mistyped link opened silently on the first choice."""
    from selenium.webdriver.support.ui import Select  # noqa: PLC0415

    _open(browser, page, "#withdraw=vendor:nope%3Cb%3E&day=10")
    first = browser.find_element("css selector", "#withdraw option").get_attribute("value")
    note = browser.find_element("id", "unoffered")
    assert note.is_displayed()
    assert note.text == (
        "The address names vendor:nope<b>, which this page does not offer; it shows "
        "vendor:microsoft instead."
    )
    assert not browser.find_elements("css selector", "#unoffered b")
    Select(browser.find_element("id", "withdraw")).select_by_value(first)
    _settled(browser, f"{first}&10")
    assert not note.is_displayed()
    _open(browser, page, "#withdraw=vendor:microsoft&day=0")
    assert not browser.find_element("id", "unoffered").is_displayed()


@browser_only
def test_an_address_naming_a_country_in_small_letters_opens_it(page: Path, browser: Any) -> None:
    """As ``-w jurisdiction:us`` reads it (helper-96: the address was not offered)."""
    _open(browser, page, "#withdraw=jurisdiction:us&day=10")
    assert browser.find_element("id", "withdraw").get_attribute("value") == "jurisdiction:US"
    assert not browser.find_element("id", "unoffered").is_displayed()
    assert sorted(_shown(browser, "broken")) == _expected("jurisdiction:US", 10)["broken"]


@browser_only
def test_an_address_is_shown_with_its_unseen_characters_escaped(page: Path, browser: Any) -> None:
    """helper-84: a raw U+202E from the address turned the note around, where a name from
    a file shows as its escape; and the note is no longer than 200 characters of it."""
    _open(browser, page, "#withdraw=%E2%80%AEvendor:nope%07" + "x" * 300 + "&day=10")
    note = browser.find_element("id", "unoffered")
    assert note.is_displayed()
    assert note.text.startswith(
        "The address names \\u202evendor:nope\\u0007" + "x" * 187 + "…, which this page"
    )


@browser_only
@pytest.mark.parametrize("sizes", [(1300, 150, 150), (12, 9, 3)], ids=["grid", "graphviz"])
def test_no_vendors_frame_lies_over_anothers(
    tmp_path: Path, browser: Any, run_cli: RunCli, sizes: tuple[int, ...]
) -> None:
    """helper-84: past Graphviz's 1,500 nodes, each vendor had 600 pixels of the grid
    whatever its size: a vendor of 1,300 ran over the frames below it."""
    vendors = [{"id": f"v{n}", "name": f"V{n}", "hq_country": "SE"} for n in range(len(sizes))]
    components = [
        {"id": f"v{n}-c{k}", "name": f"C {n}.{k}", "vendor": f"v{n}", "delivery": "saas"}
        for n, size in enumerate(sizes)
        for k in range(size)
    ]
    estate = {"estate": {"name": "frames", "as_of": "2026-01-01"}, "vendors": vendors,
              "components": components}  # fmt: skip
    (tmp_path / "estate.json").write_text(json.dumps(estate), encoding="utf-8")
    target = tmp_path / "frames.html"
    result = run_cli("explore", tmp_path / "estate.json", "-o", target)
    assert result.exit_code == 0, result.stderr
    _open(browser, target)
    graph = browser.find_element("id", "graph")
    assert graph.get_attribute("data-frames-overlapping") == "0"


@browser_only
def test_no_frame_title_lies_over_another_frame_in_the_example(page: Path, browser: Any) -> None:
    """The four-line title of "CVC Capital Partners (CVC Growth Partners II funds)" lay
    over Freja eID's frame: Graphviz kept no room for it (helper-96)."""
    _open(browser, page, "#withdraw=vendor:microsoft&day=0")
    graph = browser.find_element("id", "graph")
    assert graph.get_attribute("data-frames-overlapping") == "0"


@browser_only
def test_a_long_name_with_no_space_wraps_in_the_panel_and_the_graph(
    tmp_path: Path, browser: Any
) -> None:
    """A name of W's ran the panel sideways (its tables off screen) and the frame's title
    across the canvas (helper-96)."""
    estate, _ = write_estate(tmp_path / "in", "W" * 400)
    target = tmp_path / "long.html"
    assert cli("explore", estate, "-o", target).exit_code == 0
    _open(browser, target, "#withdraw=vendor:v&day=0")
    wide, shown = browser.execute_script(
        "var a = document.querySelector('aside'); return [a.scrollWidth, a.clientWidth];"
    )
    assert wide <= shown
    label = browser.execute_script(
        "var cy = document.getElementById('graph')._cyreg.cy;"
        "return cy.getElementById('vendor/v').boundingBox().w;"
    )
    frame = browser.execute_script(
        "var cy = document.getElementById('graph')._cyreg.cy;"
        "return cy.getElementById('vendor/v').boundingBox({includeLabels: false}).w;"
    )
    assert label <= frame + 1  # the title wraps within its frame
    search = browser.find_element("id", "search")
    search.send_keys("W" * 20)  # the labels hold zero-width spaces where they wrap
    assert int(browser.find_element("id", "graph").get_attribute("data-matches")) >= 4


@browser_only
@pytest.mark.parametrize(
    ("name", "cut"),
    [
        ("W" * 120, True),
        (" ".join(["Regional"] * 15), True),
        ("Microsoft Purview Information Protection (sensitivity labels, DLP)", False),
        ("Mail", False),
    ],
    ids=["one-long-word", "many-words", "three-lines", "one-word"],
)
def test_a_node_label_keeps_to_its_box(tmp_path: Path, browser: Any, name: str, cut: bool) -> None:
    """A name of 120 characters took ten lines and ran over the nodes below (helper-96):
    a label keeps to three lines within its box, the rest cut with "…"; a name that fits
    is shown whole."""
    estate, _ = write_estate(tmp_path / "in", name)
    target = tmp_path / "long.html"
    assert cli("explore", estate, "-o", target).exit_code == 0
    _open(browser, target, "#withdraw=vendor:v&day=0")
    boxes = browser.execute_script(
        "var cy = document.getElementById('graph')._cyreg.cy;"
        "return cy.nodes(':childless').map(function (n) {"
        "  var text = n.boundingBox({includeNodes: false, includeLabels: true});"
        "  var box = n.boundingBox({includeLabels: false});"
        "  return [n.data('ref'), n.data('label'), text.w, text.h, box.w, box.h]; });"
    )
    labels = {ref: label for ref, label, *_ in boxes}
    assert labels["a"].endswith("…") == cut, labels["a"]
    if not cut:
        assert " ".join(labels["a"].split()) == name
    for ref, label, text_w, text_h, box_w, box_h in boxes:
        assert label.count("\n") < 3, (ref, label)
        assert text_w <= box_w + 1, (ref, label, text_w, box_w)
        assert text_h <= box_h + 1, (ref, label, text_h, box_h)


def _labels(browser: Any) -> dict[str, str]:
    return dict(
        browser.execute_script(
            "var cy = document.getElementById('graph')._cyreg.cy;"
            "return cy.nodes(':childless').map(function (n) {"
            "  return [n.data('ref'), n.data('label')]; });"
        )
    )


@browser_only
def test_a_label_breaks_between_what_a_reader_sees_as_one(tmp_path: Path, browser: Any) -> None:
    """A flag is two code points, a thumb and its skin tone two: a line broke between them,
    so that every Swedish flag after the break read as two halves (helper-102); a no-break
    space is no place to break either."""
    sweden, thumb, amount = "\U0001f1f8\U0001f1ea", "\U0001f44d\U0001f3fd", "12\u00a0345\u00a0kr"
    for name, whole in [
        (sweden * 40, sweden),
        (thumb * 40, thumb),
        (" ".join([amount] * 12), amount),
    ]:
        estate, _ = write_estate(tmp_path / str(len(name)), name)
        target = tmp_path / f"{len(name)}.html"
        assert cli("explore", estate, "-o", target).exit_code == 0
        _open(browser, target, "#withdraw=vendor:v&day=0")
        lines = _labels(browser)["a"].removesuffix("…").split("\n")
        assert len(lines) == 3, lines
        for line in lines:  # each line holds whole ones only
            assert line.replace(whole, "").strip() == "", (name, lines)


@browser_only
def test_the_lists_follow_the_days_and_find_knows_the_vendors(page: Path, browser: Any) -> None:
    """The lists were in the order of the ids, showing names (Office applications, on
    day 30, among those of day 0), and Find found no vendor by name (helper-96)."""
    _open(browser, page, "#withdraw=vendor:microsoft&day=90")
    result = cli(
        "simulate", GOTHENBURG, "-w", "vendor:microsoft", "--horizon", "90", "--format", "json"
    )
    affected = json.loads(result.stdout)["affected"]
    withdrawn = [a for a in affected if a["state"] == "withdrawn"]
    ordered = sorted(withdrawn, key=lambda a: (a["fails_at_days"], a["name"]))
    assert _shown(browser, "withdrawn") == [a["id"] for a in ordered]
    assert ordered[-1]["fails_at_days"] > ordered[0]["fails_at_days"]  # not all on one day
    search = browser.find_element("id", "search")
    search.send_keys("keepit a/s")
    assert browser.find_element("id", "graph").get_attribute("data-matches") == "1"


@browser_only
def test_components_beyond_those_offered_are_counted_in_the_picker(
    tmp_path: Path, browser: Any
) -> None:
    """helper-72: only the command's notice said that components past the first 500 by
    id are not offered one by one; the picker says it where they would be."""
    many = [
        {"id": f"x{index:04d}", "name": f"X{index}", "vendor": "w", "delivery": "saas"}
        for index in range(MOST_COMPONENTS + 2)
    ]
    estate, _ = write_estate(
        tmp_path / "in",
        "Vendor",
        components=[{"id": "b", "name": "B", "vendor": "w", "delivery": "saas"}, *many],
        alternatives=[],
    )
    target = tmp_path / "many.html"
    result = cli("explore", estate, "-o", target)
    assert result.exit_code == 0, result.stderr
    _open(browser, target)
    options = browser.find_elements("css selector", "#withdraw optgroup[label=Components] option")
    assert len(options) == MOST_COMPONENTS + 1
    assert options[-1].get_attribute("disabled") is not None
    assert options[-1].text.startswith("… and ")
    assert options[-1].text.endswith(
        " more, not offered: exitplan explore -w component:ID offers one"
    )
