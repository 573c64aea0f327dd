"""What a diagram shows: the estate, the impact of a withdrawal, the migration plan.

These functions choose the nodes, edges, clusters, states and label lines of a diagram;
``exitplan.render.dot`` only turns the result into DOT text. Everything is sorted, so the
same estate and scenario give the same diagram whatever order the files were read in.
"""

from __future__ import annotations

import itertools
import math
import re
import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import NoReturn

import networkx as nx

from exitplan.errors import UsageError, agreeing, in_weeks, listed, plural, shorten, with_article
from exitplan.graph.describe import known_node
from exitplan.graph.port import (
    Direction,
    GraphBackend,
    GraphEdge,
    GraphNode,
    Label,
    Rel,
    in_use_among,
)
from exitplan.model import NodeId
from exitplan.simulate.result import (
    CANNOT_BE_MADE,
    TOO_LATE_FOR_NEXT,
    Affected,
    DeadlineFrom,
    Plan,
    Simulation,
    State,
    Step,
    StepKind,
)

MAX_NODES = 250
"""Beyond this a diagram no longer reads on a slide; ``--focus`` cuts it down."""

PAGE_NODES = 60
"""What reads on an A4 page of a report (which has no ``--focus``): beyond this, the
report draws the part that matters most (``fit``) and says what it leaves out."""

SLIDE_NODES = 12
"""What reads on a 16:9 slide of the deck, drawn across the width below the slide's
title: the services with the chains that break them first (through what has no viable
alternative before the rest), then the withdrawn components with none, then those most
depended on; the report's own picture holds more."""

WRAP = 22
ASIDE_WRAP = 28
ROW_WRAP = 36

READINESS = {
    "R0": "none identified",
    "R1": "market scan",
    "R2": "lab-tested",
    "R3": "piloted here",
    "R4": "proven elsewhere",
    "R5": "running here",
}
"""Readiness levels in words a board reads without the key."""


class View(StrEnum):
    ESTATE = "estate"
    IMPACT = "impact"
    PLAN = "plan"
    GANTT = "gantt"
    """The plan on a calendar (drawn by ``exitplan.render.gantt``, not Graphviz)."""


class GroupBy(StrEnum):
    VENDOR = "vendor"
    LAYER = "layer"
    NONE = "none"


class Look(StrEnum):
    """How a node or edge is drawn; the legend explains each one used."""

    SERVICE = "service"
    COMPONENT = "component"
    WITHDRAWN = "withdrawn"
    BROKEN = "broken"
    DEGRADED = "degraded"
    UNAFFECTED = "unaffected"
    UNAFFECTED_YET = "unaffected-yet"
    """Depends on what is affected, and is affected itself only after the horizon."""
    CANDIDATE = "candidate"
    MISSING = "missing"
    UNNEEDED = "unneeded"
    STEP = "step"
    CRITICAL = "critical"
    BLOCKED = "blocked"
    EXPORT = "export"
    HARD = "hard"
    SOFT = "soft"
    GROUP = "group"
    FLOW = "flow"
    BEFORE = "before"


@dataclass(frozen=True, order=True)
class DiagramNode:
    id: str
    lines: tuple[str, ...]
    look: Look
    cluster: str | None = None
    aside: tuple[str, ...] = ()
    """For a row of a card: lines drawn in a second cell beside the first, in
    ``aside_look`` (a withdrawn component's replacement, or the lack of one)."""
    aside_look: Look | None = None
    card: str | None = None
    """Nodes with the same card are drawn as the rows of one table (a vendor's withdrawn
    components), in id order; edges end at their row."""
    service: bool = False
    """A service, whatever its look (in the impact view, its state's)."""


@dataclass(frozen=True, order=True)
class DiagramEdge:
    source: str
    target: str
    look: Look
    label: tuple[str, ...] = ()


@dataclass(frozen=True, order=True)
class Cluster:
    id: str
    label: str


@dataclass(frozen=True)
class Diagram:
    view: View
    title: tuple[str, ...]
    direction: str
    nodes: tuple[DiagramNode, ...]
    edges: tuple[DiagramEdge, ...]
    clusters: tuple[Cluster, ...] = ()
    stacks: tuple[tuple[str, ...], ...] = ()
    """Nodes without a drawn edge, in columns: the renderer stacks each column so that a
    long list of them does not stretch one rank across the slide."""
    legend: tuple[Look, ...] = field(default=())
    notes: tuple[str, ...] = ()
    """Sentences for the legend about what is left out."""
    cards: tuple[Cluster, ...] = ()
    """The tables of rows (see ``DiagramNode.card``) with their headings, drawn side by
    side in this order."""
    left_out: str | None = None
    """When the diagram was cut to fit: a sentence saying what it leaves out."""


MOST_LINES = 5
"""Lines of one wrapped text at most; the last of a longer one ends in "…". A name may
hold 4,000 characters, and wrapped whole a diagram of such names took 9 GB to draw."""


def wrap(text: str, width: int = WRAP, most: int | None = MOST_LINES) -> tuple[str, ...]:
    """``text`` in lines of ``width``, at most ``most`` of them (``None``: a list of
    names each already cut, which says what it lists however long)."""
    lines = textwrap.wrap(text, width=width, break_long_words=True) or [""]
    if most is not None and len(lines) > most:
        last = lines[most - 1]
        lines = [*lines[: most - 1], (last if len(last) < width else last[: width - 1]) + "…"]
    return tuple(lines)


