"""The CHECK constraints the first migrations made carry the table's prefix twice
(ck_orders_ck_orders_status: a full name given where the naming convention adds the prefix
again); they take the names the models give them (ck_orders_status), so a CHECK built from
an enum (core.models.in_check) is found in the database by the model's name. What each
allows is unchanged: a rename, no table is scanned or locked for long.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03
"""

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

# (table, the name the model gives, without the "ck_<table>_" prefix)
CHECKS = (
    ("branches", "overbook_factor"),
    ("branches", "overbooking_mode"),
    ("branches", "fill_goal"),
    ("branches", "radii"),
    ("branches", "confirm_window"),
    ("users", "role"),
    ("users", "branch_by_role"),
    ("sites", "geofence"),
    ("workers", "status"),
    ("workers", "language"),
    ("workers", "rating_range"),
    ("workers", "reliability_range"),
    ("orders", "status"),
    ("orders", "headcount"),
    ("orders", "shift"),
    ("orders", "rates"),
    ("orders", "overbook_factor"),
    ("orders", "booking_target"),
    ("offers", "status"),
    ("messages", "direction"),
    ("messages", "encoding"),
    ("messages", "status"),
)


def _rename(table: str, old: str, new: str) -> None:
    op.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{old}" TO "{new}"')


def upgrade() -> None:
    for table, name in CHECKS:
        _rename(table, f"ck_{table}_ck_{table}_{name}", f"ck_{table}_{name}")


def downgrade() -> None:
    # Back to the doubled names the earlier migrations' downgrades drop (0017, 0004).
    for table, name in CHECKS:
        _rename(table, f"ck_{table}_{name}", f"ck_{table}_ck_{table}_{name}")
