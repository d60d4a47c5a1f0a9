"""Races settled by the database: concurrent transactions on real connections, committed.

These tests commit (each thread has its own transaction), so they build their own branch
and delete everything they made afterwards.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from core.db import make_engine, session_scope
from core.settings import get_settings
from dispatch import fill
from dispatch.models import Offer, Order
from sms.models import Message
from tests.builders import (
    MOSCOW,
    NOW,
    make_branch,
    make_client,
    make_order,
    make_site,
    make_worker,
    offset,
)
from tests.committed import purge_branch, purge_code

THREADS = 50


@pytest.fixture
def factory(engine):
    # Enough connections for the threads to really run at once.
    racing = make_engine(
        get_settings().database_url, pool_size=THREADS, max_overflow=0, pool_timeout=60
    )
    yield sessionmaker(bind=racing, expire_on_commit=False)
    racing.dispose()


@pytest.fixture
def scene(factory):
    with session_scope(factory) as session:
        purge_code(session, "RACE")
        branch = make_branch(session, wave_multiple=Decimal("10"), code="RACE")
        site = make_site(session, client=make_client(session, branch=branch), at=MOSCOW)
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
        assert fill.start_filling(session, order_id, NOW) == 100  # everyone is offered

    def accept(i):
        with session_scope(factory) as session:
            return fill.answer(
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
            return fill.start_filling(session, order_id, NOW)

    made = _run_together(2, start)
    assert sorted(made) == [0, 100]
    with session_scope(factory) as session:
        offered = session.scalars(select(Offer.worker_id).where(Offer.order_id == order_id))
        offered = list(offered)
        assert len(offered) == len(set(offered)) == 100
