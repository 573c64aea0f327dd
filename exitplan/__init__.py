"""exitplan: if we had to leave this vendor, what breaks, when, what can replace it, and in
what order do we move?"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("exitplan")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
