"""A client's contact and legal details through the API: INN, KPP and OGRN checked (a bad
one writes nothing and names the field), the contact phone in E.164, search by name or INN;
favourites; another branch's client is a 404."""

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from dispatch.models import Client, ClientFavourite
from dispatch.registry.clients import check_ogrn
from tests.builders import KAZAN, auth, make_branch, make_client, make_user, make_worker

GOOD = {
    "contact_person": "  Пётр   Сидоров ",
    "contact_phone": "8 921 123-45-67",
    "inn": "7707083893",
    "kpp": "773601001",
    "ogrn": "1027700132195",
    "legal_address": "Москва, ул. Вавилова, 19",
    "notes": "Въезд с Ленинского.\nПропуск заранее.",
}


@pytest.fixture
def office(session):
    branch = make_branch(session)
    return branch, auth(make_user(session, role="dispatcher", branch=branch))


def _clients(session) -> int:
    return session.scalar(select(func.count()).select_from(Client))


def test_a_client_with_every_detail(client, session, office):
    branch, headers = office
    made = client.post(
        "/api/v1/clients", json={"branch_id": branch.id, "name": "Сбер", **GOOD}, headers=headers
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["contact_person"] == "Пётр Сидоров"
    assert body["contact_phone"] == "+79211234567"
    assert (body["inn"], body["kpp"], body["ogrn"]) == ("7707083893", "773601001", "1027700132195")
    assert body["notes"] == GOOD["notes"]
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "client.create").order_by(AuditEntry.id)
    ).all()[-1]
    assert "inn" in entry.detail["fields"] and entry.entity_ids == [body["id"]]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("inn", "7707083894", "inn_invalid"),  # a check digit off by one
        ("inn", "77070838", "inn_invalid"),  # 8 digits
        ("inn", "500100732258", "inn_invalid"),  # a person's INN, second check digit wrong
        ("kpp", "77360100", "kpp_invalid"),  # 8 characters
        ("kpp", "773O01001", "kpp_invalid"),  # a letter where a digit must be
        ("ogrn", "1027700132196", "ogrn_invalid"),
        ("ogrn", "10277001321", "ogrn_invalid"),
        ("ogrn", "304500116000158", "ogrn_invalid"),  # an OGRNIP, check digit wrong
        ("contact_phone", "12345", "phone_invalid"),
    ],
)
def test_a_bad_detail_writes_nothing_and_names_the_field(
    client, session, office, field, value, code
):
    branch, headers = office
    before = _clients(session)
    answer = client.post(
        "/api/v1/clients",
        json={"branch_id": branch.id, "name": "Ромашка", field: value},
        headers=headers,
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == code
    assert answer.json()["detail"][0]["loc"] == ["body", field]
    assert _clients(session) == before


@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [
        ("inn", "500100732259", "500100732259"),  # 12 digits: a sole trader
        ("inn", " 7707 083893 ", "7707083893"),
        ("kpp", "7736ab001", "7736AB001"),  # letters in the reason part
        ("ogrn", "304500116000157", "304500116000157"),  # an OGRNIP
    ],
)
def test_good_details_are_stored_compact(client, session, office, field, value, stored):
    branch, headers = office
    answer = client.post(
        "/api/v1/clients",
        json={"branch_id": branch.id, "name": f"ИП {field} {value}", field: value},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()[field] == stored


def test_an_ogrnip_whose_remainder_is_ten_or_more_is_valid():
    """The check digit is the remainder's last digit (30450011600018 % 13 == 10 -> 0);
    python-stdnum 2.2 alone refuses such numbers."""
    assert int("30450011600018") % 13 == 10
    assert check_ogrn("304500116000180") == "304500116000180"


def test_patch_changes_and_clears_details_and_a_bad_one_changes_nothing(client, session, office):
    branch, headers = office
    made = make_client(session, branch=branch)
    url = f"/api/v1/clients/{made.id}"
    ok = client.patch(url, json={"inn": "7707083893", "notes": "x"}, headers=headers)
    assert ok.status_code == 200, ok.text
    assert ok.json()["name"] == made.name  # the name left as it was
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "client.update").order_by(AuditEntry.id)
    ).all()[-1]
    assert entry.entity_ids == [made.id] and entry.detail["fields"] == ["inn", "notes"]
    bad = client.patch(url, json={"notes": "y", "ogrn": "1"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "ogrn"]
    session.expire_all()
    assert session.get(Client, made.id).notes == "x"
    cleared = client.patch(url, json={"inn": "", "notes": None}, headers=headers)
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["inn"], cleared.json()["notes"]) == (None, None)


