"""Issue 18's client portal in a real browser (Debian's Chromium, headless) against the real
processes: a client user on a 360 px phone signs in, orders 8 loaders for tomorrow and watches
them fill as simulated workers answer YES (the domain's answer call, as test_day_short.py);
after the shift is closed (the foreman's API), the client disputes one timesheet line, approves the
rest and rates the crew; the dispatcher then sees the dispute in the branch's queue and the
client's review. Screenshots of each step go to test-results/console/.

The one liberty: once booked, the shift is moved to have ended an hour ago (an UPDATE)."""

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.clock import now
from core.db import session_scope
from core.tenancy import SYSTEM
from dispatch.client_models import TimesheetSignoff
from dispatch.fill import waves
from dispatch.models import Order, User
from dispatch.rates.agreed import AgreedRate, replace_rates
from rating.models import Review
from tests.browser.signing import sign_in as _sign_in
from tests.builders import (
    MOSCOW,
    auth,
    make_client_user,
    make_site,
    make_user,
    make_worker,
    offset,
)
from tests.scenarios import branch_to_fill, committed, move_shift, offers_of
from tests.stack import running_stack, wait_for

BRANCH_CODE = "BROWSERPORTAL"
HEADCOUNT = 8
TIMEOUT_MS = 20_000
FIRST_NAMES = ("Анна", "Борис", "Вера", "Глеб", "Дина", "Егор", "Жанна", "Захар", "Ирина", "Кирилл")


