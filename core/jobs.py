"""Jobs enqueued through the session: sent after commit, dropped on rollback."""

import logging

from dramatiq import Actor
from sqlalchemy import event
from sqlalchemy.orm import Session

_PENDING = "brigada.pending_jobs"
log = logging.getLogger(__name__)


def enqueue_after_commit(
    session: Session, actor: Actor, *args, delay_ms: int | None = None
) -> None:
    """Queue a job that only goes out if the surrounding transaction commits."""
    if not session.in_transaction():
        session.begin()  # tie the job to a transaction, so a rollback before any SQL drops it
    session.info.setdefault(_PENDING, []).append((actor, args, delay_ms))


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    for actor, args, delay_ms in session.info.pop(_PENDING, []):
        try:
            actor.send_with_options(args=args, delay=delay_ms)
        except Exception:
            # The work is committed; with the broker down the periodic reconcilers, which
            # read the database, enqueue it later. Never fail a saved request over this.
            log.exception("could not enqueue %s%r after commit", actor.actor_name, args)


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session: Session, transaction) -> None:
    # The outermost transaction ended (committed jobs are already sent): drop what is left.
    # A savepoint ending keeps the jobs of the work around it.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
