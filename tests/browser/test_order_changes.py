"""Issue 17 item 4 in a real browser: a dispatcher changes an order of 10 on its page.

Raised to 12, a wave goes out at once (new offers appear in the counts); lowered to 8, the
newest bookings are released and texted; the start moved an hour later, every booked worker
is texted to confirm again (the message log shows it). A screenshot per step goes to
test-results/console/.
"""

import time
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from core.clock import now
from core.db import session_scope
from dispatch.models import Offer, Order
from sms.models import Message
from tests.builders import (
    MOSCOW,
    PASSWORD,
    book,
    make_branch,
    make_client,
    make_order,
    make_site,
    make_user,
    make_worker,
    offset,
)
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERCHG"
TIMEOUT_MS = 20_000
WORKERS = 45  # the first wave offers 30 (target 15 x 2): 15 are left for the raise's wave


@dataclass(frozen=True)
class Scene:
    order_id: int
    code: str
    dispatcher: str


@pytest.fixture
def scene(engine):
    """An order of 10 for tomorrow (target 15), booked full from its first wave of 30."""
    with committed(BRANCH_CODE, "SMchg"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE)
            client = make_client(session, branch=branch, name="Склад Север")
            dispatcher = make_user(
                session, role="dispatcher", branch=branch, username="chg-dispatcher"
            )
            site = make_site(session, client=client, at=MOSCOW)
            workers = [
                make_worker(
                    session,
                    branch=branch,
                    near=offset(MOSCOW, north_m=100 * (i + 1)),
                    phone=f"+7994{i:07d}",
                )
                for i in range(WORKERS)
            ]
            # Tomorrow at 10:00 Moscow time: moving it "an hour later" on the form never
            # wraps past midnight (at 23:xx the test moved the shift 23 hours earlier).
            local = now().astimezone(ZoneInfo("Europe/Moscow"))
            ten = (local + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
            order = make_order(session, site=site, headcount=10, starts_in=ten - local, now=now())
            book(session, order, workers[:15], now=now())  # the 15 nearest, offered first
            built = Scene(order.id, order.code, dispatcher.username)
        yield built


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _count(order_id, *conditions, model=Offer):
    with session_scope() as session:
        column = model.order_id
        return session.scalar(
            select(func.count()).select_from(model).where(column == order_id, *conditions)
        )


def _eventually(check, what: str, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.3)


def _change(page, **fields):
    form = page.locator("#order-edit-form")
    expect(form).to_be_visible()  # fetched into the page by htmx
    for name, value in fields.items():
        page.locator(f"#chg-{name}").fill(value)
    form.locator("button[type=submit]").click()


def test_a_dispatcher_raises_lowers_and_moves_an_order(scene, stack, browser, shots):
    base = stack.base
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{base}/console/login?lang=en")
    page.locator("#username").fill(scene.dispatcher)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    order_url = f"{base}/console/orders/{scene.order_id}"

    # 1. The order page of an order of 10, booked full: the form, filled in.
    page.goto(order_url)
    expect(page.locator("#chg-headcount")).to_have_value("10")
    expect(page.locator("#order-edit-h")).to_have_text("Change the order")
    shots(page, "change-order-form")
    assert _count(scene.order_id) == 30

    # 2. Raised to 12 (target 18): a wave goes out at once; its offers appear on the page.
    _change(page, headcount="12")
    expect(page).to_have_url(f"{order_url}#order-edit")
    expect(page.locator("#chg-headcount")).to_have_value("12")
    offered = page.locator("ul.counts li").first
    expect(offered).to_contain_text("36")
    assert _count(scene.order_id, Offer.status == "booked") == 15
    _eventually(
        lambda: _count(scene.order_id, Message.kind == "offer", model=Message) == 36,
        "the new wave's six offers texted",
    )
    shots(page, "change-order-raised")

    # 3. Lowered to 8 (target 12): the three booked last are released, each texted.
    _change(page, headcount="8")
    expect(page.locator("#chg-headcount")).to_have_value("8")
    expect(page.locator("ul.counts li").nth(1)).to_contain_text("12")  # booked
    withdrawn = Message.kind == "booking_withdrawn"
    assert _count(scene.order_id, withdrawn, model=Message) == 3
    shots(page, "change-order-lowered")

    # 4. The start moved an hour later: every booked worker is asked to confirm again.
    start = page.locator("#chg-start").input_value()
    hours, minutes = (int(x) for x in start.split(":"))
    later = f"{(hours + 1) % 24:02d}:{minutes:02d}"
    end = page.locator("#chg-end").input_value()
    end_hours, end_minutes = (int(x) for x in end.split(":"))
    _change(page, start=later, end=f"{(end_hours + 1) % 24:02d}:{end_minutes:02d}")
    expect(page.locator("#chg-start")).to_have_value(later)
    with session_scope() as session:
        order = session.get_one(Order, scene.order_id)
        local = order.starts_at.astimezone(ZoneInfo("Europe/Moscow"))
        assert local.strftime("%H:%M") == later
    asked = Message.kind == "order_moved"
    assert _count(scene.order_id, asked, model=Message) == 12
    shots(page, "change-order-moved")

    # 5. The message log shows the texts that asked them, by the order's code.
    page.goto(f"{base}/console/messages?order={scene.code}")
    expect(page.get_by_text("order moved, confirm").first).to_be_visible()
    expect(page.get_by_text("перенесён").first).to_be_visible()  # the workers read Russian
    shots(page, "change-order-messages")
    context.close()
