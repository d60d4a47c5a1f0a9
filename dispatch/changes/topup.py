"""A top-up: more workers for an order under way, asked by its foreman or the office.

The headcount grows by the count; the booking target becomes what is booked plus the count
(never under the new headcount), in fixed mode: after the start who came is known, so a
top-up counts heads, not chances (the count and the mode before are kept apart,
`topped_up_by` and `mode_before_top_up`: a copy for another day takes the order as it was
placed, dispatch/repeat/copies.py). The order is marked topped up (`topped_up_at`), which keeps
its filling open until its end (dispatch/enums.py filling_open): an urgent wave goes out at
once at the widest radius (dispatch/fill/waves.py run_wave), its offers say "now"
(dispatch/texts/messaging.py, the "offer_now" text), answers book until the end, later waves
follow at the wave timeout, and a worker booked after the start is due an hour after the
booking, not at the start (dispatch/orders/roster.py due_at). An order marked in progress
stays in_progress on the board (its waves go out all the same: waves.py keeps the status of
an order under way); one filled or short after its start, with no mark yet, is filling."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.tenancy import Actor
from dispatch.changes.named_errors import TopUpCountInvalid, TopUpNotOpen
from dispatch.enums import CLOSED, OfferStatus, OrderStatus
from dispatch.fill import waves
from dispatch.models import Offer, Order
from dispatch.orders.service import ORDER_BRANCH, get_order

MAX_TOP_UP = 50  # more at once is a new order, not a top-up
MAX_HEADCOUNT = 500  # the orders table's CHECK


@dataclass(frozen=True)
class ToppedUp:
    order_id: int
    headcount: int
    booking_target: int
    wave: int
    radius_m: int
    offers: int  # offers the urgent wave made


def check_open(order: Order, now: datetime) -> None:
    """An order may be topped up from its start to its end, while not closed or cancelled."""
    if order.status in CLOSED or order.closed_at is not None:
        raise TopUpNotOpen(order.code, "closed")
    if order.status == OrderStatus.AWAITING_APPROVAL:  # nothing is sent before the office says
        raise TopUpNotOpen(order.code, "awaiting_approval")
    if now < order.starts_at:
        raise TopUpNotOpen(order.code, "not_started")
    if now >= order.ends_at:
        raise TopUpNotOpen(order.code, "ended")


def top_up(session: Session, *, order_id: int, count: int, actor: Actor, now: datetime) -> ToppedUp:
    """N more workers now. A foreman reaches only the orders assigned to them (another's is
    not found, as for every order read)."""
    if not 1 <= count <= MAX_TOP_UP:
        raise TopUpCountInvalid("count", f"must be 1 to {MAX_TOP_UP}")
    order = get_order(session, order_id, actor=actor, lock=True, options=ORDER_BRANCH)
    check_open(order, now)
    if order.headcount + count > MAX_HEADCOUNT:
        raise TopUpCountInvalid(
            "count", f"the headcount would pass {MAX_HEADCOUNT} ({order.headcount} now)"
        )
    booked = session.scalar(
        select(func.count()).where(Offer.order_id == order.id, Offer.status == OfferStatus.BOOKED)
    )
    before = (order.headcount, order.booking_target, order.status, order.overbooking_mode)
    order.headcount += count
    order.topped_up_by += count  # a copy asks for the headcount as placed (repeat/copies.py)
    order.booking_target = max(order.headcount, (booked or 0) + count)
    order.mode_before_top_up = order.mode_before_top_up or order.overbooking_mode
    order.overbooking_mode = "fixed"
    order.topped_up_at = now
    if order.status != OrderStatus.IN_PROGRESS:  # filled or short, no mark yet: filling again
        order.status = OrderStatus.FILLING  # (under way stays so: its waves still go out)
    order.ring_dry_at = None
    offers = waves.run_wave(session, order, now, widest=True)
    audit.log(
        session,
        actor,
        "order.top_up",
        "order",
        [order.id],
        order.branch_id,
        code=order.code,
        count=count,
        headcount=[before[0], order.headcount],
        booking_target=[before[1], order.booking_target],
        status=[before[2], order.status],
        overbooking_mode=[before[3], order.overbooking_mode],
        topped_up_by=order.topped_up_by,
        wave=order.wave,
        radius_m=order.radius_m,
        offers=offers,
    )
    session.flush()
    return ToppedUp(
        order.id, order.headcount, order.booking_target, order.wave, order.radius_m, offers
    )
