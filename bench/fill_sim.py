"""A month of one branch, simulated: how well does each overbooking policy fill orders?

Run from the repo root (seconds; deterministic for a given seed):

    .venv/bin/python bench/fill_sim.py [--orders 2000] [--workers 3000] [--seed 1]

It prints two tables (all orders; then by headcount) and writes them to
bench/results/fill_sim.txt.

The model
---------
Workers. Each has a TRUE chance of turning up once booked, hidden from the policies. The
source material says "invite 15 for 10, about five will have an excuse", so the pool mixes:

- 80% reliable: chance ~ Beta(12, 1.5), mean 0.89, 80% of them between 0.77 and 0.98;
- 20% flaky: chance ~ Uniform(0.3, 0.6), mean 0.45.

The pool's mean chance is 0.80, the same as NEWCOMER_RELIABILITY.

Learned reliability. The policies only see what rating/ computes from each
worker's history: the mean of a Beta posterior with prior Beta(4, 1) (mean 0.8, i.e.
NEWCOMER_RELIABILITY, worth five shifts), updated with one count per shift (show or no-show).
Older shifts weigh less: before each new shift both counts are multiplied by 0.5 ** (1/10),
a half-life of ten shifts, so at most ~15 shifts of evidence count. The result is rounded to
three decimals as `workers.reliability` stores it. Outcomes of a day are learned at the end
of that day.

Orders. `--orders` orders spread uniformly over 30 days; headcount 1 + Exponential(mean 5),
at most 30 (half the orders need 1-4 workers, a few need 20+). For each order, workers
answer YES in a random order: each worker of the pool is offered in turn and says YES with
chance 0.3; a worker already booked that day is skipped (the matcher's overlap rule). The
real matcher offers the best-rated first; here the order is random, so learned reliability
only sizes the booking, it does not pick who is booked. First come, first booked, until the
policy says the order is full:

- fixed 1.5: up to `fixed_target(headcount, 1.5)`;
- adaptive at goals 0.90 / 0.95 / 0.99: until `adaptive_is_full(learned reliabilities of
  the booked, headcount, goal)`, i.e. P(at least headcount arrive) >= goal, or the cap of
  twice the headcount.

Both are the real functions of dispatch/orders/overbooking.py, as dispatch/fill/waves.py calls them.
Each booked worker then turns up with their TRUE chance. No-shows here are unannounced (a
drop-out announced in time would be replaced from standby, so it does not appear).

Fairness. First a warm-up month runs with the branch default (fixed 1.5), starting from a
pool of newcomers, so that reliabilities are learned. Then each policy runs the same second
month (same orders, same YES sequence, same show-up draws per worker and order) from a copy
of the same learned state, and keeps learning through that month. Only that month is
measured.

The tables (measured month, per policy): fill rate (orders with at least headcount on site);
extra workers booked beyond headcount (mean per order, and total: the overbooking cost);
workers released on site (turned up beyond headcount: each is paid a show-up allowance);
workers missing (headcount minus arrivals, over short orders); the mean predicted fill
probability (fill_probability over the learned reliabilities, at booking) next to the realised
fill rate and to the mean TRUE fill probability (the same formula over the true chances: what
a perfectly calibrated learner would predict); and, for adaptive, orders that stopped at the
cap with the predicted probability still below the goal. The second table splits fill rate
and extra workers per order by headcount.
"""

import argparse
import random
import statistics
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from dispatch.orders.overbooking import (
    NEWCOMER_RELIABILITY,
    adaptive_cap,
    adaptive_is_full,
    fill_probability,
    fixed_target,
)

DAYS = 30
RELIABLE_SHARE = 0.8
RELIABLE_BETA = (12.0, 1.5)
FLAKY_RANGE = (0.3, 0.6)
PRIOR = (4.0, 1.0)  # Beta(4, 1): mean 0.8
HALF_LIFE_SHIFTS = 10
DECAY = 0.5 ** (1 / HALF_LIFE_SHIFTS)
YES_SHARE = 0.3
MEAN_EXTRA_HEADCOUNT = 5.0
MAX_HEADCOUNT = 30
RESULTS = Path(__file__).resolve().parent / "results" / "fill_sim.txt"

assert PRIOR[0] / sum(PRIOR) == NEWCOMER_RELIABILITY, "prior mean must match the newcomer"


@dataclass(frozen=True)
class Policy:
    name: str
    mode: str  # "fixed" or "adaptive", as Order.overbooking_mode
    value: float  # the overbook factor (fixed) or the fill goal (adaptive)

    def is_full(self, booked: list[float], headcount: int, target: int) -> bool:
        """As dispatch.fill.is_full."""
        if self.mode == "adaptive":
            return adaptive_is_full(booked, headcount, self.value)
        return len(booked) >= target

    def initial_target(self, headcount: int) -> int:
        """Order.booking_target as dispatch/orders/service.py sets it; adaptive's is_full does not
        read it."""
        return fixed_target(headcount, self.value) if self.mode == "fixed" else 0


