"""exitplan validate: check an estate and count what it holds."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from exitplan.cli.common import (
    ESTATE_PATH,
    MAX_BYTES,
    PLURAL,
    emit,
    read_estate,
)
from exitplan.errors import agreeing, plural, printable
from exitplan.graph import Label
from exitplan.graph.shape import estate_summary
from exitplan.loading import taken_as_running
from exitplan.model import Lifecycle


@click.command(name="validate")
@ESTATE_PATH
@MAX_BYTES
def validate_command(path: Path) -> None:
    """Check an estate and report every problem at once, with file, line and field.

    On success, prints the counts by kind; on any problem, lists them all on stderr and
    exits with code 2.

    In a folder, every file ending in .yaml, .yml or .json (in any case) is read, in
    sub-folders too, and links are followed (each real file once). Nothing is skipped
    in silence: hidden folders such as .git, hidden estate files, links that lead nowhere
    or in a loop, FIFOs, devices and a saved JSON Schema are skipped with a notice on
    stderr; a file or folder that cannot be read is a problem.

    \b
    Example:
      exitplan validate graphs/gothenburg
    """
    files: list[Path] = []
    estate = read_estate(path, files)
    summary = estate_summary(estate)
    noun = agreeing(len(files), "file", "files")
    taken = taken_as_running(estate.components, estate.services)
    lifecycles = Counter(c.lifecycle for c in estate.components if c.id not in taken)
    candidates, retired = lifecycles[Lifecycle.CANDIDATE], lifecycles[Lifecycle.RETIRED]
    lines = [f"Estate {printable(estate.name)} is valid ({len(files):,} {noun}):"]
    for label, count in summary.nodes.items():
        extra = ""
        if label is Label.COMPONENT and (candidates or retired or taken):
            parts = [f"{count - candidates - retired - len(taken):,} in use"]
            if taken:  # candidates or retired that what is in use needs: the notices say which
                parts[0] += f" and {len(taken):,} taken as running"
            parts += [plural(candidates, "candidate")]
            parts += [f"{retired:,} retired"] if retired else []
            extra = f"  ({', '.join(parts)})"
        lines.append(f"  {PLURAL[label]:<16}{count:>6,}{extra}")
    lines.append(f"  {'data flows':<16}{len(estate.data_flows):>6,}")
    lines.append(f"  {'alternatives':<16}{len(estate.alternatives):>6,}")
    lines.append(f"  {'relationships':<16}{summary.relationship_total:>6,}")
    emit("\n".join(lines) + "\n")
