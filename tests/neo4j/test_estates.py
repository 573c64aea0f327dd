"""The estates a Neo4j database holds: ``exitplan estates`` lists them, ``exitplan unload``
removes one, every copy of it, and leaves the others as they were."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from benchmarks.synthetic import generate
from exitplan.errors import BackendError, UsageError
from exitplan.graph import EmbeddedGraph
from exitplan.graph.neo4j import Neo4jGraph
from exitplan.loading import load_estate
from exitplan.model import NodeId
from exitplan.render.json import dump_simulation_json
from exitplan.simulate import simulate
from tests.conftest import RunCli, renamed
from tests.neo4j.conftest import OpenGraph, Server
from tests.reliability.test_outputs import write_estate


def _estate(folder: Path, name: str) -> Path:
    """A small estate named ``name``, titled ``Title of name``, dated 2026-01-01."""
    estate, _ = write_estate(folder, "Plain")
    data = json.loads(estate.read_text(encoding="utf-8"))
    data["estate"].update(name=name, title=f"Title of {name}")
    estate.write_text(json.dumps(data), encoding="utf-8")
    return estate


def _loaded(run_cli: RunCli, server: Server, folder: Path, name: str) -> None:
    result = run_cli("load", _estate(folder / name, name), env=server.environment())
    assert result.exit_code == 0, result.stderr


def _nodes_of(graph: Neo4jGraph, name: str) -> int:
    rows = graph._run(
        "CALL { MATCH (n:ExitplanNode {estate: $name}) RETURN count(n) AS nodes } "
        "CALL { MATCH (w:ExitplanLinks {estate: $name}) RETURN count(w) AS links } "
        "RETURN nodes + links AS total",
        name=name,
    )
    return int(rows[0]["total"])


def test_estates_lists_each_estate_with_its_title_date_and_size(
    neo4j_server: Server, run_cli: RunCli, tmp_path: Path
) -> None:
    for name in ("listed-b", "listed-a"):
        _loaded(run_cli, neo4j_server, tmp_path, name)
    result = run_cli("estates", env=neo4j_server.environment())
    assert result.exit_code == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    rows = {line[0]: line[1:] for line in lines if line and line[0].startswith("listed-")}
    assert rows == {
        "listed-a": ["Title", "of", "listed-a", "2026-01-01", "9"],
        "listed-b": ["Title", "of", "listed-b", "2026-01-01", "9"],
    }
    assert result.stdout.index("listed-a") < result.stdout.index("listed-b")  # by name


def test_unload_removes_every_copy_of_one_estate_and_no_other(
    neo4j_server: Server, run_cli: RunCli, open_graph: OpenGraph, tmp_path: Path
) -> None:
    for name in ("kept", "removed", "removed"):  # loaded twice: two copies to remove
        _loaded(run_cli, neo4j_server, tmp_path, name)
    graph = open_graph("kept")
    assert _nodes_of(graph, "removed") > 0
    before = _nodes_of(graph, "kept")
    result = run_cli("unload", "removed", "--yes", env=neo4j_server.environment())
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Removed estate removed from bolt://")
    assert result.stdout.endswith(": 18 nodes (2 copies).\n")  # 9 in each
    assert _nodes_of(graph, "removed") == 0
    assert _nodes_of(graph, "kept") == before
    assert "removed" not in run_cli("estates", env=neo4j_server.environment()).stdout.split()
    gone = run_cli(
        "show", "--backend", "neo4j", "--estate", "removed", env=neo4j_server.environment()
    )
    assert gone.exit_code == 2
    assert "holds no estate named 'removed'" in gone.stderr
    kept = run_cli(
        "show", "--backend", "neo4j", "--estate", "kept", "a", env=neo4j_server.environment()
    )
    assert kept.exit_code == 0, kept.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("unload", "no-such-estate", "--yes"), "holds no estate named 'no-such-estate'"),
        (("unload", "no-such-estate"), "removing estate 'no-such-estate' needs --yes"),
        (("unload", "evil\x1b[2J\u202e", "--yes"), "holds no estate named 'evil\\x1b[2J"),
    ],
    ids=["unknown", "not-asked", "control-characters"],
)
def test_unload_refuses_what_it_cannot_do(
    neo4j_server: Server, run_cli: RunCli, args: tuple[str, ...], said: str
) -> None:
    result = run_cli(*args, env=neo4j_server.environment())
    assert result.exit_code == 2
    assert said in result.stderr
    assert "Traceback" not in result.stderr
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", result.stderr)


def test_an_interrupted_unload_is_finished_by_running_it_again(
    neo4j_server: Server, run_cli: RunCli, open_graph: OpenGraph, tmp_path: Path
) -> None:
    """An unload stopped after it removed the estate node leaves nodes no reader finds;
    the same command removes them."""
    _loaded(run_cli, neo4j_server, tmp_path, "half-gone")
    graph = open_graph("half-gone")
    graph._run("MATCH (e:ExitplanEstate {name: 'half-gone'}) DELETE e", write=True)
    assert _nodes_of(graph, "half-gone") > 0
    result = run_cli("unload", "half-gone", "--yes", env=neo4j_server.environment())
    assert result.exit_code == 0, result.stderr
    assert _nodes_of(graph, "half-gone") == 0


def test_an_unload_stopped_with_only_links_left_is_finished_by_running_it_again(
    neo4j_server: Server, run_cli: RunCli, open_graph: OpenGraph, tmp_path: Path
) -> None:
    """Stopped after its last node and before its last links, it found "no estate named"
    and left the links for ever."""
    _loaded(run_cli, neo4j_server, tmp_path, "links-left")
    graph = open_graph("links-left")
    graph._run(
        "MATCH (n) WHERE (n:ExitplanEstate AND n.name = $name) "
        "OR (n:ExitplanNode AND n.estate = $name) DETACH DELETE n",
        write=True,
        name="links-left",
    )
    assert _nodes_of(graph, "links-left") > 0  # the links alone
    result = run_cli("unload", "links-left", "--yes", env=neo4j_server.environment())
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith(": 0 nodes.\n")
    assert _nodes_of(graph, "links-left") == 0


def test_an_estate_another_version_wrote_is_listed_and_refused_in_words(
    neo4j_server: Server, run_cli: RunCli, open_graph: OpenGraph, tmp_path: Path
) -> None:
    """A header of a newer exitplan stopped 'estates' with an internal error for every
    estate, and a reader of it with one too."""
    _loaded(run_cli, neo4j_server, tmp_path, "newer")
    graph = open_graph("newer")
    graph._run(
        "MATCH (e:ExitplanEstate {name: $name}) SET e.info = $info",
        write=True,
        name="newer",
        info=json.dumps({"name": "newer", "format": 99}),
    )
    listed = run_cli("estates", env=neo4j_server.environment())
    assert listed.exit_code == 0, listed.stderr
    assert "(written by another version of exitplan)" in listed.stdout
    read = run_cli(
        "show", "--backend", "neo4j", "--estate", "newer", env=neo4j_server.environment()
    )
    assert read.exit_code == 2
    assert "has a header this exitplan cannot read (another version wrote it" in read.stderr
    assert "internal error" not in read.stderr
    run_cli("unload", "newer", "--yes", env=neo4j_server.environment())


def test_a_graph_that_loaded_an_estate_unloads_it_and_loads_it_again(
    open_graph: OpenGraph,
) -> None:
    """The graph that wrote or read the copy removes it: its own reads while removing are
    not of that copy, and were told as a removal by another command. Then it loads the
    estate again, and reads it as the embedded graph does."""
    graph = open_graph("loaded-then-unloaded")
    estate = renamed(generate(300, seed=4), "loaded-then-unloaded")
    graph.load(estate)
    assert graph.summary().node_total > 300
    unloaded = graph.unload()
    assert unloaded.nodes > 300
    assert (unloaded.copies, unloaded.loaded_again) == (1, False)
    with pytest.raises(UsageError, match="holds no estate named 'loaded-then-unloaded'"):
        graph.summary()
    graph.load(estate)
    assert graph.summary() == EmbeddedGraph(estate).summary()
    answer = dump_simulation_json(simulate(graph, ["vendor:v-dominant"]))
    assert answer == dump_simulation_json(simulate(EmbeddedGraph(estate), ["vendor:v-dominant"]))


def test_a_reader_of_an_estate_unloaded_meanwhile_is_told(
    neo4j_server: Server, run_cli: RunCli, open_graph: OpenGraph, tmp_path: Path
) -> None:
    """Its reads came back empty, which reads as "nothing depends on it"."""
    _loaded(run_cli, neo4j_server, tmp_path, "read-then-gone")
    graph = open_graph("read-then-gone")
    assert graph.node(NodeId("a")).name == "Plain"
    result = run_cli("unload", "read-then-gone", "--yes", env=neo4j_server.environment())
    assert result.exit_code == 0, result.stderr
    with pytest.raises(BackendError) as raised:
        graph.dependency_region([NodeId("a")]).walk()
    assert "was removed from the Neo4j database" in str(raised.value)
    assert "(exitplan unload) while this command read it" in str(raised.value)


def test_a_load_whose_estate_is_unloaded_meanwhile_says_so(
    neo4j_server: Server, open_graph: OpenGraph
) -> None:
    """It blamed "another load of the estate", which never ran, and said readers saw its
    copy, when the database held none."""
    made = generate(300, seed=5)
    estate = renamed(made, "unloaded-meanwhile")
    writer = Neo4jGraph(neo4j_server.settings(), "unloaded-meanwhile", batch_size=50)
    remover = open_graph("unloaded-meanwhile")
    removed: list[int] = []

    def unload_once(_done: int, _total: int) -> None:
        if not removed:
            removed.append(remover.unload().nodes)

    with writer, pytest.raises(BackendError) as raised:
        writer.load(estate, progress=unload_once)
    assert removed
    assert removed[0] > 0
    assert "was removed (exitplan unload) while this load wrote it" in str(raised.value), raised
    assert "another load" not in str(raised.value)
    assert _nodes_of(remover, "unloaded-meanwhile") > 0  # what it wrote after: the next load's
    remover.unload()


@pytest.mark.parametrize("same", [False, True], ids=["new-graph", "same-graph"])
@pytest.mark.parametrize("at", [0.1, 0.5, 0.9])
def test_a_load_whose_loaded_estate_is_unloaded_meanwhile_says_so(
    neo4j_server: Server, open_graph: OpenGraph, at: float, same: bool
) -> None:
    """helper-85: with a copy loaded before, an unload while the next load wrote its
    relationships was told as "another load ... switched readers to its whole copy", after
    the server's own words ("Unable to load NODE ..."); no other load ran, and the database
    held none of the estate. helper-109: by the graph that loaded the copy before, the
    load's own look at the estate node was checked as a read of that copy, and the
    server's words were told again."""
    made = generate(300, seed=5)
    name = f"reloaded-unloaded-{int(at * 10)}-{same}"
    estate = renamed(made, name)
    remover = open_graph(name)
    removed: list[int] = []

    def unload_once(done: int, total: int) -> None:
        if not removed and done >= at * total:
            removed.append(remover.unload().nodes)

    with Neo4jGraph(neo4j_server.settings(), name, batch_size=50) as first:
        first.load(estate)
        if same:
            with pytest.raises(BackendError) as raised:
                first.load(estate, progress=unload_once)
    if not same:
        with (
            Neo4jGraph(neo4j_server.settings(), name, batch_size=50) as writer,
            pytest.raises(BackendError) as raised,
        ):
            writer.load(estate, progress=unload_once)
    assert removed
    said = str(raised.value)
    assert "was removed (exitplan unload) while this load wrote it" in said, said
    assert "another load" not in said
    assert "Unable to load" not in said
    remover.unload()


