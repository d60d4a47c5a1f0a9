"""Request dependencies: the one transaction per request, the caller, their role."""

import math
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated

import anyio
import jwt
from fastapi import Depends, HTTPException, Path, Query, Request, status
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy.orm import Session

from core.db import session_scope
from core.ids import MAX_ID
from core.settings import Settings
from core.tenancy import Actor

# Who may reach what, by role: the sets are defined once, in dispatch/enums.py.
from dispatch.enums import CLIENT_DESK as CLIENT_DESK
from dispatch.enums import CLIENT_DESK_READERS as CLIENT_DESK_READERS
from dispatch.enums import CLIENT_LOOKERS as CLIENT_LOOKERS
from dispatch.enums import EVERYONE as EVERYONE
from dispatch.enums import EVERYONE_READERS as EVERYONE_READERS
from dispatch.enums import MANAGER_READERS as MANAGER_READERS
from dispatch.enums import MANAGERS as MANAGERS
from dispatch.enums import OFFICE as OFFICE
from dispatch.enums import OFFICE_READERS as OFFICE_READERS
from dispatch.enums import ORDER_LOOKERS as ORDER_LOOKERS
from dispatch.enums import ORDER_READERS as ORDER_READERS
from dispatch.enums import ORDERING as ORDERING
from dispatch.enums import SHEET_READERS as SHEET_READERS
from dispatch.enums import SITE_LOOKERS as SITE_LOOKERS
from dispatch.enums import STAFF as STAFF
from dispatch.enums import STAFF_READERS as STAFF_READERS
from dispatch.enums import USER_KEEPERS as USER_KEEPERS
from dispatch.enums import WORKER_DESK as WORKER_DESK
from dispatch.enums import WORKER_DESK_READERS as WORKER_DESK_READERS
from dispatch.registry.client_side.keys import actor_of_key
from dispatch.registry.errors import PasswordChangeRequired
from dispatch.registry.staff import actor_of, get_active_user

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token")
# Without a bearer token, a client's system may send its key (X-API-Key) instead.
oauth2_or_key = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


async def _session_slot(request: Request) -> AsyncIterator[None]:
    """One of the process's session slots (fewer than its threads, no more than its pooled
    connections), held from before the session opens until it has committed; a request waiting
    for one holds nothing.

    Without them, requests waiting for one order's row lock took every thread and connection,
    and the lock holder, needing one more to answer and commit, waited for them for ever."""
    slots: anyio.Semaphore = request.app.state.session_slots
    acquired = False
    with anyio.move_on_after(request.app.state.settings.db_lock_timeout_ms / 1000):
        await slots.acquire()
        acquired = True
    if not acquired:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "busy; try again", headers={"Retry-After": "1"}
        )
    try:
        yield
    finally:
        slots.release()


def get_session(
    request: Request, _slot: None = Depends(_session_slot, scope="function")
) -> Iterator[Session]:
    """The request owns the transaction: commit on success, roll back on any error."""
    with session_scope(request.app.state.sessionmaker) as session:
        # api/idempotency.py keeps a request's Idempotency-Key in this same transaction.
        request.state.db_session = session
        yield session


# "function" scope: the commit runs when the route returns, before the answer is sent, so a
# failed commit is a 500, never a 201 for work that was not saved.
DB = Depends(get_session, scope="function")


def get_reports_session(request: Request, session: Session = DB) -> Iterator[Session]:
    """The reports' reads of the rollups: a session on the read replica when one is set
    (BRIGADA_DATABASE_REPLICA_URL, read only), else the request's own. What a report writes
    (the audit of the workers it names) and the names themselves stay on the primary (DB)."""
    factory = request.app.state.reports_sessionmaker
    if factory is None:
        yield session
        return
    with session_scope(factory) as reader:
        yield reader


REPORTS_DB = Depends(get_reports_session, scope="function")


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


def current_actor(
    request: Request,
    token: str | None = Depends(oauth2_or_key),
    key: str | None = Depends(api_key_header),
    session: Session = DB,
) -> Actor:
    """The caller: a bearer token's user, else an API key's client (401 for neither)."""
    if token:
        return actor_from_token(request, token, session)
    if key:
        return actor_from_key(request, key, session)
    raise _unauthorized("Not authenticated")


class ApiKeyLimiter:
    """A moving window of requests per client API key (BRIGADA_API_KEY_RATE), shared by all
    API processes: a client's runaway script slows itself down, not the office."""

    def __init__(self, settings: Settings):
        self._limiter = MovingWindowRateLimiter(storage_from_string(settings.redis_url))
        self._limit = parse(settings.api_key_rate)

    def wait_s(self, key_id: int) -> int:
        """0 if this request may go ahead (and counts it), else whole seconds until one may."""
        if self._limiter.hit(self._limit, "brigada-api-keys", str(key_id)):
            return 0
        stats = self._limiter.get_window_stats(self._limit, "brigada-api-keys", str(key_id))
        return max(1, math.ceil(stats.reset_time - time.time()))


