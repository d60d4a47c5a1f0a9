"""Approval of a client's order placed inside the branch's lead time, in a real browser
(Debian's Chromium, headless) against the real processes: the client, on a 360 px phone,
orders 3 loaders for in three hours and sees it awaiting the office's approval; the dispatcher
finds it first on the board and approves it on the order page; the client's page then shows it
filling (the jobs process offered it). Screenshots of each step go to test-results/console/."""

import re
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from core.clock import now
from core.db import session_scope
from core.tenancy import SYSTEM
from dispatch.models import Order
from dispatch.rates.agreed import AgreedRate, replace_rates
from tests.browser.htmx import htmx_ready
from tests.browser.test_client_portal import _sign_in
from tests.builders import (
    MOSCOW,
    make_client_user,
    make_site,
    make_user,
    make_worker,
    offset,
)
from tests.scenarios import branch_to_fill, committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERAPPROVE"
TIMEOUT_MS = 20_000


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, "SMapproval"):
        with session_scope() as session:
            branch, client = branch_to_fill(session, BRANCH_CODE, client_name="Склад Юг")
            branch.client_order_approval_h = 6
            make_user(session, role="dispatcher", branch=branch, username="approval-dispatcher")
            site = make_site(session, client=client, at=MOSCOW)
            rate = AgreedRate("loader", Decimal("320.00"), Decimal("200.00"))
            replace_rates(session, actor=SYSTEM, client_id=client.id, rates=[rate])
            make_client_user(session, client=client).username = "approval-client"
            for i in range(5):
                make_worker(
                    session,
                    branch=branch,
                    near=offset(MOSCOW, north_m=300 * i, east_m=200),
                    phone=f"+7989{i:07d}",
                )
            site_id = site.id
        yield site_id


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def test_a_client_order_inside_the_lead_time_waits_until_the_dispatcher_approves_it(
    scene, stack, browser, shots
):
    base = stack.base
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    phone.set_default_timeout(TIMEOUT_MS)
    portal = phone.new_page()

    # 1. The client orders 3 loaders for in three hours; the form said approval is needed.
    _sign_in(portal, base, "approval-client")
    portal.goto(f"{base}/portal/orders/new")
    expect(portal.locator("#approval-note")).to_contain_text("within 6 h need the office")
    starts = (now() + timedelta(hours=3, minutes=10)).astimezone(ZoneInfo("Europe/Moscow"))
    portal.locator("#f-site_id").select_option(str(scene))
    portal.locator("#f-skill").select_option("loader")
    portal.locator("#f-headcount").fill("3")
    portal.locator("#f-date").fill(starts.date().isoformat())
    portal.locator("#f-start").fill(starts.strftime("%H:%M"))
    portal.locator("#f-end").fill((starts + timedelta(hours=4)).strftime("%H:%M"))
    shots(portal, "approval-new-order")
    portal.get_by_role("button", name="Place the order").click()
    expect(portal).to_have_url(re.compile(rf"{base}/portal/orders/\d+$"))
    order_id = int(portal.url.rsplit("/", 1)[1])
    expect(portal.locator("#order-status")).to_have_text("awaiting the office's approval")
    expect(portal.locator("#awaiting-note")).to_be_visible()
    assert portal.evaluate("document.documentElement.scrollWidth") <= 360
    shots(portal, "approval-client-awaiting")
    with session_scope() as session:
        assert session.get_one(Order, order_id).status == "awaiting_approval"

    # 2. The dispatcher sees it first on the board and approves it on the order page.
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    office.set_default_timeout(TIMEOUT_MS)
    desk = office.new_page()
    _sign_in(desk, base, "approval-dispatcher")
    expect(desk.locator(f"#awaiting-{order_id}")).to_contain_text("awaiting approval")
    shots(desk, "approval-board")
    desk.locator(f"#awaiting-{order_id} a").click()
    approve = desk.get_by_role("button", name="Approve and start filling")
    expect(approve).to_be_visible()  # the order page, then htmx on it: the answer is swapped in
    htmx_ready(desk)
    approve.click()
    expect(desk.locator("#approval-done")).to_contain_text("filling has started")
    expect(desk.locator("#order-status")).not_to_have_text("awaiting approval")  # its poll
    shots(desk, "approval-approved")

    # 3. The jobs process offers it: the client's page shows it filling by itself.
    expect(portal.locator("#order-status")).to_have_text("filling")
    expect(portal.locator("#awaiting-note")).to_have_count(0)
    shots(portal, "approval-client-filling")
    phone.close()
    office.close()
