"""Idempotency-Key through the API and the console (issue 20): the same key and body answer
the first answer again and do nothing twice; another body is 422; a failed call keeps no key;
keys are the caller's own and live 24 hours. (20 at once: test_idempotency_burst.py.)"""

from datetime import timedelta
from decimal import Decimal

import anyio
import pytest
from fastapi import APIRouter, Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from api import errors
from api.deps import DB
from api.idempotency import IdempotentRoute
from core.audit import AuditEntry
from core.clock import now
from core.idempotency import IdempotencyKey
from core.settings import get_settings
from core.tenancy import Actor
from dispatch.client_models import ClientRate
from dispatch.models import Client, Offer, Order
from tests.api.console.helpers import csrf_of, sign_in
from tests.builders import (
    auth,
    key_auth,
    make_branch_site,
    make_client_user,
    make_offer,
    make_order,
    make_user,
    make_worker,
)
from tests.scenarios import order_body


@pytest.fixture
def shift(session):
    """A shift that started 2 hours ago, two booked workers, its foreman and a dispatcher."""
    branch, site = make_branch_site(session, undo_window_s=0)
    foreman = make_user(session, role="foreman", branch=branch)
    site.foreman_id = foreman.id
    order = make_order(
        session,
        site=site,
        headcount=2,
        now=now() - timedelta(days=1),
        starts_in=timedelta(days=1) - timedelta(hours=2),
        hours=8,
    )
    workers = [make_worker(session, branch=branch) for _ in range(2)]
    for worker in workers:
        make_offer(session, order=order, worker=worker, booked_at=now() - timedelta(days=1))
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    return {
        "site": site,
        "order": order,
        "workers": workers,
        "foreman": foreman,
        "dispatcher": dispatcher,
    }


def _mark(client, shift, worker, status, *, key=None, user=None, **extra):
    headers = auth(user or shift["foreman"])
    if key is not None:
        headers["Idempotency-Key"] = key
    body = {"worker_id": worker.id, "status": status, **extra}
    return client.post(f"/api/v1/orders/{shift['order'].id}/attendance", json=body, headers=headers)


def _marks(session, order) -> int:
    return session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.action == "attendance.mark",
            AuditEntry.detail["order_id"].as_integer() == order.id,
        )
    )


def _keys(session) -> int:
    return session.scalar(select(func.count()).select_from(IdempotencyKey))


def test_the_same_key_and_body_answer_the_first_answer_and_mark_once(client, session, shift):
    worker = shift["workers"][0]
    first = _mark(client, shift, worker, "arrived", key="mark-1")
    assert first.status_code == 200, first.text
    assert "Idempotent-Replayed" not in first.headers
    again = _mark(client, shift, worker, "arrived", key="mark-1")
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.content == first.content
    assert _marks(session, shift["order"]) == 1
    # Without a key the same call runs again (the mark's own rules decide what it does).
    assert _mark(client, shift, worker, "arrived").status_code == 200
    assert _marks(session, shift["order"]) == 2


def test_a_used_key_with_another_body_is_422_and_writes_nothing(client, session, shift):
    a, b = shift["workers"]
    assert _mark(client, shift, a, "arrived", key="k").status_code == 200
    before = _marks(session, shift["order"])
    other = _mark(client, shift, b, "arrived", key="k")
    assert other.status_code == 422, other.text
    assert other.json()["code"] == "idempotency_key_reused"
    assert other.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert _marks(session, shift["order"]) == before
    session.expire_all()
    assert session.scalar(select(Offer.attendance).where(Offer.worker_id == b.id)) is None
    # Another path with the same body: another request too.
    undo = client.post(
        f"/api/v1/orders/{shift['order'].id}/attendance/undo",
        json={"worker_id": a.id, "status": "arrived"},
        headers={**auth(shift["foreman"]), "Idempotency-Key": "k"},
    )
    assert undo.status_code == 422


@pytest.mark.parametrize("key", ["x" * 256, "ключ".encode(), "tab\there", ""])
def test_a_key_too_long_or_not_printable_ascii_is_422_naming_the_header(
    client, session, shift, key
):
    before = _marks(session, shift["order"])
    answer = _mark(client, shift, shift["workers"][0], "arrived", key=key)
    assert answer.status_code == 422, answer.text
    assert ["header", "Idempotency-Key"] in [e["loc"] for e in answer.json()["detail"]]
    assert _marks(session, shift["order"]) == before
    assert _keys(session) == 0


def test_a_key_of_255_printable_characters_is_taken(client, session, shift):
    key = ("a b~!" * 51)[:255]
    assert _mark(client, shift, shift["workers"][0], "arrived", key=key).status_code == 200
    assert session.scalar(select(IdempotencyKey.key)) == key


