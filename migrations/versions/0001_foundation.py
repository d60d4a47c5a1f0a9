"""Foundation: branches, staff, clients, sites, workers, block lists, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import geoalchemy2
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _point(spatial_index: bool = False):
    return geoalchemy2.Geography(geometry_type="POINT", srid=4326, spatial_index=spatial_index)


def _timestamps():
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    ]


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")

    op.create_table(
        "branches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("country", sa.String(2), server_default="RU", nullable=False),
        sa.Column("center", _point(), nullable=False),
        # Policy knobs with the defaults of DESIGN.md (dispatch/registry/knobs.py is the reference).
        sa.Column("overbook_factor", sa.Numeric(3, 2), server_default="1.50", nullable=False),
        sa.Column("overbooking_mode", sa.String(10), server_default="fixed", nullable=False),
        sa.Column("fill_goal", sa.Numeric(4, 3), server_default="0.950", nullable=False),
        sa.Column("search_radius_m", sa.Integer(), server_default="10000", nullable=False),
        sa.Column("max_radius_m", sa.Integer(), server_default="40000", nullable=False),
        sa.Column("wave_timeout_min", sa.Integer(), server_default="10", nullable=False),
        sa.Column("confirm_ask_h", sa.Integer(), server_default="12", nullable=False),
        sa.Column("confirm_by_h", sa.Integer(), server_default="3", nullable=False),
        sa.Column("late_grace_min", sa.Integer(), server_default="10", nullable=False),
        sa.Column("late_as_no_show_min", sa.Integer(), server_default="60", nullable=False),
        sa.Column("late_cancel_h", sa.Integer(), server_default="12", nullable=False),
        sa.Column("no_show_suspend_days", sa.Integer(), server_default="7", nullable=False),
        sa.Column("strikes_to_suspend", sa.Integer(), server_default="3", nullable=False),
        sa.Column("strike_window_days", sa.Integer(), server_default="30", nullable=False),
        sa.Column("clean_shifts_per_forgiven_strike", sa.Integer(), server_default="8", nullable=False),
        sa.Column("geofence_m", sa.Integer(), server_default="250", nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("code", name="uq_branches_code"),
        sa.CheckConstraint("overbook_factor BETWEEN 1.0 AND 3.0", name="ck_branches_overbook_factor"),
        sa.CheckConstraint("overbooking_mode IN ('fixed', 'adaptive')", name="ck_branches_overbooking_mode"),
        sa.CheckConstraint("fill_goal BETWEEN 0.5 AND 0.999", name="ck_branches_fill_goal"),
        sa.CheckConstraint("search_radius_m <= max_radius_m", name="ck_branches_radii"),
        sa.CheckConstraint("confirm_by_h < confirm_ask_h", name="ck_branches_confirm_window"),
    )

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("branch_id", sa.Integer(), sa.ForeignKey("branches.id", name="fk_users_branch_id_branches")),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("username", name="uq_users_username"),
        sa.CheckConstraint("role IN ('admin', 'manager', 'dispatcher', 'foreman')", name="ck_users_role"),
        sa.CheckConstraint("(role = 'admin') = (branch_id IS NULL)", name="ck_users_branch_by_role"),
    )
    op.create_index("ix_users_branch_id", "users", ["branch_id"])

    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("branch_id", sa.Integer(), sa.ForeignKey("branches.id", name="fk_clients_branch_id_branches"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("branch_id", "name", name="uq_clients_branch_name"),
    )
    op.create_index("ix_clients_branch_id", "clients", ["branch_id"])

    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id", name="fk_sites_client_id_clients"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("location", _point(), nullable=False),
        sa.Column("geofence_m", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("geofence_m BETWEEN 50 AND 5000", name="ck_sites_geofence"),
    )
    op.create_index("ix_sites_client_id", "sites", ["client_id"])
    op.create_index("idx_sites_location", "sites", ["location"], postgresql_using="gist")

    op.create_table(
        "workers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("home", _point(), nullable=False),
        sa.Column("skills", postgresql.ARRAY(sa.String(40)), nullable=False),
        sa.Column("status", sa.String(16), server_default="active", nullable=False),
        sa.Column("language", sa.String(2), server_default="ru", nullable=False),
        sa.Column("vetted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("branch_id", sa.Integer(), sa.ForeignKey("branches.id", name="fk_workers_branch_id_branches"), nullable=False),
        sa.Column("opted_out", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("suspended_until", sa.DateTime(timezone=True)),
        sa.Column("rating", sa.Numeric(3, 2), server_default="3.50", nullable=False),
        sa.Column("reliability", sa.Numeric(4, 3), server_default="0.800", nullable=False),
        sa.Column("strikes", sa.Integer(), server_default="0", nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("phone", name="uq_workers_phone"),
        sa.CheckConstraint("status IN ('active', 'blocked')", name="ck_workers_status"),
        sa.CheckConstraint("language IN ('ru', 'en')", name="ck_workers_language"),
        sa.CheckConstraint("rating >= 0 AND rating <= 5", name="ck_workers_rating_range"),
        sa.CheckConstraint("reliability >= 0 AND reliability <= 1", name="ck_workers_reliability_range"),
    )
    op.create_index("ix_workers_branch_id", "workers", ["branch_id"])
    op.create_index("ix_workers_skills", "workers", ["skills"], postgresql_using="gin")
    # The matcher's radius search: ST_DWithin on geography uses this GiST index.
    op.create_index("idx_workers_home", "workers", ["home"], postgresql_using="gist")

    op.create_table(
        "client_blocks",
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id", name="fk_client_blocks_client_id_clients"), primary_key=True),
        sa.Column("worker_id", sa.Integer(), sa.ForeignKey("workers.id", name="fk_client_blocks_worker_id_workers"), primary_key=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id", name="fk_client_blocks_created_by_users")),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_client_blocks_worker_id", "client_blocks", ["worker_id"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("actor_user_id", sa.Integer()),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_ids", postgresql.JSONB(), nullable=False),
        sa.Column("branch_id", sa.Integer()),
        sa.Column("detail", postgresql.JSONB(), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_actor_user_id", "audit_log", ["actor_user_id"])
    op.create_index("ix_audit_log_branch_id", "audit_log", ["branch_id"])


def downgrade() -> None:
    for table in ("audit_log", "client_blocks", "workers", "sites", "clients", "users", "branches"):
        op.drop_table(table)
