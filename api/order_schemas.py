"""Request and response bodies of orders, offers and messages."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from api.schemas import Body, Id
from core.tenancy import Actor
from dispatch.access.prices import shown_money
from dispatch.models import Offer, Order
from dispatch.orders.service import OrderState

Money = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]


class OrderIn(Body):
    site_id: Id
    skill: str = Field(examples=["loader"])
    headcount: int = Field(ge=1, le=500, strict=True)  # true is not 1
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    client_rate: Money = Field(examples=["250.00"])
    worker_rate: Money = Field(examples=["120.00"])
    overbook_factor: Decimal | None = Field(default=None, ge=1, le=3)
    overbooking_mode: Literal["fixed", "adaptive"] | None = None
    fill_goal: Decimal | None = Field(default=None, ge=Decimal("0.5"), le=Decimal("0.999"))
    foreman_id: Id | None = None  # else the site's foreman runs it


class CancelIn(Body):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=1000)]


class RosterLine(BaseModel):
    worker_id: int
    offer_status: str
    attendance: str | None = None
    arrived_at: datetime | None = None
    left_at: datetime | None = None
    # A punishing mark inside its undo window: it counts at pending_until unless undone.
    pending_mark: str | None = None
    pending_until: datetime | None = None

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
    worker_rate: Decimal
    overbook_factor: Decimal
    overbooking_mode: str
    fill_goal: Decimal
    wave: int
    radius_m: int
    next_wave_at: datetime | None
    cancel_reason: str | None
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
            out.roster = [RosterLine.of(o) for o in state.roster]
        return out


class CandidateOut(BaseModel):
    worker_id: int
    distance_m: float
    rating: float
    reliability: float
    score: float
    reason: str


# The words of each eligibility rule's code (dispatch/fill/eligibility.py), for API clients.
RULE_WORDS = {
    "inactive": "blocked in the registry",
    "not_vetted": "not vetted",
    "opted_out": "opted out of SMS",
    "phone_unreachable": "number unreachable",
    "suspended": "suspended",
    "no_skill": "does not have the order's skill",
    "too_far": "lives outside the order's current search radius",
    "booked_elsewhere": "booked on another order at that time",
    "blocked_by_client": "blocked by this client",
    "already_offered": "already offered this order",
}


class FailedRule(BaseModel):
    code: str
    text: str


class CandidateCheckOut(BaseModel):
    """Why a worker is or is not on an order's candidate list."""

    worker_id: int
    eligible: bool  # true: every rule passes; off the list only because others rank higher
    radius_m: int
    failed: list[FailedRule]

    @classmethod
    def of(cls, worker_id: int, radius_m: int, failed: list[str]) -> "CandidateCheckOut":
        return cls(
            worker_id=worker_id,
            eligible=not failed,
            radius_m=radius_m,
            failed=[FailedRule(code=code, text=RULE_WORDS[code]) for code in failed],
        )


class OfferOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    order_id: int
    worker_id: int
    status: str
    wave: int
    rank: int
    distance_m: float
    score: float
    answered_at: datetime | None
    answer_source: str | None

    @classmethod
    def of(cls, offer: Offer, rough: tuple[float, float] | None = None) -> "OfferOut":
        """rough: (distance_m, score) when the reader may not see the worker's home."""
        out = cls.model_validate(offer)
        if rough is not None:
            out.distance_m, out.score = rough
        return out


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    worker_id: int | None
    order_id: int | None
    direction: str
    kind: str
    phone: str | None  # another branch's worker: masked to the last two digits, or None
    body: str
    status: str
    segments: int
    encoding: str
    created_at: datetime
