"""``RememberedGraph``: the backend's answers, each read once. A simulation through it,
or through a varied estate over it, is the one the backend gives (property test); a
question asked again costs no read; and the sensitivity of the example's exit, which
made some 3,000 queries on Neo4j, asks the backend each question once."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exitplan.graph import EmbeddedGraph, GraphBackend
from exitplan.graph.describe import describe_node
from exitplan.graph.remembered import RememberedGraph
from exitplan.loading import load_estate
from exitplan.model import NodeId
from exitplan.select import Mode
from exitplan.simulate import Options, simulate
from exitplan.simulate.explore import explorer_data
from exitplan.simulate.register import register_rows
from exitplan.simulate.sensitivity import sensitivity
from tests.conftest import EXAMPLE
from tests.simulate.build import Reads, build
from tests.simulate.test_properties import Random, estates
from tests.simulate.test_sensitivity import _varied


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates(), st.data())
def test_a_simulation_through_it_is_the_backend_s(random: Random, data: st.DataObject) -> None:
    withdrawn = data.draw(st.lists(st.sampled_from(random.ids), min_size=1, max_size=3))
    selectors = [f"component:{node_id}" for node_id in withdrawn]
    options = Options(mode=data.draw(st.sampled_from(list(Mode))))
    backend = EmbeddedGraph(random.estate)
    expected = simulate(backend, selectors, options)
    remembered = RememberedGraph(backend)
    assert simulate(remembered, selectors, options) == expected
    assert simulate(remembered, selectors, options) == expected  # from what it kept
    owners = [c for c in random.estate.components if c.depends_on]
    if owners:  # and a varied estate over it, as the sensitivity makes
        owner = data.draw(st.sampled_from(owners))
        target = data.draw(st.sampled_from(owner.depends_on)).ref
        varied: GraphBackend = _varied(remembered, owner.id, target, "absent")
        plain = _varied(backend, owner.id, target, "absent")
        assert simulate(varied, selectors, options) == simulate(plain, selectors, options)


def test_a_question_asked_again_reads_nothing() -> None:
    reads = Reads(EmbeddedGraph(load_estate(EXAMPLE)))
    remembered = RememberedGraph(reads)
    first = simulate(remembered, ["vendor:microsoft"], Options(mode=Mode.EXIT))
    made = sum(reads.reads.values())
    assert made > 0
    assert simulate(remembered, ["vendor:microsoft"], Options(mode=Mode.EXIT)) == first
    assert sum(reads.reads.values()) == made


def test_the_variations_of_an_exit_ask_each_question_about_once() -> None:
    """85 simulations of the example's exit, one per way an assumption could be wrong:
    without ``RememberedGraph`` they made 3,102 reads, one question 595 times; now fewer
    reads than simulations, none made more than twice (the reads before the variations,
    of the assumptions and head counts, are made outside it)."""
    reads = Reads(EmbeddedGraph(load_estate(EXAMPLE)))

    def run(backend: GraphBackend) -> Any:
        return simulate(backend, ["vendor:microsoft"], Options(mode=Mode.EXIT))

    base = run(reads)
    before = Counter(reads.reads)
    analysis = sensitivity(reads, run, base)
    during = reads.reads - before
    assert analysis.simulations == 85
    assert sum(during.values()) < analysis.simulations
    assert max(during.values()) <= 2, during.most_common(3)


@pytest.mark.parametrize("components", [4, 40])
def test_the_register_reads_its_components_offers_at_once(components: int) -> None:
    """Each row of the register withdraws its component and chooses its replacement: the
    offers, candidates and what they realise were read component by component, three
    queries each on Neo4j. They are read for all the rows at once, and the reads do not
    grow with the rows."""
    spec = ["candidate k", "realises k mail"]
    for i in range(components):
        spec += [f"s:s{i} -> a{i}", f"alt k for a{i} R3 weeks=2", f"realises a{i} mail"]
    reads = Reads(build("\n".join(spec)))
    rows = register_rows(reads, [NodeId(f"a{i}") for i in range(components)])
    assert [row.substitutability for row in rows] == [rows[0].substitutability] * components
    offers = {read: n for read, n in reads.reads.items() if "ALTERNATIVE_FOR" in read}
    # the register's own two (every offer; the rows' "alternatives identified"), and one
    # for all the rows' choices
    assert sum(offers.values()) == 3, offers


def _register_reads(components: int) -> tuple[list[str], int]:
    spec = []
    for i in range(components):
        spec += [
            f"s:s{i} -> a{i}",
            f"candidate k{i}",
            f"candidate n{i}",
            f"alt k{i} for a{i} R3 weeks=2",
            f"k{i} -> n{i}",
        ]
    reads = Reads(build("\n".join(spec)))
    rows = register_rows(reads, [NodeId(f"a{i}") for i in range(components)])
    return [row.reason for row in rows], sum(reads.reads.values())


def test_the_register_reads_its_candidates_needs_at_once() -> None:
    """Each row's candidate needs something nobody runs: the rows' searches for what no
    step brings in read each candidate's needs row by row, 1,120 queries of Neo4j for the
    register of 10,000 components. They are read for all the rows at once."""
    few, made_for_few = _register_reads(4)
    many, made_for_many = _register_reads(40)
    assert "needs n0 brought in" in few[0]
    assert len(set(many)) == 40  # each row names its own candidate's need
    assert made_for_many == made_for_few


@pytest.mark.parametrize("dependents", [4, 40])
def test_a_node_is_shown_with_its_neighbours_read_at_once(dependents: int) -> None:
    """``show`` read each neighbour of the node on its own: a query of Neo4j each."""
    reads = Reads(build("\n".join(f"d{i} -> hub" for i in range(dependents))))
    shown = describe_node(reads, NodeId("hub"))
    assert sum(len(neighbours) for neighbours in shown.sections.values()) == dependents + 1
    # the node, its edges each way, then every neighbour at once
    assert reads.by_method() == {"node": 1, "edges_of": 2, "nodes_by_id": 1}


@pytest.mark.parametrize("components", [4, 40])
def test_the_explorer_reads_its_answers_regions_at_once(components: int) -> None:
    """The page answers every withdrawal it offers, and each answer read a dependency
    region of its own: four queries of Neo4j a choice. The region of the whole estate is
    read once, as the embedded backend holds it, and the other reads are shared."""
    spec = [line for i in range(components) for line in (f"s:s{i} -> a{i}", f"a{i} -> base")]
    reads = Reads(build("\n".join(spec)))
    data = explorer_data(reads, most=10**9)
    assert len(data["answers"]) == components + 2  # each component, the base, vendor v
    assert reads.by_method()["dependency_region"] == 1
    assert sum(reads.reads.values()) < 30  # 17 here, whatever the components


def _explorer_reads(vendors: int) -> tuple[int, dict[str, int]]:
    spec = [
        line
        for i in range(vendors)
        for line in (f"s:s{i} -> a{i}", f"a{i} -> base", f"vendor a{i} w{i}")
    ]
    reads = Reads(build("\n".join(spec)))
    data = explorer_data(reads, most=10**9)
    return len(data["answers"]), reads.by_method()


def test_the_explorer_reads_its_vendors_at_once() -> None:
    """Each vendor offered read its subsidiaries, what they provide and what that
    realises: three queries of Neo4j a vendor. Every such link is read at once, whatever
    the vendors."""
    few, made_for_few = _explorer_reads(4)
    many, made_for_many = _explorer_reads(40)
    assert (few, many) == (4 * 2 + 2, 40 * 2 + 2)  # each a and its vendor; base and its v
    assert made_for_many == made_for_few
