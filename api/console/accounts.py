"""Staff accounts in the console: a manager's staff page (switch their branch's dispatchers
and foremen off and on, give a one-time password) and everyone's change-password page."""

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.auth import issue_token
from api.console import i18n
from api.console.errors import explain
from api.console.i18n import translator
from api.console.signin import set_session
from api.console.web import (
    PREFIX,
    console_actor_changing_password,
    csrf_checked,
    language,
    render,
    staff,
)
from api.console.words.staff import WORDS
from api.deps import DB
from api.idempotency import shown_once
from api.schemas.common import IdPath
from core.errors import Forbidden, InvalidInput
from core.tenancy import Actor
from dispatch.models import User
from dispatch.registry import accounts
from dispatch.registry import service as registry
from dispatch.registry.errors import LastActiveAdmin, MayNotManageUser
from dispatch.registry.staff import get_active_user, list_users

router = APIRouter(prefix=PREFIX, include_in_schema=False)
MANAGERS = staff("admin", "manager", "owner")  # an owner: their branches' managers

i18n.add(WORDS)


# -- the staff page ------------------------------------------------------------------------


def staff_listing(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    notice: str = "",
    error: str = "",
    status_code: int = 200,
) -> Response:
    users = list_users(session, actor=actor)
    branches: dict[int | None, str] = {
        b.id: b.code for b in registry.list_branches(session, actor=actor)
    }
    rows = [
        {
            "user": u,
            "branch": branches.get(u.branch_id, ""),
            "manage": accounts.may_manage(actor, u),
        }
        for u in users
    ]
    context = {"rows": rows, "notice": notice, "error": error}
    return render(request, "staff.html", context, actor=actor, status_code=status_code)


@router.get("/staff")
def staff_page(request: Request, actor: Actor = Depends(MANAGERS), session: Session = DB):
    return staff_listing(request, session, actor)


def _refused(request: Request, session: Session, actor: Actor, exc: Forbidden | LastActiveAdmin):
    session.rollback()  # nothing of the refused change stays
    t = translator(language(request))
    status_code = 409 if isinstance(exc, LastActiveAdmin) else 403
    error = explain(exc, t)
    return staff_listing(request, session, actor, error=error, status_code=status_code)


@router.post("/staff/{user_id}/deactivate", dependencies=[Depends(csrf_checked)])
def deactivate(
    request: Request, user_id: IdPath, actor: Actor = Depends(MANAGERS), session: Session = DB
):
    try:
        user = accounts.deactivate(session, actor=actor, user_id=user_id)
    except (LastActiveAdmin, MayNotManageUser) as exc:
        return _refused(request, session, actor, exc)
    t = translator(language(request))
    notice = t("staff_deactivated").format(name=user.username)
    return staff_listing(request, session, actor, notice=notice)


@router.post("/staff/{user_id}/activate", dependencies=[Depends(csrf_checked)])
def activate(
    request: Request, user_id: IdPath, actor: Actor = Depends(MANAGERS), session: Session = DB
):
    try:
        user = accounts.activate(session, actor=actor, user_id=user_id)
    except MayNotManageUser as exc:
        return _refused(request, session, actor, exc)
    t = translator(language(request))
    return staff_listing(
        request, session, actor, notice=t("staff_activated").format(name=user.username)
    )


@router.post("/staff/{user_id}/one-time-password", dependencies=[Depends(csrf_checked)])
@shown_once
def one_time_password(
    request: Request, user_id: IdPath, actor: Actor = Depends(MANAGERS), session: Session = DB
):
    """The password is on this answer only (never stored in clear, never in a URL)."""
    try:
        password = accounts.set_password(session, actor=actor, user_id=user_id)
    except MayNotManageUser as exc:
        return _refused(request, session, actor, exc)
    name = session.get_one(User, user_id).username
    t = translator(language(request))
    notice = t("staff_one_time_made").format(name=name, password=password)
    page = staff_listing(request, session, actor, notice=notice)
    page.headers["Cache-Control"] = "no-store"
    return page


# -- changing one's own password -----------------------------------------------------------


def _password_page(
    request: Request,
    session: Session,
    actor: Actor,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    user = get_active_user(session, actor.user_id) if actor.user_id else None
    context = {"errors": errors or {}, "forced": bool(user and user.password_change_required)}
    return render(request, "password.html", context, actor=actor, status_code=status_code)


@router.get("/password")
def password_form(
    request: Request,
    actor: Actor = Depends(console_actor_changing_password),
    session: Session = DB,
):
    return _password_page(request, session, actor)


@router.post("/password", dependencies=[Depends(csrf_checked)])
def change_password(
    request: Request,
    old_password: str = Form("", max_length=200),
    new_password: str = Form("", max_length=200),
    repeat: str = Form("", max_length=200),
    actor: Actor = Depends(console_actor_changing_password),
    session: Session = DB,
):
    t = translator(language(request))
    address = request.client.host if request.client else "unknown"
    if not request.app.state.login_limiter.allow(actor.name, address):
        errors = {"old_password": t("too_many")}
        return _password_page(request, session, actor, errors, status_code=429)
    if new_password != repeat:
        errors = {"repeat": t("password_err_repeat")}
        return _password_page(request, session, actor, errors, status_code=422)
    try:
        user = accounts.change_password(
            session, actor=actor, old_password=old_password, new_password=new_password
        )
    except InvalidInput as exc:
        session.rollback()
        errors = {str(exc.loc[-1]): explain(exc, t)}  # words by the error's code and reason
        return _password_page(request, session, actor, errors, status_code=422)
    session.refresh(user)  # every session ended: this browser gets a new one
    response = RedirectResponse(f"{PREFIX}/password/done", status_code=303)
    set_session(
        request, response, issue_token(request.app.state.settings, user.id, user.token_version)
    )
    return response


@router.get("/password/done")
def password_changed(
    request: Request,
    actor: Actor = Depends(console_actor_changing_password),
    session: Session = DB,
):
    t = translator(language(request))
    context = {"errors": {}, "forced": False, "notice": t("password_changed")}
    return render(request, "password.html", context, actor=actor)
