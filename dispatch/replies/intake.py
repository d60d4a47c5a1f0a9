"""Taking in a provider's inbound SMS: stored once per provider id, acted on by a job.

A number that texts past its rate (BRIGADA_SMS_INBOUND_RATE) has the text stored as
"ignored", for the record and the dispatcher, and no job queued: a junk flood costs one row
per text, never work or replies. Answers (yes, no, cancel) are counted apart from the rest,
so junk never crowds out a real answer; STOP and START always pass."""

from collections.abc import Callable

from sqlalchemy import literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from core.jobs import enqueue_after_commit
from sms.enums import MessageStatus
from sms.models import InboundSid, Message
from sms.replies import parse
from sms.segments import measure
from workers.models import Worker

ALWAYS = ("stop", "start")  # an opt-out (and its undoing) is never lost to a limit
ANSWERS = ("yes", "no", "cancel")

# (phone, "answer" or "other") -> may it be acted on; None: no limit (tests, scripts).
Allow = Callable[[str, str], bool]


def _within_rate(allow: Allow | None, phone: str, body: str) -> bool:
    kind = parse(body).kind
    if allow is None or kind in ALWAYS:
        return True
    return allow(phone, "answer" if kind in ANSWERS else "other")


def receive(
    session: Session, *, provider_sid: str, from_phone: str, body: str, allow: Allow | None = None
) -> int | None:
    """Store the message; the provider id, taken in once (InboundSid's key) in the same
    statement, makes a repeat (or a race: the second waits for the first) a no-op.

    Returns the new row's id, or None when this provider id was already taken in.
    """
    encoded = measure(body)
    seen = (
        insert(InboundSid)
        .values(provider_sid=provider_sid)
        .on_conflict_do_nothing()
        .returning(InboundSid.provider_sid)
        .cte("seen")
    )
    row = {
        "direction": "in",
        "kind": "reply",
        "phone": from_phone,
        "body": body,
        "encoding": encoded.encoding,
        "segments": encoded.segments,
        "status": MessageStatus.RECEIVED,
    }
    columns = [*row, "provider_sid"]
    values = [literal(v, Message.__table__.c[k].type) for k, v in row.items()]
    stored = session.execute(
        insert(Message)
        .from_select(columns, select(*values, seen.c.provider_sid))
        .returning(Message.id)
    ).scalar()
    if stored is None:
        return None
    if _within_rate(allow, from_phone, body):
        enqueue_after_commit(session, "sms.inbound", stored)
    else:
        # Kept, tied to the worker for the message log, but nothing acts on it.
        worker_id = session.scalar(select(Worker.id).where(Worker.phone == from_phone).limit(1))
        session.execute(
            update(Message)
            .where(Message.id == stored)
            .values(status=MessageStatus.IGNORED, worker_id=worker_id)
        )
    return stored
