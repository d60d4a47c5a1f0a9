"""An order topped up after its start (orders.topped_up_at: offers then say "now", answers
book until the order's end) and a complaint's reason (reviews.complaint_reason, a stable
code of dispatch/shift/reviews.py). Both columns are new and nullable: no table rewrite.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

REASONS = ("late", "left_site", "poor_work", "rude", "intoxicated", "safety", "other")


def upgrade() -> None:
    op.add_column("orders", sa.Column("topped_up_at", sa.DateTime(timezone=True)))
    op.add_column("reviews", sa.Column("complaint_reason", sa.String(24)))
    allowed = ", ".join(f"'{r}'" for r in REASONS)
    op.create_check_constraint(
        "complaint_reason", "reviews", f"complaint_reason IN ({allowed})"
    )


def downgrade() -> None:
    # the column's CHECK goes with it
    op.drop_column("reviews", "complaint_reason")
    op.drop_column("orders", "topped_up_at")
