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

With a limit and deadlines, the steps are also placed a second time, the one that must
start soonest first: its latest start for it and the steps after it to finish by their
deadlines, or by the first placing's finish where that is earlier or there is none (then
the longest chain ahead, the deadline, the id); and a third time by their latest starts
for the deadlines alone (a step with none, and none after it, is never urgent). The
placing with fewer late steps is kept, then the one less late at its worst, then the one
that finishes sooner, then the earlier.
Example: with one team, a 20-week step and a 2-week step whose contract ends in week 3
ran the long one first and the short one 19 weeks late; the second placing runs the short
one first, nothing is late, and the plan still finishes in week 22 (helper-83).
Example: with one team, X (10 weeks, due in week 26), Y (4 weeks, due in week 13) and Z
(6 weeks after X, due by nothing): the second placing bounds Z by the first's finish
(week 20), so X must start by week 4 and runs first, and Y finishes a week late; the
third runs Y, X, Z, nothing is late, and it too finishes in week 20 (helper-88).

Example: three 10-week steps with no order between them and ``parallel_steps: 2``: two
run in weeks 0-10, the third in weeks 10-20; the plan finishes in week 20, not week 10.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

WEEKS_PER_MONTH = Fraction(12, 52)
"""A month is 52/12 weeks: a month's person-weeks spread over its weeks."""

WEEK_DECIMALS = 6
"""Weeks of work count to a millionth (under a second): sums of fractions carry float
noise (``3.1999999999999997``, ``30.00000000023`` at 4.3333333333 person-weeks a month)
that no week of work means, and that must not make a day of its own."""


def days_of(weeks: float) -> int | None:
    """Whole days in ``weeks`` of work, counted to a millionth of a week, a part of a day
    counting as one; ``None`` when the figure is too large to count in days (durations
    near the largest float add up to infinity). The days a plan shows, and the days the
    placings are compared by."""
    days = round(weeks, WEEK_DECIMALS) * 7
    return math.ceil(days) if math.isfinite(days) else None


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


def schedule(
    tasks: Sequence[Task],
    capacity: Capacity | None = None,
    *,
    starts_day: int = 0,
    by_deadlines: bool = True,
) -> dict[str, Slot]:
    """Start and finish week of every task. ``tasks`` must be ordered so that each comes
    after the tasks it names in ``after`` (acyclic); week 0 is day ``starts_day``, from
    which the deadlines count. ``by_deadlines``: with a limit, place them a second time by
    their latest starts, and keep the placing less late (``False``: the first alone)."""
    by_id = {task.id: task for task in tasks}
    followers: dict[str, list[str]] = {task.id: [] for task in tasks}
    for task in tasks:
        for before in task.after:
            followers[before].append(task.id)
    ahead = _work_ahead(tasks, followers)

    def longest(task_id: str) -> tuple[float, float, str]:
        return -ahead[task_id], _deadline_key(by_id[task_id].deadline), task_id

    first = _placed(tasks, by_id, followers, capacity, longest)
    if not by_deadlines or capacity is None or all(t.deadline is None for t in tasks):
        return first
    end = max((slot.finish for slot in first.values()), default=0.0)
    placings = [first]
    for bound in (end, math.inf):
        latest = _latest_starts(tasks, followers, bound, starts_day)

        def soonest(task_id: str, latest: Mapping[str, float] = latest) -> tuple[float | str, ...]:
            return latest[task_id], *longest(task_id)

        placings.append(_placed(tasks, by_id, followers, capacity, soonest))
    # min keeps the first of equals: the critical path first, unless another is less late
    return min(placings, key=lambda placed: _lateness(placed, by_id, starts_day))


def _placed(
    tasks: Sequence[Task],
    by_id: Mapping[str, Task],
    followers: Mapping[str, list[str]],
    capacity: Capacity | None,
    urgency: Callable[[str], tuple[float | str, ...]],
) -> dict[str, Slot]:
    """Each task placed, the most ``urgency`` first (the smallest, which ends with the id)
    of those ready."""
    waiting = {task.id: len(task.after) for task in tasks}
    ready = [urgency(task.id) for task in tasks if not task.after]
    heapq.heapify(ready)
    placed: dict[str, Slot] = {}
    slots: list[Slot] = []  # what runs, for the limits; not needed without them
    while ready:
        task = by_id[str(heapq.heappop(ready)[-1])]
        earliest = max((placed[before].finish for before in task.after), default=0.0)
        placed[task.id] = slot = _place(task, earliest, slots, capacity)
        if capacity is not None:
            slots.append(slot)
        for follower in followers[task.id]:
            waiting[follower] -= 1
            if not waiting[follower]:
                heapq.heappush(ready, urgency(follower))
    return placed


def _lateness(
    placed: Mapping[str, Slot], by_id: Mapping[str, Task], starts_day: int
) -> tuple[int, float, float]:
    """The late tasks, the days the latest is late by, and the last finish: in the days
    the plan shows (``days_of``), so that noise a millionth of a week past a deadline is
    no lateness to trade a later finish for."""
    late: list[float] = []
    for task_id, slot in placed.items():
        deadline = by_id[task_id].deadline
        if deadline is None:
            continue
        days = days_of(slot.finish)
        over = math.inf if days is None else starts_day + days - deadline
        if over > 0:
            late.append(over)
    return len(late), max(late, default=0.0), max((s.finish for s in placed.values()), default=0.0)


def _latest_starts(
    tasks: Sequence[Task], followers: Mapping[str, list[str]], end: float, starts_day: int
) -> dict[str, float]:
    """The week each task must start by for it and the tasks after it to finish by their
    deadlines, or by week ``end`` where that is earlier (a backward pass of the
    critical-path method; ``end`` infinite: by the deadlines alone)."""
    latest: dict[str, float] = {}
    for task in reversed(tasks):
        finish = end
        if task.deadline is not None:
            finish = min(finish, (task.deadline - starts_day) / 7)
        for follower in followers[task.id]:
            finish = min(finish, latest[follower])
        latest[task.id] = finish - task.weeks
    return latest


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
