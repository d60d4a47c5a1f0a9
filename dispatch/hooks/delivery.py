"""Send one webhook delivery, at least once, with no transaction open during the POST.

As an SMS is sent (sms/sending.py), a delivery is three steps:
1. `claim`: lock the row (skip locked), check it is due and its subscription live, stamp
   claimed_at and count the attempt, commit; the body and the secret are taken along.
2. `post`: the signed POST with a short timeout, no database, through the gateway the job
   hands in (core/webhook_http.py: public addresses only, checked as the name resolves now).
3. `record`: the answer on the row. 2xx: delivered. Anything else: the next attempt after a
   wait doubling from BRIGADA_WEBHOOK_BACKOFF_S up to BRIGADA_WEBHOOK_BACKOFF_MAX_S, asked of
   the jobs after the commit; the subscription remembers since when it fails, and once that is
   BRIGADA_WEBHOOK_GIVE_UP_H ago it is switched off and the client's office told.
A sender that dies after the claim leaves a claim that goes stale; the reconciler's `due`
finds it (next_attempt_at is still set) and the delivery is sent again: the receiver may see
an event twice, and deduplicates by its id.
"""

import json
import time
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.jobs import enqueue_after_commit
from core.settings import get_settings
from core.tenancy import SYSTEM
from core.webhook_http import Answer
from dispatch.client_models import ClientEvent, WebhookDelivery, WebhookSubscription
from dispatch.hooks.notices import language_of
from dispatch.hooks.signing import EVENT_ID, SIGNATURE, signature
from dispatch.models import Branch, Client
from dispatch.registry import wording
from sms import outbox

# The POST times out after BRIGADA_WEBHOOK_TIMEOUT_S (at most 30 s): an older claim has no
# living sender.
CLAIM_STALE = timedelta(seconds=60)
# A delayed job may wake a moment before the time it was asked for.
EARLY = timedelta(milliseconds=500)


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    event_id: uuid.UUID
    url: str
    secret: str
    body: bytes


class WebhookGateway(Protocol):
    """Where the POST goes: core/webhook_http.py's over httpx, a fake in tests."""

    def post(
        self, url: str, *, body: bytes, headers: Mapping[str, str], timeout_s: float
    ) -> Answer: ...


def body_of(event: ClientEvent) -> bytes:
    """The raw body the signature covers: the same bytes on every attempt."""
    payload = {
        "id": str(event.id),
        "type": event.type,
        "created_at": event.created_at.isoformat(),
        "data": event.data,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def claim(session: Session, delivery_id: int, at: datetime) -> Claim | None:
    """The delivery taken for one attempt, or None: delivered, given up, not yet due, its
    subscription off, or another sender on it."""
    delivery = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).first()
    if delivery is None or delivery.delivered_at is not None or delivery.next_attempt_at is None:
        return None
    if delivery.next_attempt_at > at + EARLY:
        return None  # a job early or twice: the one due later sends it
    if delivery.claimed_at is not None and delivery.claimed_at > at - CLAIM_STALE:
        return None
    subscription = session.get_one(WebhookSubscription, delivery.subscription_id)
    if subscription.disabled_at is not None or subscription.deleted_at is not None:
        delivery.next_attempt_at = None  # nobody to send it to any more
        return None
    event = session.get_one(ClientEvent, delivery.event_id)
    delivery.claimed_at, delivery.attempts = at, delivery.attempts + 1
    return Claim(delivery.id, event.id, subscription.url, subscription.secret, body_of(event))


def post(claimed: Claim, gateway: WebhookGateway, timeout_s: float) -> Answer:
    """The signed POST through the gateway: no database, no transaction open."""
    headers = {
        "Content-Type": "application/json",
        EVENT_ID: str(claimed.event_id),
        SIGNATURE: signature(claimed.secret, int(time.time()), claimed.body),
        "User-Agent": "Brigada-Webhooks/1",
    }
    return gateway.post(claimed.url, body=claimed.body, headers=headers, timeout_s=timeout_s)


