"""Status callbacks that arrive before their message's provider id is recorded are kept and
applied when it is, instead of being dropped.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_early_statuses",
        sa.Column("provider_sid", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(12), primary_key=True),
        sa.Column("error_code", sa.String(16)),
        sa.Column(
            "received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_index(
        "ix_sms_early_statuses_received_at", "sms_early_statuses", ["received_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_sms_early_statuses_received_at", table_name="sms_early_statuses")
    op.drop_table("sms_early_statuses")
