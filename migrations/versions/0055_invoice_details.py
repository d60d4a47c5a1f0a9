"""Invoices keep the seller's (branch's) and the buyer's (client's) legal and bank details as
they were when the invoice was made: a March invoice shows March's details forever. Existing
invoices are filled from the details as they stand now (the best there is).

Revision ID: 0055
Revises: 0054
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0055"
down_revision = "0054"
branch_labels = None
depends_on = None

SELLER = (
    "legal_name",
    "inn",
    "kpp",
    "ogrn",
    "legal_address",
    "bank_name",
    "bik",
    "bank_account",
    "correspondent_account",
)
BUYER = ("name", "inn", "kpp", "ogrn", "legal_address")


def _object(alias: str, names: tuple[str, ...]) -> str:
    return "jsonb_build_object(" + ", ".join(f"'{n}', {alias}.{n}" for n in names) + ")"


# The invoices made before: the details as they stand (tests/dispatch/billing runs it too).
BACKFILL = (
    f"UPDATE invoices i SET seller = {_object('b', SELLER)}, buyer = {_object('c', BUYER)} "
    "FROM branches b, clients c WHERE b.id = i.branch_id AND c.id = i.client_id"
)


def upgrade() -> None:
    op.add_column("invoices", sa.Column("seller", JSONB(), nullable=True))
    op.add_column("invoices", sa.Column("buyer", JSONB(), nullable=True))
    op.execute(BACKFILL)
    op.alter_column("invoices", "seller", nullable=False)
    op.alter_column("invoices", "buyer", nullable=False)


def downgrade() -> None:
    op.drop_column("invoices", "buyer")
    op.drop_column("invoices", "seller")
