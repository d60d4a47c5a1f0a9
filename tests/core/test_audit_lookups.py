"""The audit log's look-ups by the ids a row names are answered by partial indexes (migration
0062), in every plan PostgreSQL may make of them (a generic plan knows no bound value, so the
values the indexes' conditions name are written into the statement), and a month made later
has the indexes too. Plans are read with sequential and plain index scans off: what is left
is a bitmap scan of an index whose condition the statement proves, or a disabled scan."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from psycopg import sql
from psycopg.types.json import Jsonb
from sqlalchemy import text

from core import audit, partitions
from core.tenancy import Actor
from dispatch.intake import callcentre
from dispatch.orders import approval
from tests.statements import sent_by

LOOKUPS = ("ix_audit_log_order_ids", "ix_audit_log_worker_acts", "ix_audit_log_orders_made")
TYPES = {int: "bigint", str: "text", datetime: "timestamptz", timedelta: "interval", Jsonb: "jsonb"}
ADMIN = Actor(user_id=None, name="admin", role="admin", branch_id=None)


def _generic_plan(session, run) -> str:
    """The plan PostgreSQL would reuse for the statement `run` sends on audit_log."""
    statement, params = sent_by(session, run, lambda s: "audit_log" in s)[-1]
    connection = session.connection()
    raw = connection.connection.driver_connection
    types, values = [], []
    for n, (name, value) in enumerate(params.items(), 1):
        statement = statement.replace(f"%({name})s", f"${n}")
        types.append(TYPES[type(value)])
        values.append(sql.Literal(value).as_string(raw))
    connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    connection.exec_driver_sql("SET LOCAL enable_indexscan = off")
    connection.exec_driver_sql(f"PREPARE lookup ({', '.join(types)}) AS {statement}")
    rows = connection.exec_driver_sql(f"EXPLAIN EXECUTE lookup ({', '.join(values)})")
    plan = "\n".join(rows.scalars())
    connection.exec_driver_sql("DEALLOCATE lookup")
    return plan


def _children(session, index: str) -> set[str]:
    found = session.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = CAST(:index AS regclass)"
        ),
        {"index": index},
    )
    return set(found.scalars())


def _only_by(session, plan: str, index: str) -> None:
    assert "Seq Scan" not in plan, plan
    used = {line.split(" on ")[1].split()[0] for line in plan.splitlines() if "Index Scan" in line}
    assert used and used <= _children(session, index), plan


def test_a_month_made_later_has_the_lookup_indexes(session):
    made = partitions.create_month(session, partitions.AUDIT, date(2033, 4, 1))
    for index in LOOKUPS:
        tables = session.execute(
            text(
                "SELECT t.relname FROM pg_inherits i JOIN pg_index x ON x.indexrelid = i.inhrelid "
                "JOIN pg_class t ON t.oid = x.indrelid WHERE i.inhparent = CAST(:i AS regclass)"
            ),
            {"i": index},
        )
        assert made in set(tables.scalars()), index


def test_a_workers_latest_block_is_read_by_its_index(session):
    for reason in ("first", "second"):
        audit.log(session, ADMIN, "worker.block", "worker", [424242], None, reason=reason)
    audit.log(session, ADMIN, "worker.read", "worker", [424242], None)
    session.flush()
    assert audit.latest(session, "worker.block", 424242).detail["reason"] == "second"
    plan = _generic_plan(session, lambda: audit.latest(session, "worker.block", 424242))
    _only_by(session, plan, "ix_audit_log_worker_acts")


def test_an_orders_audit_is_read_by_its_index(session):
    audit.log(session, ADMIN, "order.change", "order", [434343], None)
    audit.log(session, ADMIN, "offer.book", "offer", [434343], None)
    session.flush()
    found = audit.search(session, visible=ADMIN, entity="order", entity_id=434343)
    assert [e.action for e in found] == ["order.change"]
    plan = _generic_plan(
        session, lambda: audit.search(session, visible=ADMIN, entity="order", entity_id=434343)
    )
    _only_by(session, plan, "ix_audit_log_order_ids")


def test_the_orders_declined_and_placed_by_the_call_centre_may_be_read_by_their_ids(session):
    """Bounded in time too, so the planner takes the `at` indexes or the orders' ids,
    whichever costs less (on a year of rows: the ids); the ids' index needs the statement
    to say, in writing, that the rows are orders'."""
    orders_rows = "(entity)::text = 'order'::text"
    plan = _generic_plan(session, lambda: approval.declined(session, [1, 2, 3]))
    assert orders_rows in plan and "Seq Scan" not in plan, plan
    shown = [SimpleNamespace(id=7, created_at=datetime.now(UTC) - timedelta(days=3))]
    plan = _generic_plan(session, lambda: callcentre.from_call_centre(session, shown))
    assert orders_rows in plan and "Seq Scan" not in plan, plan


def test_the_call_centres_last_day_is_read_by_the_orders_made(session):
    at = datetime.now(UTC)
    plan = _generic_plan(session, lambda: callcentre.told_orders(session, ADMIN, now=at))
    _only_by(session, plan, "ix_audit_log_orders_made")
