"""Stored answers that are not kept whole (issue 20 review): an answer showing a secret once
(an API key, a webhook's secret, a one-time password) keeps its key and status but never its
body, and its replay is a 409 `idempotency_answer_withheld`, nothing done twice; an answer
mentioning a worker who is then forgotten loses its body (its replay: the same status and
`{"replayed": true, "withheld": true}`); htmx's header is part of the request."""

from sqlalchemy import func, select

from api.idempotency import _routes, is_shown_once
from core.idempotency import IdempotencyKey
from dispatch.client_models import ClientApiKey
from tests.api.console.helpers import csrf_of, sign_in
from tests.api.test_idempotency import _marks, shift  # noqa: F401 (a fixture)
from tests.builders import auth, make_branch, make_client, make_client_user, make_user

API = "/api/v1"
PHONE, NAME = "+79160007788", "Сидорова Маргарита"


def _bodies(session) -> list[bytes]:
    session.expire_all()
    return [bytes(b) for b in session.scalars(select(IdempotencyKey.body)) if b is not None]


def test_a_new_api_keys_answer_is_never_stored_and_its_replay_is_409(client, session):
    branch = make_branch(session)
    customer = make_client(session, branch=branch)
    headers = {**auth(make_user(session, role="admin", branch=branch)), "Idempotency-Key": "k1"}
    path = f"{API}/clients/{customer.id}/api-keys"
    first = client.post(path, json={"name": "erp"}, headers=headers)
    assert first.status_code == 201, first.text
    raw = first.json()["key"]
    assert all(raw.encode() not in body for body in _bodies(session))
    again = client.post(path, json={"name": "erp"}, headers=headers)
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "idempotency_answer_withheld"
    assert raw not in again.text
    keys = (
        select(func.count()).select_from(ClientApiKey).where(ClientApiKey.client_id == customer.id)
    )
    assert session.scalar(keys) == 1  # exactly once still
    other = client.post(path, json={"name": "other"}, headers=headers)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


def test_every_route_answering_a_secret_once_is_marked(client):
    marked = {
        (method, route.path)
        for route in _routes(client.app.router.routes, top=False)
        if is_shown_once(route.endpoint)
        for method in route.methods
    }
    assert marked == {
        ("POST", f"{API}/clients/{{client_id}}/api-keys"),
        ("POST", f"{API}/users/{{user_id}}/one-time-password"),
        ("POST", f"{API}/clients/{{client_id}}/webhooks"),
        ("POST", "/console/staff/{user_id}/one-time-password"),
        ("POST", "/console/staff/new"),
        ("POST", "/portal/team/keys"),
        ("POST", "/portal/webhooks"),
    }


def test_the_portals_new_key_page_is_not_shown_again(client, session):
    branch = make_branch(session)
    customer = make_client(session, branch=branch)
    form = sign_in(client, make_client_user(session, client=customer, admin=True))
    headers = {"Idempotency-Key": "portal-key"}
    first = client.post("/portal/team/keys", data={**form, "name": "erp"}, headers=headers)
    assert first.status_code == 200, first.text
    again = client.post("/portal/team/keys?lang=en", data={**form, "name": "erp"}, headers=headers)
    assert again.status_code == 422, again.text  # ?lang: another request (and its language)
    same = client.post("/portal/team/keys", data={**form, "name": "erp"}, headers=headers)
    assert same.status_code == 409, same.text
    assert "brg_" in first.text and "brg_" not in same.text
    assert "was done" in same.text and "shown only once" in same.text
    keys = (
        select(func.count()).select_from(ClientApiKey).where(ClientApiKey.client_id == customer.id)
    )
    assert session.scalar(keys) == 1


def test_a_forgotten_workers_stored_answer_is_withheld(client, session):
    branch = make_branch(session)
    admin = make_user(session, role="admin", branch=branch)
    body = {
        "full_name": NAME,
        "phone": PHONE,
        "home": {"lat": 55.75, "lon": 37.61},
        "skills": ["loader"],
        "branch_id": branch.id,
    }
    headers = {**auth(admin), "Idempotency-Key": "new-worker"}
    made = client.post(f"{API}/workers", json=body, headers=headers)
    assert made.status_code == 201, made.text
    assert any(PHONE.encode() in b for b in _bodies(session))
    worker_id = made.json()["id"]
    form = sign_in(client, admin)
    done = client.post(
        f"/console/workers/{worker_id}/forget",
        data={**form, "reason": "письмо работника"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    stored = _bodies(session)
    for needle in (PHONE, PHONE[1:], NAME):
        assert all(needle.encode() not in b for b in stored), needle
    client.cookies.clear()
    again = client.post(f"{API}/workers", json=body, headers=headers)
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == {"replayed": True, "withheld": True}
    assert PHONE[1:] not in again.text and NAME not in again.text


def test_an_htmx_retry_is_another_request_than_the_form_post(client, session, shift):  # noqa: F811
    worker = shift["workers"][0]
    sign_in(client, shift["foreman"])
    data = {"worker_id": worker.id, "status": "arrived", "csrf": csrf_of(client)}
    path = f"/console/foreman/orders/{shift['order'].id}/mark"
    plain = {"Idempotency-Key": "mark-hx"}
    first = client.post(path, data=data, headers=plain, follow_redirects=False)
    assert first.status_code in (200, 303), first.text
    htmx = {**plain, "HX-Request": "true"}
    other = client.post(path, data=data, headers=htmx, follow_redirects=False)
    assert other.status_code == 422, other.text
    assert (
        client.post(path, data=data, headers=plain, follow_redirects=False).headers[
            "Idempotent-Replayed"
        ]
        == "true"
    )
    assert _marks(session, shift["order"]) == 1
