"""Issue 15 item 7 in a real browser: no English in the Russian console.

A shift closed with one worker late and one who never came: the dispatcher reads the
worker's ledger in Russian (the rules' reasons in words, "Снять взыскание" to take one back),
the order's timeline and the message log name the texts' kinds in Russian ("взыскание", not
"penalty"), and a page that does not exist or an address with a wrong number answers inside
the console, with its navigation, in the user's language. The same pages in English speak
English. Screenshots of each step go to test-results/console/."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core.clock import now
from core.db import session_scope
from core.tenancy import Actor
from dispatch.shift import onsite
from tests.builders import (
    MOSCOW,
    PASSWORD,
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
    offset,
)
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERWORDS"
TIMEOUT_MS = 20_000
LATE, ABSENT = "Белова Ольга", "Гусев Антон"


@dataclass(frozen=True)
class Day:
    order_id: int
    late_id: int
    absent_id: int
    dispatcher: str


@pytest.fixture
def day(engine):
    """A shift from 10 h to 2 h ago: one worker came 25 min late, one never came; closed."""
    with committed(BRANCH_CODE, "SMwords"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE, name="Филиал слов")
            client = make_client(session, branch=branch, name="Склад Север")
            dispatcher = make_user(
                session, role="dispatcher", branch=branch, username="words-dispatcher"
            )
            site = make_site(session, client=client, at=MOSCOW)
            late, absent = (
                make_worker(
                    session,
                    branch=branch,
                    near=offset(MOSCOW, north_m=300 * (i + 1)),
                    full_name=name,
                    phone=f"+7996{i:07d}",
                )
                for i, name in enumerate((LATE, ABSENT))
            )
            placed = now() - timedelta(hours=11)
            order = make_order(session, site=site, starts_in=timedelta(hours=1), now=placed)
            for worker in (late, absent):
                make_offer(session, order=order, worker=worker, booked_at=placed)
            desk = Actor(dispatcher.id, dispatcher.username, "dispatcher", branch.id)
            onsite.mark_attendance(
                session,
                order.id,
                actor=desk,
                worker_id=late.id,
                status="arrived",
                at=order.starts_at + timedelta(minutes=25),
                now=order.starts_at + timedelta(minutes=30),
            )
            onsite.close_shift(session, order.id, actor=desk, now=order.ends_at, end="scheduled")
            built = Day(order.id, late.id, absent.id, dispatcher.username)
        yield built


@pytest.fixture
def stack(day, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def test_the_russian_console_speaks_russian_and_the_english_one_english(day, stack, browser, shots):
    base = stack.base
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{base}/console/login?lang=ru")
    page.locator("#username").fill(day.dispatcher)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/console/")

    # 1. The ledger: the rules' reasons in Russian, and taking one back is "Снять взыскание".
    page.goto(f"{base}/console/workers/{day.absent_id}")
    ledger = page.locator("#ledger")
    expect(ledger).to_contain_text("неявка на смену")
    expect(ledger).not_to_contain_text("did not come")
    expect(ledger.get_by_role("button", name="Снять взыскание")).to_be_visible()
    shots(page, "words-ledger-absent-ru")
    page.goto(f"{base}/console/workers/{day.late_id}")
    expect(page.locator("#ledger")).to_contain_text("опоздание на 25 мин")
    expect(page.locator("main")).to_contain_text("русский")  # the worker's language, in words
    shots(page, "words-ledger-late-ru")

    # 2. The order's timeline and the message log: the texts' kinds in Russian.
    page.goto(f"{base}/console/orders/{day.order_id}")
    expect(page.locator("main")).to_contain_text("СМС «взыскание»")
    expect(page.locator("main")).not_to_contain_text("penalty")
    shots(page, "words-timeline-ru")
    page.goto(f"{base}/console/messages?worker_id={day.absent_id}")
    expect(page.locator("main table")).to_contain_text("взыскание")
    shots(page, "words-message-log-ru")

    # 3. Errors inside the console: its navigation, Russian words, a way back.
    page.goto(f"{base}/console/no-such-page")
    expect(page.get_by_role("alert")).to_have_text("Такой страницы нет.")
    expect(page.get_by_role("navigation", name="Разделы")).to_be_visible()
    expect(page.locator("main a[href='/console/']")).to_be_visible()
    shots(page, "words-404-ru")
    page.goto(f"{base}/console/orders/abc")
    expect(page.locator("main")).to_contain_text("Номер заказа: нужно целое число")
    expect(page.get_by_role("navigation", name="Разделы")).to_be_visible()
    shots(page, "words-422-ru")

    # 4. The same in English.
    page.goto(f"{base}/console/workers/{day.absent_id}?lang=en")
    expect(page.locator("#ledger")).to_contain_text("did not come")
    expect(page.locator("#ledger").get_by_role("button", name="Reverse entry")).to_be_visible()
    shots(page, "words-ledger-absent-en")
    page.goto(f"{base}/console/orders/{day.order_id}")
    expect(page.locator("main")).to_contain_text("SMS “penalty”")
    page.goto(f"{base}/console/no-such-page")
    expect(page.get_by_role("alert")).to_have_text("There is no such page.")
    expect(page.get_by_role("navigation", name="Sections")).to_be_visible()
    shots(page, "words-404-en")
    page.goto(f"{base}/console/orders/abc")
    expect(page.locator("main")).to_contain_text("Order number: a whole number is needed")
    shots(page, "words-422-en")
    context.close()
