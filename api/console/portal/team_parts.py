"""What the portal's team page (portal/team.py) and the office's client page
(registry/client_users.py) share about a client's users and API keys: the add-user form as
typed, the domain's calls with their refusals put in words beside the field they name, and
the lists the one partial (portal_team_section.html) shows. The rules (who may, the last
admin, the key shown once) are dispatch/registry/client_side/'s."""

from fastapi import Form
from sqlalchemy.orm import Session

from api.console.errors import explain
from api.console.portal.common import local
from core.clock import now
from core.errors import Conflict, InvalidInput
from core.tenancy import Actor
from dispatch.models import Branch, Client
from dispatch.registry.client_side import keys as client_keys
from dispatch.registry.client_side import users as client_users
from dispatch.registry.errors import DuplicateName
from dispatch.registry.staff import MAX_PASSWORD_LENGTH

USER_FIELDS = ("username", "password", "full_name", "phone", "client_admin")
SHOWN_AGAIN = ("username", "full_name", "phone", "client_admin")  # never the password


def user_form(
    username: str = Form(""),
    password: str = Form(""),
    full_name: str = Form(""),
    phone: str = Form(""),
    client_admin: str = Form(""),
) -> dict[str, str]:
    """The add-user form as typed, each field cut just past its limit (the domain then
    refuses it by name, beside the field, rather than a bare 422 page)."""
    return {
        "username": username[: client_users.USERNAME_MAX + 1],
        "password": password[: MAX_PASSWORD_LENGTH + 1],
        "full_name": full_name[:201],
        "phone": phone[:40],
        "client_admin": "1" if client_admin else "",
    }


def add_user(
    session: Session, actor: Actor, client_id: int, values: dict[str, str], t
) -> dict[str, str]:
    """Adds the user; the refusal by field ({} when added). Written nothing if refused."""
    try:
        client_users.create_client_user(
            session,
            actor=actor,
            client_id=client_id,
            username=values["username"],
            password=values["password"],
            full_name=values["full_name"],
            phone=values["phone"],
            client_admin=bool(values["client_admin"]),
        )
    except (InvalidInput, DuplicateName) as exc:
        session.rollback()
        field = str(exc.loc[-1]) if isinstance(exc, InvalidInput) else exc.field
        return {field if field in USER_FIELDS else "username": explain(exc, t)}
    return {}


def remove_user(session: Session, actor: Actor, client_id: int, user_id: int, t) -> str:
    """Switches the user off; the refusal in words ("" when done), e.g. the last admin."""
    try:
        client_users.remove_client_user(session, actor=actor, client_id=client_id, user_id=user_id)
    except Conflict as exc:
        session.rollback()
        return explain(exc, t)
    return ""


def revoke_key(session: Session, actor: Actor, client_id: int, key_id: int) -> None:
    client_keys.revoke_key(session, actor=actor, client_id=client_id, key_id=key_id, now=now())


def team_context(
    session: Session,
    actor: Actor,
    client: Client,
    *,
    side: str,  # "portal": the client admin's page (makes keys); "office": the client's page
    action: str,  # where the forms post: /portal/team or /console/clients/{id}
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
    new_key: tuple[str, str] | None = None,  # (its name, the key): on this answer only
    key_name: str = "",
    key_error: str = "",
) -> dict:
    """The partial's `team`: the client's users and keys and the forms' state."""
    zone = session.get_one(Branch, client.branch_id).timezone
    shown = values or {}
    return {
        "team": {
            "side": side,
            "action": action,
            "users": client_users.list_client_users(session, actor=actor, client_id=client.id),
            "api_keys": client_keys.list_keys(session, actor=actor, client_id=client.id),
            "typed": {name: shown.get(name, "") for name in SHOWN_AGAIN},
            "errors": errors or {},
            "fields": [f for f in USER_FIELDS if f in (errors or {})],
            "error": error,
            "new_key": new_key,
            "key_name": key_name,
            "key_error": key_error,
            "me": actor.user_id,
            "when": lambda at: local(at, zone) if at else "",
        }
    }
