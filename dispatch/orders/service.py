"""Orders: taking them in (checked, coded), reading their state, cancelling them."""

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypedDict, cast

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, immediateload
from sqlalchemy.orm.interfaces import ORMOption

from core import audit
from core.db import flush_checked, locked
from core.errors import Conflict, InvalidInput, ReasonRequired
from core.jobs import enqueue_after_commit
from core.tenancy import Actor
from dispatch.enums import (
    CLOSED,
    COUNTED,
    IN_PLAY,
    SAID_YES,
    WORKED,
    Attendance,
    OfferStatus,
    OrderStatus,
)
from dispatch.hooks import events
from dispatch.models import Branch, Client, Offer, Order, Site
from dispatch.orders import overbooking
from dispatch.orders.errors import (
    ClientSetsNoForeman,
    ClientSetsNoOverbooking,
    ClientSetsNoRates,
    HeadcountOutOfRange,
    NegativeRate,
    NoFreeOrderCode,
    OrderFinished,
    OrderNotFound,
    OrderUnderWay,
    ShiftEndsBeforeStart,
    ShiftInPast,
    ShiftTooFarAhead,
    ShiftTooLong,
    TimeWithoutOffset,
)
from dispatch.penalties import record
from dispatch.rates.order_rates import OrderRates, audit_override, order_rates
from dispatch.registry.client_side.tenancy import of_their_client
from dispatch.registry.knobs import check_knob
from dispatch.registry.sites import SITE_BRANCH, get_site
from dispatch.registry.staff import check_foreman
from dispatch.texts import messaging
from rating import reasons
from rating.policy import is_late_cancellation
from workers.skills import normalise_skill

MAX_SHIFT = timedelta(hours=24)
MAX_AHEAD = timedelta(days=366)  # orders are for the coming year, not for year 9999


class CodeTaken(Conflict):
    """Two live orders drew the same code; the caller draws again (never leaves here)."""

    code = "order_code_taken"


@dataclass
class OrderInput:
    site_id: int
    skill: str
    headcount: int
    starts_at: datetime
    ends_at: datetime
    client_rate: Decimal | None  # None: the rate agreed with the client for the skill
    worker_rate: Decimal | None
    overbook_factor: Decimal | None = None
    overbooking_mode: str | None = None
    fill_goal: Decimal | None = None
    foreman_id: int | None = None  # else the site's foreman runs it
    rate_reason: str | None = None  # why typed rates differ from the card's
    via: str | None = None  # how it came in, in its audit row: "call_centre" (dispatch/intake)


def _check_times(data: OrderInput, now: datetime) -> None:
    check_shift(data.starts_at, data.ends_at, now)


