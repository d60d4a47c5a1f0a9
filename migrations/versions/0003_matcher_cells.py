"""Matcher grid: an immutable cell function and a covering B-tree on (cell, rating DESC).

The GiST radius search reads every worker in the circle before ranking (~110 ms at
Moscow's centre with 1M workers); walking this index cell by cell in rating order reads
only the workers who can still make the top 50 (bench/matcher.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Cells of 0.02 deg latitude x 0.03 deg longitude (~2.2 x 1.9 km at Moscow); the matcher's
# CELL_DLAT / CELL_DLON (dispatch/fill/matcher.py) must stay equal to these.
CELL_FUNCTION = """
CREATE OR REPLACE FUNCTION brigada_cell(g geography) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT floor((ST_Y(g::geometry) + 90) / 0.02)::integer * 65536
         + floor((ST_X(g::geometry) + 180) / 0.03)::integer
$$
"""


def upgrade() -> None:
    op.execute(CELL_FUNCTION)
    # Only workers no order can ever get are left out; what changes with the clock
    # (suspended_until) and the order (skills) rides along for index-only scans.
    op.execute(
        """
        CREATE INDEX ix_workers_cell_rating ON workers (brigada_cell(home), rating DESC)
        INCLUDE (id, reliability, skills, suspended_until, home)
        WHERE status = 'active' AND vetted AND NOT opted_out
        """
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_workers_cell_rating")
    op.execute("DROP FUNCTION IF EXISTS brigada_cell(geography)")
