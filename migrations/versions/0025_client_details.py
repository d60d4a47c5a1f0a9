"""Clients' contact and legal details (contact person and phone, INN, KPP, OGRN, legal
address, notes), all optional; and client_favourites: workers a client asked for again,
offered first when eligible.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

COLUMNS = (
    ("contact_person", sa.String(200)),
    ("contact_phone", sa.String(20)),
    ("inn", sa.String(12)),
    ("kpp", sa.String(9)),
    ("ogrn", sa.String(15)),
    ("legal_address", sa.String(500)),
    ("notes", sa.Text()),
)


def upgrade() -> None:
    # Nullable columns without a default: a catalogue change, no table rewrite.
    for name, kind in COLUMNS:
        op.add_column("clients", sa.Column(name, kind, nullable=True))
    op.create_index("ix_clients_inn", "clients", ["inn"])
    op.create_table(
        "client_favourites",
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id", name="fk_client_favourites_client_id_clients"), primary_key=True),
        sa.Column("worker_id", sa.Integer(), sa.ForeignKey("workers.id", name="fk_client_favourites_worker_id_workers"), primary_key=True),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id", name="fk_client_favourites_created_by_users")),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_client_favourites_worker_id", "client_favourites", ["worker_id"])


def downgrade() -> None:
    op.drop_table("client_favourites")
    op.drop_index("ix_clients_inn", table_name="clients")
    for name, _kind in reversed(COLUMNS):
        op.drop_column("clients", name)
