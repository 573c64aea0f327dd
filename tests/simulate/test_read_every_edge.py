"""``RememberedGraph.read_every_edge``: after it, every answer is the backend's own
(property test against ``EmbeddedGraph``): edges touching nodes, of one type or several,
read before or after; searches along read, unread and mixed types, either way, at any
depth; an unknown id raising as the backend raises."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exitplan.graph import EmbeddedGraph
from exitplan.graph.port import Direction, Rel
from exitplan.graph.remembered import RememberedGraph
from exitplan.model import Estate

RELS = [Rel.SUBSIDIARY_OF, Rel.PROVIDED_BY, Rel.REALISES, Rel.DEPENDS_ON, Rel.ALTERNATIVE_FOR]


@st.composite
def estates(draw: st.DrawFn) -> tuple[Estate, list[str]]:
    vendors = [f"v{i}" for i in range(draw(st.integers(1, 6)))]
    capabilities = [f"cap{i}" for i in range(draw(st.integers(0, 3)))]
    components = [f"c{i}" for i in range(draw(st.integers(1, 8)))]
    vendor_rows = []
    for index, vendor in enumerate(vendors):
        row: dict[str, Any] = {"id": vendor, "name": vendor.upper()}
        if index and draw(st.booleans()):  # a parent listed before it: no loop
            row["parent"] = draw(st.sampled_from(vendors[:index]))
        vendor_rows.append(row)
    component_rows = []
    for component in components:
        providers = draw(st.lists(st.sampled_from(vendors), min_size=1, max_size=3, unique=True))
        others = [c for c in components if c != component]
        component_rows.append(
            {
                "id": component,
                "name": component.upper(),
                "delivery": "saas",
                "vendors": [{"vendor": v, "roles": ["operator"]} for v in providers],
                "capabilities": {
                    c: draw(st.sampled_from(["full", "partial"]))
                    for c in draw(st.lists(st.sampled_from(capabilities), unique=True))
                }
                if capabilities
                else {},
                "depends_on": [
                    {"ref": t}
                    for t in draw(st.lists(st.sampled_from(others), unique=True, max_size=3))
                ]
                if others
                else [],
            }
        )
    estate = Estate.model_validate(
        {
            "info": {"name": "tiny"},
            "vendors": vendor_rows,
            "components": component_rows,
            "capabilities": [{"id": c, "name": c} for c in capabilities],
        }
    )
    return estate, [*vendors, *components, *capabilities, "nowhere"]


def _answer(call: Any) -> Any:
    try:
        return ("ok", call())
    except Exception as error:  # the same error, or the same answer
        return ("raised", type(error).__name__, str(error))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates(), st.data())
def test_after_reading_every_edge_each_answer_is_the_backend_s(
    drawn: tuple[Estate, list[str]], data: st.DataObject
) -> None:
    estate, ids = drawn
    backend = EmbeddedGraph(estate)
    remembered = RememberedGraph(backend)
    questions = st.tuples(
        st.sampled_from(["touching", "dependents", "dependencies"]),
        st.lists(st.sampled_from(ids), max_size=3),
        st.sampled_from(list(Direction)),
        st.lists(st.sampled_from(RELS), unique=True, max_size=3),
        st.sampled_from([None, 0, 1, 2]),
    )

    def ask(question: tuple[Any, ...]) -> Any:
        kind, asked, direction, rels, depth = question
        for graph in (backend, remembered):
            if kind == "touching":
                yield _answer(lambda g=graph: g.edges_touching(asked, direction, rels))
            else:
                search = getattr(graph, kind)
                yield _answer(lambda s=search: s(asked, max_depth=depth, rels=rels))

    for question in data.draw(st.lists(questions, max_size=4)):  # read before
        expected, got = ask(question)
        assert got == expected, question
    remembered.read_every_edge(data.draw(st.lists(st.sampled_from(RELS), unique=True)))
    for question in data.draw(st.lists(questions, min_size=1, max_size=10)):
        expected, got = ask(question)
        assert got == expected, question
