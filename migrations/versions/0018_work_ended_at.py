"""A shift closed before its scheduled end records when work ended, as the foreman chose
(now, or the scheduled end): hours are counted to it, and closed_at stays the close's moment.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("work_ended_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("orders", "work_ended_at")
