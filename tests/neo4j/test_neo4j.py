"""The Neo4j backend against a real server: identical simulations, safe loads, clear faults."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import shlex
import socket
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from benchmarks.synthetic import generate
from exitplan.errors import BackendError
from exitplan.graph import EmbeddedGraph
from exitplan.graph.neo4j import RETRY_SECONDS, Neo4jGraph, Neo4jSettings
from exitplan.graph.port import DependsOn, Direction, Rel
from exitplan.loading import load_estate
from exitplan.model import Estate, NodeId
from exitplan.render.json import dump_simulation_json
from exitplan.simulate import Options, simulate
from exitplan.simulate.explore import explorer_data
from tests.conftest import EXAMPLE, REPO, RunCli, renamed
from tests.neo4j.conftest import OpenGraph, Server
from tests.simulate.build import estate as tiny_estate
from tests.simulate.test_rules import ALTERNATIVES, PLANS, PROPAGATION, Case, Choice, Planned
from tests.test_links import hostile_names

pytestmark = pytest.mark.neo4j
SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))


def test_load_then_simulate_equals_the_embedded_result(
    neo4j_server: Server, run_cli: RunCli
) -> None:
    env = neo4j_server.environment()
    loaded = run_cli("load", "graphs/gothenburg", env=env)
    assert loaded.exit_code == 0, loaded.stderr
    assert loaded.stdout.startswith("Loaded estate gothenburg into bolt://127.0.0.1:")
    assert neo4j_server.password not in loaded.stdout + loaded.stderr
    args = ("-w", "vendor:microsoft", "--format", "json")
    from_database = run_cli(
        "simulate", "--backend", "neo4j", "--estate", "gothenburg", *args, env=env
    )
    from_files = run_cli("simulate", "graphs/gothenburg", *args)
    assert from_database.exit_code == 0, from_database.stderr
    assert from_database.stdout == from_files.stdout
    shown = run_cli("show", "--backend", "neo4j", "--estate", "gothenburg", "intune", env=env)
    assert shown.stdout == run_cli("show", "graphs/gothenburg", "intune").stdout


@pytest.mark.parametrize("command", ["show", "why", "what-breaks-if"])
@pytest.mark.parametrize("node", ["intune/", "./intune", ""])
def test_a_node_id_is_read_as_typed_on_both_backends(
    command: str, node: str, neo4j_server: Server, run_cli: RunCli
) -> None:
    """The id is no path: 'intune/' is no node, whatever folder it would name."""
    env = neo4j_server.environment()
    assert run_cli("load", "graphs/gothenburg", env=env).exit_code == 0
    extra = ("-w", "vendor:microsoft") if command == "why" else ()
    database = run_cli(
        command, "--backend", "neo4j", "--estate", "gothenburg", *extra, node, env=env
    )
    files = run_cli(command, "graphs/gothenburg", *extra, node)
    assert database.exit_code == files.exit_code == 2, (database.stderr, files.stderr)
    assert database.stderr == files.stderr
    assert database.stdout == files.stdout == ""


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.stem for s in SCENARIOS])
def test_every_scenario_is_byte_identical_on_both_backends(
    scenario: Path, neo4j_server: Server, run_cli: RunCli
) -> None:
    env = neo4j_server.environment()
    assert run_cli("load", "graphs/gothenburg", env=env).exit_code == 0
    relative = scenario.relative_to(REPO)
    database = run_cli("run", relative, "--backend", "neo4j", "--format", "json", env=env)
    files = run_cli("run", relative, "--format", "json")
    assert database.exit_code == 0, database.stderr
    assert database.stdout == files.stdout


@pytest.mark.parametrize(
    "command",
    [
        ("run", "--format", "json"),
        ("sensitivity", "--format", "json", "--most", "3"),
        ("compare", "--format", "json"),
    ],
    ids=["run", "sensitivity", "compare"],
)
def test_a_scenario_runs_from_the_database_without_the_estate_files(
    command: tuple[str, ...], neo4j_server: Server, run_cli: RunCli, tmp_path: Path
) -> None:
    """Someone with the database and a scenario file, not the estate's files: with
    --estate, the scenario's estate path is not read, so it need not be there."""
    env = neo4j_server.environment()
    assert run_cli("load", "graphs/gothenburg", env=env).exit_code == 0
    original = REPO / "scenarios" / "lose-intune.yaml"
    moved = tmp_path / "lose-intune.yaml"
    moved.write_text(
        original.read_text(encoding="utf-8").replace(
            "estate: ../graphs/gothenburg", "estate: ../nowhere/gothenburg"
        ),
        encoding="utf-8",
    )
    verb, *options = command
    database = run_cli(
        verb, moved, *options, "--backend", "neo4j", "--estate", "gothenburg", env=env
    )
    files = run_cli(verb, original, *options)
    assert database.exit_code == 0, database.stderr
    assert database.stdout == files.stdout
    without = run_cli(verb, moved, *options)  # from the files, the files are needed
    assert without.exit_code == 2
    assert "no estate at '../nowhere/gothenburg'" in without.stderr


VARIED = [REPO / "scenarios" / f"{name}.yaml" for name in ("lose-intune", "no-secret-outside-eu")]
"""Two scenarios (a component, a legal lens); the report test varies leave-microsoft."""


@pytest.mark.parametrize("scenario", VARIED, ids=[s.stem for s in VARIED])
def test_sensitivity_is_byte_identical_on_both_backends(
    scenario: Path, neo4j_server: Server, run_cli: RunCli
) -> None:
    """The database region holds only what the withdrawal reaches; a variation may change
    an edge outside it (a candidate's own need), which must change nothing there."""
    env = neo4j_server.environment()
    assert run_cli("load", "graphs/gothenburg", env=env).exit_code == 0
    relative = scenario.relative_to(REPO)
    args = ("sensitivity", relative, "--format", "json")
    database = run_cli(*args, "--backend", "neo4j", env=env)
    files = run_cli(*args)
    assert database.exit_code == 0, database.stderr
    assert database.stdout == files.stdout


