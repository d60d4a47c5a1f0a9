"""A no-show ranks the worker below every newcomer at once, for as long as it is inside the
strike window: the matcher's order, the rating shown and the candidate list's reason; a
reversal gives back the exact figures; once the window passes the worker recovers."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.tenancy import SYSTEM
from dispatch.fill import ranking, waves
from dispatch.penalties import record
from dispatch.shift import onsite
from rating import policy
from rating.models import PenaltyEvent
from tests.builders import MOSCOW, book, make_order, make_worker, offset
from workers.priors import NEWCOMER_RATING

MIN = timedelta(minutes=1)
DAY = timedelta(days=1)


def mark(session, order, worker, status, actor, *, at, now):
    onsite.mark_attendance(
        session, order.id, actor=actor, worker_id=worker.id, status=status, at=at, now=now
    )


@pytest.fixture
def veteran(session, branch, site, dispatcher):
    """Five clean shifts (on days 1-5), then a no-show marked on day 6; returns the worker,
    the figures they had before the no-show, and the no-show's ledger entry."""
    assert (branch.strike_window_days, branch.no_show_suspend_days) == (30, 7)
    worker = make_worker(session, branch=branch, near=offset(MOSCOW, east_m=50))
    for d in range(1, 6):
        order = make_order(session, site=site, headcount=1, starts_in=d * DAY)
        book(session, order, [worker])
        mark(session, order, worker, "arrived", dispatcher, at=order.starts_at, now=order.starts_at)
    session.refresh(worker)
    clean = (worker.rating, worker.reliability)
    assert clean == (policy.figures([True] * 5, [True] * 5, []).rating, worker.reliability)
    assert worker.rating > NEWCOMER_RATING
    order = make_order(session, site=site, headcount=1, starts_in=6 * DAY)
    book(session, order, [worker])
    mark(session, order, worker, "no_show", dispatcher, at=None, now=order.starts_at + 5 * MIN)
    (no_show,) = session.scalars(
        select(PenaltyEvent).where(
            PenaltyEvent.worker_id == worker.id, PenaltyEvent.kind == "no_show"
        )
    )
    return worker, clean, no_show


def ranked(session, site, now):
    """The next order's candidates (within the branch's 10 km), as the dispatcher sees them."""
    order = make_order(session, site=site, headcount=1, starts_in=DAY, now=now)
    return order, waves.preview_candidates(session, order, now, limit=10, actor=SYSTEM)


def test_a_fresh_no_show_ranks_a_good_worker_below_a_distant_newcomer(
    session, branch, site, veteran
):
    worker, _, no_show = veteran
    session.refresh(worker)
    formula = policy.figures([True] * 5 + [False], [True] * 5, [])
    assert formula.rating > NEWCOMER_RATING  # 4.10: the formula alone left them on top
    assert (worker.rating, worker.reliability) == (policy.NO_SHOW_RATING_CAP, formula.reliability)
    assert (worker.no_show_at, worker.no_show_until) == (
        no_show.occurred_at,
        no_show.occurred_at + 30 * DAY,
    )
    # The 7-day suspension is over; the no-show is 10 days old, inside the 30-day window.
    now = no_show.occurred_at + 10 * DAY
    newcomer = make_worker(session, branch=branch, near=offset(MOSCOW, north_m=9_500))
    order, candidates = ranked(session, site, now)
    assert [c.worker_id for c, _ in candidates] == [newcomer.id, worker.id]
    (c, why) = candidates[1]
    day = no_show.occurred_at.astimezone(ZoneInfo(branch.timezone))
    assert f"(no-show on {day:%d.%m}, within 30 days: ranked last)" in why
    assert why.startswith("rating 2.50/5")
    # The SQL score is the pure rule's.
    expected = ranking.score(c.rating, c.distance_m, order.radius_m, 0.8, 0.2, ranked_last=True)
    assert c.score == pytest.approx(expected)


def test_reversing_the_no_show_restores_the_exact_figures_and_the_ranking(
    session, branch, site, dispatcher, veteran
):
    worker, clean, no_show = veteran
    now = no_show.occurred_at + 10 * DAY
    record.reverse_penalty(session, no_show.id, actor=dispatcher, reason="was ill", now=now)
    session.refresh(worker)
    assert (worker.rating, worker.reliability) == clean
    assert worker.rating.as_tuple() == clean[0].as_tuple()
    assert (worker.no_show_at, worker.no_show_until, worker.suspended_until) == (None, None, None)
    newcomer = make_worker(session, branch=branch, near=offset(MOSCOW, north_m=9_500))
    _, candidates = ranked(session, site, now)
    assert [c.worker_id for c, _ in candidates] == [worker.id, newcomer.id]
    assert "no-show" not in candidates[0][1]


def test_the_worker_recovers_once_the_no_show_leaves_the_window(session, branch, site, veteran):
    worker, _, no_show = veteran
    ends = no_show.occurred_at + 30 * DAY
    assert worker.id not in record.past_no_show_window(session, ends - MIN)
    newcomer = make_worker(session, branch=branch, near=offset(MOSCOW, north_m=9_500))
    # What the scheduler's rating.no_show_window_passed job does each minute.
    due = record.past_no_show_window(session, ends)
    assert due == [worker.id]
    for worker_id in due:
        record.refresh_worker(session, worker_id, ends)
    session.refresh(worker)
    formula = policy.figures([True] * 5 + [False], [True] * 5, [])
    assert (worker.rating, worker.reliability) == (formula.rating, formula.reliability)
    assert (worker.no_show_at, worker.no_show_until) == (None, None)
    assert record.past_no_show_window(session, ends + DAY) == []
    _, candidates = ranked(session, site, ends)
    assert [c.worker_id for c, _ in candidates] == [worker.id, newcomer.id]
    assert "no-show" not in candidates[0][1]


@pytest.mark.parametrize("how", ["sweep", "close", "an hour late"])
def test_every_way_a_no_show_is_recorded_caps_the_rating_at_once(
    session, branch, site, dispatcher, how
):
    worker = make_worker(session, branch=branch)
    order = make_order(session, site=site, headcount=1)
    book(session, order, [worker])
    cutoff = order.starts_at + timedelta(minutes=branch.late_as_no_show_min) + MIN
    if how == "sweep":
        onsite.sweep_no_shows(session, order.id, cutoff)
    elif how == "close":
        onsite.close_shift(session, order.id, actor=dispatcher, now=order.ends_at)
    else:
        mark(session, order, worker, "arrived", dispatcher, at=cutoff, now=cutoff)
    session.refresh(worker)
    assert worker.rating == policy.NO_SHOW_RATING_CAP  # not 3.60, the formula's
    assert worker.no_show_until == order.starts_at + 30 * DAY
