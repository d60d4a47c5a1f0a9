"""The check-in page a booked worker opens from the booking text: where to go and whom to
ask (issue 15, item 13): the client, the site, its address with the city, the foreman's name
and phone, in the worker's language."""

import html

import pytest
from sqlalchemy import select

from core.settings import get_settings
from core.tenancy import SYSTEM
from dispatch.models import Offer, Order
from dispatch.registry import staff
from dispatch.texts import links
from tests.builders import (
    MOSCOW,
    book,
    make_branch,
    make_client,
    make_order,
    make_site,
    make_worker,
)


@pytest.fixture
def booking(session):
    def make(language="ru", address="ул. Складская, 1", **order_values):
        branch = make_branch(session, name="Москва")
        foreman = staff.create_user(
            session,
            actor=SYSTEM,
            username=f"foreman-{language}-{len(address)}",
            password="a-long-password-2026",
            role="foreman",
            branch_id=branch.id,
            full_name="Кузнецова Анна",
            phone="8 (916) 555-12-34",
        )
        site = make_site(
            session,
            client=make_client(session, branch=branch, name="Северный склад"),
            at=MOSCOW,
            foreman_id=foreman.id,
        )
        site.name, site.address = "Северный склад, площадка 2", address
        worker = make_worker(session, branch=branch, language=language)
        order = make_order(session, site=site, headcount=1, **order_values)
        book(session, order, [worker])
        offer = session.scalars(select(Offer).where(Offer.order_id == order.id)).one()
        return offer, foreman

    return make


def page(client, offer, lang: str | None = None) -> str:
    client.cookies.clear()  # no session: the token is the credential
    token = links.token_for(offer.id, get_settings().secret_key)
    answer = client.get(f"/c/{token}" + (f"?lang={lang}" if lang else ""))
    assert answer.status_code == 200
    return html.unescape(answer.text)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ru", ("Заказчик", "Объект", "Адрес", "Бригадир")),
        ("en", ("Client", "Site", "Address", "Foreman")),
    ],
)
def test_the_page_says_where_to_go_and_whom_to_ask(client, booking, language, words):
    offer, foreman = booking(language)
    text = page(client, offer)
    assert all(f"<dt>{word}</dt>" in text for word in words)
    assert "<dd>Северный склад</dd>" in text
    assert "<dd>Северный склад, площадка 2</dd>" in text
    assert '<dd id="checkin-address">ул. Складская, 1, Москва</dd>' in text
    assert foreman.phone == "+79165551234"
    assert 'Кузнецова Анна, <a href="tel:+79165551234">+79165551234</a>' in text


def test_an_address_that_names_its_city_is_not_given_it_twice(client, booking):
    offer, _ = booking(address="г. Москва, ул. Ленина, 5")
    assert '<dd id="checkin-address">г. Москва, ул. Ленина, 5</dd>' in page(client, offer)


def test_the_orders_own_foreman_comes_first_and_one_who_left_is_not_named(client, session, booking):
    offer, site_foreman = booking()
    order = session.get(Order, offer.order_id)
    own = staff.create_user(
        session,
        actor=SYSTEM,
        username="order-foreman",
        password="a-long-password-2026",
        role="foreman",
        branch_id=order.branch_id,
        full_name="Смирнов Олег",
    )
    order.foreman_id = own.id
    session.flush()
    text = page(client, offer, "en")
    assert '<dd id="checkin-foreman">Смирнов Олег</dd>' in text  # no phone: the name alone
    assert site_foreman.full_name not in text
    own.active = False
    session.flush()
    text = page(client, offer, "en")
    assert 'id="checkin-foreman"' not in text and "Смирнов" not in text
    assert "ул. Складская, 1, Москва" in text  # the rest of the page stands


def test_address_with_city():
    assert links.address_with_city("ул. Ленина, 5", "") == "ул. Ленина, 5"
    assert links.address_with_city("ул. Ленина, 5", "Казань") == "ул. Ленина, 5, Казань"
    assert links.address_with_city("Казань, ул. Ленина, 5", "казань") == "Казань, ул. Ленина, 5"
