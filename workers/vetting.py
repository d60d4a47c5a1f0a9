"""Vetting, blocking and opting back in: acts on a worker's standing, each recorded with who
did it and why, each audited. They flush; the caller commits.

The caller finds the worker (locked, of the actor's branch: service.find_worker) and says
what day it is in the worker's branch (the workers package knows no branches' zones)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.errors import InvalidInput, ReasonRequired, check_length
from core.tenancy import Actor
from workers.enums import WorkerStatus
from workers.errors import (
    AlreadyBlocked,
    DocumentInvalid,
    DocumentTwice,
    NotBlocked,
    NotOptedOut,
    PassportRequired,
    PatentExpired,
)
from workers.models import DOCUMENT_KINDS, VETTING_RESULTS, VettingDocument, Worker, WorkerVetting

NOTE_MAX = 1000
NUMBER_MAX = 40
PATENT_WARNING_DAYS = 14  # the dispatcher is warned this many days before a patent expires


@dataclass(frozen=True)
class Document:
    kind: str
    number: str
    expires_on: date | None = None


def _text(value: str, field: str | tuple[str | int, ...], limit: int) -> str:
    clean = " ".join(value.split())
    if "\x00" in clean:
        raise InvalidInput(_loc(field), "must not contain NUL characters")
    return check_length(_loc(field), clean, limit)


def _loc(field: str | tuple[str | int, ...]) -> tuple[str, ...]:
    return (field,) if isinstance(field, str) else tuple(str(part) for part in field)


def check_documents(result: str, documents: list[Document], today: date) -> list[Document]:
    """The documents cleaned (numbers upper-cased, spaces collapsed), refusing what cannot
    be recorded; writes nothing."""
    cleaned: list[Document] = []
    seen: set[str] = set()
    for i, doc in enumerate(documents):
        at = ("documents", str(i))
        if doc.kind not in DOCUMENT_KINDS:
            raise InvalidInput((*at, "kind"), f"kind must be one of {', '.join(DOCUMENT_KINDS)}")
        if doc.kind in seen:
            raise DocumentTwice((*at, "kind"), f"a second {doc.kind} in one vetting")
        seen.add(doc.kind)
        number = _text(doc.number, (*at, "number"), NUMBER_MAX).upper()
        if not number:
            raise DocumentInvalid((*at, "number"), "the document's number is required")
        if doc.kind == "patent" and doc.expires_on is None:
            raise DocumentInvalid((*at, "expires_on"), "a patent needs its expiry date")
        if doc.kind == "patent" and result == "approved":
            assert doc.expires_on is not None
            if doc.expires_on < today:
                raise PatentExpired((*at, "expires_on"), "this patent has already expired")
        cleaned.append(Document(doc.kind, number, doc.expires_on))
    if result == "approved" and "passport" not in seen:
        raise PassportRequired("documents", "an approval needs the worker's passport")
    return cleaned


def vet(
    session: Session,
    worker: Worker,
    *,
    actor: Actor,
    result: str,
    note: str,
    documents: list[Document],
    today: date,
) -> WorkerVetting:
    """Record a vetting. Approved: the worker is vetted, and their patent (or none: not
    needed) is the one the matcher reads. Rejected: not vetted; the note says why."""
    if result not in VETTING_RESULTS:
        raise InvalidInput("result", f"result must be one of {', '.join(VETTING_RESULTS)}")
    clean_note = _text(note, "note", NOTE_MAX)
    if result == "rejected" and not clean_note:
        raise ReasonRequired("note", "a rejection says why")
    docs = check_documents(result, documents, today)
    vetting = WorkerVetting(
        worker_id=worker.id, vetted_by=actor.user_id, result=result, note=clean_note
    )
    session.add(vetting)
    session.flush()
    session.add_all(
        VettingDocument(
            vetting_id=vetting.id, kind=d.kind, number=d.number, expires_on=d.expires_on
        )
        for d in docs
    )
    worker.vetted = result == "approved"
    if result == "approved":
        patents = [d.expires_on for d in docs if d.kind == "patent"]
        worker.patent_expires_on = patents[0] if patents else None
    session.flush()
    audit.log(
        session,
        actor,
        "worker.vet",
        "worker",
        [worker.id],
        worker.branch_id,
        vetting_id=vetting.id,
        result=result,
        documents=[d.kind for d in docs],  # kinds only: numbers stay in their table
        patent_expires_on=None
        if worker.patent_expires_on is None
        else worker.patent_expires_on.isoformat(),
    )
    return vetting


def _reason(reason: str, field: str = "reason") -> str:
    clean = _text(reason, field, NOTE_MAX)
    if not clean:
        raise ReasonRequired(field, "say why")
    return clean


def check_block(worker: Worker, reason: str) -> str:
    """The reason cleaned, or the refusal (no reason, already blocked); writes nothing."""
    why = _reason(reason)
    if worker.status == WorkerStatus.BLOCKED:
        raise AlreadyBlocked(worker.id)
    return why


def block(
    session: Session, worker: Worker, *, actor: Actor, reason: str, **detail: object
) -> Worker:
    """Blocked: never offered work nor booked (the eligibility rule "inactive"). `detail`
    joins the audit entry (what the block let go of: dispatch/changes/blocked.py)."""
    why = check_block(worker, reason)
    worker.status = WorkerStatus.BLOCKED
    session.flush()
    audit.log(
        session,
        actor,
        "worker.block",
        "worker",
        [worker.id],
        worker.branch_id,
        reason=why,
        **detail,
    )
    return worker


def unblock(session: Session, worker: Worker, *, actor: Actor, reason: str) -> Worker:
    why = _reason(reason)
    if worker.status != WorkerStatus.BLOCKED:
        raise NotBlocked(worker.id)
    worker.status = WorkerStatus.ACTIVE
    session.flush()
    audit.log(session, actor, "worker.unblock", "worker", [worker.id], worker.branch_id, reason=why)
    return worker


def opt_in(session: Session, worker: Worker, *, actor: Actor, note: str) -> Worker:
    """A worker who texted STOP asks the office to be sent offers again. Consent is theirs:
    the note says how they asked (a call, a visit), and the audit who took it."""
    why = _reason(note, "note")
    if not worker.opted_out:
        raise NotOptedOut(worker.id)
    worker.opted_out = False
    session.flush()
    audit.log(
        session,
        actor,
        "worker.opt_in",
        "worker",
        [worker.id],
        worker.branch_id,
        note=why,
        at_workers_request=True,
    )
    return worker


def vettings(session: Session, worker: Worker) -> list[tuple[WorkerVetting, list[VettingDocument]]]:
    """The worker's vettings, newest first, each with its documents."""
    rows = list(
        session.scalars(
            select(WorkerVetting)
            .where(WorkerVetting.worker_id == worker.id)
            .order_by(WorkerVetting.vetted_at.desc(), WorkerVetting.id.desc())
        )
    )
    docs: dict[int, list[VettingDocument]] = {v.id: [] for v in rows}
    if rows:
        query = select(VettingDocument).where(VettingDocument.vetting_id.in_(docs))
        for doc in session.scalars(query.order_by(VettingDocument.id)):
            docs[doc.vetting_id].append(doc)
    return [(v, docs[v.id]) for v in rows]


