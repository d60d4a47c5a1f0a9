"""The clients' and sites' console pages: list and search, a new client with its details
(a bad INN refused beside its field, values kept, nothing written), editing, sites placed by
coordinates with the branch's foremen, the block list and favourites, and 404 for another
branch's client or site."""

import html
import re

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from dispatch.models import Client, ClientBlock, ClientFavourite, Site
from dispatch.registry import clients
from geo.points import Point
from tests.api.console.helpers import sign_in
from tests.builders import (
    KAZAN,
    make_branch,
    make_client,
    make_site,
    make_user,
    make_worker,
)

DETAILS = {
    "name": "ООО «Северный склад»",
    "contact_person": "Пётр Сидоров",
    "contact_phone": "8 921 123-45-67",
    "inn": "7707083893",
    "kpp": "773601001",
    "ogrn": "1027700132195",
    "legal_address": "Москва, ул. Вавилова, 19",
    "notes": "Въезд с Ленинского",
}


@pytest.fixture
def office(client, session):
    branch = make_branch(session)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    return branch, sign_in(client, dispatcher)


def _error(page: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="err-{field}"[^>]*>([^<]*)</p>', page)
    return html.unescape(found[1]) if found else ""


def _value(page: str, field: str) -> str:
    found = re.search(rf'id="f-{field}" name="{field}"[^>]*value="([^"]*)"', page)
    return html.unescape(found[1]) if found else ""


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_the_list_searches_by_name_and_inn(client, session, office):
    branch, _ = office
    north = make_client(session, branch=branch, name="Склад Север")
    north.inn = "7707083893"
    make_client(session, branch=branch, name="Юг")
    other = make_client(session, branch=make_branch(session, center=KAZAN), name="Склад Казань")
    session.flush()

    everyone = client.get("/console/clients").text
    by_inn = client.get("/console/clients", params={"q": "7707"}).text
    by_name = client.get("/console/clients", params={"q": "склад"}).text

    assert "Склад Север" in everyone and "Юг" in everyone and other.name not in everyone
    assert "Склад Север" in by_inn and "Юг" not in by_inn
    assert "Склад Север" in by_name and other.name not in by_name
    assert 'href="/console/clients"' in everyone  # the nav link


def test_a_bad_inn_is_refused_beside_it_with_values_kept_then_corrected(client, session, office):
    _, form = office
    before = _count(session, Client)
    bad = client.post("/console/clients/new", data={**form, **DETAILS, "inn": "7707083894"})
    assert bad.status_code == 422
    assert "Контрольные цифры ИНН не сходятся" in _error(bad.text, "inn")
    assert _error(bad.text, "kpp") == "" and _error(bad.text, "name") == ""
    assert _value(bad.text, "inn") == "7707083894"
    assert _value(bad.text, "contact_person") == "Пётр Сидоров"
    assert 'aria-invalid="true"' in bad.text
    assert _count(session, Client) == before

    good = client.post("/console/clients/new", data={**form, **DETAILS}, follow_redirects=False)
    assert good.status_code == 303, good.text
    made = session.scalars(select(Client).where(Client.name == DETAILS["name"])).one()
    assert (made.inn, made.contact_phone, made.ogrn) == (
        "7707083893",
        "+79211234567",
        DETAILS["ogrn"],
    )
    assert good.headers["location"] == f"/console/clients/{made.id}"
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "client.create", AuditEntry.entity_ids.contains([made.id]))
        )
        == 1
    )


def test_every_bad_field_is_named_at_once_in_english_too(client, session, office):
    _, form = office
    client.cookies.set("brigada_lang", "en")
    bad = client.post(
        "/console/clients/new",
        data={**form, **DETAILS, "name": " ", "kpp": "12", "ogrn": "1", "contact_phone": "123"},
    )
    assert bad.status_code == 422
    assert _error(bad.text, "name") == "Fill in this field."
    assert _error(bad.text, "kpp").startswith("A KPP is 9 characters")
    assert _error(bad.text, "ogrn") == "An OGRN is 13 digits (an OGRNIP 15)."
    assert _error(bad.text, "contact_phone") == "Not a mobile phone number."


