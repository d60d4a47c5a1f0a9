"""Overbooking rules: fixed targets, the exact Poisson-binomial, adaptive stopping."""

import itertools
import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.orders import overbooking


@pytest.mark.parametrize(
    "headcount, factor, target",
    [
        (10, "1.5", 15),
        (1, "1.5", 2),
        (7, "1.5", 11),
        (10, "1.0", 10),
        (3, "3.0", 9),
        (500, "1.5", 750),
        (10, "1.25", 13),
    ],
)
def test_fixed_target_is_ceil_of_headcount_times_factor(headcount, factor, target):
    assert overbooking.fixed_target(headcount, Decimal(factor)) == target


def _brute_force(ps: list[float], headcount: int) -> float:
    total = 0.0
    for outcome in itertools.product((0, 1), repeat=len(ps)):
        if sum(outcome) >= headcount:
            total += math.prod(p if came else 1 - p for p, came in zip(ps, outcome, strict=True))
    return total


@given(
    st.lists(st.floats(min_value=0, max_value=1), min_size=0, max_size=9),
    st.integers(min_value=0, max_value=10),
)
def test_fill_probability_is_exact(ps, headcount):
    assert overbooking.fill_probability(ps, headcount) == pytest.approx(
        _brute_force(ps, headcount), abs=1e-9
    )


@given(
    st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=30),
    st.floats(min_value=0, max_value=1),
)
def test_one_more_booking_never_lowers_the_fill_probability(ps, extra):
    headcount = max(1, len(ps) // 2)
    before = overbooking.fill_probability(ps, headcount)
    assert overbooking.fill_probability([*ps, extra], headcount) >= before - 1e-12


def test_known_values():
    # Ten workers at 0.8 for ten places: everybody must come.
    assert overbooking.fill_probability([0.8] * 10, 10) == pytest.approx(0.8**10)
    # 15 at 0.8 for 10: the binomial tail P(X >= 10), X ~ Bin(15, 0.8).
    tail = sum(math.comb(15, k) * 0.8**k * 0.2 ** (15 - k) for k in range(10, 16))
    assert overbooking.fill_probability([0.8] * 15, 10) == pytest.approx(tail)
    assert overbooking.fill_probability([0.9] * 3, 4) == 0.0


def test_adaptive_stops_at_the_goal_with_the_fewest_bookings():
    goal = 0.95
    reliable = [0.99] * 10
    assert overbooking.adaptive_is_full(reliable + [0.99], 10, goal)  # P = 0.9957
    assert not overbooking.adaptive_is_full(reliable, 10, goal)  # all ten must come: P = 0.904
    shaky = [0.6] * 15
    assert not overbooking.adaptive_is_full(shaky, 10, goal)
    # The cap: never more than twice the headcount, whatever the odds.
    assert overbooking.adaptive_is_full([0.3] * 20, 10, goal)


def test_adaptive_target_grows_for_unreliable_crews():
    steady = overbooking.adaptive_target([], 10, 0.95, 0.95)
    shaky = overbooking.adaptive_target([], 10, 0.95, 0.7)
    assert 10 < steady < shaky <= 20
    assert overbooking.fill_probability([0.95] * steady, 10) >= 0.95
    assert overbooking.fill_probability([0.95] * (steady - 1), 10) < 0.95
