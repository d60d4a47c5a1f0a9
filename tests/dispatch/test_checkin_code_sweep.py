"""The sweep for ПРИШЕЛ <code> texts whose job was lost (dispatch.checkin_codes_due,
dispatch/shift/codes.py `waiting`): the text the inbox handed on is read as the job would read
it, at the time it came in, once; a text inside the grace is left to its job; a day late, no
check-in. The last test commits and runs the scheduled actor itself against a job holding the
text's row lock on another connection."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from brigada.scheduler import PERIODIC
from core.clock import now
from core.db import session_scope
from core.jobs import pending_jobs
from core.settings import get_settings
from dispatch.models import Branch, Offer, Order
from dispatch.replies import inbox, intake
from dispatch.shift import codes, tasks
from sms.commands import CHECKIN_READ, CHECKIN_WAITING
from sms.models import Message
from tests.builders import NOW, book, make_branch_site, make_order, make_worker
from tests.committed import purge_branch, purge_code

STEP = timedelta(seconds=codes.STEP_S)
_sid = iter(range(10**6))


@pytest.fixture
def shift(session):
    """A worker booked on a 4 h order starting in an hour: check-in is open."""
    branch, site = make_branch_site(session)
    worker = make_worker(session, branch=branch)
    order = make_order(session, site=site, headcount=1, starts_in=timedelta(hours=1), hours=4)
    book(session, order, [worker])
    return order, worker


def handed_on(session: Session, worker, body: str, at: datetime) -> int:
    """The text came in at `at` and the inbox handed it on; its job is lost (never run)."""
    message_id = intake.receive(
        session, provider_sid=f"SMsweep{next(_sid):027d}", from_phone=worker.phone, body=body
    )
    assert message_id is not None
    assert inbox.handle_inbound(session, message_id, at) == "check-in code handed on"
    assert ("dispatch.checkin_by_code", (message_id,)) in pending_jobs(session)
    session.flush()
    session.execute(
        update(Message).where(Message.id == message_id).values(created_at=at, updated_at=at)
    )
    session.expire_all()
    assert (
        session.scalars(select(Message).where(Message.id == message_id)).one().kind
        == CHECKIN_WAITING
    )
    return message_id


def offer_of(session, order: Order, worker) -> Offer:
    return session.scalars(
        select(Offer).where(Offer.order_id == order.id, Offer.worker_id == worker.id)
    ).one()


def replies(session, worker) -> list[Message]:
    return list(
        session.scalars(
            select(Message)
            .where(Message.worker_id == worker.id, Message.direction == "out")
            .where(Message.kind.like("checkin_code%"))
            .order_by(Message.id)
        )
    )


def test_a_text_whose_job_was_lost_is_read_by_the_sweep_at_the_time_it_came_in(session, shift):
    order, worker = shift
    at = NOW + timedelta(minutes=3)
    message_id = handed_on(session, worker, f"ПРИШЕЛ {codes.current(session, order, at).code}", at)
    # Swept half an hour later: the code has changed three times since, but it was right
    # when the worker texted it, and they arrived then.
    later = at + 3 * STEP
    assert codes.waiting(session, later) == [message_id]
    assert codes.by_sms(session, message_id, later) == f"checked in by code on {order.code}"
    offer = offer_of(session, order, worker)
    assert offer.checked_in_at == at and offer.checkin_method == "code"
    assert offer.attendance is None  # the foreman confirms
    (reply,) = replies(session, worker)
    assert reply.kind == "checkin_code_ok" and reply.status == "queued"
    zone = ZoneInfo(session.get_one(Branch, order.branch_id).timezone)
    assert f"{at.astimezone(zone):%H:%M}" in reply.body  # the arrival's time, not the sweep's
    message = session.scalars(select(Message).where(Message.id == message_id)).one()
    assert message.kind == CHECKIN_READ and message.order_id == order.id
    # A second sweep finds nothing, and the lost job turning up after all does nothing.
    assert codes.waiting(session, later + timedelta(minutes=1)) == []
    assert codes.by_sms(session, message_id, later) == "skipped"
    assert len(replies(session, worker)) == 1
    assert offer_of(session, order, worker).checked_in_at == at


def test_a_text_inside_the_grace_is_left_to_its_job(session, shift):
    order, worker = shift
    at = NOW + timedelta(minutes=3)
    message_id = handed_on(session, worker, f"ПРИШЕЛ {codes.current(session, order, at).code}", at)
    assert codes.waiting(session, at + timedelta(seconds=10)) == []
    assert codes.waiting(session, at + codes.SWEEP_GRACE) == []  # older than the grace only
    assert codes.by_sms(session, message_id, at + timedelta(seconds=1)).startswith("checked in")
    assert codes.waiting(session, at + timedelta(minutes=5)) == []
    assert len(replies(session, worker)) == 1


def test_a_text_read_more_than_a_day_late_checks_no_one_in(session, shift):
    order, worker = shift
    at = NOW + timedelta(minutes=3)
    message_id = handed_on(session, worker, f"ПРИШЕЛ {codes.current(session, order, at).code}", at)
    late = at + codes.LATE_AFTER + timedelta(minutes=1)
    assert codes.waiting(session, late) == [message_id]
    assert codes.by_sms(session, message_id, late) == "check-in code read too late"
    assert offer_of(session, order, worker).checked_in_at is None
    (reply,) = replies(session, worker)
    assert reply.kind == "checkin_code_expired"
    assert (
        session.scalars(select(Message).where(Message.id == message_id)).one().kind == CHECKIN_READ
    )
    assert codes.waiting(session, late + timedelta(minutes=1)) == []
    # Not counted as a guess: five wrong codes are still each looked at (a sixth would not be).
    limiter = codes.limiter_for(get_settings().redis_url)
    for _ in range(5):
        wrong = codes.check_in_by_code(session, worker.id, ("000000",), now=at, limiter=limiter)
        assert wrong.outcome == "wrong"
    limited = codes.check_in_by_code(session, worker.id, ("000000",), now=at, limiter=limiter)
    assert limited.outcome == "limited"


def test_a_text_whose_words_are_gone_is_read_once_and_answered_nothing(session, shift):
    order, worker = shift
    at = NOW + timedelta(minutes=3)
    message_id = handed_on(session, worker, "ПРИШЕЛ 123456", at)
    # A deletion on request empties the person's texts (dispatch/replies/forget.py).
    session.execute(update(Message).where(Message.id == message_id).values(body=""))
    session.expire_all()
    assert codes.by_sms(session, message_id, at + timedelta(minutes=2)) == "nothing to read"
    assert (
        session.scalars(select(Message).where(Message.id == message_id)).one().kind == CHECKIN_READ
    )
    assert codes.waiting(session, at + timedelta(minutes=3)) == []  # not swept every minute
    assert replies(session, worker) == []


def test_the_sweep_takes_the_oldest_first_a_batch_at_a_time(session, shift, monkeypatch):
    order, worker = shift
    at = NOW + timedelta(minutes=3)
    ids = [handed_on(session, worker, "ПРИШЕЛ 000000", at) for _ in range(3)]
    monkeypatch.setattr(codes, "SWEEP_BATCH", 2)
    assert codes.waiting(session, at + timedelta(minutes=1)) == ids[:2]


def test_the_sweep_is_scheduled_every_minute():
    assert (tasks.checkin_codes_due, 60) in PERIODIC
    assert tasks.checkin_codes_due.actor_name == "dispatch.checkin_codes_due"


def test_the_scheduled_sweep_and_a_job_holding_the_text_act_once(engine, caplog):
    """Committed, on real connections: the job has locked the text and not yet committed when
    the scheduled actor runs; the actor passes it by (SKIP LOCKED), the job's check-in stands,
    and the next run finds nothing. Then a text whose job never came: the actor reads it."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    at = now().replace(microsecond=0)
    with session_scope(factory) as session:
        purge_code(session, "SWEEP")
        branch, site = make_branch_site(session, code="SWEEP")
        workers = [make_worker(session, branch=branch) for _ in range(2)]
        # One order each: the job holds its order's lock until it commits.
        orders = [
            make_order(
                session, site=site, headcount=1, starts_in=timedelta(hours=1), hours=4, now=at
            )
            for _ in workers
        ]
        ids = []
        for order, worker in zip(orders, workers, strict=True):
            book(session, order, [worker], now=at)
            ids.append(
                handed_on(session, worker, f"ПРИШЕЛ {codes.current(session, order, at).code}", at)
            )
        session.execute(  # handed on two minutes ago: past the grace
            update(Message)
            .where(Message.id.in_(ids))
            .values(updated_at=func.now() - timedelta(minutes=2))
        )
        branch_id, order_ids = branch.id, [o.id for o in orders]
        worker_ids, first_code = [w.id for w in workers], orders[0].code
    try:
        locked, swept = threading.Event(), threading.Event()

        def job() -> str:
            with session_scope(factory) as session:
                did = codes.by_sms(session, ids[0], now())
                locked.set()
                assert swept.wait(30)
                return did

        with ThreadPoolExecutor(max_workers=1) as pool:
            held = pool.submit(job)
            assert locked.wait(30)
            # The job's text is locked: passed by at once (not waited for until the lock
            # timeout, which each_apart would log as a failure); only the other is read.
            tasks.checkin_codes_due.fn()
            swept.set()
            assert not [r for r in caplog.records if "check-in code text" in r.getMessage()]
            assert held.result(timeout=30) == f"checked in by code on {first_code}"
        with session_scope(factory) as session:
            assert [i for i in codes.waiting(session, now()) if i in ids] == []
            for message_id in ids:
                assert (
                    session.scalars(select(Message).where(Message.id == message_id)).one().kind
                    == CHECKIN_READ
                )
            offers = session.scalars(select(Offer).where(Offer.order_id.in_(order_ids))).all()
            assert sorted(o.worker_id for o in offers if o.checkin_method == "code") == sorted(
                worker_ids
            )
        tasks.checkin_codes_due.fn()  # again: nothing
        with session_scope(factory) as session:
            oks = session.scalars(
                select(Message.worker_id).where(
                    Message.kind == "checkin_code_ok", Message.order_id.in_(order_ids)
                )
            ).all()
            assert sorted(oks) == sorted(worker_ids)  # one confirmation each, none twice
    finally:
        with session_scope(factory) as session:
            purge_branch(session, branch_id)
