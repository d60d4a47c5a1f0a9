"""The recruiter role (issue 17, item 8): one branch's workers' base (list, read, register,
edit, import), no order, client or site; added and managed by the branch's manager. And the
staff writes a manager makes: a staff member's name and phone (PATCH /users/{id})."""

import io
import typing
from decimal import Decimal

from sqlalchemy import select

from api.schemas.registry import UserIn
from core.audit import AuditEntry
from core.clock import now
from dispatch.enums import MANAGED_BY_MANAGERS, ROLES, WORKER_DESK
from dispatch.models import User
from dispatch.registry.knobs import DEFAULTS, check_policy
from tests.builders import (
    KAZAN,
    MOSCOW,
    PASSWORD,
    auth,
    make_branch,
    make_client,
    make_order,
    make_site,
    make_user,
    make_worker,
)

API = "/api/v1"


def _worker_body(branch_id: int, phone: str) -> dict:
    return {
        "full_name": "Петров Пётр",
        "phone": phone,
        "home": {"lat": 55.75, "lon": 37.61},
        "skills": ["loader"],
        "branch_id": branch_id,
    }


def test_the_roles_are_one_list_for_the_api_the_database_and_the_rules():
    assert typing.get_args(UserIn.model_fields["role"].annotation) == ROLES
    assert "recruiter" in ROLES and "recruiter" in WORKER_DESK
    assert "recruiter" in MANAGED_BY_MANAGERS


def test_a_recruiter_keeps_their_branchs_workers(client, session):
    branch, other = make_branch(session), make_branch(session, center=KAZAN)
    recruiter = make_user(session, role="recruiter", branch=branch)
    theirs = make_worker(session, branch=other, near=KAZAN)
    headers = auth(recruiter)

    made = client.post(f"{API}/workers", json=_worker_body(branch.id, "+79160001122"),
                       headers=headers)  # fmt: skip
    assert made.status_code == 201, made.text
    worker_id = made.json()["id"]
    assert client.get(f"{API}/workers/{worker_id}", headers=headers).status_code == 200
    changed = client.patch(f"{API}/workers/{worker_id}", json={"language": "en"}, headers=headers)
    assert changed.status_code == 200 and changed.json()["language"] == "en"
    listed = client.get(f"{API}/workers", headers=headers).json()
    assert worker_id in {w["id"] for w in listed} and theirs.id not in {w["id"] for w in listed}
    csv = "full_name,phone,lat,lon,skills\nСидоров Сидор,+79160001133,55.7,37.6,loader\n"
    imported = client.post(
        f"{API}/workers/import",
        files={"file": ("w.csv", io.BytesIO(csv.encode()), "text/csv")},
        data={"branch_id": str(branch.id)},
        headers=headers,
    )
    assert imported.status_code == 200 and imported.json()["created"] == 1

    elsewhere = client.post(f"{API}/workers", json=_worker_body(other.id, "+79160001144"),
                            headers=headers)  # fmt: skip
    assert elsewhere.status_code == 404
    assert client.get(f"{API}/workers/{theirs.id}", headers=headers).status_code == 404


def test_a_recruiter_reaches_no_order_client_or_site(client, session):
    branch = make_branch(session)
    site = make_site(session, client=make_client(session, branch=branch), at=MOSCOW)
    order = make_order(session, site=site, now=now())
    headers = auth(make_user(session, role="recruiter", branch=branch))
    for path in ("/orders", f"/orders/{order.id}", f"/orders/{order.id}/timesheet", "/clients",
                 f"/clients/{site.client_id}", f"/sites/{site.id}", "/messages", "/users",
                 f"/branches/{branch.id}/texts"):  # fmt: skip
        assert client.get(API + path, headers=headers).status_code == 403, path
    assert client.post(f"{API}/orders/{order.id}/cancel", json={"reason": "x"},
                       headers=headers).status_code == 403  # fmt: skip
    assert client.get(f"{API}/branches/{branch.id}", headers=headers).status_code == 200