GROUPED = [case for case in PLANS if "group" in case.spec]


@pytest.mark.parametrize("case", GROUPED, ids=[case.id for case in GROUPED])
def test_plans_through_redundant_groups_are_identical(open_graph: OpenGraph, case: Planned) -> None:
    """The plan reads which members of a group a step waits for from the backend."""
    estate = tiny_estate(case.spec)
    graph = open_graph(estate.name)
    graph.load(estate)
    embedded = dump_simulation_json(simulate(EmbeddedGraph(estate), case.withdraw))
    assert dump_simulation_json(simulate(graph, case.withdraw)) == embedded


TAKEN = [case for case in PROPAGATION if "candidate" in case.spec or "retired" in case.spec]


@pytest.mark.parametrize("case", TAKEN, ids=[case.id for case in TAKEN])
def test_what_is_taken_as_running_is_the_same_from_the_database(
    open_graph: OpenGraph, case: Case
) -> None:
    """A candidate or retired component that what is in use needs is in use: the database
    region must say so as the embedded one does (what needs it is in the region)."""
    estate = tiny_estate(case.spec)
    graph = open_graph(estate.name)
    graph.load(estate)
    embedded = dump_simulation_json(simulate(EmbeddedGraph(estate), case.withdraw))
    assert dump_simulation_json(simulate(graph, case.withdraw)) == embedded


EXCLUDING = [case for case in ALTERNATIVES if "exclude_candidates" in case.options]


@pytest.mark.parametrize("case", EXCLUDING, ids=[case.id for case in EXCLUDING])
def test_what_a_scenario_excludes_is_kept_out_of_reach_alike(
    open_graph: OpenGraph, case: Choice
) -> None:
    """What the exclusions keep out of reach is read from the backend (the candidates lie
    outside the withdrawal's region), with what is in use among them."""
    estate = tiny_estate(case.spec)
    graph = open_graph(estate.name)
    graph.load(estate)
    options = Options(**case.options)
    embedded = dump_simulation_json(simulate(EmbeddedGraph(estate), case.withdraw, options))
    assert dump_simulation_json(simulate(graph, case.withdraw, options)) == embedded


def test_a_synthetic_estate_of_5000_components_is_identical(open_graph: OpenGraph) -> None:
    estate = generate(5000, seed=3)
    graph = open_graph(estate.name)
    graph.load(estate)
    for selectors in (["vendor:v-dominant"], ["component:c4000"], ["jurisdiction:US"]):
        embedded = dump_simulation_json(simulate(EmbeddedGraph(estate), selectors))
        assert dump_simulation_json(simulate(graph, selectors)) == embedded


@pytest.mark.parametrize(
    "estate",
    [load_estate(EXAMPLE), generate(600, seed=5), hostile_names()],
    ids=["example", "synthetic", "hostile-names"],
)
def test_the_explorer_s_answers_are_read_from_the_database_alike(
    estate: Estate, open_graph: OpenGraph
) -> None:
    """Every choice the page answers, each read from one region of the whole estate (the
    answers made 7,686 queries for 524 choices, one region each, and now some 100)."""
    graph = open_graph(estate.name)
    graph.load(estate)
    from_database = explorer_data(graph, most=10**9)
    assert from_database == explorer_data(EmbeddedGraph(estate), most=10**9)
    assert len(from_database["answers"]) > 1


@pytest.mark.parametrize(
    "estate",
    [load_estate(EXAMPLE), generate(3000, seed=4), hostile_names()],
    ids=["example", "synthetic", "hostile-names"],
)
def test_the_links_a_region_is_read_from_are_the_dependency_relationships(
    estate: Estate, open_graph: OpenGraph
) -> None:
    """A region is read from the compact ExitplanLinks, not from the relationships: both
    must say the same of every node. Read back both ways, and the embedded region."""
    graph = open_graph(estate.name)
    graph.load(estate)
    embedded = EmbeddedGraph(estate)
    every = [node.id for node in embedded.nodes()]
    region = graph.dependency_region(every)
    relationships = graph.edges_touching(every, Direction.OUT, [Rel.DEPENDS_ON])
    by_source: dict[str, list[tuple[Any, ...]]] = {}
    for edge in relationships:
        by_source.setdefault(edge.source, []).append(DependsOn.of(edge)[1:])
    for node_id in every:
        assert [e[1:] for e in region.dependencies(node_id)] == by_source.get(node_id, [])
        assert region.dependents(node_id) == embedded._region.dependents(node_id)
        assert region.dependencies(node_id) == embedded._region.dependencies(node_id)
        assert region.node(node_id) == embedded.node(node_id)


_LOAD_AGAIN = ("written by another version of exitplan", "exitplan load PATH")
_OTHER_VERSIONS = {
    # an exitplan from before links switches ``load`` alone
    "no links": (
        "MATCH (e:ExitplanEstate {name: $name}) REMOVE e.links_load, e.links_layout",
        _LOAD_AGAIN,
    ),
    # one that wrote the first form of links: ``needs`` and ``needed_by``, no ``node``
    "the first form of links": (
        "MATCH (e:ExitplanEstate {name: $name}) "
        "SET e.links = e.load REMOVE e.links_load, e.links_layout",
        _LOAD_AGAIN,
    ),
    # a later one, whose form this one cannot know: loading it again with this one would
    # take it away from the newer exitplan's users
    "a later form of links": (
        "MATCH (e:ExitplanEstate {name: $name}) SET e.links_layout = 3",
        ("written by a newer version of exitplan", "upgrade exitplan"),
    ),
}


