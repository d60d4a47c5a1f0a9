"""Request and response bodies of the shift on site: marks, the close, timesheets, reviews."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from api.schemas.common import Body, Id, fields_of
from dispatch.access.prices import CLIENT_PRICE
from dispatch.shift.timesheets import MONEY_COLUMNS, SURCHARGE_SIDE, Line, Timesheet
from rating.models import Review


class AttendanceIn(Body):
    worker_id: Id
    status: Literal["arrived", "left_early", "no_show", "released", "sent_home"]
    at: AwareDatetime | None = Field(
        default=None, description="when it happened; now if left out, never in the future"
    )
    # Why a worker is sent home (sent_home only, and required there: 422 naming `reason`).
    reason: Literal["intoxicated", "no_safety_gear", "refused_task", "other"] | None = None


class UndoIn(Body):
    worker_id: Id


# A line of dispatch/shift/timesheets.py's Timesheet; the amounts a reader may not see
# (dispatch/access/prices.py: the client's price to a foreman, the workers' pay to the client)
# stay unset, so the answer leaves them out.
# fields_of builds the base at run time from the dataclass: mypy cannot follow it (misc).
_HIDEABLE = CLIENT_PRICE | set(MONEY_COLUMNS) | set(SURCHARGE_SIDE)


class TimesheetLineOut(fields_of(Line, optional=_HIDEABLE)):  # type: ignore[misc]
    @classmethod
    def of(cls, line: Line, money: tuple[str, ...]) -> "TimesheetLineOut":
        hidden = set(MONEY_COLUMNS) - set(money)
        hidden |= {name for name, side in SURCHARGE_SIDE.items() if side in hidden}  # its side's
        return cls(**{name: getattr(line, name) for name in cls.model_fields if name not in hidden})


class CloseIn(Body):
    # When work ended for everyone: now (hours cut at the close) or the scheduled end.
    end: Literal["now", "scheduled"] = "now"


# dispatch/shift/timesheets.py's Timesheet but what only its exports use (the amounts shown, in
# order, and the branch's time zone).
# fields_of builds the base at run time from the dataclass: mypy cannot follow it (misc).
class TimesheetOut(
    fields_of(Timesheet, leave_out=("money", "timezone"), retype={"lines": list[TimesheetLineOut]})  # type: ignore[misc]
):
    @classmethod
    def of(cls, sheet: Timesheet) -> "TimesheetOut":
        # What may be billed is the client's price too: left out for a reader who may not see it.
        hidden = {"lines"}
        if "client_amount" not in sheet.money:
            hidden.add("billable_client_amount")
        return cls(
            **{name: getattr(sheet, name) for name in cls.model_fields if name not in hidden},
            lines=[TimesheetLineOut.of(line, sheet.money) for line in sheet.lines],
        )


class ReviewIn(Body):
    worker_id: Id
    stars: int = Field(ge=1, le=5, strict=True)  # true is not 1
    complaint: bool = False
    comment: Annotated[str, StringConstraints(max_length=2000)] | None = None
    # A complaint's reason (rating/policy.py COMPLAINT_REASONS); "other" when not said.
    complaint_reason: str | None = None
    # Whose review: the foreman's, or the client's (told to the office); both count alike.
    source: Literal["foreman", "client"] = "foreman"


class ReviewOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    order_id: int
    worker_id: int
    stars: int
    complaint: bool
    comment: str | None
    complaint_reason: str | None
    penalty_id: int | None
    source: str
    created_at: datetime

    @classmethod
    def of(cls, review: Review) -> "ReviewOut":
        return cls.model_validate(review)


class PaidThroughIn(Body):
    through: date = Field(description="paid up to and including this local date (YYYY-MM-DD)")


class PaidThroughOut(BaseModel):
    branch_id: int
    paid_through: date | None


class CheckinCodeOut(BaseModel):
    """The site's check-in code now (dispatch/shift/codes.py): workers text ПРИШЕЛ <code>."""

    code: str = Field(description="6 digits; the previous step's code is accepted too")
    valid_until: datetime = Field(description="when this code gives way to the next one")


# -- hours as they were (issue 20): a new timesheet version --


class HoursIn(Body):
    """A field left out keeps the latest version's value; null clears it."""

    # The schema's bounds only keep numbers sane; 0..600 and shorter than the shift is the
    # domain's rule, refused with its own code (hours_break_out_of_bounds).
    break_min: int | None = Field(
        default=None,
        strict=True,
        ge=-1_000_000,
        le=1_000_000,
        description="the crew's break, minutes (0..600); null: no break",
    )
    overtime_until: AwareDatetime | None = Field(
        default=None, description="work ran past the scheduled end until this moment"
    )
    overtime_approved_by: Annotated[str, StringConstraints(max_length=120)] | None = Field(
        default=None, description="the client's person who approved the overtime, by name"
    )
    ended_at: AwareDatetime | None = Field(
        default=None, description="an early end for the whole crew"
    )
    reason: Annotated[str, StringConstraints(max_length=500)] | None = Field(
        default=None, description="why: required for a correction after the close"
    )


class HoursVersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    order_id: int
    version: int
    break_min: int
    overtime_until: datetime | None
    overtime_approved_by: str | None
    overtime_approved_at: datetime | None
    ended_at: datetime | None
    reason: str | None
    after_close: bool
    by_user_id: int | None
    by_name: str
    by_role: str
    created_at: datetime
