"""Clients as users (issue 18): the `client` role (users.client_id, users.client_admin; a
client user is of their client's branch, by a composite key), the rates agreed with a client
per skill (client_rates) and the client's API keys, kept hashed (client_api_keys).

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

BEFORE = ("admin", "manager", "dispatcher", "foreman", "recruiter")
AFTER = (*BEFORE, "client")


def _allow(roles: tuple[str, ...]) -> None:
    listed = ", ".join(f"'{role}'" for role in roles)
    op.execute('ALTER TABLE "users" DROP CONSTRAINT "ck_users_role"')
    op.execute(f'ALTER TABLE "users" ADD CONSTRAINT "ck_users_role" CHECK (role IN ({listed}))')


def upgrade() -> None:
    _allow(AFTER)
    op.create_unique_constraint("uq_clients_id_branch", "clients", ["id", "branch_id"])
    op.add_column("users", sa.Column("client_id", sa.Integer()))
    op.add_column(
        "users",
        sa.Column("client_admin", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_users_client_id", "users", ["client_id"])
    op.create_foreign_key(
        "fk_users_client_id_clients",
        "users",
        "clients",
        ["client_id", "branch_id"],
        ["id", "branch_id"],
    )
    op.create_check_constraint(
        "client_by_role", "users", "(role = 'client') = (client_id IS NOT NULL)"
    )
    op.create_check_constraint("client_admin", "users", "NOT client_admin OR role = 'client'")
    op.create_table(
        "client_rates",
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id"), nullable=False),
        sa.Column("skill", sa.String(40), nullable=False),
        sa.Column("client_rate", sa.Numeric(10, 2), nullable=False),
        sa.Column("worker_rate", sa.Numeric(10, 2), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("client_rate >= 0 AND worker_rate >= 0", name="rates"),
        sa.PrimaryKeyConstraint("client_id", "skill"),
    )
    op.create_table(
        "client_api_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(12), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.UniqueConstraint("key_hash"),
    )
    op.create_index("ix_client_api_keys_client_id", "client_api_keys", ["client_id"])


def downgrade() -> None:
    op.drop_table("client_api_keys")
    op.drop_table("client_rates")
    op.execute("DELETE FROM users WHERE role = 'client'")  # a role that no longer exists
    op.drop_column("users", "client_admin")
    op.drop_column("users", "client_id")  # its index, key and CHECK go with it
    op.drop_constraint("uq_clients_id_branch", "clients", type_="unique")
    _allow(BEFORE)
