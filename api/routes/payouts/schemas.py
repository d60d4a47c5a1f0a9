"""Request and response bodies of payout batches (dispatch/penalties/batches.py)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from api.schemas.common import Body
from dispatch.penalties.batch_models import PayoutBatch
from dispatch.penalties.batches import BatchView


class BatchIn(Body):
    date_from: str = Field(alias="from", description="2026-12-01 or 01.12.2026 (local date)")
    date_to: str = Field(alias="to", description="2026-12-07 or 07.12.2026, included")


class BatchPaidIn(Body):
    paid_at: AwareDatetime = Field(description="when it was paid, with its offset; not later")
    method: Literal["bank", "cash", "card"]


class BatchOut(BaseModel):
    id: int
    branch_id: int
    date_from: date
    date_to: date
    currency: str
    total: Decimal = Field(description="the sum of the lines' worker_pay, debts netted")
    status: str = Field(description="draft | paid")
    created_by_name: str
    created_at: datetime
    paid_at: datetime | None
    method: str | None
    paid_by_name: str | None

    @classmethod
    def of(cls, batch: PayoutBatch) -> "BatchOut":
        return cls(**{name: getattr(batch, name) for name in cls.model_fields})


class WorkerSumOut(BaseModel):
    worker_id: int
    full_name: str | None = Field(description="null: a worker you may not see")
    phone: str | None = Field(description="masked to a branch that only engaged the worker")
    lines: int
    amount: Decimal


class BatchDetailOut(BaseModel):
    """A batch (or a preview: batch null) with its workers' sums."""

    batch: BatchOut | None
    branch_id: int
    currency: str
    date_from: date
    date_to: date
    total: Decimal
    workers: list[WorkerSumOut]

    @classmethod
    def of(cls, view: BatchView) -> "BatchDetailOut":
        return cls(
            batch=BatchOut.of(view.batch) if view.batch is not None else None,
            branch_id=view.branch_id,
            currency=view.currency,
            date_from=view.date_from,
            date_to=view.date_to,
            total=view.total,
            workers=[WorkerSumOut(**vars(w)) for w in view.workers],
        )
