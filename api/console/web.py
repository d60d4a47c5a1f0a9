"""What every console page shares: templates, the signed-in staff member (a session cookie
holding the same token as the API's), CSRF protection of forms, and the language."""

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from psycopg.errors import LockNotAvailable
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.console import i18n
from api.console.errors import explain, explain_invalid, explain_refusal
from api.console.i18n import LANGUAGES, translator
from api.console.words.common import WORDS as COMMON_WORDS
from api.deps import DB, actor_from_token
from api.errors import status_of
from core.db import session_scope
from core.errors import DomainError, Forbidden
from core.tenancy import Actor
from dispatch.enums import CAME, MANAGERS, OFFICE, OWNER, STAFF, WORKER_DESK
from dispatch.registry.errors import PasswordChangeRequired

SESSION_COOKIE = "brigada_session"
CSRF_COOKIE = "brigada_csrf"
LANG_COOKIE = "brigada_lang"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
PREFIX = "/console"

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
# The navigation shows each role its pages by the same sets the pages check.
TEMPLATES.env.globals["roles"] = {
    "office": OFFICE,
    "staff": STAFF,
    "managers": MANAGERS,
    "worker_desk": WORKER_DESK,
}
# The marks of a worker who came (a review is offered): one definition for the pages and for
# the foreman's offline script (foreman_offline.html hands it over).
TEMPLATES.env.globals["came"] = [str(mark) for mark in CAME]

i18n.add(COMMON_WORDS)


class SignInFirst(Exception):
    """No usable session: the page answers with the sign-in form."""


class PageRefused(HTTPException):
    """A console refusal in words: `word` is a key of the word tables, filled with `values`
    (a `field` value is a form field's name, said in words too)."""

    def __init__(self, status_code: int, word: str, headers=None, **values: str):
        super().__init__(status_code, detail=word, headers=headers)
        self.word, self.values = word, values


def language(request: Request) -> str:
    wanted = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "ru"
    return wanted if wanted in LANGUAGES else "ru"


class ChangePasswordFirst(Exception):
    """Signed in with a one-time password: the page answers with the change-password form."""


def console_actor(request: Request, session: Session = DB) -> Actor:
    try:
        return _actor(request, session, password_change_ok=False)
    except PasswordChangeRequired:
        raise ChangePasswordFirst from None


def console_actor_changing_password(request: Request, session: Session = DB) -> Actor:
    """The signed-in staff member, even one who must change a one-time password first."""
    return _actor(request, session, password_change_ok=True)


def _actor(request: Request, session: Session, *, password_change_ok: bool) -> Actor:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInFirst
    try:
        return actor_from_token(request, token, session, password_change_ok=password_change_ok)
    except HTTPException:
        raise SignInFirst from None


# Where each role lands after signing in, and where a refused page sends them.
START_PAGES = {
    "foreman": f"{PREFIX}/foreman",
    "recruiter": f"{PREFIX}/workers",
    "dispatcher": f"{PREFIX}/",
    "manager": f"{PREFIX}/",
    "admin": f"{PREFIX}/",
    "owner": f"{PREFIX}/network",  # issue 21: their organisation's branches
    "call_centre": f"{PREFIX}/call-centre",  # issue 21: the call centre's order form
    "client": "/portal/",  # the client's portal (api/console/portal/)
}


def start_page(role: str) -> str:
    return START_PAGES.get(role, f"{PREFIX}/foreman")


class PageNotForRole(Forbidden):
    """A console page the signed-in role may not open: a page in words with a link to theirs."""

    code = "page_not_for_role"

    def __init__(self, actor: Actor):
        super().__init__(f"{actor.role} may not open this page")
        self.actor = actor


def staff(*roles: str):
    """The signed-in staff member, if their role may open this page (403 otherwise)."""

    def check(actor: Actor = Depends(console_actor)) -> Actor:
        if actor.role not in roles:
            raise PageNotForRole(actor)
        return actor

    return check


def session_csrf(secret_key: str, session_token: str) -> str:
    """The form token of a session: an HMAC of its cookie, which a page on another site can
    neither read nor compute, so a planted csrf cookie cannot stand in for it."""
    digest = hmac.new(secret_key.encode(), b"csrf:" + session_token.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def csrf_token(request: Request) -> str:
    """The token this request's forms must carry: the session's, once signed in; before that
    (the sign-in form) a random one, double-submitted through its own cookie."""
    session_token = request.cookies.get(SESSION_COOKIE)
    if session_token:
        return session_csrf(request.app.state.settings.secret_key, session_token)
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)


async def csrf_checked(request: Request) -> None:
    """A form post must carry its session's token (the sign-in form: its cookie's)."""
    signed_in = bool(request.cookies.get(SESSION_COOKIE))
    expected = csrf_token(request) if signed_in else request.cookies.get(CSRF_COOKIE)
    sent: str | UploadFile | None = request.headers.get(CSRF_HEADER)
    form = await request.form() if request.method == "POST" else {}
    if sent is None:
        sent = form.get(CSRF_FIELD)
    if not expected or not sent or not secrets.compare_digest(expected, str(sent)):
        raise PageRefused(403, "http_form_expired")
    _refuse_nul(form.items())