def test_a_manager_adds_a_recruiter_and_switches_them_off(client, session):
    branch = make_branch(session)
    manager = auth(make_user(session, role="manager", branch=branch))
    made = client.post(
        f"{API}/users",
        json={"username": "rita", "password": "long-enough-pass", "role": "recruiter",
              "branch_id": branch.id, "full_name": "Рита Набор", "phone": "89160002233"},
        headers=manager,
    )  # fmt: skip
    assert made.status_code == 201, made.text
    assert (made.json()["role"], made.json()["phone"]) == ("recruiter", "+79160002233")
    rita = session.get(User, made.json()["id"])
    rita_headers = auth(rita)
    assert client.get(f"{API}/workers", headers=rita_headers).status_code == 200

    peer = client.post(
        f"{API}/users",
        json={"username": "boss", "password": "long-enough-pass", "role": "manager",
              "branch_id": branch.id},
        headers=manager,
    )  # fmt: skip
    assert peer.status_code == 403

    off = client.post(f"{API}/users/{rita.id}/deactivate", headers=manager)
    assert off.status_code == 204
    assert client.get(f"{API}/workers", headers=rita_headers).status_code == 401


def test_a_manager_edits_a_staff_members_name_and_phone_audited(client, session):
    branch, other = make_branch(session), make_branch(session, center=KAZAN)
    manager = make_user(session, role="manager", branch=branch)
    foreman = make_user(session, role="foreman", branch=branch, phone="+79160003344")
    peer = make_user(session, role="manager", branch=branch)
    stranger = make_user(session, role="dispatcher", branch=other)
    headers = auth(manager)

    named = client.patch(f"{API}/users/{foreman.id}", json={"full_name": " Иван Петров "},
                         headers=headers)  # fmt: skip
    assert named.status_code == 200
    assert (named.json()["full_name"], named.json()["phone"]) == ("Иван Петров", "+79160003344")
    removed = client.patch(f"{API}/users/{foreman.id}", json={"phone": None}, headers=headers)
    assert removed.json()["phone"] is None and removed.json()["full_name"] == "Иван Петров"

    bad = client.patch(f"{API}/users/{foreman.id}", json={"phone": "12"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "phone"]
    assert client.patch(f"{API}/users/{peer.id}", json={"full_name": "X"},
                        headers=headers).status_code == 403  # fmt: skip
    assert client.patch(f"{API}/users/{stranger.id}", json={"full_name": "X"},
                        headers=headers).status_code == 404  # fmt: skip

    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "user.edit").order_by(AuditEntry.id)
    ).all()
    assert [e.detail["fields"] for e in entries if e.entity_ids == [foreman.id]] == [
        ["full_name"],
        ["phone"],
    ]


def test_check_policy_names_every_refused_knob_and_keeps_the_rest():
    changes = {"overbook_factor": "9", "wave_timeout_min": "abc", "fill_goal": "0.9",
               "search_radius_m": 50_000, "confirm_by_h": 20}  # fmt: skip
    merged, errors = check_policy(dict(DEFAULTS), changes)
    assert {name: e.reason for name, e in errors.items()} == {
        "overbook_factor": "above",
        "wave_timeout_min": "not_a_value",
        "search_radius_m": "radii",
        "confirm_by_h": "confirm_window",
    }
    assert merged["fill_goal"] == Decimal("0.900")
    assert merged["search_radius_m"] == DEFAULTS["search_radius_m"]  # the refused pair undone
    assert merged["overbook_factor"] == DEFAULTS["overbook_factor"]


def test_a_recruiter_signs_in_to_the_console(client, session):
    recruiter = make_user(session, role="recruiter", branch=make_branch(session))
    client.get("/console/login")
    answer = client.post(
        "/console/login",
        data={"username": recruiter.username, "password": PASSWORD,
              "csrf": client.cookies["brigada_csrf"], "next": ""},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == "/console/workers"
