"""Message bodies kept for BRIGADA_MESSAGE_BODY_KEEP_DAYS, then blanked (issue 22; 152-FZ data
minimisation): the body becomes "" and body_removed_at says when; the row and its metadata
(kind, status, phone, segments, times, worker and order ids) stay for the record and the counts.

In batches of their own transactions, oldest first, through the partial index of rows not yet
blanked (ix_messages_body_kept): a blanked row leaves it, so no run reads what an earlier one
did. Rows another run (or the inbox) holds are skipped, not waited for, and a row is checked
again once locked, so two runs at once never blank one twice. Plain SQL, the same on the plain
table and on one partitioned by month (the key pair picks the row)."""

from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.models import sql_list
from sms.enums import BODY_IN_USE

BATCH = 5_000  # bodies blanked in one transaction: its locks and WAL stay small

_BLANK = text(
    f"""
    WITH old AS (
        SELECT id, created_at FROM messages
        WHERE body_removed_at IS NULL AND created_at < :cut
          AND status NOT IN {sql_list(BODY_IN_USE)}
        ORDER BY created_at
        LIMIT :batch
        FOR UPDATE SKIP LOCKED
    )
    UPDATE messages AS m SET body = '', body_removed_at = :at
    FROM old WHERE m.id = old.id AND m.created_at = old.created_at
    """
)


def body_cut(moment: datetime, keep_days: int) -> datetime:
    """Messages created before this moment have their bodies blanked."""
    return moment - timedelta(days=keep_days)


def blank_bodies(session: Session, *, cut: datetime, at: datetime, batch: int = BATCH) -> int:
    """Blank up to `batch` bodies of messages created before `cut` (a row a job still reads the
    body of, sms.enums.BODY_IN_USE, waits); returns how many. The caller commits."""
    result = session.execute(_BLANK, {"cut": cut, "at": at, "batch": batch})
    return int(result.rowcount)  # type: ignore[attr-defined]
