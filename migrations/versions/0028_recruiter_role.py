"""A new staff role, recruiter (one branch: registers and vets workers, no orders): the users'
role CHECK allows it. A constraint swap, no row rewritten.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03
"""

from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

BEFORE = ("admin", "manager", "dispatcher", "foreman")
AFTER = (*BEFORE, "recruiter")


def _allow(roles: tuple[str, ...]) -> None:
    listed = ", ".join(f"'{role}'" for role in roles)
    op.execute('ALTER TABLE "users" DROP CONSTRAINT "ck_users_role"')
    op.execute(f'ALTER TABLE "users" ADD CONSTRAINT "ck_users_role" CHECK (role IN ({listed}))')


def upgrade() -> None:
    _allow(AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM users WHERE role = 'recruiter'")  # a role that no longer exists
    _allow(BEFORE)
