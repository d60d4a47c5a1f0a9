"""Outgoing provider ids are unique again: `sms_sent_sids`, one row per id recorded as sent.

Partitioning the messages (0059) took the UNIQUE off `provider_sid`. A dead sender's claim
is settled by taking the oldest of the provider's ids not yet on another row
(sms/sending.py `settle`); two settles at once, or a settle and a live record of the same
words to the same phone, could both take one id: a text marked sent that never was. The
unique index used to fail the second commit and its job retried; this table's key does the
same, written in the transaction that records the id (sms/sending.py `_mark_sent`).

Filled with the outgoing ids recorded in the last SENT_DAYS days (the reconciler forgets
older ones, dispatch/texts/delivery.py SENT_SIDS_KEPT: the key only settles transactions
running at the same moment, the settle reads older ids from the messages). The fill reads
every month of messages once (a text may be sent long after it was made): a plain scan, under
no lock the senders wait on.

Revision ID: 0064
Revises: 0063
Create Date: 2026-12-04
"""

from alembic import op

revision = "0064"
down_revision = "0063"
branch_labels = None
depends_on = None

SENT_DAYS = 7  # dispatch/texts/delivery.py SENT_SIDS_KEPT


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE sms_sent_sids (
            provider_sid varchar(64) NOT NULL,
            sent_at timestamptz NOT NULL,
            CONSTRAINT pk_sms_sent_sids PRIMARY KEY (provider_sid)
        )
        """
    )
    op.execute("CREATE INDEX ix_sms_sent_sids_sent_at ON sms_sent_sids (sent_at)")
    # Distinct: an id the race already wrote on two rows is kept once.
    op.execute(
        "INSERT INTO sms_sent_sids (provider_sid, sent_at) "
        "SELECT provider_sid, max(coalesce(sent_at, created_at)) FROM messages "
        "WHERE direction = 'out' AND provider_sid IS NOT NULL "
        f"AND coalesce(sent_at, created_at) > now() - interval '{SENT_DAYS} days' "
        "GROUP BY provider_sid"
    )


def downgrade() -> None:
    op.execute("DROP TABLE sms_sent_sids")
