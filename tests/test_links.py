"""The links the Neo4j backend stores and reads a region from (``exitplan.graph.neo4j``)
say exactly what the estate says: written by ``_links`` and read back by ``_region``,
they give the embedded backend's region, list for list and node for node. Pure functions:
no server is needed (``tests/neo4j`` reads them back through a real one)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import generate
from exitplan.graph import EmbeddedGraph
from exitplan.graph.neo4j import _links, _region
from exitplan.graph.shape import estate_nodes
from exitplan.loading import load_estate
from exitplan.model import (
    Component,
    Delivery,
    Dependency,
    Estate,
    EstateInfo,
    NodeId,
    Onset,
    Strength,
    Vendor,
)
from tests.conftest import EXAMPLE, renamed
from tests.reliability.test_outputs import HOSTILE


def hostile_names() -> Estate:
    """The example, its components named with terminal controls, line separators, quotes,
    backslashes and text outside the BMP: a node's properties travel in its links as JSON."""
    base = load_estate(EXAMPLE)
    name = f'{HOSTILE} \u2028\u2029 "quoted" \\ {{"json": [1]}} \U0001f600 \x00'
    components = [c.model_copy(update={"name": f"{name} {c.id}"}) for c in base.components]
    return renamed(base.model_copy(update={"components": components}), "hostile-links")


def _assert_same_region(estate: Estate) -> None:
    rows = _links(estate, estate_nodes(estate))
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)
    read = _region(rows)
    embedded = EmbeddedGraph(estate)._region
    assert read._dependencies == {k: v for k, v in embedded._dependencies.items() if v}
    assert read._dependents == {k: v for k, v in embedded._dependents.items() if v}
    assert read._nodes == embedded._nodes
    for node_id in embedded._nodes:
        for ours, theirs in zip(
            (*read.dependencies(node_id), *read.dependents(node_id)),
            (*embedded.dependencies(node_id), *embedded.dependents(node_id)),
            strict=True,
        ):
            # equal and of the same types: a 1 is not a True, a list is not a tuple
            assert [type(value) for value in ours] == [type(value) for value in theirs]
            assert type(ours) is type(theirs)
        for key, value in read.node(node_id).properties.items():
            assert type(value) is type(embedded.node(node_id).properties[key])


@pytest.mark.parametrize(
    "estate",
    [
        pytest.param(lambda: load_estate(EXAMPLE), id="example"),
        pytest.param(hostile_names, id="hostile-names"),
        pytest.param(lambda: generate(2000, seed=5), id="synthetic"),
    ],
)
def test_the_links_read_back_are_the_estates_region(estate: Callable[[], Estate]) -> None:
    _assert_same_region(estate())


_DEPENDENCIES = st.builds(
    lambda strength, grace, renewal, group, capabilities: (
        strength,
        Onset(grace_days=grace, at_renewal=renewal),
        group,
        capabilities,
    ),
    st.sampled_from(Strength),
    st.sampled_from([0, 0, 7, 30]),
    st.booleans(),
    st.sampled_from([None, None, "a", "b"]),
    st.sampled_from([(), (), ("identity",), ("identity", "mail")]),
)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=12).flatmap(
        lambda size: st.tuples(
            st.just(size),
            st.dictionaries(
                st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)).filter(
                    lambda pair: pair[0] != pair[1]
                ),
                _DEPENDENCIES,
                max_size=40,
            ),
        )
    )
)
def test_every_form_of_an_edge_reads_back_as_written(
    graph: tuple[int, dict[tuple[int, int], tuple[Strength, Onset, str | None, tuple[str, ...]]]],
) -> None:
    """Hard and soft, immediate, with grace or at renewal, in a group or not, naming
    capabilities or not: an edge is written in the shortest form that says it all."""
    size, edges = graph
    ids = [NodeId(f"c{i}") for i in range(size)]
    components = tuple(
        Component(
            id=ids[i],
            name=f"Component {i}",
            vendor=NodeId("v"),
            delivery=Delivery.SAAS,
            depends_on=tuple(
                Dependency(
                    ref=ids[b],
                    strength=strength,
                    onset=onset,
                    any_of_group=group,
                    capabilities=capabilities,
                )
                for (a, b), (strength, onset, group, capabilities) in sorted(edges.items())
                if a == i
            ),
        )
        for i in range(size)
    )
    estate = Estate(
        info=EstateInfo(name=NodeId("random")),
        vendors=(Vendor(id=NodeId("v"), name="V"),),
        components=components,
    )
    _assert_same_region(estate)
