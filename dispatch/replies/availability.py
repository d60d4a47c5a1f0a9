"""СВОБОДЕН / FREE, ЗАНЯТ / BUSY and ПАУЗА / PAUSE by SMS: the days a worker wants work or
not, and a pause from offers without opting out (workers/availability.py keeps them; the
matcher reads them: dispatch/fill/eligibility.py). Each answer says what was recorded, or asks
again with an example; answers are automatic replies (throttled: dispatch/texts/autoreply.py).

The days are read by sms/days.py, "today" in the worker's home branch's timezone.
- FREE [days]: those days free (no days: today). Work on a free day is offered first.
- BUSY [days | до D]: those days busy (no days: today; "до 15.12": today through 15.12). No
  work is offered on a busy day. The latest word for a day wins.
- PAUSE N (1..MAX_PAUSE_DAYS): no offers for N days from now (N x 24 hours).
  PAUSE 0 (or PAUSE OFF / ПАУЗА НЕТ, ...: END_WORDS) ends a pause early. "СТОП ПАУЗА" would
  not: СТОП first is the opt-out (sms/replies.py), so the texts teach ПАУЗА 0.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dispatch.models import Branch
from dispatch.replies import unclear
from dispatch.replies.selfservice import fitted
from dispatch.texts import autoreply
from sms import days as day_words
from sms.commands import Command
from sms.letters import fold
from sms.models import Message
from workers import availability
from workers.models import Worker

MAX_PAUSE_DAYS = 60
END_WORDS = frozenset(
    fold(w) for w in ("0", "off", "end", "stop", "нет", "стоп", "конец", "выкл", "снять")
)


def _zone(session: Session, worker: Worker) -> ZoneInfo:
    return ZoneInfo(session.get_one(Branch, worker.branch_id).timezone)


def _said(session: Session, worker: Worker, command: Command, now: datetime, free: bool) -> str:
    today = now.astimezone(_zone(session, worker)).date()
    read = day_words.read_days(command.args, today)
    if not read.ok:
        kind = f"days_{read.refusal}"
        tomorrow = today + timedelta(days=1)
        last = today + timedelta(days=day_words.MAX_AHEAD_DAYS)
        sent = autoreply.reply(session, worker, kind, day=f"{tomorrow:%d.%m}", last=f"{last:%d.%m}")
        return kind if sent else f"{kind}, reply withheld"
    availability.record(session, worker.id, read.days, free=free, now=now)
    kind = "free_recorded" if free else "busy_recorded"
    entries = day_words.shown(read.days).split(", ")
    kind, values = fitted(session, worker, kind, entries, field="days", sep=", ")
    sent = autoreply.reply(session, worker, kind, None, **values)
    said = f"{'free' if free else 'busy'} {day_words.shown(read.days)}"
    return said if sent else f"{said}, reply withheld"


def free(
    session: Session, message: Message, worker: Worker, command: Command, now: datetime
) -> str:
    if not command.args and unclear.offer_about(session, worker.id) is not None:
        # A bare "свободен" with an offer open likely means "I can take it": not a free day
        # recorded (the worker would think they were booked), but the offer's own question.
        return unclear.answer(session, message, worker)
    return _said(session, worker, command, now, free=True)


def busy(
    session: Session, message: Message, worker: Worker, command: Command, now: datetime
) -> str:
    return _said(session, worker, command, now, free=False)


def pause(
    session: Session, message: Message, worker: Worker, command: Command, now: datetime
) -> str:
    """PAUSE N: no offers for N days; PAUSE 0 (END_WORDS): the pause ends now."""
    word = fold(command.args[0]) if len(command.args) == 1 else ""
    if word in END_WORDS:
        availability.pause(session, worker, None)
        sent = autoreply.reply(session, worker, "pause_ended")
        return "pause ended" if sent else "pause ended, reply withheld"
    if not (word.isascii() and word.isdigit()) or not 1 <= int(word) <= MAX_PAUSE_DAYS:
        sent = autoreply.reply(session, worker, "pause_unreadable", max=MAX_PAUSE_DAYS)
        return "pause unreadable" if sent else "pause unreadable, reply withheld"
    until = now + timedelta(days=int(word))
    availability.pause(session, worker, until)
    shown = f"{until.astimezone(_zone(session, worker)):%d.%m %H:%M}"
    sent = autoreply.reply(session, worker, "pause_set", until=shown)
    return f"paused until {shown}" + ("" if sent else ", reply withheld")
