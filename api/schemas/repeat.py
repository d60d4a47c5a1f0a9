"""Request and response bodies of repeat orders: a copy for another day, and weekly patterns."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field

from api.schemas.common import Body, Id
from api.schemas.orders import OrderOut
from core.tenancy import Actor
from dispatch.models import Order, OrderPattern
from dispatch.repeat.patterns import MAX_LEAD_H

Weekday = Annotated[int, Field(ge=1, le=7, strict=True)]  # ISO: Monday is 1, Sunday 7


class CopyIn(Body):
    starts_at: AwareDatetime = Field(examples=["2026-12-10T08:00:00+03:00"])


class CopyOut(OrderOut):
    repeat_of_id: int | None = None

    @classmethod
    def of_copy(cls, order: Order, out: OrderOut) -> "CopyOut":
        return cls(**out.model_dump(), repeat_of_id=order.repeat_of_id)


class PatternIn(Body):
    order_id: Id
    weekdays: list[Weekday] = Field(min_length=1, max_length=7, examples=[[1, 3, 5]])
    until: date = Field(examples=["2027-02-28"])  # the last day, in the branch's calendar
    lead_h: int = Field(ge=1, le=MAX_LEAD_H, strict=True, examples=[24])


class PlacedOut(BaseModel):
    order_id: int
    code: str
    starts_at: datetime
    status: str


class PatternOut(BaseModel):
    id: int
    order_id: int
    branch_id: int
    weekdays: list[int]
    until: date
    lead_h: int
    created_at: datetime
    placed: list[PlacedOut] = []

    @classmethod
    def of(
        cls, pattern: OrderPattern, placed: Sequence[Order] = (), *, actor: Actor
    ) -> "PatternOut":
        return cls(
            id=pattern.id,
            order_id=pattern.order_id,
            branch_id=pattern.branch_id,
            weekdays=pattern.weekdays,
            until=pattern.until,
            lead_h=pattern.lead_h,
            created_at=pattern.created_at,
            placed=[
                PlacedOut(order_id=o.id, code=o.code, starts_at=o.starts_at, status=o.status)
                for o in placed
            ],
        )
