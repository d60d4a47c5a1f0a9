"""A ledger entry made by a rule keeps its reason as a stable code with its figures, so the
console says it in the reader's language (rating/reasons.py); entries made before this keep
their English and get their code from it.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# The English the rules wrote (rating/reasons.py), as patterns: code, regex, argument names.
# Numbers are kept as JSON numbers (the hours as written, to one decimal).
EARLIER = (
    ("absent", r"^did not come$", ()),
    ("attendance_corrected", r"^attendance corrected$", ()),
    ("released_on_site", r"^released on site$", ()),
    ("client_cancelled_late", r"^the client cancelled late$", ()),
    ("late", r"^arrived (\d+) min after the start$", ("minutes",)),
    (
        "late_as_no_show",
        r"^arrived (\d+) min after the start, more than (\d+) min: counts as a no-show$",
        ("minutes", "limit"),
    ),
    ("left_early", r"^left (\d+) min early$", ("minutes",)),
    (
        "late_cancellation",
        r"^cancelled (-?[\d.]+) h before the start \(window (\d+) h\)$",
        ("hours", "window"),
    ),
)


def upgrade() -> None:
    op.add_column("penalty_events", sa.Column("reason_code", sa.String(40)))
    op.add_column(
        "penalty_events",
        sa.Column("reason_args", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    )
    for code, pattern, names in EARLIER:
        pairs = ", ".join(
            f"'{name}', (regexp_match(reason, :pattern))[{i}]::numeric"
            for i, name in enumerate(names, start=1)
        )
        op.execute(
            sa.text(
                "UPDATE penalty_events SET reason_code = :code, "
                f"reason_args = jsonb_build_object({pairs}) "
                "WHERE automatic AND reason_code IS NULL AND reason ~ :pattern"
            ).bindparams(code=code, pattern=pattern)
        )
    # A complaint's reason holds who complained and what they wrote (a person's words).
    op.execute(
        sa.text(
            "UPDATE penalty_events SET reason_code = 'complaint', reason_args = "
            "jsonb_build_object('by', m[1], 'comment', m[2]) "
            "FROM (SELECT id AS mid, regexp_match(reason, :pattern) AS m FROM penalty_events) "
            "AS found WHERE found.mid = penalty_events.id AND kind = 'complaint' "
            "AND found.m IS NOT NULL"
        ).bindparams(pattern=r"^complaint by ([^:]*): (.*)$")
    )


def downgrade() -> None:
    op.drop_column("penalty_events", "reason_args")
    op.drop_column("penalty_events", "reason_code")
