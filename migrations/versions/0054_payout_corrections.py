"""Issue 21, payout corrections: payout_batch_lines.seq, 0 for a timesheet line as a batch
took it, 1, 2... for each correction of it a later batch carries (the hours corrected after a
batch took the line: the difference). Unique per order, worker and seq, so two batches never
take one correction. Downgrade deletes the corrections and restores the unique line.

Revision ID: 0054
Revises: 0053
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0054"
down_revision = "0053"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "payout_batch_lines",
        sa.Column("seq", sa.Integer(), nullable=False, server_default="0"),
    )
    op.drop_constraint("uq_payout_batch_lines_order_worker", "payout_batch_lines")
    op.create_unique_constraint(
        "uq_payout_batch_lines_order_worker_seq",
        "payout_batch_lines",
        ["order_id", "worker_id", "seq"],
    )


def downgrade() -> None:
    op.execute("DELETE FROM payout_batch_lines WHERE seq > 0")
    op.drop_constraint("uq_payout_batch_lines_order_worker_seq", "payout_batch_lines")
    op.create_unique_constraint(
        "uq_payout_batch_lines_order_worker", "payout_batch_lines", ["order_id", "worker_id"]
    )
    op.drop_column("payout_batch_lines", "seq")
