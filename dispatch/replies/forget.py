"""Deletion on request (issue 19 item 5): a worker texts УДАЛИТЬ / DELETE and is asked to
confirm with a one-time code (DELETE 4821, 24 h; a YES never confirms: YES answers offers);
on confirmation their personal data goes, the worker row stays under an anonymous name so
the ledger and the timesheets keep their sums. The office's admin may forget a worker too,
with a reason. A worker with money still to settle or an open dispute is told why it waits.

What goes: the name ("Удалён #<id>") and the phone (a placeholder that is no E.164 number:
"deleted:<id>"); the home, moved to the home branch's centre (the column is NOT NULL and the
matcher's index reads it; the worker is blocked and opted out, so it is never offered work);
the patent date; the vetting notes and document numbers; the bodies and the phone of every
text to or from them (queued ones withdrawn); and every remaining mention of the name or the
phone (E.164 and its digits) in any text or JSON column of any table (staff's reasons and
notes, audit details, an import's rejected rows...), replaced by "[deleted]": the audit
trail's facts stay, the personal data in them goes. An applicant's row the worker came
from (applicants.worker_id, or their phone) goes with its steps (dispatch/applicants/forget.py).
The one-time code and the scan are core/forgetting.py's, shared with an applicant's deletion.

Here in replies (the top stage): it texts the worker (dispatch/texts) and reads the disputes;
dispatch/registry, the stage of the workers' records, may do neither and is full.
"""

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import audit
from core.db import locked
from core.errors import Forbidden, ReasonRequired, check_length
from core.forgetting import CODE_TTL, GONE, code_holds, needles, new_code, scrub_everywhere
from core.tenancy import Actor
from dispatch.applicants import forget as applicants
from dispatch.enums import NOT_CLOSED, OfferStatus
from dispatch.models import Branch, Offer, Order
from dispatch.penalties import pay
from dispatch.texts import autoreply
from rating.models import PenaltyDispute
from sms import templates
from sms.commands import Command
from sms.enums import MessageStatus
from sms.models import Message
from workers.enums import WorkerStatus
from workers.errors import WorkerNotFound
from workers.models import VettingDocument, Worker, WorkerVetting

__all__ = ["CODE_TTL", "GONE", "by_sms", "forget_by_office", "scrub_everywhere"]

# Where a branch records no paid-through date, a shift this recent may not be paid yet.
UNRECORDED_PAY = timedelta(days=14)


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
    owed = pay.owed(session, session.get_one(Worker, worker_id), now)
    return "pay" if any(_to_pay(session, order, owed, now) for order, _ in owed.lines) else None


def _to_pay(session: Session, order: Order, owed: pay.Owed, now: datetime) -> bool:
    """Money the worker may still be due on this line: some pay, and either a paid batch
    recorded the rest (a correction), or the branch keeps a paid-through date (then owed()
    counted only what is after it) or, where it keeps none, a shift recent enough that it may
    not have been paid (UNRECORDED_PAY)."""
    if owed.due[order.id] <= 0:
        return False
    if order.id in owed.corrected:
        return True
    recorded = session.get_one(Branch, order.branch_id).paid_through is not None
    return recorded or order.starts_at >= now - UNRECORDED_PAY


def by_sms(
    session: Session, message: Message, worker: Worker, command: Command, now: datetime
) -> str:
    """The "delete" command: no code asks for one; the right code in time forgets."""
    if command.args:  # may forget: their texts first, as the inbox locks them (see _texts)
        _texts(session, worker.id, worker.phone)
    worker = session.scalars(locked(select(Worker).where(Worker.id == worker.id))).one()
    why = blocker(session, worker.id, now)
    if why is not None:
        words = templates.deletion_words(why, worker.language)
        autoreply.reply(session, worker, "forget_waits", blocker=words)
        return f"forget waits: {why}"
    if not command.args:
        one = new_code(str(worker.id), now)
        worker.forget_code_hash, worker.forget_code_until = one.digest, one.until
        autoreply.reply(session, worker, "forget_confirm", pin=one.code)
        return "forget asked to confirm"
    pending, until = worker.forget_code_hash, worker.forget_code_until
    if not code_holds(str(worker.id), pending, until, command.args[0], now):
        autoreply.reply(session, worker, "forget_wrong_code")
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
    phone = session.scalar(select(Worker.phone).where(Worker.id == worker_id))
    if phone is not None:
        _texts(session, worker_id, phone)
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


def _texts(session: Session, worker_id: int, phone: str) -> None:
    """Lock the person's texts before their worker row: the inbox holds a text and then takes
    the worker (an automatic reply), so a deletion that took the worker first and then
    rewrote the texts would deadlock with a second text of theirs being answered."""
    theirs = (Message.worker_id == worker_id) | (Message.phone == phone)
    session.execute(select(Message.id).where(theirs).order_by(Message.id).with_for_update())


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
    session.execute(  # a text of theirs not yet acted on never will be: its words are gone
        update(Message)
        .where(theirs, Message.direction == "in", Message.status == MessageStatus.RECEIVED)
        .values(status=MessageStatus.PROCESSED)
    )
    session.execute(update(Message).where(theirs).values(phone=worker.phone, body=""))
    session.execute(
        update(PenaltyDispute).where(PenaltyDispute.worker_id == worker.id).values(words=None)
    )
    # The applicant's row the worker came from, and one under their phone (phones.py keeps
    # both E.164): its name and phone may differ from the worker's since (an office's edit).
    came_from = applicants.of_worker(session, worker.id, phone, worker.branch_id)
    scrub_everywhere(session, [*needles(phone, name), *documents, *came_from])
    session.expire_all()
