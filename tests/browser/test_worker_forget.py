"""Deletion on request from the office, in a real browser (issue 19 item 5), against the real
processes: an admin opens a worker's page, gives a reason and forgets the worker; the page
then shows the anonymous row, and no table holds the name or the phone any more.
Screenshots of each step go to test-results/console/."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete

from core.db import session_scope
from dispatch.models import User
from tests.browser.test_whole_day import _sign_in
from tests.builders import make_branch, make_user, make_worker
from tests.forgetting import find_everywhere, phone_needles
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERFORGET"
NAME, PHONE = "Абдуллаева Шахноза", "+79950000077"
TIMEOUT_MS = 20_000
ADMIN = "forget-admin"


def _drop_admin() -> None:
    """The admin belongs to no branch: the branch's purge leaves them, so this does."""
    with session_scope() as session:
        session.execute(delete(User).where(User.username == ADMIN))


@pytest.fixture
def scene(engine):
    _drop_admin()
    with committed(BRANCH_CODE, "SMforget"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE, name="Москва")
            make_user(session, role="admin", username=ADMIN)
            worker = make_worker(session, branch=branch, full_name=NAME, phone=PHONE)
            scene = {"worker": worker.id}
        yield scene
    _drop_admin()


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def test_an_admin_forgets_a_worker_on_their_page(scene, stack, browser, shots):
    base = stack.base
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    office.set_default_timeout(TIMEOUT_MS)
    page = office.new_page()
    _sign_in(page, base, ADMIN)
    page.goto(f"{base}/console/workers/{scene['worker']}")
    expect(page.locator("h1")).to_have_text(NAME)
    section = page.locator("#forget")
    section.get_by_label("Reason (kept in the audit)").fill("the worker asked by letter")
    shots(page, "forget-asked")
    section.get_by_role("button", name="Forget this worker").click()
    expect(page.locator("#forgotten")).to_have_text("The worker's data is deleted.")
    expect(page.locator("h1")).to_have_text(f"Удалён #{scene['worker']}")
    expect(page.locator("#forget")).to_have_count(0)
    shots(page, "forget-done")
    with session_scope() as session:
        assert find_everywhere(session, [NAME, *phone_needles(PHONE)]) == []
    office.close()
