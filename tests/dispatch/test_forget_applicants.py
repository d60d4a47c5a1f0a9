"""Deletion on request for applicants (issue 19 item 5): УДАЛИТЬ / DELETE from an applicant's
phone asks for a one-time code and the code in time deletes the row and its steps, blanks
their texts and scrubs every mention (the scan of tests/forgetting.py finds nothing); a
worker approved from an applicant, once forgotten, leaves nothing in the applicants' tables;
the scan never writes one value twice into a unique column nor renames another person."""

import itertools
import re
from datetime import timedelta

from sqlalchemy import func, select

from core import audit
from core.audit import AuditEntry
from core.forgetting import CODE_TTL, PEOPLE_COLUMNS, scrub_everywhere, unique_columns
from core.tenancy import SYSTEM
from dispatch.applicants import forget as applicant_forget
from dispatch.applicants import recruiting
from dispatch.applicants.forget import KEPT
from dispatch.registry.staff import actor_of
from dispatch.replies import forget, inbox, intake
from sms.models import Message
from tests.builders import NOW, make_applicant, make_district, make_user, make_worker
from tests.forgetting import find_everywhere, phone_needles
from workers.applicants import Applicant, ApplicantStep
from workers.vetting import Document

_sid = itertools.count()


def text(session, phone, body, now=NOW):
    message_id = intake.receive(
        session, provider_sid=f"SMappforget{next(_sid):023d}", from_phone=phone, body=body
    )
    return inbox.handle_inbound(session, message_id, now)


def last_sent(session, phone):
    return session.scalars(
        select(Message)
        .where(Message.phone == phone, Message.direction == "out")
        .order_by(Message.id.desc())
        .limit(1)
    ).one()


def code_of(session, phone):
    return re.search(r"(?:УДАЛИТЬ|DELETE) (\d{4})", last_sent(session, phone).body)[1]


def wrong(code):
    return "1111" if code == "0000" else "0000"


def forget_entries(session, applicant_id):
    return session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.action == "applicant.forget", AuditEntry.entity_ids.contains([applicant_id])
        )
        .order_by(AuditEntry.id)
    ).all()


def steps_of(session, applicant_id):
    return session.scalar(
        select(func.count())
        .select_from(ApplicantStep)
        .where(ApplicantStep.applicant_id == applicant_id)
    )


def applicants_with(session, phone):
    query = select(func.count()).select_from(Applicant).where(Applicant.phone == phone)
    return session.scalar(query)


def test_an_applicant_in_the_dialogue_confirms_with_the_code_and_is_forgotten(session, branch):
    name, phone = "Рахимов Алишер", "+79035557711"
    make_district(session, branch=branch, name="Тверской")
    assert text(session, phone, "Работа есть?") == "applicant started"
    assert text(session, phone, "Да") == "consent given"
    assert text(session, phone, name) == "name taken"
    applicant = session.scalars(select(Applicant).where(Applicant.phone == phone)).one()
    applicant_id = applicant.id
    audit.log(session, SYSTEM, "applicant.note", "applicant", [applicant_id], None, said=name)

    # At the "work" step DELETE is read before the step's answer.
    assert text(session, phone, "УДАЛИТЬ") == "applicant forget asked to confirm"
    asked = last_sent(session, phone)
    assert asked.kind == "forget_confirm" and asked.worker_id is None
    code = code_of(session, phone)
    assert applicant.forget_code_hash and code not in applicant.forget_code_hash
    assert text(session, phone, "ДА") == "asked again for skills"  # a YES never confirms
    assert text(session, phone, f"УДАЛИТЬ {wrong(code)}") == "applicant forget wrong code"
    assert last_sent(session, phone).kind == "forget_wrong_code"
    assert session.get(Applicant, applicant_id) is not None and steps_of(session, applicant_id)

    assert text(session, phone, f"удалить {code}").startswith("applicant forgotten")
    session.expire_all()
    assert session.get(Applicant, applicant_id) is None
    assert steps_of(session, applicant_id) == 0
    assert find_everywhere(session, [name, *phone_needles(phone)]) == []
    assert session.scalar(select(func.count()).where(Message.phone == phone)) == 0
    (entry,) = forget_entries(session, applicant_id)
    assert entry.actor == f"applicant #{applicant_id} by sms" and entry.detail == {"by": "sms"}
    assert text(session, phone, "DELETE") == "unknown sender, nothing to delete"
    assert (
        session.scalar(select(func.count()).select_from(Applicant).where(Applicant.phone == phone))
        == 0
    )


def test_two_refused_applicants_forget_themselves_one_after_the_other(session, branch):
    recruiter = actor_of(make_user(session, role="recruiter", branch=branch))
    people = [
        make_applicant(session, branch=branch, full_name=f"Каримов Бахтиёр {n}") for n in (1, 2)
    ]
    for a in people:
        recruiting.refuse(
            session, a.id, actor=recruiter, note=f"{a.full_name} не пришёл, {a.phone}", now=NOW
        )
    keep = make_worker(session, branch=branch, full_name=people[0].full_name)  # a namesake
    for a in people:
        applicant_id, name, phone = a.id, a.full_name, a.phone
        assert text(session, phone, "DELETE") == "applicant forget asked to confirm"
        assert text(session, phone, f"DELETE {code_of(session, phone)}").startswith(
            "applicant forgotten"
        )
        session.expire_all()
        assert session.get(Applicant, applicant_id) is None
        assert find_everywhere(session, phone_needles(phone)) == []
        left = {(f.table, f.column) for f in find_everywhere(session, [name])}
        assert left <= {("workers", "full_name")}  # the namesake's own row only
        assert forget_entries(session, applicant_id)
    assert session.get_one(type(keep), keep.id).full_name == people[0].full_name


