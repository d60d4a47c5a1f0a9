"""The client admin's team page (/portal/team): the client's own users (added, switched off)
and its API keys (made, shown once on the answer that made them, revoked). Only a client
admin has the page: to any other client user it does not exist (404). The rules are
dispatch/registry/client_side/'s; the forms and lists are shared with the office's client
page (team_parts.py, portal_team_section.html)."""

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console.errors import explain
from api.console.i18n import translator
from api.console.portal import team_parts
from api.console.portal.common import CLIENT_USER, PORTAL
from api.console.web import csrf_checked, language, render
from api.deps import DB
from api.idempotency import shown_once
from api.schemas.common import IdPath
from core.clock import now
from core.errors import InvalidInput
from core.tenancy import Actor
from dispatch.registry.client_side import keys as client_keys
from dispatch.registry.clients import get_client

router = APIRouter(prefix=PORTAL, include_in_schema=False)
TEAM = f"{PORTAL}/team"


def client_admin(actor: Actor = Depends(CLIENT_USER)) -> Actor:
    """A client admin; any other client user meets no such page."""
    if not actor.client_admin or actor.client_id is None:
        raise HTTPException(status_code=404)
    return actor


ClientAdmin = Depends(client_admin)


def _page(request: Request, session: Session, actor: Actor, status_code=200, **state) -> Response:
    assert actor.client_id is not None  # client_admin() saw to it
    client = get_client(session, actor.client_id, actor=actor)
    context = {
        "client": client,
        **team_parts.team_context(session, actor, client, side="portal", action=TEAM, **state),
    }
    page = render(request, "portal_team.html", context, actor=actor, status_code=status_code)
    page.headers["Cache-Control"] = "no-store"  # a new key is on its answer only
    return page


def _back(anchor: str) -> Response:
    return RedirectResponse(f"{TEAM}#{anchor}", status_code=303)


@router.get("/team")
def team_page(request: Request, actor: Actor = ClientAdmin, session: Session = DB) -> Response:
    return _page(request, session, actor)


@router.post("/team/users", dependencies=[Depends(csrf_checked)])
def add_user(
    request: Request,
    values: dict[str, str] = Depends(team_parts.user_form),
    actor: Actor = ClientAdmin,
    session: Session = DB,
) -> Response:
    t = translator(language(request))
    assert actor.client_id is not None
    errors = team_parts.add_user(session, actor, actor.client_id, values, t)
    if errors:
        return _page(request, session, actor, 422, values=values, errors=errors)
    return _back("team-users")


@router.post("/team/users/{user_id}/remove", dependencies=[Depends(csrf_checked)])
def remove_user(
    request: Request, user_id: IdPath, actor: Actor = ClientAdmin, session: Session = DB
) -> Response:
    t = translator(language(request))
    assert actor.client_id is not None
    error = team_parts.remove_user(session, actor, actor.client_id, user_id, t)
    if error:
        return _page(request, session, actor, 409, error=error)
    return _back("team-users")


@router.post("/team/keys", dependencies=[Depends(csrf_checked)])
@shown_once
def create_key(
    request: Request, name: str = Form(""), actor: Actor = ClientAdmin, session: Session = DB
) -> Response:
    """The key is on this answer only (never stored in clear): the page shows it once."""
    assert actor.client_id is not None
    name = name[: client_keys.NAME_MAX + 1]
    try:
        row, key = client_keys.create_key(
            session, actor=actor, client_id=actor.client_id, name=name, now=now()
        )
    except InvalidInput as exc:
        session.rollback()
        words = explain(exc, translator(language(request)))
        return _page(request, session, actor, 422, key_name=name, key_error=words)
    return _page(request, session, actor, new_key=(row.name, key))


@router.post("/team/keys/{key_id}/revoke", dependencies=[Depends(csrf_checked)])
def revoke_key(
    request: Request, key_id: IdPath, actor: Actor = ClientAdmin, session: Session = DB
) -> Response:
    assert actor.client_id is not None
    team_parts.revoke_key(session, actor, actor.client_id, key_id)
    return _back("team-keys")
