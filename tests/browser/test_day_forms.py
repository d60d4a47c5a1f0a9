"""The new-order form and the console's header in a real browser (Debian's Chromium,
headless) against the real processes, in Russian and in English.

A dispatcher opens the new-order form and finds it filled in: tomorrow, the branch's usual
shift (07:30-19:30, read from its recent orders), the sites grouped by client. Choosing a
site fills in its client's last rates; a worker's rate above the client's is warned about as
the field is left; a past date is flagged under the date as it is left. In English the order
is then taken despite the warning (a warning, not a refusal). The header's links, language
switch and sign-out button are measured: each at least 44 x 44 px, at 1280 px and at 360 px.
Each step is saved as a screenshot under test-results/console/.
"""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from core.clock import now
from core.db import session_scope
from tests.browser.htmx import htmx_ready
from tests.browser.test_whole_day import TIMEOUT_MS, _csp_refusals, _sign_in
from tests.builders import MOSCOW, make_branch, make_client, make_order, make_site, make_user
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERFORM"
MSK = ZoneInfo("Europe/Moscow")
TAP_PX = 44

WORDS = {
    "ru": {
        "warning": "ставка работнику (300,00) выше ставки клиента (240,00)",
        "past": "эта дата уже прошла",
        "mode": "в 1,5 раза больше: нужно 10 — записываем 15",
        "rates": ("240,00", "130,00"),
    },
    "en": {
        "warning": "the worker's rate (300.00) is above the client's rate (240.00)",
        "past": "this date has passed",
        "mode": "1.5 times the number needed: 10 needed, 15 booked",
        "rates": ("240.00", "130.00"),
    },
}


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, "SMform"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE, overbook_factor=Decimal("1.50"))
            south = make_client(session, branch=branch, name="Склад Юг")
            hangar = make_site(session, client=south, at=MOSCOW, name="Ангар 1")
            make_site(session, client=south, at=MOSCOW, name="Ангар 2")
            alpha = make_client(session, branch=branch, name="Альфа Логистик")
            make_site(session, client=alpha, at=MOSCOW, name="Терминал", address="ул. Ленина, 1")
            make_user(session, role="dispatcher", branch=branch, username="browser-form-desk")
            at = now()
            for days in (2, 3):  # the branch's usual shift, and the client's last rates
                day = at.astimezone(MSK).date() + timedelta(days=days)
                starts_at = datetime.combine(day, time(7, 30), tzinfo=MSK)
                make_order(
                    session,
                    site=hangar,
                    now=at,
                    starts_in=starts_at - at,
                    hours=12,
                    client_rate=Decimal("240"),
                    worker_rate=Decimal("130"),
                )
            hangar_id = hangar.id
        yield hangar_id


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _header_targets(page) -> list[tuple[str, dict]]:
    """Every link and button of the header with its bounding box."""
    found = []
    for target in page.locator("header.top a, header.top button").all():
        if target.is_visible():
            found.append((target.inner_text().strip(), target.bounding_box()))
    return found


def _assert_tap_targets(page) -> int:
    targets = _header_targets(page)
    small = [
        (name, round(box["width"]), round(box["height"]))
        for name, box in targets
        if box["height"] < TAP_PX or box["width"] < TAP_PX
    ]
    assert not small, f"header targets under {TAP_PX} px: {small}"
    return len(targets)


def test_the_new_order_form_fills_in_warns_and_the_header_is_tappable(scene, stack, browser, shots):
    base, site_id = stack.base, scene
    tomorrow = now().astimezone(MSK).date() + timedelta(days=1)
    yesterday = tomorrow - timedelta(days=2)
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    office.set_default_timeout(TIMEOUT_MS)
    refused = _csp_refusals(office)
    page = office.new_page()
    _sign_in(page, base, "browser-form-desk")
    expect(page).to_have_url(f"{base}/console/")

    for lang in ("ru", "en"):
        words = WORDS[lang]
        # 1. Filled in: tomorrow in the branch's time, the usual shift, sites by client.
        page.goto(f"{base}/console/orders/new?lang={lang}")
        expect(page.locator("#f-date")).to_have_value(tomorrow.isoformat())
        expect(page.locator("#f-start")).to_have_value("07:30")
        expect(page.locator("#f-end")).to_have_value("19:30")
        groups = page.locator("#f-site_id optgroup")
        expect(groups).to_have_count(2)
        assert [g.get_attribute("label") for g in groups.all()] == ["Альфа Логистик", "Склад Юг"]
        hangar = page.locator(f'#f-site_id option[value="{site_id}"]')
        expect(hangar).to_have_text(re.compile(r"^\s*Ангар 1, ул. Складская, 1\s*$"))
        expect(page.locator("#f-overbooking_mode")).to_contain_text(words["mode"])
        shots(page, f"form-{lang}-filled-in")
        htmx_ready(page)  # the warning and the checks below are htmx's, on change

        # 2. The site chosen: its client's last rates come in.
        page.locator("#f-site_id").select_option(str(site_id))
        expect(page.locator("#f-client_rate")).to_have_value(words["rates"][0])
        expect(page.locator("#f-worker_rate")).to_have_value(words["rates"][1])
        shots(page, f"form-{lang}-rates")

        # 3. A worker's rate above the client's: a warning as the field is left.
        page.locator("#f-worker_rate").fill("300")
        page.locator("#f-worker_rate").blur()
        expect(page.locator("#warn-worker_rate")).to_contain_text(words["warning"])
        expect(page.locator("#err-worker_rate")).to_be_empty()
        shots(page, f"form-{lang}-rate-warning")

        # 4. A past date: flagged under the date as it is left.
        page.locator("#f-date").fill(yesterday.isoformat())
        page.locator("#f-date").blur()
        expect(page.locator("#err-date")).to_contain_text(words["past"])
        shots(page, f"form-{lang}-past-date")

        # 5. The header's tap targets, measured.
        assert _assert_tap_targets(page) >= 8  # seven links and sign out, RU and EN

    # 6. In English, the order is taken despite the warning: a warning is not a refusal.
    page.locator("#f-date").fill(tomorrow.isoformat())
    page.locator("#f-skill").select_option("loader")
    page.locator("#f-headcount").fill("2")
    page.get_by_role("button", name="Create the order").click()
    expect(page).to_have_url(re.compile(rf"{base}/console/orders/\d+$"))
    shots(page, "form-en-taken-with-warning")

    # 7. On a 360 px phone the header's targets are still 44 px.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="ru-RU")
    phone.set_default_timeout(TIMEOUT_MS)
    _csp_refusals(phone, refused)
    small = phone.new_page()
    _sign_in(small, base, "browser-form-desk")
    small.goto(f"{base}/console/orders/new?lang=ru")
    _assert_tap_targets(small)
    shots(small, "form-ru-phone-header")
    assert refused == [], refused