def test_an_expired_code_does_not_forget_an_applicant(session, branch):
    applicant = make_applicant(session, branch=branch)
    assert text(session, applicant.phone, "DELETE") == "applicant forget asked to confirm"
    code = code_of(session, applicant.phone)
    late = NOW + CODE_TTL + timedelta(minutes=1)
    assert text(session, applicant.phone, f"DELETE {code}", now=late) == (
        "applicant forget wrong code"
    )
    session.expire_all()
    assert session.get_one(Applicant, applicant.id).status == "queued"


def test_workers_approved_from_applicants_then_forgotten_leave_nothing_of_them(session, branch):
    recruiter = actor_of(make_user(session, role="recruiter", branch=branch))
    admin = actor_of(make_user(session, role="admin"))
    for n in (1, 2):  # two in a row: nothing unique written twice
        applicant = make_applicant(session, branch=branch, full_name=f"Юсупов Рустам {n}")
        applicant_id, name, phone = applicant.id, applicant.full_name, applicant.phone
        worker = recruiting.approve(
            session, applicant_id, actor=recruiter, note=f"{name}: паспорт в порядке",
            documents=[Document("passport", f"45 0{n} 7788")], now=NOW,
        )  # fmt: skip
        worker.full_name = corrected = f"Юсупов Рустам Ильдарович {n}"  # the office's edit
        worker_id = worker.id
        session.flush()
        if n == 1:
            assert text(session, phone, "DELETE").startswith("forget asked")  # the worker's path
            assert text(session, phone, f"DELETE {code_of(session, phone)}").startswith("forgotten")
        else:
            forget.forget_by_office(session, worker_id, actor=admin, reason="письмо", now=NOW)
        session.expire_all()
        assert session.get(Applicant, applicant_id) is None and steps_of(session, applicant_id) == 0
        assert (
            session.scalar(
                select(func.count()).select_from(Applicant).where(Applicant.worker_id == worker_id)
            )
            == 0
        )
        assert find_everywhere(session, [name, corrected, *phone_needles(phone)]) == [], n
        (entry,) = forget_entries(session, applicant_id)
        assert entry.detail == {"by": "worker.forget", "worker_id": worker_id}


def test_the_scan_writes_nothing_into_a_unique_column(session, branch):
    """Two people whose phones are whole values of a unique column (staff log in with their
    number): one "[deleted]" after the other would collide; the scan leaves such columns to
    their owners' code (workers.phone and applicants.phone: forget.py's own steps)."""
    first, second = "+79035550001", "+79035550002"
    users = [
        make_user(session, role="dispatcher", branch=branch, username=p) for p in (first, second)
    ]
    for phone in (first, second):
        scrub_everywhere(session, phone_needles(phone))
        session.flush()
    session.expire_all()
    assert [session.get_one(type(u), u.id).username for u in users] == [first, second]
    people = {("workers", "phone"), ("applicants", "phone")}
    assert people <= set(unique_columns(session)) and people <= PEOPLE_COLUMNS


def test_the_old_number_of_a_worker_made_from_an_applicant_forgets_the_number_only(session, branch):
    recruiter = actor_of(make_user(session, role="recruiter", branch=branch))
    applicant = make_applicant(session, branch=branch, full_name="Назаров Тимур")
    old, applicant_id = applicant.phone, applicant.id
    worker = recruiting.approve(
        session, applicant_id, actor=recruiter, note="", now=NOW,
        documents=[Document("passport", "45 09 112233")],
    )  # fmt: skip
    worker.phone = "+79215550199"  # the worker's new number; the old one is no worker's
    session.flush()
    assert text(session, old, "DELETE") == "applicant forget asked to confirm"
    assert text(session, old, f"DELETE {code_of(session, old)}").startswith("applicant forgotten")
    session.expire_all()
    assert session.get(Applicant, applicant_id) is None
    assert find_everywhere(session, phone_needles(old)) == []
    assert session.get_one(type(worker), worker.id).full_name == "Назаров Тимур"  # theirs


def test_an_application_closed_for_half_a_year_is_forgotten_unasked(session, branch):
    """152-FZ: a refused or ended application's data go KEPT after it closed; one still open,
    or closed more recently, stays; the sweep's repeat is a no-op."""
    recruiter = actor_of(make_user(session, role="recruiter", branch=branch))
    long_ago = NOW - KEPT - timedelta(days=1)
    old = make_applicant(
        session, branch=branch, full_name="Давлатов Фарход", last_message_at=long_ago
    )
    recruiting.refuse(session, old.id, actor=recruiter, note="Давлатов: без патента", now=long_ago)
    recent = make_applicant(
        session, branch=branch, status="ended", last_message_at=long_ago, ended_at=NOW - KEPT / 2
    )
    waiting = make_applicant(session, branch=branch, last_message_at=long_ago)  # queued still
    old_id, name, phone = old.id, old.full_name, old.phone
    due = applicant_forget.expired(session, NOW)
    assert old_id in due and recent.id not in due and waiting.id not in due
    assert applicant_forget.forget_expired(session, old_id, NOW) is True
    assert applicant_forget.forget_expired(session, old_id, NOW) is False
    assert applicant_forget.forget_expired(session, recent.id, NOW) is False
    session.expire_all()
    assert session.get(Applicant, old_id) is None
    assert find_everywhere(session, phone_needles(phone)) == []
    assert find_everywhere(session, [name]) == []
    assert forget_entries(session, old_id)[-1].detail["by"] == "retention"
    assert session.get(Applicant, recent.id) and session.get(Applicant, waiting.id)


def test_the_retention_sweep_runs_hourly():
    from brigada.scheduler import PERIODIC

    every = [s for actor, s in PERIODIC if actor.actor_name == "dispatch.applicants_expired"]
    assert every == [3600]
