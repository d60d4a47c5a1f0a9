"""Races settled by the database: concurrent transactions on real connections, committed.

These tests commit (each thread has its own transaction), so they build their own branch
and delete everything they made afterwards.
"""

import contextlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import sessionmaker

from core.clock import now
from core.db import make_engine, session_scope
from core.settings import get_settings
from dispatch.fill import waves
from dispatch.models import Branch, Offer, Order, Site
from dispatch.registry.staff import actor_of
from dispatch.shift import onsite
from dispatch.texts import delivery
from rating.models import PenaltyEvent
from sms.gateways import Sent
from sms.models import EarlyStatus, Message
from tests.builders import (
    MOSCOW,
    NOW,
    book,
    make_branch,
    make_branch_site,
    make_client,
    make_order,
    make_site,
    make_user,
    make_worker,
    offset,
)
from tests.committed import purge_branch, purge_code
from workers.models import Worker

THREADS = 50


@pytest.fixture
def factory(engine):
    # Enough connections for the threads to really run at once; 50 in a queue for one order
    # on a busy machine may wait longer than the API's lock timeout: this test is about the
    # roster, not the wait.
    racing = make_engine(
        get_settings().database_url,
        pool_size=THREADS,
        max_overflow=0,
        pool_timeout=60,
        lock_timeout_ms=60_000,
    )
    yield sessionmaker(bind=racing, expire_on_commit=False)
    racing.dispose()


@pytest.fixture
def scene(factory):
    with session_scope(factory) as session:
        purge_code(session, "RACE")
        branch, site = make_branch_site(session, wave_multiple=Decimal("10"), code="RACE")
        workers = [
            make_worker(
                session, branch=branch, near=offset(MOSCOW, east_m=20 * i), phone=f"+7999{i:07d}"
            )
            for i in range(100)
        ]
        order = make_order(session, site=site, headcount=10)  # target 15
        ids = (branch.id, site.id, order.id, [w.id for w in workers])
    yield ids
    with session_scope(factory) as session:
        purge_branch(session, ids[0])


def _run_together(count, job):
    barrier = threading.Barrier(min(count, THREADS))

    def start(i):
        if i < THREADS:
            barrier.wait()
        return job(i)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(start, range(count)))


def test_a_hundred_concurrent_yes_book_exactly_the_target(factory, scene):
    _, _, order_id, worker_ids = scene
    with session_scope(factory) as session:
        assert waves.start_filling(session, order_id, NOW) == 100  # everyone is offered

    def accept(i):
        with session_scope(factory) as session:
            return waves.answer(
                session, order_id=order_id, worker_id=worker_ids[i], yes=True, source="sms", now=NOW
            ).status

    results = _run_together(100, accept)
    assert results.count("booked") == 15
    assert results.count("standby") == 85
    with session_scope(factory) as session:
        stored = dict(
            session.execute(
                select(Offer.status, func.count())
                .where(Offer.order_id == order_id)
                .group_by(Offer.status)
            ).all()
        )
        assert stored == {"booked": 15, "standby": 85}
        assert session.get(Order, order_id).status == "filled"
        booked_texts = session.scalar(
            select(func.count())
            .select_from(Message)
            .where(Message.order_id == order_id, Message.kind == "booked")
        )
        assert booked_texts == 15


def test_the_fill_job_run_twice_at_once_offers_nobody_twice(factory, scene):
    _, _, order_id, _ = scene

    def start(_):
        with session_scope(factory) as session:
            return waves.start_filling(session, order_id, NOW)

    made = _run_together(2, start)
    assert sorted(made) == [0, 100]
    with session_scope(factory) as session:
        offered = session.scalars(select(Offer.worker_id).where(Offer.order_id == order_id))
        offered = list(offered)
        assert len(offered) == len(set(offered)) == 100


