"""One table from domain errors to HTTP answers."""

import math

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
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
        # The same shape FastAPI gives for schema errors, so clients parse one format.
        body = {"detail": [{"loc": list(exc.loc), "msg": exc.msg, "type": "value_error"}]}
    else:
        body = {"detail": str(exc)}
    return JSONResponse(body, status_code=status)


async def _database_unavailable(request: Request, exc: OperationalError) -> JSONResponse:
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
