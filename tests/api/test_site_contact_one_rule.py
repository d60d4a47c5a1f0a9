"""A site's contact has one rule (dispatch/registry/sites.clean_contact) whichever path writes
it: PUT /api/v1/sites/{id}/contact (name, phone) and POST/PATCH /api/v1/sites (contact_name,
contact_phone) store the same values for the same input and refuse the same input with the
same code and words, naming the field as each path calls it."""

import pytest

from tests.builders import auth, make_branch, make_client, make_site, make_user

# (what the person typed as name, as phone) -> (stored name, stored phone) or the refusal's code
CASES = [
    (("  Олег   Складов ", "8 (916) 123-45-67"), ("Олег Складов", "+79161234567")),
    (("Олег", "+7 916 123 45 67"), ("Олег", "+79161234567")),
    (("Олег", "9161234567"), ("Олег", "+79161234567")),  # the branch's country
    ((" ", "  "), (None, None)),  # blank clears
    ((None, None), (None, None)),
    (("Олег", "12"), "phone_invalid"),
    (("Олег", "8 916 ABC 45 67"), "phone_invalid"),  # letters are not keypad digits here
    (("Олег", "+1 212 555 0123"), "phone_invalid"),  # a country not served
    (("Олег", "+7 495 123-45-67"), "phone_invalid"),  # a landline gets no texts
    (("x" * 201, "+79161234567"), "body"),  # too long: refused by the schema on both paths
    (("Олег", "+7" + " " * 38 + "9"), "body"),
]
NAMES = {"name": "contact_name", "phone": "contact_phone"}


@pytest.fixture
def world(session):
    branch = make_branch(session)
    site = make_site(session, client=make_client(session, branch=branch))
    return site, auth(make_user(session, role="dispatcher", branch=branch))


def _answer(response):
    if response.status_code == 200:
        body = response.json()
        return 200, (body["contact_name"], body["contact_phone"])
    [error] = response.json()["detail"]
    field = error["loc"][-1]
    return response.status_code, (error["type"], NAMES.get(field, field), error["msg"])


@pytest.mark.parametrize("typed, expected", CASES)
def test_both_paths_give_the_same_answer(client, world, typed, expected):
    site, headers = world
    name, phone = typed
    put = client.put(
        f"/api/v1/sites/{site.id}/contact", json={"name": name, "phone": phone}, headers=headers
    )
    patch = client.patch(
        f"/api/v1/sites/{site.id}",
        json={"contact_name": name, "contact_phone": phone},
        headers=headers,
    )
    assert _answer(put) == _answer(patch), (put.text, patch.text)
    if isinstance(expected, tuple):
        assert _answer(put) == (200, expected)
    elif expected == "body":
        assert put.status_code == 422  # the schema's refusal, the field named
    else:
        status, (code, field, msg) = _answer(put)
        assert (status, code, field) == (422, expected, "contact_phone")
        assert put.json()["detail"][0]["loc"] == ["body", "phone"]
        assert phone.strip() in msg


def _new_site(client, site, headers, name, **contact):
    body = {
        "client_id": site.client_id,
        "name": name,
        "address": "ул. Ленина, 5",
        "location": {"lat": 55.75, "lon": 37.61},
        **contact,
    }
    return client.post("/api/v1/sites", json=body, headers=headers)


def test_creating_a_site_cleans_the_contact_as_the_contact_route_does(client, session, world):
    site, headers = world
    typed = {"contact_name": "  Олег   Складов ", "contact_phone": "8 (916) 123-45-67"}
    made = _new_site(client, site, headers, "Ворота 3", **typed)
    put = client.put(
        f"/api/v1/sites/{site.id}/contact",
        json={"name": typed["contact_name"], "phone": typed["contact_phone"]},
        headers=headers,
    )
    assert made.status_code == 201 and put.status_code == 200
    for field in ("contact_name", "contact_phone"):
        assert made.json()[field] == put.json()[field]
    refused = _new_site(client, site, headers, "Ворота 4", contact_phone="12")
    assert _answer(refused)[1][:2] == ("phone_invalid", "contact_phone")
