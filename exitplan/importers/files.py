"""Reading source files: the same refusals as for estate files (FIFOs, devices, links that
lead nowhere), with a size budget that fits exports of whole models."""

from __future__ import annotations

import contextlib
import lzma
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path

from exitplan.loading import MAX_ESTATE_BYTES, Document, read_bytes, read_yaml_stream

MAX_SOURCE_BYTES = MAX_ESTATE_BYTES
"""The default budget on one source file, refused before it is parsed: the estate's own
default (``--max-bytes``), since what an import writes must load within it too. An SBOM
of ten thousand packages is about 10 MB; an ArchiMate model of 8,000 components with its
views about 120 MB, read in about 14 times its size of memory."""

_BUDGET: ContextVar[int] = ContextVar("exitplan_source_bytes", default=MAX_SOURCE_BYTES)

RAISE_IT = " (raise it with --max-bytes)"
"""What follows the limit when a source is refused for its size."""

UNPACKING = (
    zipfile.BadZipFile,
    KeyError,  # a member the directory names and the archive lacks
    OSError,  # bz2's corrupt stream too
    EOFError,  # a member shorter than the directory says
    ValueError,
    NotImplementedError,  # a zip version or compression method zipfile lacks
    RuntimeError,  # an encrypted member
    zlib.error,
    lzma.LZMAError,
)
"""What reading a damaged zip archive (an Archi model, a workbook) raises."""


def unpacking_failed(error: BaseException) -> str:
    """Why a zip member could not be read, never empty (an EOFError says nothing)."""
    if isinstance(error, EOFError):
        return "it ends before its data does (damaged or cut short)"
    return str(error) or f"damaged ({type(error).__name__})"


@contextlib.contextmanager
def source_budget(max_bytes: int) -> Iterator[None]:
    """Read the sources within ``max_bytes`` each, while the block runs."""
    token = _BUDGET.set(max_bytes)
    try:
        yield
    finally:
        _BUDGET.reset(token)


def source_bytes() -> int:
    """The most one source file may hold now (also a model inside an Archi archive)."""
    return _BUDGET.get()


def read_source(path: Path) -> tuple[bytes, str]:
    """The bytes of a source file and its name as shown to the user."""
    return read_bytes(path, max_bytes=_BUDGET.get(), what="source", hint=RAISE_IT)


def read_yaml_source(path: Path) -> list[Document]:
    """Every YAML document of a source file, with lines, read safely and with limits."""
    return read_yaml_stream(path, max_bytes=_BUDGET.get(), what="source", hint=RAISE_IT)


def once(paths: Iterable[Path]) -> list[Path]:
    """``paths`` in their order, each file once: a file reached again (named beside the
    folder it is in, or through a link) is left out, so that nothing is imported twice."""
    seen: set[str] = set()
    found = []
    for path in paths:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            found.append(path)
    return found


__all__ = [
    "MAX_SOURCE_BYTES",
    "RAISE_IT",
    "once",
    "read_source",
    "read_yaml_source",
    "source_budget",
    "source_bytes",
]
