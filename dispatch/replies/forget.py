"""Deletion on request (issue 19 item 5): a worker texts УДАЛИТЬ / DELETE and is asked to
confirm with a one-time code (DELETE 4821, 24 h; a YES never confirms: YES answers offers);
on confirmation their personal data goes, the worker row stays under an anonymous name so
the ledger and the timesheets keep their sums. The office's admin may forget a worker too,
with a reason. A worker with money still to settle or an open dispute is told why it waits.

What goes: the name ("Удалён #<id>") and the phone (a placeholder that is no E.164 number:
"deleted:<id>"); the home, moved to the home branch's centre (the column is NOT NULL and the
matcher's index reads it; the worker is blocked and opted out, so it is never offered work);
the patent date; the vetting notes and document numbers; the application they registered
by SMS with (its phone a placeholder, "deleted:a<id>", as the column is unique; its name, home
and note; the consent's record stays); the bodies and the phone of every text to or from
them (queued ones withdrawn); and every remaining mention of the name or the
phone (E.164 and its digits) in any text or JSON column of any table (staff's reasons and
notes, audit details, an import's rejected rows...), replaced by "[deleted]": the audit
trail's facts stay, the personal data in them goes.

Here in replies (the top stage): it texts the worker (dispatch/texts) and reads the disputes;
dispatch/registry, the stage of the workers' records, may do neither and is full.
"""

import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from core import audit
from core.db import locked
from core.errors import Forbidden, ReasonRequired, check_length
from core.settings import get_settings
from core.tenancy import Actor
from dispatch.enums import NOT_CLOSED, OfferStatus
from dispatch.models import Branch, Offer, Order
from dispatch.penalties import pay
from dispatch.texts.messaging import tell
from rating.models import PenaltyDispute
from sms import templates
from sms.commands import Command
from sms.enums import MessageStatus
from sms.models import Message
from workers.applicants import Applicant
from workers.enums import WorkerStatus
from workers.errors import WorkerNotFound
from workers.models import VettingDocument, Worker, WorkerVetting

CODE_TTL = timedelta(hours=24)
GONE = "[deleted]"
MIN_NAME = 5  # a shorter name is no safe needle: it would hit other people's words
SKIPPED_TABLES = ("alembic_version", "spatial_ref_sys")


class ForgetAdminOnly(Forbidden):
    """Only an admin forgets a worker from the console."""

    code = "forget_admin_only"

    def __init__(self) -> None:
        super().__init__("only an admin may forget a worker")


class ForgetWaits(Forbidden):
    """Money to settle or an open dispute: nothing is deleted yet."""

    code = "forget_waits"
    reasons = ("dispute", "pay")

    def __init__(self, reason: str) -> None:
        super().__init__(f"the worker cannot be forgotten yet: {reason}")
        self.reason = reason


