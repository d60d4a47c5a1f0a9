"""The office approves or declines a client's order placed inside the branch's lead time,
from the order page (template order_approval.html; htmx swaps in the answer, a plain post goes
back to the page). The rules and the audit are dispatch/orders/approval.py's."""

from collections.abc import Callable

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console.errors import explain
from api.console.i18n import translator
from api.console.office.dispatcher import OFFICE, show_order_page
from api.console.web import PREFIX, csrf_checked, language, render
from api.deps import DB
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Conflict, InvalidInput
from core.tenancy import Actor
from dispatch.orders import approval
from dispatch.orders import service as orders

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def _answer(
    request: Request,
    session: Session,
    actor: Actor,
    order_id: int,
    act: Callable[[], object],
    done_word: str,
    reason: str = "",
) -> Response:
    t = translator(language(request))
    htmx = request.headers.get("HX-Request") == "true"
    shown: dict[str, str] = {"reason": reason}
    status_code = 200
    try:
        with session.begin_nested():  # a refusal leaves nothing half-done
            act()
        shown["done"] = t(done_word)
    except (InvalidInput, Conflict) as exc:
        shown["reason_error" if isinstance(exc, InvalidInput) else "error"] = explain(exc, t)
        status_code = status_of(exc)
    if not htmx:
        if "done" in shown:
            return RedirectResponse(f"{PREFIX}/orders/{order_id}", status_code=303)
        extra = {"approval": shown}
        return show_order_page(
            request, session, actor, order_id, status_code=status_code, extra=extra
        )
    # htmx swaps 2xx answers only: a refusal comes as 200 with its alert in the section
    order = orders.get_order(session, order_id, actor=actor)
    return render(request, "order_approval.html", {"order": order, "approval": shown}, actor=actor)


@router.post("/orders/{order_id}/approve", dependencies=[Depends(csrf_checked)])
def approve(
    request: Request, order_id: IdPath, actor: Actor = Depends(OFFICE), session: Session = DB
) -> Response:
    return _answer(
        request,
        session,
        actor,
        order_id,
        lambda: approval.approve_order(session, order_id, actor=actor, now=now()),
        "approval_done",
    )


@router.post("/orders/{order_id}/decline", dependencies=[Depends(csrf_checked)])
def decline(
    request: Request,
    order_id: IdPath,
    reason: str = Form("", max_length=1000),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
) -> Response:
    return _answer(
        request,
        session,
        actor,
        order_id,
        lambda: approval.decline_order(session, order_id, actor=actor, reason=reason, now=now()),
        "approval_declined",
        reason,
    )
