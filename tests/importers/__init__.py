"""Tests of the importers; the helpers every importer test uses."""

from __future__ import annotations

import os
from pathlib import Path

from exitplan.importers import Imported
from exitplan.render.estate_yaml import dump_estate_yaml


def write_imported(imported: Imported, folder: Path) -> Path:
    """The imported estate files written into ``folder``, as exitplan import writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in imported.files.items():
        (folder / name).write_text(dump_estate_yaml(content), encoding="utf-8")
    return folder


def imported_texts(imported: Imported) -> dict[str, str]:
    """Each estate file's YAML text, by file name."""
    return {name: dump_estate_yaml(content) for name, content in imported.files.items()}


def remove_deep(folder: Path) -> None:
    """Remove a tree too deep for ``shutil.rmtree``, which recurses (and so would break
    pytest's cleanup of its temporary folders, for every later run)."""
    stack, found = [folder], []
    while stack:
        current = stack.pop()
        found.append(current)
        for entry in os.scandir(current):
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            else:
                os.unlink(entry.path)
    for current in reversed(found):
        current.rmdir()
