"""The console's invoices page: a manager previews a client's period (the lines in, and
those left out with the reason), makes the invoice, and downloads its PDF and CSV; the
royalty statements page for admins. Every word of them in Russian and English."""

import re
from datetime import timedelta

from sqlalchemy import select

from api.console.billing.invoice_words import WORDS
from api.console.i18n import TEXTS
from dispatch.billing.models import Invoice
from dispatch.network.models import Organisation
from dispatch.shift import signoff
from tests.api.console.helpers import sign_in
from tests.builders import make_user
from tests.dispatch.billing.world import make_world, worked_order

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def test_every_word_is_in_russian_and_english():
    for key in WORDS:
        ru, en = TEXTS["ru"][key], TEXTS["en"][key]
        assert CYRILLIC.search(ru) and en.strip() and not CYRILLIC.search(en), key


def test_a_manager_previews_makes_and_downloads_an_invoice(client, session):
    world = make_world(session, n=2)
    order = worked_order(session, world)
    signoff.dispute(
        session, order.id, world.crew[0].id, actor=world.manager, reason="ушёл", now=order.ends_at
    )
    manager = make_user(session, role="manager", branch=world.branch)
    form = sign_in(client, manager)
    assert 'href="/console/invoices"' in client.get("/console/invoices").text  # the navigation
    day = (order.starts_at + timedelta(hours=3)).date().isoformat()
    query = {"client_id": world.client.id, "invoice_from": day, "invoice_to": day}
    preview = client.get("/console/invoices", params=query)
    assert preview.status_code == 200, preview.text
    assert 'id="preview-in"' in preview.text and 'id="preview-out"' in preview.text
    assert TEXTS["ru"]["invoices_left_disputed"] in preview.text
    assert "2000.00" in preview.text  # the undisputed line

    made = client.post("/console/invoices", data={**query, **form}, follow_redirects=False)
    assert made.status_code == 303, made.text
    invoice = session.scalars(select(Invoice).where(Invoice.branch_id == world.branch.id)).one()
    assert invoice.net == 2000 and str(invoice.total) == "2440.00"
    listed = client.get(made.headers["location"])
    assert invoice.number in listed.text and "2440.00" in listed.text
    pdf = client.get(f"/console/invoices/{invoice.id}/file?doc_kind=act&doc_format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    sheet = client.get(f"/console/invoices/{invoice.id}/file?doc_kind=invoice&doc_format=csv")
    assert "Всего к оплате;;;;;;;;;2440,00" in sheet.content.decode("utf-8-sig")

    again = client.post("/console/invoices", data={**query, **form})
    assert again.status_code == 409
    assert TEXTS["ru"]["err_nothing_to_invoice"] in again.text


def test_the_royalties_page_for_an_admin(client, session):
    org = Organisation(name="Франчайзи Г", kind="franchisee", royalty_rate="0.05")
    session.add(org)
    session.flush()
    admin = make_user(session, role="admin")
    sign_in(client, admin)
    page = client.get("/console/royalties", params={"royalty_month": "2026-11"})
    assert page.status_code == 200, page.text
    assert "Франчайзи Г" in page.text and 'href="/console/royalties"' in page.text
    csv = client.get(f"/console/royalties/{org.id}/csv", params={"royalty_month": "2026-11"})
    assert csv.status_code == 200 and "Франчайзи Г" in csv.content.decode("utf-8-sig")
    dispatcher = make_user(session, role="dispatcher", branch=make_world(session).branch)
    client.cookies.clear()
    sign_in(client, dispatcher)
    assert client.get("/console/royalties").status_code == 403
