"""One table from domain errors to HTTP answers."""

import math

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg.errors import LockNotAvailable
from sqlalchemy.exc import OperationalError

from core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound

STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    Conflict: 409,
    Forbidden: 403,
    InvalidInput: 422,
}


def status_of(exc: DomainError) -> int:
    """The HTTP status of a domain error: the API's answer, and a console page's refusal."""
    for kind, status in STATUS.items():
        if isinstance(exc, kind):
            return status
    return 400


async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
    status = status_of(exc)
    if isinstance(exc, InvalidInput):
        # The same shape FastAPI gives for schema errors, so clients parse one format; the
        # item's type is the error's stable code, as FastAPI's own types are.
        body = {"detail": [{"loc": list(exc.loc), "msg": exc.msg, "type": exc.code}]}
    else:
        body = {"detail": str(exc)}
    body["code"] = exc.code  # clients branch on this, never on the English detail
    if exc.reason is not None:
        body["reason"] = exc.reason
    return JSONResponse(body, status_code=status)


async def _database_unavailable(request: Request, exc: OperationalError) -> JSONResponse:
    if isinstance(exc.orig, LockNotAvailable):
        # Waited lock_timeout for a row others are busy with: nothing was saved; retry soon.
        return JSONResponse(
            {"detail": "busy; try again"}, status_code=503, headers={"Retry-After": "1"}
        )
    # The database is unreachable or restarting: nothing was saved; the client may retry.
    return JSONResponse(
        {"detail": "database unavailable"}, status_code=503, headers={"Retry-After": "5"}
    )


def _finite(value):
    """JSON has no NaN or Infinity: a non-finite number echoed back is said as text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    # FastAPI's own answer, but one that can always be encoded: a NaN, Infinity or 1e999 in
    # a body is a 422 naming the field, never a 500 from writing the answer.
    return JSONResponse({"detail": _finite(jsonable_encoder(exc.errors()))}, status_code=422)


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(OperationalError, _database_unavailable)
