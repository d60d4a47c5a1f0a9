"""Issue 21, part 3b: payout batches. payout_batches (a branch's period, draft or paid: when,
how — bank, cash, card — and by whom; the total) and payout_batch_lines (an order's worker
line at its pay then; unique per order and worker: a line is paid in one batch at most, the
database decides). Downgrade drops them.

Revision ID: 0052
Revises: 0051
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0052"
down_revision = "0051"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payout_batches",
        sa.Column("id", sa.Integer()),
        sa.Column(
            "branch_id",
            sa.Integer(),
            sa.ForeignKey("branches.id", name="fk_payout_batches_branch_id_branches"),
            nullable=False,
        ),
        sa.Column("date_from", sa.Date(), nullable=False),
        sa.Column("date_to", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("total", sa.Numeric(12, 2), nullable=False),
        sa.Column("status", sa.String(8), nullable=False, server_default="draft"),
        sa.Column(
            "created_by_user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_payout_batches_created_by_user_id_users"),
        ),
        sa.Column("created_by_name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True)),
        sa.Column("method", sa.String(8)),
        sa.Column(
            "paid_by_user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_payout_batches_paid_by_user_id_users"),
        ),
        sa.Column("paid_by_name", sa.String(200)),
        sa.PrimaryKeyConstraint("id", name="pk_payout_batches"),
        sa.CheckConstraint("status IN ('draft', 'paid')", name="status"),
        sa.CheckConstraint("method IN ('bank', 'cash', 'card')", name="method"),
        sa.CheckConstraint("date_to >= date_from", name="period"),
        sa.CheckConstraint(
            "(status = 'paid') = (paid_at IS NOT NULL) AND (paid_at IS NULL) = (method IS NULL) "
            "AND (paid_at IS NULL) = (paid_by_name IS NULL)",
            name="paid",
        ),
    )
    op.create_index("ix_payout_batches_branch_id", "payout_batches", ["branch_id"])
    op.create_table(
        "payout_batch_lines",
        sa.Column("id", sa.Integer()),
        sa.Column(
            "batch_id",
            sa.Integer(),
            sa.ForeignKey(
                "payout_batches.id",
                name="fk_payout_batch_lines_batch_id_payout_batches",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column(
            "order_id",
            sa.Integer(),
            sa.ForeignKey("orders.id", name="fk_payout_batch_lines_order_id_orders"),
            nullable=False,
        ),
        sa.Column(
            "worker_id",
            sa.Integer(),
            sa.ForeignKey("workers.id", name="fk_payout_batch_lines_worker_id_workers"),
            nullable=False,
        ),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_payout_batch_lines"),
        sa.UniqueConstraint(
            "order_id", "worker_id", name="uq_payout_batch_lines_order_worker"
        ),
    )
    op.create_index("ix_payout_batch_lines_batch_id", "payout_batch_lines", ["batch_id"])
    op.create_index("ix_payout_batch_lines_worker_id", "payout_batch_lines", ["worker_id"])


def downgrade() -> None:
    op.drop_table("payout_batch_lines")
    op.drop_table("payout_batches")
