"""Staff may have a name and a phone: a booked worker's check-in page names the site's
foreman and gives their number.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("full_name", sa.String(200)))
    op.add_column("users", sa.Column("phone", sa.String(16)))


def downgrade() -> None:
    op.drop_column("users", "phone")
    op.drop_column("users", "full_name")
