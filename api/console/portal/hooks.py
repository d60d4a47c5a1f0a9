"""The client admin's webhooks (/portal/webhooks): the subscriptions with their state and last
delivery, a new one (its secret shown on the answer to the form, never again), removing one,
switching one off and on again, and a subscription's delivery log. A client user who is not
the client's admin finds no such page (404). The rules are dispatch/hooks/subscriptions.py's;
the office's view of the same (api/console/registry/client_hooks.py) uses these contexts and
the shared templates hooks_list.html and hooks_log.html."""

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.i18n import translator
from api.console.portal.common import CLIENT_USER, PORTAL, local
from api.console.web import csrf_checked, language, render
from api.console.words.hooks import WORDS
from api.deps import DB
from api.idempotency import shown_once
from api.schemas.common import IdPath
from core.clock import now
from core.errors import InvalidInput, NotFound
from core.tenancy import Actor
from dispatch.client_models import CLIENT_EVENTS
from dispatch.hooks import subscriptions
from dispatch.models import Branch, Client

router = APIRouter(prefix=PORTAL, include_in_schema=False)
HOOKS = f"{PORTAL}/webhooks"
LOG_SHOWN = 200  # the newest deliveries; the API's log has the same cap
SWITCHES = ("enable", "disable")

i18n.add(WORDS)


def client_admin(actor: Actor = Depends(CLIENT_USER)) -> Actor:
    """The client's admin; another client user finds no such page."""
    if not actor.client_admin or actor.client_id is None:
        raise NotFound("page", "webhooks")
    return actor


ClientAdmin = Depends(client_admin)


def _zone(session: Session, client_id: int) -> str:
    client = session.get_one(Client, client_id)
    return session.get_one(Branch, client.branch_id).timezone


def list_context(
    session: Session, actor: Actor, client_id: int, *, base: str, can_delete: bool
) -> dict:
    """What hooks_list.html shows: each subscription, why it is off, its last delivery."""
    found = subscriptions.listed(session, client_id, actor=actor)
    zone = _zone(session, client_id)
    return {
        "hooks": found,
        "off": {h.id: subscriptions.off_reason(h) for h in found},
        "last": subscriptions.last_deliveries(session, found),
        "when": lambda at: local(at, zone) if at else "",
        "base": base,
        "can_delete": can_delete,
    }


def log_context(
    session: Session, actor: Actor, client_id: int, hook_id: int, *, back: str, orders: str
) -> dict:
    """What hooks_log.html shows: the subscription's deliveries, newest first."""
    hook = subscriptions.get(session, client_id, hook_id, actor=actor)
    zone = _zone(session, client_id)
    lines = subscriptions.deliveries(session, client_id, hook_id, actor=actor, limit=LOG_SHOWN)
    return {
        "hook": hook,
        "lines": lines,
        "capped": LOG_SHOWN if len(lines) >= LOG_SHOWN else None,
        "when": lambda at: local(at, zone) if at else "",
        "back": back,
        "orders": orders,
    }


def switch(session: Session, actor: Actor, client_id: int, hook_id: int, how: str) -> None:
    """On or off (how: "enable" or "disable"); anything else is no such page."""
    if how not in SWITCHES:
        raise NotFound("page", how)
    if how == "disable":
        subscriptions.disable(session, client_id, hook_id, actor=actor, now=now())
    else:
        subscriptions.enable(session, client_id, hook_id, actor=actor)


def _page(request, session, actor, *, created=None, values=None, error=None, status_code=200):
    assert actor.client_id is not None
    context = list_context(session, actor, actor.client_id, base=HOOKS, can_delete=True)
    context.update(
        events=CLIENT_EVENTS,
        created=created,
        values=values or {"url": "", "events": []},
        error=error,
    )
    return render(request, "portal_hooks.html", context, actor=actor, status_code=status_code)


@router.get("/webhooks")
def hooks_page(request: Request, actor: Actor = ClientAdmin, session: Session = DB) -> Response:
    return _page(request, session, actor)


@router.post("/webhooks", dependencies=[Depends(csrf_checked)])
@shown_once
def create_hook(
    request: Request,
    url: str = Form(""),
    events: list[str] = Form([]),
    actor: Actor = ClientAdmin,
    session: Session = DB,
) -> Response:
    """The answer shows the secret: the one time it is ever shown."""
    assert actor.client_id is not None
    url, events = url[:2_100], [e[:40] for e in events[: len(CLIENT_EVENTS) + 1]]
    typed = {"url": url, "events": events}
    try:
        made = subscriptions.create(session, actor.client_id, actor=actor, url=url, events=events)
    except InvalidInput as exc:
        session.rollback()  # nothing written
        words = explain(exc, translator(language(request)))
        field = str(exc.loc[-1]) if exc.loc else "url"
        return _page(request, session, actor, values=typed, error=(field, words), status_code=422)
    response = _page(request, session, actor, created=made, status_code=201)
    response.headers["Cache-Control"] = "no-store"  # the secret stays out of every cache
    return response


@router.post("/webhooks/{hook_id}/delete", dependencies=[Depends(csrf_checked)])
def delete_hook(hook_id: IdPath, actor: Actor = ClientAdmin, session: Session = DB) -> Response:
    assert actor.client_id is not None
    subscriptions.remove(session, actor.client_id, hook_id, actor=actor, now=now())
    return RedirectResponse(HOOKS, status_code=303)


@router.post("/webhooks/{hook_id}/{how}", dependencies=[Depends(csrf_checked)])
def switch_hook(
    hook_id: IdPath, how: str, actor: Actor = ClientAdmin, session: Session = DB
) -> Response:
    assert actor.client_id is not None
    switch(session, actor, actor.client_id, hook_id, how)
    return RedirectResponse(f"{HOOKS}#hook-{hook_id}", status_code=303)


@router.get("/webhooks/{hook_id}")
def hook_log(
    request: Request, hook_id: IdPath, actor: Actor = ClientAdmin, session: Session = DB
) -> Response:
    assert actor.client_id is not None
    context = log_context(
        session, actor, actor.client_id, hook_id, back=HOOKS, orders=f"{PORTAL}/orders"
    )
    return render(request, "hooks_log_page.html", context, actor=actor)
