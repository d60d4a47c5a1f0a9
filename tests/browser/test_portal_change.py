"""Issue 18 in a real browser (Debian's Chromium, headless, a 360 px phone) against the real
processes: a client user lowers the headcount of an order starting in 6 hours, sees first who
is let go and the show-up pay it costs, confirms, and favourites one of the workers it has had
on the portal's Workers page. Screenshots of each step go to test-results/console/."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core.clock import now
from core.db import session_scope
from dispatch.models import ClientFavourite, Order
from tests.browser.test_client_portal import _fits, _sign_in
from tests.builders import (
    MOSCOW,
    make_branch,
    make_client,
    make_client_user,
    make_offer,
    make_order,
    make_site,
    make_worker,
    offset,
)
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERPCHG"
TIMEOUT_MS = 20_000


@dataclass(frozen=True)
class Scene:
    order_id: int
    client_id: int
    workers: list[int]


@pytest.fixture
def scene(engine):
    """An order of 3 starting in 6 h, three workers booked on it; a user of its client."""
    with committed(BRANCH_CODE, "SMpchg"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE)
            client = make_client(session, branch=branch, name="Склад Юг")
            site = make_site(session, client=client, at=MOSCOW)
            order = make_order(
                session, site=site, headcount=3, starts_in=timedelta(hours=6), now=now()
            )
            workers = [
                make_worker(
                    session,
                    branch=branch,
                    near=offset(MOSCOW, north_m=100 * (i + 1)),
                    full_name=f"Кузнецов {name}",
                    phone=f"+7995{i:07d}",
                )
                for i, name in enumerate(("Алексей", "Богдан", "Виктор"))
            ]
            for i, worker in enumerate(workers):
                booked_at = now() - timedelta(minutes=10 - i)
                make_offer(session, order=order, worker=worker, booked_at=booked_at)
            order.status = "filled"
            make_client_user(session, client=client).username = "pchg-client"
            built = Scene(order.id, client.id, [w.id for w in workers])
        yield built


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def test_a_client_changes_the_headcount_and_favours_a_worker(scene, stack, browser, shots):
    base = stack.base
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    portal = context.new_page()
    _sign_in(portal, base, "pchg-client")
    expect(portal).to_have_url(f"{base}/portal/")

    # 1. The order's page: Change beside Cancel.
    portal.goto(f"{base}/portal/orders/{scene.order_id}")
    portal.locator("#change").click()
    expect(portal.locator("#f-headcount")).to_have_value("3")
    expect(portal.locator("#f-client_rate")).to_have_count(0)
    shots(portal, "portal-change-form")
    _fits(portal)

    # 2. Fewer people: what it does is shown first, nothing is changed yet.
    portal.locator("#f-headcount").fill("1")
    portal.locator("#preview-change").click()
    consequence = portal.locator("#consequence")
    expect(consequence).to_contain_text("Booked workers let go (the most recently booked first)")
    expect(consequence).to_contain_text("Inside 12 h of the start: each one let go is paid")
    shots(portal, "portal-change-consequence")
    _fits(portal)
    with session_scope() as session:
        assert session.get_one(Order, scene.order_id).headcount == 3

    # 3. Confirmed: the office's change, back on the order's page.
    portal.locator("#confirm-change").click()
    expect(portal).to_have_url(f"{base}/portal/orders/{scene.order_id}")
    expect(portal.locator("#live")).to_contain_text("of 1")
    shots(portal, "portal-changed-order")
    with session_scope() as session:
        assert session.get_one(Order, scene.order_id).headcount == 1

    # 4. The workers it has had, by first name and initial; one made a favourite.
    portal.get_by_role("link", name="Workers").click()
    expect(portal).to_have_url(f"{base}/portal/workers")
    first = portal.locator(f"#worker-{scene.workers[0]}")
    expect(first).to_contain_text("Алексей К.")
    expect(portal.locator("#workers")).not_to_contain_text("Кузнецов")
    shots(portal, "portal-workers")
    first.get_by_role("button", name="Favourite").click()
    expect(portal.locator(f"#worker-{scene.workers[0]}")).to_have_attribute(
        "data-favourite", "true"
    )
    shots(portal, "portal-workers-favourite")
    _fits(portal)
    with session_scope() as session:
        assert session.get(ClientFavourite, (scene.client_id, scene.workers[0])) is not None
    context.close()
