"""Jobs enqueued through the session: sent after the outermost commit, dropped on rollback.

A job belongs to the (sub)transaction that asked for it: a savepoint that rolls back drops
its own jobs (and those of savepoints inside it); one that is released hands them to its
parent, and only the outermost commit sends them.

Jobs are named ("dispatch.fill"), not imported: domain code that schedules work need not
import the actor modules that call back into it.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import dramatiq
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from core.broker import setup_broker
from core.clock import now
from core.db import session_scope

_PENDING = "brigada.pending_jobs"
QUEUE = "default"
# A worker's answer must not wait behind a wave of offer texts: replies have a queue of their
# own, which the jobs process consumes alongside the default one.
QUEUES = {"sms.inbound": "replies"}
log = logging.getLogger(__name__)
# How late a job may be before the periodic sweeps (waves, texts) send it again.
RECONCILE_GRACE = timedelta(seconds=30)


@dataclass(frozen=True)
class _Pending:
    actor_name: str
    args: tuple
    delay_ms: int | None
    # Every transaction the job was asked for inside, innermost first: a rollback of any drops it.
    within: tuple[SessionTransaction, ...]


def _open_transactions(session: Session) -> tuple[SessionTransaction, ...]:
    innermost = session.get_nested_transaction() or session.get_transaction()
    chain = []
    while innermost is not None:
        chain.append(innermost)
        innermost = innermost.parent
    return tuple(chain)


def enqueue_after_commit(
    session: Session, actor_name: str, *args, delay_ms: int | None = None
) -> None:
    """Queue a job that only goes out if the transactions around it all commit."""
    if not session.in_transaction():
        session.begin()  # tie the job to a transaction, so a rollback before any SQL drops it
    job = _Pending(actor_name, args, delay_ms, _open_transactions(session))
    session.info.setdefault(_PENDING, []).append(job)


def pending_jobs(session: Session) -> list[tuple[str, tuple]]:
    """The jobs this session would send at its next outermost commit (for tests and logs)."""
    return [(job.actor_name, job.args) for job in session.info.get(_PENDING, [])]


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
    # Released savepoints fire after_commit too: their jobs wait for the outermost commit.
    if session.get_nested_transaction() is not None:
        return
    for job in session.info.pop(_PENDING, []):
        try:
            send_now(job.actor_name, *job.args, delay_ms=job.delay_ms)
        except Exception:
            # The work is committed; with the broker down the periodic reconcilers, which
            # read the database, enqueue it later. Never fail a saved request over this.
            log.exception("could not enqueue %s%r after commit", job.actor_name, job.args)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    # The work of this (sub)transaction is undone: so are the jobs asked for inside it.
    pending = session.info.get(_PENDING)
    if pending:
        pending[:] = [job for job in pending if previous_transaction not in job.within]


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ended (committed jobs are already sent): nothing may linger
    # into the session's next transaction.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def each_apart(
    due: Callable[[Session, datetime], Iterable[int]],
    do: Callable[[Session, int, datetime], object],
    *,
    failed: str,
    log: logging.Logger,
) -> None:
    """A periodic job's sweep: the ids due now, each done in a transaction of its own, so one
    failure (logged with `failed % id`; the next tick retries it) holds up no other."""
    with session_scope() as session:
        ids = due(session, now())
    for key in ids:
        try:
            with session_scope() as session:
                do(session, key, now())
        except Exception:
            log.exception(failed, key)
