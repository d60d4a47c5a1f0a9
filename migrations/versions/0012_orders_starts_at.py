"""The board's and the no-show sweep's window on orders.starts_at: an index instead of a scan
of every order the network ever took.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_orders_starts_at", "orders", ["starts_at"])


def downgrade() -> None:
    op.drop_index("ix_orders_starts_at", table_name="orders")
