"""The benchmark's synthetic estates are valid estates, and the simulation runs on them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx

from benchmarks.end_to_end import FLOOR, write_json
from benchmarks.simulate_bench import bare_reverse_bfs
from benchmarks.synthetic import generate
from exitplan.graph import EmbeddedGraph, Rel
from exitplan.model import Alternative, Component, NodeId, Service, Vendor
from exitplan.select import resolve
from exitplan.simulate import simulate


def test_synthetic_estates_are_valid_and_seeded() -> None:
    estate = generate(400, seed=7)
    for model, items in (
        (Vendor, estate.vendors),
        (Component, estate.components),
        (Service, estate.services),
        (Alternative, estate.alternatives),
    ):
        for item in items:
            model.model_validate(item.model_dump(by_alias=True))
    known = {c.id for c in estate.components} | {s.id for s in estate.services}
    owners: list[Component | Service] = [*estate.components, *estate.services]
    for owner in owners:
        assert all(d.ref in known for d in owner.depends_on)
    assert generate(400, seed=7) == estate
    assert generate(400, seed=8) != estate


def test_the_dominant_vendor_can_be_withdrawn() -> None:
    result = simulate(EmbeddedGraph(generate(400, seed=7)), ["vendor:v-dominant"])
    assert len(result.withdrawn) > 40
    assert result.affected
    assert all(a.because[-1] in result.withdrawn for a in result.affected)


def test_the_end_to_end_floor_searches_from_the_vendor_withdrawn(tmp_path: Path) -> None:
    """The floor of ``benchmarks/end_to_end.py`` reaches what a bare reverse search from
    the vendor's components reaches (it once started from no component at all)."""
    estate = generate(400, seed=7)
    folder = tmp_path / "estate"
    write_json(estate, folder, 100)
    backend = EmbeddedGraph(estate)
    plain: nx.DiGraph[NodeId] = nx.DiGraph()
    plain.add_edges_from((e.source, e.target) for e in backend.edges(Rel.DEPENDS_ON))
    for vendor in ("v-dominant", "v-dominant-eu", "v4"):  # a group, its subsidiary, alone
        starts = set(resolve(backend, [f"vendor:{vendor}"]).withdrawn)
        floor = subprocess.run(
            [sys.executable, "-c", FLOOR, str(folder), vendor],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        assert int(floor.stdout) == len(bare_reverse_bfs(plain, starts)) > len(starts) > 0
