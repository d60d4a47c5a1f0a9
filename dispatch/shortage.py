"""Short orders: when an order is "short by N", and the dispatcher's two pushes for one
(the next wave now, the widest radius now).

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

from core import audit
from core.tenancy import Actor
from dispatch import fill
from dispatch.enums import FILLABLE, NOT_CLOSED
from dispatch.errors import FillingOver
from dispatch.models import Branch, Offer, Order
from dispatch.orders import ORDER_BRANCH, get_order

# The booked workers of an order, as every count of "booked" on the console reads them.
BOOKED = func.count(Offer.id).filter(Offer.status == "booked")


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
    fillable: bool  # offers may still go out (not cancelled, not closed)
    radius_m: int
    max_radius_m: int
    wave: int  # the wave a push was seen at: a repeated push of the same wave does nothing

    @property
    def short(self) -> bool:
        return self.by > 0

    @property
    def can_push(self) -> bool:
        """A short order before its shift: the next wave may go out now."""
        return self.short and self.fillable and not self.started

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
        fillable=order.status in FILLABLE,
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


@dataclass(frozen=True)
class Pushed:
    """What a dispatcher's push did: `repeated` when that wave had already gone out."""

    order_id: int
    wave: int
    radius_m: int
    offers: int
    repeated: bool


def send_next_wave(
    session: Session, order_id: int, *, actor: Actor, seen_wave: int, now: datetime
) -> Pushed:
    """The next wave now, not at its timeout; seen_wave is the wave the dispatcher saw, so
    a double click (or two dispatchers) sends one wave: the second finds it gone out."""
    return _push(session, order_id, actor=actor, seen_wave=seen_wave, now=now, widest=False)


def widen_now(
    session: Session, order_id: int, *, actor: Actor, seen_wave: int, now: datetime
) -> Pushed:
    """The next wave now, at the maximum radius, skipping the rings between."""
    return _push(session, order_id, actor=actor, seen_wave=seen_wave, now=now, widest=True)


def _push(
    session: Session, order_id: int, *, actor: Actor, seen_wave: int, now: datetime, widest: bool
) -> Pushed:
    # The order row first, with its branch for the wave.
    order = get_order(session, order_id, actor=actor, lock=True, options=ORDER_BRANCH)
    if order.status not in FILLABLE or now >= order.starts_at:
        raise FillingOver(order.code, order.status)
    if order.wave != seen_wave:  # the wave seen already went out: that one stands
        return Pushed(order.id, order.wave, order.radius_m, 0, repeated=True)
    offers = fill.run_wave(session, order, now, widest=widest)
    audit.log(
        session,
        actor,
        "order.widen_now" if widest else "order.next_wave_now",
        "order",
        [order.id],
        order.branch_id,
        code=order.code,
        wave=order.wave,
        radius_m=order.radius_m,
        offers=offers,
    )
    session.flush()
    return Pushed(order.id, order.wave, order.radius_m, offers, repeated=False)
