"""Staff who leave, and numbers that cannot take texts, in a real browser (Debian's Chromium,
headless) against the real processes.

A manager opens the staff page, switches a dispatcher off while that dispatcher's console is
open in another browser (the dispatcher's next click lands on the sign-in page), gives them a
one-time password and switches them on again; the dispatcher signs in with it, is sent to
choose their own, and then sees a worker whose number is unreachable marked so in the worker
search and on the worker's page. Each step is saved as a screenshot under
test-results/console/.
"""

import re

import pytest
from playwright.sync_api import expect

from core.db import session_scope
from tests.browser.signing import sign_in as _sign_in
from tests.builders import make_branch, make_user, make_worker
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERSTAFF"
TIMEOUT_MS = 20_000
NEW_PASSWORD = "a-password-of-my-own-2026"


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, "SMstaff"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE)
            make_user(session, role="manager", branch=branch, username="browser-manager")
            make_user(session, role="dispatcher", branch=branch, username="browser-leaver")
            make_worker(
                session, branch=branch, full_name="Сидоров Дмитрий", phone="+79950000077"
            ).phone_invalid = True
        yield


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def test_a_manager_switches_a_leaver_off_and_a_dead_number_shows(stack, browser, shots):
    base = stack.base
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    office.set_default_timeout(TIMEOUT_MS)
    leaver = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    leaver.set_default_timeout(TIMEOUT_MS)

    # 1. The dispatcher is at work; the manager opens the staff page.
    desk = leaver.new_page()
    _sign_in(desk, base, "browser-leaver")
    expect(desk).to_have_url(f"{base}/console/")
    manager = office.new_page()
    _sign_in(manager, base, "browser-manager")
    manager.goto(f"{base}/console/staff")
    row = manager.locator("tr", has_text="browser-leaver")
    expect(row).to_contain_text("active")
    shots(manager, "staff-page")

    # 2. Switched off: the notice says every session ended, and the leaver's next click is
    #    the sign-in page; their password no longer opens the console.
    row.get_by_role("button", name=re.compile("Switch off")).click()
    expect(manager.locator("#staff-notice")).to_contain_text("every session of theirs has ended")
    expect(manager.locator("tr", has_text="browser-leaver")).to_contain_text("switched off")
    shots(manager, "staff-switched-off")
    desk.goto(f"{base}/console/workers")
    expect(desk).to_have_url(re.compile(r"/console/login"))
    _sign_in(desk, base, "browser-leaver")
    expect(desk).to_have_url(re.compile(r"/console/login"))
    shots(desk, "leaver-refused")

    # 3. Back on, with a one-time password shown once to the manager.
    manager.locator("tr", has_text="browser-leaver").get_by_role(
        "button", name=re.compile("Switch on")
    ).click()
    expect(manager.locator("#staff-notice")).to_contain_text("may sign in again")
    manager.locator("tr", has_text="browser-leaver").get_by_role(
        "button", name=re.compile("One-time password")
    ).click()
    notice = manager.locator("#staff-notice")
    expect(notice).to_contain_text("One-time password for browser-leaver")
    one_time = re.search(r"browser-leaver: (\S+) —", notice.inner_text()).group(1)
    shots(manager, "staff-one-time-password")

    # 4. The dispatcher signs in with it and must choose their own before anything else.
    _sign_in(desk, base, "browser-leaver", one_time)
    expect(desk).to_have_url(re.compile(r"/console/password"))
    expect(desk.locator("#password-forced")).to_be_visible()
    desk.goto(f"{base}/console/workers")
    expect(desk).to_have_url(re.compile(r"/console/password"))
    desk.locator("#old_password").fill(one_time)
    desk.locator("#new_password").fill(NEW_PASSWORD)
    desk.locator("#repeat").fill(NEW_PASSWORD)
    shots(desk, "password-forced")
    desk.get_by_role("button", name="Change password").click()
    expect(desk.locator("#password-notice")).to_contain_text("Password changed")

    # 5. A worker whose number cannot take texts says so in the search and on their page.
    desk.goto(f"{base}/console/workers?q=Сидоров")
    found = desk.locator("tr", has_text="Сидоров Дмитрий")
    expect(found).to_contain_text("Number unreachable")
    shots(desk, "search-number-unreachable")
    found.get_by_role("link").first.click()
    expect(desk.locator("dd", has_text="Number unreachable")).to_be_visible()
    shots(desk, "worker-number-unreachable")

    office.close()
    leaver.close()
