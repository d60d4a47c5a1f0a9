"""The sending jobs: one outbox row sent exactly once (dispatch/texts/delivery.py), and the
sweep that sends again what a lost job left queued. Thin: no business rule lives here."""

from functools import lru_cache

import dramatiq

from core.broker import setup_broker
from core.clock import now
from core.db import session_scope
from core.jobs import RECONCILE_GRACE, send_now
from core.settings import get_settings
from dispatch.texts import delivery
from sms.gateways import Gateway, make_gateway
from sms.ratelimit import SenderLimiter

setup_broker()


@lru_cache
def _gateway() -> Gateway:
    return make_gateway(get_settings())


@lru_cache
def _limiter() -> SenderLimiter:
    settings = get_settings()
    return SenderLimiter(settings.redis_url, settings.sms_rate_per_second)


def _sender() -> str:
    settings = get_settings()
    return settings.twilio_messaging_service_sid or settings.twilio_from or "outbox"


@dramatiq.actor(
    actor_name="sms.send",
    max_retries=20,
    min_backoff=2_000,
    max_backoff=120_000,
)
def send_sms(message_id: int) -> None:
    """Send one outbox row exactly once, however often the job runs and wherever it dies
    (dispatch/texts/delivery.py); SendLater (transient) comes back with backoff."""
    gateway = _gateway()
    if gateway.name == "outbox":  # nothing leaves the machine: no carrier limit to respect
        acquire = lambda: True  # noqa: E731
    else:
        # A short wait only: a job thread blocked on the limit would hold up fills and replies;
        # without a slot the job comes back with backoff.
        acquire = lambda: _limiter().acquire(_sender(), max_wait_s=0.5)  # noqa: E731
    delivery.deliver(session_scope, message_id, gateway, acquire)


@dramatiq.actor(actor_name="sms.reconcile", max_retries=0, max_age=120_000)
def reconcile_sms() -> None:
    """Queued messages and unread replies a lost job left behind go round again; status
    callbacks that came before their message's id was recorded are applied; provider ids
    (inbound and sent) past their keeping are forgotten."""
    with session_scope() as session:
        stuck = delivery.stuck_messages(session, now(), RECONCILE_GRACE)
        delivery.apply_early_statuses(session, now())
        delivery.forget_seen_sids(session, now())
        delivery.forget_sent_sids(session, now())
    for actor_name, ids in stuck.items():
        for message_id in ids:
            send_now(actor_name, message_id)
