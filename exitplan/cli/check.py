"""exitplan check: the policy rules over an estate."""

from __future__ import annotations

from datetime import date

import click

from exitplan.cli.common import (
    FORMATS,
    PROFILE,
    Day,
    Source,
    emit,
    estate_source,
    terminal_width,
)
from exitplan.model import LegalProfile
from exitplan.render import rows
from exitplan.render.csv import dump_section_csv
from exitplan.render.json import (
    dump_check_json,
)
from exitplan.render.markdown import dump_sections_markdown
from exitplan.render.table import (
    dump_sections_table,
)
from exitplan.simulate.policy import RULES, Severity
from exitplan.simulate.policy import check as run_checks


@click.command(name="check")
@estate_source()
@click.option(
    "--rule",
    "rules",
    multiple=True,
    type=click.Choice(list(RULES)),
    help="Run only this rule (repeat for several; default: all).",
)
@FORMATS
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    help="Exit 1 when a finding of this severity (or worse) exists; for CI.",
)
@click.option(
    "--as-of",
    type=Day(),
    metavar="YYYY-MM-DD",
    help="The day the check is made, for ages and dates (default: the estate's as_of).",
)
@PROFILE
def check_command(
    source: Source,
    rules: tuple[str, ...],
    output_format: str,
    fail_on: str | None,
    as_of: date | None,
    profile: str | None,
) -> None:
    """Check the estate against the policies: personal data leaving the EU/EEA and its
    transfer basis, secret data within reach of foreign disclosure laws, exit readiness,
    concentration on one vendor, and components being phased out. Each finding names
    the provisions it rests on (GDPR, DORA, and under the se profile the Swedish OSL);
    docs/checks.md in the repository describes each rule.

    \b
    Examples:
      exitplan check graphs/gothenburg
      exitplan check graphs/gothenburg --rule third-country-transfer --format markdown
      exitplan check graphs/gothenburg --fail-on error   # exit 1 if an error is found
    """
    result = run_checks(
        source.open(),
        rules,
        as_of=as_of,
        profile=LegalProfile(profile) if profile else None,
    )
    if output_format == "json":
        text = dump_check_json(result)
    elif output_format == "csv":
        text = dump_section_csv(rows.findings(result.findings))
    elif output_format == "markdown":
        text = dump_sections_markdown(
            f"Policy check of {result.estate}",
            rows.check_headline(result),
            [rows.findings(result.findings)],
        )
    else:
        text = dump_sections_table(
            rows.check_headline(result),
            [rows.findings_for_terminal(result)],
            width=terminal_width(),
        )
    emit(text)
    if fail_on is not None and result.fails(Severity(fail_on)):
        raise SystemExit(1)
