"""An approval of the whole timesheet and a dispute of one of its lines, each on its own
connection, released at once: the database puts one after the other (both lock the order
first), so the line ends approved with the dispute refused, or disputed and skipped by the
approval; never both, never a lost write.

These tests commit, so they build their own branch and delete everything afterwards.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import session_scope
from dispatch.client_models import TimesheetSignoff
from dispatch.registry.staff import actor_of
from dispatch.shift import onsite, signoff
from dispatch.shift.errors import LineAlreadyApproved
from tests.builders import (
    arrive_all,
    book,
    make_branch_site,
    make_crew,
    make_order,
    make_user,
)
from tests.committed import purge_branch, purge_code

CODE = "SIGNRACE"


@pytest.fixture
def scene(factory):
    """A closed order of two workers who came; ids of the order and workers, and the office."""
    with session_scope(factory) as session:
        purge_code(session, CODE)
        branch, site = make_branch_site(session, code=CODE, undo_window_s=0)
        foreman = actor_of(make_user(session, role="foreman", branch=branch))
        site.foreman_id = foreman.user_id
        office = actor_of(make_user(session, role="dispatcher", branch=branch))
        crew = make_crew(session, branch=branch, n=2, spacing_m=7)
        orders = []
        for day in range(RUNS):  # a day apart: the same crew works each
            order = make_order(session, site=site, headcount=2, starts_in=timedelta(days=1 + day))
            book(session, order, crew)
            arrive_all(session, order, crew, foreman=foreman)
            onsite.close_shift(session, order.id, actor=foreman, now=order.ends_at)
            orders.append((order.id, order.ends_at))
        branch_id, worker_ids = branch.id, [w.id for w in crew]
    yield orders, worker_ids, office
    with session_scope(factory) as session:
        purge_branch(session, branch_id)


RUNS = 4


def _race(factory, order_id, at, disputed, office):
    barrier = threading.Barrier(2)

    def approve():
        barrier.wait()
        with session_scope(factory) as session:
            return signoff.approve(session, order_id, actor=office, now=at)

    def dispute():
        barrier.wait()
        try:
            with session_scope(factory) as session:
                signoff.dispute(
                    session, order_id, disputed, actor=office, reason="left at 15", now=at
                )
        except LineAlreadyApproved:
            return "refused"
        return "disputed"

    with ThreadPoolExecutor(max_workers=2) as pool:
        approved, disputing = pool.submit(approve), pool.submit(dispute)
        return approved.result(), disputing.result()


def test_approve_and_dispute_at_once_are_put_one_after_the_other(factory, scene):
    orders, (first, second), office = scene
    seen = set()
    for order_id, at in orders:
        approved, disputed = _race(factory, order_id, at, first, office)
        with session_scope(factory) as session:
            states = dict(
                session.execute(
                    select(TimesheetSignoff.worker_id, TimesheetSignoff.state).where(
                        TimesheetSignoff.order_id == order_id
                    )
                ).all()
            )
        if disputed == "refused":  # the approval came first and took both lines
            assert sorted(approved) == sorted([first, second])
            assert states == {first: "approved", second: "approved"}
        else:  # the dispute came first: the approval left its line held
            assert approved == [second]
            assert states == {first: "disputed", second: "approved"}
        seen.add(disputed)
    assert seen  # every run ended one of the two ways above
