"""Client events: recorded once per order, in the caller's transaction (dropped with it), from
the flow's own steps (filled, cancelled, closed; short and started by the clock), with the
deliveries and the client's texts they ask for, and never a worker's phone or home."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.jobs import pending_jobs
from core.tenancy import SYSTEM
from dispatch.changes import named
from dispatch.client_models import ClientEvent, WebhookDelivery, WebhookSubscription
from dispatch.hooks import events
from dispatch.models import Client, Order, Site
from dispatch.orders import service as orders
from dispatch.shift import milestones, onsite
from sms.models import Message
from tests.builders import MOSCOW, NOW, book, make_order, make_worker, offset

MIN = timedelta(minutes=1)


def types_of(session, order):
    rows = session.scalars(select(ClientEvent.type).where(ClientEvent.order_id == order.id))
    return sorted(rows)


def client_texts(session, order):
    query = select(Message).where(Message.order_id == order.id, Message.kind.like("client_%"))
    return list(session.scalars(query.order_by(Message.id)))


def deliver_jobs(session):
    return [args for name, args in pending_jobs(session) if name == "hooks.deliver"]


def workers(session, branch, n):
    return [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=10 * i)) for i in range(n)
    ]


def subscribe(session, order, types=("order.filled",)):
    hook = WebhookSubscription(
        client_id=order.client_id, url="http://127.0.0.1:9/", events=list(types), secret="s"
    )
    session.add(hook)
    session.flush()
    return hook


@pytest.fixture
def contact(session, site):
    site.contact_phone = "+79161234567"
    session.flush()
    return site.contact_phone


def test_the_order_filled_is_recorded_once_with_counts_and_no_worker(session, branch, site):
    crew = workers(session, branch, 3)
    order = make_order(session, site=site, headcount=2, overbook_factor=1)
    book(session, order, crew[:2])
    [event] = session.scalars(select(ClientEvent).where(ClientEvent.order_id == order.id))
    assert event.type == "order.filled" and event.client_id == order.client_id
    assert event.data["booked"] == 2 and event.data["headcount"] == 2
    assert event.data["code"] == order.code and event.data["site"]["id"] == site.id
    dumped = json.dumps(event.data, ensure_ascii=False)
    for worker in crew:
        assert worker.phone not in dumped and worker.full_name not in dumped
    # A second record of the same type is no news: nothing more is written or sent.
    assert events.order_event(session, order, "order.filled") is None
    assert types_of(session, order) == ["order.filled"]


def test_an_event_and_its_deliveries_go_with_a_rolled_back_transaction(session, branch, site):
    order = make_order(session, site=site)
    hook = subscribe(session, order)
    savepoint = session.begin_nested()
    event = events.order_event(session, order, "order.filled")
    assert event is not None
    delivery = session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)
    ).one()
    assert delivery.subscription_id == hook.id
    assert deliver_jobs(session) == [(delivery.id,)]
    savepoint.rollback()
    assert types_of(session, order) == []
    assert deliver_jobs(session) == []
    # Recorded again later, it is recorded (the rolled-back one never existed).
    assert events.order_event(session, order, "order.filled") is not None


def test_only_live_subscriptions_to_that_type_get_a_delivery(session, branch, site):
    order = make_order(session, site=site)
    wanted = subscribe(session, order, ("order.filled", "shift.closed"))
    subscribe(session, order, ("order.cancelled",))
    off = subscribe(session, order)
    off.disabled_at = order.starts_at
    event = events.order_event(session, order, "order.filled")
    rows = session.scalars(select(WebhookDelivery).where(WebhookDelivery.event_id == event.id))
    assert [d.subscription_id for d in rows] == [wanted.id]


def test_the_client_is_texted_when_filled_unless_switched_off(session, branch, site, contact):
    order = make_order(session, site=site, headcount=1, overbook_factor=1)
    book(session, order, workers(session, branch, 1))
    [text] = client_texts(session, order)
    assert text.kind == "client_filled" and text.phone == contact and text.worker_id is None
    assert order.code in text.body and "1 из 1" in text.body

    other = make_order(session, site=site, headcount=1, overbook_factor=1)
    session.get_one(Client, site.client_id).notify_by_sms = False
    book(session, other, workers(session, branch, 2)[1:])
    assert client_texts(session, other) == []


def test_without_a_site_contact_the_clients_phone_is_texted_in_its_language(session, branch, site):
    client = session.get_one(Client, site.client_id)
    client.contact_phone, client.notify_language = "+79169876543", "en"
    order = make_order(session, site=site, headcount=1, overbook_factor=1)
    book(session, order, workers(session, branch, 1))
    [text] = client_texts(session, order)
    assert text.phone == "+79169876543" and "is filled: 1 of 1" in text.body


def test_no_phone_anywhere_no_text(session, branch, site):
    order = make_order(session, site=site, headcount=1, overbook_factor=1)
    book(session, order, workers(session, branch, 1))
    assert types_of(session, order) == ["order.filled"] and client_texts(session, order) == []


def test_a_cancelled_order_is_an_event(session, branch, site):
    order = make_order(session, site=site)
    orders.cancel_order(session, order.id, actor=SYSTEM, reason="called off", now=order.starts_at)
    [event] = session.scalars(select(ClientEvent).where(ClientEvent.order_id == order.id))
    assert event.type == "order.cancelled" and event.data["reason"] == "called off"


def test_the_close_records_closed_and_timesheet_ready_the_preview_nothing(
    session, branch, site, dispatcher
):
    order = make_order(session, site=site, headcount=2, overbook_factor=1)
    book(session, order, workers(session, branch, 2))
    after = order.starts_at + 60 * MIN
    onsite.preview_close(session, order.id, actor=dispatcher, now=after, end="now")
    assert types_of(session, order) == ["order.filled"]
    onsite.close_shift(session, order.id, actor=dispatcher, now=after)
    assert types_of(session, order) == ["order.filled", "shift.closed", "timesheet.ready"]
    ready = session.scalars(
        select(ClientEvent).where(
            ClientEvent.order_id == order.id, ClientEvent.type == "timesheet.ready"
        )
    ).one()
    assert ready.data["no_show"] == 2 and ready.data["work_ended_at"] is not None


def test_short_two_hours_before_the_start_once(session, branch, site, contact):
    order = make_order(session, site=site, headcount=3)
    book(session, order, workers(session, branch, 1))
    early = order.starts_at - timedelta(hours=2, minutes=1)
    assert order.id not in milestones.short_due(session, early)
    due = order.starts_at - timedelta(hours=2)
    assert order.id in milestones.short_due(session, due)
    milestones.report_short(session, order.id, due)
    [event] = session.scalars(
        select(ClientEvent).where(
            ClientEvent.order_id == order.id, ClientEvent.type == "order.short"
        )
    )
    assert event.data["booked"] == 1 and event.data["short_by"] == 2
    assert order.id not in milestones.short_due(session, due + MIN)  # told once
    [text] = client_texts(session, order)
    assert text.kind == "client_short" and "1 из 3" in text.body and "искать людей" in text.body


def test_a_full_order_is_not_short(session, branch, site):
    order = make_order(session, site=site, headcount=1, overbook_factor=1)
    book(session, order, workers(session, branch, 1))
    assert order.id not in milestones.short_due(session, order.starts_at - timedelta(hours=1))


def test_the_shift_started_with_n_of_m_arrived_after_the_grace(
    session, branch, site, dispatcher, contact
):
    crew = workers(session, branch, 3)
    order = make_order(session, site=site, headcount=3, overbook_factor=1)
    book(session, order, crew)
    onsite.mark_attendance(
        session, order.id, actor=dispatcher, worker_id=crew[0].id, status="arrived",
        at=order.starts_at, now=order.starts_at,
    )  # fmt: skip
    grace = timedelta(minutes=branch.late_grace_min)
    assert order.id not in milestones.started_due(session, order.starts_at + grace - MIN)
    at = order.starts_at + grace
    assert milestones.started_due(session, at) == [order.id]
    milestones.report_started(session, order.id, at)
    assert milestones.started_due(session, at + MIN) == []
    texts = [t for t in client_texts(session, order) if t.kind == "client_started"]
    assert len(texts) == 1 and "на месте 1 из 3" in texts[0].body


def test_events_name_the_site_not_the_workers_home(session, branch, site):
    order = make_order(session, site=site)
    event = events.order_event(session, order, "order.cancelled")
    site_row = session.get_one(Site, site.id)
    assert event.data["site"] == {"id": site.id, "name": site_row.name, "address": site_row.address}
    assert set(event.data) >= {"order_id", "code", "headcount", "booked", "arrived", "starts_at"}
    assert session.get_one(Order, order.id).client_id == event.client_id


def test_an_order_filled_by_a_named_booking_is_an_event(session, branch, site, dispatcher):
    order = make_order(session, site=site, headcount=1, overbook_factor=1)
    walk_in = make_worker(session, branch=branch, near=offset(MOSCOW, east_m=300))
    named.book_named(session, order_id=order.id, worker_id=walk_in.id, actor=dispatcher, now=NOW)
    assert order.status == "filled" and types_of(session, order) == ["order.filled"]