@pytest.mark.parametrize("version", sorted(_OTHER_VERSIONS))
def test_an_estate_written_by_another_version_is_refused_not_misread(
    version: str, neo4j_server: Server, open_graph: OpenGraph, run_cli: RunCli
) -> None:
    """A copy written without links, or with links in another form, has DEPENDS_ON
    relationships but nothing a region can be read from: read as it is, nothing would
    depend on anything, or the reading would fail. Readers refuse it and say to load it
    again (or, for a newer form, to upgrade); loading again mends it."""
    base = load_estate(EXAMPLE)
    name = "other-version"
    estate = renamed(base, name)
    open_graph(name).load(estate)
    change, expected = _OTHER_VERSIONS[version]
    open_graph(name)._run(change, write=True, name=name)
    args = ("simulate", "--backend", "neo4j", "--estate", name, "-w", "vendor:microsoft")
    refused = run_cli(*args, env=neo4j_server.environment())
    assert refused.exit_code == 2
    for words in expected:
        assert words in refused.stderr
    assert "Traceback" not in refused.stderr
    open_graph(name).load(estate)
    assert run_cli(*args, env=neo4j_server.environment()).exit_code == 0


@pytest.mark.parametrize("lost", ["a withdrawn node's", "a dependent's"])
def test_a_region_missing_links_is_refused_not_read_short(lost: str, open_graph: OpenGraph) -> None:
    """Every node of a whole copy has links. Should one be lost (deleted by hand), a region
    that reaches the node says so, instead of leaving the node out."""
    base = load_estate(EXAMPLE)
    name = "links-lost"
    estate = renamed(base, name)
    graph = open_graph(name)
    graph.load(estate)
    victim = "intune" if lost == "a withdrawn node's" else "autopatch"
    assert "autopatch" in graph.dependents([NodeId("intune")], max_depth=1)
    graph._run(
        "MATCH (w:ExitplanLinks {load: $load, id: $id}) DELETE w",
        write=True,
        load=graph.load_id,
        id=victim,
    )
    with pytest.raises(BackendError, match=f"has no links for '{victim}'.*exitplan load PATH"):
        open_graph(name).dependency_region([NodeId("intune")])


@pytest.mark.parametrize(
    ("field", "value"),
    [("node", '["Bogus", {}]'), ("node", "not json"), ("needs", "[[1, 2]]")],
    ids=["unknown-kind", "not-json", "short-need"],
)
def test_links_changed_by_hand_are_refused_not_a_crash(
    open_graph: OpenGraph, field: str, value: str
) -> None:
    """helper-85: a node's links set by hand to a kind exitplan does not know, or to no
    JSON, crashed the simulation (KeyError, exit 3)."""
    base = load_estate(EXAMPLE)
    name = f"links-changed-{field}-{len(value)}"
    estate = renamed(base, name)
    graph = open_graph(name)
    graph.load(estate)
    graph._run(
        f"MATCH (w:ExitplanLinks {{load: $load, id: $id}}) SET w.{field} = $value",
        write=True,
        load=graph.load_id,
        id="autopatch",
        value=value,
    )
    with pytest.raises(BackendError, match=r"cannot be read .*exitplan load PATH"):
        open_graph(name).dependency_region([NodeId("intune")])


def test_a_copy_written_with_the_first_form_of_links_is_refused_by_the_exitplan_that_wrote_it(
    open_graph: OpenGraph,
) -> None:
    """An exitplan that wrote the first form reads a copy when ``links`` equals ``load``;
    a load removes ``links``, so that such an exitplan refuses this copy, not misreads it."""
    estate = generate(50, seed=1)
    graph = open_graph(estate.name)
    graph.load(estate)
    marker = graph._run(
        "MATCH (e:ExitplanEstate {name: $name}) RETURN e.links AS links, e.load AS load",
        name=estate.name,
    )
    assert marker[0]["links"] is None
    assert marker[0]["load"] == graph.load_id


def _counts(graph: Neo4jGraph) -> tuple[int, int]:
    summary = graph.summary()
    return summary.node_total, summary.relationship_total


def test_loading_twice_gives_the_same_counts_and_keeps_two_copies_at_most(
    open_graph: OpenGraph,
) -> None:
    estate = renamed(load_estate(EXAMPLE), "twice")
    graph = open_graph("twice")
    first = graph.load(estate)
    second = graph.load(estate)
    third = open_graph("twice").load(estate)
    assert (
        (first.node_total, first.relationship_total)
        == (
            second.node_total,
            second.relationship_total,
        )
        == (third.node_total, third.relationship_total)
        == _embedded_counts(estate)
    )
    for label in ("ExitplanNode", "ExitplanLinks"):
        stored = graph._run(  # the copies kept for readers that started before a switch
            f"MATCH (n:{label} {{estate: 'twice'}}) RETURN count(DISTINCT n.load) AS loads"
        )
        assert stored[0]["loads"] == 2, label


@pytest.mark.parametrize(
    "read",
    [
        pytest.param(
            lambda g: g.edges_touching(["intune"], Direction.IN, [Rel.DEPENDS_ON]),
            id="edges-of-known",
        ),
        pytest.param(lambda g: g.dependency_region(["intune"]).walk(), id="region"),
        pytest.param(lambda g: g.nodes(), id="nodes"),
        pytest.param(lambda g: simulate(g, ["component:intune"]), id="simulate"),
    ],
)
def test_a_reader_whose_copy_two_loads_removed_stops_with_a_message(
    open_graph: OpenGraph, read: Any
) -> None:
    """A register run while the estate was loaded twice gave 24 wrong rows with exit 0: the
    reads of a removed copy came back empty, as if nothing depended on anything."""
    base = load_estate(EXAMPLE)
    estate = renamed(base, "removed")
    open_graph("removed").load(estate)
    reader = open_graph("removed")
    reader.nodes_by_id([NodeId("intune")])  # the reader knows its copy and the node
    writer = open_graph("removed")
    writer.load(estate)
    read(reader)  # one load later the reader's copy is still kept: it reads on
    writer.load(estate)
    writer.remove_old_copies()
    with pytest.raises(BackendError, match="was loaded again twice while this command read it"):
        read(reader)


def _embedded_counts(estate: Estate) -> tuple[int, int]:
    """What the same estate holds in the embedded graph: the counts Neo4j must match."""
    summary = EmbeddedGraph(estate).summary()
    return summary.node_total, summary.relationship_total


