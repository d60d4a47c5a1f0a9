"""The clients' crew ratings in the console: the list, open cases first, each closed by a
dispatcher with a note (dispatch/quality/cases.py decides and audits); the badge of an order
with an open case is order_badge_quality.html."""

from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.i18n import translator
from api.console.office.dispatcher import BOARD, OFFICE
from api.console.verdicts.words import QUALITY_WORDS as WORDS
from api.console.web import PREFIX, csrf_checked, language, render
from api.deps import DB
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Conflict, InvalidInput, NotFound
from core.tenancy import Actor
from dispatch.quality import cases

router = APIRouter(prefix=PREFIX, include_in_schema=False)
NOTE_MAX = cases.NOTE_MAX

i18n.add(WORDS)


def _when(line: cases.ReviewLine):
    zone = ZoneInfo(line.timezone)
    return lambda at: at.astimezone(zone).strftime("%d.%m %H:%M") if at else ""


def _page(request: Request, session: Session, actor: Actor, *, error=None, status: int = 200):
    lines = cases.list_reviews(session, actor=actor)
    rows = [(line, _when(line), line.phone) for line in lines]
    context = {"rows": rows, "error": error, "note_max": NOTE_MAX}
    return render(request, "quality.html", context, actor=actor, status_code=status)


@router.get("/quality")
def quality_page(request: Request, actor: Actor = BOARD, session: Session = DB):
    return _page(request, session, actor)


@router.post("/quality/{order_id}/close", dependencies=[Depends(csrf_checked)])
def close_case(
    request: Request,
    order_id: IdPath,
    note: str = Form("", max_length=NOTE_MAX + 100),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
) -> Response:
    try:
        with session.begin_nested():  # a refusal leaves nothing half-done
            cases.close_case(session, order_id, actor=actor, note=note, now=now())
    except (InvalidInput, Conflict, NotFound) as exc:
        error = (order_id, explain(exc, translator(language(request))))
        return _page(request, session, actor, error=error, status=status_of(exc))
    return RedirectResponse(f"{PREFIX}/quality#case-{order_id}", status_code=303)
