"""Versions of a timesheet's hours: breaks, overtime, an early end, the branch's rounding,
corrections after the close (who, why, never an overwrite); the sheet and the payouts read
the latest version."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.audit import AuditEntry
from dispatch.hours.errors import (
    HoursOfficeOnly,
    OvertimeNotApproved,
    ReasonRequired,
)
from dispatch.hours.models import TimesheetVersion
from dispatch.registry.staff import actor_of
from dispatch.shift import onsite, timesheets
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
    """An 8-hour shift (250.00 / 120.00 an hour) of two workers who came on time, not closed."""
    order, _ = make_worked_shift(session, site=site, foreman=foreman, crew=2)
    return order


def record(session, order, actor, at=None, **changes):
    return timesheets.record_hours(
        session, order.id, actor=actor, changes=changes, now=at or order.starts_at + 4 * H
    )


def close(session, order, actor, at=None, end="now"):
    onsite.close_shift(session, order.id, actor=actor, now=at or order.ends_at, end=end)


def sheet(session, order, actor):
    return timesheets.timesheet(session, order.id, actor=actor)


def test_a_break_comes_off_every_line_unless_the_branch_pays_it(
    session, branch, shift, foreman, dispatcher
):
    version = record(session, shift, foreman, break_min=45)
    assert (version.version, version.break_min, version.by_role) == (1, 45, "foreman")
    close(session, shift, foreman)
    got = sheet(session, shift, dispatcher)
    assert (got.version, got.break_min) == (1, 45)
    for line in got.lines:  # 8 h less 45 min, paid and billed to the minute
        assert (line.scheduled_hours, line.hours, line.billed_hours) == (
            D("8.00"),
            D("7.25"),
            D("7.25"),
        )
        assert (line.base_pay, line.client_amount) == (D("870.00"), D("1812.50"))
    branch.break_paid = True
    session.flush()
    assert {line.hours for line in sheet(session, shift, dispatcher).lines} == {D("8.00")}


def test_approved_overtime_is_paid_and_billed_and_noted_who_and_when(
    session, shift, foreman, dispatcher
):
    at = shift.ends_at - 10 * MIN
    version = record(
        session, shift, foreman, at=at, overtime_until=shift.ends_at + 90 * MIN,
        overtime_approved_by="Anna Petrova (site manager)",
    )  # fmt: skip
    assert version.overtime_approved_at == at and version.overtime_approved_by.startswith("Anna")
    # Closed after the overtime was worked: the approved end holds (the close caps it).
    close(session, shift, foreman, at=shift.ends_at + 2 * H, end="scheduled")
    got = sheet(session, shift, dispatcher)
    assert [line.hours for line in got.lines] == [D("9.50"), D("9.50")]
    assert got.overtime_approved_by == "Anna Petrova (site manager)"


def test_overtime_without_an_approver_is_refused_and_writes_nothing(session, shift, foreman):
    with pytest.raises(OvertimeNotApproved) as refused:
        record(session, shift, foreman, overtime_until=shift.ends_at + H)
    assert refused.value.loc == ("body", "overtime_approved_by")
    assert timesheets.hours_versions(session, shift.id, actor=foreman) == []


def test_an_early_end_cuts_everyones_span(session, shift, foreman, dispatcher):
    record(session, shift, foreman, ended_at=shift.starts_at + 5 * H + 30 * MIN)
    close(session, shift, foreman, end="scheduled")
    got = sheet(session, shift, dispatcher)
    assert got.early_end_at == shift.starts_at + 5 * H + 30 * MIN
    assert [line.hours for line in got.lines] == [D("5.50"), D("5.50")]


@pytest.mark.parametrize(
    ("rounding", "billed", "client_amount"),
    [("minute", "7.62", "1905.00"), ("quarter", "7.50", "1875.00"), ("half", "7.50", "1875.00")],
)
def test_the_bill_is_rounded_by_the_branchs_rule_the_pay_is_not(
    session, branch, shift, foreman, dispatcher, rounding, billed, client_amount
):
    branch.billing_rounding = rounding
    session.flush()
    record(session, shift, foreman, break_min=23)  # 457 min worked: 7.62 h
    close(session, shift, foreman)
    for line in sheet(session, shift, dispatcher).lines:
        assert (line.hours, line.base_pay) == (D("7.62"), D("914.40"))  # exact minutes
        assert (line.billed_hours, line.client_amount) == (D(billed), D(client_amount))


def test_a_record_keeps_what_it_leaves_out_and_null_clears(session, shift, foreman):
    record(session, shift, foreman, break_min=30)
    second = record(
        session, shift, foreman, overtime_until=shift.ends_at + H, overtime_approved_by="Ivanov"
    )
    assert (second.version, second.break_min) == (2, 30)
    third = record(session, shift, foreman, overtime_until=None)
    assert (third.version, third.break_min) == (3, 30)
    assert (third.overtime_until, third.overtime_approved_by, third.overtime_approved_at) == (
        None,
        None,
        None,
    )
    assert record(session, shift, foreman, break_min=None).break_min == 0  # null: no break


def test_after_the_close_only_the_office_corrects_and_says_why(session, shift, foreman, dispatcher):
    record(session, shift, foreman, break_min=30)
    close(session, shift, foreman)
    with pytest.raises(HoursOfficeOnly):
        record(session, shift, foreman, at=shift.ends_at + H, break_min=60)
    with pytest.raises(ReasonRequired) as refused:
        record(session, shift, dispatcher, at=shift.ends_at + H, break_min=60, reason="  ")
    assert refused.value.loc == ("body", "reason")
    assert len(timesheets.hours_versions(session, shift.id, actor=dispatcher)) == 1
    fixed = record(
        session, shift, dispatcher, at=shift.ends_at + H, break_min=60, reason="client: 1 h lunch"
    )
    assert (fixed.version, fixed.after_close, fixed.by_role) == (2, True, "dispatcher")
    assert fixed.reason == "client: 1 h lunch"
    versions = timesheets.hours_versions(session, shift.id, actor=dispatcher)
    assert [(v.version, v.break_min) for v in versions] == [(1, 30), (2, 60)]  # none overwritten
    got = sheet(session, shift, dispatcher)
    assert got.version == 2 and {line.hours for line in got.lines} == {D("7.00")}
    logged = session.scalars(select(AuditEntry).where(AuditEntry.action == "order.hours")).all()
    assert any(e.detail.get("reason") == "client: 1 h lunch" for e in logged)


def test_payouts_use_the_latest_version(session, branch, shift, foreman, dispatcher):
    close(session, shift, foreman)
    day = shift.starts_at.date()

    def paid():
        _, rows = timesheets.payouts(
            session, branch.id, actor=dispatcher, date_from=day - timedelta(days=1),
            date_to=day + timedelta(days=1),
        )  # fmt: skip
        return sorted((row.hours, row.worker_pay) for row in rows)

    assert paid() == [(D("8.00"), D("960.00"))] * 2
    record(session, shift, dispatcher, at=shift.ends_at + H, break_min=30, reason="lunch")
    assert paid() == [(D("7.50"), D("900.00"))] * 2
    record(session, shift, dispatcher, at=shift.ends_at + 2 * H, break_min=0, reason="no lunch")
    assert paid() == [(D("8.00"), D("960.00"))] * 2


def test_the_database_refuses_a_second_row_of_one_number(session, shift, foreman):
    first = record(session, shift, foreman, break_min=10)
    twin = TimesheetVersion(
        order_id=shift.id, version=first.version, break_min=20, after_close=False,
        by_name="x", by_role="foreman",
    )  # fmt: skip
    nested = session.begin_nested()
    session.add(twin)
    with pytest.raises(IntegrityError):
        session.flush()
    nested.rollback()
