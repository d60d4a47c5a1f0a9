"""Decisions on a worker's dispute racing each other or the deadline's sweep, each on its own
connection, committed: the order's and the case's row locks settle it. The first comer
decides; a second decision waits and is refused (dispute_decided); the sweep skips a case
a decision holds and finds it decided; a decision after the sweep is refused.

These tests commit, so they build their own branch and delete everything afterwards."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from brigada.scheduler import PERIODIC
from core.audit import AuditEntry
from core.clock import now
from core.db import make_engine, session_scope
from core.settings import get_settings
from dispatch.models import Order
from dispatch.penalties import disputes, record, tasks
from dispatch.penalties.errors import DisputeDecided
from dispatch.registry.staff import actor_of
from rating import reasons
from rating.models import PenaltyDispute, PenaltyEvent
from tests.builders import make_branch_site, make_offer, make_order, make_user, make_worker
from tests.committed import purge_branch, purge_code

CODE = "DISPRACE"
HOLD_S = 0.5


@pytest.fixture
def factory(engine):
    racing = make_engine(get_settings().database_url, pool_size=4, max_overflow=0)
    yield sessionmaker(bind=racing, expire_on_commit=False)
    racing.dispose()


@pytest.fixture
def scene(factory):
    """A worker's open dispute of a no-show; two dispatchers of the branch."""
    with session_scope(factory) as session:
        purge_code(session, CODE)
        branch, site = make_branch_site(session, code=CODE)
        worker = make_worker(session, branch=branch)
        order = make_order(
            session, site=site, now=now() - timedelta(days=1), starts_in=timedelta(hours=14)
        )
        order = session.scalars(
            select(Order).where(Order.id == order.id).execution_options(populate_existing=True)
        ).one()
        order.branch = branch
        make_offer(session, order=order, worker=worker)
        event = record.penalise(
            session, order, worker.id, kind="no_show", points=3, fine=Decimal("300"),
            reason=reasons.of("absent"),
        )  # fmt: skip
        opened = disputes.open_case(
            session, worker, order.code, words="я был там", message=None, now=now()
        )
        ids = {
            "branch": branch.id,
            "event": event.id,
            "case": opened.cases[0].id,
            "deadline": opened.cases[0].deadline_at,
            "one": actor_of(make_user(session, role="dispatcher", branch=branch)),
            "two": actor_of(make_user(session, role="manager", branch=branch)),
        }
    yield ids
    with session_scope(factory) as session:
        purge_branch(session, ids["branch"])


def _first_then_second(factory, first, second):
    """first() runs and keeps its locks HOLD_S before committing; second() starts meanwhile."""
    held = threading.Event()

    def run_first():
        with session_scope(factory) as session:
            result = first(session)
            held.set()
            time.sleep(HOLD_S)
            return result

    def run_second():
        held.wait(10)
        try:
            with session_scope(factory) as session:
                return second(session)
        except DisputeDecided as exc:
            return exc

    with ThreadPoolExecutor(max_workers=2) as pool:
        a, b = pool.submit(run_first), pool.submit(run_second)
        return a.result(), b.result()


def _outcome(factory, scene):
    with session_scope(factory) as session:
        case = session.get_one(PenaltyDispute, scene["case"])
        reversals = session.scalars(
            select(PenaltyEvent.id).where(PenaltyEvent.reverses_id == scene["event"])
        ).all()
        actions = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity == "penalty_dispute")
            .where(AuditEntry.entity_ids.contains([scene["case"]]))
            .order_by(AuditEntry.id)
        ).all()
        return case.status, len(reversals), list(actions)


def _decide(scene, who, reverse, at=None):
    reason = "" if reverse else "видео с объекта"
    return lambda s: (
        disputes.decide(
            s, scene["case"], actor=scene[who], reverse=reverse, reason=reason, now=at or now()
        ).status
    )


def test_two_decisions_one_wins_the_other_is_refused(factory, scene):
    first, second = _first_then_second(
        factory, _decide(scene, "one", True), _decide(scene, "two", False)
    )
    assert first == "reversed" and isinstance(second, DisputeDecided)
    assert _outcome(factory, scene) == ("reversed", 1, ["dispute.open", "dispute.reverse"])


def test_a_decision_holding_the_case_leaves_the_sweep_nothing(factory, scene):
    late = scene["deadline"] + timedelta(minutes=1)
    decided, swept = _first_then_second(
        factory,
        _decide(scene, "one", False, at=late),
        lambda s: disputes.auto_reverse(s, scene["case"], late),
    )
    assert (decided, swept) == ("upheld", False)
    assert _outcome(factory, scene) == ("upheld", 0, ["dispute.open", "dispute.uphold"])
    with session_scope(factory) as session:  # the next tick: nothing overdue any more
        assert scene["case"] not in disputes.overdue(session, late)


def test_the_sweep_holding_the_case_makes_a_decision_wait_and_refuse(factory, scene):
    late = scene["deadline"] + timedelta(minutes=1)
    swept, decided = _first_then_second(
        factory,
        lambda s: disputes.auto_reverse(s, scene["case"], late),
        _decide(scene, "one", False, at=late),
    )
    assert swept is True and isinstance(decided, DisputeDecided)
    assert _outcome(factory, scene) == (
        "auto_reversed",
        1,
        ["dispute.open", "dispute.auto_reverse"],
    )


def test_the_minute_job_reverses_an_overdue_case_in_its_own_transaction(factory, scene):
    with session_scope(factory) as session:
        case = session.get_one(PenaltyDispute, scene["case"])
        case.deadline_at = now() - timedelta(minutes=1)
    tasks.disputes_deadline_passed.fn()  # what the scheduler sends every minute
    assert _outcome(factory, scene) == (
        "auto_reversed",
        1,
        ["dispute.open", "dispute.auto_reverse"],
    )
    tasks.disputes_deadline_passed.fn()  # the next tick: nothing left to do
    assert _outcome(factory, scene)[1] == 1
    assert (tasks.disputes_deadline_passed, 60) in PERIODIC
