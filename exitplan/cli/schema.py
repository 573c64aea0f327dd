"""exitplan schema: the JSON Schema of the input files."""

from __future__ import annotations

import click

from exitplan.cli.common import emit
from exitplan.render.json import (
    dump_json,
)
from exitplan.render.schema import estate_file_schema


@click.command(name="schema")
def schema_command() -> None:
    """Print the JSON Schema (draft 2020-12) of an estate file, for editors.

    \b
    Example:
      exitplan schema > estate.schema.json
      # then, first line of a YAML file:
      # yaml-language-server: $schema=estate.schema.json
    """
    emit(dump_json(estate_file_schema()))
