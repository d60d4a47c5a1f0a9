"""Issue 19: the recruiter's pages: the queue of the branch's applicants, the card (its read
audited), the invitation, the approval into a vetted worker and the refusal, each texted."""

from sqlalchemy import select

from core.audit import AuditEntry
from sms.models import Message
from tests.api.console.helpers import sign_in
from tests.builders import make_applicant, make_branch, make_user
from workers.applicants import Applicant
from workers.models import Worker


def _texts(session, phone):
    return session.scalars(
        select(Message.kind).where(Message.phone == phone, Message.direction == "out")
    ).all()


def test_the_queue_shows_the_branchs_applicants_only(client, session):
    branch = make_branch(session)
    mine = make_applicant(session, branch=branch, full_name="Рустам Алиев")
    theirs = make_applicant(session, branch=make_branch(session), full_name="Чужой Соискатель")
    sign_in(client, make_user(session, role="recruiter", branch=branch))
    page = client.get("/console/recruiting")
    assert page.status_code == 200
    assert "Рустам Алиев" in page.text and mine.phone in page.text
    assert "Чужой Соискатель" not in page.text
    assert 'href="/console/recruiting"' in page.text  # the nav link
    assert client.get(f"/console/recruiting/{theirs.id}").status_code == 404
    card = client.get(f"/console/recruiting/{mine.id}")
    assert card.status_code == 200 and "грузчик" in card.text
    read = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "applicant.read", AuditEntry.entity_ids.contains([mine.id])
        )
    ).one()
    assert read.actor_user_id is not None


def test_a_client_user_or_foreman_cannot_open_the_queue(client, session):
    branch = make_branch(session)
    sign_in(client, make_user(session, role="foreman", branch=branch))
    assert client.get("/console/recruiting").status_code == 403


def test_invite_then_approve_makes_a_vetted_worker(client, session):
    branch = make_branch(session)
    applicant = make_applicant(session, branch=branch)
    form = sign_in(client, make_user(session, role="recruiter", branch=branch))
    bad = client.post(
        f"/console/recruiting/{applicant.id}/invite", data={**form, "at": "", "place": "офис"}
    )
    assert bad.status_code == 422
    invited = client.post(
        f"/console/recruiting/{applicant.id}/invite",
        data={**form, "at": "2099-01-15T10:30", "place": "ул. Баумана, 5"},
        follow_redirects=False,
    )
    assert invited.status_code == 303
    assert _texts(session, applicant.phone) == ["applicant_invite"]
    refused = client.post(f"/console/recruiting/{applicant.id}/approve", data={**form})
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text  # no passport
    assert session.scalars(select(Worker).where(Worker.phone == applicant.phone)).first() is None
    approved = client.post(
        f"/console/recruiting/{applicant.id}/approve",
        data={**form, "passport_number": "9215 123456", "note": ""},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    worker = session.scalars(select(Worker).where(Worker.phone == applicant.phone)).one()
    assert worker.vetted and worker.branch_id == branch.id
    session.expire_all()
    assert session.get(Applicant, applicant.id).status == "approved"
    assert client.get(approved.headers["location"]).status_code == 200


def test_a_refusal_needs_a_reason_and_is_texted(client, session):
    branch = make_branch(session)
    applicant = make_applicant(session, branch=branch)
    form = sign_in(client, make_user(session, role="dispatcher", branch=branch))
    blank = client.post(f"/console/recruiting/{applicant.id}/refuse", data={**form, "reason": ""})
    assert blank.status_code == 422
    done = client.post(
        f"/console/recruiting/{applicant.id}/refuse",
        data={**form, "reason": "не пришёл"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert _texts(session, applicant.phone) == ["applicant_refused"]
