"""Changing a placed order: `PATCH /api/v1/orders/{id}` and the order page's form.

Any of headcount, times, rates, foreman and notes, in one transaction under the order's row
lock (then its offers, then workers: the lock order of answers), audited as `order.change`
with each changed field's value before and after. Jobs (the wave, the texts) leave after
the commit (core/jobs.py).

The rules:
- a cancelled or completed order changes no more (`order_not_changeable`);
- once the shift has begun (its start passed, or marked in progress) the headcount and
  the times stay (`order_change_after_start`): more workers then are a top-up, fewer are
  the foreman's "released" mark (show-up pay), a longer day is the hours' record; rates,
  foreman and notes may still change until the order is closed;
- a client (user or key) may not move the start inside the branch's approval lead time,
  nor ask for more workers once the start is inside it (`start_inside_lead_time`,
  service.inside_lead_time: the rule that holds a new order);
- the headcount stays 1 to 500 and the times pass the rules of a new order (`check_shift`);
  the foreman is an active foreman of the order's branch (`check_foreman`); notes are at
  most NOTES_MAX characters (blank clears them);
- with both headcount and times changed, a cut is made at the old times (show-up pay is
  judged by the start the workers were booked for), then the shift moves, then a raise
  sends its wave at the new times (the matcher checks clashes with the new shift);
- a move lets go whoever can no longer work the new times (`released_on_move`, with the
  rules each failed: dispatch/changes/times.py), and their places are filled again.
A value sent equal to the stored one is no change: nothing is texted or audited for it.
"""

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from core import audit
from core.money import money
from core.tenancy import Actor
from dispatch.changes import headcount as heads
from dispatch.changes import times
from dispatch.changes.errors import (
    ChangeAfterStart,
    NotesTooLong,
    OrderNotChangeable,
    ValueMissing,
)
from dispatch.enums import CLOSED, OrderStatus
from dispatch.models import Order
from dispatch.orders import roster
from dispatch.orders import service as orders
from dispatch.orders.errors import HeadcountOutOfRange, NegativeRate, StartInsideLeadTime
from dispatch.rates.order_rates import RATES, audit_override, order_rates
from dispatch.registry.staff import check_foreman

NOTES_MAX = 1000
NULLABLE = ("foreman_id", "notes")  # None: the site's foreman runs it / no notes


@dataclass(frozen=True)
class OrderChange:
    """The fields sent (`given`) and their values; a field not given stays as it is."""

    headcount: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    client_rate: Decimal | None = None
    worker_rate: Decimal | None = None
    foreman_id: int | None = None
    notes: str | None = None
    rate_reason: str | None = None  # why new rates differ from the card's (dispatch/rates)
    given: frozenset[str] = frozenset()

    @classmethod
    def of(cls, **values: Any) -> "OrderChange":
        """From the fields sent, e.g. a request body's model_dump(exclude_unset=True)."""
        return cls(**values, given=frozenset(values))