def test_search_by_part_of_the_name_or_the_start_of_the_inn(client, session, office):
    branch, headers = office
    client.post(
        "/api/v1/clients",
        json={"branch_id": branch.id, "name": "Склад Север", "inn": "7707083893"},
        headers=headers,
    )
    client.post("/api/v1/clients", json={"branch_id": branch.id, "name": "Юг"}, headers=headers)
    by_name = client.get("/api/v1/clients", params={"q": "север"}, headers=headers).json()
    by_inn = client.get("/api/v1/clients", params={"q": "770708"}, headers=headers).json()
    wild = client.get("/api/v1/clients", params={"q": "%"}, headers=headers).json()
    assert [c["name"] for c in by_name] == ["Склад Север"]
    assert [c["name"] for c in by_inn] == ["Склад Север"]
    assert wild == []


def test_favourites_api(client, session, office):
    branch, headers = office
    owner = make_client(session, branch=branch)
    worker = make_worker(session, branch=branch)
    url = f"/api/v1/clients/{owner.id}/favourites"

    added = client.post(url, json={"worker_id": worker.id}, headers=headers)
    again = client.post(url, json={"worker_id": worker.id}, headers=headers)
    listed = client.get(url, headers=headers)
    assert added.status_code == again.status_code == 201, added.text
    assert [f["worker_id"] for f in listed.json()] == [worker.id]

    assert client.post(url, json={"worker_id": 999_999}, headers=headers).status_code == 404
    gone = client.delete(f"{url}/{worker.id}", headers=headers)
    assert gone.status_code == 204
    assert client.delete(f"{url}/{worker.id}", headers=headers).json()["code"] == (
        "favourite_not_found"
    )


def test_a_blocked_worker_cannot_be_favoured_and_blocking_unfavours(client, session, office):
    branch, headers = office
    owner = make_client(session, branch=branch)
    blocked, favourite = make_worker(session, branch=branch), make_worker(session, branch=branch)
    base = f"/api/v1/clients/{owner.id}"
    client.post(f"{base}/blocks", json={"worker_id": blocked.id, "reason": "x"}, headers=headers)
    refused = client.post(f"{base}/favourites", json={"worker_id": blocked.id}, headers=headers)
    assert refused.status_code == 409 and refused.json()["code"] == "favourite_blocked"

    client.post(f"{base}/favourites", json={"worker_id": favourite.id}, headers=headers)
    client.post(
        f"{base}/blocks", json={"worker_id": favourite.id, "reason": "late"}, headers=headers
    )
    assert client.get(f"{base}/favourites", headers=headers).json() == []


def test_another_branchs_client_is_404(client, session, office):
    _, headers = office
    other = make_branch(session, center=KAZAN)
    theirs = make_client(session, branch=other)
    worker = make_worker(session, branch=other, near=KAZAN)
    base = f"/api/v1/clients/{theirs.id}"
    answers = [
        client.get(base, headers=headers),
        client.patch(base, json={"inn": "7707083893"}, headers=headers),
        client.get(f"{base}/favourites", headers=headers),
        client.post(f"{base}/favourites", json={"worker_id": worker.id}, headers=headers),
        client.delete(f"{base}/favourites/{worker.id}", headers=headers),
    ]
    assert [a.status_code for a in answers] == [404] * 5
    count = select(func.count()).select_from(ClientFavourite)
    assert session.scalar(count.where(ClientFavourite.client_id == theirs.id)) == 0
    session.expire_all()
    assert session.get(Client, theirs.id).inn is None
