"""The client's sign-off of a timesheet through the API: approve, dispute, settle, the queue,
the line's state in the sheet (JSON and CSV), client reviews; 422/404/409 write nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from dispatch.client_models import TimesheetSignoff
from tests.builders import (
    KAZAN,
    auth,
    make_branch_site,
    make_foremans_site,
    make_started_order,
    make_user,
    make_worker,
)
from tests.csv_reading import read_csv


@pytest.fixture
def shift(session):
    """A started order of three booked workers, with its foreman and a dispatcher."""
    branch, site, foreman = make_foremans_site(session, undo_window_s=0)
    workers = [make_worker(session, branch=branch) for _ in range(3)]
    order, _ = make_started_order(
        session, site=site, workers=workers, started_ago=timedelta(hours=2)
    )
    return {
        "branch": branch,
        "order": order,
        "workers": workers,
        "office": auth(make_user(session, role="dispatcher", branch=branch)),
        "foreman": auth(foreman),
    }


def _path(order, tail=""):
    return f"/api/v1/orders/{order.id}{tail}"


def _line(order, worker, what):
    return _path(order, f"/timesheet/lines/{worker.id}/{what}")


@pytest.fixture
def closed(client, shift):
    order, foreman = shift["order"], shift["foreman"]
    for worker in shift["workers"]:
        body = {"worker_id": worker.id, "status": "arrived", "at": order.starts_at.isoformat()}
        assert client.post(_path(order, "/attendance"), json=body, headers=foreman).is_success
    assert client.post(_path(order, "/close"), headers=foreman).status_code == 200
    return shift


def _rows(session):
    return session.scalar(select(func.count()).select_from(TimesheetSignoff))


def test_approve_before_the_close_is_a_409_with_its_code(client, session, shift):
    answer = client.post(_path(shift["order"], "/timesheet/approve"), headers=shift["office"])
    assert answer.status_code == 409 and answer.json()["code"] == "timesheet_not_closed"
    answer = client.post(
        _line(shift["order"], shift["workers"][0], "dispute"),
        json={"reason": "7 h"},
        headers=shift["office"],
    )
    assert answer.status_code == 409 and answer.json()["code"] == "timesheet_not_closed"
    assert _rows(session) == 0


def test_dispute_then_approve_then_settle(client, session, closed):
    order, office, (w0, w1, w2) = closed["order"], closed["office"], closed["workers"]
    answer = client.post(_line(order, w0, "dispute"), json={"reason": "left at 12"}, headers=office)
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "disputed" and answer.json()["reason"] == "left at 12"

    answer = client.post(_path(order, "/timesheet/approve"), headers=office)
    assert answer.status_code == 200
    body = answer.json()
    assert sorted(body["approved"]) == sorted([w1.id, w2.id])
    assert {line["worker_id"]: line["state"] for line in body["lines"]} == {
        w0.id: "disputed",
        w1.id: "approved",
        w2.id: "approved",
    }

    sheet = client.get(_path(order, "/timesheet"), headers=office).json()
    assert {line["worker_id"]: line["state"] for line in sheet["lines"]}[w0.id] == "disputed"
    assert sheet["held_lines"] == 1
    held = next(line for line in sheet["lines"] if line["worker_id"] == w0.id)["client_amount"]
    billable = Decimal(sheet["totals"]["client_amount"]) - Decimal(held)
    assert Decimal(sheet["billable_client_amount"]) == billable

    queue = client.get("/api/v1/timesheet-disputes", headers=office).json()
    assert [(d["order_id"], d["worker_id"], d["reason"]) for d in queue] == [
        (order.id, w0.id, "left at 12")
    ]

    answer = client.post(
        _line(order, w0, "settle"), json={"note": "agreed 1.5 h", "hours": "1.50"}, headers=office
    )
    assert answer.status_code == 200, answer.text
    assert (answer.json()["state"], answer.json()["settled_hours"]) == ("settled", "1.50")
    sheet = client.get(_path(order, "/timesheet"), headers=office).json()
    line = next(line for line in sheet["lines"] if line["worker_id"] == w0.id)
    assert (line["state"], line["hours"]) == ("settled", "1.50")
    assert sheet["held_lines"] == 0
    assert client.get("/api/v1/timesheet-disputes", headers=office).json() == []


def test_the_csv_says_each_lines_state(client, closed):
    order, office, (w0, *_) = closed["order"], closed["office"], closed["workers"]
    client.post(_line(order, w0, "dispute"), json={"reason": "?"}, headers=office)
    answer = client.get(_path(order, "/timesheet?format=csv"), headers=office)
    *lines, total = read_csv(answer.content)
    assert {int(row["worker_id"]): row["state"] for row in lines}[w0.id] == "disputed, held"
    assert {row["state"] for row in lines} == {"disputed, held", "pending"}
    assert total["state"] == ""


@pytest.mark.parametrize("body", [{"reason": ""}, {"reason": "   "}, {}])
def test_a_dispute_without_a_reason_is_a_422_naming_it(client, session, closed, body):
    order, worker = closed["order"], closed["workers"][0]
    answer = client.post(_line(order, worker, "dispute"), json=body, headers=closed["office"])
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "reason"]
    assert _rows(session) == 0


def test_a_worker_not_on_the_timesheet_is_a_404(client, session, closed):
    stranger = make_worker(session, branch=closed["branch"])
    answer = client.post(
        _line(closed["order"], stranger, "dispute"), json={"reason": "?"}, headers=closed["office"]
    )
    assert answer.status_code == 404 and answer.json()["code"] == "not_on_timesheet"


def test_an_approved_line_cannot_be_disputed(client, session, closed):
    order, office, worker = closed["order"], closed["office"], closed["workers"][0]
    assert client.post(_path(order, "/timesheet/approve"), headers=office).status_code == 200
    answer = client.post(_line(order, worker, "dispute"), json={"reason": "late"}, headers=office)
    assert answer.status_code == 409 and answer.json()["code"] == "line_already_approved"
    answer = client.post(_line(order, worker, "settle"), json={"note": "x"}, headers=office)
    assert answer.status_code == 409 and answer.json()["code"] == "line_not_disputed"


@pytest.mark.parametrize(
    "body, field",
    [({"note": ""}, "note"), ({"note": "ok", "hours": "25"}, "hours"), ({"hours": "1"}, "note")],
)
def test_a_bad_settlement_is_a_422_naming_the_field(client, closed, body, field):
    order, office, worker = closed["order"], closed["office"], closed["workers"][0]
    client.post(_line(order, worker, "dispute"), json={"reason": "?"}, headers=office)
    answer = client.post(_line(order, worker, "settle"), json=body, headers=office)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", field]
    queue = client.get("/api/v1/timesheet-disputes", headers=office).json()
    assert [d["state"] for d in queue] == ["disputed"]


def test_another_branch_sees_neither_the_line_nor_the_queue(client, session, closed):
    order, worker = closed["order"], closed["workers"][0]
    client.post(_line(order, worker, "dispute"), json={"reason": "?"}, headers=closed["office"])
    other, _ = make_branch_site(session, center=KAZAN)
    stranger = auth(make_user(session, role="dispatcher", branch=other))
    assert client.post(_path(order, "/timesheet/approve"), headers=stranger).status_code == 404
    assert client.get("/api/v1/timesheet-disputes", headers=stranger).json() == []
    admin = auth(make_user(session, role="admin"))
    listed = client.get(
        "/api/v1/timesheet-disputes", params={"branch_id": closed["branch"].id}, headers=admin
    ).json()
    assert [d["worker_id"] for d in listed] == [worker.id]
    elsewhere = client.get(
        "/api/v1/timesheet-disputes", params={"branch_id": other.id}, headers=admin
    ).json()
    assert elsewhere == []
    bad = client.get("/api/v1/timesheet-disputes", params={"status": "lost"}, headers=admin)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "status"]


def test_a_client_review_counts_beside_the_foremans(client, session, closed):
    order, (w0, *_) = closed["order"], closed["workers"]
    foreman = client.post(
        _path(order, "/reviews"), json={"worker_id": w0.id, "stars": 5}, headers=closed["foreman"]
    )
    assert foreman.status_code == 201 and foreman.json()["source"] == "foreman"
    body = {"worker_id": w0.id, "stars": 2, "source": "client"}
    by_client = client.post(_path(order, "/reviews"), json=body, headers=closed["office"])
    assert by_client.status_code == 201 and by_client.json()["source"] == "client"
    again = client.post(_path(order, "/reviews"), json=body, headers=closed["office"])
    assert again.status_code == 409 and again.json()["code"] == "review_already_given"
    # The foreman does not speak for the client.
    body = {"worker_id": closed["workers"][1].id, "stars": 2, "source": "client"}
    refused = client.post(_path(order, "/reviews"), json=body, headers=closed["foreman"])
    assert refused.status_code == 403 and refused.json()["code"] == "sign_off_forbidden"


def test_a_foreman_reads_each_lines_state_but_not_what_is_billable(client, closed):
    order, worker = closed["order"], closed["workers"][0]
    client.post(_line(order, worker, "dispute"), json={"reason": "?"}, headers=closed["office"])
    sheet = client.get(_path(order, "/timesheet"), headers=closed["foreman"]).json()
    assert "billable_client_amount" not in sheet and sheet["held_lines"] == 1
    assert {line["worker_id"]: line["state"] for line in sheet["lines"]}[worker.id] == "disputed"
    office = client.get(_path(order, "/timesheet"), headers=closed["office"]).json()
    assert office["billable_client_amount"] is not None
