"""The filling jobs: start filling an order, the next wave at its timeout, the sweep that
re-enqueues overdue waves (and declines orders whose start came while they awaited the
office's approval), and the steps before a shift (confirm, release, remind). Thin:
each opens its own transactions and calls a use-case."""

import logging

import dramatiq

from core.broker import setup_broker
from core.clock import now
from core.db import session_scope
from core.jobs import RECONCILE_GRACE, each_apart, send_now
from dispatch.fill import confirmations, waves
from dispatch.orders import approval

setup_broker()

log = logging.getLogger("brigada.jobs")


@dramatiq.actor(actor_name="dispatch.fill", max_retries=5)
def fill_order(order_id: int) -> None:
    with session_scope() as session:
        waves.start_filling(session, order_id, now())


@dramatiq.actor(actor_name="dispatch.wave_due", max_retries=5)
def wave_due(order_id: int, wave: int) -> None:
    with session_scope() as session:
        waves.wave_due(session, order_id, wave, now())


@dramatiq.actor(actor_name="dispatch.reconcile", max_retries=0, max_age=120_000)
def reconcile() -> None:
    """Re-enqueue every wave that is overdue, so a lost job delays filling but never stalls it;
    decline each order still awaiting approval at its start (each in its own transaction)."""
    with session_scope() as session:
        overdue = waves.overdue_orders(session, now(), RECONCILE_GRACE)
    for order_id, wave in overdue:
        send_now("dispatch.wave_due", order_id, wave)
    each_apart(
        approval.expired,
        approval.decline_expired,
        failed="declining the unapproved order %s failed",
        log=log,
    )


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
