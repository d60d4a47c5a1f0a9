"""POST/GET /api/v1/orders/{id}/hours: a new timesheet version each time; the timesheet and
its CSV show scheduled, worked and billed hours; after the close only the office corrects,
with a reason; refusals name the field, carry a stable code and write nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from api.console.words.errors import WORDS as ERROR_WORDS
from dispatch.hours.models import TimesheetVersion
from tests.builders import auth, make_foremans_site, make_started_order, make_user, make_worker
from tests.csv_reading import read_csv


@pytest.fixture
def shift(session):
    """A started 8-hour order of two booked workers, its foreman, a dispatcher; the branch
    bills by the quarter-hour."""
    branch, site, foreman = make_foremans_site(session, undo_window_s=0, billing_rounding="quarter")
    workers = [make_worker(session, branch=branch) for _ in range(2)]
    order, _ = make_started_order(
        session, site=site, workers=workers, started_ago=timedelta(hours=2)
    )
    return {
        "order": order,
        "workers": workers,
        "office": auth(make_user(session, role="dispatcher", branch=branch)),
        "foreman": auth(foreman),
    }


def _path(order, tail="/hours"):
    return f"/api/v1/orders/{order.id}{tail}"


def _close(client, shift):
    order, foreman = shift["order"], shift["foreman"]
    for worker in shift["workers"]:
        body = {"worker_id": worker.id, "status": "arrived", "at": order.starts_at.isoformat()}
        assert client.post(_path(order, "/attendance"), json=body, headers=foreman).is_success
    closed = client.post(_path(order, "/close"), json={"end": "scheduled"}, headers=foreman)
    assert closed.is_success, closed.text


def _versions(session, order):
    return session.scalar(
        select(func.count())
        .select_from(TimesheetVersion)
        .where(TimesheetVersion.order_id == order.id)
    )


def test_the_foreman_records_a_break_and_the_sheet_shows_it(client, session, shift):
    order = shift["order"]
    answer = client.post(_path(order), json={"break_min": 37}, headers=shift["foreman"])
    assert answer.status_code == 201, answer.text
    assert answer.json()["version"] == 1 and answer.json()["break_min"] == 37
    _close(client, shift)
    sheet = client.get(_path(order, "/timesheet"), headers=shift["office"]).json()
    assert (sheet["version"], sheet["break_min"], sheet["rounding"]) == (1, 37, "quarter")
    for line in sheet["lines"]:  # 443 min worked: 7.38 h paid, billed 7.50 (the quarter)
        assert Decimal(line["scheduled_hours"]) == Decimal("8.00")
        assert Decimal(line["hours"]) == Decimal("7.38")
        assert Decimal(line["billed_hours"]) == Decimal("7.50")
        assert Decimal(line["client_amount"]) == Decimal("1875.00")
    foremans = client.get(_path(order, "/timesheet"), headers=shift["foreman"]).json()
    assert all("client_amount" not in line for line in foremans["lines"])  # still never
    csv = client.get(_path(order, "/timesheet?format=csv&lang=en"), headers=shift["office"])
    rows = read_csv(csv.content)
    assert {"scheduled_hours", "billed_hours"} <= set(rows[0])
    assert rows[0]["billed_hours"] == "7.50"


def test_after_the_close_a_correction_needs_the_office_and_a_reason(client, session, shift):
    order = shift["order"]
    _close(client, shift)
    by_foreman = client.post(
        _path(order), json={"break_min": 30, "reason": "x"}, headers=shift["foreman"]
    )
    assert by_foreman.status_code == 403 and by_foreman.json()["code"] == "hours_office_only"
    no_reason = client.post(_path(order), json={"break_min": 30}, headers=shift["office"])
    assert no_reason.status_code == 422
    (detail,) = no_reason.json()["detail"]
    assert detail["loc"] == ["body", "reason"] and detail["type"] == "hours_reason_required"
    assert _versions(session, order) == 0
    fixed = client.post(
        _path(order),
        json={"break_min": 30, "reason": "the client's lunch"},
        headers=shift["office"],
    )
    assert fixed.status_code == 201 and fixed.json()["after_close"] is True
    again = client.post(
        _path(order), json={"break_min": 0, "reason": "no lunch after all"}, headers=shift["office"]
    )
    assert again.json()["version"] == 2
    listed = client.get(_path(order), headers=shift["office"]).json()
    assert [(v["version"], v["break_min"], v["reason"]) for v in listed] == [
        (1, 30, "the client's lunch"),
        (2, 0, "no lunch after all"),
    ]


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"break_min": 601}, "break_min", "hours_break_out_of_bounds"),
        ({"overtime_until": "END+1"}, "overtime_approved_by", "hours_overtime_not_approved"),
        ({"overtime_until": "END+13", "overtime_approved_by": "A"}, "overtime_until",
         "hours_overtime_out_of_bounds"),
        ({"ended_at": "END+1"}, "ended_at", "hours_early_end_out_of_bounds"),
    ],
)  # fmt: skip
def test_bad_hours_are_refused_naming_the_field(client, session, shift, body, field, code):
    order = shift["order"]
    for name, value in body.items():
        if isinstance(value, str) and value.startswith("END+"):
            body[name] = (order.ends_at + timedelta(hours=int(value[4:]))).isoformat()
    answer = client.post(_path(order), json=body, headers=shift["foreman"])
    assert answer.status_code == 422, answer.text
    (detail,) = answer.json()["detail"]
    assert (detail["loc"], detail["type"]) == (["body", field], code)
    assert _versions(session, order) == 0


def test_the_hours_knobs_are_branch_policy_keys(client, session):
    branch, _, _ = make_foremans_site(session)
    manager = auth(make_user(session, role="manager", branch=branch))
    path = f"/api/v1/branches/{branch.id}"
    assert client.get(path, headers=manager).json()["policy"]["billing_rounding"] == "minute"
    changes = {"policy": {"billing_rounding": "half", "break_paid": True}}
    ok = client.patch(path, json=changes, headers=manager)
    assert ok.status_code == 200, ok.text
    assert (ok.json()["policy"]["billing_rounding"], ok.json()["policy"]["break_paid"]) == (
        "half",
        True,
    )
    bad = client.patch(path, json={"policy": {"billing_rounding": "hour"}}, headers=manager)
    assert bad.status_code == 422
    assert ["body", "policy", "billing_rounding"] in [e["loc"] for e in bad.json()["detail"]]


def test_an_approved_timesheet_refuses_a_correction_with_409(client, session, shift):
    order = shift["order"]
    _close(client, shift)
    approved = client.post(_path(order, "/timesheet/approve"), headers=shift["office"])
    assert approved.is_success, approved.text
    answer = client.post(
        _path(order), json={"break_min": 30, "reason": "lunch"}, headers=shift["office"]
    )
    assert answer.status_code == 409 and answer.json()["code"] == "hours_lines_approved"
    assert _versions(session, order) == 0
    russian, english = ERROR_WORDS["err_hours_lines_approved"]  # the console's words
    assert russian and english and ERROR_WORDS["err_hours_already_paid"][1]
