"""An owner reads their branches' money (issue 21), read-only: the payout batches (the list,
a batch, the preview, the bank's CSV, each worker read audited under the worker's branch) and
the rate card, through the API and the console; making, paying, deleting and saving stay the
office's (403); another organisation's branch is not found."""

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from dispatch.registry.staff import actor_of
from tests.api.console.helpers import sign_in
from tests.api.network_helpers import make_organisation, make_owner
from tests.builders import (
    KAZAN,
    auth,
    make_branch,
    make_foremans_site,
    make_user,
    make_worked_shift,
)
from tests.csv_reading import read_csv

API = "/api/v1"
POSTS = '<form method="post" action="/console/'


@pytest.fixture
def world(client, session):
    branch, site, foreman_user = make_foremans_site(session)
    order, crew = make_worked_shift(
        session, site=site, foreman=actor_of(foreman_user), crew=2, close="scheduled"
    )
    day = order.starts_at.astimezone(ZoneInfo(branch.timezone)).date()
    office = auth(make_user(session, role="dispatcher", branch=branch))
    made = client.post(
        f"{API}/branches/{branch.id}/payout-batches",
        json={"from": str(day), "to": str(day)},
        headers=office,
    )
    assert made.status_code == 201, made.text
    owner = make_owner(session, make_organisation(session, branch))
    other = make_branch(session, center=KAZAN)
    make_organisation(session, other)
    return {"branch": branch, "crew": crew, "day": day, "batch": made.json()["id"],
            "owner": owner, "other": other}  # fmt: skip


def test_an_owner_reads_the_payout_batches_and_the_bank_csv_audited(client, session, world):
    headers, branch, batch = auth(world["owner"]), world["branch"], world["batch"]
    listed = client.get(f"{API}/branches/{branch.id}/payout-batches", headers=headers)
    assert listed.status_code == 200 and [b["id"] for b in listed.json()] == [batch]
    day = world["day"]
    preview = client.get(
        f"{API}/branches/{branch.id}/payout-batches/preview?from={day}&to={day}", headers=headers
    )
    assert preview.status_code == 200, preview.text
    one = client.get(f"{API}/payout-batches/{batch}", headers=headers)
    assert one.status_code == 200
    names = sorted(w.full_name for w in world["crew"])
    assert sorted(w["full_name"] for w in one.json()["workers"]) == names
    csv = client.get(f"{API}/payout-batches/{batch}?format=csv&lang=ru", headers=headers)
    assert csv.status_code == 200
    rows = read_csv(csv.content, "ru")
    assert sorted(r["full_name"] for r in rows) == names
    phones = sorted(r["phone"].lstrip("'") for r in rows)  # the CSV's formula guard
    assert phones == sorted(w.phone for w in world["crew"])
    reads = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "worker.list", AuditEntry.actor_user_id == world["owner"].id
        )
    ).all()
    by_batch = [r for r in reads if r.detail.get("batch_id") == batch]
    assert len(by_batch) == 2 and all(r.branch_id == branch.id for r in by_batch)  # JSON, CSV
    other = world["other"]
    for path in (f"/branches/{other.id}/payout-batches", f"/branches/{other.id}/rates"):
        assert client.get(API + path, headers=headers).status_code == 404, path


def test_an_owner_makes_pays_and_deletes_no_batch(client, world):
    headers, branch, batch = auth(world["owner"]), world["branch"], world["batch"]
    day = str(world["day"])
    refused = [
        client.post(
            f"{API}/branches/{branch.id}/payout-batches",
            json={"from": day, "to": day},
            headers=headers,
        ),
        client.post(
            f"{API}/payout-batches/{batch}/paid",
            json={"paid_at": f"{day}T12:00:00+03:00", "method": "bank"},
            headers=headers,
        ),
        client.delete(f"{API}/payout-batches/{batch}", headers=headers),
        client.put(f"{API}/branches/{branch.id}/rates", json=[], headers=headers),
    ]
    assert [answer.status_code for answer in refused] == [403, 403, 403, 403]


def test_an_owner_reads_the_rate_card(client, session, world):
    branch = world["branch"]
    card = client.get(f"{API}/branches/{branch.id}/rates", headers=auth(world["owner"]))
    assert card.status_code == 200 and isinstance(card.json(), list)


def test_the_console_money_pages_read_only_for_an_owner(client, world):
    sign_in(client, world["owner"])
    branch, batch = world["branch"], world["batch"]
    network = client.get("/console/network").text
    assert f'href="/console/branches/{branch.id}/payouts"' in network
    assert f'href="/console/branches/{branch.id}/rates"' in network
    day = world["day"]
    for path in (
        f"/console/branches/{branch.id}/payouts?from={day}&to={day}",
        f"/console/payout-batches/{batch}",
        f"/console/branches/{branch.id}/rates",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert POSTS not in page.text.replace('action="/console/logout"', ""), path
    batch_page = client.get(f"/console/payout-batches/{batch}").text
    assert all(w.full_name in batch_page for w in world["crew"])
    assert client.get(f"/console/payout-batches/{batch}/bank.csv").status_code == 200
    other = world["other"]
    assert client.get(f"/console/branches/{other.id}/payouts").status_code == 404
    assert client.get(f"/console/branches/{other.id}/rates").status_code == 404
