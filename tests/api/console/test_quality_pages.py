"""The console's side of the quality SMS: a site's contact on its form, the ratings page
where a dispatcher closes a case with a note, and the case's badge on the order page and
the board (issue 18, item 3)."""

import html
import re

import pytest
from sqlalchemy import select

from core.clock import now
from dispatch.client_models import QualityReview
from dispatch.models import Site
from tests.api.console.helpers import sign_in
from tests.builders import make_branch, make_client, make_order, make_site, make_user


@pytest.fixture
def office(client, session):
    branch = make_branch(session)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    return branch, sign_in(client, dispatcher)


def _error(page: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="err-{field}"[^>]*>([^<]*)</p>', page)
    return html.unescape(found[1]) if found else ""


def test_a_sites_contact_is_typed_on_its_form(client, session, office):
    branch, form = office
    owner = make_client(session, branch=branch)
    fields = {
        "name": "Ворота 3",
        "address": "ул. Ленина, 5",
        "lat": "55.7512",
        "lon": "37.6184",
        "contact_name": "Олег Складов",
        "contact_phone": "123",
    }
    page = client.get(f"/console/clients/{owner.id}/sites/new").text
    assert 'name="contact_phone"' in page and "Телефон контакта на объекте" in page
    bad = client.post(f"/console/clients/{owner.id}/sites/new", data={**form, **fields})
    assert bad.status_code == 422 and _error(bad.text, "contact_phone")
    assert session.scalars(select(Site).where(Site.client_id == owner.id)).first() is None
    fields["contact_phone"] = "+7 903 123-45-67"
    made = client.post(
        f"/console/clients/{owner.id}/sites/new", data={**form, **fields}, follow_redirects=False
    )
    assert made.status_code == 303, made.text
    site = session.scalars(select(Site).where(Site.client_id == owner.id)).one()
    assert (site.contact_name, site.contact_phone) == ("Олег Складов", "+79031234567")
    assert 'value="+79031234567"' in client.get(f"/console/sites/{site.id}").text


def test_a_dispatcher_closes_a_case_from_the_ratings_page(client, session, office):
    branch, form = office
    site = make_site(session, client=make_client(session, branch=branch))
    order = make_order(session, site=site, now=now())
    session.add(
        QualityReview(
            order_id=order.id,
            branch_id=branch.id,
            phone="+79031234567",
            language="ru",
            asked_at=now(),
            score=2,
            comment="опоздали двое",
            answered_at=now(),
            case_opened_at=now(),
        )
    )
    session.flush()
    order_page = client.get(f"/console/orders/{order.id}").text
    assert f'id="quality-{order.id}"' in order_page and "оценка 2: разбор" in order_page
    assert "Оценка клиента: 2 из 5: «опоздали двое»" in order_page
    assert f'id="quality-{order.id}"' in client.get("/console/").text  # the board

    page = client.get("/console/quality").text
    assert "опоздали двое" in page and "+*********67" in page and "+79031234567" not in page
    blank = client.post(f"/console/quality/{order.id}/close", data={**form, "note": " "})
    assert blank.status_code == 422 and "Заполните это поле" in blank.text
    closed = client.post(
        f"/console/quality/{order.id}/close",
        data={**form, "note": "позвонил, извинились"},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    session.expire_all()
    review = session.scalars(select(QualityReview).where(QualityReview.order_id == order.id)).one()
    assert review.case_note == "позвонил, извинились" and review.case_closed_at is not None
    assert f'id="quality-{order.id}"' not in client.get(f"/console/orders/{order.id}").text
    again = client.post(f"/console/quality/{order.id}/close", data={**form, "note": "ещё"})
    assert again.status_code == 409 and "Разбор уже закрыт" in again.text
