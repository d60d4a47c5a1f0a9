"""On site through the API: marks, close, timesheet (JSON and CSV), reviews, penalties and
their reversal, payouts; foremen see their orders only, other branches get 404, and a failed
request writes nothing."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.clock import now
from dispatch.models import Offer, Order
from rating.models import PenaltyEvent, Review
from rating.service import get_event
from tests.builders import (
    KAZAN,
    MOSCOW,
    auth,
    make_branch,
    make_branch_site,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)
from tests.csv_reading import read_csv

MONEY = ("client_amount", "base_pay", "allowances", "fines", "worker_pay", "margin")


def _book(session, order, worker):
    make_offer(session, order=order, worker=worker, booked_at=now() - timedelta(days=1))


def _started_order(session, site, *, headcount=2):
    """An order that started 2 hours ago and ends in 6 (taken in yesterday)."""
    return make_order(
        session,
        site=site,
        headcount=headcount,
        now=now() - timedelta(days=1),
        starts_in=timedelta(days=1) - timedelta(hours=2),
        hours=8,
    )


@pytest.fixture
def shift(session):
    """A started order with four booked workers, a dispatcher and the site's foreman; marks
    count at once (no undo window: test_a_no_show_waits_for_its_undo_window has one)."""
    branch, site = make_branch_site(session, undo_window_s=0)
    foreman = make_user(session, role="foreman", branch=branch)
    site.foreman_id = foreman.id
    order = _started_order(session, site, headcount=3)
    workers = [make_worker(session, branch=branch) for _ in range(4)]
    for worker in workers:
        _book(session, order, worker)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    return {
        "branch": branch,
        "site": site,
        "order": order,
        "workers": workers,
        "office": auth(dispatcher),
        "foreman": auth(foreman),
    }


def _path(order, tail=""):
    return f"/api/v1/orders/{order.id}{tail}"


def _mark(client, headers, order, worker, status, at=None):
    body = {"worker_id": worker.id, "status": status}
    if at is not None:
        body["at"] = at.isoformat()
    return client.post(_path(order, "/attendance"), json=body, headers=headers)


def _counts(session):
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (PenaltyEvent, AuditEntry, Review)
    )


def _mark_the_crew(client, shift):
    """A on time, B a no-show, C released, D left after an hour."""
    order, (a, b, c, d), headers = shift["order"], shift["workers"], shift["foreman"]
    start = order.starts_at
    for worker, status, at in (
        (a, "arrived", start),
        (b, "no_show", None),
        (c, "released", start),
        (d, "arrived", start),
        (d, "left_early", start + timedelta(hours=1)),
    ):
        answer = _mark(client, headers, order, worker, status, at)
        assert answer.status_code == 200, answer.text


def test_foreman_marks_an_arrival_and_gets_the_roster_line(client, session, shift):
    order, worker = shift["order"], shift["workers"][0]
    at = order.starts_at + timedelta(minutes=5)
    answer = _mark(client, shift["foreman"], order, worker, "arrived", at)
    assert answer.status_code == 200, answer.text
    line = answer.json()
    assert line["worker_id"] == worker.id and line["offer_status"] == "booked"
    assert line["attendance"] == "arrived" and line["left_at"] is None
    assert (line["arrived_at"] is not None) and _parse(line["arrived_at"]) == at
    state = client.get(_path(order), headers=shift["foreman"]).json()
    assert state["status"] == "in_progress" and state["counts"]["arrived"] == 1
    mine = [r for r in state["roster"] if r["worker_id"] == worker.id]
    assert mine == [line]


def _parse(value):
    from datetime import datetime

    return datetime.fromisoformat(value)


def test_a_late_arrival_books_a_penalty(client, session, shift):
    order, worker = shift["order"], shift["workers"][0]
    answer = _mark(client, shift["foreman"], order, worker, "arrived", order.starts_at + 30 * MIN)
    assert answer.status_code == 200, answer.text
    penalties = client.get(f"/api/v1/workers/{worker.id}/penalties", headers=shift["office"])
    assert penalties.status_code == 200
    (late,) = penalties.json()
    assert late["kind"] == "late" and late["automatic"] is True
    assert late["order_id"] == order.id and late["fine"] == "100.00"  # 20 min x 5.00


MIN = timedelta(minutes=1)


def test_foreman_sees_only_the_orders_assigned_to_them(client, session, shift):
    branch, site, order = shift["branch"], shift["site"], shift["order"]
    worker = shift["workers"][0]
    # The same site, but this order names another foreman: it is theirs, not the site's.
    named = make_user(session, role="foreman", branch=branch)
    theirs = _started_order(session, site)
    theirs.foreman_id = named.id
    _book(session, theirs, worker)
    elsewhere = _started_order(
        session, make_site(session, client=make_client(session, branch=branch))
    )
    _book(session, elsewhere, worker)
    before = _counts(session)
    for other in (theirs, elsewhere):
        answer = _mark(client, shift["foreman"], other, worker, "arrived")
        assert answer.status_code == 404, answer.text
        assert client.get(_path(other), headers=shift["foreman"]).status_code == 404
        assert client.get(_path(other, "/timesheet"), headers=shift["foreman"]).status_code == 404
    assert _counts(session) == before
    listed = client.get("/api/v1/orders", headers=shift["foreman"])
    assert listed.status_code == 200 and [o["id"] for o in listed.json()] == [order.id]
    by_name = _mark(client, auth(named), theirs, worker, "arrived", theirs.starts_at)
    assert by_name.status_code == 200, by_name.text
    assert client.get(_path(order), headers=auth(named)).status_code == 404


@pytest.mark.parametrize(
    "changes, loc",
    [
        ({"status": "asleep"}, ["body", "status"]),
        ({"at": "2026-11-27T08:00:00"}, ["body", "at"]),
        ({"at": (now() + timedelta(hours=1)).isoformat()}, ["body", "at"]),
        ({"worker_id": 0}, ["body", "worker_id"]),
        ({"extra": 1}, ["body", "extra"]),
    ],
)
def test_bad_marks_are_422_naming_the_field_and_write_nothing(client, session, shift, changes, loc):
    order, worker = shift["order"], shift["workers"][0]
    before = _counts(session)
    body = {"worker_id": worker.id, "status": "arrived", **changes}
    answer = client.post(_path(order, "/attendance"), json=body, headers=shift["foreman"])
    assert answer.status_code == 422, answer.text
    assert loc in [e["loc"] for e in answer.json()["detail"]], answer.text
    assert _counts(session) == before
    session.expire_all()
    assert session.get(Offer, _offer_id(session, order, worker)).attendance is None


def _offer_id(session, order, worker):
    return session.scalar(
        select(Offer.id).where(Offer.order_id == order.id, Offer.worker_id == worker.id)
    )


def test_a_worker_not_booked_is_409_and_nothing_is_written(client, session, shift):
    order = shift["order"]
    stranger = make_worker(session, branch=shift["branch"])
    standby = make_worker(session, branch=shift["branch"])
    _book(session, order, standby)
    session.get(Offer, _offer_id(session, order, standby)).status = "standby"
    session.flush()
    before = _counts(session)
    for worker in (stranger, standby):
        answer = _mark(client, shift["foreman"], order, worker, "no_show")
        assert answer.status_code == 409, answer.text
        assert "not booked" in answer.json()["detail"]
    assert _counts(session) == before


def test_close_answers_the_timesheet_and_it_adds_up(client, session, shift):
    order, (a, b, c, d) = shift["order"], shift["workers"]
    _mark_the_crew(client, shift)
    closed = client.post(_path(order, "/close"), headers=shift["foreman"])
    assert closed.status_code == 200, closed.text
    seen = closed.json()
    sheet = client.get(_path(order, "/timesheet"), headers=shift["office"]).json()
    assert sheet["closed"] is True and sheet["order_id"] == order.id
    assert sheet["code"] == order.code and sheet["currency"] == "RUB"
    # The foreman's answer is the office's sheet without the client's price and the margin.
    office_only = ("client_amount", "client_surcharge", "margin")
    assert seen["lines"] == [
        {k: v for k, v in line.items() if k not in office_only} for line in sheet["lines"]
    ]
    assert seen["totals"] == {k: v for k, v in sheet["totals"].items() if k not in office_only}
    lines = {line["worker_id"]: line for line in sheet["lines"]}
    # Closed two hours into the 8 h shift: those still on site are paid until the close.
    assert lines[a.id]["hours"] == "2.00" and lines[a.id]["client_amount"] == "500.00"
    assert lines[a.id]["worker_pay"] == "240.00" and lines[a.id]["fines"] == "0.00"
    assert lines[b.id]["attendance"] == "no_show" and lines[b.id]["fines"] == "300.00"
    assert lines[b.id]["worker_pay"] == "-300.00"
    assert lines[c.id]["client_amount"] == "0.00" and lines[c.id]["allowances"] == "300.00"
    assert lines[d.id]["hours"] == "1.00" and lines[d.id]["worker_pay"] == "120.00"
    assert lines[d.id]["left_at"] is not None
    roster = client.get(_path(order), headers=shift["foreman"]).json()["roster"]
    (left,) = [r for r in roster if r["worker_id"] == d.id]
    assert left["attendance"] == "left_early" and left["left_at"] == lines[d.id]["left_at"]
    for name in (*MONEY, "hours"):
        assert sum(Decimal(line[name]) for line in sheet["lines"]) == Decimal(
            sheet["totals"][name]
        ), name
    assert sheet["totals"]["client_amount"] == "750.00"
    assert sheet["totals"]["worker_pay"] == "360.00"
    assert sheet["totals"]["margin"] == "390.00"
    session.expire_all()
    assert session.get(Order, order.id).status == "completed"


@pytest.mark.parametrize(
    "body, hours, pay",
    [
        (None, "2.00", "240.00"),
        ({"end": "now"}, "2.00", "240.00"),
        ({"end": "scheduled"}, "8.00", "960.00"),
    ],
)
def test_close_ends_work_now_by_default_or_at_the_scheduled_end(client, shift, body, hours, pay):
    """Issue 15 item 1: the API's close keeps its default (work ends now) and takes an end."""
    order, a = shift["order"], shift["workers"][0]
    _mark_the_crew(client, shift)
    closed = client.post(_path(order, "/close"), headers=shift["foreman"], json=body)
    assert closed.status_code == 200, closed.text
    line = next(line for line in closed.json()["lines"] if line["worker_id"] == a.id)
    assert (line["hours"], line["worker_pay"]) == (hours, pay)
    bad = client.post(_path(order, "/close"), headers=shift["foreman"], json={"end": "later"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "end"]


def test_close_makes_the_unmarked_no_shows_and_twice_is_409(client, session, shift):
    order, workers = shift["order"], shift["workers"]
    closed = client.post(_path(order, "/close"), headers=shift["office"])
    assert closed.status_code == 200, closed.text
    assert {line["attendance"] for line in closed.json()["lines"]} == {"no_show"}
    assert len(closed.json()["lines"]) == len(workers)
    before = _counts(session)
    again = client.post(_path(order, "/close"), headers=shift["office"])
    assert again.status_code == 409 and "closed" in again.json()["detail"]
    late_mark = _mark(client, shift["foreman"], order, workers[0], "arrived", order.starts_at)
    assert late_mark.status_code == 409
    assert _counts(session) == before


def test_timesheet_csv_parses_and_adds_up(client, session, shift):
    order = shift["order"]
    _mark_the_crew(client, shift)
    answer = client.get(_path(order, "/timesheet?format=csv"), headers=shift["office"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith("attachment;")
    rows = read_csv(answer.content)
    *lines, total = rows
    assert total["worker_id"] == "Total" and len(lines) == len(shift["workers"])
    assert {row["order"] for row in rows} == {order.code}
    for name in (*MONEY, "hours"):
        assert sum(Decimal(row[name]) for row in lines) == Decimal(total[name]), name
    sheet = client.get(_path(order, "/timesheet"), headers=shift["office"]).json()
    assert sheet["closed"] is False
    assert {k: total[k] for k in MONEY} == {k: sheet["totals"][k] for k in MONEY}
    bad = client.get(_path(order, "/timesheet?format=xls"), headers=shift["office"])
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "format"]


def test_payouts_csv_per_worker_add_up_to_the_timesheets(client, session, shift):
    order, branch = shift["order"], shift["branch"]
    _mark_the_crew(client, shift)
    sheet = client.post(_path(order, "/close"), headers=shift["office"]).json()
    day = order.starts_at.astimezone(ZoneInfo(branch.timezone)).date()
    path = f"/api/v1/branches/{branch.id}/payouts?from={day}&to={day}"
    answer = client.get(path, headers=shift["office"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = {int(r["worker_id"]): r for r in read_csv(answer.content)}
    lines = {line["worker_id"]: line for line in sheet["lines"]}
    assert rows.keys() == lines.keys()
    for worker_id, row in rows.items():
        assert row["currency"] == "RUB"
        assert row["worker_pay"] == lines[worker_id]["worker_pay"]
        assert row["fines"] == lines[worker_id]["fines"]
    assert sum(Decimal(r["worker_pay"]) for r in rows.values()) == Decimal(
        sheet["totals"]["worker_pay"]
    )
    before = day - timedelta(days=3)
    empty = client.get(
        f"/api/v1/branches/{branch.id}/payouts?from={before}&to={before}", headers=shift["office"]
    )
    assert empty.status_code == 200 and len(empty.text.strip().splitlines()) == 1  # header only
    missing = client.get(
        f"/api/v1/branches/{branch.id}/payouts?from={day}", headers=shift["office"]
    )
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["query", "to"]
    assert client.get(path, headers=shift["foreman"]).status_code == 403


def test_reviews_and_a_complaint_that_becomes_a_penalty(client, session, shift):
    order, (a, b, c, _) = shift["order"], shift["workers"]
    _mark_the_crew(client, shift)
    path = _path(order, "/reviews")
    good = client.post(path, json={"worker_id": a.id, "stars": 5}, headers=shift["foreman"])
    assert good.status_code == 201, good.text
    assert good.json() | {"id": 0, "created_at": ""} == {
        "id": 0,
        "order_id": order.id,
        "worker_id": a.id,
        "stars": 5,
        "complaint": False,
        "comment": None,
        "complaint_reason": None,
        "penalty_id": None,
        "source": "foreman",
        "created_at": "",
    }
    body = {"worker_id": c.id, "stars": 2, "complaint": True, "comment": "rude to the client"}
    bad = client.post(path, json=body, headers=shift["office"])
    assert bad.status_code == 201, bad.text
    event = get_event(session, bad.json()["penalty_id"])
    assert event.kind == "complaint" and event.worker_id == c.id
    before = _counts(session)
    again = client.post(path, json={"worker_id": a.id, "stars": 3}, headers=shift["foreman"])
    assert again.status_code == 409
    absent = client.post(path, json={"worker_id": b.id, "stars": 1}, headers=shift["foreman"])
    assert absent.status_code == 409  # a no-show did not work
    assert _counts(session) == before


@pytest.mark.parametrize(
    "changes, loc",
    [
        ({"stars": 6}, ["body", "stars"]),
        ({"stars": 0}, ["body", "stars"]),
        ({"stars": True}, ["body", "stars"]),
        ({"comment": "x" * 2001}, ["body", "comment"]),
        ({"complaint": True}, ["body", "comment"]),  # a complaint says what happened
    ],
)
def test_bad_reviews_are_422_naming_the_field(client, session, shift, changes, loc):
    order, worker = shift["order"], shift["workers"][0]
    assert _mark(client, shift["foreman"], order, worker, "arrived").status_code == 200
    before = _counts(session)
    body = {"worker_id": worker.id, "stars": 4, **changes}
    answer = client.post(_path(order, "/reviews"), json=body, headers=shift["foreman"])
    assert answer.status_code == 422, answer.text
    assert loc in [e["loc"] for e in answer.json()["detail"]], answer.text
    assert _counts(session) == before


def test_a_penalty_is_listed_and_reversed_once(client, session, shift):
    order, worker = shift["order"], shift["workers"][1]
    assert _mark(client, shift["foreman"], order, worker, "no_show").status_code == 200
    listed = client.get(f"/api/v1/workers/{worker.id}/penalties", headers=shift["office"])
    assert listed.status_code == 200, listed.text
    (no_show,) = listed.json()
    assert no_show["kind"] == "no_show" and no_show["fine"] == "300.00"
    assert no_show["points"] == 3 and no_show["currency"] == "RUB"
    assert no_show["reversed_at"] is None and no_show["reverses_id"] is None
    path = f"/api/v1/penalties/{no_show['id']}/reverse"
    reversed_ = client.post(path, json={"reason": "phoned in sick"}, headers=shift["office"])
    assert reversed_.status_code == 201, reversed_.text
    entry = reversed_.json()
    assert entry["kind"] == "reversal" and entry["reverses_id"] == no_show["id"]
    assert entry["reason"] == "phoned in sick" and entry["automatic"] is False
    after = client.get(f"/api/v1/workers/{worker.id}/penalties", headers=shift["office"]).json()
    assert {e["id"] for e in after} == {no_show["id"], entry["id"]}
    assert next(e for e in after if e["id"] == no_show["id"])["reversed_at"] is not None
    sheet = client.get(_path(order, "/timesheet"), headers=shift["office"]).json()
    assert next(x for x in sheet["lines"] if x["worker_id"] == worker.id)["fines"] == "0.00"
    before = _counts(session)
    twice = client.post(path, json={"reason": "again"}, headers=shift["office"])
    assert twice.status_code == 409, twice.text
    of_reversal = client.post(
        f"/api/v1/penalties/{entry['id']}/reverse", json={"reason": "x"}, headers=shift["office"]
    )
    assert of_reversal.status_code == 409
    blank = client.post(path, json={"reason": ""}, headers=shift["office"])
    assert blank.status_code == 422 and blank.json()["detail"][0]["loc"] == ["body", "reason"]
    assert client.post(path, json={"reason": "x"}, headers=shift["foreman"]).status_code == 403
    unknown = client.post(
        "/api/v1/penalties/2147483647/reverse", json={"reason": "x"}, headers=shift["office"]
    )
    assert unknown.status_code == 404
    assert _counts(session) == before


def _fines(client, headers, order, worker) -> str:
    sheet = client.get(_path(order, "/timesheet"), headers=headers).json()
    return next(x for x in sheet["lines"] if x["worker_id"] == worker.id)["fines"]


def test_the_workers_home_branch_may_not_reverse_what_the_orders_branch_recorded(
    client, session, shift
):
    """Issue 14, High 1: branch A reversed a no-show branch B recorded on B's order for a
    worker of A, and B's timesheet fines dropped. The order's branch decides (and admins)."""
    home = make_branch(session, center=KAZAN)
    mine, other = make_worker(session, branch=home), make_worker(session, branch=home)
    order = shift["order"]
    for worker in (mine, other):
        _book(session, order, worker)
        assert _mark(client, shift["foreman"], order, worker, "no_show").status_code == 200
    event_id, other_id = (
        session.scalar(select(PenaltyEvent.id).where(PenaltyEvent.worker_id == w.id))
        for w in (mine, other)
    )
    home_office = auth(make_user(session, role="dispatcher", branch=home))
    seen = client.get(f"/api/v1/workers/{mine.id}/penalties", headers=home_office)
    assert [e["id"] for e in seen.json()] == [event_id]  # the home branch sees the entry...
    assert _fines(client, shift["office"], order, mine) == "300.00"
    before = _counts(session)
    refused = client.post(
        f"/api/v1/penalties/{event_id}/reverse", json={"reason": "ours"}, headers=home_office
    )
    assert refused.status_code == 403, refused.text  # ...but may not decide it
    assert refused.json()["code"] == "penalty_of_another_branch"
    assert _counts(session) == before
    session.expire_all()
    assert get_event(session, event_id).reversed_at is None
    assert _fines(client, shift["office"], order, mine) == "300.00"
    decided = client.post(
        f"/api/v1/penalties/{event_id}/reverse", json={"reason": "sick"}, headers=shift["office"]
    )
    assert decided.status_code == 201, decided.text
    assert _fines(client, shift["office"], order, mine) == "0.00"
    admin = auth(make_user(session, role="admin"))
    by_admin = client.post(
        f"/api/v1/penalties/{other_id}/reverse", json={"reason": "head office"}, headers=admin
    )
    assert by_admin.status_code == 201, by_admin.text


def test_the_workers_home_branch_writes_nothing_on_the_order_that_booked_them(
    client, session, shift
):
    """The siblings of the reversal: every write on another branch's order (marks, close,
    review, cancel, answers) is 404 to the booked worker's home branch too."""
    home = make_branch(session, center=KAZAN)
    worker = make_worker(session, branch=home)
    order = shift["order"]
    _book(session, order, worker)
    assert _mark(client, shift["foreman"], order, worker, "arrived").status_code == 200
    home_office = auth(make_user(session, role="dispatcher", branch=home))
    before = _counts(session)
    for path, body in (
        (_path(order, "/attendance"), {"worker_id": worker.id, "status": "no_show"}),
        (_path(order, "/close"), None),
        (
            _path(order, "/reviews"),
            {"worker_id": worker.id, "stars": 1, "complaint": True, "comment": "rude"},
        ),
        (_path(order, "/cancel"), {"reason": "ours"}),
        (_path(order, f"/offers/{worker.id}/decline"), None),
        (_path(order, f"/offers/{worker.id}/accept"), None),
    ):
        answer = client.post(path, json=body, headers=home_office)
        assert answer.status_code == 404, (path, answer.text)
    assert _counts(session) == before
    session.expire_all()
    assert session.get(Order, order.id).closed_at is None


def test_reversal_refusals_name_their_own_codes(client, session, shift):
    order, worker = shift["order"], shift["workers"][1]
    assert _mark(client, shift["foreman"], order, worker, "no_show").status_code == 200
    event_id = session.scalar(select(PenaltyEvent.id).where(PenaltyEvent.worker_id == worker.id))
    path = f"/api/v1/penalties/{event_id}/reverse"
    reversal = client.post(path, json={"reason": "sick"}, headers=shift["office"]).json()
    for target, status, code in (
        (event_id, 409, "penalty_already_reversed"),
        (reversal["id"], 409, "reversal_not_reversible"),
        (2147483647, 404, "penalty_not_found"),
    ):
        answer = client.post(
            f"/api/v1/penalties/{target}/reverse", json={"reason": "x"}, headers=shift["office"]
        )
        assert (answer.status_code, answer.json().get("code")) == (status, code), answer.text


def test_another_branch_gets_404_and_writes_nothing(client, session, shift):
    order, worker = shift["order"], shift["workers"][1]
    assert _mark(client, shift["foreman"], order, worker, "no_show").status_code == 200
    event_id = session.scalar(select(PenaltyEvent.id).where(PenaltyEvent.worker_id == worker.id))
    other = make_branch(session, center=KAZAN)
    stranger = auth(make_user(session, role="dispatcher", branch=other))
    before = _counts(session)
    for method, path, body in (
        ("POST", _path(order, "/attendance"), {"worker_id": worker.id, "status": "arrived"}),
        ("POST", _path(order, "/close"), None),
        ("GET", _path(order, "/timesheet"), None),
        ("GET", _path(order, "/timesheet?format=csv"), None),
        ("POST", _path(order, "/reviews"), {"worker_id": worker.id, "stars": 1}),
        ("GET", _path(order), None),
        ("GET", f"/api/v1/workers/{worker.id}/penalties", None),
        ("POST", f"/api/v1/penalties/{event_id}/reverse", {"reason": "not ours"}),
        (
            "GET",
            f"/api/v1/branches/{shift['branch'].id}/payouts?from=2026-01-01&to=2026-12-31",
            None,
        ),
    ):
        answer = client.request(method, path, json=body, headers=stranger)
        assert answer.status_code == 404, (path, answer.text)
    assert _counts(session) == before
    session.expire_all()
    assert get_event(session, event_id).reversed_at is None
    assert session.get(Order, order.id).closed_at is None


def test_a_foreman_of_another_branch_is_404_on_the_order(client, session, shift):
    other = make_branch(session, center=KAZAN)
    foreman = auth(make_user(session, role="foreman", branch=other))
    order, worker = shift["order"], shift["workers"][0]
    before = _counts(session)
    assert _mark(client, foreman, order, worker, "arrived").status_code == 404
    assert client.post(_path(order, "/close"), headers=foreman).status_code == 404
    assert client.get(f"/api/v1/workers/{worker.id}/penalties", headers=foreman).status_code == 403
    assert _counts(session) == before


def test_the_new_calls_are_documented(client):
    schema = client.get("/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/orders/{order_id}/attendance",
        "/api/v1/orders/{order_id}/close",
        "/api/v1/orders/{order_id}/timesheet",
        "/api/v1/orders/{order_id}/reviews",
        "/api/v1/workers/{worker_id}/penalties",
        "/api/v1/penalties/{penalty_id}/reverse",
        "/api/v1/branches/{branch_id}/payouts",
    ):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/branches/{branch_id}/payouts"]["get"]["parameters"]}
    assert {"from", "to"} <= params
    assert (
        "text/csv"
        in paths["/api/v1/orders/{order_id}/timesheet"]["get"]["responses"]["200"]["content"]
    )


def test_foremen_are_assigned_by_site_or_order_and_must_be_this_branchs_foremen(client, session):
    branch, other = make_branch(session), make_branch(session)
    office = auth(make_user(session, role="dispatcher", branch=branch))
    site_foreman = make_user(session, role="foreman", branch=branch)
    order_foreman = make_user(session, role="foreman", branch=branch)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    stranger = make_user(session, role="foreman", branch=other)
    client_id = make_client(session, branch=branch).id
    site_body = {
        "client_id": client_id,
        "name": "Склад",
        "address": "ул. Складская, 1",
        "location": {"lat": MOSCOW.lat, "lon": MOSCOW.lon},
    }
    for wrong in (dispatcher.id, stranger.id, 999_999):
        refused = client.post(
            "/api/v1/sites", headers=office, json={**site_body, "foreman_id": wrong}
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["detail"][0]["loc"][-1] == "foreman_id"
    site = client.post(
        "/api/v1/sites", headers=office, json={**site_body, "foreman_id": site_foreman.id}
    ).json()
    assert site["foreman_id"] == site_foreman.id
    patched = client.patch(
        f"/api/v1/sites/{site['id']}", headers=office, json={"foreman_id": stranger.id}
    )
    assert patched.status_code == 422 and patched.json()["detail"][0]["loc"][-1] == "foreman_id"

    starts = (now() + timedelta(days=1)).replace(microsecond=0)
    order_body = {
        "site_id": site["id"],
        "skill": "loader",
        "headcount": 2,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=8)).isoformat(),
        "client_rate": "250.00",
        "worker_rate": "120.00",
    }
    refused = client.post(
        "/api/v1/orders", headers=office, json={**order_body, "foreman_id": dispatcher.id}
    )
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][-1] == "foreman_id"
    by_site = client.post("/api/v1/orders", headers=office, json=order_body).json()
    named = client.post(
        "/api/v1/orders", headers=office, json={**order_body, "foreman_id": order_foreman.id}
    ).json()
    assert named["foreman_id"] == order_foreman.id and by_site["foreman_id"] is None

    def visible(user):
        return {o["id"] for o in client.get("/api/v1/orders", headers=auth(user)).json()}

    assert visible(site_foreman) == {by_site["id"]}  # the named order is the other foreman's
    assert visible(order_foreman) == {named["id"]}
    assert visible(stranger) == set()


def test_nul_characters_and_endless_payout_ranges_are_422_not_500(client, session, shift):
    order, (worker, *_) = shift["order"], shift["workers"]
    _mark(client, shift["foreman"], order, worker, "arrived")
    before = _counts(session)
    review = client.post(
        _path(order, "/reviews"),
        headers=shift["foreman"],
        json={"worker_id": worker.id, "stars": 4, "comment": "ok\x00"},
    )
    assert review.status_code == 422 and review.json()["detail"][0]["loc"] == ["body", "comment"]
    branch = shift["branch"].id
    for query in ("from=2026-01-01&to=9999-12-31", "from=2025-01-01&to=2026-06-01"):
        answer = client.get(f"/api/v1/branches/{branch}/payouts?{query}", headers=shift["office"])
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"][0]["loc"] == ["query", "to"]
    assert _counts(session) == before


def test_a_no_show_waits_for_its_undo_window_and_an_undo_takes_it_back(client, session, shift):
    order, (worker, other, *_) = shift["order"], shift["workers"]
    shift["branch"].undo_window_s = 120
    session.flush()
    marked = _mark(client, shift["foreman"], order, worker, "no_show")
    assert marked.status_code == 200
    line = marked.json()
    assert line["attendance"] is None and line["pending_mark"] == "no_show"
    left = datetime.fromisoformat(line["pending_until"]) - now()
    assert 115 <= left.total_seconds() <= 121
    undo = _path(order, "/attendance/undo")
    undone = client.post(undo, json={"worker_id": worker.id}, headers=shift["foreman"])
    assert undone.status_code == 200 and undone.json()["pending_mark"] is None
    again = client.post(undo, json={"worker_id": worker.id}, headers=shift["foreman"])
    assert again.status_code == 409 and again.json()["code"] == "nothing_to_undo"
    # Nothing was recorded for it; an arrival counts at once.
    entries = select(func.count()).select_from(PenaltyEvent)
    assert session.scalar(entries.where(PenaltyEvent.worker_id == worker.id)) == 0
    assert _mark(client, shift["foreman"], order, other, "arrived").json()["pending_mark"] is None
    bad = client.post(undo, json={"worker_id": "x"}, headers=shift["foreman"])
    assert bad.status_code == 422
