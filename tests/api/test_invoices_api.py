"""The invoices API: make one (201, the sums as strings), read it as JSON, PDF and CSV, the
act too; who may read it; a 422 for missing legal details writes nothing; royalty statements
(rate x invoiced turnover; an owner of another organisation gets 404)."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from dispatch.billing.models import Invoice
from dispatch.models import Order, User
from dispatch.network.models import Organisation
from tests.builders import _password_hash, auth, make_client_user, make_user
from tests.dispatch.billing.world import make_world, worked_order

API = "/api/v1"


def _world(session, org=None):
    world = make_world(session)
    if org is not None:
        world.branch.organisation_id = org.id
    order = worked_order(session, world)  # closed days ago: undisputed lines go in
    day = (order.starts_at + timedelta(hours=3)).date().isoformat()
    manager = make_user(session, role="manager", branch=world.branch)
    return world, manager, {"client_id": world.client.id, "from": day, "to": day}


def _owner(session, organisation_id):
    """An owner of the organisation (no branch of their own: they see its branches)."""
    user = User(
        username=f"owner{organisation_id}-{session.scalar(select(func.count(User.id)))}",
        password_hash=_password_hash(),
        role="owner",
        organisation_id=organisation_id,
    )
    session.add(user)
    session.flush()
    return user


def _org(session, name, kind="franchisee", rate="0.06"):
    org = Organisation(name=name, kind=kind, royalty_rate=Decimal(rate))
    session.add(org)
    session.flush()
    return org


def test_a_manager_makes_an_invoice_and_reads_its_documents(client, session):
    world, manager, body = _world(session)
    made = client.post(f"{API}/invoices", json=body, headers=auth(manager))
    assert made.status_code == 201, made.text
    invoice = made.json()
    assert (invoice["net"], invoice["vat"], invoice["total"]) == ("4000.00", "880.00", "4880.00")
    assert invoice["number"].startswith(f"{world.branch.code}-")
    assert invoice["number"].endswith("-0001")
    (line,) = invoice["lines"]
    assert (line["workers"], line["hours"], line["amount"]) == (2, "16.00", "4000.00")
    assert (line["rate"], line["at_rate"], line["surcharge"]) == ("250.00", "4000.00", "0.00")
    assert "Иванов" not in made.text  # no worker names on invoices

    url = f"{API}/invoices/{invoice['id']}"
    for document in ("invoice", "act"):
        pdf = client.get(url, params={"format": "pdf", "document": document}, headers=auth(manager))
        assert pdf.status_code == 200, pdf.text
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-") and pdf.content.rstrip().endswith(b"%%EOF")

    sheet = client.get(url, params={"format": "csv"}, headers=auth(manager))
    assert sheet.status_code == 200
    text = sheet.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == f"Счёт на оплату № {invoice['number']} от " + rows[0][0].split(" от ")[1]
    totals = {row[0]: row[-1] for row in rows if row and row[0] in ("Итого", "НДС 22%")}
    assert totals == {"Итого": "4000,00", "НДС 22%": "880,00"}
    assert ["Всего к оплате", *[""] * 8, "4880,00"] in rows  # under the amounts' column
    assert ["Сумма прописью", "Четыре тысячи восемьсот восемьдесят рублей, ноль копеек"] in rows
    assert "ИНН 7736207543, КПП 770401001" in text  # the client's details
    act = client.get(url, params={"format": "csv", "document": "act"}, headers=auth(manager))
    assert act.content.decode("utf-8-sig").startswith("Акт оказанных услуг №")


def test_without_vat_the_documents_say_so(client, session):
    world, manager, body = _world(session)
    world.branch.vat_rate = None
    session.flush()
    invoice = client.post(f"{API}/invoices", json=body, headers=auth(manager)).json()
    assert (invoice["vat"], invoice["total"], invoice["vat_rate"]) == ("0.00", "4000.00", None)
    ru = client.get(f"{API}/invoices/{invoice['id']}?format=csv", headers=auth(manager))
    assert "Без НДС" in ru.content.decode("utf-8-sig")
    en = client.get(f"{API}/invoices/{invoice['id']}?format=csv&lang=en", headers=auth(manager))
    assert "VAT not charged" in en.content.decode("utf-8-sig")


def test_nothing_left_is_409_and_missing_details_422_writing_nothing(client, session):
    world, manager, body = _world(session)
    world.client.inn = None
    session.flush()
    refused = client.post(f"{API}/invoices", json=body, headers=auth(manager))
    assert refused.status_code == 422
    assert refused.json()["code"] == "legal_details_missing"
    assert refused.json()["detail"][0]["loc"] == ["body", "client.inn"]
    mine = select(func.count()).where(Invoice.branch_id == world.branch.id)
    assert session.scalar(mine) == 0
    world.client.inn = "7736207543"
    session.flush()
    assert client.post(f"{API}/invoices", json=body, headers=auth(manager)).status_code == 201
    again = client.post(f"{API}/invoices", json=body, headers=auth(manager))
    assert again.status_code == 409 and again.json()["code"] == "nothing_to_invoice"
    assert session.scalar(mine) == 1


def test_who_reads_an_invoice(client, session):
    org, other_org = _org(session, "Франчайзи А"), _org(session, "Франчайзи Б")
    world, manager, body = _world(session, org)
    invoice = client.post(f"{API}/invoices", json=body, headers=auth(manager)).json()
    url = f"{API}/invoices/{invoice['id']}"
    dispatcher = make_user(session, role="dispatcher", branch=world.branch)
    assert client.post(f"{API}/invoices", json=body, headers=auth(dispatcher)).status_code == 403
    readers = {
        "admin": make_user(session, role="admin"),
        "owner": _owner(session, org.id),
        "client": make_client_user(session, client=world.client),
    }
    for who, user in readers.items():
        assert client.get(url, headers=auth(user)).status_code == 200, who
    other_world = make_world(session)
    strangers = {
        "owner of another": _owner(session, other_org.id),
        "another client": make_client_user(session, client=other_world.client),
        "another manager": make_user(session, role="manager", branch=other_world.branch),
    }
    for who, user in strangers.items():
        assert client.get(url, headers=auth(user)).status_code == 404, who


def test_royalty_is_the_rate_times_the_invoiced_turnover(client, session):
    org = _org(session, "Франчайзи В", rate="0.065")
    own = _org(session, "Сеть", kind="own", rate="0")
    world, manager, body = _world(session, org)
    invoice = client.post(f"{API}/invoices", json=body, headers=auth(manager)).json()
    month = invoice["issued_on"][:7]
    admin = make_user(session, role="admin")
    url = f"{API}/organisations/{org.id}/royalties"
    statement = client.get(url, params={"month": month}, headers=auth(admin))
    assert statement.status_code == 200, statement.text
    got = statement.json()
    # The net (4000.00, not the 4880.00 with VAT) x 6.5 %.
    assert (got["turnover"], got["royalty"], got["applicable"]) == ("4000.00", "260.00", True)
    assert [i["number"] for i in got["invoices"]] == [invoice["number"]]
    sheet = client.get(url, params={"month": month, "format": "csv"}, headers=auth(admin))
    assert ["Роялти", "", "", "", "260,00"] in list(
        csv.reader(io.StringIO(sheet.content.decode("utf-8-sig")), delimiter=";")
    )
    owner = _owner(session, org.id)
    assert client.get(url, params={"month": month}, headers=auth(owner)).status_code == 200
    stranger = _owner(session, own.id)
    assert client.get(url, params={"month": month}, headers=auth(stranger)).status_code == 404
    none = client.get(f"{API}/organisations/{own.id}/royalties?month={month}", headers=auth(admin))
    assert none.json()["applicable"] is False and none.json()["royalty"] == "0.00"
    manager_read = client.get(url, params={"month": month}, headers=auth(manager))
    assert manager_read.status_code == 403


def test_an_invoiced_line_is_not_disputed_409_line_invoiced(client, session):
    world, manager, body = _world(session)
    assert client.post(f"{API}/invoices", json=body, headers=auth(manager)).status_code == 201
    order = session.scalars(select(Order).where(Order.client_id == world.client.id)).one()
    worker = world.crew[0]
    answer = client.post(
        f"{API}/orders/{order.id}/timesheet/lines/{worker.id}/dispute",
        json={"reason": "left at 12"},
        headers=auth(manager),
    )
    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "line_invoiced"
