"""End to end through a real dramatiq jobs process on Redis and a real HTTP receiver on
127.0.0.1: the receiver is down (connection refused), then answers 500, then recovers; every
event is then accepted exactly once (by event id), every request's signature verifies with the
recipe of docs/webhooks.md, and the delivery log shows the attempts."""

import os
import re
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from core.db import session_scope
from core.redis import get_redis
from core.tenancy import SYSTEM
from dispatch.client_models import CLIENT_EVENTS, ClientEvent, WebhookDelivery
from dispatch.hooks import subscriptions
from dispatch.hooks.tasks import reconcile_webhooks
from dispatch.orders import service as orders
from dispatch.shift import onsite
from tests.builders import MOSCOW, book, make_branch_site, make_order, make_worker, offset
from tests.committed import purge_code
from tests.receiver import Receiver, free_port

DOC = Path(__file__).resolve().parent.parent / "docs" / "webhooks.md"
CODE = "WHK"


def documented_verify():
    """The verify() of docs/webhooks.md, run as written (the one python block there)."""
    [block] = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    lines = [line for line in block.splitlines() if line.strip()]
    assert len(lines) <= 10, "the example must stay ten lines"
    namespace: dict = {}
    exec(compile(block, str(DOC), "exec"), namespace)
    return namespace["verify"]


@pytest.fixture
def jobs_process(engine):
    # Short waits between attempts: 0.3 s doubling, at most 1 s.
    env = {**os.environ, "BRIGADA_WEBHOOK_BACKOFF_S": "0.3", "BRIGADA_WEBHOOK_BACKOFF_MAX_S": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dramatiq", "brigada.jobs", "--processes", "1", "--threads", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield proc
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture
def world(engine):
    """Committed: a client subscribed to every event at a port nobody listens on yet, and
    three orders: one filled, one cancelled, one filled and closed (five events)."""
    port = free_port()
    with session_scope() as session:
        purge_code(session, CODE)
        branch, site = make_branch_site(session, code=CODE)
        hook = subscriptions.create(
            session,
            site.client_id,
            actor=SYSTEM,
            url=f"http://127.0.0.1:{port}/brigada",
            events=list(CLIENT_EVENTS),
        )
        crew = [
            make_worker(session, branch=branch, near=offset(MOSCOW, east_m=20 * i))
            for i in range(2)
        ]
        ids = site.client_id, hook.id, hook.secret
        filled = make_order(session, site=site, headcount=1, overbook_factor=1)
        book(session, filled, crew[:1])
        cancelled = make_order(session, site=site, starts_in=timedelta(days=2))
        orders.cancel_order(session, cancelled.id, actor=SYSTEM, reason="off", now=filled.starts_at)
        closed = make_order(session, site=site, headcount=1, overbook_factor=1,
                            starts_in=timedelta(days=3))  # fmt: skip
        book(session, closed, crew[1:])
        onsite.close_shift(
            session, closed.id, actor=SYSTEM, now=closed.starts_at + timedelta(hours=1)
        )
    yield port, *ids
    with session_scope() as session:
        purge_code(session, CODE)


def deliveries(hook_id: int) -> list[WebhookDelivery]:
    with session_scope() as session:
        return list(
            session.scalars(
                select(WebhookDelivery).where(WebhookDelivery.subscription_id == hook_id)
            )
        )


def wait_until(check, what: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting until {what}")


def test_every_event_is_delivered_once_after_the_receiver_recovers(world, jobs_process):
    port, client_id, hook_id, secret = world
    with session_scope() as session:
        expected = {
            str(e.id): e.type
            for e in session.scalars(select(ClientEvent).where(ClientEvent.client_id == client_id))
        }
    assert sorted(expected.values()) == sorted(
        ["order.filled", "order.filled", "order.cancelled", "shift.closed", "timesheet.ready"]
    )
    assert len(deliveries(hook_id)) == len(expected)

    # Down: nothing listens, every delivery is refused at least once.
    wait_until(
        lambda: all(d.last_status is None and d.last_error for d in deliveries(hook_id)),
        "every delivery was refused",
    )
    receiver = Receiver(port)
    try:
        # Up but failing: each delivery gets a 500 at least once.
        wait_until(
            lambda: all(d.last_status == 500 for d in deliveries(hook_id)),
            "every delivery got a 500",
        )
        receiver.failing = False
        wait_until(
            lambda: all(d.delivered_at for d in deliveries(hook_id)), "every event was delivered"
        )
        time.sleep(1.5)  # a duplicate would have time to arrive
    finally:
        receiver.stop()

    accepted = Counter(event_id for event_id, _, _, status in receiver.requests if status == 200)
    assert set(accepted) == set(expected)
    assert set(accepted.values()) == {1}, accepted  # exactly once each after the recovery
    assert {r[0] for r in receiver.requests} == set(expected)  # retries only of these ids
    verify = documented_verify()
    for event_id, header, body, _ in receiver.requests:
        assert verify(secret, body, header), (event_id, header)
        assert f'"id":"{event_id}"'.encode() in body
        assert not verify("another secret", body, header)
        assert not verify(secret, body + b" ", header)

    with session_scope() as session:
        log = subscriptions.deliveries(session, client_id, hook_id, actor=SYSTEM)
    assert {str(line.event_id) for line in log} == set(expected)
    for line in log:
        # refused, then at least one 500, then delivered
        assert line.attempts >= 3 and line.last_status == 200 and line.delivered_at is not None
        assert line.next_attempt_at is None and line.type == expected[str(line.event_id)]


@pytest.fixture
def lost_jobs(world):
    """The delivery jobs are lost (Redis emptied) and the deliveries overdue past the grace."""
    get_redis().flushdb()
    with session_scope() as session:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == world[2])
            .values(next_attempt_at=func.now() - timedelta(minutes=1))
        )


def test_deliveries_whose_jobs_were_lost_are_sent_by_the_reconciler(world, lost_jobs, jobs_process):
    port, _, hook_id, secret = world
    receiver = Receiver(port)
    receiver.failing = False
    try:
        time.sleep(3)  # the jobs process is up: with no job, nothing is sent
        assert receiver.requests == []
        reconcile_webhooks()  # the scheduler's tick, run here
        wait_until(lambda: all(d.delivered_at for d in deliveries(hook_id)), "all delivered")
    finally:
        receiver.stop()
    verify = documented_verify()
    assert len(receiver.requests) == len(deliveries(hook_id)) == 5
    assert all(verify(secret, body, header) for _, header, body, _ in receiver.requests)
