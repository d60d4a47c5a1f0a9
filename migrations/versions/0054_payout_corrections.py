"""Issue 21, payout corrections: payout_batch_lines.seq, 0 for a timesheet line as a batch
took it, 1, 2... for each correction of it a later batch carries (the hours corrected after a
batch took the line: the difference). Unique per order, worker and seq, so two batches never
take one correction. Downgrade deletes the corrections and restores the unique line; each
batch's total is recomputed from the lines it keeps (total = the sum of its lines), so a
batch of corrections only is left at 0.00, its record of a payout kept.

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
    # The batches' totals follow their lines again: a correction's amount left with it.
    op.execute(
        "UPDATE payout_batches SET total = COALESCE("
        "(SELECT SUM(amount) FROM payout_batch_lines WHERE batch_id = payout_batches.id), 0)"
    )
    op.drop_constraint("uq_payout_batch_lines_order_worker_seq", "payout_batch_lines")
    op.create_unique_constraint(
        "uq_payout_batch_lines_order_worker", "payout_batch_lines", ["order_id", "worker_id"]
    )
    op.drop_column("payout_batch_lines", "seq")