def _title(
    backend: GraphBackend,
    simulation: Simulation | None,
    view: View,
    focus: NodeId | None = None,
    depth: int | None = None,
) -> tuple[str, ...]:
    info = backend.info
    first = info.title or info.name
    as_of = f"estate as of {info.as_of.isoformat()}" if info.as_of else "estate (no date)"
    lines = [f"{shorten(first)} — {view.value} view"]
    if simulation is not None:
        scope = simulation.scenario_title or ", ".join(simulation.selectors)
        horizon = (
            f", horizon {plural(simulation.horizon, 'day')}"
            if simulation.horizon is not None and view is View.IMPACT
            else ""
        )  # what breaks later is not drawn (the plan is of every step, whatever the horizon)
        lines.append(f"{shorten(scope)} ({simulation.mode}{horizon})")
    if focus is not None:
        steps = (
            "any number of dependency steps" if depth is None else plural(depth, "dependency step")
        )
        name = shorten(backend.node(focus).name)
        lines.append(f"around {name}: {steps} either way")
    if simulation is not None and simulation.start not in (None, info.as_of):
        as_of += f"; day 0 {simulation.start.isoformat()}"  # the scenario's own start
    lines.append(as_of)
    return tuple(lines)


def _focus(
    backend: GraphBackend, ids: set[NodeId], focus: NodeId | None, depth: int | None
) -> set[NodeId]:
    if focus is None:
        return ids
    label = known_node(backend, focus).label
    if label not in (Label.SERVICE, Label.COMPONENT):
        raise UsageError(
            f"--focus {focus}: diagrams focus on a service or component, not "
            f"{with_article(label.kind)}"
        )
    near = {focus}
    near |= backend.dependents([focus], max_depth=depth)
    near |= backend.dependencies([focus], max_depth=depth)
    if not ids:
        return near
    kept = ids & near
    if not kept:  # an empty picture under a title that promises one
        steps = f"within {plural(depth, 'dependency step')}" if depth else "near"
        raise UsageError(
            f"--focus {focus}: the withdrawal reaches nothing {steps} of it; focus on "
            "what it reaches" + (", or widen --depth" if depth else "")
        )
    return kept


FAN = 12
"""More nodes than this that each have one line, all to one node, and that look alike
(the same look, the same kind of line; services apart) are drawn as one table with one
line (a hub's dependents): one by one they stood in a single rank, 250 of them a column
22,000 pixels tall. In one frame, the table stands in it; from several, too few in each
to fold (24 vendors with 10 each), the frames stood in one column 18,000 pixels tall, and
the table stands outside them, its rows grouped under each frame's name."""


@dataclass(frozen=True)
class Fan:
    """Leaves with one line each, alike, to or from ``hub``: drawn as one table, the node
    ``id`` ("fan:N", which no estate id can be), with one line."""

    id: str
    hub: str
    inward: bool  # the line runs from each leaf to the hub
    leaves: tuple[tuple[DiagramNode, DiagramEdge], ...]  # in the order of their names
    frames: tuple[tuple[str, str], ...] = ()
    """For leaves from several frames: the id and name of each leaf's frame (both "" for
    none), the leaves in the order of the frames; the table stands outside them."""

    @property
    def cluster(self) -> str | None:
        """The frame the table stands in (``None``: outside any)."""
        return None if self.frames else self.leaves[0][0].cluster

    @property
    def said(self) -> tuple[str, ...] | None:
        """The words every leaf's line carries, when they share them (else each cell says
        its own)."""
        labels = {line.label for _, line in self.leaves}
        return labels.pop() if len(labels) == 1 else None

    @property
    def edge(self) -> DiagramEdge:
        """The one line drawn, with the words its leaves' lines share."""
        source, target = (self.id, self.hub) if self.inward else (self.hub, self.id)
        return replace(self.leaves[0][1], source=source, target=target, label=self.said or ())


def fans(diagram: Diagram) -> list[Fan]:
    """The fans of the estate and impact views (the plan's ranks are its waves), each
    larger than ``FAN``."""
    if diagram.view not in (View.ESTATE, View.IMPACT):
        return []
    lines = Counter(end for edge in diagram.edges for end in (edge.source, edge.target))
    loose = {n.id: n for n in diagram.nodes if n.card is None}
    groups: dict[tuple[str, bool, Look, Look, bool, str], list[tuple[DiagramNode, DiagramEdge]]]
    groups = {}
    for edge in diagram.edges:
        for leaf, hub, inward in (
            (edge.source, edge.target, True),
            (edge.target, edge.source, False),
        ):
            node = loose.get(leaf)
            if node is not None and lines[leaf] == 1 and lines[hub] > 1:
                key = (hub, inward, edge.look, node.look, node.service, node.cluster or "")
                groups.setdefault(key, []).append((node, edge))
                break
    wide = [(key, leaves) for key, leaves in groups.items() if len(leaves) > FAN]
    found = [
        Fan(f"fan:{index}", key[0], key[1], tuple(sorted(leaves, key=_by_name)))
        for index, (key, leaves) in enumerate(wide)
    ]
    folded = {node.id for fan in found for node, _ in fan.leaves}
    # Leaves from several frames, too few in each to fold. Those in the hub's own frame
    # count towards a table but stay beside the hub, in their frame.
    framed = {node.id: node.cluster for node in diagram.nodes}
    across: dict[tuple[str, bool, Look, Look, bool], list[tuple[DiagramNode, DiagramEdge]]]
    across = {}
    beside: Counter[tuple[str, bool, Look, Look, bool]] = Counter()
    for (hub, inward, line, look, service, frame), leaves in groups.items():
        alike = (hub, inward, line, look, service)
        left = [leaf for leaf in leaves if leaf[0].id not in folded]
        if (frame or None) == framed.get(hub):
            beside[alike] += len(left)
        else:
            across.setdefault(alike, []).extend(left)
    names = {cluster.id: cluster.label for cluster in diagram.clusters}
    order = {cluster.id: _in_order(cluster) for cluster in diagram.clusters}
    for alike, leaves in across.items():
        if len(leaves) + beside[alike] > FAN and len(leaves) > FAN // 2:
            ordered = sorted(
                leaves, key=lambda leaf: (order.get(leaf[0].cluster or "", ()), _by_name(leaf))
            )
            frames = tuple(
                (node.cluster or "", names.get(node.cluster or "", "")) for node, _ in ordered
            )
            found.append(Fan(f"fan:{len(found)}", alike[0], alike[1], tuple(ordered), frames))
    return found


