"""Changing a placed order: headcount, times, rates, foreman, notes (dispatch/changes)."""

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from api.deps import DB, OFFICE, require
from api.schemas.changes import OrderPatch
from api.schemas.common import IdPath
from api.schemas.orders import OrderOut
from core.clock import now
from core.tenancy import Actor
from dispatch.changes.patch import OrderChange, change_order
from dispatch.orders import service as orders

router = APIRouter(prefix="/api/v1/orders", tags=["orders"])


@router.patch("/{order_id}", response_model=OrderOut)
def patch_order(
    order_id: IdPath,
    body: OrderPatch,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
):
    """Any of the fields; a time change asks every booked worker to confirm again, a
    headcount change fills or releases at once (the rules: dispatch/changes/patch.py)."""
    change = OrderChange.of(**body.model_dump(exclude_unset=True))
    order = change_order(session, order_id, actor=actor, change=change, now=now())
    return OrderOut.of(order, orders.order_state(session, order), actor=actor)
