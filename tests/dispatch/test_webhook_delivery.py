"""One webhook delivery's steps (dispatch/hooks/delivery.py): the backoff, the reconciler's
work list, a claim another sender holds, and the switch-off after a day of failures."""

import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.clock import now
from core.jobs import pending_jobs
from core.webhook_http import HttpxWebhookGateway
from dispatch.client_models import WebhookDelivery, WebhookSubscription
from dispatch.hooks import delivery, events
from dispatch.models import Client
from sms.models import Message
from tests.builders import make_order, steps

LOCAL = HttpxWebhookGateway(allow_private=True)  # as the jobs' in test


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/hook"


@pytest.fixture
def pending(session, site):
    """A delivery of an order.cancelled event to a receiver that refuses connections."""
    hook = WebhookSubscription(
        client_id=site.client_id, url=closed_port_url(), events=["order.cancelled"], secret="s"
    )
    session.add(hook)
    session.flush()
    order = make_order(session, site=site)
    event = events.order_event(session, order, "order.cancelled")
    row = session.scalars(select(WebhookDelivery).where(WebhookDelivery.event_id == event.id))
    return hook, row.one()


def test_the_wait_doubles_from_the_first_up_to_the_cap():
    waits = [delivery.backoff(n).total_seconds() for n in (1, 2, 3, 4, 7, 8, 50)]
    assert waits == [30, 60, 120, 240, 1920, 3600, 3600]
    # Attempts for at least a day: the waits of the first 30 attempts pass 24 h.
    assert sum((delivery.backoff(n) for n in range(1, 31)), timedelta()) > timedelta(hours=24)


def test_a_refused_attempt_is_logged_and_the_next_asked_for(session, pending):
    hook, row = pending
    outcome = delivery.deliver(steps(session), row.id, now, LOCAL)
    assert outcome == "retry"
    session.refresh(row)
    assert row.attempts == 1 and row.last_status is None and "ConnectError" in row.last_error
    assert row.next_attempt_at > row.last_attempt_at and row.claimed_at is None
    assert ("hooks.deliver", (row.id,)) in pending_jobs(session)
    assert session.get_one(WebhookSubscription, hook.id).failing_since == row.last_attempt_at
    # Not due again yet: a second job now does nothing.
    assert delivery.deliver(steps(session), row.id, now, LOCAL) == "skipped"


def test_the_reconciler_finds_deliveries_overdue(session, pending):
    _, row = pending
    grace = timedelta(seconds=30)
    assert row.id not in delivery.due(session, row.next_attempt_at, grace)
    assert row.id in delivery.due(session, row.next_attempt_at + grace, grace)
    row.delivered_at, row.next_attempt_at = now(), None
    session.flush()
    assert row.id not in delivery.due(session, now() + timedelta(days=1), grace)


def test_a_fresh_claim_is_left_to_its_sender_a_stale_one_taken_over(session, pending):
    _, row = pending
    at = row.next_attempt_at
    assert delivery.claim(session, row.id, at) is not None
    assert delivery.claim(session, row.id, at + timedelta(seconds=5)) is None
    taken = delivery.claim(session, row.id, at + delivery.CLAIM_STALE + timedelta(seconds=1))
    assert taken is not None and row.attempts == 2


def test_a_day_of_failures_switches_the_subscription_off_and_tells_the_client(
    session, site, pending
):
    hook, row = pending
    client = session.get_one(Client, hook.client_id)
    client.contact_phone = "+79161234567"
    hook.failing_since = now() - timedelta(hours=24, minutes=1)
    session.flush()
    assert delivery.deliver(steps(session), row.id, now, LOCAL) == "disabled"
    session.refresh(row)
    session.refresh(hook)
    assert hook.disabled_at is not None and row.next_attempt_at is None
    audited = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "webhook.disabled").order_by(AuditEntry.id)
    )
    assert audited.one().branch_id == client.branch_id
    told = session.scalars(select(Message).where(Message.kind == "client_webhook_off")).one()
    assert told.phone == "+79161234567" and str(hook.id) in told.body
    # Switched off, nothing more is sent: a later event asks for no delivery to it.
    later = events.order_event(session, make_order(session, site=site), "order.cancelled")
    assert (
        session.scalars(select(WebhookDelivery).where(WebhookDelivery.event_id == later.id)).all()
        == []
    )
