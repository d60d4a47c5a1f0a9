"""The money report's royalty is the royalty statement's (dispatch/billing/royalties.py
royalty_of): the organisation's rate x the net of the invoices its branches issued, rounded
once per organisation and month. It used to be each rollup cell's revenue x rate, rounded per
cell and summed: another basis, and kopecks off even on the same one."""

from datetime import date
from decimal import Decimal
from itertools import count

from core.money import money
from dispatch.billing.models import Invoice
from dispatch.models import User
from dispatch.network.models import Organisation
from tests.builders import auth, make_branch, make_client, make_user

NET = Decimal("100.08")  # x 0.0625 = 6.255: half up 6.26 alone, 18.765 -> 18.77 for three
RATE = Decimal("0.0625")
_seq = count(1)


def _invoice(session, branch, client, issued_on: date) -> None:  # noqa: ANN001
    n = next(_seq)
    session.add(
        Invoice(
            branch_id=branch.id,
            client_id=client.id,
            number=f"{branch.code}-R-{n:04d}",
            year=issued_on.year,
            seq=n,
            issued_on=issued_on,
            period_from=issued_on,
            period_to=issued_on,
            net=NET,
            vat=Decimal("0.00"),
            total=NET,
            seller={},  # the documents' details: not read by the royalty
            buyer={},
        )  # fmt: skip
    )


def test_the_reports_royalty_is_the_statements_for_an_invoiced_month(client, session):
    org = Organisation(name="Franchise R", kind="franchisee", royalty_rate=RATE)
    session.add(org)
    session.flush()
    one, two = (make_branch(session, organisation_id=org.id) for _ in range(2))
    clients = {b.id: make_client(session, branch=b) for b in (one, two)}
    for branch, day in ((one, 3), (one, 17), (two, 31)):
        _invoice(session, branch, clients[branch.id], date(2026, 10, day))
    _invoice(session, one, clients[one.id], date(2026, 11, 2))  # another month's statement
    session.flush()
    owner = User(
        username="owner-royalty",
        password_hash=make_user(session, role="admin").password_hash,
        role="owner",
        organisation_id=org.id,
    )
    session.add(owner)
    session.flush()
    statement = client.get(
        f"/api/v1/organisations/{org.id}/royalties", params={"month": "2026-10"},
        headers=auth(owner),
    ).json()  # fmt: skip
    assert Decimal(str(statement["royalty"])) == Decimal("18.77")
    assert money(NET * RATE) * 3 == Decimal("18.78")  # rounded per piece: a kopeck off
    october = {"from": "2026-10-01", "to": "2026-10-31"}
    report = client.get(
        "/api/v1/reports/money", params={**october, "group_by": "month"}, headers=auth(owner)
    ).json()
    assert report["totals"]["royalty"] == "18.77"
    assert [(r["key"], r["royalty"]) for r in report["rows"]] == [("2026-10-01", "18.77")]
    by_branch = client.get(
        "/api/v1/reports/money", params={**october, "group_by": "branch"}, headers=auth(owner)
    ).json()
    assert {r["key"]: r["royalty"] for r in by_branch["rows"]} == {one.id: "12.51", two.id: "6.26"}
    assert by_branch["totals"]["royalty"] == "18.77"
    # Invoices are not split by site: those rows carry none, the totals do.
    by_site = client.get(
        "/api/v1/reports/money", params={**october, "group_by": "site"}, headers=auth(owner)
    ).json()
    assert all(r["royalty"] is None for r in by_site["rows"])
    assert by_site["totals"]["royalty"] == "18.77"
    november = client.get(
        "/api/v1/reports/money", params={"from": "2026-11-01", "to": "2026-11-30"},
        headers=auth(owner),
    ).json()  # fmt: skip
    assert november["totals"]["royalty"] == "6.26"
    assert november["previous"]["totals"]["royalty"] == "18.77"  # October, before it
