"""Weekly patterns run by many jobs at once, committed on real connections: each day's order
is placed once (the pattern's row lock queues them; the unique (pattern_id, day) is the last
word). Builds its own branch and deletes everything it made afterwards."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from core.clock import now
from core.db import make_engine, session_scope
from core.settings import get_settings
from core.tenancy import SYSTEM
from dispatch.models import Order, PatternDay
from dispatch.repeat import patterns
from dispatch.repeat.patterns import PatternInput
from tests.builders import make_branch_site, make_order
from tests.committed import purge_branch, purge_code

RUNS = 8


@pytest.fixture
def factory(engine):
    racing = make_engine(
        get_settings().database_url, pool_size=RUNS, max_overflow=0, lock_timeout_ms=30_000
    )
    yield sessionmaker(bind=racing, expire_on_commit=False)
    racing.dispose()


@pytest.fixture
def pattern(factory):
    """Tomorrow's order, repeated every day for a week, each day placed 4 days ahead."""
    with session_scope(factory) as session:
        purge_code(session, "REPEATRACE")
        branch, site = make_branch_site(session, code="REPEATRACE")
        order = make_order(session, site=site, now=now())
        every_day = PatternInput(order.id, [1, 2, 3, 4, 5, 6, 7], date.today() + timedelta(7), 96)
        made = patterns.create_pattern(session, actor=SYSTEM, data=every_day, now=now())
        ids = (branch.id, order.id, made.id)
    yield ids
    with session_scope(factory) as session:
        purge_branch(session, ids[0])


def test_jobs_running_at_once_place_each_day_once(factory, pattern):
    _, template_id, pattern_id = pattern
    start = threading.Barrier(RUNS)

    def run() -> int:
        start.wait()
        with session_scope(factory) as session:
            return len(patterns.place_days(session, pattern_id, now()))

    with ThreadPoolExecutor(RUNS) as pool:
        placed = list(pool.map(lambda _: run(), range(RUNS)))
    with session_scope(factory) as session:
        orders = session.scalar(
            select(func.count()).select_from(Order).where(Order.repeat_of_id == template_id)
        )
        days = session.scalars(select(PatternDay.day).where(PatternDay.pattern_id == pattern_id))
        days = list(days)
    assert sum(placed) == orders == len(days) == len(set(days)) >= 3
    assert sorted(placed)[:-1] == [0] * (RUNS - 1)  # one run placed them all, the rest none
