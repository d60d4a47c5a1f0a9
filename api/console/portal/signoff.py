"""The client's sign-off of a closed order's hours and its reviews of the crew, from the
order's page: approve every line not disputed, dispute one with a reason
(dispatch/shift/signoff.py), rate a worker who came, a complaint with its reason
(dispatch/shift/reviews.py, source "client")."""

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console.errors import explain
from api.console.i18n import translator
from api.console.portal.common import CLIENT_USER, PORTAL
from api.console.portal.order import show_order
from api.console.web import csrf_checked, language
from api.deps import DB
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Conflict, InvalidInput, NotFound
from core.tenancy import Actor
from dispatch.shift import reviews, signoff

router = APIRouter(prefix=PORTAL, include_in_schema=False)
REFUSED = (InvalidInput, Conflict, NotFound)
MAX_FORM_TEXT = 2_000
LINE = "/orders/{order_id}/lines/{worker_id}"


def _refused(request, session, actor, order_id, exc, worker_id: int | None) -> Response:
    session.rollback()  # nothing written
    words = explain(exc, translator(language(request)))
    error = (worker_id, words)
    return show_order(request, session, actor, order_id, error=error, status_code=status_of(exc))


def _back(order_id: int, worker_id: int | None = None) -> Response:
    anchor = f"#line-{worker_id}" if worker_id else "#timesheet"
    return RedirectResponse(f"{PORTAL}/orders/{order_id}{anchor}", status_code=303)


@router.post("/orders/{order_id}/approve", dependencies=[Depends(csrf_checked)])
def approve(
    request: Request, order_id: IdPath, actor: Actor = Depends(CLIENT_USER), session: Session = DB
) -> Response:
    try:
        signoff.approve(session, order_id, actor=actor, now=now())
    except REFUSED as exc:
        return _refused(request, session, actor, order_id, exc, None)
    return _back(order_id)


@router.post(f"{LINE}/dispute", dependencies=[Depends(csrf_checked)])
def dispute(
    request: Request,
    order_id: IdPath,
    worker_id: IdPath,
    reason: str = Form(""),
    actor: Actor = Depends(CLIENT_USER),
    session: Session = DB,
) -> Response:
    try:
        signoff.dispute(
            session, order_id, worker_id, actor=actor, reason=reason[:MAX_FORM_TEXT], now=now()
        )
    except REFUSED as exc:
        return _refused(request, session, actor, order_id, exc, worker_id)
    return _back(order_id, worker_id)


@router.post(f"{LINE}/review", dependencies=[Depends(csrf_checked)])
def review(
    request: Request,
    order_id: IdPath,
    worker_id: IdPath,
    stars: str = Form(""),
    complaint: bool = Form(False),
    complaint_reason: str = Form(""),
    comment: str = Form(""),
    actor: Actor = Depends(CLIENT_USER),
    session: Session = DB,
) -> Response:
    try:
        reviews.review_worker(
            session,
            order_id,
            actor=actor,
            worker_id=worker_id,
            stars=int(stars) if stars.isdigit() and len(stars) < 3 else 0,  # the domain refuses 0
            complaint=complaint,
            complaint_reason=(complaint_reason or None) if complaint else None,
            comment=comment[:MAX_FORM_TEXT].strip() or None,
            now=now(),
            source="client",
        )
    except REFUSED as exc:
        return _refused(request, session, actor, order_id, exc, worker_id)
    return _back(order_id, worker_id)
