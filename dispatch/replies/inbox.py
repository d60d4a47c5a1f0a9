"""What a worker's SMS reply does: take or refuse an offer, cancel, opt out or in, get help.

Each inbound message is acted on once: the row is locked and moves from 'received' to
'processed' in the same transaction as its effects.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import Conflict
from dispatch.applicants import dialogue
from dispatch.enums import FILLABLE, LIVE, OfferStatus
from dispatch.fill import waves
from dispatch.fill.errors import BookedElsewhere
from dispatch.models import Offer, Order
from dispatch.orders.errors import OrderClosed
from dispatch.quality import answers
from dispatch.replies import commands, unclear
from dispatch.texts import autoreply, messaging
from sms.commands import read
from sms.enums import MessageStatus
from sms.models import Message
from sms.replies import Reply, parse
from workers.models import Worker


def handle_inbound(session: Session, message_id: int, now: datetime) -> str:
    """Act on one received SMS; returns what it did (for logs and tests)."""
    message = session.scalars(
        select(Message)
        .where(Message.id == message_id, Message.direction == "in")
        .with_for_update(skip_locked=True)
    ).first()
    if message is None or message.status != MessageStatus.RECEIVED:
        return "skipped"
    message.status = MessageStatus.PROCESSED
    worker = session.scalars(select(Worker).where(Worker.phone == message.phone)).first()
    # A client's contact answering the rating question (dispatch/quality/answers.py decides
    # which texts of a number that is also a worker's are the worker's).
    question = answers.open_question(session, message.phone, now)
    if question is not None and answers.is_answer(
        message.body,
        worker=worker is not None,
        worker_busy=worker is not None and unclear.offer_about(session, worker.id) is not None,
    ):
        return answers.take(session, message, question, now)
    if worker is None:  # a stranger: the registration dialogue (dispatch/applicants/)
        return dialogue.handle(session, message, now)
    message.worker_id = worker.id
    reply = parse(message.body)
    if reply.kind == "stop":
        worker.opted_out = True
        messaging.tell(session, worker, "opted_out")
        return "opted out"
    if reply.kind == "start":
        worker.opted_out = False
        messaging.tell(session, worker, "opted_in")
        return "opted in"
    if reply.kind == "help":
        return "help" if autoreply.reply(session, worker, "help") else "help withheld"
    if reply.kind in ("yes", "no", "cancel"):
        return _answer(session, message, worker, reply, now)
    command = read(message.body)
    if command is not None:
        return commands.handle(session, message, worker, command, now)
    return unclear.answer(session, message, worker)


def _candidates(session: Session, worker: Worker, reply: Reply) -> list[tuple[Offer, Order]]:
    """The worker's offers this reply can be about: booked ones for a cancellation."""
    statuses = (OfferStatus.BOOKED,) if reply.kind == "cancel" else LIVE
    query = (
        select(Offer, Order)
        .join(Order, Order.id == Offer.order_id)
        .where(Offer.worker_id == worker.id, Offer.status.in_(statuses), Order.status.in_(FILLABLE))
        .order_by(Order.starts_at)
    )
    if reply.code is not None:
        query = query.where(Order.code == reply.code)
    rows = [(offer, order) for offer, order in session.execute(query).all()]
    if reply.kind == "yes":  # a bare YES answers "please confirm" first, then open offers
        awaiting = [
            (o, r)
            for o, r in rows
            if o.status == OfferStatus.BOOKED and o.confirm_asked_at and o.confirmed_at is None
        ]
        still_open = [(o, r) for o, r in rows if o.status != OfferStatus.BOOKED]
        rows = awaiting or still_open or rows
    return rows


def _answer(session: Session, message: Message, worker: Worker, reply: Reply, now: datetime) -> str:
    rows = _candidates(session, worker, reply)
    if not rows:
        withheld = not autoreply.reply(session, worker, "no_open_offer")
        return "no open offer" + (", reply withheld" if withheld else "")
    if len(rows) > 1:
        codes = ", ".join(order.code for _, order in rows)
        asked = autoreply.reply(
            session, worker, "which_order", codes=codes, example=rows[0][1].code
        )
        return "asked which order" if asked else "which order, reply withheld"
    offer, order = rows[0]
    message.order_id, message.offer_id = order.id, offer.id
    before = offer.status
    try:
        with session.begin_nested():
            answered = waves.answer(
                session,
                order_id=order.id,
                worker_id=worker.id,
                yes=reply.kind == "yes",
                source="sms",
                now=now,
            )
    except BookedElsewhere:
        messaging.notify(session, order, offer, "booked_elsewhere")
        return "booked elsewhere"
    except (OrderClosed, Conflict):
        messaging.notify(session, order, offer, "order_closed")
        return "order closed"
    if reply.kind != "yes" and before == OfferStatus.BOOKED:
        messaging.notify(session, order, answered, "booking_cancelled")
    elif reply.kind == "no" and before != answered.status == OfferStatus.DECLINED:  # a plain NO
        messaging.notify(session, order, answered, "declined")
    return f"{before} -> {answered.status}"
