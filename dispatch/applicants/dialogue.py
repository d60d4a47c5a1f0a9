"""The registration dialogue with a number that is no worker's, one step per text: consent
(Federal Law 152-FZ) first, then name, kinds of work, home (a district, or a point through a
signed link: located()), language; then the branch's recruiting queue.

The applicant's row is the dialogue's state: locked for each text, so two texts from one
phone are read one after the other, and created with ON CONFLICT, so two first texts make one
row. A text that does not answer the step is asked again; the third in a row ends the
dialogue, and so do SILENCE without a text (the scheduler's sweep: end_silent). An ended or
refused applicant starts again with a job word (РАБОТА, ИШ...); other texts go unanswered.
STOP withdraws an open application (under way, queued or invited): the row is deleted.
УДАЛИТЬ / DELETE, in any state with a row, is read before the step's answer: a one-time code,
then everything about the applicant goes (forget.py).

Decided: before consent nothing but the phone, the step and the dialogue's language is
stored; a "no" deletes the row (nothing is kept; the next text asks again). STOP deletes
without a reply (the provider confirms an opt-out itself). A job word in
Uzbek, Tajik or Kyrgyz starts the dialogue in that language; anything else in Russian (texts
without a translation yet fall back to Russian: texting.py)."""

import re
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from core import audit
from core.db import locked
from core.settings import get_settings
from core.tenancy import SYSTEM
from dispatch.applicants import forget, places, texting
from dispatch.models import Branch
from geo.points import Point
from sms.commands import Command, read
from sms.models import Message
from sms.replies import parse
from workers.applicants import OPEN, Applicant, ApplicantStep
from workers.skills import SKILLS

CONSENT_VERSION = "2026-12"  # the consent text asked (sms/templates.py applicant_consent)
MAX_TRIES = 3  # failed answers to one step before the dialogue ends
SILENCE = timedelta(hours=48)
STARTING_LANGUAGES = ("uz", "tg", "ky")  # a job word in these starts in them; else Russian
NAME_MIN, NAME_MAX = 2, 100
_NAME = re.compile(r"^[^\W\d_]+(?:[ '’.\-][^\W\d_]+)*\.?$")
_NUMBERS = re.compile(r"^[\d\s,;.]+$")
# "approved" reaches here only once the worker is gone (deleted at their request, or their
# number changed): the phone may sign up anew.
_RESTARTABLE = ("ended", "refused", "approved")
# The fields a wiped dialogue forgets (an end, a restart); the consent record stays.
_PERSONAL = ("full_name", "skills", "home", "district_id")


def handle(session: Session, message: Message, now: datetime) -> str:
    """Act on a text from a number that is no worker's; returns what it did (for logs)."""
    reply, command = parse(message.body), read(message.body)
    if command is not None and command.kind == "delete" and command.args:
        # May forget: the phone's texts first, then the applicant, as a second text of theirs
        # being answered takes them (else the deletion's rewrite of the texts would deadlock).
        session.execute(
            select(Message.id)
            .where(Message.phone == message.phone, Message.worker_id.is_(None))
            .order_by(Message.id)
            .with_for_update()
        )
    applicant = _locked(session, message.phone)
    if reply.kind == "stop":
        if applicant is None or applicant.status not in OPEN:
            return "unknown sender stopped"
        _delete(session, applicant, "applicant.stopped")
        return "applicant stopped"
    if command is not None and command.kind == "delete":
        if applicant is None:  # nothing held; no dialogue started by a deletion's word
            return "unknown sender, nothing to delete"
        applicant.last_message_at = now
        return forget.by_sms(session, message, applicant, command, now)
    if applicant is None:
        applicant, created = _create(session, message.phone, _starting_language(command), now)
        if created:
            _log(session, applicant, message, "started")
            texting.send(session, applicant, "applicant_consent", now)
            return "applicant started"
        # else a text from the same phone made it a moment ago: this one answers its question
    if applicant.status in ("queued", "invited"):
        branch = session.get_one(Branch, applicant.branch_id)
        texting.send(session, applicant, "applicant_waiting", now, branch=texting.cut(branch.name))
        return "applicant waiting"
    if applicant.status != "talking":
        if applicant.status in _RESTARTABLE and command is not None and command.kind == "work":
            _restart(session, applicant, _starting_language(command), now)
            _log(session, applicant, message, "restarted")
            texting.send(session, applicant, "applicant_consent", now)
            return "applicant restarted"
        return f"applicant {applicant.status}, not answered"
    applicant.last_message_at = now
    return _STEPS[applicant.step](session, applicant, message, command, now)


def _starting_language(command: Command | None) -> str:
    if command is not None and command.kind == "work" and command.language in STARTING_LANGUAGES:
        return command.language
    return "ru"


def _locked(session: Session, phone: str) -> Applicant | None:
    return session.scalars(
        locked(select(Applicant).where(Applicant.phone == phone)),
        execution_options={"populate_existing": True},
    ).first()


