"""The whole day in a real browser (Debian's Chromium, headless) against the real processes.

A dispatcher signs in, creates an order (after the form has refused a bad headcount), and
watches the offers go out; five workers answer YES from the phone simulator while the board,
open in another tab, fills by itself; one booked worker checks in by the link of their
booking text with the phone's location; the foreman, on a 360 px phone, confirms that
check-in, marks the others as they come (late, released, absent) and closes the shift after
its summary; the dispatcher sees the penalties on a worker's page. Each step is saved as a
screenshot under test-results/console/.

The one liberty: once booked, the shift is moved to have started 15 minutes ago (an UPDATE),
so the test need not wait until tomorrow.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.clock import now
from core.db import session_scope
from dispatch.models import Order
from sms.models import Message
from tests.browser.htmx import htmx_ready
from tests.browser.signing import sign_in as _sign_in
from tests.builders import (
    MOSCOW,
    make_site,
    make_user,
    make_worker,
    offset,
)
from tests.scenarios import branch_to_fill, committed, move_shift, offers_of
from tests.stack import running_stack, wait_for

BRANCH_CODE = "BROWSERE2E"
WORKERS = 8
HEADCOUNT, TARGET = 3, 5
TIMEOUT_MS = 20_000


@dataclass(frozen=True)
class Scene:
    site_id: int
    site_name: str
    workers: list[int]
    dispatcher: str
    foreman: str


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, "SMsim"):
        with session_scope() as session:
            branch, client = branch_to_fill(session, BRANCH_CODE, client_name="Склад Север")
            foreman = make_user(session, role="foreman", branch=branch, username="browser-foreman")
            dispatcher = make_user(
                session, role="dispatcher", branch=branch, username="browser-dispatcher"
            )
            site = make_site(session, client=client, at=MOSCOW, foreman_id=foreman.id)
            workers = [
                make_worker(
                    session,
                    branch=branch,
                    near=offset(MOSCOW, north_m=300 * i, east_m=200),
                    full_name=f"Петров Пётр {i}",
                    phone=f"+7994{i:07d}",
                ).id
                for i in range(WORKERS)
            ]
            built = Scene(site.id, site.name, workers, dispatcher.username, foreman.username)
        yield built


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _csp_refusals(context, refused: list[str] | None = None) -> list[str]:
    """Chromium's console errors about the Content-Security-Policy, from every page."""
    refused = [] if refused is None else refused
    context.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def _new_order(page, base: str, site_id: int, headcount: int) -> None:
    """The new-order form sent: loaders tomorrow 08:00-16:00 (Moscow), 250 and 120 an hour."""
    tomorrow = (now().astimezone(ZoneInfo("Europe/Moscow")) + timedelta(days=1)).date()
    page.goto(f"{base}/console/orders/new")
    htmx_ready(page)  # the fields' checks and the margin preview are htmx's
    page.locator("#f-site_id").select_option(str(site_id))
    page.locator("#f-skill").select_option("loader")
    page.locator("#f-headcount").fill(str(headcount))
    page.locator("#f-date").fill(tomorrow.isoformat())
    page.locator("#f-start").fill("08:00")
    page.locator("#f-end").fill("16:00")
    page.locator("#f-client_rate").fill("250")
    page.locator("#f-worker_rate").fill("120")
    page.get_by_role("button", name="Create the order").click()


