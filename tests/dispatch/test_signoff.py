"""The client's sign-off of a closed timesheet, line by line: approve, dispute, settle."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.errors import InvalidInput
from dispatch.client_models import TimesheetSignoff
from dispatch.registry.staff import actor_of
from dispatch.shift import onsite, signoff, timesheets
from dispatch.shift.errors import (
    LineAlreadyApproved,
    LineAlreadyDisputed,
    LineAlreadySettled,
    LineNotDisputed,
    NotOnTimesheet,
    SettledHoursInvalid,
    SignOffForbidden,
    TimesheetNotClosed,
)
from tests.builders import (
    KAZAN,
    make_branch,
    make_client,
    make_site,
    make_user,
    make_worked_shift,
    make_worker,
)


@pytest.fixture
def foreman(session, branch):
    return actor_of(make_user(session, role="foreman", branch=branch))


@pytest.fixture
def shift(session, branch, foreman):
    """An 8-hour order of three workers who all came on time, not yet closed."""
    site = make_site(
        session, client=make_client(session, branch=branch), foreman_id=foreman.user_id
    )
    order, crew = make_worked_shift(session, site=site, foreman=foreman)
    return order, [w.id for w in crew]


@pytest.fixture
def closed(session, foreman, shift):
    order, crew = shift
    onsite.close_shift(session, order.id, actor=foreman, now=order.ends_at, end="scheduled")
    return order, crew


def _after(order):
    return order.ends_at + timedelta(hours=2)


def _states(session, order, actor, now=None):
    sheet = timesheets.timesheet(session, order.id, actor=actor, now=now or _after(order))
    return {line.worker_id: line.state for line in sheet.lines}, sheet


def _rows(session):
    return session.scalar(select(func.count()).select_from(TimesheetSignoff))


def _audited(session, action, order):
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == action, AuditEntry.entity_ids.contains([order.id]))
        .order_by(AuditEntry.id)
    ).all()


def test_nothing_is_signed_off_before_the_close(session, dispatcher, shift):
    order, crew = shift
    with pytest.raises(TimesheetNotClosed):
        signoff.approve(session, order.id, actor=dispatcher, now=order.ends_at)
    with pytest.raises(TimesheetNotClosed):
        signoff.dispute(
            session, order.id, crew[0], actor=dispatcher, reason="7 h", now=order.ends_at
        )
    assert _rows(session) == 0


def test_every_line_is_pending_after_the_close(session, dispatcher, closed):
    order, crew = closed
    states, sheet = _states(session, order, dispatcher)
    assert states == dict.fromkeys(crew, "pending")
    assert sheet.held_lines == 0
    # Pending lines are billed once undisputed for the branch's invoice_after_days (3).
    assert sheet.billable_client_amount == D("0.00")
    waited = order.closed_at + timedelta(days=3)
    sheet = _states(session, order, dispatcher, now=waited)[1]
    assert sheet.billable_client_amount == sheet.totals["client_amount"] == D("6000.00")


def test_approve_skips_the_disputed_line_and_holds_it_from_the_bill(session, dispatcher, closed):
    order, crew = closed
    signoff.dispute(
        session, order.id, crew[0], actor=dispatcher, reason="left at 17:00", now=_after(order)
    )
    approved = signoff.approve(session, order.id, actor=dispatcher, now=_after(order))
    assert sorted(approved) == sorted(crew[1:])
    states, sheet = _states(session, order, dispatcher)
    assert states == {crew[0]: "disputed", crew[1]: "approved", crew[2]: "approved"}
    assert sheet.held_lines == 1
    # Held: the disputed line's 2000.00 is not billable; the work's totals stay whole.
    assert sheet.totals["client_amount"] == D("6000.00")
    assert sheet.billable_client_amount == D("4000.00")
    billable = timesheets.billable_lines(sheet.lines, order, 3, _after(order))
    assert [line.worker_id for line in billable] == [w for w in states if w != crew[0]]
    # A second approval approves nothing new and leaves the dispute open.
    assert signoff.approve(session, order.id, actor=dispatcher, now=_after(order)) == []
    assert _states(session, order, dispatcher)[0][crew[0]] == "disputed"
    (entry, _) = _audited(session, "timesheet.approve", order)
    assert entry.detail["held"] == [crew[0]]
    assert sorted(entry.detail["workers"]) == sorted(crew[1:])


def test_an_approved_line_cannot_be_disputed(session, dispatcher, closed):
    order, crew = closed
    signoff.approve(session, order.id, actor=dispatcher, now=_after(order))
    with pytest.raises(LineAlreadyApproved):
        signoff.dispute(
            session, order.id, crew[0], actor=dispatcher, reason="too late", now=_after(order)
        )
    assert _states(session, order, dispatcher)[0][crew[0]] == "approved"


def test_a_line_is_disputed_once(session, dispatcher, closed):
    order, crew = closed
    signoff.dispute(session, order.id, crew[0], actor=dispatcher, reason="a", now=_after(order))
    with pytest.raises(LineAlreadyDisputed):
        signoff.dispute(session, order.id, crew[0], actor=dispatcher, reason="b", now=_after(order))


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_dispute_says_why(session, dispatcher, closed, reason):
    order, crew = closed
    with pytest.raises(InvalidInput) as error:
        signoff.dispute(
            session, order.id, crew[0], actor=dispatcher, reason=reason, now=_after(order)
        )
    assert error.value.loc == ("body", "reason") and error.value.code == "reason_required"
    assert _rows(session) == 0


def test_a_worker_not_on_the_sheet_has_no_line(session, branch, dispatcher, closed):
    order, _ = closed
    stranger = make_worker(session, branch=branch)
    with pytest.raises(NotOnTimesheet):
        signoff.dispute(
            session, order.id, stranger.id, actor=dispatcher, reason="who?", now=_after(order)
        )


def test_a_foreman_does_not_speak_for_the_client(session, foreman, closed):
    order, crew = closed
    with pytest.raises(SignOffForbidden):
        signoff.approve(session, order.id, actor=foreman, now=_after(order))
    with pytest.raises(SignOffForbidden):
        signoff.dispute(session, order.id, crew[0], actor=foreman, reason="x", now=_after(order))
    assert _rows(session) == 0


def test_a_settlement_with_hours_changes_the_line_and_makes_it_billable(
    session, dispatcher, closed
):
    order, crew = closed
    signoff.dispute(
        session, order.id, crew[0], actor=dispatcher, reason="left at 16:00", now=_after(order)
    )
    row = signoff.settle(
        session,
        order.id,
        crew[0],
        actor=dispatcher,
        note="agreed 7 h with the client",
        hours=D("7.00"),
        now=_after(order),
    )
    assert (row.state, row.settled_hours, row.settle_note) == (
        "settled",
        D("7.00"),
        "agreed 7 h with the client",
    )
    states, sheet = _states(session, order, dispatcher)
    line = next(line for line in sheet.lines if line.worker_id == crew[0])
    assert (line.state, line.hours, line.client_amount, line.base_pay) == (
        "settled",
        D("7.00"),
        D("1750.00"),
        D("840.00"),
    )
    # The settled line is billable at once, the two pending ones after invoice_after_days.
    assert sheet.held_lines == 0 and sheet.billable_client_amount == D("1750.00")
    waited = _states(session, order, dispatcher, now=order.closed_at + timedelta(days=3))[1]
    assert waited.billable_client_amount == D("5750.00")
    assert [e.detail["hours"] for e in _audited(session, "timesheet.settle", order)] == ["7.00"]
    assert len(_audited(session, "timesheet.dispute", order)) == 1
    with pytest.raises(LineAlreadySettled):
        signoff.settle(
            session, order.id, crew[0], actor=dispatcher, note="again", now=_after(order)
        )
    with pytest.raises(LineAlreadySettled):
        signoff.dispute(
            session, order.id, crew[0], actor=dispatcher, reason="again", now=_after(order)
        )


def test_a_settlement_without_hours_keeps_the_marks_hours(session, dispatcher, closed):
    order, crew = closed
    signoff.dispute(session, order.id, crew[1], actor=dispatcher, reason="?", now=_after(order))
    signoff.settle(
        session, order.id, crew[1], actor=dispatcher, note="the marks stand", now=_after(order)
    )
    line = next(
        line
        for line in timesheets.timesheet(session, order.id, actor=dispatcher).lines
        if line.worker_id == crew[1]
    )
    assert (line.state, line.hours) == ("settled", D("8.00"))


def test_only_a_disputed_line_is_settled(session, dispatcher, closed):
    order, crew = closed
    with pytest.raises(LineNotDisputed):
        signoff.settle(session, order.id, crew[0], actor=dispatcher, note="x", now=_after(order))
    signoff.approve(session, order.id, actor=dispatcher, now=_after(order))
    with pytest.raises(LineNotDisputed):
        signoff.settle(session, order.id, crew[0], actor=dispatcher, note="x", now=_after(order))


@pytest.mark.parametrize(
    "note, hours, field",
    [("  ", None, "note"), ("ok", D("24.01"), "hours"), ("ok", D("1.005"), "hours")],
)
def test_a_settlement_is_checked_before_anything(session, dispatcher, closed, note, hours, field):
    order, crew = closed
    signoff.dispute(session, order.id, crew[0], actor=dispatcher, reason="?", now=_after(order))
    with pytest.raises((InvalidInput, SettledHoursInvalid)) as error:
        signoff.settle(
            session, order.id, crew[0], actor=dispatcher, note=note, hours=hours, now=_after(order)
        )
    assert error.value.loc == ("body", field)
    assert _states(session, order, dispatcher)[0][crew[0]] == "disputed"


def test_the_queue_shows_open_disputes_of_the_branch(session, branch, dispatcher, closed):
    order, crew = closed
    signoff.dispute(session, order.id, crew[2], actor=dispatcher, reason="late", now=_after(order))
    (found,) = signoff.disputes(session, actor=dispatcher)
    assert (found.order_id, found.worker_id, found.reason, found.code) == (
        order.id,
        crew[2],
        "late",
        order.code,
    )
    assert found.full_name is not None
    other = actor_of(make_user(session, role="dispatcher", branch=_other_branch(session)))
    assert signoff.disputes(session, actor=other) == []
    signoff.settle(session, order.id, crew[2], actor=dispatcher, note="ok", now=_after(order))
    assert signoff.disputes(session, actor=dispatcher) == []
    assert [d.worker_id for d in signoff.disputes(session, actor=dispatcher, status="settled")] == [
        crew[2]
    ]


def _other_branch(session):
    return make_branch(session, center=KAZAN)
