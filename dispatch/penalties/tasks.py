"""The job that recomputes workers whose no-show has left the strike window."""

import logging

import dramatiq

from core.broker import setup_broker
from core.clock import now
from core.db import session_scope
from dispatch.penalties import record

setup_broker()

log = logging.getLogger("brigada.jobs")


@dramatiq.actor(actor_name="rating.no_show_window_passed", max_retries=0, max_age=120_000)
def no_show_window_passed() -> None:
    """A no-show that has left the strike window no longer caps the rating: recompute those
    workers' figures, each in its own transaction (the next tick retries a failure)."""
    with session_scope() as session:
        due = record.past_no_show_window(session, now())
    for worker_id in due:
        try:
            with session_scope() as session:
                record.refresh_worker(session, worker_id, now())
        except Exception:
            log.exception("recomputing worker %s after their no-show window failed", worker_id)
