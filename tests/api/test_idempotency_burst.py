"""One Idempotency-Key sent 20 times at once (issue 20's "done when"): the database puts the
requests one after the other, one marks, the others answer its answer. These tests commit
(each request has its own connection), so they build their own branch and delete it after."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select
from sqlalchemy.orm import sessionmaker

from api.main import create_app
from core.audit import AuditEntry
from core.clock import now
from core.db import make_engine, session_scope
from core.idempotency import IdempotencyKey
from core.settings import get_settings
from dispatch.models import Offer
from tests.builders import auth, make_branch_site, make_offer, make_order, make_user, make_worker
from tests.committed import purge_branch, purge_code

CODE = "IDEMBURST"
AT_ONCE = 20


@pytest.fixture
def factory(engine):
    racing = make_engine(
        get_settings().database_url,
        pool_size=AT_ONCE + 5,
        max_overflow=0,
        pool_timeout=60,
        lock_timeout_ms=60_000,  # this test is about the answers, not a busy machine's waits
    )
    yield sessionmaker(bind=racing, expire_on_commit=False)
    racing.dispose()


@pytest.fixture
def scene(factory):
    """A shift that started 2 hours ago, one booked worker, its foreman (ids and headers)."""
    with session_scope(factory) as session:
        purge_code(session, CODE)
        branch, site = make_branch_site(session, code=CODE, undo_window_s=0)
        foreman = make_user(session, role="foreman", branch=branch)
        site.foreman_id = foreman.id
        order = make_order(
            session,
            site=site,
            headcount=1,
            now=now() - timedelta(days=1),
            starts_in=timedelta(days=1) - timedelta(hours=2),
            hours=8,
        )
        worker = make_worker(session, branch=branch)
        make_offer(session, order=order, worker=worker, booked_at=now() - timedelta(days=1))
        ids = {"branch": branch.id, "order": order.id, "worker": worker.id}
        headers, owner = auth(foreman), f"user:{foreman.id}"
    yield ids, headers
    with session_scope(factory) as session:
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.owner == owner))
        purge_branch(session, ids["branch"])


@pytest.fixture
def client(factory):
    app = create_app(get_settings(), session_factory=factory, warm=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _all_at_once(send):
    barrier = threading.Barrier(AT_ONCE)

    def one(_):
        barrier.wait()
        return send()

    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        return list(pool.map(one, range(AT_ONCE)))


def _marks(session, order_id) -> int:
    return session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.action == "attendance.mark",
            AuditEntry.detail["order_id"].as_integer() == order_id,
        )
    )


def test_one_key_sent_20_times_at_once_marks_once_and_answers_alike(client, factory, scene):
    ids, headers = scene
    path = f"/api/v1/orders/{ids['order']}/attendance"
    body = {"worker_id": ids["worker"], "status": "arrived"}
    keyed = {**headers, "Idempotency-Key": "burst-1"}

    answers = _all_at_once(lambda: client.post(path, json=body, headers=keyed))

    assert [a.status_code for a in answers] == [200] * AT_ONCE, [a.text for a in answers]
    assert len({a.content for a in answers}) == 1  # every answer is the first one's
    replayed = [a.headers.get("Idempotent-Replayed") for a in answers]
    assert replayed.count("true") == AT_ONCE - 1 and replayed.count(None) == 1
    with session_scope(factory) as session:
        assert _marks(session, ids["order"]) == 1
        offer = session.scalar(select(Offer).where(Offer.order_id == ids["order"]))
        assert offer.attendance == "arrived"
        keys = session.scalars(select(IdempotencyKey).where(IdempotencyKey.key == "burst-1"))
        assert [k.status_code for k in keys] == [200]


def test_one_refused_key_sent_20_times_at_once_keeps_nothing(client, factory, scene):
    ids, headers = scene
    path = f"/api/v1/orders/{ids['order']}/attendance"
    body = {"worker_id": ids["worker"], "status": "left_early"}  # never arrived: 409
    keyed = {**headers, "Idempotency-Key": "burst-2"}

    answers = _all_at_once(lambda: client.post(path, json=body, headers=keyed))

    # Each refusal rolled back its claim, so the next in line ran (and was refused) again.
    assert [a.status_code for a in answers] == [409] * AT_ONCE, [a.text for a in answers]
    assert not any("Idempotent-Replayed" in a.headers for a in answers)
    with session_scope(factory) as session:
        assert _marks(session, ids["order"]) == 0
        assert (
            session.scalar(
                select(func.count())
                .select_from(IdempotencyKey)
                .where(IdempotencyKey.key == "burst-2")
            )
            == 0
        )
