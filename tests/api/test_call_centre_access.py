"""The call centre (issue 21): clients, sites and orders of every branch, to find a caller's
client and tell them where their crew is; never a worker's name or phone on any path (the
strictest rule of dispatch/access/privacy.py: nothing but the worker's id), no settings, no
staff, no workers' base, no money but the order's client rate."""

from datetime import date, timedelta

from core.clock import now
from tests.api.network_helpers import make_call_centre
from tests.api.test_access_matrix import MATRIX, NETWORK, _request, _things
from tests.builders import KAZAN, MOSCOW, auth, make_branch, make_user
from workers.models import Worker

API = "/api/v1"


def _world(session):
    own, other = make_branch(session), make_branch(session, center=KAZAN)
    return _things(session, own, MOSCOW), _things(session, other, KAZAN)


def test_the_call_centre_sees_clients_sites_and_orders_of_every_branch(client, session):
    a, b = _world(session)
    headers = auth(make_call_centre(session))
    orders = {o["id"] for o in client.get(API + "/orders", headers=headers).json()}
    assert {a.order, b.order} <= orders
    clients = {c["id"] for c in client.get(API + "/clients", headers=headers).json()}
    assert {a.client, b.client} <= clients
    sites = {s["id"] for s in client.get(API + "/sites", headers=headers).json()}
    assert {a.site, b.site} <= sites
    for things in (a, b):
        order = client.get(f"{API}/orders/{things.order}", headers=headers)
        assert order.status_code == 200
        body = order.json()
        assert body["client_rate"] is not None and body["worker_rate"] is None  # the client's
        assert client.get(f"{API}/clients/{things.client}", headers=headers).status_code == 200
        assert client.get(f"{API}/sites/{things.site}", headers=headers).status_code == 200


def test_the_call_centre_sees_no_worker_name_or_phone_on_any_path(client, session):
    """Every route of the matrix, about an order with a booked worker: those it may call show
    neither the name nor the phone; the worker paths (crew, timesheet, messages, CSV) refuse."""
    a, _ = _world(session)
    worker = session.get(Worker, a.worker)
    surname, first = worker.full_name.split()[:2]
    headers = auth(make_call_centre(session))
    reached = 0
    for method, path in sorted(MATRIX):
        if path.startswith("/auth/"):
            continue
        answer = client.request(method, headers=headers, **_request(method, path, a))
        text = answer.text
        assert worker.phone not in text and worker.phone[-7:] not in text, f"{method} {path}"
        assert surname not in text and first not in text, f"{method} {path}: {text[:200]}"
        allowed = NETWORK[(method, path)].split()[1] == "ok"
        assert (answer.status_code == 403) is not allowed, f"{method} {path}: {answer.status_code}"
        reached += answer.status_code == 200
    # branches, clients, sites and orders (the lists and one of each), the organisations (the
    # list and one) and the routing preview
    assert reached == 11
    days = {"from": str(date.today() - timedelta(days=7)), "to": str(date.today() + timedelta(7))}
    refused = [
        client.get(f"{API}/orders/{a.order}/timesheet", headers=headers),
        client.get(f"{API}/orders/{a.order}/offers", headers=headers),
        client.get(f"{API}/messages", params={"worker_id": a.worker}, headers=headers),
        client.get(f"{API}/branches/{a.branch}/payouts", params=days, headers=headers),
        client.get(f"{API}/workers/{a.worker}", headers=headers),
        client.get(f"{API}/workers", headers=headers),
        client.get(f"{API}/users", headers=headers),
        client.get(f"{API}/audit", headers=headers),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)


def test_the_call_centre_roster_says_who_by_id_and_their_day_only(client, session):
    """As a client sees its crew: the worker's id, their answer and their day in one word."""
    a, _ = _world(session)
    order = client.get(f"{API}/orders/{a.order}", headers=auth(make_call_centre(session))).json()
    assert [line["worker_id"] for line in order["roster"]] == [a.worker]
    line = order["roster"][0]
    assert line["on_the_day"] == "not_yet"
    assert line["attendance"] is None and line["pending_mark"] is None
    dispatcher = auth(make_user(session, role="dispatcher", branch=make_branch(session)))
    assert dispatcher  # (the office's roster, with the marks: tests/api/test_orders.py)


def test_the_call_centre_changes_nothing_of_a_branch(client, session):
    a, _ = _world(session)
    headers = auth(make_call_centre(session))
    assert client.patch(f"{API}/branches/{a.branch}", headers=headers, json={}).status_code == 403
    assert client.patch(f"{API}/clients/{a.client}", headers=headers, json={}).status_code == 403
    starts = now() + timedelta(days=2)
    user = {"username": "cc-made", "password": "long-enough-pass", "role": "manager"}
    assert client.post(API + "/users", headers=headers, json=user).status_code == 403
    cancel = client.post(f"{API}/orders/{a.order}/cancel", headers=headers, json={"reason": "x"})
    assert cancel.status_code == 403
    body = {"site_id": a.site, "skill": "loader", "headcount": 1, "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=8)).isoformat()}  # fmt: skip
    assert client.post(f"{API}/order-patterns", headers=headers, json={}).status_code == 403
    assert (
        client.post(f"{API}/orders/{a.order}/copy", headers=headers, json=body).status_code == 403
    )