def test_estates_live_side_by_side(open_graph: OpenGraph) -> None:
    small = generate(50, seed=1)
    other = generate(80, seed=2)
    open_graph(small.name).load(small)
    open_graph(other.name).load(other)
    assert open_graph(small.name).summary().node_total == EmbeddedGraph(small).summary().node_total
    assert open_graph(other.name).summary().node_total == EmbeddedGraph(other).summary().node_total


def test_an_interrupted_load_leaves_the_previous_copy_intact(
    neo4j_server: Server, open_graph: OpenGraph
) -> None:
    base = load_estate(EXAMPLE)
    estate = renamed(base, "interrupted")
    graph = open_graph("interrupted")
    graph.load(estate)
    before = dump_simulation_json(simulate(graph, ["vendor:microsoft"]))
    relay, settings = _relayed(neo4j_server)
    victim = Neo4jGraph(settings, "interrupted", batch_size=20)

    def kill_the_connection(done: int, total: int) -> None:
        if done > total // 2:
            relay.cut_all()  # the connection dies halfway through the load, under both writers

    with victim, pytest.raises(BackendError):
        victim.load(estate, progress=kill_the_connection)
    assert relay.cut.is_set()
    reader = open_graph("interrupted")
    assert dump_simulation_json(simulate(reader, ["vendor:microsoft"])) == before
    assert _counts(reader) == _embedded_counts(estate)
    again = open_graph("interrupted")
    again.load(estate)  # and the next load cleans up the half-written copy
    for label in ("ExitplanNode", "ExitplanLinks"):
        orphans = again._run(
            f"MATCH (n:{label} {{estate: 'interrupted'}}) RETURN count(DISTINCT n.load) AS loads"
        )
        assert orphans[0]["loads"] == 2, label


@pytest.mark.parametrize("when", ["while it writes", "between its count and its switch"])
def test_two_loads_at_once_never_leave_readers_without_a_whole_copy(
    when: str, neo4j_server: Server, open_graph: OpenGraph
) -> None:
    """Two people load the same estate at once. The second runs whole inside the first:
    while the first writes, or after the first has counted its copy but before it
    switches readers to it. The second's removal of old copies takes the first one's copy;
    the first must then stop with a message that says so, not switch readers to nothing."""
    base = load_estate(EXAMPLE)
    name = "at-once"
    estate = renamed(base, name)
    open_graph(name).load(estate)
    expected = dump_simulation_json(simulate(EmbeddedGraph(estate), ["vendor:microsoft"]))
    ran: list[str] = []

    def second_load() -> None:
        if not ran:
            ran.append(when)
            open_graph(name).load(estate)

    class Paused(Neo4jGraph):
        def _run(self, query: str, *, write: bool = False, **parameters: Any) -> Any:
            found = super()._run(query, write=write, **parameters)
            if when.startswith("between") and "ExitplanLinks {load: $load}) RETURN count" in query:
                second_load()  # the last count before the switch has just passed
            return found

    def during(done: int, total: int) -> None:
        if when.startswith("while") and done > total // 2:
            second_load()

    first = Paused(neo4j_server.settings(), name, batch_size=20)
    with first, pytest.raises(BackendError, match="another load of estate 'at-once'"):
        first.load(estate, progress=during)
    assert ran
    reader = open_graph(name)
    assert dump_simulation_json(simulate(reader, ["vendor:microsoft"])) == expected
    assert _counts(reader) == _embedded_counts(estate)


_TAMPERINGS = {
    # a relationship more under the new copy's load id, as a batch run again after its
    # commit went through would write
    "a relationship twice": (
        "MATCH (a:ExitplanNode {estate: $name}) WHERE NOT a.load IN $existing "
        "WITH a LIMIT 1 CREATE (a)-[:DEPENDS_ON]->(a) RETURN a.id AS id"
    ),
    # a links node lost: a region read from the copy would miss a dependency
    "a link lost": (
        "MATCH (w:ExitplanLinks {estate: $name}) WHERE NOT w.load IN $existing "
        "WITH w, w.id AS id LIMIT 1 DELETE w RETURN id"
    ),
}


