"""A worker whose number cannot receive SMS is never offered work: the matcher's cell index
leaves them out, as it leaves out blocked, unvetted and opted-out workers, so the matcher's
walk stays index-only with its new `NOT w.phone_invalid` rule.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _cell_index(where: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_workers_cell_rating")
    op.execute(
        f"""
        CREATE INDEX ix_workers_cell_rating ON workers (brigada_cell(home), rating DESC)
        INCLUDE (id, reliability, skills, suspended_until, home, no_show_at, no_show_until)
        WHERE {where}
        """
    )


def upgrade() -> None:
    _cell_index("status = 'active' AND vetted AND NOT opted_out AND NOT phone_invalid")


def downgrade() -> None:
    _cell_index("status = 'active' AND vetted AND NOT opted_out")
