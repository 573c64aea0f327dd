"""``python -m exitplan`` runs the command line."""

from __future__ import annotations

from exitplan.entry import main

main()
