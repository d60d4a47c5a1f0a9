"""One of the client's orders, followed live: booked of headcount, who is coming (first name
and initial) and, on the day, arrived / late / not yet; cancelling it shows first what it
would cost (dispatch/orders/client_view.py), then cancels as the API does."""

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.console.errors import explain
from api.console.i18n import translator
from api.console.portal.common import CLIENT_USER, PORTAL, local
from api.console.web import csrf_checked, language, render
from api.deps import DB, limit_worker_reads
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Conflict, InvalidInput
from core.tenancy import Actor
from dispatch.changes import patch
from dispatch.enums import CAME, CLOSED, OrderStatus
from dispatch.models import Site
from dispatch.orders import approval, client_view
from dispatch.orders import service as orders
from dispatch.orders.service import ORDER_BRANCH
from dispatch.shift import timesheets
from rating.models import Review
from rating.policy import COMPLAINT_REASONS
from sms.templates import skill_name

router = APIRouter(prefix=PORTAL, include_in_schema=False)


def order_context(request: Request, session: Session, actor: Actor, order_id: int) -> dict:
    limit_worker_reads(request, actor)  # the crew's names: a worker read
    order = orders.get_order(session, order_id, actor=actor, options=ORDER_BRANCH)
    zone = order.branch.timezone
    return {
        "order": order,
        "site": session.get_one(Site, order.site_id),
        "skill": skill_name(order.skill, language(request)),
        "booked": orders.order_state(session, order).counts.get("booked", 0),
        "crew": client_view.crew(session, order, actor=actor),
        "starts": local(order.starts_at, zone),
        "ends": local(order.ends_at, zone),
        "can_cancel": order.status not in CLOSED,
        "can_change": patch.shift_changeable(order, now()),
        "declined": order.status == OrderStatus.CANCELLED
        and order.id in approval.declined(session, [order.id]),
        "not_approved": approval.NOT_APPROVED,  # the system's reason: in the reader's words
    }


def show_order(
    request: Request,
    session: Session,
    actor: Actor,
    order_id: int,
    *,
    error: tuple[int | None, str] | None = None,  # (a line's worker or None, the words)
    status_code: int = 200,
) -> Response:
    context = order_context(request, session, actor, order_id)
    order = context["order"]
    sheet = timesheets.timesheet(session, order.id, actor=actor) if order.closed_at else None
    rated = session.scalars(
        select(Review).where(Review.order_id == order.id, Review.source == "client")
    )
    context.update(
        sheet=sheet,
        came=CAME,
        rated={review.worker_id: review for review in rated},
        reasons=COMPLAINT_REASONS,
        error=error,
    )
    return render(request, "portal_order.html", context, actor=actor, status_code=status_code)


@router.get("/orders/{order_id}")
def order_page(
    request: Request, order_id: IdPath, actor: Actor = Depends(CLIENT_USER), session: Session = DB
) -> Response:
    return show_order(request, session, actor, order_id)


@router.get("/orders/{order_id}/live")
def order_live(
    request: Request, order_id: IdPath, actor: Actor = Depends(CLIENT_USER), session: Session = DB
) -> Response:
    """htmx, every few seconds: the booked count and the crew."""
    context = order_context(request, session, actor, order_id)
    return render(request, "portal_live.html", context, actor=actor)


def _cancel_page(request, session, actor, order_id, error="", reason="", status_code=200):
    context = order_context(request, session, actor, order_id)
    terms = client_view.cancel_terms(session, context["order"], now())
    context.update(terms=terms, error=error, reason=reason)
    return render(request, "portal_cancel.html", context, actor=actor, status_code=status_code)


@router.get("/orders/{order_id}/cancel")
def cancel_page(
    request: Request, order_id: IdPath, actor: Actor = Depends(CLIENT_USER), session: Session = DB
) -> Response:
    """The consequence first: cancelling is confirmed on this page."""
    return _cancel_page(request, session, actor, order_id)


@router.post("/orders/{order_id}/cancel", dependencies=[Depends(csrf_checked)])
def cancel(
    request: Request,
    order_id: IdPath,
    reason: str = Form("", max_length=1000),
    actor: Actor = Depends(CLIENT_USER),
    session: Session = DB,
) -> Response:
    try:
        orders.cancel_order(session, order_id, actor=actor, reason=reason, now=now())
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        error = explain(exc, translator(language(request)))
        return _cancel_page(
            request, session, actor, order_id, error, reason, status_code=status_of(exc)
        )
    return RedirectResponse(f"{PORTAL}/orders/{order_id}", status_code=303)
