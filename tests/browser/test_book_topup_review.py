"""Issue 17 items 5, 7 and 9 in a real browser: the dispatcher books a named worker from the
order page (and sees why another cannot be booked), tops up an order under way (an urgent
wave goes out, worded "now"), and the foreman asks for more, then leaves a review and a
complaint with its reason. Screenshots of each step go to test-results/console/."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.clock import now
from core.db import session_scope
from dispatch.models import Offer
from rating.models import Review
from sms.models import Message
from tests.browser.htmx import htmx_ready
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

BRANCH_CODE = "BROWSERBOOK"
TIMEOUT_MS = 20_000


@dataclass(frozen=True)
class Place:
    ahead: int  # an order of tomorrow, to book a named worker on
    under_way: int  # started an hour ago: to top up and review
    walk_in: int
    far: int
    good: int
    rude: int


@pytest.fixture
def place(engine):
    with committed(BRANCH_CODE, "SMbook"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE)
            client = make_client(session, branch=branch, name="Склад Север")
            foreman = make_user(session, role="foreman", branch=branch, username="book-foreman")
            make_user(session, role="dispatcher", branch=branch, username="book-dispatcher")
            site = make_site(session, client=client, at=MOSCOW, foreman_id=foreman.id)

            def person(name: str, i: int, **kw):
                near = kw.pop("near", offset(MOSCOW, east_m=300 * i))
                return make_worker(
                    session, branch=branch, full_name=name, phone=f"+7996{i:07d}", near=near, **kw
                )

            walk_in = person("Ким Алина", 1)
            person("Громов Лев", 2, suspended_until=now() + timedelta(days=5))
            far = person("Цой Глеб", 3, near=offset(MOSCOW, north_m=30_000))
            good, rude = person("Пак Вера", 4), person("Хан Дина", 5)
            ahead = make_order(session, site=site, now=now())
            under_way = make_order(
                session,
                site=site,
                now=now() - timedelta(days=1),
                starts_in=timedelta(days=1) - timedelta(hours=1),
            )
            under_way.foreman_id = foreman.id
            for worker in (good, rude):
                make_offer(
                    session,
                    order=under_way,
                    worker=worker,
                    booked_at=now() - timedelta(days=1),
                    attendance="arrived",
                    arrived_at=under_way.starts_at,
                )
            built = Place(ahead.id, under_way.id, walk_in.id, far.id, good.id, rude.id)
        yield built


@pytest.fixture
def stack(place, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _page(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{base}/console/login?lang=ru")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    return context, page


def test_book_a_named_worker_top_up_and_review(place, stack, browser, shots):
    base = stack.base
    desk_context, desk = _page(browser, base, "book-dispatcher")
    expect(desk).to_have_url(f"{base}/console/")

    # 1. A suspended worker is found, and the page says why they cannot be booked.
    desk.goto(f"{base}/console/orders/{place.ahead}")
    htmx_ready(desk)  # the search and the booking are htmx's, answered into the panel
    desk.get_by_label("Имя или телефон работника филиала").fill("Громов")
    desk.get_by_role("button", name="Найти").click()
    panel = desk.locator("#book-panel")
    expect(panel).to_contain_text("Громов Лев")
    expect(panel).to_contain_text("нельзя: отстранён(а)")
    expect(panel.get_by_role("button")).to_have_count(0)
    shots(desk, "book-why-not-eligible")

    # 2. A walk-in is booked at once and texted the booking.
    desk.get_by_label("Имя или телефон работника филиала").fill("Ким")
    desk.get_by_role("button", name="Найти").click()
    book = desk.get_by_role("button", name="Записать Ким Алина")
    expect(book).to_be_visible()
    htmx_ready(desk)  # the found rows are swapped in: taken in by htmx only as they settle
    book.click()
    expect(panel.get_by_role("status")).to_contain_text("Ким Алина записан(а)")
    expect(desk.locator("#order-live")).to_contain_text("Ким Алина", timeout=10_000)
    shots(desk, "book-named-booked")
    with session_scope() as session:
        offer = session.scalars(select(Offer).where(Offer.worker_id == place.walk_in)).one()
        assert (offer.status, offer.answer_source) == ("booked", "named")
        kinds = session.scalars(select(Message.kind).where(Message.worker_id == place.walk_in))
        assert "booked" in list(kinds)

    # 3. The order under way is topped up: an urgent wave at the widest radius, worded "now".
    desk.goto(f"{base}/console/orders/{place.under_way}")
    desk.get_by_label("Сколько ещё человек").fill("1")
    desk.get_by_role("button", name="Срочно добавить").click()
    expect(desk.locator("#topup").get_by_role("status")).to_contain_text("срочная рассылка ушла")
    shots(desk, "topup-urgent-wave")
    with session_scope() as session:
        urgent = session.scalars(select(Message).where(Message.worker_id == place.far)).one()
        assert urgent.kind == "offer" and urgent.body.startswith("Срочно, прямо сейчас")
    desk_context.close()

    # 4. The foreman asks for one more from their page.
    site_context, site = _page(browser, base, "book-foreman")
    expect(site).to_have_url(f"{base}/console/foreman")
    site.locator(f"#topup-count-{place.under_way}").fill("1")
    site.locator(f"#topup-{place.under_way} button").click()
    expect(site.locator(f"#topup-{place.under_way}").get_by_role("status")).to_contain_text(
        "Запрошено ещё 1 чел."
    )
    shots(site, "foreman-asks-for-more")

    # 5. A review: five stars for one worker.
    site.get_by_role("link", name="Оценки и жалобы…").click()
    card = site.locator(f"#r-{place.good}")
    card.get_by_label("5 из 5").check()
    card.get_by_role("button", name="Сохранить оценку").click()
    expect(site.locator(f"#r-{place.good}")).to_contain_text("Оценка: 5 из 5")
    shots(site, "foreman-review")

    # 6. A complaint without a comment is refused beside it, the choices kept; then saved.
    card = site.locator(f"#r-{place.rude}")
    card.get_by_label("2 из 5").check()
    card.get_by_label("Пожаловаться").check()
    card.get_by_label("Причина жалобы").select_option("rude")
    card.get_by_role("button", name="Сохранить оценку").click()
    card = site.locator(f"#r-{place.rude}")
    expect(card.get_by_role("alert")).to_be_visible()
    expect(card.get_by_label("2 из 5")).to_be_checked()
    expect(card.get_by_label("Причина жалобы")).to_have_value("rude")
    shots(site, "foreman-complaint-refused")
    card.get_by_label("Комментарий").fill("Грубил бригадиру")
    card.get_by_role("button", name="Сохранить оценку").click()
    expect(site.locator(f"#r-{place.rude}")).to_contain_text("жалоба: грубил(а)")
    shots(site, "foreman-complaint-saved")
    with session_scope() as session:
        review = session.scalars(select(Review).where(Review.worker_id == place.rude)).one()
        assert (review.stars, review.complaint_reason, review.penalty_id is not None) == (
            2,
            "rude",
            True,
        )
    site_context.close()
