"""Branch wording of SMS texts, and transliteration to cut the cost of a blast.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("branches", sa.Column("sms_transliterate", sa.Boolean(),
                                        server_default=sa.text("false"), nullable=False))
    op.create_table(
        "sms_templates",
        sa.Column("branch_id", sa.Integer(),
                  sa.ForeignKey("branches.id", name="fk_sms_templates_branch_id_branches"),
                  primary_key=True),
        sa.Column("kind", sa.String(24), primary_key=True),
        sa.Column("language", sa.String(2), primary_key=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sms_templates")
    op.drop_column("branches", "sms_transliterate")
