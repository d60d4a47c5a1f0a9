"""Where each worker offered an order stands, in one word that follows the real state: an
arrival says "arrived" or "late", not "booked" (the lateness rule is rating/policy.py's)."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, case, select
from sqlalchemy.orm import Session

from dispatch.enums import LEFT_BEFORE_END, WORKED, Attendance, OfferStatus, OrderStatus
from dispatch.models import Branch, Offer, Order
from rating.policy import Lateness, judge_arrival

# The words, in the order the page lists them: who is coming first, who said no last.
STANDINGS = (
    "arrived",
    "late",
    "left_early",
    "sent_home",
    "checked_in",
    "confirmed",
    "booked",
    "left_early_pending",  # a punishing mark inside its undo window (dispatch/shift/marks.py)
    "sent_home_pending",
    "no_show_pending",
    "released_on_site",
    "no_show",
    "standby",
    "sent",
    "queued",
    "expired",
    "declined",
    "cancelled",
    "released",
)


@dataclass(frozen=True)
class Standing:
    word: str  # one of STANDINGS
    arrived_at: datetime | None = None
    left_at: datetime | None = None
    minutes_late: int = 0  # after the start, for a late arrival

    @property
    def rank(self) -> int:
        return STANDINGS.index(self.word)


# A worker booked after the start (a top-up, dispatch/changes/topup.py) is due this long
# after the booking, not at the start they could not have kept.
LATE_BOOKING_TRAVEL = timedelta(hours=1)


def begun(order: Order, now: datetime) -> bool:
    """The shift has begun: its start has passed, or it is marked in progress (an early mark).
    From here its headcount and times are fixed and a block leaves the crew as it is."""
    return now >= order.starts_at or order.status == OrderStatus.IN_PROGRESS


def due_at(order: Order, offer: Offer) -> datetime:
    """When the worker is due on site: the start, or for a booking a top-up made after the
    start the booking plus LATE_BOOKING_TRAVEL (lateness and the no-show sweep count from
    here). The same rule in SQL: due_sql."""
    booked, topped_up = offer.booked_at, order.topped_up_at
    if booked is None or topped_up is None or booked <= order.starts_at or booked < topped_up:
        return order.starts_at
    return booked + LATE_BOOKING_TRAVEL


def due_sql(
    starts_at: SQLColumnExpression[datetime], topped_up_at: SQLColumnExpression[datetime | None]
) -> ColumnElement[datetime]:
    """due_at as SQL over Offer.booked_at, for the order's start and top-up given as columns
    (a join with Order) or literals (one order)."""
    late = and_(
        topped_up_at.is_not(None),
        Offer.booked_at > starts_at,
        Offer.booked_at >= topped_up_at,
    )
    return case((late, Offer.booked_at + LATE_BOOKING_TRAVEL), else_=starts_at)


def lateness(order: Order, branch: Branch, offer: Offer) -> tuple[str | None, int]:
    """An arrival judged by the branch's rule: (early | on_time | late | no_show, minutes after
    the time due (due_at), negative before it); (None, 0) for a worker not marked as come."""
    if offer.arrived_at is None or offer.attendance not in WORKED:
        return None, 0
    minutes = math.ceil((offer.arrived_at - due_at(order, offer)).total_seconds() / 60)
    return ("early" if minutes < 0 else judged_arrival(order, branch, offer).kind), minutes


def judged_arrival(order: Order, branch: Branch, offer: Offer) -> Lateness:
    """The offer's arrival by the branch's lateness rule (rating/policy.py judge_arrival); the
    offer must have an arrival time."""
    assert offer.arrived_at is not None
    return judge_arrival(
        offer.arrived_at,
        due_at(order, offer),
        grace_min=branch.late_grace_min,
        as_no_show_min=branch.late_as_no_show_min,
        late_fine_per_min=branch.late_fine_per_min,
    )


def standing(order: Order, branch: Branch, offer: Offer) -> Standing:
    if offer.status != OfferStatus.BOOKED:
        return Standing(offer.status)
    if offer.pending_mark is not None:  # not in force yet: the foreman may still undo it
        return Standing(f"{offer.pending_mark}_pending", offer.arrived_at)
    mark = offer.attendance
    kind, minutes = lateness(order, branch, offer)
    if kind is not None:
        late = kind not in ("early", "on_time")
        word = mark if mark in LEFT_BEFORE_END else ("late" if late else "arrived")
        return Standing(word, offer.arrived_at, offer.left_at, minutes if late else 0)
    if mark == Attendance.NO_SHOW:
        return Standing("no_show")
    if mark == Attendance.RELEASED:
        return Standing("released_on_site", offer.arrived_at)
    if offer.checked_in_at is not None:
        return Standing("checked_in")
    return Standing("confirmed" if offer.confirmed_at is not None else "booked")


def marks_of(session: Session, order_id: int) -> list[tuple[str | None, str | None]]:
    """Each booked worker's (attendance, pending mark) on the order: the shift's counters
    alone, no names (no worker read)."""
    rows = session.execute(
        select(Offer.attendance, Offer.pending_mark).where(
            Offer.order_id == order_id, Offer.status == OfferStatus.BOOKED
        )
    ).all()
    return [(row.attendance, row.pending_mark) for row in rows]
