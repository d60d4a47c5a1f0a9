"""The API of a worker's standing: a vetting recorded with its documents, 422 naming the
field and writing nothing, 404 across branches, block/unblock/opt-in with a reason, every
act audited, and the patents about to expire."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.clock import now
from dispatch.models import Offer
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
from workers.models import VettingDocument, WorkerVetting

TODAY = now().date()  # within a day of the Moscow branch's today: dates below keep clear


def _url(worker, act: str = "vetting") -> str:
    return f"/api/v1/workers/{worker.id}/{act}"


def _audit(session, action: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    return list(session.scalars(query))


@pytest.fixture
def branch(session):
    return make_branch(session)


@pytest.fixture
def office(session, branch):
    return auth(make_user(session, role="dispatcher", branch=branch))


def _approval(patent_days: int | None = 200) -> dict:
    documents = [{"kind": "passport", "number": " ab 123456 "}]
    if patent_days is not None:
        expires = (TODAY + timedelta(days=patent_days)).isoformat()
        documents.append({"kind": "patent", "number": "77 2400123", "expires_on": expires})
    return {"result": "approved", "note": "seen in the office", "documents": documents}


def test_an_approval_is_recorded_with_its_documents_and_vets_the_worker(
    client, session, branch, office
):
    worker = make_worker(session, branch=branch, vetted=False)
    answer = client.post(_url(worker), json=_approval(), headers=office)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["result"] == "approved" and body["vetted"] is True
    assert body["patent_expires_on"] == (TODAY + timedelta(days=200)).isoformat()
    assert [(d["kind"], d["number"]) for d in body["documents"]] == [
        ("passport", "AB 123456"),
        ("patent", "77 2400123"),
    ]
    session.refresh(worker)
    assert worker.vetted and worker.patent_expires_on == TODAY + timedelta(days=200)
    [entry] = _audit(session, "worker.vet")
    assert entry.entity_ids == [worker.id] and entry.detail["result"] == "approved"
    assert "AB 123456" not in str(entry.detail)  # the numbers stay in their table
    listed = client.get(_url(worker, "vettings"), headers=office).json()
    assert [v["id"] for v in listed] == [body["id"]]
    [read] = _audit(session, "worker.read")  # the documents' numbers: an audited read
    assert read.entity_ids == [worker.id]


def test_a_rejection_unvets_and_must_say_why(client, session, branch, office):
    worker = make_worker(session, branch=branch)
    silent = client.post(_url(worker), json={"result": "rejected"}, headers=office)
    assert silent.status_code == 422
    assert silent.json()["detail"][0]["loc"] == ["body", "note"]
    said = client.post(
        _url(worker), json={"result": "rejected", "note": "papers forged"}, headers=office
    )
    assert said.status_code == 201, said.text
    session.refresh(worker)
    assert worker.vetted is False


@pytest.mark.parametrize(
    "documents, loc, code",
    [
        ([{"kind": "patent", "number": "1"}], ["body", "documents", "0", "expires_on"], None),
        ([{"kind": "visa", "number": "1"}], ["body", "documents", 0, "kind"], "literal_error"),
        ([{"kind": "passport", "number": ""}], ["body", "documents", 0, "number"], None),
        ([{"kind": "passport", "number": "   "}], ["body", "documents", "0", "number"], None),
        (
            [{"kind": "passport", "number": "1"}, {"kind": "passport", "number": "2"}],
            ["body", "documents", "1", "kind"],
            "document_twice",
        ),
        (
            [
                {"kind": "passport", "number": "1"},
                {"kind": "patent", "number": "2", "expires_on": "2020-01-01"},
            ],
            ["body", "documents", "1", "expires_on"],
            "patent_expired",
        ),
        (
            [{"kind": "patent", "number": "2", "expires_on": "2099-01-01"}],
            ["body", "documents"],
            "passport_required",
        ),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    client, session, branch, office, documents, loc, code
):
    worker = make_worker(session, branch=branch, vetted=False)
    answer = client.post(
        _url(worker), json={"result": "approved", "documents": documents}, headers=office
    )
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["detail"]
    assert error["loc"] == loc
    if code:
        assert error["type"] == code
    assert session.scalar(select(func.count()).select_from(WorkerVetting)) == 0
    assert session.scalar(select(func.count()).select_from(VettingDocument)) == 0
    session.refresh(worker)
    assert worker.vetted is False and worker.patent_expires_on is None


def test_another_branch_gets_404_and_other_roles_403(client, session, branch):
    worker = make_worker(session, branch=branch)
    stranger = auth(make_user(session, role="dispatcher", branch=make_branch(session)))
    for act, body in (
        ("vetting", _approval()),
        ("block", {"reason": "x"}),
        ("unblock", {"reason": "x"}),
        ("opt-in", {"note": "x"}),
    ):
        assert client.post(_url(worker, act), json=body, headers=stranger).status_code == 404
    assert client.get(_url(worker, "vettings"), headers=stranger).status_code == 404
    foreman = auth(make_user(session, role="foreman", branch=branch))
    assert client.post(_url(worker), json=_approval(), headers=foreman).status_code == 403
    assert not _audit(session, "worker.vet")


def test_a_manager_and_an_admin_may_vet(client, session, branch):
    worker = make_worker(session, branch=branch)
    for user in (
        make_user(session, role="manager", branch=branch),
        make_user(session, role="admin"),
    ):
        answer = client.post(_url(worker), json=_approval(), headers=auth(user))
        assert answer.status_code == 201, answer.text


def test_block_and_unblock_say_why_and_are_audited(client, session, branch, office):
    worker = make_worker(session, branch=branch)
    assert client.post(_url(worker, "block"), json={"reason": ""}, headers=office).json()["detail"][
        0
    ]["loc"] == ["body", "reason"]
    blocked = client.post(_url(worker, "block"), json={"reason": "fought on site"}, headers=office)
    assert blocked.status_code == 200 and blocked.json()["status"] == "blocked"
    assert blocked.json()["released"] == [] and blocked.json()["under_way"] == []
    again = client.post(_url(worker, "block"), json={"reason": "again"}, headers=office)
    assert (again.status_code, again.json()["code"]) == (409, "worker_already_blocked")
    unblocked = client.post(_url(worker, "unblock"), json={"reason": "apologised"}, headers=office)
    assert unblocked.json()["status"] == "active"
    twice = client.post(_url(worker, "unblock"), json={"reason": "x"}, headers=office)
    assert (twice.status_code, twice.json()["code"]) == (409, "worker_not_blocked")
    assert [e.detail["reason"] for e in _audit(session, "worker.block")] == ["fought on site"]
    assert [e.detail["reason"] for e in _audit(session, "worker.unblock")] == ["apologised"]


def test_a_block_answers_the_orders_released_from_and_those_under_way(
    client, session, branch, office
):
    """Booked tomorrow: released and named; booked on a shift begun an hour ago: left, listed
    for the dispatcher."""
    worker = make_worker(session, branch=branch)
    site = make_site(session, client=make_client(session, branch=branch))
    at = now()
    ahead = make_order(session, site=site, headcount=1, now=at)
    make_offer(session, order=ahead, worker=worker, status="booked", booked_at=at)
    running = make_order(
        session, site=site, headcount=1, now=at - timedelta(hours=2), starts_in=timedelta(hours=1)
    )
    make_offer(session, order=running, worker=worker, status="booked", booked_at=at)
    answer = client.post(_url(worker, "block"), json={"reason": "fought on site"}, headers=office)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "blocked"
    assert body["released"] == [{"order_id": ahead.id, "code": ahead.code, "was": "booked"}]
    assert [(u["order_id"], u["code"]) for u in body["under_way"]] == [(running.id, running.code)]
    statuses = dict(
        session.execute(
            select(Offer.order_id, Offer.status).where(Offer.worker_id == worker.id)
        ).all()
    )
    assert statuses == {ahead.id: "cancelled", running.id: "booked"}


def test_an_opted_out_worker_is_opted_back_in_at_their_request(client, session, branch):
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    worker = make_worker(session, branch=branch, opted_out=True)
    url, headers = _url(worker, "opt-in"), auth(dispatcher)
    assert client.post(url, json={}, headers=headers).json()["detail"][0]["loc"] == [
        "body",
        "note",
    ]
    answer = client.post(url, json={"note": "called the office on 03.12"}, headers=headers)
    assert answer.status_code == 200 and answer.json()["opted_out"] is False
    [entry] = _audit(session, "worker.opt_in")
    assert entry.actor_user_id == dispatcher.id
    assert entry.detail == {"note": "called the office on 03.12", "at_workers_request": True}
    refused = client.post(url, json={"note": "again"}, headers=headers)
    assert (refused.status_code, refused.json()["code"]) == (409, "worker_not_opted_out")


def test_patents_expiring_within_14_days_are_listed_soonest_first(client, session, branch, office):
    soon = make_worker(session, branch=branch, patent_expires_on=TODAY + timedelta(days=10))
    gone = make_worker(session, branch=branch, patent_expires_on=TODAY - timedelta(days=3))
    make_worker(session, branch=branch, patent_expires_on=TODAY + timedelta(days=40))
    make_worker(session, branch=branch)  # no patent needed
    make_worker(
        session, branch=make_branch(session), patent_expires_on=TODAY + timedelta(days=2)
    )  # another branch's
    listed = client.get("/api/v1/patents/expiring", headers=office).json()
    assert [(p["worker_id"], p["expired"]) for p in listed] == [(gone.id, True), (soon.id, False)]
    [entry] = _audit(session, "worker.patents")
    assert entry.entity_ids == [gone.id, soon.id]
