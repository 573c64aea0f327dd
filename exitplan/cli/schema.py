"""exitplan schema: the JSON Schema of the input files."""

from __future__ import annotations

import click

from exitplan.cli.common import emit
from exitplan.errors import UsageError
from exitplan.render.json import dump_json
from exitplan.render.schema import estate_file_schema, mapping_schema
from exitplan.scenario import scenario_schema


@click.command(name="schema")
@click.option(
    "--scenario",
    "of_scenario",
    is_flag=True,
    help="The schema of a scenario file instead of an estate file.",
)
@click.option(
    "--mapping",
    "of_mapping",
    is_flag=True,
    help="The schema of an import mapping file (exitplan import --mapping).",
)
def schema_command(of_scenario: bool, of_mapping: bool) -> None:
    """Print the JSON Schema (draft 2020-12) of an estate file, or with --scenario of a
    scenario file, or with --mapping of an import mapping file, for editors.

    \b
    Examples:
      exitplan schema > estate.schema.json
      exitplan schema --scenario > scenario.schema.json
      # then, first line of a YAML file:
      # yaml-language-server: $schema=estate.schema.json
    """
    if of_scenario and of_mapping:
        raise UsageError("give --scenario or --mapping, not both")
    if of_mapping:
        emit(dump_json(mapping_schema()))
        return
    emit(dump_json(scenario_schema() if of_scenario else estate_file_schema()))
