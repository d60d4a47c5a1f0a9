"""Request and response bodies of orders: taking one in, cancelling it, reading it with
its counts and roster."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from api.schemas.common import Body, Id, Money, Reason
from core.clock import now
from core.tenancy import Actor
from dispatch.access.prices import shown_money
from dispatch.access.privacy import blind, on_the_day
from dispatch.models import Offer, Order
from dispatch.orders.service import OrderState


class OrderIn(Body):
    site_id: Id
    skill: str = Field(examples=["loader"])
    headcount: int = Field(ge=1, le=500, strict=True)  # true is not 1
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    # Left out: the rates agreed with the client for the skill (a client user sends none).
    client_rate: Money | None = Field(default=None, examples=["250.00"])
    worker_rate: Money | None = Field(default=None, examples=["120.00"])
    overbook_factor: Decimal | None = Field(default=None, ge=1, le=3)
    overbooking_mode: Literal["fixed", "adaptive"] | None = None
    fill_goal: Decimal | None = Field(default=None, ge=Decimal("0.5"), le=Decimal("0.999"))
    foreman_id: Id | None = None  # else the site's foreman runs it
    # Why typed rates differ from the rate card's (422 naming it when they do without one).
    rate_reason: str | None = Field(default=None, max_length=500)


class CancelIn(Body):
    reason: Reason


class RosterLine(BaseModel):
    worker_id: int
    offer_status: str
    attendance: str | None = None
    arrived_at: datetime | None = None
    left_at: datetime | None = None
    # A punishing mark inside its undo window: it counts at pending_until unless undone.
    pending_mark: str | None = None
    pending_until: datetime | None = None
    # Why a worker was sent home (attendance sent_home; pending_reason: a pending one's).
    sent_home_reason: str | None = None
    pending_reason: str | None = None
    # For a client, instead of the marks: "arrived", "late" or "not_yet" (privacy.on_the_day).
    on_the_day: str | None = None

    @classmethod
    def of(cls, offer: Offer) -> "RosterLine":
        return cls(
            worker_id=offer.worker_id,
            offer_status=offer.status,
            attendance=offer.attendance,
            arrived_at=offer.arrived_at,
            left_at=offer.left_at,
            pending_mark=offer.pending_mark,
            pending_until=offer.pending_until,
            sent_home_reason=offer.sent_home_reason,
            pending_reason=offer.pending_reason,
        )


class OrderOut(BaseModel):
    id: int
    code: str
    status: str
    branch_id: int
    client_id: int
    site_id: int
    skill: str
    headcount: int
    booking_target: int
    starts_at: datetime
    ends_at: datetime
    client_rate: Decimal | None  # null for a reader who may not see it (dispatch/access/prices.py)
    worker_rate: Decimal | None  # null for a client (dispatch/access/prices.py)
    # The rate card's terms as placed (dispatch/rates/order_rates.py) and the rates' source.
    night_pct: int = 0
    holiday_pct: int = 0
    min_hours: Decimal = Decimal(0)
    rate_source: str = "manual"
    overbook_factor: Decimal
    overbooking_mode: str
    fill_goal: Decimal
    wave: int
    radius_m: int
    next_wave_at: datetime | None
    cancel_reason: str | None
    notes: str | None = None  # for the workers (PATCH sets it)
    foreman_id: int | None = None
    closed_at: datetime | None = None
    fill_probability: float | None = None
    counts: dict[str, int] | None = None
    roster: list[RosterLine] | None = None

    @classmethod
    def of(cls, order: Order, state: OrderState | None = None, *, actor: Actor) -> "OrderOut":
        fields: dict[str, Any] = {
            name: getattr(order, name) if name in shown_money(actor, (name,)) else None
            for name in cls.model_fields
            if name not in ("fill_probability", "counts", "roster")
        }
        out = cls(**fields)
        if state is not None:
            out.fill_probability = round(state.fill_probability, 4)
            out.counts = state.counts
            out.roster = [
                _as_client_sees(o, order) if blind(actor) else RosterLine.of(o)
                for o in state.roster
            ]
        return out


def _as_client_sees(offer: Offer, order: Order) -> RosterLine:
    """A roster line for the client: who, their answer and their day in one word."""
    return RosterLine(
        worker_id=offer.worker_id,
        offer_status=offer.status,
        arrived_at=offer.arrived_at,
        on_the_day=on_the_day(offer.arrived_at, order.starts_at, now()),
    )
