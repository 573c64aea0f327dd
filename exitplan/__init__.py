"""exitplan: if we had to leave this vendor, what breaks, when, what can replace it, and in
what order do we move?

This module imports nothing at import time: the console script imports it first, and a
Ctrl-C during that import could not yet be turned into one line (see ``exitplan.entry``).
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

        try:
            return version("exitplan")
        except PackageNotFoundError:  # running from a source tree that was never installed
            return "0+unknown"
    raise AttributeError(f"module 'exitplan' has no attribute {name!r}")
