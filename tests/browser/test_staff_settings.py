"""Issue 17, item 8 in a real browser (Debian's Chromium, headless) against the real processes:
a manager adds a dispatcher (a one-time password shown once), the dispatcher signs in in a
second browser and chooses their own password; the manager switches them off and the
dispatcher's open page, at its next click, lands on the sign-in. Then the manager changes a
policy knob and watches the preview follow the value, and edits an SMS text watching its
segment count and encoding. Each step is a screenshot under test-results/console/."""

import re

import pytest
from playwright.sync_api import expect

from core.db import session_scope
from tests.browser.htmx import htmx_ready
from tests.browser.signing import sign_in as _sign_in
from tests.builders import make_branch, make_user
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERSETTINGS"
TIMEOUT_MS = 20_000
NEWCOMER = "browser-newdesk"
OWN_PASSWORD = "my-own-desk-password-2026"


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, "SMsettings"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE)
            make_user(session, role="manager", branch=branch, username="settings-manager")
        yield


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def test_a_manager_adds_and_removes_a_dispatcher_and_tunes_the_branch(stack, browser, shots):
    base = stack.base
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    office.set_default_timeout(TIMEOUT_MS)
    newcomer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    newcomer.set_default_timeout(TIMEOUT_MS)

    # 1. The manager adds a dispatcher from the staff page; the password is shown once.
    manager = office.new_page()
    _sign_in(manager, base, "settings-manager")
    manager.get_by_role("link", name="Staff").click()
    manager.get_by_role("link", name="Add a staff member").click()
    manager.get_by_label("Username").fill(NEWCOMER)
    manager.get_by_label("Full name").fill("Анна Диспетчерова")
    manager.get_by_label("Phone").fill("+7 995 000 88 01")
    manager.get_by_label("Role").select_option("dispatcher")
    shots(manager, "settings-staff-add-form")
    manager.get_by_role("button", name="Add").click()
    notice = manager.locator("#staff-notice")
    expect(notice).to_contain_text("One-time password")
    one_time = re.search(r"One-time password: (\S+) —", notice.inner_text()).group(1)
    expect(manager.locator("tr", has_text=NEWCOMER)).to_contain_text("+79950008801")
    shots(manager, "settings-staff-added")

    # 2. The dispatcher signs in elsewhere with it, chooses their own, reaches the board.
    desk = newcomer.new_page()
    _sign_in(desk, base, NEWCOMER, one_time)
    expect(desk).to_have_url(re.compile(r"/console/password"))
    desk.locator("#old_password").fill(one_time)
    desk.locator("#new_password").fill(OWN_PASSWORD)
    desk.locator("#repeat").fill(OWN_PASSWORD)
    desk.get_by_role("button", name="Change password").click()
    expect(desk.locator("#password-notice")).to_contain_text("Password changed")
    desk.get_by_role("link", name="Orders", exact=True).click()
    expect(desk).to_have_url(f"{base}/console/")
    shots(desk, "settings-dispatcher-at-work")

    # 3. Switched off: the dispatcher's open page, at its next click, is the sign-in.
    manager.goto(f"{base}/console/staff")
    manager.locator("tr", has_text=NEWCOMER).get_by_role(
        "button", name=re.compile("Switch off")
    ).click()
    expect(manager.locator("#staff-notice")).to_contain_text("every session of theirs has ended")
    shots(manager, "settings-staff-switched-off")
    desk.get_by_role("link", name="Workers").click()
    expect(desk).to_have_url(re.compile(r"/console/login"))
    shots(desk, "settings-dispatcher-signed-out")

    # 4. A policy knob: the preview follows the value as it is typed, then it is saved.
    manager.get_by_role("link", name="Branch settings").click()
    filling = manager.locator("#preview-filling")
    expect(filling).to_contain_text("10 wanted → 15 booked")
    htmx_ready(manager)  # the form's preview is htmx's, asked as a value is typed
    manager.get_by_label("Overbooking factor").fill("2.0")
    expect(filling).to_contain_text("10 wanted → 20 booked")
    manager.get_by_label("Late cancel, h before").fill("6")
    expect(manager.locator("#preview-pay")).to_contain_text("A cancel inside 6 h of the start")
    manager.get_by_label("Overbooking factor").fill("5")
    expect(manager.locator("#err-overbook_factor")).to_have_text("Above the highest allowed.")
    shots(manager, "settings-knob-refused")
    manager.get_by_label("Overbooking factor").fill("2.0")
    expect(manager.locator("#err-overbook_factor")).to_have_text("")
    shots(manager, "settings-knob-preview")
    manager.get_by_role("button", name="Save settings").click()
    expect(manager.locator("#settings-notice")).to_have_text("Settings saved.")
    expect(manager.get_by_label("Overbooking factor")).to_have_value("2.00")

    # 5. An SMS text: the segment count and encoding follow the text as it is typed.
    manager.get_by_role("link", name="SMS texts").click()
    manager.get_by_role("link", name=re.compile("Edit: job offer, Russian")).click()
    body = manager.get_by_label("Message text")
    count = manager.locator("#text-count")
    expect(count).to_contain_text("UCS-2")
    htmx_ready(manager)  # measured by htmx as the text is typed
    # No {address}: an address is measured as Cyrillic, which alone makes a text UCS-2.
    body.fill("Job {date} {start}-{end}. {pay}/h. YES {code} or NO {code}")
    expect(count).to_contain_text("GSM-7, segments: 1")
    shots(manager, "settings-text-gsm")
    body.fill("Работа {date} {start}-{end}, {address}. {pay} р/ч. ДА {code} или НЕТ {code}. " * 2)
    expect(manager.locator("#err-body")).to_contain_text("Too long")
    expect(count).to_contain_text("UCS-2")
    shots(manager, "settings-text-too-long")
    body.fill("Работа {date} {start}-{end}. ДА {code} или НЕТ {code}")
    expect(manager.locator("#err-body")).to_have_text("")
    manager.get_by_role("button", name="Save text").click()
    expect(manager.locator("#texts-notice")).to_have_text("Text saved.")
    shots(manager, "settings-text-saved")

    office.close()
    newcomer.close()
