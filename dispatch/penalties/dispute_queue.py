"""What the office's queue shows of the workers' open disputes, oldest first: the worker's
words, the marks of that offer and the foreman who set them, the check-in, the penalty and
the deadline. Names follow dispatch/access/privacy.py (the read is audited there)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.tenancy import Actor
from dispatch.access.privacy import ShownWorker, show_workers
from dispatch.models import Branch, Offer, Order, User
from rating.models import PenaltyDispute, PenaltyEvent


@dataclass(frozen=True)
class Case:
    id: int
    branch_id: int  # the deciding branch's
    worker: ShownWorker
    words: str | None
    opened_at: datetime
    deadline_at: datetime
    timezone: str
    order_id: int
    order_code: str
    starts_at: datetime
    kind: str  # the penalty's
    points: int
    fine: Decimal
    currency: str
    attendance: str | None  # the offer's marks, as the foreman left them
    arrived_at: datetime | None
    left_at: datetime | None
    marked_by: str | None  # the foreman's (or dispatcher's) name; None: the no-show sweep
    checked_in_at: datetime | None
    checkin_distance_m: float | None


def open_queue(session: Session, *, actor: Actor) -> list[Case]:
    """The open cases the actor's branch answers for (admins: all), oldest first."""
    query = (
        select(PenaltyDispute, PenaltyEvent, Order, Branch.timezone, Offer)
        .join(
            PenaltyEvent,
            (PenaltyEvent.id == PenaltyDispute.penalty_id)
            & (PenaltyEvent.occurred_at == PenaltyDispute.penalty_at),
        )
        .join(Order, Order.id == PenaltyDispute.order_id)
        .join(Branch, Branch.id == PenaltyDispute.branch_id)
        .outerjoin(
            Offer,
            (Offer.order_id == PenaltyDispute.order_id)
            & (Offer.worker_id == PenaltyDispute.worker_id),
        )
        .where(PenaltyDispute.status == "open")
        .order_by(PenaltyDispute.opened_at, PenaltyDispute.id)
    )
    query = query.where(actor.branch_filter(PenaltyDispute.branch_id))
    rows = session.execute(query).all()
    if not rows:
        return []
    shown = show_workers(
        session,
        actor=actor,
        worker_ids=[case.worker_id for case, *_ in rows],
        via="worker_disputes",
    )
    markers = {o.attendance_by for *_, o in rows if o is not None and o.attendance_by}
    names = {
        user_id: full_name or username
        for user_id, full_name, username in session.execute(
            select(User.id, User.full_name, User.username).where(User.id.in_(markers))
        )
    }
    return [
        Case(
            id=case.id,
            branch_id=case.branch_id,
            worker=shown[case.worker_id],
            words=case.words,
            opened_at=case.opened_at,
            deadline_at=case.deadline_at,
            timezone=zone,
            order_id=order.id,
            order_code=order.code,
            starts_at=order.starts_at,
            kind=event.kind,
            points=event.points,
            fine=event.fine,
            currency=event.currency,
            attendance=offer.attendance if offer else None,
            arrived_at=offer.arrived_at if offer else None,
            left_at=offer.left_at if offer else None,
            marked_by=names.get(offer.attendance_by) if offer and offer.attendance_by else None,
            checked_in_at=offer.checked_in_at if offer else None,
            checkin_distance_m=offer.checkin_distance_m if offer else None,
        )
        for case, event, order, zone, offer in rows
    ]
