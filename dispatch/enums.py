"""Order and offer statuses, and the named sets of them the rules ask about: each set once.

The sets are tuples of plain strings, so they read the same in SQL (`status IN ...`) and in
Python (`order.status in FILLABLE`)."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dispatch.models import Order


class OrderStatus(StrEnum):
    OPEN = "open"
    FILLING = "filling"
    FILLED = "filled"
    SHORT = "short"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class OfferStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    BOOKED = "booked"
    STANDBY = "standby"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    RELEASED = "released"


def _values(*statuses: StrEnum) -> tuple[str, ...]:
    return tuple(status.value for status in statuses)


ORDER_STATUSES = _values(*OrderStatus)
OFFER_STATUSES = _values(*OfferStatus)

# Before the shift: offers go out, answers book, waves run, confirmations are asked.
FILLABLE = _values(OrderStatus.OPEN, OrderStatus.FILLING, OrderStatus.FILLED, OrderStatus.SHORT)
# Not yet closed: the shift is ahead or under way (marks, the sweep, the close; unique codes).
NOT_CLOSED = (*FILLABLE, OrderStatus.IN_PROGRESS.value)
# Done with: completed or cancelled.
CLOSED = _values(OrderStatus.COMPLETED, OrderStatus.CANCELLED)

# Offers still waiting for an answer.
OUTSTANDING = _values(OfferStatus.QUEUED, OfferStatus.SENT)


def filling_open(order: "Order", now: datetime) -> bool:
    """Before the shift, while it fills: answers book, offers and waves go out, bookings
    change. The one test of "filling is still open" (the office, the pushes, the answers)."""
    return order.status in FILLABLE and now < order.starts_at
