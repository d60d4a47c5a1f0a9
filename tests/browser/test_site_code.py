"""The site check-in code on the foreman's phone (issue 20), in a real browser against the
real processes: the page loads the code by itself (htmx), in big digits with the time it
changes, and the QR code drawn on the server (inline SVG, nothing fetched elsewhere, no
Content-Security-Policy refusal); the digits are the order's code of now."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core.clock import now
from core.db import session_scope
from dispatch.models import Order
from dispatch.shift import codes
from tests.browser.signing import sign_in
from tests.browser.test_whole_day import TIMEOUT_MS, _csp_refusals
from tests.builders import (
    MOSCOW,
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "SITECODE"
NUMBER = "+79990004466"


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, "SMsitecode"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE)
            client = make_client(session, branch=branch, name="Склад Север")
            foreman = make_user(session, role="foreman", branch=branch, username="site-code")
            site = make_site(session, client=client, at=MOSCOW, foreman_id=foreman.id)
            order = make_order(
                session, site=site, headcount=1, now=now(), starts_in=timedelta(hours=1)
            )
            order.status = "filled"  # booked below by hand: the fill job has nothing to do
            worker = make_worker(session, branch=branch, full_name="Ершов Егор")
            make_offer(session, order=order, worker=worker, booked_at=now())
            built = (order.id, foreman.username)
        yield built


@pytest.fixture
def stack(scene, tmp_path, monkeypatch):
    monkeypatch.setenv("BRIGADA_TWILIO_FROM", NUMBER)
    with running_stack(tmp_path) as running:
        yield running


def test_the_foremans_phone_shows_the_code_and_its_qr(scene, stack, browser, shots):
    order_id, username = scene
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="ru-RU")
    phone.set_default_timeout(TIMEOUT_MS)
    refused = _csp_refusals(phone)
    page = phone.new_page()
    sign_in(page, stack.base, username)
    page.goto(f"{stack.base}/console/foreman?lang=ru")
    digits = page.locator(f"#code-{order_id}-digits")
    expect(digits).to_have_text(re.compile(r"^\d{3} \d{3}$"))
    shown = digits.inner_text().replace(" ", "")
    with session_scope() as session:
        order = session.get_one(Order, order_id)
        at = now()
        expected = {
            codes.current(session, order, at).code,
            codes.current(session, order, at - timedelta(seconds=codes.STEP_S)).code,
        }
    assert shown in expected
    expect(page.locator(f"#code-{order_id} .code-until")).to_contain_text("сменится в")
    qr = page.locator(f"#code-{order_id} figure.code-qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 150  # big enough for a camera across a site
    link = page.locator(f"#code-{order_id} figure.code-qr").get_attribute("data-link")
    assert link == f"sms:{NUMBER}?body=%D0%9F%D0%A0%D0%98%D0%A8%D0%95%D0%9B%20{shown}"
    size = float(digits.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert size >= 36  # read at arm's length
    shots(page, "ru-site-code")
    assert refused == []
    phone.close()
