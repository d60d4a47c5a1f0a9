"""Issue 21, reports: the rollups kept by the reports job (report_days per branch, day,
client, site, skill and start hour; report_branch_days, their sum per branch and day; report_worker_days; report_calibration per order) and
the job's watermark. The reports read these only.

Revision ID: 0053
Revises: 0052
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0053"
down_revision = "0052"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)
COUNTS = (
    "orders",
    "headcount",
    "booked_by_start",
    "filled_orders",
)
MORE_COUNTS = (
    "fill_count",
    "booked",
    "no_shows",
    "lates",
    "arrived",
    "cancelled_client",
    "cancelled_office",
    "worker_late_cancels",
)


def _figures() -> list[sa.Column]:
    return [
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.Column("fill_minutes", sa.BigInteger(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in MORE_COUNTS),
        *(
            sa.Column(name, MONEY, nullable=False)
            for name in ("revenue", "worker_pay", "margin", "royalty")
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "report_branch_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        *_figures(),
        sa.PrimaryKeyConstraint("day", "branch_id", name=op.f("pk_report_branch_days")),
    )
    op.create_index(
        "ix_report_branch_days_branch_day", "report_branch_days", ["branch_id", "day"]
    )
    op.create_table(
        "report_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("skill", sa.String(40), nullable=False),
        sa.Column("start_hour", sa.SmallInteger(), nullable=False),
        *_figures(),
        sa.PrimaryKeyConstraint(
            "day",
            "branch_id",
            "client_id",
            "site_id",
            "skill",
            "start_hour",
            name=op.f("pk_report_days"),
        ),
    )
    op.create_index("ix_report_days_branch_day", "report_days", ["branch_id", "day"])
    op.create_table(
        "report_worker_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("shifts", sa.Integer(), nullable=False),
        sa.Column("no_shows", sa.Integer(), nullable=False),
        sa.Column("lates", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "branch_id", "worker_id", name=op.f("pk_report_worker_days")
        ),
    )
    op.create_index(
        "ix_report_worker_days_branch_day", "report_worker_days", ["branch_id", "day"]
    )
    op.create_table(
        "report_calibration",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("predicted", sa.Float(), nullable=False),
        sa.Column("bucket", sa.SmallInteger(), nullable=False),
        sa.Column("filled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_report_calibration")),
    )
    op.create_index(
        "ix_report_calibration_branch_day", "report_calibration", ["branch_id", "day"]
    )
    op.create_table(
        "report_watermarks",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_report_watermarks")),
    )


def downgrade() -> None:
    op.drop_table("report_watermarks")
    op.drop_index("ix_report_calibration_branch_day", table_name="report_calibration")
    op.drop_table("report_calibration")
    op.drop_index("ix_report_worker_days_branch_day", table_name="report_worker_days")
    op.drop_table("report_worker_days")
    op.drop_index("ix_report_days_branch_day", table_name="report_days")
    op.drop_table("report_days")
    op.drop_index("ix_report_branch_days_branch_day", table_name="report_branch_days")
    op.drop_table("report_branch_days")
