"""Issue 20, part 3: hours as they were. branches.billing_rounding ("minute" | "quarter" |
"half": the client's bill per line) and branches.break_paid (a break counts as worked), and
timesheet_versions: every record of a break, approved overtime or an early end, and every
correction after the close, a new row (never an overwrite), numbered per order (unique: two
at once cannot take one number). Constant defaults: no table rewrite. Downgrade drops them.

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "branches",
        sa.Column("billing_rounding", sa.String(8), nullable=False, server_default="minute"),
    )
    op.create_check_constraint(
        "billing_rounding",
        "branches",
        "billing_rounding IN ('minute', 'quarter', 'half')",
    )
    op.add_column(
        "branches",
        sa.Column("break_paid", sa.Boolean(), nullable=False, server_default=sa.text("false")),
    )
    op.create_table(
        "timesheet_versions",
        sa.Column("id", sa.Integer()),
        sa.Column(
            "order_id",
            sa.Integer(),
            sa.ForeignKey("orders.id", name="fk_timesheet_versions_order_id_orders"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("break_min", sa.Integer(), nullable=False),
        sa.Column("overtime_until", sa.DateTime(timezone=True)),
        sa.Column("overtime_approved_by", sa.String(120)),
        sa.Column("overtime_approved_at", sa.DateTime(timezone=True)),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("reason", sa.Text()),
        sa.Column("after_close", sa.Boolean(), nullable=False),
        sa.Column(
            "by_user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_timesheet_versions_by_user_id_users"),
        ),
        sa.Column("by_name", sa.String(200), nullable=False),
        sa.Column("by_role", sa.String(16), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name="pk_timesheet_versions"),
        sa.UniqueConstraint("order_id", "version", name="uq_timesheet_versions_order_version"),
        sa.CheckConstraint("version >= 1", name="version"),
        sa.CheckConstraint("break_min BETWEEN 0 AND 600", name="break_min"),
        sa.CheckConstraint(
            "(overtime_until IS NULL) = (overtime_approved_by IS NULL)",
            name="overtime_approved",
        ),
        sa.CheckConstraint("overtime_until IS NULL OR ended_at IS NULL", name="one_end"),
        sa.CheckConstraint(
            "NOT after_close OR reason IS NOT NULL",
            name="reason_after_close",
        ),
    )


def downgrade() -> None:
    op.drop_table("timesheet_versions")
    op.drop_column("branches", "break_paid")
    op.drop_constraint("billing_rounding", "branches", type_="check")
    op.drop_column("branches", "billing_rounding")
