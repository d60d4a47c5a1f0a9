"""Self-service words over SMS (issue 19 item 2): the days a worker says they are free or
busy (worker_availability, one row a day, the latest word wins; an index by day for the
matcher's look at the order's day), a worker's own pause (workers.paused_until) and the
branch's "paid up to and including" date (branches.paid_through) that a worker's PAY answer
counts from. New nullable columns and a new table: no rewrite.

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None

WHERE = "status = 'active' AND vetted AND NOT opted_out AND NOT phone_invalid"
INCLUDE = (
    "id, reliability, skills, suspended_until, home, no_show_at, no_show_until, patent_expires_on"
)


def _cell_index(include: str) -> None:
    """The matcher's covering index (dispatch/fill/matcher.py) carries paused_until too: its
    walk stays index-only with the pause rule."""
    op.execute("DROP INDEX IF EXISTS ix_workers_cell_rating")
    op.execute(
        f"""
        CREATE INDEX ix_workers_cell_rating ON workers (brigada_cell(home), rating DESC)
        INCLUDE ({include}) WHERE {WHERE}
        """
    )


def upgrade() -> None:
    op.add_column("workers", sa.Column("paused_until", sa.DateTime(timezone=True)))
    _cell_index(INCLUDE + ", paused_until")
    op.add_column("branches", sa.Column("paid_through", sa.Date()))
    op.create_table(
        "worker_availability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "worker_id",
            sa.Integer(),
            sa.ForeignKey(
                "workers.id", ondelete="CASCADE", name="fk_worker_availability_worker_id_workers"
            ),
            nullable=False,
        ),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("free", sa.Boolean(), nullable=False),
        sa.Column("said_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("worker_id", "day", name="uq_worker_availability_day"),
        sa.PrimaryKeyConstraint("id", name="pk_worker_availability"),
    )
    op.create_index(
        "ix_worker_availability_day", "worker_availability", ["day", "free", "worker_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_worker_availability_day", table_name="worker_availability")
    op.drop_table("worker_availability")
    op.drop_column("branches", "paid_through")
    _cell_index(INCLUDE)
    op.drop_column("workers", "paused_until")
