"""Repeat orders: an order remembers the order it was copied from (repeat_of_id, for last
time's crew), and weekly patterns place each day's copy once (order_patterns, and
order_pattern_days whose unique (pattern_id, day) lets only one job place a day).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "orders",
        sa.Column(
            "repeat_of_id",
            sa.Integer,
            sa.ForeignKey("orders.id", name="fk_orders_repeat_of_id_orders"),
        ),
    )
    op.create_index("ix_orders_repeat_of_id", "orders", ["repeat_of_id"])
    op.create_table(
        "order_patterns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "order_id",
            sa.Integer,
            sa.ForeignKey("orders.id", name="fk_order_patterns_order_id_orders"),
            nullable=False,
        ),
        sa.Column(
            "branch_id",
            sa.Integer,
            sa.ForeignKey("branches.id", name="fk_order_patterns_branch_id_branches"),
            nullable=False,
        ),
        sa.Column("weekdays", ARRAY(sa.SmallInteger), nullable=False),
        sa.Column("until", sa.Date, nullable=False),
        sa.Column("lead_h", sa.Integer, nullable=False),
        sa.Column(
            "created_by",
            sa.Integer,
            sa.ForeignKey("users.id", name="fk_order_patterns_created_by_users"),
        ),
        sa.Column("stopped_at", sa.DateTime(timezone=True)),
        sa.Column(
            "stopped_by",
            sa.Integer,
            sa.ForeignKey("users.id", name="fk_order_patterns_stopped_by_users"),
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("lead_h BETWEEN 1 AND 168", name="lead_h"),
        sa.CheckConstraint(
            "cardinality(weekdays) BETWEEN 1 AND 7"
            " AND weekdays <@ ARRAY[1,2,3,4,5,6,7]::smallint[]",
            name="weekdays",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_order_patterns"),
    )
    op.create_index("ix_order_patterns_order_id", "order_patterns", ["order_id"])
    op.create_index("ix_order_patterns_branch_id", "order_patterns", ["branch_id"])
    op.create_index(
        "ix_order_patterns_live",
        "order_patterns",
        ["until"],
        postgresql_where=sa.text("stopped_at IS NULL"),
    )
    op.create_table(
        "order_pattern_days",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "pattern_id",
            sa.Integer,
            sa.ForeignKey(
                "order_patterns.id", name="fk_order_pattern_days_pattern_id_order_patterns"
            ),
            nullable=False,
        ),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column(
            "order_id",
            sa.Integer,
            sa.ForeignKey("orders.id", name="fk_order_pattern_days_order_id_orders"),
        ),
        sa.Column("refused", sa.String(60)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name="pk_order_pattern_days"),
        sa.UniqueConstraint("pattern_id", "day", name="uq_order_pattern_days_day"),
    )
    op.create_index("ix_order_pattern_days_order_id", "order_pattern_days", ["order_id"])


def downgrade() -> None:
    op.drop_table("order_pattern_days")
    op.drop_table("order_patterns")
    op.drop_index("ix_orders_repeat_of_id", table_name="orders")
    op.drop_column("orders", "repeat_of_id")
