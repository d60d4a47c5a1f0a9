"""Every job (dramatiq actor) of Brigada: thin, idempotent; each opens its own transactions
and calls a domain use-case, so no business rule lives here."""

import logging
from datetime import timedelta
from functools import lru_cache

import dramatiq

from core.broker import setup_broker
from core.clock import now
from core.db import session_scope
from core.jobs import each_apart, queue_of, send_now
from core.settings import get_settings
from dispatch import confirmations, delivery, fill, inbox, onsite, record
from sms.gateways import Gateway, make_gateway
from sms.ratelimit import SenderLimiter

setup_broker()
log = logging.getLogger("brigada.jobs")

RECONCILE_GRACE = timedelta(seconds=30)


@dramatiq.actor(actor_name="dispatch.fill", max_retries=5)
def fill_order(order_id: int) -> None:
    with session_scope() as session:
        fill.start_filling(session, order_id, now())


@dramatiq.actor(actor_name="dispatch.wave_due", max_retries=5)
def wave_due(order_id: int, wave: int) -> None:
    with session_scope() as session:
        fill.wave_due(session, order_id, wave, now())


@dramatiq.actor(actor_name="dispatch.reconcile", max_retries=0, max_age=120_000)
def reconcile() -> None:
    """Re-enqueue every wave that is overdue, so a lost job delays filling but never stalls it."""
    with session_scope() as session:
        overdue = fill.overdue_orders(session, now(), RECONCILE_GRACE)
    for order_id, wave in overdue:
        send_now("dispatch.wave_due", order_id, wave)


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
    (dispatch/delivery.py); SendLater (transient) comes back with backoff."""
    gateway = _gateway()
    if gateway.name == "outbox":  # nothing leaves the machine: no carrier limit to respect
        acquire = lambda: True  # noqa: E731
    else:
        # A short wait only: a job thread blocked on the limit would hold up fills and replies;
        # without a slot the job comes back with backoff.
        acquire = lambda: _limiter().acquire(_sender(), max_wait_s=0.5)  # noqa: E731
    delivery.deliver(session_scope, message_id, gateway, acquire)


@dramatiq.actor(actor_name="sms.inbound", queue_name=queue_of("sms.inbound"), max_retries=5)
def handle_inbound(message_id: int) -> None:
    with session_scope() as session:
        inbox.handle_inbound(session, message_id, now())


@dramatiq.actor(actor_name="sms.reconcile", max_retries=0, max_age=120_000)
def reconcile_sms() -> None:
    """Queued messages and unread replies a lost job left behind go round again; status
    callbacks that came before their message's id was recorded are applied."""
    with session_scope() as session:
        stuck = delivery.stuck_messages(session, now(), RECONCILE_GRACE)
        delivery.apply_early_statuses(session, now())
    for actor_name, ids in stuck.items():
        for message_id in ids:
            send_now(actor_name, message_id)


@dramatiq.actor(actor_name="dispatch.before_shift", max_retries=0, max_age=120_000)
def before_shift() -> None:
    """Ask for confirmations, release the unconfirmed, send reminders: each step once."""
    for step in (
        confirmations.ask_confirmations,
        confirmations.release_unconfirmed,
        confirmations.send_reminders,
    ):
        with session_scope() as session:
            step(session, now())


@dramatiq.actor(actor_name="rating.no_show_window_passed", max_retries=0, max_age=120_000)
def no_show_window_passed() -> None:
    """A no-show that has left the strike window no longer caps the rating: recompute those
    workers' figures, each in its own transaction (the next tick retries a failure)."""
    each_apart(
        record.past_no_show_window,
        record.refresh_worker,
        failed="recomputing worker %s after their no-show window failed",
        log=log,
    )


@dramatiq.actor(actor_name="dispatch.no_show_sweep", max_retries=0, max_age=120_000)
def no_show_sweep() -> None:
    """Booked workers still unmarked late_as_no_show_min after the start become no-shows;
    each order in its own transaction, so one failure does not hold up the rest."""
    each_apart(
        onsite.orders_due_for_sweep,
        onsite.sweep_no_shows,
        failed="no-show sweep of order %s failed",
        log=log,
    )


@dramatiq.actor(actor_name="dispatch.settle_mark", max_retries=5)
def settle_mark(offer_id: int) -> None:
    """A pending punishing mark whose undo window is over counts now (a no-op if it was
    undone, replaced or already applied: the row locks decide)."""
    with session_scope() as session:
        onsite.settle_pending(session, offer_id, now())


@dramatiq.actor(actor_name="dispatch.marks_due", max_retries=0, max_age=120_000)
def marks_due() -> None:
    """Pending marks past their window that no delayed job applied (lost, or the jobs process
    down when it came due): each in its own transaction, so one failure holds up no other."""
    each_apart(
        onsite.pending_due,
        onsite.settle_pending,
        failed="settling the pending mark of offer %s failed",
        log=log,
    )
