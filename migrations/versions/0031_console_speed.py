"""The console's pages at a branch's size (bench/console.py): the unclear-replies badge of the
board and the order page looked for inbound texts by offer with no index but a scan of the
whole messages table (~85 ms at 150,000 texts, every 3 s per open board); an index of the
inbound texts by kind and offer answers it in well under a millisecond.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_messages_inbound_offer",
        "messages",
        ["kind", "offer_id"],
        postgresql_where=sa.text("direction = 'in'"),
    )


def downgrade() -> None:
    op.drop_index("ix_messages_inbound_offer", table_name="messages")
