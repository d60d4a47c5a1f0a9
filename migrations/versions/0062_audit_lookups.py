"""Issue 22 part 2: the audit log's look-ups by the ids a row names get partial indexes, so
that a worker's standing, the API's audit of an order, the portal's declined orders and the
board's call-centre badge stop scanning every month of the log, while most audit writes (the
offers' rows, the reads of lists) pay for no new index (core/audit.py says which rows):

- ix_audit_log_order_ids: GIN (jsonb_path_ops) on entity_ids of the orders' rows;
- ix_audit_log_worker_acts: GIN on entity_ids of worker blocks, unblocks and opt-ins;
- ix_audit_log_orders_made: btree on `at` of the order.create rows (the board's last day).

Made on the partitioned parent: PostgreSQL builds them on every month, and a month made
later (core/partitions.py: ATTACH) gets them too. CREATE INDEX on a partitioned table cannot
be CONCURRENTLY: audited writes wait while each month's index is built (a scan of the month):
13 s in all for 2,000,000 rows over 13 months on the 2-core test machine at load 12 (5.5 s
warm), so ~10 min at a national network's 100 million rows. Where that wait is too long,
build each month's index first with CREATE INDEX CONCURRENTLY on the month (same method,
columns and WHERE): the migration then only attaches them (31 ms on the same data; see
docs/history.md). Independent of the other 0059-0061 migrations: audit_log's indexes only.

Revision ID: 0062
Revises: 0061
Create Date: 2026-12-04
"""

from alembic import op

revision = "0062"
down_revision = "0061"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_audit_log_order_ids": ("USING gin (entity_ids jsonb_path_ops) WHERE entity = 'order'"),
    "ix_audit_log_worker_acts": (
        "USING gin (entity_ids jsonb_path_ops) "
        "WHERE action IN ('worker.block', 'worker.unblock', 'worker.opt_in')"
    ),
    "ix_audit_log_orders_made": "(at) WHERE action = 'order.create'",
}


def upgrade() -> None:
    for name, how in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON audit_log {how}")


def downgrade() -> None:
    for name in INDEXES:
        op.execute(f"DROP INDEX {name}")  # each month's with it
