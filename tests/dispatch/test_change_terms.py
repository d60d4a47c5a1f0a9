"""What a change would do, told before it is confirmed (dispatch/changes/terms.py): the change
itself run and rolled back, so the terms are what change_order then does; a client never sets
the rates nor the foreman."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from dispatch.changes.patch import OrderChange, change_order
from dispatch.changes.terms import change_terms
from dispatch.models import Client, Order
from dispatch.orders.errors import ClientSetsNoForeman, ClientSetsNoRates, ShiftInPast
from dispatch.registry.staff import actor_of
from rating.models import PenaltyEvent
from sms.models import Message
from tests.builders import (
    NOW,
    make_client_user,
    make_order,
    make_user,
)
from tests.dispatch.test_order_changes import _full_order, statuses


@pytest.fixture
def client_user(session, site):
    return actor_of(make_client_user(session, client=session.get(Client, site.client_id)))


def _count(session, model, **where):
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.scalar(query)


def test_a_cut_inside_the_late_window_is_told_then_done_alike(session, site, client_user, crowd):
    order, booked, standby = _full_order(session, site, crowd, starts_in=timedelta(hours=8))
    at = NOW + timedelta(hours=1)  # 7 h before the start: inside late_cancel_h (12)
    texts_before = _count(session, Message, order_id=order.id)
    cut = OrderChange.of(headcount=2)  # target 3: three bookings and both standby let go

    terms = change_terms(session, order.id, actor=client_user, change=cut, now=at)

    assert terms.changed == ("headcount",)
    assert (terms.released_booked, terms.released_standby, terms.paid_late) == (3, 2, 3)
    assert (terms.pay_each, terms.total, terms.window_h) == (
        Decimal("300.00"),
        Decimal("900.00"),
        12,
    )
    assert not terms.moved
    # Nothing was written: the order, its offers, texts, pay and audit as they were.
    assert session.get(Order, order.id).headcount == 4
    assert list(statuses(session, order).values()).count("booked") == 6
    assert _count(session, Message, order_id=order.id) == texts_before
    assert _count(session, PenaltyEvent, order_id=order.id) == 0
    assert _count(session, AuditEntry, action="order.change") == 0

    change_order(session, order.id, actor=client_user, change=cut, now=at)
    now_booked = [w for w, s in statuses(session, order).items() if s == "booked"]
    assert len(now_booked) == 6 - terms.released_booked
    assert _count(session, PenaltyEvent, order_id=order.id) == terms.paid_late


def test_a_cut_a_day_ahead_costs_nothing(session, site, client_user, crowd):
    order, _, _ = _full_order(session, site, crowd)
    terms = change_terms(
        session, order.id, actor=client_user, change=OrderChange.of(headcount=3), now=NOW
    )
    assert terms.released_booked == 1 and terms.paid_late == 0 and terms.total == 0


def test_a_move_asks_every_booked_worker_to_confirm_again(session, site, client_user, crowd):
    order, booked, _ = _full_order(session, site, crowd)
    later = order.starts_at + timedelta(hours=2)
    move = OrderChange.of(starts_at=later, ends_at=later + timedelta(hours=8))
    terms = change_terms(session, order.id, actor=client_user, change=move, now=NOW)
    assert terms.moved and terms.changed == ("starts_at", "ends_at")
    assert terms.asked_to_confirm == len(booked) and terms.released_on_move == 0
    assert session.get(Order, order.id).starts_at == later - timedelta(hours=2)


def test_no_change_is_told_as_none(session, site, client_user):
    order = make_order(session, site=site)
    same = OrderChange.of(headcount=order.headcount, notes="")
    terms = change_terms(session, order.id, actor=client_user, change=same, now=NOW)
    assert terms.changed == () and terms.released_booked == 0


def test_the_terms_refuse_what_the_change_refuses(session, site, client_user):
    order = make_order(session, site=site)
    past = OrderChange.of(starts_at=NOW - timedelta(hours=1), ends_at=NOW + timedelta(hours=7))
    with pytest.raises(ShiftInPast):
        change_terms(session, order.id, actor=client_user, change=past, now=NOW)
    assert session.get(Order, order.id).starts_at == NOW + timedelta(days=1)


@pytest.mark.parametrize("field", ["foreman_id", "client_rate"])
def test_a_client_sets_no_foreman_and_no_rates(session, branch, site, client_user, field):
    order = make_order(session, site=site)
    foreman = make_user(session, role="foreman", branch=branch)
    value = foreman.id if field == "foreman_id" else Decimal("999")
    refused = ClientSetsNoForeman if field == "foreman_id" else ClientSetsNoRates
    with pytest.raises(refused) as caught:
        change_order(
            session, order.id, actor=client_user, change=OrderChange.of(**{field: value}), now=NOW
        )
    assert caught.value.loc == ("body", field)
    assert (order.foreman_id, order.client_rate) == (None, Decimal("250.00"))
    # The office may: the same change by a dispatcher goes through.
    office = actor_of(make_user(session, role="dispatcher", branch=branch))
    change_order(session, order.id, actor=office, change=OrderChange.of(**{field: value}), now=NOW)
    assert getattr(order, field) == value


def test_a_raise_is_told_and_its_wave_is_not_sent(session, site, client_user, crowd):
    order, _, _ = _full_order(session, site, crowd)
    offers_before = len(statuses(session, order))
    texts_before = _count(session, Message, order_id=order.id)
    terms = change_terms(
        session, order.id, actor=client_user, change=OrderChange.of(headcount=6), now=NOW
    )
    assert terms.changed == ("headcount",) and terms.offered > 0
    assert len(statuses(session, order)) == offers_before  # the wave was rolled back
    assert _count(session, Message, order_id=order.id) == texts_before
    assert session.get(Order, order.id).headcount == 4
