"""Request and response bodies of a worker's penalties and their reversal."""

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from api.schemas.common import Body, Reason
from rating.models import PenaltyEvent


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