@pytest.mark.parametrize("tampering", sorted(_TAMPERINGS))
def test_a_copy_written_wrong_is_caught_before_readers_switch(
    tampering: str, neo4j_server: Server, open_graph: OpenGraph
) -> None:
    """Loads write with CREATE; a batch that the driver runs again after its commit went
    through would write its relationships twice, and a lost write would leave one out.
    Here a second writer changes the new copy once it is written, before the switch: the
    counts before the switch refuse the copy, and readers stay on the previous one."""
    base = load_estate(EXAMPLE)
    name = "written-wrong"
    estate = renamed(base, name)
    graph = open_graph(name)
    graph.load(estate)
    before = dump_simulation_json(simulate(graph, ["vendor:microsoft"]))
    other = open_graph(name)
    copies = "MATCH (n:ExitplanNode {estate: $name}) RETURN collect(DISTINCT n.load) AS loads"
    existing = other._run(copies, name=name)[0]["loads"]
    changed: list[dict[str, Any]] = []

    def tamper(done: int, total: int) -> None:
        if done == total and not changed:
            query = _TAMPERINGS[tampering]
            changed.extend(other._run(query, write=True, name=name, existing=existing))

    loader = Neo4jGraph(neo4j_server.settings(), name, batch_size=20)
    with loader, pytest.raises(BackendError, match="load again"):
        loader.load(estate, progress=tamper)
    assert changed
    reader = open_graph(name)
    assert dump_simulation_json(simulate(reader, ["vendor:microsoft"])) == before
    assert _counts(reader) == _embedded_counts(estate)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"NEO4J_URI": "bolt://127.0.0.1:9"}, "no Neo4j server answers at bolt://127.0.0.1:9"),
        ({"NEO4J_PASSWORD": "not-the-password"}, "wrong user or password"),
        (
            {"NEO4J_PASSWORD": "not-the-password", "NEO4J_USER": ""},
            "refused user 'neo4j'",  # an empty variable is unset: the default user
        ),
        (
            {"NEO4J_DATABASE": "nosuchdatabase"},
            "has no database 'nosuchdatabase' (NEO4J_DATABASE): name one that exists, or unset",
        ),
        # the system database refused the queries in a message of several lines
        ({"NEO4J_DATABASE": "system"}, "names 'system', Neo4j's own database"),
    ],
)
def test_faults_are_one_readable_line(
    override: dict[str, str], message: str, neo4j_server: Server, run_cli: RunCli
) -> None:
    env = {**neo4j_server.environment(), **override}
    result = run_cli(
        "simulate",
        "--backend",
        "neo4j",
        "--estate",
        "gothenburg",
        "-w",
        "vendor:microsoft",
        env=env,
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "not-the-password" not in result.stderr


def test_an_estate_not_in_the_database_is_told_with_the_ones_it_holds(
    neo4j_server: Server, run_cli: RunCli
) -> None:
    env = neo4j_server.environment()
    assert run_cli("load", "graphs/gothenburg", env=env).exit_code == 0
    result = run_cli("show", "--backend", "neo4j", "--estate", "Gothenburg", "intune", env=env)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert "holds no estate named 'Gothenburg'; did you mean 'gothenburg'? (it holds " in line
    assert line.endswith("write it there with: exitplan load PATH")


def test_a_path_beside_estate_is_said_to_be_unread(neo4j_server: Server, run_cli: RunCli) -> None:
    """simulate graphs/gothenburg --estate other read 'other' without a word."""
    env = neo4j_server.environment()
    assert run_cli("load", "graphs/gothenburg", env=env).exit_code == 0
    result = run_cli(
        "show", "/nowhere", "--backend", "neo4j", "--estate", "gothenburg", "intune", env=env
    )
    assert result.exit_code == 0, result.stderr
    assert "/nowhere is not read: with --estate the estate 'gothenburg' is read from" in (
        result.stderr
    )


def test_tls_asked_of_a_plain_server_is_said(neo4j_server: Server, run_cli: RunCli) -> None:
    secure = neo4j_server.uri.replace("bolt://", "bolt+s://", 1)
    env = {**neo4j_server.environment(), "NEO4J_URI": secure}
    result = run_cli("show", "--backend", "neo4j", "--estate", "gothenburg", "intune", env=env)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"exitplan: no Neo4j server answers at {secure}")
    assert line.endswith("Does it speak TLS, as the scheme asks?")


ANSWERS = {
    "web": b"HTTP/1.1 400 Bad Request\r\n\r\n",
    "ssh": b"SSH-2.0-OpenSSH_9.2\r\n",
    "smtp": b"220 mail.example ESMTP\r\n",
    "no-bolt-version": b"\x00\x00\x09\x09",
}
"""What servers that are not Neo4j answer to Bolt's handshake."""


def _answering(listening: socket.socket, answer: bytes) -> None:
    """Answer each connection at once as another kind of server does, not as Neo4j."""
    with contextlib.suppress(OSError):
        while True:
            connection, _ = listening.accept()
            with connection:
                connection.recv(64)
                connection.sendall(answer)


@pytest.mark.parametrize("server", [*ANSWERS, "no-such-name"])
def test_a_server_that_is_not_neo4j_is_said_at_once(
    server: str, neo4j_server: Server, run_cli: RunCli
) -> None:
    """helper-85: a web server's answer, at once, was told as none "within 10 s"; and a
    name that does not resolve as "name or service not known [Errno -2; is it ...".
    helper-99: an SSH or mail server, or a version Bolt does not know, was told as the
    driver's "50N42: Unexpected error has occurred. See debug log for details." """
    listening = socket.create_server(("127.0.0.1", 0))
    answer = ANSWERS.get(server, b"")
    threading.Thread(target=_answering, args=(listening, answer), daemon=True).start()
    uri = (
        f"bolt://127.0.0.1:{listening.getsockname()[1]}"
        if server != "no-such-name"
        else "bolt://no-such-name.invalid:7687"
    )
    env = {**neo4j_server.environment(), "NEO4J_URI": uri}
    try:
        result = run_cli("show", "--backend", "neo4j", "--estate", "gothenburg", "a", env=env)
    finally:
        listening.close()
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"exitplan: no Neo4j server answers at {uri}: ")
    assert "within" not in line
    assert "[" not in line
    assert "Unexpected error" not in line
    if server == "web":
        assert "a web server answered there, not Bolt (Neo4j's browser port?)" in line
    elif server != "no-such-name":
        assert ": what answered there speaks no Bolt version this exitplan knows" in line


class _Relay:
    """A TCP relay to the server on a port of its own, which can cut every connection
    it carries (a server that dies or a network that drops mid-command): when told, or
    as soon as the client sends ``cut_at`` (a query's words: Bolt sends them as text)."""

    def __init__(self, target: tuple[str, int], cut_at: bytes | None = None) -> None:
        self.target = target
        self.cut_at = cut_at
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open: list[socket.socket] = []
        self.cut = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.cut.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.open += [client, server]
            for one, other in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(one, other), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if self.cut_at is not None and self.cut_at in data:
                    self.cut_all()
                    return
                sink.sendall(data)

    def drop_open(self) -> int:
        """Close the connections it carries, and go on accepting new ones (a firewall or
        load balancer that forgets an idle connection); returns how many it closed."""
        dropped = len(self.open) // 2  # each is a client's socket and the server's
        for one in self.open:
            with contextlib.suppress(OSError):
                one.shutdown(socket.SHUT_RDWR)
            one.close()
        self.open.clear()
        return dropped

    def cut_all(self) -> None:
        self.cut.set()
        for one in [self.listener, *self.open]:
            with contextlib.suppress(OSError):
                one.shutdown(socket.SHUT_RDWR)
            one.close()


def _relayed(server: Server, cut_at: bytes | None = None) -> tuple[_Relay, Neo4jSettings]:
    """A relay to the test server, and the settings that reach the server through it."""
    parts = urlsplit(server.uri)
    assert parts.hostname is not None
    assert parts.port is not None
    relay = _Relay((parts.hostname, parts.port), cut_at=cut_at)
    settings = dataclasses.replace(server.settings(), uri=f"bolt://127.0.0.1:{relay.port}")
    return relay, settings


