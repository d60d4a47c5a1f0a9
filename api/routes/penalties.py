"""A worker's penalties and their reversal."""

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from api.deps import DB, OFFICE, WORKER_DESK, require
from api.schemas.common import IdPath
from api.schemas.penalties import PenaltyOut, ReverseIn
from core.clock import now
from core.tenancy import Actor
from dispatch.penalties import record

router = APIRouter(prefix="/api/v1")


@router.get("/workers/{worker_id}/penalties", response_model=list[PenaltyOut], tags=["penalties"])
def worker_penalties(
    worker_id: IdPath, actor: Actor = Depends(require(*WORKER_DESK)), session: Session = DB
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
