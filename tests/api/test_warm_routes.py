"""The route table is built at start-up: the first requests after a start build nothing on
the event loop (it once stalled each API process 100-350 ms at the start of a burst)."""

import fastapi.routing
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from core.settings import get_settings

# One path per kind of router: the API, the console, a worker's check-in link, the docs.
FIRST_REQUESTS = ("/healthz", "/api/v1/orders/1", "/console/", "/c/not-a-token", "/docs")


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """The routes FastAPI builds, by path, from now on."""
    built: list[str] = []
    build = fastapi.routing._populate_api_route_state

    def counted(route, path, *args, **kwargs):
        built.append(path)
        return build(route, path, *args, **kwargs)

    monkeypatch.setattr(fastapi.routing, "_populate_api_route_state", counted)
    return built


def test_start_up_builds_every_route_and_the_first_requests_build_none(builds, session_factory):
    app = create_app(get_settings(), session_factory)
    with TestClient(app) as client:  # runs the lifespan, as uvicorn does (warm by default)
        assert "/api/v1/orders/{order_id}/offers/{worker_id}/accept" in builds
        assert "/c/{token}" in builds
        builds.clear()
        for path in FIRST_REQUESTS:
            client.get(path)
    assert builds == []


def test_without_the_start_up_the_first_request_builds_routes(builds, session_factory):
    """What the warm-up is for: were FastAPI to build eagerly again, this fails and
    api/warm.py can go."""
    client = TestClient(create_app(get_settings(), session_factory))  # no lifespan
    client.get("/healthz")
    assert len(builds) > 10


def test_an_app_made_cold_builds_nothing_at_start_up(builds, session_factory):
    """Tests make an app per test (tests/conftest.py): it builds only the routes they walk."""
    with TestClient(create_app(get_settings(), session_factory, warm=False)) as client:
        assert builds == []
        client.get("/healthz")
    assert "/api/v1/orders/{order_id}/offers/{worker_id}/accept" not in builds
