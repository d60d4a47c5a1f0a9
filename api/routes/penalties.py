"""A worker's penalties and their reversal; the workers' disputes of them (issue 19)."""

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from api.deps import DB, OFFICE, OFFICE_READERS, WORKER_DESK_READERS, require
from api.schemas.common import IdPath
from api.schemas.penalties import (
    AcceptIn,
    DecidedDisputeOut,
    PenaltyOut,
    ReverseIn,
    UpholdIn,
    WorkerDisputeOut,
)
from core.clock import now
from core.tenancy import Actor
from dispatch.penalties import dispute_queue, disputes, record

router = APIRouter(prefix="/api/v1")


@router.get("/workers/{worker_id}/penalties", response_model=list[PenaltyOut], tags=["penalties"])
def worker_penalties(
    worker_id: IdPath, actor: Actor = Depends(require(*WORKER_DESK_READERS)), session: Session = DB
) -> list[PenaltyOut]:
    """The ledger of a worker (a recruiter reads it to vet them; reversing is the office's)."""
    return [PenaltyOut.of(e) for e in record.worker_penalties(session, worker_id, actor=actor)]


@router.post(
    "/penalties/{penalty_id}/reverse",
    status_code=201,
    response_model=PenaltyOut,
    tags=["penalties"],
)
def reverse_penalty(
    penalty_id: IdPath,
    body: ReverseIn,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
) -> PenaltyOut:
    reversal = record.reverse_penalty(
        session, penalty_id, actor=actor, reason=body.reason, now=now()
    )
    return PenaltyOut.of(reversal)


@router.get("/worker-disputes", response_model=list[WorkerDisputeOut], tags=["penalties"])
def worker_disputes(
    actor: Actor = Depends(require(*OFFICE_READERS)), session: Session = DB
) -> list[WorkerDisputeOut]:
    """The open disputes the caller's branch decides, oldest first (the read is audited)."""
    return [WorkerDisputeOut.of(c) for c in dispute_queue.open_queue(session, actor=actor)]


@router.post(
    "/worker-disputes/{dispute_id}/reverse", response_model=DecidedDisputeOut, tags=["penalties"]
)
def reverse_dispute(
    dispute_id: IdPath,
    body: AcceptIn,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
) -> DecidedDisputeOut:
    """The worker is right: the penalty is reversed (the reason is optional)."""
    case = disputes.decide(
        session, dispute_id, actor=actor, reverse=True, reason=body.reason, now=now()
    )
    return DecidedDisputeOut.of(case)


@router.post(
    "/worker-disputes/{dispute_id}/uphold", response_model=DecidedDisputeOut, tags=["penalties"]
)
def uphold_dispute(
    dispute_id: IdPath,
    body: UpholdIn,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
) -> DecidedDisputeOut:
    """The penalty stands; the reason is texted to the worker."""
    case = disputes.decide(
        session, dispute_id, actor=actor, reverse=False, reason=body.reason, now=now()
    )
    return DecidedDisputeOut.of(case)
