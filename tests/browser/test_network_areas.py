"""Issue 21 in a real browser: a call-centre user finds no client, types a new one, places
the site with a click on the map (the "which branch" preview names the branch whose area holds
it), fills in the order and places it: the confirmation names the branch and the order's code.
Then the branch's manager draws its service area on the settings page (four clicks), saves it
and sees it kept. Screenshots of each step go to test-results/console/."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from core.clock import now
from core.db import session_scope
from dispatch.models import Branch, Client, Order, User
from dispatch.network.areas import area_geojson, check_area
from tests.browser.htmx import htmx_ready
from tests.builders import MOSCOW, PASSWORD, make_branch, make_user
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERAREAS"
CALL_CENTRE = "areas-call-centre"
TIMEOUT_MS = 20_000
HALF = 0.5  # the branch's area: a square of ±0.5° around Moscow's centre


@dataclass(frozen=True)
class Network:
    branch_id: int
    manager: str


def _square() -> dict:
    lat, lon = MOSCOW.lat, MOSCOW.lon
    ring = [
        [lon - HALF, lat - HALF],
        [lon + HALF, lat - HALF],
        [lon + HALF, lat + HALF],
        [lon - HALF, lat + HALF],
        [lon - HALF, lat - HALF],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _drop_call_centre_user() -> None:
    with session_scope() as session:
        session.execute(delete(User).where(User.username == CALL_CENTRE))


@pytest.fixture
def network(engine):
    _drop_call_centre_user()
    with committed(BRANCH_CODE, "SMareas"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE, center=MOSCOW)
            branch.area = check_area(session, _square())
            manager = make_user(session, role="manager", branch=branch, username="areas-manager")
            cc = make_user(session, role="admin", username=CALL_CENTRE)
            cc.role = "call_centre"
            built = Network(branch.id, manager.username)
        yield built
    _drop_call_centre_user()


@pytest.fixture
def stack(network, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _sign_in(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{base}/console/login?lang=ru")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    return context, page


def _centre_of(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None
    return {"x": box["width"] / 2, "y": box["height"] / 2}


def test_the_call_centre_places_an_order_and_a_manager_draws_the_area(
    network, stack, browser, shots
):
    base = stack.base
    # 1. The call centre lands on its page.
    context, page = _sign_in(browser, base, CALL_CENTRE)
    expect(page).to_have_url(f"{base}/console/call-centre")
    expect(page.get_by_role("heading", name="Колл-центр: новый заказ")).to_be_visible()
    htmx_ready(page)  # the search typed before htmx takes the box in is sent by nobody
    page.locator("#cc-q").fill("Нет такого клиента")
    expect(page.locator("#cc-none")).to_be_visible()
    page.locator("#f-client_name").fill("ООО «Браузерный склад»")
    page.locator("#f-inn").fill("7707083893")
    page.locator("#f-site_name").fill("Склад на МКАД")
    page.locator("#f-site_address").fill("МКАД, 41-й км")
    # 2. A click on the map places the site; the preview names the branch by its area.
    cc_map = page.locator("#cc-map")
    expect(cc_map).to_have_attribute("data-drawn", "1")
    cc_map.click(position=_centre_of(cc_map))
    expect(page.locator("#cc-routed")).to_have_attribute("data-branch-id", str(network.branch_id))
    expect(page.locator("#cc-routed")).to_have_attribute("data-how", "area")
    expect(page.locator("#cc-routed")).to_contain_text(BRANCH_CODE)
    shots(page, "call-centre-branch-preview")
    # 3. The order's fields, placed.
    page.select_option("#f-skill", "loader")
    page.locator("#f-headcount").fill("3")
    page.locator("#f-date").fill((now() + timedelta(days=2)).date().isoformat())
    page.locator("#f-start").fill("08:00")
    page.locator("#f-end").fill("17:00")
    page.locator("#f-client_rate").fill("300")
    page.locator("#f-worker_rate").fill("150")
    page.locator("#cc-submit").click()
    expect(page.locator("#cc-done")).to_contain_text(BRANCH_CODE)
    shots(page, "call-centre-order-placed")
    with session_scope() as session:
        order = session.scalars(select(Order).where(Order.branch_id == network.branch_id)).one()
        assert session.get(Client, order.client_id).inn == "7707083893"
        code = order.code
    expect(page.locator("#cc-done")).to_contain_text(code)
    context.close()

    # 4. The manager draws the area anew on the settings page: clear, four clicks, save.
    context, page = _sign_in(browser, base, network.manager)
    page.goto(f"{base}/console/branches/{network.branch_id}/settings")
    area_map = page.locator("#area-map")
    expect(area_map).to_have_attribute("data-points", "4")  # the stored square
    page.locator("#area-clear").click()
    expect(area_map).to_have_attribute("data-points", "0")
    middle = _centre_of(area_map)
    for dx, dy in ((-120, -80), (120, -80), (140, 90), (-100, 100)):
        area_map.click(position={"x": middle["x"] + dx, "y": middle["y"] + dy})
    expect(area_map).to_have_attribute("data-points", "4")
    expect(page.locator("#area-count")).to_have_text("Точек: 4")
    shots(page, "area-drawn")
    page.locator("#area-save").click()
    expect(page.locator("#area-notice")).to_be_visible()
    expect(page.locator("#area-map")).to_have_attribute("data-points", "4")
    shots(page, "area-saved")
    with session_scope() as session:
        saved = area_geojson(session.get(Branch, network.branch_id).area)
    assert saved is not None and saved != _square()
    assert len(saved["coordinates"][0]) == 5
    context.close()
