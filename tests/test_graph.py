"""The embedded graph has exactly the shape of DESIGN.md §3, and answers the port queries."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import generate
from exitplan.graph import Direction, EmbeddedGraph, Label, Rel, UnknownNodeError
from exitplan.graph.port import DependsOn
from exitplan.graph.shape import dependency_links, estate_edges, estate_summary
from exitplan.loading import load_estate
from exitplan.model import (
    Component,
    Delivery,
    Dependency,
    Estate,
    EstateInfo,
    NodeId,
    Strength,
    Vendor,
)
from tests.conftest import WriteFiles

SMALL = """
estate: {name: small, as_of: 2026-11-01}
vendors:
  - {id: parent-co, name: Parent, hq_country: US, exposure: [US_CLOUD_ACT]}
  - {id: eu-sub, name: EU subsidiary, hq_country: IE, parent: parent-co}
capabilities:
  - {id: mail, name: Mail}
  - {id: identity, name: Identity}
organisations:
  - {id: city, name: City, kind: committee, users: 100, assumed: true}
components:
  - id: idp
    name: Identity provider
    vendor: eu-sub
    delivery: saas
    capabilities: [identity]
    contract: {end: 2027-06-30, notice_days: 90}
    exit: {plan_exists: false}
  - id: mailer
    name: Mail
    vendors: [{vendor: eu-sub, roles: [operator, support_access]}]
    delivery: saas
    capabilities: {mail: partial}
    depends_on:
      - {ref: idp, onset: {grace_days: 30}, capabilities: [identity], why: "Docs page"}
  - id: open-mail
    name: Open mail
    vendor: parent-co
    delivery: self_hosted
    licence: open_source
    lifecycle: candidate
services:
  - id: mail-service
    name: Mail for everyone
    criticality: high
    requires: [mail]
    depends_on: [mailer, {ref: idp, strength: soft, onset: at_renewal}]
    consumers: [{organisation: city, users: 80, assumed: true}]
data_flows:
  - id: mail-content
    from: mail-service
    to: mailer
    assets: [mail body]
    personal_data: ordinary
    classification: confidential
    krt: {k: 3, r: 2, t: 2}
    transfer: adequacy_dpf
alternatives:
  - for: mailer
    candidate: open-mail
    readiness: R2
    gaps: [no shared calendars]
    duration_weeks: 12