def check_shift(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    """A shift's times, for a new order and for one whose times change (dispatch/changes)."""
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise TimeWithoutOffset(
                name, "time must carry an offset, like 2026-11-27T08:00:00+03:00"
            )
    if starts_at <= now:
        raise ShiftInPast("starts_at", "the shift must start in the future")
    if starts_at > now + MAX_AHEAD:
        raise ShiftTooFarAhead("starts_at", "the shift must start within a year")
    if ends_at <= starts_at:
        raise ShiftEndsBeforeStart("ends_at", "the shift must end after it starts")
    if ends_at - starts_at > MAX_SHIFT:
        raise ShiftTooLong("ends_at", "a shift lasts at most 24 hours")


class Knobs(TypedDict):
    """An order's overbooking knobs: the order's own, else its branch's."""

    overbook_factor: Decimal
    overbooking_mode: str
    fill_goal: Decimal


@dataclass(frozen=True)
class CheckedOrder:
    """An order's input that passed every rule, with what taking it in needs."""

    site: Site
    client: Client
    branch: Branch
    skill: str
    knobs: Knobs
    rates: OrderRates  # the card's, or typed (dispatch/rates/order_rates.py)

    @property
    def client_rate(self) -> Decimal:
        return self.rates.client_rate

    @property
    def worker_rate(self) -> Decimal:
        return self.rates.worker_rate


RATES = ("client_rate", "worker_rate")
KNOBS = ("overbook_factor", "overbooking_mode", "fill_goal")
# What the office decides for an order, never a client (user or key): the refusal names it.
OFFICE_SETS: dict[str, tuple[type[InvalidInput], str]] = {
    **dict.fromkeys((*RATES, "rate_reason"), (ClientSetsNoRates, "rates")),
    "foreman_id": (ClientSetsNoForeman, "the foreman"),
    **dict.fromkeys(KNOBS, (ClientSetsNoOverbooking, "overbooking")),
}


def check_client_sends(actor: Actor, sent: Iterable[str]) -> None:
    """A client sends no rates (the office agrees them), no foreman, no overbooking knob."""
    if actor.is_client:
        for name in sorted(set(sent) & OFFICE_SETS.keys()):
            refusal, what = OFFICE_SETS[name]
            raise refusal(name, f"a client cannot set {what}")


def check_order(session: Session, *, actor: Actor, data: OrderInput, now: datetime) -> CheckedOrder:
    """Every rule an order must pass, reading only: the console's field check runs it on
    each keystroke, and create_order runs it first."""
    site = get_site(session, data.site_id, actor=actor, options=SITE_BRANCH)
    client, branch = site.client, site.client.branch
    skill = normalise_skill(data.skill)
    if not 1 <= data.headcount <= 500:
        raise HeadcountOutOfRange("headcount", "headcount must be 1 to 500")
    _check_times(data, now)
    given = (name for name in OFFICE_SETS if getattr(data, name) is not None)
    check_client_sends(actor, given)
    check_foreman(session, data.foreman_id, branch.id)
    sent = {name: getattr(data, name) for name in RATES}
    for name in RATES:
        if sent[name] is not None and sent[name] < 0:
            raise NegativeRate(name, "a rate cannot be negative")
    knobs = cast(Knobs, {name: _knob(data, branch, name) for name in KNOBS})
    return CheckedOrder(
        site=site,
        client=client,
        branch=branch,
        skill=skill,
        knobs=knobs,
        rates=order_rates(
            session,
            branch_id=branch.id,
            client_id=client.id,
            skill=skill,
            sent=sent,
            reason=data.rate_reason,
        ),
    )


def _knob(data: OrderInput, branch: Branch, name: str) -> Any:
    value = getattr(data, name)
    return check_knob(name, value) if value is not None else getattr(branch, name)


def inside_lead_time(actor: Actor, branch: Branch, starts_at: datetime, now: datetime) -> bool:
    """A client's start sooner than client_order_approval_h (0: never): held (approval.py)."""
    lead_h = branch.client_order_approval_h
    return actor.is_client and lead_h > 0 and starts_at < now + timedelta(hours=lead_h)


def create_order(session: Session, *, actor: Actor, data: OrderInput, now: datetime) -> Order:
    """Take an order in and fill it after the commit; a client's inside the lead time waits."""
    checked = check_order(session, actor=actor, data=data, now=now)
    branch, knobs = checked.branch, checked.knobs
    held = inside_lead_time(actor, branch, data.starts_at, now)
    if knobs["overbooking_mode"] == "fixed":
        target = overbooking.fixed_target(data.headcount, knobs["overbook_factor"])
    else:
        target = overbooking.adaptive_target(
            [], data.headcount, float(knobs["fill_goal"]), overbooking.NEWCOMER_RELIABILITY
        )
    order = Order(
        branch=branch,  # loaded: the relationships are lazy="raise"
        client=checked.client,
        site=checked.site,
        branch_id=branch.id,
        client_id=checked.client.id,
        site_id=checked.site.id,
        skill=checked.skill,
        headcount=data.headcount,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        booking_target=target,
        radius_m=branch.search_radius_m,
        status=OrderStatus.AWAITING_APPROVAL if held else OrderStatus.OPEN,
        wave=0,
        next_wave_at=None if held else now,  # the reconciler starts it should the job be lost
        created_by=actor.user_id,
        foreman_id=data.foreman_id,
        **knobs,
    )
    checked.rates.stamp(order)
    _store_with_fresh_code(session, order)
    audit_override(session, actor, order, checked.rates)
    audit.log(
        session,
        actor,
        audit.ORDER_CREATE,
        audit.ORDER,
        [order.id],
        branch.id,
        code=order.code,
        headcount=order.headcount,
        target=target,
        **({"via": data.via} if data.via else {}),
    )
    if not held:
        enqueue_after_commit(session, "dispatch.fill", order.id)
    return order


def _store_with_fresh_code(session: Session, order: Order) -> None:
    """A short code for SMS replies, unique among live orders (the partial index decides)."""
    for attempt in range(40):
        digits = 3 + attempt // 10  # 3 digits while they last, then 4, 5...
        order.code = str(10 ** (digits - 1) + secrets.randbelow(9 * 10 ** (digits - 1)))
        try:
            flush_checked(session, order, on_unique=CodeTaken())
            return
        except CodeTaken:
            continue
    raise NoFreeOrderCode("could not draw a free order code")


def visible_orders(query: Select[Order], actor: Actor) -> Select[Order]:
    """Branch staff see their branch's orders; a foreman only the orders assigned to them, by
    name or through the site they run."""
    query = query.where(actor.branch_filter(Order.branch_id))
    query = of_their_client(query, actor, Order.client_id)  # a client user: their own only
    if actor.role == "foreman":
        their_sites = select(Site.id).where(Site.foreman_id == actor.user_id)
        query = query.where(
            or_(
                Order.foreman_id == actor.user_id,
                and_(Order.foreman_id.is_(None), Order.site_id.in_(their_sites)),
            )
        )
    return query


# An order with its branch: a get by key (none when the branch is already in the session) and
# no join, so a lock taken with it stays on the order row.
ORDER_BRANCH = (immediateload(Order.branch),)


def get_order(
    session: Session,
    order_id: int,
    *,
    actor: Actor,
    lock: bool = False,
    options: Sequence[ORMOption] = (),
) -> Order:
    """options: the relationships the caller walks (lazy="raise"), e.g. ORDER_BRANCH."""
    query = visible_orders(select(Order).where(Order.id == order_id), actor).options(*options)
    order = session.scalars(locked(query) if lock else query).one_or_none()
    if order is None:
        raise OrderNotFound(order_id)
    return order


def list_orders(
    session: Session, *, actor: Actor, status: str | None = None, limit: int = 100
) -> list[Order]:
    query = visible_orders(select(Order), actor)
    query = query.order_by(Order.starts_at.desc(), Order.id.desc()).limit(limit)
    if status is not None:
        query = query.where(Order.status == status)
    return list(session.scalars(query))


@dataclass
class OrderState:
    counts: dict[str, int]
    roster: list[Offer]
    fill_probability: float


def order_state(session: Session, order: Order) -> OrderState:
    """Counts by offer status, the roster (booked and standby) and P(enough turn up)."""
    by_status = dict(
        session.execute(
            select(Offer.status, func.count())
            .where(Offer.order_id == order.id)
            .group_by(Offer.status)
        ).all()
    )
    counts = {
        "offered": sum(by_status.values()),
        **{s.value: by_status.get(s, 0) for s in COUNTED},
    }
    roster = list(
        session.scalars(
            select(Offer)
            .where(Offer.order_id == order.id, Offer.status.in_(SAID_YES))
            .order_by(Offer.status, Offer.booked_at, Offer.answered_at, Offer.id)
        )
    )
    # Came at all (left early included) / marked absent; released extras are neither.
    counts["arrived"] = sum(o.attendance in WORKED for o in roster)
    counts["no_show"] = sum(o.attendance == Attendance.NO_SHOW for o in roster)
    booked = [float(o.reliability) for o in roster if o.status == OfferStatus.BOOKED]
    return OrderState(counts, roster, overbooking.fill_probability(booked, order.headcount))


def cancel_order(
    session: Session, order_id: int, *, actor: Actor, reason: str, now: datetime
) -> Order:
    """Release everyone; tell those who were booked, on standby or already texted."""
    if not reason.strip():
        raise ReasonRequired("reason", "a reason is required")
    order = get_order(session, order_id, actor=actor, lock=True, options=ORDER_BRANCH)
    if order.status in CLOSED:
        raise OrderFinished(f"order {order.code} is already {order.status}")
    marked = select(Offer.id).where(Offer.order_id == order.id, Offer.attendance.is_not(None))
    if session.scalar(marked.limit(1)) is not None:
        raise OrderUnderWay(
            f"order {order.code} is under way (attendance is marked): release the workers and "
            "close the shift instead"
        )
    order.status = OrderStatus.CANCELLED
    order.cancel_reason = reason.strip()
    order.next_wave_at = None
    live = list(
        session.scalars(
            locked(
                select(Offer).where(
                    Offer.order_id == order.id,
                    Offer.status.in_(IN_PLAY),
                )
            )
        )
    )
    # Texts of this order not yet handed to the gateway never go out; a worker whose offer
    # text went (or is going) out hears that the order is off.
    unsent_offers = messaging.withdraw_order_texts(session, order.id)
    for offer in live:
        if offer.id not in unsent_offers:
            messaging.notify(session, order, offer, "order_cancelled")
        pay_if_cancelled_late(session, order, offer, now)
        offer.status = OfferStatus.CANCELLED
    session.flush()
    audit.log(
        session,
        actor,
        "order.cancel",
        "order",
        [order.id],
        order.branch_id,
        reason=order.cancel_reason,
        released=len(live),
    )
    events.order_event(session, order, "order.cancelled", reason=order.cancel_reason)
    return order


def cancels_late(order: Order, now: datetime) -> bool:
    """Whether the client taking booked places back now is late (the branch loaded)."""
    return is_late_cancellation(now, order.starts_at, order.branch.late_cancel_h)


def pay_if_cancelled_late(session: Session, order: Order, offer: Offer, now: datetime) -> bool:
    """A booked worker's place taken back by the client inside the branch's late_cancel_h:
    they kept the day free, so show-up pay. The one rule of a cancelled order and of a
    headcount cut (dispatch/changes/headcount.py); call it before the offer's status
    changes. The order comes with its branch loaded."""
    if offer.status != OfferStatus.BOOKED or not cancels_late(order, now):
        return False
    late_pay = reasons.of("client_cancelled_late")
    record.compensate(session, order, offer.worker_id, reason=late_pay)
    return True


def offers_of(session: Session, order: Order) -> list[Offer]:
    return list(
        session.scalars(
            select(Offer).where(Offer.order_id == order.id).order_by(Offer.wave, Offer.rank)
        )
    )
