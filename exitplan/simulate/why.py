"""Every chain of dependencies by which a withdrawal reaches one node, earliest first.

``Times.chain`` gives the one chain that decided a node's fate; an architect asking *why*
wants all of them: the same service may break at day 0 through conditional access and
again at day 345 through the client licence. Chains follow dependency edges from the node
down to a withdrawn node through affected nodes only. Each carries the day its effect
arrives (the onsets added up) and whether it breaks the node or only degrades it: a soft
edge anywhere on the way makes it a degradation, and a chain through a member of a
redundant group only counts once the whole group is gone (named in ``groups``).
"""

from __future__ import annotations

from dataclasses import dataclass

from exitplan.graph.port import DependencyRegion
from exitplan.model import NodeId
from exitplan.simulate.propagate import UNDATED, Times, is_dated

MAX_CHAINS = 200


@dataclass(frozen=True, order=True)
class Chain:
    day: float
    breaks: bool
    nodes: tuple[NodeId, ...]
    groups: tuple[str, ...]

    @property
    def dated(self) -> bool:
        return self.day < UNDATED


def chains(
    region: DependencyRegion, times: Times, node_id: NodeId, *, limit: int = MAX_CHAINS
) -> tuple[list[Chain], bool]:
    """The chains that reach ``node_id``, sorted by day (breaking before degrading), and
    whether the list was cut at ``limit``."""
    found: list[Chain] = []
    truncated = False

    def walk(path: list[NodeId], day: float, breaks: bool, groups: tuple[str, ...]) -> None:
        nonlocal truncated
        current = path[-1]
        if current in times.withdrawn:  # goes at once, or when its subscription ends ...
            found.append(Chain(day + times.ends.get(current, 0.0), breaks, tuple(path), groups))
            if current not in times.ends:
                return  # ... and what it needs may break it earlier still
        elif current in times.ends and is_dated(times.ends[current]):  # runs on, unsupported
            found.append(Chain(day + times.ends[current], False, tuple(path), groups))
        for edge in region.dependencies(current):
            if len(found) >= limit * 5:
                truncated = True
                return
            target = edge.target
            if target in path or target not in times.degrade:
                continue
            path.append(target)
            walk(
                path,
                day + times.onset(edge),
                breaks and edge.hard,
                (*groups, f"{current}:{edge.group}") if edge.group else groups,
            )
            path.pop()

    walk([node_id], 0.0, True, ())
    found.sort(key=lambda c: (c.day, not c.breaks, len(c.nodes), c.nodes))
    if len(found) > limit:
        truncated = True
    return found[:limit], truncated
