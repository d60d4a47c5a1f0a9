"""An invoice's documents: the legal details as they were when it was made (a later edit of
the branch or the client changes no invoice made), and figures that add up on the page:
rate x hours = at rate, at rate + surcharges = amount, to the kopeck."""

import csv
import importlib.util
import io
from decimal import Decimal as D
from pathlib import Path

from sqlalchemy import text

from dispatch.billing import documents, service
from dispatch.billing.pdf import as_pdf
from dispatch.billing.service import BUYER, SELLER
from dispatch.penalties.pay import lines_of
from tests.dispatch.billing.test_invoices import _invoice
from tests.dispatch.billing.world import make_world, worked_order

MIGRATION = Path(__file__).parents[3] / "migrations" / "versions" / "0055_invoice_details.py"


def _csv_rows(doc):
    body = documents.as_csv(doc).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body), delimiter=";"))


def test_the_documents_keep_the_details_of_the_day_the_invoice_was_made(session):
    world = make_world(session)
    order = worked_order(session, world)
    invoice = _invoice(session, world, order)
    world.branch.bank_account = "40702810000000000999"
    world.branch.legal_name = 'ООО "Бригада Новая"'
    world.client.legal_address = "г. Казань, ул. Баумана, 1"
    session.flush()

    doc = documents.document(session, invoice, kind="invoice", language="ru")
    text_of = "\n".join(doc.party("seller") + doc.party("buyer"))
    assert "40702810938000000001" in text_of and "40702810000000000999" not in text_of
    assert 'ООО "Бригада Север"' in text_of and "Новая" not in text_of
    assert "ул. Льва Толстого, 16" in text_of and "Казань" not in text_of
    assert as_pdf(doc).startswith(b"%PDF-")
    # A detail blanked later does not stop the documents of invoices made before.
    world.client.inn = None
    session.flush()
    assert documents.document(session, invoice, kind="act", language="en").party("buyer")


def test_the_migration_fills_invoices_made_before_from_the_details_as_they_stand(session):
    spec = importlib.util.spec_from_file_location("invoice_details", MIGRATION)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert (set(migration.SELLER), set(migration.BUYER)) == (set(SELLER), set(BUYER))
    world = make_world(session)
    order = worked_order(session, world)
    invoice = _invoice(session, world, order)
    invoice.seller, invoice.buyer = {}, {}
    session.flush()
    session.execute(text(migration.BACKFILL))
    session.refresh(invoice)
    assert (invoice.seller, invoice.buyer) == service.snapshot(world.branch, world.client)


def test_rate_hours_and_surcharges_add_up_to_the_amount(session):
    world = make_world(session, n=3)
    # 15:00 to 01:00 Moscow: three night hours, surcharged 20 % for the client.
    order = worked_order(session, world, rate="333.33", hours=10)
    order.night_pct = 20
    session.flush()
    lines = lines_of(session, [order])[order.id]
    assert all(line.client_surcharge for line in lines)  # the lines carry a surcharge
    invoice = _invoice(session, world, order)

    (group,) = service.groups(session, invoice)
    assert group.rate == D("333.33")
    assert group.at_rate == (group.rate * group.hours).quantize(D("0.01"))
    assert group.surcharge > 0
    assert group.at_rate + group.surcharge == group.amount == invoice.net
    assert group.amount == sum(line.client_amount for line in lines)

    rows = _csv_rows(documents.document(session, invoice, kind="invoice", language="ru"))
    header = rows.index(["Дата", "Заказ", "Объект", "Работы", "Людей", "Часов", "Ставка"]
                        + ["По ставке", "Надбавки", "Сумма"])  # fmt: skip
    hours, rate, at_rate, surcharge, amount = (
        D(cell.replace(",", ".")) for cell in rows[header + 1][5:]
    )
    assert (rate * hours).quantize(D("0.01")) == at_rate
    assert at_rate + surcharge == amount == invoice.net
