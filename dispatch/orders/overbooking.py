"""How many to book so that enough arrive: pure rules, no database."""

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal

import numpy as np

from workers.priors import NEWCOMER_RELIABILITY as _PRIOR

ADAPTIVE_CAP_FACTOR = 2.0  # adaptive mode never books more than twice the headcount
NEWCOMER_RELIABILITY = float(_PRIOR)  # assumed for slots nobody has taken yet


def fixed_target(headcount: int, factor: Decimal | float) -> int:
    """Invite 15 for 10: ceil(headcount x factor); exact decimals, so 10 x 1.5 is 15, not 16."""
    return math.ceil(Decimal(headcount) * Decimal(str(factor)))


def adaptive_cap(headcount: int) -> int:
    return math.ceil(headcount * ADAPTIVE_CAP_FACTOR)


def add_worker(dist: np.ndarray, reliability: float) -> np.ndarray:
    """The arrivals distribution with one more booked worker (one O(n) step of the DP)."""
    p = min(1.0, max(0.0, float(reliability)))
    out = np.zeros(len(dist) + 1)
    out[:-1] += dist * (1.0 - p)
    out[1:] += dist * p
    return out


def arrivals_distribution(reliabilities: Iterable[float]) -> np.ndarray:
    """P(exactly k arrive) for k = 0..n: the Poisson-binomial, by exact dynamic programming."""
    dist = np.ones(1)
    for p in reliabilities:
        dist = add_worker(dist, p)
    return dist


def _at_least(dist: np.ndarray, headcount: int) -> float:
    return min(1.0, float(dist[headcount:].sum())) if headcount < len(dist) else 0.0


def fill_probability(reliabilities: Sequence[float], headcount: int) -> float:
    """P(at least headcount of these booked workers turn up)."""
    if headcount <= 0:
        return 1.0
    if len(reliabilities) < headcount:
        return 0.0
    return _at_least(arrivals_distribution(reliabilities), headcount)


def adaptive_is_full(reliabilities: Sequence[float], headcount: int, goal: float) -> bool:
    """Adaptive mode stops booking once the goal is reached, or at the cap."""
    if len(reliabilities) >= adaptive_cap(headcount):
        return True
    return len(reliabilities) >= headcount and fill_probability(reliabilities, headcount) >= goal


def adaptive_target(
    booked: Sequence[float], headcount: int, goal: float, expected_reliability: float
) -> int:
    """The booking count adaptive mode expects to stop at: the booked plus newcomers of the
    expected reliability, the fewest that reach the goal (at most the cap)."""
    cap = adaptive_cap(headcount)
    dist, count = arrivals_distribution(booked), len(booked)
    # Add newcomers one at a time onto the same table: O(n) each, not a rebuild.
    while count < cap and not (count >= headcount and _at_least(dist, headcount) >= goal):
        dist, count = add_worker(dist, expected_reliability), count + 1
    return count
