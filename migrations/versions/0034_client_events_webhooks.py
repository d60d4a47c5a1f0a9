"""Client events and webhooks (issue 18, items 4 and 5): the events outbox (client_events,
once per order and type), clients' webhook subscriptions and their delivery log, the client's
switch and language for texts about their orders, and a contact person per site.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

EVENTS = (
    "'order.filled', 'order.short', 'order.cancelled', 'shift.started', 'shift.closed', "
    "'timesheet.ready'"
)


def upgrade() -> None:
    op.add_column(
        "clients",
        sa.Column("notify_by_sms", sa.Boolean, nullable=False, server_default=sa.text("true")),
    )
    op.add_column(
        "clients", sa.Column("notify_language", sa.String(2), nullable=False, server_default="ru")
    )
    op.add_column("sites", sa.Column("contact_name", sa.String(200)))
    op.add_column("sites", sa.Column("contact_phone", sa.String(20)))
    op.create_table(
        "client_events",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column(
            "client_id",
            sa.Integer,
            sa.ForeignKey("clients.id", name="fk_client_events_client_id_clients"),
            nullable=False,
        ),
        sa.Column(
            "order_id",
            sa.Integer,
            sa.ForeignKey("orders.id", name="fk_client_events_order_id_orders"),
            nullable=False,
        ),
        sa.Column("type", sa.String(24), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", JSONB, nullable=False),
        sa.CheckConstraint(f"type IN ({EVENTS})", name="type"),
        sa.UniqueConstraint("order_id", "type", name="uq_client_events_order_type"),
        sa.PrimaryKeyConstraint("id", name="pk_client_events"),
    )
    op.create_index("ix_client_events_client_id", "client_events", ["client_id"])
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column(
            "client_id",
            sa.Integer,
            sa.ForeignKey("clients.id", name="fk_webhook_subscriptions_client_id_clients"),
            nullable=False,
        ),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("events", ARRAY(sa.String(24)), nullable=False),
        sa.Column("secret", sa.String(80), nullable=False),
        sa.Column(
            "created_by",
            sa.Integer,
            sa.ForeignKey("users.id", name="fk_webhook_subscriptions_created_by_users"),
        ),
        sa.Column("failing_since", sa.DateTime(timezone=True)),
        sa.Column("disabled_at", sa.DateTime(timezone=True)),
        sa.Column("deleted_at", sa.DateTime(timezone=True)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_subscriptions"),
    )
    op.create_index("ix_webhook_subscriptions_client_id", "webhook_subscriptions", ["client_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column(
            "event_id",
            UUID(as_uuid=True),
            sa.ForeignKey("client_events.id", name="fk_webhook_deliveries_event_id_client_events"),
            nullable=False,
        ),
        sa.Column(
            "subscription_id",
            sa.Integer,
            sa.ForeignKey(
                "webhook_subscriptions.id",
                name="fk_webhook_deliveries_subscription_id_webhook_subscriptions",
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("claimed_at", sa.DateTime(timezone=True)),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("last_status", sa.Integer),
        sa.Column("last_error", sa.String(200)),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.UniqueConstraint("event_id", "subscription_id", name="uq_webhook_deliveries_event_id"),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
    )
    op.create_index("ix_webhook_deliveries_event_id", "webhook_deliveries", ["event_id"])
    op.create_index(
        "ix_webhook_deliveries_subscription_id", "webhook_deliveries", ["subscription_id"]
    )
    op.create_index(
        "ix_webhook_deliveries_due",
        "webhook_deliveries",
        ["next_attempt_at"],
        postgresql_where=sa.text("next_attempt_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_subscriptions")
    op.drop_table("client_events")
    op.drop_column("sites", "contact_phone")
    op.drop_column("sites", "contact_name")
    op.drop_column("clients", "notify_language")
    op.drop_column("clients", "notify_by_sms")
