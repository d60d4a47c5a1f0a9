"""The clients' crew ratings by SMS and the dispatcher's cases (dispatch/quality/)."""

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from api.deps import DB, OFFICE, OFFICE_READERS, require
from api.routes.quality.schemas import CloseCaseIn, ReviewOut
from api.schemas.common import IdPath
from core.clock import now
from core.tenancy import Actor
from dispatch.quality import cases

router = APIRouter(prefix="/api/v1/quality", tags=["quality"])


@router.get("/reviews", response_model=list[ReviewOut])
def list_reviews(
    open_cases: bool = False,
    actor: Actor = Depends(require(*OFFICE_READERS)),
    session: Session = DB,
) -> list[ReviewOut]:
    """The ratings of the orders the caller sees, open cases first; `open_cases=true`: only
    those."""
    lines = cases.list_reviews(session, actor=actor, open_cases=open_cases)
    return [ReviewOut.of(line) for line in lines]


@router.post("/cases/{order_id}/close", response_model=ReviewOut)
def close_case(
    order_id: IdPath,
    body: CloseCaseIn,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
) -> ReviewOut:
    """Close the order's case with what was done (409 if closed already, 404 if none)."""
    cases.close_case(session, order_id, actor=actor, note=body.note, now=now())
    line = cases.review_line(session, order_id, actor=actor)
    return ReviewOut.of(line)
