"""On site: attendance on offers, foremen, closing a shift, the penalty ledger and reviews,
and the branch knobs of fines and pay.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

LEDGER_KINDS = (
    "late", "no_show", "late_cancellation", "complaint", "left_early", "compensation", "reversal"
)
ATTENDANCE = ("arrived", "left_early", "no_show", "released")
# New branch knobs: (column, type, the default existing branches get).
KNOBS = [
    ("strike_suspend_days", sa.Integer(), "7"),
    ("currency", sa.String(3), "RUB"),
    ("late_fine_per_min", sa.Numeric(8, 2), "5.00"),
    ("no_show_fine", sa.Numeric(10, 2), "300.00"),
    ("show_up_pay", sa.Numeric(10, 2), "300.00"),
]


def upgrade() -> None:
    for name, type_, default in KNOBS:
        op.add_column("branches", sa.Column(name, type_, server_default=default, nullable=False))
        op.alter_column("branches", name, server_default=None)  # new branches get policy.py's
    op.alter_column("workers", "rating", server_default="4.00")
    # Workers never rated yet had the old newcomer default: give them the new one.
    op.execute("UPDATE workers SET rating = 4.00 WHERE rating = 3.50")

    op.add_column("sites", sa.Column("foreman_id", sa.Integer(), nullable=True))
    op.create_foreign_key(op.f("fk_sites_foreman_id_users"), "sites", "users", ["foreman_id"], ["id"])
    op.create_index(op.f("ix_sites_foreman_id"), "sites", ["foreman_id"])
    op.add_column("orders", sa.Column("foreman_id", sa.Integer(), nullable=True))
    op.add_column("orders", sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_foreign_key(op.f("fk_orders_foreman_id_users"), "orders", "users", ["foreman_id"], ["id"])
    op.create_index(op.f("ix_orders_foreman_id"), "orders", ["foreman_id"])

    op.add_column("offers", sa.Column("attendance", sa.String(12), nullable=True))
    op.add_column("offers", sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("offers", sa.Column("left_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("offers", sa.Column("attendance_by", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_offers_attendance_by_users"), "offers", "users", ["attendance_by"], ["id"]
    )
    op.create_check_constraint(op.f("ck_offers_attendance"), "offers", f"attendance IN {ATTENDANCE}")
    op.create_check_constraint(
        op.f("ck_offers_attendance_booked"), "offers", "attendance IS NULL OR status = 'booked'"
    )

    op.create_table(
        "penalty_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("points", sa.Integer(), server_default="0", nullable=False),
        sa.Column("fine", sa.Numeric(10, 2), server_default="0", nullable=False),
        sa.Column("payout", sa.Numeric(10, 2), server_default="0", nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                  nullable=False),
        sa.CheckConstraint(f"kind IN {LEDGER_KINDS}", name=op.f("ck_penalty_events_kind")),
        sa.CheckConstraint("points >= 0 AND fine >= 0 AND payout >= 0",
                           name=op.f("ck_penalty_events_amounts")),
        sa.CheckConstraint("(kind = 'reversal') = (reverses_id IS NOT NULL)",
                           name=op.f("ck_penalty_events_reversal")),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"],
                                name=op.f("fk_penalty_events_worker_id_workers")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"],
                                name=op.f("fk_penalty_events_order_id_orders")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_penalty_events_created_by_users")),
        sa.ForeignKeyConstraint(["reverses_id"], ["penalty_events.id"],
                                name=op.f("fk_penalty_events_reverses_id_penalty_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_penalty_events")),
        sa.UniqueConstraint("reverses_id", name="uq_penalty_events_reverses_id"),
    )
    op.create_index("ix_penalty_events_worker", "penalty_events", ["worker_id", "occurred_at"])
    op.create_index("ix_penalty_events_order", "penalty_events", ["order_id"])

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("stars", sa.SmallInteger(), nullable=False),
        sa.Column("complaint", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("penalty_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                  nullable=False),
        sa.CheckConstraint("stars BETWEEN 1 AND 5", name=op.f("ck_reviews_stars")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_reviews_order_id_orders")),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"],
                                name=op.f("fk_reviews_worker_id_workers")),
        sa.ForeignKeyConstraint(["penalty_id"], ["penalty_events.id"],
                                name=op.f("fk_reviews_penalty_id_penalty_events")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_reviews_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("order_id", "worker_id", name="uq_reviews_order_worker"),
    )
    op.create_index("ix_reviews_worker", "reviews", ["worker_id"])


def downgrade() -> None:
    op.drop_table("reviews")
    op.drop_table("penalty_events")
    op.drop_constraint(op.f("ck_offers_attendance_booked"), "offers", type_="check")
    op.drop_constraint(op.f("ck_offers_attendance"), "offers", type_="check")
    op.drop_constraint(op.f("fk_offers_attendance_by_users"), "offers", type_="foreignkey")
    for column in ("attendance_by", "left_at", "arrived_at", "attendance"):
        op.drop_column("offers", column)
    op.drop_index(op.f("ix_orders_foreman_id"), table_name="orders")
    op.drop_constraint(op.f("fk_orders_foreman_id_users"), "orders", type_="foreignkey")
    op.drop_column("orders", "closed_at")
    op.drop_column("orders", "foreman_id")
    op.drop_index(op.f("ix_sites_foreman_id"), table_name="sites")
    op.drop_constraint(op.f("fk_sites_foreman_id_users"), "sites", type_="foreignkey")
    op.drop_column("sites", "foreman_id")
    op.alter_column("workers", "rating", server_default="3.50")
    for name, _, _ in reversed(KNOBS):
        op.drop_column("branches", name)
