"""A short order in a real browser (Debian's Chromium, headless) against the real processes.

Tomorrow's order needs three; within the first ring (10 km) live only two workers, so the
first wave, sent by the jobs process, leaves the matcher with nobody more to offer: the board
says "short by 3" at once, and once. The dispatcher opens the order, sees the warning and
double-clicks "Send the next wave now" (one wave goes: 15 km); then, in Russian, widens to the
maximum radius from the board's row (40 km). Two workers answer YES: the board's "short by"
falls to 1 without a reload, and the foreman's page says so on a phone. Each step is saved as
a screenshot under test-results/console/.
"""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.clock import now
from core.db import session_scope
from dispatch.fill import waves
from dispatch.models import Offer, Order
from tests.browser.test_whole_day import (
    TIMEOUT_MS,
    _csp_refusals,
    _sign_in,
    stack,  # noqa: F401 - a fixture, built on scene below
)
from tests.builders import (
    MOSCOW,
    make_branch,
    make_client,
    make_order,
    make_site,
    make_user,
    make_worker,
    offset,
)
from tests.scenarios import committed, offers_of
from tests.stack import wait_for

BRANCH_CODE = "BROWSERSHORT"
HEADCOUNT = 3  # booking target 5: waves of 10
RINGS = ((2_000, 2), (13_000, 3), (35_000, 3))  # (metres east of the site, workers)


@pytest.fixture
def scene(engine):
    """The branch, its people and tomorrow's order, committed; the jobs process fills it."""
    with committed(BRANCH_CODE, "SMshort"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE)
            foreman = make_user(session, role="foreman", branch=branch, username="short-foreman")
            make_user(session, role="dispatcher", branch=branch, username="short-dispatcher")
            site = make_site(
                session,
                client=make_client(session, branch=branch, name="Склад Юг"),
                at=MOSCOW,
                foreman_id=foreman.id,
            )
            n = 0
            for east_m, count in RINGS:
                for i in range(count):
                    make_worker(
                        session,
                        branch=branch,
                        near=offset(MOSCOW, east_m=east_m + 10 * i),
                        full_name=f"Сидоров Семён {n}",
                        phone=f"+7992{n:07d}",
                    )
                    n += 1
            zone = ZoneInfo("Europe/Moscow")
            tomorrow = now().astimezone(zone).date() + timedelta(days=1)
            starts = datetime.combine(tomorrow, time(9, 0), tzinfo=zone)
            at = now()
            order = make_order(
                session, site=site, headcount=HEADCOUNT, now=at, starts_in=starts - at
            )
            order_id = order.id
        yield order_id


def _order(order_id: int) -> Order:
    with session_scope() as session:
        return session.get(Order, order_id)


def _pushes(order_id: int) -> list[str]:
    with session_scope() as session:
        return list(
            session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.action.like("order.%_now"))
                .where(AuditEntry.entity_ids.contains([order_id]))
                .order_by(AuditEntry.id)
            )
        )


def _waves(order_id: int) -> int:
    with session_scope() as session:
        return session.scalar(
            select(func.count(func.distinct(Offer.wave))).where(Offer.order_id == order_id)
        )


def test_a_short_order_says_by_how_many_and_what_to_do(scene, stack, browser, shots):  # noqa: F811
    base, order_id = stack.base, scene
    office = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    office.set_default_timeout(TIMEOUT_MS)
    refused = _csp_refusals(office)
    page = office.new_page()

    # 1. The jobs process sends the first wave: two offers, nobody more within 10 km.
    wait_for(lambda: _order(order_id).ring_dry_at is not None, "the first ring to run dry", stack)
    assert len(offers_of(order_id)) == 2 and _order(order_id).status == "filling"

    # 2. The board says "short by 3", once, with the two pushes.
    _sign_in(page, base, "short-dispatcher")
    expect(page).to_have_url(f"{base}/console/")
    row = page.locator(f"#order-{order_id}")
    expect(row.locator(".short-flag")).to_have_text("⚠ short by 3")
    assert row.inner_text().count("short") == 1  # not "short ⚠ short"
    expect(row.get_by_role("button", name="Send the next wave now")).to_be_visible()
    expect(row.get_by_role("button", name="Widen to 40 km now")).to_be_visible()
    shots(page, "short-board-en")

    # 3. The order page warns at the top and offers the same; a double click sends one wave.
    page.locator(f"#order-link-{order_id}").click()
    warning = page.locator("#short")
    expect(warning.get_by_role("heading")).to_have_text("⚠ Short by 3")
    expect(warning).to_contain_text("Nobody more to offer the order to within 10 km")
    shots(page, "short-order-page-en")
    page.locator(f"#next-wave-{order_id}").dblclick()
    expect(page).to_have_url(re.compile(rf"/console/orders/{order_id}#short$"))
    wait_for(lambda: len(offers_of(order_id)) == 5, "the second wave's three offers", stack)
    page.reload()
    expect(warning).to_contain_text("within 15 km")
    assert _order(order_id).wave == 2 and _waves(order_id) == 2
    assert _pushes(order_id) == ["order.next_wave_now"]
    shots(page, "short-next-wave-sent")

    # 4. In Russian, from the board's row: widen to the maximum radius now.
    page.goto(f"{base}/console/?lang=ru")
    expect(row.locator(".short-flag")).to_have_text("⚠ не хватает 3 чел.")
    assert row.inner_text().count("не хватает") == 1
    shots(page, "short-board-ru")
    row.get_by_role("button", name="Расширить до 40 км сейчас").click()
    expect(page).to_have_url(f"{base}/console/#order-{order_id}")
    wait_for(lambda: len(offers_of(order_id)) == 8, "the widest wave's three offers", stack)
    assert _order(order_id).radius_m == 40_000
    assert _pushes(order_id) == ["order.next_wave_now", "order.widen_now"]
    expect(row.get_by_role("button", name="Следующая волна сейчас")).to_be_visible()
    expect(row.get_by_role("button", name=re.compile("Расширить"))).to_have_count(0)
    shots(page, "short-widened-ru")

    # 5. Two YES: the board's number falls without a reload (htmx polling).
    answering = sorted(offers_of(order_id))[:2]
    with session_scope() as session:
        for worker_id in answering:
            waves.answer(
                session, order_id=order_id, worker_id=worker_id, yes=True, source="sms", now=now()
            )
    expect(row.locator(".short-flag")).to_have_text("⚠ не хватает 1 чел.")
    shots(page, "short-board-ru-after-yes")

    # 6. The foreman, on a 360 px phone, sees the same in a line of the shift.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="ru-RU")
    phone.set_default_timeout(TIMEOUT_MS)
    _csp_refusals(phone, refused)
    foreman = phone.new_page()
    _sign_in(foreman, base, "short-foreman")
    foreman.goto(f"{base}/console/foreman?lang=ru")
    shift = foreman.locator(f"section[aria-labelledby='o-{order_id}']")
    expect(shift.locator(".short-line")).to_have_text("⚠ не хватает 1 чел.")
    shots(foreman, "short-foreman-ru")
    foreman.goto(f"{base}/console/foreman?lang=en")
    expect(shift.locator(".short-line")).to_have_text("⚠ short by 1")
    assert foreman.evaluate("document.documentElement.scrollWidth") <= 360
    shots(foreman, "short-foreman-en")
    assert not refused, refused
    for context in (office, phone):
        context.close()
