"""Request and response bodies of the shift on site: marks, timesheets, reviews, penalties."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from api.schemas import Body, Id
from dispatch.shift.timesheets import MONEY_COLUMNS, Line, Timesheet
from rating.models import PenaltyEvent, Review

Reason = Annotated[str, StringConstraints(min_length=1, max_length=1000)]


class AttendanceIn(Body):
    worker_id: Id
    status: Literal["arrived", "left_early", "no_show", "released"]
    at: AwareDatetime | None = Field(
        default=None, description="when it happened; now if left out, never in the future"
    )


class UndoIn(Body):
    worker_id: Id


class TimesheetLineOut(BaseModel):
    worker_id: int
    full_name: str | None  # None: a worker the reader may not see
    attendance: str | None
    arrived_at: datetime | None
    left_at: datetime | None
    hours: Decimal
    client_amount: Decimal | None = None  # office only (dispatch/access/prices.py): left out
    base_pay: Decimal
    allowances: Decimal
    fines: Decimal
    worker_pay: Decimal
    margin: Decimal | None = None  # office only: left out
    note: str | None = None  # "fine_exceeds_pay": why worker_pay is negative (a debt)

    @classmethod
    def of(cls, line: Line, money: tuple[str, ...]) -> "TimesheetLineOut":
        # Amounts the reader may not see stay unset, so the answer leaves them out.
        hidden = set(MONEY_COLUMNS) - set(money)
        return cls(**{name: getattr(line, name) for name in cls.model_fields if name not in hidden})


class CloseIn(Body):
    # When work ended for everyone: now (hours cut at the close) or the scheduled end.
    end: Literal["now", "scheduled"] = "now"


class TimesheetOut(BaseModel):
    order_id: int
    code: str
    currency: str
    starts_at: datetime
    ends_at: datetime
    closed: bool
    lines: list[TimesheetLineOut]
    totals: dict[str, Decimal]

    @classmethod
    def of(cls, sheet: Timesheet) -> "TimesheetOut":
        return cls(
            order_id=sheet.order_id,
            code=sheet.code,
            currency=sheet.currency,
            starts_at=sheet.starts_at,
            ends_at=sheet.ends_at,
            closed=sheet.closed,
            lines=[TimesheetLineOut.of(line, sheet.money) for line in sheet.lines],
            totals=sheet.totals,
        )


class ReviewIn(Body):
    worker_id: Id
    stars: int = Field(ge=1, le=5, strict=True)  # true is not 1
    complaint: bool = False
    comment: Annotated[str, StringConstraints(max_length=2000)] | None = None


class ReviewOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    order_id: int
    worker_id: int
    stars: int
    complaint: bool
    comment: str | None
    penalty_id: int | None
    created_at: datetime

    @classmethod
    def of(cls, review: Review) -> "ReviewOut":
        return cls.model_validate(review)


class PenaltyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    worker_id: int
    kind: str
    points: int
    fine: Decimal
    payout: Decimal
    currency: str
    order_id: int | None
    automatic: bool
    reason: str
    # A rule's reason as a stable code and its figures (rating/reasons.py); None: typed.
    reason_code: str | None
    reason_args: dict
    reverses_id: int | None
    reversed_at: datetime | None
    occurred_at: datetime
    created_at: datetime

    @classmethod
    def of(cls, event: PenaltyEvent) -> "PenaltyOut":
        return cls.model_validate(event)


class ReverseIn(Body):
    reason: Reason
