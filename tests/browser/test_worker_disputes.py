"""A worker's dispute of a penalty in a real browser (issue 19), against the real processes:
the worker, fined for a no-show, texts СПОР and the order's code with their words from the
phone simulator and is told the deadline; the dispatcher finds the case through the nav link
'Worker disputes' with the worker's words, the foreman's mark and the penalty, and reverses
it; the worker's thread then says the dispute went their way. Screenshots of each step go to
test-results/console/."""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.clock import now
from core.db import session_scope
from dispatch.penalties import record
from rating import reasons
from rating.models import PenaltyDispute, PenaltyEvent
from tests.browser.test_whole_day import _sign_in
from tests.builders import (
    MOSCOW,
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERDISPUTE"
TIMEOUT_MS = 20_000


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, "SMsim"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE, name="Москва")
            foreman = make_user(session, role="foreman", branch=branch, full_name="Кузнецова Анна")
            make_user(session, role="dispatcher", branch=branch, username="dispute-dispatcher")
            site = make_site(session, client=make_client(session, branch=branch), at=MOSCOW)
            worker = make_worker(
                session, branch=branch, full_name="Орлова Мария", phone="+79940000001"
            )
            order = make_order(
                session, site=site, now=now() - timedelta(days=1), starts_in=timedelta(hours=14)
            )
            order.branch = branch
            make_offer(
                session, order=order, worker=worker, attendance="no_show", attendance_by=foreman.id
            )
            event = record.penalise(
                session, order, worker.id, kind="no_show", points=3, fine=Decimal("300"),
                reason=reasons.of("absent"),
            )  # fmt: skip
            scene = {"worker": worker.id, "code": order.code, "event": event.id}
        yield scene


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def test_a_dispatcher_reverses_a_dispute_the_worker_texted(scene, stack, browser, shots):
    base = stack.base
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    office.set_default_timeout(TIMEOUT_MS)
    page = office.new_page()
    _sign_in(page, base, "dispute-dispatcher")

    # The worker disputes the no-show from their phone and hears the deadline.
    phone = office.new_page()
    phone.goto(f"{base}/console/phone/{scene['worker']}")
    expect(phone.locator("#thread")).to_contain_text(f"Оспорить: СПОР {scene['code']}")
    phone.get_by_label("Reply as the worker").fill(f"СПОР {scene['code']} автобус сломался")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#thread")).to_contain_text(f"Спор по заказу {scene['code']} принят")
    shots(phone, "dispute-opened-by-sms")

    # The dispatcher finds it through the nav and sees the words, the mark and the penalty.
    page.goto(f"{base}/console/")
    page.get_by_role("link", name="Worker disputes").click()
    row = page.locator("#worker-disputes tbody tr").first
    for shown in ("Орлова Мария", "автобус сломался", scene["code"], "no-show", "Кузнецова Анна"):
        expect(row).to_contain_text(shown)
    shots(page, "dispute-queue")
    row.get_by_role("button", name="Reverse the penalty").click()
    expect(page.locator("#decided")).to_contain_text("Reversed; the worker is texted.")
    expect(page.locator("main")).to_contain_text("No open disputes.")
    shots(page, "dispute-reversed")

    # The worker's thread says so; the ledger holds the reversal.
    phone.reload()
    expect(phone.locator("#thread")).to_contain_text("спор решён в вашу пользу")
    with session_scope() as session:
        case = session.scalars(
            select(PenaltyDispute).where(PenaltyDispute.penalty_id == scene["event"])
        ).one()
        assert case.status == "reversed" and case.words == "автобус сломался"
        reversal = session.scalars(
            select(PenaltyEvent).where(PenaltyEvent.reverses_id == scene["event"])
        ).one()
        assert not reversal.automatic
    office.close()