def patent_warning(worker: Worker, today: date) -> str | None:
    """ "expired", "expiring" (within PATENT_WARNING_DAYS) or None."""
    expires = worker.patent_expires_on
    if expires is None:
        return None
    if expires < today:
        return "expired"
    if expires <= today + timedelta(days=PATENT_WARNING_DAYS):
        return "expiring"
    return None


def patents_expiring(
    session: Session, *, actor: Actor, today: date, limit: int = 50
) -> list[Worker]:
    """Vetted, unblocked workers of the actor's branch whose patent expires within
    PATENT_WARNING_DAYS, or has expired, soonest first. Names are shown: audited as a read."""
    query = select(Worker).where(
        Worker.patent_expires_on <= today + timedelta(days=PATENT_WARNING_DAYS),
        Worker.vetted,
        Worker.status == WorkerStatus.ACTIVE,
    )
    query = query.where(actor.branch_filter(Worker.branch_id))
    found = list(session.scalars(query.order_by(Worker.patent_expires_on, Worker.id).limit(limit)))
    audit.log(
        session,
        actor,
        "worker.patents",
        "worker",
        [w.id for w in found],
        actor.branch_id,
    )
    return found


def last_act(session: Session, worker: Worker, action: str) -> tuple[datetime, str] | None:
    """When the latest `action` (worker.block, worker.opt_in) on the worker was, and why."""
    entry = audit.latest(session, action, worker.id)
    if entry is None:
        return None
    return entry.at, str(entry.detail.get("reason") or entry.detail.get("note") or "")
