"""The API of approving client orders placed inside the lead time: the branch's knob (null or
0: never; a bad value named by its field), a key's order held, the office's approve and
decline, the client's 403, the status filter, and a client's move inside the lead time."""

from datetime import timedelta
from decimal import Decimal

import pytest

from core.clock import now
from core.tenancy import SYSTEM
from dispatch.rates.agreed import AgreedRate, replace_rates
from tests.builders import (
    auth,
    key_auth,
    make_branch,
    make_client,
    make_client_user,
    make_site,
    make_user,
)

API = "/api/v1"


@pytest.fixture
def world(session):
    branch = make_branch(session, client_order_approval_h=6)
    client_row = make_client(session, branch=branch)
    site = make_site(session, client=client_row)
    rate = AgreedRate("loader", Decimal("300"), Decimal("150"))
    replace_rates(session, actor=SYSTEM, client_id=client_row.id, rates=[rate])
    session.flush()
    return {
        "branch": branch,
        "site": site,
        "key": key_auth(session, client=client_row),
        "user": auth(make_client_user(session, client=client_row)),
        "dispatcher": auth(make_user(session, role="dispatcher", branch=branch)),
        "manager": auth(make_user(session, role="manager", branch=branch)),
    }


def _body(site, hours_ahead: float):
    starts = now() + timedelta(hours=hours_ahead)
    return {
        "site_id": site.id,
        "skill": "loader",
        "headcount": 2,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=8)).isoformat(),
    }


def _place(client, world, hours_ahead: float, who: str = "key"):
    answer = client.post(
        f"{API}/orders", json=_body(world["site"], hours_ahead), headers=world[who]
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_the_knob_is_read_and_set_by_the_branches_api_and_a_bad_value_names_it(client, world):
    path = f"{API}/branches/{world['branch'].id}"
    assert (
        client.get(path, headers=world["manager"]).json()["policy"]["client_order_approval_h"] == 6
    )
    for bad in (-1, 169, "soon"):
        refused = client.patch(
            path, json={"policy": {"client_order_approval_h": bad}}, headers=world["manager"]
        )
        assert refused.status_code == 422
        locs = [e["loc"] for e in refused.json()["detail"]]
        assert ["body", "policy", "client_order_approval_h"] in locs
    cleared = client.patch(
        path, json={"policy": {"client_order_approval_h": None}}, headers=world["manager"]
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["policy"]["client_order_approval_h"] == 0


def test_a_keys_order_inside_the_lead_time_waits_and_the_office_approves_it(client, session, world):
    held = _place(client, world, 3)
    assert held["status"] == "awaiting_approval"
    listed = client.get(
        f"{API}/orders", params={"status": "awaiting_approval"}, headers=world["dispatcher"]
    ).json()
    assert [o["id"] for o in listed] == [held["id"]]
    path = f"{API}/orders/{held['id']}"
    for who in ("key", "user"):  # the client may not approve its own order
        assert client.post(f"{path}/approve", headers=world[who]).status_code == 403
        refused = client.post(f"{path}/decline", json={"reason": "x"}, headers=world[who])
        assert refused.status_code == 403
    approved = client.post(f"{path}/approve", headers=world["dispatcher"])
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "open"
    again = client.post(f"{path}/approve", headers=world["dispatcher"])
    assert again.status_code == 409 and again.json()["code"] == "order_not_awaiting_approval"


def test_an_order_outside_the_lead_time_fills_at_once(client, world):
    assert _place(client, world, 7)["status"] == "open"


def test_the_office_declines_with_a_reason(client, world):
    held = _place(client, world, 2, who="user")
    path = f"{API}/orders/{held['id']}/decline"
    blank = client.post(path, json={"reason": " "}, headers=world["dispatcher"])
    assert blank.status_code == 422
    declined = client.post(path, json={"reason": "no crew"}, headers=world["dispatcher"])
    assert declined.status_code == 200, declined.text
    seen = client.get(f"{API}/orders/{held['id']}", headers=world["user"]).json()
    assert seen["status"] == "cancelled"


def test_a_client_may_not_move_the_start_inside_the_lead_time(client, world):
    placed = _place(client, world, 48)
    times = {k: v for k, v in _body(world["site"], 2).items() if k.endswith("_at")}
    moved = client.patch(f"{API}/orders/{placed['id']}", json=times, headers=world["key"])
    assert moved.status_code == 422
    [error] = moved.json()["detail"]
    assert error["loc"] == ["body", "starts_at"] and error["type"] == "start_inside_lead_time"
