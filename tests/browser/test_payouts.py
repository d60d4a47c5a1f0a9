"""The branch's payouts in a real browser (issue 21), against the real processes: the
dispatcher opens Payouts from the nav, previews a period (the workers and their amounts),
makes the batch, downloads the bank's CSV (a row per worker with the purpose), and marks the
batch paid by bank; the list then shows it paid. Screenshots of each step go to
test-results/console/."""

import csv
import io
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.clock import now
from core.csvsafe import BOM
from core.db import session_scope
from dispatch.models import Branch
from dispatch.penalties.batch_models import PayoutBatch
from dispatch.registry.staff import actor_of
from dispatch.shift import timesheets
from tests.browser.signing import sign_in
from tests.builders import make_foremans_site, make_user, make_worked_shift
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERPAYOUTS"
TIMEOUT_MS = 20_000


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, "SMpayout"):
        with session_scope() as session:
            branch, site, foreman_user = make_foremans_site(session, code=BRANCH_CODE)
            make_user(session, role="dispatcher", branch=branch, username="payout-dispatcher")
            order, crew = make_worked_shift(
                session, site=site, foreman=actor_of(foreman_user), crew=2, close="scheduled"
            )
            sheet = timesheets.timesheet(session, order.id, actor=actor_of(foreman_user))
            pays = {line.full_name: line.worker_pay for line in sheet.lines}
            day = order.starts_at.astimezone(ZoneInfo(branch.timezone)).date()
            scene = {"branch": branch.id, "day": day, "pays": pays}
        yield scene


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def test_a_dispatcher_makes_a_batch_downloads_it_and_marks_it_paid(scene, stack, browser, shots):
    base = stack.base
    office = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", accept_downloads=True
    )
    office.set_default_timeout(TIMEOUT_MS)
    page = office.new_page()
    sign_in(page, base, "payout-dispatcher")
    expect(page).to_have_url(f"{base}/console/")

    # From the nav to the branch's payouts, a period previewed.
    page.get_by_role("link", name="Payouts").click()
    expect(page).to_have_url(f"{base}/console/branches/{scene['branch']}/payouts")
    expect(page.locator("main")).to_contain_text("No batches yet.")
    day = scene["day"].isoformat()
    page.get_by_label("From").fill(day)
    page.get_by_label("To (included)").fill(day)
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    total = sum(scene["pays"].values(), Decimal("0.00"))
    for name, amount in scene["pays"].items():
        expect(preview).to_contain_text(name)
        expect(preview).to_contain_text(f"{amount} RUB")
    expect(page.locator("#preview-total")).to_have_text(f"{total} RUB")
    shots(page, "payouts-preview")

    # The batch made, opened.
    page.get_by_role("button", name="Make the payout batch").click()
    expect(page.locator("#done")).to_have_text("The batch is made.")
    expect(page.locator("#batch-total")).to_have_text(f"{total} RUB")
    shots(page, "payout-batch-made")

    # The bank's file: a row per worker, the amount and the purpose.
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the bank file").click()
    text = Path(downloading.value.path()).read_text(encoding="utf-8")
    assert text.startswith(BOM)
    header, *rows = list(csv.reader(io.StringIO(text[1:])))
    assert header[:3] == ["Worker", "Phone", "Amount"]
    assert {row[0]: Decimal(row[2]) for row in rows} == scene["pays"]
    assert all(row[4] == f"Payment for work in the period {day} to {day}" for row in rows)

    # Marked paid by bank, today.
    page.get_by_label("Method").select_option("bank")
    page.get_by_role("button", name="Mark paid").click()
    expect(page.locator("#done")).to_have_text("The batch is marked paid.")
    expect(page.locator("#batch-status")).to_contain_text("(bank), marked by")
    expect(page.get_by_role("button", name="Mark paid")).to_have_count(0)
    shots(page, "payout-batch-paid")

    page.get_by_role("link", name="All batches").click()
    expect(page.locator("#batches tbody tr")).to_have_count(1)
    expect(page.locator("#batches")).to_contain_text("paid")
    shots(page, "payouts-list")
    with session_scope() as session:
        batch = session.scalars(
            select(PayoutBatch).where(PayoutBatch.branch_id == scene["branch"])
        ).one()
        assert (batch.status, batch.method, batch.total) == ("paid", "bank", total)
        assert batch.paid_by_name is not None
        # "today" is paid at the branch's noon, or now if earlier: the same local day
        zone = ZoneInfo(session.get_one(Branch, scene["branch"]).timezone)
        assert batch.paid_at is not None and batch.paid_at <= now()
        assert batch.paid_at.astimezone(zone).date() == batch.created_at.astimezone(zone).date()
    office.close()
