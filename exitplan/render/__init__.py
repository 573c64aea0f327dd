"""Renderers: pure ``dump_*`` functions that format results and compute nothing."""
