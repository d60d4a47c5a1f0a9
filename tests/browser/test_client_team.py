"""A client admin keeps the client's team in the portal, in a real browser (Debian's Chromium,
headless) against the real processes, on a 360 px phone: signs in, adds a colleague, makes an
API key (read off the page, the one time it is shown; it works), revokes it (it stops); the
colleague then signs in to the portal, without the team page. The branch's manager sees them
on the client's page in the office and switches the colleague off: the colleague's next page
is the sign-in. Screenshots of each step go to test-results/console/."""

import httpx
import pytest
from playwright.sync_api import expect

from core.db import session_scope
from tests.builders import PASSWORD, make_branch, make_client, make_client_user, make_user
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERTEAM"
TIMEOUT_MS = 15_000
COLLEAGUE, COLLEAGUE_PASSWORD = "team-colleague", "colleague-pass-1"


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, "SMteam"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE)
            client = make_client(session, branch=branch)
            make_client_user(session, client=client, admin=True).username = "team-admin"
            make_user(session, role="manager", branch=branch, username="team-manager")
            client_id = client.id
        yield client_id


def _sign_in(page, base: str, username: str, password: str = PASSWORD, lands: str = "/portal/"):
    page.goto(f"{base}/console/login?lang=en")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}{lands}")


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def _orders(base: str, key: str) -> int:
    return httpx.get(f"{base}/api/v1/orders", headers={"X-API-Key": key}, timeout=10).status_code


def test_a_client_admin_adds_a_colleague_and_makes_and_revokes_a_key(
    scene, tmp_path, browser, shots
):
    with running_stack(tmp_path) as stack:
        _steps(stack.base, browser, shots, scene)


def _steps(base: str, browser, shots, client_id: int) -> None:
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    phone.set_default_timeout(TIMEOUT_MS)
    portal = phone.new_page()

    # 1. The admin signs in; the portal's navigation leads to the team page.
    _sign_in(portal, base, "team-admin")
    portal.get_by_role("link", name="Team and keys").click()
    expect(portal).to_have_url(f"{base}/portal/team")
    shots(portal, "team-page")
    _fits(portal)

    # 2. A colleague added: a short password first, refused beside the field.
    portal.locator("#team-f-username").fill(COLLEAGUE)
    portal.locator("#team-f-password").fill("short")
    portal.locator("#team-f-full_name").fill("Вера Складова")
    portal.locator("#team-f-phone").fill("+79215550077")
    portal.get_by_role("button", name="Add the user").click()
    expect(portal.locator("#team-err-password")).to_have_text("At least 10 characters")
    expect(portal.locator("#team-f-username")).to_have_value(COLLEAGUE)
    shots(portal, "team-user-refused")
    portal.locator("#team-f-password").fill(COLLEAGUE_PASSWORD)
    portal.get_by_role("button", name="Add the user").click()
    expect(portal.locator("#team-users")).to_contain_text(COLLEAGUE)
    expect(portal.locator("#team-users")).to_contain_text("+79215550077")
    shots(portal, "team-user-added")
    _fits(portal)

    # 3. A key: shown once on the answer that made it, and it works.
    portal.get_by_label("Key name (what it is for)").fill("Warehouse ERP")
    portal.get_by_role("button", name="Create a key").click()
    expect(portal.locator("#team-new-key")).to_contain_text("it will not be shown again")
    key = portal.locator("#team-key-value").inner_text().strip()
    assert key.startswith("brg_") and len(key) > 40
    shots(portal, "team-key-shown-once")
    _fits(portal)
    assert _orders(base, key) == 200
    portal.goto(f"{base}/portal/team")
    expect(portal.locator("#team-new-key")).to_have_count(0)
    assert key not in portal.content()

    # 4. Revoked, with a confirmation: it stops working at once.
    row = portal.locator("#team-keys li", has_text="Warehouse ERP")
    row.locator("summary", has_text="Revoke").click()
    row.get_by_role("button", name="Yes, revoke").click()
    expect(portal.locator("#team-keys li", has_text="Warehouse ERP")).to_have_attribute(
        "data-revoked", "yes"
    )
    shots(portal, "team-key-revoked")
    assert _orders(base, key) == 401

    # 5. The colleague signs in: the portal, but no team page (not an admin).
    other = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    other.set_default_timeout(TIMEOUT_MS)
    colleague = other.new_page()
    _sign_in(colleague, base, COLLEAGUE, COLLEAGUE_PASSWORD)
    expect(colleague.get_by_role("link", name="Team and keys")).to_have_count(0)
    shots(colleague, "team-colleague-signed-in")

    # 6. The office: the manager sees the client's users and keys, and switches one off.
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    office.set_default_timeout(TIMEOUT_MS)
    desk = office.new_page()
    _sign_in(desk, base, "team-manager", lands="/console/")
    desk.goto(f"{base}/console/clients/{client_id}#team-users")
    expect(desk.locator("#team-keys li", has_text="Warehouse ERP")).to_contain_text("revoked")
    row = desk.locator("#team-users li", has_text=COLLEAGUE)
    row.locator("summary", has_text="Switch off").click()
    row.get_by_role("button", name=f"Yes, switch off {COLLEAGUE}").click()
    expect(desk.locator("#team-users li", has_text=COLLEAGUE)).to_have_attribute(
        "data-active", "no"
    )
    shots(desk, "team-office-switched-off")
    colleague.reload()
    expect(colleague).to_have_url(f"{base}/console/login?next=/portal/")
    for context in (phone, other, office):
        context.close()
