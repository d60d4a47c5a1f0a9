"""An owner (issue 21): reads everything of their organisation's branches like a manager of
them, writes nothing of the daily work, keeps their branches' managers, and reaches nothing of
another organisation's branch (404, as if it were not there). Per read path, not per route:
tests/api/test_access_matrix.py has every route."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.clock import now
from dispatch.models import User
from dispatch.penalties import record
from rating import reasons
from tests.api.network_helpers import make_organisation, make_owner
from tests.builders import (
    KAZAN,
    MOSCOW,
    auth,
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)

API = "/api/v1"


def _branch_with_work(session, center=MOSCOW):
    """A branch with a client, a site, a worker booked on an order there, a penalty of theirs."""
    branch = make_branch(session, center=center)
    client = make_client(session, branch=branch)
    site = make_site(session, client=client, at=center)
    worker = make_worker(session, branch=branch, near=center)
    order = make_order(session, site=site, now=now())
    make_offer(session, order=order, worker=worker)
    record.penalise(
        session, order, worker.id, kind="no_show", points=3, fine=Decimal("300"),
        reason=reasons.of("absent"),
    )  # fmt: skip
    return {"branch": branch, "client": client, "site": site, "worker": worker, "order": order}


@pytest.fixture
def world(session):
    a1, a2, b1 = _branch_with_work(session), _branch_with_work(session), _branch_with_work(session)
    organisation = make_organisation(session, a1["branch"], a2["branch"])
    make_organisation(session, b1["branch"])
    owner = make_owner(session, organisation)
    return {"a1": a1, "a2": a2, "b1": b1, "owner": owner, "headers": auth(owner)}


LISTS = [  # a list path, the field of an item naming the thing, and which thing
    ("/orders", "id", "order"),
    ("/clients", "id", "client"),
    ("/sites", "id", "site"),
    ("/workers", "id", "worker"),
]


@pytest.mark.parametrize(("path", "field", "thing"), LISTS)
def test_an_owner_lists_their_branches_things_and_none_of_another_organisation(
    client, world, path, field, thing
):
    listed = client.get(API + path, headers=world["headers"])
    assert listed.status_code == 200, listed.text
    ids = {item[field] for item in listed.json()}
    assert world["a1"][thing].id in ids and world["a2"][thing].id in ids
    assert world["b1"][thing].id not in ids


ONE = [  # a path about one thing, and the thing it names
    ("/orders/{}", "order"),
    ("/orders/{}/timesheet", "order"),
    ("/orders/{}/offers", "order"),
    ("/orders/{}/hours", "order"),
    ("/clients/{}", "client"),
    ("/clients/{}/blocks", "client"),
    ("/sites/{}", "site"),
    ("/workers/{}", "worker"),
    ("/workers/{}/penalties", "worker"),
    ("/workers/{}/vettings", "worker"),
    ("/branches/{}", "branch"),
    ("/branches/{}/texts", "branch"),
]


@pytest.mark.parametrize(("path", "thing"), ONE)
def test_an_owner_reads_each_of_their_branches_and_gets_404_for_another(client, world, path, thing):
    for branch in ("a1", "a2"):
        answer = client.get(API + path.format(world[branch][thing].id), headers=world["headers"])
        assert answer.status_code == 200, (branch, answer.text)
    other = client.get(API + path.format(world["b1"][thing].id), headers=world["headers"])
    assert other.status_code == 404, other.text


def test_an_owner_downloads_their_branches_payouts_and_not_another(client, world):
    days = {"from": str(date.today() - timedelta(days=7)), "to": str(date.today() + timedelta(7))}
    url = API + "/branches/{}/payouts"
    mine = client.get(url.format(world["a2"]["branch"].id), params=days, headers=world["headers"])
    assert mine.status_code == 200 and "text/csv" in mine.headers["content-type"]
    other = client.get(url.format(world["b1"]["branch"].id), params=days, headers=world["headers"])
    assert other.status_code == 404


def test_an_owner_reads_the_audit_and_messages_of_their_branches_only(client, session, world):
    listed = client.get(API + "/audit", params={"limit": 1000}, headers=world["headers"]).json()
    branches = {entry["branch_id"] for entry in listed}
    assert branches and branches <= {world["a1"]["branch"].id, world["a2"]["branch"].id, None}
    assert world["b1"]["branch"].id not in branches
    assert client.get(API + "/messages", headers=world["headers"]).status_code == 200
    disputes = client.get(API + "/worker-disputes", headers=world["headers"])
    assert disputes.status_code == 200


def test_an_owner_sees_a_worker_as_a_manager_of_the_branch_does_and_the_read_is_audited(
    client, session, world
):
    """Their own branch's worker whole; another organisation's worker booked on their order
    with the phone masked, as the manager of that branch sees them (dispatch/access/privacy)."""
    stranger = make_worker(session, branch=world["b1"]["branch"], near=MOSCOW)
    order = world["a1"]["order"]
    make_offer(session, order=order, worker=stranger)
    manager = auth(make_user(session, role="manager", branch=world["a1"]["branch"]))
    url = f"{API}/orders/{order.id}/timesheet"
    as_owner = client.get(url, headers=world["headers"]).json()
    as_manager = client.get(url, headers=manager).json()
    assert as_owner["lines"] == as_manager["lines"]
    mine = client.get(f"{API}/workers/{world['a1']['worker'].id}", headers=world["headers"]).json()
    assert mine["phone"] == world["a1"]["worker"].phone
    read = session.scalars(
        select(AuditEntry).where(
            AuditEntry.actor_user_id == world["owner"].id, AuditEntry.action.like("worker.%")
        )
    ).all()
    assert {e.action for e in read} >= {"worker.read", "worker.list"}
    assert any(stranger.id in e.entity_ids for e in read)
    offers = client.get(f"{API}/orders/{order.id}/offers", headers=world["headers"]).text
    assert stranger.phone not in offers


def test_an_owner_writes_nothing_of_the_daily_work(client, world):
    headers, site, order = world["headers"], world["a1"]["site"], world["a1"]["order"]
    starts = now() + timedelta(days=2)
    placed = client.post(
        API + "/orders",
        headers=headers,
        json={
            "site_id": site.id, "skill": "loader", "headcount": 2,
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=8)).isoformat(),
        },
    )  # fmt: skip
    assert placed.status_code == 403
    worker = world["a1"]["worker"]
    mark = {"worker_id": worker.id, "status": "arrived"}
    marked = client.post(f"{API}/orders/{order.id}/attendance", headers=headers, json=mark)
    assert marked.status_code == 403
    cancelled = client.post(
        f"{API}/orders/{order.id}/cancel", headers=headers, json={"reason": "x"}
    )
    assert cancelled.status_code == 403
    tuned = client.patch(
        f"{API}/branches/{world['a1']['branch'].id}", headers=headers, json={"radius_m": 5000}
    )
    assert tuned.status_code == 403
    assert (
        client.post(f"{API}/workers/{worker.id}/block", headers=headers, json={}).status_code == 403
    )


def _new_user(role: str, branch_id: int | None, n: int = 0) -> dict:
    return {
        "username": f"by-owner-{role}-{n}",
        "password": "long-enough-pass",
        "role": role,
        "branch_id": branch_id,
    }


def test_an_owner_adds_and_keeps_managers_of_their_branches_only(client, session, world):
    headers = world["headers"]
    a1, b1 = world["a1"]["branch"].id, world["b1"]["branch"].id
    added = client.post(API + "/users", headers=headers, json=_new_user("manager", a1))
    assert added.status_code == 201, added.text
    manager_id = added.json()["id"]
    assert client.post(
        API + "/users", headers=headers, json=_new_user("manager", b1, 1)
    ).status_code in (403, 404)
    for role in ("dispatcher", "owner", "admin", "call_centre"):
        refused = client.post(API + "/users", headers=headers, json=_new_user(role, a1, 2))
        assert refused.status_code in (403, 422), (role, refused.text)
    assert session.scalar(select(User.id).where(User.username.like("by-owner-%-1"))) is None
    for action in ("deactivate", "activate", "one-time-password"):
        done = client.post(f"{API}/users/{manager_id}/{action}", headers=headers)
        assert done.status_code in (200, 204), (action, done.text)
    theirs = make_user(session, role="manager", branch=world["b1"]["branch"])
    assert client.post(f"{API}/users/{theirs.id}/deactivate", headers=headers).status_code == 404
    dispatcher = make_user(session, role="dispatcher", branch=world["a1"]["branch"])
    refused = client.post(f"{API}/users/{dispatcher.id}/deactivate", headers=headers)
    assert refused.status_code == 403
    listed = {u["id"] for u in client.get(API + "/users", headers=headers).json()}
    assert manager_id in listed and dispatcher.id in listed and theirs.id not in listed


def test_a_branch_moved_to_another_organisation_leaves_its_old_owner_at_once(
    client, session, world
):
    headers = world["headers"]
    order = world["a2"]["order"]
    assert client.get(f"{API}/orders/{order.id}", headers=headers).status_code == 200
    world["a2"]["branch"].organisation_id = world["b1"]["branch"].organisation_id
    session.flush()
    assert client.get(f"{API}/orders/{order.id}", headers=headers).status_code == 404
    still = client.get(f"{API}/orders/{world['a1']['order'].id}", headers=headers)
    assert still.status_code == 200


def test_an_owner_of_an_organisation_with_no_branch_sees_nothing(client, session, world):
    lonely = auth(make_owner(session, make_organisation(session)))
    for path, _, _ in LISTS:
        assert client.get(API + path, headers=lonely).json() == []
    assert client.get(API + "/audit", headers=lonely).json() == []


def test_an_admin_adds_an_owner_and_a_call_centre_user(client, session):
    admin = auth(make_user(session, role="admin"))
    organisation = make_organisation(session, make_branch(session, center=KAZAN))
    body = _new_user("owner", None) | {"organisation_id": organisation.id}
    made = client.post(API + "/users", headers=admin, json=body)
    assert made.status_code == 201, made.text
    assert made.json()["organisation_id"] == organisation.id
    missing = client.post(API + "/users", headers=admin, json=_new_user("owner", None, 1))
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"][-1] == "organisation_id"
    unknown = _new_user("owner", None, 2) | {"organisation_id": 999_999}
    answer = client.post(API + "/users", headers=admin, json=unknown)
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"][-1] == "organisation_id"
    call_centre = client.post(API + "/users", headers=admin, json=_new_user("call_centre", None))
    assert call_centre.status_code == 201, call_centre.text
    branch = make_branch(session)
    with_branch = client.post(
        API + "/users", headers=admin, json=_new_user("call_centre", branch.id, 3)
    )
    assert with_branch.status_code == 422
    stray = _new_user("manager", branch.id, 4) | {"organisation_id": organisation.id}
    assert client.post(API + "/users", headers=admin, json=stray).status_code == 422


def test_the_privacy_rule_for_an_owner_and_the_call_centre(session, world):
    """dispatch/access/privacy.py: an owner sees their branches' workers whole, another
    organisation's worker engaged by one of their branches with the phone masked, and one
    their branches never engaged not at all; the call centre sees no one's person."""
    from dispatch.access.privacy import Sight, show_workers
    from dispatch.registry.staff import actor_of

    engaged = make_worker(session, branch=world["b1"]["branch"], near=MOSCOW)
    make_offer(session, order=world["a2"]["order"], worker=engaged)
    stranger = world["b1"]["worker"]
    mine = world["a1"]["worker"]
    ids = [mine.id, engaged.id, stranger.id]
    owner = actor_of(world["owner"], session)
    assert owner.branch_ids == {world["a1"]["branch"].id, world["a2"]["branch"].id}
    seen = show_workers(session, actor=owner, worker_ids=ids, via="test")
    assert seen[mine.id].sight is Sight.FULL and seen[mine.id].phone == mine.phone
    assert seen[engaged.id].sight is Sight.PAYING
    assert seen[engaged.id].name == engaged.full_name and seen[engaged.id].phone != engaged.phone
    assert seen[stranger.id].sight is Sight.NONE and seen[stranger.id].name is None
    from tests.api.network_helpers import make_call_centre

    centre = actor_of(make_call_centre(session), session)
    assert centre.whole_network
    blind = show_workers(session, actor=centre, worker_ids=ids, via="test")
    assert {w.sight for w in blind.values()} == {Sight.NONE}
    assert all(w.name is None and w.phone is None for w in blind.values())
