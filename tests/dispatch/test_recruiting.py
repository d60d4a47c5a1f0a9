"""Issue 19: the recruiter's acts on an applicant: invite by SMS, approve into a vetted
worker (the vetting record, the worker texted), refuse politely; each audited, each scoped to
the recruiter's branch."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import InvalidInput
from core.tenancy import Actor
from dispatch.applicants import recruiting
from dispatch.applicants.errors import ApplicantNotFound, ApplicantNotWaiting
from sms.models import Message
from tests.builders import NOW, make_applicant, make_branch, make_user
from workers.applicants import Applicant
from workers.errors import PassportRequired
from workers.models import VettingDocument, Worker, WorkerVetting
from workers.vetting import Document


def actor_of(user):
    return Actor(user.id, user.username, user.role, user.branch_id)


@pytest.fixture
def office(session):
    branch = make_branch(session, name="Казань")
    recruiter = make_user(session, role="recruiter", branch=branch)
    return branch, actor_of(recruiter)


def texts_to(session, phone):
    return list(
        session.scalars(
            select(Message)
            .where(Message.phone == phone, Message.direction == "out")
            .order_by(Message.id)
        )
    )


def actions(session, entity_id):
    return session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity_ids.contains([entity_id]), AuditEntry.entity == "applicant")
        .order_by(AuditEntry.id)
    ).all()


def test_the_queue_shows_the_branchs_applicants_and_the_read_is_audited(session, office):
    branch, actor = office
    mine = make_applicant(session, branch=branch)
    other = make_applicant(session, branch=make_branch(session))
    make_applicant(session, branch=branch, status="talking", step="name")
    rows = recruiting.queue(session, actor=actor)
    assert [r.applicant.id for r in rows] == [mine.id]
    assert actions(session, mine.id) == ["applicant.list"]
    assert recruiting.read(session, mine.id, actor=actor).branch.id == branch.id
    assert actions(session, mine.id)[-1] == "applicant.read"
    with pytest.raises(ApplicantNotFound):
        recruiting.read(session, other.id, actor=actor)


def test_an_invitation_is_texted_with_the_time_and_place(session, office):
    branch, actor = office
    applicant = make_applicant(session, branch=branch)
    at = datetime(2026, 11, 28, 10, 30)  # the branch's local time
    recruiting.invite(session, applicant.id, actor=actor, at=at, place="ул. Баумана, 5", now=NOW)
    assert applicant.status == "invited"
    (sent,) = texts_to(session, applicant.phone)
    assert sent.kind == "applicant_invite" and "28.11 10:30, ул. Баумана, 5" in sent.body
    assert actions(session, applicant.id) == ["applicant.invite"]
    with pytest.raises(InvalidInput):
        recruiting.invite(
            session, applicant.id, actor=actor, at=datetime(2026, 11, 1, 10), place="x", now=NOW
        )


def test_an_approved_applicant_becomes_a_vetted_worker_and_is_told(session, office):
    branch, actor = office
    applicant = make_applicant(session, branch=branch, phone="89035551234")
    worker = recruiting.approve(
        session,
        applicant.id,
        actor=actor,
        documents=[Document("passport", "92 15 123456")],
        note="паспорт в порядке",
        now=NOW,
    )
    assert worker.phone == "+79035551234"  # E.164
    assert (worker.full_name, worker.skills, worker.branch_id) == (
        applicant.full_name,
        ["loader", "packer"],
        branch.id,
    )
    assert worker.vetted is True
    vetting = session.scalars(
        select(WorkerVetting).where(WorkerVetting.worker_id == worker.id)
    ).one()
    assert vetting.result == "approved" and vetting.vetted_by == actor.user_id
    doc = session.scalars(
        select(VettingDocument).where(VettingDocument.vetting_id == vetting.id)
    ).one()
    assert (doc.kind, doc.number) == ("passport", "92 15 123456")
    assert (applicant.status, applicant.worker_id) == ("approved", worker.id)
    told = session.scalars(select(Message).where(Message.worker_id == worker.id)).one()
    assert told.kind == "applicant_approved" and "Казань" in told.body
    assert actions(session, applicant.id) == ["applicant.approve"]
    with pytest.raises(ApplicantNotWaiting):  # once
        recruiting.refuse(session, applicant.id, actor=actor, note="передумали", now=NOW)


def test_an_approval_without_a_passport_writes_nothing(session, office):
    branch, actor = office
    applicant = make_applicant(session, branch=branch)
    with pytest.raises(PassportRequired), session.begin_nested():
        recruiting.approve(session, applicant.id, actor=actor, documents=[], note="", now=NOW)
    assert session.scalars(select(Worker).where(Worker.phone == applicant.phone)).first() is None
    assert session.get(Applicant, applicant.id).status == "queued"


def test_a_refusal_says_why_and_texts_politely(session, office):
    branch, actor = office
    applicant = make_applicant(session, branch=branch, status="invited")
    with pytest.raises(InvalidInput):
        recruiting.refuse(session, applicant.id, actor=actor, note="  ", now=NOW)
    recruiting.refuse(session, applicant.id, actor=actor, note="не пришёл", now=NOW + timedelta(1))
    assert (applicant.status, applicant.note) == ("refused", "не пришёл")
    (sent,) = texts_to(session, applicant.phone)
    assert sent.kind == "applicant_refused" and "Казань" in sent.body
