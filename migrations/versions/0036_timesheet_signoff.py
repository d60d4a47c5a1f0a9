"""The client's sign-off of a closed order's timesheet, line by line (timesheet_signoffs:
approved, or disputed until the office settles it), and whose a review is (reviews.source:
the foreman's or the client's, one of each per worker per order). A new table, and a new
column with a constant default: no table rewrite; the reviews' unique key gains the source.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "timesheet_signoffs",
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id"), primary_key=True),
        sa.Column("worker_id", sa.Integer(), sa.ForeignKey("workers.id"), primary_key=True),
        sa.Column("branch_id", sa.Integer(), sa.ForeignKey("branches.id"), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("approved_by", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
        sa.Column("reason", sa.Text()),
        sa.Column("disputed_by", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("disputed_at", sa.DateTime(timezone=True)),
        sa.Column("settle_note", sa.Text()),
        sa.Column("settled_hours", sa.Numeric(5, 2)),
        sa.Column("settled_by", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("settled_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("state IN ('approved', 'disputed', 'settled')", name="state"),
        sa.CheckConstraint("settled_hours BETWEEN 0 AND 24", name="settled_hours"),
    )
    op.create_index(
        "ix_timesheet_signoffs_open",
        "timesheet_signoffs",
        ["branch_id"],
        postgresql_where=sa.text("state='disputed'"),
    )
    op.add_column(
        "reviews", sa.Column("source", sa.String(8), nullable=False, server_default="foreman")
    )
    op.create_check_constraint("source", "reviews", "source IN ('foreman', 'client')")
    op.drop_constraint("uq_reviews_order_worker", "reviews", type_="unique")
    op.create_unique_constraint(
        "uq_reviews_order_worker_source", "reviews", ["order_id", "worker_id", "source"]
    )


def downgrade() -> None:
    op.execute("DELETE FROM reviews WHERE source = 'client'")
    op.drop_constraint("uq_reviews_order_worker_source", "reviews", type_="unique")
    op.create_unique_constraint("uq_reviews_order_worker", "reviews", ["order_id", "worker_id"])
    op.drop_column("reviews", "source")  # its CHECK goes with it
    op.drop_table("timesheet_signoffs")
