"""A subscription switched off (by a day of failures, or by hand) and on again
(dispatch/hooks/subscriptions.py): why it is off, the audit, and what is sent after: new
events only; a delivery given up and an event recorded while off are not sent again. The
delivery step posts through the gateway it is handed (dispatch/hooks/delivery.py)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.clock import now
from core.errors import NotFound
from core.tenancy import SYSTEM
from core.webhook_http import Answer
from dispatch.client_models import WebhookDelivery, WebhookSubscription
from dispatch.hooks import delivery, events, subscriptions
from dispatch.models import Client
from dispatch.registry.staff import actor_of
from tests.builders import make_client, make_client_user, make_order, make_site, steps


class Gateway:
    """Answers as told and keeps what it was asked to post."""

    def __init__(self, answer: Answer):
        self.answer = answer
        self.posted: list[tuple[str, bytes, dict]] = []

    def post(self, url, *, body, headers, timeout_s):
        self.posted.append((url, body, dict(headers)))
        return self.answer


@pytest.fixture
def hook(session, site):
    made = subscriptions.create(
        session, site.client_id, actor=SYSTEM, url="https://hooks.example.com/in",
        events=["order.cancelled"],
    )  # fmt: skip
    return made


def delivery_of(session, event) -> WebhookDelivery | None:
    query = select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)
    return session.scalars(query).first()


def actions(session) -> list[str]:
    query = (
        select(AuditEntry.action).where(AuditEntry.action.like("webhook.%")).order_by(AuditEntry.id)
    )
    return list(session.scalars(query.order_by(AuditEntry.id)))


def test_the_delivery_posts_the_signed_body_through_the_gateway_it_is_handed(session, site, hook):
    event = events.order_event(session, make_order(session, site=site), "order.cancelled")
    row = delivery_of(session, event)
    gateway = Gateway(Answer(204))
    assert delivery.deliver(steps(session), row.id, now, gateway) == "delivered"
    [(url, body, headers)] = gateway.posted
    assert url == "https://hooks.example.com/in" and str(event.id).encode() in body
    assert headers["Brigada-Event-Id"] == str(event.id)
    assert headers["Brigada-Signature"].startswith("t=")
    session.refresh(row)
    assert row.delivered_at is not None and row.last_status == 204


def test_switched_off_for_failures_then_on_again_new_events_flow_nothing_is_resent(
    session, site, hook
):
    given_up_event = events.order_event(session, make_order(session, site=site), "order.cancelled")
    row = delivery_of(session, given_up_event)
    hook.failing_since = now() - timedelta(hours=25)
    session.flush()
    refusing = Gateway(Answer(None, "refused: hooks.example.com resolves to 10.0.0.1"))
    assert delivery.deliver(steps(session), row.id, now, refusing) == "disabled"
    session.refresh(hook)
    assert subscriptions.off_reason(hook) == "failing"
    while_off = events.order_event(session, make_order(session, site=site), "order.cancelled")
    assert delivery_of(session, while_off) is None  # nobody to send it to

    subscriptions.enable(session, site.client_id, hook.id, actor=SYSTEM)
    assert hook.disabled_at is None and hook.failing_since is None  # a fresh day
    assert subscriptions.off_reason(hook) is None
    assert actions(session)[-2:] == ["webhook.disabled", "webhook.enable"]
    session.refresh(row)
    assert row.next_attempt_at is None and row.delivered_at is None  # stays given up
    assert row.id not in delivery.due(session, now() + timedelta(days=2), timedelta(0))
    accepting = Gateway(Answer(200))
    assert delivery.deliver(steps(session), row.id, now, accepting) == "skipped"
    after = events.order_event(session, make_order(session, site=site), "order.cancelled")
    fresh = delivery_of(session, after)
    assert fresh is not None
    assert delivery.deliver(steps(session), fresh.id, now, accepting) == "delivered"
    assert [url for url, _, _ in accepting.posted] == ["https://hooks.example.com/in"]


def test_switched_off_by_hand_its_due_deliveries_are_given_up_and_on_again_is_idempotent(
    session, site, hook
):
    event = events.order_event(session, make_order(session, site=site), "order.cancelled")
    row = delivery_of(session, event)
    subscriptions.disable(session, site.client_id, hook.id, actor=SYSTEM, now=now())
    subscriptions.disable(session, site.client_id, hook.id, actor=SYSTEM, now=now())
    assert subscriptions.off_reason(hook) == "by_hand"
    gateway = Gateway(Answer(200))
    assert delivery.deliver(steps(session), row.id, now, gateway) == "skipped"
    assert gateway.posted == []
    session.refresh(row)
    assert row.next_attempt_at is None
    subscriptions.enable(session, site.client_id, hook.id, actor=SYSTEM)
    subscriptions.enable(session, site.client_id, hook.id, actor=SYSTEM)
    assert actions(session) == ["webhook.create", "webhook.switch_off", "webhook.enable"]


def test_only_the_clients_own_admin_and_its_office_may_switch(session, site, hook, branch):
    other_client = make_client(session, branch=branch)
    make_site(session, client=other_client)
    stranger = actor_of(make_client_user(session, client=other_client, admin=True))
    with pytest.raises(NotFound):
        subscriptions.enable(session, other_client.id, hook.id, actor=stranger)
    with pytest.raises(NotFound):
        subscriptions.disable(session, site.client_id, hook.id, actor=stranger, now=now())
    own = actor_of(
        make_client_user(session, client=session.get_one(Client, site.client_id), admin=True)
    )
    subscriptions.disable(session, site.client_id, hook.id, actor=own, now=now())
    assert session.get_one(WebhookSubscription, hook.id).disabled_at is not None
