"""Liveness, readiness and Prometheus metrics."""

import os

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import text

from api.metrics import JOBS_HEARTBEAT_AGE, SCHEDULER_LEADERS
from core.heartbeat import last_beat_age_s
from core.leader import leaders

router = APIRouter(tags=["health"])


# async: answered on the event loop, needing no thread or connection a burst could hold.
@router.get("/healthz")
async def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        with request.app.state.sessionmaker() as session:
            session.execute(text("SELECT postgis_version()"))
        checks["database"] = "ok"
    except Exception as exc:  # any failure means not ready; say which
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        request.app.state.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"error: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)


@router.get("/metrics")
def metrics(request: Request) -> Response:
    try:
        age = last_beat_age_s()
        JOBS_HEARTBEAT_AGE.set(-1 if age is None else age)
    except Exception:
        JOBS_HEARTBEAT_AGE.set(-1)
    try:  # read from PostgreSQL's lock table: the schedulers serve no metrics of their own
        with request.app.state.sessionmaker() as session:
            SCHEDULER_LEADERS.set(leaders(session))
    except Exception:
        SCHEDULER_LEADERS.set(-1)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # several API processes: sum them all
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