def _natural(text: str) -> list[tuple[int, int, str]]:
    """``text`` in the order a reader expects of names: numbers in their order ("Vendor 2"
    before "Vendor 10", "1.2" before "1.10"; by their digits 0 to 9, as a name of
    thousands of them is no number Python would read), letters regardless of case."""
    return [
        (0, len(part.lstrip("0")), part.lstrip("0")) if index % 2 else (1, 0, part.casefold())
        for index, part in enumerate(re.split(r"([0-9]+)", text))
    ]


def _in_order(frame: Cluster) -> tuple[object, ...]:
    """Where a frame's leaves stand in a table of several frames (those in none first): by
    name (``_natural``), then as written, then by frame."""
    return (1, _natural(frame.label), frame.label, frame.id)


def _by_name(leaf: tuple[DiagramNode, DiagramEdge]) -> tuple[object, ...]:
    """Where a leaf stands among the cells of a table: by the name it shows (``_natural``:
    "Application 1.2" before "Application 1.10"), then as written, then by id."""
    node, _ = leaf
    shown = "\n".join(node.lines)
    return (_natural(shown), shown, node.id)


def drawn_count(diagram: Diagram, count: int) -> int:
    """How many nodes a diagram of ``count`` nodes counts as against a limit: each node,
    but a fan's table one for each ``FAN`` of its leaves (a table of 300 dependents reads
    as well as 25 boxes do; 300 boxes stood in a column 22,000 pixels tall). Each node
    of the view counts, whatever else is drawn together: a row that names every
    withdrawn component nothing needs grows with them (helper-77: 2,900 names, a column
    28,000 pixels tall)."""
    found = fans(diagram)
    folded = sum(len(fan.leaves) for fan in found)
    return count - folded + sum(math.ceil(len(fan.leaves) / FAN) for fan in found)


def _check_size(count: int, cut: str, most: int | None, counted: int | None = None) -> None:
    """Refuse a drawing of more than ``most`` nodes (``None``: any number, for a ``.dot``
    file that other tools read), saying how to ``cut`` it down; ``counted``: what the
    drawing counts as, its alike nodes drawn as tables (``drawn_count``)."""
    counted = count if counted is None else counted
    if most is not None and counted > most:
        tables = (
            f" ({counted:,} with alike ones drawn as tables, one for each {FAN} of them)"
            if counted != count
            else ""
        )
        _refuse(count, tables, cut, most)


def _refuse(count: int, tables: str, cut: str, most: int) -> NoReturn:
    """The refusal of a drawing too large, ``tables`` saying how it was counted."""
    raise UsageError(
        f"the diagram would have {count:,} nodes{tables}, more than {most} read on a "
        f"slide; {cut}; a .dot file is written whole, for other tools"
    )


def _check_folded(count: int, cut: str, most: int | None) -> None:
    """Refuse, before it is drawn, a drawing of more nodes than even tables of alike
    ones bring within ``most`` (``FAN`` times as many); the rest is for ``_check_size``
    once the drawing is made."""
    if most is not None and count > most * FAN:
        tables = f" (even with alike ones drawn as tables, one for each {FAN} of them)"
        _refuse(count, tables, cut, most)


def _cut_advice(focus: NodeId | None, depth: int | None) -> str:
    """How to draw less: with ``--focus`` when none is given, else with less around it."""
    if focus is None:
        return "cut it down with --focus ID --depth N"
    if depth is None:
        return f"cut it down with --depth N around {focus}"
    if depth > 1:
        return f"cut it down with a --depth below {depth}, or --focus on another node"
    return (
        f"{focus} alone has that many neighbours: exitplan show ESTATE {focus} lists them, "
        "and --focus on one of them draws its part"
    )


def _cluster_of(
    node: GraphNode,
    providers: Mapping[NodeId, list[GraphEdge]],
    vendors: Mapping[NodeId, GraphNode],
    group_by: GroupBy,
    preferred: frozenset[NodeId] = frozenset(),
) -> Cluster | None:
    if group_by is GroupBy.NONE:
        return None
    if group_by is GroupBy.LAYER:
        if node.label is Label.SERVICE:
            return Cluster("layer-services", "Services")
        delivery = str(node.properties.get("delivery", "other"))
        names = {
            "saas": "Cloud services (SaaS/PaaS/IaaS)",
            "paas": "Cloud services (SaaS/PaaS/IaaS)",
            "iaas": "Cloud services (SaaS/PaaS/IaaS)",
            "self_hosted": "Self-hosted",
            "client": "On the PCs",
        }
        label = names.get(delivery, "Other")
        return Cluster(f"layer-{label}", label)
    if node.label is Label.SERVICE:
        return Cluster("services", "Services")
    links = providers.get(node.id, [])
    # a preferred vendor comes first (a withdrawn component is drawn with the vendor whose
    # withdrawal takes it, even software run here under its licence), then the operator
    named = [e for e in links if e.target in preferred]
    operators = [e for e in links if "operator" in e.properties.get("roles", ())]  # type: ignore[operator]
    chosen = (named or operators or links)[:1]
    if not chosen:
        return None
    vendor = vendors[chosen[0].target]
    parent = vendors.get(NodeId(str(vendor.properties.get("ultimate_parent", vendor.id))), vendor)
    country = vendor.properties.get("hq_country")
    law = parent.properties.get("hq_country")
    label = shorten(vendor.name) + (f" ({country})" if country else "")
    if parent.id != vendor.id:
        label += f", owned by {shorten(parent.name)}" + (f" ({law})" if law else "")
    return Cluster(f"vendor-{vendor.id}", label)


