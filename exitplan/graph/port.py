"""The backend port: the queries exitplan asks of an estate graph (DESIGN.md §3).

Both backends (embedded networkx, Neo4j) build the same graph and answer these queries
identically; the contract tests hold them to it. Labels and relationship types come from
the fixed lists below, never from user input. Property names are snake_case; a property
that has no value is absent (Neo4j cannot store null), and lists are tuples.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple, Protocol

from exitplan.errors import UsageError, did_you_mean, shorten
from exitplan.model import Estate, EstateInfo, NodeId


class Label(StrEnum):
    """Node labels."""

    VENDOR = "Vendor"
    COMPONENT = "Component"
    SERVICE = "Service"
    CAPABILITY = "Capability"
    ORGANISATION = "Organisation"

    @property
    def kind(self) -> str:
        """The word used in the estate files and in output: ``component``."""
        return _KINDS[self]


_KINDS = {label: label.value.lower() for label in Label}


class Rel(StrEnum):
    """Relationship types; every one points from the dependent to what it needs."""

    PROVIDED_BY = "PROVIDED_BY"
    SUBSIDIARY_OF = "SUBSIDIARY_OF"
    DEPENDS_ON = "DEPENDS_ON"
    ALTERNATIVE_FOR = "ALTERNATIVE_FOR"
    REQUIRES = "REQUIRES"
    REALISES = "REALISES"
    USES = "USES"
    FLOWS_TO = "FLOWS_TO"


class Direction(StrEnum):
    OUT = "out"
    IN = "in"


Scalar = str | int | float | bool
PropertyValue = Scalar | tuple[Scalar, ...]
Properties = Mapping[str, PropertyValue]


@dataclass(frozen=True)
class GraphNode:
    id: NodeId
    label: Label
    properties: Properties = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.properties.get("name", self.id))


@dataclass(frozen=True)
class GraphEdge:
    source: NodeId
    target: NodeId
    type: Rel
    properties: Properties = field(default_factory=dict)
    sort_key: tuple[str, str, str, str] = field(init=False, repr=False, compare=False)
    """Edges sort by source, type, target, then flow id (two flows may join one pair)."""

    def __post_init__(self) -> None:
        # The type is a StrEnum, so it sorts as its text; its .value is slow to read.
        key = (self.source, self.type, self.target, str(self.properties.get("id", "")))
        object.__setattr__(self, "sort_key", key)  # computed once: edges are sorted often


@dataclass(frozen=True)
class Subgraph:
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]


@dataclass(frozen=True)
class LoadSummary:
    """What a load wrote: node counts by label, relationship counts by type."""

    estate: str
    nodes: Mapping[Label, int]
    relationships: Mapping[Rel, int]

    @property
    def node_total(self) -> int:
        return sum(self.nodes.values())

    @property
    def relationship_total(self) -> int:
        return sum(self.relationships.values())


class DependsOn(NamedTuple):
    """One ``DEPENDS_ON`` edge in the compact form the simulation walks (millions of times
    on a large estate, hence a tuple rather than a property mapping)."""

    source: NodeId  # the dependent
    target: NodeId  # what it needs
    hard: bool
    onset_days: int
    at_renewal: bool
    group: str | None
    capabilities: tuple[str, ...]

    @classmethod
    def of(cls, edge: GraphEdge) -> DependsOn:
        properties = edge.properties
        group = properties.get("group")
        capabilities = properties.get("capabilities")
        return cls(
            edge.source,
            edge.target,
            properties.get("strength", "hard") == "hard",
            int(properties.get("onset_days", 0)),  # type: ignore[arg-type]
            bool(properties.get("at_renewal", False)),
            str(group) if group is not None else None,
            tuple(str(c) for c in capabilities) if isinstance(capabilities, tuple) else (),
        )


WalkEdge = tuple[int, int, bool, int, DependsOn]
"""A dependency as the propagation walks it, from its target: the dependent's number,
the onset days, whether it comes at renewal, the number of its redundant group on that
dependent (-1: none), and the edge."""


@dataclass(frozen=True)
class Walk:
    """A region's dependencies by node number, for the propagation's hot loop. Nodes are
    numbered in id order, so comparing numbers orders as comparing ids does; lists are
    indexed by the number of the target (who needs it), in the same order as
    ``DependencyRegion.dependents``."""

    ids: Sequence[NodeId]
    number: Mapping[NodeId, int]
    every: Sequence[Sequence[WalkEdge]]
    hard: Sequence[Sequence[WalkEdge]]
    soft_or_grouped: Sequence[Sequence[WalkEdge]]
    """The edges a node that degrades as it fails still has to walk (see
    ``exitplan.simulate.propagate``)."""
    members: Sequence[int]
    """By group number: how many dependencies the dependent has in that group."""
    hard_members: Sequence[int]
    """By group number: how many of them are hard."""


class DependencyRegion(Protocol):
    """The dependents of a set of withdrawn nodes, as the simulation walks them.

    ``dependents(n)`` gives the edges into ``n`` (who needs ``n``), ``dependencies(n)`` the
    edges out of ``n`` (what ``n`` needs, also to nodes outside the region, so that a
    redundant group with a member outside is seen whole). Both sorted by the other end.
    An embedded backend answers from memory as asked; a database backend may fetch the
    whole region in one query first. Either way the cost grows with the region.
    """

    def dependents(self, node_id: NodeId) -> Sequence[DependsOn]: ...

    def dependencies(self, node_id: NodeId) -> Sequence[DependsOn]: ...

    def node(self, node_id: NodeId) -> GraphNode: ...

    def walk(self) -> Walk:
        """The same edges by node number (built on first use, then kept)."""
        ...

    def in_use(self, node_id: NodeId) -> bool:
        """Runs today: not a candidate, not retired (services always run); or needed by
        what is in use, directly or through others, and so taken as running
        (``exitplan.graph.region.idle``)."""
        ...


NOT_IN_USE = frozenset({"candidate", "retired"})
"""Lifecycles of components that nothing runs on today."""


def runs_today(node: GraphNode) -> bool:
    return node.properties.get("lifecycle") not in NOT_IN_USE


def inferred_fields(element: GraphNode | GraphEdge) -> tuple[str, ...]:
    """The fields an import inferred rather than read of a node or an edge (its
    ``inferred`` property: a tuple in memory, a list from the database); none: ``()``."""
    inferred = element.properties.get("inferred")
    return tuple(str(name) for name in inferred) if isinstance(inferred, tuple | list) else ()


def in_use_among(backend: GraphBackend, nodes: Iterable[GraphNode]) -> set[NodeId]:
    """The ids of ``nodes`` in use: those that run today, and those nobody runs that what
    does needs, directly or through others (taken as running, as the simulation takes
    them: ``DependencyRegion.in_use``). Only the nodes nobody runs are looked up, with
    what needs them."""
    listed = list(nodes)
    idle = sorted(n.id for n in listed if not runs_today(n))
    region = backend.dependency_region(idle) if idle else None
    return {n.id for n in listed if runs_today(n) or (region is not None and region.in_use(n.id))}


def breadth_first(
    starts: Iterable[NodeId],
    neighbours: Callable[[NodeId], Iterable[NodeId]],
    max_depth: int | None = None,
) -> set[NodeId]:
    """Every node reached from ``starts`` within ``max_depth`` steps of ``neighbours``,
    the starts excluded (as ``networkx.ancestors``); only what is reached is visited."""
    seen = set(starts)
    reached: set[NodeId] = set()
    queue = deque((node_id, 0) for node_id in seen)
    while queue:
        current, depth = queue.popleft()
        if max_depth is not None and depth >= max_depth:
            continue
        for other in neighbours(current):
            if other not in seen:
                seen.add(other)
                reached.add(other)
                queue.append((other, depth + 1))
    return reached


class UnknownNodeError(UsageError):
    """An id was asked for that the estate does not have."""

    def __init__(self, node_id: str, known: Iterable[str], *, estate: str) -> None:
        ids = known if isinstance(known, Collection) else list(known)
        kind, _, bare = node_id.partition(":")
        if bare and bare in ids:  # a selector where an id belongs: component:intune
            hint = f"; did you mean {bare!r}? (a node is named by its id, without {kind + ':'!r})"
        else:
            hint = did_you_mean(node_id, ids)
        super().__init__(f"estate {estate!r} has no node {shorten(node_id)!r}{hint}")
        self.node_id = node_id


class GraphBackend(Protocol):
    """The queries of DESIGN.md §3. Every list is sorted (nodes by id, edges by
    ``GraphEdge.sort_key``) so that output built from it is deterministic."""

    @property
    def info(self) -> EstateInfo:
        """The estate header: name, title, as-of date, currency."""
        ...

    def load(self, estate: Estate) -> LoadSummary:
        """Replace the estate held under ``estate.name`` with this one."""
        ...

    def node(self, node_id: NodeId) -> GraphNode:
        """One node; ``UnknownNodeError`` (with a suggestion) when there is none."""
        ...

    def nodes(self, label: Label | None = None) -> list[GraphNode]: ...

    def edges(self, rel: Rel | None = None) -> list[GraphEdge]: ...

    def edges_of(
        self, node_id: NodeId, direction: Direction, rels: Collection[Rel] | None = None
    ) -> list[GraphEdge]:
        """The edges leaving (``OUT``) or entering (``IN``) one node."""
        ...

    def dependents(
        self,
        ids: Iterable[NodeId],
        *,
        max_depth: int | None = None,
        rels: Collection[Rel] = (Rel.DEPENDS_ON,),
    ) -> set[NodeId]:
        """Every node that reaches one of ``ids`` along ``rels`` (it depends on it, directly
        or transitively), within ``max_depth`` steps; the start nodes are excluded, as in
        ``networkx.ancestors``. Unknown ids raise ``UnknownNodeError``."""
        ...

    def dependencies(
        self,
        ids: Iterable[NodeId],
        *,
        max_depth: int | None = None,
        rels: Collection[Rel] = (Rel.DEPENDS_ON,),
    ) -> set[NodeId]:
        """Every node that one of ``ids`` reaches along ``rels``: what it needs."""
        ...

    def nodes_by_id(self, ids: Iterable[NodeId]) -> dict[NodeId, GraphNode]:
        """Several nodes at once; unknown ids raise ``UnknownNodeError``."""
        ...

    def nodes_tagged(self, tag: str) -> list[GraphNode]:
        """Every node whose ``tags`` include ``tag``."""
        ...

    def edges_touching(
        self, ids: Iterable[NodeId], direction: Direction, rels: Collection[Rel]
    ) -> list[GraphEdge]:
        """``edges_of`` for several nodes at once (one round trip on a database)."""
        ...

    def dependency_region(self, ids: Iterable[NodeId]) -> DependencyRegion:
        """The region of the graph that depends on ``ids``, for the simulation."""
        ...

    def subgraph(self, ids: Iterable[NodeId]) -> Subgraph:
        """The nodes with these ids and every edge between two of them."""
        ...

    def summary(self) -> LoadSummary:
        """Node and relationship counts of the estate as it is stored now."""
        ...
