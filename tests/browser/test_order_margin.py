"""The new-order form's margin preview in a real browser (Debian's Chromium, headless)
against the real processes (issue 21): the branch's rate card gives loaders 300 / 200 with a
20 % night surcharge. A dispatcher chooses the site, the skill and a night shift: the card's
rates fill the empty rate fields, the preview shows the 6 night hours and the revenue, pay
and margin for the headcount, and follows the headcount. Typing another client rate shows the
reason field; the order is refused without a reason and taken with one. Screenshots under
test-results/console/."""

import re
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.clock import now
from core.db import session_scope
from core.tenancy import SYSTEM
from dispatch.models import Order
from dispatch.rates.card import CardRow, replace_card
from tests.browser.htmx import htmx_ready
from tests.browser.test_whole_day import TIMEOUT_MS, _csp_refusals, _sign_in
from tests.builders import MOSCOW, make_branch, make_client, make_site, make_user
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERRATE"
MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, "SMrate"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE)
            client = make_client(session, branch=branch, name="Склад Север")
            site = make_site(session, client=client, at=MOSCOW, name="Ангар 5")
            make_user(session, role="dispatcher", branch=branch, username="browser-rate-desk")
            replace_card(
                session,
                actor=SYSTEM,
                branch_id=branch.id,
                rows=[CardRow("loader", None, Decimal("300"), Decimal("200"), 20, 100)],
            )
            site_id = site.id
        yield site_id


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _working_day():
    day = now().astimezone(MSK).date() + timedelta(days=14)
    while day.weekday() >= 5 or day.month == 1 or (day + timedelta(days=1)).weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_the_order_form_shows_the_cards_rates_surcharges_and_margin(scene, stack, browser, shots):
    base, site_id = stack.base, scene
    office = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB")
    office.set_default_timeout(TIMEOUT_MS)
    refused = _csp_refusals(office)
    page = office.new_page()
    _sign_in(page, base, "browser-rate-desk")
    page.goto(f"{base}/console/orders/new?lang=en")
    preview = page.locator("#margin-preview")
    expect(preview).to_contain_text("Choose a site and a skill")
    htmx_ready(page)  # the preview is htmx's, asked again on every change in the form

    page.locator("#f-site_id").select_option(str(site_id))
    page.locator("#f-skill").select_option("loader")
    page.locator("#f-date").fill(_working_day().isoformat())
    page.locator("#f-start").fill("20:00")
    page.locator("#f-end").fill("04:00")
    page.locator("#f-headcount").fill("2")
    page.locator("#f-headcount").blur()
    # The card's rates fill the empty fields; the night's 6 hours and the figures for two.
    expect(page.locator("#f-client_rate")).to_have_value("300.00")
    expect(page.locator("#f-worker_rate")).to_have_value("200.00")
    expect(preview).to_contain_text("By the rate card (the branch's rate)")
    expect(preview).to_contain_text("Night hours: 6.00 (+20%)")
    expect(page.locator("#margin-revenue")).to_have_text("5520.00")  # 2 x (2400 + 360)
    expect(page.locator("#margin-pay")).to_have_text("3680.00")  # 2 x (1600 + 240)
    expect(page.locator("#margin-margin")).to_have_text("1840.00 (33.33%)")
    expect(page.locator("#rate-reason-block")).to_be_hidden()
    shots(page, "margin-en-card")

    page.locator("#f-headcount").fill("3")
    page.locator("#f-headcount").blur()
    expect(page.locator("#margin-revenue")).to_have_text("8280.00")

    # Another client rate: the reason field appears; without a reason the order is refused.
    page.locator("#f-client_rate").fill("350")
    page.locator("#f-client_rate").blur()
    expect(page.locator("#margin-differs")).to_contain_text("differ from the card")
    expect(page.locator("#rate-reason-block")).to_be_visible()
    expect(page.locator("#margin-revenue")).to_have_text("9660.00")  # 3 x (2800 + 420)
    shots(page, "margin-en-override")
    page.get_by_role("button", name="Create the order").click()
    expect(page.locator("#err-rate_reason")).to_contain_text("give a reason")
    shots(page, "margin-en-refused")
    page.locator("#f-rate_reason").fill("a rush job agreed by phone")
    page.get_by_role("button", name="Create the order").click()
    expect(page).to_have_url(re.compile(rf"{base}/console/orders/\d+$"))
    with session_scope() as session:
        order = session.scalars(select(Order).where(Order.site_id == site_id)).one()
        assert (order.client_rate, order.rate_source, order.night_pct) == (
            Decimal("350.00"),
            "manual",
            20,
        )
    assert refused == []
