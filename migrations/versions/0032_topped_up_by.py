"""What a top-up added to an order (orders.topped_up_by, the workers added after the start)
and the overbooking mode the order was placed with (orders.mode_before_top_up; a top-up
counts heads in fixed mode): a copy of the order for another day takes it as it was placed
(dispatch/repeat/copies.py). A constant default and a nullable column: no table rewrite.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "orders", sa.Column("topped_up_by", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("orders", sa.Column("mode_before_top_up", sa.String(10)))
    op.create_check_constraint(
        "topped_up_by", "orders", "topped_up_by >= 0 AND topped_up_by < headcount"
    )
    op.create_check_constraint(
        "mode_before_top_up", "orders", "mode_before_top_up IN ('fixed', 'adaptive')"
    )


def downgrade() -> None:
    # the columns' CHECKs go with them
    op.drop_column("orders", "mode_before_top_up")
    op.drop_column("orders", "topped_up_by")
