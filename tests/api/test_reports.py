"""GET /api/v1/reports/{name}: shapes, totals and the period before, groupings, the 404s and
422s, an owner's branches only, CSV."""

from datetime import date

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from dispatch.models import User
from dispatch.reports import keeping
from dispatch.reports.models import ReportDay
from tests.builders import auth, make_branch, make_user
from tests.dispatch.reports.network import make_network

URL = "/api/v1/reports"
FIRST, LAST = date(2026, 10, 1), date(2026, 10, 10)
PERIOD = {"from": FIRST.isoformat(), "to": LAST.isoformat()}


@pytest.fixture
def net(session, session_factory):
    network = make_network(session, branches=4, days=20, first=date(2026, 9, 21), seed=11)
    keeping.rebuild(factory=session_factory)
    return network


@pytest.fixture
def admin(session):
    return make_user(session, role="admin")


@pytest.fixture
def owner(session, net):
    """The franchisee organisation's owner: branches 1 and 3 of the four."""
    user = User(
        username="owner-of-franchise",
        password_hash=make_user(session, role="admin").password_hash,
        role="owner",
        organisation_id=net.organisations[1].id,
    )
    session.add(user)
    session.flush()
    return user


def _sum(session, column, branch_ids, first=FIRST, last=LAST):  # noqa: ANN001, ANN202
    return session.scalar(
        select(func.coalesce(func.sum(column), 0)).where(
            ReportDay.branch_id.in_(branch_ids), ReportDay.day.between(first, last)
        )
    )


def test_fill_by_branch_rows_totals_and_the_period_before(client, session, net, admin):
    answer = client.get(f"{URL}/fill", params={**PERIOD, "group_by": "branch"}, headers=auth(admin))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    ids = [b.id for b in net.branches]
    assert {r["key"] for r in body["rows"]} == set(ids)
    assert {r["label"] for r in body["rows"]} == {b.name for b in net.branches}
    totals = body["totals"]
    assert totals["orders"] == _sum(session, ReportDay.orders, ids) > 0
    assert totals["fill_rate"] == round(
        _sum(session, ReportDay.booked_by_start, ids) / _sum(session, ReportDay.headcount, ids), 4
    )
    assert sum(r["orders"] for r in body["rows"]) == totals["orders"]
    before = body["previous"]
    assert (before["from"], before["to"]) == ("2026-09-21", "2026-09-30")
    assert (
        before["totals"]["orders"]
        == _sum(session, ReportDay.orders, ids, date(2026, 9, 21), date(2026, 9, 30))
        > 0
    )


GROUPINGS = ["client", "site", "skill", "weekday", "hour", "day", "month"]


def test_every_grouping_adds_up_to_the_totals(client, net, admin):
    for group_by in GROUPINGS:
        _adds_up(client, admin, group_by)


def _adds_up(client, admin, group_by):  # noqa: ANN001, ANN202
    for name, figure in (("fill", "headcount"), ("attendance", "no_shows"), ("money", "revenue")):
        body = client.get(
            f"{URL}/{name}", params={**PERIOD, "group_by": group_by}, headers=auth(admin)
        ).json()
        rows = body["rows"]
        assert rows
        if name == "money":
            assert sum(float(r[figure]) for r in rows) == pytest.approx(
                float(body["totals"][figure])
            )
            assert body["totals"]["revenue"].count(".") == 1
        else:
            assert sum(r[figure] for r in rows) == body["totals"][figure]
    if group_by == "month":
        assert [r["key"] for r in rows] == ["2026-10-01"]
    if group_by == "weekday":
        assert {r["key"] for r in rows} <= set(range(1, 8))


