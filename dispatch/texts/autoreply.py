"""Automatic replies to a worker's texts (not understood, help, which order, no open offer,
the dispatcher will call)
are throttled per worker: a few an hour (BRIGADA_SMS_AUTO_REPLIES_PER_HOUR), then silence,
so a phone that sends junk never runs up an SMS bill. The first reply held back in an hour is
kept as one "withheld" row in the message log (and the audit log): the dispatcher's note.
Answers to YES, NO, CANCEL, STOP and START that do something never come through here."""

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.db import locked
from core.settings import get_settings
from core.tenancy import SYSTEM
from dispatch.texts import messaging
from sms import outbox
from sms.enums import MessageStatus
from sms.models import Message
from workers.models import Worker

AUTOMATIC = (
    "not_understood",
    "help",
    "which_order",
    "no_open_offer",
    "unclear_call",
    # issue 19 self-service: the answers to a worker's questions and FREE/BUSY/PAUSE
    # (dispatch/replies/selfservice.py, dispatch/replies/availability.py)
    "shifts",
    "shifts_more",
    "shifts_none",
    "pay",
    "pay_fined",
    "pay_none",
    "pay_paid",  # issue 21: the same, with the last payout batch paid
    "pay_fined_paid",
    "pay_none_paid",
    "rating",
    "rating_suspended",
    "free_recorded",
    "busy_recorded",
    "days_unreadable",
    "days_past",
    "days_too_far",
    "pause_set",
    "pause_ended",
    # issue 19: a dispute or a deletion that did nothing, and the deletion's code (a phone
    # repeating СПОР 1 or УДАЛИТЬ in a loop must not run up a bill)
    "dispute_no_code",
    "dispute_no_penalty",
    "dispute_too_old",
    "dispute_already_open",
    "dispute_already_decided",
    "forget_confirm",
    "forget_wrong_code",
    "forget_waits",
    "pause_unreadable",
    # issue 20: a check-in by the site's code refused (dispatch/replies/arrival.py)
    "checkin_code_repeated",
    "checkin_code_missing",
    "checkin_code_wrong",
    "checkin_code_expired",
    "checkin_code_other",
    "checkin_code_no_shift",
    "checkin_code_limited",
)
WINDOW = timedelta(hours=1)


def _in_window(session: Session, worker_id: int, status_is_withheld: bool) -> int:
    withheld = MessageStatus.WITHHELD
    status = Message.status == withheld if status_is_withheld else Message.status != withheld
    return session.scalars(
        select(func.count())
        .select_from(Message)
        .where(
            Message.worker_id == worker_id,
            Message.direction == "out",
            Message.kind.in_(AUTOMATIC),
            Message.created_at > func.now() - WINDOW,
            status,
        )
    ).one()


def reply(
    session: Session, worker: Worker, kind: str, order_id: int | None = None, **values: object
) -> bool:
    """Queue an automatic reply unless the worker had their hour's share; False if withheld."""
    if kind not in AUTOMATIC:
        raise ValueError(f"{kind!r} is not an automatic reply")
    # The worker's row lock makes the count and the reply one step for concurrent jobs (the
    # last lock of the order; nobody here holds an order or an offer).
    session.scalars(locked(select(Worker.id).where(Worker.id == worker.id))).one()
    if _in_window(session, worker.id, False) < get_settings().sms_auto_replies_per_hour:
        messaging.tell(session, worker, kind, order_id=order_id, **values)
        return True
    if _in_window(session, worker.id, True) == 0:  # the note, once an hour
        body = messaging.text_for(session, worker, kind, **values)
        outbox.withhold(session, kind=kind, worker_id=worker.id, phone=worker.phone, body=body)
        audit.log(
            session,
            SYSTEM,
            "sms.replies_withheld",
            "worker",
            [worker.id],
            worker.branch_id,
            kind=kind,
            per_hour=get_settings().sms_auto_replies_per_hour,
        )
    return False
