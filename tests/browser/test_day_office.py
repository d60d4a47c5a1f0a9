"""Issue 15 in a real browser, the office's first day (items 2, 6, 8, 9 and two of 13).

A newcomer opens the bare address and lands on the console's sign-in; a mistyped password
keeps the username; the foreman lands on their own page and, on the dispatcher's board, is
told in their language where to go instead; the foreman's timesheet of a closed shift shows
hours and workers' pay, never the client's price or the margin, while the dispatcher's shows
both; the message log finds an order by the code in its texts and names the workers; /docs
works with every asset served by the app. Screenshots of each step go to test-results/console/.
"""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from core.clock import now
from core.db import session_scope
from core.tenancy import Actor
from dispatch.shift import onsite
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

BRANCH_CODE = "BROWSEROFFICE"
TIMEOUT_MS = 20_000
NAMES = ["Орлова Анна", "Зайцев Олег"]


@dataclass(frozen=True)
class Office:
    order_id: int
    code: str
    dispatcher: str
    foreman: str


@pytest.fixture
def office(engine):
    """A shift that ran yesterday-ish (9 h to 1 h ago), both workers arrived, closed."""
    with committed(BRANCH_CODE, "SMoffice"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE)
            client = make_client(session, branch=branch, name="Склад Юг")
            foreman = make_user(session, role="foreman", branch=branch, username="office-foreman")
            dispatcher = make_user(
                session, role="dispatcher", branch=branch, username="office-dispatcher"
            )
            site = make_site(session, client=client, at=MOSCOW, foreman_id=foreman.id)
            workers = [
                make_worker(
                    session,
                    branch=branch,
                    near=offset(MOSCOW, north_m=200 * (i + 1)),
                    full_name=name,
                    phone=f"+7995{i:07d}",
                )
                for i, name in enumerate(NAMES)
            ]
            placed = now() - timedelta(hours=10)
            order = make_order(
                session, site=site, headcount=2, starts_in=timedelta(hours=1), now=placed
            )
            book(session, order, workers, now=placed)
            desk = Actor(dispatcher.id, dispatcher.username, "dispatcher", branch.id)
            for worker in workers:
                onsite.mark_attendance(
                    session,
                    order.id,
                    actor=desk,
                    worker_id=worker.id,
                    status="arrived",
                    at=order.starts_at,
                    now=order.starts_at,
                )
            onsite.close_shift(session, order.id, actor=desk, now=order.ends_at, end="scheduled")
            built = Office(order.id, order.code, dispatcher.username, foreman.username)
        yield built


@pytest.fixture
def stack(office, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _sign_in(page, base: str, username: str, lang: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/console/login?lang={lang}")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("form button[type=submit]").click()


def test_the_office_finds_its_way_in_both_languages(office, stack, browser, shots):
    base = stack.base
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    # 1. The bare address is the console (its sign-in, when nobody is signed in).
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/console/login?next=/console/")
    shots(page, "office-bare-address")

    # 2. A mistyped password keeps the username; the password is what to type again.
    _sign_in(page, base, office.foreman, "ru", password="not-the-password")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("#username")).to_have_value(office.foreman)
    expect(page.locator("#password")).to_have_value("")
    shots(page, "office-wrong-password-ru")

    # 3. The foreman lands on their page (the board's address too); an office page tells them
    # in Russian that it is not theirs, with a link to theirs.
    _sign_in(page, base, office.foreman, "ru")
    expect(page).to_have_url(f"{base}/console/foreman")
    page.goto(f"{base}/console/")
    expect(page).to_have_url(f"{base}/console/foreman")
    page.goto(f"{base}/console/orders/new")
    expect(page.get_by_role("alert")).to_have_text("Эта страница не для вашей роли.")
    expect(page.get_by_role("navigation", name="Разделы")).to_be_visible()
    shots(page, "office-not-for-foreman-ru")
    page.locator("main a[href='/console/foreman']").click()
    expect(page).to_have_url(f"{base}/console/foreman")

    # 4. The foreman's timesheet: hours and the workers' pay, not the client's money.
    page.goto(f"{base}/console/foreman/orders/{office.order_id}/close")
    sheet = page.locator("main")
    expect(sheet).to_contain_text("Орлова Анна")
    expect(sheet).to_contain_text("К выплате")
    for office_only in ("Клиенту", "Маржа"):
        expect(sheet).not_to_contain_text(office_only)
    shots(page, "office-foreman-timesheet-ru")

    # 5. The same page and refusal in English.
    page.goto(f"{base}/console/foreman/orders/{office.order_id}/close?lang=en")
    expect(sheet).not_to_contain_text("Client amount")
    expect(sheet).not_to_contain_text("Margin")
    page.goto(f"{base}/console/messages")
    expect(page.get_by_role("alert")).to_have_text("This page is not open to your role.")
    shots(page, "office-not-for-foreman-en")

    # 6. The dispatcher: the same timesheet with the client's price and the margin.
    desk_context = browser.new_context(viewport={"width": 1440, "height": 900})
    desk_context.set_default_timeout(TIMEOUT_MS)
    desk = desk_context.new_page()
    _sign_in(desk, base, office.dispatcher, "ru")
    expect(desk).to_have_url(f"{base}/console/")
    desk.goto(f"{base}/console/foreman/orders/{office.order_id}/close")
    expect(desk.locator("main")).to_contain_text("Клиенту")
    expect(desk.locator("main")).to_contain_text("Маржа")
    shots(desk, "office-dispatcher-timesheet-ru")

    # 7. The message log by the order's code, with the workers' names.
    desk.goto(f"{base}/console/messages?order={office.code}")
    log = desk.locator("main table")
    for name in NAMES:
        expect(log).to_contain_text(name)
    shots(desk, "office-message-log-by-code-ru")
    desk.goto(f"{base}/console/messages?order=%23{office.code}&lang=en")
    expect(desk.locator("main table")).to_contain_text(NAMES[0])
    desk.goto(f"{base}/console/messages?order=12ab")
    expect(desk.locator("main")).to_contain_text("code")  # the field's error, in English
    shots(desk, "office-message-log-bad-code-en")

    # 8. /docs on a closed network: every request it makes goes to the app itself.
    asked: list[str] = []
    docs = context.new_page()
    docs.on("request", lambda request: asked.append(request.url))
    docs.goto(f"{base}/docs")
    expect(docs.locator(".swagger-ui .opblock").first).to_be_visible()
    shots(docs, "office-api-docs")
    app_host = urlparse(base).netloc
    elsewhere = [url for url in asked if urlparse(url).netloc not in (app_host, "")]
    assert not elsewhere, f"/docs asked other hosts: {elsewhere}"

    context.close()
    desk_context.close()