def test_an_answer_sees_a_cancellation_committed_meanwhile(factory, scene):
    """Objects loaded before the lock must not hide a cancel another transaction committed."""
    from core.errors import Conflict
    from core.tenancy import SYSTEM
    from dispatch.orders import service as orders

    _, _, order_id, worker_ids = scene
    with session_scope(factory) as session:
        waves.start_filling(session, order_id, NOW)
    with pytest.raises(Conflict), session_scope(factory) as answering:
        loaded = answering.get(Order, order_id)  # read before the lock, as the SMS inbox does
        offer = answering.scalars(
            select(Offer).where(Offer.order_id == order_id, Offer.worker_id == worker_ids[0])
        ).one()
        assert (loaded.status, offer.status) == ("filling", "queued")
        with session_scope(factory) as cancelling:
            orders.cancel_order(cancelling, order_id, actor=SYSTEM, reason="off", now=NOW)
        waves.answer(
            answering, order_id=order_id, worker_id=worker_ids[0], yes=True, source="phone", now=NOW
        )
    with session_scope(factory) as session:
        assert session.get(Order, order_id).status == "cancelled"
        assert (
            session.scalar(
                select(func.count())
                .select_from(Offer)
                .where(Offer.order_id == order_id, Offer.status == "booked")
            )
            == 0
        )


def test_one_worker_answering_two_overlapping_orders_at_once_books_one(factory, scene):
    from dispatch.fill.errors import BookedElsewhere
    from dispatch.models import Site
    from tests.builders import make_order as new_order

    _, site_id, first_id, worker_ids = scene
    with session_scope(factory) as session:
        second_id = new_order(
            session,
            site=session.get_one(Site, site_id),
            headcount=10,
            starts_in=timedelta(days=1, hours=2),
        ).id
        waves.start_filling(session, first_id, NOW)
        waves.start_filling(session, second_id, NOW)
    worker = worker_ids[0]
    first_booked = threading.Event()

    def first():
        # Books, then holds its transaction open while the second answer runs.
        with session_scope(factory) as session:
            status = waves.answer(
                session, order_id=first_id, worker_id=worker, yes=True, source="sms", now=NOW
            ).status
            first_booked.set()
            time.sleep(0.5)
        return status

    def second():
        first_booked.wait(10)
        try:
            with session_scope(factory) as session:
                return waves.answer(
                    session, order_id=second_id, worker_id=worker, yes=True, source="sms", now=NOW
                ).status
        except BookedElsewhere:
            return "refused"

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [pool.submit(first), pool.submit(second)]
        assert [r.result() for r in results] == ["booked", "refused"]


def test_one_worker_marked_late_on_many_orders_at_once_never_deadlocks(factory, scene):
    """Each mark inserts a penalty and a text for the worker (a KEY SHARE lock, by the foreign
    key) and then locks the worker: with FOR UPDATE two such marks deadlocked; the load bench
    found it. The worker's lock is FOR NO KEY UPDATE now (core.db.locked)."""
    branch_id, site_id, _, worker_ids = scene
    shifts = 8
    with session_scope(factory) as session:
        site = session.get(Site, site_id)
        worker = session.get(Worker, worker_ids[0])
        orders_ = [
            make_order(session, site=site, headcount=1, starts_in=timedelta(days=1 + day))
            for day in range(shifts)
        ]
        for order in orders_:
            book(session, order, [worker])
        starts = {o.id: o.starts_at for o in orders_}
        dispatcher = actor_of(
            make_user(session, role="dispatcher", branch=session.get(Branch, branch_id))
        )

    def late(i):
        order_id = list(starts)[i]
        with session_scope(factory) as session:
            onsite.mark_attendance(
                session,
                order_id,
                actor=dispatcher,
                worker_id=worker_ids[0],
                status="arrived",
                at=starts[order_id] + timedelta(minutes=20),
                now=starts[order_id] + timedelta(hours=1),
            )

    _run_together(shifts, late)  # a deadlock would raise here (OperationalError)

    with session_scope(factory) as session:
        kinds = session.scalars(
            select(PenaltyEvent.kind).where(PenaltyEvent.worker_id == worker_ids[0])
        ).all()
    assert kinds == ["late"] * shifts


class TakesAs:
    """A provider that takes the text under a given id (the SMS network's edge)."""

    name = "takes-as"

    def __init__(self, sid: str):
        self.sid = sid

    def send(self, *, to: str, body: str) -> Sent:
        return Sent(provider_sid=self.sid, status="queued")


