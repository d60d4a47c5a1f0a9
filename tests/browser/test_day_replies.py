"""Replies and the check-in page in a real browser (issue 15, items 11 and 13), against the
real processes: one worker refuses in a sentence and is acknowledged; another writes twice
what nobody can read, and the board (open in another tab, in English, then in Russian)
shows the dispatcher a badge instead of the loop going on; the third text tells the worker
the dispatcher will call. A booked worker opens the check-in link of their booking text: the
client, the site, the address with its city and the foreman, in Russian and in English.
Screenshots of each step go to test-results/console/.
"""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.clock import now
from core.db import session_scope
from dispatch.fill import waves
from sms.models import Message
from tests.browser.test_whole_day import _sign_in
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
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERREPLIES"
TIMEOUT_MS = 20_000


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, "SMsim"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE, name="Москва")
            foreman = make_user(
                session,
                role="foreman",
                branch=branch,
                username="replies-foreman",
                full_name="Кузнецова Анна",
                phone="+79165551234",
            )
            dispatcher = make_user(
                session, role="dispatcher", branch=branch, username="replies-dispatcher"
            )
            site = make_site(
                session,
                client=make_client(session, branch=branch, name="Северный склад"),
                at=MOSCOW,
                foreman_id=foreman.id,
            )
            site.name, site.address = "Северный склад, площадка 2", "ул. Складская, 12"
            workers = [
                make_worker(
                    session,
                    branch=branch,
                    near=offset(MOSCOW, north_m=200 * i),
                    full_name=name,
                    phone=f"+7993{i:07d}",
                ).id
                for i, name in enumerate(("Орлова Мария", "Попов Иван", "Волков Олег"))
            ]
            order = make_order(session, site=site, headcount=2, now=now())
            waves.start_filling(session, order.id, now())
            scene = {"order": order.id, "code": order.code, "workers": workers}
            scene["dispatcher"] = dispatcher.username
        yield scene


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _text(phone, base: str, worker_id: int, body: str, answer: str) -> None:
    """The worker texts from the phone simulator and waits for our answer in the thread."""
    phone.goto(f"{base}/console/phone/{worker_id}")
    phone.get_by_label("Reply as the worker").fill(body)
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#thread")).to_contain_text(answer)


def test_replies_reach_the_dispatcher_and_the_check_in_page_says_where(
    scene, stack, browser, shots
):
    base, order_id = stack.base, scene["order"]
    refuses, confused, comes = scene["workers"]
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    office.set_default_timeout(TIMEOUT_MS)
    board = office.new_page()
    _sign_in(board, base, scene["dispatcher"])
    expect(board.locator(f"#order-link-{order_id}")).to_be_visible()
    badge = board.locator(f"#unclear-{order_id}")
    expect(badge).to_have_count(0)

    # A refusal in a sentence is a NO, and the worker hears it was taken.
    phone = office.new_page()
    _text(phone, base, refuses, "завтра не могу, может послезавтра", "вы отказались от заказа")
    shots(phone, "replies-refusal-acknowledged")

    # Two texts nobody can read: "not understood" twice, and the board shows the badge.
    _text(phone, base, confused, "сколько платят?", "Не понял ответ")
    expect(badge).to_have_count(0)  # one try is not yet the dispatcher's business
    _text(phone, base, confused, "а это где??", "Не понял ответ")
    expect(badge).to_contain_text("unclear replies: 2")  # no reload: the board's polling
    shots(board, "replies-board-badge-en")
    board.goto(f"{base}/console/?lang=ru")
    expect(board.locator(f"#unclear-{order_id}")).to_contain_text("неясных ответов: 2")
    shots(board, "replies-board-badge-ru")
    board.locator(f"#unclear-{order_id}").click()  # the worker's texts, in the message log
    expect(board.locator("main")).to_contain_text("а это где??")

    # The third: the dispatcher will call, and the loop stops there.
    phone.goto(f"{base}/console/phone/{confused}?lang=ru")
    phone.get_by_label("Ответ от имени работника").fill("???")
    phone.get_by_role("button", name="Отправить").click()
    expect(phone.locator("#thread")).to_contain_text("Диспетчер вам позвонит")
    shots(phone, "replies-dispatcher-will-call")

    # A YES books; the booking text carries the address and the link to the check-in page.
    phone.goto(f"{base}/console/phone/{comes}")
    phone.get_by_label("Ответ от имени работника").fill(f"ДА {scene['code']}")
    phone.get_by_role("button", name="Отправить").click()
    booked = phone.locator("#thread li", has_text="Вы записаны")
    expect(booked).to_contain_text("ул. Складская, 12")
    shots(phone, "replies-booking-text")
    with session_scope() as session:
        text = session.scalars(
            select(Message.body).where(
                Message.order_id == order_id, Message.worker_id == comes, Message.kind == "booked"
            )
        ).one()
    link = re.search(r"https?://\S+/c/\S+", text).group(0)
    worker_phone = browser.new_context(viewport={"width": 360, "height": 740})
    worker_phone.set_default_timeout(TIMEOUT_MS)
    checkin = worker_phone.new_page()
    checkin.goto(link)  # in the worker's language, Russian
    facts = checkin.locator("dl.facts")
    for shown in ("Северный склад", "Северный склад, площадка 2", "ул. Складская, 12, Москва"):
        expect(facts).to_contain_text(shown)
    expect(facts).to_contain_text("Бригадир")
    expect(checkin.get_by_role("link", name="+79165551234")).to_have_attribute(
        "href", "tel:+79165551234"
    )
    shots(checkin, "replies-check-in-ru")
    checkin.goto(f"{link}?lang=en")
    expect(facts).to_contain_text("Foreman")
    expect(facts).to_contain_text("Кузнецова Анна")
    shots(checkin, "replies-check-in-en")
    for context in (office, worker_phone):
        context.close()
