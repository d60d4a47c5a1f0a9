"""An outgoing provider id is recorded on one message only (sms_sent_sids, migration 0064):
the messages are partitioned, so their provider_sid is not unique; two settles of dead
senders' claims for the same words to the same phone, each reading the other's id as not yet
recorded, must not both keep it. The second commit fails, as messages' unique index made it
before 0059, and the job's retry finds the id taken.

The two senders are two connections, so these tests commit: every row is deleted afterwards.
"""

import uuid
from datetime import timedelta

import pytest
from psycopg.errors import UniqueViolation
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from core.clock import now
from core.db import get_sessionmaker, session_scope
from dispatch.texts import delivery
from sms import sending
from sms.gateways import OutboxGateway, Sent
from sms.models import Message, SentSid
from sms.sending import CLAIM_STALE

PHONE = "+79990007788"
BODY = "Brigada sent-ids test"


class Listing(OutboxGateway):
    """The provider took one text of these words (`sid`) and takes any sent now."""

    def __init__(self, sid: str):
        self.listed = [sid]
        self.calls = 0

    def send(self, *, to: str, body: str) -> Sent:
        self.calls += 1
        sent = super().send(to=to, body=body)
        self.listed.insert(0, sent.provider_sid)
        return sent

    def find_sent(self, *, to: str, body: str, since) -> list[str]:
        return list(self.listed)


def _purge(sid_prefix: str) -> None:
    with session_scope() as session:
        session.execute(delete(Message).where(Message.phone == PHONE, Message.body == BODY))
        session.execute(delete(SentSid).where(SentSid.provider_sid.like(f"{sid_prefix}%")))


@pytest.fixture
def sid(engine):
    """A provider id of this run (on the built schema: `engine`), and the outbox ids its sends
    take, cleaned up after."""
    sid = f"SMsids{uuid.uuid4().hex[:12]}"
    _purge(sid)
    yield sid
    with session_scope() as session:
        sent = select(Message.provider_sid).where(Message.phone == PHONE, Message.body == BODY)
        session.execute(delete(SentSid).where(SentSid.provider_sid.in_(sent)))
    _purge(sid)


@pytest.fixture
def two_dead_claims(sid):
    """Two texts of the same words to the same phone, each claimed by a sender that died."""
    claimed_at = now() - CLAIM_STALE - timedelta(seconds=5)
    with session_scope() as session:
        rows = [
            Message(
                direction="out",
                kind="offer",
                phone=PHONE,
                body=BODY,
                encoding="GSM-7",
                segments=1,
                status="sending",
                claimed_at=claimed_at,
            )
            for _ in range(2)
        ]
        session.add_all(rows)
        session.flush()
        ids = [row.id for row in rows]
    return ids


def _seen(message_id: int) -> sending.Seen:
    with session_scope() as session:
        seen = sending.look(session, message_id)
    assert seen is not None
    return seen


def _settle_both(sid: str, first_id: int, second_id: int) -> None:
    """Two settles of the two claims, the second reading before the first commits: the id
    looks free to both. The second commit must fail."""
    first, second = _seen(first_id), _seen(second_id)
    with get_sessionmaker()() as one, get_sessionmaker()() as two:
        assert sending.settle(one, first, [sid], now()) is not None
        one.flush()
        assert sending.settle(two, second, [sid], now()) is not None
        one.commit()
        with pytest.raises(IntegrityError) as failed:
            two.commit()
        assert isinstance(failed.value.orig, UniqueViolation)
        two.rollback()


def test_two_settles_cannot_both_record_one_provider_id(sid, two_dead_claims):
    first_id, second_id = two_dead_claims

    _settle_both(sid, first_id, second_id)

    with session_scope() as session:
        holders = session.scalars(select(Message.id).where(Message.provider_sid == sid))
        assert list(holders) == [first_id]
        second = session.scalars(select(Message).where(Message.id == second_id)).one()
        assert (second.status, second.provider_sid) == ("sending", None)


def test_the_retry_after_a_lost_race_sees_the_id_taken_and_sends_its_own(sid, two_dead_claims):
    first_id, second_id = two_dead_claims
    gateway = Listing(sid)
    _settle_both(sid, first_id, second_id)

    outcome = delivery.deliver(session_scope, second_id, gateway, lambda: True)

    assert outcome.result == "sent" and gateway.calls == 1
    with session_scope() as session:
        rows = session.execute(
            select(Message.id, Message.provider_sid).where(Message.id.in_(two_dead_claims))
        )
        sids = {message_id: provider_sid for message_id, provider_sid in rows}
        recorded = session.scalars(
            select(SentSid.provider_sid).where(SentSid.provider_sid.in_(sids.values()))
        )
        assert set(recorded) == {sid, gateway.listed[0]}
    assert sids[first_id] == sid and sids[second_id] == gateway.listed[0] != sid


def test_a_sent_id_is_forgotten_after_a_week(session):
    at = now()
    session.add(SentSid(provider_sid="SMsidsold", sent_at=at))
    session.flush()
    assert delivery.forget_sent_sids(session, at + timedelta(days=6)) == 0
    assert delivery.forget_sent_sids(session, at + timedelta(days=8)) >= 1
    assert session.get(SentSid, "SMsidsold") is None
