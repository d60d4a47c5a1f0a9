"""The weekly patterns' jobs: the scheduler's sweep of every live pattern (every 60 s), and one
pattern's due days placed at once when it is made. Thin: each opens its own transactions."""

import logging

import dramatiq

from core.broker import setup_broker
from core.clock import now
from core.db import session_scope
from core.jobs import each_apart
from dispatch.repeat import patterns

setup_broker()

log = logging.getLogger("brigada.jobs")


@dramatiq.actor(actor_name="dispatch.repeat_due", max_retries=0, max_age=120_000)
def repeat_due() -> None:
    """Each live pattern's days within their lead time, placed once; each pattern in its own
    transaction, so one failure (retried at the next tick) holds up no other."""
    each_apart(
        patterns.patterns_due,
        patterns.place_days,
        failed="placing the days of order pattern %s failed",
        log=log,
    )


@dramatiq.actor(actor_name="dispatch.repeat_pattern", max_retries=5)
def repeat_pattern(pattern_id: int) -> None:
    """A new pattern's days already within their lead time (the sweep would find them too)."""
    with session_scope() as session:
        patterns.place_days(session, pattern_id, now())
