"""ПРИШЕЛ 482913 / HERE 482913 by SMS: a check-in with the site's code, when GPS fails or the
phone is basic. The inbox only hands the text on: the check-in is the shift stage's
(dispatch/shift/codes.py, which replies stages cannot import), done by its own job."""

from datetime import datetime

from sqlalchemy.orm import Session

from core.jobs import enqueue_after_commit
from sms.commands import CHECKIN_WAITING, Command
from sms.models import Message
from workers.models import Worker

JOB = "dispatch.checkin_by_code"  # dispatch/shift/tasks.py


def arrived(
    session: Session, message: Message, worker: Worker, command: Command, now: datetime
) -> str:
    message.kind = CHECKIN_WAITING
    enqueue_after_commit(session, JOB, message.id)
    return "check-in code handed on"
