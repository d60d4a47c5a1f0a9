"""A worker's vetted flag and status change only by their acts (a vetting, a block, an
unblock: each with its reason, audited): PATCH /api/v1/workers/{id} refuses them with a
stable code naming the call to make, and writes nothing of the rest of the patch."""

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from tests.builders import auth, make_branch, make_user, make_worker


@pytest.fixture
def world(session):
    branch = make_branch(session)
    worker = make_worker(session, branch=branch, vetted=False, full_name="Старое Имя")
    return worker, auth(make_user(session, role="dispatcher", branch=branch))


def _updates(session, worker) -> list[AuditEntry]:
    query = (
        select(AuditEntry)
        .where(AuditEntry.action == "worker.update", AuditEntry.entity_ids.contains([worker.id]))
        .order_by(AuditEntry.id)
    )
    return list(session.scalars(query))


@pytest.mark.parametrize(
    "change, code, call",
    [
        ({"vetted": True}, "vetted_by_vetting", "/vetting"),
        ({"vetted": False, "full_name": "Новое Имя"}, "vetted_by_vetting", "/vetting"),
        ({"status": "blocked"}, "status_by_block", "/block"),
        ({"status": "active", "full_name": "Новое Имя"}, "status_by_block", "/unblock"),
    ],
)
def test_patch_refuses_what_only_an_act_may_change(client, session, world, change, code, call):
    worker, office = world
    answer = client.patch(f"/api/v1/workers/{worker.id}", json=change, headers=office)
    assert answer.status_code == 422, answer.text
    body = answer.json()
    field = "vetted" if "vetted" in change else "status"
    assert body["code"] == code
    assert body["detail"] == [
        {"loc": ["body", field], "msg": body["detail"][0]["msg"], "type": code}
    ]
    assert f"/api/v1/workers/{worker.id}{call}" in body["detail"][0]["msg"]
    session.expire_all()
    assert (worker.vetted, worker.status, worker.full_name) == (False, "active", "Старое Имя")
    assert _updates(session, worker) == []


def test_the_acts_still_change_them_and_an_edit_of_the_rest_still_works(client, session, world):
    worker, office = world
    url = f"/api/v1/workers/{worker.id}"
    edited = client.patch(url, json={"full_name": "Новое Имя"}, headers=office)
    assert edited.status_code == 200 and edited.json()["full_name"] == "Новое Имя"
    blocked = client.post(f"{url}/block", json={"reason": "поддельный паспорт"}, headers=office)
    assert blocked.status_code == 200, blocked.text
    assert client.get(url, headers=office).json()["status"] == "blocked"
