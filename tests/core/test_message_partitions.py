"""The messages are kept as monthly partitions (migration 0059, core/partitions.py MESSAGES):
a text lands in its month; the keeping job makes the coming months and drops those past
messages_keep_years, first clearing the rows that point at a text of a dropped month
(applicants' consent, applicant steps, disputes); an inbound repeat is still turned away by
the database. A test clock (the job's `moment`) stands in for the years; all DDL is rolled
back with the test."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, text

from core import partitions
from core.db import make_engine
from core.partition_tasks import keep_partitions
from core.settings import get_settings
from dispatch.replies import intake
from dispatch.texts import delivery
from sms import outbox
from sms.models import InboundSid, Message

MESSAGES = partitions.MESSAGES


def _where(session, message_id: int) -> str:
    return session.execute(
        text("SELECT tableoid::regclass::text FROM messages WHERE id = :id"), {"id": message_id}
    ).scalar_one()


def _text_at(session, at: datetime, sid: str | None = None) -> int:
    return session.execute(
        text(
            "INSERT INTO messages (direction, kind, phone, body, encoding, segments, status, "
            "provider_sid, created_at) VALUES ('out', 'offer', '+79990001122', 'b', 'GSM-7', 1, "
            "'sent', :sid, :at) RETURNING id"
        ),
        {"at": at, "sid": sid},
    ).scalar_one()


def _applicant_pointing_at(session, message_id: int, at: datetime) -> int:
    """An applicant whose consent and first step were that text."""
    applicant = session.execute(
        text(
            "INSERT INTO applicants (phone, last_message_at, consent_version, consent_at, "
            "consent_message_id, consent_message_at) "
            "VALUES ('+79990003344', :at, 'v1', :at, :id, :at) RETURNING id"
        ),
        {"at": at, "id": message_id},
    ).scalar_one()
    session.execute(
        text(
            "INSERT INTO applicant_steps (applicant_id, step, message_id, message_at, outcome) "
            "VALUES (:a, 'consent', :id, :at, 'taken')"
        ),
        {"a": applicant, "id": message_id, "at": at},
    )
    return applicant


def test_messages_are_partitioned_and_a_text_lands_in_its_month(session):
    kind = session.execute(text("SELECT relkind FROM pg_class WHERE relname = 'messages'"))
    assert kind.scalar_one() == "p"
    queued = outbox.queue(session, kind="help", worker_id=None, phone="+79990001122", body="hi")
    session.flush()
    this_month = partitions.month_of(datetime.now(UTC))
    assert _where(session, queued.id) == partitions.partition_name("messages", this_month)
    assert queued.created_at is not None  # returned by the insert: the pointers need it
    ahead = get_settings().partitions_ahead_months
    made = partitions.months(session, MESSAGES)
    assert {partitions.add_months(this_month, i) for i in range(ahead + 1)} <= set(made)


def test_the_coming_months_are_made_and_old_ones_dropped(session):
    stray = _text_at(session, datetime(2031, 6, 30, 23, 59, tzinfo=UTC))
    assert _where(session, stray) == "messages_default"
    made = partitions.ensure_ahead(
        session, MESSAGES, now=datetime(2031, 5, 15, tzinfo=UTC), ahead=2
    )
    assert made == ["messages_2031_05", "messages_2031_06", "messages_2031_07"]
    assert _where(session, stray) == "messages_2031_06"
    gone = partitions.drop_before(session, MESSAGES, keep_from=date(2031, 6, 1))
    assert gone[-1] == "messages_2031_05"  # after this month's and the three ahead
    assert _where(session, stray) == "messages_2031_06"


def test_a_month_still_pointed_at_is_dropped_once_the_pointers_are_cleared(session):
    """DETACH of a month a row still points into fails: the drop clears those pointers first,
    the rows that pointed stay (the consent keeps its version and time)."""
    partitions.ensure_ahead(session, MESSAGES, now=datetime(2019, 1, 10, tzinfo=UTC), ahead=2)
    old_at, kept_at = datetime(2019, 2, 3, tzinfo=UTC), datetime(2019, 3, 3, tzinfo=UTC)
    old, kept = _text_at(session, old_at), _text_at(session, kept_at)
    gone_applicant = _applicant_pointing_at(session, old, old_at)
    session.execute(
        text(
            "INSERT INTO applicant_steps (applicant_id, step, message_id, message_at, outcome) "
            "VALUES (:a, 'name', :id, :at, 'taken')"
        ),
        {"a": gone_applicant, "id": kept, "at": kept_at},
    )
    gone = partitions.drop_before(session, MESSAGES, keep_from=date(2019, 3, 1))
    assert gone == ["messages_2019_01", "messages_2019_02"]
    consent = session.execute(
        text(
            "SELECT consent_version, consent_message_id, consent_message_at FROM applicants "
            "WHERE id = :a"
        ),
        {"a": gone_applicant},
    ).one()
    assert tuple(consent) == ("v1", None, None)
    steps = session.execute(
        text("SELECT step, message_id FROM applicant_steps WHERE applicant_id = :a ORDER BY step"),
        {"a": gone_applicant},
    ).all()
    assert [tuple(s) for s in steps] == [("consent", None), ("name", kept)]


def test_the_job_keeps_the_messages_years(session_factory, session):
    """At a moment six years on, the job drops the months of texts more than five years
    before it (messages_keep_years), clearing what pointed into them, and makes the months
    ahead."""
    partitions.ensure_ahead(session, MESSAGES, now=datetime(2030, 10, 1, tzinfo=UTC), ahead=2)
    at = datetime(2030, 10, 5, tzinfo=UTC)
    applicant = _applicant_pointing_at(session, _text_at(session, at), at)
    session.commit()  # a savepoint released: the job's own sessions see these rows
    done = keep_partitions(datetime(2035, 11, 20, tzinfo=UTC), factory=session_factory)
    made = partitions.months(session, MESSAGES)
    assert date(2030, 10, 1) not in made and date(2030, 11, 1) in made
    assert "messages_2030_10" in done["messages"]
    assert {date(2035, 11, 1), date(2036, 2, 1)} <= set(made)
    pointer = session.execute(
        text("SELECT consent_message_id FROM applicants WHERE id = :a"), {"a": applicant}
    )
    assert pointer.scalar_one() is None


def test_a_drop_that_waits_too_long_leaves_the_other_tables_months_made(session_factory, session):
    """Another session reading texts holds off the DETACH of an old month past DETACH_WAIT:
    that month stays for the next run, the job does not fail, and the ledger (after the
    messages in MONTHLY) still gets its months ahead."""
    partitions.ensure_ahead(session, MESSAGES, now=datetime(2030, 10, 1, tzinfo=UTC), ahead=0)
    session.commit()
    reader = make_engine(get_settings().database_url)
    try:
        with reader.connect() as other:
            other.execute(text("LOCK TABLE ONLY messages IN ACCESS SHARE MODE"))  # a long read
            done = keep_partitions(datetime(2035, 11, 20, tzinfo=UTC), factory=session_factory)
            other.rollback()
    finally:
        reader.dispose()
    assert date(2030, 10, 1) in partitions.months(session, MESSAGES)
    assert "messages_2030_10" not in done["messages"]
    assert date(2036, 2, 1) in partitions.months(session, partitions.LEDGER)


def test_nothing_due_scans_no_pointing_table(session):
    """With no month past retention and nothing old in the default partition, the drop
    returns at once: the pointing tables are not updated (no rows locked or written)."""
    assert partitions.drop_before(session, MESSAGES, keep_from=date(2000, 1, 1)) == []
    locked = session.execute(
        text(
            "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()"
            " AND mode = 'RowExclusiveLock' AND relation = ANY (ARRAY['applicants',"
            " 'applicant_steps', 'penalty_disputes']::regclass[])"
        )
    ).scalar()
    assert locked == 0


def test_an_inbound_repeat_is_stored_once_and_its_id_forgotten_after_a_week(session):
    first = intake.receive(session, provider_sid="SMrepeat1", from_phone="+79990005566", body="да")
    again = intake.receive(session, provider_sid="SMrepeat1", from_phone="+79990005566", body="да")
    assert first is not None and again is None
    stored = session.scalars(select(Message.id).where(Message.provider_sid == "SMrepeat1"))
    assert list(stored) == [first]
    seen = session.get_one(InboundSid, "SMrepeat1")
    assert delivery.forget_seen_sids(session, seen.received_at + timedelta(days=6)) == 0
    assert delivery.forget_seen_sids(session, seen.received_at + timedelta(days=8)) >= 1
    assert session.scalar(select(InboundSid).where(InboundSid.provider_sid == "SMrepeat1")) is None


def test_a_status_callback_finds_a_text_older_than_its_window(session):
    """The lookup by provider id reads the last week's months first, then all of them."""
    partitions.ensure_ahead(session, MESSAGES, now=datetime(2024, 3, 1, tzinfo=UTC), ahead=0)
    old = _text_at(session, datetime(2024, 3, 9, tzinfo=UTC), sid="SMlongago1")
    assert delivery.record_status(
        session, provider_sid="SMlongago1", status="delivered", error_code=None
    )
    status = session.scalar(select(Message.status).where(Message.id == old))
    assert status == "delivered"


def test_a_stray_text_pointed_at_moves_into_its_month_and_stays_pointed_at(session):
    """A text that fell into the default partition (no job ran) and that an applicant's
    consent points at: making its month moves it and keeps the pointer."""
    at = datetime(2033, 4, 7, tzinfo=UTC)
    stray = _text_at(session, at)
    applicant = _applicant_pointing_at(session, stray, at)
    assert _where(session, stray) == "messages_default"
    partitions.create_month(session, MESSAGES, date(2033, 4, 1))
    assert _where(session, stray) == "messages_2033_04"
    pointer = session.execute(
        text("SELECT consent_message_id, consent_message_at FROM applicants WHERE id = :a"),
        {"a": applicant},
    ).one()
    assert tuple(pointer) == (stray, at)
    step = session.execute(
        text("SELECT message_id FROM applicant_steps WHERE applicant_id = :a"), {"a": applicant}
    )
    assert step.scalar_one() == stray
