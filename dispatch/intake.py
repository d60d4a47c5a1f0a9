"""Taking in a provider's inbound SMS: stored once per provider id, acted on by a job."""

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from core.jobs import enqueue_after_commit
from sms.models import Message
from sms.segments import measure


def receive(session: Session, *, provider_sid: str, from_phone: str, body: str) -> int | None:
    """Store the message; the unique provider id makes a repeat (or a race) a no-op.

    Returns the new row's id, or None when this provider id was already taken in.
    """
    encoded = measure(body)
    stored = session.execute(
        insert(Message)
        .values(
            direction="in",
            kind="reply",
            phone=from_phone,
            body=body,
            encoding=encoded.encoding,
            segments=encoded.segments,
            status="received",
            provider_sid=provider_sid,
        )
        .on_conflict_do_nothing(index_elements=["provider_sid"])
        .returning(Message.id)
    ).scalar()
    if stored is not None:
        enqueue_after_commit(session, "sms.inbound", stored)
    return stored
