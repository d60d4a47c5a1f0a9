"""Issue 22, history that stays fast, part 2: the messages become a table partitioned by month
of `created_at` (UTC), one partition per month from the oldest text to three months ahead and
a default partition, kept by the job in core/partition_tasks.py like the audit log (0057).
The primary key becomes (id, created_at).

What points at messages follows: a foreign key to a partitioned table names its whole key,
so applicants.consent_message_id, applicant_steps.message_id and penalty_disputes.message_id
each gain the message's time (consent_message_at, message_at; filled from the messages) and
a foreign key on the pair. `provider_sid` can no longer be unique (a partitioned table's
unique keys carry the partition key): it keeps a plain index, and the inbound intake's
dedupe moves to `sms_inbound_sids`, one row per provider id taken in (filled here with the
last SEEN_DAYS days' inbound ids: a provider's retries come within hours).

Downtime: the rows are copied under the old table's ACCESS EXCLUSIVE lock, so every text
sent, received or read waits (past BRIGADA_DB_LOCK_TIMEOUT_MS, fails) until the copy and the
index builds end: measured 39.6 s and 40.7 s for 1,000,000 generated messages (375 MB, 400
days, 19 partitions, 2,000 applicants pointing at them) on the 2-core test machine under
heavy other load (load average 13-14); the downgrade took 32.9 s. A year of 50 branches
(20,364,179 texts, the full-size history bench) took 125.6 s at load ~1.5. Run it in a quiet
hour, API and jobs stopped.

Revision ID: 0059
Revises: 0058
Create Date: 2026-12-04
"""

from alembic import op

revision = "0059"
down_revision = "0058"
branch_labels = None
depends_on = None

SEEN_DAYS = 7  # dispatch/texts/delivery.py SEEN_SIDS_KEPT
# The old indexes (renamed out of the way while the new table is built) and the new ones.
OLD_INDEXES = (
    "ix_messages_inbound_offer",
    "ix_messages_order_id",
    "ix_messages_queued",
    "ix_messages_received",
    "ix_messages_sending",
    "ix_messages_worker_id",
)
PLAIN_INDEXES = {
    "ix_messages_inbound_offer": "(kind, offer_id) WHERE direction = 'in'",
    "ix_messages_order_id": "(order_id)",
    "ix_messages_queued": "(id) WHERE status = 'queued'",
    "ix_messages_received": "(id) WHERE status = 'received'",
    "ix_messages_sending": "(claimed_at) WHERE status = 'sending'",
    "ix_messages_worker_id": "(worker_id)",
}
PARTITIONED_INDEXES = {
    **PLAIN_INDEXES,
    "ix_messages_provider_sid": "(provider_sid)",
    "ix_messages_created_at": "(created_at, id)",
}
# (table, the message's id, its time) of each row that points at a message.
POINTERS = (
    ("applicants", "consent_message_id", "consent_message_at"),
    ("applicant_steps", "message_id", "message_at"),
    ("penalty_disputes", "message_id", "message_at"),
)


def _set_aside(suffix: str, indexes: tuple[str, ...] | list[str]) -> None:
    op.execute(f"ALTER TABLE messages RENAME TO messages_{suffix}")
    op.execute(
        f"ALTER TABLE messages_{suffix} RENAME CONSTRAINT pk_messages TO pk_messages_{suffix}"
    )
    for name in indexes:
        new = name.replace("messages", f"messages_{suffix}", 1)
        op.execute(f"ALTER INDEX {name} RENAME TO {new}")


def _take_rows(source: str) -> None:
    """The rows copied column by column as the old table has them (another migration may
    have added one: LIKE took it too), then the sequence handed over and the old table gone."""
    op.execute(f"INSERT INTO messages SELECT * FROM {source}")
    op.execute("ALTER SEQUENCE messages_id_seq OWNED BY messages.id")
    op.execute(
        "ALTER TABLE messages ADD CONSTRAINT fk_messages_worker_id_workers "
        "FOREIGN KEY (worker_id) REFERENCES workers (id)"
    )
    op.execute(f"DROP TABLE {source}")  # its partitions with it