def test_a_connection_dropped_while_idle_is_replaced_without_a_word(
    neo4j_server: Server, open_graph: OpenGraph
) -> None:
    """A connection left idle in the pool during a long computation, and closed meanwhile
    by something between (a firewall, a load balancer), is replaced by the driver when
    next used (helper-104 asked): the server never stopped answering, so nothing is
    said."""
    open_graph("gothenburg").load(load_estate(EXAMPLE))
    relay, settings = _relayed(neo4j_server)
    told: list[str] = []
    with Neo4jGraph(settings, "gothenburg", waiting=told.append) as graph:
        assert graph.node(NodeId("intune")).name == "Microsoft Intune"
        assert relay.drop_open() >= 1
        time.sleep(0.5)
        assert graph.node(NodeId("intune")).name == "Microsoft Intune"
        assert relay.open  # through a connection of its own
    assert told == []


def test_a_connection_lost_during_a_command_is_told_as_lost(
    neo4j_server: Server, open_graph: OpenGraph
) -> None:
    open_graph("gothenburg").load(load_estate(EXAMPLE))
    relay, settings = _relayed(neo4j_server)
    with Neo4jGraph(settings, "gothenburg") as graph:
        assert graph.node(NodeId("intune")).name == "Microsoft Intune"
        relay.cut_all()
        with pytest.raises(BackendError) as raised:
            graph.nodes()
    assert "stopped answering during the command (the connection was lost)" in str(raised.value)


def test_a_lost_connection_is_told_at_once_and_tried_again(
    neo4j_server: Server, open_graph: OpenGraph
) -> None:
    """The command tries again for some seconds before it gives up: that it waits is
    told when the connection is lost, once, not only after the wait (30 s in all,
    helper-99)."""
    open_graph("gothenburg").load(load_estate(EXAMPLE))
    relay, settings = _relayed(neo4j_server)
    told: list[tuple[str, bool]] = []
    with Neo4jGraph(
        settings, "gothenburg", waiting=lambda text: told.append((text, False))
    ) as graph:
        assert graph.node(NodeId("intune")).name == "Microsoft Intune"
        relay.cut_all()
        with pytest.raises(BackendError) as raised:
            graph.nodes()
        told.append((str(raised.value), True))
    assert told == [
        (
            f"the Neo4j server at {settings.shown} stopped answering; trying again for about "
            f"{RETRY_SECONDS:g} s (Ctrl-C stops)",
            False,
        ),
        (
            f"the Neo4j server at {settings.shown} stopped answering during the command (the "
            "connection was lost); is it still running?",
            True,
        ),
    ]


def test_a_command_whose_connection_is_lost_says_it_waits(
    neo4j_server: Server, open_graph: OpenGraph, run_cli: RunCli
) -> None:
    """The command, run as a user runs it: the notice on stderr, then the error, exit 2."""
    open_graph("gothenburg").load(load_estate(EXAMPLE))
    # the relay cuts at the first read of dependencies
    _relay, settings = _relayed(neo4j_server, cut_at=b"ExitplanLinks")
    uri = settings.uri
    env = {**neo4j_server.environment(), "NEO4J_URI": uri}
    result = run_cli(
        "simulate",
        "--backend",
        "neo4j",
        "--estate",
        "gothenburg",
        "-w",
        "vendor:microsoft",
        env=env,
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"exitplan: notice: the Neo4j server at {uri} stopped answering; trying again for "
        f"about {RETRY_SECONDS:g} s (Ctrl-C stops)",
        f"exitplan: the Neo4j server at {uri} stopped answering during the command (the "
        "connection was lost); is it still running?",
    ]


def test_a_load_whose_old_copies_cannot_be_removed_says_it_loaded(
    neo4j_server: Server, open_graph: OpenGraph, run_cli: RunCli
) -> None:
    """The connection is lost after readers were switched to the new copy, as the old
    copies are removed: the error said the server's words alone, which read as a failed
    load (helper-99). It says the estate was loaded, and readers see it."""
    open_graph("gothenburg").load(load_estate(EXAMPLE))
    read = "MATCH (e:ExitplanEstate {name: 'gothenburg'}) RETURN e.load AS load"
    before = open_graph("gothenburg")._run(read)
    # the relay cuts at the first removal of old copies, after the switch
    _relay, settings = _relayed(neo4j_server, cut_at=b"WHERE NOT n.load IN keep")
    env = {**neo4j_server.environment(), "NEO4J_URI": settings.uri}
    result = run_cli("load", "graphs/gothenburg", env=env)
    assert result.exit_code == 2
    assert result.stdout.startswith(f"Loaded estate gothenburg into {settings.uri}: ")
    assert result.stderr.splitlines()[-1] == (
        "exitplan: estate gothenburg was loaded, and readers see it, but its older copies "
        f"could not be removed (the next load removes them): the Neo4j server at "
        f"{settings.uri} stopped answering during the command (the connection was lost); is "
        "it still running?"
    )
    graph = open_graph("gothenburg")
    assert graph._run(read) != before  # readers see this load's copy
    assert graph.node(NodeId("intune")).name == "Microsoft Intune"


def test_a_load_whose_connection_is_lost_claims_nothing_of_what_readers_see(
    neo4j_server: Server, open_graph: OpenGraph
) -> None:
    """With the connection gone, the load cannot know whether its switch committed: it said
    "readers still see the copy loaded before" all the same."""
    estate = load_estate(EXAMPLE)
    open_graph("gothenburg").load(estate)
    relay, settings = _relayed(neo4j_server)
    with Neo4jGraph(settings, "gothenburg") as graph, pytest.raises(BackendError) as raised:
        graph.load(estate, progress=lambda _done, _total: relay.cut_all())
    assert "stopped answering during the command" in str(raised.value)
    assert "readers" not in str(raised.value)
    assert open_graph("gothenburg").node(NodeId("intune")).name == "Microsoft Intune"


