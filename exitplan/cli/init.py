"""exitplan init: a small commented starter estate and scenario to begin from."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import tempfile
from importlib import resources
from pathlib import Path

import click

from exitplan.cli.common import emit, folder_named, in_the_way, inside_an_estate
from exitplan.errors import UsageError, display_path, os_reason, printable
from exitplan.loading import estate_name_for
from exitplan.render.files import signals_held, write_output
from exitplan.render.json import dump_json
from exitplan.render.schema import estate_file_schema
from exitplan.scenario import scenario_schema

STARTER = resources.files("exitplan.cli") / "starter"


def _files(folder: Path) -> dict[str, bytes]:
    """What init writes, relative to the folder: the estate, named after the folder (two
    starters loaded into one database stay two estates), a scenario, and the JSON Schemas
    the two files name on their first line for editors."""
    name = json.dumps(estate_name_for(folder))  # quoted: a folder named 2024 is a name
    estate = (STARTER / "estate.yaml").read_bytes()
    return {
        "estate/estate.yaml": estate.replace(b"  name: starter\n", f"  name: {name}\n".encode()),
        "scenarios/leave-cloudco.yaml": (STARTER / "scenario.yaml").read_bytes(),
        "estate.schema.json": dump_json(estate_file_schema()).encode("utf-8"),
        "scenario.schema.json": dump_json(scenario_schema()).encode("utf-8"),
    }


@click.command(name="init")
@click.argument("folder", type=click.Path(file_okay=False), callback=folder_named)
def init_command(folder: Path) -> None:
    """Write a small commented starter estate into FOLDER/estate and a scenario into
    FOLDER/scenarios, ready to validate, simulate and run; the estate is named after
    FOLDER (my-estate), and the folder and its parents are created. FOLDER must be new or
    empty (hidden entries such as .git aside); all four files are written, or none.
    Inside another estate's folder, a note says so.

    \b
    Example:
      exitplan init my-estate
      exitplan simulate my-estate/estate -w vendor:cloudco
      exitplan run my-estate/scenarios/leave-cloudco.yaml
    """
    shown = display_path(folder)
    try:
        _refuse_unless_empty(folder)
        inside_an_estate(folder, "the starter estate")
        made = [path for path in (folder, *folder.parents) if not path.exists()]
    except OSError as error:  # a name too long, a loop of links, a file in the way
        why = in_the_way(folder) or os_reason(error)
        raise UsageError(f"cannot create {display_path(folder)}: {why}") from None
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            why = in_the_way(folder) or os_reason(error)
            raise UsageError(f"cannot create {display_path(folder)}: {why}") from None
        files = _files(folder)  # named after the folder, which now exists
        _write_all(folder, files)
    except BaseException:  # a signal too, while the folders are made
        for path in made:  # deepest first; only the folders init created, once empty
            with contextlib.suppress(OSError):
                path.rmdir()
        raise
    quoted = shlex.quote(str(folder))
    emit(
        f"Wrote a starter estate and scenario into {printable(shown)}:\n"
        + "".join(f"  {name}\n" for name in files)
        + "Next:\n"
        + printable(
            f"  exitplan validate {quoted}/estate\n"
            f"  exitplan simulate {quoted}/estate -w vendor:cloudco\n"
            f"  exitplan run {quoted}/scenarios/leave-cloudco.yaml\n",
            newlines=True,
        )
    )


def _refuse_unless_empty(folder: Path) -> None:
    if not (folder.exists() or folder.is_symlink()):
        return
    if not folder.is_dir():
        raise UsageError(f"cannot create {display_path(folder)}: {in_the_way(folder)}")
    kept = sorted(entry.name for entry in folder.iterdir() if not entry.name.startswith("."))
    if kept:
        listed = ", ".join(printable(name) for name in kept[:5]) + (
            f" and {len(kept) - 5:,} more" if len(kept) > 5 else ""
        )
        raise UsageError(
            f"{display_path(folder)} already holds {listed}; init writes only into a new or "
            "empty folder"
        )


def _write_all(folder: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` beside each other under a hidden folder in ``folder``, then move each
    into place; on any failure (or a signal), what was moved is removed again."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=".exitplan-init.", dir=folder))
    except OSError as error:
        raise UsageError(f"cannot write into {display_path(folder)}: {os_reason(error)}") from None
    moved: list[Path] = []
    try:
        try:
            for name, data in files.items():
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                write_output(staging / name, data, told=False)
            with signals_held():  # each entry moved is known to be, to be taken back
                for top in sorted({name.split("/")[0] for name in files}):
                    os.rename(staging / top, folder / top)  # an empty folder would be
                    moved.append(folder / top)  # replaced: there is none, it was empty
        except OSError as error:
            raise UsageError(
                f"cannot write into {display_path(folder)}: {os_reason(error)}"
            ) from None
    except BaseException:
        for path in moved:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
