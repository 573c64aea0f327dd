"""exitplan register: the DORA-style register of third-party components."""

from __future__ import annotations

import click

from exitplan.cli.common import (
    Source,
    emit,
    estate_source,
)
from exitplan.render import rows
from exitplan.render.csv import dump_section_csv
from exitplan.render.json import (
    dump_register_json,
)
from exitplan.render.markdown import dump_sections_markdown
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
def register_command(source: Source, output_format: str) -> None:
    """The register of third-party components in the vocabulary of the EU DORA register
    of information: provider, ultimate parent and its country, where the data are stored
    and processed, the services and users that depend on each component, and its
    substitutability, computed by simulating the component's withdrawal.

    \b
    Examples:
      exitplan register graphs/gothenburg > register.csv
      exitplan register graphs/gothenburg --format markdown
    """
    backend = source.open()
    entries = register_rows(backend)
    if output_format == "json":
        text = dump_register_json(backend.info.name, entries)
    elif output_format == "markdown":
        section = rows.register(entries)
        text = dump_sections_markdown(f"Register of {backend.info.name}", [], [section])
    else:
        text = dump_section_csv(rows.register(entries))
    emit(text)