@dataclass(frozen=True)
class Scene:
    site_id: int
    workers: list[int]
    names: dict[int, str]  # the full names, which the portal must never show


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, "SMportal"):
        with session_scope() as session:
            branch, client = branch_to_fill(session, BRANCH_CODE, client_name="Склад Север")
            foreman = make_user(session, role="foreman", branch=branch, username="portal-foreman")
            make_user(session, role="dispatcher", branch=branch, username="portal-dispatcher")
            site = make_site(session, client=client, at=MOSCOW, foreman_id=foreman.id)
            rate = AgreedRate("loader", Decimal("320.00"), Decimal("200.00"))
            replace_rates(session, actor=SYSTEM, client_id=client.id, rates=[rate])
            make_client_user(session, client=client).username = "portal-client"
            workers = [
                make_worker(
                    session,
                    branch=branch,
                    near=offset(MOSCOW, north_m=300 * i, east_m=200),
                    full_name=f"Смирнов {name} {i}",
                    phone=f"+7993{i:07d}",
                )
                for i, name in enumerate(FIRST_NAMES)
            ]
            built = Scene(site.id, [w.id for w in workers], {w.id: w.full_name for w in workers})
        yield built


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_client_orders_follows_disputes_and_rates_in_the_portal(scene, stack, browser, shots):
    base = stack.base
    phone_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    phone_context.set_default_timeout(TIMEOUT_MS)
    portal = phone_context.new_page()

    # 1. The client signs in at the console's page and lands on the portal.
    _sign_in(portal, base, "portal-client")
    expect(portal).to_have_url(f"{base}/portal/")
    shots(portal, "portal-orders-empty")
    _fits(portal)

    # 2. 8 loaders for tomorrow: no rate to type, the agreed one applies.
    portal.get_by_role("link", name="New order").first.click()
    expect(portal.locator("#f-client_rate")).to_have_count(0)
    tomorrow = (now().astimezone(ZoneInfo("Europe/Moscow")) + timedelta(days=1)).date()
    portal.locator("#f-site_id").select_option(str(scene.site_id))
    portal.locator("#f-skill").select_option("loader")
    portal.locator("#f-headcount").fill(str(HEADCOUNT))
    portal.locator("#f-date").fill(tomorrow.isoformat())
    portal.locator("#f-start").fill("08:00")
    portal.locator("#f-end").fill("16:00")
    shots(portal, "portal-new-order")
    _fits(portal)
    portal.get_by_role("button", name="Place the order").click()
    expect(portal).to_have_url(re.compile(rf"{base}/portal/orders/\d+$"))
    order_id = int(portal.url.rsplit("/", 1)[1])
    with session_scope() as session:
        assert session.get_one(Order, order_id).client_rate == Decimal("320.00")
    expect(portal.locator("#booked")).to_contain_text(f"0 of {HEADCOUNT}")
    shots(portal, "portal-order-placed")

    # 3. The jobs process offers it; eight workers answer YES (the domain's answer call, as
    #    test_day_short.py does), and the client's page fills by itself (htmx polling).
    wait_for(lambda: len(offers_of(order_id)) == len(scene.workers), "the offers", stack)
    wait_for(
        lambda: all(o.status == "sent" for o in offers_of(order_id).values()), "the texts", stack
    )
    for i, worker_id in enumerate(scene.workers[:HEADCOUNT], start=1):
        with session_scope() as session:
            waves.answer(
                session, order_id=order_id, worker_id=worker_id, yes=True, source="sms", now=now()
            )
        if i == HEADCOUNT // 2:
            expect(portal.locator("#booked")).to_contain_text(f"{i} of {HEADCOUNT}")
            shots(portal, "portal-order-filling")
    expect(portal.locator("#booked")).to_contain_text(f"{HEADCOUNT} of {HEADCOUNT}")
    expect(portal.locator("#crew li")).to_have_count(HEADCOUNT)
    expect(portal.locator("#crew")).to_contain_text("Анна С.")
    expect(portal.locator("#crew")).to_contain_text("not yet")
    for full_name in scene.names.values():
        expect(portal.locator("main")).not_to_contain_text(full_name)
    shots(portal, "portal-order-filled")
    _fits(portal)

    # 4. The shift ended an hour ago; the foreman marks everyone and closes it (the API).
    booked = sorted(w for w, o in offers_of(order_id).items() if o.status == "booked")
    assert len(booked) == HEADCOUNT
    start = now().replace(microsecond=0) - timedelta(hours=9)
    move_shift(order_id, start)
    foreman = _user("portal-foreman")
    with httpx.Client(base_url=base, headers=auth(foreman), timeout=30) as api:
        for worker_id in booked:
            body = {"worker_id": worker_id, "status": "arrived", "at": start.isoformat()}
            assert api.post(f"/api/v1/orders/{order_id}/attendance", json=body).is_success
        closed = api.post(f"/api/v1/orders/{order_id}/close")
        assert closed.is_success, closed.text

    # 5. The client disputes one line, then approves the hours of the rest.
    portal.reload()
    disputed, *rest = booked
    line = portal.locator(f"#line-{disputed}")
    line.locator("summary", has_text="Dispute").click()
    line.get_by_label("What is wrong").fill("Left at noon, not at four")
    line.locator("form[action$='/dispute'] button").click()
    expect(portal.locator(f"#line-{disputed}")).to_have_attribute("data-state", "disputed")
    shots(portal, "portal-line-disputed")
    portal.get_by_role("button", name="Approve the hours").click()
    expect(portal.locator(f"#line-{rest[0]}")).to_have_attribute("data-state", "approved")
    expect(portal.locator(f"#line-{disputed}")).to_have_attribute("data-state", "disputed")
    shots(portal, "portal-hours-approved")

    # 6. The crew rated: a complaint for the disputed one, five stars for the others.
    for worker_id in booked:
        line = portal.locator(f"#line-{worker_id}")
        line.locator("summary", has_text="Rate the workers").click()
        if worker_id == disputed:
            line.get_by_label("Stars").select_option("2")
            line.get_by_label("Complaint", exact=True).check()
            line.get_by_label("What the complaint is about").select_option("left_site")
            line.get_by_label("Comment").fill("Left the site without a word")
        line.locator("form.review button").click()
        expect(portal.locator(f"#line-{worker_id}")).to_contain_text("Your rating")
    expect(portal.locator(f"#line-{disputed}")).to_contain_text("Your rating: 2 of 5")
    shots(portal, "portal-crew-rated")
    _fits(portal)
    with session_scope() as session:
        states = dict(
            session.execute(
                select(TimesheetSignoff.worker_id, TimesheetSignoff.state).where(
                    TimesheetSignoff.order_id == order_id
                )
            ).all()
        )
        reviews = session.scalars(select(Review).where(Review.order_id == order_id)).all()
    assert states == {disputed: "disputed", **dict.fromkeys(rest, "approved")}
    assert {(r.worker_id, r.stars, r.complaint, r.source) for r in reviews} == {
        (disputed, 2, True, "client"),
        *((w, 5, False, "client") for w in rest),
    }

    # 7. The dispatcher sees the dispute in the branch's queue, and the client's review.
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    office.set_default_timeout(TIMEOUT_MS)
    desk = office.new_page()
    _sign_in(desk, base, "portal-dispatcher")
    expect(desk).to_have_url(f"{base}/console/")
    desk.goto(f"{base}/console/disputes")
    row = desk.locator(f"#d-{order_id}-{disputed}")
    expect(row).to_contain_text("Left at noon, not at four")
    expect(row).to_contain_text(scene.names[disputed])
    shots(desk, "office-dispute-queue")
    desk.goto(f"{base}/console/orders/{order_id}/timesheet")
    expect(desk.locator(f"#line-{disputed}")).to_contain_text("The client's review: 2 of 5")
    shots(desk, "office-client-review")
    phone_context.close()
    office.close()


def _user(username: str) -> User:
    with session_scope() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        session.expunge(user)
        return user
