"""Issue 22 (history bench): the rollups' refresh job finds the orders, offers and ledger
entries written since its watermark by an index each, instead of scanning the offers (and
rolling up the last two days whole on every run): dispatch/reports/keeping.py touched().

Plain CREATE INDEX: writes to orders, offers and the ledger wait while each index is built.
Measured on the full-size history bench (250,000 orders, 7.47 M offers, 2 cores, load ~1.5):
3.5 s in all.

Revision ID: 0061
Revises: 0060
Create Date: 2026-12-04
"""

from alembic import op

revision = "0061"
down_revision = "0060"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_orders_updated_at", "orders", "updated_at"),
    ("ix_offers_updated_at", "offers", "updated_at"),
    ("ix_penalty_events_created_at", "penalty_events", "created_at"),
)


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
