"""The legal lens through the real console script: check, register, report, and the
scenarios whose legal assumptions withdraw components."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from exitplan.loading import load_estate
from exitplan.render import rows
from exitplan.render.markdown import dump_sections_markdown
from exitplan.render.report import sections_of
from exitplan.simulate.register import SUBSTITUTABILITY
from tests.conftest import EXAMPLE, REPO, CheckGolden, RunCli, WriteFiles


def test_check_finds_the_flow_to_intune_with_its_basis(run_cli: RunCli) -> None:
    result = run_cli("check", "graphs/gothenburg", "--rule", "third-country-transfer")
    assert result.exit_code == 0, result.stderr
    assert "device-data-to-intune" in result.stdout
    shown = json.loads(run_cli("check", "graphs/gothenburg", "--format", "json").stdout)
    assert shown["schema"] == "exitplan/check/v1"
    intune = next(f for f in shown["findings"] if f["subject"] == "device-data-to-intune")
    assert intune["facts"]["transfer"] == "adequacy_dpf"
    assert "user_name, ip_address, device_name" in intune["explanation"]
    assert "Transfer basis: the EU-US Data Privacy Framework" in intune["explanation"]
    assert sum(shown["counts"].values()) == len(shown["findings"])
    assert {f["rule"] for f in shown["findings"]} <= set(shown["rules"])


def test_a_finding_says_when_it_rests_on_an_assumed_flow_or_on_dora_as_a_yardstick(
    run_cli: RunCli,
) -> None:
    """The example's errors on OneDrive and mail rest on flows the estate marks assumed,
    and read as facts about the city; DORA binds financial entities, which the findings
    did not say though docs/checks.md promises it (helper-94)."""
    shown = json.loads(run_cli("check", "graphs/gothenburg", "--format", "json").stdout)
    by_flow = {
        (f["rule"], f["subject"]): f["explanation"]
        for f in shown["findings"]
        if f["rule"] in ("foreign-disclosure", "third-country-transfer")
    }
    assert by_flow[("foreign-disclosure", "mail")].startswith(
        "Mail and calendars, an assumed flow: mail_content,"
    )
    assert by_flow[("third-country-transfer", "device-data-to-intune")].startswith(
        "Managed PCs report to Intune: user_name,"  # recorded, not assumed
    )
    table = " ".join(run_cli("check", "graphs/gothenburg").stdout.split())
    assert "Rests on DORA Art. 29 (as a yardstick; DORA binds financial entities)." in table
    assert "Rests on GDPR Art. 48, GDPR Art. 9, OSL" in table  # no DORA, no yardstick


def test_check_guards_a_repository_with_fail_on(run_cli: RunCli, write_files: WriteFiles) -> None:
    failing = run_cli("check", "graphs/gothenburg", "--fail-on", "error")
    assert failing.exit_code == 1
    assert "ERROR" in failing.stdout
    quiet = write_files(
        {
            "e.yaml": """
            vendors: [{id: v, name: V, hq_country: SE}]
            components: [{id: a, name: A, vendor: v, delivery: saas}]
            services: [{id: s, name: S, criticality: low, depends_on: [a]}]
            """
        }
    )
    assert run_cli("check", quiet, "--fail-on", "warning").exit_code == 0
    unknown = run_cli("check", "graphs/gothenburg", "--rule", "no-such-rule")
    assert unknown.exit_code == 2
    assert "no-such-rule" in unknown.stderr


@pytest.mark.parametrize("output_format", ["table", "markdown", "csv"])
def test_check_formats(output_format: str, run_cli: RunCli) -> None:
    result = run_cli("check", "graphs/gothenburg", "--format", output_format)
    assert result.exit_code == 0, result.stderr
    assert "foreign-disclosure" in result.stdout
    if output_format == "table":
        assert max(len(line) for line in result.stdout.splitlines()) <= 100
    if output_format == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert {r["severity"] for r in rows} <= {"error", "warning", "info"}


@pytest.mark.parametrize(
    ("as_of", "said"),
    [
        ("0001-01-01", "0001-01-01 is out of range: dates run from 1900 to 2999"),
        ("9999-12-31", "9999-12-31 is out of range: dates run from 1900 to 2999"),
        ("2026-13-01", "'2026-13-01' is not a valid date"),
        ("2027-01-01", None),
    ],
)
def test_check_takes_the_dates_every_other_option_takes(
    run_cli: RunCli, as_of: str, said: str | None
) -> None:
    result = run_cli("check", "graphs/gothenburg", "--as-of", as_of, "--format", "json")
    if said is None:
        assert result.exit_code == 0, result.stderr
    else:
        assert result.exit_code == 2
        assert said in result.stderr


def test_register_csv_reads_back_one_row_per_component_in_use(run_cli: RunCli) -> None:
    result = run_cli("register", "graphs/gothenburg", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    estate = load_estate(EXAMPLE)
    in_use = {c.id for c in estate.components if c.lifecycle not in ("candidate", "retired")}
    assert [r["Component id"] for r in rows] == sorted(in_use)
    assert {r["Substitutability (computed)"] for r in rows} <= set(SUBSTITUTABILITY.values())
    by_id = {r["Component id"]: r for r in rows}
    intune = by_id["intune"]
    assert intune["Ultimate parent"] == "Microsoft Corporation"
    assert intune["Country of the ultimate parent"] == "US"
    assert intune["Data storage countries"] == "IE; NL"
    assert "it-arbetsplats" in intune["Services depending on it"].split("; ")
    assert intune["Alternative providers identified"] == "yes"
    assert by_id["purview"]["Substitutability (computed)"] == "Not substitutable"
    assert by_id["purview"]["Alternative providers identified"] == "no"
    shown = json.loads(run_cli("register", "graphs/gothenburg", "--format", "json").stdout)
    assert shown["schema"] == "exitplan/register/v1"
    assert len(shown["components"]) == len(rows)


def test_report_markdown_is_golden(run_cli: RunCli, golden: CheckGolden, tmp_path: Path) -> None:
    target = tmp_path / "r.md"
    result = run_cli("report", "scenarios/leave-microsoft.yaml", "-o", target)
    assert result.exit_code == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    for section in ("Affected services", "Data flows affected", "Missing alternatives",
                    "Migration plan"):  # fmt: skip
        assert section in sections_of(text)
    golden("report-leave-microsoft.md", text)
    again = tmp_path / "again.md"
    run_cli("report", "scenarios/leave-microsoft.yaml", "-o", again)
    assert again.read_bytes() == target.read_bytes()


def _without_dot(tmp_path: Path) -> dict[str, str]:
    empty = tmp_path / "bin"
    empty.mkdir()
    return {"PATH": str(empty)}


@pytest.mark.parametrize("system_dot", [True, False], ids=["system-dot", "pip-only"])
def test_report_html_is_one_file_with_its_diagrams(
    system_dot: bool, run_cli: RunCli, tmp_path: Path
) -> None:
    target = tmp_path / "r.html"
    env = None if system_dot else _without_dot(tmp_path)
    result = run_cli("report", "scenarios/leave-microsoft.yaml", "-o", target, env=env)
    assert result.exit_code == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    assert text.count("<svg") == 3  # the Gantt chart, the impact and the plan
    figures = re.findall(r'<figure class="([a-z]+)">', text)
    assert figures == ["gantt", "impact", "plan"]
    assert "@page { size: A4" in text
    assert not re.search(r"<(script|link|img|iframe)\b|\bsrc=", text)  # nothing fetched
    assert "<h2>Missing alternatives</h2>" in text
    assert "Microsoft Entra ID" in text


def test_report_refuses_an_unknown_suffix(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("report", "scenarios/leave-microsoft.yaml", "-o", tmp_path / "r.docx")
    assert result.exit_code == 2
    assert ".md, .html or .pptx" in result.stderr
    assert not (tmp_path / "r.docx").exists()


def test_dpf_struck_down_withdraws_what_the_flows_reach(run_cli: RunCli) -> None:
    shown = json.loads(run_cli("run", "scenarios/dpf-struck-down.yaml", "--format", "json").stdout)
    legal = shown["legal"]
    assert legal["invalidated"] == ["adequacy_dpf"]
    flows = {f["flow"]: f for f in legal["flows"]}
    assert flows["device-data-to-intune"]["target"] == "intune"
    assert "intune" in legal["withdrawn"]
    assert "m365-backup" not in flows  # intra-EEA, untouched by the framework's fall
    assert set(legal["withdrawn"]) <= set(shown["withdrawn"])


def test_a_basis_given_twice_is_struck_down_once(run_cli: RunCli, tmp_path: Path) -> None:
    """The sentence named the Data Privacy Framework twice (helper-60)."""
    text = (REPO / "scenarios" / "dpf-struck-down.yaml").read_text(encoding="utf-8")
    twice = tmp_path / "twice.yaml"
    twice.write_text(
        text.replace("[adequacy_dpf]", "[adequacy_dpf, adequacy_dpf, scc]").replace(
            "../graphs/gothenburg", str(REPO / "graphs" / "gothenburg")
        ),
        encoding="utf-8",
    )
    result = run_cli("run", twice)
    assert result.exit_code == 0, result.stderr
    told = " ".join(result.stdout.split())
    assert told.count("the EU-US Data Privacy Framework (adequacy_dpf)") == 1, told
    shown = json.loads(run_cli("run", twice, "--format", "json").stdout)
    assert shown["legal"]["invalidated"] == ["adequacy_dpf", "scc"]


def test_no_secret_outside_eu_withdraws_the_exposed_receivers(run_cli: RunCli) -> None:
    shown = json.loads(
        run_cli("run", "scenarios/no-secret-outside-eu.yaml", "--format", "json").stdout
    )
    assert shown["legal"]["withdrawn"] == ["exchange-online", "onedrive"]
    assert "files-to-sharepoint" not in {f["flow"] for f in shown["legal"]["flows"]}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("mode: exit", "s.yaml:1: withdraw: a scenario withdraws something"),
        ("mode: exit\nwithdraw: []", "s.yaml:5: withdraw: a scenario withdraws something"),
        # told at line 1, of no field, as checks of the whole file (helper-115)
        ("withdraw_unlawful: true", "s.yaml:4: withdraw_unlawful: needs the bases struck down"),
        ("invalidate_transfer: [adequacy_dpf]\nwithdraw_unlawful: true\n"
         "withdraw: [vendor:nobody]", "no vendor 'nobody'"),
        ("invalidate_transfer: [dpf]\nwithdraw_unlawful: true", "invalidate_transfer[0]"),
        ("invalidate_transfer: [intra_eea]\nwithdraw_unlawful: true",
         "intra_eea is not a transfer basis"),
        ("invalidate_transfer: [bcr]\nwithdraw_unlawful: true",  # no flow rests on BCRs
         "s.yaml:5: withdraw_unlawful: its legal assumptions make no flow unlawful"),
    ],
)  # fmt: skip
def test_bad_legal_scenarios_are_refused(
    body: str, message: str, write_files: WriteFiles, run_cli: RunCli
) -> None:
    folder = write_files({"s.yaml": f"id: s\ntitle: S\nestate: {EXAMPLE}\n{body}\n"})
    result = run_cli("run", folder / "s.yaml")
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_report_keeps_markdown_in_names_as_text(
    write_files: WriteFiles, run_cli: RunCli, tmp_path: Path
) -> None:
    folder = write_files(
        {
            "estate/e.yaml": """
            estate: {name: hostile, as_of: 2026-11-01}
            vendors: [{id: v, name: "*Vendor* [x](http://evil.example)", hq_country: US}]
            components:
              - {id: a, name: "![img](http://evil.example/i.png) `code` _a_", vendor: v,
                 delivery: saas}
            services: [{id: s, name: "<script>alert(1)</script>", depends_on: [a]}]
            data_flows:
              - {id: f, from: s, to: a, assets: ["[n](javascript:x)"], personal_data: ordinary}
            """,
            "s.yaml": "id: s\ntitle: '[T](http://evil.example)'\nestate: estate\n"
            "withdraw: [vendor:v]\n",
        }
    )
    target = tmp_path / "r.html"
    result = run_cli("report", folder / "s.yaml", "-o", target)
    assert result.exit_code == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    body = text.split("<body>", 1)[1].split("<figure")[0]
    assert not re.search(r"<(a|img|script|em)\b", body)  # <code> is ours, for ids
    assert "[x](http://evil.example)" in text


def test_the_profile_comes_from_the_estate_or_the_command_line(run_cli: RunCli) -> None:
    """The example names the Swedish profile in its header: a passed suitability
    assessment counts there; under the generic EU profile it does not."""

    def disclosure(*extra: str) -> dict[str, Any]:
        result = run_cli("check", "graphs/gothenburg", "--format", "json", *extra)
        assert result.exit_code == 0, result.stderr
        shown: dict[str, Any] = json.loads(result.stdout)
        return shown

    swedish, generic = disclosure(), disclosure("--profile", "eu")
    assert (swedish["legal_profile"], generic["legal_profile"]) == ("se", "eu")
    for shown in (swedish, generic):
        assert all(f["provisions"] for f in shown["findings"]), "each finding names its law"

    def severity(shown: dict[str, Any], subject: str) -> str:
        return next(
            str(f["severity"])
            for f in shown["findings"]
            if f["rule"] == "foreign-disclosure" and f["subject"] == subject
        )

    assert severity(swedish, "files-to-sharepoint") == "info"  # assessment passed
    assert severity(generic, "files-to-sharepoint") == "warning"
    words = run_cli("check", "graphs/gothenburg", "--rule", "foreign-disclosure").stdout
    assert "OSL (2009:400) 10 kap. 2 a §" in words
    assert "Rests on" in words


def test_an_empty_register_and_an_empty_section_say_so(
    run_cli: RunCli, write_files: WriteFiles
) -> None:
    folder = write_files(
        {"e.yaml": "estate: {name: e, as_of: 2026-01-01}\nvendors:\n  - {id: v, name: V}\n"}
    )
    result = run_cli("register", folder, "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert "No component in use: the register has no row." in result.stdout
    bare = rows.Section("Verify these first", ("assumption",), ())
    assert dump_sections_markdown("T", [], [bare]).endswith("## Verify these first\n\nNone.\n")


def test_an_imported_flow_whose_data_the_source_does_not_say_is_not_cleared(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """A real SaaSBOM: two flows name no data classification, so the import took "no
    personal data"; that default does not clear them of a transfer the check cannot rule
    out, until the architect records their data in an override beside imported/."""
    estate = tmp_path / "saas"
    source = REPO / "tests" / "fixtures" / "cyclonedx" / "valid-saasbom-1.6.json"
    assert run_cli("import", source, "-o", estate).exit_code == 0

    def unrecorded() -> set[str]:
        shown = json.loads(run_cli("check", estate, "--format", "json").stdout)
        return {
            f["subject"]
            for f in shown["findings"]
            if f["rule"] == "third-country-transfer"
            and f["facts"]["personal_data"] == "not recorded"
        }

    assert unrecorded() == {"consumer-to-stock-service", "consumer-to-stock-service-2"}
    (estate / "mine.yaml").write_text(
        "overrides:\n  consumer-to-stock-service: {personal_data: none}\n", encoding="utf-8"
    )
    assert unrecorded() == {"consumer-to-stock-service-2"}


def test_a_struck_down_basis_counts_only_flows_known_to_carry_personal_data(
    write_files: WriteFiles, run_cli: RunCli
) -> None:
    flow = (
        "{{id: {id}, from: client, to: app, assets: [x], transfer: adequacy_dpf, "
        "personal_data: {personal}, origin: {{file: m.xml, id: {id}, inferred: [{unread}]}}}}"
    )
    folder = write_files(
        {
            "e.yaml": f"""
            estate: {{name: t}}
            vendors: [{{id: us, name: US Inc, hq_country: US, dpf_certified: true}},
                      {{id: own, name: Own, hq_country: SE}}]
            components: [{{id: app, name: App, vendor: us, delivery: saas}},
                         {{id: client, name: Client, vendor: own, delivery: client}}]
            services: [{{id: s, name: S, criticality: high, depends_on: [client]}}]
            data_flows:
              - {flow.format(id="read", personal="ordinary", unread="classification")}
              - {flow.format(id="unread", personal="none", unread="personal_data")}
            """,
            "s.yaml": """
            id: s
            title: S
            estate: e.yaml
            invalidate_transfer: [adequacy_dpf]
            withdraw_unlawful: true
            """,
        }
    )
    shown = json.loads(run_cli("run", folder / "s.yaml", "--format", "json").stdout)
    assert [f["flow"] for f in shown["legal"]["flows"]] == ["read"]


def test_the_report_tells_a_flow_whose_data_the_import_took_by_default(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """The data-flows table said "none | internal" beside the warnings that the data are
    not recorded, and counted the flow among those without personal data (helper-58)."""
    estate = tmp_path / "saas"
    source = REPO / "tests" / "fixtures" / "cyclonedx" / "valid-saasbom-1.6.json"
    assert run_cli("import", source, "-o", estate).exit_code == 0
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "id: s\ntitle: S\nestate: saas\nwithdraw: [component:stock-ticker-service]\n",
        encoding="utf-8",
    )
    report = tmp_path / "r.md"
    assert run_cli("report", scenario, "-o", report).exit_code == 0
    text = report.read_text(encoding="utf-8")
    assert "| Customer | not recorded | not recorded |" in text
    assert "4 of them with personal data. Whether 2 of them carry personal data is not " in text
