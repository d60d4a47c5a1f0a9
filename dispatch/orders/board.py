"""What the dispatcher's console reads: the board of today's and tomorrow's orders with their
counts in one query (above them, every order awaiting the office's approval), each offered
worker's timeline, and a shift given in the branch's local times (the workers an order page
may name: dispatch/fill/whereabouts.py)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.tenancy import Actor
from dispatch.enums import Attendance, OfferStatus, OrderStatus
from dispatch.models import Branch, Client, Offer, Order, Site
from dispatch.orders import overbooking, shortage
from dispatch.orders.errors import ShiftTooFarAhead
from dispatch.orders.service import visible_orders
from dispatch.orders.shortage import Shortage
from dispatch.texts.messaging import since
from sms.enums import FINISHED
from sms.models import Message

# Timezones run from UTC-12 to UTC+14: a coarse window on starts_at that holds every order of
# any branch's local today and tomorrow, before the exact test on the local date.
_WINDOW_BEFORE = timedelta(hours=14 + 24)
_WINDOW_AFTER = timedelta(days=2, hours=12)


@dataclass(frozen=True)
class BoardLine:
    order: Order
    site_name: str
    site_address: str
    branch_code: str
    timezone: str
    day: int  # 0 today, 1 tomorrow, in the branch's timezone
    booked: int
    standby: int
    fill_probability: float | None  # adaptive orders only
    shortage: Shortage

    @property
    def short(self) -> bool:
        return self.shortage.short


def board(session: Session, *, actor: Actor, now: datetime, limit: int = 500) -> list[BoardLine]:
    """Orders starting today or tomorrow in their branch's timezone, soonest first (those
    awaiting approval before the rest)."""
    booked = shortage.BOOKED.label("booked")
    standby = func.count(Offer.id).filter(Offer.status == OfferStatus.STANDBY).label("standby")
    reliabilities = func.array_agg(Offer.reliability).filter(Offer.status == OfferStatus.BOOKED)
    local_day = func.date(func.timezone(Branch.timezone, Order.starts_at))
    today = func.date(func.timezone(Branch.timezone, now))
    day = (local_day - today).label("day")
    query = (
        visible_orders(select(Order), actor)
        .add_columns(Site.name, Site.address, Branch.code, Branch.timezone, Branch.max_radius_m)
        .add_columns(day, booked, standby, reliabilities.label("reliabilities"))
        .join(Site, Site.id == Order.site_id)
        .join(Branch, Branch.id == Order.branch_id)
        .outerjoin(Offer, Offer.order_id == Order.id)
        .where(Order.starts_at >= now - _WINDOW_BEFORE, Order.starts_at < now + _WINDOW_AFTER)
        .where(day.between(0, 1))
        .group_by(Order.id, Site.id, Branch.id)
        .order_by(Order.status != OrderStatus.AWAITING_APPROVAL, Order.starts_at, Order.id)
        .limit(limit)
    )
    lines = []
    for row in session.execute(query):
        order = row.Order
        probability = None
        if order.overbooking_mode == "adaptive":
            probability = overbooking.fill_probability(
                [float(r) for r in row.reliabilities or []], order.headcount
            )
        lines.append(
            BoardLine(
                order=order,
                site_name=row.name,
                site_address=row.address,
                branch_code=row.code,
                timezone=row.timezone,
                day=row.day,
                booked=row.booked,
                standby=row.standby,
                fill_probability=probability,
                shortage=shortage.shortage_of(
                    order, booked=row.booked, max_radius_m=row.max_radius_m, now=now
                ),
            )
        )
    return lines


@dataclass(frozen=True)
class AwaitingLine:
    order: Order
    site_name: str
    client_name: str
    branch_code: str
    timezone: str


def awaiting(session: Session, *, actor: Actor, limit: int = 100) -> list[AwaitingLine]:
    """Every order awaiting the office's approval, whatever its day, soonest first."""
    query = (
        visible_orders(select(Order), actor)
        .add_columns(Site.name.label("site_name"), Client.name.label("client_name"))
        .add_columns(Branch.code, Branch.timezone)
        .join(Site, Site.id == Order.site_id)
        .join(Client, Client.id == Order.client_id)
        .join(Branch, Branch.id == Order.branch_id)
        .where(Order.status == OrderStatus.AWAITING_APPROVAL)
        .order_by(Order.starts_at, Order.id)
        .limit(limit)
    )
    return [
        AwaitingLine(row.Order, row.site_name, row.client_name, row.code, row.timezone)
        for row in session.execute(query)
    ]


