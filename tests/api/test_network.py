"""The network's business through the API: organisations (the head office's; an owner sees
their own), a branch's network fields (area in and out as GeoJSON, legal details checked, VAT),
the format suggestion and the routing preview."""

from sqlalchemy import func, select

from dispatch.models import Branch, User
from dispatch.network.areas import check_area
from dispatch.network.models import Organisation
from tests.builders import KAZAN, MOSCOW, auth, make_branch, make_user


def staff(session, role: str, **values) -> User:
    """A branchless user (admin, call_centre, owner)."""
    user = make_user(
        session,
        role="admin",
        username=f"{role}-x{session.scalar(select(func.count()).select_from(User))}",
    )
    user.role = role
    for key, value in values.items():
        setattr(user, key, value)
    session.flush()
    return user


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_the_head_office_adds_lists_and_edits_organisations(client, session):
    admin = auth(make_user(session, role="admin"))
    made = client.post(
        "/api/v1/organisations",
        json={"name": "ООО Франчайзи", "kind": "franchisee", "royalty_rate": "0.06"},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    org = made.json()
    assert org["royalty_rate"] == "0.0600" and org["kind"] == "franchisee"
    branch = make_branch(session, organisation_id=org["id"])
    listed = client.get("/api/v1/organisations", headers=admin).json()
    assert [b["code"] for b in listed[0]["branches"]] == [branch.code]
    patched = client.patch(
        f"/api/v1/organisations/{org['id']}", json={"royalty_rate": "0.05"}, headers=admin
    )
    assert patched.status_code == 200 and patched.json()["royalty_rate"] == "0.0500"


def test_a_royalty_out_of_range_or_a_wrong_kind_is_a_422_naming_it_and_writes_nothing(
    client, session
):
    admin = auth(make_user(session, role="admin"))
    before = _count(session, Organisation)
    for body, field in [
        ({"name": "A", "kind": "franchisee", "royalty_rate": "1"}, "royalty_rate"),
        ({"name": "A", "kind": "franchisee", "royalty_rate": "-0.01"}, "royalty_rate"),
        ({"name": "A", "kind": "partner", "royalty_rate": "0"}, "kind"),
        ({"name": "", "kind": "own", "royalty_rate": "0"}, "name"),
    ]:
        answer = client.post("/api/v1/organisations", json=body, headers=admin)
        assert answer.status_code == 422, answer.text
        assert field in str(answer.json()), answer.text
    own = client.post(
        "/api/v1/organisations",
        json={"name": "Сеть", "kind": "own", "royalty_rate": 0},
        headers=admin,
    )
    assert own.status_code == 201
    assert _count(session, Organisation) == before + 1
    twice = client.post(
        "/api/v1/organisations",
        json={"name": "Сеть", "kind": "own", "royalty_rate": 0},
        headers=admin,
    )
    assert twice.status_code == 409 and twice.json()["code"] == "organisation_name_taken"


def test_a_manager_may_not_add_an_organisation_and_an_owner_sees_their_own(client, session):
    branch = make_branch(session)
    manager = auth(make_user(session, role="manager", branch=branch))
    answer = client.post(
        "/api/v1/organisations",
        json={"name": "X", "kind": "own", "royalty_rate": "0"},
        headers=manager,
    )
    assert answer.status_code == 403
    assert client.get("/api/v1/organisations", headers=manager).status_code == 403


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[37.5, 55.7], [37.7, 55.7], [37.7, 55.8], [37.5, 55.8], [37.5, 55.7]]],
}


