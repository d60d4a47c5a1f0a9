"""The console's payouts pages (issue 21): a period previewed (workers and amounts), the
batch made, opened, marked paid (the date, the method), its bank CSV downloaded; a refusal
said in words, nothing written; the nav link for the office."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from api.console.web import LANG_COOKIE
from core.clock import now
from dispatch.penalties.batch_models import PayoutBatch
from dispatch.registry.staff import actor_of
from tests.api.console.helpers import sign_in
from tests.builders import make_foremans_site, make_user, make_worked_shift
from tests.csv_reading import read_csv


@pytest.fixture
def world(session):
    branch, site, foreman_user = make_foremans_site(session)
    order, crew = make_worked_shift(
        session, site=site, foreman=actor_of(foreman_user), crew=2, close="scheduled"
    )
    day = order.starts_at.astimezone(ZoneInfo(branch.timezone)).date()
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    return branch, crew, day, dispatcher


def test_preview_make_mark_paid_and_download(client, session, world):
    branch, crew, day, dispatcher = world
    form = sign_in(client, dispatcher)
    client.cookies.set(LANG_COOKIE, "en")
    start = client.get("/console/payouts")
    assert start.status_code == 200 and 'href="/console/payouts"' in start.text
    assert "No batches yet." in start.text

    page = client.get(f"/console/branches/{branch.id}/payouts?from={day}&to={day}")
    assert page.status_code == 200
    for worker in crew:
        assert worker.full_name in page.text
    assert session.scalar(select(func.count()).select_from(PayoutBatch)) == 0  # a preview

    made = client.post(
        f"/console/branches/{branch.id}/payouts",
        data={**form, "period_from": str(day), "period_to": str(day)},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    batch = session.scalars(select(PayoutBatch)).one()
    assert made.headers["location"].endswith(f"/payout-batches/{batch.id}?done=made")
    opened = client.get(made.headers["location"])
    assert "The batch is made." in opened.text and str(batch.total) in opened.text

    again = client.post(
        f"/console/branches/{branch.id}/payouts",
        data={**form, "period_from": str(day), "period_to": str(day)},
    )
    assert again.status_code == 422 and "Nothing to pay for this period" in again.text

    csv = client.get(f"/console/payout-batches/{batch.id}/bank.csv")
    rows = read_csv(csv.content, "en")
    assert sorted(r["full_name"] for r in rows) == sorted(w.full_name for w in crew)

    future = (now() + timedelta(days=3)).date()
    refused = client.post(
        f"/console/payout-batches/{batch.id}/paid",
        data={**form, "paid_on": str(future), "payout_method": "bank"},
    )
    assert refused.status_code == 422 and batch.status == "draft"
    paid = client.post(
        f"/console/payout-batches/{batch.id}/paid",
        data={**form, "paid_on": now().date().isoformat(), "payout_method": "cash"},
    )
    assert paid.status_code == 200 and "The batch is marked paid." in paid.text
    session.expire_all()
    stored = session.get_one(PayoutBatch, batch.id)
    assert (stored.status, stored.method, stored.paid_by_user_id) == (
        "paid",
        "cash",
        dispatcher.id,
    )
    twice = client.post(
        f"/console/payout-batches/{batch.id}/paid",
        data={**form, "paid_on": now().date().isoformat(), "payout_method": "bank"},
    )
    assert twice.status_code == 409 and "already marked paid" in twice.text


def test_the_foreman_has_no_payouts_page(client, session, world):
    branch, _, _, _ = world
    foreman = make_user(session, role="foreman", branch=branch)
    sign_in(client, foreman)
    page = client.get(f"/console/branches/{branch.id}/payouts")
    assert page.status_code == 403 and 'href="/console/payouts"' not in page.text
