"""One leader among several schedulers: a PostgreSQL session advisory lock (issue 22 part 3).

The lock lives as long as the session that took it, on a connection of the leader's own (never
the pool's, which would hand the session to other work and lose the lock on a reset). A leader
that dies closes its socket, and PostgreSQL frees the lock at once; one whose host or network
dies is dropped by the server's TCP keepalives (about 25 s), so a follower leads within a minute.
"""

import contextlib
import logging
import os
import socket
import threading

import psycopg
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

log = logging.getLogger("brigada.leader")

# Fixed, so every scheduler of one database contends for the same lock: the bytes of "brigada".
SCHEDULER_LOCK_KEY = int.from_bytes(b"brigada")

# pg_locks shows a bigint advisory key as two 32-bit halves, with objsubid 1.
HELD_BY = """
    SELECT count(*) FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND objsubid = 1
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND classid = %(high)s::oid AND objid = %(low)s::oid
"""
MINE = " AND pid = pg_backend_pid()"

# The server drops a silent client after ~25 s (idle 10 + 3 probes x 5), freeing its lock; a
# check never runs for more than 5 s on the server.
SERVER_OPTIONS = " ".join(
    (
        "-c tcp_keepalives_idle=10",
        "-c tcp_keepalives_interval=5",
        "-c tcp_keepalives_count=3",
        "-c tcp_user_timeout=25000",
        "-c statement_timeout=5000",
    )
)


def libpq_url(database_url: str) -> str:
    """The settings' SQLAlchemy URL (postgresql+psycopg://...) as libpq reads it."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _halves(key: int) -> dict[str, int]:
    return {"high": key >> 32, "low": key & 0xFFFFFFFF}


class Leadership:
    """A claim to lead, held as a session advisory lock on this object's own connection.

    claim() takes the lock if it is free; confirm() proves it is still held (the connection
    alive and the lock on it), else drops the connection and reports the lead lost. Both are
    safe to call from several threads (the scheduler's jobs confirm before each send)."""

    def __init__(
        self, database_url: str, *, key: int = SCHEDULER_LOCK_KEY, name: str = "scheduler"
    ):
        self.url = libpq_url(database_url)
        self.key = key
        # Shown in pg_stat_activity, so an operator sees which host and process leads.
        self.application_name = f"brigada-{name} {socket.gethostname()}:{os.getpid()}"
        self.leading = False
        self._conn: psycopg.Connection | None = None
        self._lock = threading.Lock()
        self._unreachable = False  # the last claim could not reach the database

    def claim(self) -> bool:
        """Take the lead if no one holds it; True when this object leads now."""
        with self._lock:
            if self.leading:
                return self._still_held()
            # A follower's kept connection may have died meanwhile: then once more, afresh.
            for attempt in (1, 2):
                try:
                    conn = self._connection()
                    row = conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
                    self.leading = bool(row and row[0])
                    self._reachable(True, None)
                    break
                except psycopg.Error as exc:
                    self._drop()
                    if attempt == 2:
                        self._reachable(False, exc)
            return self.leading

    def _reachable(self, now: bool, exc: psycopg.Error | None) -> None:
        """Log the database going out of reach and coming back, not every retry meanwhile."""
        if now and self._unreachable:
            log.info("the database answers again")
        elif not now and not self._unreachable:
            log.warning("cannot reach the database to claim the lead: %s", exc)
        self._unreachable = not now

    def confirm(self) -> bool:
        """Whether this object still leads, asked of the database (a quick query)."""
        with self._lock:
            return self.leading and self._still_held()

    def release(self) -> None:
        """Give the lead up (and the connection: closing it frees the lock whatever happens)."""
        with self._lock:
            if self._conn is not None and self.leading:
                # On failure, closing below frees it on the server all the same.
                with contextlib.suppress(psycopg.Error):
                    self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            self._drop()

    def backend_pid(self) -> int | None:
        """The PostgreSQL backend holding this object's session (tests terminate it)."""
        return None if self._conn is None or self._conn.closed else self._conn.info.backend_pid

    def _still_held(self) -> bool:
        held = False
        if self._conn is not None:
            try:
                row = self._conn.execute(HELD_BY + MINE, _halves(self.key)).fetchone()
                held = bool(row and row[0])
            except psycopg.Error as exc:
                log.warning("lost the database connection that holds the lead: %s", exc)
        if not held:
            self._drop()
        return held

    def _connection(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(
                self.url,
                autocommit=True,  # no transaction is ever left open: the lock is the session's
                connect_timeout=5,
                application_name=self.application_name,
                options=SERVER_OPTIONS,
                # Our side gives up on a dead server or link as the server gives up on us.
                keepalives=1,
                keepalives_idle=10,
                keepalives_interval=5,
                keepalives_count=3,
                tcp_user_timeout=25000,
            )
        return self._conn

    def _drop(self) -> None:
        self.leading = False
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
        self._conn = None


def leaders(session: Session, key: int = SCHEDULER_LOCK_KEY) -> int:
    """How many sessions hold the lead now (1 healthy, 0 none: /metrics reads it)."""
    # The driver's own parameter style (psycopg's %(name)s), as the leader's query is written.
    return int(session.connection().exec_driver_sql(HELD_BY, _halves(key)).scalar_one())
