"""SMS delivery: a flag for numbers that cannot take SMS; inbound messages get 'processed'.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OLD = "('queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'received')"
NEW = OLD[:-1] + ", 'processed')"


def upgrade() -> None:
    op.add_column(
        "workers",
        sa.Column("phone_invalid", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.drop_constraint("ck_messages_status", "messages", type_="check")
    op.create_check_constraint("ck_messages_status", "messages", f"status IN {NEW}")
    # The reconcilers' work lists: inbound not yet acted on, outbound stuck in the queue.
    op.create_index("ix_messages_received", "messages", ["id"],
                    postgresql_where=sa.text("status = 'received'"))


def downgrade() -> None:
    op.drop_index("ix_messages_received", table_name="messages")
    op.execute("UPDATE messages SET status = 'received' WHERE status = 'processed'")
    op.drop_constraint("ck_messages_status", "messages", type_="check")
    op.create_check_constraint("ck_messages_status", "messages", f"status IN {OLD}")
    op.drop_column("workers", "phone_invalid")
