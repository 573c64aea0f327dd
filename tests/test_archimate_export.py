"""The ArchiMate renderer on its own: identifiers, text XML 1.0 cannot carry, and a
schema check that does fail on a broken file."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from lxml import etree

from benchmarks.synthetic import generate
from exitplan.graph import EmbeddedGraph, Rel, Subgraph
from exitplan.loading import load_estate
from exitplan.model import Component, Estate, EstateInfo, Service, Vendor
from exitplan.render.archimate import dump_archimate, identifier, xml_text
from exitplan.simulate import Options, simulate
from tests.cli.test_export_archimate import (
    A,
    assert_structure,
    assert_valid,
    exchange_schema,
    one,
    text,
)
from tests.conftest import REPO


def _export(name: str) -> bytes:
    """A two-node estate whose names are ``name``, with its vendor withdrawn."""
    estate = Estate(
        info=EstateInfo(name="x", title=name),
        vendors=(Vendor(id="v", name=name),),
        components=(Component(id="a", name=name, vendor="v", delivery="saas", note=name),),
        services=(Service(id="s", name=name, depends_on=("a",)),),
    )
    graph = EmbeddedGraph(estate)
    simulation = simulate(graph, ["vendor:v"], Options())
    return dump_archimate(
        graph.info, Subgraph(tuple(graph.nodes()), tuple(graph.edges())), simulation
    )


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        pytest.param("nul\x00here", "nul\\x00here", id="NUL"),
        pytest.param(
            "C0" + "".join(map(chr, range(1, 9))),
            "C0" + "".join(f"\\x{c:02x}" for c in range(1, 9)),
            id="C0",  # with something to see: a name of control characters alone is refused
        ),
        pytest.param("tab\tform\x0cfeed", "tab\\x09form\\x0cfeed", id="tab-and-form-feed"),
        pytest.param("del\x7f c1\x85", "del\\x7f c1\\x85", id="DEL-and-C1"),
        pytest.param("bidi\u202e\u2066", "bidi\\u202e\\u2066", id="bidi"),
        pytest.param("cr\r\nlf lone\rcr", "cr lf lone cr", id="line-break-in-a-name-is-a-space"),
        pytest.param(
            "Göteborg \u2013 åäö 東京 🙂", "Göteborg \u2013 åäö 東京 🙂", id="unicode-kept"
        ),
    ],
)
def test_text_xml_cannot_carry_is_escaped_and_the_file_stays_valid(name: str, shown: str) -> None:
    data = _export(name)
    root = assert_valid(data)
    names = {text(e, "a:name") for e in root.findall("a:elements/a:element", A)}
    assert names == {shown}
    assert text(root, "a:name") == shown
    assert xml_text(name) == shown


def test_what_an_estate_cannot_hold_is_escaped_all_the_same() -> None:
    """A lone surrogate, U+FFFE and U+FFFF: the loader refuses them, but a backend (a
    database written by other hands) might hand one over."""
    assert xml_text("lone\ud800surrogate") == "lone\\ud800surrogate"
    assert xml_text("not\ufffeone\uffff") == "not\\ufffeone\\uffff"


def test_documentation_keeps_its_line_breaks() -> None:
    assert xml_text("one\r\ntwo\nthree", newlines=True) == "one\ntwo\nthree"


@pytest.mark.parametrize(
    ("node_id", "expected"),
    [
        ("entra-id", "id-entra-id"),
        ("8x8-inc", "id-8x8-inc"),
        ("a.b_c", "id-a.b_c"),
        ("Weird id/é", "id-Z57ZeirdZ20ZidZ2fZZe9Z"),
    ],
)
def test_identifiers_are_ncnames(node_id: str, expected: str) -> None:
    assert identifier(node_id) == expected


def test_the_same_input_gives_the_same_bytes() -> None:
    assert _export("same") == _export("same")


def test_the_schema_check_does_reject_a_broken_file() -> None:
    root = etree.fromstring(_export("x"))
    relation = one(root, "a:relationships/a:relationship")
    relation.set("target", "id-nowhere")  # an IDREF to nothing
    assert not exchange_schema().validate(root)
    node = one(root, ".//a:view/a:node")
    del node.attrib["w"]
    assert not exchange_schema().validate(root)


def test_structure_check_catches_a_dangling_view_reference() -> None:
    root = etree.fromstring(_export("x"))
    node = one(root, ".//a:view/a:node[@elementRef]")
    node.set("elementRef", "id-nowhere")
    with pytest.raises(AssertionError):
        assert_structure(root)


def test_every_relationship_type_has_a_rule() -> None:
    from exitplan.render.archimate import RELATION_RULES  # noqa: PLC0415

    assert set(RELATION_RULES) == set(Rel)


@pytest.mark.parametrize(
    "estate",
    [
        pytest.param(lambda: load_estate(REPO / "graphs" / "gothenburg"), id="the example"),
        pytest.param(lambda: generate(300, seed=3), id="a synthetic estate of 300"),
    ],
)
def test_written_one_element_at_a_time_it_is_the_tree_pretty_printed_at_once(
    estate: Callable[[], Estate],
) -> None:
    """The long runs (elements, relationships, folders, view nodes and connections) are
    serialised element by element and spliced in: the bytes must be what lxml gives for
    the whole document as one tree."""
    graph = EmbeddedGraph(estate())
    vendor = "vendor:microsoft" if graph.info.name == "gothenburg" else "vendor:v-dominant"
    simulation = simulate(graph, [vendor], Options())
    data = dump_archimate(
        graph.info, Subgraph(tuple(graph.nodes()), tuple(graph.edges())), simulation
    )
    tree = etree.fromstring(data, etree.XMLParser(remove_blank_text=True))
    whole = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    assert data == whole
    assert b"exitplan-run-" not in data  # no marker left behind
    assert data.count(b"xmlns=") == 1  # the namespaces declared once, on the model
