"""The foreman's offline queue sent home (issue 20): each mark or review tapped with no
signal, kept on the phone (static/foreman_offline.js) and sent here in order, one at a time,
when the network is back. Each carries an Idempotency-Key header (a mark sent twice is
recorded once: the generic mechanism of the API and console posts) and the time it was
tapped, which the mark keeps (dispatch/shift/marks.py check_time's bounds apply).

The answer is JSON: {"ok": true, "row": <the card and the counters, as a tap's answer>} or
{"ok": false, "code": ..., "message": <in the foreman's words>} with 409 (it became
impossible meanwhile: the shift closed, the worker released) or 422 (a refused value); the
phone shows a refusal on the card as "not recorded" until the foreman dismisses it."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.console.errors import explain
from api.console.i18n import translator
from api.console.site.foreman import (
    MARK_WORDS,
    ROLES,
    _row_answer,
    explain_own,
    tapped_at,
)
from api.console.web import PREFIX, csrf_checked, language, staff
from api.deps import DB, limit_worker_reads
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Conflict, DomainError, InvalidInput, NotFound
from core.ids import MAX_ID
from core.tenancy import Actor
from dispatch.orders.service import get_order
from dispatch.shift import onsite, reviews

router = APIRouter(prefix=PREFIX, include_in_schema=False)

# A worker the office took off the order while the phone was offline: said as that, not as
# "not booked" (the foreman saw them booked when they tapped).
SYNC_WORDS = {**MARK_WORDS, "not_booked": "foreman_offline_not_booked"}


class MarkSent(BaseModel):
    worker_id: int = Field(ge=1, le=MAX_ID)
    status: str = Field(max_length=20)
    at: str = Field(max_length=40)  # ISO 8601 with its offset, as the phone tapped it
    reason: str | None = Field(None, max_length=24)  # sent home: why (SentHomeReason)


class ReviewSent(BaseModel):
    worker_id: int = Field(ge=1, le=MAX_ID)
    stars: int = Field(ge=1, le=5)
    complaint: bool = False
    complaint_reason: str = Field("", max_length=24)
    comment: str = Field("", max_length=2000)


def _refused(exc: DomainError, message: str) -> JSONResponse:
    body = {"ok": False, "code": exc.code, "message": message}
    return JSONResponse(body, status_code=status_of(exc))


@router.post("/foreman/orders/{order_id}/marks", dependencies=[Depends(csrf_checked)])
def sync_mark(
    request: Request,
    order_id: IdPath,
    sent: MarkSent,
    actor: Actor = Depends(staff(*ROLES)),
    session: Session = DB,
) -> Response:
    """One queued mark, at its tapped time; the answer carries the card as it now stands."""
    t = translator(language(request))
    current = now()
    try:
        order = get_order(session, order_id, actor=actor)  # another's order: 404
        at = tapped_at(sent.at, current)
        with session.begin_nested():  # a refused mark writes nothing
            onsite.mark_attendance(
                session,
                order.id,
                actor=actor,
                worker_id=sent.worker_id,
                status=sent.status,
                at=at,
                now=current,
                reason=sent.reason,
            )
    except (Conflict, InvalidInput, NotFound) as exc:
        return _refused(exc, explain_own(exc, t, SYNC_WORDS))
    limit_worker_reads(request, actor)  # the card: a name and a phone
    card = _row_answer(request, session, actor, order, sent.worker_id, None, current)
    return JSONResponse({"ok": True, "row": bytes(card.body).decode()})


@router.post("/foreman/orders/{order_id}/review-sync", dependencies=[Depends(csrf_checked)])
def sync_review(
    request: Request,
    order_id: IdPath,
    sent: ReviewSent,
    actor: Actor = Depends(staff(*ROLES)),
    session: Session = DB,
) -> Response:
    """One queued review (dispatch/shift/reviews.py's rules: of a worker who came, once)."""
    t = translator(language(request))
    try:
        order = get_order(session, order_id, actor=actor)
        with session.begin_nested():
            reviews.review_worker(
                session,
                order.id,
                actor=actor,
                worker_id=sent.worker_id,
                stars=sent.stars,
                complaint=sent.complaint,
                comment=sent.comment.strip() or None,
                now=now(),
                complaint_reason=(sent.complaint_reason or None) if sent.complaint else None,
            )
    except (Conflict, InvalidInput, NotFound) as exc:
        return _refused(exc, explain(exc, t))
    return JSONResponse({"ok": True})
