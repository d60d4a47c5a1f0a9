"""Orders: take them in, watch them fill, record phone answers, cancel them."""

from typing import TYPE_CHECKING, Literal, TypeAlias

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from api.deps import DB, OFFICE, STAFF, IdPath, require, worker_reader
from api.order_schemas import (
    CancelIn,
    CandidateCheckOut,
    CandidateOut,
    OfferOut,
    OrderIn,
    OrderOut,
)
from core.clock import now
from core.tenancy import Actor
from dispatch.enums import OrderStatus
from dispatch.fill import eligibility, waves, whereabouts
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
def create_order(body: OrderIn, actor: Actor = Depends(require(*OFFICE)), session: Session = DB):
    order = orders.create_order(
        session, actor=actor, data=OrderInput(**body.model_dump()), now=now()
    )
    return OrderOut.of(order, orders.order_state(session, order), actor=actor)


@router.get("", response_model=list[OrderOut])
def list_orders(
    status: ORDER_STATUS | None = None,
    limit: int = Query(default=100, ge=1, le=500),
    actor: Actor = Depends(require(*STAFF)),  # a foreman sees only the orders assigned to them
    session: Session = DB,
):
    return [
        OrderOut.of(o, actor=actor)
        for o in orders.list_orders(session, actor=actor, status=status, limit=limit)
    ]


@router.get("/{order_id}", response_model=OrderOut)
def get_order(order_id: IdPath, actor: Actor = Depends(require(*STAFF)), session: Session = DB):
    order = orders.get_order(session, order_id, actor=actor)
    return OrderOut.of(order, orders.order_state(session, order), actor=actor)


@router.get("/{order_id}/candidates", response_model=list[CandidateOut])
def candidates(
    order_id: IdPath,
    limit: int = Query(default=50, ge=1, le=500),
    actor: Actor = Depends(worker_reader(*OFFICE)),  # how far homes are: a worker read
    session: Session = DB,
):
    """Another branch's workers at rough distances (dispatch/fill/whereabouts.py)."""
    order = orders.get_order(session, order_id, actor=actor, options=orders.ORDER_BRANCH)
    return [
        CandidateOut(
            worker_id=c.worker_id,
            distance_m=round(c.distance_m, 1),
            rating=c.rating,
            reliability=c.reliability,
            score=round(c.score, 4),
            reason=why,
        )
        for c, why in waves.preview_candidates(session, order, now(), limit, actor=actor)
    ]


@router.get("/{order_id}/candidates/{worker_id}", response_model=CandidateCheckOut)
def candidate_check(
    order_id: IdPath,
    worker_id: IdPath,
    actor: Actor = Depends(worker_reader(*OFFICE)),  # "too far" tells of a home: a worker read
    session: Session = DB,
):
    """Why this worker is not on the candidate list: each rule they fail, by its code."""
    order = orders.get_order(session, order_id, actor=actor)
    failed = eligibility.why_not_offered(session, order, worker_id, actor=actor, now=now())
    return CandidateCheckOut.of(worker_id, order.radius_m, failed)


@router.get("/{order_id}/offers", response_model=list[OfferOut])
def list_offers(
    order_id: IdPath,
    actor: Actor = Depends(worker_reader(*OFFICE)),  # distances to homes: a worker read
    session: Session = DB,
):
    """Another branch's workers at rough distances (dispatch/fill/whereabouts.py)."""
    order = orders.get_order(session, order_id, actor=actor)
    offers = orders.offers_of(session, order)
    rough = whereabouts.rough_offers(session, actor=actor, order=order, offers=offers)
    return [OfferOut.of(o, rough.get(o.id)) for o in offers]


def _answer(session: Session, actor: Actor, order_id: int, worker_id: int, yes: bool):
    order = orders.get_order(session, order_id, actor=actor)  # 404 across branches
    offer = waves.answer(
        session, order_id=order.id, worker_id=worker_id, yes=yes, source="phone", now=now()
    )
    rough = whereabouts.rough_offers(session, actor=actor, order=order, offers=[offer])
    return OfferOut.of(offer, rough.get(offer.id))


@router.post("/{order_id}/offers/{worker_id}/accept", response_model=OfferOut)
def accept(
    order_id: IdPath,
    worker_id: IdPath,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
):
    return _answer(session, actor, order_id, worker_id, yes=True)


@router.post("/{order_id}/offers/{worker_id}/decline", response_model=OfferOut)
def decline(
    order_id: IdPath,
    worker_id: IdPath,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
):
    return _answer(session, actor, order_id, worker_id, yes=False)


@router.post("/{order_id}/cancel", response_model=OrderOut)
def cancel(
    order_id: IdPath,
    body: CancelIn,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
):
    order = orders.cancel_order(session, order_id, actor=actor, reason=body.reason, now=now())
    return OrderOut.of(order, orders.order_state(session, order), actor=actor)
