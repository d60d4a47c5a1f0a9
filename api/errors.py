"""One table from domain errors to HTTP answers."""

from fastapi import FastAPI, Request
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


def _status_of(exc: DomainError) -> int:
    for kind, status in STATUS.items():
        if isinstance(exc, kind):
            return status
    return 400


async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
    status = _status_of(exc)
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


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
