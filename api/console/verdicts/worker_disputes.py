"""The workers' disputes of penalties in the console (issue 19): the branch's open cases,
oldest first, with the worker's words, the marks, the check-in, the penalty and the
deadline; each reversed or upheld with a reason (dispatch/penalties/disputes.py decides and
audits; the read of the names is audited by dispatch/access/privacy.py)."""

from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.i18n import translator
from api.console.office.dispatcher import BOARD, OFFICE
from api.console.verdicts.worker_words import WORKER_DISPUTE_WORDS
from api.console.web import PREFIX, csrf_checked, language, render
from api.deps import DB, limit_worker_reads
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.tenancy import Actor
from dispatch.penalties import dispute_queue, disputes

router = APIRouter(prefix=PREFIX, include_in_schema=False)
REFUSED = (InvalidInput, Conflict, NotFound, Forbidden)
REASON_MAX = disputes.MAX_REASON

i18n.add(WORKER_DISPUTE_WORDS)


def _when(zone: str):
    tz = ZoneInfo(zone)
    return lambda at: at.astimezone(tz).strftime("%d.%m %H:%M") if at else ""


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    error: tuple[int, str] | None = None,  # (the case, the refusal in words)
    done: str | None = None,
    status_code: int = 200,
) -> Response:
    limit_worker_reads(request, actor)  # the workers' names: a worker read
    cases = dispute_queue.open_queue(session, actor=actor)
    context = {
        "cases": [(case, _when(case.timezone)) for case in cases],
        "error": error,
        "done": done,
        "reason_max": REASON_MAX,
    }
    return render(request, "worker_disputes.html", context, actor=actor, status_code=status_code)


@router.get("/worker-disputes")
def worker_disputes_page(
    request: Request,
    done: str = "",
    actor: Actor = BOARD,
    session: Session = DB,  # owner reads
) -> Response:
    shown = done if done in ("reversed", "upheld") else None
    return _page(request, session, actor, done=shown)


def _decide(
    request: Request, session: Session, actor: Actor, dispute_id: int, *, reverse: bool, reason: str
) -> Response:
    try:
        with session.begin_nested():  # a refusal leaves nothing half-done
            case = disputes.decide(
                session, dispute_id, actor=actor, reverse=reverse, reason=reason, now=now()
            )
    except REFUSED as exc:
        error = (dispute_id, explain(exc, translator(language(request))))
        return _page(request, session, actor, error=error, status_code=status_of(exc))
    return RedirectResponse(f"{PREFIX}/worker-disputes?done={case.status}", status_code=303)


@router.post("/worker-disputes/{dispute_id}/reverse", dependencies=[Depends(csrf_checked)])
def reverse(
    request: Request,
    dispute_id: IdPath,
    reason: str = Form("", max_length=REASON_MAX + 100),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
) -> Response:
    return _decide(request, session, actor, dispute_id, reverse=True, reason=reason)


@router.post("/worker-disputes/{dispute_id}/uphold", dependencies=[Depends(csrf_checked)])
def uphold(
    request: Request,
    dispute_id: IdPath,
    reason: str = Form("", max_length=REASON_MAX + 100),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
) -> Response:
    return _decide(request, session, actor, dispute_id, reverse=False, reason=reason)
