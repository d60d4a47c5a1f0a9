"""Short orders: when an order is "short by N" (the dispatcher's two pushes for one, the
next wave now and the widest radius now, are dispatch/fill/pushes.py).

One definition: an order not yet closed is short when nobody is coming for its open places
- the matcher found nobody more to offer within the current radius (the last wave asked for
one more than it offered and did not get them: Order.ring_dry_at), or the shift has begun -
while fewer are booked than the headcount. N is the headcount less the booked. The board,
the order page and the foreman's page all read it from here.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatch.enums import NOT_CLOSED, OfferStatus, filling_open
from dispatch.models import Branch, Offer, Order

# The booked workers of an order, as every count of "booked" on the console reads them.
BOOKED = func.count(Offer.id).filter(Offer.status == OfferStatus.BOOKED)


def short_by(*, status: str, headcount: int, booked: int, ring_dry: bool, started: bool) -> int:
    """How many workers the order is short by; 0: it is not short."""
    if status not in NOT_CLOSED or not (ring_dry or started):
        return 0
    return max(0, headcount - booked)


@dataclass(frozen=True)
class Shortage:
    """An order's shortage as a page shows it, with the pushes it allows."""

    by: int  # 0: not short
    booked: int
    headcount: int
    started: bool
    filling: bool  # filling is still open: offers may go out (dispatch/enums.py filling_open)
    radius_m: int
    max_radius_m: int
    wave: int  # the wave a push was seen at: a repeated push of the same wave does nothing

    @property
    def short(self) -> bool:
        return self.by > 0

    @property
    def can_push(self) -> bool:
        """A short order before its shift: the next wave may go out now."""
        return self.short and self.filling

    @property
    def can_widen(self) -> bool:
        return self.can_push and self.radius_m < self.max_radius_m


def shortage_of(order: Order, *, booked: int, max_radius_m: int, now: datetime) -> Shortage:
    started = now >= order.starts_at
    return Shortage(
        by=short_by(
            status=order.status,
            headcount=order.headcount,
            booked=booked,
            ring_dry=order.ring_dry_at is not None,
            started=started,
        ),
        booked=booked,
        headcount=order.headcount,
        started=started,
        filling=filling_open(order, now),
        radius_m=order.radius_m,
        max_radius_m=max_radius_m,
        wave=order.wave,
    )


def shortages(session: Session, orders: list[Order], now: datetime) -> dict[int, Shortage]:
    """Each order's shortage, its booked workers counted and its branch read in one query."""
    if not orders:
        return {}
    rows = session.execute(
        select(Order.id, Branch.max_radius_m, BOOKED.label("booked"))
        .join(Branch, Branch.id == Order.branch_id)
        .outerjoin(Offer, Offer.order_id == Order.id)
        .where(Order.id.in_([o.id for o in orders]))
        .group_by(Order.id, Branch.id)
    ).all()
    found = {row.id: row for row in rows}
    return {
        o.id: shortage_of(
            o, booked=found[o.id].booked, max_radius_m=found[o.id].max_radius_m, now=now
        )
        for o in orders
    }
