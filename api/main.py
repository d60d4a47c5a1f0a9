"""The FastAPI application, built by a factory so tests and processes choose their parts."""

import redis
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from api import errors
from api.auth import LoginLimiter
from api.auth import router as auth_router
from api.metrics import MetricsMiddleware
from api.routes import (
    audit,
    branches,
    clients,
    health,
    messages,
    orders,
    sites,
    twilio,
    users,
    wording,
    workers,
)
from core.db import get_sessionmaker
from core.settings import Settings, get_settings


def create_app(
    settings: Settings | None = None, session_factory: sessionmaker[Session] | None = None
) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Brigada",
        version="0.1.0",
        description="Dispatch for day-labour staffing firms: orders in, crews out.",
    )
    app.state.settings = settings
    app.state.sessionmaker = session_factory or get_sessionmaker()
    app.state.login_limiter = LoginLimiter(settings)
    app.state.redis = redis.Redis.from_url(settings.redis_url, socket_timeout=2)
    app.add_middleware(MetricsMiddleware)
    errors.install(app)
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
        messages.router,
        twilio.router,
        wording.router,
    ):
        app.include_router(router)
    return app
