"""The workers the client has had (dispatch/access/had.py), as it may see them: the first name
and the surname's initial, skills, the last shift, the stars it gave; each with Favourite
(offered its orders first) and Block (never offered them again, with a reason), by the same
calls as the API's favourites and blocks (dispatch/registry/clients.py)."""

from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.i18n import translator
from api.console.portal.common import CLIENT_USER, PORTAL
from api.console.web import csrf_checked, language, render
from api.deps import DB, limit_worker_reads
from api.errors import status_of
from api.schemas.common import IdPath
from core.errors import Conflict, InvalidInput, NotFound
from core.tenancy import Actor
from dispatch.access.had import had_workers
from dispatch.models import Branch
from dispatch.registry import clients
from sms.templates import skill_name

router = APIRouter(prefix=PORTAL, include_in_schema=False)
REFUSED = (InvalidInput, Conflict, NotFound)
REASON_MAX = clients.BLOCK_REASON_MAX

i18n.add(
    {
        "portal_nav_workers": ("Работники", "Workers"),
        "portal_workers_title": ("Ваши работники", "Your workers"),
        "portal_workers_intro": (
            "Те, кто работал на ваших заказах. Избранным ваши заказы предлагаются первыми; "
            "заблокированным — больше никогда.",
            "Those who worked on your orders. Favourites are offered your orders first; "
            "blocked workers never again.",
        ),
        "portal_workers_none": ("У вас ещё никто не работал.", "Nobody has worked for you yet."),
        "portal_last_shift": ("Последняя смена: {day}", "Last shift: {day}"),
        "portal_your_stars": ("Ваша оценка: {stars} из 5", "Your rating: {stars} of 5"),
        "portal_favourite": ("В избранное", "Favourite"),
        "portal_unfavourite": ("Убрать из избранного", "Remove from favourites"),
        "portal_is_favourite": ("Избранный", "Favourite"),
        "portal_block": ("Заблокировать", "Block"),
        "portal_block_reason": ("Причина блокировки", "Why you block them"),
        "portal_unblock": ("Снять блокировку", "Unblock"),
        "portal_is_blocked": ("Заблокирован", "Blocked"),
    }
)


def _page(request, session, actor, error=None, status_code=200) -> Response:
    limit_worker_reads(request, actor)  # names of workers: a worker read
    lang = language(request)
    client_id = actor.client_id or 0  # a client user always has one (CLIENT_USER)
    client = clients.get_client(session, client_id, actor=actor)
    zone = ZoneInfo(session.get_one(Branch, client.branch_id).timezone)
    context = {
        "workers": had_workers(session, actor=actor, client_id=client_id),
        "skill": lambda code: skill_name(code, lang),
        "day": lambda at: at.astimezone(zone).strftime("%d.%m.%Y"),
        "error": error,  # (worker id, words)
        "reason_max": REASON_MAX,
    }
    return render(request, "portal_workers.html", context, actor=actor, status_code=status_code)


def _done(request, session, actor, worker_id: int, call, **extra) -> Response:
    """The domain's call for the client's own list; a refusal shown beside the worker."""
    try:
        call(session, actor=actor, client_id=actor.client_id or 0, worker_id=worker_id, **extra)
    except REFUSED as exc:
        session.rollback()  # nothing written
        error = (worker_id, explain(exc, translator(language(request))))
        return _page(request, session, actor, error, status_code=status_of(exc))
    return RedirectResponse(f"{PORTAL}/workers#worker-{worker_id}", status_code=303)


@router.get("/workers")
def workers_page(
    request: Request, actor: Actor = Depends(CLIENT_USER), session: Session = DB
) -> Response:
    return _page(request, session, actor)


@router.post("/workers/{worker_id}/favourite", dependencies=[Depends(csrf_checked)])
def favourite(
    request: Request,
    worker_id: IdPath,
    on: str = Form(""),
    actor: Actor = Depends(CLIENT_USER),
    session: Session = DB,
) -> Response:
    """on=1: favour the worker; else no longer."""
    call = clients.add_favourite if on else clients.remove_favourite
    return _done(request, session, actor, worker_id, call)


@router.post("/workers/{worker_id}/block", dependencies=[Depends(csrf_checked)])
def block(
    request: Request,
    worker_id: IdPath,
    reason: str = Form(""),
    actor: Actor = Depends(CLIENT_USER),
    session: Session = DB,
) -> Response:
    return _done(request, session, actor, worker_id, clients.block_worker, reason=reason)


@router.post("/workers/{worker_id}/unblock", dependencies=[Depends(csrf_checked)])
def unblock(
    request: Request, worker_id: IdPath, actor: Actor = Depends(CLIENT_USER), session: Session = DB
) -> Response:
    return _done(request, session, actor, worker_id, clients.unblock_worker)
