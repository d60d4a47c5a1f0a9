"""Issue 21 review: the reports' royalty is the statements' rule over invoiced turnover
(dispatch/reports/royalty.py), so the rollups' royalty columns, written as 0 since, go.

Revision ID: 0058
Revises: 0057
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0058"
down_revision = "0057"
branch_labels = None
depends_on = None

TABLES = ("report_days", "report_branch_days")


def upgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "royalty")


def downgrade() -> None:
    for table in TABLES:
        op.add_column(
            table,
            sa.Column("royalty", sa.Numeric(14, 2), nullable=False, server_default="0"),
        )
        op.alter_column(table, "royalty", server_default=None)
