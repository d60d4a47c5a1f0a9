"""The order page that acts, in a real browser against the real processes (issue 15, item 4;
item 13's fill-bar names and map legend).

A dispatcher creates an order and keeps its page open: every offered worker has a row; a
YES texted from a phone shows on the page by itself (the htmx poll, no reload); the
timeline unfolds on demand; two workers of one name are told apart by their phone's tail.
Each per-row action is used once: a YES and a NO taken by phone, the offer texted again, a
booking cancelled (the standby moves up). Once under way (the start moved into the past by
an UPDATE, as in test_whole_day.py) an arrival reads "late", not "booked"; after the close
the page links the timesheet. English first, then the same page in Russian.
"""

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import func, select, update

from core.clock import now
from core.db import session_scope
from dispatch.models import Order
from sms.models import Message
from tests.browser import test_whole_day as day
from tests.browser.htmx import htmx_ready
from tests.scenarios import move_shift, offers_of
from tests.stack import wait_for
from workers.models import Worker

HEADCOUNT = 2  # target 3 at the default factor 1.5
WORKERS, TIMEOUT_MS = day.WORKERS, day.TIMEOUT_MS
scene, stack = day.scene, day.stack  # the whole day's branch, workers and processes


def _texts(order_id: int, worker_id: int, kind: str) -> int:
    with session_scope() as session:
        return session.scalars(
            select(func.count()).where(
                Message.order_id == order_id, Message.worker_id == worker_id, Message.kind == kind
            )
        ).one()


