"""The simulation commands through the real console script, and golden JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from exitplan.render.rows import headline
from exitplan.simulate import simulate
from tests.conftest import EXAMPLE, REPO, CheckGolden, RunCli, WriteFiles, write_scenario
from tests.simulate.build import build

SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.stem for s in SCENARIOS])
def test_scenario_json_matches_golden(scenario: Path, run_cli: RunCli, golden: CheckGolden) -> None:
    result = run_cli("run", scenario.relative_to(REPO), "--format", "json")
    assert result.exit_code == 0, result.stderr
    golden(f"{scenario.stem}.json", result.stdout)
    again = run_cli("run", scenario.relative_to(REPO), "--format", "json")
    assert again.stdout == result.stdout


def test_microsoft_cut_off_answers_the_board(run_cli: RunCli) -> None:
    result = run_cli("simulate", "graphs/gothenburg", "--withdraw", "vendor:microsoft")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "it-arbetsplats" in text
    shown = json.loads(
        run_cli(
            "simulate", "graphs/gothenburg", "-w", "vendor:microsoft", "--format", "json"
        ).stdout
    )
    assert shown["schema"] == "exitplan/simulate/v1"
    services = {s["id"]: s for s in shown["services"]}
    assert services["it-arbetsplats"]["state"] == "broken"
    assert services["it-arbetsplats"]["because"][-1] in shown["withdrawn"]
    missing = {a["for"] for a in shown["alternatives"] if a["status"] == "missing"}
    assert "purview" in missing
    waves = {s["replaces"]: s["wave"] for s in shown["plan"]["steps"] if s["kind"] == "replace"}
    assert waves["entra-id"] < waves["intune"]
    assert waves["entra-id"] < waves["sharepoint-online"]
    assert waves["entra-id"] < waves["onedrive"]


def test_losing_intune_breaks_some_things_at_once_and_others_later(run_cli: RunCli) -> None:
    shown = json.loads(
        run_cli(
            "simulate", "graphs/gothenburg", "-w", "component:intune", "--format", "json"
        ).stdout
    )
    affected = {a["id"]: a for a in shown["affected"]}
    assert affected["entra-conditional-access"]["fails_at_days"] == 0
    assert affected["it-arbetsplats"]["fails_at_days"] == 0
    assert affected["device-certificates"]["fails_at_days"] == 73  # certificate grace
    assert affected["windows-client"]["fails_at_days"] == 345  # at renewal, 2027-10-12
    assert affected["windows-client"]["because"] == ["windows-client", "intune"]


def test_horizon_and_formats(run_cli: RunCli) -> None:
    args = ("simulate", "graphs/gothenburg", "-w", "component:intune", "--horizon", "90")
    table = run_cli(*args)
    assert table.exit_code == 0
    assert "day 345" not in table.stdout
    markdown = run_cli(*args, "--format", "markdown").stdout
    assert markdown.startswith("# Withdrawing component:intune\n")
    assert "| service | criticality |" in markdown
    rows = list(csv.DictReader(io.StringIO(run_cli(*args, "--format", "csv").stdout)))
    assert {r["id"] for r in rows} >= {"intune", "entra-conditional-access"}
    assert next(r for r in rows if r["id"] == "intune")["state"] == "withdrawn"


def test_software_withdrawn_after_the_horizon_is_degraded_within_it(run_cli: RunCli) -> None:
    """Configuration Manager goes when its subscription ends (day 241) and is degraded from
    day 0 through what it needs: within 10 days it was told as nothing at all, though the
    service it serves was degraded through it (helper-96)."""
    args = ("simulate", "graphs/gothenburg", "-w", "vendor:microsoft", "--format", "json")
    within = {a["id"]: a for a in json.loads(run_cli(*args, "--horizon", "10").stdout)["affected"]}
    whole = {a["id"]: a for a in json.loads(run_cli(*args).stdout)["affected"]}
    for node in ("configmgr", "m365-apps"):
        assert whole[node]["state"] == "withdrawn"
        assert whole[node]["degrades_at_days"] == 0
        assert (within[node]["state"], within[node]["degrades_at_days"]) == ("degraded", 0)
        assert within[node]["fails_at_days"] is None  # after the horizon: not told
    assert within["office-applications"]["state"] == "degraded"


@pytest.mark.parametrize(
    ("node", "withdrawn", "headline", "first_row"),
    [
        pytest.param(
            "keycloak",
            "component:intune",
            "keycloak is not affected: nothing that component:intune withdraws breaks or "
            "degrades it.",
            None,
            id="not-reached",
        ),
        pytest.param(  # autopatch, the other member of its group, stays
            "update-management",
            "component:configmgr",
            "update-management is not affected: nothing that component:configmgr withdraws "
            "breaks or degrades it.",  # helper-86: 'reaches it' was false here
            None,
            id="redundancy-holds",
        ),
        pytest.param(  # autopatch goes at once, configmgr at its licence's end
            "update-management",
            "vendor:microsoft",
            "update-management is degraded from 2026-11-01 and breaks from 2027-06-30 (day 241).",
            ["2026-11-01", "degrades", "update-management ← autopatch"],
            id="group-lost-late",
        ),
        pytest.param(
            "ad-ds",
            "vendor:microsoft",
            "ad-ds is not affected: its perpetual licence keeps it running (no end of support "
            "is recorded).",
            None,
            id="perpetual-without-an-end-of-support",
        ),
        pytest.param(
            "intune",
            "component:intune",
            "intune is withdrawn by component:intune.",
            ["2026-11-01", "withdrawn", "intune"],
            id="withdrawn-itself",
        ),
        pytest.param(
            "email-and-calendar",
            "component:intune",
            "email-and-calendar is degraded from 2027-01-13 (day 73).",
            [
                "2027-01-13 (day 73)",
                "degrades",
                "email-and-calendar ← m365-apps (soft) ← windows-client ← "
                "device-certificates (soft) ← intune (after 73 days)",
            ],
            id="grace-on-a-link",
        ),
    ],
)
def test_why_tells_the_nodes_own_fate_then_each_chain(
    run_cli: RunCli, node: str, withdrawn: str, headline: str, first_row: list[str] | None
) -> None:
    result = run_cli("why", "graphs/gothenburg", node, "-w", withdrawn)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == headline
    table = run_cli("why", "graphs/gothenburg", node, "-w", withdrawn, "--format", "markdown")
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in table.stdout.splitlines()
        if line.startswith("| ")
    ]
    if first_row is None:
        assert "chain" not in result.stdout + table.stdout  # no empty table after the headline
    else:
        assert rows[1][:3] == first_row, rows  # after the header


def test_why_says_how_each_link_passes_the_loss_on(run_cli: RunCli) -> None:
    shown = json.loads(
        run_cli(
            "why", "graphs/gothenburg", "email-and-calendar", "-w", "component:intune",
            "--format", "json",
        ).stdout
    )  # fmt: skip
    first = shown["chains"][0]
    assert (first["effect"], first["day"]) == ("degrades", 73)
    last = first["links"][-1]
    assert (last["to"], last["strength"], last["onset_days"]) == ("intune", "hard", 73)
    text = run_cli("why", "graphs/gothenburg", "email-and-calendar", "-w", "component:intune")
    assert "intune (after 73 days)" in " ".join(text.stdout.split())


@pytest.mark.parametrize(
    ("node", "kind"),
    [
        ("grundskoleforvaltningen", "an organisation"),
        ("microsoft", "a vendor"),
        ("conditional-access", "a capability"),
    ],
)
def test_why_refuses_what_depends_on_nothing(run_cli: RunCli, node: str, kind: str) -> None:
    result = run_cli("why", "graphs/gothenburg", node, "-w", "component:intune")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"exitplan: {node!r} is {kind}; why takes a component or a")


def test_why_lists_chains_earliest_first(run_cli: RunCli) -> None:
    result = run_cli("why", "graphs/gothenburg", "it-arbetsplats", "-w", "component:intune")
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "←" in line]
    assert lines[0].split()[:2] == ["2026-11-01", "breaks"]
    shown = json.loads(
        run_cli(
            "why",
            "graphs/gothenburg",
            "it-arbetsplats",
            "-w",
            "component:intune",
            "--format",
            "json",
        ).stdout
    )
    days = [c["day"] for c in shown["chains"] if c["day"] is not None]
    assert days == sorted(days)
    assert any("entra-conditional-access" in c["nodes"] for c in shown["chains"])


def test_what_breaks_if(run_cli: RunCli) -> None:
    result = run_cli("what-breaks-if", "graphs/gothenburg", "entra-id", "--format", "json")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["selectors"] == ["component:entra-id"]
    assert "topdesk" in {a["id"] for a in shown["affected"]}
    capability = run_cli("what-breaks-if", "graphs/gothenburg", "email")
    assert capability.exit_code == 2
    assert "takes a component, service or vendor" in capability.stderr
    # A typo is told the closest id it takes: 'service-management' is a capability
    typo = run_cli("what-breaks-if", "graphs/gothenburg", "device-management")
    assert typo.exit_code == 2
    assert "did you mean 'co-management'?" in typo.stderr


def test_compare_prints_one_table(run_cli: RunCli) -> None:
    four = SCENARIOS[:4]  # four columns fit 100 characters without folding an id
    result = run_cli("compare", *(s.relative_to(REPO) for s in four))
    assert result.exit_code == 0, result.stderr
    assert "Scenarios compared" in result.stdout
    for scenario in four:
        assert scenario.stem in result.stdout
    assert "missing alternatives" in result.stdout
    shown = json.loads(
        run_cli("compare", *(s.relative_to(REPO) for s in SCENARIOS), "--format", "json").stdout
    )
    assert [s["id"] for s in shown["scenarios"]] == [s.stem for s in SCENARIOS]


def test_compare_says_what_tells_the_variants_apart(
    run_cli: RunCli, write_files: WriteFiles
) -> None:
    """Variants that differ in day 0, the start of the work or the horizon showed one
    figure changed and no reason (helper-56); each gets a row where they differ, and the
    steps after their deadline always do."""
    head = f"estate: {EXAMPLE}\nwithdraw: [vendor:microsoft]\nmode: exit\n"
    folder = write_files(
        {
            "a.yaml": f"id: a\ntitle: A\n{head}",
            "b.yaml": f"id: b\ntitle: B\n{head}start: 2028-01-01\n",
            "c.yaml": f"id: c\ntitle: C\n{head}work_starts: 2027-06-01\nhorizon_days: 200\n",
            "d.yaml": f"id: d\ntitle: D\n{head}",
        }
    )
    result = run_cli("compare", folder / "a.yaml", folder / "b.yaml", folder / "c.yaml")
    assert result.exit_code == 0, result.stderr
    rows = {line.split("  ")[1].strip(): line.split() for line in result.stdout.splitlines()
            if line.startswith("  ")}  # fmt: skip
    assert rows["day 0"][-3:] == ["2026-11-01", "2028-01-01", "2026-11-01"]
    assert rows["work starts"][-3:] == ["2026-11-01", "2028-01-01", "2027-06-01"]
    assert rows["horizon (days)"][-3:] == ["none", "none", "200"]
    assert rows["steps after their deadline"][-3:] == ["11", "1", "11"]
    shown = json.loads(
        run_cli("compare", *(folder / f"{n}.yaml" for n in "abc"), "--format", "json").stdout
    )["scenarios"]
    assert [(s["start"], s["work_starts"], s["horizon_days"], s["steps_late"]) for s in shown] == [
        ("2026-11-01", "2026-11-01", None, 11),
        ("2028-01-01", "2028-01-01", None, 1),
        ("2026-11-01", "2027-06-01", 200, 11),
    ]
    same = run_cli("compare", folder / "a.yaml", folder / "d.yaml")
    assert "day 0" not in same.stdout
    assert "steps after their deadline" in same.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("simulate", "graphs/gothenburg", "-w", "vendor:microsfot"), "did you mean 'microsoft'?"),
        (("simulate", "graphs/gothenburg", "-w", "vendr:microsoft"), "did you mean 'vendor'?"),
        (("simulate", "graphs/gothenburg"), "Missing option '--withdraw'"),
        (("why", "graphs/gothenburg", "it-arbetsplat", "-w", "vendor:microsoft"), "did you mean"),
        (("simulate", "graphs/gothenburg", "-w", "vendor:microsoft", "--horizon", "-1"), "-1"),
        (
            ("simulate", "graphs/gothenburg", "-w", "vendor:microsoft", "--horizon", "36501"),
            "not in the range 0<=x<=36500",
        ),
        *(
            ((*command, "--start", day), said)
            for command in [
                ("simulate", "graphs/gothenburg", "-w", "vendor:microsoft"),
                ("why", "graphs/gothenburg", "it-arbetsplats", "-w", "vendor:microsoft"),
                ("what-breaks-if", "graphs/gothenburg", "intune"),
            ]
            for day, said in [
                ("9999-12-31", "9999-12-31 is out of range: dates run from 1900 to 2999"),
                ("0001-01-01", "0001-01-01 is out of range"),
                ("2026-02-30", "'2026-02-30' is not a valid date"),
                ("20261101", "expected a date YYYY-MM-DD, got '20261101'"),
            ]
        ),
    ],
)
def test_usage_errors(run_cli: RunCli, args: tuple[str, ...], message: str) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_bad_scenario_file_is_reported_with_line(run_cli: RunCli, tmp_path: Path) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(
        f"id: bad\ntitle: Bad\nestate: {REPO / 'graphs' / 'gothenburg'}\n"
        "withdraw: [vendor:microsoft, vendr:x]\nmode: sideways\n",
        encoding="utf-8",
    )
    result = run_cli("run", scenario)
    assert result.exit_code == 2
    assert f"{scenario}:4: withdraw[1]: unknown selector kind 'vendr'" in result.stderr
    assert f"{scenario}:5: mode: 'sideways' is not allowed" in result.stderr


def test_start_sets_day_0(run_cli: RunCli) -> None:
    result = run_cli(
        "simulate", "graphs/gothenburg", "-w", "vendor:microsoft", "--start", "2027-01-01"
    )
    assert result.exit_code == 0, result.stderr
    assert "from 2027-01-01." in result.stdout.splitlines()[0]


@pytest.mark.parametrize(
    ("name", "given", "said", "starts"),
    [
        ("x.json", ["--format", "csv"], "writing csv into", "\ufeffid,kind".encode()),
        ("x.json", ["--format", "json"], None, b"{"),
        ("x.json", [], None, b"{"),
        ("x.xlsx", ["--format", "json"], "is written as a workbook; --format is not used", b"PK"),
        ("x.XLSX", [], None, b"PK"),  # a workbook in any case, as the docs say of suffixes
    ],
    ids=["format-over-suffix", "both-agree", "suffix-alone", "workbook-over-format", "upper"],
)
def test_a_suffix_the_format_overrides_is_told(
    run_cli: RunCli, tmp_path: Path, name: str, given: list[str], said: str | None, starts: bytes
) -> None:
    target = tmp_path / name
    result = run_cli(
        "simulate", "graphs/gothenburg", "-w", "component:intune", "-o", target, *given
    )
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes().startswith(starts)
    assert ("notice" in result.stderr) is (said is not None)
    if said is not None:
        assert said in result.stderr


def test_the_licence_sentences_give_the_day_a_component_breaks_through_its_needs(
    run_cli: RunCli, write_files: WriteFiles
) -> None:
    """m365-apps' subscription runs to day 241 but its licensing goes on day 30;
    windows-client's perpetual licence keeps it running to its end of support, yet it
    breaks on day 345 through Intune: the headline says so, as the tables do, and does not
    count it among those that run on."""
    result = run_cli("what-breaks-if", "graphs/gothenburg", "microsoft")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert (
        "m365-apps at its contract end 2027-06-30, day 241 (it breaks earlier, from day 30," in text
    )
    assert (
        "keeps running, degraded: windows-client without updates from its end of support "
        "2027-10-12, day 345 (and breaks from day 345, through what it needs)." in text
    )
    running = text.split("keep running")[1].split(".")[0]
    assert "windows-client" not in running
    assert "ad-ds" in running
    # wsus runs on under its licence but is degraded through windows-update: said beside
    # the list that says its licence degrades none, which had read "none is counted as
    # degraded" above a table showing it degraded (helper-94).
    assert running.endswith(
        "the licence degrades none: ad-cs, ad-ds, file-servers, group-policy, ndes, "
        "sql-server, windows-server, wsus; wsus is degraded from day 0 all the same, "
        "through what it needs"
    )
    assert "wsus degraded 2026-11-01" in text
    # With no end of support recorded, a perpetual licence that breaks through what it
    # needs is told apart from those that run on.
    folder = write_files(
        {
            "e.yaml": """
            vendors: [{id: v, name: V}]
            components:
              - {id: cloud, name: Cloud, vendor: v, delivery: saas}
              - id: app
                name: App
                vendors: [{vendor: v, roles: [licensor]}]
                delivery: self_hosted
                licence: perpetual
                depends_on: [{ref: cloud, onset: {grace_days: 10}}]
              - {id: box, name: Box, vendors: [{vendor: v, roles: [licensor]}],
                 delivery: self_hosted, licence: perpetual}
            services: [{id: s, name: S, criticality: low, depends_on: [app, box]}]
            """
        }
    )
    small = run_cli("simulate", folder, "-w", "vendor:v")
    assert small.exit_code == 0, small.stderr
    told = " ".join(small.stdout.split())
    assert "Under a perpetual licence from V, app breaks from day 10 all the same" in told
    assert "1 component run here under a perpetual licence from V keeps running" in told
    assert "the licence degrades none: box." in told


@pytest.mark.parametrize(
    ("command", "told"),
    [
        (
            ("simulate", "graphs/gothenburg", "-w", "jurisdiction:se"),
            "exitplan: notice: jurisdiction:se withdraws nothing in use today\n",
        ),
        (
            ("what-breaks-if", "graphs/gothenburg", "baramundi"),
            "exitplan: notice: component:baramundi withdraws nothing in use today (baramundi is "
            "a candidate, not in use)\n",
        ),
        (
            ("simulate", "graphs/gothenburg", "-w", "jurisdiction:se", "-w", "component:baramundi"),
            "exitplan: notice: component:baramundi, jurisdiction:se withdraw nothing in use today "
            "(baramundi is a candidate, not in use)\n",
        ),
        (("simulate", "graphs/gothenburg", "-w", "vendor:microsoft"), ""),
    ],
    ids=["jurisdiction-of-only-the-own-provider", "candidate", "two", "something-withdrawn"],
)
def test_a_withdrawal_of_nothing_in_use_is_told(
    run_cli: RunCli, command: tuple[str, ...], told: str
) -> None:
    """An empty table or picture is not to be taken for "nothing would break"."""
    result = run_cli(*command)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == told


def test_the_components_that_need_no_replacement_are_those_in_use(run_cli: RunCli) -> None:
    """A candidate of a withdrawn vendor was never in use: it is not among the withdrawn
    components that need no replacement, so the headline counts as the report does
    ("0 withdrawn" then "1 withdrawn component needs no replacement: freja-eid")."""
    nothing = run_cli("simulate", "graphs/gothenburg", "-w", "jurisdiction:SE")
    assert nothing.exit_code == 0, nothing.stderr
    assert "need no replacement" not in nothing.stdout
    assert "needs no replacement" not in nothing.stdout
    result = run_cli("run", "scenarios/us-law.yaml")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "12 withdrawn components need no replacement" in text
    assert "sql-server and windows-server, withdrawn with no viable alternative, keep out" in text


def test_a_retired_component_is_told_retired(run_cli: RunCli, tmp_path: Path) -> None:
    """'old is retired', not 'a retired' (helper-54)."""
    estate = {
        "estate": {"name": "small", "as_of": "2026-01-01"},
        "vendors": [{"id": "v", "name": "V", "hq_country": "SE"}],
        "components": [
            {"id": "a", "name": "A", "vendor": "v", "delivery": "saas"},
            {"id": "old", "name": "Old", "vendor": "v", "delivery": "saas",
             "lifecycle": "retired"},
        ],
    }  # fmt: skip
    (tmp_path / "estate.json").write_text(json.dumps(estate), encoding="utf-8")
    result = run_cli("simulate", str(tmp_path / "estate.json"), "-w", "component:old")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "exitplan: notice: component:old withdraws nothing in use today (old is retired, "
        "not in use)\n"
    )


def test_a_diagram_of_a_withdrawal_of_nothing_in_use_is_told(
    run_cli: RunCli, tmp_path: Path
) -> None:
    result = run_cli(
        "diagram", "graphs/gothenburg", "-w", "jurisdiction:se", "-o", tmp_path / "se.svg"
    )
    assert result.exit_code == 0, result.stderr
    assert "jurisdiction:se withdraws nothing in use today" in result.stderr


def test_why_of_a_withdrawn_node_that_stops_later_gives_both_days(run_cli: RunCli) -> None:
    """m365-apps' subscription ends on day 241; it is degraded at once and breaks on day 30
    through its licensing."""
    result = run_cli("why", "graphs/gothenburg", "m365-apps", "-w", "vendor:microsoft")
    assert result.exit_code == 0, result.stderr
    assert " ".join(result.stdout.split("\n\n")[0].split()) == (
        "m365-apps is withdrawn by vendor:microsoft when its subscription ends, 2027-06-30 "
        "(day 241); it is degraded from 2026-11-01; it breaks earlier, from 2026-12-01 (day 30), "
        "through what it needs."
    )


def _unsupported_estate(folder: Path, *, lattice: bool) -> Path:
    """``p`` runs here under Acme's perpetual licence, unsupported from day 59, and needs
    Acme's SaaS ``x`` with 100 days' grace; with ``lattice``, ``top`` also needs a lattice
    of 5 layers of 4 that reaches ``x`` by over a thousand chains."""
    components = [
        "  - {id: x, name: X, vendor: acme, delivery: saas}",
        "  - id: p\n    name: P\n    vendors: [{vendor: own, roles: [operator]},"
        " {vendor: acme, roles: [licensor]}]\n    delivery: self_hosted\n    licence: perpetual\n"
        "    support_end: 2026-03-01\n    depends_on: [{ref: x, onset: {grace_days: 100}}]",
    ]
    if lattice:
        for layer in range(5):
            below = [f"l{layer - 1}n{n}" for n in range(4)] if layer else []
            for n in range(4):
                needs = ", ".join(below) if below else "{ref: x, onset: {grace_days: 200}}"
                components.append(
                    f"  - {{id: l{layer}n{n}, name: L{layer}N{n}, vendor: own,"
                    f" delivery: self_hosted, depends_on: [{needs}]}}"
                )
        top = ", ".join([*(f"l4n{n}" for n in range(4)), "p"])
        components.append(
            f"  - {{id: top, name: Top, vendor: own, delivery: self_hosted, depends_on: [{top}]}}"
        )
    estate = folder / "estate.yaml"
    estate.write_text(
        "estate: {name: t, as_of: 2026-01-01}\n"
        "vendors:\n  - {id: acme, name: Acme}\n  - {id: own, name: Own IT}\n"
        "components:\n" + "\n".join(components) + "\n",
        encoding="utf-8",
    )
    return estate


def test_why_of_what_runs_on_unsupported(run_cli: RunCli, tmp_path: Path) -> None:
    """A chain of one that runs on unsupported degrades; it is not 'withdrawn'."""
    estate = _unsupported_estate(tmp_path, lattice=False)
    shown = json.loads(run_cli("why", estate, "p", "-w", "vendor:acme", "--format", "json").stdout)
    assert [(c["effect"], c["day"], c["nodes"]) for c in shown["chains"]] == [
        ("degrades", 59, ["p"]),
        ("breaks", 100, ["p", "x"]),
    ]
    told = run_cli("simulate", estate, "-w", "vendor:acme")
    text = " ".join(told.stdout.split())
    assert "(and breaks from day 100, through what it needs)" in text
    assert "breaks earlier" not in text


def test_why_in_json_gives_dates_beside_days(run_cli: RunCli) -> None:
    """The JSON of why gave days alone, where docs/outputs.md promises both (helper-86)."""
    shown = json.loads(
        run_cli(
            "why", "graphs/gothenburg", "endpoint-security", "-w", "component:intune",
            "--format", "json",
        ).stdout
    )  # fmt: skip
    assert shown["start"] == "2026-11-01"
    assert (shown["fails_at_days"], shown["fails_on"]) == (345, "2027-10-12")
    assert (shown["degrades_at_days"], shown["degrades_on"]) == (0, "2026-11-01")
    first, *_ = shown["chains"]
    assert (first["day"], first["date"]) == (0, "2026-11-01")


def test_why_cut_short_still_lists_the_degradation_first(run_cli: RunCli, tmp_path: Path) -> None:
    estate = _unsupported_estate(tmp_path, lattice=True)
    shown = json.loads(
        run_cli("why", estate, "top", "-w", "vendor:acme", "--format", "json").stdout
    )
    assert shown["truncated"]
    first = shown["chains"][0]
    assert (first["effect"], first["day"], first["nodes"]) == ("degrades", 59, ["top", "p"])
    assert (shown["degrades_at_days"], shown["fails_at_days"]) == (59, 100)
    table = run_cli("why", estate, "top", "-w", "vendor:acme", "--format", "csv")
    rows = table.stdout.splitlines()
    assert len(rows) == 1 + 200  # the header and the chains: a CSV has no room for a note
    assert table.stderr == (  # so it is told beside it (helper-86: the CSV said nothing)
        "exitplan: notice: the list was cut at 200 chains: more may exist (the earliest are "
        "listed)\n"
    )


def test_a_break_at_an_unknown_renewal_does_not_hide_a_dated_degradation(
    run_cli: RunCli, tmp_path: Path
) -> None:
    estate = tmp_path / "estate.yaml"
    estate.write_text(
        "estate: {name: t, as_of: 2026-01-01}\n"
        "vendors: [{id: acme, name: Acme}, {id: own, name: Own IT}]\n"
        "components:\n"
        "  - {id: x, name: X, vendor: acme, delivery: saas}\n"
        "  - {id: y, name: Y, vendor: acme, delivery: saas}\n"
        "  - {id: d, name: D, vendor: own, delivery: self_hosted, depends_on:"
        " [{ref: x, strength: soft}, {ref: y, onset: at_renewal}]}\n"
        "services: [{id: s, name: S, depends_on: [d]}]\n",
        encoding="utf-8",
    )
    result = run_cli("why", estate, "s", "-w", "vendor:acme")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "s is degraded from 2026-01-01 and breaks at renewal (date unknown)."
    )
    drawn = run_cli("diagram", estate, "-w", "vendor:acme", "-o", tmp_path / "s.dot")
    assert drawn.exit_code == 0, drawn.stderr
    assert "degraded 2026-01-01\\nbreaks at renewal" in (tmp_path / "s.dot").read_text()


def test_a_plan_without_steps_says_why(run_cli: RunCli) -> None:
    """Withdrawing Cisco gave "0 steps in 0 waves" and no reason: nothing in use needs
    Cisco ISE, so nothing has to replace it."""
    result = run_cli("simulate", "graphs/gothenburg", "-w", "vendor:cisco")
    assert result.exit_code == 0, result.stderr
    assert (
        "1 withdrawn component needs no replacement, as nothing that stays in use needs it: "
        "cisco-ise." in result.stdout
    )


@pytest.mark.parametrize(
    ("cost", "contract", "one_off", "unknown"),
    [
        ("", "", None, (1, 0)),
        ("migration_cost: 5000, parallel_months: 0", "", 5000.0, (0, 0)),
        # the move costs nothing, but the fee to leave a contract is not recorded
        ("migration_cost: 0, parallel_months: 0", ", contract: {end: 2027-01-01}", None, (0, 1)),
    ],
)  # fmt: skip
def test_a_one_off_cost_nothing_records_is_null_in_json_never_0(
    run_cli: RunCli,
    write_files: WriteFiles,
    cost: str,
    contract: str,
    one_off: float | None,
    unknown: tuple[int, int],
) -> None:
    """The text says "unknown" where no one-off cost is recorded; the JSON summary said
    0.0 beside 23 steps with none recorded (helper-56), and a termination fee not recorded
    was counted nowhere (helper-58)."""
    folder = write_files(
        {
            "e.yaml": f"""
            estate: {{name: e, as_of: 2026-01-01}}
            vendors: [{{id: v, name: V}}, {{id: w, name: W}}]
            components:
              - {{id: a, name: A, vendor: v, delivery: saas{contract}}}
              - {{id: k, name: K, vendor: w, delivery: saas, lifecycle: candidate}}
            services: [{{id: s, name: S, depends_on: [a]}}]
            alternatives: [{{for: a, candidate: k, readiness: R3, {cost}}}]
            """
        }
    )
    result = run_cli("simulate", folder, "-w", "vendor:v", "--mode", "exit", "--format", "json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)["summary"]
    assert summary["one_off_cost"] == one_off
    assert (summary["one_off_cost_unknown"], summary["termination_fee_unknown"]) == unknown


@pytest.mark.parametrize(("mode", "told"), [("cut-off", True), ("exit", False)])
def test_a_cut_off_says_the_vendor_only_export_cannot_be_made(
    run_cli: RunCli, tmp_path: Path, mode: str, told: bool
) -> None:
    """The plan put 'export data from purview' on day 0, on time, in a cut-off: the day
    the vendor that alone can export the data is gone (helper-56)."""
    result = run_cli("simulate", "graphs/gothenburg", "-w", "vendor:microsoft", "--mode", mode)
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    said = (
        "Only the vendor can export the data of purview, and in a cut-off it is gone before "
        "the export step can be made: keep a copy of the data outside it"
    )
    assert (said in text) is told
    assert "export data from purview" in text
    row = next(line for line in result.stdout.splitlines() if "export data from purview" in line)
    assert ("cannot be made:" in row) is told  # "the vendor is gone by then" wraps below
    shown = run_cli(
        "simulate", "graphs/gothenburg", "-w", "vendor:microsoft", "--mode", mode,
        "--format", "json",
    )  # fmt: skip
    steps = json.loads(shown.stdout)["plan"]["steps"]
    export = next(step for step in steps if step["id"] == "export-purview")
    assert export["cannot_be_made"] is told
    if told:  # the report's plan table and chart label it
        document = tmp_path / "cut-off.md"
        report = run_cli("report", "scenarios/microsoft-cut-off.yaml", "-o", document)
        assert report.exit_code == 0, report.stderr
        text = document.read_text(encoding="utf-8")
        assert "| Cannot export data from Microsoft Purview Information Protection (" in text
        assert "1. Cannot export data from Microsoft Purview" in text  # the chart's label


def test_the_headline_names_the_replacements_that_cover_only_part(run_cli: RunCli) -> None:
    """Losing Intune said no alternative is missing and a one-step plan, while baramundi
    does not cover device compliance, so compliance management stays short after it; the
    gap was in the alternatives table alone (helper-94)."""
    intune = run_cli("simulate", "graphs/gothenburg", "-w", "component:intune")
    assert intune.exit_code == 0, intune.stderr
    text = " ".join(intune.stdout.split())
    assert (
        "1 replacement covers only part of what is used (see the alternatives' gaps): "
        "intune → baramundi." in text
    )
    exit_text = " ".join(run_cli("run", "scenarios/leave-microsoft.yaml").stdout.split())
    assert (
        "14 replacements cover only part of what is used (see the alternatives' gaps): "
        "ad-cs → ejbca, ad-ds → samba-ad, configmgr → opsi and 11 more." in exit_text
    )


@pytest.mark.parametrize(
    ("spec", "told"),
    [
        ("alt k for a R3", None),  # covers all: nothing to say
        ("realises a mail\nalt k for a R3 gaps=no-calendar", "a → k."),
        ("realises a mail\nrealises k mail\nalt k for a R3", None),
    ],
    ids=["covers-all", "a-gap", "covers-what-is-used"],
)
def test_only_a_replacement_with_gaps_is_named_as_covering_part(
    spec: str, told: str | None
) -> None:
    backend = build(f"s:svc -> a\ncandidate k\nvendor k other\n{spec}")
    said = [line for line in headline(simulate(backend, ["vendor:v"])) if "only part" in line]
    assert said == ([] if told is None else [f"1 replacement covers only part of what is used "
                                             f"(see the alternatives' gaps): {told}"])  # fmt: skip


ORDERED = """
estate: {name: ordered, as_of: 2026-01-01}
vendors: [{id: v, name: V, hq_country: SE}]
components:
  - {id: b, name: B, vendor: v, delivery: saas}
  - {id: a, name: A, vendor: v, delivery: saas, depends_on: [{ref: b, strength: soft}]}