def test_a_failed_call_keeps_no_key_and_its_retry_runs_again(client, session, shift):
    worker = shift["workers"][0]
    at = (shift["order"].starts_at + timedelta(hours=1)).isoformat()
    refused = _mark(client, shift, worker, "left_early", key="leave", at=at)
    assert refused.status_code == 409, refused.text  # not arrived yet
    assert _keys(session) == 0
    start = shift["order"].starts_at.isoformat()
    assert _mark(client, shift, worker, "arrived", key="arrive", at=start).status_code == 200
    retried = _mark(client, shift, worker, "left_early", key="leave", at=at)
    assert retried.status_code == 200, retried.text
    assert "Idempotent-Replayed" not in retried.headers
    assert retried.json()["attendance"] == "left_early"


def test_keys_are_their_callers_own(client, session, shift):
    a, b = shift["workers"]
    mine = _mark(client, shift, a, "arrived", key="same")
    theirs = _mark(client, shift, b, "arrived", key="same", user=shift["dispatcher"])
    assert mine.status_code == theirs.status_code == 200
    assert "Idempotent-Replayed" not in theirs.headers
    assert theirs.json()["worker_id"] == b.id
    assert _marks(session, shift["order"]) == 2
    owners = set(session.scalars(select(IdempotencyKey.owner)))
    assert owners == {f"user:{shift['foreman'].id}", f"user:{shift['dispatcher'].id}"}


def test_a_key_older_than_24_hours_is_new_again(client, session, shift):
    a, b = shift["workers"]
    assert _mark(client, shift, a, "arrived", key="old").status_code == 200
    session.execute(
        update(IdempotencyKey).values(created_at=now() - timedelta(hours=24, seconds=1))
    )
    # Expired: another body is no longer a clash, it is a new call under the old key.
    fresh = _mark(client, shift, b, "arrived", key="old")
    assert fresh.status_code == 200, fresh.text
    assert "Idempotent-Replayed" not in fresh.headers
    assert fresh.json()["worker_id"] == b.id
    assert _marks(session, shift["order"]) == 2
    assert _mark(client, shift, b, "arrived", key="old").headers["Idempotent-Replayed"] == "true"


def test_posting_an_order_twice_with_one_key_creates_one_order(client, session, shift):
    site = shift["site"]
    body = order_body(site.id, headcount=3, starts_at=now() + timedelta(days=1))
    headers = {**auth(shift["dispatcher"]), "Idempotency-Key": "order-7f3a"}

    def orders() -> int:
        return session.scalar(
            select(func.count()).select_from(Order).where(Order.site_id == site.id)
        )

    before = orders()
    first = client.post("/api/v1/orders", json=body, headers=headers)
    second = client.post("/api/v1/orders", json=body, headers=headers)
    assert first.status_code == second.status_code == 201, first.text
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert orders() == before + 1


def test_the_console_mark_form_with_a_key_marks_once(client, session, shift):
    worker = shift["workers"][0]
    sign_in(client, shift["foreman"])
    data = {"worker_id": worker.id, "status": "arrived", "csrf": csrf_of(client)}
    path = f"/console/foreman/orders/{shift['order'].id}/mark"
    headers = {"Idempotency-Key": "console-1"}
    first = client.post(path, data=data, headers=headers, follow_redirects=False)
    assert first.status_code in (200, 303), first.text
    again = client.post(path, data=data, headers=headers, follow_redirects=False)
    assert again.status_code == first.status_code
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers.get("location") == first.headers.get("location")
    assert again.content == first.content
    assert _marks(session, shift["order"]) == 1
    other = client.post(
        path, data={**data, "status": "no_show"}, headers=headers, follow_redirects=False
    )
    assert other.status_code == 422
    assert _marks(session, shift["order"]) == 1


def test_the_header_is_on_state_changing_operations_in_the_openapi(client):
    spec = client.get("/openapi.json").json()

    def headers_of(path, method):
        parameters = spec["paths"][path][method].get("parameters", [])
        return {p["name"] for p in parameters if p["in"] == "header"}

    assert "Idempotency-Key" in headers_of("/api/v1/orders/{order_id}/attendance", "post")
    assert "Idempotency-Key" in headers_of("/api/v1/orders", "post")
    assert "Idempotency-Key" not in headers_of("/api/v1/orders", "get")
    assert "Idempotency-Key" not in headers_of("/api/v1/auth/token", "post")


