"""A worker's standing: vetting as a recorded act, block and unblock with a reason, opting
back in to SMS at the worker's request, and the patents about to expire."""

from datetime import date

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.deps import DB, WORKER_DESK, WORKER_DESK_READERS, require, worker_reader
from api.schemas.common import IdPath
from api.schemas.vetting import (
    BlockedOut,
    OptInIn,
    ReasonIn,
    ReleasedOut,
    StandingOut,
    UnderWayOut,
    VettingIn,
    VettingOut,
)
from core.clock import now
from core.tenancy import Actor
from dispatch.changes import blocked
from dispatch.registry import workforce
from workers import service, vetting

router = APIRouter(prefix="/api/v1", tags=["workers"])


@router.post("/workers/{worker_id}/vetting", status_code=201, response_model=VettingOut)
def vet_worker(
    worker_id: IdPath,
    body: VettingIn,
    actor: Actor = Depends(require(*WORKER_DESK)),
    session: Session = DB,
) -> VettingOut:
    worker, act = workforce.vet_worker(
        session,
        worker_id,
        actor=actor,
        result=body.result,
        note=body.note,
        documents=[d.to_document() for d in body.documents],
        now=now(),
    )
    [(_, documents)] = [(v, d) for v, d in vetting.vettings(session, worker) if v.id == act.id]
    return VettingOut.of(worker, act, documents)


@router.get("/workers/{worker_id}/vettings", response_model=list[VettingOut])
def list_vettings(
    worker_id: IdPath,
    actor: Actor = Depends(
        worker_reader(*WORKER_DESK_READERS)
    ),  # passport and patent numbers: a read
    session: Session = DB,
) -> list[VettingOut]:
    worker = service.read_worker(session, worker_id, actor=actor)  # audited
    return [VettingOut.of(worker, v, docs) for v, docs in vetting.vettings(session, worker)]


@router.post("/workers/{worker_id}/block", response_model=BlockedOut)
def block_worker(
    worker_id: IdPath,
    body: ReasonIn,
    actor: Actor = Depends(require(*WORKER_DESK)),
    session: Session = DB,
) -> BlockedOut:
    """Blocked, and let go from every order not yet begun (booked, standby, offered); the
    bookings on orders under way are left and listed (`under_way`)."""
    done = blocked.block_worker(session, worker_id, actor=actor, reason=body.reason, now=now())
    return BlockedOut(
        **StandingOut.of(done.worker).model_dump(),
        released=[ReleasedOut(order_id=r.order_id, code=r.code, was=r.was) for r in done.released],
        under_way=[
            UnderWayOut(order_id=u.order_id, code=u.code, starts_at=u.starts_at)
            for u in done.under_way
        ],
    )


@router.post("/workers/{worker_id}/unblock", response_model=StandingOut)
def unblock_worker(
    worker_id: IdPath,
    body: ReasonIn,
    actor: Actor = Depends(require(*WORKER_DESK)),
    session: Session = DB,
) -> StandingOut:
    return StandingOut.of(
        workforce.unblock_worker(session, worker_id, actor=actor, reason=body.reason)
    )


@router.post("/workers/{worker_id}/opt-in", response_model=StandingOut)
def opt_worker_in(
    worker_id: IdPath,
    body: OptInIn,
    actor: Actor = Depends(require(*WORKER_DESK)),
    session: Session = DB,
) -> StandingOut:
    """A worker who texted STOP asks the office for offers again; the note records how."""
    return StandingOut.of(workforce.opt_worker_in(session, worker_id, actor=actor, note=body.note))


class PatentOut(BaseModel):
    worker_id: int
    full_name: str
    patent_expires_on: date
    expired: bool


@router.get("/patents/expiring", response_model=list[PatentOut])
def expiring_patents(
    actor: Actor = Depends(worker_reader(*WORKER_DESK_READERS)),
    session: Session = DB,
) -> list[PatentOut]:
    """Workers whose patent expires within 14 days (or has expired), soonest first."""
    at = now()
    today = workforce.branch_today(session, actor.branch_id, actor=actor, now=at)
    return [
        PatentOut(
            worker_id=w.id,
            full_name=w.full_name,
            patent_expires_on=w.patent_expires_on,
            expired=vetting.patent_warning(w, today) == "expired",
        )
        for w in workforce.expiring_patents(session, actor=actor, now=at)
        if w.patent_expires_on is not None
    ]
