"""Clients as users (issue 18, item 1 and the keys of item 4): a client user, or a client's API
key, sees and acts on its own client's sites and orders only (404 for the rest, another client
of the same branch included), places orders at the rates the office agreed, never sets rates,
and never sees a worker's phone, home or pay."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from core.audit import AuditEntry
from core.clock import now
from core.settings import Settings, get_settings
from dispatch.access.privacy import on_the_day
from dispatch.client_models import ClientApiKey
from dispatch.models import User
from tests.builders import (
    KAZAN,
    auth,
    make_branch,
    make_client,
    make_client_user,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)
from tests.csv_reading import read_csv

API = "/api/v1"
NAME, PHONE = "Петров Иван Ильич", "+79215550011"


@pytest.fixture
def world(session):
    """A branch with two clients, a site and an order each; the first order's booked worker
    arrived; a client user of the first client, and a dispatcher."""
    branch = make_branch(session)
    mine, theirs = make_client(session, branch=branch), make_client(session, branch=branch)
    site, their_site = make_site(session, client=mine), make_site(session, client=theirs)
    start = now() - timedelta(hours=2)
    order = make_order(
        session, site=site, now=start - timedelta(hours=1), starts_in=timedelta(hours=1)
    )
    their_order = make_order(session, site=their_site, now=now())
    worker = make_worker(session, branch=branch, full_name=NAME, phone=PHONE)
    offer = make_offer(session, order=order, worker=worker, booked_at=start - timedelta(hours=1))
    offer.attendance, offer.arrived_at = "arrived", order.starts_at
    session.flush()
    return {
        "branch": branch,
        "client": mine,
        "other_client": theirs,
        "site": site,
        "their_site": their_site,
        "order": order,
        "their_order": their_order,
        "worker": worker,
        "user": make_client_user(session, client=mine),
        "admin": make_client_user(session, client=mine, admin=True),
        "dispatcher": make_user(session, role="dispatcher", branch=branch),
        "manager": make_user(session, role="manager", branch=branch),  # agrees the rates
    }


def _order_body(site, **extra):
    starts = now() + timedelta(days=2)
    return {
        "site_id": site.id,
        "skill": "loader",
        "headcount": 2,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=8)).isoformat(),
        **extra,
    }


def _rates(client, world, rates):
    answer = client.put(
        f"{API}/clients/{world['client'].id}/rates", json=rates, headers=auth(world["manager"])
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_client_user_sees_only_its_own_clients_sites_and_orders(client, session, world):
    headers = auth(world["user"])
    listed = client.get(f"{API}/orders", headers=headers).json()
    assert [o["id"] for o in listed] == [world["order"].id]
    assert client.get(f"{API}/orders/{world['order'].id}", headers=headers).status_code == 200
    # Another client of the very same branch: as if it did not exist.
    for path in (
        f"/orders/{world['their_order'].id}",
        f"/orders/{world['their_order'].id}/timesheet",
        f"/sites/{world['their_site'].id}",
        f"/clients/{world['other_client'].id}/favourites",
        f"/clients/{world['other_client'].id}/blocks",
        f"/clients/{world['other_client'].id}/rates",
    ):
        assert client.get(API + path, headers=headers).status_code == 404, path
    cancel = client.post(
        f"{API}/orders/{world['their_order'].id}/cancel", json={"reason": "x"}, headers=headers
    )
    assert cancel.status_code == 404
    patch = client.patch(
        f"{API}/orders/{world['their_order'].id}", json={"headcount": 3}, headers=headers
    )
    assert patch.status_code == 404
    placed = client.post(f"{API}/orders", json=_order_body(world["their_site"]), headers=headers)
    assert placed.status_code == 404
    sites = client.get(f"{API}/sites", headers=headers).json()
    assert [s["id"] for s in sites] == [world["site"].id]
    # And the office's side of things is not theirs at all.
    for path in ("/workers", f"/workers/{world['worker'].id}", "/messages", "/users", "/clients"):
        assert client.get(API + path, headers=headers).status_code == 403, path


def test_a_client_orders_at_the_agreed_rates_and_never_sets_rates(client, session, world):
    headers = auth(world["user"])
    body = _order_body(world["site"])
    refused = client.post(f"{API}/orders", json=body, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "client_rate"]
    assert refused.json()["detail"][0]["type"] == "no_agreed_rate"
    _rates(client, world, [{"skill": "Loader", "client_rate": "300", "worker_rate": "150.50"}])
    placed = client.post(f"{API}/orders", json=body, headers=headers)
    assert placed.status_code == 201, placed.text
    assert placed.json()["client_rate"] == "300.00"
    assert placed.json()["worker_rate"] is None  # the workers' pay is not the client's
    seen_by_office = client.get(
        f"{API}/orders/{placed.json()['id']}", headers=auth(world["dispatcher"])
    ).json()
    assert seen_by_office["worker_rate"] == "150.50"
    for field in ("client_rate", "worker_rate"):
        sent = client.post(f"{API}/orders", json={**body, field: "1.00"}, headers=headers)
        assert sent.status_code == 422
        assert sent.json()["detail"][0]["loc"] == ["body", field]
        assert "a client cannot set rates" in sent.json()["detail"][0]["msg"]
        changed = client.patch(
            f"{API}/orders/{placed.json()['id']}", json={field: "1.00"}, headers=headers
        )
        assert changed.status_code == 422 and changed.json()["detail"][0]["loc"] == ["body", field]
    # The office may still set them, or take the agreed ones.
    office = client.post(f"{API}/orders", json=body, headers=auth(world["dispatcher"])).json()
    assert (office["client_rate"], office["worker_rate"]) == ("300.00", "150.50")


def test_the_agreed_rates_are_the_offices_and_the_client_sees_its_side(client, session, world):
    rates = [
        {"skill": "loader", "client_rate": "300", "worker_rate": "150"},
        {"skill": "packer", "client_rate": "280", "worker_rate": "140"},
    ]
    assert [r["skill"] for r in _rates(client, world, rates)] == ["loader", "packer"]
    path = f"{API}/clients/{world['client'].id}/rates"
    seen = client.get(path, headers=auth(world["user"])).json()
    assert seen == [
        {"skill": "loader", "client_rate": "300.00"},
        {"skill": "packer", "client_rate": "280.00"},
    ]
    assert client.put(path, json=rates, headers=auth(world["admin"])).status_code == 403
    twice = [rates[0], {**rates[0], "client_rate": "1"}]
    dup = client.put(path, json=twice, headers=auth(world["manager"]))
    assert dup.status_code == 422 and dup.json()["detail"][0]["loc"] == ["body", "1", "skill"]
    _rates(client, world, rates[1:])  # the set is replaced
    office = client.get(path, headers=auth(world["dispatcher"])).json()
    assert office == [{"skill": "packer", "client_rate": "280.00", "worker_rate": "140.00"}]


def test_a_client_sees_no_phone_home_or_pay_of_a_worker(client, session, world):
    headers = auth(world["user"])
    order = world["order"]
    sheet = client.get(f"{API}/orders/{order.id}/timesheet", headers=headers)
    assert sheet.status_code == 200, sheet.text
    [line] = sheet.json()["lines"]
    assert line["full_name"] == "Иван П."
    assert line["attendance"] == "arrived" and line["client_amount"] is not None
    for hidden in ("base_pay", "allowances", "fines", "worker_pay", "margin"):
        assert hidden not in line and hidden not in sheet.json()["totals"]
    assert PHONE not in sheet.text and "Петров" not in sheet.text
    csv = client.get(f"{API}/orders/{order.id}/timesheet?format=csv", headers=headers)
    assert csv.status_code == 200
    rows = read_csv(csv.content)
    assert "worker_pay" not in rows[0] and "client_amount" in rows[0]
    assert PHONE not in csv.text and "Петров" not in csv.text and "Иван П." in csv.text
    read = client.get(f"{API}/orders/{order.id}", headers=headers)
    assert PHONE not in read.text and "Петров" not in read.text
    [line] = read.json()["roster"]  # the day in one word, not the marks
    assert line["on_the_day"] == "arrived" and line["attendance"] is None
    # The office of the same branch sees the whole name, on the same path.
    office = client.get(f"{API}/orders/{order.id}/timesheet", headers=auth(world["dispatcher"]))
    assert office.json()["lines"][0]["full_name"] == NAME
    shown = session.query(AuditEntry).filter_by(action="worker.list", actor=world["user"].username)
    assert [e.entity_ids for e in shown] == [[world["worker"].id]] * 2  # the reads are audited


def test_a_client_admin_keeps_its_own_clients_users_only(client, session, world):
    admin, path = auth(world["admin"]), f"{API}/clients/{world['client'].id}/users"
    body = {"username": "Warehouse-Boss", "password": "long-enough-pw", "full_name": "Анна"}
    made = client.post(path, json=body, headers=admin)
    assert made.status_code == 201, made.text
    assert made.json()["role"] == "client" and made.json()["client_admin"] is False
    assert made.json()["branch_id"] == world["branch"].id
    token = client.post(
        f"{API}/auth/token", data={"username": "warehouse-boss", "password": "long-enough-pw"}
    )
    me = client.get(
        f"{API}/auth/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
    )
    assert me.json()["client_id"] == world["client"].id
    weak = client.post(
        path, json={**body, "username": "x2", "password": "x2x2x2x2x2"}, headers=admin
    )
    assert weak.status_code == 201  # 10 characters and not the name: the one password rule
    same = client.post(path, json={**body, "password": "warehouse-boss"}, headers=admin)
    assert same.status_code in (409, 422)
    # A plain client user keeps no users; a client admin no other client's, and never staff.
    assert (
        client.post(path, json={**body, "username": "u3"}, headers=auth(world["user"])).status_code
        == 403
    )
    other = f"{API}/clients/{world['other_client'].id}/users"
    assert client.post(other, json={**body, "username": "u4"}, headers=admin).status_code == 404
    staff = {
        "username": "d9",
        "password": "long-enough-pw",
        "role": "dispatcher",
        "branch_id": world["branch"].id,
    }
    assert client.post(f"{API}/users", json=staff, headers=admin).status_code == 403
    listed = client.get(path, headers=admin).json()
    assert {u["username"] for u in listed} >= {"warehouse-boss", world["admin"].username}
    # Removing: their own client's users only (a dispatcher's id is nobody of theirs).
    gone = client.delete(f"{path}/{made.json()['id']}", headers=admin)
    assert gone.status_code == 204 and session.get(User, made.json()["id"]).active is False
    dispatcher_id = world["dispatcher"].id
    assert client.delete(f"{path}/{dispatcher_id}", headers=admin).status_code == 404
    assert session.get(User, dispatcher_id).active is True
    # A manager of the branch keeps them too; a dispatcher does not.
    manager = auth(make_user(session, role="manager", branch=world["branch"]))
    assert client.post(path, json={**body, "username": "u5"}, headers=manager).status_code == 201
    assert client.get(path, headers=auth(world["dispatcher"])).status_code == 403


def test_a_client_user_is_of_its_clients_branch_the_database_says_so(session, world):
    other_branch = make_branch(session, center=KAZAN)
    stray = User(
        username="stray",
        password_hash="x",
        role="client",
        branch_id=other_branch.id,
        client_id=world["client"].id,
    )
    with pytest.raises(Exception, match="fk_users_client_id_clients"), session.begin_nested():
        session.add(stray)
        session.flush()
    staff_with_client = User(
        username="odd", password_hash="x", role="dispatcher", branch_id=world["branch"].id,
        client_id=world["client"].id,
    )  # fmt: skip
    with pytest.raises(Exception, match="client_by_role"), session.begin_nested():
        session.add(staff_with_client)
        session.flush()


def test_an_api_key_acts_as_a_user_of_its_client(client, session, world):
    path = f"{API}/clients/{world['client'].id}/api-keys"
    made = client.post(path, json={"name": "ERP"}, headers=auth(world["admin"]))
    assert made.status_code == 201, made.text
    key = made.json()["key"]
    stored = session.get(ClientApiKey, made.json()["id"])
    assert key not in (stored.key_hash, stored.prefix) and key.startswith(stored.prefix)
    listed = client.get(path, headers=auth(world["admin"])).json()
    assert [k["id"] for k in listed] == [stored.id] and "key" not in listed[0]
    headers = {"X-API-Key": key}
    assert [o["id"] for o in client.get(f"{API}/orders", headers=headers).json()] == [
        world["order"].id
    ]
    assert client.get(f"{API}/orders/{world['their_order'].id}", headers=headers).status_code == 404
    # A key is no client admin: it makes no keys and no users.
    assert client.post(path, json={"name": "more"}, headers=headers).status_code == 403
    assert client.get(f"{API}/workers", headers=headers).status_code == 403
    sheet = client.get(f"{API}/orders/{world['order'].id}/timesheet", headers=headers)
    assert PHONE not in sheet.text and sheet.json()["lines"][0]["full_name"] == "Иван П."
    # Plain client users keep no keys.
    assert client.get(path, headers=auth(world["user"])).status_code == 403
    revoked = client.delete(f"{path}/{stored.id}", headers=auth(world["admin"]))
    assert revoked.status_code == 204
    assert client.get(f"{API}/orders", headers=headers).status_code == 401
    assert client.get(f"{API}/orders", headers={"X-API-Key": "brg_nonsense"}).status_code == 401
    actions = [
        e.action for e in session.query(AuditEntry).filter(AuditEntry.action.like("api_key.%"))
    ]
    assert actions == ["api_key.create", "api_key.revoke"]


def test_an_api_key_is_rate_limited(session_factory, session, world):
    settings = Settings(**{**get_settings().model_dump(), "api_key_rate": "2/minute"})
    with TestClient(create_app(settings, session_factory, warm=False)) as limited:
        made = limited.post(
            f"{API}/clients/{world['client'].id}/api-keys",
            json={"name": "ERP"},
            headers=auth(
                world["dispatcher"]
                if False
                else make_user(session, role="manager", branch=world["branch"])
            ),
        )
        headers = {"X-API-Key": made.json()["key"]}
        assert [limited.get(f"{API}/orders", headers=headers).status_code for _ in range(2)] == [
            200,
            200,
        ]
        third = limited.get(f"{API}/orders", headers=headers)
        assert third.status_code == 429 and int(third.headers["Retry-After"]) >= 1
        # Another key of the same client has its own window.
        other = limited.post(
            f"{API}/clients/{world['client'].id}/api-keys",
            json={"name": "BI"},
            headers=auth(world["admin"]),
        )
        assert (
            limited.get(f"{API}/orders", headers={"X-API-Key": other.json()["key"]}).status_code
            == 200
        )


def test_a_client_cancels_its_order_under_the_offices_rules(client, session, world):
    order = make_order(session, site=world["site"], now=now())
    answer = client.post(
        f"{API}/orders/{order.id}/cancel",
        json={"reason": "not needed"},
        headers=auth(world["user"]),
    )
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
    again = client.post(
        f"{API}/orders/{order.id}/cancel", json={"reason": "again"}, headers=auth(world["user"])
    )
    assert again.status_code == 409 and again.json()["code"] == "order_finished"


def test_a_client_favours_and_blocks_only_workers_it_has_had(client, session, world):
    headers = auth(world["user"])
    stranger = make_worker(session, branch=world["branch"])
    base = f"{API}/clients/{world['client'].id}"
    never = client.post(f"{base}/favourites", json={"worker_id": stranger.id}, headers=headers)
    assert never.status_code == 404
    blocked = {"worker_id": stranger.id, "reason": "rude"}
    assert client.post(f"{base}/blocks", json=blocked, headers=headers).status_code == 404
    had = client.post(f"{base}/favourites", json={"worker_id": world["worker"].id}, headers=headers)
    assert had.status_code == 201, had.text
    # The office favours anyone of the base for the client, as before.
    office = client.post(
        f"{base}/favourites", json={"worker_id": stranger.id}, headers=auth(world["dispatcher"])
    )
    assert office.status_code == 201


def test_a_client_sees_a_workers_day_in_one_word():
    start = now()
    assert on_the_day(None, start, start - timedelta(minutes=1)) == "not_yet"
    assert on_the_day(None, start, start + timedelta(minutes=1)) == "late"
    assert on_the_day(start + timedelta(minutes=30), start, start + timedelta(hours=1)) == "arrived"