def _structure(
    backend: GraphBackend,
    ids: set[NodeId],
    group_by: GroupBy,
    preferred: Mapping[NodeId, frozenset[NodeId]] | None = None,
) -> tuple[dict[NodeId, GraphNode], list[GraphEdge], dict[NodeId, Cluster]]:
    """The nodes, the edges between them, and each node's cluster; ``preferred`` names,
    per node, vendors to cluster it under before its operator."""
    nodes = backend.nodes_by_id(ids)
    edges = [
        edge
        for edge in backend.edges_touching(ids, Direction.OUT, [Rel.DEPENDS_ON, Rel.FLOWS_TO])
        if edge.target in ids
    ]
    links = backend.edges_touching(
        [n for n in ids if nodes[n].label is Label.COMPONENT], Direction.OUT, [Rel.PROVIDED_BY]
    )
    providers: dict[NodeId, list[GraphEdge]] = {}
    for link in links:
        providers.setdefault(link.source, []).append(link)
    vendor_ids = {link.target for link in links}
    vendors = backend.nodes_by_id(vendor_ids)
    parents = {NodeId(str(v.properties.get("ultimate_parent", v.id))) for v in vendors.values()}
    vendors.update(backend.nodes_by_id(parents - set(vendors)))
    clusters: dict[NodeId, Cluster] = {}
    for node_id, node in nodes.items():
        cluster = _cluster_of(
            node, providers, vendors, group_by, (preferred or {}).get(node_id, frozenset())
        )
        if cluster is not None:
            clusters[node_id] = cluster
    return nodes, edges, clusters


def _edge(edge: GraphEdge) -> DiagramEdge:
    properties = edge.properties
    if edge.type is Rel.FLOWS_TO:
        assets = ", ".join(str(a) for a in properties.get("assets", ()))  # type: ignore[union-attr]
        return DiagramEdge(edge.source, edge.target, Look.FLOW, wrap(assets, 30))
    onset = ""
    if properties.get("at_renewal"):
        onset = "at renewal"
    elif isinstance(days := properties.get("onset_days"), int) and days:
        onset = f"after {plural(days, 'day')}"
    if properties.get("group"):
        return DiagramEdge(
            edge.source,
            edge.target,
            Look.GROUP,
            (f"any of {properties['group']}",) + ((onset,) if onset else ()),
        )
    look = Look.HARD if properties.get("strength", "hard") == "hard" else Look.SOFT
    return DiagramEdge(edge.source, edge.target, look, (onset,) if onset else ())


STACK = 4


def _stacks(
    nodes: Iterable[DiagramNode], edges: Iterable[DiagramEdge], size: int = STACK
) -> tuple[tuple[str, ...], ...]:
    """Columns of at most ``size`` unconnected nodes, per cluster, in id order."""
    connected = {end for edge in edges for end in (edge.source, edge.target)}
    loose: dict[str, list[str]] = {}
    for node in sorted(nodes):
        if node.id not in connected:
            loose.setdefault(node.cluster or "", []).append(node.id)
    return tuple(
        tuple(members[start : start + size])
        for _, members in sorted(loose.items())
        for start in range(0, len(members), size)
        if len(members[start : start + size]) > 1
    )


def _without_implied(edges: list[GraphEdge]) -> list[GraphEdge]:
    """Leave out a plain dependency a → c when a longer chain a → b → ... → c already says
    all it says: a chain of immediate dependencies (no grace, not at renewal), each of them
    hard when a → c is hard. Through such a chain, a stops (or degrades) no later than a →
    c would make it; a chain through a soft dependency or a period of grace says less,
    and a → c is drawn. Redundant-group edges and data flows are always drawn. Only where
    the dependencies form no cycle; else all stay."""
    plain = [
        edge for edge in edges if edge.type is Rel.DEPENDS_ON and not edge.properties.get("group")
    ]
    graph: nx.DiGraph[NodeId] = nx.DiGraph((edge.source, edge.target) for edge in plain)
    if not nx.is_directed_acyclic_graph(graph):
        return edges
    hard = [edge for edge in plain if _hard(edge)]
    implied = _implied(hard, [edge for edge in hard if _immediate(edge)])
    implied |= _implied(
        [edge for edge in plain if not _hard(edge)], [edge for edge in plain if _immediate(edge)]
    )
    return [edge for edge in edges if (edge.source, edge.target, id(edge)) not in implied]


def _hard(edge: GraphEdge) -> bool:
    return edge.properties.get("strength", "hard") == "hard"


def _immediate(edge: GraphEdge) -> bool:
    return not edge.properties.get("at_renewal") and not edge.properties.get("onset_days")


def _implied(shortcuts: list[GraphEdge], links: list[GraphEdge]) -> set[tuple[NodeId, NodeId, int]]:
    """Those of ``shortcuts`` that a chain of two or more of ``links`` joins, end to end
    (with the edge itself: its ``id``). A shortcut among the links is one that their
    transitive reduction leaves out; one not among them, one whose target its source
    reaches through them (never in one step: no pair has two edges)."""
    chains: nx.DiGraph[NodeId] = nx.DiGraph((edge.source, edge.target) for edge in links)
    kept = set(nx.transitive_reduction(chains).edges)
    among = {id(edge) for edge in links}
    reached: dict[NodeId, set[NodeId]] = {}
    found = set()
    for edge in shortcuts:
        source, target = edge.source, edge.target
        if id(edge) in among:
            if (source, target) in kept:
                continue
        elif source not in chains:
            continue
        else:
            below = reached.get(source)
            if below is None:
                below = reached[source] = nx.descendants(chains, source)
            if target not in below:
                continue
        found.add((source, target, id(edge)))
    return found


def _used(looks: Iterable[Look]) -> tuple[Look, ...]:
    present = set(looks)
    return tuple(look for look in Look if look in present)


