"""Payout batches (issue 21): a branch's payable lines of a period paid out together, marked
paid, the bank's CSV. The office's (admin, manager, dispatcher); the rules are
dispatch/penalties/batches.py's."""

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from api.deps import DB, OFFICE, OFFICE_READERS, require, worker_reader
from api.exports import csv_for
from api.routes.payouts.schemas import BatchDetailOut, BatchIn, BatchOut, BatchPaidIn
from api.schemas.common import IdPath
from core.clock import now
from core.dates import parse_date
from core.tenancy import Actor
from dispatch.penalties import batches

router = APIRouter(prefix="/api/v1")


@router.post(
    "/branches/{branch_id}/payout-batches",
    status_code=201,
    response_model=BatchOut,
    tags=["payouts"],
)
def make_batch(
    branch_id: IdPath,
    body: BatchIn,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
) -> BatchOut:
    """A draft batch of every payable line of the period (local dates, both included) that
    no batch holds yet; debt lines net their worker's sum. 422 payout_batch_empty when none is
    left; 409 payout_lines_taken when a batch made at the same moment took them."""
    batch = batches.make_batch(
        session,
        branch_id,
        actor=actor,
        date_from=parse_date(body.date_from, "from"),
        date_to=parse_date(body.date_to, "to"),
        now=now(),
    )
    return BatchOut.of(batch)


@router.get("/branches/{branch_id}/payout-batches", response_model=list[BatchOut], tags=["payouts"])
def list_batches(
    branch_id: IdPath, actor: Actor = Depends(require(*OFFICE_READERS)), session: Session = DB
) -> list[BatchOut]:
    """The branch's batches, the newest first."""
    return [BatchOut.of(b) for b in batches.batches_of(session, branch_id, actor=actor)]


@router.get(
    "/branches/{branch_id}/payout-batches/preview",
    response_model=BatchDetailOut,
    tags=["payouts"],
)
def preview_batch(
    branch_id: IdPath,
    day_from: str = Query(alias="from", description="2026-12-01 or 01.12.2026"),
    day_to: str = Query(alias="to", description="2026-12-07 or 07.12.2026"),
    actor: Actor = Depends(worker_reader(*OFFICE_READERS)),  # workers' names: a worker read
    session: Session = DB,
) -> BatchDetailOut:
    """What a batch of the period would take now, per worker (nothing is written)."""
    view = batches.preview(
        session,
        branch_id,
        actor=actor,
        date_from=parse_date(day_from, "from", location="query"),
        date_to=parse_date(day_to, "to", location="query"),
        now=now(),
    )
    return BatchDetailOut.of(view)


@router.get(
    "/payout-batches/{batch_id}",
    response_model=BatchDetailOut,
    responses={
        200: {
            "content": {"text/csv": {}},
            "description": "JSON, or with format=csv the bank's file: a row per worker",
        }
    },
    tags=["payouts"],
)
def batch(
    request: Request,
    batch_id: IdPath,
    format: Literal["json", "csv"] = "json",
    actor: Actor = Depends(worker_reader(*OFFICE_READERS)),  # an owner reads them too
    session: Session = DB,
) -> BatchDetailOut | Response:
    view = batches.batch_view(session, batch_id, actor=actor)
    if format == "csv":
        name = f"payout-batch-{batch_id}-{view.date_from}-{view.date_to}.csv"
        return csv_for(request, batches.bank_table(view), name)
    return BatchDetailOut.of(view)


@router.post("/payout-batches/{batch_id}/paid", response_model=BatchOut, tags=["payouts"])
def mark_paid(
    batch_id: IdPath,
    body: BatchPaidIn,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
) -> BatchOut:
    """Record the batch paid: when (not in the future), how, by whom (the caller); once
    (409 batch_already_paid). Its lines are then paid in the workers' PAY answers."""
    paid = batches.mark_paid(
        session, batch_id, actor=actor, paid_at=body.paid_at, method=body.method, now=now()
    )
    return BatchOut.of(paid)


@router.delete("/payout-batches/{batch_id}", status_code=204, tags=["payouts"])
def delete_batch(
    batch_id: IdPath, actor: Actor = Depends(require(*OFFICE)), session: Session = DB
) -> Response:
    """A draft batch deleted, its lines free for another; a paid one: 409 batch_already_paid."""
    batches.delete_batch(session, batch_id, actor=actor)
    return Response(status_code=204)
