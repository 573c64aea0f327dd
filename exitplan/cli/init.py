"""exitplan init: a small commented starter estate and scenario to begin from."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from exitplan.cli.common import emit
from exitplan.errors import UsageError, printable
from exitplan.render.files import write_output
from exitplan.render.json import dump_json
from exitplan.render.schema import estate_file_schema
from exitplan.scenario import scenario_schema

STARTER = resources.files("exitplan.cli") / "starter"


def _files() -> dict[str, bytes]:
    """What init writes, relative to the folder: the estate, a scenario, and the JSON
    Schemas the two files name on their first line for editors."""
    return {
        "estate/estate.yaml": (STARTER / "estate.yaml").read_bytes(),
        "scenarios/leave-cloudco.yaml": (STARTER / "scenario.yaml").read_bytes(),
        "estate.schema.json": dump_json(estate_file_schema()).encode("utf-8"),
        "scenario.schema.json": dump_json(scenario_schema()).encode("utf-8"),
    }


@click.command(name="init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init_command(folder: Path) -> None:
    """Write a small commented starter estate into FOLDER/estate and a scenario into
    FOLDER/scenarios, ready to validate, simulate and run; the folder and its parents
    are created. Nothing that exists is overwritten.

    \b
    Example:
      exitplan init my-estate
      exitplan simulate my-estate/estate -w vendor:cloudco
      exitplan run my-estate/scenarios/leave-cloudco.yaml
    """
    files = _files()
    try:
        taken = [name for name in files if (folder / name).exists() or (folder / name).is_symlink()]
    except OSError as error:  # a name too long, a loop of links
        raise UsageError(f"cannot create {printable(str(folder))}: {error.strerror}") from None
    if taken:
        raise UsageError(
            f"{printable(str(folder))} already holds {', '.join(taken)}; "
            "init writes only into a new or empty place"
        )
    try:
        for name in files:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create {printable(str(folder))}: {error.strerror}") from None
    for name, data in files.items():
        write_output(folder / name, data)
    shown = printable(str(folder))
    emit(
        f"Wrote a starter estate and scenario into {shown}:\n"
        + "".join(f"  {name}\n" for name in files)
        + "Next:\n"
        f"  exitplan validate {shown}/estate\n"
        f"  exitplan simulate {shown}/estate -w vendor:cloudco\n"
        f"  exitplan run {shown}/scenarios/leave-cloudco.yaml\n"
    )
