"""What an applicant is texted: in their language (Russian where a text has no translation
yet), in their branch's wording once the branch is known (before it: our default wording,
sms/templates.py), and at most TEXTS_PER_HOUR an hour per phone, so a number sending junk
never runs up an SMS bill (as dispatch/texts/autoreply.py does for a worker's automatic
replies). The first text held back in an hour is kept as one "withheld" row and audited."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.tenancy import SYSTEM
from dispatch.models import Branch
from dispatch.registry import wording
from sms import outbox, templates
from sms.enums import MessageStatus
from sms.models import Message
from sms.segments import measure
from workers.applicants import Applicant
from workers.skills import SKILLS

TEXTS_PER_HOUR = 12  # a whole dialogue takes about eight
# The workers' texts an applicant is sent too (a deletion's code): counted in the cap.
SHARED_KINDS = ("forget_confirm", "forget_wrong_code")
WINDOW = timedelta(hours=1)
MAX_SEGMENTS = 2
NAME_CHARS = 30  # a name or a branch's in a text: cut, the text stays within two segments
# The languages an applicant may choose, in the order listed, each by its own name.
LANGUAGE_NAMES = {
    "ru": "Русский",
    "en": "English",
    "uz": "O'zbek",
    "tg": "Тоҷикӣ",
    "ky": "Кыргызча",
}


def cut(value: str, chars: int = NAME_CHARS) -> str:
    return value if len(value) <= chars else value[: chars - 1] + "…"


def body(session: Session, applicant: Applicant, kind: str, **values: object) -> str:
    language = applicant.language  # a text not translated into it goes in Russian (render)
    if applicant.branch_id is None:  # branch-less: our default wording
        return templates.render(kind, language, None, False, **values)
    branch = session.get_one(Branch, applicant.branch_id)
    return wording.render(session, branch, kind, language, values)


def _sent(session: Session, phone: str, withheld: bool) -> int:
    status = MessageStatus.WITHHELD
    which = Message.status == status if withheld else Message.status != status
    return session.scalars(
        select(func.count())
        .select_from(Message)
        .where(
            Message.phone == phone,
            Message.direction == "out",
            Message.kind.startswith("applicant_") | Message.kind.in_(SHARED_KINDS),
            Message.created_at > func.now() - WINDOW,
            which,
        )
    ).one()


def send(
    session: Session,
    applicant: Applicant,
    kind: str,
    now: datetime,
    capped: bool = True,
    **values: object,
) -> bool:
    """Queue one text to the applicant (the caller holds the applicant's row lock, which makes
    the count and the text one step); False if the hour's share was used up."""
    text = body(session, applicant, kind, **values)
    if not capped or _sent(session, applicant.phone, False) < TEXTS_PER_HOUR:
        outbox.queue(session, kind=kind, worker_id=None, phone=applicant.phone, body=text)
        return True
    if _sent(session, applicant.phone, True) == 0:
        outbox.withhold(session, kind=kind, worker_id=None, phone=applicant.phone, body=text)
        audit.log(
            session,
            SYSTEM,
            "applicant.texts_withheld",
            "applicant",
            [applicant.id],
            applicant.branch_id,
            kind=kind,
            per_hour=TEXTS_PER_HOUR,
        )
    return False


def numbered(names: Sequence[str]) -> list[str]:
    return [f"{i} {name}" for i, name in enumerate(names, 1)]


def skill_items(language: str) -> list[str]:
    return numbered([templates.skill_name(s, language) for s in SKILLS])


def language_list() -> str:
    return ", ".join(numbered(list(LANGUAGE_NAMES.values())))


def send_list(
    session: Session, applicant: Applicant, kind: str, items: list[str], now: datetime
) -> None:
    """A question ending in a numbered list: as many items as keep it within two segments,
    the rest in as few "applicant_list" texts as fit."""
    taken = len(items)
    while taken > 1 and _segments(session, applicant, kind, items[:taken]) > MAX_SEGMENTS:
        taken -= 1
    send(session, applicant, kind, now, list=", ".join(items[:taken]))
    rest = items[taken:]
    while rest:
        taken = len(rest)
        while taken > 1 and _segments(session, applicant, "applicant_list", rest[:taken]) > 2:
            taken -= 1
        send(session, applicant, "applicant_list", now, list=", ".join(rest[:taken]))
        rest = rest[taken:]


def _segments(session: Session, applicant: Applicant, kind: str, items: list[str]) -> int:
    return measure(body(session, applicant, kind, list=", ".join(items))).segments
