"""Filling an order: its candidates and why a worker is not one, its offers, and the answers
the office records from the phone (paths under an order)."""

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from api.deps import DB, OFFICE, OFFICE_READERS, require, worker_reader
from api.schemas.common import IdPath
from api.schemas.fill import CandidateCheckOut, CandidateOut, OfferOut
from core.clock import now
from core.tenancy import Actor
from dispatch.fill import eligibility, waves, whereabouts
from dispatch.orders import service as orders

router = APIRouter(prefix="/api/v1/orders", tags=["orders"])


@router.get("/{order_id}/candidates", response_model=list[CandidateOut])
def candidates(
    order_id: IdPath,
    limit: int = Query(default=50, ge=1, le=500),
    actor: Actor = Depends(worker_reader(*OFFICE_READERS)),  # how far homes are: a worker read
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
    actor: Actor = Depends(
        worker_reader(*OFFICE_READERS)
    ),  # "too far" tells of a home: a worker read
    session: Session = DB,
):
    """Why this worker is not on the candidate list: each rule they fail, by its code."""
    order = orders.get_order(session, order_id, actor=actor)
    failed = eligibility.why_not_offered(session, order, worker_id, actor=actor, now=now())
    return CandidateCheckOut.of(worker_id, order.radius_m, failed)


@router.get("/{order_id}/offers", response_model=list[OfferOut])
def list_offers(
    order_id: IdPath,
    actor: Actor = Depends(worker_reader(*OFFICE_READERS)),  # distances to homes: a worker read
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
