"""The network's reports in a real browser (issue 21), against the real processes: an owner
of an organisation with two branches opens the reports, switches the period and the branch,
opens a chart's table, downloads its CSV, and sees the calibration chart drawn (a canvas with
pixels on it). Screenshots of each step go to test-results/console/."""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete

from core.clock import now
from core.db import session_scope
from dispatch.models import User
from dispatch.network.models import Organisation
from dispatch.reports.models import (
    ReportBranchDay,
    ReportCalibration,
    ReportDay,
    ReportWorkerDay,
)
from tests.browser.signing import sign_in
from tests.builders import make_branch, make_client, make_site, make_user, make_worker
from tests.committed import purge_code

CODES = ("REPORTS1", "REPORTS2")
OWNER, ORG = "reports-owner", "Reports Franchise"
TIMEOUT_MS = 20_000


def _purge() -> None:
    with session_scope() as session:
        for model in (ReportDay, ReportBranchDay, ReportWorkerDay, ReportCalibration):
            session.execute(delete(model).where(model.branch_id.in_(_ids(session))))
        session.execute(delete(User).where(User.username == OWNER))
        for code in CODES:
            purge_code(session, code)
        session.execute(delete(Organisation).where(Organisation.name == ORG))


def _ids(session):  # noqa: ANN001, ANN202
    from sqlalchemy import select

    from dispatch.models import Branch

    return list(session.scalars(select(Branch.id).where(Branch.code.in_(CODES))))


def _rollups(session, branch, site, worker, today, scale: int) -> None:  # noqa: ANN001, PLR0913
    for back in range(40):
        day = today - timedelta(days=back)
        figures = {
            "orders": scale,
            "headcount": 3 * scale,
            "booked_by_start": 3 * scale - back % 2,
            "filled_orders": scale - back % 2,
            "fill_minutes": 90 * scale,
            "fill_count": scale,
            "booked": 3 * scale,
            "no_shows": back % 3,
            "lates": back % 2,
            "arrived": 3 * scale - back % 3,
            "cancelled_client": int(back % 5 == 0),
            "cancelled_office": 0,
            "worker_late_cancels": 0,
            "revenue": Decimal("6000.00") * scale,
            "worker_pay": Decimal("2880.00") * scale,
            "margin": Decimal("3120.00") * scale,
        }
        cell = {"client_id": site.client_id, "site_id": site.id, "skill": "loader", "start_hour": 8}
        session.add(ReportDay(day=day, branch_id=branch.id, **cell, **figures))
        session.add(ReportBranchDay(day=day, branch_id=branch.id, **figures))
        session.add(
            ReportWorkerDay(
                day=day,
                branch_id=branch.id,
                worker_id=worker.id,
                shifts=1,
                no_shows=int(back % 4 == 0),
                lates=0,
            )  # fmt: skip
        )
        session.add(
            ReportCalibration(
                order_id=-(branch.id * 1000 + back),
                day=day,
                branch_id=branch.id,
                predicted=0.05 + (back % 10) / 10,
                bucket=back % 10,
                filled=back % 3 != 0,
            )  # fmt: skip
        )


@pytest.fixture
def scene(engine):
    _purge()
    with session_scope() as session:
        org = Organisation(name=ORG, kind="franchisee", royalty_rate=Decimal("0.0625"))
        session.add(org)
        session.flush()
        today = now().date()
        for scale, code in enumerate(CODES, start=1):
            branch = make_branch(
                session, code=code, name=f"Отчётный {scale}", organisation_id=org.id
            )
            site = make_site(session, client=make_client(session, branch=branch))
            worker = make_worker(session, branch=branch, full_name=f"Петров Пётр {scale}")
            _rollups(session, branch, site, worker, today, scale)
        owner = make_user(session, role="admin", username=OWNER)
        owner.role, owner.organisation_id = "owner", org.id
    yield
    _purge()


@pytest.fixture
def stack(scene, tmp_path):
    from tests.stack import running_stack

    with running_stack(tmp_path) as running:
        yield running


def test_an_owner_reads_the_reports(scene, stack, browser, shots, tmp_path):
    base = stack.base
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    sign_in(page, base, OWNER)
    page.goto(f"{base}/console/reports?lang=en")
    expect(page.locator("h1")).to_have_text("Network reports")
    expect(page.locator("#rep-branch option")).to_have_count(3)  # all, and the two branches
    expect(page.locator("#rep-canvas")).to_have_attribute("data-drawn", "true")
    shots(page, "reports-fill")
    page.get_by_role("link", name="Last 7 days").click()
    today = now().date()
    expect(page.locator("#rep-from")).to_have_value((today - timedelta(days=6)).isoformat())
    page.locator("#rep-branch").select_option(label="Отчётный 2")
    page.locator("#rep-show").click()
    expect(page.locator("#rep-branch")).to_have_value(
        page.locator("#rep-branch option").nth(2).get_attribute("value")
    )
    shots(page, "reports-branch-7-days")
    page.get_by_role("link", name="Money").click()
    expect(page.locator("#rep-canvas")).to_have_attribute("data-drawn", "true")
    page.get_by_role("button", name="Table").click()
    table = page.locator("#rep-table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tbody tr td").nth(3)).to_have_text("84000.00")  # 7 days x 12000.00
    shots(page, "reports-money-table")
    with page.expect_download() as download:
        page.locator("#rep-csv").click()
    saved = tmp_path / "money.csv"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8-sig")
    assert text.startswith("Group,Name,Orders,Revenue") and "84000.00" in text
    page.get_by_role("link", name="Calibration").click()
    canvas = page.locator("#rep-canvas")
    expect(canvas).to_have_attribute("data-drawn", "true")
    painted = canvas.evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"""
    )
    assert painted > 1000
    spec = canvas.get_attribute("data-chart")
    assert '"Perfect calibration"' in spec
    shots(page, "reports-calibration")
    context.close()
