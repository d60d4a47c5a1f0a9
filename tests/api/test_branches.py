"""Branches: creation with policy defaults, validation naming the field, nothing half-written."""

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from dispatch.models import Branch
from dispatch.registry.knobs import DEFAULTS
from tests.builders import auth, make_branch, make_user

NEW = {
    "code": "spb",
    "name": "Санкт-Петербург",
    "timezone": "Europe/Moscow",
    "center": {"lat": 59.9391, "lon": 30.3159},
}


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(Branch))


def test_create_branch_with_design_defaults(client, session):
    admin = make_user(session, role="admin")
    answer = client.post("/api/v1/branches", json=NEW, headers=auth(admin))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["code"] == "SPB"
    assert body["center"] == {"lat": 59.9391, "lon": 30.3159}
    assert body["policy"]["overbook_factor"] == "1.50"
    assert body["policy"]["search_radius_m"] == 10_000
    assert body["policy"]["max_radius_m"] == 40_000
    assert body["policy"]["late_grace_min"] == 10
    assert set(body["policy"]) == set(DEFAULTS)
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity == "branch").order_by(AuditEntry.id)
    )
    assert "branch.create" in list(actions)


def test_create_branch_with_policy_overrides(client, session):
    admin = make_user(session, role="admin")
    body = {**NEW, "policy": {"overbook_factor": "2.0", "overbooking_mode": "adaptive"}}
    answer = client.post("/api/v1/branches", json=body, headers=auth(admin))
    assert answer.status_code == 201, answer.text
    assert answer.json()["policy"]["overbook_factor"] == "2.00"
    assert answer.json()["policy"]["overbooking_mode"] == "adaptive"


@pytest.mark.parametrize(
    "change, loc",
    [
        ({"timezone": "Mars/Olympus"}, ["body", "timezone"]),
        ({"timezone": "UTC+3"}, ["body", "timezone"]),
        ({"center": {"lat": 91, "lon": 30}}, ["body", "center", "lat"]),
        ({"center": {"lat": 59, "lon": -181}}, ["body", "center", "lon"]),
        ({"code": "no spaces allowed"}, ["body", "code"]),
        ({"country": "US"}, ["body", "country"]),
        ({"policy": {"overbook_factor": 5}}, ["body", "policy", "overbook_factor"]),
        ({"policy": {"overbooking_mode": "greedy"}}, ["body", "policy", "overbooking_mode"]),
        ({"policy": {"bogus_knob": 1}}, ["body", "policy", "bogus_knob"]),
        ({"policy": {"search_radius_m": 50_000}}, ["body", "policy", "search_radius_m"]),
        ({"policy": {"confirm_by_h": 20}}, ["body", "policy", "confirm_by_h"]),
        ({"extra": 1}, ["body", "extra"]),
    ],
)
def test_bad_branch_is_422_naming_the_field_and_writes_nothing(client, session, change, loc):
    admin = make_user(session, role="admin")
    before = _count(session)
    answer = client.post("/api/v1/branches", json={**NEW, **change}, headers=auth(admin))
    assert answer.status_code == 422, answer.text
    assert loc in [error["loc"] for error in answer.json()["detail"]]
    assert _count(session) == before


def test_duplicate_code_is_409(client, session):
    admin = make_user(session, role="admin")
    assert client.post("/api/v1/branches", json=NEW, headers=auth(admin)).status_code == 201
    again = client.post("/api/v1/branches", json={**NEW, "code": "SPB"}, headers=auth(admin))
    assert again.status_code == 409
    assert "code" in again.json()["detail"]


def test_manager_tunes_own_policy_and_bad_knob_changes_nothing(client, session):
    branch = make_branch(session)
    manager = make_user(session, role="manager", branch=branch)
    path = f"/api/v1/branches/{branch.id}"
    ok = client.patch(path, json={"policy": {"wave_timeout_min": 5}}, headers=auth(manager))
    assert ok.status_code == 200, ok.text
    assert ok.json()["policy"]["wave_timeout_min"] == 5
    bad = client.patch(
        path,
        json={"name": "Renamed", "policy": {"late_grace_min": 90}},
        headers=auth(manager),
    )
    assert bad.status_code == 422
    assert ["body", "policy", "late_grace_min"] in [e["loc"] for e in bad.json()["detail"]]
    session.expire_all()
    stored = session.get(Branch, branch.id)
    assert stored.name != "Renamed" and stored.late_grace_min == 10


def test_patch_rejects_explicit_null(client, session):
    branch = make_branch(session)
    admin = make_user(session, role="admin")
    answer = client.patch(f"/api/v1/branches/{branch.id}", json={"name": None}, headers=auth(admin))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "name"]


def test_missing_branch_is_404(client, session):
    admin = make_user(session, role="admin")
    assert client.get("/api/v1/branches/999999", headers=auth(admin)).status_code == 404