POLICIES = [
    Policy("fixed 1.5", "fixed", 1.5),
    Policy("adaptive 0.90", "adaptive", 0.90),
    Policy("adaptive 0.95", "adaptive", 0.95),
    Policy("adaptive 0.99", "adaptive", 0.99),
]
WARM_UP = POLICIES[0]


@dataclass(frozen=True)
class Order:
    index: int
    day: int
    headcount: int


@dataclass(frozen=True)
class Outcome:
    headcount: int
    booked: int
    arrived: int
    predicted: float  # P(fill) from the learned reliabilities of the booked
    true_chance: float  # P(fill) from their true chances
    capped_below_goal: bool


class History:
    """Decayed show / no-show counts per worker, and the reliability learned from them."""

    def __init__(self, size: int) -> None:
        self.shows = [0.0] * size
        self.no_shows = [0.0] * size

    def copy(self) -> "History":
        other = History(0)
        other.shows, other.no_shows = list(self.shows), list(self.no_shows)
        return other

    def reliability(self, worker: int) -> float:
        a, b = PRIOR
        shows, no_shows = self.shows[worker], self.no_shows[worker]
        return round((a + shows) / (a + b + shows + no_shows), 3)

    def record(self, worker: int, showed: bool) -> None:
        self.shows[worker] = self.shows[worker] * DECAY + showed
        self.no_shows[worker] = self.no_shows[worker] * DECAY + (not showed)


def make_pool(size: int, seed: int) -> list[float]:
    """The true show-up chances: mostly reliable workers, a flaky fifth."""
    rng = random.Random(f"{seed}:workers")
    return [
        rng.betavariate(*RELIABLE_BETA)
        if rng.random() < RELIABLE_SHARE
        else rng.uniform(*FLAKY_RANGE)
        for _ in range(size)
    ]


def make_orders(count: int, seed: int, month: int) -> list[Order]:
    rng = random.Random(f"{seed}:orders:{month}")
    orders = [
        Order(
            index=i,
            day=rng.randrange(DAYS),
            headcount=min(MAX_HEADCOUNT, 1 + int(rng.expovariate(1 / MEAN_EXTRA_HEADCOUNT))),
        )
        for i in range(count)
    ]
    return sorted(orders, key=lambda o: (o.day, o.index))


def yes_sequence(
    seed: int, month: int, order: Order, pool_size: int
) -> Iterator[tuple[int, bool, float]]:
    """(worker, says YES, show-up draw) in the order workers answer; the same for every policy.

    Drawn lazily from the order's own generator, so a policy that reads further sees the same
    prefix as one that stopped earlier. A worker turns up when the draw is below their chance.
    """
    rng = random.Random(f"{seed}:offers:{month}:{order.index}")
    offered: set[int] = set()
    while len(offered) < pool_size:
        worker = rng.randrange(pool_size)
        if worker in offered:
            continue
        offered.add(worker)
        yield worker, rng.random() < YES_SHARE, rng.random()


def fill_order(
    order: Order,
    policy: Policy,
    answers: Iterable[tuple[int, bool, float]],
    busy: set[int],
    history: History,
) -> list[tuple[int, float, float]]:
    """Book YES-sayers until the policy is full: (worker, learned reliability, show-up draw)."""
    target = policy.initial_target(order.headcount)
    booked: list[tuple[int, float, float]] = []
    reliabilities: list[float] = []
    if policy.is_full(reliabilities, order.headcount, target):
        return booked
    for worker, says_yes, draw in answers:
        if not says_yes or worker in busy:
            continue
        busy.add(worker)
        learned = history.reliability(worker)
        booked.append((worker, learned, draw))
        reliabilities.append(learned)
        if policy.is_full(reliabilities, order.headcount, target):
            break
    return booked


def run_month(
    orders: list[Order], policy: Policy, pool: list[float], history: History, seed: int, month: int
) -> list[Outcome]:
    """Fill every order of the month under one policy, learning at the end of each day."""
    outcomes = []
    for _day, day_orders in groupby(orders, key=lambda o: o.day):
        busy: set[int] = set()
        shifts: list[tuple[int, bool]] = []
        for order in day_orders:
            answers = yes_sequence(seed, month, order, len(pool))
            booked = fill_order(order, policy, answers, busy, history)
            showed = [(worker, draw < pool[worker]) for worker, _, draw in booked]
            shifts.extend(showed)
            outcomes.append(outcome_of(order, policy, booked, pool, sum(s for _, s in showed)))
        for worker, did_show in shifts:
            history.record(worker, did_show)
    return outcomes


