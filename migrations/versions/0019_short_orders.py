"""An order records when the matcher last found nobody more to offer within its current
radius: with fewer booked than the headcount, the order is short by the difference from that
moment (dispatch/orders/shortage.py), not only once the widest radius is spent.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("ring_dry_at", sa.DateTime(timezone=True)))
    # Marked short by the fill so far: nobody was left to offer even at the widest radius.
    op.execute("UPDATE orders SET ring_dry_at = updated_at WHERE status = 'short'")


def downgrade() -> None:
    op.drop_column("orders", "ring_dry_at")
