"""Two records of one order's hours at once, each on its own connection: the order row's lock
puts one after the other, so they become versions 1 and 2 (never two of one number, never a
lost record).

These tests commit, so they build their own branch and delete everything afterwards."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import session_scope
from dispatch.hours.models import TimesheetVersion
from dispatch.registry.staff import actor_of
from dispatch.shift import timesheets
from tests.builders import arrive_all, book, make_branch_site, make_crew, make_order, make_user
from tests.committed import purge_branch, purge_code

CODE = "HOURSRACE"


@pytest.fixture
def scene(factory):
    with session_scope(factory) as session:
        purge_code(session, CODE)
        branch, site = make_branch_site(session, code=CODE, undo_window_s=0)
        foreman = actor_of(make_user(session, role="foreman", branch=branch))
        site.foreman_id = foreman.user_id
        office = actor_of(make_user(session, role="dispatcher", branch=branch))
        crew = make_crew(session, branch=branch, n=2, spacing_m=7)
        order = make_order(session, site=site, headcount=2, starts_in=timedelta(days=1))
        book(session, order, crew)
        arrive_all(session, order, crew, foreman=foreman)
        ids = (branch.id, order.id, order.starts_at)
    yield ids, foreman, office
    with session_scope(factory) as session:
        purge_branch(session, ids[0])


def test_two_records_at_once_become_two_versions(factory, scene):
    """The first record holds its transaction open while the second starts: the second waits
    on the order row and numbers itself after the first (without the lock it would read no
    version, take number 1 too and be refused by the unique constraint)."""
    (_, order_id, starts_at), foreman, office = scene
    first_recorded = threading.Event()

    def record(actor, break_min, first):
        if not first:
            first_recorded.wait(10)
        with session_scope(factory) as session:
            version = timesheets.record_hours(
                session,
                order_id,
                actor=actor,
                changes={"break_min": break_min},
                now=starts_at + timedelta(hours=3),
            )
            if first:
                first_recorded.set()
                time.sleep(0.5)  # the second is now waiting on the order row
            return version.version

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(record, foreman, 20, True)
        second = pool.submit(record, office, 40, False)
        assert (first.result(), second.result()) == (1, 2)
    with session_scope(factory) as session:
        rows = session.scalars(
            select(TimesheetVersion)
            .where(TimesheetVersion.order_id == order_id)
            .order_by(TimesheetVersion.version)
        ).all()
        assert [(r.version, r.break_min) for r in rows] == [(1, 20), (2, 40)]
