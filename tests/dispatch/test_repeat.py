"""Repeat orders (dispatch/repeat/): a copy for another day through the one intake, weekly
patterns that place each day once at its lead time, and last time's crew
(dispatch/orders/crew.py), on the real database."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.jobs import pending_jobs
from core.tenancy import SYSTEM
from dispatch.changes import topup
from dispatch.models import Order, OrderPattern, PatternDay, User
from dispatch.orders import service as orders
from dispatch.orders.crew import last_crew
from dispatch.orders.errors import OrderNotFound, ShiftInPast
from dispatch.registry.errors import NotAForeman
from dispatch.registry.staff import actor_of
from dispatch.repeat import copies, patterns
from dispatch.repeat.errors import (
    LeadOutOfRange,
    PatternNotFound,
    UntilBeforeOrder,
    UntilInPast,
    WeekdaysInvalid,
)
from dispatch.repeat.patterns import PatternInput
from tests.builders import (
    NOW,
    make_branch_site,
    make_offer,
    make_order,
    make_user,
    make_worker,
)

MSK = ZoneInfo("Europe/Moscow")
HOUR = timedelta(hours=1)
# NOW is Thursday 2026-11-26 15:00 in Moscow; the template runs Friday 27th 15:00-23:00.


def audited(session, action):
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def copies_of(session, template):
    query = select(Order).where(Order.repeat_of_id == template.id).order_by(Order.starts_at)
    return list(session.scalars(query))


@pytest.fixture
def template(session, site, branch):
    foreman = make_user(session, role="foreman", branch=branch)
    return make_order(
        session, site=site, headcount=3, overbook_factor=2, foreman_id=foreman.id, hours=8
    )


# -- a copy --------------------------------------------------------------------------------


def test_a_copy_is_the_same_order_on_another_day_through_the_one_intake(
    session, template, dispatcher
):
    starts_at = datetime(2026, 12, 3, 9, 30, tzinfo=MSK)
    copy = copies.copy_order(session, template.id, actor=dispatcher, starts_at=starts_at, now=NOW)
    assert copy.id != template.id and copy.code and copy.status == "open"
    assert copy.repeat_of_id == template.id
    assert (copy.starts_at, copy.ends_at) == (starts_at, starts_at + timedelta(hours=8))
    same = ("site_id", "client_id", "branch_id", "skill", "headcount", "client_rate")
    same += ("worker_rate", "overbook_factor", "overbooking_mode", "fill_goal", "foreman_id")
    assert {n: getattr(copy, n) for n in same} == {n: getattr(template, n) for n in same}
    assert copy.booking_target == 6  # 3 x 2, the template's own knob, not the branch's 1.5
    assert copy.created_by == dispatcher.user_id
    # The intake's audit and filling, and the copy's own line saying what it repeats.
    assert [e.entity_ids for e in audited(session, "order.create")][-1] == [copy.id]
    [line] = audited(session, "order.copy")
    assert line.entity_ids == [copy.id] and line.detail["repeat_of"] == template.id
    assert ("dispatch.fill", (copy.id,)) in pending_jobs(session)


def test_a_topped_up_order_is_copied_as_it_was_placed(session, site, dispatcher):
    """A top-up is that day's: next week's copy asks for the crew and the mode placed."""
    placed = make_order(session, site=site, headcount=3, overbooking_mode="adaptive")
    topup.top_up(session, order_id=placed.id, count=2, actor=dispatcher, now=placed.starts_at)
    topup.top_up(
        session, order_id=placed.id, count=1, actor=dispatcher, now=placed.starts_at + HOUR
    )
    assert (placed.headcount, placed.overbooking_mode) == (6, "fixed")
    assert (placed.topped_up_by, placed.mode_before_top_up) == (3, "adaptive")
    first, second = audited(session, "order.top_up")
    assert first.detail["overbooking_mode"] == ["adaptive", "fixed"]
    assert (first.detail["topped_up_by"], second.detail["topped_up_by"]) == (2, 3)
    starts_at = datetime(2026, 12, 3, 9, 30, tzinfo=MSK)
    copy = copies.copy_order(session, placed.id, actor=dispatcher, starts_at=starts_at, now=NOW)
    assert (copy.headcount, copy.overbooking_mode) == (3, "adaptive")
    assert (copy.topped_up_by, copy.mode_before_top_up, copy.topped_up_at) == (0, None, None)


def test_a_copy_is_checked_as_any_new_order(session, template, dispatcher):
    with pytest.raises(ShiftInPast) as refused:
        copies.copy_order(
            session, template.id, actor=dispatcher, starts_at=NOW - timedelta(hours=1), now=NOW
        )
    assert refused.value.loc == ("body", "starts_at")
    session.get(User, template.foreman_id).active = False  # the foreman has left since
    session.flush()
    with pytest.raises(NotAForeman) as gone:
        copies.copy_order(
            session, template.id, actor=dispatcher, starts_at=NOW + timedelta(days=3), now=NOW
        )
    assert gone.value.code == "not_a_foreman" and gone.value.loc == ("body", "foreman_id")
    assert copies_of(session, template) == []


def test_another_branchs_order_cannot_be_copied_or_patterned(session, template):
    other_branch, _ = make_branch_site(session)
    stranger = actor_of(make_user(session, role="dispatcher", branch=other_branch))
    with pytest.raises(OrderNotFound):
        copies.copy_order(
            session, template.id, actor=stranger, starts_at=NOW + timedelta(days=3), now=NOW
        )
    with pytest.raises(OrderNotFound):
        patterns.create_pattern(
            session,
            actor=stranger,
            data=PatternInput(template.id, [1], date(2026, 12, 31), 24),
            now=NOW,
        )


# -- weekly patterns -----------------------------------------------------------------------


def weekly(session, template, dispatcher, weekdays=(1, 3, 5), until=date(2026, 12, 6), lead_h=24):
    return patterns.create_pattern(
        session,
        actor=dispatcher,
        data=PatternInput(template.id, list(weekdays), until, lead_h),
        now=NOW,
    )


def run_hourly(session, pattern, start, end, runs_per_tick=2):
    """The job every hour from start to end, each tick twice (two processes, or a retry)."""
    placed_at: dict[date, datetime] = {}
    at = start
    while at <= end:
        for _ in range(runs_per_tick):
            for order in patterns.place_days(session, pattern.id, at):
                day = order.starts_at.astimezone(MSK).date()
                assert day not in placed_at, f"{day} placed twice"
                placed_at[day] = at
        at += timedelta(hours=1)
    return placed_at


def test_a_pattern_places_each_day_once_at_its_lead_time(session, template, dispatcher):
    pattern = weekly(session, template, dispatcher)
    assert pattern.weekdays == [1, 3, 5]
    assert ("dispatch.repeat_pattern", (pattern.id,)) in pending_jobs(session)
    placed_at = run_hourly(session, pattern, NOW, NOW + timedelta(days=14))
    # Mon 30th, Wed 2nd, Fri 4th; the template's own Friday is not placed again, and nothing
    # after the 6th. Each placed 24 h before its 15:00 Moscow start.
    days = [date(2026, 11, 30), date(2026, 12, 2), date(2026, 12, 4)]
    assert sorted(placed_at) == days
    for day in days:
        start = datetime(day.year, day.month, day.day, 15, 0, tzinfo=MSK)
        assert placed_at[day] == start - timedelta(hours=24)
    placed = copies_of(session, template)
    assert [o.starts_at.astimezone(MSK).strftime("%a %d %H:%M") for o in placed] == [
        "Mon 30 15:00",
        "Wed 02 15:00",
        "Fri 04 15:00",
    ]
    assert all(o.ends_at - o.starts_at == timedelta(hours=8) for o in placed)
    assert all(o.created_by is None and o.headcount == 3 for o in placed)
    claims = session.scalars(select(PatternDay).where(PatternDay.pattern_id == pattern.id))
    assert sorted((c.day, c.order_id) for c in claims) == [
        (o.starts_at.date(), o.id) for o in placed
    ]
    assert {e.detail["pattern_id"] for e in audited(session, "order.copy")} == {pattern.id}


def test_a_day_claimed_by_another_run_is_left_to_it(session, template, dispatcher):
    pattern = weekly(session, template, dispatcher, weekdays=[1])
    session.add(PatternDay(pattern_id=pattern.id, day=date(2026, 11, 30)))  # another process
    session.flush()
    assert patterns.place_days(session, pattern.id, datetime(2026, 11, 29, 16, tzinfo=MSK)) == []
    assert copies_of(session, template) == []


def test_a_day_already_inside_its_lead_time_is_placed_at_once(session, template, dispatcher):
    """Made on Thursday with 96 h ahead: Monday 30th is due already."""
    pattern = weekly(session, template, dispatcher, weekdays=[1], lead_h=96)
    [order] = patterns.place_days(session, pattern.id, NOW)
    assert order.starts_at == datetime(2026, 11, 30, 15, tzinfo=MSK)
    assert patterns.place_days(session, pattern.id, NOW) == []


def test_deleting_a_pattern_stops_it(session, template, dispatcher):
    pattern = weekly(session, template, dispatcher)
    run_hourly(session, pattern, NOW, datetime(2026, 11, 30, 12, tzinfo=MSK))
    assert len(copies_of(session, template)) == 1  # Monday's
    patterns.stop_pattern(session, pattern.id, actor=dispatcher, now=NOW)
    assert run_hourly(session, pattern, NOW, NOW + timedelta(days=14)) == {}
    assert len(copies_of(session, template)) == 1  # what it placed stays
    [line] = audited(session, "order_pattern.delete")
    assert line.entity_ids == [pattern.id] and line.actor_user_id == dispatcher.user_id
    with pytest.raises(PatternNotFound):  # deleted once
        patterns.stop_pattern(session, pattern.id, actor=dispatcher, now=NOW)
    assert patterns.list_patterns(session, actor=dispatcher, order_id=template.id) == []


def test_a_pattern_past_until_places_nothing(session, template, dispatcher):
    pattern = weekly(session, template, dispatcher, weekdays=[1, 2, 3, 4, 5, 6, 7])
    placed = run_hourly(session, pattern, NOW, NOW + timedelta(days=21), runs_per_tick=1)
    assert max(placed) == date(2026, 12, 6) and min(placed) == date(2026, 11, 28)
    assert len(placed) == 9
    assert NOW.date() + timedelta(days=21) > pattern.until
    assert pattern.id not in patterns.patterns_due(session, NOW + timedelta(days=12))


def test_a_cancelled_template_goes_on_being_copied(session, template, dispatcher):
    """Cancelling the template calls off its own day only; deleting the pattern stops it."""
    pattern = weekly(session, template, dispatcher, weekdays=[1])
    orders.cancel_order(session, template.id, actor=dispatcher, reason="client", now=NOW)
    [order] = patterns.place_days(session, pattern.id, datetime(2026, 11, 29, 15, tzinfo=MSK))
    assert order.status == "open" and order.repeat_of_id == template.id


def test_a_refused_day_is_recorded_and_skipped_for_good(session, template, dispatcher):
    pattern = weekly(session, template, dispatcher, weekdays=[1, 3])
    session.get(User, template.foreman_id).active = False
    session.flush()
    monday = datetime(2026, 11, 29, 15, tzinfo=MSK)
    assert patterns.place_days(session, pattern.id, monday) == []
    [claim] = session.scalars(select(PatternDay).where(PatternDay.pattern_id == pattern.id))
    assert (claim.day, claim.order_id, claim.refused) == (date(2026, 11, 30), None, "not_a_foreman")
    [line] = audited(session, "order_pattern.day_refused")
    assert line.detail == {"day": "2026-11-30", "code": "not_a_foreman"}
    session.get(User, template.foreman_id).active = True
    session.flush()
    assert patterns.place_days(session, pattern.id, monday) == []  # Monday is not tried again
    assert len(patterns.place_days(session, pattern.id, monday + timedelta(days=2))) == 1


@pytest.mark.parametrize(
    ("weekdays", "until", "lead_h", "error", "field"),
    [
        ([], date(2026, 12, 6), 24, WeekdaysInvalid, "weekdays"),
        ([0], date(2026, 12, 6), 24, WeekdaysInvalid, "weekdays"),
        ([8], date(2026, 12, 6), 24, WeekdaysInvalid, "weekdays"),
        ([1, 1], date(2026, 12, 6), 24, WeekdaysInvalid, "weekdays"),
        ([1], date(2026, 11, 25), 24, UntilInPast, "until"),
        ([1], date(2026, 11, 27), 24, UntilBeforeOrder, "until"),
        ([1], date(2026, 12, 6), 0, LeadOutOfRange, "lead_h"),
        ([1], date(2026, 12, 6), 169, LeadOutOfRange, "lead_h"),
    ],
)
def test_a_pattern_is_checked(session, template, dispatcher, weekdays, until, lead_h, error, field):
    with pytest.raises(error) as refused:
        weekly(session, template, dispatcher, weekdays, until, lead_h)
    assert refused.value.loc == ("body", field)
    assert session.scalars(select(OrderPattern)).all() == []


def test_a_days_start_is_the_local_time_on_that_date_across_a_clock_change():
    """Moscow keeps one offset all year; Berlin moves on 28 March 2027: 08:00 stays 08:00."""
    berlin = SimpleNamespace(timezone="Europe/Berlin")
    friday = SimpleNamespace(starts_at=datetime(2027, 3, 26, 7, 0, tzinfo=ZoneInfo("UTC")))
    monday = patterns.day_start(friday, berlin, date(2027, 3, 29))
    assert monday.astimezone(ZoneInfo("UTC")) == datetime(2027, 3, 29, 6, 0, tzinfo=ZoneInfo("UTC"))
    moscow = SimpleNamespace(timezone="Europe/Moscow")
    thursday = SimpleNamespace(starts_at=datetime(2026, 11, 26, 5, 0, tzinfo=ZoneInfo("UTC")))
    summer = patterns.day_start(thursday, moscow, date(2027, 7, 1))
    assert summer.utcoffset() == timedelta(hours=3) and summer.hour == 8


# -- last time's crew ----------------------------------------------------------------------


def came(session, order, marks):
    """Offers on the order, (worker, wave, rank, attendance) each."""
    for worker, wave, rank, attendance in marks:
        offer = make_offer(session, order=order, worker=worker, attendance=attendance)
        offer.wave, offer.rank = wave, rank
    session.flush()


def test_last_crew_is_who_came_last_time_in_their_rank_order(session, branch, template, dispatcher):
    w = [make_worker(session, branch=branch) for _ in range(6)]
    came(
        session,
        template,
        [
            (w[0], 2, 1, "arrived"),
            (w[1], 1, 3, "left_early"),  # came, if not for long
            (w[2], 1, 1, "arrived"),
            (w[3], 1, 2, "no_show"),
            (w[4], 1, 4, None),  # booked, never marked
        ],
    )
    assert last_crew(session, template) == []  # it repeats nothing
    monday = copies.copy_order(
        session, template.id, actor=dispatcher, starts_at=NOW + timedelta(days=4), now=NOW
    )
    assert last_crew(session, monday) == [w[2].id, w[1].id, w[0].id]
    # Another copy of the same order ran since (Monday) with a crew: it is last time now.
    wednesday = copies.copy_order(
        session, template.id, actor=dispatcher, starts_at=NOW + timedelta(days=6), now=NOW
    )
    came(session, monday, [(w[5], 1, 1, "arrived"), (w[2], 1, 2, "arrived")])
    assert last_crew(session, wednesday) == [w[5].id, w[2].id]
    # A copy before Monday still looks back to the template, never forward.
    sunday = copies.copy_order(
        session, template.id, actor=SYSTEM, starts_at=NOW + timedelta(days=3), now=NOW
    )
    assert last_crew(session, sunday) == [w[2].id, w[1].id, w[0].id]
