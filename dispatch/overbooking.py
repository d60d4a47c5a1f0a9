"""How many to book so that enough arrive: pure rules, no database."""

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal

ADAPTIVE_CAP_FACTOR = 2.0  # adaptive mode never books more than twice the headcount
NEWCOMER_RELIABILITY = 0.8  # assumed for slots nobody has taken yet


def fixed_target(headcount: int, factor: Decimal | float) -> int:
    """Invite 15 for 10: ceil(headcount x factor); exact decimals, so 10 x 1.5 is 15, not 16."""
    return math.ceil(Decimal(headcount) * Decimal(str(factor)))


def adaptive_cap(headcount: int) -> int:
    return math.ceil(headcount * ADAPTIVE_CAP_FACTOR)


def arrivals_distribution(reliabilities: Iterable[float]) -> list[float]:
    """P(exactly k arrive) for k = 0..n: the Poisson-binomial, by exact dynamic programming."""
    dist = [1.0]
    for p in reliabilities:
        p = min(1.0, max(0.0, float(p)))
        nxt = [0.0] * (len(dist) + 1)
        for k, prob in enumerate(dist):
            nxt[k] += prob * (1.0 - p)
            nxt[k + 1] += prob * p
        dist = nxt
    return dist


def fill_probability(reliabilities: Sequence[float], headcount: int) -> float:
    """P(at least headcount of these booked workers turn up)."""
    if headcount <= 0:
        return 1.0
    if len(reliabilities) < headcount:
        return 0.0
    return min(1.0, sum(arrivals_distribution(reliabilities)[headcount:]))


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
    reliabilities = list(booked)
    while not adaptive_is_full(reliabilities, headcount, goal) and len(reliabilities) < cap:
        reliabilities.append(expected_reliability)
    return max(len(reliabilities), len(booked))
