"""The penalty policy and the figures of a worker's record: pure functions of plain values.

A worker's record is a list of observations, oldest first. From it:

- reliability: P(the worker turns up), the mean of a Beta posterior. Prior Beta(4, 1)
  (mean 0.8: a vetted newcomer usually comes). Each booked shift is one observation: turned
  up (arrived, left early, released) = 1, no-show or late cancellation = 0. Newer shifts
  weigh more: the k-th newest weighs 0.5^(k / 10) (a half-life of 10 shifts).
  reliability = (4 + sum(w * came)) / (5 + sum(w)).
- punctuality: P(on time | came), the same kind of Beta(4, 1) mean over the shifts the worker
  came to (late beyond the grace = 0), with the same half-life.
- reviews: Bayesian average of stars, prior 4 stars weighing as 3 reviews:
  stars = (3 * 4 + sum(stars)) / (3 + n).
- rating (0-5) = 5 * (0.6 * reliability + 0.2 * punctuality + 0.2 * stars / 5).
  A newcomer: 5 * (0.6 * 0.8 + 0.2 * 0.8 + 0.2 * 0.8) = 4.00.
- a recent no-show: while the latest (unreversed) no-show is younger than the home branch's
  strike_window_days, the rating shown is at most NO_SHOW_RATING_CAP (2.50) and the matcher
  ranks the worker after everyone without one (dispatch/fill/ranking.py); once it leaves the
  window the rating is the formula's again.

Everything is recomputed from the whole record, so reversing an event restores the figures
exactly; a no-show never raises a figure and a clean shift never lowers one (tested).
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from core.money import CENT, money

RELIABILITY_PRIOR = (4.0, 1.0)  # Beta(alpha, beta): mean 0.8
PUNCTUALITY_PRIOR = (4.0, 1.0)
STARS_PRIOR_MEAN = 4.0
STARS_PRIOR_WEIGHT = 3.0
HALF_LIFE_SHIFTS = 10.0
# Shown while a no-show is in the strike window: well under a newcomer's 4.00, so the figure
# says what the ranking does (at the default weights it alone ranks them under any newcomer).
NO_SHOW_RATING_CAP = Decimal("2.50")
WEIGHTS = {"reliability": 0.6, "punctuality": 0.2, "reviews": 0.2}

# Penalty kinds: each is one strike. "compensation" pays the worker (a client's late cancel).
PENALTY_KINDS = ("late", "no_show", "late_cancellation", "complaint", "left_early", "sent_home")
LEDGER_KINDS = (*PENALTY_KINDS, "compensation")

NO_SHOW_POINTS = 3
LATE_CANCELLATION_POINTS = 2
COMPLAINT_POINTS = 2
# What a complaint is about: stable codes (reviews.complaint_reason), said by the console.
COMPLAINT_REASONS = ("late", "left_site", "poor_work", "rude", "intoxicated", "safety", "other")
# Who gave a review (reviews.source): a client's counts in the rating exactly like a foreman's.
REVIEW_SOURCES = ("foreman", "client")
LEFT_EARLY_POINTS = 1
LATE_POINTS_STEP_MIN = 15  # one point per started 15 minutes beyond the grace...
LATE_POINTS_MAX = 3  # ...up to a no-show's worth


# --- lateness ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Lateness:
    """What an arrival time means: on time, late (minutes beyond the grace), or a no-show."""

    kind: str  # "on_time" | "late" | "no_show"
    minutes_late: int = 0  # whole minutes after the start, rounded up
    points: int = 0
    fine: Decimal = Decimal("0.00")


def judge_arrival(
    arrived_at: datetime,
    starts_at: datetime,
    *,
    grace_min: int,
    as_no_show_min: int,
    late_fine_per_min: Decimal,
) -> Lateness:
    """Within the grace (exactly at its last minute included) is on time; more than
    as_no_show_min late is a no-show; in between, points and fine grow with the minutes."""
    late_s = (arrived_at - starts_at).total_seconds()
    if late_s <= grace_min * 60:
        return Lateness("on_time")
    minutes = math.ceil(late_s / 60)
    if late_s > as_no_show_min * 60:
        return Lateness("no_show", minutes, NO_SHOW_POINTS)
    beyond = minutes - grace_min
    points = min(LATE_POINTS_MAX, math.ceil(beyond / LATE_POINTS_STEP_MIN))
    return Lateness("late", minutes, points, money(late_fine_per_min * beyond))


def is_late_cancellation(cancelled_at: datetime, starts_at: datetime, late_cancel_h: int) -> bool:
    """Inside the window (its first instant included) is late."""
    return cancelled_at >= starts_at - timedelta(hours=late_cancel_h)


LATE_CANCEL_MAX_H = 72  # the longest window a branch may set (late_cancel_h's bound)
CLOCK_SLACK = timedelta(days=1)


def entries_from(created_at: datetime, starts_at: datetime) -> datetime:
    """The earliest an order's ledger entry can have occurred: an attendance entry at its
    start, a late cancellation inside the longest window before it, and neither before the
    order was made (less a day for clocks). Bounds a read of the order's entries to its
    months of the partitioned ledger."""
    return min(created_at, starts_at - timedelta(hours=LATE_CANCEL_MAX_H)) - CLOCK_SLACK


# --- reliability, punctuality, reviews, rating -----------------------------------------------


def _recency_weights(count: int) -> list[float]:
    """Oldest first; the newest weighs 1, each older one 2^(-1/half-life) less."""
    decay = 0.5 ** (1.0 / HALF_LIFE_SHIFTS)
    return [decay ** (count - 1 - i) for i in range(count)]


def beta_mean(outcomes: list[bool], prior: tuple[float, float]) -> float:
    """Posterior mean of a Beta prior updated by recency-weighted outcomes (oldest first)."""
    alpha, beta = prior
    weights = _recency_weights(len(outcomes))
    hits = sum(w for w, ok in zip(weights, outcomes, strict=True) if ok)
    return (alpha + hits) / (alpha + beta + sum(weights))


def stars_average(stars: list[int]) -> float:
    return (STARS_PRIOR_WEIGHT * STARS_PRIOR_MEAN + sum(stars)) / (STARS_PRIOR_WEIGHT + len(stars))


@dataclass(frozen=True)
class Figures:
    rating: Decimal  # 0.00-5.00
    reliability: Decimal  # 0.000-1.000


def figures(came: list[bool], on_time: list[bool], stars: list[int]) -> Figures:
    """came: per booked shift, oldest first; on_time: per shift the worker came to; stars:
    the reviews that count."""
    reliability = beta_mean(came, RELIABILITY_PRIOR)
    punctuality = beta_mean(on_time, PUNCTUALITY_PRIOR)
    blend = (
        WEIGHTS["reliability"] * reliability
        + WEIGHTS["punctuality"] * punctuality
        + WEIGHTS["reviews"] * stars_average(stars) / 5.0
    )
    return Figures(
        rating=Decimal(repr(5.0 * blend)).quantize(CENT, rounding=ROUND_HALF_UP),
        reliability=Decimal(repr(reliability)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP),
    )


@dataclass(frozen=True)
class RecentNoShow:
    """The latest no-show still inside the strike window."""

    at: datetime
    until: datetime  # when it leaves the window: ranked last and capped before then

    @property
    def window_days(self) -> int:
        return (self.until - self.at).days


def recent_no_show(
    no_shows: list[datetime], window_days: int, now: datetime
) -> RecentNoShow | None:
    """The latest of the no-shows (unreversed, any order) younger than window_days; one
    exactly that old has left the window, as a strike has."""
    window = timedelta(days=window_days)
    live = [at for at in no_shows if at > now - window]
    if not live:
        return None
    at = max(live)
    return RecentNoShow(at, at + window)


def shown_rating(rating: Decimal, recent: RecentNoShow | None) -> Decimal:
    """The formula's rating, at most NO_SHOW_RATING_CAP while a no-show is in the window."""
    return rating if recent is None else min(rating, NO_SHOW_RATING_CAP)


