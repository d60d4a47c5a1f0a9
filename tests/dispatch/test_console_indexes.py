"""The console's polled queries find their rows by index, not by reading a whole table that
grows with the branch's history (bench/console.py measured them at a branch's size)."""

from core import partitions
from dispatch.replies import unclear
from tests.statements import sent_by

INBOUND_OFFER = "_kind_offer_id_idx on messages_"  # a month's ix_messages_inbound_offer


def plan_of(session, run) -> str:
    """EXPLAIN of the one statement run() sends, with sequential scans priced out: the plan
    names an index only when one can answer it."""
    sent = sent_by(session, run)
    assert len(sent) == 1
    connection = session.connection()
    statement, parameters = sent[0]
    raw = connection.connection.driver_connection
    raw.execute("SET LOCAL enable_seqscan = off")
    return "\n".join(row[0] for row in raw.execute(f"EXPLAIN {statement}", parameters))


def test_the_unclear_badge_reads_inbound_texts_by_offer_through_an_index(session):
    plan = plan_of(session, lambda: unclear.unresolved(session, [1, 2, 3]))
    # Messages are partitioned by month (migration 0059): each month has its copy of
    # ix_messages_inbound_offer, named by PostgreSQL after the month.
    assert INBOUND_OFFER in plan
    assert "Seq Scan on messages" not in plan
    # Every month read through it twice: the texts, and the last understood reply too.
    parts = len(partitions.months(session, partitions.MESSAGES)) + 1  # and the default
    assert plan.count(INBOUND_OFFER) == 2 * parts


def test_the_badge_of_many_orders_is_one_query_picking_their_offers_itself(session):
    # Before: the orders' offer ids were read, then sent back as thousands of parameters.
    plan = plan_of(session, lambda: unclear.unclear_by_order(session, [1, 2, 3]))
    assert INBOUND_OFFER in plan
