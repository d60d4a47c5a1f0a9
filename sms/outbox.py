"""Queue outgoing messages as rows; the `sms.send` job delivers them (sms/sending.py)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.jobs import enqueue_after_commit
from sms.enums import MessageStatus
from sms.models import Message
from sms.segments import measure


def queue(
    session: Session,
    *,
    kind: str,
    worker_id: int | None,  # None: a text to a client's contact (dispatch/quality/)
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
        status=MessageStatus.QUEUED,
    )
    session.add(message)
    session.flush()  # the id, for the send job
    enqueue_after_commit(session, "sms.send", message.id)
    return message


def withhold(session: Session, *, kind: str, worker_id: int | None, phone: str, body: str) -> None:
    """Keep a text that an hour's cap of automatic replies stopped, never sent: the office sees
    in the thread what the person was not told."""
    encoded = measure(body)
    session.add(
        Message(
            direction="out",
            kind=kind,
            worker_id=worker_id,
            phone=phone,
            body=body,
            encoding=encoded.encoding,
            segments=encoded.segments,
            status=MessageStatus.WITHHELD,
        )
    )
    session.flush()


def withdraw_order(session: Session, order_id: int) -> list[Message]:
    """Cancel an order's outgoing messages still queued. Rows a send job holds are skipped:
    they are being handed over right now, so they count as sent."""
    waiting = list(
        session.scalars(
            select(Message)
            .where(
                Message.order_id == order_id,
                Message.direction == "out",
                Message.status == MessageStatus.QUEUED,
            )
            .with_for_update(skip_locked=True)
        )
    )
    for message in waiting:
        message.status = MessageStatus.CANCELLED
    return waiting
