"""The hourly sweep of idempotency keys older than 24 hours (core/idempotency.py)."""

import logging

import dramatiq

from core import idempotency
from core.broker import setup_broker
from core.clock import now
from core.db import session_scope

setup_broker()

log = logging.getLogger("brigada.jobs")


@dramatiq.actor(actor_name="core.idempotency_expired", max_retries=0, max_age=3_600_000)
def idempotency_expired() -> None:
    """Batches in transactions of their own, until one comes back short."""
    while True:
        with session_scope() as session:
            gone = idempotency.sweep(session, now())
        if gone:
            log.info("forgot %s expired idempotency keys", gone)
        if gone < idempotency.SWEEP_BATCH:
            return