def test_the_password_never_comes_from_argv(run_cli: RunCli) -> None:
    result = run_cli("load", "graphs/gothenburg", "--password", "secret")
    assert result.exit_code == 2
    assert "No such option" in result.stderr


CYPHER = re.compile(r"```cypher\n(?P<query>.*?)```", re.DOTALL)
PARAMS = re.compile(r"^// params: (?P<params>\{.*\})$", re.MULTILINE)


def test_every_query_in_the_neo4j_guide_runs(
    open_graph: OpenGraph, run_cli: RunCli, neo4j_server: Server
) -> None:
    assert run_cli("load", "graphs/gothenburg", env=neo4j_server.environment()).exit_code == 0
    guide = (REPO / "docs" / "neo4j.md").read_text(encoding="utf-8")
    queries = [match.group("query") for match in CYPHER.finditer(guide)]
    assert len(queries) >= 3
    graph = open_graph("gothenburg")
    for query in queries:
        found = PARAMS.search(query)
        params: dict[str, Any] = json.loads(found.group("params")) if found else {}
        rows = graph._run(query, **params)
        assert rows, f"no rows from:\n{query}"


@pytest.mark.parametrize("view", ["estate", "impact", "plan"])
def test_diagrams_from_the_database_equal_those_from_files(
    view: str, neo4j_server: Server, run_cli: RunCli, tmp_path: Path
) -> None:
    env = neo4j_server.environment()
    assert run_cli("load", "graphs/gothenburg", env=env).exit_code == 0
    from_files, from_database = tmp_path / "files.dot", tmp_path / "database.dot"
    args = ("-w", "vendor:microsoft", "--view", view)
    assert run_cli("diagram", "graphs/gothenburg", *args, "-o", from_files).exit_code == 0
    result = run_cli(
        "diagram",
        "--backend",
        "neo4j",
        "--estate",
        "gothenburg",
        *args,
        "-o",
        from_database,
        env=env,
    )
    assert result.exit_code == 0, result.stderr
    assert from_database.read_bytes() == from_files.read_bytes()


@pytest.mark.parametrize(
    "command",
    [
        ("check", "--format", "json"),
        ("register", "--format", "csv"),
    ],
    ids=["check", "register"],
)
def test_the_legal_lens_reads_the_database_alike(
    command: tuple[str, ...], neo4j_server: Server, run_cli: RunCli
) -> None:
    env = neo4j_server.environment()
    assert run_cli("load", "graphs/gothenburg", env=env).exit_code == 0
    name, *options = command
    files = run_cli(name, "graphs/gothenburg", *options)
    database = run_cli(name, "--backend", "neo4j", "--estate", "gothenburg", *options, env=env)
    assert database.exit_code == 0, database.stderr
    assert database.stdout == files.stdout


def test_the_report_reads_the_database_alike(
    neo4j_server: Server, run_cli: RunCli, tmp_path: Path
) -> None:
    env = neo4j_server.environment()
    assert run_cli("load", "graphs/gothenburg", env=env).exit_code == 0
    files, database = tmp_path / "files.md", tmp_path / "database.md"
    scenario = "scenarios/leave-microsoft.yaml"
    assert run_cli("report", scenario, "-o", files).exit_code == 0
    result = run_cli("report", scenario, "--backend", "neo4j", "-o", database, env=env)
    assert result.exit_code == 0, result.stderr
    assert database.read_bytes() == files.read_bytes()


def test_the_archimate_export_reads_the_database_alike(
    neo4j_server: Server, run_cli: RunCli, tmp_path: Path
) -> None:
    """Every fact the export writes for the round trip (contract terms, exit plans, roles,
    owners, a flow's K/R/T...) is in the database as in the files."""
    env = neo4j_server.environment()
    assert run_cli("load", "graphs/gothenburg", env=env).exit_code == 0
    files, database = tmp_path / "files.xml", tmp_path / "database.xml"
    scenario = "scenarios/leave-microsoft.yaml"
    assert run_cli("export", "archimate", scenario, "-o", files).exit_code == 0
    result = run_cli("export", "archimate", scenario, "--backend", "neo4j", "-o", database, env=env)
    assert result.exit_code == 0, result.stderr
    assert database.read_bytes() == files.read_bytes()


def test_an_imported_estate_varies_the_same_from_the_database(
    neo4j_server: Server, run_cli: RunCli, tmp_path: Path
) -> None:
    """What an import inferred is a property of the node and of the edge (a list in the
    database, a tuple in memory): what it makes assumed, and how it is varied, must read
    the same from both."""
    env = neo4j_server.environment()
    imported = tmp_path / "archisurance"
    model = REPO / "tests" / "fixtures" / "archimate" / "archisurance.xml"
    assert run_cli("import", model, "-o", imported).exit_code == 0
    assert run_cli("load", imported, env=env).exit_code == 0
    scenario = tmp_path / "lan.yaml"
    scenario.write_text(  # a dependency the import derived (its ref inferred) is varied
        "id: lan\ntitle: Lose a service\nestate: archisurance\n"
        "withdraw: [service:customer-data-mutation-service]\n",
        encoding="utf-8",
    )
    args = ("sensitivity", scenario, "--format", "json")
    database = run_cli(*args, "--backend", "neo4j", "--estate", "archisurance", env=env)
    files = run_cli(*args)
    assert database.exit_code == 0, database.stderr
    assert database.stdout == files.stdout
    assert "inferred by the import" in files.stdout


def test_a_flow_whose_data_an_import_took_by_default_is_checked_alike(
    neo4j_server: Server, run_cli: RunCli, tmp_path: Path
) -> None:
    """The check reads a flow's inferred fields from the database as from the files."""
    env = neo4j_server.environment()
    imported = tmp_path / "saasbom"
    source = REPO / "tests" / "fixtures" / "cyclonedx" / "valid-saasbom-1.6.json"
    assert run_cli("import", source, "-o", imported).exit_code == 0
    assert run_cli("load", imported, env=env).exit_code == 0
    files = run_cli("check", imported, "--format", "json")
    database = run_cli(
        "check", "--backend", "neo4j", "--estate", "saasbom", "--format", "json", env=env
    )
    assert database.exit_code == 0, database.stderr
    assert database.stdout == files.stdout
    assert '"personal_data": "not recorded"' in files.stdout


