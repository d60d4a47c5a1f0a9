"""Check-in links: when and how far from the site a booked worker checked in, awaiting the
foreman's confirmation.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("offers", sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("offers", sa.Column("checkin_distance_m", sa.Float(), nullable=True))


def downgrade() -> None:
    op.drop_column("offers", "checkin_distance_m")
    op.drop_column("offers", "checked_in_at")
