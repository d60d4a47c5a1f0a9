"""Issue 18's clients' webhooks in a real browser (Debian's Chromium, headless, 360 px)
against the real processes: the client's admin subscribes a local receiver to cancelled
orders, sees the secret once (and not after a reload), an order of theirs is cancelled, the
jobs process delivers the signed event, and the delivery log shows it delivered. Screenshots
of each step go to test-results/console/ (hooks-*)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core.clock import now
from core.db import session_scope
from core.tenancy import SYSTEM
from dispatch.orders import service as orders
from tests.browser.test_client_portal import _fits, _sign_in
from tests.builders import MOSCOW, make_client_user, make_order, make_site
from tests.scenarios import branch_to_fill, committed
from tests.stack import running_stack, wait_for
from tests.test_webhooks_e2e import documented_verify

BRANCH_CODE = "BROWSERHOOKS"
TIMEOUT_MS = 15_000


@pytest.fixture
def scene(engine):
    """A client with a site, its admin, and an order it will cancel."""
    with committed(BRANCH_CODE, "SMhooks"):
        with session_scope() as session:
            _, client = branch_to_fill(session, BRANCH_CODE, client_name="Склад Юг")
            site = make_site(session, client=client, at=MOSCOW)
            make_client_user(session, client=client, admin=True).username = "hooks-admin"
            order = make_order(session, site=site, starts_in=timedelta(days=3))
            order_id = order.id
        yield order_id


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def test_a_client_admin_subscribes_and_sees_the_delivery(scene, receiver, stack, browser, shots):
    base = stack.base
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    portal = context.new_page()

    # 1. The client's admin opens Webhooks from the portal's navigation: none yet.
    _sign_in(portal, base, "hooks-admin")
    expect(portal).to_have_url(f"{base}/portal/")
    portal.get_by_role("link", name="Webhooks").click()
    expect(portal.locator("#hooks-none")).to_be_visible()
    shots(portal, "hooks-empty")
    _fits(portal)

    # 2. A subscription to cancelled orders at the local receiver: the secret, this once.
    url = f"http://127.0.0.1:{receiver.server.server_port}/brigada"
    portal.get_by_label("URL").fill(url)
    portal.get_by_label("order cancelled").check()
    portal.get_by_role("button", name="Create").click()
    secret = portal.locator("#secret-value").inner_text().strip()
    assert secret.startswith("whsec_")
    expect(portal.locator("#secret")).to_contain_text("shown this once")
    expect(portal.locator("main")).to_contain_text(url)
    shots(portal, "hooks-created-secret")
    _fits(portal)

    # 3. Opened again, the page lists it without the secret.
    portal.goto(f"{base}/portal/webhooks")
    expect(portal.locator(".hooks li")).to_have_count(1)
    expect(portal.locator("#secret")).to_have_count(0)
    assert secret not in portal.content()
    expect(portal.locator(".hook-last")).to_contain_text("none yet")
    shots(portal, "hooks-listed")

    # 4. The order is cancelled; the jobs process posts the signed event.
    with session_scope() as session:
        orders.cancel_order(session, scene, actor=SYSTEM, reason="the site is closed", now=now())
    wait_for(lambda: len(receiver.requests) == 1, "the receiver to get the event", stack)
    [(event_id, header, body, status)] = receiver.requests
    assert status == 200 and documented_verify()(secret, body, header)

    # 5. The log shows the delivery: its event id, one attempt, delivered.
    portal.reload()
    expect(portal.locator(".hook-last")).to_contain_text("accepted (200)")
    portal.get_by_role("link", name="Delivery log").click()
    delivered = portal.locator(".hook-log li")
    expect(delivered).to_have_count(1)
    expect(delivered).to_contain_text(event_id)
    expect(delivered).to_contain_text("order cancelled")
    expect(delivered.locator(".attempts")).to_have_text("1")
    expect(delivered).to_have_attribute("data-delivered", "yes")
    shots(portal, "hooks-delivery-log")
    _fits(portal)
    context.close()
