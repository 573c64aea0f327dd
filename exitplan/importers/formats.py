"""The formats exitplan imports, and how one is recognised from a file's content.

Each format is a module with:

- ``NAME`` (what ``--from`` takes) and ``TITLE`` (one line for the summary and help);
- ``Rules``: its section of the mapping file, a pydantic model whose defaults are the
  default mapping;
- ``detect(path) -> bool``: whether ``path`` (a file or folder) is in this format, judged
  from its content (cheaply: the first bytes, a root element, a key);
- ``read(paths, draft, rules)``: reads the files into ``draft`` (one ``draft.source()``
  per source it reads) and raises ``InvalidInputError`` with file and line for a bad file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, cast


class Format(Protocol):
    NAME: str
    TITLE: str
    Rules: type[Any]

    def detect(self, path: Path) -> bool: ...

    def read(self, paths: Sequence[Path], draft: Any, rules: Any) -> None: ...


def _modules() -> tuple[ModuleType, ...]:
    # Imported here: each format module imports the draft, which would import this.
    from exitplan.importers import archimate, backstage, csv, cyclonedx  # noqa: PLC0415

    return (archimate, backstage, cyclonedx, csv)


def formats() -> dict[str, Format]:
    """Every format by name, in the order detection tries them."""
    return {module.NAME: cast(Format, module) for module in _modules()}


__all__ = ["Format", "formats"]