services:
  - {id: early, name: Early, depends_on: [{ref: b, strength: soft}]}
  - {id: late, name: Late, depends_on: [{ref: b, onset: {grace_days: 5}}]}
"""


def test_the_tables_list_the_broken_before_the_degraded(
    run_cli: RunCli, write_files: WriteFiles
) -> None:
    """Broken before degraded, whatever the days or ids say: a service that breaks on day 5
    comes before one degraded from day 0, and the withdrawn component before the one it
    degrades (helper-97's R76 and R93 changed both orders unseen); a table with no row says
    so in its note (R95)."""
    folder = write_files({"ordered.yaml": ORDERED})
    result = run_cli("simulate", folder, "-w", "component:b", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    rows = [line.split("|")[1].strip() for line in result.stdout.splitlines() if line[:2] == "| "]
    assert rows.index("late") < rows.index("early")
    assert rows.index("b") < rows.index("a")  # the components table comes first
    table = run_cli("simulate", folder, "-w", "component:a")
    assert table.exit_code == 0, table.stderr
    assert "Services affected\n\nNo service is affected." in table.stdout


ON_THE_DAY = """
estate: {name: on-the-day, as_of: 2026-01-01}
vendors: [{id: v, name: V, hq_country: SE}, {id: w, name: W, hq_country: SE}]
components:
  - {id: a, name: A, vendor: v, delivery: saas, contract: {end: END}}
  - {id: k, name: K, vendor: w, delivery: saas, lifecycle: candidate}
services:
  - {id: s, name: S, depends_on: [a]}
alternatives: [{for: a, candidate: k, readiness: R3, duration_weeks: 4}]
"""


@pytest.mark.parametrize(
    ("end", "said"),
    [  # a step of four weeks from day 0 finishes 2026-01-29
        ("2026-01-29", ["0 days to spare", "ends 2026-01-29: 1 step due by it, none late."]),
        (
            "2026-01-01",
            [
                "28 days late",
                "ends 2026-01-01: 1 step due by it, 1 late.",
                "Extend the contract of A (2026-01-01), or accept 1 step running past its end.",
            ],
        ),
    ],
    ids=["finishes-on-the-day", "contract-ends-on-day-0"],
)
def test_the_day_itself_is_neither_late_nor_past(
    run_cli: RunCli, write_files: WriteFiles, end: str, said: list[str]
) -> None:
    """A step finishing on its contract's last day has 0 days to spare, not 0 late; a
    contract ending on day 0 ends then, not "ended … before day 0" (helper-97's R74, R19
    and R81 changed these unseen)."""
    folder = write_files({"on-the-day.yaml": ON_THE_DAY.replace("END", end)})
    result = run_cli("simulate", folder, "-w", "vendor:v", "--mode", "exit", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    scenario = write_scenario(folder, "vendor:v", mode="exit")
    report = run_cli("report", scenario, "-o", folder.parent / "r.md")
    assert report.exit_code == 0, report.stderr
    text = " ".join([*result.stdout.split(), *(folder.parent / "r.md").read_text("utf-8").split()])
    for words in said:
        assert words in text, words
    assert "ended" not in text  # "ended 2026-01-01", "(its contract ended 2026-01-01)"
    assert "0 days late" not in text
