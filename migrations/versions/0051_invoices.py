"""Issue 21, part 3a: invoices to clients and the timesheet lines on them (each (order,
worker) line on one invoice at most: a unique key), numbered per branch and year (a unique
(branch_id, year, seq), taken with the branch row locked); branches.invoice_after_days (3 by
default: a line the client neither approved nor disputed is invoiced that many days after the
order closed). Downgrade drops the invoices and the knob.

Revision ID: 0051
Revises: 0050
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0051"
down_revision = "0050"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column(
            name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        )
        for name in ("created_at", "updated_at")
    ]


def upgrade() -> None:
    op.add_column(
        "branches",
        sa.Column("invoice_after_days", sa.Integer(), nullable=False, server_default="3"),
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("branch_id", sa.Integer(), sa.ForeignKey("branches.id"), nullable=False),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id"), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("net", sa.Numeric(14, 2), nullable=False),
        sa.Column("vat_rate", sa.Numeric(4, 3)),
        sa.Column("vat", sa.Numeric(14, 2), nullable=False),
        sa.Column("total", sa.Numeric(14, 2), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id")),
        *_stamps(),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
        sa.UniqueConstraint("branch_id", "year", "seq", name="uq_invoices_branch_year_seq"),
        sa.CheckConstraint("period_from <= period_to", name=op.f("ck_invoices_period")),
        sa.CheckConstraint("total = net + vat", name=op.f("ck_invoices_total")),
    )
    op.create_index(op.f("ix_invoices_branch_id"), "invoices", ["branch_id"])
    op.create_index(op.f("ix_invoices_client_id"), "invoices", ["client_id"])
    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "invoice_id",
            sa.Integer(),
            sa.ForeignKey("invoices.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id"), nullable=False),
        sa.Column("worker_id", sa.Integer(), sa.ForeignKey("workers.id"), nullable=False),
        sa.Column("hours", sa.Numeric(8, 2), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.UniqueConstraint("order_id", "worker_id", name="uq_invoice_lines_order_worker"),
    )
    op.create_index(op.f("ix_invoice_lines_invoice_id"), "invoice_lines", ["invoice_id"])


def downgrade() -> None:
    op.drop_table("invoice_lines")
    op.drop_table("invoices")
    op.drop_column("branches", "invoice_after_days")