def test_the_order_page_refreshes_itself_and_acts_on_each_row(scene, stack, browser, shots):
    base = stack.base
    a, b, c, d, e, twin, *_ = scene.workers
    with session_scope() as session:  # two workers of one name
        name = session.get(Worker, a).full_name
        session.execute(update(Worker).where(Worker.id == twin).values(full_name=name))
    office = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    office.set_default_timeout(TIMEOUT_MS)
    refused = day._csp_refusals(office)
    page = office.new_page()
    day._sign_in(page, base, scene.dispatcher)

    # 1. A new order for tomorrow; its page lists every offered worker, one row each.
    day._new_order(page, base, scene.site_id, headcount=HEADCOUNT)
    expect(page).to_have_url(re.compile(rf"{base}/console/orders/\d+$"))
    order_id = int(page.url.rsplit("/", 1)[1])
    with session_scope() as session:
        code = session.get(Order, order_id).code
    wait_for(
        lambda: (
            len(offers_of(order_id)) == WORKERS
            and all(o.status == "sent" for o in offers_of(order_id).values())
        ),
        "the offers to be sent",
        stack,
    )
    page.reload()
    roster = page.locator("table.roster tbody tr")
    expect(roster).to_have_count(WORKERS)
    expect(page.locator(f"#w-{a}-standing")).to_have_text("awaiting a reply")
    # One name, two people: the phone's last four digits tell them apart.
    tails = {page.locator(f"#w-{w} th .tail").inner_text()[-4:] for w in (a, twin)}
    assert len(tails) == 2, tails
    bar = page.get_by_role("progressbar", name=f"Fill of order {code}")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    legend = page.locator("ul.legend")
    expect(legend).to_contain_text("✓")
    shots(page, "order-page-offered")

    # 2. A YES from a phone: the page shows it by itself (no reload).
    phone = office.new_page()
    phone.goto(f"{base}/console/phone/{a}")
    phone.get_by_label("Reply as the worker").fill(f"ДА {code}")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#thread")).to_contain_text(f"ДА {code}")
    page.bring_to_front()
    page.evaluate("window.__same_page = 1")  # gone if the page were reloaded
    expect(page.locator(f"#w-{a}-standing")).to_have_text("booked")
    expect(bar).to_have_attribute("aria-valuenow", "1")
    expect(page.locator("#order-map .pin.st-booked")).to_have_count(1)  # the map too
    expect(page.locator("#order-map .pin.st-booked")).to_have_text("✓")
    assert page.evaluate("window.__same_page") == 1
    shots(page, "order-page-live-yes")

    # 3. The timeline unfolds on demand, and stays open across the next refresh.
    page.locator(f"#w-{a}-timeline > summary").click()
    expect(page.locator(f"#w-{a}-timeline li").first).to_be_visible()
    expect(page.locator(f"#w-{a}-timeline")).to_contain_text("offered (wave 1)")
    shots(page, "order-page-timeline")

    # 4. Answers taken by phone: YES from b and c (the order fills), YES from d (standby),
    #    NO from e.
    for worker_id, answer in ((b, "yes"), (c, "yes"), (d, "yes"), (e, "no")):
        page.locator(f"#w-{worker_id}-phone-{answer}").click()
        expect(page.locator(f"#w-{worker_id}-phone-{answer}")).to_have_count(0)
    expect(page.locator(f"#w-{b}-standing")).to_have_text("booked")
    expect(page.locator(f"#w-{d}-standing")).to_have_text("on standby")
    expect(page.locator(f"#w-{e}-standing")).to_have_text("declined")
    shots(page, "order-page-phone-answers")

    # 5. The offer texted again to one who has not answered.
    silent = scene.workers[6]
    before = _texts(order_id, silent, "offer")
    page.locator(f"#w-{silent}-retext").click()
    expect(page).to_have_url(re.compile(rf"/console/orders/{order_id}#w-{silent}$"))
    assert _texts(order_id, silent, "offer") == before + 1
    shots(page, "order-page-retexted")

    # 6. A booking cancelled by the office: the standby moves up.
    page.locator(f"#w-{b}-cancel > summary").click()
    page.locator(f"#w-{b}-reason").fill("the client asked for someone else")
    page.locator(f"#w-{b}-cancel-booking").click()
    expect(page.locator(f"#w-{b}-standing")).to_have_text("cancelled")
    expect(page.locator(f"#w-{d}-standing")).to_have_text("booked")
    wait_for(lambda: _texts(order_id, b, "booking_withdrawn") == 1, "the worker to be told")
    shots(page, "order-page-booking-cancelled")

    # 7. Under way: an arrival 15 minutes after the start reads "late" (not "booked").
    start = now().replace(microsecond=0) - timedelta(minutes=15)
    move_shift(order_id, start)
    page.goto(f"{base}/console/foreman")
    htmx_ready(page)
    page.locator(f"#w-{order_id}-{a}-arrived").click()
    expect(page.locator(f"#w-{order_id}-{a}-mark")).to_contain_text("Arrived")
    page.goto(f"{base}/console/orders/{order_id}")
    expect(page.locator(f"#w-{a}-standing")).to_have_text("late")
    expect(page.locator(f"#w-{a}")).to_contain_text(re.compile(r"\(\+1[56] min\)"))
    shots(page, "order-page-late")

    # 8. Closed: the page links the timesheet.
    page.goto(f"{base}/console/foreman/orders/{order_id}/close")
    page.get_by_role("button", name=re.compile("Close the shift for good: it ends now")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    page.goto(f"{base}/console/orders/{order_id}")
    expect(page.locator("#timesheet-link")).to_have_text("The shift's timesheet")
    shots(page, "order-page-closed")
    page.locator("#timesheet-link").click()
    expect(page).to_have_url(f"{base}/console/foreman/orders/{order_id}/close")

    # 9. The same page in Russian: the words, the bar's name and the timesheet link.
    page.goto(f"{base}/console/orders/{order_id}?lang=ru")
    expect(page.locator(f"#w-{a}-standing")).to_have_text("опоздание")
    expect(page.locator(f"#w-{b}-standing")).to_have_text("запись отменена")
    expect(page.get_by_role("progressbar", name=f"Набор заказа {code}")).to_be_visible()
    expect(page.locator("#timesheet-link")).to_have_text("Табель смены")
    shots(page, "order-page-ru")
    assert not refused, refused
    office.close()
