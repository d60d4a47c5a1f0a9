"""An order changed once placed, by hand: a named worker booked at once, and a top-up of an
order under way (dispatch/changes/)."""

from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from api.deps import DB, OFFICE, STAFF, require
from api.schemas.changes import BookIn, TopUpIn, TopUpOut
from api.schemas.common import IdPath
from api.schemas.fill import OfferOut
from core.clock import now
from core.tenancy import Actor
from dispatch.changes import named, topup

router = APIRouter(prefix="/api/v1/orders", tags=["orders"])

REFUSALS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such order (or another branch's), or no such worker of the branch"},
    409: {"description": "order_full, already_booked_here, order_closed, top_up_not_open"},
    422: {"description": "named_not_eligible: `reason` is the eligibility rule's code"},
}


@router.post("/{order_id}/book", response_model=OfferOut, responses=REFUSALS)
def book_named(
    order_id: IdPath,
    body: BookIn,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
) -> OfferOut:
    """Book a named worker (a walk-in, a client's favourite) at once if the booking rules
    allow (the matcher's, but the search radius): else 422 with the rule's code in `reason`.
    The worker is texted the booking. A full order is 409 unless `over_target` is true."""
    offer = named.book_named(
        session,
        order_id=order_id,
        worker_id=body.worker_id,
        actor=actor,
        now=now(),
        over_target=body.over_target,
    )
    return OfferOut.of(offer)


@router.post("/{order_id}/top-up", response_model=TopUpOut, responses=REFUSALS)
def top_up(
    order_id: IdPath,
    body: TopUpIn,
    actor: Actor = Depends(require(*STAFF)),  # a foreman: only the orders assigned to them
    session: Session = DB,
) -> TopUpOut:
    """N more workers for an order under way: the headcount grows, an urgent wave goes out
    at the widest radius, and answers book until the order's end."""
    done = topup.top_up(session, order_id=order_id, count=body.count, actor=actor, now=now())
    return TopUpOut.of(done)