@dataclass(frozen=True)
class Event:
    """One step of a worker's way through an order; `at` is None when it has no time."""

    what: str  # offered, replied, booked, confirmed, arrived, left, sms, no_show, released
    at: datetime | None
    detail: dict[str, str] = field(default_factory=dict)


def _offer_events(offer: Offer) -> list[Event]:
    events = [Event("offered", offer.created_at, {"wave": str(offer.wave)})]
    if offer.answered_at is not None:
        events.append(Event("replied", offer.answered_at, {"source": offer.answer_source or ""}))
    for what, at in (
        ("booked", offer.booked_at),
        ("confirmed", offer.confirmed_at),
        ("arrived", offer.arrived_at),
        ("left", offer.left_at),
    ):
        if at is not None:
            events.append(Event(what, at))
    if offer.attendance in (Attendance.NO_SHOW, Attendance.RELEASED):
        events.append(Event(offer.attendance, None))
    return events


def _message_event(message: Message) -> Event:
    # updated_at is when the provider last moved the status: the delivery (or failure) time.
    at = message.updated_at if message.status in FINISHED else message.sent_at
    return Event(
        "sms",
        at or message.created_at,
        {"kind": message.kind, "status": message.status, "direction": message.direction},
    )


def timelines(session: Session, order: Order, offers: list[Offer]) -> dict[int, list[Event]]:
    """Each offered worker's steps, from the offer and the order's texts, oldest first."""
    by_worker: dict[int, list[Event]] = {o.worker_id: _offer_events(o) for o in offers}
    messages = session.scalars(
        select(Message)
        .where(Message.order_id == order.id, since(order.created_at))
        .order_by(Message.id)
    )
    for message in messages:
        if message.worker_id in by_worker:
            by_worker[message.worker_id].append(_message_event(message))
    latest = datetime.max.replace(tzinfo=order.starts_at.tzinfo)
    return {
        worker_id: sorted(events, key=lambda e: e.at or latest)
        for worker_id, events in by_worker.items()
    }


def order_stamp(session: Session, order: Order) -> tuple[object, ...]:
    """What an order page shows that can change, without anyone's name: equal stamps, equal
    pages (the page's poll hears 204 and reads no worker)."""
    offers = session.execute(
        select(Offer.id, Offer.status, Offer.attendance, Offer.updated_at)
        .where(Offer.order_id == order.id)
        .order_by(Offer.id)
    ).all()
    texts = session.execute(
        select(Message.id, Message.status)
        .where(Message.order_id == order.id, since(order.created_at))
        .order_by(Message.id)
    ).all()
    head = (order.status, order.booking_target, order.closed_at, order.updated_at)
    return head, tuple(map(tuple, offers)), tuple(map(tuple, texts))


def local_shift(zone: str, day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """A shift written as a local date and times: an end before the start is the next day."""
    tz = ZoneInfo(zone)
    starts_at = datetime.combine(day, start, tzinfo=tz)
    try:
        end_day = day + timedelta(days=1) if end < start else day
    except OverflowError:  # the last day of the calendar: far beyond any order's year
        raise ShiftTooFarAhead("date", "the shift must start within a year") from None
    return starts_at, datetime.combine(end_day, end, tzinfo=tz)
