"""Repeat orders: a copy of an order for another day, and weekly patterns that place each
day's copy at a set lead time (dispatch/repeat/). Office roles, as for taking orders in."""

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from api.deps import DB, OFFICE, OFFICE_READERS, require
from api.schemas.common import IdPath, IdQuery
from api.schemas.orders import OrderOut
from api.schemas.repeat import CopyIn, CopyOut, PatternIn, PatternOut
from core.clock import now
from core.tenancy import Actor
from dispatch.orders import service as orders
from dispatch.repeat import copies, patterns
from dispatch.repeat.patterns import PatternInput

router = APIRouter(prefix="/api/v1", tags=["repeat orders"])


@router.post("/orders/{order_id}/copy", status_code=201, response_model=CopyOut)
def copy_order(
    order_id: IdPath,
    body: CopyIn,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
):
    """A new order like this one (site, skill, headcount, length, rates, knobs, foreman)
    starting at starts_at; its filling starts as for any new order."""
    order = copies.copy_order(session, order_id, actor=actor, starts_at=body.starts_at, now=now())
    out = OrderOut.of(order, orders.order_state(session, order), actor=actor)
    return CopyOut.of_copy(order, out)


@router.post("/order-patterns", status_code=201, response_model=PatternOut)
def create_pattern(
    body: PatternIn, actor: Actor = Depends(require(*OFFICE)), session: Session = DB
):
    """The order again every week on the weekdays (1 = Monday) until the date, each day's
    copy placed lead_h hours before its start."""
    pattern = patterns.create_pattern(
        session, actor=actor, data=PatternInput(**body.model_dump()), now=now()
    )
    return PatternOut.of(pattern, actor=actor)


@router.get("/order-patterns", response_model=list[PatternOut])
def list_patterns(
    order_id: IdQuery = None,
    actor: Actor = Depends(require(*OFFICE_READERS)),
    session: Session = DB,
):
    found = patterns.list_patterns(session, actor=actor, order_id=order_id)
    placed = patterns.placed_orders(session, [p.id for p in found])
    return [PatternOut.of(p, placed[p.id], actor=actor) for p in found]


@router.delete("/order-patterns/{pattern_id}", status_code=204)
def delete_pattern(
    pattern_id: IdPath, actor: Actor = Depends(require(*OFFICE)), session: Session = DB
) -> Response:
    """Stop the pattern: no more days are placed; the orders already placed stay."""
    patterns.stop_pattern(session, pattern_id, actor=actor, now=now())
    return Response(status_code=204)
