"""The branch's rate card over HTTP (GET/PUT /api/v1/branches/{id}/rates, issue 21): the
whole card at once, the manager's; a refusal names the row's field and writes nothing; the
card's client rows are the client's agreed rates (one store: client_rates)."""

from datetime import timedelta

from sqlalchemy import select

from core.audit import AuditEntry
from core.clock import now
from dispatch.models import Client
from tests.builders import (
    auth,
    make_branch,
    make_branch_site,
    make_client,
    make_client_user,
    make_user,
)


def _card(client_id: int) -> list[dict]:
    return [
        {"skill": "loader", "client_rate": "300.00", "worker_rate": "200.00", "night_pct": 20},
        {"skill": "packer", "client_rate": "280.00", "worker_rate": "180.00", "min_hours": "4"},
        {
            "skill": "loader",
            "client_id": client_id,
            "client_rate": "350.00",
            "worker_rate": "210.00",
            "holiday_pct": 100,
        },
    ]


def test_the_manager_puts_the_card_and_the_office_reads_it(client, session):
    branch, site = make_branch_site(session)
    manager = make_user(session, role="manager", branch=branch)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    url = f"/api/v1/branches/{branch.id}/rates"

    put = client.put(url, json=_card(site.client_id), headers=auth(manager))
    assert put.status_code == 200, put.text
    got = client.get(url, headers=auth(dispatcher)).json()
    assert [(r["skill"], r["client_id"], r["client_rate"], r["night_pct"]) for r in got] == [
        ("loader", None, "300.00", 20),
        ("packer", None, "280.00", 0),
        ("loader", site.client_id, "350.00", 0),
    ]
    assert got[1]["min_hours"] == "4.00" and got[2]["holiday_pct"] == 100
    # The client row is the client's agreed rate, as its own API shows it.
    agreed = client.get(f"/api/v1/clients/{site.client_id}/rates", headers=auth(dispatcher))
    assert agreed.json() == [{"skill": "loader", "client_rate": "350.00", "worker_rate": "210.00"}]
    # And the client's page keeps the card's terms of a skill it keeps.
    client.put(
        f"/api/v1/clients/{site.client_id}/rates",
        json=[{"skill": "loader", "client_rate": "360.00", "worker_rate": "215.00"}],
        headers=auth(manager),
    )
    again = client.get(url, headers=auth(manager)).json()
    assert again[2]["client_rate"] == "360.00" and again[2]["holiday_pct"] == 100

    audited = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "branch.rate_card")
    ).all()
    assert len(audited) == 1
    assert audited[0].detail["before"] == []
    assert [row["skill"] for row in audited[0].detail["after"]] == ["loader", "packer", "loader"]

    # A put replaces: the packer row and the client's rows gone.
    client.put(url, json=_card(site.client_id)[:1], headers=auth(manager))
    assert len(client.get(url, headers=auth(manager)).json()) == 1


def test_refusals_name_the_rows_field_and_write_nothing(client, session):
    branch, site = make_branch_site(session)
    manager = make_user(session, role="manager", branch=branch)
    url = f"/api/v1/branches/{branch.id}/rates"
    assert client.put(url, json=_card(site.client_id), headers=auth(manager)).status_code == 200
    before = client.get(url, headers=auth(manager)).json()
    other_client = make_client(session, branch=make_branch(session))

    def refused(row_index: int, change: dict) -> dict:
        rows = _card(site.client_id)
        rows[row_index] = {**rows[row_index], **change}
        answer = client.put(url, json=rows, headers=auth(manager))
        assert answer.status_code == 422, answer.text
        return answer.json()["detail"][0]

    assert refused(2, {"night_pct": 301})["loc"] == ["body", 2, "night_pct"]
    assert refused(2, {"night_pct": 301})["type"] == "rate_card_invalid"
    assert refused(1, {"holiday_pct": -1})["loc"] == ["body", 1, "holiday_pct"]
    assert refused(1, {"min_hours": "25"})["loc"] == ["body", 1, "min_hours"]
    assert refused(0, {"skill": "astronaut"})["loc"] == ["body", 0, "skill"]
    assert refused(2, {"client_id": other_client.id})["loc"] == ["body", 2, "client_id"]
    assert refused(0, {"client_rate": "-1"})["loc"] == ["body", 0, "client_rate"]
    twice = refused(1, {"skill": "loader"})
    assert (twice["loc"], twice["type"]) == (["body", 1, "skill"], "rate_card_duplicate")
    assert client.get(url, headers=auth(manager)).json() == before
    assert session.get(Client, site.client_id) is not None


def test_only_a_manager_or_admin_writes_the_card_and_only_their_branchs(client, session):
    branch, site = make_branch_site(session)
    other = make_branch(session)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    manager = make_user(session, role="manager", branch=branch)
    url = f"/api/v1/branches/{branch.id}/rates"
    assert client.put(url, json=[], headers=auth(dispatcher)).status_code == 403
    foreign = client.put(f"/api/v1/branches/{other.id}/rates", json=[], headers=auth(manager))
    assert foreign.status_code == 404
    assert (
        client.get(f"/api/v1/branches/{other.id}/rates", headers=auth(manager)).status_code == 404
    )


def test_an_order_over_the_api_takes_the_card_or_a_reason(client, session):
    branch, site = make_branch_site(session)
    manager = make_user(session, role="manager", branch=branch)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    card = [{"skill": "loader", "client_rate": "300.00", "worker_rate": "200.00", "night_pct": 20}]
    url = f"/api/v1/branches/{branch.id}/rates"
    assert client.put(url, json=card, headers=auth(manager)).status_code == 200
    starts = now() + timedelta(days=2)
    body = {
        "site_id": site.id,
        "skill": "loader",
        "headcount": 2,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=8)).isoformat(),
    }
    placed = client.post("/api/v1/orders", json=body, headers=auth(dispatcher))
    assert placed.status_code == 201, placed.text
    got = placed.json()
    assert (got["client_rate"], got["rate_source"], got["night_pct"]) == ("300.00", "card", 20)
    typed = {**body, "client_rate": "320.00", "worker_rate": "200.00"}
    refused = client.post("/api/v1/orders", json=typed, headers=auth(dispatcher))
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "rate_reason"]
    assert refused.json()["detail"][0]["type"] == "rate_reason_missing"
    reasoned = client.post(
        "/api/v1/orders", json={**typed, "rate_reason": "rush"}, headers=auth(dispatcher)
    )
    assert reasoned.status_code == 201 and reasoned.json()["rate_source"] == "manual"
    changed = client.patch(
        f"/api/v1/orders/{got['id']}", json={"worker_rate": "150.00"}, headers=auth(dispatcher)
    )
    assert changed.status_code == 422
    assert changed.json()["detail"][0]["loc"] == ["body", "rate_reason"]
    user = make_client_user(session, client=session.get_one(Client, site.client_id))
    by_client = client.post("/api/v1/orders", json={**body, "rate_reason": "x"}, headers=auth(user))
    assert by_client.status_code == 422
    assert by_client.json()["detail"][0]["loc"] == ["body", "rate_reason"]
