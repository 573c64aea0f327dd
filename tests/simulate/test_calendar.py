"""The plan on a calendar: contract deadlines in a chosen exit, dates, the start of the
work, and the one-off cost of leaving. Each row is a tiny estate (``build``'s spec) whose
day 0 is 2026-01-01."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from exitplan.model import NodeId
from exitplan.render.json import simulation_json
from exitplan.render.rows import due, headline, status
from exitplan.select import Mode
from exitplan.simulate import Options, simulate, timeline
from exitplan.simulate.explore import answer
from exitplan.simulate.plan import contract_outlooks
from exitplan.simulate.result import DeadlineFrom, Plan, Step
from exitplan.simulate.schedule import Capacity
from exitplan.simulate.views import plan_view
from tests.simulate.build import Reads, build


@dataclass(frozen=True)
class Due:
    id: str
    spec: str
    withdraw: tuple[str, ...]
    step: str
    expected: dict[str, Any]
    mode: Mode = Mode.EXIT
    options: dict[str, Any] = field(default_factory=dict)


def _contract(step: Step) -> tuple[str, str, str | None, int] | None:
    term = step.contract
    if term is None:
        return None
    notice = term.notice_by.isoformat() if term.notice_by else None
    return term.component, term.end.isoformat(), notice, term.renewals


DUES = [
    Due(
        "own-contract",
        "s:x -> a\ncontract a 2026-07-01 notice=90\ncandidate k\nalt k for a R3 weeks=10",
        ("component:a",),
        "replace-a",
        {
            "deadline": 181,
            "deadline_from": DeadlineFrom.CONTRACT,
            "contract": ("a", "2026-07-01", "2026-04-02", 0),
            "finish_day": 70,
            "slack": 111,
        },
    ),
    Due(
        "late-when-the-finish-falls-after-the-contract-end",
        "s:x -> a\ncontract a 2026-02-01\ncandidate k\nalt k for a R3 weeks=10",
        ("component:a",),
        "replace-a",
        {"deadline": 31, "slack": -39, "contract": ("a", "2026-02-01", None, 0)},
    ),
    Due(
        "the-licence-it-hard-depends-on",
        "s:x -> a\na -> licence\ncontract licence 2026-12-31 notice=30\ncandidate k\n"
        "alt k for a R3 weeks=4",
        ("vendor:v",),
        "replace-a",
        {"deadline": 364, "contract": ("licence", "2026-12-31", "2026-12-01", 0)},
    ),
    Due(
        "its-own-contract-before-the-licence",
        "s:x -> a\na -> licence\ncontract licence 2026-12-31\ncontract a 2026-06-30\n"
        "candidate k\nalt k for a R3 weeks=4",
        ("vendor:v",),
        "replace-a",
        {"contract": ("a", "2026-06-30", None, 0)},
    ),
    Due(
        "the-nearest-contract-through-the-vendors-components",
        "s:x -> a\na -> b\nb -> licence\ncontract licence 2026-12-31\ncandidate k\n"
        "alt k for a R3 weeks=4",
        ("vendor:v",),
        "replace-a",
        {"contract": ("licence", "2026-12-31", None, 0)},
    ),
    Due(
        "the-earliest-of-equally-near-contracts-and-due-by-each",
        "s:x -> a\na -> l1\na -> l2\ncontract l1 2027-03-31\ncontract l2 2026-09-30\n"
        "candidate k\nalt k for a R3 weeks=4",
        ("vendor:v",),
        "replace-a",
        {"contract": ("l2", "2026-09-30", None, 0), "contracts": ("l2", "l1")},
    ),
    Due(  # l2 lies behind b: only the nearest contracts are the step's
        "a-farther-contract-is-not-one-it-is-due-by",
        "s:x -> a\na -> l1\na -> b\nb -> l2\ncontract l1 2027-03-31\ncontract l2 2026-09-30\n"
        "candidate k\nalt k for a R3 weeks=4",
        ("vendor:v",),
        "replace-a",
        {"contract": ("l1", "2027-03-31", None, 0), "contracts": ("l1",)},
    ),
    Due(
        "not-through-a-soft-dependency",
        "s:x -> a\na -> licence soft\ncontract licence 2026-12-31\ncandidate k\n"
        "alt k for a R3 weeks=4",
        ("vendor:v",),
        "replace-a",
        {"contract": None, "deadline": None, "deadline_from": DeadlineFrom.NO_CONTRACT},
    ),
    Due(
        "not-through-a-redundant-group",
        "s:x -> a\na -> licence group=idp\na -> other group=idp\nvendor other o\n"
        "contract licence 2026-12-31\ncandidate k\nvendor k o\nalt k for a R3 weeks=4",
        ("component:a",),
        "replace-a",
        {"contract": None, "deadline_from": DeadlineFrom.NO_CONTRACT},
    ),
    Due(
        "the-vendors-licence-also-when-it-stays",
        "s:x -> a\na -> licence\ncontract licence 2026-12-31\ncandidate k\nvendor k other\n"
        "alt k for a R3 weeks=4",
        ("component:a",),
        "replace-a",
        {"contract": ("licence", "2026-12-31", None, 0), "slack": 336},
    ),
    Due(
        "not-through-another-vendors-component",
        "s:x -> a\na -> b\nb -> licence\nvendor b other\ncontract licence 2026-12-31\n"
        "candidate k\nalt k for a R3 weeks=4",
        ("vendor:v",),
        "replace-a",
        {"contract": None, "deadline_from": DeadlineFrom.NO_CONTRACT, "slack": None},
    ),
    Due(
        "the-next-renewal-when-notice-has-passed",
        "s:x -> a\ncontract a 2026-02-28 notice=90 renews=12\ncandidate k\nalt k for a R3 weeks=4",
        ("component:a",),
        "replace-a",
        {"contract": ("a", "2027-02-28", "2026-11-30", 1), "deadline": 423},
    ),
    Due(
        "a-renewal-from-the-end-of-a-month-keeps-to-the-month",
        "s:x -> a\ncontract a 2024-01-31 renews=1\ncandidate k\nalt k for a R3 weeks=4",
        ("component:a",),
        "replace-a",
        {"contract": ("a", "2026-01-31", None, 24)},
    ),
    Due(
        "the-recorded-end-while-notice-can-still-be-given",
        "s:x -> a\ncontract a 2026-06-30 notice=90 renews=36\ncandidate k\nalt k for a R3 weeks=4",
        ("component:a",),
        "replace-a",
        {"contract": ("a", "2026-06-30", "2026-04-01", 0)},
    ),
    Due(
        "a-passed-notice-date-without-renewal-terms-stays",
        "s:x -> a\ncontract a 2026-02-28 notice=90\ncandidate k\nalt k for a R3 weeks=4",
        ("component:a",),
        "replace-a",
        {"contract": ("a", "2026-02-28", "2025-11-30", 0), "deadline": 58},
    ),
    Due(
        "an-export-is-due-with-its-replacement",
        "s:x -> a\nexport a\ncontract a 2026-07-01\ncandidate k\nalt k for a R3 weeks=4",
        ("component:a",),
        "export-a",
        {"deadline": 181, "contract": ("a", "2026-07-01", None, 0)},
    ),
    Due(
        "a-blocked-step-still-has-its-contract",
        "s:x -> a\ncontract a 2026-07-01",
        ("component:a",),
        "replace-a",
        {"blocked": True, "deadline": 181, "finish_day": None, "slack": None},
    ),
    Due(
        "a-cut-off-is-due-when-things-break-not-at-the-contract",
        "s:x -> a grace=30\ncontract a 2026-07-01\ncandidate k\nalt k for a R3 weeks=10",
        ("component:a",),
        "replace-a",
        {"deadline": 30, "deadline_from": DeadlineFrom.BREAKS, "contract": None, "slack": -40},
        mode=Mode.CUT_OFF,
    ),
    Due(  # DESIGN.md: "at renewal, date unknown", never silently infinite (helper-89)
        "a-cut-off-due-by-a-renewal-of-unknown-date-says-so",
        "s:x -> u\nu -> a renewal\nvendor u own\ncandidate k\nalt k for a R3 weeks=4",
        ("component:a",),
        "replace-a",
        {"deadline": None, "deadline_from": DeadlineFrom.AT_RENEWAL, "slack": None},
        mode=Mode.CUT_OFF,
    ),
    Due(
        "a-known-day-comes-before-a-renewal-of-unknown-date",
        "s:x -> u\ns:y -> w\nu -> a renewal\nw -> a grace=30\nvendor u own\nvendor w own\n"
        "candidate k\nalt k for a R3 weeks=4",
        ("component:a",),
        "replace-a",
        {"deadline": 30, "deadline_from": DeadlineFrom.BREAKS, "slack": 2},
        mode=Mode.CUT_OFF,
    ),
    Due(
        "work-that-starts-later-finishes-later",
        "s:x -> a\ncontract a 2026-07-01\ncandidate k\nalt k for a R3 weeks=10",
        ("component:a",),
        "replace-a",
        {"start_day": 90, "finish_day": 160, "start_week": 0.0, "slack": 21},
        options={"work_starts": date(2026, 4, 1)},
    ),
]


@pytest.mark.parametrize("case", DUES, ids=[c.id for c in DUES])
def test_deadline(case: Due) -> None:
    options = Options(mode=case.mode, **case.options)
    plan = simulate(build(case.spec), case.withdraw, options).plan
    step = next(s for s in plan.steps if s.id == case.step)
    for key, value in case.expected.items():
        found = (
            _contract(step)
            if key == "contract"
            else tuple(term.component for term in step.contracts)
            if key == "contracts"
            else getattr(step, key)
        )
        assert found == value, key


def test_the_plan_tells_a_deadline_at_a_renewal_of_unknown_date() -> None:
    """The step's due column was blank, as for a step nothing needs (helper-89), and the
    explorer's and the plan diagram's too; it counted as on time (helper-91)."""
    graph = build("s:x -> u\nu -> a renewal\nvendor u own\ncandidate k\nalt k for a R3 weeks=4")
    simulation = simulate(graph, ["component:a"])
    (step,) = simulation.plan.steps
    assert due(step, simulation.start) == "at renewal (date unknown)"
    assert status(step) == "unknown while the renewal's date is not recorded"
    assert simulation.plan.lateness_unknown == (step,)
    assert not simulation.plan.late
    (shown,) = answer(timeline(graph, ["component:a"]))["steps"]
    assert shown[6] == "renewal"  # the page's due column says "at renewal (date unknown)"
    (box,) = plan_view(graph, simulation).nodes
    assert "4 weeks, due at renewal (date unknown)" in box.lines


def test_a_step_with_neither_contract_nor_duration_says_both() -> None:
    """Its status said "no contract date recorded" alone, start and finish the same day:
    a step of no length, to read it (helper-89)."""
    graph = build("s:x -> a\ncandidate k\nalt k for a R3")
    step = simulate(graph, ["component:a"], Options(mode=Mode.EXIT)).plan.steps[0]
    assert status(step) == "no contract date recorded; no duration recorded"


@pytest.mark.parametrize(("grace", "told"), [(41, "1 day after"), (40, "2 days after")])
def test_a_day_late_is_one_day(grace: int, told: str) -> None:
    """ "1 step finishes 1 days after ..." (helper-89)."""
    graph = build(f"s:x -> a grace={grace}\ncandidate k\nalt k for a R3 weeks=6")
    lines = headline(simulate(graph, ["component:a"]))
    assert f"1 step finishes {told} what it protects breaks (replace-a)." in lines


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (  # a finishes on day 70: after l2's end, before l1's
            "s:x -> a\na -> l1\na -> l2\ncontract l1 2027-03-31\ncontract l2 2026-02-01\n"
            "candidate k\nvendor k other\nalt k for a R3 weeks=10",
            {"l2": (1, 1), "l1": (1, 0)},
        ),
        (  # nothing needs the licence once a is replaced: its notice is due all the same
            "s:x -> a\na -> e\ne -> licence\ncontract e 2026-06-30\n"
            "contract licence 2026-12-31 notice=90\ncandidate k\nvendor k other\n"
            "alt k for a R3 weeks=10",
            {"e": (1, 0), "licence": (0, 0)},
        ),
        (  # a candidate's contract is none the exit leaves
            "s:x -> a\ncontract a 2026-06-30\ncandidate k\ncontract k 2026-03-01\n"
            "candidate k2\nvendor k2 other\nalt k2 for a R3 weeks=10",
            {"a": (1, 0)},
        ),
    ],
)
def test_each_contract_the_exit_leaves_says_the_steps_due_by_it_and_late_for_it(
    spec: str, expected: dict[str, tuple[int, int]]
) -> None:
    simulation = simulate(build(spec), ["vendor:v"], Options(mode=Mode.EXIT))
    found = {
        outlook.term.component: (len(outlook.steps), len(outlook.late))
        for outlook in contract_outlooks(simulation)
    }
    assert found == expected


@pytest.mark.parametrize(
    ("mode", "made"), [(Mode.CUT_OFF, False), (Mode.EXIT, True)], ids=["cut-off", "exit"]
)
def test_an_export_after_the_vendor_is_gone_cannot_be_made_and_is_not_late(
    mode: Mode, made: bool
) -> None:
    """Work that starts after a cut-off takes the vendor away: the export cannot be made,
    which is no lateness (helper-61 found it counted among the late steps)."""
    graph = build(
        "s:x -> a\nexport a\ncontract a 2026-07-01\ncandidate k\nvendor k other\n"
        "alt k for a R3 weeks=4"
    )
    options = Options(mode=mode, work_starts=date(2026, 4, 1))
    plan = simulate(graph, ["vendor:v"], options).plan
    export = next(step for step in plan.steps if step.id == "export-a")
    assert export.cannot_be_made is not made
    assert not export.late
    assert export not in plan.late


def test_no_step_of_a_chosen_exit_is_due_on_day_0_without_a_contract_that_ends_then() -> None:
    graph = build("s:x -> a\ns:y -> b\ncandidate k\nalt k for a R3 weeks=4\ncontract b 2026-01-01")
    plan = simulate(graph, ["vendor:v"], Options(mode=Mode.EXIT)).plan
    due = {step.id: step.deadline for step in plan.steps}
    assert due == {"replace-a": None, "replace-b": 0}


@dataclass(frozen=True)
class Cost:
    id: str
    spec: str
    expected: dict[str, Any]
    withdraw: tuple[str, ...] = ("vendor:v",)


COSTS = [
    Cost(
        "migration-and-parallel-running",
        "s:x -> a\ncost a 1200\ncandidate k\nalt k for a R3 weeks=4 migration=900 parallel=6",
        {"migration": 900.0, "parallel": 600.0, "one_off": 1500.0, "one_off_unknown": ()},
    ),
    Cost(
        "no-migration-cost-recorded-is-unknown-not-0",
        "s:x -> a\ncost a 1200\ncandidate k\nalt k for a R3 weeks=4 parallel=6",
        {"migration": 0.0, "parallel": 600.0, "one_off_unknown": ("replace-a",)},
    ),
    Cost(
        "parallel-running-of-a-component-without-a-cost-is-unknown",
        "s:x -> a\ncandidate k\nalt k for a R3 weeks=4 migration=900 parallel=6",
        {"parallel": 0.0, "one_off_unknown": ("replace-a",)},
    ),
    Cost(
        "no-parallel-running",
        "s:x -> a\ncandidate k\nalt k for a R3 weeks=4 migration=900 parallel=0",
        {"one_off": 900.0, "one_off_unknown": ()},
    ),
    Cost(
        "a-blocked-step-is-unknown",
        "s:x -> a",
        {"one_off": 0.0, "one_off_unknown": ("replace-a",)},
    ),
    Cost(
        "a-termination-fee-counts-once-per-contract",
        "s:x -> a\ns:y -> b\na -> licence\nb -> licence\ncontract licence 2026-12-31 fee=5000\n"
        "candidate ka\ncandidate kb\nalt ka for a R3 migration=1 parallel=0\n"
        "alt kb for b R3 migration=2 parallel=0",
        {"termination": 5000.0, "one_off": 5003.0, "termination_unknown": ()},
    ),
    Cost(
        "the-fee-of-a-contract-that-stays-is-not-counted",
        "s:x -> a\ns:y -> b\na -> licence\nb -> licence\ncontract licence 2026-12-31 fee=9000\n"
        "candidate k\nalt k for a R3 migration=100 parallel=0",
        {"termination": 0.0, "one_off": 100.0, "termination_unknown": ()},
        withdraw=("component:a",),
    ),
    Cost(
        "merged-steps-keep-every-contract",
        "s:x -> a\ns:y -> b\ncandidate ka\ncandidate kb\nka -> kb soft\nkb -> ka soft\n"
        "contract a 2026-12-31 fee=1000\ncontract b 2027-06-30 fee=5000\n"
        "alt ka for a R3 migration=1 parallel=0\nalt kb for b R3 migration=2 parallel=0",
        {"termination": 6000.0, "one_off": 6003.0},
    ),
    Cost(  # a is due by e's contract; the licence e runs under is left all the same
        "the-fee-of-a-contract-no-step-is-due-by-is-counted",
        "s:x -> a\na -> e\ne -> licence\ncontract e 2026-06-30 fee=100\n"
        "contract licence 2026-12-31 fee=5000\ncandidate k\nalt k for a R3 migration=1 parallel=0",
        {"termination": 5100.0, "one_off": 5101.0, "termination_unknown": ()},
    ),
    Cost(
        "a-contract-without-a-fee-is-named",
        "s:x -> a\ncontract a 2026-12-31\ncandidate k\nalt k for a R3 migration=1 parallel=0",
        {"termination": 0.0, "termination_unknown": ("a",)},
    ),
    Cost(
        "yearly-cost-before-and-after",
        "s:x -> a\ns:y -> b\ncost a 100\ncandidate ka\ncandidate kb\n"
        "alt ka for a R3\nalt kb for b R3",
        {
            "per_year_before": 100.0,
            "per_year_before_unknown": 1,
            "per_year_after": 0.0,
            "per_year_after_unknown": 2,
        },
    ),
]


def _elsewhere(spec: str) -> str:
    """Every candidate provided by another vendor than the one withdrawn (``v``)."""
    lines = spec.splitlines()
    return "\n".join(
        [
            *lines,
            *(f"vendor {line.split()[1]} other" for line in lines if line.startswith("candidate")),
        ]
    )


@pytest.mark.parametrize("case", COSTS, ids=[c.id for c in COSTS])
def test_cost_of_the_exit(case: Cost) -> None:
    graph = build(_elsewhere(case.spec))
    costs = simulate(graph, case.withdraw, Options(mode=Mode.EXIT)).plan.costs
    for key, value in case.expected.items():
        assert getattr(costs, key) == value, key


def _plan(capacity: Capacity | None) -> Plan:
    graph = build(
        """
        vendor ka other
        vendor kb other
        vendor kc other
        s:x -> a
        s:y -> b
        s:z -> c
        candidate ka
        candidate kb
        candidate kc
        alt ka for a R3 weeks=10 effort=20
        alt kb for b R3 weeks=10 effort=20
        alt kc for c R3 weeks=10 effort=20
        """
    )
    return simulate(graph, ["vendor:v"], Options(mode=Mode.EXIT, capacity=capacity)).plan


def test_capacity_delays_the_finish_and_says_so() -> None:
    free, limited = _plan(None), _plan(Capacity(parallel_steps=2))
    assert free.finish == free.critical_path_weeks == 10.0
    assert limited.finish == 20.0
    assert limited.critical_path_weeks == 10.0
    assert limited.finish_day == 140
    assert limited.finish_day_without_capacity == 70
    starts = sorted(step.start_week or 0.0 for step in limited.steps)
    assert starts == [0.0, 0.0, 10.0]


def test_people_stretch_a_step_that_needs_more_than_there_are() -> None:
    # 20 person-weeks over 10 weeks is 2 a week; 52/12 person-weeks a month is 1 a week
    plan = _plan(Capacity(person_weeks_per_month=52 / 12))
    spans = [(step.finish_week or 0.0) - (step.start_week or 0.0) for step in plan.steps]
    assert spans == [20.0] * 3
    assert plan.finish == 60.0


def test_a_plan_with_nothing_to_schedule_has_no_finish() -> None:
    plan = simulate(build("s:x -> a\ns:y -> b"), ["vendor:v"], Options(mode=Mode.EXIT)).plan
    assert all(step.blocked for step in plan.steps)
    assert plan.finish_day is None
    assert plan.finish_day_without_capacity is None


def test_float_noise_is_no_day_of_work() -> None:
    """4.3333333333 person-weeks a month is a hair under one a week: 30 person-weeks took
    week 30.00000000023 and finished on day 211, not 210; and 0.1 + 0.2 weeks read
    0.30000000000000004 in JSON (helper-88, helper-89)."""
    capacity = Capacity(person_weeks_per_month=4.3333333333)
    graph = build("s:x -> a\ncandidate k\nalt k for a R3 weeks=10 effort=30")
    simulation = simulate(graph, ["component:a"], Options(capacity=capacity))
    (step,) = simulation.plan.steps
    assert (step.finish_week or 0) > 30  # the noise itself
    assert step.finish_day == 210
    assert simulation_json(simulation)["plan"]["steps"][0]["finish_week"] == 30.0
    chain = build(
        "s:x -> a\ns:y -> b\ncandidate k\ncandidate k2\nk2 -> k\n"
        "alt k for a R3 weeks=0.1\nalt k2 for b R3 weeks=0.2"
    )
    plan = simulation_json(simulate(chain, ["component:a", "component:b"]))["plan"]
    assert plan["critical_path_weeks"] == 0.3
    efforts = build(
        "s:x -> a\ns:y -> b\ncandidate k\ncandidate k2\nk2 -> k\n"
        "alt k for a R3 weeks=1 effort=0.1\nalt k2 for b R3 weeks=1 effort=0.2"
    )
    plan = simulation_json(simulate(efforts, ["component:a", "component:b"]))["plan"]
    assert plan["effort_weeks"] == 0.3
    one = build("s:x -> a grace=210\ncandidate k\nalt k for a R3 weeks=30.0000002")
    (step,) = simulation_json(simulate(one, ["component:a"]))["plan"]["steps"]
    assert (step["finish_week"], step["finish_day"], step["slack_days"]) == (30.0, 210, 0)


def test_noise_past_a_deadline_is_no_lateness_to_trade_a_later_finish_for() -> None:
    """With 8.666666666 person-weeks a month, B finished a hair past week 20 (day 140, on
    time as shown); the scheduler counted it late in weeks and kept a placing that ends
    on day 210 instead of 140 (helper-91)."""
    spec = (
        "s:x -> a grace=70\ns:y -> b grace=140\ns:z -> c grace=211\n"
        "candidate k0\ncandidate k1\ncandidate k2\nk1 -> k0\n"
        "alt k0 for a R3 weeks=10\nalt k1 for b R3 weeks=0.1 effort=10\n"
        "alt k2 for c R3 weeks=10 effort=30"
    )
    capacity = Capacity(person_weeks_per_month=8.666666666)
    withdrawn = ["component:a", "component:b", "component:c"]
    plan = simulate(build(spec), withdrawn, Options(capacity=capacity)).plan
    assert (plan.finish_day, len(plan.late)) == (140, 0)


@pytest.mark.parametrize("incumbents", [4, 40])
def test_an_exit_reads_the_contracts_a_level_at_a_time_not_per_component(incumbents: int) -> None:
    """Each component of an exit finds the contract it runs under, its own or its
    licence's: on Neo4j each read is a query, and 17,000 of them made a report of the
    example take a minute and a half where embedded took 2.4 s (helper-99). The reads
    follow the levels searched, not the components to replace."""
    spec = ["contract lic 2027-06-30", "candidate k"]
    for i in range(incumbents):
        spec += [f"s:s{i} -> a{i}", f"a{i} -> lic", f"alt k for a{i} R3 weeks=2"]
    counting = Reads(build("\n".join(spec)))
    result = simulate(counting, ["vendor:v"], Options(mode=Mode.EXIT))
    deadlines = {s.moves[0].replaces: s.deadline for s in result.plan.steps}
    assert deadlines[NodeId("a0")] == deadlines[NodeId(f"a{incumbents - 1}")] == 545
    reads = Reads(build("\n".join(spec[: 2 + 3 * 4])))
    simulate(reads, ["vendor:v"], Options(mode=Mode.EXIT))
    assert counting.by_method() == reads.by_method()
