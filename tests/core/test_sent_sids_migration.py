"""Migration 0064 fills sms_sent_sids with the last week's outgoing ids, once each; 0059's
downgrade, making provider_sid UNIQUE again, leaves a repeated id on its oldest row only.
On a database of its own (the downgrade rebuilds the messages)."""

from alembic import command
from sqlalchemy import text

from brigada.cli import alembic_config
from core.db import make_engine
from tests.conftest import reset_schema, upgrade  # noqa: I001

# (direction, provider_sid, days ago): a week-old id is past the keeping; two rows hold SMtwice
# (the race before 0064), two an inbound id (a provider retry after SEEN_DAYS).
TEXTS = (
    ("out", "SMtwice", 1),
    ("out", "SMtwice", 0),
    ("out", "SMonce", 2),
    ("out", "SMold", 9),
    ("out", None, 0),
    ("in", "SMin", 8),
    ("in", "SMin", 0),
)


def _scratch_engine(engine):
    url = engine.url.set(database=f"{engine.url.database}_sent_sids")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}"'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    return make_engine(url)


def _downgrade(scratch, revision: str) -> None:
    config = alembic_config()
    with scratch.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def test_sent_ids_are_filled_and_the_partitioning_undone_with_repeated_ids(engine):
    scratch = _scratch_engine(engine)
    try:
        reset_schema(scratch)
        upgrade(scratch, "0063")
        with scratch.begin() as conn:
            ids = [
                conn.execute(
                    text(
                        "INSERT INTO messages (direction, kind, phone, body, encoding, segments, "
                        "status, provider_sid, created_at, sent_at) VALUES (:d, 'offer', "
                        "'+79990001122', 'b', 'GSM-7', 1, 'sent', :sid, "
                        "now() - make_interval(days => :ago), now() - make_interval(days => :ago)"
                        ") RETURNING id"
                    ),
                    {"d": direction, "sid": sid, "ago": ago},
                ).scalar_one()
                for direction, sid, ago in TEXTS
            ]
        upgrade(scratch, "0064")
        with scratch.connect() as conn:
            kept = conn.execute(text("SELECT provider_sid FROM sms_sent_sids")).scalars()
            assert sorted(kept) == ["SMonce", "SMtwice"]

        _downgrade(scratch, "0058")

        with scratch.connect() as conn:
            rows = conn.execute(text("SELECT id, provider_sid FROM messages ORDER BY id")).all()
        assert [sid for _, sid in rows] == [
            "SMtwice",
            None,
            "SMonce",
            "SMold",
            None,
            "SMin",
            None,
        ]
        assert [message_id for message_id, _ in rows] == ids
    finally:
        scratch.dispose()
