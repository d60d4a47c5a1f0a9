"""The console's queue of workers' disputes of penalties (issue 19): what it shows of a case,
reversing one, upholding one only with a reason, a case decided already refused in words;
the API's routes beside it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.clock import now
from dispatch.penalties import disputes, record
from rating import reasons
from rating.models import PenaltyDispute
from tests.api.console.helpers import sign_in
from tests.builders import (
    auth,
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)


@pytest.fixture
def case(session):
    branch = make_branch(session)
    site = make_site(session, client=make_client(session, branch=branch))
    worker = make_worker(session, branch=branch, full_name="Каримов Рустам")
    order = make_order(
        session, site=site, now=now() - timedelta(days=1), starts_in=timedelta(hours=14)
    )
    order.branch = branch
    foreman = make_user(session, role="foreman", branch=branch, full_name="Бригадир Пётр")
    make_offer(session, order=order, worker=worker, attendance="no_show", attendance_by=foreman.id)
    record.penalise(
        session, order, worker.id, kind="no_show", points=3, fine=Decimal("300"),
        reason=reasons.of("absent"),
    )  # fmt: skip
    opened = disputes.open_case(
        session, worker, order.code, words="Автобус сломался", message=None, now=now()
    )
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    return opened.cases[0], order, dispatcher, branch


def test_the_queue_shows_the_case_and_reverses_it(client, session, case):
    dispute, order, dispatcher, _ = case
    form = sign_in(client, dispatcher)
    page = client.get("/console/worker-disputes").text
    for shown in ("Каримов Рустам", "Автобус сломался", order.code, "Бригадир Пётр", "неявка"):
        assert shown in page, shown
    assert 'href="/console/worker-disputes"' in page  # the nav link
    done = client.post(
        f"/console/worker-disputes/{dispute.id}/reverse", data=form, follow_redirects=False
    )
    assert done.status_code == 303
    session.expire_all()
    assert session.get_one(PenaltyDispute, dispute.id).status == "reversed"
    after = client.get(done.headers["location"]).text
    assert "Взыскание снято" in after and "Каримов Рустам" not in after
    again = client.post(f"/console/worker-disputes/{dispute.id}/reverse", data=form)
    assert again.status_code == 409 and "Спор уже решён" in again.text


def test_upholding_needs_a_reason(client, session, case):
    dispute, _, dispatcher, _ = case
    form = sign_in(client, dispatcher)
    bad = client.post(f"/console/worker-disputes/{dispute.id}/uphold", data=form)
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text
    assert session.get_one(PenaltyDispute, dispute.id).status == "open"
    client.post(
        f"/console/worker-disputes/{dispute.id}/uphold",
        data={**form, "reason": "Бригадир звонил"},
    )
    session.expire_all()
    held = session.get_one(PenaltyDispute, dispute.id)
    assert (held.status, held.outcome_reason) == ("upheld", "Бригадир звонил")
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-1] == "dispute.uphold"


def test_a_foreman_is_refused_the_page(client, session, case):
    branch = case[3]
    sign_in(client, make_user(session, role="foreman", branch=branch))
    assert client.get("/console/worker-disputes").status_code == 403


def test_the_api_lists_and_decides(client, session, case):
    dispute, order, dispatcher, _ = case
    headers = auth(dispatcher)
    listed = client.get("/api/v1/worker-disputes", headers=headers).json()
    assert [(d["id"], d["words"], d["order_code"]) for d in listed] == [
        (dispute.id, "Автобус сломался", order.code)
    ]
    assert (
        listed[0]["worker_name"] == "Каримов Рустам" and listed[0]["marked_by"] == "Бригадир Пётр"
    )
    refused = client.post(
        f"/api/v1/worker-disputes/{dispute.id}/uphold", headers=headers, json={"reason": ""}
    )
    assert refused.status_code == 422
    done = client.post(
        f"/api/v1/worker-disputes/{dispute.id}/uphold", headers=headers, json={"reason": "видео"}
    )
    assert done.status_code == 200 and done.json()["status"] == "upheld"
    again = client.post(f"/api/v1/worker-disputes/{dispute.id}/reverse", headers=headers, json={})
    assert again.status_code == 409 and again.json()["code"] == "dispute_decided"
