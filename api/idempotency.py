"""`Idempotency-Key` on every state-changing call: the API's and the console's (the keys and
their rules: core/idempotency.py).

Each guarded route's endpoint takes the header (so /docs shows it) and the request; with a
key and a known caller it claims the key in the request's own session before its work runs,
or answers the stored answer again. The route's handler then stores the serialized answer in
that session before the request's DB dependency commits (its "function" scope exits after the
handler returns): the key and the work commit together, or neither does. An endpoint marked
`shown_once` (its answer shows a secret once) keeps its key and status but never its body.
"""

import functools
import hashlib
import inspect
from collections.abc import Callable, Iterable
from inspect import Parameter
from typing import Annotated, Any, TypeVar

from fastapi import FastAPI, Header, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from core import clock, idempotency
from core.idempotency import HEADER, KEY_PATTERN, LONGEST_KEY, REPLAYED_HEADER, Answer

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Not guarded: signing in (nobody to keep a key for yet) and Twilio's webhooks (Twilio
# retries with the same MessageSid, which sms/ deduplicates by itself).
UNGUARDED = ("/api/v1/auth/token", "/sms/")
# Headers a replay does not repeat: recomputed, or not the replay's to set.
NOT_KEPT = frozenset({"content-length", "set-cookie", "date", "server"})

# The header that makes a console form's answer an htmx fragment rather than a redirect: part
# of the request's fingerprint (the two answers differ).
HX_REQUEST = "hx-request"
_SHOWN_ONCE = "idempotency_shown_once__"
_REQUEST = "idempotency_request__"
F = TypeVar("F", bound=Callable[..., Any])
_KEY = "idempotency_key__"

KeyHeader = Annotated[
    str | None,
    Header(
        alias=HEADER,
        max_length=LONGEST_KEY,
        pattern=KEY_PATTERN,
        description=(
            "Send the call again with the same key and body: the first answer comes back "
            "(with `Idempotent-Replayed: true`) and nothing is done twice. Keys are the "
            "caller's own and live 24 h; a used key with another body is a 422 "
            "(`idempotency_key_reused`). Up to 255 printable ASCII characters."
        ),
    ),
]


def shown_once(endpoint: F) -> F:
    """Mark an endpoint whose answer shows a secret once (a raw API key, a webhook's secret,
    a one-time password; the database keeps only its hash): its answer is never stored
    under an Idempotency-Key. Sent again, the call is not done twice and its answer is a 409
    `idempotency_answer_withheld`. Put it under the route's decorator."""
    setattr(endpoint, _SHOWN_ONCE, True)
    return endpoint


def is_shown_once(endpoint: Callable[..., Any]) -> bool:
    return bool(getattr(endpoint, _SHOWN_ONCE, False))


def guarded(path: str, methods: Iterable[str] | None) -> bool:
    return bool(UNSAFE & set(methods or ())) and not path.startswith(UNGUARDED)