def estate_view(
    backend: GraphBackend,
    *,
    focus: NodeId | None = None,
    depth: int | None = None,
    group_by: GroupBy = GroupBy.VENDOR,
    direction: str = "LR",
    most: int | None = MAX_NODES,
) -> Diagram:
    """Services and the components in use, in vendor clusters, with dependencies and flows;
    refused over ``most`` nodes (``None``: drawn whole)."""
    everything = in_use_among(
        backend, (n for n in backend.nodes() if n.label in (Label.SERVICE, Label.COMPONENT))
    )
    ids = _focus(backend, everything, focus, depth)
    _check_folded(len(ids), _cut_advice(focus, depth), most)
    nodes, edges, clusters = _structure(backend, ids, group_by)
    drawn = tuple(
        sorted(
            DiagramNode(
                node.id,
                wrap(node.name),
                Look.SERVICE if node.label is Label.SERVICE else Look.COMPONENT,
                clusters[node.id].id if node.id in clusters else None,
            )
            for node in nodes.values()
        )
    )
    lines = tuple(sorted(_edge(edge) for edge in _without_implied(edges)))
    diagram = Diagram(
        View.ESTATE,
        _title(backend, None, View.ESTATE, focus, depth),
        direction,
        drawn,
        lines,
        tuple(sorted(set(clusters.values()))),
        legend=_used([*(n.look for n in drawn), *(e.look for e in lines)]),
        notes=(
            "A dependency is not drawn where a longer chain of immediate dependencies, each as"
            " strong, already shows it.",
        ),
    )
    _check_size(len(ids), _cut_advice(focus, depth), most, drawn_count(diagram, len(ids)))
    return diagram


def impact_view(
    backend: GraphBackend,
    simulation: Simulation,
    *,
    focus: NodeId | None = None,
    depth: int | None = None,
    group_by: GroupBy = GroupBy.VENDOR,
    direction: str = "LR",
    fit: int | None = None,
    most: int | None = MAX_NODES,
    fit_tables: bool = False,
) -> Diagram:
    """What the scenario touches, coloured by state, with the day each node breaks.

    Each affected node is drawn with the one dependency that breaks it first (the first
    link of its explanation chain), so the picture reads as causes, not as every wire.
    The withdrawn components of a vendor are the rows of one table; beside each stands its
    chosen replacement with its readiness, or a cell that says no viable alternative
    exists, or that nothing staying in use needs it. One ring of context:
    the nodes in use that depend on the affected ones yet survive (thanks to redundancy).

    Over ``most`` nodes the view is refused (use ``focus``), alike ones drawn as tables
    counted as ``drawn_count`` does. With ``fit``, at most that many nodes are drawn: the
    part that matters most (see ``most_affecting``), with ``left_out`` saying what is not
    drawn; with ``fit_tables`` too, the whole is drawn when it counts as no more (a slide
    seen on a screen, rather than a printed page, whose tables would be too small to read).
    """
    affected = {a.id: a for a in simulation.affected}
    touched = set(affected)
    survivors = {
        edge.source
        for edge in backend.edges_touching(touched, Direction.IN, [Rel.DEPENDS_ON])
        if edge.source not in touched
    }
    context = in_use_among(backend, backend.nodes_by_id(survivors).values())
    ids = _focus(backend, touched | context, focus, depth)

    def drawing(ids: set[NodeId], left_out: str | None) -> Diagram:
        return _impact_drawing(
            backend,
            simulation,
            ids,
            affected=affected,
            touched=touched,
            context=context,
            group_by=group_by,
            direction=direction,
            title=_title(backend, simulation, View.IMPACT, focus, depth),
            left_out=left_out,
        )

    advice = _cut_advice(focus, depth)
    if fit is not None and len(ids) > fit:
        whole = drawing(ids, None) if fit_tables and len(ids) <= fit * FAN else None
        counted = drawn_count(whole, len(ids)) if whole is not None else fit + 1
        if whole is not None and counted <= fit:
            _check_size(len(ids), advice, most, counted)
            return whole
        ids, left_out = most_affecting(simulation, ids, fit)
        _check_folded(len(ids), advice, most)
        diagram = drawing(ids, left_out)
    else:
        _check_folded(len(ids), advice, most)
        diagram = drawing(ids, None)
    _check_size(len(ids), advice, most, drawn_count(diagram, len(ids)))
    return diagram


def _impact_drawing(
    backend: GraphBackend,
    simulation: Simulation,
    ids: set[NodeId],
    *,
    affected: Mapping[NodeId, Affected],
    touched: set[NodeId],
    context: set[NodeId],
    group_by: GroupBy,
    direction: str,
    title: tuple[str, ...],
    left_out: str | None,
) -> Diagram:
    """The impact view of ``ids`` (see ``impact_view``)."""
    named = frozenset(simulation.vendors)
    nodes, edges, clusters = _structure(
        backend, ids, group_by, dict.fromkeys(simulation.withdrawn, named)
    )
    asides = _asides(backend, simulation, ids)
    later = frozenset(simulation.later)
    drawn: list[DiagramNode] = []
    cards: dict[str, Cluster] = {}
    for node in nodes.values():
        state = affected.get(node.id)
        cluster = clusters.get(node.id)
        if state is not None and state.state is State.WITHDRAWN:
            card = Cluster(
                f"withdrawn:{cluster.id if cluster else ''}",
                cluster.label if cluster else "Withdrawn",
            )
            cards[card.id] = card
            aside, aside_look = asides.get(node.id, ((), None))
            label = wrap(node.name, ROW_WRAP)
            if state.fails_at != 0:  # run here until its subscription ends
                label = (
                    *label,
                    f"until {_on(simulation, state.fails_at)}"
                    if state.fails_at
                    else "until renewal",
                )
            row = DiagramNode(node.id, label, Look.WITHDRAWN, None, aside)
            drawn.append(replace(row, aside_look=aside_look, card=card.id))
            continue
        look, extra = _state_look(state, simulation, node.id in later)
        if node.label is not Label.SERVICE and cluster and cluster.id.startswith("vendor-"):
            vendor = cluster.label.split(", owned by")[0]  # outside the cards, name the vendor
            extra = (*wrap(f"({vendor})"), *extra)
        frame = cluster.id if cluster and node.label is Label.SERVICE else None
        text = (*wrap(node.name), *extra)
        drawn.append(DiagramNode(node.id, text, look, frame, service=node.label is Label.SERVICE))
    by_pair = {(e.source, e.target): e for e in edges if e.type is Rel.DEPENDS_ON}
    lines: list[DiagramEdge] = []
    for node_id, state in affected.items():
        if node_id not in ids or len(state.because) < 2 or state.because[1] not in ids:
            continue
        lines.append(_edge(by_pair[(node_id, state.because[1])]))
    kept = context & ids  # what survives is drawn with every link into the affected
    lines.extend(
        _edge(edge)
        for (source, target), edge in by_pair.items()
        if source in kept and target in touched
    )
    drawn = _fold_unneeded(drawn, lines)
    drawn.sort(key=_row_order)
    lines.sort()
    sizes = {card: sum(1 for n in drawn if n.card == card) for card in cards}
    return Diagram(
        View.IMPACT,
        title,
        direction,
        tuple(drawn),
        tuple(lines),
        tuple(sorted({clusters[NodeId(n.id)] for n in drawn if n.cluster})),
        stacks=_stacks([n for n in drawn if n.card is None], lines),
        cards=tuple(sorted(cards.values(), key=lambda c: (sizes[c.id], c.id))),
        notes=(*_readiness_note(simulation, ids), *((left_out,) if left_out else ())),
        left_out=left_out,
        legend=_used(
            [
                *(n.look for n in drawn),
                *(n.aside_look for n in drawn if n.aside_look is not None),
                *(e.look for e in lines),
            ]
        ),
    )


