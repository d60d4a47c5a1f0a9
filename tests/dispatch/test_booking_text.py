"""The booking text carries the site's address when it keeps within two SMS segments (as
sms/segments.py counts them, GSM-7 or UCS-2), else the check-in link alone."""

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.settings import get_settings
from dispatch.models import Offer
from dispatch.texts import links
from sms import templates
from sms.models import Message
from sms.segments import measure
from sms.templates import MAX_BOOKED_SEGMENTS
from tests.builders import (
    book,
    make_branch_site,
    make_order,
    make_worker,
)

SHORT = "ул. Складская, 12"
LONG = "Московская обл., г. Подольск, Промышленная ул., д. 140, стр. 3, склад 7, ворота 12"


@pytest.fixture
def booked_text(session):
    def make(address: str, language: str, **branch_values):
        branch, site = make_branch_site(session, **branch_values)
        site.address = address
        worker = make_worker(session, branch=branch, language=language)
        order = make_order(session, site=site, headcount=1)
        book(session, order, [worker])
        offer = session.scalars(select(Offer).where(Offer.order_id == order.id)).one()
        [text] = session.scalars(
            select(Message.body).where(Message.order_id == order.id, Message.kind == "booked")
        )
        settings = get_settings()
        return text, order, links.checkin_link(offer, settings.public_url, settings.secret_key)

    return make


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_short_address_rides_with_the_link_within_two_segments(booked_text, language):
    text, order, link = booked_text(SHORT, language)
    assert SHORT in text and text.endswith(link) and order.code in text
    assert measure(text).segments <= MAX_BOOKED_SEGMENTS


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_long_address_falls_back_to_the_link_alone(booked_text, language):
    text, order, link = booked_text(LONG, language)
    assert "Подольск" not in text and text.endswith(link) and order.code in text
    assert measure(text).segments <= MAX_BOOKED_SEGMENTS
    assert ("Адрес и отметка" if language == "ru" else "Address and check-in") in text


def test_an_english_text_stays_gsm7_when_the_branch_transliterates(booked_text):
    text, _, _ = booked_text(SHORT, "en", sms_transliterate=True)
    assert measure(text).encoding == "GSM-7" and "Skladskaya" in text


def test_the_address_goes_exactly_when_the_whole_text_fits(booked_text):
    """Measured, not guessed: an address rides along whenever the text with it keeps within
    the budget, and every text sent keeps within it."""
    seen = set()
    for n in range(0, 60, 6):
        address = "ул. Складская, " + "д" * n
        text, order, link = booked_text(address, "ru")
        values = {"code": order.code, "link": link, "address": address}
        start = order.starts_at.astimezone(ZoneInfo("Europe/Moscow"))
        values |= {"date": start.strftime("%d.%m"), "start": start.strftime("%H:%M")}
        fits = measure(templates.render("booked", "ru", **values)).segments <= MAX_BOOKED_SEGMENTS
        assert (address in text) == fits
        assert measure(text).segments <= MAX_BOOKED_SEGMENTS and text.endswith(link)
        seen.add(fits)
    assert seen == {True, False}  # both sides of the budget were tried
