"""Check-in links: a short signed link in the booking text lets a worker say "I am here"
from their phone; inside the site's geofence the arrival waits for the foreman to confirm.

The token is f"{offer_id}-{sig}", sig the first 12 characters of the urlsafe base64 of
HMAC-SHA256(secret, "checkin:{offer_id}"): 72 bits, short enough for an SMS, and nothing to
store. A link works from 3 h before the start until the end of the shift.
"""

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, immediateload, joinedload
from sqlalchemy.orm.interfaces import ORMOption

from core import audit
from core.db import locked
from core.errors import Conflict, NotFound
from core.ids import MAX_ID
from core.tenancy import SYSTEM
from dispatch.models import Branch, Client, Offer, Order, Site, User
from geo.points import Point
from geo.queries import distance_m
from workers.models import Worker

SIG_CHARS = 12
OPENS_BEFORE_START = timedelta(hours=3)  # as early as a foreman may mark an arrival
_TOKEN = re.compile(rf"^([1-9][0-9]{{0,9}})-([A-Za-z0-9_-]{{{SIG_CHARS}}})$")


class LinkNotFound(NotFound):
    code = "checkin_link_not_found"

    def __init__(self) -> None:
        super().__init__("check-in link", "")
        self.args = ("this check-in link is not valid",)


class CheckInRefused(Conflict):
    """The link is genuine but cannot record an arrival now; `reason` names why."""

    code = "checkin_refused"
    reasons = ("not_booked", "cancelled", "closed", "expired", "too_early", "marked")

    def __init__(self, reason: str, message: str, opens_at: datetime | None = None):
        if reason not in self.reasons:
            raise ValueError(f"unknown check-in refusal {reason!r}")
        super().__init__(message)
        self.reason = reason
        self.opens_at = opens_at


def address_with_city(address: str, city: str) -> str:
    """A site's address with its city, the branch's (a branch is a city office, named after
    it), unless the address names the city already."""
    if not city or city.casefold() in address.casefold():
        return address
    return f"{address}, {city}"


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


def _sig(offer_id: int, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"checkin:{offer_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIG_CHARS]


def token_for(offer_id: int, secret: str) -> str:
    return f"{offer_id}-{_sig(offer_id, secret)}"


def checkin_link(offer: Offer, public_url: str, secret: str) -> str:
    return f"{public_url.rstrip('/')}/c/{token_for(offer.id, secret)}"


def offer_for_token(
    session: Session, token: str, *, secret: str, options: Sequence[ORMOption] = ()
) -> Offer:
    """The offer a genuine token names; anything else is not found (constant-time compare).
    options: the relationships the caller walks (lazy="raise"); loaded even when the offer
    is already in the session, which a get by key would not do."""
    match = _TOKEN.match(token or "")
    if match is None or int(match.group(1)) > MAX_ID:
        raise LinkNotFound()
    offer_id = int(match.group(1))
    if not hmac.compare_digest(match.group(2).encode(), _sig(offer_id, secret).encode()):
        raise LinkNotFound()
    if options:
        query = select(Offer).where(Offer.id == offer_id).options(*options)
        offer = session.scalars(query).one_or_none()
    else:
        offer = session.get(Offer, offer_id)
    if offer is None:
        raise LinkNotFound()
    return offer


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


def refusal(order: Order, offer: Offer, now: datetime) -> CheckInRefused | None:
    """Why this booking cannot check in now, or None when it can."""
    if order.status == "cancelled":
        return CheckInRefused("cancelled", f"order {order.code} is cancelled")
    if order.closed_at is not None or order.status == "completed":
        return CheckInRefused("closed", f"order {order.code} is closed")
    if offer.status != "booked":
        return CheckInRefused("not_booked", f"this booking on order {order.code} is not active")
    if now > order.ends_at:
        return CheckInRefused("expired", "the link has expired: the shift is over")
    opens_at = order.starts_at - OPENS_BEFORE_START
    if now < opens_at:
        return CheckInRefused(
            "too_early", f"check-in opens {OPENS_BEFORE_START} before the start", opens_at
        )
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
        session.scalar(select(distance_m(Site.location, point)).where(Site.id == site.id))
    )
    if distance > site.geofence_m:
        return CheckIn(False, distance, site.geofence_m, None)
    offer.checked_in_at, offer.checkin_distance_m = now, round(distance, 1)
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
        distance_m=offer.checkin_distance_m,
        geofence_m=site.geofence_m,
    )
    return CheckIn(True, distance, site.geofence_m, now)
