"""Request and response bodies of a worker's penalties and their reversal."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from api.schemas.common import Body, Reason
from dispatch.penalties.dispute_queue import Case
from rating.models import PenaltyDispute, PenaltyEvent


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


class WorkerDisputeOut(BaseModel):
    """An open case in the office's queue: the worker's words, the marks, the penalty."""

    id: int
    branch_id: int
    worker_id: int
    worker_name: str | None  # as dispatch/access/privacy.py shows it to the reader
    words: str | None
    order_id: int
    order_code: str
    starts_at: datetime
    penalty_kind: str
    points: int
    fine: Decimal
    currency: str
    attendance: str | None
    arrived_at: datetime | None
    left_at: datetime | None
    marked_by: str | None
    checked_in_at: datetime | None
    checkin_distance_m: float | None
    opened_at: datetime
    deadline_at: datetime

    @classmethod
    def of(cls, case: Case) -> "WorkerDisputeOut":
        return cls(
            id=case.id,
            branch_id=case.branch_id,
            worker_id=case.worker.worker_id,
            worker_name=case.worker.name,
            words=case.words,
            order_id=case.order_id,
            order_code=case.order_code,
            starts_at=case.starts_at,
            penalty_kind=case.kind,
            points=case.points,
            fine=case.fine,
            currency=case.currency,
            attendance=case.attendance,
            arrived_at=case.arrived_at,
            left_at=case.left_at,
            marked_by=case.marked_by,
            checked_in_at=case.checked_in_at,
            checkin_distance_m=case.checkin_distance_m,
            opened_at=case.opened_at,
            deadline_at=case.deadline_at,
        )


class DecidedDisputeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    status: str
    penalty_id: int
    decided_at: datetime | None
    decided_by: int | None
    outcome_reason: str | None

    @classmethod
    def of(cls, case: PenaltyDispute) -> "DecidedDisputeOut":
        return cls.model_validate(case)


class AcceptIn(Body):
    reason: Annotated[str, StringConstraints(max_length=1000)] = ""


class UpholdIn(Body):
    reason: Reason
