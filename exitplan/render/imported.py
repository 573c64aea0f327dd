"""The summary of an import: what became what, what was skipped and why, what was
inferred, and which cycles were broken; as text for the terminal or JSON."""

from __future__ import annotations

from typing import Any

from exitplan.errors import plural, printable
from exitplan.importers import Account
from exitplan.importers.draft import spell_cycle
from exitplan.render.json import dump_json

MADE = ("component", "service", "vendor", "dependency", "data flow", "capability",
        "organisation", "alternative")  # fmt: skip
"""The kinds of what an import makes, in the order the summary lists them."""

_PLURAL = {"capability": "capabilities", "dependency": "dependencies"}


def _plural(kind: str, count: int) -> str:
    return kind if count == 1 else _PLURAL.get(kind, f"{kind}s")


def dump_import_text(account: Account, folder: str, files: list[str]) -> str:
    """The summary the import command prints."""
    lines = [f"Imported into {printable(folder)} ({plural(len(files), 'file')} in imported/):"]
    for source in account.sources:
        skipped = sum(source.skipped.values())
        lines.append(
            f"  {printable(' and '.join((source.file, *source.also)))} ({source.format}): "
            f"{source.read:,} read, "
            f"{source.mapped:,} made, {skipped:,} skipped"
        )
    made = account.total("made")
    skipped_by_type = account.total("skipped")
    inferred = account.total("inferred")
    counts = [*made.values(), *skipped_by_type.values(), *inferred.values()]
    width = max([6, *(len(f"{count:,}") for count in counts)])  # the counts line up
    lines += ["", "Made:"]
    lines += [f"  {made[kind]:>{width},}  {_plural(kind, made[kind])}" for kind in MADE]
    lines += [f"  {made[kind]:>{width},}  {kind}" for kind in sorted(set(made) - set(MADE))]
    lines += ["", "Skipped, by source type:" if skipped_by_type else "Skipped: nothing."]
    for (kind, why), count in sorted(skipped_by_type.items()):
        lines.append(f"  {count:>{width},}  {printable(kind)}: {printable(why)}")
    lines += ["", "Inferred (marked assumed: true):" if inferred else "Inferred: nothing."]
    lines += [f"  {count:>{width},}  {printable(what)}" for what, count in sorted(inferred.items())]
    if account.cycles:
        lines += ["", "Cycles of hard dependencies, broken by making the closing one soft:"]
        lines += [f"  {printable(spell_cycle(cycle, most=12))}" for cycle in account.cycles]
    notes = [note for source in account.sources for note in source.notes]
    if notes:
        lines += ["", "Notes:"]
        lines += [f"  {printable(note)}" for note in notes]
    return "\n".join(lines) + "\n"


def dump_import_json(account: Account, folder: str, files: list[str]) -> str:
    data: dict[str, Any] = {
        "schema": "exitplan/import/v1",
        "folder": folder,
        "files": sorted(files),
        "sources": [
            {
                "file": source.file,
                "format": source.format,
                "also": list(source.also),
                "read": source.read,
                "made": dict(sorted(source.made.items())),
                "skipped": [
                    {"type": kind, "why": why, "count": count}
                    for (kind, why), count in sorted(source.skipped.items())
                ],
                "inferred": dict(sorted(source.inferred.items())),
                "notes": list(source.notes),
            }
            for source in account.sources
        ],
        "made": dict(sorted(account.total("made").items())),
        "cycles": [list(cycle) for cycle in account.cycles],
    }
    return dump_json(data)


__all__ = ["MADE", "dump_import_json", "dump_import_text"]