def _create(session: Session, phone: str, language: str, now: datetime) -> tuple[Applicant, bool]:
    """The phone's new row, or the one a concurrent first text made (False: not ours)."""
    made = session.execute(
        insert(Applicant)
        .values(phone=phone, language=language, last_message_at=now)
        .on_conflict_do_nothing(index_elements=["phone"])
        .returning(Applicant.id)
    ).scalar()
    applicant = _locked(session, phone)
    assert applicant is not None
    if made is not None:
        audit.log(session, SYSTEM, "applicant.start", "applicant", [applicant.id], None)
    return applicant, made is not None


def _restart(session: Session, applicant: Applicant, language: str, now: datetime) -> None:
    for name in (
        *_PERSONAL,
        "consent_version",
        "consent_at",
        "consent_message_id",
        "consent_message_at",
    ):
        setattr(applicant, name, None)
    for name in (
        "interview",
        "invited_at",
        "decided_at",
        "decided_by",
        "note",
        "ended_at",
        "worker_id",
        "branch_id",
    ):
        setattr(applicant, name, None)
    applicant.status, applicant.step, applicant.tries = "talking", "consent", 0
    applicant.language, applicant.last_message_at = language, now
    session.flush()
    audit.log(session, SYSTEM, "applicant.restart", "applicant", [applicant.id], None)


def _log(session: Session, applicant: Applicant, message: Message | None, outcome: str) -> None:
    session.add(
        ApplicantStep(
            applicant_id=applicant.id,
            step=applicant.step,
            message_id=None if message is None else message.id,
            message_at=None if message is None else message.created_at,
            outcome=outcome,
        )
    )
    session.flush()


def _delete(session: Session, applicant: Applicant, action: str) -> None:
    """Nothing kept: the row and its steps go; the audit names the id only."""
    audit.log(session, SYSTEM, action, "applicant", [applicant.id], applicant.branch_id)
    session.delete(applicant)
    session.flush()


def _next(
    session: Session, applicant: Applicant, message: Message | None, step: str, now: datetime
) -> None:
    """The step answered: logged, and the next one asked."""
    _log(session, applicant, message, "taken")
    applicant.step, applicant.tries = step, 0
    session.flush()
    _ask(session, applicant, now)


def _ask(session: Session, applicant: Applicant, now: datetime) -> None:
    step = applicant.step
    if step == "name":
        texting.send(session, applicant, "applicant_name", now)
    elif step == "skills":
        items = texting.skill_items(applicant.language)
        texting.send_list(session, applicant, "applicant_skills", items, now)
    elif step == "home":
        texting.send(session, applicant, "applicant_home", now, link=_link(applicant))
    elif step == "language":
        texting.send(session, applicant, "applicant_language", now, list=texting.language_list())


def _link(applicant: Applicant) -> str:
    settings = get_settings()
    return places.location_link(applicant, settings.public_url, settings.secret_key)


def _again(
    session: Session,
    applicant: Applicant,
    message: Message,
    now: datetime,
    kind: str,
    **values: object,
) -> str:
    """Not an answer to the step: asked again, or, the MAX_TRIES-th time, the end."""
    _log(session, applicant, message, "retry")
    applicant.tries += 1
    if applicant.tries >= MAX_TRIES:
        end(session, applicant, now, "tries")
        return f"applicant ended at {applicant.step}"
    texting.send(session, applicant, kind, now, True, **values)
    return f"asked again for {applicant.step}"


def end(session: Session, applicant: Applicant, now: datetime, why: str) -> None:
    """The dialogue ends politely; what it gathered is forgotten, the consent record kept."""
    texting.send(
        session, applicant, "applicant_ended" if why == "tries" else "applicant_timeout", now
    )
    for name in _PERSONAL:
        setattr(applicant, name, None)
    applicant.status, applicant.ended_at = "ended", now
    session.flush()
    audit.log(
        session,
        SYSTEM,
        "applicant.end",
        "applicant",
        [applicant.id],
        applicant.branch_id,
        why=why,
        step=applicant.step,
    )


def _consent(
    session: Session, applicant: Applicant, message: Message, command: Command | None, now: datetime
) -> str:
    if message.id < _first_asked(session, applicant):
        # Sent before the question reached the phone (two first texts at once): no consent
        # can be read from it, and the question is on its way.
        return "consent not yet asked"
    kind = parse(message.body).kind
    if kind == "no":
        texting.send(session, applicant, "applicant_declined", now)
        _delete(session, applicant, "applicant.declined")
        return "consent refused, nothing kept"
    if kind != "yes":
        return _again(session, applicant, message, now, "applicant_consent_again")
    applicant.consent_version, applicant.consent_at = CONSENT_VERSION, now
    applicant.consent_message_id = message.id
    applicant.consent_message_at = message.created_at  # with the id: messages' key (0059)
    audit.log(
        session,
        SYSTEM,
        "applicant.consent",
        "applicant",
        [applicant.id],
        None,
        version=CONSENT_VERSION,
        message_id=message.id,
    )
    _next(session, applicant, message, "name", now)
    return "consent given"


