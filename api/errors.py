"""One table from domain errors to HTTP answers."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

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


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