def _digest(worker_id: int, code: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{worker_id}:{code}".encode(), hashlib.sha256).hexdigest()


def blocker(session: Session, worker_id: int, now: datetime) -> str | None:
    """Why the worker cannot be forgotten now: "dispute" (an open case), "pay" (a booking on
    an order not closed, or pay owed for a shift after the branch's paid-through date, by the
    one rule of dispatch/penalties/pay.py), or None."""
    disputes = select(PenaltyDispute.id).where(
        PenaltyDispute.worker_id == worker_id, PenaltyDispute.status == "open"
    )
    if session.scalars(disputes.limit(1)).first() is not None:
        return "dispute"
    booked = (
        select(Offer.id)
        .join(Order, Order.id == Offer.order_id)
        .where(
            Offer.worker_id == worker_id,
            Offer.status == OfferStatus.BOOKED,
            Order.status.in_(NOT_CLOSED),
        )
    )
    if session.scalars(booked.limit(1)).first() is not None:
        return "pay"
    return "pay" if pay.owed(session, session.get_one(Worker, worker_id), now).lines else None


def by_sms(
    session: Session, message: Message, worker: Worker, command: Command, now: datetime
) -> str:
    """The "delete" command: no code asks for one; the right code in time forgets."""
    worker = session.scalars(locked(select(Worker).where(Worker.id == worker.id))).one()
    why = blocker(session, worker.id, now)
    if why is not None:
        words = templates.deletion_words(why, worker.language)
        tell(session, worker, "forget_waits", blocker=words)
        return f"forget waits: {why}"
    if not command.args:
        code = f"{secrets.randbelow(10_000):04d}"
        worker.forget_code_hash = _digest(worker.id, code)
        worker.forget_code_until = now + CODE_TTL
        tell(session, worker, "forget_confirm", pin=code)
        return "forget asked to confirm"
    pending, until = worker.forget_code_hash, worker.forget_code_until
    given = command.args[0]
    if (
        pending is None
        or until is None
        or until < now
        or not hmac.compare_digest(pending, _digest(worker.id, given))
    ):
        tell(session, worker, "forget_wrong_code")
        return "forget wrong code"
    entry = audit.record(
        session,
        actor_user_id=None,
        actor=f"worker #{worker.id} by sms",
        action="worker.forget",
        entity="worker",
        entity_ids=[worker.id],
        branch_id=worker.branch_id,
        detail={"by": "sms"},
    )
    message.body = ""
    _forget(session, worker, now)
    return f"forgotten (audit {entry.id})"


def forget_by_office(
    session: Session, worker_id: int, *, actor: Actor, reason: str, now: datetime
) -> Worker:
    """The office's "forget this worker": an admin, with a reason; the same waits apply."""
    if actor.role != "admin":
        raise ForgetAdminOnly()
    reason = check_length("reason", reason.strip(), 1_000)
    if not reason:
        raise ReasonRequired("reason", "say why the worker is forgotten")
    worker = session.scalars(locked(select(Worker).where(Worker.id == worker_id))).first()
    if worker is None or worker.forgotten_at is not None:
        raise WorkerNotFound(worker_id)
    why = blocker(session, worker.id, now)
    if why is not None:
        raise ForgetWaits(why)
    audit.log(
        session, actor, "worker.forget", "worker", [worker.id], worker.branch_id, reason=reason
    )
    _forget(session, worker, now)
    return worker


def _forget(session: Session, worker: Worker, now: datetime) -> None:
    """Anonymise the worker (their row locked by the caller); the audit entry is written."""
    phone, name = worker.phone, worker.full_name
    documents = list(
        session.scalars(
            select(VettingDocument.number)
            .join(WorkerVetting, WorkerVetting.id == VettingDocument.vetting_id)
            .where(WorkerVetting.worker_id == worker.id)
        )
    )
    session.flush()
    home = session.get_one(Branch, worker.branch_id)
    worker.full_name, worker.phone = f"Удалён #{worker.id}", f"deleted:{worker.id}"
    worker.home = home.center
    worker.status, worker.opted_out, worker.vetted = WorkerStatus.BLOCKED, True, False
    worker.patent_expires_on, worker.forget_code_hash, worker.forget_code_until = None, None, None
    worker.forgotten_at = now
    session.flush()
    vettings = select(WorkerVetting.id).where(WorkerVetting.worker_id == worker.id)
    session.execute(
        update(VettingDocument).where(VettingDocument.vetting_id.in_(vettings)).values(number=GONE)
    )
    session.execute(
        update(WorkerVetting).where(WorkerVetting.worker_id == worker.id).values(note="")
    )
    theirs = (Message.worker_id == worker.id) | (Message.phone == phone)
    session.execute(
        update(Message)
        .where(theirs, Message.status == MessageStatus.QUEUED)
        .values(status=MessageStatus.CANCELLED)
    )
    session.execute(update(Message).where(theirs).values(phone=worker.phone, body=""))
    session.execute(
        update(PenaltyDispute).where(PenaltyDispute.worker_id == worker.id).values(words=None)
    )
    # The application that made them (its consent record stays): the phone is unique there,
    # so each row gets its own placeholder; the scrub below would give every one "[deleted]".
    session.execute(
        update(Applicant)
        .where((Applicant.worker_id == worker.id) | (Applicant.phone == phone))
        .values(phone=func.concat("deleted:a", Applicant.id), full_name=None, home=None, note=None)
    )
    needles = [phone, phone.lstrip("+"), *documents]
    if len(name.strip()) >= MIN_NAME:
        needles.append(name.strip())
    scrub_everywhere(session, needles)
    session.expire_all()


def _columns(session: Session) -> list[tuple[str, str, str]]:
    """Every text, varchar and JSON column of every table of ours: (table, column, type)."""
    rows = session.execute(
        text(
            "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
            "JOIN information_schema.tables t ON t.table_schema = c.table_schema "
            "AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE' "
            "WHERE c.table_schema = current_schema() "
            "AND c.data_type IN ('text', 'character varying', 'jsonb', 'json') "
            "ORDER BY c.table_name, c.column_name"
        )
    )
    return [(t, c, d) for t, c, d in rows if t not in SKIPPED_TABLES]


def _like(needle: str) -> str:
    return "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def scrub_everywhere(session: Session, needles: list[str]) -> int:
    """Replace each needle (longest first: a phone before its digits) by GONE in every text
    and JSON column of every table; how many rows changed."""
    ordered = sorted({n for n in needles if n}, key=len, reverse=True)
    if not ordered:
        return 0
    changed = 0
    for table, column, kind in _columns(session):
        is_json = kind in ("jsonb", "json")
        # In JSON a needle is matched as it is written inside a string (quotes escaped).
        forms = [json.dumps(n, ensure_ascii=False)[1:-1] if is_json else n for n in ordered]
        target = f'"{column}"::text' if is_json else f'"{column}"'
        replaced = target
        params: dict[str, str] = {"gone": GONE}
        conditions = []
        for i, form in enumerate(forms):
            params[f"n{i}"], params[f"l{i}"] = form, _like(form)
            replaced = f"replace({replaced}, :n{i}, :gone)"
            conditions.append(f"{target} LIKE :l{i}")
        value = f"({replaced})::{kind}" if is_json else replaced
        result = session.execute(
            text(f'UPDATE "{table}" SET "{column}" = {value} WHERE {" OR ".join(conditions)}'),
            params,
        )
        changed += result.rowcount or 0  # type: ignore[attr-defined]
    return changed