class IdempotentRoute(APIRoute):
    """A route whose handler stores its answer under the request's claimed key (if any)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if guarded(path, kwargs.get("methods")):
            endpoint = keyed(endpoint)
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Any]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            response = await handler(request)
            key_id = getattr(request.state, "idempotency_key_id", None)
            if key_id is not None:
                secret = is_shown_once(self.endpoint)
                await run_in_threadpool(_keep, request.state.db_session, key_id, response, secret)
            return response

        return answer


def install(app: FastAPI) -> None:
    """Guard every state-changing route the app has (its routers included, the console's and
    those added later among them): call once all routers are included, before the first
    request builds the route table. The routers are shared by every app a process builds:
    a route already guarded is left as it is."""
    for route in _routes(app.router.routes):
        if isinstance(route, IdempotentRoute) or not guarded(route.path, route.methods):
            continue
        route.endpoint = keyed(route.endpoint)
        route.__class__ = IdempotentRoute  # its handler, built per inclusion, stores answers


def _routes(routes: Iterable[Any], *, top: bool = True) -> Iterable[APIRoute]:
    for route in routes:
        # FastAPI (0.16x) keeps an included router as a route holding it; the routes it
        # builds from it, on the first request, take each original route's endpoint.
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _routes(included.routes, top=False)
        elif isinstance(route, APIRoute):
            if top and guarded(route.path, route.methods):
                # On the app itself its dependencies are built already: it cannot be guarded.
                raise RuntimeError(f"{route.path}: include state-changing routes via a router")
            yield route


def keyed(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """The endpoint, also taking the request and its Idempotency-Key: with a key, the key is
    claimed (or its stored answer sent again) before the endpoint runs."""
    signature = inspect.signature(endpoint, eval_str=True)
    # FastAPI hands the request to one parameter only: the endpoint's own, if it has one.
    own = [p.name for p in signature.parameters.values() if p.annotation is Request]
    request_name = own[0] if own else _REQUEST
    extra = [Parameter(_KEY, Parameter.KEYWORD_ONLY, annotation=KeyHeader, default=None)]
    if not own:
        extra.insert(0, Parameter(_REQUEST, Parameter.KEYWORD_ONLY, annotation=Request))
    wrapped_signature = signature.replace(parameters=[*signature.parameters.values(), *extra])

    def take(values: dict[str, Any]) -> tuple[Request, str | None]:
        request = values[request_name] if own else values.pop(_REQUEST)
        return request, values.pop(_KEY)

    if inspect.iscoroutinefunction(endpoint):

        @functools.wraps(endpoint)
        async def keyed_async(**values: Any) -> Any:
            request, key = take(values)
            if key is not None:
                held = await run_in_threadpool(_claim, request, key)
                if isinstance(held, Answer):
                    return _replay(held)
            return await endpoint(**values)

        keyed_async.__signature__ = wrapped_signature  # type: ignore[attr-defined]
        return keyed_async

    @functools.wraps(endpoint)
    def keyed_sync(**values: Any) -> Any:  # FastAPI runs it in a thread: DB work is fine
        request, key = take(values)
        if key is not None:
            held = _claim(request, key)
            if isinstance(held, Answer):
                return _replay(held)
        return endpoint(**values)

    keyed_sync.__signature__ = wrapped_signature  # type: ignore[attr-defined]
    return keyed_sync


def _claim(request: Request, key: str) -> int | Answer | None:
    """The key claimed in the request's session (its row id), or the answer to send again;
    None when there is no caller to keep the key for (the header is then ignored)."""
    session: Session | None = getattr(request.state, "db_session", None)
    actor = getattr(request.state, "actor", None)
    owner = actor and idempotency.owner_of(actor.user_id, actor.api_key_id)
    if session is None or not owner:
        return None
    held = idempotency.claim(
        session, owner=owner, key=key, fingerprint=_fingerprint(request), now=clock.now()
    )
    if isinstance(held, int):
        request.state.idempotency_key_id = held
    return held


def _fingerprint(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    # The language is in the query (?lang) or the session; htmx's header changes the answer
    # (a fragment, not a redirect). A newline is in no URL: no target looks like this one.
    if HX_REQUEST in request.headers:
        target += f"\nhx-request: {request.headers[HX_REQUEST]}"
    return idempotency.fingerprint(request.method, target, _body_parts(request))


def _body_parts(request: Request) -> list[bytes]:
    """The body as read by then: a JSON body's bytes (FastAPI read them before the endpoint),
    else the parsed form's fields (FastAPI, or the console's CSRF check, parsed it; its
    bytes are gone), else nothing (a route that reads no body is not changed by one)."""
    body = getattr(request, "_body", None)
    if isinstance(body, bytes):
        return [body]
    form = getattr(request, "_form", None)
    if form is None:
        return []
    parts: list[bytes] = []
    for name, value in form.multi_items():
        parts.append(name.encode())
        if isinstance(value, UploadFile):  # by its hash: a file may be large
            digest = hashlib.sha256()
            value.file.seek(0)
            while chunk := value.file.read(1 << 16):
                digest.update(chunk)
            value.file.seek(0)
            parts += [(value.filename or "").encode(), digest.digest()]
        else:
            parts.append(value.encode())
    return parts


def _keep(session: Session, key_id: int, response: Response, shown_once: bool = False) -> None:
    """Store the answer under the key; an error, or a streamed answer, gives the key back; an
    answer showing a secret once keeps the key and its status only."""
    body = getattr(response, "body", None)
    if response.status_code >= 400 or not isinstance(body, bytes):
        idempotency.release(session, key_id)
        return
    if shown_once:
        idempotency.withhold(session, key_id, status_code=response.status_code)
        return
    headers = [[k, v] for k, v in response.headers.items() if k.lower() not in NOT_KEPT]
    idempotency.store(session, key_id, status_code=response.status_code, headers=headers, body=body)


def _replay(answer: Answer) -> Response:
    response = Response(content=answer.body, status_code=answer.status_code)
    for name, value in answer.headers:
        response.headers.append(name, value)
    response.headers[REPLAYED_HEADER] = "true"
    return response
