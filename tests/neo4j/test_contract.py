"""One suite of backend-port tests, run against both backends: same answers, same order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from exitplan.graph import Direction, EmbeddedGraph, GraphBackend, Label, Rel, UnknownNodeError
from exitplan.loading import load_estate
from exitplan.model import Estate, NodeId
from tests.conftest import EXAMPLE, WriteFiles
from tests.neo4j.conftest import OpenGraph
from tests.test_graph import SMALL

BACKENDS = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]


@pytest.fixture(params=BACKENDS)
def backend_of(request: pytest.FixtureRequest) -> Callable[[Estate], GraphBackend]:
    def make(estate: Estate) -> GraphBackend:
        if request.param == "embedded":
            return EmbeddedGraph(estate)
        open_graph: OpenGraph = request.getfixturevalue("open_graph")
        graph = open_graph(estate.name)
        graph.load(estate)
        return graph

    return make


def _answers(backend: GraphBackend, probes: list[NodeId]) -> dict[str, Any]:
    """Every port query over a set of probe nodes, as plain data."""
    answers: dict[str, Any] = {
        "info": backend.info.model_dump(mode="json"),
        "summary": backend.summary(),
        "nodes": backend.nodes(),
        **{f"nodes:{label.value}": backend.nodes(label) for label in Label},
        "edges": backend.edges(),
        "depends_on": backend.edges(Rel.DEPENDS_ON),
        "by_id": backend.nodes_by_id(probes),
        "touching_in": backend.edges_touching(probes, Direction.IN, [Rel.DEPENDS_ON, Rel.USES]),
        "touching_out": backend.edges_touching(probes, Direction.OUT, list(Rel)),
        "subgraph": backend.subgraph(probes),
    }
    for probe in probes:
        answers[f"out:{probe}"] = backend.edges_of(probe, Direction.OUT)
        answers[f"in:{probe}"] = backend.edges_of(probe, Direction.IN, [Rel.DEPENDS_ON])
        answers[f"dependents:{probe}"] = sorted(backend.dependents([probe]))
        answers[f"dependents1:{probe}"] = sorted(backend.dependents([probe], max_depth=1))
        answers[f"dependencies:{probe}"] = sorted(backend.dependencies([probe]))
        answers[f"vendors:{probe}"] = sorted(
            backend.dependencies([probe], rels=[Rel.PROVIDED_BY, Rel.SUBSIDIARY_OF])
        )
        region = backend.dependency_region([probe])
        for node in sorted(backend.dependents([probe]) | {probe}):
            answers[f"region:{probe}:{node}"] = (
                list(region.dependents(node)),
                list(region.dependencies(node)),
                region.node(node),
                region.in_use(node),
            )
    return answers


def test_the_small_estate(
    backend_of: Callable[[Estate], GraphBackend], write_files: WriteFiles
) -> None:
    estate = load_estate(write_files({"small.yaml": SMALL}))
    probes = [NodeId(n) for n in ("idp", "mailer", "mail-service", "eu-sub")]
    assert _answers(backend_of(estate), probes) == _answers(EmbeddedGraph(estate), probes)


def test_the_example_estate(backend_of: Callable[[Estate], GraphBackend]) -> None:
    estate = load_estate(Path(EXAMPLE))
    probes = [NodeId(n) for n in ("intune", "entra-id", "microsoft-ireland", "it-arbetsplats")]
    backend = backend_of(estate)
    assert _answers(backend, probes) == _answers(EmbeddedGraph(estate), probes)
    assert [n.id for n in backend.nodes_tagged("microsoft-cloud")] == [
        n.id for n in EmbeddedGraph(estate).nodes_tagged("microsoft-cloud")
    ]


def test_unknown_ids_are_refused_with_a_suggestion(
    backend_of: Callable[[Estate], GraphBackend], write_files: WriteFiles
) -> None:
    backend = backend_of(load_estate(write_files({"small.yaml": SMALL})))
    with pytest.raises(UnknownNodeError, match="did you mean 'mailer'"):
        backend.node(NodeId("mailr"))
    with pytest.raises(UnknownNodeError):
        backend.dependents([NodeId("nope")])
    with pytest.raises(UnknownNodeError):
        backend.edges_touching([NodeId("nope")], Direction.OUT, [Rel.DEPENDS_ON])