def test_a_delivery_report_racing_the_sends_record_is_never_lost(factory, scene):
    """The report arrives while the send's record is written but not committed: it sees no
    row holding the SID, so it is kept, and the reconciler's next pass applies it."""
    _, _, order_id, _ = scene
    with session_scope(factory) as session:
        waves.start_filling(session, order_id, NOW)
        message_id = session.scalars(
            select(Message.id).where(Message.order_id == order_id).limit(1)
        ).one()
    sid = f"SMrace{message_id}"
    recorded, reported, opened = threading.Event(), threading.Event(), []

    @contextlib.contextmanager
    def transaction():
        opened.append(1)
        second = len(opened) == 2  # deliver's second transaction records the provider's id
        with session_scope(factory) as session:
            yield session
            if second:
                session.flush()
                recorded.set()
                assert reported.wait(10)  # the report is committed before the record is

    def report() -> bool:
        assert recorded.wait(10)
        with session_scope(factory) as session:
            known = delivery.record_status(
                session, provider_sid=sid, status="delivered", error_code=None
            )
        reported.set()
        return known

    with ThreadPoolExecutor(max_workers=1) as pool:
        reporter = pool.submit(report)
        sent = delivery.deliver(transaction, message_id, TakesAs(sid), lambda: True)
        assert sent.result == "sent"
        assert reporter.result(timeout=10) is False  # kept: the SID was not visible yet

    with session_scope(factory) as session:
        assert (
            session.scalars(select(Message).where(Message.id == message_id)).one().status == "sent"
        )
        assert delivery.apply_early_statuses(session, now()) >= 1
    with session_scope(factory) as session:
        assert (
            session.scalars(select(Message).where(Message.id == message_id)).one().status
            == "delivered"
        )
        left = session.execute(delete(EarlyStatus).where(EarlyStatus.provider_sid == sid))
        assert left.rowcount == 0  # applied to the row, not left waiting


@pytest.fixture
def confirming(factory):
    """A branch of eight workers, each offered every order (wave multiple 10)."""
    with session_scope(factory) as session:
        purge_code(session, "RACECONF")
        branch = make_branch(  # late drop-outs are penalised, but never up to a suspension
            session, wave_multiple=Decimal("10"), strikes_to_suspend=20, code="RACECONF"
        )
        site = make_site(session, client=make_client(session, branch=branch), at=MOSCOW)
        workers = [
            make_worker(
                session, branch=branch, near=offset(MOSCOW, east_m=20 * i), phone=f"+7998{i:07d}"
            )
            for i in range(8)
        ]
        ids = (branch.id, site.id, [w.id for w in workers])
    yield ids
    with session_scope(factory) as session:
        purge_branch(session, ids[0])


def test_the_release_job_and_replies_to_the_same_order_at_once_never_deadlock(factory, confirming):
    """The release job found offers by locking them and then locked their order; an answer
    locks the order, then the offer: a NO during the release deadlocked. Now every writer
    locks the order first; replies and the release race round after round."""
    _, site_id, worker_ids = confirming
    for day in range(15):
        _release_while_replying(factory, site_id, worker_ids, day)


