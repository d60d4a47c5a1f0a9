"""A handler that uses the blocking database session must be a plain `def`: FastAPI runs it
in the thread pool. As `async def` it would run on the event loop, and a wait there (a row
lock, a slow query) would stall every other request. Forms are read by async dependencies."""

import inspect
from collections.abc import Iterator

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.deps import get_session


def _uses_session(dependant: Dependant) -> bool:
    return any(sub.call is get_session or _uses_session(sub) for sub in dependant.dependencies)


def _api_routes(routes) -> Iterator[APIRoute]:
    """Every route, those of included routers too (FastAPI keeps them as nested routers)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        nested = getattr(route, "original_router", None)
        if nested is not None:
            yield from _api_routes(nested.routes)


def test_no_async_handler_holds_the_blocking_session(app):
    routes = list(_api_routes(app.routes))
    assert any(route.path.endswith("/settings") for route in routes)  # the walk finds them
    async_with_session = [
        route.path
        for route in routes
        if inspect.iscoroutinefunction(route.endpoint) and _uses_session(route.dependant)
    ]
    assert async_with_session == []
