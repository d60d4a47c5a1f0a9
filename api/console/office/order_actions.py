"""What a dispatcher does to one offered worker from the order page: take the booking back,
text the offer again, write down a YES or NO given by phone. The rules and the audit are
dispatch/fill/office.py's; a refusal comes back on the page, beside the worker's row."""

from collections.abc import Callable
from typing import Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console.errors import explain
from api.console.i18n import translator
from api.console.office.dispatcher import OFFICE, show_order_page
from api.console.web import PREFIX, csrf_checked, language
from api.deps import DB
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Conflict, InvalidInput
from core.tenancy import Actor
from dispatch.fill import office

router = APIRouter(prefix=PREFIX, include_in_schema=False)
ROW = "/orders/{order_id}/offers/{worker_id}"


def _act(
    request: Request,
    session: Session,
    actor: Actor,
    order_id: int,
    worker_id: int,
    act: Callable[[], object],
) -> Response:
    """Do it and go back to the order page (at the row), or show why not beside the row."""
    try:
        with session.begin_nested():  # a refusal leaves nothing half-done
            act()
    except (InvalidInput, Conflict) as exc:
        error = explain(exc, translator(language(request)))
        return show_order_page(
            request,
            session,
            actor,
            order_id,
            row_error=(worker_id, error),
            status_code=status_of(exc),
        )
    return RedirectResponse(f"{PREFIX}/orders/{order_id}#w-{worker_id}", status_code=303)


@router.post(f"{ROW}/cancel-booking", dependencies=[Depends(csrf_checked)])
def cancel_booking(
    request: Request,
    order_id: IdPath,
    worker_id: IdPath,
    reason: str = Form("", max_length=1000),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
):
    return _act(
        request,
        session,
        actor,
        order_id,
        worker_id,
        lambda: office.cancel_booking(
            session,
            order_id=order_id,
            worker_id=worker_id,
            actor=actor,
            reason=reason,
            now=now(),
        ),
    )


@router.post(f"{ROW}/retext", dependencies=[Depends(csrf_checked)])
def retext(
    request: Request,
    order_id: IdPath,
    worker_id: IdPath,
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
):
    return _act(
        request,
        session,
        actor,
        order_id,
        worker_id,
        lambda: office.retext_offer(
            session, order_id=order_id, worker_id=worker_id, actor=actor, now=now()
        ),
    )


@router.post(f"{ROW}/phone-answer", dependencies=[Depends(csrf_checked)])
def phone_answer(
    request: Request,
    order_id: IdPath,
    worker_id: IdPath,
    answer: Literal["yes", "no"] = Form(),  # anything else: a 422 naming the field
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
):
    return _act(
        request,
        session,
        actor,
        order_id,
        worker_id,
        lambda: office.record_phone_answer(
            session,
            order_id=order_id,
            worker_id=worker_id,
            yes=answer == "yes",
            actor=actor,
            now=now(),
        ),
    )
