"""Every registry endpoint x role x (own branch, other branch): who gets what.

Rules (API.md): a user of branch A asking for branch B's things gets 404; admins see the
network; foremen have no registry access (403); only admins open branches, and managers
tune their own branch.
"""

import io
from dataclasses import dataclass

import pytest

from dispatch.models import Branch
from tests.builders import KAZAN, auth, make_branch, make_client, make_site, make_user, make_worker

ROLES = ("admin", "manager", "dispatcher", "foreman")


@dataclass
class World:
    own: dict
    other: dict


@pytest.fixture
def world(session) -> World:
    def branch_things(center=None):
        branch = make_branch(session, **({"center": center} if center else {}))
        client = make_client(session, branch=branch)
        site = make_site(session, client=client)
        worker = make_worker(session, branch=branch)
        return {"branch": branch.id, "client": client.id, "site": site.id, "worker": worker.id}

    return World(own=branch_things(), other=branch_things(KAZAN))


def _csv(_):
    return "full_name,phone,lat,lon,skills\nПетров Пётр,8 921 555 00 11,55.7,37.6,loader\n"


# (name, method, path template, body maker or None, allowed roles, success status)
ENDPOINTS = [
    ("branch get", "GET", "/api/v1/branches/{branch}", None, ROLES, 200),
    (
        "branch patch",
        "PATCH",
        "/api/v1/branches/{branch}",
        lambda t: {"name": "Renamed"},
        ("admin", "manager"),
        200,
    ),
    (
        "client create",
        "POST",
        "/api/v1/clients",
        lambda t: {"branch_id": t["branch"], "name": "New client"},
        ROLES[:3],
        201,
    ),
    ("client get", "GET", "/api/v1/clients/{client}", None, ROLES[:3], 200),
    (
        "client patch",
        "PATCH",
        "/api/v1/clients/{client}",
        lambda t: {"name": "Renamed"},
        ROLES[:3],
        200,
    ),
    (
        "site create",
        "POST",
        "/api/v1/sites",
        lambda t: {
            "client_id": t["client"],
            "name": "Gate 2",
            "address": "ул. Ленина, 1",
            "location": {"lat": 55.7, "lon": 37.6},
        },
        ROLES[:3],
        201,
    ),
    ("site get", "GET", "/api/v1/sites/{site}", None, ROLES[:3], 200),
    ("site patch", "PATCH", "/api/v1/sites/{site}", lambda t: {"geofence_m": 300}, ROLES[:3], 200),
    (
        "worker create",
        "POST",
        "/api/v1/workers",
        lambda t: {
            "full_name": "Сидоров Сидор",
            "phone": "+79215550022",
            "home": {"lat": 55.7, "lon": 37.6},
            "skills": ["mover"],
            "branch_id": t["branch"],
        },
        ROLES[:3],
        201,
    ),
    ("worker get", "GET", "/api/v1/workers/{worker}", None, ROLES[:3], 200),
    (
        "worker patch",
        "PATCH",
        "/api/v1/workers/{worker}",
        lambda t: {"language": "en"},
        ROLES[:3],
        200,
    ),
    ("worker import", "IMPORT", "/api/v1/workers/import", _csv, ROLES[:3], 200),
    ("block list", "GET", "/api/v1/clients/{client}/blocks", None, ROLES[:3], 200),
    (
        "block add",
        "POST",
        "/api/v1/clients/{client}/blocks",
        lambda t: {"worker_id": t["worker"], "reason": "fought on site"},
        ROLES[:3],
        201,
    ),
]


def _call(client, headers, method, path, body, branch_id):
    if method == "IMPORT":  # a multipart upload naming the target branch
        files = {"file": ("w.csv", io.BytesIO(body.encode()), "text/csv")}
        data = {"branch_id": str(branch_id)}
        return client.post(path, files=files, data=data, headers=headers)
    return client.request(method, path, json=body, headers=headers)


def _expected(role, allowed, success, target):
    if role not in allowed:
        return 403
    if role == "admin" or target == "own":
        return success
    return 404


@pytest.mark.parametrize("target", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_registry_access(client, session, world, endpoint, role, target):
    name, method, template, make_body, allowed, success = endpoint
    things = world.own if target == "own" else world.other
    user = make_user(session, role=role, branch=session.get_one(Branch, world.own["branch"]))
    body = make_body(things) if make_body else None
    path = template.format(**things)
    answer = _call(client, auth(user), method, path, body, things["branch"])
    assert answer.status_code == _expected(role, allowed, success, target), answer.text


def test_only_admins_open_branches(client, session, world):
    body = {
        "code": "NSK",
        "name": "Новосибирск",
        "timezone": "Asia/Novosibirsk",
        "center": {"lat": 55.03, "lon": 82.92},
    }
    for role in ("manager", "dispatcher", "foreman"):
        user = make_user(session, role=role, branch=session.get_one(Branch, world.own["branch"]))
        assert client.post("/api/v1/branches", json=body, headers=auth(user)).status_code == 403
    admin = make_user(session, role="admin")
    assert client.post("/api/v1/branches", json=body, headers=auth(admin)).status_code == 201


@pytest.mark.parametrize("role", ["manager", "dispatcher"])
@pytest.mark.parametrize(
    "path, key",
    [
        ("/api/v1/branches", "branch"),
        ("/api/v1/clients", "client"),
        ("/api/v1/sites", "site"),
        ("/api/v1/workers", "worker"),
    ],
)
def test_lists_show_only_the_own_branch(client, session, world, role, path, key):
    user = make_user(session, role=role, branch=session.get_one(Branch, world.own["branch"]))
    answer = client.get(path, headers=auth(user))
    assert answer.status_code == 200
    ids = {item["id"] for item in answer.json()}
    assert world.own[key] in ids
    assert world.other[key] not in ids


@pytest.mark.parametrize(
    "path, key",
    [
        ("/api/v1/branches", "branch"),
        ("/api/v1/clients", "client"),
        ("/api/v1/sites", "site"),
        ("/api/v1/workers", "worker"),
    ],
)
def test_admin_lists_see_the_network(client, session, world, path, key):
    admin = make_user(session, role="admin")
    ids = {item["id"] for item in client.get(path, headers=auth(admin)).json()}
    assert {world.own[key], world.other[key]} <= ids


def test_a_managers_users_stay_in_their_branch(client, session, world):
    own = session.get_one(Branch, world.own["branch"])
    manager = make_user(session, role="manager", branch=own)
    body = {"username": "new-foreman", "password": "long-enough-pass", "role": "foreman"}
    ok = client.post("/api/v1/users", json={**body, "branch_id": own.id}, headers=auth(manager))
    assert ok.status_code == 201, ok.text
    elsewhere = {**body, "username": "other-foreman", "branch_id": world.other["branch"]}
    assert client.post("/api/v1/users", json=elsewhere, headers=auth(manager)).status_code == 403
    admin_body = {**body, "username": "sneaky", "role": "admin", "branch_id": None}
    assert client.post("/api/v1/users", json=admin_body, headers=auth(manager)).status_code == 403
    dispatcher = make_user(session, role="dispatcher", branch=own)
    assert client.get("/api/v1/users", headers=auth(dispatcher)).status_code == 403
