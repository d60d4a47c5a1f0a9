"""Two first texts from one new number acted on at once, each on its own connection,
committed: the unique phone settles it. One makes the applicant and asks for consent; the
other waits for it and is read as the answer to that question (here: asked again). Never two
applicants, never two consent questions.

This test commits, so it deletes what it made (the phone's rows) before and after."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from core.audit import AuditEntry
from core.clock import now
from core.db import make_engine, session_scope
from core.settings import get_settings
from dispatch.replies import inbox, intake
from sms.models import Message
from workers.applicants import Applicant

PHONE = "+79957006600"
HOLD_S = 0.6  # how long the first keeps its new row uncommitted


@pytest.fixture
def factory(engine):
    racing = make_engine(get_settings().database_url, pool_size=4, max_overflow=0)
    made = sessionmaker(bind=racing, expire_on_commit=False)
    _forget(made)
    yield made
    _forget(made)
    racing.dispose()


def _forget(factory) -> None:
    with session_scope(factory) as session:
        for applicant_id in session.scalars(select(Applicant.id).where(Applicant.phone == PHONE)):
            session.execute(
                delete(AuditEntry).where(
                    AuditEntry.entity == "applicant", AuditEntry.entity_ids.contains([applicant_id])
                )
            )
        session.execute(delete(Applicant).where(Applicant.phone == PHONE))
        session.execute(delete(Message).where(Message.phone == PHONE))


def test_two_first_texts_at_once_make_one_applicant(factory):
    with session_scope(factory) as session:
        ids = [
            intake.receive(session, provider_sid=f"SMrace{n:029d}", from_phone=PHONE, body=body)
            for n, body in enumerate(("РАБОТА", "работа?"))
        ]
    results: dict[str, str] = {}

    def first() -> None:
        with session_scope(factory) as session:
            results["first"] = inbox.handle_inbound(session, ids[0], now())
            time.sleep(HOLD_S)  # the row is made, not yet committed

    def second() -> None:
        time.sleep(HOLD_S / 3)
        with session_scope(factory) as session:
            results["second"] = inbox.handle_inbound(session, ids[1], now())

    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(first), pool.submit(second)]:
            done.result()
    # The second was written before the question reached the phone: no answer to it, read
    # as nothing (dispatch/applicants/dialogue.py _first_asked), and no second question.
    assert results == {"first": "applicant started", "second": "consent not yet asked"}
    with session_scope(factory) as session:
        assert len(session.scalars(select(Applicant).where(Applicant.phone == PHONE)).all()) == 1
        kinds = session.scalars(
            select(Message.kind)
            .where(Message.phone == PHONE, Message.direction == "out")
            .order_by(Message.id)
        ).all()
    assert kinds == ["applicant_consent"]
