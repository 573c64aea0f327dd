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

from collections.abc import Iterator
from dataclasses import dataclass

from exitplan.graph.port import DependencyRegion, DependsOn
from exitplan.model import NodeId
from exitplan.simulate.propagate import UNDATED, Times, is_dated

MAX_CHAINS = 200

_Step = tuple[Iterator[DependsOn], float, bool, tuple[str, ...]]
"""Where the walk stands at a node of the path: its edges still to walk, the day, whether
the chain so far breaks, and the redundant groups passed."""


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
    whether the list was cut at ``limit``.

    A depth-first walk along the dependencies, kept on a stack of its own rather than
    Python's: a chain may be thousands of nodes long."""
    found: list[Chain] = []
    path = [node_id]
    on_path = {node_id}

    def arrive(day: float, breaks: bool, groups: tuple[str, ...]) -> bool:
        """Note the chains that end where the path has arrived; whether to go on."""
        current = path[-1]
        if current in times.withdrawn:  # goes at once, or when its subscription ends ...
            found.append(Chain(day + times.ends.get(current, 0.0), breaks, tuple(path), groups))
            return current in times.ends  # ... and what it needs may break it earlier still
        if current in times.ends and is_dated(times.ends[current]):  # runs on, unsupported
            found.append(Chain(day + times.ends[current], False, tuple(path), groups))
        return True

    stack: list[_Step] = []
    if arrive(0.0, True, ()):
        stack.append((iter(region.dependencies(node_id)), 0.0, True, ()))
    truncated = False
    while stack and not truncated:
        edges, day, breaks, groups = stack[-1]
        for edge in edges:
            if len(found) >= limit * 5:
                truncated = True
                break
            target = edge.target
            if target in on_path or target not in times.degrade:
                continue
            current = path[-1]
            path.append(target)
            on_path.add(target)
            onward = (
                day + times.onset(edge),
                breaks and edge.hard,
                (*groups, f"{current}:{edge.group}") if edge.group else groups,
            )
            if arrive(*onward):
                stack.append((iter(region.dependencies(target)), *onward))
                break  # down the new node first; this one's other edges after
            on_path.discard(path.pop())
        else:  # every edge of the node walked: back up
            stack.pop()
            on_path.discard(path.pop())
    found.sort(key=lambda c: (c.day, not c.breaks, len(c.nodes), c.nodes))
    if len(found) > limit:
        truncated = True
    return found[:limit], truncated
