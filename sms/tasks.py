"""The hourly blanking of old message bodies (sms/retention.py). Thin: the rule is there."""

import logging
from datetime import datetime

import dramatiq
from sqlalchemy.orm import Session, sessionmaker

from core.broker import setup_broker
from core.clock import now
from core.db import session_scope
from core.settings import get_settings
from sms import retention

setup_broker()

log = logging.getLogger("brigada.jobs")

# A run blanks at most this many batches (1,000,000 bodies, about three minutes): a first run
# over years of texts leaves the rest to the next hours rather than hold a job thread long.
MAX_BATCHES = 200


def keep_bodies(
    moment: datetime,
    factory: sessionmaker[Session] | None = None,
    *,
    batch: int = retention.BATCH,
    max_batches: int = MAX_BATCHES,
) -> int:
    """Bodies past BRIGADA_MESSAGE_BODY_KEEP_DAYS at `moment` blanked, a batch per transaction,
    until a batch comes back short or max_batches ran; returns how many."""
    cut = retention.body_cut(moment, get_settings().message_body_keep_days)
    blanked = 0
    for _ in range(max_batches):
        with session_scope(factory) as session:
            done = retention.blank_bodies(session, cut=cut, at=moment, batch=batch)
        blanked += done
        if done < batch:
            break
    if blanked:
        log.info("blanked %s message bodies created before %s", blanked, cut.isoformat())
    return blanked


@dramatiq.actor(actor_name="sms.bodies_due", max_retries=0, max_age=3_600_000)
def bodies_due() -> None:
    keep_bodies(now())
