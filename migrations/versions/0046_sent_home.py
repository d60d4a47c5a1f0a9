"""Issue 20: a worker sent home unfit (intoxicated, no safety gear, refused the task, other).
offers.sent_home_reason (and pending_reason, while the mark waits out the undo window), the
attendance and pending marks allow "sent_home", the ledger a "sent_home" penalty, and two
branch knobs: sent_home_points (3, a no-show's) and sent_home_fine (300.00, the no-show
fine's default); a pending sent_home has its reason (ck_offers_pending_whole). Downgrade
refuses while any offer or ledger entry uses them.

Revision ID: 0046
Revises: 0045
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0046"
down_revision = "0045"
branch_labels = None
depends_on = None

ATTENDANCE = ("arrived", "left_early", "no_show", "released", "sent_home")
PUNISHING = ("no_show", "left_early", "sent_home")
REASONS = ("intoxicated", "no_safety_gear", "refused_task", "other")
LEDGER_KINDS = (
    "late",
    "no_show",
    "late_cancellation",
    "complaint",
    "left_early",
    "sent_home",
    "compensation",
    "reversal",
)
# What the constraints allowed before.
OLD_ATTENDANCE = ("arrived", "left_early", "no_show", "released")
OLD_PUNISHING = ("no_show", "left_early")
OLD_LEDGER_KINDS = tuple(k for k in LEDGER_KINDS if k != "sent_home")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


PENDING_WHOLE = (
    "(pending_mark IS NULL) = (pending_until IS NULL)"
    " AND (pending_mark IS NULL) = (pending_at IS NULL)"
)
PENDING_REASON = (
    " AND (pending_mark IS NOT DISTINCT FROM 'sent_home') = (pending_reason IS NOT NULL)"
)


def _pending_whole(check: str) -> None:
    op.drop_constraint(op.f("ck_offers_pending_whole"), "offers", type_="check")
    op.create_check_constraint(op.f("ck_offers_pending_whole"), "offers", check)


def _checks(attendance: tuple[str, ...], punishing: tuple[str, ...], kinds: tuple[str, ...]):
    op.drop_constraint(op.f("ck_offers_attendance"), "offers", type_="check")
    op.create_check_constraint(
        op.f("ck_offers_attendance"), "offers", _in("attendance", attendance)
    )
    op.drop_constraint(op.f("ck_offers_pending_mark"), "offers", type_="check")
    op.create_check_constraint(
        op.f("ck_offers_pending_mark"), "offers", _in("pending_mark", punishing)
    )
    op.drop_constraint(op.f("ck_penalty_events_kind"), "penalty_events", type_="check")
    op.create_check_constraint(op.f("ck_penalty_events_kind"), "penalty_events", _in("kind", kinds))


def upgrade() -> None:
    op.add_column(
        "branches", sa.Column("sent_home_points", sa.Integer(), server_default="3", nullable=False)
    )
    op.add_column(
        "branches",
        sa.Column("sent_home_fine", sa.Numeric(10, 2), server_default="300.00", nullable=False),
    )
    op.alter_column("branches", "sent_home_points", server_default=None)
    op.alter_column("branches", "sent_home_fine", server_default=None)
    op.add_column("offers", sa.Column("sent_home_reason", sa.String(20)))
    op.add_column("offers", sa.Column("pending_reason", sa.String(20)))
    _checks(ATTENDANCE, PUNISHING, LEDGER_KINDS)
    op.create_check_constraint(
        op.f("ck_offers_sent_home_reason"), "offers", _in("sent_home_reason", REASONS)
    )
    op.create_check_constraint(
        op.f("ck_offers_pending_reason"), "offers", _in("pending_reason", REASONS)
    )
    op.create_check_constraint(
        op.f("ck_offers_sent_home_reason_whole"),
        "offers",
        "(attendance IS NOT DISTINCT FROM 'sent_home') = (sent_home_reason IS NOT NULL)",
    )
    _pending_whole(PENDING_WHOLE + PENDING_REASON)


def downgrade() -> None:
    used = op.get_bind().scalar(
        sa.text(
            "SELECT (SELECT count(*) FROM offers WHERE attendance = 'sent_home' "
            "OR pending_mark = 'sent_home') + "
            "(SELECT count(*) FROM penalty_events WHERE kind = 'sent_home')"
        )
    )
    if used:
        raise RuntimeError(f"{used} offers or ledger entries are about workers sent home")
    _pending_whole(PENDING_WHOLE)
    for name in ("sent_home_reason_whole", "pending_reason", "sent_home_reason"):
        op.drop_constraint(op.f(f"ck_offers_{name}"), "offers", type_="check")
    _checks(OLD_ATTENDANCE, OLD_PUNISHING, OLD_LEDGER_KINDS)
    op.drop_column("offers", "pending_reason")
    op.drop_column("offers", "sent_home_reason")
    op.drop_column("branches", "sent_home_fine")
    op.drop_column("branches", "sent_home_points")
