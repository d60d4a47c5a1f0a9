"""End to end through a real dramatiq jobs process, on Redis and on RabbitMQ: orders fill by
themselves, and the reconciler restarts an order whose job was lost."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

import core.jobs
from core.clock import now
from core.db import session_scope
from core.jobs import send_now
from core.redis import get_redis
from core.settings import get_settings
from dispatch.models import Offer, Order
from tests.brokers import RABBITMQ_URL, empty_rabbitmq_queues, rabbitmq_broker, rabbitmq_readers
from tests.builders import (
    MOSCOW,
    make_branch_site,
    make_order,
    make_worker,
    offset,
)
from tests.committed import purge_branch, purge_code


@pytest.fixture(params=["redis", "rabbitmq"])
def broker_url(request, monkeypatch):
    """Each test on both brokers: the jobs process's, and on RabbitMQ the one this process
    sends its after-commit jobs to as well (as the API's would)."""
    if request.param == "redis":
        yield get_settings().redis_url
        return
    broker = rabbitmq_broker()
    empty_rabbitmq_queues(broker)
    monkeypatch.setattr(core.jobs, "setup_broker", lambda: broker)
    yield RABBITMQ_URL
    empty_rabbitmq_queues(broker)  # the jobs process has stopped: its delayed jobs go too
    broker.close()


@pytest.fixture
def jobs_process(engine, broker_url):
    proc = subprocess.Popen(
        [sys.executable, "-m", "dramatiq", "brigada.jobs", "--processes", "1", "--threads", "2"],
        env={**os.environ, "BRIGADA_BROKER_URL": broker_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield proc
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture
def scene(engine):
    with session_scope() as session:
        purge_code(session, "E2E")
        branch, site = make_branch_site(session, code="E2E")
        for i in range(6):
            make_worker(
                session,
                branch=branch,
                near=offset(MOSCOW, east_m=100 * (i + 1)),
                phone=f"+7998{i:07d}",
            )
        ids = branch.id, site.id
    yield ids
    with session_scope() as session:
        purge_branch(session, ids[0])


def _offers(order_id: int) -> int:
    with session_scope() as session:
        return session.scalars(
            select(func.count()).select_from(Offer).where(Offer.order_id == order_id)
        ).one()


def _wait_for_offers(order_id: int, timeout_s: float = 30) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if count := _offers(order_id):
            return count
        time.sleep(0.2)
    return 0


def _new_order(site_id: int) -> int:
    with session_scope() as session:
        from dispatch.models import Site

        site = session.get_one(Site, site_id)
        return make_order(session, site=site, headcount=2, now=now()).id


def test_a_new_order_fills_through_the_jobs_process(scene, jobs_process, broker_url):
    _, site_id = scene
    order_id = _new_order(site_id)
    assert _wait_for_offers(order_id) == 6  # target 3 x multiple 2.0
    with session_scope() as session:
        order = session.get(Order, order_id)
        assert order.status == "filling" and order.wave == 1
    if broker_url == RABBITMQ_URL:  # the jobs process read RabbitMQ, not Redis
        assert rabbitmq_readers("default") >= 1


def test_the_reconciler_restarts_an_order_whose_job_was_lost(scene, jobs_process):
    _, site_id = scene
    get_redis().flushdb()
    with session_scope() as session:
        # Taken in while the broker was unreachable: stored, its job never enqueued.
        from dispatch.models import Site

        order = make_order(session, site=session.get(Site, site_id), headcount=2, now=now())
        session.info.pop("brigada.pending_jobs", None)
        order_id = order.id
    time.sleep(1)
    assert _offers(order_id) == 0
    with session_scope() as session:  # a minute passes
        session.execute(
            update(Order)
            .where(Order.id == order_id)
            .values(next_wave_at=now() - timedelta(minutes=1))
        )
    send_now("dispatch.reconcile")
    assert _wait_for_offers(order_id) == 6