def actor_from_key(request: Request, key: str, session: Session) -> Actor:
    """The client user a live API key acts as; 401 for an unknown or revoked key, 429 past
    the key's rate."""
    if len(key) > 200 or not key.isascii():
        raise _unauthorized("invalid API key")
    actor = actor_of_key(session, key)
    if actor is None or actor.api_key_id is None:
        raise _unauthorized("invalid API key")
    wait = request.app.state.api_key_limiter.wait_s(actor.api_key_id)
    if wait:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=f"too many requests with this key; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    request.state.actor = actor  # whose Idempotency-Keys these are (api/idempotency.py)
    return actor


def password_changer(
    request: Request, token: str = Depends(oauth2), session: Session = DB
) -> Actor:
    """The caller, even one who signed in with a one-time password: they may change it, see
    who they are and sign out, nothing else."""
    return actor_from_token(request, token, session, password_change_ok=True)


def actor_from_token(
    request: Request, token: str, session: Session, *, password_change_ok: bool = False
) -> Actor:
    """The staff member a token names, read from the database; 401 when it cannot be used,
    403 (password_change_required) while a one-time password is still theirs."""
    settings = request.app.state.settings
    try:
        claims = jwt.decode(
            token, settings.secret_key, algorithms=["HS256"], options={"require": ["exp", "sub"]}
        )
    except jwt.ExpiredSignatureError:
        raise _unauthorized("token expired") from None
    except jwt.PyJWTError:
        raise _unauthorized("invalid token") from None
    # Role and branch come from the database, so a change or deactivation bites at once.
    user = get_active_user(session, _user_id(claims))
    if user is None:
        raise _unauthorized("user is not active")
    # Logging out or a manager's revoke moves the version on: older tokens stop here. (Tokens
    # issued before versions existed carry none and count as version 0.)
    if claims.get("ver", 0) != user.token_version:
        raise _unauthorized("token revoked")
    if user.password_change_required and not password_change_ok:
        raise PasswordChangeRequired()
    actor = actor_of(user, session)  # an owner's branches read per request
    request.state.actor = actor  # whose Idempotency-Keys these are (api/idempotency.py)
    return actor


def _user_id(claims: dict) -> int:
    """The subject as a user id; "abc", "1.5" or one past PostgreSQL's integers is an
    unusable token (401), never a 500 from int() or the database."""
    sub = claims["sub"]
    if not (isinstance(sub, str) and sub.isascii() and sub.isdigit() and len(sub) <= 10):
        raise _unauthorized("invalid token")
    if not 1 <= int(sub) <= MAX_ID:
        raise _unauthorized("invalid token")
    return int(sub)


def require(*roles: str) -> Callable[..., Actor]:
    def check(actor: Actor = Depends(current_actor)) -> Actor:
        if actor.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"{actor.role} may not do this")
        return actor

    return check


class WorkerReadLimiter:
    """A moving window of reads of workers' personal data per staff member, shared by all API
    processes and the console (BRIGADA_WORKER_READS_RATE): every request whose answer shows a
    worker's name, phone, home or distance from a site counts once, a single worker or a page
    of them (pages are bounded); reading the base in bulk is slow and audited."""

    def __init__(self, settings: Settings):
        self._limiter = MovingWindowRateLimiter(storage_from_string(settings.redis_url))
        self._limit = parse(settings.worker_reads_rate)

    def wait_s(self, actor: Actor) -> int:
        """0 if this read may go ahead (and counts it), else whole seconds until one may."""
        key = actor.rate_key
        if self._limiter.hit(self._limit, "brigada-worker-reads", key):
            return 0
        stats = self._limiter.get_window_stats(self._limit, "brigada-worker-reads", key)
        return max(1, math.ceil(stats.reset_time - time.time()))


def limit_worker_reads(request: Request, actor: Actor) -> None:
    """Count one read of workers' personal data; 429 with Retry-After past the rate. Call it
    before the read, so a refused one shows, and audits, nothing."""
    wait = request.app.state.worker_read_limiter.wait_s(actor)
    if wait:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=f"too many reads of workers' details; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )


def worker_reader(*roles: str) -> Callable[..., Actor]:
    """require(*roles), then one of the caller's worker reads (429 past the rate)."""
    allowed = require(*roles)

    def check(request: Request, actor: Actor = Depends(allowed)) -> Actor:
        limit_worker_reads(request, actor)
        return actor

    return check


# Ids outside PostgreSQL's integers are a 422 naming the field, never a 500.
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