def outcome_of(
    order: Order,
    policy: Policy,
    booked: list[tuple[int, float, float]],
    pool: list[float],
    arrived: int,
) -> Outcome:
    learned = [rel for _, rel, _ in booked]
    predicted = fill_probability(learned, order.headcount)
    capped = (
        policy.mode == "adaptive"
        and len(booked) >= adaptive_cap(order.headcount)
        and predicted < policy.value
    )
    return Outcome(
        headcount=order.headcount,
        booked=len(booked),
        arrived=arrived,
        predicted=predicted,
        true_chance=fill_probability([pool[w] for w, _, _ in booked], order.headcount),
        capped_below_goal=capped,
    )


def summarise(policy: Policy, outcomes: list[Outcome]) -> list[str]:
    """One row of the main table."""
    n = len(outcomes)
    filled = sum(o.arrived >= o.headcount for o in outcomes)
    extra = sum(o.booked - o.headcount for o in outcomes)
    released = sum(max(0, o.arrived - o.headcount) for o in outcomes)
    missing = sum(max(0, o.headcount - o.arrived) for o in outcomes)
    capped = sum(o.capped_below_goal for o in outcomes) if policy.mode == "adaptive" else None
    return [
        policy.name,
        f"{filled / n:.1%}",
        f"{statistics.fmean(o.predicted for o in outcomes):.1%}",
        f"{statistics.fmean(o.true_chance for o in outcomes):.1%}",
        f"{extra / n:.2f}",
        f"{extra:,}",
        f"{released:,}",
        f"{missing:,}",
        "-" if capped is None else f"{capped:,}",
    ]


SUMMARY_HEADER = [
    "policy",
    "fill rate",
    "predicted P(fill)",
    "true P(fill)",
    "extra/order",
    "extra total",
    "released on site",
    "workers missing",
    "capped < goal",
]
BUCKETS = [(1, 1), (2, 3), (4, 9), (10, MAX_HEADCOUNT)]


def by_headcount(policy: Policy, outcomes: list[Outcome]) -> list[str]:
    """One row of the second table: fill rate / extra per order, per headcount bucket."""
    cells = [policy.name]
    for low, high in BUCKETS:
        group = [o for o in outcomes if low <= o.headcount <= high]
        filled = sum(o.arrived >= o.headcount for o in group) / len(group)
        extra = statistics.fmean(o.booked - o.headcount for o in group)
        cells.append(f"{filled:.1%} / {extra:.2f}")
    return cells


def bucket_header(orders: list[Order]) -> list[str]:
    header = ["fill rate / extra per order"]
    for low, high in BUCKETS:
        count = sum(low <= o.headcount <= high for o in orders)
        span = f"{low}" if low == high else f"{low}-{high}"
        header.append(f"headcount {span} ({count:,} orders)")
    return header


def markdown_table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [
            c.rjust(w) if i else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (w + 1) + ":" if i else "-" * (w + 2) for i, w in enumerate(widths))
    return [line(header), rule + "|", *(line(r) for r in rows)]


def learning_report(pool: list[float], history: History) -> str:
    """How close the learned reliabilities are to the true chances, per group."""
    parts = []
    for name, members in (
        ("true > 0.6", [w for w, p in enumerate(pool) if p > FLAKY_RANGE[1]]),
        ("true <= 0.6", [w for w, p in enumerate(pool) if p <= FLAKY_RANGE[1]]),
    ):
        true_mean = statistics.fmean(pool[w] for w in members)
        learned_mean = statistics.fmean(history.reliability(w) for w in members)
        parts.append(
            f"workers {name} ({len(members):,}): mean {true_mean:.3f}, learned {learned_mean:.3f}"
        )
    error = statistics.fmean(abs(history.reliability(w) - p) for w, p in enumerate(pool))
    return "; ".join(parts) + f"; mean |learned - true| {error:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000, help="orders per month")
    parser.add_argument("--workers", type=int, default=3000, help="workers in the pool")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()

    pool = make_pool(args.workers, args.seed)
    warmed = History(args.workers)
    run_month(make_orders(args.orders, args.seed, 0), WARM_UP, pool, warmed, args.seed, 0)
    orders = make_orders(args.orders, args.seed, 1)
    results = [
        (policy, run_month(orders, policy, pool, warmed.copy(), args.seed, 1))
        for policy in POLICIES
    ]

    headcounts = [o.headcount for o in orders]
    lines = [
        f"Fill simulation: {args.workers:,} workers, {args.orders:,} orders over {DAYS} days "
        f"(headcount mean {statistics.fmean(headcounts):.1f}, median "
        f"{statistics.median(headcounts):g}, max {max(headcounts)}), seed {args.seed}.",
        f"Measured: month 2, after a warm-up month under {WARM_UP.name}. After the warm-up, "
        + learning_report(pool, warmed)
        + ".",
        "",
        *markdown_table(SUMMARY_HEADER, [summarise(p, outcomes) for p, outcomes in results]),
        "",
        *markdown_table(bucket_header(orders), [by_headcount(p, out) for p, out in results]),
    ]
    text = "\n".join(lines)
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text + "\n")
    print(f"\n(written to {RESULTS} in {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
