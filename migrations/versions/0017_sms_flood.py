"""A junk flood is not an SMS bill: inbound texts past a number's rate are kept as 'ignored',
automatic replies past the hourly throttle leave one 'withheld' row as the dispatcher's note.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

OLD = (
    "('queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', "
    "'received', 'processed')"
)
NEW = OLD[:-1] + ", 'ignored', 'withheld')"


def upgrade() -> None:
    op.drop_constraint("ck_messages_status", "messages", type_="check")
    op.create_check_constraint("ck_messages_status", "messages", f"status IN {NEW}")


def downgrade() -> None:
    op.execute("UPDATE messages SET status = 'processed' WHERE status = 'ignored'")
    op.execute("UPDATE messages SET status = 'cancelled' WHERE status = 'withheld'")
    op.drop_constraint("ck_messages_status", "messages", type_="check")
    op.create_check_constraint("ck_messages_status", "messages", f"status IN {OLD}")
