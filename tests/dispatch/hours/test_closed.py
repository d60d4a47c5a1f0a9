"""The close bounds the hours, and a closed order's hours stay as they were signed off and
paid: overtime never runs past the close, an early end never lengthens a span; a correction
after a line is approved or settled, or of a day paid through, is refused and writes nothing
(docs/hours.md)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from dispatch.hours.errors import AlreadyPaid, LinesApproved
from dispatch.hours.service import local_day
from dispatch.penalties import pay
from dispatch.registry.staff import actor_of
from dispatch.shift import onsite, signoff, timesheets
from tests.builders import make_user, make_worked_shift

D = Decimal
H = timedelta(hours=1)
MIN = timedelta(minutes=1)


@pytest.fixture
def foreman(session, branch, site):
    user = make_user(session, role="foreman", branch=branch)
    site.foreman_id = user.id
    session.flush()
    return actor_of(user)


@pytest.fixture
def shift(session, site, foreman):
    """An 8-hour shift of two workers who came on time, not closed."""
    order, _ = make_worked_shift(session, site=site, foreman=foreman, crew=2)
    return order


def record(session, order, actor, at, **changes):
    return timesheets.record_hours(session, order.id, actor=actor, changes=changes, now=at)


def hours(session, order, actor):
    return [line.hours for line in timesheets.timesheet(session, order.id, actor=actor).lines]


def test_overtime_approved_ahead_runs_to_the_close_at_most(session, shift, foreman, dispatcher):
    """Scenario A: 12 h approved before the close, closed "scheduled" 5 min past the end:
    5 min of overtime is paid and billed, not 12 h."""
    record(
        session, shift, foreman, shift.ends_at - 10 * MIN,
        overtime_until=shift.ends_at + 12 * H, overtime_approved_by="Ivanov",
    )  # fmt: skip
    onsite.close_shift(
        session, shift.id, actor=foreman, now=shift.ends_at + 5 * MIN, end="scheduled"
    )
    got = timesheets.timesheet(session, shift.id, actor=dispatcher)
    assert [(line.hours, line.billed_hours) for line in got.lines] == [(D("8.08"), D("8.08"))] * 2


def test_an_early_end_after_an_early_close_never_lengthens_a_span(
    session, shift, foreman, dispatcher
):
    """Scenario B: closed "now" at start + 6 h 02, then a version ends work at the scheduled
    end: the spans stay at 6 h 02."""
    closed = shift.starts_at + 6 * H + 2 * MIN
    onsite.close_shift(session, shift.id, actor=foreman, now=closed, end="now")
    assert hours(session, shift, dispatcher) == [D("6.03")] * 2
    record(session, shift, dispatcher, closed + H, ended_at=shift.ends_at, reason="17:00")
    assert hours(session, shift, dispatcher) == [D("6.03")] * 2
    record(session, shift, dispatcher, closed + 2 * H, ended_at=shift.starts_at + 5 * H, reason="x")
    assert hours(session, shift, dispatcher) == [D("5.00")] * 2  # cutting still cuts


def closed_with(session, shift, foreman, dispatcher):
    record(session, shift, foreman, shift.starts_at + 4 * H, break_min=30)
    onsite.close_shift(session, shift.id, actor=foreman, now=shift.ends_at, end="scheduled")
    return shift.ends_at + H


def refused(session, shift, dispatcher, at, error):
    with pytest.raises(error):
        record(session, shift, dispatcher, at, break_min=60, reason="the client's lunch")
    assert len(timesheets.hours_versions(session, shift.id, actor=dispatcher)) == 1


def test_an_approved_timesheet_is_not_corrected(session, shift, foreman, dispatcher):
    at = closed_with(session, shift, foreman, dispatcher)
    signoff.approve(session, shift.id, actor=dispatcher, now=at)
    refused(session, shift, dispatcher, at, LinesApproved)
    assert hours(session, shift, dispatcher) == [D("7.50")] * 2  # as approved


def test_a_settled_line_is_final_a_disputed_one_does_not_stop_a_correction(
    session, shift, foreman, dispatcher
):
    at = closed_with(session, shift, foreman, dispatcher)
    first, _ = timesheets.on_sheet(session, shift)
    signoff.dispute(session, shift.id, first, actor=dispatcher, reason="left at 16", now=at)
    fixed = record(session, shift, dispatcher, at, break_min=45, reason="the client's lunch")
    assert fixed.version == 2  # disputed and pending lines: the correction stands
    signoff.settle(session, shift.id, first, actor=dispatcher, note="agreed", now=at + MIN)
    refused_at = at + 2 * MIN
    with pytest.raises(LinesApproved):
        record(session, shift, dispatcher, refused_at, break_min=60, reason="again")
    assert len(timesheets.hours_versions(session, shift.id, actor=dispatcher)) == 2


def test_a_day_paid_through_is_not_corrected(session, branch, shift, foreman, dispatcher):
    at = closed_with(session, shift, foreman, dispatcher)
    day = local_day(shift.starts_at, branch.timezone)
    pay.set_paid_through(
        session, branch.id, actor=dispatcher, through=day - timedelta(days=1), today=day
    )
    record(session, shift, dispatcher, at, break_min=45, reason="lunch")  # the day after: open
    pay.set_paid_through(session, branch.id, actor=dispatcher, through=day, today=day)
    with pytest.raises(AlreadyPaid):
        record(session, shift, dispatcher, at, break_min=60, reason="lunch")
    assert hours(session, shift, dispatcher) == [D("7.25")] * 2  # as paid