def test_a_load_that_replaces_an_estate_of_another_title_says_so(
    neo4j_server: Server, run_cli: RunCli, tmp_path: Path
) -> None:
    """Two starters of 'exitplan init' share a name: the second replaced the first without
    a word."""
    first = _estate(tmp_path / "first", "twin")
    second = _estate(tmp_path / "second", "twin")
    data = json.loads(second.read_text(encoding="utf-8"))
    data["estate"]["title"] = "Another team's estate"
    second.write_text(json.dumps(data), encoding="utf-8")
    env = neo4j_server.environment()
    assert run_cli("load", first, env=env).stderr == ""
    told = run_cli("load", second, env=env)
    assert told.exit_code == 0, told.stderr
    assert (
        "note: this replaced estate 'twin', titled 'Title of twin', with one titled "
        '"Another team\'s estate"' in told.stderr
    )
    again = run_cli("load", second, env=env)
    assert again.exit_code == 0
    assert "replaced" not in again.stderr
    assert run_cli("unload", "twin", "--yes", env=env).exit_code == 0


def test_a_hostile_title_is_listed_as_text(
    neo4j_server: Server, run_cli: RunCli, tmp_path: Path
) -> None:
    estate = _estate(tmp_path / "hostile-title", "hostile-title")
    data = json.loads(estate.read_text(encoding="utf-8"))
    data["estate"]["title"] = "Evil\x1b[2J\u202e title\x07"
    estate.write_text(json.dumps(data), encoding="utf-8")
    env = neo4j_server.environment()
    assert run_cli("load", estate, env=env).exit_code == 0
    listed = run_cli("estates", env=env)
    assert listed.exit_code == 0, listed.stderr
    assert "hostile-title" in listed.stdout
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", listed.stdout)
    assert run_cli("unload", "hostile-title", "--yes", env=env).exit_code == 0


