"""Jobs enqueued through the session: sent after commit, dropped on rollback."""

from dramatiq import Actor
from sqlalchemy import event
from sqlalchemy.orm import Session

_PENDING = "brigada.pending_jobs"


def enqueue_after_commit(
    session: Session, actor: Actor, *args, delay_ms: int | None = None
) -> None:
    """Queue a job that only goes out if the surrounding transaction commits."""
    session.info.setdefault(_PENDING, []).append((actor, args, delay_ms))


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    for actor, args, delay_ms in session.info.pop(_PENDING, []):
        actor.send_with_options(args=args, delay=delay_ms)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    # Only the outermost rollback drops jobs; a savepoint rollback keeps the rest of the work.
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
