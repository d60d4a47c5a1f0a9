"""A recent no-show ranks the worker last: workers.no_show_at / no_show_until, carried by the
matcher's covering index (index-only scans stay so), and a partial index for the job that gives
the figures back when the no-show leaves the strike window.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

NO_SHOW_RATING_CAP = "2.50"  # rating.policy.NO_SHOW_RATING_CAP when this was written


def _cell_rating_index(include: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_workers_cell_rating")
    op.execute(
        f"""
        CREATE INDEX ix_workers_cell_rating ON workers (brigada_cell(home), rating DESC)
        INCLUDE ({include})
        WHERE status = 'active' AND vetted AND NOT opted_out
        """
    )


def upgrade() -> None:
    op.add_column("workers", sa.Column("no_show_at", sa.DateTime(timezone=True)))
    op.add_column("workers", sa.Column("no_show_until", sa.DateTime(timezone=True)))
    _cell_rating_index("id, reliability, skills, suspended_until, home, no_show_at, no_show_until")
    op.create_index(
        "ix_workers_no_show_until",
        "workers",
        ["no_show_until"],
        postgresql_where=sa.text("no_show_until IS NOT NULL"),
    )
    # Workers whose latest unreversed no-show is still in their home branch's window now.
    op.execute(
        f"""
        UPDATE workers w
        SET no_show_at = r.at,
            no_show_until = r.at + make_interval(days => b.strike_window_days),
            rating = LEAST(w.rating, {NO_SHOW_RATING_CAP})
        FROM branches b,
             (SELECT e.worker_id, max(e.occurred_at) AS at FROM penalty_events e
              WHERE e.kind = 'no_show' AND e.reversed_at IS NULL
              GROUP BY e.worker_id) r
        WHERE r.worker_id = w.id AND b.id = w.branch_id
          AND r.at > now() - make_interval(days => b.strike_window_days)
        """
    )


def downgrade() -> None:
    # A capped rating stays until the worker's next recomputation.
    op.drop_index("ix_workers_no_show_until", table_name="workers")
    _cell_rating_index("id, reliability, skills, suspended_until, home")
    op.drop_column("workers", "no_show_until")
    op.drop_column("workers", "no_show_at")
