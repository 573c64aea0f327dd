"""Scheduling within capacity: properties that hold for every set of steps."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from exitplan.simulate.schedule import Capacity, Slot, Task, schedule

WEEKS = st.sampled_from([0.0, 1.0, 2.5, 4.0, 10.0, 26.0, 52.0])


@st.composite
def tasks(draw: st.DrawFn) -> list[Task]:
    """Up to 12 steps in topological order; each may follow any earlier ones."""
    count = draw(st.integers(min_value=1, max_value=12))
    found: list[Task] = []
    for index in range(count):
        earlier = [task.id for task in found]
        after = draw(st.lists(st.sampled_from(earlier), unique=True)) if earlier else []
        found.append(
            Task(
                f"s{index:02d}",
                draw(WEEKS),
                draw(st.none() | st.sampled_from([0.0, 2.0, 8.0, 30.0])),
                tuple(sorted(after)),
                draw(st.none() | st.integers(min_value=0, max_value=400)),
            )
        )
    return found


CAPACITIES = st.builds(
    Capacity,
    st.none() | st.integers(min_value=1, max_value=4),
    st.none() | st.sampled_from([1.0, 4.0, 13.0, 40.0]),
)


def _running(slots: dict[str, Slot], moment: float) -> list[Slot]:
    return [s for s in slots.values() if s.start <= moment < s.finish]


@settings(max_examples=300, deadline=None)
@given(tasks(), CAPACITIES)
def test_the_limits_hold_at_every_moment(found: list[Task], capacity: Capacity) -> None:
    slots = schedule(found, capacity)
    for slot in slots.values():
        running = _running(slots, slot.start)
        if capacity.parallel_steps is not None:
            assert len(running) <= capacity.parallel_steps
        if capacity.people is not None:
            assert sum((s.people for s in running), Fraction(0)) <= capacity.people


@settings(max_examples=300, deadline=None)
@given(tasks(), CAPACITIES)
def test_every_step_starts_after_the_steps_before_it(found: list[Task], capacity: Capacity) -> None:
    slots = schedule(found, capacity)
    assert set(slots) == {task.id for task in found}
    for task in found:
        for before in task.after:
            assert slots[task.id].start >= slots[before].finish


@settings(max_examples=300, deadline=None)
@given(tasks(), CAPACITIES)
def test_a_limit_never_finishes_earlier(found: list[Task], capacity: Capacity) -> None:
    free = schedule(found)
    limited = schedule(found, capacity)
    for task in found:
        assert limited[task.id].start >= free[task.id].start
    assert max(s.finish for s in limited.values()) >= max(s.finish for s in free.values())


@settings(max_examples=200, deadline=None)
@given(tasks())
def test_a_limit_no_step_reaches_is_no_limit(found: list[Task]) -> None:
    # a step of no length with an effort reaches every limit on people: it takes them all
    assume(not any(t.effort and not t.weeks for t in found))
    efforts = [t.effort / t.weeks for t in found if t.effort and t.weeks]
    plenty = Capacity(len(found), max(efforts, default=1.0) * len(found) * 52 / 12 + 1)
    assert schedule(found, plenty) == schedule(found)


@settings(max_examples=200, deadline=None)
@given(tasks())
def test_without_a_limit_each_step_starts_when_the_last_before_it_finishes(
    found: list[Task],
) -> None:
    slots = schedule(found)
    for task in found:
        ready = max((slots[b].finish for b in task.after), default=0.0)
        assert slots[task.id].start == ready
        assert slots[task.id].finish == ready + task.weeks


@settings(max_examples=300, deadline=None)
@given(tasks(), CAPACITIES)
def test_each_step_has_the_time_its_effort_needs(found: list[Task], capacity: Capacity) -> None:
    """Under a limit on people, a step's slot holds its effort (one of no length with an
    effort took none: 5,200 person-weeks on day 0, helper-60)."""
    slots = schedule(found, capacity)
    if capacity.people is None:
        return
    for task in found:
        slot = slots[task.id]
        if task.effort:
            done = float(slot.people) * (slot.finish - slot.start)  # weeks are floats
            assert done >= task.effort * (1 - 1e-9)


def test_a_step_of_no_length_takes_as_long_as_its_effort_needs() -> None:
    people = 13.0  # person-weeks a month: 3 a week
    (slot,) = schedule([Task("a", 0.0, 30.0, ())], Capacity(person_weeks_per_month=people)).values()
    assert slot.finish == pytest.approx(30.0 / (people * 12 / 52))
    (free,) = schedule([Task("a", 0.0, 30.0, ())]).values()
    assert free.finish == 0.0
    # a length not recorded is none to stretch: the step had a month and no lateness told
    (unknown,) = schedule(
        [Task("a", 0.0, 30.0, (), sized=False)], Capacity(person_weeks_per_month=people)
    ).values()
    assert unknown.finish == 0.0


def test_three_steps_two_at_a_time() -> None:
    found = [Task(name, 10.0, None, ()) for name in ("a", "b", "c")]
    slots = schedule(found, Capacity(parallel_steps=2))
    assert [(s.start, s.finish) for s in slots.values()] == [(0, 10), (0, 10), (10, 20)]


def test_the_critical_path_goes_first() -> None:
    # "b" leads to the long chain, so it runs before "a" although "a" sorts first
    found = [
        Task("a", 10.0, None, ()),
        Task("b", 10.0, None, ()),
        Task("c", 30.0, None, ("b",)),
    ]
    slots = schedule(found, Capacity(parallel_steps=1))
    assert (slots["b"].start, slots["c"].start, slots["a"].start) == (0, 10, 40)


def test_the_earliest_deadline_breaks_a_tie() -> None:
    found = [Task("a", 10.0, None, (), deadline=300), Task("b", 10.0, None, (), deadline=100)]
    slots = schedule(found, Capacity(parallel_steps=1))
    assert (slots["b"].start, slots["a"].start) == (0, 10)


def _late(found: list[Task], slots: dict[str, Slot], starts_day: int = 0) -> list[str]:
    return sorted(
        task.id
        for task in found
        if task.deadline is not None and slots[task.id].finish > (task.deadline - starts_day) / 7
    )


@pytest.mark.parametrize(
    ("found", "capacity", "starts_day", "order", "late"),
    [
        (  # one team: the short step whose contract ends in week 3 goes first (helper-83)
            [Task("long", 20.0, None, (), deadline=364), Task("short", 2.0, None, (), 21)],
            Capacity(parallel_steps=1), 0, ["short", "long"], [],
        ),
        (  # its deadline counts from day 0, not from the start of the work
            [Task("long", 20.0, None, (), deadline=364), Task("short", 2.0, None, (), 35)],
            Capacity(parallel_steps=1), 14, ["short", "long"], [],
        ),
        (  # the step before a step with an early deadline is as urgent as it is
            [Task("long", 10.0, None, (), deadline=364), Task("before", 1.0, None, ()),
             Task("due", 1.0, None, ("before",), deadline=14)],
            Capacity(parallel_steps=1), 0, ["before", "due", "long"], [],
        ),
        (  # a deadline after the plan's finish changes nothing: the critical path first
            [Task("a", 10.0, None, (), deadline=999), Task("b", 10.0, None, ()),
             Task("c", 30.0, None, ("b",))],
            Capacity(parallel_steps=1), 0, ["b", "c", "a"], [],
        ),
        (  # when both placings are as late, the first is kept
            [Task("a", 10.0, None, (), deadline=7), Task("b", 10.0, None, (), deadline=7)],
            Capacity(parallel_steps=1), 0, ["a", "b"], ["a", "b"],
        ),
        (  # z, after x, is due by nothing: bounding it by the first finish made x urgent
            [Task("x", 10.0, None, (), deadline=181), Task("y", 4.0, None, (), deadline=90),
             Task("z", 6.0, None, ("x",))],
            Capacity(parallel_steps=1), 0, ["y", "x", "z"], [],  # (helper-88)
        ),
        (  # as late at the worst (b, 49 days) and as many late: the first placing is kept
            [Task("a", 5.0, None, (), 175), Task("b", 10.0, None, (), 21),
             Task("c", 2.0, None, ()), Task("d", 3.0, None, ("c",), 98)],
            Capacity(parallel_steps=1), 0, ["b", "a", "c", "d"], ["b", "d"],  # (helper-92)
        ),
        (  # fewer steps late wins: a first makes c alone late, b first c and d
            [Task("a", 10.0, None, ()), Task("b", 1.0, None, ()),
             Task("c", 3.0, None, ("a",), 77), Task("d", 10.0, None, ("b",), 161)],
            Capacity(parallel_steps=1), 0, ["a", "b", "d", "c"], ["c"],  # (helper-92)
        ),
        (  # as many late, as late at the worst: the latest starts counted back from the
           # first placing's finish end in week 11; from no bound, in week 17 (helper-92)
            [Task("t0", 2.0, 2.0, (), 21), Task("t1", 8.0, None, (), 35),
             Task("t2", 2.0, 6.0, ("t1",), 21), Task("t3", 1.0, 12.0, ("t0", "t1"), 49),
             Task("t4", 8.0, 12.0, ())],
            Capacity(parallel_steps=2), 0, ["t0", "t1", "t4", "t2", "t3"], ["t1", "t2", "t3"],
        ),
    ],
    ids=["short-first", "from-day-0", "before-a-deadline", "far-deadline", "equally-late",
         "by-the-deadlines-alone", "least-late-at-the-worst", "fewer-late", "finish-bound"],
)  # fmt: skip
def test_a_limited_plan_puts_first_what_must_start_first(
    found: list[Task], capacity: Capacity, starts_day: int, order: list[str], late: list[str]
) -> None:
    slots = schedule(found, capacity, starts_day=starts_day)
    assert sorted(slots, key=lambda name: (slots[name].start, name)) == order
    assert _late(found, slots, starts_day) == late


@settings(max_examples=300, deadline=None)
@given(tasks(), CAPACITIES)
def test_a_limit_is_never_later_than_the_critical_path_first(
    found: list[Task], capacity: Capacity
) -> None:
    """The plan kept has no more late steps than the critical-path-first placing alone;
    with as many, it is no later at its worst; and as late, it finishes no later."""

    def lateness(slots: dict[str, Slot]) -> tuple[int, float, float]:
        over = [
            slots[task.id].finish - task.deadline / 7
            for task in found
            if task.deadline is not None and slots[task.id].finish > task.deadline / 7
        ]
        return len(over), max(over, default=0.0), max(s.finish for s in slots.values())

    kept = schedule(found, capacity)
    assert lateness(kept) <= lateness(schedule(found, capacity, by_deadlines=False))
