"""Confirmations and reminders: when a booking was asked, confirmed, reminded.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("branches", sa.Column("remind_h", sa.Integer(), server_default="2",
                                        nullable=False))
    for column in ("confirm_asked_at", "confirmed_at", "reminded_at"):
        op.add_column("offers", sa.Column(column, sa.DateTime(timezone=True)))
    # The confirmation and reminder jobs look only at bookings.
    op.create_index("ix_offers_booked_order", "offers", ["order_id"],
                    postgresql_where=sa.text("status = 'booked'"))


def downgrade() -> None:
    op.drop_index("ix_offers_booked_order", table_name="offers")
    for column in ("reminded_at", "confirmed_at", "confirm_asked_at"):
        op.drop_column("offers", column)
    op.drop_column("branches", "remind_h")