def no_nul_in_query(request: Request) -> None:
    """Every console page: a NUL in the query string is refused, never sent to PostgreSQL."""
    _refuse_nul(request.query_params.items())


def _refuse_nul(fields) -> None:
    for name, value in fields:
        if isinstance(value, str) and "\x00" in value:
            raise PageRefused(422, "http_nul", field=name)


def content_policy(tiles_url: str) -> str:
    """Scripts only from us (no inline script, no eval): injected markup cannot run. Map
    tiles from the configured tile server ({s} subdomains as a wildcard)."""
    tiles = ""
    if tiles_url:
        parts = urlsplit(tiles_url.replace("{s}", "*"))
        tiles = f" {parts.scheme}://{parts.netloc}"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",  # htmx's indicator style, the fill bars' widths
            f"img-src 'self' data:{tiles}",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def render(
    request: Request,
    template: str,
    context: dict | None = None,
    *,
    actor: Actor | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    lang = language(request)
    csrf = csrf_token(request)
    settings = request.app.state.settings
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "t": translator(lang),
            "lang": lang,
            "actor": actor,
            # An owner reads the office's pages: no write form or button is shown (issue 21).
            "read_only": actor is not None and actor.role == OWNER,
            "csrf": csrf,
            "status_code": status_code,
            # A blanked text says how long texts are kept (templates/message_body.html).
            "body_keep_days": settings.message_body_keep_days,
            **(context or {}),
        },
        status_code=status_code,
    )
    response.headers["Content-Security-Policy"] = content_policy(settings.map_tiles_url)
    secure = settings.public_url.startswith("https")
    if not request.cookies.get(SESSION_COOKIE):  # signed in, the token comes from the session
        response.set_cookie(CSRF_COOKIE, csrf, httponly=False, samesite="strict", secure=secure)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE, language(request), samesite="lax", max_age=365 * 86400, secure=secure
        )
    return response


def _is_console(request: Request) -> bool:
    path = request.url.path
    return path.startswith(PREFIX) or path.startswith("/c/") or path.startswith("/portal")


async def _sign_in_first(request: Request, exc: SignInFirst) -> Response:
    target = f"{PREFIX}/login?next={quote(str(request.url.path))}"
    if request.headers.get("HX-Request"):  # htmx follows this header, not a 303
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _change_password_first(request: Request, exc: ChangePasswordFirst) -> Response:
    target = f"{PREFIX}/password"
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _page_actor(request: Request) -> Actor | None:
    """Who is signed in, for an error page's navigation; None when nobody usable is."""

    def find() -> Actor | None:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        with session_scope(request.app.state.sessionmaker) as session:
            return actor_from_token(request, token, session)

    try:
        return await run_in_threadpool(find)
    except Exception:  # signed out, revoked, a one-time password, the database away: no nav
        return None


async def _error_page(
    request: Request,
    status_code: int,
    message: str,
    *,
    actor: Actor | None = None,
    details: list[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An error in the console's layout: the navigation of whoever is signed in, the words in
    their language, and a link to their start page."""
    actor = actor or await _page_actor(request)
    context = {
        "message": message,
        "details": details or [],
        "start": start_page(actor.role) if actor else None,
    }
    page = render(request, "error.html", context, actor=actor, status_code=status_code)
    page.headers.update(headers or {})  # Retry-After of a 429, for one
    return page


def install(app) -> None:
    """Console pages answer errors with a page, not JSON; the API keeps its JSON."""
    app.add_exception_handler(SignInFirst, _sign_in_first)
    app.add_exception_handler(ChangePasswordFirst, _change_password_first)
    api_handlers = dict(app.exception_handlers)

    async def domain_error(request: Request, exc: DomainError) -> Response:
        if not _is_console(request):
            return await api_handlers[DomainError](request, exc)
        message = explain(exc, translator(language(request)))  # by code, in the page's language
        actor = getattr(exc, "actor", None)
        return await _error_page(request, status_of(exc), message, actor=actor)

    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not _is_console(request):
            return await http_exception_handler(request, exc)
        t = translator(language(request))
        message = explain_refusal(
            t,
            exc.status_code,
            getattr(exc, "word", None),
            getattr(exc, "values", {}),
            (exc.headers or {}).get("Retry-After"),
        )
        return await _error_page(request, exc.status_code, message, headers=exc.headers)

    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if not _is_console(request):
            return await api_handlers[RequestValidationError](request, exc)
        t = translator(language(request))
        details = [explain_invalid(t, error) for error in exc.errors()]
        return await _error_page(request, 422, t("http_422"), details=details)

    async def database_unavailable(request: Request, exc: OperationalError) -> Response:
        if not _is_console(request):
            return await api_handlers[OperationalError](request, exc)
        t = translator(language(request))
        busy = isinstance(exc.orig, LockNotAvailable)  # others hold the row: soon, not later
        word, wait = ("http_503", "1") if busy else ("http_database", "5")
        # Not who is signed in: that needs the database this page says is away.
        context: dict[str, object] = {"message": t(word), "details": [], "start": None}
        page = render(request, "error.html", context, status_code=503)
        page.headers["Retry-After"] = wait
        return page

    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(OperationalError, database_unavailable)
