"""A copy of an order for another day: the same site, skill, headcount, length of shift, rates,
overbooking knobs, foreman (and notes), taken in by the one order intake
(dispatch/orders/service.py: the same checks, the same audit, filling starts after the
commit), remembering the order it repeats (repeat_of_id: last time's crew is offered first).
A topped-up order is copied as it was placed: its headcount without the top-ups' workers,
its overbooking mode from before them (dispatch/changes/topup.py).

Any order may be copied, a cancelled or finished one too: "the same again on Thursday" is
what a dispatcher asks of yesterday's shift as often as of tomorrow's."""

from datetime import datetime

from sqlalchemy.orm import Session

from core import audit
from core.tenancy import Actor
from dispatch.models import Order
from dispatch.orders import service as orders
from dispatch.orders.service import OrderInput

NOTES = "notes"  # another change adds orders.notes; a copy carries them when it is there


def copy_input(template: Order, starts_at: datetime) -> OrderInput:
    """The template's order input, moved to start at starts_at (the shift as long as before)."""
    return OrderInput(
        site_id=template.site_id,
        skill=template.skill,
        headcount=template.headcount - template.topped_up_by,  # as placed: not its top-ups
        starts_at=starts_at,
        ends_at=starts_at + (template.ends_at - template.starts_at),
        client_rate=template.client_rate,
        worker_rate=template.worker_rate,
        overbook_factor=template.overbook_factor,
        overbooking_mode=template.mode_before_top_up or template.overbooking_mode,
        fill_goal=template.fill_goal,
        foreman_id=template.foreman_id,
        # The template's rates, even where the card has changed since (audited as such).
        rate_reason=f"copy of order {template.code}",
    )


def place_copy(
    session: Session,
    template: Order,
    starts_at: datetime,
    *,
    actor: Actor,
    now: datetime,
    pattern_id: int | None = None,
) -> Order:
    """Take the copy in through create_order; audited as order.copy besides order.create."""
    order = orders.create_order(session, actor=actor, data=copy_input(template, starts_at), now=now)
    order.repeat_of_id = template.id
    if hasattr(template, NOTES):  # the order's notes, once the orders.notes column is there
        setattr(order, NOTES, getattr(template, NOTES))
    session.flush()
    audit.log(
        session,
        actor,
        "order.copy",
        "order",
        [order.id],
        order.branch_id,
        repeat_of=template.id,
        starts_at=starts_at.isoformat(),
        pattern_id=pattern_id,
    )
    return order


def copy_order(
    session: Session, order_id: int, *, actor: Actor, starts_at: datetime, now: datetime
) -> Order:
    """The order again, starting at starts_at; another branch's order is not found."""
    template = orders.get_order(session, order_id, actor=actor)
    return place_copy(session, template, starts_at, actor=actor, now=now)