@pytest.mark.parametrize("command", ["simulate", "run"])
def test_the_command_that_draws_a_part_keeps_the_database_given(
    command: str, neo4j_server: Server, run_cli: RunCli, tmp_path: Path
) -> None:
    """``--neo4j-uri`` and ``--neo4j-user`` given to simulate or run are in the ``exitplan
    diagram`` command it suggests (the environment's address is another server here);
    after run, with the scenario file, which names the estate in the database."""
    from tests.cli.test_diagrams import _wide_estate  # noqa: PLC0415

    estate, scenario = _wide_estate(tmp_path / "estate")
    assert run_cli("load", estate, env=neo4j_server.environment()).exit_code == 0
    env = {"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_USER": "nobody"}
    env["NEO4J_PASSWORD"] = neo4j_server.password
    given = ("--neo4j-uri", neo4j_server.uri, "--neo4j-user", neo4j_server.user)
    svg = tmp_path / "impact.svg"
    what = (
        ["simulate", "--backend", "neo4j", "--estate", "hostile", *given, "-w", "vendor:v"]
        if command == "simulate"
        else ["run", scenario, "--backend", "neo4j", *given, "--max-bytes", "5MiB"]
    )  # the scenario's files name the estate: they are read, within the budget given
    result = run_cli(*what, "--diagram", svg, env=env)
    assert result.exit_code == 0, result.stderr
    hint = re.search(r"(exitplan diagram .*) draws any part of it whole", result.stderr)
    assert hint is not None, result.stderr
    words = shlex.split(hint.group(1).replace("--focus ID --depth N -o FILE", ""))
    assert words[2:] == (
        ["--backend", "neo4j", "--estate", "hostile", *given, "-w", "vendor:v"]
        if command == "simulate"
        else ["--scenario", str(scenario), "--backend", "neo4j", *given, "--max-bytes", "5242880"]
    ) + ["--view", "impact"]
    part = tmp_path / "part.svg"
    drawn = run_cli(*words[1:], "--focus", "c000", "--depth", "1", "-o", part, env=env)
    assert drawn.exit_code == 0, drawn.stderr
    assert part.exists()
    assert neo4j_server.password not in result.stderr


def test_first_loads_at_once_on_a_new_database_make_the_schema_between_them(
    neo4j_server: Server,
) -> None:
    """Loads of other estates may run side by side; on a database without the schema,
    the server said an index "already exists" to all but one of those making it at once,
    ``IF NOT EXISTS`` notwithstanding, and the load ended with exit 2 (helper-99)."""
    graphs = [Neo4jGraph(neo4j_server.settings(), f"schema-{i}") for i in range(30)]
    with contextlib.ExitStack() as stack:
        for graph in graphs:
            stack.enter_context(graph)
        for name in ("exitplan_node_key", "exitplan_estate_name", "exitplan_links_key"):
            graphs[0]._run(f"DROP CONSTRAINT {name} IF EXISTS", write=True)
        for name in ("exitplan_node_estate", "exitplan_links_estate"):
            graphs[0]._run(f"DROP INDEX {name} IF EXISTS", write=True)
        assert not {n for n in graphs[0]._schema_names() if n.startswith("exitplan_")}
        start = threading.Barrier(len(graphs))
        failed: list[str] = []

        def make(graph: Neo4jGraph) -> None:
            start.wait()
            try:
                graph.ensure_schema()
            except BackendError as error:
                failed.append(str(error))

        threads = [threading.Thread(target=make, args=(graph,)) for graph in graphs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failed == []
        made = {n for n in graphs[0]._schema_names() if n.startswith("exitplan_")}
        assert made == {
            "exitplan_node_key",
            "exitplan_estate_name",
            "exitplan_node_estate",
            "exitplan_links_key",
            "exitplan_links_estate",
        }


def test_the_command_that_draws_a_part_gives_the_address_without_its_query(
    neo4j_server: Server, run_cli: RunCli, tmp_path: Path
) -> None:
    """What follows '?' (a routing context, perhaps a token) is in no message: the
    suggested ``exitplan diagram`` command repeated it whole (helper-99)."""
    from tests.cli.test_diagrams import _wide_estate  # noqa: PLC0415

    estate, _ = _wide_estate(tmp_path / "estate")
    assert run_cli("load", estate, env=neo4j_server.environment()).exit_code == 0
    routed = neo4j_server.uri.replace("bolt://", "neo4j://") + "?region=eu&token=s3cretTOKEN"
    what = ["simulate", "--backend", "neo4j", "--estate", "hostile", "--neo4j-uri", routed]
    result = run_cli(
        *what,
        "-w",
        "vendor:v",
        "--diagram",
        tmp_path / "impact.svg",
        env=neo4j_server.environment(),
    )
    assert result.exit_code == 0, result.stderr
    hint = re.search(r"(exitplan diagram .*) draws any part of it whole", result.stderr)
    assert hint is not None, result.stderr
    assert "s3cretTOKEN" not in result.stderr
    assert "--neo4j-uri " + routed.split("?")[0] in hint.group(1)


@pytest.mark.parametrize("command", [("simulate", "-w", "vendor:x"), ("unload", "--yes")])
def test_an_estate_name_of_any_length_is_told_in_one_line(
    command: tuple[str, ...], neo4j_server: Server, run_cli: RunCli
) -> None:
    """A 100,000-character ``--estate`` was repeated whole: 100,170 bytes of message
    (helper-99)."""
    name = "a" * 100_000
    args = (
        ["unload", name, "--yes"]
        if command[0] == "unload"
        else ["simulate", "--backend", "neo4j", "--estate", name, *command[1:]]
    )
    result = run_cli(*args, env=neo4j_server.environment())
    assert result.exit_code == 2
    assert "(100,000 characters)" in result.stderr
    assert len(result.stderr) < 1_000
