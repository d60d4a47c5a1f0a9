"""A foreman's punishing mark (no-show, left early) waits out the branch's undo window as a
pending mark on the offer before it is texted, fined or suspends; a sweep applies those whose
window is over, so a lost job never loses a consequence.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "branches",
        sa.Column("undo_window_s", sa.Integer(), server_default="120", nullable=False),
    )
    op.alter_column("branches", "undo_window_s", server_default=None)
    op.add_column("offers", sa.Column("pending_mark", sa.String(12)))
    op.add_column("offers", sa.Column("pending_at", sa.DateTime(timezone=True)))
    op.add_column("offers", sa.Column("pending_by", sa.Integer()))
    op.create_foreign_key(
        op.f("fk_offers_pending_by_users"), "offers", "users", ["pending_by"], ["id"]
    )
    op.add_column("offers", sa.Column("pending_until", sa.DateTime(timezone=True)))
    op.create_check_constraint(
        op.f("ck_offers_pending_mark"), "offers", "pending_mark IN ('no_show', 'left_early')"
    )
    op.create_check_constraint(
        op.f("ck_offers_pending_whole"),
        "offers",
        "(pending_mark IS NULL) = (pending_until IS NULL)"
        " AND (pending_mark IS NULL) = (pending_at IS NULL)",
    )
    op.create_index(
        "ix_offers_pending_until",
        "offers",
        ["pending_until"],
        postgresql_where=sa.text("pending_until IS NOT NULL"),
    )


def downgrade() -> None:
    # A mark still waiting would vanish with its columns: settle them (run the app) first.
    waiting = op.get_bind().scalar(
        sa.text("SELECT count(*) FROM offers WHERE pending_mark IS NOT NULL")
    )
    if waiting:
        raise RuntimeError(f"{waiting} marks still wait out their undo window: settle them first")
    op.drop_index("ix_offers_pending_until", table_name="offers")
    op.drop_constraint(op.f("ck_offers_pending_whole"), "offers")
    op.drop_constraint(op.f("ck_offers_pending_mark"), "offers")
    op.drop_constraint(op.f("fk_offers_pending_by_users"), "offers")
    for column in ("pending_until", "pending_by", "pending_at", "pending_mark"):
        op.drop_column("offers", column)
    op.drop_column("branches", "undo_window_s")