def backoff(attempts: int) -> timedelta:
    """The wait after the attempts-th failed attempt: doubling, capped."""
    settings = get_settings()
    wait = settings.webhook_backoff_s * 2 ** min(max(attempts - 1, 0), 30)
    return timedelta(seconds=min(wait, settings.webhook_backoff_max_s))


def record(session: Session, claimed: Claim, answer: Answer, at: datetime) -> str:
    """The answer on the claimed row: "delivered", "retry", "disabled" or "skipped"."""
    delivery = session.get(WebhookDelivery, claimed.delivery_id, with_for_update=True)
    if delivery is None or delivery.delivered_at is not None:
        return "skipped"
    subscription = session.scalars(
        select(WebhookSubscription)
        .where(WebhookSubscription.id == delivery.subscription_id)
        .with_for_update()
    ).one()
    delivery.claimed_at, delivery.last_attempt_at = None, at
    delivery.last_status, delivery.last_error = answer.status, answer.error
    if answer.ok:
        delivery.delivered_at, delivery.next_attempt_at = at, None
        subscription.failing_since = None
        return "delivered"
    if subscription.disabled_at is None:  # switched off by hand meanwhile: no failure clock
        failing_since = subscription.failing_since = subscription.failing_since or at
        if failing_since <= at - timedelta(hours=get_settings().webhook_give_up_h):
            switch_off(session, subscription, at)
    if subscription.disabled_at is not None or subscription.deleted_at is not None:
        delivery.next_attempt_at = None
        return "disabled"
    wait = backoff(delivery.attempts)
    delivery.next_attempt_at = at + wait
    delay_ms = int(wait.total_seconds() * 1000)
    enqueue_after_commit(session, "hooks.deliver", delivery.id, delay_ms=delay_ms)
    return "retry"


def switch_off(session: Session, subscription: WebhookSubscription, at: datetime) -> None:
    """Failing for the whole give-up window: no more attempts. The branch's office sees it in
    the audit log; the client's contact gets a text when the client has a phone on file, in
    the branch's wording of client_webhook_off and the client's language."""
    subscription.disabled_at = at
    client = session.get_one(Client, subscription.client_id)
    audit.log(
        session,
        SYSTEM,
        "webhook.disabled",
        "client",
        [client.id],
        client.branch_id,
        webhook_id=subscription.id,
        url=subscription.url,
        failing_since=subscription.failing_since.isoformat() if subscription.failing_since else "",
    )
    if client.contact_phone:
        branch = session.get_one(Branch, client.branch_id)
        values = {"id": subscription.id}
        body = wording.render(session, branch, OFF_KIND, language_of(client), values)
        outbox.queue(session, kind=OFF_KIND, worker_id=None, phone=client.contact_phone, body=body)


OFF_KIND = "client_webhook_off"  # its defaults in sms/templates.py, the branch's on the texts page


def deliver(
    scope: Callable[[], AbstractContextManager[Session]],
    delivery_id: int,
    clock: Callable[[], datetime],
    gateway: WebhookGateway,
) -> str:
    """One attempt: claim and record each in a transaction of its own, the POST between them
    with none open. The outcome: "skipped", or record's."""
    with scope() as session:
        claimed = claim(session, delivery_id, clock())
    if claimed is None:
        return "skipped"
    answer = post(claimed, gateway, get_settings().webhook_timeout_s)
    with scope() as session:
        return record(session, claimed, answer, clock())


def due(session: Session, at: datetime, grace: timedelta) -> list[int]:
    """Deliveries whose attempt is overdue by more than grace (their job lost, or its sender
    dead after the claim), for the reconciler to send again."""
    return list(
        session.scalars(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.next_attempt_at.is_not(None),
                WebhookDelivery.next_attempt_at <= at - grace,
                WebhookDelivery.delivered_at.is_(None),
            )
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(1000)
        )
    )
