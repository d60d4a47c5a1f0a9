"""Bodies of the client's sign-off of a timesheet and the branch's queue of disputes."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.schemas.common import Body

# Blank is refused by the domain, naming the field (reason_required / field_required).
Text = Annotated[str, StringConstraints(max_length=1000)]


class DisputeIn(Body):
    reason: Text


class SettleIn(Body):
    note: Text
    # The hours agreed with the client when they differ from the marks'.
    hours: Decimal | None = Field(default=None, ge=0, le=24, max_digits=4, decimal_places=2)


class LineSignoffOut(BaseModel):
    """One line's sign-off: state pending, approved, disputed or settled."""

    model_config = ConfigDict(from_attributes=True)
    order_id: int
    worker_id: int
    state: str
    reason: str | None = None
    disputed_at: datetime | None = None
    settle_note: str | None = None
    settled_hours: Decimal | None = None
    settled_at: datetime | None = None


class ApproveOut(BaseModel):
    order_id: int
    approved: list[int]  # the workers whose lines this call approved
    lines: list[LineSignoffOut]  # every line, after it


class DisputeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    order_id: int
    code: str
    branch_id: int
    worker_id: int
    full_name: str | None
    state: str
    reason: str | None
    disputed_at: datetime | None
    settle_note: str | None
    settled_hours: Decimal | None
    settled_at: datetime | None