def _first_asked(session: Session, applicant: Applicant) -> int:
    """The id of the first consent question texted to this applicant (ids grow with time: an
    inbound text with a smaller id was sent before it); none yet: a bound no id passes."""
    asked = session.scalar(
        select(func.min(Message.id)).where(
            Message.phone == applicant.phone,
            Message.direction == "out",
            Message.kind.in_(("applicant_consent", "applicant_consent_again")),
            Message.created_at >= applicant.created_at,
        )
    )
    return asked if asked is not None else 2**62


def _name(
    session: Session, applicant: Applicant, message: Message, command: Command | None, now: datetime
) -> str:
    name = " ".join(message.body.split())
    letters = sum(ch.isalpha() for ch in name)
    if (
        not NAME_MIN <= len(name) <= NAME_MAX
        or letters < NAME_MIN
        or not _NAME.match(name)
        or (" " not in name and (parse(name).kind != "unknown" or command is not None))
    ):  # a lone ДА or СТОП is no name; "Ха Сергей", "Озод Рахимов" are
        return _again(session, applicant, message, now, "applicant_name_again")
    applicant.full_name = name
    _next(session, applicant, message, "skills", now)
    return "name taken"


def _skills(
    session: Session, applicant: Applicant, message: Message, command: Command | None, now: datetime
) -> str:
    body = message.body.strip()
    numbers = [int(n) for n in re.findall(r"\d+", body)] if _NUMBERS.match(body) else []
    if not numbers or any(not 1 <= n <= len(SKILLS) for n in numbers):
        return _again(session, applicant, message, now, "applicant_skills_again")
    applicant.skills = list(dict.fromkeys(SKILLS[n - 1] for n in numbers))
    _next(session, applicant, message, "home", now)
    return "skills taken"


def _home(
    session: Session, applicant: Applicant, message: Message, command: Command | None, now: datetime
) -> str:
    found = places.match_district(session, message.body)
    if found.district is None:
        if found.suggestions:
            return _again(
                session,
                applicant,
                message,
                now,
                "applicant_district",
                districts=", ".join(found.suggestions),
            )
        return _again(
            session, applicant, message, now, "applicant_home_again", link=_link(applicant)
        )
    district = found.district
    applicant.home, applicant.district_id = district.centre, district.id
    applicant.branch_id = district.branch_id
    _next(session, applicant, message, "language", now)
    return f"district {district.id}"


def located(session: Session, applicant_id: int, point: Point, now: datetime) -> str | None:
    """The point the applicant's phone shared through the link: their home, the nearest
    branch theirs. None when the dialogue is not (or no longer) at that step."""
    applicant = session.scalars(
        locked(select(Applicant).where(Applicant.id == applicant_id)),
        execution_options={"populate_existing": True},
    ).first()
    if applicant is None or applicant.status != "talking" or applicant.step != "home":
        return None
    branch = places.branch_near(session, point)
    if branch is None:
        return None
    district = places.district_near(session, branch.id, point)
    applicant.home = point.to_db()  # type: ignore[assignment]
    applicant.branch_id = branch.id
    applicant.district_id = None if district is None else district.id
    applicant.last_message_at = now
    _next(session, applicant, None, "language", now)
    return f"located, branch {branch.id}"


def _language(
    session: Session, applicant: Applicant, message: Message, command: Command | None, now: datetime
) -> str:
    codes = list(texting.LANGUAGE_NAMES)
    body = message.body.strip()
    if command is not None and command.kind == "language" and command.language in codes:
        chosen = command.language
    elif body.isdigit() and 1 <= int(body) <= len(codes):
        chosen = codes[int(body) - 1]
    else:
        listed = texting.language_list()
        return _again(session, applicant, message, now, "applicant_language_again", list=listed)
    applicant.language = chosen
    _log(session, applicant, message, "taken")
    applicant.step, applicant.status, applicant.tries = "done", "queued", 0
    session.flush()
    branch = session.get_one(Branch, applicant.branch_id)
    audit.log(session, SYSTEM, "applicant.queued", "applicant", [applicant.id], branch.id)
    texting.send(
        session,
        applicant,
        "applicant_queued",
        now,
        name=texting.cut(applicant.full_name or ""),
        branch=texting.cut(branch.name),
    )
    return f"queued at branch {branch.id}"


_STEPS = {
    "consent": _consent,
    "name": _name,
    "skills": _skills,
    "home": _home,
    "language": _language,
}


def silent(session: Session, now: datetime) -> list[int]:
    """Dialogues with no text for SILENCE (the sweep's list; unlocked)."""
    return list(
        session.scalars(
            select(Applicant.id)
            .where(Applicant.status == "talking", Applicant.last_message_at < now - SILENCE)
            .order_by(Applicant.id)
        )
    )


def end_silent(session: Session, applicant_id: int, now: datetime) -> bool:
    """End one silent dialogue; a no-op if a text came meanwhile or it ended already."""
    applicant = session.scalars(
        locked(select(Applicant).where(Applicant.id == applicant_id)),
        execution_options={"populate_existing": True},
    ).first()
    if applicant is None or applicant.status != "talking":
        return False
    if applicant.last_message_at >= now - SILENCE:
        return False
    end(session, applicant, now, "silence")
    return True
