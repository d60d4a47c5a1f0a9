"""Jobs of the fill engine: thin, idempotent, each in its own transaction."""

from datetime import timedelta

import dramatiq

from core.broker import setup_broker
from core.clock import now
from core.db import session_scope
from core.jobs import send_now
from dispatch import fill

setup_broker()

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
