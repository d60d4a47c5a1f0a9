"""Issue 19: an applicant's deletion on request. applicants.forget_code_hash /
forget_code_until: the one-time code an applicant confirms a deletion with (its keyed hash,
and until when it holds), as workers have. Downgrade drops the columns.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("applicants", sa.Column("forget_code_hash", sa.String(64), nullable=True))
    op.add_column(
        "applicants", sa.Column("forget_code_until", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("applicants", "forget_code_until")
    op.drop_column("applicants", "forget_code_hash")
