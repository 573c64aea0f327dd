"""Other formats → estate files, with an account of what was mapped, skipped and inferred
(DESIGN.md §1). One module per format; ``draft`` holds what every format shares."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from exitplan.errors import UsageError, display_path, os_reason
from exitplan.importers import csv
from exitplan.importers.draft import Account, Draft, Imported
from exitplan.importers.files import MAX_SOURCE_BYTES, source_budget
from exitplan.importers.formats import Format, formats
from exitplan.importers.mapping import default_mapping, section
from exitplan.importers.rules import CommonRules
from exitplan.loading import kind_of_file


def detect(path: Path) -> Format:
    """The format of ``path``, judged from its content."""
    for fmt in formats().values():
        if fmt.detect(path):
            return fmt
    known = ", ".join(formats())
    raise UsageError(
        f"{display_path(path)}: not a format exitplan imports ({known}); "
        "name the format with --from if it is one of them"
    )


def _check_source(path: Path) -> None:
    """Refuse, before anything reads it, a source that is not a file or a folder: a FIFO
    would make detection wait forever, a device never ends."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise UsageError(f"{display_path(path)}: no such file or folder") from None
    except (OSError, ValueError) as error:  # ValueError: a NUL in the name
        reason = os_reason(error) if isinstance(error, OSError) else "not a valid file name"
        raise UsageError(f"{display_path(path)}: cannot read it: {reason}") from None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise UsageError(f"{display_path(path)}: {kind_of_file(mode)}, not a file or folder")


def _holds(fmt: Format, folder: Path) -> bool:
    """Whether ``folder`` holds a source of ``fmt`` (named with ``--from``)."""
    return csv.holds_tables(folder) if fmt.NAME == csv.NAME else fmt.detect(folder)


def import_sources(
    paths: Sequence[Path],
    *,
    fmt: str | None = None,
    mapping: CommonRules | None = None,
    tables: tuple[Path, Path | None] | None = None,
    max_bytes: int = MAX_SOURCE_BYTES,
    currency: str | None = None,
) -> Imported:
    """Read every source into one draft and finish it. Sources are read in the order of
    their names, so the order they are given in does not change the result. ``tables``
    are a components table and a relations table the user named as such (their roles are
    not guessed from their headers). A source file of more than ``max_bytes`` is refused
    before it is parsed. ``currency``: the one the estate written into counts in, when it
    exists (a cost in another is left out)."""
    with source_budget(max_bytes):
        return _import(paths, fmt, mapping, tables, currency)


def _import(
    paths: Sequence[Path],
    fmt: str | None,
    mapping: CommonRules | None,
    tables: tuple[Path, Path | None] | None,
    currency: str | None = None,
) -> Imported:
    rules = mapping if mapping is not None else default_mapping()
    draft = Draft(rules)
    draft.currency = currency
    if tables is not None:
        components, relations = tables
        for table in (components, relations):
            if table is not None:
                _check_source(table)
        csv.read_tables(components, relations, draft, section(rules, csv.NAME))
    chosen = formats()
    groups: dict[str, list[Path]] = {}
    seen = {os.path.realpath(table) for table in tables or () if table is not None}
    for path in sorted(paths, key=display_path):
        _check_source(path)
        if os.path.realpath(path) in seen:  # a file named twice is read once
            continue
        seen.add(os.path.realpath(path))
        found = chosen[fmt] if fmt is not None else detect(path)
        if fmt is not None and path.is_dir() and not _holds(found, path):
            raise UsageError(
                f"{display_path(path)}: nothing in this folder to import as {fmt} ({found.TITLE})"
            )
        groups.setdefault(found.NAME, []).append(path)
    for name, group in sorted(groups.items()):
        chosen[name].read(group, draft, section(rules, name))
    imported = draft.finish()
    # Each source points back at the draft; with the cycle broken the draft is freed
    # here even while the collector is paused for the import.
    draft.sources.clear()
    return imported


__all__ = ["Account", "Draft", "Imported", "detect", "formats", "import_sources"]
