"""The recruiter's side: the branch's queue of applicants who finished the dialogue, an
interview invitation by SMS, and the decision. An approval is a vetting (workers/vetting.py,
the passport and any patent seen) of a worker made from the applicant (workers/service.py);
a refusal says why. Every act is audited, and so is every read that shows a name or a phone
(staff of the applicant's branch see it; admins every branch's, as
dispatch/access/privacy.py has it for workers). They flush; the caller commits."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core import audit
from core.db import locked
from core.errors import FieldRequired, InvalidInput, ReasonRequired, check_length
from core.tenancy import Actor
from dispatch.applicants import texting
from dispatch.applicants.errors import ApplicantNotFound, ApplicantNotWaiting
from dispatch.models import Branch
from dispatch.texts import messaging
from geo.points import Point
from workers import service as workers
from workers import vetting
from workers.applicants import Applicant, District
from workers.models import LANGUAGES as WORKER_LANGUAGES
from workers.models import Worker

WAITING = ("queued", "invited")
PLACE_MAX = 60  # the interview's place, as texted (the text stays within two segments)
NOTE_MAX = vetting.NOTE_MAX


@dataclass
class Row:
    """An applicant as the queue and the card show them."""

    applicant: Applicant
    branch: Branch
    district: str | None
    home: Point | None


def _visible(actor: Actor) -> Select[Applicant]:
    query = select(Applicant)
    query = query.where(actor.branch_filter(Applicant.branch_id))
    return query


def _row(session: Session, applicant: Applicant) -> Row:
    district = (
        None if applicant.district_id is None else session.get(District, applicant.district_id)
    )
    return Row(
        applicant,
        session.get_one(Branch, applicant.branch_id),
        None if district is None else district.name,
        Point.from_db(applicant.home),
    )


def queue(session: Session, *, actor: Actor, limit: int = 100) -> list[Row]:
    """The branch's applicants waiting for a recruiter, oldest first; audited (names shown)."""
    found = list(
        session.scalars(
            _visible(actor)
            .where(Applicant.status.in_(WAITING))
            .order_by(Applicant.last_message_at, Applicant.id)
            .limit(limit)
        )
    )
    audit.log(session, actor, "applicant.list", "applicant", [a.id for a in found], actor.branch_id)
    return [_row(session, a) for a in found]


def find(session: Session, applicant_id: int, *, actor: Actor, lock: bool = False) -> Applicant:
    """An applicant of the actor's branch that finished the dialogue; 404 otherwise."""
    query = _visible(actor).where(Applicant.id == applicant_id, Applicant.branch_id.is_not(None))
    if lock:
        query = locked(query)
    found: Applicant | None = session.scalars(
        query, execution_options={"populate_existing": lock}
    ).one_or_none()
    if found is None or found.status == "talking":
        raise ApplicantNotFound(applicant_id)
    return found


def read(session: Session, applicant_id: int, *, actor: Actor) -> Row:
    applicant = find(session, applicant_id, actor=actor)
    audit.log(session, actor, "applicant.read", "applicant", [applicant.id], applicant.branch_id)
    return _row(session, applicant)


def _waiting(session: Session, applicant_id: int, actor: Actor) -> tuple[Applicant, Branch]:
    applicant = find(session, applicant_id, actor=actor, lock=True)
    if applicant.status not in WAITING:
        raise ApplicantNotWaiting(applicant.id, applicant.status)
    return applicant, session.get_one(Branch, applicant.branch_id)


def invite(
    session: Session,
    applicant_id: int,
    *,
    actor: Actor,
    at: datetime,  # the interview's time as typed: the branch's local time, naive
    place: str,
    now: datetime,
) -> Applicant:
    """Texts the applicant the interview's time and place (again, if the recruiter moves it)."""
    applicant, branch = _waiting(session, applicant_id, actor)
    zone = ZoneInfo(branch.timezone)
    when = at.replace(tzinfo=zone)
    if when <= now:
        raise InvalidInput("at", "the interview must be in the future")
    where = check_length("place", " ".join(place.split()), PLACE_MAX)
    if not where:
        raise FieldRequired("place", "say where the interview is")
    shown = when.strftime("%d.%m %H:%M")
    applicant.status, applicant.invited_at = "invited", now
    applicant.interview = f"{shown}, {where}"
    session.flush()
    texting.send(session, applicant, "applicant_invite", now, False, when=shown, place=where)
    audit.log(
        session,
        actor,
        "applicant.invite",
        "applicant",
        [applicant.id],
        branch.id,
        at=when.isoformat(),
        place=where,
    )
    return applicant


def approve(
    session: Session,
    applicant_id: int,
    *,
    actor: Actor,
    documents: list[vetting.Document],
    note: str,
    now: datetime,
) -> Worker:
    """The applicant becomes a vetted worker of their branch, and is texted so."""
    applicant, branch = _waiting(session, applicant_id, actor)
    today = now.astimezone(ZoneInfo(branch.timezone)).date()
    vetting.check_documents("approved", documents, today)  # before anything is written
    home = Point.from_db(applicant.home)
    if home is None or not applicant.full_name or not applicant.skills:
        raise ApplicantNotWaiting(applicant.id, applicant.status)  # a wiped row: cannot be
    language = applicant.language if applicant.language in WORKER_LANGUAGES else "ru"
    worker = workers.create_worker(
        session,
        actor=actor,
        fields=workers.WorkerFields(
            full_name=applicant.full_name,
            phone=applicant.phone,  # normalised to E.164 (workers/phones.py)
            home=home,
            skills=list(applicant.skills),
            branch_id=branch.id,
            language=language,
        ),
        default_region=branch.country,
    )
    vetting.vet(
        session,
        worker,
        actor=actor,
        result="approved",
        note=note,
        documents=documents,
        today=today,
    )
    applicant.status, applicant.worker_id = "approved", worker.id
    applicant.decided_at, applicant.decided_by = now, actor.user_id
    applicant.note = " ".join(note.split()) or None
    session.flush()
    audit.log(
        session,
        actor,
        "applicant.approve",
        "applicant",
        [applicant.id],
        branch.id,
        worker_id=worker.id,
    )
    messaging.tell(session, worker, "applicant_approved", branch=texting.cut(branch.name))
    return worker


def refuse(
    session: Session, applicant_id: int, *, actor: Actor, note: str, now: datetime
) -> Applicant:
    """Refused, with the reason kept for the office; the applicant is texted politely."""
    applicant, branch = _waiting(session, applicant_id, actor)
    why = check_length("note", " ".join(note.split()), NOTE_MAX)
    if not why:
        raise ReasonRequired("note", "a refusal says why")
    applicant.status, applicant.note = "refused", why
    applicant.decided_at, applicant.decided_by = now, actor.user_id
    session.flush()
    texting.send(
        session, applicant, "applicant_refused", now, False, branch=texting.cut(branch.name)
    )
    audit.log(
        session, actor, "applicant.refuse", "applicant", [applicant.id], branch.id, reason=why
    )
    return applicant
