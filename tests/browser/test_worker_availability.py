"""A worker's days and pause said by SMS, on their page, in a real browser (Debian's Chromium,
headless) against the real processes (issue 19): the worker texts СВОБОДЕН завтра, ЗАНЯТ on a
date and ПАУЗА 3 from the phone simulator and is answered; the dispatcher opens the worker's
page and sees the days marked free and busy and the pause, clears the pause, and reads it in
Russian too. Screenshots of each step go to test-results/console/.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from core.clock import now
from core.db import session_scope
from tests.browser.signing import sign_in
from tests.builders import make_branch, make_user, make_worker
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERAVAIL"
TIMEOUT_MS = 20_000


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, "SMavail"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE)
            make_user(session, role="dispatcher", branch=branch, username="avail-dispatcher")
            worker = make_worker(
                session, branch=branch, full_name="Орлова Мария", phone="+79940000019"
            )
            scene = {"worker": worker.id, "zone": branch.timezone}
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


def test_days_and_a_pause_texted_show_on_the_workers_page(scene, stack, browser, shots):
    base, worker_id = stack.base, scene["worker"]
    today = now().astimezone(ZoneInfo(scene["zone"])).date()
    tomorrow, busy_day = today + timedelta(days=1), today + timedelta(days=3)
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    office.set_default_timeout(TIMEOUT_MS)
    phone = office.new_page()
    sign_in(phone, base, "avail-dispatcher")

    _text(phone, base, worker_id, "СВОБОДЕН завтра", f"Записано: свободен {tomorrow:%d.%m}")
    _text(phone, base, worker_id, f"занят {busy_day:%d.%m}", f"Записано: занят {busy_day:%d.%m}")
    _text(phone, base, worker_id, "ПАУЗА 3", "Пауза: предложений не будет до")
    shots(phone, "availability-texted")

    page = office.new_page()
    page.goto(f"{base}/console/workers/{worker_id}?lang=en")
    card = page.locator("#availability")
    expect(card.locator(f'tr[data-day="{tomorrow.isoformat()}"]')).to_contain_text("free")
    expect(card.locator(f'tr[data-day="{busy_day.isoformat()}"]')).to_contain_text("busy")
    expect(card.locator(f'tr[data-day="{today.isoformat()}"]')).not_to_contain_text("free")
    expect(card.locator("#pause")).to_contain_text("Paused until")
    shots(page, "availability-worker-page-en")

    card.get_by_role("button", name="Clear the pause").click()
    expect(page.locator("#availability")).to_contain_text("Pause cleared")
    expect(page.locator("#pause")).to_contain_text("Not paused.")
    shots(page, "availability-pause-cleared")

    page.goto(f"{base}/console/workers/{worker_id}?lang=ru")
    ru = page.locator("#availability")
    expect(ru).to_contain_text("Дни и пауза (по СМС)")
    expect(ru.locator(f'tr[data-day="{tomorrow.isoformat()}"]')).to_contain_text("свободен")
    shots(page, "availability-worker-page-ru")
