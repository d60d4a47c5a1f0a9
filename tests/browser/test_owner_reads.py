"""Issue 21's owner in a real browser, against the real processes: they open an order page of
their branch (the roster by name, no write button) and a worker's profile there; another
organisation's order and worker answer "not found". Screenshots of each step go to
test-results/console/."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete

from core.clock import now
from core.db import session_scope
from dispatch.models import User
from dispatch.network.models import Organisation
from tests.builders import (
    KAZAN,
    PASSWORD,
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)
from tests.committed import purge_code

CODES = ("OWNREADS1", "OWNREADS2")  # the owner's branch, another organisation's
OWNER = "ownerreads-owner"
ORGS = ("Owner Reads Franchise", "Owner Reads Other")
TIMEOUT_MS = 20_000


@dataclass(frozen=True)
class Scene:
    order: int
    worker: int
    worker_name: str
    their_order: int
    their_worker: int


def _purge() -> None:
    with session_scope() as session:
        session.execute(delete(User).where(User.username == OWNER))
        for code in CODES:
            purge_code(session, code)
        session.execute(delete(Organisation).where(Organisation.name.in_(ORGS)))


@pytest.fixture
def scene(engine):
    _purge()
    with session_scope() as session:
        ids = []
        for code, org_name, centre in zip(CODES, ORGS, (None, KAZAN), strict=True):
            org = Organisation(name=org_name, kind="franchisee", royalty_rate=Decimal("0.05"))
            session.add(org)
            session.flush()
            near = {"center": centre} if centre else {}
            branch = make_branch(session, code=code, organisation_id=org.id, **near)
            at = {"at": centre} if centre else {}
            site = make_site(session, client=make_client(session, branch=branch), **at)
            order = make_order(session, site=site, now=now())
            home = {"near": centre} if centre else {}
            worker = make_worker(session, branch=branch, full_name=f"Сидоров Семён {code}", **home)
            make_offer(session, order=order, worker=worker)
            ids.append((org.id, order.id, worker.id, worker.full_name))
        owner = make_user(session, role="admin", username=OWNER)
        owner.role, owner.organisation_id = "owner", ids[0][0]
        built = Scene(ids[0][1], ids[0][2], ids[0][3], ids[1][1], ids[1][2])
    yield built
    _purge()


@pytest.fixture
def stack(scene, tmp_path):
    from tests.stack import running_stack

    with running_stack(tmp_path) as running:
        yield running


def test_an_owner_opens_an_order_and_a_worker_of_their_branch_only(scene, stack, browser, shots):
    base = stack.base
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{base}/console/login?lang=en")
    page.locator("#username").fill(OWNER)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/console/network")
    # 1. Their branch's order: the roster names the worker; no button changes anything.
    page.goto(f"{base}/console/orders/{scene.order}")
    expect(page.locator("#roster-h")).to_be_visible()
    roster_link = page.locator(f'table.roster a[href="/console/workers/{scene.worker}"]')
    expect(roster_link).to_have_text(scene.worker_name)
    expect(page.locator("main form[method=post]")).to_have_count(0)
    expect(page.locator("#cancel-h")).to_have_count(0)
    shots(page, "owner-order-page")
    # 2. The worker's profile, from the roster.
    roster_link.click()
    expect(page).to_have_url(f"{base}/console/workers/{scene.worker}")
    expect(page.get_by_role("heading", name=scene.worker_name)).to_be_visible()
    expect(page.locator("main form[method=post]")).to_have_count(0)
    shots(page, "owner-worker-profile")
    # 3. Another organisation's order and worker: not found.
    answer = page.goto(f"{base}/console/orders/{scene.their_order}")
    assert answer is not None and answer.status == 404
    shots(page, "owner-other-order-not-found")
    answer = page.goto(f"{base}/console/workers/{scene.their_worker}")
    assert answer is not None and answer.status == 404
    expect(page.get_by_text(scene.worker_name.replace(CODES[0], CODES[1]))).to_have_count(0)
    context.close()
