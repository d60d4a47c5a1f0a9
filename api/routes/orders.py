"""Orders: take them in, read them with their counts and roster, cancel them; the office
approves or declines a client's order placed inside the branch's lead time."""

from typing import TYPE_CHECKING, Literal, TypeAlias

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from api.deps import DB, OFFICE, ORDER_LOOKERS, ORDERING, require
from api.schemas.changes import OrderPatch
from api.schemas.common import IdPath
from api.schemas.orders import CancelIn, OrderIn, OrderOut
from core.clock import now
from core.tenancy import Actor
from dispatch.changes.patch import OrderChange, change_order
from dispatch.enums import OrderStatus
from dispatch.orders import approval
from dispatch.orders import service as orders
from dispatch.orders.service import OrderInput

router = APIRouter(prefix="/api/v1/orders", tags=["orders"])
# Plain strings: a wrong one's 422 lists 'open', 'filling', ... (not the enum's reprs). A
# Literal built at run time is no type to mypy: to it the parameter is the string it holds.
if TYPE_CHECKING:
    ORDER_STATUS: TypeAlias = str
else:
    ORDER_STATUS = Literal[tuple(status.value for status in OrderStatus)]


@router.post("", status_code=201, response_model=OrderOut)
def create_order(body: OrderIn, actor: Actor = Depends(require(*ORDERING)), session: Session = DB):
    """Without client_rate and worker_rate the order takes the rates agreed with its client for
    the skill (422 naming the field when none is agreed); a client (user or key) sends no rates
    (422 client_sets_no_rates), no foreman_id (422 client_sets_no_foreman) and no overbooking
    knob: overbook_factor, overbooking_mode, fill_goal (422 client_sets_no_overbooking)."""
    order = orders.create_order(
        session, actor=actor, data=OrderInput(**body.model_dump()), now=now()
    )
    return OrderOut.of(order, orders.order_state(session, order), actor=actor)


@router.get("", response_model=list[OrderOut])
def list_orders(
    status: ORDER_STATUS | None = None,
    limit: int = Query(default=100, ge=1, le=500),
    # a foreman sees only the orders assigned to them, a client only its own
    actor: Actor = Depends(require(*ORDER_LOOKERS)),
    session: Session = DB,
):
    return [
        OrderOut.of(o, actor=actor)
        for o in orders.list_orders(session, actor=actor, status=status, limit=limit)
    ]


@router.get("/{order_id}", response_model=OrderOut)
def get_order(
    order_id: IdPath, actor: Actor = Depends(require(*ORDER_LOOKERS)), session: Session = DB
):
    order = orders.get_order(session, order_id, actor=actor)
    return OrderOut.of(order, orders.order_state(session, order), actor=actor)


@router.post("/{order_id}/cancel", response_model=OrderOut)
def cancel(
    order_id: IdPath,
    body: CancelIn,
    actor: Actor = Depends(require(*ORDERING)),
    session: Session = DB,
):
    order = orders.cancel_order(session, order_id, actor=actor, reason=body.reason, now=now())
    return OrderOut.of(order, orders.order_state(session, order), actor=actor)


@router.patch("/{order_id}", response_model=OrderOut)
def patch_order(
    order_id: IdPath,
    body: OrderPatch,
    actor: Actor = Depends(require(*ORDERING)),
    session: Session = DB,
):
    """Any of the fields; a time change asks every booked worker to confirm again, a
    headcount change fills or releases at once (the rules: dispatch/changes/patch.py). A client
    (user or key) changes neither the rates nor the foreman (422, the field named)."""
    change = OrderChange.of(**body.model_dump(exclude_unset=True))
    order = change_order(session, order_id, actor=actor, change=change, now=now())
    return OrderOut.of(order, orders.order_state(session, order), actor=actor)


@router.post("/{order_id}/approve", response_model=OrderOut)
def approve(order_id: IdPath, actor: Actor = Depends(require(*OFFICE)), session: Session = DB):
    """An order awaiting approval opens and starts filling (409 order_not_awaiting_approval
    otherwise, order_approval_after_start once its start has passed)."""
    order = approval.approve_order(session, order_id, actor=actor, now=now())
    return OrderOut.of(order, orders.order_state(session, order), actor=actor)


@router.post("/{order_id}/decline", response_model=OrderOut)
def decline(
    order_id: IdPath,
    body: CancelIn,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
):
    """An order awaiting approval is cancelled with the reason (the client hears it)."""
    order = approval.decline_order(session, order_id, actor=actor, reason=body.reason, now=now())
    return OrderOut.of(order, orders.order_state(session, order), actor=actor)
