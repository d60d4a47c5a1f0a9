"""A manager makes an invoice in a real browser (issue 21), against the real processes: the
'Invoices' link of the navigation, a client and a period, the preview of the lines that go in
(and the disputed one left out, with why), the invoice made, its PDF and the act's CSV
downloaded. Screenshots of each step go to test-results/console/."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from core.clock import now
from core.db import session_scope
from dispatch.billing.models import Invoice, InvoiceLine
from dispatch.client_models import TimesheetSignoff
from dispatch.models import Branch, Client
from tests.browser.signing import sign_in
from tests.builders import make_branch_site, make_offer, make_order, make_user, make_worker
from tests.dispatch.billing.world import BRANCH_DETAILS, CLIENT_DETAILS
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERINVOICE"
TIMEOUT_MS = 20_000


def _drop_invoices() -> None:
    """Invoices point at the branch's orders: gone before the branch is purged."""
    with session_scope() as session:
        branch_id = select(Branch.id).where(Branch.code == BRANCH_CODE).scalar_subquery()
        ids = select(Invoice.id).where(Invoice.branch_id == branch_id)
        session.execute(delete(InvoiceLine).where(InvoiceLine.invoice_id.in_(ids)))
        session.execute(delete(Invoice).where(Invoice.branch_id == branch_id))


@pytest.fixture
def scene(engine):
    _drop_invoices()
    with committed(BRANCH_CODE, "SMinv"):
        with session_scope() as session:
            branch, site = make_branch_site(
                session, code=BRANCH_CODE, name="Москва", vat_rate=Decimal("0.22")
            )
            for name, value in BRANCH_DETAILS.items():
                setattr(branch, name, value)
            row = session.get_one(Client, site.client_id)
            row.name = "ООО «Склады»"
            for name, value in CLIENT_DETAILS.items():
                setattr(row, name, value)
            make_user(session, role="manager", branch=branch, username="invoice-manager")
            order = make_order(
                session, site=site, now=now() - timedelta(days=10), starts_in=timedelta(hours=14)
            )
            workers = [make_worker(session, branch=branch) for _ in range(3)]
            for worker in workers:
                make_offer(
                    session, order=order, worker=worker, attendance="arrived",
                    arrived_at=order.starts_at,
                )  # fmt: skip
            order.status, order.closed_at = "completed", order.ends_at
            session.add(
                TimesheetSignoff(
                    order_id=order.id, worker_id=workers[0].id, branch_id=branch.id,
                    state="disputed", reason="ушёл раньше", disputed_at=order.ends_at,
                )
            )  # fmt: skip
            day = order.starts_at.astimezone(ZoneInfo(branch.timezone)).date()
            scene = {"code": order.code, "day": day.isoformat(), "branch": branch.id}
        yield scene
        _drop_invoices()


@pytest.fixture
def stack(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def test_a_manager_makes_an_invoice_and_downloads_it(scene, stack, browser, shots):
    base = stack.base
    office = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", accept_downloads=True
    )
    office.set_default_timeout(TIMEOUT_MS)
    page = office.new_page()
    sign_in(page, base, "invoice-manager")
    page.goto(f"{base}/console/?lang=en")
    page.get_by_role("link", name="Invoices").click()
    expect(page.locator("h1")).to_have_text("Invoices and acts")
    page.get_by_label("Client").select_option(label="ООО «Склады»")
    page.get_by_label("From").fill(scene["day"])
    page.get_by_label("To").fill(scene["day"])
    page.get_by_role("button", name="Show the lines").click()
    expect(page.locator("#preview-in tbody tr")).to_have_count(2)  # two undisputed lines
    expect(page.locator("#preview-out")).to_contain_text("disputed by the client")
    expect(page.locator("main")).not_to_contain_text("ушёл раньше")  # preview shows no names
    shots(page, "invoice-preview")

    page.get_by_role("button", name="Make the invoice").click()
    expect(page.locator("#invoice-made")).to_contain_text(f"{BRANCH_CODE}-")
    row = page.locator("table.invoices tbody tr").first
    expect(row).to_contain_text("4000.00")  # 2 x 8 h x 250.00
    expect(row).to_contain_text("4880.00")  # VAT 22 %
    shots(page, "invoice-made")

    with page.expect_download() as pdf:
        row.get_by_role("link", name="Invoice (PDF)").click()
    assert pdf.value.path().read_bytes().startswith(b"%PDF-")
    with page.expect_download() as act:
        row.get_by_role("link", name="Act (CSV)").click()
    text = act.value.path().read_text(encoding="utf-8-sig")
    assert text.startswith("Act of services rendered №") and "4,880.00" not in text
    assert "4880.00" in text and "VAT 22%" in text
    with session_scope() as session:
        invoice = session.scalars(select(Invoice).where(Invoice.branch_id == scene["branch"])).one()
        assert invoice.total == Decimal("4880.00")
    office.close()
