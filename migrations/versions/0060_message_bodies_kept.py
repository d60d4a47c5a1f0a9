"""Issue 22: message bodies are kept BRIGADA_MESSAGE_BODY_KEEP_DAYS, then blanked by the job
sms.bodies_due (sms/retention.py); the row and its metadata stay, body_removed_at says when.

Only ADD COLUMN and CREATE INDEX: the same on a plain `messages` and on one partitioned by
month (an index made on a partitioned parent is made on every partition), so this applies
before or after the table is partitioned. CREATE INDEX on a partitioned table cannot be
CONCURRENTLY: new texts wait while each month's index is built. Measured on the full-size
history bench (20.4 M texts, 15 months, 2 cores, load ~1.5): 9.0 s for the whole migration.

Revision ID: 0060
Revises: 0059
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0060"
down_revision = "0059"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("body_removed_at", sa.DateTime(timezone=True)))
    # The job's work list: rows not yet blanked, oldest first; a blanked row leaves the index,
    # so a run never reads what an earlier one did.
    op.create_index(
        "ix_messages_body_kept",
        "messages",
        ["created_at"],
        postgresql_where=sa.text("body_removed_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_messages_body_kept", table_name="messages")
    op.drop_column("messages", "body_removed_at")
