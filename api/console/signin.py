"""Signing in and out of the console: the API's own token, kept in an HttpOnly cookie."""

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.auth import Token, issue_token
from api.console.i18n import translator
from api.console.web import (
    PREFIX,
    SESSION_COOKIE,
    console_actor_changing_password,
    csrf_checked,
    language,
    render,
    start_page,
)
from api.deps import DB
from core.tenancy import Actor
from dispatch.registry.staff import authenticate, log_out

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def _safe_next(target: str | None, role: str) -> str:
    """Only our own pages: never an open redirect to another site. The console's root is
    each role's own start page."""
    if target and target.startswith(("/portal/", PREFIX + "/")) and not target.startswith("//"):
        return start_page(role) if target == f"{PREFIX}/" else target
    return start_page(role)


@router.get("/login")
def login_form(request: Request, next: str = "") -> Response:
    return render(request, "login.html", {"next": next})


@router.post("/login", dependencies=[Depends(csrf_checked)])
def login(
    request: Request,
    username: str = Form(max_length=64),
    password: str = Form(max_length=200),
    next: str = Form(default=""),
    session: Session = DB,
) -> Response:
    t = translator(language(request))
    address = request.client.host if request.client else "unknown"
    if not request.app.state.login_limiter.allow(username, address):
        return render(
            request,
            "login.html",
            {"error": t("too_many"), "next": next, "username": username},
            status_code=429,
        )
    user = authenticate(session, username=username, password=password)
    if user is None:
        return render(
            request,
            "login.html",
            {"error": t("wrong_login"), "next": next, "username": username},
            status_code=401,
        )
    token = issue_token(request.app.state.settings, user.id, user.token_version)
    # A one-time password leads to choosing one's own before anything else.
    target = f"{PREFIX}/password" if user.password_change_required else _safe_next(next, user.role)
    response = RedirectResponse(target, status_code=303)
    set_session(request, response, token)
    return response


def set_session(request: Request, response: Response, token: Token) -> None:
    """The console's session: the API's token in an HttpOnly cookie."""
    response.set_cookie(
        SESSION_COOKIE,
        token.access_token,
        max_age=token.expires_in,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.public_url.startswith("https"),
    )


@router.post("/logout", dependencies=[Depends(csrf_checked)])
def logout(
    actor: Actor = Depends(console_actor_changing_password), session: Session = DB
) -> Response:
    """The token is revoked, not only the cookie dropped: a copy of the cookie dies with it."""
    log_out(session, actor=actor)
    response = RedirectResponse(f"{PREFIX}/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
