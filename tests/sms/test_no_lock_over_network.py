"""No transaction is open, and no row lock held, while a sender asks the provider's list or
waits for a rate slot (sms/sending.py): both are waits on the network, of any length.

These tests commit (the sender's steps are real transactions), so they build their own
branch and delete everything they made afterwards.
"""

from datetime import timedelta

import pytest
from psycopg.errors import LockNotAvailable
from sqlalchemy import select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from core.clock import now
from core.db import make_engine, session_scope
from core.settings import get_settings
from dispatch.fill import waves
from dispatch.texts import delivery
from sms import sending
from sms.gateways import OutboxGateway, Sent
from sms.models import Message
from sms.sending import CLAIM_STALE
from tests.builders import NOW, make_branch, make_client, make_order, make_site, make_worker
from tests.committed import purge_branch, purge_code

SENDER = "brigada-test-sender"


@pytest.fixture
def sender(engine):
    """The sender's own connections, named so the probe can find them in pg_stat_activity."""
    own = make_engine(get_settings().database_url, connect_args={"application_name": SENDER})
    yield sessionmaker(bind=own, expire_on_commit=False)
    own.dispose()


@pytest.fixture
def queued(sender):
    with session_scope(sender) as session:
        purge_code(session, "NETWAIT")
        branch = make_branch(session, code="NETWAIT")
        make_worker(session, branch=branch)
        site = make_site(session, client=make_client(session, branch=branch))
        order = make_order(session, site=site)
        waves.start_filling(session, order.id, NOW)
        message_id = session.scalars(select(Message.id).where(Message.order_id == order.id)).one()
        branch_id = branch.id
    yield message_id
    with session_scope(sender) as session:
        purge_branch(session, branch_id)


class Probe:
    """From a connection of its own: is the message row locked, is a sender's transaction
    open? Each look is written down with the moment it was taken."""

    def __init__(self, engine, message_id: int):
        self.engine, self.message_id = engine, message_id
        self.seen: list[tuple[str, int, bool]] = []

    def __call__(self, moment: str) -> None:
        with self.engine.connect() as conn:
            open_transactions = conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"
                    " AND datname = current_database() AND xact_start IS NOT NULL"
                ),
                {"name": SENDER},
            )
            try:
                conn.execute(
                    text("SELECT id FROM messages WHERE id = :id FOR UPDATE NOWAIT"),
                    {"id": self.message_id},
                )
                row_locked = False
            except OperationalError as exc:
                assert isinstance(exc.orig, LockNotAvailable)
                row_locked = True
            conn.rollback()
        self.seen.append((moment, open_transactions, row_locked))


class Watched(OutboxGateway):
    """The provider's edge: looks at the database while it is being called."""

    def __init__(self, probe: Probe, *, took_it: str | None = None):
        self.probe, self.took_it = probe, took_it

    def find_sent(self, *, to: str, body: str, since) -> list[str]:
        self.probe("find_sent")
        return [self.took_it] if self.took_it else []

    def send(self, *, to: str, body: str) -> Sent:
        self.probe("send")
        return super().send(to=to, body=body)


def slot(probe: Probe):
    def acquire() -> bool:
        probe("rate-limit wait")
        return True

    return acquire


def leave_stale_claim(sender, message_id: int) -> None:
    """A sender that claimed the message and died, longer ago than CLAIM_STALE."""
    with session_scope(sender) as session:
        assert isinstance(sending.claim(session, message_id, now()), sending.Claim)
    with session_scope(sender) as session:
        session.execute(
            update(Message)
            .where(Message.id == message_id)
            .values(claimed_at=Message.claimed_at - CLAIM_STALE - timedelta(seconds=1))
        )


def test_a_stale_claim_is_checked_and_resent_with_no_transaction_open(engine, sender, queued):
    probe = Probe(engine, queued)
    leave_stale_claim(sender, queued)

    outcome = delivery.deliver(lambda: session_scope(sender), queued, Watched(probe), slot(probe))

    assert outcome.result == "sent"
    assert probe.seen == [
        ("find_sent", 0, False),
        ("rate-limit wait", 0, False),
        ("send", 0, False),
    ]


def test_a_stale_claim_the_provider_took_is_recorded_after_the_lookup(engine, sender, queued):
    probe = Probe(engine, queued)
    leave_stale_claim(sender, queued)
    gateway = Watched(probe, took_it=f"SMnetwait{queued}")

    outcome = delivery.deliver(lambda: session_scope(sender), queued, gateway, slot(probe))

    assert outcome.result == "sent"
    assert probe.seen == [("find_sent", 0, False)]
    with session_scope(sender) as session:
        message = session.scalars(select(Message).where(Message.id == queued)).one()
        assert (message.status, message.provider_sid) == ("sent", f"SMnetwait{queued}")


def test_a_queued_message_waits_for_its_slot_with_no_transaction_open(engine, sender, queued):
    probe = Probe(engine, queued)

    outcome = delivery.deliver(lambda: session_scope(sender), queued, Watched(probe), slot(probe))

    assert outcome.result == "sent"
    assert probe.seen == [("rate-limit wait", 0, False), ("send", 0, False)]
