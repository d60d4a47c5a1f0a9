"""Issue 21 (rates): the branch's rate card (rate_cards: per branch and skill the client and
worker rates, night and day-off surcharges in percent, minimum hours); a client's agreed rates
(client_rates, the card's client rows) gain the same three terms; an order keeps a snapshot of
them and where its rates came from (rate_source: card, client, manual; existing orders:
manual, no surcharges, no minimum, so their timesheets do not change).

Revision ID: 0050
Revises: 0047
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0050"
down_revision = "0047"
branch_labels = None
depends_on = None

SURCHARGES = "night_pct BETWEEN 0 AND 300 AND holiday_pct BETWEEN 0 AND 300"
MIN_HOURS = "min_hours BETWEEN 0 AND 24"


def _terms() -> list[sa.Column]:
    return [
        sa.Column("night_pct", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("holiday_pct", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("min_hours", sa.Numeric(4, 2), server_default="0", nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "rate_cards",
        sa.Column("branch_id", sa.Integer(), sa.ForeignKey("branches.id"), nullable=False),
        sa.Column("skill", sa.String(40), nullable=False),
        sa.Column("client_rate", sa.Numeric(10, 2), nullable=False),
        sa.Column("worker_rate", sa.Numeric(10, 2), nullable=False),
        *_terms(),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("branch_id", "skill", name=op.f("pk_rate_cards")),
        sa.CheckConstraint(
            "client_rate >= 0 AND worker_rate >= 0", name=op.f("ck_rate_cards_rates")
        ),
        sa.CheckConstraint(SURCHARGES, name=op.f("ck_rate_cards_surcharges")),
        sa.CheckConstraint(MIN_HOURS, name=op.f("ck_rate_cards_min_hours")),
    )
    for table in ("client_rates", "orders"):
        for column in _terms():
            op.add_column(table, column)
        op.create_check_constraint(op.f(f"ck_{table}_surcharges"), table, SURCHARGES)
        op.create_check_constraint(op.f(f"ck_{table}_min_hours"), table, MIN_HOURS)
    op.add_column(
        "orders", sa.Column("rate_source", sa.String(6), server_default="manual", nullable=False)
    )
    op.create_check_constraint(
        op.f("ck_orders_rate_source"), "orders", "rate_source IN ('card', 'client', 'manual')"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_orders_rate_source"), "orders", type_="check")
    op.drop_column("orders", "rate_source")
    for table in ("client_rates", "orders"):
        op.drop_constraint(op.f(f"ck_{table}_min_hours"), table, type_="check")
        op.drop_constraint(op.f(f"ck_{table}_surcharges"), table, type_="check")
        for name in ("min_hours", "holiday_pct", "night_pct"):
            op.drop_column(table, name)
    op.drop_table("rate_cards")
