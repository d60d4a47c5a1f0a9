"""Fill engine: ranking and wave knobs, orders, offers, the message outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ACTIVE = "('open', 'filling', 'filled', 'short', 'in_progress')"


def _timestamps():
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    ]


def upgrade() -> None:
    op.add_column("branches", sa.Column("wave_multiple", sa.Numeric(4, 2), server_default="2.0", nullable=False))
    op.add_column("branches", sa.Column("radius_growth", sa.Numeric(3, 2), server_default="1.5", nullable=False))
    op.add_column("branches", sa.Column("rating_weight", sa.Numeric(3, 2), server_default="0.80", nullable=False))
    op.add_column("branches", sa.Column("distance_weight", sa.Numeric(3, 2), server_default="0.20", nullable=False))

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("branch_id", sa.Integer(), sa.ForeignKey("branches.id", name="fk_orders_branch_id_branches"), nullable=False),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id", name="fk_orders_client_id_clients"), nullable=False),
        sa.Column("site_id", sa.Integer(), sa.ForeignKey("sites.id", name="fk_orders_site_id_sites"), nullable=False),
        sa.Column("skill", sa.String(40), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_rate", sa.Numeric(10, 2), nullable=False),
        sa.Column("worker_rate", sa.Numeric(10, 2), nullable=False),
        sa.Column("overbook_factor", sa.Numeric(3, 2), nullable=False),
        sa.Column("overbooking_mode", sa.String(10), nullable=False),
        sa.Column("fill_goal", sa.Numeric(4, 3), nullable=False),
        sa.Column("booking_target", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), server_default="open", nullable=False),
        sa.Column("wave", sa.Integer(), server_default="0", nullable=False),
        sa.Column("radius_m", sa.Integer(), nullable=False),
        sa.Column("next_wave_at", sa.DateTime(timezone=True)),
        sa.Column("cancel_reason", sa.Text()),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id", name="fk_orders_created_by_users")),
        *_timestamps(),
        sa.CheckConstraint("status IN ('open', 'filling', 'filled', 'short', 'in_progress', 'completed', 'cancelled')", name="ck_orders_status"),
        sa.CheckConstraint("headcount BETWEEN 1 AND 500", name="ck_orders_headcount"),
        sa.CheckConstraint("ends_at > starts_at", name="ck_orders_shift"),
        sa.CheckConstraint("client_rate >= 0 AND worker_rate >= 0", name="ck_orders_rates"),
        sa.CheckConstraint("overbook_factor BETWEEN 1.0 AND 3.0", name="ck_orders_overbook_factor"),
        sa.CheckConstraint("booking_target >= headcount", name="ck_orders_booking_target"),
    )
    op.create_index("ix_orders_branch_id", "orders", ["branch_id"])
    op.create_index("ix_orders_client_id", "orders", ["client_id"])
    op.create_index("ix_orders_site_id", "orders", ["site_id"])
    # An SMS reply names an order by code: unique among the orders still being answered.
    op.create_index("uq_orders_active_code", "orders", ["code"], unique=True, postgresql_where=sa.text(f"status IN {ACTIVE}"))
    op.create_index("ix_orders_next_wave_at", "orders", ["next_wave_at"], postgresql_where=sa.text("next_wave_at IS NOT NULL"))

    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id", name="fk_offers_order_id_orders"), nullable=False),
        sa.Column("worker_id", sa.Integer(), sa.ForeignKey("workers.id", name="fk_offers_worker_id_workers"), nullable=False),
        sa.Column("status", sa.String(12), server_default="queued", nullable=False),
        sa.Column("wave", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("rating", sa.Numeric(3, 2), nullable=False),
        sa.Column("reliability", sa.Numeric(4, 3), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.Column("answer_source", sa.String(10)),
        sa.Column("booked_at", sa.DateTime(timezone=True)),
        *_timestamps(),
        sa.UniqueConstraint("order_id", "worker_id", name="uq_offers_order_worker"),
        sa.CheckConstraint("status IN ('queued', 'sent', 'booked', 'standby', 'declined', 'expired', 'cancelled', 'released')", name="ck_offers_status"),
    )
    op.create_index("ix_offers_worker_id", "offers", ["worker_id"])
    op.create_index("ix_offers_order_status", "offers", ["order_id", "status"])
    op.create_index("ix_offers_worker_booked", "offers", ["worker_id"], postgresql_where=sa.text("status = 'booked'"))

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("worker_id", sa.Integer(), sa.ForeignKey("workers.id", name="fk_messages_worker_id_workers")),
        sa.Column("order_id", sa.Integer()),
        sa.Column("offer_id", sa.Integer()),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("encoding", sa.String(5), nullable=False),
        sa.Column("segments", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("provider_sid", sa.String(64)),
        sa.Column("error_code", sa.String(16)),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        *_timestamps(),
        sa.UniqueConstraint("provider_sid", name="uq_messages_provider_sid"),
        sa.CheckConstraint("direction IN ('out', 'in')", name="ck_messages_direction"),
        sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'received')", name="ck_messages_status"),
        sa.CheckConstraint("encoding IN ('GSM-7', 'UCS-2')", name="ck_messages_encoding"),
    )
    op.create_index("ix_messages_worker_id", "messages", ["worker_id"])
    op.create_index("ix_messages_order_id", "messages", ["order_id"])
    op.create_index("ix_messages_queued", "messages", ["id"], postgresql_where=sa.text("status = 'queued'"))


def downgrade() -> None:
    op.drop_table("messages")
    op.drop_table("offers")
    op.drop_table("orders")
    for column in ("distance_weight", "rating_weight", "radius_growth", "wave_multiple"):
        op.drop_column("branches", column)
