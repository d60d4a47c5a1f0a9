"""The route table, built before the first request rather than during it."""

from fastapi import FastAPI
from starlette.types import Message

# A path no route answers: matching it walks every router, so every route gets built.
NO_SUCH_PATH = "/.warm-up/no-such-route"


async def build_routes(app: FastAPI) -> None:
    """FastAPI (0.137 on) builds an included router's routes, their dependencies and models,
    on the first request that walks through it, on the event loop: 100-350 ms during which
    the process answered nothing, /healthz included, at the start of the first burst after a
    start. Walk them all once at start-up instead."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": NO_SUCH_PATH,
        "raw_path": NO_SUCH_PATH.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "server": ("127.0.0.1", 0),
        "client": ("127.0.0.1", 0),
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_message: Message) -> None:  # the 404 goes nowhere
        return None

    await app.router(scope, receive, send)
