"""Reads of an order's or a worker's texts open only the months since its creation (less
SLACK), and the message log is ordered by (created_at, id), newest first: the messages are
partitioned by month (migration 0059, docs/history.md)."""

from datetime import UTC, datetime

from sqlalchemy import text

from core import partitions
from core.tenancy import SYSTEM
from dispatch.orders import board
from dispatch.texts import messaging
from sms import outbox
from tests.builders import make_order, make_worker
from tests.statements import sent_by

OLD_MONTH = "messages_2019_01"


def _plans(session, run, *, analyze: bool) -> list[str]:
    """The plan of each read of messages run() sends (EXPLAIN ANALYZE: what ran)."""
    sent = sent_by(
        session, run, lambda s: s.lstrip().upper().startswith("SELECT") and "FROM messages" in s
    )
    raw = session.connection().connection.driver_connection
    how = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF)" if analyze else "EXPLAIN (COSTS OFF)"
    return ["\n".join(r[0] for r in raw.execute(f"{how} {s}", p)) for s, p in sent]


def _scan_of(plan: str, table: str) -> str:
    return next(line for line in plan.splitlines() if f" on {table} " in line + " ")


def _old_month(session) -> None:
    partitions.ensure_ahead(
        session, partitions.MESSAGES, now=datetime(2019, 1, 10, tzinfo=UTC), ahead=0
    )


def test_an_order_page_reads_its_texts_from_its_months_only(session, site):
    _old_month(session)
    order = make_order(session, site=site)
    plans = _plans(session, lambda: board.order_stamp(session, order), analyze=False)
    assert plans and all(OLD_MONTH not in p for p in plans)  # pruned when planned
    this_month = partitions.partition_name("messages", partitions.month_of(order.created_at))
    assert any(this_month in p for p in plans)


def test_the_log_of_an_order_and_of_a_worker_skips_older_months(session, site, branch):
    _old_month(session)
    order = make_order(session, site=site)
    worker = make_worker(session, branch=branch)
    text_ = outbox.queue(
        session, kind="help", worker_id=worker.id, phone=worker.phone, body="x", order_id=order.id
    )
    session.flush()
    for read in (
        lambda: messaging.list_messages(session, actor=SYSTEM, order_id=order.id),
        lambda: messaging.list_messages(session, actor=SYSTEM, worker_id=worker.id),
    ):
        (plan,) = _plans(session, read, analyze=True)
        assert "never executed" in _scan_of(plan, OLD_MONTH)  # pruned when run
    lines = messaging.list_messages(session, actor=SYSTEM, order_id=order.id)
    assert [line.id for line in lines] == [text_.id]


def test_the_log_is_newest_first_by_time_then_id(session, branch):
    worker = make_worker(session, branch=branch)
    made = [
        outbox.queue(session, kind="help", worker_id=worker.id, phone=worker.phone, body=b)
        for b in "abc"
    ]
    session.flush()
    session.execute(  # the first one made later than the others (a transaction's start)
        text("UPDATE messages SET created_at = created_at + interval '1 minute' WHERE id = :id"),
        {"id": made[0].id},
    )
    lines = messaging.list_messages(session, actor=SYSTEM, worker_id=worker.id)
    assert [line.id for line in lines] == [made[0].id, made[2].id, made[1].id]