def test_workers_and_calibration(client, session, net, admin):
    workers = client.get(f"{URL}/workers", params=PERIOD, headers=auth(admin)).json()
    ranks = [r["rank"] for r in workers["rows"]]
    assert ranks.count("top") == 10 and ranks.count("bottom") == 10
    top = [r["reliability"] for r in workers["rows"] if r["rank"] == "top"]
    assert top == sorted(top, reverse=True) and all(r["name"] for r in workers["rows"])
    audited = session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.action == "worker.list", AuditEntry.detail["via"].astext == "report.workers"
        )
    )
    assert audited == 1
    calibration = client.get(f"{URL}/calibration", params=PERIOD, headers=auth(admin)).json()
    rows = calibration["rows"]
    assert rows and sum(r["orders"] for r in rows) == calibration["totals"]["orders"]
    for row in rows:
        low = float(row["bucket"].split("-")[0])
        assert low <= row["predicted"] < low + 0.1 + 1e-9
        assert row["actual"] == round(row["filled"] / row["orders"], 4)


def test_bad_asks_are_404_and_422(client, session, net, admin):
    other = make_branch(session)
    manager = net.users[net.branches[0].id]
    cases = [
        (admin, f"{URL}/nonsense", {}, 404, None),
        (admin, f"{URL}/fill", {"group_by": "colour"}, 422, "group_by"),
        (admin, f"{URL}/fill", {"from": "2026-10-10", "to": "2026-10-01"}, 422, "from"),
        (admin, f"{URL}/fill", {"from": "2025-01-01", "to": "2026-10-01"}, 422, "to"),
        (admin, f"{URL}/fill", {"from": "yesterday"}, 422, "from"),
        (manager, f"{URL}/fill", {"branch_id": net.branches[1].id}, 404, None),
        (manager, f"{URL}/workers", {"branch_id": other.id}, 404, None),
    ]
    for user, url, params, status, field in cases:
        answer = client.get(url, params=params, headers=auth(user))
        assert answer.status_code == status, (url, params, answer.text)
        if field:
            assert field in answer.text
    dispatcher = make_user(session, role="dispatcher", branch=net.branches[0])
    assert client.get(f"{URL}/fill", headers=auth(dispatcher)).status_code == 403


def test_a_manager_and_an_owner_see_only_their_branches(client, session, net, owner):
    manager = net.users[net.branches[0].id]
    rows = client.get(f"{URL}/money", params=PERIOD, headers=auth(manager)).json()["rows"]
    assert {r["key"] for r in rows} == {net.branches[0].id}
    mine = {b.id for b in net.branches if b.organisation_id == net.organisations[1].id}
    assert len(mine) == 2
    body = client.get(f"{URL}/money", params=PERIOD, headers=auth(owner)).json()
    assert {r["key"] for r in body["rows"]} == mine
    assert float(body["totals"]["revenue"]) == pytest.approx(
        float(_sum(session, ReportDay.revenue, list(mine)))
    )
    assert body["totals"]["royalty"] == "0.00"  # no invoices: tests/api/test_report_royalty.py
    outside = next(b.id for b in net.branches if b.id not in mine)
    for name in ("fill", "workers", "calibration"):
        answer = client.get(f"{URL}/{name}", params={"branch_id": outside}, headers=auth(owner))
        assert answer.status_code == 404
    one = client.get(
        f"{URL}/attendance", params={**PERIOD, "branch_id": min(mine)}, headers=auth(owner)
    )
    assert {r["key"] for r in one.json()["rows"]} == {min(mine)}


def test_csv_has_the_same_rows(client, net, admin):
    params = {**PERIOD, "group_by": "branch"}
    body = client.get(f"{URL}/fill", params=params, headers=auth(admin)).json()
    answer = client.get(
        f"{URL}/fill", params={**params, "format": "csv", "lang": "en"}, headers=auth(admin)
    )
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    lines = answer.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Group,Name,Orders,Headcount,Booked by start,Fill rate")
    assert len(lines) == 1 + len(body["rows"])
    assert lines[1].split(",")[2] == str(body["rows"][0]["orders"])
    ru = client.get(
        f"{URL}/calibration", params={**PERIOD, "format": "csv", "lang": "ru"}, headers=auth(admin)
    )
    assert ru.content.decode("utf-8-sig").startswith("Прогноз (интервал);Прогноз;Заказов")
