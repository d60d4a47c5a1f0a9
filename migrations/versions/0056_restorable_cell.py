"""brigada_cell() names PostGIS's type and functions by their schema, so a dump restores.

pg_restore runs with an empty search_path (CVE-2018-1058): the body of 0003's function said
`geometry` and `ST_Y` bare, and rebuilding ix_workers_cell_rating from a dump failed with
"type geometry does not exist" (found by the restore drill, docs/deploy.md). Same cells,
same results: the index needs no rebuild. Still LANGUAGE sql without SET, so it inlines.

Revision ID: 0056
Revises: 0055
Create Date: 2026-12-04
"""

from alembic import op
from sqlalchemy import text

revision = "0056"
down_revision = "0055"
branch_labels = None
depends_on = None

CELL_FUNCTION = """
CREATE OR REPLACE FUNCTION public.brigada_cell(g {s}.geography) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT floor(({s}.ST_Y(g::{s}.geometry) + 90) / 0.02)::integer * 65536
         + floor(({s}.ST_X(g::{s}.geometry) + 180) / 0.03)::integer
$$
"""

# 0003's body, for the way down.
BARE_FUNCTION = """
CREATE OR REPLACE FUNCTION brigada_cell(g geography) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT floor((ST_Y(g::geometry) + 90) / 0.02)::integer * 65536
         + floor((ST_X(g::geometry) + 180) / 0.03)::integer
$$
"""


def postgis_schema() -> str:
    """Where CREATE EXTENSION postgis put it (public unless the operator chose otherwise)."""
    schema = op.get_bind().scalar(
        text(
            "SELECT quote_ident(n.nspname) FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'postgis'"
        )
    )
    return schema or "public"


def upgrade() -> None:
    op.execute(CELL_FUNCTION.format(s=postgis_schema()))


def downgrade() -> None:
    op.execute(BARE_FUNCTION)
