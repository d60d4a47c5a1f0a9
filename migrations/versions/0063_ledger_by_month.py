"""Issue 22, the ledger: `penalty_events` becomes a table partitioned by month of
`occurred_at` (UTC), one partition per month from its oldest entry to three months ahead,
and a default partition for an entry no month took (the keeping job, core/partition_tasks.py,
makes the next months and drops those past BRIGADA_LEDGER_KEEP_YEARS). A partitioned table's
unique keys carry the partition key, so:

- the primary key becomes (id, occurred_at);
- a reversal is written with its entry's occurred_at (rating/service.py reverse), so it lands
  in its entry's month and "one reversal per entry" is unique (reverses_id, occurred_at);
- the self reference is checked by a trigger, not a foreign key: PostgreSQL refuses to detach
  a month whose rows a foreign key points at, and a reversal points into its own month, so a
  self foreign key would keep every month with a reversal forever. The trigger refuses a
  reversal whose (reverses_id, occurred_at) is not an entry (SQLSTATE 23503, as the key did),
  which is what keeps a reversal in its entry's month;
- reviews and penalty_disputes gain `penalty_at` (the entry's occurred_at, backfilled) and
  point at (id, occurred_at). A month they still point at is not dropped (the job skips it and
  logs, core/partitions.py drop_before).

A reversal is copied with its entry's occurred_at: rating/service.py reverse() has written
it so since the ledger began (d373d40), so this changes nothing on a database it wrote.

Downtime: the rows are copied under the old table's ACCESS EXCLUSIVE lock and reviews and
disputes are rewritten (their new column backfilled, their keys checked), so every ledger
write, review and dispute waits until it ends (past BRIGADA_DB_LOCK_TIMEOUT_MS, 503). The keys
and indexes are made after the copy (checked per row, the copy took 121 s). Measured: 1,050,000
entries (183 MB, 400 days, 50,000 reversals) in 18.5 s, 19 partitions made, on the 2-core
test machine under other work (load ~9). Run it in a quiet hour.

Revision ID: 0063
Revises: 0062
Create Date: 2026-12-04
"""

from alembic import op

revision = "0063"
down_revision = "0062"
branch_labels = None
depends_on = None

COLUMNS = (
    "id, worker_id, order_id, kind, points, fine, payout, currency, occurred_at, automatic, "
    "created_by, reason, reverses_id, reversed_at, created_at, reason_code, reason_args"
)
INDEXES = {
    "ix_penalty_events_worker": "worker_id, occurred_at",
    "ix_penalty_events_order": "order_id",
    "ix_penalty_events_created_at": "created_at",  # migration 0061: the rollups' refresh
}
# (table, constraint) of the foreign keys to the ledger from outside it.
REFERRERS = (
    ("reviews", "fk_reviews_penalty_id_penalty_events"),
    ("penalty_disputes", "fk_penalty_disputes_penalty_id_penalty_events"),
)
KINDS = (
    "'late', 'no_show', 'late_cancellation', 'complaint', 'left_early', 'sent_home', "
    "'compensation', 'reversal'"
)
TABLE = f"""
    CREATE TABLE penalty_events (
        id integer NOT NULL DEFAULT nextval('penalty_events_id_seq'),
        worker_id integer NOT NULL,
        order_id integer,
        kind varchar(20) NOT NULL,
        points integer NOT NULL DEFAULT 0,
        fine numeric(10, 2) NOT NULL DEFAULT '0',
        payout numeric(10, 2) NOT NULL DEFAULT '0',
        currency varchar(3) NOT NULL,
        occurred_at timestamptz NOT NULL,
        automatic boolean NOT NULL,
        created_by integer,
        reason text NOT NULL,
        reverses_id integer,
        reversed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        reason_code varchar(40),
        reason_args jsonb NOT NULL DEFAULT '{{}}'::jsonb,
        CONSTRAINT ck_penalty_events_kind CHECK (kind IN ({KINDS})),
        CONSTRAINT ck_penalty_events_amounts CHECK (points >= 0 AND fine >= 0 AND payout >= 0),
        CONSTRAINT ck_penalty_events_reversal
            CHECK ((kind = 'reversal') = (reverses_id IS NOT NULL))
    ) PARTITION BY RANGE (occurred_at)
"""
# Made after the copy: one index build and one check of each key beats a check per row.
KEYS = (
    "pk_penalty_events PRIMARY KEY (id, occurred_at)",
    "uq_penalty_events_reverses_id UNIQUE (reverses_id, occurred_at)",
    "fk_penalty_events_worker_id_workers FOREIGN KEY (worker_id) REFERENCES workers (id)",
    "fk_penalty_events_order_id_orders FOREIGN KEY (order_id) REFERENCES orders (id)",
    "fk_penalty_events_created_by_users FOREIGN KEY (created_by) REFERENCES users (id)",
)
# The reversed entry exists in the reversal's month; locked FOR KEY SHARE as a key would.
REVERSAL_CHECK = """
    CREATE FUNCTION penalty_events_reversal_check() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.reverses_id IS NOT NULL THEN
        PERFORM 1 FROM penalty_events
          WHERE id = NEW.reverses_id AND occurred_at = NEW.occurred_at FOR KEY SHARE;
        IF NOT FOUND THEN
          RAISE foreign_key_violation USING
            MESSAGE = format('reversal of (%s, %s): no such entry in its month',
                             NEW.reverses_id, NEW.occurred_at),
            CONSTRAINT = 'fk_penalty_events_reverses_id_penalty_events';
        END IF;
      END IF;
      RETURN NEW;
    END $$
"""
MONTHS = """
    DO $$
    DECLARE month date;
    BEGIN
      FOR month IN
        SELECT generate_series(
          date_trunc('month', coalesce((SELECT min(occurred_at) FROM penalty_events_flat),
                                       now()) AT TIME ZONE 'UTC'),
          date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months',
          interval '1 month')::date
      LOOP
        EXECUTE format(
          'CREATE TABLE %I PARTITION OF penalty_events FOR VALUES FROM (%L) TO (%L)',
          'penalty_events_' || to_char(month, 'YYYY_MM'),
          month::timestamp AT TIME ZONE 'UTC',
          (month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
      END LOOP;
    END $$
"""


