"""The hours rule (dispatch/hours/policy.py): tables and properties."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.hours import policy
from dispatch.hours.errors import (
    BreakOutOfBounds,
    EarlyEndOutOfBounds,
    EndsTwice,
    OvertimeNotApproved,
    OvertimeOutOfBounds,
)
from dispatch.hours.policy import NO_TERMS, Terms

START = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
END = START + timedelta(hours=8)
H = timedelta(hours=1)
MIN = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("worked", "rounding", "billed"),
    [
        (0, "minute", 0),
        (457, "minute", 457),
        (7, "quarter", 0),  # under half a quarter: down
        (8, "quarter", 15),  # half a quarter and more: up (7.5 is the middle)
        (442, "quarter", 435),  # 7 h 22 -> 7 h 15
        (443, "quarter", 450),  # 7 h 23 -> 7 h 30
        (14, "half", 0),
        (15, "half", 30),  # exactly half: halves up
        (465, "half", 480),
        (464, "half", 450),
    ],
)
def test_billed_minutes_round_to_the_nearest_unit_halves_up(worked, rounding, billed):
    assert policy.billed_minutes(worked, rounding) == billed


@given(st.integers(0, 24 * 60), st.sampled_from(policy.ROUNDING))
def test_billing_rounds_to_a_whole_unit_within_half_a_unit(worked, rounding):
    unit = policy.UNIT_MIN[rounding]
    billed = policy.billed_minutes(worked, rounding)
    assert billed % unit == 0
    assert -unit / 2 < billed - worked <= unit / 2  # the nearest; a tie goes up


@given(st.integers(0, 24 * 60), st.integers(0, 24 * 60), st.sampled_from(policy.ROUNDING))
def test_billing_never_reverses_the_order_of_two_lines(a, b, rounding):
    low, high = sorted((a, b))
    assert policy.billed_minutes(low, rounding) <= policy.billed_minutes(high, rounding)


@given(st.integers(0, 24 * 60), st.integers(0, 600))
def test_an_unpaid_break_comes_off_the_span_a_paid_one_does_not(span, break_min):
    assert policy.worked_minutes(span, break_min, True) == span
    unpaid = policy.worked_minutes(span, break_min, False)
    assert unpaid == max(0, span - break_min) and 0 <= unpaid <= span


OVERTIME = Terms(overtime_until=END + 12 * H, overtime_approved_by="Ivanov")


@pytest.mark.parametrize(
    ("terms", "closed_end", "closed_at", "ended"),
    [
        (NO_TERMS, None, None, END),  # not closed: the scheduled end
        (NO_TERMS, START + 5 * H, START + 5 * H, START + 5 * H),  # closed "now" early
        (NO_TERMS, END, END + H, END),  # closed late without overtime: the scheduled end
        (Terms(ended_at=START + 6 * H), END, END, START + 6 * H),  # early end for the crew
        (OVERTIME, END, END + 14 * H, END + 12 * H),  # closed after the overtime: as approved
        (OVERTIME, None, None, END + 12 * H),  # not closed yet: as approved
        # Scenario A: 12 h approved ahead, closed "scheduled" 5 min past the end: 5 min.
        (OVERTIME, END, END + 5 * MIN, END + 5 * MIN),
        (OVERTIME, START + 5 * H, START + 5 * H, START + 5 * H),  # closed "now" early
        (OVERTIME, END, START + 5 * H, END),  # closed "scheduled" early: never sooner
        # Scenario B: closed "now" at 14:02, then an early end at the scheduled end.
        (Terms(ended_at=END), START + 6 * H + 2 * MIN, START + 6 * H + 2 * MIN, START + 362 * MIN),
        (Terms(ended_at=START + 5 * H), START + 6 * H, START + 6 * H, START + 5 * H),
    ],
)
def test_the_end_of_work_for_everyone(terms, closed_end, closed_at, ended):
    assert policy.end_of_work(closed_end, END, terms, closed_at) == ended


@given(
    st.integers(-120, 600),  # arrival, minutes after the start
    st.one_of(st.none(), st.integers(0, 720)),  # left, minutes after the start
    st.integers(0, 480),  # early end, minutes after the start
    st.one_of(st.none(), st.integers(0, 600)),  # the close, minutes after the start
    st.booleans(),  # the close chose "now" (else "scheduled")
)
def test_an_early_end_cuts_every_span_and_never_lengthens_one(arrived, left, early, close, now):
    arrived_at = START + arrived * MIN
    left_at = None if left is None else START + left * MIN
    closed_at = None if close is None else START + close * MIN
    closed_end = None if closed_at is None else min(closed_at, END) if now else END
    full_end = policy.end_of_work(closed_end, END, NO_TERMS, closed_at)
    cut_end = policy.end_of_work(closed_end, END, Terms(ended_at=START + early * MIN), closed_at)
    full = policy.span_minutes(arrived_at, left_at, START, full_end)
    cut = policy.span_minutes(arrived_at, left_at, START, cut_end)
    assert 0 <= cut <= full
    assert cut <= early


@given(
    st.integers(1, 12 * 60),  # overtime approved, minutes past the end
    st.integers(0, 24 * 60),  # the close, minutes after the start
    st.booleans(),  # the close chose "now" (else "scheduled")
)
def test_overtime_never_runs_past_the_close(overtime, close, now):
    closed_at = START + close * MIN
    closed_end = min(closed_at, END) if now else END
    terms = Terms(overtime_until=END + overtime * MIN, overtime_approved_by="Ivanov")
    ended = policy.end_of_work(closed_end, END, terms, closed_at)
    assert closed_end <= ended <= max(closed_end, closed_at)
    assert ended <= END + overtime * MIN


def test_approved_overtime_lengthens_the_span():
    overtime = Terms(overtime_until=END + 90 * MIN, overtime_approved_by="Petrova")
    ended = policy.end_of_work(END, END, overtime, END + 2 * H)
    assert policy.span_minutes(START, None, START, ended) == 8 * 60 + 90
    assert policy.span_minutes(START, END + 30 * MIN, START, ended) == 8 * 60 + 30  # left


@pytest.mark.parametrize(
    ("terms", "error", "field"),
    [
        (Terms(break_min=-1), BreakOutOfBounds, "break_min"),
        (Terms(break_min=601), BreakOutOfBounds, "break_min"),
        (Terms(break_min=480), BreakOutOfBounds, "break_min"),  # not shorter than the shift
        (
            Terms(overtime_until=END, overtime_approved_by="A"),
            OvertimeOutOfBounds,
            "overtime_until",
        ),
        (
            Terms(overtime_until=END + 12 * H + MIN, overtime_approved_by="A"),
            OvertimeOutOfBounds,
            "overtime_until",
        ),
        (Terms(overtime_until=END + H), OvertimeNotApproved, "overtime_approved_by"),
        (
            Terms(overtime_until=END + H, overtime_approved_by="  "),
            OvertimeNotApproved,
            "overtime_approved_by",
        ),
        (Terms(overtime_approved_by="A"), OvertimeNotApproved, "overtime_until"),
        (Terms(ended_at=START - MIN), EarlyEndOutOfBounds, "ended_at"),
        (Terms(ended_at=END + MIN), EarlyEndOutOfBounds, "ended_at"),
        (
            Terms(ended_at=END - H, overtime_until=END + H, overtime_approved_by="A"),
            EndsTwice,
            "ended_at",
        ),
    ],
)
def test_terms_that_cannot_have_happened_are_refused_naming_the_field(terms, error, field):
    with pytest.raises(error) as refused:
        policy.check_terms(terms, START, END)
    assert refused.value.loc == ("body", field)


@pytest.mark.parametrize(
    "terms",
    [
        NO_TERMS,
        Terms(break_min=479),
        Terms(ended_at=START),
        Terms(ended_at=END),
        Terms(overtime_until=END + 12 * H, overtime_approved_by="Ivanov"),
    ],
)
def test_terms_within_the_bounds_pass(terms):
    policy.check_terms(terms, START, END)


def test_a_long_shift_takes_the_longest_break():
    policy.check_terms(Terms(break_min=600), START, START + 12 * H)
    with pytest.raises(BreakOutOfBounds):
        policy.check_terms(Terms(break_min=601), START, START + 12 * H)
