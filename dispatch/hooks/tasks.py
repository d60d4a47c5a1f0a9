"""The webhook jobs: one delivery attempt (dispatch/hooks/delivery.py), and the sweep that
sends again what a lost job or a dead sender left due. Thin: no business rule lives here."""

from functools import lru_cache

import dramatiq

from core.broker import setup_broker
from core.clock import now
from core.db import session_scope
from core.jobs import RECONCILE_GRACE, send_now
from core.settings import get_settings
from core.webhook_http import HttpxWebhookGateway
from dispatch.hooks import delivery

setup_broker()


@lru_cache
def _gateway() -> HttpxWebhookGateway:
    # Test and dev receivers listen on this machine; elsewhere only public addresses.
    return HttpxWebhookGateway(allow_private=get_settings().env in ("test", "dev"))


@dramatiq.actor(actor_name="hooks.deliver", max_retries=0)
def deliver_webhook(delivery_id: int) -> None:
    """One attempt; a failure asks for the next one itself, at the backoff's time."""
    delivery.deliver(session_scope, delivery_id, now, _gateway())


@dramatiq.actor(actor_name="hooks.reconcile", max_retries=0, max_age=120_000)
def reconcile_webhooks() -> None:
    """Deliveries overdue (a lost job, a dead sender's stale claim) go round again."""
    with session_scope() as session:
        overdue = delivery.due(session, now(), RECONCILE_GRACE)
    for delivery_id in overdue:
        send_now("hooks.deliver", delivery_id)
