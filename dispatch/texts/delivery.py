"""Sending the outbox and hearing back from the provider; acting on what it tells us."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from core.clock import now
from dispatch.enums import OfferStatus
from dispatch.models import Offer
from sms import sending
from sms.enums import STATUS_RANK, MessageStatus
from sms.gateways import Gateway, callback_failure_kind
from sms.models import EarlyStatus, InboundSid, Message, SentSid
from sms.sending import CLAIM_STALE, Outcome, SendLater
from workers.models import Worker

Transaction = Callable[[], AbstractContextManager[Session]]
# How long a callback for an id no message holds waits for that message to be recorded.
EARLY_STATUS_KEPT = timedelta(days=1)
# How long an inbound text's provider id turns away a repeat of it (a provider's webhook
# retries come within hours); migration 0059 SEEN_DAYS.
SEEN_SIDS_KEPT = timedelta(days=7)
# How long an outgoing provider id stays in SentSid (migration 0064 SENT_DAYS). Its key only has
# to settle two transactions recording the same id at once (the settle reads the messages for
# ids recorded earlier, sms/sending.py `_unrecorded`); a week, as the inbound ids, is ample.
SENT_SIDS_KEPT = timedelta(days=7)
# A status callback comes within days of the send: the lookup by provider id reads the months
# since this long before now first, and all of them only when that finds nothing.
CALLBACK_WINDOW = timedelta(days=7)


def deliver(
    transaction: Transaction,
    message_id: int,
    gateway: Gateway,
    acquire_slot: Callable[[], bool],
) -> Outcome:
    """Send one queued message exactly once (sms/sending.py). Each step that touches the row
    is a short transaction of its own (`transaction` is the job's session scope); the
    provider's list, the rate limiter and the provider call run with none open, so no row
    lock is held over the network or a wait. An offer becomes 'sent'; a permanent failure
    marks the worker."""
    with transaction() as session:
        seen = sending.look(session, message_id)
    if seen is None:
        return Outcome(message_id, None, "skipped")
    if seen.status == MessageStatus.SENDING:  # a claim: a dead sender's once stale
        sending.check_stale(seen, now())
        candidates = sending.ask_provider(seen, gateway)
        with transaction() as session:
            settled = sending.settle(session, seen, candidates, now())
            if settled is not None:
                _act_on(session, settled)
                return settled
    elif not seen.sendable:
        return seen.outcome("skipped")
    if not acquire_slot():
        raise SendLater("no sending slot within the wait; retry")
    with transaction() as session:
        claimed = sending.claim(session, message_id, now())
    if isinstance(claimed, Outcome):
        return claimed
    handover = sending.hand_over(claimed, gateway)
    with transaction() as session:
        outcome = sending.record(session, claimed, handover, now())
        _act_on(session, outcome)
    if outcome.result == "retry":
        raise SendLater(outcome.detail)
    return outcome


def _act_on(session: Session, outcome: Outcome) -> None:
    if outcome.result == "sent":
        session.execute(
            update(Offer)
            .where(
                Offer.id
                == select(Message.offer_id)
                .where(Message.id == outcome.message_id, Message.kind == "offer")
                .scalar_subquery(),
                Offer.status == OfferStatus.QUEUED,
            )
            .values(status=OfferStatus.SENT)
        )
    elif outcome.result == "failed":
        _flag_worker(session, outcome.message_id, outcome.worker_id, outcome.failure_kind)


def _flag_worker(
    session: Session, message_id: int, worker_id: int | None, kind: str | None
) -> None:
    """What the carrier said of the number the text went to: only while the worker still has
    that number (a report on the old one must not flag the new one)."""
    flag = {"opted_out": "opted_out", "invalid_number": "phone_invalid"}.get(kind or "")
    if worker_id is None or flag is None:
        return
    sent_to = select(Message.phone).where(Message.id == message_id).scalar_subquery()
    session.execute(
        update(Worker).where(Worker.id == worker_id, Worker.phone == sent_to).values({flag: True})
    )


def record_status(
    session: Session, *, provider_sid: str, status: str, error_code: str | None
) -> bool:
    """A provider status callback: statuses only move forward; error codes are kept. One for
    an id no row holds yet (it outran the send's record, or a dead sender's claim is still to
    be settled from the provider's list) is kept for `apply_early_statuses`."""
    if status not in STATUS_RANK:
        return False
    message = _by_sid(session, provider_sid)
    if message is None:
        if _is_inbound(session, provider_sid):
            return False  # a reply's id: nothing to keep for later either
        session.execute(
            insert(EarlyStatus)
            .values(provider_sid=provider_sid, status=status, error_code=error_code)
            .on_conflict_do_nothing()
        )
        return False
    return _apply_status(session, message, status, error_code)


def apply_early_statuses(session: Session, at: datetime) -> int:
    """Kept callbacks whose id a message now holds are applied (in the reconciler, so the
    send path pays nothing for them); those no message took within a day are forgotten."""
    early = session.execute(
        delete(EarlyStatus)
        .where(exists().where(Message.provider_sid == EarlyStatus.provider_sid))
        .returning(EarlyStatus.provider_sid, EarlyStatus.status, EarlyStatus.error_code)
    ).all()
    # Every message first, in id order, then their workers: locking a message while holding
    # a worker it flagged could wait on a sender that holds that message and wants the worker.
    messages = {
        m.provider_sid: m
        for m in session.scalars(
            select(Message)
            .where(Message.provider_sid.in_([sid for sid, _, _ in early]))
            .order_by(Message.id)
            .with_for_update()
        )
    }
    for provider_sid, status, error_code in early:
        if provider_sid in messages:
            _apply_status(session, messages[provider_sid], status, error_code)
    session.execute(delete(EarlyStatus).where(EarlyStatus.received_at < at - EARLY_STATUS_KEPT))
    return len(early)


def forget_seen_sids(session: Session, at: datetime) -> int:
    """Inbound provider ids older than SEEN_SIDS_KEPT no longer turn a repeat away."""
    gone = session.execute(delete(InboundSid).where(InboundSid.received_at < at - SEEN_SIDS_KEPT))
    return int(gone.rowcount or 0)  # type: ignore[attr-defined]


def forget_sent_sids(session: Session, at: datetime) -> int:
    """Outgoing provider ids older than SENT_SIDS_KEPT: the messages still hold them."""
    gone = session.execute(delete(SentSid).where(SentSid.sent_at < at - SENT_SIDS_KEPT))
    return int(gone.rowcount or 0)  # type: ignore[attr-defined]


def _by_sid(session: Session, provider_sid: str) -> Message | None:
    """The outgoing message with this id: status callbacks describe what we sent, never a
    reply (whose id a forged or echoed callback may carry). The recent months first (they
    prune to one or two partitions), then every month."""
    query = select(Message).where(Message.provider_sid == provider_sid, Message.direction == "out")
    recent = Message.created_at >= now() - CALLBACK_WINDOW
    found = session.scalars(query.where(recent).with_for_update()).first()
    return found or session.scalars(query.with_for_update()).first()


def _is_inbound(session: Session, provider_sid: str) -> bool:
    return bool(
        session.scalar(
            select(exists().where(Message.provider_sid == provider_sid, Message.direction == "in"))
        )
    )


def _apply_status(session: Session, message: Message, status: str, error_code: str | None) -> bool:
    if error_code:
        message.error_code = error_code
        _flag_worker(session, message.id, message.worker_id, callback_failure_kind(error_code))
    if STATUS_RANK[status] > STATUS_RANK.get(message.status, -1):
        message.status = status
        return True
    return False


def stuck_messages(session: Session, at: datetime, grace: timedelta) -> dict[str, list[int]]:
    """Lost jobs: outgoing messages still queued and replies still unread after the grace, and
    claims a dead sender left (settled against the provider's list by the send job)."""
    cutoff = at - grace
    queued = session.scalars(
        select(Message.id).where(
            Message.status == MessageStatus.QUEUED,
            Message.direction == "out",
            Message.created_at < cutoff,
        )
    )
    abandoned = session.scalars(
        select(Message.id).where(
            Message.status == MessageStatus.SENDING,
            Message.claimed_at < at - max(grace, CLAIM_STALE),
        )
    )
    inbound = session.scalars(
        select(Message.id).where(
            Message.status == MessageStatus.RECEIVED, Message.created_at < cutoff
        )
    )
    return {"sms.send": [*queued, *abandoned], "sms.inbound": list(inbound)}
