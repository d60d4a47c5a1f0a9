"""Workers texted in Uzbek, Tajik and Kyrgyz besides Russian and English (issue 19): the
language check widens. Downgrade moves those workers back to Russian, the language every
text has.

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-03
"""

from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None

BEFORE = ("ru", "en")
AFTER = ("ru", "en", "uz", "tg", "ky")


def _check(values: tuple[str, ...]) -> None:
    op.drop_constraint(op.f("ck_workers_language"), "workers", type_="check")
    listed = ", ".join(f"'{value}'" for value in values)
    op.create_check_constraint("language", "workers", f"language IN ({listed})")


def upgrade() -> None:
    _check(AFTER)


def downgrade() -> None:
    op.execute("UPDATE workers SET language = 'ru' WHERE language NOT IN ('ru', 'en')")
    _check(BEFORE)
