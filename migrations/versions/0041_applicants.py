"""Applicants registering by SMS (issue 19, item 1): the applicants, the append-only log of
their dialogue's steps, and the districts each branch lists for "where do you live".

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-03
"""

import geoalchemy2
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None

STEPS = "('consent', 'name', 'skills', 'home', 'language', 'done')"
STATUSES = "('talking', 'queued', 'invited', 'approved', 'refused', 'ended')"


def _point() -> geoalchemy2.Geography:
    return geoalchemy2.Geography(geometry_type="POINT", srid=4326, spatial_index=False)


def upgrade() -> None:
    op.create_table(
        "districts",
        sa.Column("id", sa.Integer()),
        sa.Column(
            "branch_id",
            sa.Integer(),
            sa.ForeignKey("branches.id", name="fk_districts_branch_id_branches"),
            nullable=False,
        ),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("centre", _point(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_districts"),
        sa.UniqueConstraint("branch_id", "name", name="uq_districts_branch_name"),
    )
    op.create_index("ix_districts_branch_id", "districts", ["branch_id"])
    op.create_table(
        "applicants",
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("id", sa.Integer()),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default="talking"),
        sa.Column("step", sa.String(10), nullable=False, server_default="consent"),
        sa.Column("language", sa.String(2), nullable=False, server_default="ru"),
        sa.Column("tries", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consent_version", sa.String(16)),
        sa.Column("consent_at", sa.DateTime(timezone=True)),
        sa.Column(
            "consent_message_id",
            sa.Integer(),
            sa.ForeignKey("messages.id", name="fk_applicants_consent_message_id_messages"),
        ),
        sa.Column("full_name", sa.String(200)),
        sa.Column("skills", postgresql.ARRAY(sa.String(40))),
        sa.Column("home", _point()),
        sa.Column(
            "district_id",
            sa.Integer(),
            sa.ForeignKey("districts.id", name="fk_applicants_district_id_districts"),
        ),
        sa.Column(
            "branch_id",
            sa.Integer(),
            sa.ForeignKey("branches.id", name="fk_applicants_branch_id_branches"),
        ),
        sa.Column("interview", sa.String(200)),
        sa.Column("invited_at", sa.DateTime(timezone=True)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column(
            "decided_by",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_applicants_decided_by_users"),
        ),
        sa.Column("note", sa.Text()),
        sa.Column(
            "worker_id",
            sa.Integer(),
            sa.ForeignKey("workers.id", name="fk_applicants_worker_id_workers"),
        ),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_applicants"),
        sa.UniqueConstraint("phone", name="uq_applicants_phone"),
        sa.CheckConstraint(f"status IN {STATUSES}", name="status"),
        sa.CheckConstraint(f"step IN {STEPS}", name="step"),
    )
    op.create_index("ix_applicants_branch_id", "applicants", ["branch_id"])
    op.create_index(
        "ix_applicants_talking",
        "applicants",
        ["last_message_at"],
        postgresql_where=sa.text("status = 'talking'"),
    )
    op.create_table(
        "applicant_steps",
        sa.Column("id", sa.Integer()),
        sa.Column(
            "applicant_id",
            sa.Integer(),
            sa.ForeignKey(
                "applicants.id",
                name="fk_applicant_steps_applicant_id_applicants",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("step", sa.String(10), nullable=False),
        sa.Column(
            "message_id",
            sa.Integer(),
            sa.ForeignKey("messages.id", name="fk_applicant_steps_message_id_messages"),
        ),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_applicant_steps"),
    )
    op.create_index("ix_applicant_steps_applicant_id", "applicant_steps", ["applicant_id"])


def downgrade() -> None:
    op.drop_table("applicant_steps")
    op.drop_table("applicants")
    op.drop_table("districts")
