"""Issue 19: a worker's disputes of penalties by SMS and deletion on request.

penalty_disputes: one case per disputed ledger entry, at most one open per entry (a partial
unique index); branches.dispute_deadline_h (48 by default: a case not answered by then is
reversed by the sweep). workers.forget_code_hash / forget_code_until (the one-time code a
worker confirms a deletion with) and workers.forgotten_at (when their personal data went).
Downgrade drops the cases (their reversals stay on the ledger) and the columns.

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "branches",
        sa.Column("dispute_deadline_h", sa.Integer(), nullable=False, server_default="48"),
    )
    op.add_column("workers", sa.Column("forget_code_hash", sa.String(64), nullable=True))
    op.add_column(
        "workers", sa.Column("forget_code_until", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("workers", sa.Column("forgotten_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "penalty_disputes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("worker_id", sa.Integer(), sa.ForeignKey("workers.id"), nullable=False),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id"), nullable=False),
        sa.Column("penalty_id", sa.Integer(), sa.ForeignKey("penalty_events.id"), nullable=False),
        sa.Column("branch_id", sa.Integer(), sa.ForeignKey("branches.id"), nullable=False),
        sa.Column("words", sa.Text()),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("messages.id")),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("outcome_reason", sa.Text()),
        sa.CheckConstraint(
            "status IN ('open', 'reversed', 'upheld', 'auto_reversed')", name="status"
        ),
        sa.CheckConstraint("(status = 'open') = (decided_at IS NULL)", name="decided"),
    )
    op.create_index(
        "uq_penalty_disputes_open",
        "penalty_disputes",
        ["penalty_id"],
        unique=True,
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_index(
        "ix_penalty_disputes_open",
        "penalty_disputes",
        ["deadline_at"],
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_index("ix_penalty_disputes_worker", "penalty_disputes", ["worker_id"])
    op.create_index("ix_penalty_disputes_branch_id", "penalty_disputes", ["branch_id"])


def downgrade() -> None:
    op.drop_table("penalty_disputes")
    op.drop_column("workers", "forgotten_at")
    op.drop_column("workers", "forget_code_until")
    op.drop_column("workers", "forget_code_hash")
    op.drop_column("branches", "dispute_deadline_h")
