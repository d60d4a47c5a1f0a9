"""Vetting as a recorded act (workers/vetting.py): who, when, the result, the documents; the
rules of a patent; block, unblock and opting back in, each audited with its reason."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import InvalidInput, ReasonRequired
from dispatch.registry.staff import actor_of
from tests.builders import make_branch, make_user, make_worker
from workers import vetting
from workers.errors import (
    AlreadyBlocked,
    DocumentInvalid,
    DocumentTwice,
    NotOptedOut,
    PassportRequired,
    PatentExpired,
)
from workers.models import VettingDocument, WorkerVetting
from workers.vetting import Document

TODAY = date(2026, 12, 3)
PASSPORT = Document("passport", "4510 123456")


@pytest.fixture
def branch(session):
    return make_branch(session)


@pytest.fixture
def actor(session, branch):
    return actor_of(make_user(session, role="dispatcher", branch=branch))


def _vet(session, worker, actor, result="approved", note="", documents=(PASSPORT,)):
    return vetting.vet(
        session,
        worker,
        actor=actor,
        result=result,
        note=note,
        documents=list(documents),
        today=TODAY,
    )


def test_an_approval_records_who_when_and_the_papers(session, branch, actor):
    worker = make_worker(session, branch=branch, vetted=False)
    patent = Document("patent", " 77  no 123 ", TODAY + timedelta(days=90))
    act = _vet(session, worker, actor, documents=(PASSPORT, patent))
    assert (act.vetted_by, act.result, act.worker_id) == (actor.user_id, "approved", worker.id)
    assert act.vetted_at is not None
    docs = session.scalars(select(VettingDocument).where(VettingDocument.vetting_id == act.id))
    assert sorted((d.kind, d.number, d.expires_on) for d in docs) == [
        ("passport", "4510 123456", None),
        ("patent", "77 NO 123", TODAY + timedelta(days=90)),
    ]
    assert worker.vetted and worker.patent_expires_on == TODAY + timedelta(days=90)


def test_a_later_approval_without_a_patent_clears_it_and_a_rejection_unvets(session, branch, actor):
    worker = make_worker(session, branch=branch, patent_expires_on=TODAY + timedelta(days=5))
    _vet(session, worker, actor)  # a citizen now: no patent needed
    assert worker.patent_expires_on is None
    _vet(session, worker, actor, result="rejected", note="forged", documents=())
    assert worker.vetted is False
    assert [v.result for v, _ in vetting.vettings(session, worker)] == ["rejected", "approved"]


@pytest.mark.parametrize(
    "documents, error, loc",
    [
        ((Document("patent", "1"),), DocumentInvalid, ("body", "documents", "0", "expires_on")),
        ((Document("passport", " "),), DocumentInvalid, ("body", "documents", "0", "number")),
        ((PASSPORT, PASSPORT), DocumentTwice, ("body", "documents", "1", "kind")),
        (
            (PASSPORT, Document("patent", "1", TODAY - timedelta(days=1))),
            PatentExpired,
            ("body", "documents", "1", "expires_on"),
        ),
        ((Document("patent", "1", TODAY),), PassportRequired, ("body", "documents")),
        ((Document("visa", "1"),), InvalidInput, ("body", "documents", "0", "kind")),
    ],
)
def test_papers_that_cannot_approve_are_refused_naming_the_field(
    session, branch, actor, documents, error, loc
):
    worker = make_worker(session, branch=branch, vetted=False)
    with pytest.raises(error) as refused:
        _vet(session, worker, actor, documents=documents)
    assert refused.value.loc == loc
    assert session.scalars(select(WorkerVetting)).first() is None
    assert worker.vetted is False


def test_a_patent_expiring_today_still_approves_and_an_expired_one_may_be_seen_at_rejection(
    session, branch, actor
):
    worker = make_worker(session, branch=branch, vetted=False)
    _vet(session, worker, actor, documents=(PASSPORT, Document("patent", "1", TODAY)))
    assert worker.vetted
    old = Document("patent", "2", TODAY - timedelta(days=30))
    _vet(session, worker, actor, result="rejected", note="patent lapsed", documents=(old,))
    assert worker.vetted is False


def test_a_rejection_without_a_note_is_refused(session, branch, actor):
    worker = make_worker(session, branch=branch)
    with pytest.raises(ReasonRequired):
        _vet(session, worker, actor, result="rejected", note="  ")


def test_block_unblock_and_opt_in_are_audited_with_their_reasons(session, branch, actor):
    worker = make_worker(session, branch=branch, opted_out=True)
    with pytest.raises(ReasonRequired):
        vetting.block(session, worker, actor=actor, reason=" ")
    vetting.block(session, worker, actor=actor, reason="no-show twice")
    with pytest.raises(AlreadyBlocked):
        vetting.block(session, worker, actor=actor, reason="again")
    vetting.unblock(session, worker, actor=actor, reason="talked it through")
    vetting.opt_in(session, worker, actor=actor, note="asked by phone")
    with pytest.raises(NotOptedOut):
        vetting.opt_in(session, worker, actor=actor, note="again")
    mine = (
        select(AuditEntry).where(AuditEntry.actor_user_id == actor.user_id).order_by(AuditEntry.id)
    )  # not others'
    entries = session.scalars(mine.order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_user_id) for e in entries] == [
        ("worker.block", actor.user_id),
        ("worker.unblock", actor.user_id),
        ("worker.opt_in", actor.user_id),
    ]
    assert worker.status == "active" and worker.opted_out is False
    assert vetting.last_act(session, worker, "worker.block")[1] == "no-show twice"


@pytest.mark.parametrize(
    "days, warning", [(-1, "expired"), (0, "expiring"), (14, "expiring"), (15, None)]
)
def test_the_warning_starts_14_days_before(session, branch, days, warning):
    worker = make_worker(session, branch=branch, patent_expires_on=TODAY + timedelta(days=days))
    assert vetting.patent_warning(worker, TODAY) == warning