def _shown(value: object) -> object:
    """A value as the audit log keeps it (JSON)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return value


def _wanted(order: Order, change: OrderChange) -> dict[str, Any]:
    """The fields that really change, with their checked new values."""
    wanted: dict[str, Any] = {}
    for name in (f.name for f in fields(OrderChange) if f.name not in ("given", "rate_reason")):
        if name not in change.given:
            continue
        value = getattr(change, name)
        if name == "notes" and value is not None:
            value = value.strip() or None
            if value is not None and len(value) > NOTES_MAX:
                raise NotesTooLong("notes", f"notes are at most {NOTES_MAX} characters")
        if value is None and name not in NULLABLE:
            raise ValueMissing(name, f"{name} cannot be empty")
        if name in ("client_rate", "worker_rate"):
            if value < 0:
                raise NegativeRate(name, "a rate cannot be negative")
            value = money(value)
        if value != getattr(order, name):
            wanted[name] = value
    return wanted


def _check(session: Session, order: Order, wanted: dict[str, Any], now: datetime) -> None:
    started = roster.begun(order, now)
    for name in ("headcount", "starts_at", "ends_at"):
        if name in wanted and started:
            raise ChangeAfterStart(name, order.code)
    if "headcount" in wanted and not 1 <= wanted["headcount"] <= 500:
        raise HeadcountOutOfRange("headcount", "headcount must be 1 to 500")
    if "starts_at" in wanted or "ends_at" in wanted:
        starts_at = wanted.get("starts_at", order.starts_at)
        orders.check_shift(starts_at, wanted.get("ends_at", order.ends_at), now)
    if "foreman_id" in wanted:
        check_foreman(session, wanted["foreman_id"], order.branch_id)


def shift_changeable(order: Order, now: datetime) -> bool:
    """Whether the headcount and the times may still change: not closed, not begun (notes,
    rates and the foreman may change until the close)."""
    return order.status not in CLOSED and not roster.begun(order, now)


def _check_lead_time(actor: Actor, order: Order, wanted: dict[str, Any], now: datetime) -> None:
    """A client's start moved inside the approval lead time, or more workers asked for a start
    already inside it, would skip the office's approval (an order held for it is not filling)."""
    hours = order.branch.client_order_approval_h
    starts_at = wanted.get("starts_at", order.starts_at)
    if not orders.inside_lead_time(actor, order.branch, starts_at, now):
        return
    if "starts_at" in wanted:
        raise StartInsideLeadTime("starts_at", f"a start within {hours} h: ask the office")
    raising = wanted.get("headcount", 0) > order.headcount
    if raising and order.status != OrderStatus.AWAITING_APPROVAL:
        raise StartInsideLeadTime("headcount", f"more workers within {hours} h: ask the office")


def change_order(
    session: Session, order_id: int, *, actor: Actor, change: OrderChange, now: datetime
) -> Order:
    """Apply the change (see the module's rules); the order as it now stands."""
    return apply_change(session, order_id, actor=actor, change=change, now=now)[0]


def apply_change(
    session: Session, order_id: int, *, actor: Actor, change: OrderChange, now: datetime
) -> tuple[Order, dict[str, Any]]:
    """change_order, with what it did as its audit entry says it: the fields changed
    (`before`) and the workers released, paid, asked to confirm or offered the order."""
    # Another branch's order: 404. Locked first, with its branch (the lock stays on the row).
    order = orders.get_order(session, order_id, actor=actor, lock=True, options=orders.ORDER_BRANCH)
    if order.status in CLOSED:
        raise OrderNotChangeable(order.code, order.status)
    orders.check_client_sends(actor, change.given)  # rates and the foreman: the office's
    wanted = _wanted(order, change)
    _check(session, order, wanted, now)
    _check_lead_time(actor, order, wanted, now)
    if not wanted:
        return order, {"before": {}}
    before = {name: _shown(getattr(order, name)) for name in wanted}
    detail: dict[str, Any] = {}
    new_headcount = wanted.get("headcount")
    if new_headcount is not None and new_headcount < order.headcount:
        cut = heads.lower_headcount(session, order, new_headcount, now)
        detail.update(
            released_standby=cut.released_standby,
            released_booked=cut.released_booked,
            paid_late=cut.paid_late,
        )
    if "starts_at" in wanted or "ends_at" in wanted:
        moved = times.move_shift(
            session,
            order,
            wanted.get("starts_at", order.starts_at),
            wanted.get("ends_at", order.ends_at),
            now,
        )
        detail.update(asked_to_confirm=moved.asked, released_on_move=moved.released)
    if "client_rate" in wanted or "worker_rate" in wanted:  # the card's rule, as at placing
        sent = {name: wanted.get(name, getattr(order, name)) for name in RATES}
        rates = order_rates(
            session,
            branch_id=order.branch_id,
            client_id=order.client_id,
            skill=order.skill,
            sent=sent,
            reason=change.rate_reason,
        )
        rates.stamp(order)
        audit_override(session, actor, order, rates)
    for name in ("foreman_id", "notes"):
        if name in wanted:
            setattr(order, name, wanted[name])
    if new_headcount is not None and new_headcount > order.headcount:
        detail["offered"] = heads.raise_headcount(session, order, new_headcount, now)
    session.flush()
    after = {name: _shown(getattr(order, name)) for name in wanted}
    audit.log(
        session,
        actor,
        "order.change",
        "order",
        [order.id],
        order.branch_id,
        code=order.code,
        before=before,
        after=after,
        booking_target=order.booking_target,
        **detail,
    )
    return order, {"before": before, **detail}
