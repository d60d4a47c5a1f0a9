"""An approval racing the client's cancellation of the same awaiting order, each on its own
connection, committed: the order's row lock settles it. The cancellation holding the row
makes the approval wait and then refuse (never an approved order the client cancelled); an
approval holding the row is followed by the cancellation. An approval that commits sends a
real fill job to Redis. The reconciler's sweep of orders whose start came (decline_expired)
races the office the same way: whoever holds the row first decides, the other changes nothing.

These tests commit, so they build their own branch and delete everything afterwards."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from core.audit import AuditEntry
from core.clock import now
from core.db import make_engine, session_scope
from core.redis import get_redis
from core.settings import get_settings
from core.tenancy import SYSTEM
from dispatch.models import Client, Order
from dispatch.orders import approval
from dispatch.orders import service as orders
from dispatch.orders.errors import OrderNotAwaitingApproval
from dispatch.orders.service import OrderInput
from dispatch.rates.agreed import AgreedRate, replace_rates
from dispatch.registry.staff import actor_of
from tests.builders import make_branch_site, make_client_user, make_user
from tests.committed import purge_branch, purge_code

CODE = "APPRACE"
HOLD_S = 0.5  # how long the first comer keeps the row locked before it commits


@pytest.fixture
def factory(engine):
    racing = make_engine(get_settings().database_url, pool_size=4, max_overflow=0)
    yield sessionmaker(bind=racing, expire_on_commit=False)
    racing.dispose()


@pytest.fixture
def scene(factory):
    """A branch holding client orders within 6 h; a client user, a dispatcher."""
    with session_scope(factory) as session:
        purge_code(session, CODE)
        branch, site = make_branch_site(session, code=CODE, client_order_approval_h=6)
        client = session.get_one(Client, site.client_id)
        rate = AgreedRate("loader", Decimal("300"), Decimal("150"))
        replace_rates(session, actor=SYSTEM, client_id=client.id, rates=[rate])
        ids = {
            "branch": branch.id,
            "site": site.id,
            "client": actor_of(make_client_user(session, client=client)),
            "dispatcher": actor_of(make_user(session, role="dispatcher", branch=branch)),
        }
    yield ids
    with session_scope(factory) as session:
        purge_branch(session, ids["branch"])


def _held_order(factory, scene) -> int:
    with session_scope(factory) as session:
        starts = now() + timedelta(hours=3)
        data = OrderInput(
            scene["site"], "loader", 2, starts, starts + timedelta(hours=8), None, None
        )
        order = orders.create_order(session, actor=scene["client"], data=data, now=now())
        assert order.status == "awaiting_approval"
        return order.id


def _first_then_second(factory, first, second):
    """first() runs and keeps the row locked HOLD_S before committing; second() starts while
    it holds it. Each result, or the domain error it raised."""
    locked = threading.Event()

    def run_first():
        with session_scope(factory) as session:
            result = first(session)
            locked.set()
            time.sleep(HOLD_S)
            return result

    def run_second():
        locked.wait(10)
        try:
            with session_scope(factory) as session:
                return second(session)
        except OrderNotAwaitingApproval as exc:
            return exc

    with ThreadPoolExecutor(max_workers=2) as pool:
        a, b = pool.submit(run_first), pool.submit(run_second)
        return a.result(), b.result()


def _status_and_actions(factory, order_id):
    with session_scope(factory) as session:
        status = session.get_one(Order, order_id).status
        entries = session.scalars(
            select(AuditEntry.action)
            .where(
                AuditEntry.entity == "order",
                AuditEntry.action.in_(["order.approve", "order.cancel"]),
            )
            .where(AuditEntry.entity_ids.contains([order_id]))
            .order_by(AuditEntry.id)
        )
        return status, list(entries)


def test_the_clients_cancel_holding_the_row_makes_the_approval_wait_and_refuse(factory, scene):
    order_id = _held_order(factory, scene)
    cancelled, approved = _first_then_second(
        factory,
        lambda s: orders.cancel_order(
            s, order_id, actor=scene["client"], reason="not needed", now=now()
        ),
        lambda s: approval.approve_order(s, order_id, actor=scene["dispatcher"], now=now()),
    )
    assert isinstance(approved, OrderNotAwaitingApproval)
    assert _status_and_actions(factory, order_id) == ("cancelled", ["order.cancel"])


def _fill_jobs_in_redis(order_id: int) -> int:
    """The fill jobs of the order waiting in Redis, taken off the queue (no jobs process here)."""
    redis, found = get_redis(), 0
    stored: dict[Any, Any] = redis.hgetall("brigada:default.msgs")  # type: ignore[assignment]
    for message_id, raw in stored.items():
        message = json.loads(raw)
        if message["actor_name"] == "dispatch.fill" and message["args"] == [order_id]:
            found += 1
            redis.hdel("brigada:default.msgs", message_id)
            redis.lrem("brigada:default", 0, message_id)
    return found


def test_an_approval_holding_the_row_sends_a_fill_job_then_the_cancel_follows(factory, scene):
    order_id = _held_order(factory, scene)
    approved, cancelled = _first_then_second(
        factory,
        lambda s: approval.approve_order(s, order_id, actor=scene["dispatcher"], now=now()).status,
        lambda s: (
            orders.cancel_order(s, order_id, actor=scene["client"], reason="late", now=now()).status
        ),
    )
    assert (approved, cancelled) == ("open", "cancelled")
    assert _status_and_actions(factory, order_id) == (
        "cancelled",
        ["order.approve", "order.cancel"],
    )
    assert _fill_jobs_in_redis(order_id) == 1  # its run finds the order cancelled: sends nothing


def _starts_at(factory, order_id):
    with session_scope(factory) as session:
        return session.get_one(Order, order_id).starts_at


def test_an_approval_holding_the_row_leaves_the_sweep_nothing_to_decline(factory, scene):
    order_id = _held_order(factory, scene)
    start = _starts_at(factory, order_id)
    approved, swept = _first_then_second(
        factory,
        lambda s: approval.approve_order(s, order_id, actor=scene["dispatcher"], now=now()).status,
        lambda s: approval.decline_expired(s, order_id, start),
    )
    assert (approved, swept) == ("open", None)
    assert _status_and_actions(factory, order_id) == ("open", ["order.approve"])
    assert _fill_jobs_in_redis(order_id) == 1


def test_the_sweep_holding_the_row_makes_the_offices_decline_wait_and_refuse(factory, scene):
    order_id = _held_order(factory, scene)
    start = _starts_at(factory, order_id)
    swept, declined = _first_then_second(
        factory,
        lambda s: approval.decline_expired(s, order_id, start).status,
        lambda s: approval.decline_order(
            s, order_id, actor=scene["dispatcher"], reason="no crew", now=start
        ),
    )
    assert swept == "cancelled" and isinstance(declined, OrderNotAwaitingApproval)
    assert _status_and_actions(factory, order_id) == ("cancelled", ["order.cancel"])
