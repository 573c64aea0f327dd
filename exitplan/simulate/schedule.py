"""When each migration step runs, within what the organisation can do at once.

Without a limit, a step starts as soon as every step before it has finished (the plan's
critical path). A scenario may limit the work: ``parallel_steps`` (how many steps can run
at once, e.g. the number of teams) and ``person_weeks_per_month`` (the people available;
a step needs ``effort / duration`` person-weeks each week it runs). A step that needs more
people than there are runs longer, with all of them.

The steps are placed one at a time, the most urgent first among those whose predecessors
are placed: the longest chain of work still ahead of it (the critical path first), then
the earliest deadline, then the id. Each goes at the earliest time after its predecessors
finish at which it fits under both limits for its whole duration (a serial schedule: every
step keeps its order, and no step starts earlier than it would without a limit).

Example: three 10-week steps with no order between them and ``parallel_steps: 2``: two
run in weeks 0-10, the third in weeks 10-20; the plan finishes in week 20, not week 10.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

WEEKS_PER_MONTH = Fraction(12, 52)
"""A month is 52/12 weeks: a month's person-weeks spread over its weeks."""


@dataclass(frozen=True)
class Capacity:
    """How much migration work can run at once; ``None``: no limit of that kind."""

    parallel_steps: int | None = None
    person_weeks_per_month: float | None = None

    @property
    def people(self) -> Fraction | None:
        """Person-weeks available per week."""
        if self.person_weeks_per_month is None:
            return None
        return Fraction(self.person_weeks_per_month) * WEEKS_PER_MONTH


@dataclass(frozen=True)
class Task:
    """One step to schedule: weeks it takes, person-weeks of work (``None``: unknown, so
    not counted against people), the steps that must finish first, and its deadline in
    days (``None``: none known)."""

    id: str
    weeks: float
    effort: float | None
    after: tuple[str, ...]
    deadline: int | None = None
    sized: bool = True
    """Its weeks are recorded (``False``: unknown, taken as 0 and never stretched)."""


@dataclass(frozen=True)
class Slot:
    start: float
    finish: float
    people: Fraction
    """Person-weeks a week while it runs."""


def schedule(tasks: Sequence[Task], capacity: Capacity | None = None) -> dict[str, Slot]:
    """Start and finish week of every task. ``tasks`` must be ordered so that each comes
    after the tasks it names in ``after`` (acyclic)."""
    by_id = {task.id: task for task in tasks}
    followers: dict[str, list[str]] = {task.id: [] for task in tasks}
    for task in tasks:
        for before in task.after:
            followers[before].append(task.id)
    ahead = _work_ahead(tasks, followers)
    waiting = {task.id: len(task.after) for task in tasks}

    def urgency(task_id: str) -> tuple[float, float, str]:
        return -ahead[task_id], _deadline_key(by_id[task_id].deadline), task_id

    ready = [urgency(task.id) for task in tasks if not task.after]
    heapq.heapify(ready)
    placed: dict[str, Slot] = {}
    slots: list[Slot] = []  # what runs, for the limits; not needed without them
    while ready:
        task = by_id[heapq.heappop(ready)[-1]]
        earliest = max((placed[before].finish for before in task.after), default=0.0)
        placed[task.id] = slot = _place(task, earliest, slots, capacity)
        if capacity is not None:
            slots.append(slot)
        for follower in followers[task.id]:
            waiting[follower] -= 1
            if not waiting[follower]:
                heapq.heappush(ready, urgency(follower))
    return placed


def _deadline_key(deadline: int | None) -> float:
    return math.inf if deadline is None else deadline


def _work_ahead(tasks: Sequence[Task], followers: Mapping[str, list[str]]) -> dict[str, float]:
    """Weeks from a task's start to the end of the longest chain of tasks after it."""
    ahead: dict[str, float] = {}
    for task in reversed(tasks):
        ahead[task.id] = task.weeks + max((ahead[f] for f in followers[task.id]), default=0.0)
    return ahead


def _needs(task: Task, capacity: Capacity | None) -> tuple[float, Fraction]:
    """The weeks a task takes and the people it occupies, stretched when it needs more
    people than there are (a task of no length but some effort takes all of them for as
    long as the effort needs)."""
    people = capacity.people if capacity else None
    if task.effort is None or task.effort <= 0:
        return task.weeks, Fraction(0)
    if task.weeks <= 0:  # work with no length of its own: as long as the people take
        if people is None or not task.sized:  # an unknown length is no length to stretch
            return task.weeks, Fraction(0)
        return float(Fraction(task.effort) / people), people
    rate = Fraction(task.effort) / Fraction(task.weeks)
    if people is not None and rate > people:
        return float(Fraction(task.effort) / people), people
    return task.weeks, rate


def _place(task: Task, earliest: float, slots: Sequence[Slot], capacity: Capacity | None) -> Slot:
    """The earliest slot from ``earliest`` on where the task fits: the load only falls
    where a slot finishes, so those are the only starts worth trying."""
    weeks, people = _needs(task, capacity)
    if capacity is None or weeks <= 0:
        return Slot(earliest, earliest + weeks, people)
    candidates = sorted({earliest, *(s.finish for s in slots if s.finish > earliest)})
    for start in candidates:
        if _fits(start, start + weeks, people, slots, capacity):
            return Slot(start, start + weeks, people)
    raise AssertionError("a task always fits once every other task has finished")


def _fits(
    start: float, finish: float, people: Fraction, slots: Sequence[Slot], capacity: Capacity
) -> bool:
    """Whether the limits hold throughout ``[start, finish)``: the load only rises where a
    slot starts, so it is enough to look at ``start`` and at every start inside."""
    overlapping = [s for s in slots if s.start < finish and s.finish > start and s.finish > s.start]
    moments = [start, *(s.start for s in overlapping if s.start > start)]
    available = capacity.people
    for moment in moments:
        running = [s for s in overlapping if s.start <= moment < s.finish]
        if capacity.parallel_steps is not None and len(running) + 1 > capacity.parallel_steps:
            return False
        if available is not None and sum((s.people for s in running), people) > available:
            return False
    return True
