"""What a worker's command word does (sms/commands.py reads it): their shifts, their pay,
their rating, the days they are free or busy, a pause, a dispute, a deletion. Each kind is
answered by its own module; this one only routes."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from core import audit
from core.tenancy import SYSTEM
from dispatch.penalties import disputes
from dispatch.replies import arrival, availability, forget, selfservice, unclear
from dispatch.texts import messaging
from sms.commands import Command
from sms.models import Message
from workers.models import Worker

# kind -> what answers it: (session, message, worker, command, now) -> what it did (for logs)
Handler = Callable[[Session, Message, Worker, Command, datetime], str]
HANDLERS: dict[str, Handler] = {  # the language command's, _language, is added below
    "shifts": selfservice.shifts,
    "pay": selfservice.pay_owed,
    "rating": selfservice.rating,
    "free": availability.free,
    "busy": availability.busy,
    "pause": availability.pause,
    "dispute": disputes.by_sms,  # issue 19: СПОР <code> [words]
    "delete": forget.by_sms,  # issue 19: УДАЛИТЬ, then УДАЛИТЬ <code> to confirm
    "arrived": arrival.arrived,  # issue 20: ПРИШЕЛ <the site's code>
}


def handle(
    session: Session, message: Message, worker: Worker, command: Command, now: datetime
) -> str:
    handler = HANDLERS.get(command.kind)
    if handler is None:  # a word with no answer yet ("work" from a worker): as if unread
        return unclear.answer(session, message, worker)
    return handler(session, message, worker, command, now)


def _language(
    session: Session, message: Message, worker: Worker, command: Command, now: datetime
) -> str:
    """A language's own name (O'ZBEK, ТОҶИКӢ...): the worker's texts come in it from now on."""
    before = worker.language
    worker.language = command.language
    audit.log(
        session,
        SYSTEM,
        "worker.language",
        "worker",
        [worker.id],
        worker.branch_id,
        before=before,
        after=command.language,
        message_id=message.id,
    )
    messaging.tell(session, worker, "language_set")
    return f"language {before} -> {command.language}"


HANDLERS["language"] = _language