def test_estates_tells_of_a_first_load_interrupted_before_its_switch(
    neo4j_server: Server, run_cli: RunCli, open_graph: OpenGraph, tmp_path: Path
) -> None:
    """A first load stopped halfway leaves nodes no reader sees: ``estates`` listed nothing
    of them, so only someone who knew the name could remove them (helper-99). It now names
    them on stderr, with the command that removes them, and the table stays what readers
    read."""
    estate = load_estate(_estate(tmp_path / "cut", "cut-short"))
    # one writer: closing the driver under a writer that is using it is no lost connection
    # (test_neo4j cuts a load by two writers off at the network instead)
    victim = Neo4jGraph(neo4j_server.settings(), "cut-short", batch_size=1, writers=1)

    def kill_the_connection(done: int, total: int) -> None:
        if done > total // 2:
            victim._driver.close()  # the connection dies halfway through the first load

    with pytest.raises(BackendError):
        victim.load(estate, progress=kill_the_connection)
    left = _nodes_of(open_graph("cut-short"), "cut-short")
    assert left > 0
    result = run_cli("estates", env=neo4j_server.environment())
    assert result.exit_code == 0, result.stderr
    assert "cut-short" not in result.stdout
    nodes = open_graph("cut-short")._run(
        "MATCH (n:ExitplanNode {estate: 'cut-short'}) RETURN count(n) AS nodes"
    )[0]["nodes"]
    assert (
        f"exitplan: note: the database also holds {nodes} nodes of estate 'cut-short' that no "
        "reader sees, left by a load or unload that was interrupted, or written by a load "
        "still running; if none is, exitplan unload cut-short --yes removes them, as does the "
        "next load of it"
    ) in " ".join(result.stderr.split())
    assert run_cli("unload", "cut-short", "--yes", env=neo4j_server.environment()).exit_code == 0
    result = run_cli("estates", env=neo4j_server.environment())
    assert "cut-short" not in result.stdout + result.stderr
