"""The crew's hours in a real browser (issue 20), on a 360 px phone against the real
processes: the foreman records a 30-minute break and an early end from the close page; the
page says the version saved, lists it, and the form shows it; then a break too long is refused
in words beside the form, writing nothing. Screenshots in test-results/console/."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from api.console.site.words.foreman_hours import WORDS
from core.clock import now
from core.db import session_scope
from dispatch.hours.models import TimesheetVersion
from tests.browser.signing import sign_in
from tests.browser.test_whole_day import TIMEOUT_MS, _csp_refusals
from tests.builders import (
    MOSCOW,
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

CODE = "HOURSWEB"


@pytest.fixture
def scene(engine):
    with committed(CODE, "SMhours"):
        with session_scope() as session:
            branch = make_branch(session, code=CODE, undo_window_s=0)
            client = make_client(session, branch=branch, name="Склад Север")
            foreman = make_user(session, role="foreman", branch=branch, username="hours-web")
            site = make_site(session, client=client, at=MOSCOW, foreman_id=foreman.id)
            started = now().replace(microsecond=0) - timedelta(hours=2)
            order = make_order(
                session, site=site, headcount=2, now=started - timedelta(days=1),
                starts_in=timedelta(days=1),
            )  # fmt: skip
            order.status = "filled"  # booked below by hand
            for i in range(2):
                worker = make_worker(session, branch=branch, near=offset(MOSCOW, north_m=100 * i))
                make_offer(session, order=order, worker=worker, booked_at=started)
            late = order.ends_at + timedelta(hours=1)  # past the scheduled end
            built = (order.id, foreman.username, late.astimezone(ZoneInfo(branch.timezone)))
        yield built  # committed


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _versions(order_id: int) -> int:
    with session_scope() as session:
        return session.execute(
            select(func.count())
            .select_from(TimesheetVersion)
            .where(TimesheetVersion.order_id == order_id)
        ).scalar_one()


def test_the_foreman_records_the_crews_hours_in_the_browser(scene, stack, browser, shots):
    order_id, foreman, late = scene
    t = lambda key: WORDS[key][1]  # noqa: E731  (English)
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    phone.set_default_timeout(TIMEOUT_MS)
    refused = _csp_refusals(phone)
    page = phone.new_page()
    sign_in(page, stack.base, foreman)
    expect(page).to_have_url(re.compile(r"/console/foreman"))  # signed in, landed
    page.goto(f"{stack.base}/console/foreman/orders/{order_id}/close?lang=en")
    expect(page.locator("#hours-h")).to_have_text(t("hours_title"))
    shots(page, "hours-form")

    page.locator("#h-break").fill("30")
    page.locator("#h-ended").fill(late.strftime("%H:%M"))  # after the end: refused first
    page.locator("#hours-form button[type=submit]").click()
    expect(page.locator("p.error[role=alert]")).to_contain_text("An early end falls between")
    assert _versions(order_id) == 0
    shots(page, "hours-refused")

    page.locator("#h-break").fill("30")
    page.locator("#h-ended").fill("")
    page.locator("#hours-form button[type=submit]").click()
    expect(page.locator("#hours-saved")).to_have_text(t("hours_saved").format(n=1))
    expect(page.locator("#hours-v1")).to_be_visible()
    expect(page.locator("#h-break")).to_have_value("30")
    assert _versions(order_id) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # fits the phone
    shots(page, "hours-saved")
    assert refused == []
