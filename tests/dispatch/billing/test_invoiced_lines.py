"""An invoiced line is final: a dispute, a settlement or a correction of its hours would leave
the invoice out of step with the timesheet, so each is refused with 409 `line_invoiced` and
writes nothing. And an invoice maps only its own line key's violation to invoice_line_taken."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from dispatch.billing import service
from dispatch.billing.errors import InvoiceLineTaken
from dispatch.billing.models import Invoice
from dispatch.client_models import TimesheetSignoff
from dispatch.hours.errors import LineInvoiced
from dispatch.hours.models import TimesheetVersion
from dispatch.shift import signoff, timesheets
from tests.dispatch.billing.world import later, make_world, worked_order


def _invoiced(session):
    """A closed order whose two pending lines went on an invoice, undisputed for 4 days."""
    world = make_world(session)
    order = worked_order(session, world)
    day = (order.starts_at + timedelta(hours=3)).date()
    service.create_invoice(
        session,
        actor=world.manager,
        client_id=world.client.id,
        first=day,
        last=day,
        now=later(order, 4),
    )
    return world, order


def _signoffs(session, order):
    query = select(func.count()).where(TimesheetSignoff.order_id == order.id)
    return session.scalar(query)


def test_an_invoiced_line_is_not_disputed(session):
    world, order = _invoiced(session)
    with pytest.raises(LineInvoiced) as refused:
        signoff.dispute(
            session,
            order.id,
            world.crew[0].id,
            actor=world.manager,
            reason="left early",
            now=later(order, 5),
        )
    assert refused.value.code == "line_invoiced"
    assert _signoffs(session, order) == 0


def test_an_invoiced_line_disputed_before_this_rule_is_not_settled(session):
    world, order = _invoiced(session)
    worker = world.crew[0].id
    # A dispute written after the invoice (as the code allowed before): it stays open.
    session.add(
        TimesheetSignoff(
            order_id=order.id, worker_id=worker, branch_id=order.branch_id, state="disputed"
        )
    )
    session.flush()
    with pytest.raises(LineInvoiced):
        signoff.settle(
            session, order.id, worker, actor=world.manager, note="agreed", now=later(order, 5)
        )
    assert session.get_one(TimesheetSignoff, (order.id, worker)).state == "disputed"


def test_an_invoiced_order_hours_are_not_corrected(session):
    world, order = _invoiced(session)
    before = session.scalar(select(func.count()).where(TimesheetVersion.order_id == order.id))
    with pytest.raises(LineInvoiced):
        timesheets.record_hours(
            session,
            order.id,
            actor=world.manager,
            changes={"break_min": 60, "reason": "lunch was not paid"},
            now=later(order, 5),
        )
    after = session.scalar(select(func.count()).where(TimesheetVersion.order_id == order.id))
    assert after == before


def test_another_constraint_is_not_taken_for_a_line_taken(session):
    world = make_world(session)
    order = worked_order(session, world)
    at = later(order, 4)
    # A row of another year already holds the number this invoice would take.
    session.add(
        Invoice(
            branch_id=world.branch.id,
            client_id=world.client.id,
            number=f"{world.branch.code}-{at.year}-0001",
            year=1999,
            seq=1,
            issued_on=at.date(),
            period_from=at.date(),
            period_to=at.date(),
            net=0,
            vat_rate=None,
            vat=0,
            total=0,
            seller={},
            buyer={},
        )
    )
    session.flush()
    day = (order.starts_at + timedelta(hours=3)).date()
    with pytest.raises(IntegrityError, match="number") as raised:
        service.create_invoice(
            session, actor=world.manager, client_id=world.client.id, first=day, last=day, now=at
        )
    assert not isinstance(raised.value, InvoiceLineTaken)