def test_a_branch_takes_and_shows_its_network_fields(client, session):
    admin = auth(make_user(session, role="admin"))
    org = Organisation(name="Своя", kind="own", royalty_rate=0)
    session.add(org)
    session.flush()
    body = {
        "code": "MSK9",
        "name": "Москва-9",
        "timezone": "Europe/Moscow",
        "center": {"lat": MOSCOW.lat, "lon": MOSCOW.lon},
        "brand": "Бригада",
        "format": "capital",
        "organisation_id": org.id,
        "area": SQUARE,
        "legal_name": "ООО Бригада",
        "inn": "7707083893",
        "kpp": "773601001",
        "ogrn": "1027700132195",
        "bik": "044525225",
        "bank_account": "40702810900000000001",
        "vat_rate": "0.22",
    }
    made = client.post("/api/v1/branches", json=body, headers=admin)
    assert made.status_code == 201, made.text
    branch = made.json()
    assert branch["area"] == SQUARE
    assert branch["vat_rate"] == "0.220" and branch["inn"] == "7707083893"
    assert branch["suggested_format"] == "capital" and branch["suggested_from"] == "Москва"
    cleared = client.patch(
        f"/api/v1/branches/{branch['id']}", json={"area": None, "vat_rate": None}, headers=admin
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["area"] is None and cleared.json()["vat_rate"] is None


def test_bad_network_fields_are_422s_naming_them_and_change_nothing(client, session):
    admin = auth(make_user(session, role="admin"))
    branch = make_branch(session, brand="Старое")
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    for changes, field in [
        ({"area": bowtie}, "area"),
        ({"area": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]}}, "area"),
        ({"inn": "7707083894"}, "inn"),
        ({"kpp": "12"}, "kpp"),
        ({"ogrn": "1027700132196"}, "ogrn"),
        ({"bik": "04452"}, "bik"),
        ({"vat_rate": "1.2"}, "vat_rate"),
        ({"format": "huge"}, "format"),
        ({"organisation_id": 999999}, "organisation_id"),
    ]:
        answer = client.patch(
            f"/api/v1/branches/{branch.id}", json={"brand": "Новое", **changes}, headers=admin
        )
        assert answer.status_code == 422, (changes, answer.text)
        assert field in answer.text, (changes, answer.text)
    session.expire_all()
    assert session.get(Branch, branch.id).brand == "Старое"


def test_a_manager_draws_the_area_but_changes_no_legal_detail(client, session):
    branch = make_branch(session)
    manager = auth(make_user(session, role="manager", branch=branch))
    drawn = client.patch(f"/api/v1/branches/{branch.id}", json={"area": SQUARE}, headers=manager)
    assert drawn.status_code == 200 and drawn.json()["area"] == SQUARE
    refused = client.patch(
        f"/api/v1/branches/{branch.id}", json={"vat_rate": "0.2"}, headers=manager
    )
    assert refused.status_code == 403, refused.text


def test_the_format_suggestion_and_the_routing_preview(client, session):
    admin = auth(make_user(session, role="admin"))
    kazan = make_branch(session, center=KAZAN)
    answer = client.get(f"/api/v1/branches/{kazan.id}/format-suggestion", headers=admin)
    assert answer.json() == {"format": "600k-1M", "city": "Казань", "population": 1216965}
    # Moscow's area holds a point though Kazan's centre is nearer to it; outside every area
    # the nearest centre takes it.
    moscow = make_branch(session, center=MOSCOW)
    moscow.area = check_area(session, {"type": "Polygon", "coordinates": [WIDE]})
    session.flush()
    for (lat, lon), branch, how in [
        ((55.7, 48.9), moscow, "area"),
        ((KAZAN.lat, KAZAN.lon + 0.01), kazan, "nearest"),
        ((MOSCOW.lat, MOSCOW.lon), moscow, "area"),
    ]:
        routed = client.get("/api/v1/network/route", params={"lat": lat, "lon": lon}, headers=admin)
        assert routed.status_code == 200, routed.text
        assert routed.json() == {
            "branch_id": branch.id,
            "branch_code": branch.code,
            "branch_name": branch.name,
            "how": how,
        }


# Moscow's area stretched east to just short of Kazan (49.1): 48.9 is in it, Kazan is not.
WIDE = [[37.0, 55.5], [49.0, 55.5], [49.0, 56.0], [37.0, 56.0], [37.0, 55.5]]
