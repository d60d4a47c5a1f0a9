"""Payout batches through the API: make (201; nothing left: 422 payout_batch_empty, nothing
written), list, read (JSON and the bank's CSV, the read audited), mark paid (once: 409
batch_already_paid), delete a draft; the office's only."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.clock import now
from dispatch.penalties.batch_models import PayoutBatch
from dispatch.registry.staff import actor_of
from tests.builders import auth, make_foremans_site, make_user, make_worked_shift
from tests.csv_reading import read_csv


@pytest.fixture
def world(session):
    branch, site, foreman_user = make_foremans_site(session)
    order, crew = make_worked_shift(
        session, site=site, foreman=actor_of(foreman_user), crew=3, close="scheduled"
    )
    day = order.starts_at.astimezone(ZoneInfo(branch.timezone)).date()
    office = auth(make_user(session, role="dispatcher", branch=branch))
    return {
        "branch": branch,
        "order": order,
        "crew": crew,
        "day": day,
        "office": office,
        "foreman": auth(foreman_user),
    }


def _batches(session) -> int:
    return session.scalar(select(func.count()).select_from(PayoutBatch))


def test_make_read_pay_and_download(client, session, world):
    branch, day, office = world["branch"], world["day"], world["office"]
    path = f"/api/v1/branches/{branch.id}/payout-batches"
    sheet = client.get(f"/api/v1/orders/{world['order'].id}/timesheet", headers=office).json()

    preview = client.get(f"{path}/preview?from={day}&to={day}", headers=office)
    assert preview.status_code == 200, preview.text
    assert preview.json()["batch"] is None and _batches(session) == 0

    made = client.post(path, json={"from": f"{day:%d.%m.%Y}", "to": str(day)}, headers=office)
    assert made.status_code == 201, made.text
    batch = made.json()
    assert batch["status"] == "draft" and batch["total"] == sheet["totals"]["worker_pay"]
    assert preview.json()["total"] == batch["total"]
    listed = client.get(path, headers=office).json()
    assert [b["id"] for b in listed] == [batch["id"]]

    one = client.get(f"/api/v1/payout-batches/{batch['id']}", headers=office)
    assert one.status_code == 200, one.text
    workers = one.json()["workers"]
    assert {w["worker_id"] for w in workers} == {w.id for w in world["crew"]}
    assert sum(Decimal(w["amount"]) for w in workers) == Decimal(batch["total"])
    assert all(w["full_name"] and w["lines"] == 1 for w in workers)

    csv = client.get(f"/api/v1/payout-batches/{batch['id']}?format=csv&lang=ru", headers=office)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    rows = read_csv(csv.content, "ru")
    assert sorted(r["full_name"] for r in rows) == sorted(w.full_name for w in world["crew"])
    assert all(r["purpose"].startswith("Оплата работ за период") for r in rows)
    reads = session.scalars(select(AuditEntry).where(AuditEntry.action == "worker.list")).all()
    assert sum(1 for e in reads if e.detail.get("batch_id") == batch["id"]) == 2  # JSON, CSV

    paid_at = (now() - timedelta(hours=1)).isoformat()
    paying = f"/api/v1/payout-batches/{batch['id']}/paid"
    future = client.post(
        paying,
        json={"paid_at": (now() + timedelta(days=1)).isoformat(), "method": "bank"},
        headers=office,
    )
    assert future.status_code == 422 and future.json()["detail"][0]["loc"] == ["body", "paid_at"]
    paid = client.post(paying, json={"paid_at": paid_at, "method": "bank"}, headers=office)
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "paid" and paid.json()["method"] == "bank"
    assert paid.json()["paid_by_name"]
    again = client.post(paying, json={"paid_at": paid_at, "method": "cash"}, headers=office)
    assert again.status_code == 409 and again.json()["code"] == "batch_already_paid"
    gone = client.delete(f"/api/v1/payout-batches/{batch['id']}", headers=office)
    assert gone.status_code == 409


def test_refusals_write_nothing(client, session, world):
    branch, day, office = world["branch"], world["day"], world["office"]
    path = f"/api/v1/branches/{branch.id}/payout-batches"
    later = day + timedelta(days=2)
    empty = client.post(path, json={"from": str(later), "to": str(later)}, headers=office)
    assert empty.status_code == 422 and empty.json()["code"] == "payout_batch_empty"
    backwards = client.post(path, json={"from": str(day), "to": "01.01.2020"}, headers=office)
    assert backwards.status_code == 422 and backwards.json()["detail"][0]["loc"] == ["body", "to"]
    unknown = client.post(path, json={"from": str(day), "to": "31.02.2026"}, headers=office)
    assert unknown.status_code == 422
    foreman = client.post(path, json={"from": str(day), "to": str(day)}, headers=world["foreman"])
    assert foreman.status_code == 403
    assert _batches(session) == 0
    made = client.post(path, json={"from": str(day), "to": str(day)}, headers=office).json()
    method = client.post(
        f"/api/v1/payout-batches/{made['id']}/paid",
        json={"paid_at": now().isoformat(), "method": "iou"},
        headers=office,
    )
    assert method.status_code == 422
    assert session.get_one(PayoutBatch, made["id"]).status == "draft"
    assert client.delete(f"/api/v1/payout-batches/{made['id']}", headers=office).status_code == 204
    assert _batches(session) == 0