def test_a_dispatchers_and_a_foremans_day_in_the_browser(scene, stack, browser, shots):
    base = stack.base
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    office.set_default_timeout(TIMEOUT_MS)
    refused = _csp_refusals(office)
    page = office.new_page()

    # 1. Sign in; the board is empty.
    _sign_in(page, base, scene.dispatcher)
    expect(page).to_have_url(f"{base}/console/")
    shots(page, "board-empty")

    # 2. A new order for tomorrow: a headcount of 0 is refused beside its field, then fixed.
    _new_order(page, base, scene.site_id, headcount=0)
    expect(page.locator("#err-headcount")).not_to_be_empty()
    expect(page.locator("#f-headcount")).to_have_attribute("aria-invalid", "true")
    shots(page, "new-order-refused")
    htmx_ready(page)
    page.locator("#f-headcount").fill(str(HEADCOUNT))
    page.get_by_role("button", name="Create the order").click()
    expect(page).to_have_url(re.compile(rf"{base}/console/orders/\d+$"))
    order_id = int(page.url.rsplit("/", 1)[1])
    with session_scope() as session:
        code = session.get(Order, order_id).code

    # 3. The jobs process offers it to all eight and sends the texts.
    def all_sent():
        offers = offers_of(order_id)
        return len(offers) == WORKERS and all(o.status == "sent" for o in offers.values())

    wait_for(all_sent, "the eight offers to be sent", stack)
    page.reload()
    expect(page.get_by_text(code).first).to_be_visible()
    shots(page, "order-offered")

    # 4. The board in one tab; YES from five phones in another: the bar fills by itself.
    page.goto(f"{base}/console/")
    bar = page.locator(f"#order-link-{order_id}").locator("xpath=ancestor::tr")
    progress = bar.get_by_role("progressbar")
    expect(progress).to_have_attribute("aria-valuenow", "0")
    phone = office.new_page()
    for worker_id in scene.workers[:TARGET]:
        phone.goto(f"{base}/console/phone/{worker_id}")
        phone.get_by_label("Reply as the worker").fill(f"ДА {code}")
        phone.get_by_role("button", name="Send").click()
        expect(phone.locator("#thread")).to_contain_text(f"ДА {code}")
    expect(phone.locator("#thread")).to_contain_text("записаны")  # the booking text arrived
    shots(phone, "phone-simulator")
    expect(progress).to_have_attribute("aria-valuenow", str(TARGET))  # no reload: htmx polling
    shots(page, "board-filled")

    # 5. The shift began 15 minutes ago (see the docstring).
    start = now().replace(microsecond=0) - timedelta(minutes=15)
    move_shift(order_id, start)
    booked = sorted(w for w, o in offers_of(order_id).items() if o.status == "booked")
    assert booked == scene.workers[:TARGET]
    checks_in, late_a, late_b, released, absent = booked

    # 6. One worker opens the link of their booking text on site and shares the location.
    with session_scope() as session:
        text = session.scalars(
            select(Message.body).where(
                Message.order_id == order_id,
                Message.worker_id == checks_in,
                Message.kind == "booked",
            )
        ).one()
    link = re.search(r"https?://\S+/c/\S+", text).group(0)
    worker_phone = browser.new_context(
        viewport={"width": 360, "height": 740},
        geolocation={"latitude": MOSCOW.lat + 0.0005, "longitude": MOSCOW.lon},
        permissions=["geolocation"],
    )
    _csp_refusals(worker_phone, refused)
    worker_page = worker_phone.new_page()
    worker_page.goto(link)
    worker_page.locator("#checkin-here").click()
    expect(worker_page.get_by_role("status")).to_contain_text("Записано")  # in their language
    shots(worker_page, "worker-check-in")
    wait_for(lambda: offers_of(order_id)[checks_in].checked_in_at is not None, "the check-in")

    # 7. The foreman, on a 360 px phone: confirm the check-in, mark the rest as they come.
    foreman_phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    foreman_phone.set_default_timeout(TIMEOUT_MS)
    _csp_refusals(foreman_phone, refused)
    roster = foreman_phone.new_page()
    _sign_in(roster, base, scene.foreman)
    expect(roster).to_have_url(f"{base}/console/foreman")
    shots(roster, "foreman-roster")
    assert roster.evaluate("document.documentElement.scrollWidth") <= 360
    row = f"#w-{order_id}"
    htmx_ready(roster)  # each mark is posted by htmx, the card swapped in place
    roster.locator(f"{row}-{checks_in}-confirm").click()
    expect(roster.locator(f"{row}-{checks_in}-mark")).to_contain_text("Arrived")
    for worker_id, status, shown in (
        (late_a, "arrived", "Arrived"),
        (late_b, "arrived", "Arrived"),
        (released, "released", "Released"),
    ):
        roster.locator(f"{row}-{worker_id}-{status}").click()
        expect(roster.locator(f"{row}-{worker_id}-mark")).to_contain_text(shown)
        expect(roster.locator(f"{row}-{worker_id}-{status}")).to_have_count(0)  # done: gone
    # A no-show waits out the branch's undo window (2 min); the close below applies it.
    roster.locator(f"{row}-{absent}-no_show").click()
    expect(roster.locator(f"{row}-{absent}-undo")).to_be_visible()
    expect(roster.locator(f"{row}-{late_a}-mark")).to_contain_text("late")
    shots(roster, "foreman-marked")

    # 8. Close: the summary first, then the timesheet. The shift is not over yet, so the page
    #    asks when work ended for everyone, with the figures of each choice.
    roster.get_by_role("link", name=re.compile("Close the shift")).click()
    ends_now = roster.get_by_role(
        "button", name=re.compile("Close the shift for good: it ends now")
    )
    expect(ends_now).to_be_visible()
    expect(
        roster.get_by_role("button", name=re.compile("Close the shift for good: it ends at"))
    ).to_be_visible()
    shots(roster, "close-summary")
    ends_now.click()
    expect(roster.get_by_role("heading", level=1)).to_contain_text(code)
    shots(roster, "timesheet")
    offers = offers_of(order_id)
    assert {w: offers[w].attendance for w in booked} == {
        checks_in: "arrived",
        late_a: "arrived",
        late_b: "arrived",
        released: "released",
        absent: "no_show",
    }
    with session_scope() as session:
        assert session.get(Order, order_id).status == "completed"

    # 9. Back in the office: the no-show's page shows the penalty and the suspension.
    page.goto(f"{base}/console/workers/{absent}")
    expect(page.locator("main")).to_contain_text("no-show")
    shots(page, "worker-penalties")
    late_page = office.new_page()
    late_page.goto(f"{base}/console/workers/{late_a}")
    expect(late_page.locator("main")).to_contain_text("late arrival")
    # The console's Content-Security-Policy let everything above run, and refused nothing.
    assert not refused, refused
    for context in (office, worker_phone, foreman_phone):
        context.close()
