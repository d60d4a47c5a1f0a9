"""Invoices from timesheet lines: which lines go in, the sums to the kopeck with and without
VAT, one invoice per line, numbering per branch and year, legal details required."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.errors import InvalidInput
from core.tenancy import SYSTEM
from dispatch.billing import royalties, service
from dispatch.billing.errors import InvoicesManagersOnly, LegalDetailsMissing, NothingToInvoice
from dispatch.billing.lines import DISPUTED, INVOICED, TOO_RECENT
from dispatch.billing.models import Invoice, InvoiceLine
from dispatch.client_models import TimesheetSignoff
from dispatch.penalties.pay import lines_of
from dispatch.registry.errors import ClientNotFound
from dispatch.registry.staff import actor_of
from dispatch.shift import signoff
from tests.builders import NOW, make_user
from tests.dispatch.billing.world import later, make_world, worked_order

D = Decimal


def _invoice(session, world, order, *, days_after=4, first=None, last=None):
    day = (order.starts_at + timedelta(hours=3)).date()  # Moscow's date of the shift
    return service.create_invoice(
        session,
        actor=world.manager,
        client_id=world.client.id,
        first=first or day,
        last=last or day,
        now=later(order, days_after),
    )


@pytest.mark.parametrize(
    ("net", "rate", "vat", "total"),
    [
        (D("0.75"), D("0.22"), D("0.17"), D("0.92")),  # 0.165: halves up, not to even
        (D("1999.99"), D("0.22"), D("440.00"), D("2439.99")),  # 439.9978
        (D("1000.00"), D("0.20"), D("200.00"), D("1200.00")),
        (D("1234.56"), None, D("0.00"), D("1234.56")),  # without VAT
    ],
)
def test_vat_is_net_times_rate_half_up_to_the_kopeck(net, rate, vat, total):
    assert service.amounts(net, rate) == (vat, total)


@pytest.mark.parametrize("vat_rate", [D("0.22"), None])
def test_totals_are_the_exact_sum_of_the_approved_lines(session, vat_rate):
    world = make_world(session, vat_rate=vat_rate, n=3)
    order = worked_order(session, world, rate="333.33", hours=7)  # 7 h x 333.33 = 2333.31
    signoff.approve(session, order.id, actor=world.manager, now=later(order, 0.1))
    lines = lines_of(session, [order])[order.id]
    expected = sum(line.client_amount for line in lines)
    assert expected == D("6999.93")

    invoice = _invoice(session, world, order, days_after=0.2)  # approved: no wait

    assert invoice.net == expected
    if vat_rate is None:
        assert (invoice.vat, invoice.total, invoice.vat_rate) == (D("0.00"), expected, None)
    else:
        assert invoice.vat == D("1539.98")  # 1539.9846
        assert invoice.total == D("8539.91")
    rows = session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)).all()
    assert sorted(r.worker_id for r in rows) == sorted(w.id for w in world.crew)
    assert sum(r.amount for r in rows) == invoice.net
    (group,) = service.groups(session, invoice)
    assert (group.workers, group.hours, group.rate, group.amount) == (
        3,
        D("21.00"),
        D("333.33"),
        expected,
    )


def test_a_disputed_line_stays_out_and_pending_ones_wait_invoice_after_days(session):
    world = make_world(session, n=3)
    order = worked_order(session, world)
    disputed, approved, pending = world.crew
    at = later(order, 0.1)
    signoff.dispute(session, order.id, disputed.id, actor=world.manager, reason="left", now=at)
    signoff.approve(session, order.id, actor=world.manager, now=at)  # approves the pending two
    # Undo one approval by hand, so one line is pending (no sign-off row) and one approved.
    session.delete(session.get_one(TimesheetSignoff, (order.id, pending.id)))
    session.flush()

    day = (order.starts_at + timedelta(hours=3)).date()
    early = service.preview(
        session,
        actor=world.manager,
        client_id=world.client.id,
        first=day,
        last=day,
        now=later(order, 2.9),
    )
    verdicts = {c.line.worker_id: c.left_out for c in early}
    assert verdicts == {disputed.id: DISPUTED, approved.id: None, pending.id: TOO_RECENT}

    invoice = _invoice(session, world, order, days_after=3.1)  # the pending one waited 3 days
    taken = set(
        session.scalars(select(InvoiceLine.worker_id).where(InvoiceLine.invoice_id == invoice.id))
    )
    assert taken == {approved.id, pending.id}
    assert invoice.net == D("4000.00")  # 2 x 8 h x 250.00


def test_a_line_goes_on_one_invoice_only(session):
    world = make_world(session)
    order = worked_order(session, world)
    first = _invoice(session, world, order)
    with pytest.raises(NothingToInvoice):
        _invoice(session, world, order)
    day = (order.starts_at + timedelta(hours=3)).date()
    again = service.preview(
        session,
        actor=world.manager,
        client_id=world.client.id,
        first=day,
        last=day,
        now=later(order, 5),
    )
    assert {c.left_out for c in again} == {INVOICED}
    assert first.number.endswith("-0001")


def test_numbers_run_per_branch_and_year_and_restart_in_a_new_year(session):
    world = make_world(session, code="BRN")
    other = make_world(session, code="OTH")
    a = worked_order(session, world, day=1)
    b = worked_order(session, world, day=2)
    c = worked_order(session, other, day=1)
    assert _invoice(session, world, a).number == f"BRN-{NOW.year}-0001"
    assert _invoice(session, world, b).number == f"BRN-{NOW.year}-0002"
    assert _invoice(session, other, c).number == f"OTH-{NOW.year}-0001"
    d = worked_order(session, world, day=3)
    next_year = (later(d, 0).replace(month=1, day=5) + timedelta(days=366)).replace(day=5)
    day = (d.starts_at + timedelta(hours=3)).date()
    invoice = service.create_invoice(
        session,
        actor=world.manager,
        client_id=world.client.id,
        first=day,
        last=day,
        now=next_year,
    )
    assert invoice.number == f"BRN-{next_year.year}-0001"


@pytest.mark.parametrize(
    ("side", "name", "field"),
    [
        ("client", "inn", "client.inn"),
        ("client", "legal_address", "client.legal_address"),
        ("branch", "bank_account", "branch.bank_account"),
        ("branch", "kpp", "branch.kpp"),  # a company's INN (10 digits) needs its KPP
    ],
)
def test_missing_legal_details_name_the_field_and_write_nothing(session, side, name, field):
    world = make_world(session)
    order = worked_order(session, world)
    setattr(world.client if side == "client" else world.branch, name, None)
    session.flush()
    with pytest.raises(LegalDetailsMissing) as refused:
        _invoice(session, world, order)
    assert refused.value.loc == ("body", field)
    assert not list(session.scalars(select(Invoice).where(Invoice.branch_id == world.branch.id)))


def test_a_dispatcher_may_not_invoice_and_another_branch_client_is_not_found(session):
    world = make_world(session)
    other = make_world(session)
    order = worked_order(session, world)
    day = (order.starts_at + timedelta(hours=3)).date()
    dispatcher = actor_of(make_user(session, role="dispatcher", branch=world.branch))
    with pytest.raises(InvoicesManagersOnly):
        service.create_invoice(
            session,
            actor=dispatcher,
            client_id=world.client.id,
            first=day,
            last=day,
            now=later(order, 4),
        )
    with pytest.raises(ClientNotFound):
        service.create_invoice(
            session,
            actor=other.manager,
            client_id=world.client.id,
            first=day,
            last=day,
            now=later(order, 4),
        )
    assert service.create_invoice(
        session,
        actor=SYSTEM,
        client_id=world.client.id,
        first=day,
        last=day,
        now=later(order, 4),
    ).net == D("4000.00")


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        ("2026-11-30", "2026-11-01", "to"),  # backwards
        ("2025-01-01", "2026-06-01", "to"),  # more than a year
        ("0001-01-01", "0001-01-02", "from"),  # a typing slip
        ("2026-01-01", "9999-12-31", "to"),
    ],
)
def test_a_bad_period_is_refused_by_field(session, first, last, field):
    world = make_world(session)
    with pytest.raises(InvalidInput) as refused:
        service.preview(
            session,
            actor=world.manager,
            client_id=world.client.id,
            first=date.fromisoformat(first),
            last=date.fromisoformat(last),
            now=NOW,
        )
    assert refused.value.loc == ("body", field)


@pytest.mark.parametrize("text", ["2026-13", "9999-12", "0000-01", "2026"])
def test_a_month_out_of_range_is_invalid_input(text):
    with pytest.raises(InvalidInput):
        royalties.parse_month(text)


@pytest.mark.parametrize(
    ("after_days", "waited", "left_out"), [(7, 6.9, TOO_RECENT), (7, 7.1, None)]
)
def test_the_wait_is_the_branch_knob(session, after_days, waited, left_out):
    world = make_world(session, invoice_after_days=after_days)
    order = worked_order(session, world)
    day = (order.starts_at + timedelta(hours=3)).date()
    lines = service.preview(
        session,
        actor=world.manager,
        client_id=world.client.id,
        first=day,
        last=day,
        now=later(order, waited),
    )
    assert [c.left_out for c in lines] == [left_out, left_out]
