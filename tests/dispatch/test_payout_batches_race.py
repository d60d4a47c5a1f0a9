"""Two batches of one period at once, each on its own connection: the first has inserted its
lines and not yet committed when the second, which read them as free, inserts the same ones.
The unique (order, worker) index makes the second wait, then refuses it (payout_lines_taken):
every line is in one batch, never two.

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
from dispatch.penalties.errors import PayoutLinesTaken
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


def test_two_batches_at_once_the_unique_index_decides(factory, scene):
    branch_id, office, day = scene
    flushed, commit = threading.Event(), threading.Event()
    at = NOW.replace(year=NOW.year + 1)

    def first():
        with session_scope(factory) as session:
            batch = batches.make_batch(
                session, branch_id, actor=office, date_from=day, date_to=day, now=at
            )
            flushed.set()
            assert commit.wait(30)
            return batch.id

    def second():
        assert flushed.wait(30)
        try:
            with session_scope(factory) as session:
                batches.make_batch(
                    session, branch_id, actor=office, date_from=day, date_to=day, now=at
                )
        except PayoutLinesTaken:
            return "taken"
        return "made"

    with ThreadPoolExecutor(max_workers=2) as pool:
        made, refused = pool.submit(first), pool.submit(second)
        assert flushed.wait(30)
        deadline = time.monotonic() + 20
        while not _waiting_on_a_lock(factory) and time.monotonic() < deadline:
            time.sleep(0.05)  # the second is inserting the same lines: it waits on the index
        commit.set()
        batch_id, outcome = made.result(), refused.result()
    assert outcome == "taken"
    with session_scope(factory) as session:
        stored = session.execute(
            select(PayoutBatchLine.batch_id, func.count())
            .join(PayoutBatch, PayoutBatch.id == PayoutBatchLine.batch_id)
            .where(PayoutBatch.branch_id == branch_id)
            .group_by(PayoutBatchLine.batch_id)
        ).all()
    assert [tuple(row) for row in stored] == [(batch_id, 3)]
