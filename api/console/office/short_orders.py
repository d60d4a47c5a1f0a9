"""A short order's two pushes, from the board or the order page: the next wave now, and the
next wave at the widest radius now (dispatch/orders/shortage.py decides and audits)."""

from typing import Literal

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.office.dispatcher import OFFICE
from api.console.office.words.shortage import WORDS as SHORTAGE_WORDS
from api.console.web import PREFIX, csrf_checked
from api.deps import DB
from api.schemas.common import IdPath
from core.clock import now
from core.tenancy import Actor
from dispatch.fill import pushes

router = APIRouter(prefix=PREFIX, include_in_schema=False)
MAX_WAVE = 1_000_000

i18n.add(SHORTAGE_WORDS)


def _back(order_id: int, back: Literal["board", "order"]) -> RedirectResponse:
    """Back where the push was made: the board's row, or the order page's warning."""
    target = (
        f"{PREFIX}/#order-{order_id}" if back == "board" else f"{PREFIX}/orders/{order_id}#short"
    )
    return RedirectResponse(target, status_code=303)


@router.post("/orders/{order_id}/next-wave", dependencies=[Depends(csrf_checked)])
def next_wave(
    order_id: IdPath,
    wave: int = Form(ge=0, le=MAX_WAVE),  # the wave the page showed: a double click sends one
    back: Literal["board", "order"] = Form("order"),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
) -> RedirectResponse:
    pushes.send_next_wave(session, order_id, actor=actor, seen_wave=wave, now=now())
    return _back(order_id, back)


@router.post("/orders/{order_id}/widen", dependencies=[Depends(csrf_checked)])
def widen(
    order_id: IdPath,
    wave: int = Form(ge=0, le=MAX_WAVE),
    back: Literal["board", "order"] = Form("order"),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
) -> RedirectResponse:
    pushes.widen_now(session, order_id, actor=actor, seen_wave=wave, now=now())
    return _back(order_id, back)
