"""Liveness, readiness and metrics."""

from tests.builders import auth, make_user


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"ready": True, "database": "ok", "redis": "ok"}


def test_readyz_is_503_naming_what_is_down():
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import sessionmaker

    from api.main import create_app
    from core.db import make_engine
    from core.settings import Settings, get_settings

    # Nothing listens on port 1: real refused connections, no fakes.
    settings = Settings(**{**get_settings().model_dump(), "redis_url": "redis://127.0.0.1:1/0"})
    dead_db = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/brigada?connect_timeout=2")
    with TestClient(create_app(settings, sessionmaker(bind=dead_db), warm=False)) as client:
        answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json() == {
        "ready": False,
        "database": "error: OperationalError",
        "redis": "error: ConnectionError",
    }


def test_metrics_count_requests_by_route_template(client, session):
    admin = make_user(session, role="admin")
    client.get("/api/v1/branches/424242", headers=auth(admin))
    text = client.get("/metrics").text
    assert 'route="/api/v1/branches/{branch_id}"' in text
    assert 'status="404"' in text
    assert "brigada_jobs_heartbeat_age_seconds" in text


def _gauge(text: str, name: str) -> float:
    return next(
        float(line.split()[-1]) for line in text.splitlines() if line.startswith(name + " ")
    )


def test_metrics_count_the_scheduler_leaders(client):
    from core.leader import Leadership
    from core.settings import get_settings

    assert _gauge(client.get("/metrics").text, "brigada_scheduler_leaders") == 0
    leader = Leadership(get_settings().database_url)
    try:
        assert leader.claim()
        assert _gauge(client.get("/metrics").text, "brigada_scheduler_leaders") == 1
    finally:
        leader.release()


def test_openapi_documents_the_registry(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/auth/token",
        "/api/v1/branches",
        "/api/v1/workers/import",
        "/api/v1/sites/{site_id}",
        "/readyz",
    ):
        assert path in paths
