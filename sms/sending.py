"""Hand one queued message to the gateway, once per row while processes live (a crash
between the gateway's answer and the commit re-sends it: docs/reliability.md)."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import now
from sms.gateways import Gateway, GatewayError
from sms.models import Message


class SendLater(Exception):
    """A transient failure or no rate slot: the job retries with backoff."""


@dataclass(frozen=True)
class Outcome:
    message_id: int
    worker_id: int | None
    result: str  # "sent", "skipped" (already sent, not queued, or taken by another job), "failed"
    failure_kind: str | None = None  # GatewayError.kind of a permanent failure


def send_queued(session: Session, message_id: int, gateway: Gateway, acquire_slot) -> Outcome:
    """Lock the row (a second job for it skips), send, record the provider's id.

    The row lock is held across the gateway call: two jobs or the reconciler never hand the
    same message over twice. A process killed after the gateway took it and before the
    commit leaves the row queued, and it is sent again (docs/reliability.md, "Faults").
    A permanent failure is recorded on the row and reported to the caller, who acts on it
    (opt-outs, bad numbers).
    """
    message = session.scalars(
        select(Message)
        .where(Message.id == message_id, Message.direction == "out")
        .with_for_update(skip_locked=True)
    ).first()
    if message is None or message.status != "queued" or message.provider_sid is not None:
        return Outcome(message_id, None, "skipped")
    if not acquire_slot():
        raise SendLater("no sending slot within the wait; retry")
    try:
        sent = gateway.send(to=message.phone, body=message.body)
    except GatewayError as exc:
        if exc.transient:
            raise SendLater(str(exc)) from exc
        message.status, message.error_code = "failed", exc.code or exc.kind
        return Outcome(message.id, message.worker_id, "failed", exc.kind)
    message.provider_sid = sent.provider_sid
    message.status = "sent"
    message.sent_at = now()
    return Outcome(message.id, message.worker_id, "sent")
