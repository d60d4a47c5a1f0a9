"""Message bodies are kept BRIGADA_MESSAGE_BODY_KEEP_DAYS, then blanked with the row and its
metadata kept (issue 22, sms/retention.py and the job sms.bodies_due). A test clock (the job's
`moment`) stands in for the months."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from core.db import make_engine
from core.settings import MESSAGE_BODY_KEEP_FLOOR_DAYS, Settings, get_settings
from dispatch.penalties.disputes import DISPUTE_WINDOW
from dispatch.registry.knobs import KNOBS
from sms import retention
from sms.models import Message
from sms.tasks import keep_bodies

MOMENT = datetime(2027, 9, 1, 12, tzinfo=UTC)
KEEP = timedelta(days=get_settings().message_body_keep_days)
META = (
    "direction", "worker_id", "order_id", "offer_id", "kind", "phone", "encoding", "segments",
    "status", "provider_sid", "error_code", "sent_at", "created_at", "updated_at",
)  # fmt: skip


def _message(session, age: timedelta, status: str = "delivered", **overrides) -> Message:
    at = MOMENT - age
    values = dict(
        direction="in" if status in ("received", "processed") else "out",
        kind="offer",
        phone="+79215550123",
        body=f"Смена {age.days} дн. назад: ул. Ленина 1, 08:00",
        encoding="UCS-2",
        segments=2,
        status=status,
        order_id=41,
        offer_id=7,
        sent_at=at,
        created_at=at,
        updated_at=at,
    )
    message = Message(**{**values, **overrides})
    session.add(message)
    session.flush()
    return message


def _meta(message: Message) -> tuple[object, ...]:
    return tuple(getattr(message, name) for name in META)


def _fresh(session, message: Message) -> Message:
    session.expire_all()
    return session.scalars(select(Message).where(Message.id == message.id)).one()


def test_bodies_older_than_the_cut_are_blanked_newer_ones_and_metadata_kept(
    session_factory, session
):
    old_out = _message(session, KEEP + timedelta(days=30))
    old_in = _message(session, KEEP + timedelta(minutes=1), status="processed")
    recent = _message(session, KEEP - timedelta(minutes=1))
    before = {m.id: (_meta(m), m.body) for m in (old_out, old_in, recent)}

    assert keep_bodies(MOMENT, session_factory) == 2

    for old in (old_out, old_in):
        row = _fresh(session, old)
        assert row.body == "" and row.body_removed_at == MOMENT
        assert _meta(row) == before[old.id][0]  # kind, status, phone, times, ids: all kept
    row = _fresh(session, recent)
    assert row.body == before[recent.id][1] and row.body_removed_at is None


def test_a_body_a_job_still_reads_is_not_blanked(session_factory, session):
    """Queued, claimed or unread rows wait (they are never this old unless a job is lost)."""
    waiting = [_message(session, KEEP * 2, status=s) for s in ("queued", "sending", "received")]
    assert keep_bodies(MOMENT, session_factory) == 0
    assert all(_fresh(session, m).body_removed_at is None for m in waiting)


def test_a_second_run_does_nothing(session_factory, session):
    old = _message(session, KEEP + timedelta(days=1))
    assert keep_bodies(MOMENT, session_factory) == 1
    later = MOMENT + timedelta(hours=1)
    assert keep_bodies(later, session_factory) == 0
    assert _fresh(session, old).body_removed_at == MOMENT  # not stamped again


def test_batches_stop_at_the_bound_oldest_first(session_factory, session):
    rows = [_message(session, KEEP + timedelta(days=d)) for d in range(1, 8)]  # 7 old
    assert retention.blank_bodies(session, cut=MOMENT - KEEP, at=MOMENT, batch=3) == 3
    blanked = [_fresh(session, m).body_removed_at is not None for m in rows]
    assert blanked == [False] * 4 + [True] * 3  # the three oldest
    assert keep_bodies(MOMENT, session_factory, batch=2, max_batches=1) == 2  # the run's bound
    assert keep_bodies(MOMENT, session_factory, batch=2) == 2  # a short batch ends the run
    assert all(_fresh(session, m).body == "" for m in rows)


def test_the_job_reads_the_not_yet_blanked_rows_by_their_index(session):
    plan = session.execute(
        text("EXPLAIN " + str(retention._OLDEST.text)),
        {"cut": MOMENT, "batch": retention.BATCH},
    ).scalars()
    # On the partitioned table each month has its own copy of the index, named by PostgreSQL.
    copies = session.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = CAST('ix_messages_body_kept' AS regclass)"
        )
    ).scalars()
    used = re.findall(r"Index Scan using (\S+)", "\n".join(plan))
    assert used and set(used) <= {"ix_messages_body_kept", *copies}


def test_two_runs_at_once_skip_each_others_rows_and_blank_each_once(engine):
    """Committed rows, two connections: the second run skips the first's locked rows without
    waiting and blanks the rest; nothing is blanked twice."""
    phone = "+79990000001"
    racing = make_engine(get_settings().database_url)
    try:
        with racing.begin() as conn:
            for d in range(1, 6):
                conn.execute(
                    text(
                        "INSERT INTO messages (direction, kind, phone, body, encoding, segments, "
                        "status, created_at, updated_at) VALUES ('out', 'offer', :phone, 'x', "
                        "'GSM-7', 1, 'delivered', :at, :at)"
                    ),
                    {"phone": phone, "at": MOMENT - KEEP - timedelta(days=d)},
                )
        cut = MOMENT - KEEP
        with Session(racing) as first, Session(racing) as second:
            took = retention.blank_bodies(first, cut=cut, at=MOMENT, batch=2)  # held, locked
            second.execute(text("SET LOCAL lock_timeout = '1s'"))  # a wait would fail
            rest = retention.blank_bodies(second, cut=cut, at=MOMENT, batch=10)
            second.commit()
            first.commit()
        assert (took, rest) == (2, 3)
        with racing.connect() as conn:
            blanked = conn.execute(
                select(Message.body_removed_at).where(Message.phone == phone)
            ).scalars()
            assert list(blanked) == [MOMENT] * 5
    finally:
        with racing.begin() as conn:
            conn.execute(delete(Message).where(Message.phone == phone))
        racing.dispose()


def test_the_setting_refuses_less_than_the_floor():
    with pytest.raises(ValidationError, match="message_body_keep_days"):
        Settings(message_body_keep_days=MESSAGE_BODY_KEEP_FLOOR_DAYS - 1)
    assert get_settings().message_body_keep_days >= MESSAGE_BODY_KEEP_FLOOR_DAYS


def test_the_floor_outlasts_every_case_a_text_can_be_evidence_in():
    """A penalty dispute opens up to DISPUTE_WINDOW after the shift and waits up to the longest
    dispute_deadline_h; a client's undisputed line is invoiced up to invoice_after_days."""
    floor = timedelta(days=MESSAGE_BODY_KEEP_FLOOR_DAYS)
    assert floor >= DISPUTE_WINDOW + timedelta(hours=KNOBS["dispute_deadline_h"].le)
    assert floor >= timedelta(days=KNOBS["invoice_after_days"].le)
