"""Exactly-once sends across a crash: a message is claimed (`sending`, `claimed_at`,
committed) before it is handed to the provider; a claim left by a dead process is checked
against the provider's own list before anything is sent again.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("claimed_at", sa.DateTime(timezone=True)))
    op.create_index(
        "ix_messages_sending",
        "messages",
        ["claimed_at"],
        postgresql_where=sa.text("status = 'sending'"),
    )


def downgrade() -> None:
    op.drop_index("ix_messages_sending", table_name="messages")
    op.drop_column("messages", "claimed_at")
