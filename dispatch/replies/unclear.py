"""Replies we could not read. Each is tied to the offer it is most likely about (the worker's
newest live one) and kept as an inbound text of kind "unclear". The worker is told "not
understood" at most TRIES times an offer, then once "the dispatcher will call you", then
nothing; once their second try is not understood either, the order shows the dispatcher a
count of the unresolved ones (unclear_by_order) instead of the loop going on.

An unclear reply is resolved by a later understood reply on the same offer, or an answer
recorded after it (a phone answer a dispatcher took): the offer's answered_at."""

from collections import defaultdict

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, aliased

from core.db import locked
from dispatch.enums import LIVE, NOT_CLOSED
from dispatch.models import Offer, Order
from dispatch.texts import autoreply
from sms.models import Message
from workers.models import Worker

UNCLEAR = "unclear"  # the kind of an inbound text that was not understood
UNDERSTOOD = "reply"  # the kind of every other inbound text (dispatch/replies/intake.py)
TRIES = 2  # "not understood" answers a worker gets per offer; past them the dispatcher calls


def offer_about(session: Session, worker_id: int) -> Offer | None:
    """The worker's newest offer on an order not yet closed: what a stray text is about."""
    return session.scalars(
        select(Offer)
        .join(Order, Order.id == Offer.order_id)
        .where(Offer.worker_id == worker_id, Offer.status.in_(LIVE), Order.status.in_(NOT_CLOSED))
        .order_by(Offer.id.desc())
        .limit(1)
    ).first()


def unresolved(session: Session, offer_ids: list[int]) -> dict[int, tuple[int, int]]:
    """offer id -> (order id, unclear replies since the last understood one or answer)."""
    if not offer_ids:
        return {}
    return _unresolved(session, Offer.id.in_(offer_ids))


def _unresolved(session: Session, offers: ColumnElement[bool]) -> dict[int, tuple[int, int]]:
    """unresolved() of the offers the condition picks."""
    understood = aliased(Message)
    last_understood = (
        select(func.coalesce(func.max(understood.id), 0))
        .where(
            understood.offer_id == Offer.id,
            understood.direction == "in",
            understood.kind == UNDERSTOOD,
        )
        .scalar_subquery()
    )
    rows = session.execute(
        select(Offer.id, Offer.order_id, func.count(Message.id))
        .join(Message, Message.offer_id == Offer.id)
        .where(
            offers,
            Message.direction == "in",
            Message.kind == UNCLEAR,
            Message.id > last_understood,
            or_(Offer.answered_at.is_(None), Message.created_at > Offer.answered_at),
        )
        .group_by(Offer.id, Offer.order_id)
    )
    return {offer_id: (order_id, n) for offer_id, order_id, n in rows}


def unclear_by_order(session: Session, order_ids: list[int]) -> dict[int, int]:
    """Per order, the unresolved unclear replies of workers whose second try was not
    understood either: the badge the board and the order page show (orders with none left
    out)."""
    if not order_ids:
        return {}
    counts: dict[int, int] = defaultdict(int)
    # The orders' offers picked in the query: a board's thousands of offer ids, sent back as
    # parameters, cost more to plan than the index takes to answer.
    for order_id, n in _unresolved(session, Offer.order_id.in_(order_ids)).values():
        if n >= TRIES:
            counts[order_id] += n
    return dict(counts)


def answer(session: Session, message: Message, worker: Worker) -> str:
    """Tie a text we could not read to its offer and tell the worker what happens next."""
    offer = offer_about(session, worker.id)
    if offer is None:  # about nothing: the hourly throttle alone keeps it cheap
        return _not_understood(session, worker)
    message.kind, message.order_id, message.offer_id = UNCLEAR, offer.order_id, offer.id
    session.flush()
    # The worker's lock makes the count and the reply one step for two texts at once.
    session.scalars(locked(select(Worker.id).where(Worker.id == worker.id))).one()
    # No entry when an answer came in after this text was stored (a YES the job took first).
    _, tries = unresolved(session, [offer.id]).get(offer.id, (offer.order_id, 0))
    if tries <= TRIES:
        return _not_understood(session, worker)
    if tries == TRIES + 1:
        code = session.scalar(select(Order.code).where(Order.id == offer.order_id))
        told = autoreply.reply(session, worker, "unclear_call", order_id=offer.order_id, code=code)
        return "dispatcher will call" if told else "dispatcher will call, reply withheld"
    return "not understood, dispatcher told"


def _not_understood(session: Session, worker: Worker) -> str:
    if autoreply.reply(session, worker, "not_understood"):
        return "not understood"
    return "not understood, reply withheld"
