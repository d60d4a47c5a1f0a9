"""Checking in by link: inside the site's geofence the arrival is recorded and waits for the
foreman to confirm. A link works from 3 h before the start until the end of the shift (the
link itself: dispatch/texts/links.py). The site's code by SMS (dispatch/shift/codes.py) keeps
the same window (order_refusal) and is recorded the same way (record)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, immediateload, joinedload

from core import audit
from core.db import locked
from core.tenancy import SYSTEM
from dispatch.enums import CheckInMethod, OfferStatus, OrderStatus
from dispatch.models import Branch, Client, Offer, Order, Site, User
from dispatch.shift.errors import CheckInRefused
from dispatch.texts.links import address_with_city, offer_for_token
from geo.points import Point
from geo.queries import distance_m
from workers.models import Worker

OPENS_BEFORE_START = timedelta(hours=3)  # as early as a foreman may mark an arrival


@dataclass(frozen=True)
class Booking:
    """What a check-in link leads to."""

    offer: Offer
    order: Order
    site: Site
    branch: Branch
    worker: Worker
    client: Client
    foreman: User | None  # the order's, else the site's; None if none or no longer active

    @property
    def address(self) -> str:
        return address_with_city(self.site.address, self.branch.name)


@dataclass(frozen=True)
class CheckIn:
    inside: bool
    distance_m: float
    geofence_m: int
    checked_in_at: datetime | None  # the recorded time; the first one if checked in before
    repeated: bool = False  # already checked in: nothing new was written


# What the check-in page shows of a booking, in the one read of the offer (no lock taken).
_BOOKING = (
    joinedload(Offer.worker),
    joinedload(Offer.order).options(
        joinedload(Order.site), joinedload(Order.branch), joinedload(Order.client)
    ),
)


def booking_for_token(session: Session, token: str, *, secret: str) -> Booking:
    offer = offer_for_token(session, token, secret=secret, options=_BOOKING)
    order = offer.order
    site = order.site
    foreman_id = order.foreman_id or site.foreman_id
    foreman = session.get(User, foreman_id) if foreman_id is not None else None
    return Booking(
        offer=offer,
        order=order,
        site=site,
        branch=order.branch,
        worker=offer.worker,
        client=order.client,
        foreman=foreman if foreman is not None and foreman.active else None,
    )


def order_refusal(order: Order, now: datetime) -> CheckInRefused | None:
    """Why nobody can check in on this order now (its window), or None when they can."""
    if order.status == OrderStatus.CANCELLED:
        return CheckInRefused("cancelled", f"order {order.code} is cancelled")
    if order.closed_at is not None or order.status == OrderStatus.COMPLETED:
        return CheckInRefused("closed", f"order {order.code} is closed")
    if now > order.ends_at:
        return CheckInRefused("expired", "the link has expired: the shift is over")
    opens_at = order.starts_at - OPENS_BEFORE_START
    if now < opens_at:
        return CheckInRefused(
            "too_early", f"check-in opens {OPENS_BEFORE_START} before the start", opens_at
        )
    return None


def refusal(order: Order, offer: Offer, now: datetime) -> CheckInRefused | None:
    """Why this booking cannot check in now, or None when it can."""
    refused = order_refusal(order, now)
    if refused is not None and refused.reason in ("cancelled", "closed"):
        return refused
    if offer.status != OfferStatus.BOOKED:
        return CheckInRefused("not_booked", f"this booking on order {order.code} is not active")
    if refused is not None:
        return refused
    if offer.attendance is not None:
        return CheckInRefused("marked", f"the foreman has already marked you: {offer.attendance}")
    return None


def check_in(session: Session, token: str, point: Point, *, secret: str, now: datetime) -> CheckIn:
    """Record the arrival if the worker is within the site's geofence; else only measure."""
    found = offer_for_token(session, token, secret=secret)
    # Locks as everywhere in dispatch: the order, then the offer.
    query = select(Order).where(Order.id == found.order_id).options(immediateload(Order.site))
    order = session.scalars(locked(query)).one()
    offer = session.scalars(locked(select(Offer).where(Offer.id == found.id))).one()
    refused = refusal(order, offer, now)
    if refused is not None:
        raise refused
    site = order.site
    if offer.checked_in_at is not None:  # the first check-in stands
        return CheckIn(
            True, offer.checkin_distance_m or 0.0, site.geofence_m, offer.checked_in_at, True
        )
    distance = float(
        session.scalars(select(distance_m(Site.location, point)).where(Site.id == site.id)).one()
    )
    if distance > site.geofence_m:
        return CheckIn(False, distance, site.geofence_m, None)
    record(session, order, offer, now, CheckInMethod.LINK, round(distance, 1), site.geofence_m)
    return CheckIn(True, distance, site.geofence_m, now)


def record(
    session: Session,
    order: Order,
    offer: Offer,
    now: datetime,
    method: CheckInMethod,
    distance: float | None = None,
    geofence_m: int | None = None,
) -> None:
    """The arrival as the worker gave it (the order and the offer locked by the caller), for
    the foreman to confirm; audited with how it came."""
    offer.checked_in_at, offer.checkin_distance_m = now, distance
    offer.checkin_method = method
    session.flush()
    audit.log(
        session,
        SYSTEM,
        "checkin",
        "offer",
        [offer.id],
        order.branch_id,
        order_id=order.id,
        worker_id=offer.worker_id,
        method=method.value,
        distance_m=distance,
        geofence_m=geofence_m,
    )
