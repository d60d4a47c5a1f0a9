"""Every error answer carries the error's stable code beside API.md's shapes: `code` next to
`detail` for 404/409/403, and the code as each 422 item's `type`."""

from datetime import timedelta

import pytest

from core.clock import now
from tests.api.test_orders import body
from tests.builders import (
    auth,
    make_branch_site,
    make_user,
)


@pytest.fixture
def setup(session):
    branch, site = make_branch_site(session)
    return branch, site, auth(make_user(session, role="dispatcher", branch=branch))


def test_a_refused_field_names_its_code_as_the_items_type(client, session, setup):
    _, site, headers = setup
    past = now() - timedelta(hours=1)
    late = body(site, starts_at=past.isoformat(), ends_at=(past + timedelta(hours=2)).isoformat())
    answer = client.post("/api/v1/orders", json=late, headers=headers)
    assert answer.status_code == 422
    [item] = answer.json()["detail"]
    assert item["loc"] == ["body", "starts_at"] and item["type"] == "shift_in_past"
    assert answer.json()["code"] == "shift_in_past"
    start = now() + timedelta(days=1)
    backwards = body(site, ends_at=(start - timedelta(hours=1)).isoformat())
    answer = client.post("/api/v1/orders", json=backwards, headers=headers)
    assert answer.json()["detail"][0]["type"] == "shift_ends_before_start"
    # FastAPI's own schema errors keep their shape and types.
    schema = client.post("/api/v1/orders", json=body(site, headcount="many"), headers=headers)
    assert schema.status_code == 422 and schema.json()["detail"][0]["type"] == "int_type"


def test_not_found_and_conflicts_carry_a_code_beside_the_detail(client, session, setup):
    _, site, headers = setup
    missing = client.get("/api/v1/orders/2147483000", headers=headers)
    assert missing.status_code == 404
    assert missing.json() == {"detail": "order 2147483000 not found", "code": "order_not_found"}
    order = client.post("/api/v1/orders", json=body(site), headers=headers).json()
    cancel = f"/api/v1/orders/{order['id']}/cancel"
    assert client.post(cancel, json={"reason": "called off"}, headers=headers).status_code == 200
    again = client.post(cancel, json={"reason": "again"}, headers=headers)
    assert again.status_code == 409 and again.json()["code"] == "order_finished"
    assert isinstance(again.json()["detail"], str)


def test_forbidden_carries_a_code(client, session, setup):
    manager = make_user(session, role="manager", branch=setup[0])
    answer = client.post(
        "/api/v1/users",
        json={
            "username": "another-manager",
            "password": "long-enough-pw",
            "role": "manager",
            "branch_id": setup[0].id,
        },
        headers=auth(manager),
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "forbidden" and isinstance(answer.json()["detail"], str)
