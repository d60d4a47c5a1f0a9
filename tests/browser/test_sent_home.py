"""Sent home on the foreman's card in a real browser (issue 20), on a 360 px phone against the
real processes: "Send home" comes after an arrival with a required choice of reason (the
browser will not send the tap without one); chosen, the mark waits out the undo window with
its reason shown, then the jobs process applies it: a sent_home penalty, texted once."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from api.console.site.words.foreman import WORDS
from core.clock import now
from core.db import session_scope
from dispatch.models import Offer
from rating.models import PenaltyEvent
from sms.models import Message
from tests.browser.htmx import htmx_ready
from tests.browser.test_whole_day import TIMEOUT_MS, _csp_refusals, _sign_in
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
from tests.stack import running_stack, wait_for

WINDOW_S = 6
CODE = "SENTHOME"


@pytest.fixture
def scene(engine):
    with committed(CODE, "SMsenthome"):
        with session_scope() as session:
            branch = make_branch(session, code=CODE, undo_window_s=WINDOW_S)
            foreman = make_user(session, role="foreman", branch=branch, username="sent-home")
            client = make_client(session, branch=branch)
            site = make_site(session, client=client, at=MOSCOW, foreman_id=foreman.id)
            started = now().replace(microsecond=0) - timedelta(minutes=40)
            order = make_order(
                session, site=site, now=started - timedelta(days=1), starts_in=timedelta(days=1)
            )
            order.status = "filled"
            worker = make_worker(session, branch=branch, full_name="Ершов Егор", language="en")
            offer = make_offer(session, order=order, worker=worker, booked_at=started)
            offer.attendance, offer.arrived_at = "arrived", started
            scene = (order.id, worker.id, offer.id)
        yield scene


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _applied(offer_id: int) -> tuple[str | None, str | None, list[str], list[str]]:
    with session_scope() as session:
        offer = session.get_one(Offer, offer_id)
        kinds = session.scalars(
            select(PenaltyEvent.kind).where(PenaltyEvent.worker_id == offer.worker_id)
        ).all()
        texts = session.scalars(
            select(Message.kind).where(Message.worker_id == offer.worker_id)
        ).all()
        return offer.attendance, offer.sent_home_reason, list(kinds), list(texts)


def test_the_foreman_sends_a_worker_home_with_a_reason(scene, stack, browser, shots):
    order_id, worker_id, offer_id = scene
    t = lambda key: WORDS[key][1]  # noqa: E731  (English)
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    phone.set_default_timeout(TIMEOUT_MS)
    refused = _csp_refusals(phone)
    page = phone.new_page()
    _sign_in(page, stack.base, "sent-home")
    page.goto(f"{stack.base}/console/foreman?lang=en")
    card = page.locator(f"#w-{order_id}-{worker_id}")
    send = page.locator(f"#w-{order_id}-{worker_id}-sent_home")
    why = page.locator(f"#w-{order_id}-{worker_id}-why")
    expect(send).to_have_text(t("foreman_do_sent_home"))
    shots(page, "sent-home-card")
    htmx_ready(page)
    # No reason chosen: the browser keeps the tap (the select is required); nothing is held.
    send.click()
    expect(card.locator(".held")).to_have_count(0)
    assert _applied(offer_id)[:2] == ("arrived", None)
    why.select_option("refused_task")
    send.click()
    held = card.locator(".held")
    expect(held).to_contain_text(t("foreman_pending_sent_home"))
    expect(held).to_contain_text("refused the task")
    shots(page, "sent-home-pending")
    # The window over, the jobs process applies it once; the card shows it by itself.
    wait_for(
        lambda: _applied(offer_id)[0] == "sent_home",
        "the sent-home mark applied by the jobs process",
        stack,
        timeout_s=WINDOW_S + 30,
    )
    expect(card.locator(".mark")).to_contain_text(t("foreman_is_sent_home"))
    expect(card.locator(".mark")).to_contain_text("refused the task")
    shots(page, "sent-home-applied")
    attendance, reason, kinds, texts = _applied(offer_id)
    assert (attendance, reason, kinds) == ("sent_home", "refused_task", ["sent_home"])
    assert texts.count("penalty") == 1
    assert not refused, refused
    phone.close()
