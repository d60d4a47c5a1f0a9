"""Approval of client orders placed inside a lead time (issue 18): the branch's knob
(branches.client_order_approval_h, 0: never), the order status `awaiting_approval` (the
status column widens to hold it) and the code's partial unique index covering awaiting
orders too, so an awaiting order keeps its code unique among live ones, and a partial index
of held orders by start for the reconciler's sweep. A constant default
and a wider varchar: no table rewrite. Downgrade cancels the awaiting orders first.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None

BEFORE = ("open", "filling", "filled", "short", "in_progress", "completed", "cancelled")
AFTER = ("awaiting_approval", *BEFORE)
LIVE_BEFORE = ("open", "filling", "filled", "short", "in_progress")
LIVE_AFTER = ("awaiting_approval", *LIVE_BEFORE)


def _listed(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


def _allow(statuses: tuple[str, ...], live: tuple[str, ...]) -> None:
    op.execute('ALTER TABLE "orders" DROP CONSTRAINT "ck_orders_status"')
    op.execute(
        f'ALTER TABLE "orders" ADD CONSTRAINT "ck_orders_status" CHECK (status IN {_listed(statuses)})'
    )
    op.drop_index("uq_orders_active_code", table_name="orders")
    op.create_index(
        "uq_orders_active_code",
        "orders",
        ["code"],
        unique=True,
        postgresql_where=sa.text(f"status IN {_listed(live)}"),
    )


def upgrade() -> None:
    op.add_column(
        "branches",
        sa.Column("client_order_approval_h", sa.Integer(), nullable=False, server_default="0"),
    )
    op.alter_column("orders", "status", type_=sa.String(20), existing_nullable=False)
    _allow(AFTER, LIVE_AFTER)
    # The reconciler's minute look for held orders whose start came: a few rows, not history.
    op.create_index(
        "ix_orders_awaiting_starts_at",
        "orders",
        ["starts_at"],
        postgresql_where=sa.text("status = 'awaiting_approval'"),
    )


def downgrade() -> None:
    # Nobody was texted about an awaiting order: cancelling it tells no worker anything.
    op.execute(
        "UPDATE orders SET status = 'cancelled', next_wave_at = NULL, "
        "cancel_reason = coalesce(cancel_reason, 'not approved before a downgrade') "
        "WHERE status = 'awaiting_approval'"
    )
    op.drop_index("ix_orders_awaiting_starts_at", table_name="orders")
    _allow(BEFORE, LIVE_BEFORE)
    op.alter_column("orders", "status", type_=sa.String(12), existing_nullable=False)
    op.drop_column("branches", "client_order_approval_h")
