"""Reviews of a worker's shift by the foreman or the client's contact; a complaint is a
penalty too. A client's review (source "client", recorded by whoever may speak for the client:
dispatch/shift/signoff.py may_sign_off) counts in the rating exactly like a foreman's."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.db import locked
from core.errors import InvalidInput
from core.tenancy import Actor
from dispatch.enums import CAME
from dispatch.models import Offer
from dispatch.orders.service import ORDER_BRANCH, get_order
from dispatch.penalties import record
from dispatch.shift.errors import DidNotWork, SignOffForbidden
from dispatch.shift.signoff import may_sign_off
from rating import reasons
from rating import service as ledger
from rating.models import Review
from rating.policy import COMPLAINT_POINTS, COMPLAINT_REASONS, REVIEW_SOURCES

MAX_COMMENT = 2_000


class ComplaintNeedsComment(InvalidInput):
    """A complaint is a penalty: it must say what happened."""

    code = "complaint_needs_comment"


class ComplaintReasonInvalid(InvalidInput):
    """A reason that is not one of COMPLAINT_REASONS, or a reason without a complaint."""

    code = "complaint_reason_invalid"


def check_complaint_reason(complaint: bool, reason: str | None) -> str | None:
    """The complaint's reason as stored: one of COMPLAINT_REASONS, "other" when a complaint
    does not say; a reason without a complaint is refused."""
    if not complaint:
        if reason is not None:
            raise ComplaintReasonInvalid("complaint_reason", "only a complaint has a reason")
        return None
    if reason is None:
        return "other"
    if reason not in COMPLAINT_REASONS:
        raise ComplaintReasonInvalid(
            "complaint_reason", f"must be one of {', '.join(COMPLAINT_REASONS)}"
        )
    return reason


def review_worker(
    session: Session,
    order_id: int,
    *,
    actor: Actor,
    worker_id: int,
    stars: int,
    complaint: bool,
    comment: str | None,
    now: datetime,
    complaint_reason: str | None = None,
    source: str = "foreman",
) -> Review:
    """One review per worker per order from each source (the database holds to it), of a
    worker who came.
    A complaint says what it is about (COMPLAINT_REASONS; "other" when not said), and only
    a complaint has a reason. A client user or key reviews as the client, whatever it sent."""
    if actor.is_client:
        source = "client"
    complaint_reason = check_complaint_reason(complaint, complaint_reason)
    if source not in REVIEW_SOURCES:
        raise InvalidInput("source", f"must be one of {', '.join(REVIEW_SOURCES)}")
    if not 1 <= stars <= 5:
        raise InvalidInput("stars", "must be 1 to 5")
    if comment is not None and len(comment) > MAX_COMMENT:
        raise InvalidInput("comment", f"longer than {MAX_COMMENT} characters")
    if complaint and not (comment or "").strip():
        raise ComplaintNeedsComment("comment", "a complaint needs a comment saying what happened")
    # A complaint is a penalty, in the branch's currency: then the branch is read too.
    order = get_order(
        session, order_id, actor=actor, lock=True, options=ORDER_BRANCH if complaint else ()
    )
    if source == "client" and not may_sign_off(actor, order):
        raise SignOffForbidden(f"{actor.name} may not review for the client of {order.code}")
    offer = session.scalars(
        locked(select(Offer).where(Offer.order_id == order.id, Offer.worker_id == worker_id))
    ).one_or_none()
    if offer is None or offer.attendance not in CAME:
        raise DidNotWork(f"worker {worker_id} did not work on order {order.code}")
    review = ledger.add_review(
        session,
        order_id=order.id,
        worker_id=worker_id,
        stars=stars,
        complaint=complaint,
        comment=comment,
        created_by=actor.user_id,
        complaint_reason=complaint_reason,
        source=source,
    )
    if complaint:
        event = record.penalise(
            session,
            order,
            worker_id,
            kind="complaint",
            points=COMPLAINT_POINTS,
            fine=Decimal("0"),
            # A complaint's comment is never empty (checked above).
            reason=reasons.of("complaint", by=actor.name, comment=review.comment or ""),
        )
        review.penalty_id, review.penalty_at = event.id, event.occurred_at
    session.flush()
    audit.log(
        session,
        actor,
        "review.add",
        "review",
        [review.id],
        order.branch_id,
        order_id=order.id,
        worker_id=worker_id,
        stars=stars,
        complaint=complaint,
        complaint_reason=complaint_reason,
        source=source,
    )
    record.refresh_worker(session, worker_id, now)
    return review
