"""The office's hand on one offer of an order, from the order page: take a booking back,
text the offer again, write down an answer given by phone. Which of them an offer allows
is one rule (`open_actions`): the page shows those buttons, and each use-case checks it
again under the locks (order, then offer), so a page older than the offer changes nothing.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.errors import ReasonRequired
from core.tenancy import Actor
from dispatch.enums import OfferStatus, filling_open
from dispatch.fill import waves
from dispatch.fill.errors import OfferActionNotOpen, OfferTextWaiting
from dispatch.models import Offer, Order
from dispatch.orders import service as orders
from dispatch.orders.errors import OrderClosed
from dispatch.texts import messaging
from sms.enums import UNSENT
from sms.models import Message


def open_actions(order: Order, offer: Offer, now: datetime) -> frozenset[str]:
    """What the office may do to this offer now, by the states dispatch/fill/waves.py acts on."""
    if not filling_open(order, now):
        return frozenset()
    status = offer.status
    if status == OfferStatus.BOOKED and offer.attendance is None:
        asked = offer.confirm_asked_at is not None and offer.confirmed_at is None
        # A YES from a booked worker is the answer to "please confirm", and only then.
        return frozenset({"cancel_booking", "phone_no"} | ({"phone_yes"} if asked else set()))
    if status in (
        OfferStatus.SENT,
        OfferStatus.EXPIRED,
    ):  # texted, no answer (an expired one still books)
        return frozenset({"retext", "phone_yes", "phone_no"})
    if status == OfferStatus.QUEUED:  # its text is not out yet: nothing to send again
        return frozenset({"phone_yes", "phone_no"})
    if status == OfferStatus.STANDBY:
        return frozenset({"phone_no"})
    if status == OfferStatus.DECLINED:  # changed their mind
        return frozenset({"phone_yes"})
    return frozenset()


def _locked(
    session: Session, order_id: int, worker_id: int, *, actor: Actor, action: str, now: datetime
) -> tuple[Order, Offer]:
    # Another branch's: 404. With its branch: a cancelled booking may start a wave.
    order = orders.get_order(session, order_id, actor=actor, lock=True, options=orders.ORDER_BRANCH)
    offer = waves.lock_offer(session, order, worker_id)
    if action not in open_actions(order, offer, now):
        if not filling_open(order, now):
            raise OrderClosed(order.code, order.status if now < order.starts_at else "under way")
        raise OfferActionNotOpen(action, offer.status)
    return order, offer


def _audit(session: Session, actor: Actor, action: str, order: Order, offer: Offer, **detail):
    audit.log(
        session,
        actor,
        f"offer.{action}",
        "offer",
        [offer.id],
        order.branch_id,
        order_id=order.id,
        code=order.code,
        worker_id=offer.worker_id,
        status=offer.status,
        **detail,
    )


def cancel_booking(
    session: Session, *, order_id: int, worker_id: int, actor: Actor, reason: str, now: datetime
) -> Offer:
    """A dispatcher takes a booking back (the client does not want this worker, a mistake):
    no penalty to the worker, who is told not to come; standby moves up as for any drop-out."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequired("reason", "a reason is required")
    order, offer = _locked(
        session, order_id, worker_id, actor=actor, action="cancel_booking", now=now
    )
    waves.cancel_booking(session, order, offer, now)
    _audit(session, actor, "cancel_booking", order, offer, reason=reason)
    return offer


def retext_offer(
    session: Session, *, order_id: int, worker_id: int, actor: Actor, now: datetime
) -> Offer:
    """The offer's text again, through the outbox (a worker who lost it, a new phone)."""
    order, offer = _locked(session, order_id, worker_id, actor=actor, action="retext", now=now)
    waiting = session.scalar(
        select(Message.id)
        .where(
            Message.offer_id == offer.id,
            Message.kind == "offer",
            Message.status.in_(UNSENT),
        )
        .limit(1)
    )
    if waiting is not None:
        raise OfferTextWaiting("the offer's last text has not been sent yet")
    messaging.notify(session, order, offer, "offer")
    _audit(session, actor, "retext", order, offer)
    return offer


def record_phone_answer(
    session: Session, *, order_id: int, worker_id: int, yes: bool, actor: Actor, now: datetime
) -> Offer:
    """A YES or NO the worker gave by phone: it lands where an SMS answer does
    (dispatch/fill/waves.py `answer`), with the dispatcher's name in the audit log."""
    action = "phone_yes" if yes else "phone_no"
    order, offer = _locked(session, order_id, worker_id, actor=actor, action=action, now=now)
    offer = waves.answer(
        session, order_id=order.id, worker_id=worker_id, yes=yes, source="phone", now=now
    )
    _audit(session, actor, "phone_answer", order, offer, answer="yes" if yes else "no")
    return offer
