"""Migration 0037 both ways with data: down to 0036 the orders awaiting approval are
cancelled (the old status CHECK has no such status) and the others kept; up again, every
branch's client_order_approval_h is 0 (never)."""

from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from brigada.cli import alembic_config
from core.clock import now
from core.db import session_scope
from tests.builders import make_branch_site, make_order
from tests.conftest import reset_schema, upgrade
from tests.core.test_migrations import _scratch_engine


def test_the_migration_goes_down_with_awaiting_orders_cancelled_and_up_again(engine):
    scratch = _scratch_engine(engine)
    try:
        reset_schema(scratch)
        upgrade(scratch)
        with session_scope(sessionmaker(bind=scratch)) as session:
            _, site = make_branch_site(session, code="MIGR37")
            held = make_order(session, site=site, now=now())
            held.status, held.next_wave_at = "awaiting_approval", None
            kept = make_order(session, site=site, now=now())
            ids = held.id, kept.id
        config = alembic_config()
        with scratch.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0036")
        with scratch.connect() as conn:
            rows = dict(conn.execute(text("SELECT id, status FROM orders ORDER BY id")).all())
        assert rows == {ids[0]: "cancelled", ids[1]: "open"}
        upgrade(scratch)
        with scratch.connect() as conn:
            knob = conn.execute(text("SELECT client_order_approval_h FROM branches")).scalar()
        assert knob == 0
    finally:
        scratch.dispose()
