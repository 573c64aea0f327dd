"""exitplan register: the DORA-style register of third-party components."""

from __future__ import annotations

from pathlib import Path

import click

from exitplan.cli.common import (
    OUTPUT,
    Source,
    counted,
    deliver,
    estate_source,
    refuse_own_inputs,
    text_format,
)
from exitplan.render import rows
from exitplan.render.csv import dump_section_csv
from exitplan.render.json import (
    dump_register_json,
)
from exitplan.render.markdown import dump_sections_markdown
from exitplan.render.xlsx import register_sheets
from exitplan.simulate.register import register_rows


@click.command(name="register")
@estate_source()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "json", "markdown"]),
    default="csv",
    show_default=True,
    help="Output format (CSV opens in a spreadsheet).",
)
@OUTPUT
def register_command(source: Source, output_format: str, output: Path | None) -> None:
    """The register of third-party components in the vocabulary of the EU DORA register
    of information: provider, ultimate parent and its country, where the data are stored
    and processed, the services and users that depend on each component, and its
    substitutability, computed by simulating the component's withdrawal.

    \b
    Examples:
      exitplan register graphs/gothenburg > register.csv
      exitplan register graphs/gothenburg --format markdown
      exitplan register graphs/gothenburg -o register.xlsx
    """
    refuse_own_inputs([output], estate=source.path)
    output_format = text_format(output_format, output)
    backend = source.open()
    with counted("withdrawing each component in turn", remaining=True) as progress:
        entries = register_rows(backend, progress=progress)

    def text() -> str:
        if output_format == "json":
            return dump_register_json(backend.info.name, entries)
        if output_format == "markdown":
            section = rows.register(entries)
            return dump_sections_markdown(f"Register of {backend.info.name}", [], [section])
        return dump_section_csv(rows.register(entries))

    deliver(text, lambda: register_sheets(entries), output, output_format)
