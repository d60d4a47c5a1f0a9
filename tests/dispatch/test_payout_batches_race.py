"""A batch made while another writer of the branch's payouts is in its transaction, each on
its own connection. The branch row's lock makes the second wait for the first to commit, then
read what it wrote: two batches at once, the later finds every line taken (payout_batch_empty);
a batch made while the office moves paid_through over its period takes none of those lines
(without the lock it read the old paid_through and paid them again).

This test commits, so it builds its own branch and deletes everything afterwards.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from core.db import session_scope
from dispatch.penalties import batches
from dispatch.penalties.batch_models import PayoutBatch, PayoutBatchLine
from dispatch.penalties.errors import NothingToPay
from dispatch.penalties.pay import set_paid_through
from dispatch.registry.staff import actor_of
from tests.builders import NOW, make_branch_site, make_user, make_worked_shift
from tests.committed import purge_branch, purge_code

CODE = "PAYRACE"


@pytest.fixture
def scene(factory):
    with session_scope(factory) as session:
        purge_code(session, CODE)
        branch, site = make_branch_site(session, code=CODE, undo_window_s=0)
        foreman = actor_of(make_user(session, role="foreman", branch=branch))
        site.foreman_id = foreman.user_id
        office = actor_of(make_user(session, role="dispatcher", branch=branch))
        order, crew = make_worked_shift(
            session, site=site, foreman=foreman, crew=3, close="scheduled"
        )
        day = order.starts_at.astimezone(ZoneInfo(branch.timezone)).date()
        branch_id = branch.id
    yield branch_id, office, day
    with session_scope(factory) as session:
        purge_branch(session, branch_id)  # its payout batches too


def _waiting_on_a_lock(factory) -> bool:
    with session_scope(factory) as session:
        # This database's sessions only: pg_locks is the whole server's (the other pytest
        # worker's database too), and a wait on another's insert has no database in it.
        waiting = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        return bool(session.scalar(text(f"{waiting} AND wait_event_type = 'Lock'")))


def _race(factory, first, second):
    """first runs until its writes are flushed and waits; second starts; once second waits on
    a lock (or is done: nothing made it wait), first commits. The two results."""
    flushed, commit = threading.Event(), threading.Event()

    def holding():
        with session_scope(factory) as session:
            result = first(session)
            flushed.set()
            assert commit.wait(30)
            return result

    def waiting():
        assert flushed.wait(30)
        try:
            with session_scope(factory) as session:
                return second(session)
        except NothingToPay:
            return "empty"

    with ThreadPoolExecutor(max_workers=2) as pool:
        held, waited = pool.submit(holding), pool.submit(waiting)
        assert flushed.wait(30)
        deadline = time.monotonic() + 20
        while not waited.done() and not _waiting_on_a_lock(factory):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        commit.set()
        return held.result(), waited.result()


def _lines_per_batch(factory, branch_id):
    with session_scope(factory) as session:
        return [
            tuple(row)
            for row in session.execute(
                select(PayoutBatchLine.batch_id, func.count())
                .join(PayoutBatch, PayoutBatch.id == PayoutBatchLine.batch_id)
                .where(PayoutBatch.branch_id == branch_id)
                .group_by(PayoutBatchLine.batch_id)
            )
        ]


def test_two_batches_at_once_the_later_finds_the_lines_taken(factory, scene):
    branch_id, office, day = scene
    at = NOW.replace(year=NOW.year + 1)

    def make(session):
        batch = batches.make_batch(
            session, branch_id, actor=office, date_from=day, date_to=day, now=at
        )
        return batch.id

    batch_id, outcome = _race(factory, make, make)
    assert outcome == "empty"  # it waited on the branch, then read the lines as taken
    assert _lines_per_batch(factory, branch_id) == [(batch_id, 3)]


def test_a_batch_made_while_paid_through_moves_takes_none_of_its_lines(factory, scene):
    branch_id, office, day = scene
    at = NOW.replace(year=NOW.year + 1)

    def pay_through(session):
        set_paid_through(session, branch_id, actor=office, through=day, today=day)

    def make(session):
        batches.make_batch(session, branch_id, actor=office, date_from=day, date_to=day, now=at)
        return "made"

    _, outcome = _race(factory, pay_through, make)
    assert outcome == "empty"  # the day is paid the old way: never twice
    assert _lines_per_batch(factory, branch_id) == []