def most_affecting(
    simulation: Simulation,
    ids: set[NodeId],
    limit: int,
    *,
    room: str = "the page",
    rest: str = "the tables list everything",
    vendors: Mapping[NodeId, int] | None = None,
) -> tuple[set[NodeId], str]:
    """At most ``limit`` of ``ids``: what a page of the impact can show, and a sentence
    saying what it leaves out (to fit ``room``; ``rest`` says where the rest is told).
    The withdrawn ``vendors`` among ``ids`` (a view of the model, where they are
    elements), each with the number of affected nodes it provides: those that provide
    the most come first, up to a tenth of ``limit`` (at least one); the others after the
    chains below, if room is left.

    Whole chains are taken, so that every drawn service is linked to the withdrawn
    component that breaks it: first the affected services, broken before degraded, the
    earliest first, those whose chain passes through a component that nothing replaces
    (no viable alternative, or held back) before the others, then the most used, each with
    its chain; then the withdrawn components that nothing replaces, then those that the
    most affected nodes depend on; then the other broken or degraded components
    with their chains, the same way. Nodes that survive through redundancy come last.
    Cost: O(n log n) in the affected nodes.
    """
    reach: dict[NodeId, int] = {}
    for affected in simulation.affected:
        for cause in set(affected.because[1:]):
            reach[cause] = reach.get(cause, 0) + 1
    users = {s.id: s.users for s in simulation.services}
    by_state = {a.id: a for a in simulation.affected}
    later = frozenset(simulation.later)
    unreplaced = {r.replaces for r in simulation.missing} | {h.id for h in simulation.held_back}

    def urgency(node: Affected) -> tuple[bool, int, bool, int, str]:
        day = node.fails_at if node.state is not State.DEGRADED else node.degrades_at
        return (
            node.state is State.DEGRADED,
            day if day is not None else 1 << 30,
            unreplaced.isdisjoint(node.because),  # through what nothing replaces, first
            -users.get(node.id, 0),
            node.id,
        )

    services = sorted((a for a in simulation.affected if a.kind == "service"), key=urgency)
    withdrawn = sorted(
        (a for a in simulation.affected if a.state is State.WITHDRAWN and a.kind != "service"),
        key=lambda a: (a.id not in unreplaced, -reach.get(a.id, 0), a.id),
    )
    others = sorted(
        (a for a in simulation.affected if a.kind != "service" and a.state is not State.WITHDRAWN),
        key=lambda a: (-reach.get(a.id, 0), urgency(a)),
    )
    provided = {vendor: count for vendor, count in (vendors or {}).items() if vendor in ids}
    named = sorted(provided, key=lambda vendor: (-provided[vendor], vendor))
    kept: set[NodeId] = set([v for v in named if provided[v]][: max(1, limit // 10)][:limit])
    for node in (*services, *withdrawn, *others):
        chain = {node.id, *node.because[1:]} & ids
        if len(kept | chain) <= limit:
            kept |= chain
    for node_id in (*named, *sorted(ids - set(by_state) - set(named))):  # if room is left:
        if len(kept) < limit:  # the other vendors, then the ring of survivors
            kept.add(node_id)

    def count(nodes: Iterable[NodeId], one: str, many: str) -> str:
        number = sum(1 for _ in nodes)
        return f"{number:,} {one if number == 1 else many}"

    missing = ids - kept
    parts = [
        count((n for n in missing if n in provided), "withdrawn vendor", "withdrawn vendors"),
        count(
            (n for n in missing if by_state.get(n) and by_state[n].kind == "service"),
            "service",
            "services",
        ),
        count(
            (
                n
                for n in missing
                if n in by_state
                and by_state[n].state is State.WITHDRAWN
                and by_state[n].kind != "service"
            ),
            "withdrawn component",
            "withdrawn components",
        ),
        count(
            (
                n
                for n in missing
                if n in by_state
                and by_state[n].kind != "service"
                and by_state[n].state is not State.WITHDRAWN
            ),
            "broken or degraded component",
            "broken or degraded components",
        ),
        count(
            (n for n in missing if n in later),
            "node affected after the horizon",
            "nodes affected after the horizon",
        ),
        count(
            (n for n in missing if n not in by_state and n not in provided and n not in later),
            "node that survives",
            "nodes that survive",
        ),
    ]
    said = ", ".join(part for part in parts if not part.startswith("0 "))
    sentence = (
        f"Cut to {len(kept):,} of {len(ids):,} nodes to fit {room}: "
        + (
            "the withdrawn vendors that provide the most of what is affected, then "
            if provided
            else ""
        )
        + "the services with the "
        "chains that break them first (through what has no viable alternative before the "
        "rest), then the withdrawn components with none, then those most depended on. "
        f"Not drawn: {said}; {rest}."
    )
    return kept, sentence


def _on(simulation: Simulation, day: int | None) -> str:
    """``2027-06-30`` (or ``day 241`` when the estate has no date; ``at renewal`` when
    the day is unknown)."""
    if day is None:
        return "at renewal"
    when = simulation.date_of(day)
    return when.isoformat() if when else f"day {day}"


def _state_look(
    state: Affected | None, simulation: Simulation, later: bool = False
) -> tuple[Look, tuple[str, ...]]:
    """How an affected node that stays in use looks, and the line that says when
    (``later``: it is affected after the horizon only)."""
    if state is None and later:
        return Look.UNAFFECTED_YET, (f"affected after {_on(simulation, simulation.horizon)}",)
    if state is None:
        return Look.UNAFFECTED, ("survives",)
    if state.state is State.BROKEN:
        breaks = f"breaks {_on(simulation, state.fails_at)}"
        fails_at = state.fails_at if state.fails_at is not None else math.inf  # at renewal
        earlier = state.degrades_at is not None and state.degrades_at < fails_at
        if earlier:  # a board would see nothing wrong before the break
            return Look.BROKEN, (f"degraded {_on(simulation, state.degrades_at)}", breaks)
        return Look.BROKEN, (breaks,)
    return Look.DEGRADED, (f"degraded {_on(simulation, state.degrades_at)}",)


def _asides(
    backend: GraphBackend, simulation: Simulation, ids: set[NodeId]
) -> dict[NodeId, tuple[tuple[str, ...], Look]]:
    """What stands beside each withdrawn component: its replacement, the lack of one, or
    the fact that nothing staying in use needs it."""
    chosen = {r.replaces: r.chosen for r in simulation.replacements if r.chosen is not None}
    names = backend.nodes_by_id(c.candidate for r, c in chosen.items() if r in ids)
    asides: dict[NodeId, tuple[tuple[str, ...], Look]] = {}
    for replaced, candidate in chosen.items():
        if replaced in ids:
            fit = "partial fit" if candidate.gaps else "covers all"
            lines = wrap("→ " + names[candidate.candidate].name, ASIDE_WRAP)
            asides[replaced] = ((*lines, f"{candidate.readiness}, {fit}"), Look.CANDIDATE)
    for gap in simulation.missing:
        asides[gap.replaces] = (("NO VIABLE", "ALTERNATIVE"), Look.MISSING)
    for spare in simulation.not_needed:
        asides[spare] = (("nothing that stays", "needs it"), Look.UNNEEDED)
    for held in simulation.held_back:  # but a candidate for a component with none does
        count = len(held.holds_back)
        asides[held.id] = (
            (
                "NO VIABLE ALTERNATIVE",
                f"the {agreeing(count, 'candidate', 'candidates')} for",
                f"{plural(count, 'other')} {agreeing(count, 'needs', 'need')} it",
            ),
            Look.MISSING,
        )
    return asides


def _readiness_note(simulation: Simulation, ids: set[NodeId]) -> tuple[str, ...]:
    levels = sorted(
        {str(r.chosen.readiness) for r in simulation.replacements if r.chosen and r.replaces in ids}
    )
    if not levels:
        return ()
    return ("Readiness: " + "; ".join(f"{r} {READINESS.get(r, r)}" for r in levels) + ".",)


_ROWS = (Look.MISSING, Look.CANDIDATE, Look.UNNEEDED, None)


def _row_order(node: DiagramNode) -> tuple[str, int, tuple[str, ...], str]:
    """Rows of a card: no viable alternative first, then replaced, then the rest."""
    return (node.card or "", _ROWS.index(node.aside_look), node.lines, node.id)


def _fold_unneeded(drawn: list[DiagramNode], lines: list[DiagramEdge]) -> list[DiagramNode]:
    """The rows of a card that nothing staying in use needs, and that no drawn line
    reaches, become one row: they matter to the count, not to the story."""
    linked = {end for line in lines for end in (line.source, line.target)}
    folded: dict[str, list[DiagramNode]] = {}
    kept: list[DiagramNode] = []
    for node in drawn:
        if node.card is not None and node.aside_look is Look.UNNEEDED and node.id not in linked:
            folded.setdefault(node.card, []).append(node)
        else:
            kept.append(node)
    for card, nodes in sorted(folded.items()):
        if len(nodes) == 1:
            kept.extend(nodes)
            continue
        names = ", ".join(" ".join(n.lines) for n in sorted(nodes, key=lambda n: n.lines))
        kept.append(
            DiagramNode(
                f"unneeded:{card}",
                (
                    "Also withdrawn; nothing that stays needs them:",
                    *wrap(names, 2 * ROW_WRAP, None),
                ),
                Look.UNNEEDED,
                None,
                card=card,
            )
        )
    return kept


def _first_steps(plan: Plan, limit: int) -> tuple[Plan, str | None]:
    """At most ``limit`` steps of ``plan``: the critical path, then the earliest waves;
    and a sentence saying how many are not drawn (``None`` when all are)."""
    if len(plan.steps) <= limit:
        return plan, None
    critical = set(plan.critical_path)
    first = sorted(plan.steps, key=lambda s: (s.id not in critical, s.wave, s.id))
    shown = {s.id for s in first[:limit]}
    kept = tuple(
        replace(s, after=tuple(b for b in s.after if b in shown))
        for s in plan.steps
        if s.id in shown
    )
    return replace(plan, steps=kept), (
        f"Cut to {len(shown):,} of {len(plan.steps):,} steps to fit the page: the critical "
        f"path, then the earliest waves. Not drawn: {len(plan.steps) - len(shown):,} steps; "
        "the tables list everything."
    )


def _standing(step: Step, blocked_by: list[str]) -> list[str]:
    """The last lines of a step's box: what it needs brought in that the plan does not
    plan, then what blocks it, else how late it is or its time to spare, and how late for
    the steps after it (``Step.holds_up``, told where its own lateness does not say it)."""
    lines: list[str] = []
    if step.needs_brought_in:
        needed = [
            shorten(n.names[0])
            if len(n.options) == 1
            else "either " + listed([shorten(name) for name in n.names], last="or")
            for n in sorted(step.needs_brought_in, key=lambda n: len(n.options) > 1)
        ]  # a need of one node before a choice: "hub and either d1 or d2"
        lines.extend(wrap(f"needs {listed(needed)} brought in: not planned", 28, None))
    if blocked_by:
        lines.extend(wrap("blocked by " + ", ".join(sorted(blocked_by)), 28, None))
        return lines
    if step.cannot_be_made:
        return [*lines, *wrap(CANNOT_BE_MADE, 28)]
    if not step.blocked and step.slack is not None and step.duration_weeks is not None:
        lines.append(
            f"{plural(-step.slack, 'day')} late"
            if step.slack < 0
            else f"{plural(step.slack, 'day')} to spare"
        )
    over = step.holds_up
    if step.too_late_for_next:
        lines.extend(wrap(TOO_LATE_FOR_NEXT, 28))
    elif over is not None and not (step.slack is not None and -step.slack >= over):
        lines.append(f"{plural(over, 'day')} late for the steps after it")
    return lines


def plan_view(
    backend: GraphBackend,
    simulation: Simulation,
    *,
    direction: str = "LR",
    fit: int | None = None,
    most: int | None = MAX_NODES,
) -> Diagram:
    """The migration steps in waves from left to right, with precedence, deadlines,
    blocked steps and the critical path.

    Over ``most`` steps the view is refused. With ``fit``, at most that many steps
    are drawn: the critical path, then the steps of the earliest waves (``left_out``
    says how many are not drawn)."""
    plan, left_out = (
        _first_steps(simulation.plan, fit) if fit is not None else (simulation.plan, None)
    )
    _check_size(
        len(plan.steps),
        (
            "withdraw less in the scenario file"
            if simulation.scenario_id is not None
            else "withdraw less with -w (a component rather than a vendor)"
        )
        + ", or show the plan as a timeline with --view gantt",
        most,
    )
    names = backend.nodes_by_id(
        {m.replaces for s in plan.steps for m in s.moves}
        | {m.candidate for s in plan.steps for m in s.moves if m.candidate is not None}
    )
    critical = set(plan.critical_path)
    linked = {step.id for step in plan.steps if step.after}
    linked |= {before for step in plan.steps for before in step.after}
    drawn = []
    for step in plan.steps:
        own = {m.replaces for m in step.moves}
        others = [
            shorten(names[b].name) if b in names else b for b in step.blocked_by if b not in own
        ]
        if step.kind is StepKind.EXPORT:
            lines = [*wrap(f"Export data from {names[step.replaces].name}", 28)]
            look = Look.EXPORT
        elif step.blocked and not others and step.id not in linked:
            # a dead end with nothing before or after it: one row of the wave's list
            row = ", ".join(shorten(names[m.replaces].name) for m in step.moves)
            drawn.append(
                DiagramNode(
                    step.id,
                    wrap(row, ROW_WRAP, None),
                    Look.BLOCKED,
                    f"wave-{step.wave}",
                    card=f"blocked:wave-{step.wave}",
                )
            )
            continue
        else:
            lines = []
            for move in step.moves:
                target = names[move.candidate].name if move.candidate else "no viable alternative"
                lines.extend(wrap(f"{names[move.replaces].name} → {target}", 28))
            look = (
                Look.BLOCKED
                if step.blocked
                else (Look.CRITICAL if step.id in critical else Look.STEP)
            )
        timing = []
        if step.duration_weeks is not None:
            timing.append(in_weeks(step.duration_weeks))
        if step.deadline is not None:
            timing.append(f"due {_on(simulation, step.deadline)}")
        elif step.deadline_from is DeadlineFrom.AT_RENEWAL:
            timing.append("due at renewal (date unknown)")
        if timing:
            lines.append(", ".join(timing))
        lines.extend(_standing(step, others))
        drawn.append(DiagramNode(step.id, tuple(lines), look, f"wave-{step.wave}"))
    edges = []
    path = list(plan.critical_path)
    on_path = set(itertools.pairwise(path))
    for step in plan.steps:
        for before in step.after:
            look = Look.CRITICAL if (before, step.id) in on_path else Look.BEFORE
            edges.append(DiagramEdge(before, step.id, look))
    waves = sorted({s.wave for s in plan.steps})
    clusters = tuple(Cluster(f"wave-{w}", f"Wave {w}") for w in waves)
    title = _title(backend, simulation, View.PLAN)
    summary = (
        f"{plural(len(simulation.plan.steps), 'step')} in {plural(plan.waves, 'wave')}; "
        f"critical path {in_weeks(plan.critical_path_weeks)}"
    )
    return Diagram(
        View.PLAN,
        (*title[:-1], summary, title[-1]),
        direction,
        tuple(sorted(drawn)),
        tuple(sorted(edges)),
        clusters,
        stacks=_stacks([n for n in drawn if n.card is None], edges, size=3),
        cards=tuple(
            Cluster(f"blocked:wave-{w}", "Blocked: no viable alternative")
            for w in waves
            if any(n.card == f"blocked:wave-{w}" for n in drawn)
        ),
        legend=_used([*(n.look for n in drawn), *(e.look for e in edges)]),
        notes=(left_out,) if left_out else (),
        left_out=left_out,
    )
