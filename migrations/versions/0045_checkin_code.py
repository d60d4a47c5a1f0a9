"""Issue 20: the site check-in code. orders.checkin_secret: the per-order TOTP secret the
6-digit code is derived from (dispatch/shift/codes.py; made when first needed, never shown);
offers.checkin_method: how the worker checked in, by "link" or by "code" (existing check-ins
were all by link; written only from dispatch.enums.CheckInMethod by checkin.record, no CHECK:
dispatch/models.py is at the house's line limit). Downgrade drops the columns.

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0045"
down_revision = "0044"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("checkin_secret", sa.String(32), nullable=True))
    op.add_column("offers", sa.Column("checkin_method", sa.String(8), nullable=True))
    op.execute("UPDATE offers SET checkin_method = 'link' WHERE checked_in_at IS NOT NULL")


def downgrade() -> None:
    op.drop_column("offers", "checkin_method")
    op.drop_column("orders", "checkin_secret")
