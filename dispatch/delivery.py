"""Sending the outbox and hearing back from the provider; acting on what it tells us."""

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dispatch.models import Offer
from sms.gateways import Gateway, callback_failure_kind
from sms.models import STATUS_RANK, Message
from sms.sending import Outcome, send_queued
from workers.models import Worker


def deliver(
    session: Session, message_id: int, gateway: Gateway, acquire_slot: Callable[[], bool]
) -> Outcome:
    """Send one queued message; an offer becomes 'sent'; permanent failures mark the worker."""
    outcome = send_queued(session, message_id, gateway, acquire_slot)
    if outcome.result == "sent":
        session.execute(
            update(Offer)
            .where(
                Offer.id
                == select(Message.offer_id)
                .where(Message.id == message_id, Message.kind == "offer")
                .scalar_subquery(),
                Offer.status == "queued",
            )
            .values(status="sent")
        )
    elif outcome.result == "failed":
        _flag_worker(session, outcome.worker_id, outcome.failure_kind)
    return outcome


def _flag_worker(session: Session, worker_id: int | None, kind: str | None) -> None:
    if worker_id is None:
        return
    if kind == "opted_out":
        session.execute(update(Worker).where(Worker.id == worker_id).values(opted_out=True))
    elif kind == "invalid_number":
        session.execute(update(Worker).where(Worker.id == worker_id).values(phone_invalid=True))


def record_status(
    session: Session, *, provider_sid: str, status: str, error_code: str | None
) -> bool:
    """A provider status callback: statuses only move forward; error codes are kept."""
    message = session.scalars(
        select(Message).where(Message.provider_sid == provider_sid).with_for_update()
    ).first()
    if message is None or status not in STATUS_RANK:
        return False
    if error_code:
        message.error_code = error_code
        _flag_worker(session, message.worker_id, callback_failure_kind(error_code))
    if STATUS_RANK[status] > STATUS_RANK.get(message.status, -1):
        message.status = status
        return True
    return False


def stuck_messages(session: Session, now: datetime, grace: timedelta) -> dict[str, list[int]]:
    """Outgoing messages still queued and replies still unread after the grace: lost jobs."""
    cutoff = now - grace
    out = session.scalars(
        select(Message.id).where(
            Message.status == "queued", Message.direction == "out", Message.created_at < cutoff
        )
    )
    inbound = session.scalars(
        select(Message.id).where(Message.status == "received", Message.created_at < cutoff)
    )
    return {"sms.send": list(out), "sms.inbound": list(inbound)}
