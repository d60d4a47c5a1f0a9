"""The issue's race: a headcount change while 30 YES replies arrive, each on its own
connection and transaction, committed. The roster must match the new target exactly:
lowering never leaves more booked than the new target, raising ends with the roster at the
new target when enough YES arrive.

These tests commit, so they build their own branch and delete everything afterwards.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from core.db import make_engine, session_scope
from core.settings import get_settings
from dispatch.changes.patch import OrderChange, change_order
from dispatch.fill import waves
from dispatch.models import Offer, Order
from dispatch.registry.staff import actor_of
from sms.models import Message
from tests.builders import (
    MOSCOW,
    NOW,
    make_branch_site,
    make_order,
    make_user,
    make_worker,
    offset,
)
from tests.committed import purge_branch, purge_code

YES = 30
WORKERS = 40


@pytest.fixture
def factory(engine):
    racing = make_engine(
        get_settings().database_url,
        pool_size=YES + 2,
        max_overflow=0,
        pool_timeout=60,
        lock_timeout_ms=60_000,
    )
    yield sessionmaker(bind=racing, expire_on_commit=False)
    racing.dispose()


def _scene(factory, headcount):
    """An order with every one of 40 workers offered; ids of the order, workers, dispatcher."""
    with session_scope(factory) as session:
        purge_code(session, "CHGRACE")
        branch, site = make_branch_site(session, wave_multiple=Decimal("10"), code="CHGRACE")
        workers = [
            make_worker(
                session, branch=branch, near=offset(MOSCOW, east_m=25 * i), phone=f"+7998{i:07d}"
            )
            for i in range(WORKERS)
        ]
        dispatcher = actor_of(make_user(session, role="dispatcher", branch=branch))
        order = make_order(session, site=site, headcount=headcount)
        assert waves.start_filling(session, order.id, NOW) == WORKERS
        return branch.id, order.id, [w.id for w in workers], dispatcher


@pytest.fixture
def cleanup(factory):
    made = []
    yield made
    with session_scope(factory) as session:
        for branch_id in made:
            purge_branch(session, branch_id)


def _race(factory, order_id, worker_ids, dispatcher, headcount):
    """30 YES and one headcount change, released at once from a barrier."""
    barrier = threading.Barrier(YES + 1)

    def yes(i):
        barrier.wait()
        with session_scope(factory) as session:
            return waves.answer(
                session, order_id=order_id, worker_id=worker_ids[i], yes=True, source="sms", now=NOW
            ).status

    def change():
        barrier.wait()
        with session_scope(factory) as session:
            change_order(
                session,
                order_id,
                actor=dispatcher,
                change=OrderChange.of(headcount=headcount),
                now=NOW,
            )
        return "changed"

    with ThreadPoolExecutor(max_workers=YES + 1) as pool:
        answers = [pool.submit(yes, i) for i in range(YES)]
        changed = pool.submit(change)
        assert changed.result() == "changed"
        return [a.result() for a in answers]


def _roster(factory, order_id):
    with session_scope(factory) as session:
        order = session.get_one(Order, order_id)
        counts = dict(
            session.execute(
                select(Offer.status, func.count())
                .where(Offer.order_id == order_id)
                .group_by(Offer.status)
            ).all()
        )
        withdrawn = session.scalar(
            select(func.count())
            .select_from(Message)
            .where(Message.order_id == order_id, Message.kind == "booking_withdrawn")
        )
        return order.booking_target, order.status, counts, withdrawn


@pytest.mark.parametrize("run", range(2))
def test_lowering_while_thirty_yes_arrive_books_exactly_the_new_target(factory, cleanup, run):
    branch_id, order_id, worker_ids, dispatcher = _scene(factory, headcount=10)  # target 15
    cleanup.append(branch_id)
    _race(factory, order_id, worker_ids, dispatcher, headcount=4)  # target 6

    target, status, counts, withdrawn = _roster(factory, order_id)
    assert target == 6
    assert counts["booked"] == 6, counts
    assert status == "filled"
    # Everyone who said YES is booked, on standby, or was let go by the cut (texted).
    said_yes = counts["booked"] + counts.get("standby", 0) + counts.get("cancelled", 0)
    assert said_yes == YES
    assert withdrawn == counts.get("cancelled", 0) - _standby_released(factory, order_id)


def _standby_released(factory, order_id):
    with session_scope(factory) as session:
        return session.scalar(
            select(func.count())
            .select_from(Message)
            .where(Message.order_id == order_id, Message.kind == "standby_released")
        )


@pytest.mark.parametrize("run", range(2))
def test_raising_while_thirty_yes_arrive_ends_exactly_at_the_new_target(factory, cleanup, run):
    branch_id, order_id, worker_ids, dispatcher = _scene(factory, headcount=4)  # target 6
    cleanup.append(branch_id)
    results = _race(factory, order_id, worker_ids, dispatcher, headcount=20)  # target 30

    target, status, counts, withdrawn = _roster(factory, order_id)
    assert target == 30
    assert counts["booked"] == 30 == YES, (counts, results)
    assert status == "filled" and withdrawn == 0
