"""A booked worker cancelling inside the branch's late-cancellation window is marked so.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("offers", sa.Column("cancelled_late", sa.Boolean(),
                                      server_default=sa.text("false"), nullable=False))


def downgrade() -> None:
    op.drop_column("offers", "cancelled_late")