# --- strikes and suspensions -------------------------------------------------------------------


@dataclass(frozen=True)
class StrikePolicy:
    strikes_to_suspend: int
    strike_window_days: int
    clean_shifts_per_forgiven_strike: int
    no_show_suspend_days: int
    strike_suspend_days: int


@dataclass(frozen=True)
class Mark:
    """One entry of a worker's timeline: a penalty (a strike) or a clean shift."""

    at: datetime
    kind: str  # a PENALTY_KINDS entry, or "clean"


@dataclass(frozen=True)
class Standing:
    strikes: int
    suspended_until: datetime | None
    suspended_by: str | None  # "no_show" | "strikes": why the latest suspension


def standing(timeline: list[Mark], policy: StrikePolicy, now: datetime) -> Standing:
    """Strikes live strike_window_days (a strike exactly that old has expired); every
    clean_shifts_per_forgiven_strike clean shifts forgive the oldest live strike (clean
    shifts with no strike to forgive are not banked). A no-show suspends for
    no_show_suspend_days from its time; reaching strikes_to_suspend live strikes suspends for
    strike_suspend_days from the strike that reached it."""
    window = timedelta(days=policy.strike_window_days)
    live: list[datetime] = []
    clean = 0
    until: datetime | None = None
    why: str | None = None

    def suspend(to: datetime, reason: str) -> None:
        nonlocal until, why
        if until is None or to > until:
            until, why = to, reason

    for mark in sorted(timeline, key=lambda m: m.at):
        still_live = [at for at in live if at > mark.at - window]
        if len(still_live) < len(live):
            clean = 0  # the count was toward the oldest strike, which has expired unforgiven
        live = still_live
        if mark.kind == "clean":
            clean = clean + 1 if live else 0
            if live and clean >= policy.clean_shifts_per_forgiven_strike:
                live.pop(0)
                clean = 0
            continue
        live.append(mark.at)
        if mark.kind == "no_show" and policy.no_show_suspend_days:
            suspend(mark.at + timedelta(days=policy.no_show_suspend_days), "no_show")
        if len(live) >= policy.strikes_to_suspend and policy.strike_suspend_days:
            suspend(mark.at + timedelta(days=policy.strike_suspend_days), "strikes")
    strikes = sum(1 for at in live if at > now - window)
    return Standing(strikes, until, why)
