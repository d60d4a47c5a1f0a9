"""Deletion on request (issue 19 item 5): УДАЛИТЬ asks for a one-time code, the code in time
forgets (a YES never does); the worker's personal data is gone from every table (the scan of
tests/forgetting.py), the ledger keeps its sums under the anonymous row; money to settle or
an open dispute makes it wait; the office's admin forgets with a reason."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import audit
from core.audit import AuditEntry
from core.errors import ReasonRequired
from core.tenancy import SYSTEM
from dispatch.models import Offer
from dispatch.penalties import disputes, record
from dispatch.registry.staff import actor_of
from dispatch.replies import forget, inbox, intake
from rating import reasons
from rating.models import PenaltyEvent, Review
from sms.models import Message
from tests.builders import NOW, make_offer, make_order, make_user, make_worker
from tests.forgetting import find_everywhere, phone_needles
from workers import vetting
from workers.models import ImportRun, VettingDocument, Worker, WorkerVetting

NAME, PHONE, PASSPORT = "Рахимов Фаррух Алиевич", "+79267654321", "4509 778812"
_sid = iter(range(10**6))


def text_in(session, phone, body, at=NOW):
    message_id = intake.receive(
        session, provider_sid=f"SMFORGET{next(_sid):026d}", from_phone=phone, body=body
    )
    return inbox.handle_inbound(session, message_id, at)


def last_text(session, worker_id):
    return session.scalars(
        select(Message)
        .where(Message.worker_id == worker_id, Message.direction == "out")
        .order_by(Message.id.desc())
        .limit(1)
    ).one()


@pytest.fixture
def worker(session, branch, site):
    """A worker with a record: a vetting with a passport, a shift closed long ago with a
    late fine whose reason names them, a review naming them, texts, an import that rejected
    their number, an audit entry naming them."""
    worker = make_worker(session, branch=branch, full_name=NAME, phone=PHONE)
    recruiter = actor_of(make_user(session, role="recruiter", branch=branch))
    vetting.vet(
        session, worker, actor=recruiter, result="approved", note=f"{NAME} принёс паспорт",
        documents=[vetting.Document("passport", PASSPORT)], today=date(2026, 10, 1),
    )  # fmt: skip
    order = make_order(
        session, site=site, now=NOW - timedelta(days=60), starts_in=timedelta(days=1)
    )
    order.branch = branch
    make_offer(session, order=order, worker=worker, attendance="arrived")
    order.status, order.closed_at = "completed", NOW - timedelta(days=58)
    branch.paid_through = (NOW - timedelta(days=50)).date()  # that shift is paid
    record.penalise(
        session, order, worker.id, kind="late", points=1, fine=Decimal("150"),
        reason=f"{NAME} опоздал, звонил с {PHONE}",
    )  # fmt: skip
    session.add(Review(order_id=order.id, worker_id=worker.id, stars=4, comment=f"{NAME} молодец"))
    session.add(
        ImportRun(
            branch_id=branch.id, actor_name="r", actor_role="recruiter", region="RU",
            filename="w.csv", status="done", total=1,
            rejected=[{"line": 2, "phone": PHONE.lstrip("+"), "name": NAME}],
        )
    )  # fmt: skip
    audit.log(session, SYSTEM, "worker.note", "worker", [worker.id], branch.id, said=NAME)
    session.flush()
    return worker


def needles():
    return [NAME, PASSPORT, *phone_needles(PHONE)]


def test_the_scan_finds_a_worker_before_forgetting(session, worker):
    found = {(f.table, f.column) for f in find_everywhere(session, needles())}
    assert {
        ("workers", "full_name"), ("workers", "phone"), ("vetting_documents", "number"),
        ("worker_vettings", "note"), ("penalty_events", "reason"), ("reviews", "comment"),
        ("import_runs", "rejected"), ("audit_log", "detail"), ("messages", "phone"),
    } <= found  # fmt: skip


def test_delete_asks_for_a_code_and_the_code_forgets(session, worker):
    worker_id = worker.id
    assert text_in(session, PHONE, "УДАЛИТЬ") == "forget asked to confirm"
    asked = last_text(session, worker_id)
    assert asked.kind == "forget_confirm"
    code = re.search(r"УДАЛИТЬ (\d{4})", asked.body)[1]
    assert len(worker.forget_code_hash) == 64 and worker.forget_code_hash != code  # a digest
    assert text_in(session, PHONE, "ДА") != "forgotten"  # a YES answers offers, never this
    assert text_in(session, PHONE, "УДАЛИТЬ 0000" if code != "0000" else "УДАЛИТЬ 1111") == (
        "forget wrong code"
    )
    assert last_text(session, worker_id).kind == "forget_wrong_code"
    fines = session.scalars(
        select(PenaltyEvent.fine).where(PenaltyEvent.worker_id == worker_id)
    ).all()
    assert text_in(session, PHONE, f"удалить {code}").startswith("forgotten")

    assert find_everywhere(session, needles()) == []
    gone = session.get_one(Worker, worker_id)
    assert gone.full_name == f"Удалён #{worker_id}" and gone.phone == f"deleted:{worker_id}"
    assert not re.fullmatch(r"\+\d{8,15}", gone.phone)
    assert gone.forgotten_at == NOW and gone.opted_out and gone.status == "blocked"
    assert (
        session.scalars(select(PenaltyEvent.fine).where(PenaltyEvent.worker_id == worker_id)).all()
        == fines
    )  # the ledger's sums stay, under the anonymous row
    assert session.scalars(select(Offer.attendance).where(Offer.worker_id == worker_id)).all()
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "worker.forget").order_by(AuditEntry.id)
    ).one()
    assert entry.actor == f"worker #{worker_id} by sms" and entry.entity_ids == [worker_id]
    assert text_in(session, PHONE, "УДАЛИТЬ") == "unknown sender, nothing to delete"


def test_an_expired_code_does_not_forget(session, worker):
    text_in(session, PHONE, "DELETE")
    code = re.search(r"(\d{4})", last_text(session, worker.id).body)[1]
    late = NOW + forget.CODE_TTL + timedelta(minutes=1)
    assert text_in(session, PHONE, f"DELETE {code}", at=late) == "forget wrong code"
    assert session.get_one(Worker, worker.id).full_name == NAME


def test_an_open_dispute_or_a_shift_to_pay_makes_it_wait(session, branch, site, worker):
    recent = make_order(
        session, site=site, now=NOW - timedelta(days=3), starts_in=timedelta(days=1)
    )
    recent.branch = branch
    make_offer(
        session, order=recent, worker=worker, attendance="arrived", arrived_at=recent.starts_at
    )
    recent.status, recent.closed_at = "completed", NOW - timedelta(days=1)
    assert text_in(session, PHONE, "УДАЛИТЬ") == "forget waits: pay"
    waits = last_text(session, worker.id)
    assert waits.kind == "forget_waits" and "не рассчитана смена" in waits.body
    recent.closed_at = NOW - timedelta(days=30)
    record.penalise(
        session, recent, worker.id, kind="late", points=1, fine=Decimal("50"),
        reason=reasons.of("absent"),
    )  # fmt: skip
    disputes.open_case(session, worker, recent.code, words=None, message=None, now=NOW)
    assert text_in(session, PHONE, "УДАЛИТЬ") == "forget waits: dispute"
    assert "открыт ваш спор" in last_text(session, worker.id).body
    assert session.get_one(Worker, worker.id).full_name == NAME


def test_the_office_admin_forgets_with_a_reason(session, branch, worker):
    dispatcher = actor_of(make_user(session, role="dispatcher", branch=branch))
    with pytest.raises(forget.ForgetAdminOnly):
        forget.forget_by_office(session, worker.id, actor=dispatcher, reason="просил", now=NOW)
    admin = actor_of(make_user(session, role="admin"))
    with pytest.raises(ReasonRequired):
        forget.forget_by_office(session, worker.id, actor=admin, reason=" ", now=NOW)
    forget.forget_by_office(session, worker.id, actor=admin, reason=f"письмо от {NAME}", now=NOW)
    assert find_everywhere(session, needles()) == []
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "worker.forget").order_by(AuditEntry.id)
    ).one()
    assert entry.actor_user_id == admin.user_id and entry.detail["reason"] == "письмо от [deleted]"


def test_other_peoples_words_are_left_alone(session, branch, site, worker):
    """Only whole mentions go: a longer name that starts like theirs, a number their phone's
    digits are part of, and a short document number typed as a word stay as written."""
    other = make_worker(session, branch=branch, full_name=f"{NAME}ов", phone="+79267654322")
    note = f"Звонил {NAME}ов с +7926765432199, паспорт НЕТ"
    worker_vetting = session.scalars(
        select(WorkerVetting).where(WorkerVetting.worker_id == worker.id)
    ).one()
    session.add(VettingDocument(vetting_id=worker_vetting.id, kind="passport", number="НЕТ"))
    audit.log(session, SYSTEM, "worker.note", "worker", [other.id], branch.id, said=note)
    session.flush()
    text_in(session, PHONE, "УДАЛИТЬ")
    code = re.search(r"УДАЛИТЬ (\d{4})", last_text(session, worker.id).body)[1]
    assert text_in(session, PHONE, f"УДАЛИТЬ {code}").startswith("forgotten")
    assert session.get_one(Worker, other.id).full_name == f"{NAME}ов"
    kept = session.scalars(
        select(AuditEntry.detail).where(AuditEntry.entity_ids == [other.id]).order_by(AuditEntry.id)
    ).all()
    assert kept[-1]["said"] == note


def test_where_no_payouts_are_recorded_only_a_recent_shift_waits(session, branch, site, worker):
    branch.paid_through = None
    old = make_order(session, site=site, now=NOW - timedelta(days=30), starts_in=timedelta(days=1))
    old.branch = branch
    make_offer(session, order=old, worker=worker, attendance="arrived", arrived_at=old.starts_at)
    old.status, old.closed_at = "completed", NOW - timedelta(days=28)
    assert text_in(session, PHONE, "УДАЛИТЬ") == "forget asked to confirm"
    recent = make_order(
        session, site=site, now=NOW - timedelta(days=4), starts_in=timedelta(days=1)
    )
    recent.branch = branch
    make_offer(
        session, order=recent, worker=worker, attendance="arrived", arrived_at=recent.starts_at
    )
    recent.status, recent.closed_at = "completed", NOW - timedelta(days=2)
    assert text_in(session, PHONE, "УДАЛИТЬ") == "forget waits: pay"
