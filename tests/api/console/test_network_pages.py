"""The network's console pages (issue 21): the call centre's order form (client search, the
"which branch" preview, placing the order), a branch's area saved from the settings page, the
organisations and a branch's network fields; refusals shown by field, nothing written."""

import json
from datetime import timedelta

from sqlalchemy import func, select

from core.clock import now
from dispatch.models import Branch, Client, Order, User
from dispatch.network.areas import area_geojson, check_area
from dispatch.network.models import Organisation
from geo.points import Point
from tests.api.console.helpers import sign_in
from tests.builders import MOSCOW, make_branch, make_client, make_user

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[37.0, 55.5], [38.0, 55.5], [38.0, 56.0], [37.0, 56.0], [37.0, 55.5]]],
}


def branchless(session, role: str) -> User:
    n = session.scalar(select(func.count()).select_from(User))
    user = make_user(session, role="admin", username=f"{role}-page{n}")
    user.role = role
    session.flush()
    return user


def _form(csrf: dict, **changes) -> dict[str, str]:
    day = (now() + timedelta(days=2)).date().isoformat()
    return {
        **csrf,
        "client_id": "",
        "client_name": "ООО Ромашка",
        "contact_person": "",
        "contact_phone": "",
        "inn": "7707083893",
        "site_name": "Склад",
        "site_address": "ул. Лесная, 5",
        "lat": str(MOSCOW.lat),
        "lon": str(MOSCOW.lon),
        "skill": "loader",
        "headcount": "3",
        "date": day,
        "start": "08:00",
        "end": "17:00",
        "client_rate": "300",
        "worker_rate": "150",
        "notes": "",
        **changes,
    }


def test_the_call_centre_finds_a_client_previews_the_branch_and_places_an_order(client, session):
    branch = make_branch(session, center=MOSCOW)
    branch.area = check_area(session, SQUARE)
    other = make_branch(session, center=Point(lat=59.9, lon=30.3))
    known = make_client(session, branch=other, name="Известный клиент")
    known.inn = "500100732259"
    session.flush()
    csrf = sign_in(client, branchless(session, "call_centre"))
    page = client.get("/console/call-centre")
    assert page.status_code == 200 and 'id="cc-form"' in page.text
    found = client.get("/console/call-centre/clients", params={"q": "0073225"})
    assert f'id="cc-pick-{known.id}"' in found.text and other.code in found.text
    routed = client.get("/console/call-centre/route", params={"lat": MOSCOW.lat, "lon": MOSCOW.lon})
    assert f'data-branch-id="{branch.id}"' in routed.text and 'data-how="area"' in routed.text
    before = session.scalar(select(func.count()).select_from(Order))
    refused = client.post("/console/call-centre", data=_form(csrf, client_name="", headcount="x"))
    assert refused.status_code == 422 and 'id="cc-errors"' in refused.text
    bad_inn = client.post("/console/call-centre", data=_form(csrf, inn="7707083894"))
    assert bad_inn.status_code == 422 and 'id="err-inn"' in bad_inn.text
    assert session.scalar(select(func.count()).select_from(Order)) == before
    placed = client.post("/console/call-centre", data=_form(csrf))
    assert placed.status_code == 200, placed.text
    order = session.scalars(select(Order).order_by(Order.id.desc()).limit(1)).one()
    assert order.branch_id == branch.id
    assert 'id="cc-done"' in placed.text and order.code in placed.text
    client_row = session.get(Client, order.client_id)
    assert (client_row.branch_id, client_row.inn) == (branch.id, "7707083893")


def test_a_dispatcher_may_not_open_the_call_centre_page(client, session):
    branch = make_branch(session)
    sign_in(client, make_user(session, role="dispatcher", branch=branch))
    assert client.get("/console/call-centre").status_code == 403


def test_a_manager_saves_and_clears_the_area_on_the_settings_page(client, session):
    branch = make_branch(session)
    csrf = sign_in(client, make_user(session, role="manager", branch=branch))
    page = client.get(f"/console/branches/{branch.id}/settings")
    assert 'id="area-map"' in page.text and 'id="area-none"' in page.text
    saved = client.post(
        f"/console/branches/{branch.id}/area",
        data={**csrf, "area": json.dumps(SQUARE)},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    session.expire_all()
    assert area_geojson(session.get(Branch, branch.id).area) == SQUARE
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    refused = client.post(
        f"/console/branches/{branch.id}/area", data={**csrf, "area": json.dumps(bowtie)}
    )
    assert refused.status_code == 422 and 'id="area-error"' in refused.text
    session.expire_all()
    assert area_geojson(session.get(Branch, branch.id).area) == SQUARE
    client.post(f"/console/branches/{branch.id}/area", data={**csrf, "area": ""})
    session.expire_all()
    assert session.get(Branch, branch.id).area is None


def test_the_head_office_keeps_organisations_and_a_branchs_network_fields(client, session):
    branch = make_branch(session, center=MOSCOW)
    csrf = sign_in(client, make_user(session, role="admin"))
    added = client.post(
        "/console/organisations",
        data={**csrf, "name": "ООО Франшиза", "kind": "franchisee", "royalty_rate": "0,05"},
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    org = session.scalars(select(Organisation).where(Organisation.name == "ООО Франшиза")).one()
    bad = client.post(
        "/console/organisations",
        data={**csrf, "name": "Другая", "kind": "own", "royalty_rate": "1.5"},
    )
    assert bad.status_code == 422 and 'id="org-errors"' in bad.text
    page = client.get(f"/console/branches/{branch.id}/network")
    assert 'value="capital" selected' in page.text  # the suggestion pre-filled
    fields = {
        **csrf,
        "format": "capital",
        "organisation_id": str(org.id),
        "brand": "Бригада",
        "inn": "7707083893",
        "vat_rate": "0,2",
    }
    wrong = client.post(f"/console/branches/{branch.id}/network", data={**fields, "inn": "123"})
    assert wrong.status_code == 422 and 'id="net-errors"' in wrong.text
    saved = client.post(
        f"/console/branches/{branch.id}/network", data=fields, follow_redirects=False
    )
    assert saved.status_code == 303, saved.text
    session.expire_all()
    stored = session.get(Branch, branch.id)
    assert (stored.organisation_id, stored.brand, str(stored.vat_rate)) == (
        org.id,
        "Бригада",
        "0.200",
    )
    listed = client.get("/console/organisations")
    assert f'href="/console/branches/{branch.id}/network">{branch.code}<' in listed.text
