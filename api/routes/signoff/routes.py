"""The client's sign-off of a closed order's timesheet, line by line, and the branch's queue
of disputed lines (dispatch/shift/signoff.py). Today the office calls these on the client's
word; who may is dispatch/shift/signoff.py's may_sign_off."""

from typing import Literal

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from api.deps import CLIENT_DESK, DB, OFFICE, OFFICE_READERS, require, worker_reader
from api.routes.signoff.schemas import ApproveOut, DisputeIn, DisputeOut, LineSignoffOut, SettleIn
from api.schemas.common import IdPath, IdQuery
from core.clock import now
from core.tenancy import Actor
from dispatch.shift import signoff

router = APIRouter(prefix="/api/v1", tags=["sign-off"])


@router.post("/orders/{order_id}/timesheet/approve", response_model=ApproveOut)
def approve(
    order_id: IdPath, actor: Actor = Depends(require(*CLIENT_DESK)), session: Session = DB
) -> ApproveOut:
    """Approve every line not disputed (409 timesheet_not_closed before the close). Disputed
    lines stay held; approving again approves nothing new."""
    approved = signoff.approve(session, order_id, actor=actor, now=now())
    lines = signoff.lines(session, order_id, actor=actor)
    return ApproveOut(
        order_id=order_id,
        approved=approved,
        lines=[LineSignoffOut.model_validate(line) for line in lines],
    )


@router.post(
    "/orders/{order_id}/timesheet/lines/{worker_id}/dispute", response_model=LineSignoffOut
)
def dispute(
    order_id: IdPath,
    worker_id: IdPath,
    body: DisputeIn,
    actor: Actor = Depends(require(*CLIENT_DESK)),
    session: Session = DB,
) -> LineSignoffOut:
    """Dispute one line with a reason: it goes to the branch's queue and is held from the
    client's bill until settled. An approved line cannot be disputed (409)."""
    row = signoff.dispute(session, order_id, worker_id, actor=actor, reason=body.reason, now=now())
    return LineSignoffOut.model_validate(row)


@router.post("/orders/{order_id}/timesheet/lines/{worker_id}/settle", response_model=LineSignoffOut)
def settle(
    order_id: IdPath,
    worker_id: IdPath,
    body: SettleIn,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
) -> LineSignoffOut:
    """Settle a disputed line with a note, and the hours agreed if they change (the line,
    the sheet and the payouts then use them)."""
    row = signoff.settle(
        session, order_id, worker_id, actor=actor, note=body.note, hours=body.hours, now=now()
    )
    return LineSignoffOut.model_validate(row)


@router.get("/timesheet-disputes", response_model=list[DisputeOut])
def disputes(
    status: Literal["open", "settled"] = "open",
    branch_id: IdQuery = None,
    order_id: IdQuery = None,
    actor: Actor = Depends(worker_reader(*OFFICE_READERS)),  # workers' names: a worker read
    session: Session = DB,
) -> list[DisputeOut]:
    """The queue of disputed timesheet lines of the branches the caller sees, oldest first."""
    found = signoff.disputes(
        session, actor=actor, status=status, branch_id=branch_id, order_id=order_id
    )
    return [DisputeOut.model_validate(d) for d in found]
