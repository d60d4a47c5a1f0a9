"""Orders carry notes for the workers (what to bring, where to meet), set when the order is
changed (PATCH /api/v1/orders/{id}) and shown on the order page and the foreman's page; a
booking remembers when the office moved its shift (a NO after that is no late cancellation).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("notes", sa.Text()))
    op.add_column("offers", sa.Column("shift_moved_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("offers", "shift_moved_at")
    op.drop_column("orders", "notes")
