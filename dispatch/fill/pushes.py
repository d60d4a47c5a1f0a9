"""The dispatcher's two pushes for a short order (dispatch/orders/shortage.py): the next wave
now, and the widest radius now."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from core import audit
from core.tenancy import Actor
from dispatch.enums import filling_open
from dispatch.fill import waves
from dispatch.fill.errors import FillingOver
from dispatch.orders.service import ORDER_BRANCH, get_order


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
    if not filling_open(order, now):
        raise FillingOver(order.code, order.status)
    if order.wave != seen_wave:  # the wave seen already went out: that one stands
        return Pushed(order.id, order.wave, order.radius_m, 0, repeated=True)
    offers = waves.run_wave(session, order, now, widest=widest)
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
