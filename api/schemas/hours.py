"""Request and response bodies of the hours as they were: a new timesheet version."""

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from api.schemas.common import Body


class HoursIn(Body):
    """A field left out keeps the latest version's value; null clears it."""

    break_min: int | None = Field(
        default=None, strict=True, description="the crew's break, minutes (0..600)"
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
