"""Staff login: OAuth2 password flow, expiring JWTs, attempts rate-limited in Redis."""

import re
from datetime import timedelta
from typing import Annotated, cast

import jwt
import redis
from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from pydantic import BaseModel, StringConstraints
from sqlalchemy.orm import Session

from api.deps import DB, password_changer
from api.schemas.common import Body
from core.clock import now
from core.settings import Settings
from core.tenancy import Actor
from dispatch.registry import accounts, staff
from dispatch.registry.staff import authenticate

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class LoginLimiter:
    """Moving windows shared by all API processes: attempts at one username from one client
    address (BRIGADA_LOGIN_RATE_LIMIT), so a stranger's wrong passwords elsewhere never lock
    the user out of their own address; and attempts from one address whatever the usernames
    (BRIGADA_LOGIN_ADDRESS_RATE_LIMIT, higher: an office shares one address)."""

    BY_NAME = "brigada-login-user-addr"
    BY_ADDRESS = "brigada-login-addr"

    def __init__(self, settings: Settings):
        self._redis_url = settings.redis_url
        self._limiter = MovingWindowRateLimiter(storage_from_string(settings.redis_url))
        self._limit = parse(settings.login_rate_limit)
        self._by_address = parse(settings.login_address_rate_limit)

    def allow(self, username: str, address: str) -> bool:
        name = username.strip().lower()
        return self._limiter.hit(self._by_address, self.BY_ADDRESS, address) and (
            self._limiter.hit(self._limit, self.BY_NAME, name, address)
        )

    def unlock(self, username: str) -> int:
        """An admin's unlock: forget the user's attempts from every address (`brigada user
        unlock`). Returns how many addresses were held."""
        name = re.sub(r"([*?\[\]\\])", r"\\\1", username.strip().lower())  # glob-escaped
        pattern = f"LIMITS:LIMITER/{self.BY_NAME}/{name}/*"  # limits' keys, whatever the rate
        client = redis.Redis.from_url(self._redis_url, socket_timeout=2)
        keys = list(client.scan_iter(match=pattern, count=1000))
        # redis-py types the sync client's replies as "Awaitable | Any" (core/heartbeat.py).
        return cast(int, client.delete(*keys)) if keys else 0


def issue_token(settings: Settings, user_id: int, token_version: int = 0) -> Token:
    """A token for the user, valid until it expires or their token_version moves on."""
    ttl = timedelta(minutes=settings.token_ttl_min)
    issued = now()
    claims = {"sub": str(user_id), "ver": token_version, "iat": issued, "exp": issued + ttl}
    token = jwt.encode(claims, settings.secret_key, algorithm="HS256")
    return Token(access_token=token, expires_in=int(ttl.total_seconds()))


def _limit_attempts(request: Request, username: str, what: str) -> None:
    """A 429 once the password attempts for the name, or from the address, pass the limits."""
    address = request.client.host if request.client else "unknown"
    if not request.app.state.login_limiter.allow(username, address):
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=f"too many {what} attempts; wait a minute",
            headers={"Retry-After": "60"},
        )


@router.post("/token", response_model=Token)
def login(
    request: Request,
    form: OAuth2PasswordRequestForm = Depends(),
    session: Session = DB,
) -> Token:
    _limit_attempts(request, form.username, "login")
    user = authenticate(session, username=form.username, password=form.password)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return issue_token(request.app.state.settings, user.id, user.token_version)


@router.post("/logout", status_code=204, response_class=Response)
def logout(actor: Actor = Depends(password_changer), session: Session = DB) -> Response:
    """Ends every session of the caller: all their tokens, on every device, stop working."""
    staff.log_out(session, actor=actor)
    return Response(status_code=204)


class Me(BaseModel):
    id: int | None
    username: str
    role: str
    branch_id: int | None
    client_id: int | None = None  # a client user's client
    client_admin: bool = False
    # An owner's organisation and its branches, as they are now (issue 21); others: empty.
    organisation_id: int | None = None
    branch_ids: list[int] | None = None
    # True after signing in with a one-time password: POST /auth/password before anything else.
    password_change_required: bool = False


@router.get("/me", response_model=Me)
def me(actor: Actor = Depends(password_changer), session: Session = DB) -> Me:
    user = staff.get_active_user(session, actor.user_id) if actor.user_id else None
    return Me(
        id=actor.user_id,
        username=actor.name,
        role=actor.role,
        branch_id=actor.branch_id,
        client_id=actor.client_id,
        client_admin=actor.client_admin,
        organisation_id=actor.organisation_id,
        branch_ids=sorted(actor.branch_ids) if actor.branch_ids is not None else None,
        password_change_required=bool(user and user.password_change_required),
    )


Password = Annotated[str, StringConstraints(max_length=200)]


class PasswordChange(Body):
    old_password: Password
    new_password: Password


@router.post("/password", status_code=204, response_class=Response)
def change_password(
    body: PasswordChange,
    request: Request,
    actor: Actor = Depends(password_changer),
    session: Session = DB,
) -> Response:
    """Your own password, the current one required. Every session of yours ends, this one
    too: sign in again with the new password."""
    # Guessing the current password through a stolen session is limited like signing in.
    _limit_attempts(request, actor.name, "password")
    accounts.change_password(
        session, actor=actor, old_password=body.old_password, new_password=body.new_password
    )
    return Response(status_code=204)
