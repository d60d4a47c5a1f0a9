"""Clients, sites and block lists: validation, defaults and 404s."""

from sqlalchemy import func, select

from dispatch.models import Client, ClientBlock, Site
from tests.builders import auth, make_branch, make_client, make_site, make_user, make_worker


def test_client_and_site_created_with_the_branch_geofence(client, session):
    branch = make_branch(session, geofence_m=400)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    made = client.post(
        "/api/v1/clients",
        json={"branch_id": branch.id, "name": "  Склад   №1 "},
        headers=auth(dispatcher),
    )
    assert made.status_code == 201, made.text
    assert made.json()["name"] == "Склад №1"
    site = client.post(
        "/api/v1/sites",
        json={
            "client_id": made.json()["id"],
            "name": "Ворота 3",
            "address": "ул. Ленина, 5",
            "location": {"lat": 55.75, "lon": 37.61},
        },
        headers=auth(dispatcher),
    )
    assert site.status_code == 201, site.text
    assert site.json()["geofence_m"] == 400
    assert site.json()["location"] == {"lat": 55.75, "lon": 37.61}


def test_duplicate_client_name_in_a_branch_is_409(client, session):
    branch = make_branch(session)
    make_client(session, branch=branch, name="Альфа")
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    answer = client.post(
        "/api/v1/clients",
        json={"branch_id": branch.id, "name": "Альфа"},
        headers=auth(dispatcher),
    )
    assert answer.status_code == 409
    assert "name" in answer.json()["detail"]


def test_bad_site_is_422_naming_the_field_and_writes_nothing(client, session):
    branch = make_branch(session)
    owner = make_client(session, branch=branch)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    good = {
        "client_id": owner.id,
        "name": "Gate",
        "address": "ул. Мира, 1",
        "location": {"lat": 55.7, "lon": 37.6},
    }
    before = session.scalar(select(func.count()).select_from(Site))
    cases = [
        ({"location": {"lat": 55.7}}, ["body", "location", "lon"]),
        ({"geofence_m": 10}, ["body", "geofence_m"]),
        ({"address": ""}, ["body", "address"]),
        ({"client_id": "abc"}, ["body", "client_id"]),
    ]
    for change, loc in cases:
        answer = client.post("/api/v1/sites", json={**good, **change}, headers=auth(dispatcher))
        assert answer.status_code == 422, (change, answer.text)
        assert loc in [e["loc"] for e in answer.json()["detail"]], answer.text
    missing = client.post(
        "/api/v1/sites", json={**good, "client_id": 999999}, headers=auth(dispatcher)
    )
    assert missing.status_code == 404
    assert session.scalar(select(func.count()).select_from(Site)) == before


def test_block_list_add_repeat_list_remove(client, session):
    branch = make_branch(session)
    owner = make_client(session, branch=branch)
    worker = make_worker(session, branch=branch)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    path = f"/api/v1/clients/{owner.id}/blocks"
    body = {"worker_id": worker.id, "reason": "left the site without a word"}
    assert client.post(path, json=body, headers=auth(dispatcher)).status_code == 201
    assert client.post(path, json=body, headers=auth(dispatcher)).status_code == 201  # no-op
    listed = client.get(path, headers=auth(dispatcher)).json()
    assert [b["worker_id"] for b in listed] == [worker.id]
    unknown = client.post(path, json={**body, "worker_id": 999999}, headers=auth(dispatcher))
    assert unknown.status_code == 404
    gone = client.delete(f"{path}/{worker.id}", headers=auth(dispatcher))
    assert gone.status_code == 204
    assert session.scalar(select(func.count()).select_from(ClientBlock)) == 0


def test_sites_list_filters_by_client(client, session):
    branch = make_branch(session)
    first, second = make_client(session, branch=branch), make_client(session, branch=branch)
    site = make_site(session, client=first)
    make_site(session, client=second)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    listed = client.get(f"/api/v1/sites?client_id={first.id}", headers=auth(dispatcher)).json()
    assert [s["id"] for s in listed] == [site.id]
    assert session.get(Client, first.id) is not None