def test_editing_a_client_saves_and_audits_and_a_bad_ogrn_changes_nothing(client, session, office):
    branch, form = office
    target = make_client(session, branch=branch, name="Альфа")
    url = f"/console/clients/{target.id}"
    saved = client.post(url, data={**form, **DETAILS, "name": "Альфа"}, follow_redirects=False)
    assert saved.status_code == 303
    page = client.get(saved.headers["location"]).text
    assert "Сохранено." in page and _value(page, "inn") == "7707083893"
    bad = client.post(url, data={**form, **DETAILS, "name": "Альфа", "ogrn": "1027700132196"})
    assert bad.status_code == 422 and "ОГРН" in _error(bad.text, "ogrn")
    assert _value(bad.text, "ogrn") == "1027700132196"
    session.expire_all()
    assert session.get(Client, target.id).ogrn == DETAILS["ogrn"]
    actions = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity_ids.contains([target.id]))
        .order_by(AuditEntry.id)
    ).all()
    assert "client.update" in actions


def test_a_site_placed_by_coordinates_with_a_foreman(client, session, office):
    branch, form = office
    owner = make_client(session, branch=branch)
    foreman = make_user(session, role="foreman", branch=branch, full_name="Бригадир Иван")
    make_user(session, role="foreman", branch=branch, active=False, full_name="Ушедший")
    new = client.get(f"/console/clients/{owner.id}/sites/new").text
    assert "Бригадир Иван" in new and "Ушедший" not in new
    assert "data-site-map" in new and "/static/vendor/leaflet/leaflet.js" in new
    fields = {
        "name": "Ворота 3",
        "address": "ул. Ленина, 5",
        "lat": "55,7512",
        "lon": "37.6184",
        "geofence_m": "300",
        "foreman_id": str(foreman.id),
    }
    bad = client.post(
        f"/console/clients/{owner.id}/sites/new", data={**form, **fields, "lat": "север"}
    )
    assert (
        bad.status_code == 422 and _error(bad.text, "lat") and _value(bad.text, "lon") == "37.6184"
    )
    made = client.post(
        f"/console/clients/{owner.id}/sites/new", data={**form, **fields}, follow_redirects=False
    )
    assert made.status_code == 303, made.text
    site = session.scalars(select(Site).where(Site.client_id == owner.id)).one()
    assert Point.from_db(site.location) == Point(55.7512, 37.6184)
    assert (site.geofence_m, site.foreman_id) == (300, foreman.id)

    moved = client.post(
        f"/console/sites/{site.id}",
        data={**form, **fields, "lat": "55.76", "foreman_id": ""},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    session.expire_all()
    assert Point.from_db(site.location).lat == 55.76 and site.foreman_id is None
    assert "Ворота 3" in client.get(f"/console/clients/{owner.id}").text


def test_favourites_and_blocks_on_the_client_page(client, session, office):
    branch, form = office
    owner = make_client(session, branch=branch)
    liked = make_worker(session, branch=branch, full_name="Любимов Лев")
    disliked = make_worker(session, branch=branch, full_name="Опоздалов Олег")
    base = f"/console/clients/{owner.id}"

    added = client.post(f"{base}/favourites", data={**form, "worker": str(liked.id)})
    blocked = client.post(
        f"{base}/blocks", data={**form, "worker": disliked.phone, "reason": "опоздал дважды"}
    )
    assert added.status_code == blocked.status_code == 200  # followed back to the page
    page = blocked.text
    assert "Любимов Лев" in page and "Опоздалов Олег" in page and "опоздал дважды" in page

    refused = client.post(f"{base}/favourites", data={**form, "worker": str(disliked.id)})
    assert refused.status_code == 422
    assert "сначала снимите блокировку" in refused.text
    assert f'value="{disliked.id}"' in refused.text  # the typed worker kept
    unknown = client.post(f"{base}/favourites", data={**form, "worker": "99999999"})
    assert unknown.status_code == 422 and "Работник не найден." in unknown.text
    no_reason = client.post(f"{base}/blocks", data={**form, "worker": str(liked.id)})
    assert no_reason.status_code == 422 and _count(session, ClientBlock) == 1

    client.post(f"{base}/favourites/{liked.id}/remove", data=form)
    client.post(f"{base}/blocks/{disliked.id}/remove", data=form)
    assert _count(session, ClientFavourite) == _count(session, ClientBlock) == 0


def test_another_branchs_client_and_site_are_404(client, session, office):
    _, form = office
    other = make_branch(session, center=KAZAN)
    theirs = make_client(session, branch=other)
    site = make_site(session, client=theirs, at=KAZAN)
    worker = make_worker(session, branch=other, near=KAZAN)
    answers = [
        client.get(f"/console/clients/{theirs.id}"),
        client.post(f"/console/clients/{theirs.id}", data={**form, **DETAILS}),
        client.get(f"/console/clients/{theirs.id}/sites/new"),
        client.get(f"/console/sites/{site.id}"),
        client.post(
            f"/console/clients/{theirs.id}/favourites", data={**form, "worker": str(worker.id)}
        ),
    ]
    assert [a.status_code for a in answers] == [404] * 5
    assert "Клиент не найден." in answers[0].text
    session.expire_all()
    assert session.get(Client, theirs.id).inn is None and _count(session, ClientFavourite) == 0


def test_a_foreman_may_not_open_the_clients(client, session):
    branch = make_branch(session)
    sign_in(client, make_user(session, role="foreman", branch=branch))
    assert client.get("/console/clients").status_code == 403


def test_the_forms_limits_are_the_domains_refused_beside_each_field_values_kept(
    client, session, office
):
    """No length table of the console's own: a name or a detail one past the domain's limit
    is refused by the domain's check, beside its field, what was typed kept whole; one at the
    limit passes."""
    branch, form = office
    too_long = {
        "name": "Я" * (clients.NAME_MAX + 1),
        "legal_address": "ул. " + "Щ" * clients.DETAILS["legal_address"],
        "contact_person": "Ё" * (clients.DETAILS["contact_person"] + 1),
    }
    before = _count(session, Client)
    bad = client.post("/console/clients/new", data={**form, **DETAILS, **too_long})
    assert bad.status_code == 422
    for field in too_long:
        assert _error(bad.text, field) == "Слишком длинный текст: сократите его.", field
    assert _value(bad.text, "name") == too_long["name"]
    assert _value(bad.text, "contact_person") == too_long["contact_person"]
    assert too_long["legal_address"] in html.unescape(bad.text)
    assert _error(bad.text, "inn") == ""  # the other fields were fine
    for field, longest in clients.LONGEST.items():  # the inputs say the same limits
        assert re.search(rf'id="f-{field}"[^>]*maxlength="{longest}"', bad.text), field
    assert _count(session, Client) == before

    target = make_client(session, branch=branch, name="Бета")
    url = f"/console/clients/{target.id}"
    edited = client.post(url, data={**form, **DETAILS, "name": too_long["name"]})
    assert edited.status_code == 422 and _error(edited.text, "name")
    session.expire_all()
    assert session.get(Client, target.id).name == "Бета"

    at_limit = {"name": "Я" * clients.NAME_MAX, "contact_person": "Ё" * 200}
    saved = client.post(url, data={**form, **DETAILS, **at_limit}, follow_redirects=False)
    assert saved.status_code == 303
    session.expire_all()
    assert session.get(Client, target.id).name == at_limit["name"]
