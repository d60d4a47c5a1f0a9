"""Jobs enqueued through the session: sent after commit, dropped on rollback.

Jobs are named ("dispatch.fill"), not imported: domain code that schedules work need not
import the actor modules that call back into it.
"""

import logging

import dramatiq
from sqlalchemy import event
from sqlalchemy.orm import Session

from core.broker import setup_broker

_PENDING = "brigada.pending_jobs"
QUEUE = "default"
# A worker's answer must not wait behind a wave of offer texts: replies have a queue of their
# own, which the jobs process consumes alongside the default one.
QUEUES = {"sms.inbound": "replies"}
log = logging.getLogger(__name__)


def enqueue_after_commit(
    session: Session, actor_name: str, *args, delay_ms: int | None = None
) -> None:
    """Queue a job that only goes out if the surrounding transaction commits."""
    if not session.in_transaction():
        session.begin()  # tie the job to a transaction, so a rollback before any SQL drops it
    session.info.setdefault(_PENDING, []).append((actor_name, args, delay_ms))


def queue_of(actor_name: str) -> str:
    return QUEUES.get(actor_name, QUEUE)


def send_now(actor_name: str, *args, delay_ms: int | None = None) -> None:
    broker = setup_broker()
    queue = queue_of(actor_name)
    broker.declare_queue(queue)
    message = dramatiq.Message(
        queue_name=queue, actor_name=actor_name, args=args, kwargs={}, options={}
    )
    broker.enqueue(message, delay=delay_ms)


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    for actor_name, args, delay_ms in session.info.pop(_PENDING, []):
        try:
            send_now(actor_name, *args, delay_ms=delay_ms)
        except Exception:
            # The work is committed; with the broker down the periodic reconcilers, which
            # read the database, enqueue it later. Never fail a saved request over this.
            log.exception("could not enqueue %s%r after commit", actor_name, args)


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session: Session, transaction) -> None:
    # The outermost transaction ended (committed jobs are already sent): drop what is left.
    # A savepoint ending keeps the jobs of the work around it.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