def test_the_key_and_the_work_commit_together(engine):
    """A commit that fails (a deferred constraint, at COMMIT) keeps neither the work nor the
    key, so the retry runs; the retry's commit keeps both, so a third call replays."""
    owner_id = 2_000_000_001  # no such user: its key row is deleted below
    with engine.connect() as conn:
        conn.execute(text("CREATE TEMP TABLE idem_parcels (id int)"))
        conn.execute(
            text(
                "CREATE FUNCTION pg_temp.idem_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$"
            )
        )
        conn.execute(
            text(
                "CREATE CONSTRAINT TRIGGER idem_refuse AFTER INSERT ON idem_parcels "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pg_temp.idem_refuse()"
            )
        )
        conn.commit()
        app = FastAPI()
        app.state.sessionmaker = sessionmaker(bind=conn)
        app.state.session_slots = anyio.Semaphore(1)
        app.state.settings = get_settings()
        router = APIRouter(route_class=IdempotentRoute)

        def caller(request: Request) -> None:
            request.state.actor = Actor(user_id=owner_id, name="t", role="admin", branch_id=None)

        @router.post("/parcels", status_code=201, dependencies=[Depends(caller)])
        def add_parcel(session: Session = DB) -> dict:
            session.execute(text("INSERT INTO idem_parcels VALUES (1)"))
            return {"saved": True}

        app.include_router(router)
        keyed = {"Idempotency-Key": "parcel-1"}
        try:
            with TestClient(app, raise_server_exceptions=False) as client:
                assert client.post("/parcels", headers=keyed).status_code == 500
                assert conn.execute(text("SELECT count(*) FROM idem_parcels")).scalar_one() == 0
                kept = select(func.count()).where(IdempotencyKey.owner == f"user:{owner_id}")
                assert conn.execute(kept.select_from(IdempotencyKey)).scalar_one() == 0
                conn.execute(text("DROP TRIGGER idem_refuse ON idem_parcels"))
                conn.commit()
                assert client.post("/parcels", headers=keyed).status_code == 201
                again = client.post("/parcels", headers=keyed)
                assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
                assert conn.execute(text("SELECT count(*) FROM idem_parcels")).scalar_one() == 1
        finally:
            conn.rollback()
            # Temporary objects live as long as the pooled connection: another test's may share it.
            conn.execute(text("DROP TABLE IF EXISTS idem_parcels"))
            conn.execute(text("DROP FUNCTION IF EXISTS pg_temp.idem_refuse()"))
            conn.execute(delete(IdempotencyKey).where(IdempotencyKey.owner == f"user:{owner_id}"))
            conn.commit()


def test_a_clients_api_key_keeps_its_keys_apart_from_its_users(client, session, shift):
    site = shift["site"]
    customer = session.get(Client, site.client_id)
    session.add(
        ClientRate(
            client_id=customer.id,
            skill="loader",
            client_rate=Decimal("250.00"),
            worker_rate=Decimal("120.00"),
        )
    )
    starts = now() + timedelta(days=2)
    body = {
        "site_id": site.id,
        "skill": "loader",
        "headcount": 1,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=8)).isoformat(),
    }
    by_key = {**key_auth(session, client=customer), "Idempotency-Key": "erp-42"}
    by_user = {**auth(make_client_user(session, client=customer)), "Idempotency-Key": "erp-42"}

    first = client.post("/api/v1/orders", json=body, headers=by_key)
    assert first.status_code == 201, first.text
    again = client.post("/api/v1/orders", json=body, headers=by_key)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    theirs = client.post("/api/v1/orders", json=body, headers=by_user)
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert theirs.json()["id"] != first.json()["id"]
    owners = {o for o in session.scalars(select(IdempotencyKey.owner)) if o.startswith("key:")}
    assert len(owners) == 1


def test_a_form_with_a_file_is_compared_by_its_fields_and_the_files_content(session_factory):
    app = FastAPI()
    app.state.sessionmaker = session_factory
    app.state.session_slots = anyio.Semaphore(1)
    app.state.settings = get_settings()
    errors.install(app)
    router = APIRouter(route_class=IdempotentRoute)
    runs = []

    def caller(request: Request) -> None:
        request.state.actor = Actor(user_id=7, name="t", role="admin", branch_id=None)

    @router.post("/uploads", dependencies=[Depends(caller)])
    def upload(note: str = Form(), file: UploadFile = File(), session: Session = DB) -> dict:
        runs.append(note)
        return {"run": len(runs), "size": len(file.file.read())}

    app.include_router(router)
    keyed = {"Idempotency-Key": "upload-1"}
    with TestClient(app) as client:

        def send(note, content):
            files = {"file": ("a.csv", content, "text/csv")}
            return client.post("/uploads", data={"note": note}, files=files, headers=keyed)

        first = send("x", b"1,2,3\n" * 50_000)
        again = send("x", b"1,2,3\n" * 50_000)
        assert first.json() == again.json() == {"run": 1, "size": 300_000}
        assert again.headers["Idempotent-Replayed"] == "true"
        assert send("x", b"1,2,4\n" * 50_000).status_code == 422  # another file
        assert send("y", b"1,2,3\n" * 50_000).status_code == 422  # another field
    assert runs == ["x"]