def upgrade() -> None:
    for table, id_column, _ in POINTERS:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT fk_{table}_{id_column}_messages")
    _set_aside("flat", [*OLD_INDEXES, "uq_messages_provider_sid"])
    op.execute(
        "CREATE TABLE messages (LIKE messages_flat INCLUDING DEFAULTS INCLUDING CONSTRAINTS, "
        "CONSTRAINT pk_messages PRIMARY KEY (id, created_at)) PARTITION BY RANGE (created_at)"
    )
    op.execute("CREATE TABLE messages_default PARTITION OF messages DEFAULT")
    # Months in UTC, from the oldest text's to three ahead (the job keeps three ahead after).
    op.execute(
        """
        DO $$
        DECLARE month date;
        BEGIN
          FOR month IN
            SELECT generate_series(
              date_trunc('month', coalesce((SELECT min(created_at) FROM messages_flat), now())
                                  AT TIME ZONE 'UTC'),
              date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months',
              interval '1 month')::date
          LOOP
            EXECUTE format(
              'CREATE TABLE %I PARTITION OF messages FOR VALUES FROM (%L) TO (%L)',
              'messages_' || to_char(month, 'YYYY_MM'),
              month::timestamp AT TIME ZONE 'UTC',
              (month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
          END LOOP;
        END $$
        """
    )
    _take_rows("messages_flat")
    # Indexes built once the rows are in: one bulk build per partition, not row by row.
    for name, spec in PARTITIONED_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON messages {spec}")
    for table, id_column, at_column in POINTERS:
        op.execute(f"ALTER TABLE {table} ADD COLUMN {at_column} timestamptz")
        op.execute(
            f"UPDATE {table} t SET {at_column} = m.created_at FROM messages m "
            f"WHERE m.id = t.{id_column}"
        )
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT ck_{table}_{at_column} "
            f"CHECK (({id_column} IS NULL) = ({at_column} IS NULL))"
        )
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT fk_{table}_{id_column}_messages "
            f"FOREIGN KEY ({id_column}, {at_column}) REFERENCES messages (id, created_at)"
        )
    op.execute(
        """
        CREATE TABLE sms_inbound_sids (
            provider_sid varchar(64) NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT pk_sms_inbound_sids PRIMARY KEY (provider_sid)
        )
        """
    )
    op.execute("CREATE INDEX ix_sms_inbound_sids_received_at ON sms_inbound_sids (received_at)")
    op.execute(
        "INSERT INTO sms_inbound_sids (provider_sid, received_at) "
        "SELECT provider_sid, created_at FROM messages WHERE direction = 'in' "
        f"AND provider_sid IS NOT NULL AND created_at > now() - interval '{SEEN_DAYS} days' "
        "ON CONFLICT DO NOTHING"
    )


def downgrade() -> None:
    op.execute("DROP TABLE sms_inbound_sids")
    for table, id_column, at_column in POINTERS:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT fk_{table}_{id_column}_messages")
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT ck_{table}_{at_column}")
        op.execute(f"ALTER TABLE {table} DROP COLUMN {at_column}")
    _set_aside("parts", list(PARTITIONED_INDEXES))
    op.execute(
        "CREATE TABLE messages (LIKE messages_parts INCLUDING DEFAULTS INCLUDING CONSTRAINTS, "
        "CONSTRAINT pk_messages PRIMARY KEY (id))"
    )
    _take_rows("messages_parts")
    # Partitioned, an id could be stored twice (an inbound retry after SEEN_DAYS, a settle's
    # race before 0064): the oldest row keeps it, the others lose it, or UNIQUE fails.
    op.execute(
        "UPDATE messages SET provider_sid = NULL WHERE id IN (SELECT id FROM ("
        "SELECT id, row_number() OVER (PARTITION BY provider_sid ORDER BY id) AS nth "
        "FROM messages WHERE provider_sid IS NOT NULL) AS ranked WHERE nth > 1)"
    )
    op.execute("ALTER TABLE messages ADD CONSTRAINT uq_messages_provider_sid UNIQUE (provider_sid)")
    for name, spec in PLAIN_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON messages {spec}")
    for table, id_column, _ in POINTERS:
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT fk_{table}_{id_column}_messages "
            f"FOREIGN KEY ({id_column}) REFERENCES messages (id)"
        )
