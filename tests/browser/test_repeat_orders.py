"""Issue 17 item 6 in a real browser: repeat orders. The dispatcher copies an order to the
same day next week from the order page's Repeat section and lands on the copy; a weekly
pattern refused for a last day already gone keeps the values and says why beside the field;
then a weekly pattern is made, the jobs process places the first day within its lead time,
and the dispatcher opens that order from the pattern's list; deleting the pattern empties the
list. Screenshots of each step go to test-results/console/."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.clock import now
from core.db import session_scope
from dispatch.models import Order
from tests.builders import PASSWORD, make_branch, make_client, make_order, make_site, make_user
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERREPEAT"
TIMEOUT_MS = 20_000
MSK = ZoneInfo("Europe/Moscow")


@dataclass(frozen=True)
class Desk:
    order_id: int
    code: str
    day: datetime
    dispatcher: str


@pytest.fixture
def desk(engine):
    """Tomorrow's 08:00-16:00 shift for 2 at a Moscow warehouse, and its dispatcher."""
    with committed(BRANCH_CODE, "SMrepeat"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE)
            client = make_client(session, branch=branch, name="Склад Север")
            site = make_site(session, client=client, name="Склад Север, ворота 2")
            dispatcher = make_user(
                session, role="dispatcher", branch=branch, username="repeat-dispatcher"
            )
            at = now()
            tomorrow = at.astimezone(MSK).date() + timedelta(days=1)
            start = datetime.combine(tomorrow, time(8, 0), tzinfo=MSK)
            order = make_order(session, site=site, headcount=2, starts_in=start - at, now=at)
            built = Desk(order.id, order.code, start, dispatcher.username)
        yield built


@pytest.fixture
def stack(desk, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _copies(order_id: int) -> list[Order]:
    with session_scope() as session:
        query = select(Order).where(Order.repeat_of_id == order_id).order_by(Order.id)
        return list(session.scalars(query))


def test_the_dispatcher_copies_an_order_and_repeats_it_weekly(desk, stack, browser, shots):
    base = stack.base
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{base}/console/login?lang=ru")
    page.locator("#username").fill(desk.dispatcher)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/console/")

    # 1. The order page's Repeat section, loaded with the page: the copy offered for the next
    # day at the same time, the pattern on the order's weekday.
    page.goto(f"{base}/console/orders/{desk.order_id}")
    section = page.locator("#repeat")
    expect(section.get_by_role("heading", name="Копия на другой день")).to_be_visible()
    day_after = (desk.day + timedelta(days=1)).date().isoformat()
    expect(section.get_by_label("Дата")).to_have_value(day_after)
    expect(section.get_by_label("Начало (местное время)")).to_have_value("08:00")
    weekday = ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"]
    expect(section.get_by_label(weekday[desk.day.weekday()])).to_be_checked()
    section.scroll_into_view_if_needed()
    shots(page, "repeat-section-ru")

    # 2. A copy for the same day next week: the dispatcher lands on the new order.
    next_week = desk.day + timedelta(days=7)
    section.get_by_label("Дата").fill(next_week.date().isoformat())
    section.get_by_role("button", name="Создать копию").click()
    [copy] = _copies(desk.order_id)
    expect(page).to_have_url(f"{base}/console/orders/{copy.id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(copy.code)
    assert copy.starts_at == next_week and copy.headcount == 2
    shots(page, "repeat-copy-placed-ru")

    # 3. A weekly pattern whose last day is gone: refused beside the field, values kept.
    page.goto(f"{base}/console/orders/{desk.order_id}")
    expect(section.get_by_label("Последний день")).to_be_visible()
    section.get_by_label("вторник").check()
    yesterday = (now().astimezone(MSK).date() - timedelta(days=1)).isoformat()
    section.get_by_label("Последний день").fill(yesterday)
    section.get_by_label("Создавать заранее, часов").fill("72")
    section.get_by_role("button", name="Повторять каждую неделю").click()
    until = page.locator("#rp-pattern-until")
    expect(until).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#rp-pattern-until-err")).to_have_text("Этот день уже прошёл")
    expect(until).to_have_value(yesterday)
    expect(page.get_by_label("Создавать заранее, часов")).to_have_value("72")
    expect(page.get_by_label("вторник")).to_be_checked()
    shots(page, "repeat-pattern-refused-ru")

    # 4. Every day for two weeks, placed 72 h ahead: the pattern is listed.
    for name in weekday:
        page.get_by_label(name).check()
    page.get_by_label("Последний день").fill((desk.day + timedelta(days=14)).date().isoformat())
    page.get_by_role("button", name="Повторять каждую неделю").click()
    expect(page).to_have_url(f"{base}/console/orders/{desk.order_id}#repeat")
    listed = page.locator("#repeat ul.patterns > li")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("за 72 ч до начала")
    shots(page, "repeat-pattern-made-ru")

    # 5. The jobs process placed the day after the order's own: it is on the list, in English
    # too, and opens as an order of its own.
    placed = listed.get_by_role("link")
    for _ in range(20):
        page.goto(f"{base}/console/orders/{desk.order_id}?lang=en")
        if placed.count():
            break
        page.wait_for_timeout(500)
    expect(placed.first).to_contain_text((desk.day + timedelta(days=1)).strftime("%d.%m.%Y 08:00"))
    expect(page.locator("#repeat")).to_contain_text("Orders placed")
    shots(page, "repeat-pattern-placed-en")
    placed.first.click()
    first = _copies(desk.order_id)[1]
    expect(page).to_have_url(f"{base}/console/orders/{first.id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(first.code)
    assert first.starts_at == desk.day + timedelta(days=1)
    shots(page, "repeat-placed-order-en")

    # 6. Deleting the pattern: the list is empty; what it placed stays.
    page.goto(f"{base}/console/orders/{desk.order_id}?lang=en")
    page.locator("#repeat ul.patterns").get_by_role("button").click()
    expect(page.locator("#repeat")).to_contain_text("No weekly repeats")
    assert len(_copies(desk.order_id)) >= 2
    shots(page, "repeat-pattern-deleted-en")
    context.close()
