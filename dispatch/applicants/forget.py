"""An applicant's deletion on request (issue 19 item 5): УДАЛИТЬ / DELETE from an applicant's
phone (in the dialogue, queued, invited, or ended or refused with the row kept) is answered
with a one-time code, as a worker's is (core/forgetting.py: its keyed hash kept 24 h on the
row; a YES never confirms: in the dialogue YES is the consent); DELETE <code> in time forgets.

Decided: the applicant's row goes, with its steps (ON DELETE CASCADE), rather than being
anonymised. A worker's row stays for the ledger and the timesheets; nothing hangs on an
applicant's (no money, no shifts; a worker made from one is forgotten by their own record,
dispatch/replies/forget.py, which deletes this row too: of_worker). The consent record goes
with it: processing ends at the request, and the audit log keeps the consent's act by id.

What goes besides the row: the body and the phone of every text to or from the phone that is
no worker's (queued ones withdrawn; a worker's texts from a number they no longer use stay
theirs, the phone in them replaced by the scan), and every mention of the phone (E.164 and
its digits) or the name in any text or JSON column (core/forgetting.py scrub_everywhere):
a recruiter's note, a refusal's reason in the audit log. The audit entry "applicant.forget"
names the applicant by id. After it nothing is texted (the text would keep the phone).

Unasked, the same deletion ends an application that came to nothing (refused by a recruiter,
or a dialogue ended: declined, silent, failed) once it has been closed for KEPT: 152-FZ keeps
personal data no longer than their purpose needs (the hourly sweep, dispatch.applicants_expired).
"""

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from core import audit
from core.db import locked
from core.forgetting import GONE, code_holds, needles, new_code, scrub_everywhere
from core.tenancy import SYSTEM
from dispatch.applicants import texting
from sms.commands import Command
from sms.enums import MessageStatus
from sms.models import Message
from workers.applicants import Applicant
from workers.models import Worker

# How long a closed application's data stay for the recruiter to look back on, then go.
KEPT = timedelta(days=180)
CLOSED = ("refused", "ended")


def _subject(applicant: Applicant) -> str:
    return f"applicant:{applicant.id}"  # never a worker's ("<id>"): one code, one person


def by_sms(
    session: Session, message: Message, applicant: Applicant, command: Command, now: datetime
) -> str:
    """The "delete" command from an applicant (their row locked by the dialogue)."""
    if not command.args:
        one = new_code(_subject(applicant), now)
        applicant.forget_code_hash, applicant.forget_code_until = one.digest, one.until
        texting.send(session, applicant, "forget_confirm", now, pin=one.code)
        return "applicant forget asked to confirm"
    pending, until = applicant.forget_code_hash, applicant.forget_code_until
    if not code_holds(_subject(applicant), pending, until, command.args[0], now):
        texting.send(session, applicant, "forget_wrong_code", now)
        return "applicant forget wrong code"
    entry = audit.record(
        session,
        actor_user_id=None,
        actor=f"applicant #{applicant.id} by sms",
        action="applicant.forget",
        entity="applicant",
        entity_ids=[applicant.id],
        branch_id=applicant.branch_id,
        detail={"by": "sms"},
    )
    message.body = ""
    scrub_everywhere(session, _erase(session, applicant))
    session.expire_all()
    return f"applicant forgotten (audit {entry.id})"


def of_worker(session: Session, worker_id: int, phone: str, branch_id: int) -> list[str]:
    """A worker being forgotten (dispatch/replies/forget.py): the applicant rows they came from
    or under their phone go, each audited; what the caller's scan must look for besides."""
    rows = session.scalars(
        select(Applicant)
        .where((Applicant.worker_id == worker_id) | (Applicant.phone == phone))
        .order_by(Applicant.id)
        .with_for_update()
    ).all()
    found: list[str] = []
    for applicant in rows:
        where = applicant.branch_id or branch_id
        audit.log(
            session, SYSTEM, "applicant.forget", "applicant", [applicant.id], where,
            by="worker.forget", worker_id=worker_id,
        )  # fmt: skip
        found += _erase(session, applicant)
    return found


def _erase(session: Session, applicant: Applicant) -> list[str]:
    """Delete the row and its steps, blank the phone's texts that are no worker's; the needles
    left for the scan. The name is one unless it is a living worker's (an approved applicant
    whose worker now has another number: their name is theirs, not this phone's)."""
    phone, name = applicant.phone, applicant.full_name
    if applicant.worker_id is not None:
        worker = session.get(Worker, applicant.worker_id)
        if worker is not None and worker.forgotten_at is None:
            name = None
    theirs = (Message.phone == phone) & Message.worker_id.is_(None)
    session.execute(
        update(Message)
        .where(theirs, Message.status == MessageStatus.QUEUED)
        .values(status=MessageStatus.CANCELLED)
    )
    session.execute(update(Message).where(theirs).values(phone=GONE, body=""))
    session.delete(applicant)
    session.flush()
    return needles(phone, name)


def _closed_at() -> ColumnElement[datetime]:  # the last text, the decision, the end: the latest
    return func.greatest(Applicant.last_message_at, Applicant.decided_at, Applicant.ended_at)


def expired(session: Session, now: datetime) -> list[int]:
    """Applications closed for KEPT (the sweep's list; unlocked)."""
    return list(
        session.scalars(
            select(Applicant.id)
            .where(Applicant.status.in_(CLOSED), _closed_at() < now - KEPT)
            .order_by(Applicant.id)
        )
    )


def forget_expired(session: Session, applicant_id: int, now: datetime) -> bool:
    """Forget one expired application; a no-op if a text reopened it or it went meanwhile."""
    applicant = session.get(Applicant, applicant_id)
    if applicant is None:
        return False
    # The phone's texts first, then the applicant, as a text of theirs being answered takes them.
    session.execute(
        select(Message.id)
        .where(Message.phone == applicant.phone, Message.worker_id.is_(None))
        .order_by(Message.id)
        .with_for_update()
    )
    closed = session.scalars(
        locked(
            select(Applicant).where(
                Applicant.id == applicant_id,
                Applicant.status.in_(CLOSED),
                _closed_at() < now - KEPT,
            )
        ),
        execution_options={"populate_existing": True},
    ).first()
    if closed is None:
        return False
    audit.log(
        session, SYSTEM, "applicant.forget", "applicant", [closed.id], closed.branch_id,
        by="retention", kept_days=KEPT.days, status=closed.status,
    )  # fmt: skip
    scrub_everywhere(session, _erase(session, closed))
    return True
