"""The FastAPI application, built by a factory so tests and processes choose their parts."""

import gc
import sys
from contextlib import asynccontextmanager

import anyio.to_thread
import redis
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from api import errors
from api.auth import LoginLimiter
from api.auth import router as auth_router
from api.console import routes as console
from api.deps import WorkerReadLimiter
from api.metrics import MetricsMiddleware
from api.routes import (
    audit,
    branches,
    clients,
    health,
    messages,
    onsite,
    orders,
    sites,
    twilio,
    users,
    wording,
    workers,
)
from core import logmask
from core.db import get_sessionmaker
from core.settings import Settings, get_settings

# Request bodies larger than this are refused with 413 before they are read: JSON and forms
# (a Twilio webhook is a few kilobytes); the CSV import route allows its own, larger size.
MAX_BODY_BYTES = 1024 * 1024


def create_app(
    settings: Settings | None = None, session_factory: sessionmaker[Session] | None = None
) -> FastAPI:
    settings = settings or get_settings()
    logmask.install(settings)  # before anything logs: phones and secrets never reach a log

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        # Sync routes run in anyio's threads: no more at once than the pool has connections.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.db_pool_size
        # What start-up built lives as long as the process: keep it out of every full collection
        # (they took 20-90 ms each under load, stalling every request in flight).
        gc.collect()
        gc.freeze()
        # The event loop hands requests to threads: let it take the GIL back sooner than 5 ms.
        sys.setswitchinterval(0.001)
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="Brigada",
        version="0.1.0",
        description="Dispatch for day-labour staffing firms: orders in, crews out.",
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.settings = settings
    app.state.sessionmaker = session_factory or get_sessionmaker()
    app.state.login_limiter = LoginLimiter(settings)
    app.state.worker_read_limiter = WorkerReadLimiter(settings)
    app.state.redis = redis.Redis.from_url(settings.redis_url, socket_timeout=2)
    app.add_middleware(MetricsMiddleware)
    errors.install(app)
    console.install(app)
    for router in (
        health.router,
        auth_router,
        branches.router,
        clients.router,
        sites.router,
        workers.router,
        users.router,
        audit.router,
        orders.router,
        onsite.router,
        messages.router,
        twilio.router,
        wording.router,
    ):
        app.include_router(router)
    return app
