"""Quality control by SMS (issue 18, item 3): a site's own contact (sites.contact_name,
sites.contact_phone; the client's contact_phone stands in when empty), the branch's switch
(branches.quality_sms, off until the office turns it on) and the reviews, one per order, with
the dispatcher's case on a 1 or 2 (quality_reviews). Nullable columns and a constant default:
no table rewrite.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "branches",
        sa.Column("quality_sms", sa.Boolean(), nullable=False, server_default=sa.text("false")),
    )
    op.create_table(
        "quality_reviews",
        sa.Column("id", sa.Integer()),
        sa.Column(
            "order_id",
            sa.Integer(),
            sa.ForeignKey("orders.id", name="fk_quality_reviews_order_id_orders"),
            nullable=False,
        ),
        sa.Column(
            "branch_id",
            sa.Integer(),
            sa.ForeignKey("branches.id", name="fk_quality_reviews_branch_id_branches"),
            nullable=False,
        ),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ask_message_id", sa.Integer()),
        sa.Column("reasked_at", sa.DateTime(timezone=True)),
        sa.Column("score", sa.SmallInteger()),
        sa.Column("comment", sa.Text()),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.Column("case_opened_at", sa.DateTime(timezone=True)),
        sa.Column("case_closed_at", sa.DateTime(timezone=True)),
        sa.Column(
            "case_closed_by",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_quality_reviews_case_closed_by_users"),
        ),
        sa.Column("case_note", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_quality_reviews"),
        sa.UniqueConstraint("order_id", name="uq_quality_reviews_order_id"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score"),
        sa.CheckConstraint("case_closed_at IS NULL OR case_opened_at IS NOT NULL", name="case"),
    )
    op.create_index("ix_quality_reviews_phone", "quality_reviews", ["phone", "asked_at"])
    op.create_index(
        "ix_quality_reviews_open_cases",
        "quality_reviews",
        ["branch_id"],
        postgresql_where=sa.text("case_opened_at IS NOT NULL AND case_closed_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("quality_reviews")
    op.drop_column("branches", "quality_sms")