def _release_while_replying(factory, site_id: int, worker_ids: list[int], day: int) -> None:
    from psycopg.errors import DeadlockDetected

    from core.errors import Conflict
    from dispatch.fill import confirmations

    # Roles move round: each worker is booked, on standby and silent in turn.
    turn = worker_ids[day % 8 :] + worker_ids[: day % 8]
    booked, standby, silent = turn[:3], turn[3:6], turn[6:]
    with session_scope(factory) as session:
        order = make_order(
            session,
            site=session.get_one(Site, site_id),
            headcount=2,
            starts_in=timedelta(days=1 + day),  # a day each: no round clashes with another
        )
        order_id, starts_at = order.id, order.starts_at
        assert order.booking_target == 3
    with session_scope(factory) as session:
        waves.start_filling(session, order_id, NOW)
        for i, worker_id in enumerate(booked + standby):
            waves.answer(
                session,
                order_id=order_id,
                worker_id=worker_id,
                yes=True,
                source="sms",
                now=NOW + timedelta(minutes=i),
            )
    with session_scope(factory) as session:
        assert confirmations.ask_confirmations(session, starts_at - timedelta(hours=12)) == 3
    deadline = starts_at - timedelta(hours=3)

    def reply(worker_id: int, yes: bool):
        def run():
            with session_scope(factory) as session:
                waves.answer(
                    session,
                    order_id=order_id,
                    worker_id=worker_id,
                    yes=yes,
                    source="sms",
                    now=deadline,
                )

        return run

    def release():
        with session_scope(factory) as session:
            confirmations.release_unconfirmed(session, deadline)

    jobs = [
        release,
        reply(booked[0], False),  # drops out: standby moves up
        reply(booked[1], True),  # confirms, perhaps after the release took it
        reply(standby[0], False),
        reply(silent[0], True),
        reply(silent[1], False),
        release,
    ]
    deadlocks = []

    def run(i):
        try:
            jobs[i]()
        except Conflict:
            pass  # a reply the release overtook (the offer is released): a legal answer
        except Exception as exc:
            if not isinstance(getattr(exc, "orig", None), DeadlockDetected):
                raise
            deadlocks.append(i)

    _run_together(len(jobs), run)
    assert deadlocks == [], f"deadlock in round {day}"

    with session_scope(factory) as session:
        confirmations.release_unconfirmed(session, deadline)  # an order it skipped: now
        offers = {
            o.worker_id: o for o in session.scalars(select(Offer).where(Offer.order_id == order_id))
        }
        order = session.get_one(Order, order_id)
        released_texts = session.scalar(
            select(func.count())
            .select_from(Message)
            .where(Message.order_id == order_id, Message.kind == "booking_released")
        )
    statuses = [o.status for o in offers.values()]
    assert statuses.count("booked") <= order.booking_target
    assert offers[booked[0]].status in ("cancelled", "released")  # NO before or after
    assert offers[booked[2]].status == "released"  # silent: released once the job ran
    one = offers[booked[1]]
    assert (one.status, one.confirmed_at is not None) in (("booked", True), ("released", False))
    assert offers[standby[0]].status in ("declined", "cancelled")
    for offer in offers.values():
        if offer.status == "booked":  # asked and silent never stays booked past the deadline
            assert offer.confirm_asked_at is None or offer.confirmed_at is not None
        assert offer.status != "released" or offer.confirmed_at is None
    assert statuses.count("released") == released_texts  # each told exactly once
    full = statuses.count("booked") >= order.booking_target
    assert order.status == ("filled" if full else "filling")


def test_applying_kept_statuses_never_deadlocks_with_a_sender_flagging_the_worker(factory, scene):
    """The reconciler's pass locked a message, flagged its worker, then locked the next
    message; a sender holding that next message and flagging the same worker deadlocked.
    Now every message is locked first, then the workers."""
    _, _, _, worker_ids = scene
    worker_id, sids = worker_ids[0], ["SMkeptA", "SMkeptB"]
    with session_scope(factory) as session:
        worker = session.get(Worker, worker_id)
        for sid in sids:
            session.add(
                Message(
                    direction="out",
                    kind="offer",
                    worker_id=worker_id,
                    phone=worker.phone,
                    body="Заказ",
                    encoding="GSM-7",
                    segments=1,
                    status="sent",
                    provider_sid=sid,
                )
            )
            session.add(EarlyStatus(provider_sid=sid, status="undelivered", error_code="30003"))
        second = session.scalars(select(Message.id).where(Message.provider_sid == sids[1])).one()

    def reconcile():
        with session_scope(factory) as session:
            return delivery.apply_early_statuses(session, now())

    with ThreadPoolExecutor(max_workers=1) as pool:
        with session_scope(factory) as sender:  # a send job recording a failure
            sender.scalars(select(Message).where(Message.id == second).with_for_update()).one()
            applying = pool.submit(reconcile)
            time.sleep(0.5)  # the pass is now waiting for the second message
            sender.execute(select(Worker.id).where(Worker.id == worker_id).with_for_update())
        # a deadlock raises here (OperationalError)
        assert applying.result(timeout=10) == 2
    with session_scope(factory) as session:
        assert session.get(Worker, worker_id).phone_invalid