def _indexes() -> None:
    for name, columns in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON penalty_events ({columns})")


def _rename(new: str) -> None:
    op.execute(f"ALTER TABLE penalty_events RENAME TO {new}")
    op.execute(f"ALTER TABLE {new} RENAME CONSTRAINT pk_penalty_events TO pk_{new}")
    op.execute(
        f"ALTER TABLE {new} RENAME CONSTRAINT uq_penalty_events_reverses_id TO uq_{new}_reverses_id"
    )
    for name in INDEXES:
        op.execute(f"ALTER INDEX {name} RENAME TO {name.replace('penalty_events', new)}")


def upgrade() -> None:
    for table, constraint in REFERRERS:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
        op.execute(f"ALTER TABLE {table} ADD COLUMN penalty_at timestamptz")
        op.execute(
            f"UPDATE {table} r SET penalty_at = e.occurred_at "
            "FROM penalty_events e WHERE e.id = r.penalty_id"
        )
    op.execute("ALTER TABLE penalty_disputes ALTER COLUMN penalty_at SET NOT NULL")
    op.execute(
        "ALTER TABLE reviews ADD CONSTRAINT ck_reviews_penalty "
        "CHECK ((penalty_id IS NULL) = (penalty_at IS NULL))"
    )
    _rename("penalty_events_flat")
    op.execute(TABLE)
    op.execute("CREATE TABLE penalty_events_default PARTITION OF penalty_events DEFAULT")
    op.execute(MONTHS)
    # A reversal takes its entry's occurred_at (the rule since the ledger began).
    picked = ", ".join(
        "coalesce(o.occurred_at, e.occurred_at)" if c == "occurred_at" else f"e.{c}"
        for c in COLUMNS.split(", ")
    )
    op.execute(
        f"INSERT INTO penalty_events ({COLUMNS}) SELECT {picked} FROM penalty_events_flat e "
        "LEFT JOIN penalty_events_flat o ON o.id = e.reverses_id"
    )
    for key in KEYS:
        op.execute(f"ALTER TABLE penalty_events ADD CONSTRAINT {key}")
    _indexes()
    op.execute("ALTER SEQUENCE penalty_events_id_seq OWNED BY penalty_events.id")
    op.execute("DROP TABLE penalty_events_flat")
    op.execute(REVERSAL_CHECK)
    op.execute(
        "CREATE TRIGGER penalty_events_reversal BEFORE INSERT OR UPDATE OF reverses_id, "
        "occurred_at ON penalty_events FOR EACH ROW EXECUTE FUNCTION penalty_events_reversal_check()"
    )
    for table, constraint in REFERRERS:
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {constraint} FOREIGN KEY (penalty_id, penalty_at) "
            "REFERENCES penalty_events (id, occurred_at)"
        )


def downgrade() -> None:
    for table, constraint in REFERRERS:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
    op.execute("DROP TRIGGER penalty_events_reversal ON penalty_events")
    op.execute("DROP FUNCTION penalty_events_reversal_check()")
    _rename("penalty_events_parts")
    op.execute(
        "CREATE TABLE penalty_events (LIKE penalty_events_parts INCLUDING DEFAULTS "
        "INCLUDING CONSTRAINTS, CONSTRAINT pk_penalty_events PRIMARY KEY (id), "
        "CONSTRAINT uq_penalty_events_reverses_id UNIQUE (reverses_id))"
    )
    for column, target in (
        ("worker_id", "workers"),
        ("order_id", "orders"),
        ("created_by", "users"),
    ):
        op.execute(
            f"ALTER TABLE penalty_events ADD CONSTRAINT fk_penalty_events_{column}_{target} "
            f"FOREIGN KEY ({column}) REFERENCES {target} (id)"
        )
    _indexes()
    op.execute(f"INSERT INTO penalty_events ({COLUMNS}) SELECT {COLUMNS} FROM penalty_events_parts")
    op.execute(
        "ALTER TABLE penalty_events ADD CONSTRAINT fk_penalty_events_reverses_id_penalty_events "
        "FOREIGN KEY (reverses_id) REFERENCES penalty_events (id)"
    )
    op.execute("ALTER SEQUENCE penalty_events_id_seq OWNED BY penalty_events.id")
    op.execute("DROP TABLE penalty_events_parts")  # its partitions with it
    op.execute("ALTER TABLE reviews DROP CONSTRAINT ck_reviews_penalty")
    for table, constraint in REFERRERS:
        op.execute(f"ALTER TABLE {table} DROP COLUMN penalty_at")
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {constraint} FOREIGN KEY (penalty_id) "
            "REFERENCES penalty_events (id)"
        )
