"""Hand one queued message to the gateway exactly once, a crash of the sender included.

A send is three steps, the first and last each in a transaction of its own:
1. `claim`: lock the row, mark it `sending` with the time, commit. Only a queued row is
   claimed, and only by one sender (row lock, skip locked).
2. `hand_over`: the provider call, outside any transaction.
3. `record`: the provider's id and `sent`; or back to `queued` when the provider surely did
   not take it; or `failed` for good.
A sender that dies between 1 and 3 leaves a `sending` row. Once that claim is older than
CLAIM_STALE, the next sender (a retried job, or the reconciler's) asks the provider whether
it took the message (`ask_provider`) and then `settle`s the claim: the provider's id if it
took it, else the row goes back to the queue and is sent again.
No transaction is open, and so no row lock held, while the provider is asked or the sender
waits for a rate slot: `look` reads the row in a short transaction of its own, and `settle`
and `claim` lock it again and check that it is still as it was seen.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from sms.enums import MessageStatus
from sms.gateways import Gateway, GatewayError, Sent
from sms.models import Message, SentSid

# The provider call times out after 10 s; a claim older than this has no living sender.
CLAIM_STALE = timedelta(seconds=30)


class SendLater(Exception):
    """A transient failure, no rate slot, or a claim still settling: the job retries."""


@dataclass(frozen=True)
class Outcome:
    message_id: int
    worker_id: int | None
    result: str  # "sent", "skipped" (already settled or taken by another job), "failed", "retry"
    failure_kind: str | None = None  # GatewayError.kind of a permanent failure
    detail: str = ""  # why a retry


@dataclass(frozen=True)
class Claim:
    message_id: int
    worker_id: int | None
    phone: str
    body: str


@dataclass(frozen=True)
class Handover:
    sent: Sent | None = None
    error: GatewayError | None = None


@dataclass(frozen=True)
class Seen:
    """The row as a short read found it, to be checked again under the lock."""

    message_id: int
    worker_id: int | None
    status: str
    provider_sid: str | None
    claimed_at: datetime | None
    created_at: datetime
    phone: str
    body: str

    def outcome(self, result: str) -> Outcome:
        return Outcome(self.message_id, self.worker_id, result)

    @property
    def sendable(self) -> bool:
        return self.status == MessageStatus.QUEUED and self.provider_sid is None


def look(session: Session, message_id: int) -> Seen | None:
    """The outgoing row as it is now, without a lock (the caller commits before calling out)."""
    message = session.scalars(
        select(Message).where(Message.id == message_id, Message.direction == "out")
    ).first()
    if message is None:
        return None
    return Seen(
        message.id,
        message.worker_id,
        message.status,
        message.provider_sid,
        message.claimed_at,
        message.created_at,
        message.phone,
        message.body,
    )


def check_stale(seen: Seen, at: datetime) -> None:
    """A claim younger than CLAIM_STALE has a living sender: leave it to them."""
    if seen.claimed_at is not None and seen.claimed_at > at - CLAIM_STALE:
        raise SendLater("another sender holds this message; look again once it settles")


def ask_provider(seen: Seen, gateway: Gateway) -> list[str]:
    """The provider's ids of texts like this one since the claim: a network call, so no
    transaction may be open around it."""
    try:
        return gateway.find_sent(
            to=seen.phone, body=seen.body, since=seen.claimed_at or seen.created_at
        )
    except GatewayError as exc:
        raise SendLater(f"cannot check a stale claim with the provider: {exc}") from exc


def settle(session: Session, seen: Seen, candidates: list[str], at: datetime) -> Outcome | None:
    """A dead sender's claim, with what the provider said: its id recorded (an Outcome), or
    the row back in the queue (None: send it). A claim that moved on meanwhile is skipped."""
    message = _lock(session, seen.message_id)
    if message is None or (message.status, message.claimed_at) != (
        MessageStatus.SENDING,
        seen.claimed_at,
    ):
        return seen.outcome("skipped")  # another sender settled or re-claimed it first
    found = _unrecorded(session, candidates)
    if found is not None:
        _mark_sent(session, message, found, at)
        return seen.outcome("sent")
    message.status, message.claimed_at = MessageStatus.QUEUED, None  # never arrived: send it now
    return None


def claim(session: Session, message_id: int, at: datetime) -> Claim | Outcome:
    """Take a queued row for sending (the caller holds a rate slot already); an Outcome when
    there is nothing to send (sent meanwhile, or another sender has it)."""
    message = _lock(session, message_id, skip_locked=True)
    if message is None:
        return Outcome(message_id, None, "skipped")
    if message.status != MessageStatus.QUEUED or message.provider_sid is not None:
        return Outcome(message_id, message.worker_id, "skipped")
    message.status, message.claimed_at = MessageStatus.SENDING, at
    return Claim(message.id, message.worker_id, message.phone, message.body)


def _lock(session: Session, message_id: int, *, skip_locked: bool = False) -> Message | None:
    return session.scalars(
        select(Message)
        .where(Message.id == message_id, Message.direction == "out")
        .with_for_update(skip_locked=skip_locked)
        .execution_options(populate_existing=True)
    ).first()


def hand_over(claimed: Claim, gateway: Gateway) -> Handover:
    """The provider call itself: no database, no transaction open."""
    try:
        return Handover(sent=gateway.send(to=claimed.phone, body=claimed.body))
    except GatewayError as exc:
        return Handover(error=exc)


def record(session: Session, claimed: Claim, handover: Handover, at: datetime) -> Outcome:
    """What the provider answered, on the claimed row (still ours: nobody settles a fresh claim)."""
    # This commit need not wait for the disk: lost in a database crash, it leaves the claim,
    # which is settled from the provider's list. Only the claim's commit must be durable.
    session.execute(text("SET LOCAL synchronous_commit = off"))
    message = _lock(session, claimed.message_id)
    if message is None or message.status != MessageStatus.SENDING:
        return Outcome(claimed.message_id, claimed.worker_id, "skipped")
    if handover.sent is not None:
        _mark_sent(session, message, handover.sent.provider_sid, at)
        return Outcome(message.id, message.worker_id, "sent")
    error = handover.error
    assert error is not None
    if error.maybe_taken:  # stays claimed: settled against the provider's list once stale
        return Outcome(message.id, message.worker_id, "retry", detail=str(error))
    if error.transient:
        message.status, message.claimed_at = MessageStatus.QUEUED, None
        return Outcome(message.id, message.worker_id, "retry", detail=str(error))
    message.status, message.error_code = MessageStatus.FAILED, error.code or error.kind
    return Outcome(message.id, message.worker_id, "failed", error.kind)


def _mark_sent(session: Session, message: Message, provider_sid: str, at: datetime) -> None:
    """The id is the database's to keep unique (SentSid's key): a second row taking it fails
    the commit, the job retries and then finds it recorded."""
    session.add(SentSid(provider_sid=provider_sid, sent_at=at))
    message.provider_sid = provider_sid
    message.status = MessageStatus.SENT
    message.sent_at = at


def _unrecorded(session: Session, candidates: list[str]) -> str | None:
    """The provider's id of this message among the candidates: one not already recorded on
    another row (the same words to the same phone twice are two texts)."""
    if not candidates:
        return None
    recorded = set(
        session.scalars(select(Message.provider_sid).where(Message.provider_sid.in_(candidates)))
    )
    # The oldest unrecorded one: Twilio lists newest first.
    unrecorded = [sid for sid in candidates if sid not in recorded]
    return unrecorded[-1] if unrecorded else None
