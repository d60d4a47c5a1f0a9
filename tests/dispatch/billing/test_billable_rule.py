"""One rule decides which timesheet lines may be billed (dispatch/hours/policy.py bill_hold):
the timesheet's billable amount and the invoice's lines agree on every edge - disputed,
settled, approved, and pending one day short of invoice_after_days and on the day."""

from datetime import timedelta
from decimal import Decimal as D

import pytest

from dispatch.billing import service
from dispatch.client_models import TimesheetSignoff
from dispatch.shift import signoff, timesheets
from tests.dispatch.billing.world import later, make_world, worked_order

AFTER_DAYS = 3


@pytest.mark.parametrize(
    ("waited", "pending_billed"), [(AFTER_DAYS - 1, False), (AFTER_DAYS, True)]
)
def test_the_timesheet_and_the_invoice_bill_the_same_lines(session, waited, pending_billed):
    world = make_world(session, n=4, invoice_after_days=AFTER_DAYS)
    order = worked_order(session, world)
    disputed, settled, approved, pending = (w.id for w in world.crew)
    at = later(order, 0.1)
    signoff.dispute(session, order.id, disputed, actor=world.manager, reason="left", now=at)
    signoff.dispute(session, order.id, settled, actor=world.manager, reason="late", now=at)
    signoff.settle(session, order.id, settled, actor=world.manager, note="ok", now=at)
    signoff.approve(session, order.id, actor=world.manager, now=at)
    session.delete(session.get_one(TimesheetSignoff, (order.id, pending)))  # back to pending
    session.flush()
    now = order.closed_at + timedelta(days=waited)

    day = (order.starts_at + timedelta(hours=3)).date()
    invoiced = {
        c.line.worker_id
        for c in service.preview(
            session, actor=world.manager, client_id=world.client.id, first=day, last=day, now=now
        )
        if c.left_out is None
    }
    sheet = timesheets.timesheet(session, order.id, actor=world.manager, now=now)
    billed = timesheets.billable_lines(sheet.lines, order, AFTER_DAYS, now)

    expected = {settled, approved} | ({pending} if pending_billed else set())
    assert invoiced == {line.worker_id for line in billed} == expected
    assert sheet.billable_client_amount == sum((line.client_amount for line in billed), D(0))
    assert sheet.held_lines == 1  # the open dispute
