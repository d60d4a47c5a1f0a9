"""A client's portal users and API keys on its office page (/console/clients/{id}#team-users):
the roles the domain lets keep them (the branch's managers, admins: keeps_client) add a user
(the client's first admin, say), switch one off and revoke a key. A key is made by the
client's admin in the portal, where it is shown once. The forms and lists are the portal's
team page's (api/console/portal/team_parts.py, portal_team_section.html)."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console.i18n import translator
from api.console.portal import team_parts
from api.console.registry.clients import show_client
from api.console.web import PREFIX, csrf_checked, language, staff
from api.deps import DB, OFFICE
from api.schemas.common import IdPath
from core.tenancy import Actor
from dispatch.registry.clients import get_client

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Office = Depends(staff(*OFFICE))  # the domain then refuses a dispatcher (client_admin_only)
CLIENT = "/clients/{client_id}"


def _refused(request, session, actor, client_id: int, status_code: int, **state) -> Response:
    """The client's page again, the refusal in its team section."""
    client = get_client(session, client_id, actor=actor)
    action = f"{PREFIX}/clients/{client.id}"
    team = team_parts.team_context(session, actor, client, side="office", action=action, **state)
    return show_client(request, session, actor, client_id, status_code=status_code, extra=team)


def _back(client_id: int, anchor: str) -> Response:
    return RedirectResponse(f"{PREFIX}/clients/{client_id}#{anchor}", status_code=303)


@router.post(f"{CLIENT}/users", dependencies=[Depends(csrf_checked)])
def add_user(
    request: Request,
    client_id: IdPath,
    values: dict[str, str] = Depends(team_parts.user_form),
    actor: Actor = Office,
    session: Session = DB,
) -> Response:
    t = translator(language(request))
    errors = team_parts.add_user(session, actor, client_id, values, t)
    if errors:
        return _refused(request, session, actor, client_id, 422, values=values, errors=errors)
    return _back(client_id, "team-users")


@router.post(f"{CLIENT}/users/{{user_id}}/remove", dependencies=[Depends(csrf_checked)])
def remove_user(
    request: Request,
    client_id: IdPath,
    user_id: IdPath,
    actor: Actor = Office,
    session: Session = DB,
) -> Response:
    t = translator(language(request))
    error = team_parts.remove_user(session, actor, client_id, user_id, t)
    if error:
        return _refused(request, session, actor, client_id, 409, error=error)
    return _back(client_id, "team-users")


@router.post(f"{CLIENT}/keys/{{key_id}}/revoke", dependencies=[Depends(csrf_checked)])
def revoke_key(
    request: Request,
    client_id: IdPath,
    key_id: IdPath,
    actor: Actor = Office,
    session: Session = DB,
) -> Response:
    team_parts.revoke_key(session, actor, client_id, key_id)
    return _back(client_id, "team-keys")