"""


@pytest.fixture
def small(write_files: WriteFiles) -> EmbeddedGraph:
    return EmbeddedGraph(load_estate(write_files({"small.yaml": SMALL})))


def test_labels_types_and_directions(small: EmbeddedGraph) -> None:
    labels = {node.id: node.label for node in small.nodes()}
    assert labels == {
        "parent-co": Label.VENDOR,
        "eu-sub": Label.VENDOR,
        "mail": Label.CAPABILITY,
        "identity": Label.CAPABILITY,
        "city": Label.ORGANISATION,
        "idp": Label.COMPONENT,
        "mailer": Label.COMPONENT,
        "open-mail": Label.COMPONENT,
        "mail-service": Label.SERVICE,
    }
    triples = {(e.source, e.type, e.target) for e in small.edges()}
    assert triples == {
        ("eu-sub", Rel.SUBSIDIARY_OF, "parent-co"),
        ("idp", Rel.PROVIDED_BY, "eu-sub"),
        ("mailer", Rel.PROVIDED_BY, "eu-sub"),
        ("open-mail", Rel.PROVIDED_BY, "parent-co"),
        ("idp", Rel.REALISES, "identity"),
        ("mailer", Rel.REALISES, "mail"),
        ("mailer", Rel.DEPENDS_ON, "idp"),
        ("mail-service", Rel.DEPENDS_ON, "mailer"),
        ("mail-service", Rel.DEPENDS_ON, "idp"),
        ("mail-service", Rel.REQUIRES, "mail"),
        ("city", Rel.USES, "mail-service"),
        ("mail-service", Rel.FLOWS_TO, "mailer"),
        ("open-mail", Rel.ALTERNATIVE_FOR, "mailer"),
    }


def test_properties_are_flat_snake_case_and_never_null(small: EmbeddedGraph) -> None:
    idp = small.node(NodeId("idp")).properties
    assert idp["contract_end"] == "2027-06-30"
    assert idp["contract_notice_days"] == 90
    assert idp["exit_plan_exists"] is False
    assert idp["licence"] == "subscription"  # SaaS is a subscription unless said otherwise
    vendor = small.node(NodeId("eu-sub")).properties
    assert vendor["jurisdiction"] == "US"  # follows the ultimate parent
    assert vendor["ultimate_parent"] == "parent-co"
    assert vendor["exposure"] == ("US_CLOUD_ACT",)  # derived from the parent chain
    (dependency,) = small.edges_of(NodeId("mailer"), Direction.OUT, [Rel.DEPENDS_ON])
    assert dict(dependency.properties) == {
        "strength": "hard",
        "onset_days": 30,
        "at_renewal": False,
        "capabilities": ("identity",),
        "why": "Docs page",
        "assumed": False,
    }
    renewal = [
        e for e in small.edges_of(NodeId("mail-service"), Direction.OUT) if e.target == "idp"
    ]
    assert renewal[0].properties["at_renewal"] is True
    (roles,) = small.edges_of(NodeId("mailer"), Direction.OUT, [Rel.PROVIDED_BY])
    assert roles.properties["roles"] == ("operator", "support_access")
    (flow,) = small.edges(Rel.FLOWS_TO)
    assert flow.properties["krt_k"] == 3
    assert flow.properties["transfer"] == "adequacy_dpf"
    every = [node.properties for node in small.nodes()] + [e.properties for e in small.edges()]
    for found in every:
        for key, value in found.items():
            assert key == key.lower()
            assert " " not in key
            assert value is not None


def test_service_users_are_summed_from_consumers(small: EmbeddedGraph) -> None:
    assert small.node(NodeId("mail-service")).properties["users"] == 80


@pytest.mark.parametrize(
    ("start", "depth", "expected"),
    [
        ("idp", None, {"mailer", "mail-service"}),
        ("idp", 1, {"mailer", "mail-service"}),
        ("mailer", None, {"mail-service"}),
        ("mail-service", None, set()),
    ],
)
def test_dependents(
    small: EmbeddedGraph, start: str, depth: int | None, expected: set[str]
) -> None:
    assert small.dependents([NodeId(start)], max_depth=depth) == expected


def test_dependencies_and_depth(small: EmbeddedGraph) -> None:
    assert small.dependencies([NodeId("mail-service")]) == {"mailer", "idp"}
    assert small.dependencies([NodeId("mail-service")], max_depth=0) == set()
    assert small.dependencies(
        [NodeId("mailer")], rels=[Rel.DEPENDS_ON, Rel.PROVIDED_BY, Rel.SUBSIDIARY_OF]
    ) == {"idp", "eu-sub", "parent-co"}


def test_unknown_nodes_are_refused_with_a_suggestion(small: EmbeddedGraph) -> None:
    with pytest.raises(UnknownNodeError, match="did you mean 'mailer'"):
        small.node(NodeId("mailr"))
    with pytest.raises(UnknownNodeError):
        small.dependents([NodeId("nope")])


def test_subgraph_keeps_edges_between_its_nodes(small: EmbeddedGraph) -> None:
    sub = small.subgraph([NodeId("mailer"), NodeId("idp"), NodeId("eu-sub")])
    assert [n.id for n in sub.nodes] == ["eu-sub", "idp", "mailer"]
    assert {(e.source, e.type, e.target) for e in sub.edges} == {
        ("idp", Rel.PROVIDED_BY, "eu-sub"),
        ("mailer", Rel.PROVIDED_BY, "eu-sub"),
        ("mailer", Rel.DEPENDS_ON, "idp"),
    }


def test_summary_counts(small: EmbeddedGraph) -> None:
    summary = small.summary()
    assert summary.nodes[Label.COMPONENT] == 3
    assert summary.relationships[Rel.DEPENDS_ON] == 3
    assert summary.relationship_total == 13


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_the_summary_counted_without_a_graph_is_the_loaded_graphs(seed: int) -> None:
    estate = load_estate(Path("graphs/gothenburg")) if seed == 0 else generate(300, seed=seed)
    assert estate_summary(estate) == EmbeddedGraph(estate).summary()


@st.composite
def dependency_graphs(draw: st.DrawFn) -> tuple[int, list[tuple[int, int]]]:
    size = draw(st.integers(min_value=1, max_value=25))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)).filter(
                lambda p: p[0] != p[1]
            ),
            max_size=60,
            unique=True,
        )
    )
    return size, pairs


@settings(max_examples=75, deadline=None)
@given(dependency_graphs(), st.data())
def test_dependents_agree_with_networkx_ancestors(
    graph: tuple[int, list[tuple[int, int]]], data: st.DataObject
) -> None:
    size, pairs = graph
    ids = [NodeId(f"c{i}") for i in range(size)]
    components = tuple(
        Component(
            id=ids[i],
            name=ids[i],
            vendor=NodeId("v"),
            delivery=Delivery.SAAS,
            depends_on=tuple(
                Dependency(ref=ids[b], strength=Strength.SOFT) for a, b in pairs if a == i
            ),
        )
        for i in range(size)
    )
    estate = Estate(
        info=EstateInfo(name=NodeId("random")),
        vendors=(Vendor(id=NodeId("v"), name="V"),),
        components=components,
    )
    backend = EmbeddedGraph(estate)
    reference: nx.DiGraph[NodeId] = nx.DiGraph()
    reference.add_nodes_from(ids)
    reference.add_edges_from((ids[a], ids[b]) for a, b in pairs)
    starts = data.draw(st.sets(st.sampled_from(ids), min_size=1, max_size=3))
    expected = set().union(*(nx.ancestors(reference, s) for s in starts)) - starts
    assert backend.dependents(starts) == expected


def test_the_networkx_view_holds_the_same_graph(small: EmbeddedGraph) -> None:
    graph = small.networkx
    assert sorted(graph.nodes) == [node.id for node in small.nodes()]
    edges = sorted(data["edge"].sort_key for _, _, data in graph.edges(data=True))
    assert edges == [edge.sort_key for edge in small.edges()]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_query_sees_the_edges_the_one_mapping_gives(seed: int) -> None:
    """The embedded graph makes DEPENDS_ON edges as they are asked for; what it answers is
    what ``estate_edges`` maps the estate to, edge for edge and in the same order."""
    estate = load_estate(Path("graphs/gothenburg")) if seed == 0 else generate(200, seed=seed)
    expected = estate_edges(estate)
    graph = EmbeddedGraph(estate)
    ids = [node.id for node in graph.nodes()]
    for node_id in ids[::3]:  # asked for piecemeal first, then whole
        for direction in Direction:
            wanted = [
                edge
                for edge in expected
                if (edge.source if direction is Direction.OUT else edge.target) == node_id
            ]
            assert graph.edges_of(node_id, direction) == wanted
            assert graph.edges_of(node_id, direction, []) == []  # no type: none, as on Neo4j
    assert graph.edges() == expected
    assert graph.edges(Rel.DEPENDS_ON) == [e for e in expected if e.type is Rel.DEPENDS_ON]
    compact = [DependsOn.of(edge) for edge in expected if edge.type is Rel.DEPENDS_ON]
    assert Counter(dependency_links(estate)) == Counter(compact)
