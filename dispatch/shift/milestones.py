"""The client events no request makes happen, found by the scheduler each minute: the order
still short two hours before its start (order.short), and the shift started (shift.started,
once the branch's late grace after the start is over, with N of M arrived). Each recorded once
per order (dispatch/hooks/events.py); each order in its own transaction (core/jobs.py
each_apart), under its lock, checked again there."""

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from core.db import locked
from dispatch.client_models import ClientEvent
from dispatch.enums import NOT_CLOSED, OfferStatus
from dispatch.hooks import events
from dispatch.models import Branch, Offer, Order

SHORT_NOTICE = timedelta(hours=2)
# Shifts that began longer ago than this are not announced as started any more.
LOOKBACK = timedelta(hours=12)

_BOOKED = (
    select(func.count())
    .where(Offer.order_id == Order.id, Offer.status == OfferStatus.BOOKED)
    .correlate(Order)
    .scalar_subquery()
)


def _without(type: str):  # type: ignore[no-untyped-def]
    """Orders that have no event of this type yet."""
    return ~exists().where(and_(ClientEvent.order_id == Order.id, ClientEvent.type == type))


def short_due(session: Session, at: datetime) -> list[int]:
    """Orders starting within two hours with fewer booked than the headcount, not yet told."""
    return list(
        session.scalars(
            select(Order.id).where(
                Order.status.in_(NOT_CLOSED),
                Order.starts_at > at,
                Order.starts_at <= at + SHORT_NOTICE,
                Order.headcount > _BOOKED,
                _without("order.short"),
            )
        )
    )


def report_short(session: Session, order_id: int, at: datetime) -> None:
    order = session.scalars(locked(select(Order).where(Order.id == order_id))).first()
    if order is None or order.status not in NOT_CLOSED or order.starts_at <= at:
        return
    facts = events.order_facts(session, order)
    if facts["booked"] >= order.headcount:
        return  # filled meanwhile
    # What the office is doing: offers still go out until the start.
    doing = "still_calling" if order.next_wave_at is not None else "searching_wider"
    events.record_event(
        session,
        order,
        "order.short",
        {**facts, "short_by": order.headcount - facts["booked"], "office": doing},
        at,
    )


def started_due(session: Session, at: datetime) -> list[int]:
    """Orders whose start plus the branch's late grace has passed, not closed or cancelled
    before it, with someone booked, not yet told."""
    return list(
        session.scalars(
            select(Order.id)
            .join(Branch, Branch.id == Order.branch_id)
            .where(
                Order.status.in_(NOT_CLOSED),
                Order.starts_at > at - LOOKBACK,
                Order.starts_at + func.make_interval(0, 0, 0, 0, 0, Branch.late_grace_min) <= at,
                _BOOKED > 0,
                _without("shift.started"),
            )
        )
    )


def report_started(session: Session, order_id: int, at: datetime) -> None:
    order = session.scalars(locked(select(Order).where(Order.id == order_id))).first()
    if order is None or order.status not in NOT_CLOSED or order.starts_at > at:
        return
    events.order_event(session, order, "shift.started")
