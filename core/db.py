"""Engines and sessions, built by factories so nothing connects at import time."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TypeVar

from psycopg.errors import ForeignKeyViolation, UniqueViolation
from sqlalchemy import Engine, Select, create_engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.settings import get_settings


def make_engine(
    url: str, *, lock_timeout_ms: int | None = None, read_only: bool = False, **kwargs: Any
) -> Engine:
    settings = get_settings()
    lock_timeout_ms = lock_timeout_ms or settings.db_lock_timeout_ms
    options = " ".join(
        (
            # JIT compiles short OLTP queries for hundreds of ms before running them in a few.
            "-c jit=off",
            # Nothing waits for a row lock, or sits in an open transaction, for ever.
            f"-c lock_timeout={lock_timeout_ms}",
            f"-c idle_in_transaction_session_timeout={settings.db_idle_in_transaction_timeout_ms}",
            # A replica's sessions: every transaction read only, so a write sent there by
            # mistake is refused by PostgreSQL at once, even on a stand-in that could take it.
            *(["-c default_transaction_read_only=on"] if read_only else []),
        )
    )
    connect_args = {"options": options, **kwargs.pop("connect_args", {})}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


# Connections beyond the pool, for the few routes that open their own session (/readyz).
MAX_OVERFLOW = 10


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
    return make_engine(
        settings.database_url, pool_size=settings.db_pool_size, max_overflow=MAX_OVERFLOW
    )


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


@lru_cache
def get_replica_sessionmaker(url: str) -> sessionmaker[Session] | None:
    """Sessions on the read replica (BRIGADA_DATABASE_REPLICA_URL) for the reports' reads,
    every transaction read only; None for no URL (the reports then read the primary)."""
    if not url:
        return None
    settings = get_settings()
    engine = make_engine(
        url,
        read_only=True,
        pool_size=settings.db_pool_size,
        max_overflow=MAX_OVERFLOW,
    )
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session] | None = None) -> Iterator[Session]:
    """One unit of work (a request, or one step of a job): commit on success, roll back on
    error. Use-cases only flush; whoever opens the scope owns the commit."""
    session = (factory or get_sessionmaker())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def flush_checked(
    session: Session,
    obj: object,
    *,
    on_unique: Exception | None = None,
    on_foreign_key: Exception | None = None,
) -> None:
    """Add and flush in a savepoint, turning a constraint violation into a domain error.

    The database decides duplicates and dangling references, never a SELECT before the write;
    the savepoint keeps the rest of the transaction usable after a violation.
    """
    try:
        with session.begin_nested():
            session.add(obj)
            session.flush()
    except IntegrityError as exc:
        if on_unique is not None and isinstance(exc.orig, UniqueViolation):
            raise on_unique from exc
        if on_foreign_key is not None and isinstance(exc.orig, ForeignKeyViolation):
            raise on_foreign_key from exc
        raise


SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])


def locked(query: SelectT, *, of: type[object] | None = None, skip_locked: bool = False) -> SelectT:
    """FOR NO KEY UPDATE, and take the row as locked, not the copy the session may already hold.

    The one lock order for every writer: the order row, then its offer rows (by id), then the
    worker row. A job that finds work by scanning offers collects ids without locking, then
    locks the order (skip_locked: a busy order waits for the next run) and its offers, and
    re-checks under the lock what it found. Outgoing message rows stand apart: nobody holding
    an order, offer or worker waits for one (the outbox withdraws with SKIP LOCKED). No lock
    is held over a network call or a wait (sms/sending.py commits its claim first).

    Not FOR UPDATE: that also blocks the KEY SHARE lock every insert of a row pointing at
    this one takes (a penalty or a text for the worker), so two transactions that had each
    inserted one, then locked the worker, deadlocked. No key is ever changed in place.
    `of` names the table to lock when the query joins others only to filter."""
    query = query.with_for_update(key_share=True, of=of, skip_locked=skip_locked)
    return query.execution_options(populate_existing=True)
