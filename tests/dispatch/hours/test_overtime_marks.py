"""A worker staying on for approved overtime may still leave before it ends: the foreman marks
them leaving after the scheduled end, no early-leaving penalty follows, and their hours run to
when they left (docs/hours.md)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from dispatch.enums import Attendance
from dispatch.registry.staff import actor_of
from dispatch.shift import onsite, timesheets
from dispatch.shift.errors import ArrivalAfterEnd
from rating.models import PenaltyEvent
from tests.builders import make_user, make_worked_shift

D = Decimal
H = timedelta(hours=1)
MIN = timedelta(minutes=1)


@pytest.fixture
def foreman(session, branch, site):
    branch.undo_window_s = 0  # marks apply at once: the ledger shows what they call for
    user = make_user(session, role="foreman", branch=branch)
    site.foreman_id = user.id
    session.flush()
    return actor_of(user)


@pytest.fixture
def shift(session, site, foreman):
    order, workers = make_worked_shift(session, site=site, foreman=foreman, crew=2)
    return order, workers


def leave(session, order, worker, foreman, at, now):
    return onsite.mark_attendance(
        session, order.id, actor=foreman, worker_id=worker.id,
        status=Attendance.LEFT_EARLY, at=at, now=now,
    )  # fmt: skip


def left_early_entries(session, worker):
    kinds = session.scalars(select(PenaltyEvent.kind).where(PenaltyEvent.worker_id == worker.id))
    return [kind for kind in kinds if kind == "left_early"]


def test_leaving_during_approved_overtime_is_marked_without_a_penalty(
    session, shift, foreman, dispatcher
):
    order, (stays, goes) = shift
    timesheets.record_hours(
        session, order.id, actor=foreman, now=order.ends_at - 10 * MIN,
        changes={"overtime_until": order.ends_at + 2 * H, "overtime_approved_by": "Ivanov"},
    )  # fmt: skip
    left = order.ends_at + 30 * MIN
    offer = leave(session, order, goes, foreman, at=left, now=left + 5 * MIN)
    assert (offer.attendance, offer.left_at) == (Attendance.LEFT_EARLY, left)
    assert left_early_entries(session, goes) == []
    onsite.close_shift(session, order.id, actor=foreman, now=order.ends_at + 2 * H, end="scheduled")
    hours = {line.worker_id: line.hours for line in timesheets.timesheet(
        session, order.id, actor=dispatcher).lines}  # fmt: skip
    assert hours == {stays.id: D("10.00"), goes.id: D("8.50")}


def test_without_overtime_a_leaving_after_the_end_is_refused(session, shift, foreman):
    order, (_, goes) = shift
    left = order.ends_at + 30 * MIN
    with pytest.raises(ArrivalAfterEnd):
        leave(session, order, goes, foreman, at=left, now=left + 5 * MIN)


def test_leaving_before_the_scheduled_end_is_still_early(session, shift, foreman):
    order, (_, goes) = shift
    timesheets.record_hours(
        session, order.id, actor=foreman, now=order.ends_at - 3 * H,
        changes={"overtime_until": order.ends_at + 2 * H, "overtime_approved_by": "Ivanov"},
    )  # fmt: skip
    left = order.ends_at - H
    leave(session, order, goes, foreman, at=left, now=left + 5 * MIN)
    assert left_early_entries(session, goes) == ["left_early"]
