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


def _forget_client_users() -> None:
    """Client users go with their role; what they made stays, as if the system had made it:
    every reference to one (an order placed, a worker blocked, a review) is cleared first.
    The references are read from the catalogue, so one added by a later revision is not
    missed (all are nullable, as for rows the system makes)."""
    references = op.get_bind().execute(
        sa.text(
            "SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
            "WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass "
            "AND c.conrelid <> 'users'::regclass ORDER BY 1, 2"
        )
    ).all()
    clients = "SELECT id FROM users WHERE role = 'client'"
    for table, column in references:
        op.execute(f'UPDATE {table} SET "{column}" = NULL WHERE "{column}" IN ({clients})')
    op.execute("DELETE FROM users WHERE role = 'client'")


def downgrade() -> None:
    """The way up, undone in the reverse order, each thing by its name as the database has it."""
    op.drop_index("ix_client_api_keys_client_id", table_name="client_api_keys")
    op.drop_table("client_api_keys")
    op.drop_table("client_rates")
    _forget_client_users()
    op.drop_constraint(op.f("ck_users_client_admin"), "users", type_="check")
    op.drop_constraint(op.f("ck_users_client_by_role"), "users", type_="check")
    op.drop_constraint(op.f("fk_users_client_id_clients"), "users", type_="foreignkey")
    op.drop_index("ix_users_client_id", table_name="users")
    op.drop_column("users", "client_admin")
    op.drop_column("users", "client_id")
    op.drop_constraint(op.f("uq_clients_id_branch"), "clients", type_="unique")
    _allow(BEFORE)
