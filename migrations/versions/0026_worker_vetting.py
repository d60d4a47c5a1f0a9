"""Vetting as a recorded act (who vetted a worker, when, the result, the documents seen), the
worker's current work patent expiry on the worker row, and the matcher's cell index carrying
it so the walk stays index-only with its new "patent not expired" rule.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

WHERE = "status = 'active' AND vetted AND NOT opted_out AND NOT phone_invalid"
INCLUDE = "id, reliability, skills, suspended_until, home, no_show_at, no_show_until"


def _cell_index(include: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_workers_cell_rating")
    op.execute(
        f"""
        CREATE INDEX ix_workers_cell_rating ON workers (brigada_cell(home), rating DESC)
        INCLUDE ({include}) WHERE {WHERE}
        """
    )


def upgrade() -> None:
    op.add_column("workers", sa.Column("patent_expires_on", sa.Date()))
    _cell_index(INCLUDE + ", patent_expires_on")
    op.create_table(
        "worker_vettings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "worker_id",
            sa.Integer(),
            sa.ForeignKey(
                "workers.id", ondelete="CASCADE", name="fk_worker_vettings_worker_id_workers"
            ),
            nullable=False,
        ),
        sa.Column(
            "vetted_by",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_worker_vettings_vetted_by_users"),
        ),
        sa.Column(
            "vetted_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("result", sa.String(10), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("result IN ('approved', 'rejected')", name="result"),
        sa.PrimaryKeyConstraint("id", name="pk_worker_vettings"),
    )
    op.create_index("ix_worker_vettings_worker_id", "worker_vettings", ["worker_id"])
    op.create_table(
        "vetting_documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "vetting_id",
            sa.Integer(),
            sa.ForeignKey(
                "worker_vettings.id",
                ondelete="CASCADE",
                name="fk_vetting_documents_vetting_id_worker_vettings",
            ),
            nullable=False,
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("expires_on", sa.Date()),
        sa.CheckConstraint("kind IN ('passport', 'patent')", name="kind"),
        sa.CheckConstraint(
            "kind <> 'patent' OR expires_on IS NOT NULL",
            name="patent_expiry",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_vetting_documents"),
    )
    op.create_index("ix_vetting_documents_vetting_id", "vetting_documents", ["vetting_id"])


def downgrade() -> None:
    op.drop_index("ix_vetting_documents_vetting_id", table_name="vetting_documents")
    op.drop_table("vetting_documents")
    op.drop_index("ix_worker_vettings_worker_id", table_name="worker_vettings")
    op.drop_table("worker_vettings")
    _cell_index(INCLUDE)
    op.drop_column("workers", "patent_expires_on")
