"""Reading source files: the same refusals as for estate files (FIFOs, devices, links that
lead nowhere), with a size budget that fits exports of whole models."""

from __future__ import annotations

from pathlib import Path

from exitplan.loading import Document, read_bytes, read_yaml_stream

MAX_SOURCE_BYTES = 64 * 1024 * 1024
"""A source file larger than this is refused before it is parsed (an SBOM of ten thousand
packages is about 10 MB)."""


def read_source(path: Path) -> tuple[bytes, str]:
    """The bytes of a source file and its name as shown to the user."""
    return read_bytes(path, max_bytes=MAX_SOURCE_BYTES, what="source")


def read_yaml_source(path: Path) -> list[Document]:
    """Every YAML document of a source file, with lines, read safely and with limits."""
    return read_yaml_stream(path, max_bytes=MAX_SOURCE_BYTES, what="source")


__all__ = ["MAX_SOURCE_BYTES", "read_source", "read_yaml_source"]
