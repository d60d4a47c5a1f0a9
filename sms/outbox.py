"""Queue outgoing messages as rows; the sender job (SMS issue) delivers them."""

from sqlalchemy import update
from sqlalchemy.orm import Session

from sms.models import Message
from sms.segments import measure


def queue(
    session: Session,
    *,
    kind: str,
    worker_id: int,
    phone: str,
    body: str,
    order_id: int | None = None,
    offer_id: int | None = None,
) -> Message:
    encoded = measure(body)
    message = Message(
        direction="out",
        kind=kind,
        worker_id=worker_id,
        phone=phone,
        body=body,
        order_id=order_id,
        offer_id=offer_id,
        encoding=encoded.encoding,
        segments=encoded.segments,
        status="queued",
    )
    session.add(message)
    return message


def withdraw(session: Session, *, offer_ids: list[int], kind: str) -> int:
    """Cancel queued, not yet sent messages of these offers (say, offers of a cancelled order)."""
    if not offer_ids:
        return 0
    result = session.execute(
        update(Message)
        .where(Message.offer_id.in_(offer_ids), Message.kind == kind, Message.status == "queued")
        .values(status="cancelled")
    )
    return result.rowcount
