"""The FastAPI application, built by a factory so tests and processes choose their parts."""

import gc
import sys
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread
import redis
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from api import errors, idempotency
from api.auth import LoginLimiter
from api.auth import router as auth_router
from api.console import routes as console
from api.deps import ApiKeyLimiter, WorkerReadLimiter
from api.metrics import MetricsMiddleware
from api.routes import audit, docs, fill, health, home, orders, penalties, shift, texts, twilio
from api.routes import rates as rate_cards
from api.routes import repeat as repeat_orders
from api.routes import signoff as timesheet_signoff  # issue 18: sign-off of hours
from api.routes.billing.routes import router as billing_router  # issue 21: invoices
from api.routes.changes.order_extras import router as order_extras_router  # issue 17
from api.routes.hooks.routes import router as webhooks_router  # issue 18: clients' webhooks
from api.routes.network import call_centre as call_centre_routes  # issue 21: the call centre
from api.routes.network import organisations as network_routes  # issue 21: organisations
from api.routes.payouts.routes import router as payouts_router  # issue 21: payout batches
from api.routes.quality.routes import router as quality_router  # issue 18, item 3
from api.routes.registry import branches, clients, sites, users, vetting, wording, workers
from api.routes.registry.client_users import router as client_users_router  # issue 18
from api.routes.reports import routes as network_reports  # issue 21: reports from the rollups
from api.warm import build_routes
from core import logmask
from core.db import get_replica_sessionmaker, get_sessionmaker
from core.settings import Settings, get_settings
from sms.ratelimit import InboundLimiter

# Request bodies larger than this are refused with 413 before they are read: JSON and forms
# (a Twilio webhook is a few kilobytes); the CSV import route allows its own, larger size.
MAX_BODY_BYTES = 1024 * 1024
# Threads beyond the session slots; no more than the engine's overflow connections (MAX_OVERFLOW).
SPARE_THREADS = 4


def create_app(
    settings: Settings | None = None,
    session_factory: sessionmaker[Session] | None = None,
    *,
    warm: bool = True,  # a serving process; tests' apps skip it (0.3 s an app, frozen for good)
) -> FastAPI:
    settings = settings or get_settings()
    logmask.install(settings)  # before anything logs: phones and secrets never reach a log

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        # Sync routes run in anyio's threads. At most db_pool_size requests hold a session (and
        # so a connection) at once; the spare threads let the one holding a lock that the
        # others wait for always find a thread to answer and commit in, and /readyz one too.
        threads = settings.db_pool_size + SPARE_THREADS
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        if warm:  # once per process: a frozen app is never freed
            await build_routes(_app)  # before the freeze below: the built routes live as long
            # What start-up built lives as long as the process: keep it out of every full
            # collection (they took 20-90 ms each under load, stalling every request in flight).
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
        # Our own /docs serves Swagger UI from the app (api/routes/docs.py), not from a CDN;
        # ReDoc, which only a CDN would serve, is off: /docs is the one API console.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.sessionmaker = session_factory or get_sessionmaker()
    # The reports' reads (api/deps.py REPORTS_DB): the replica's sessions, or None: the primary.
    app.state.reports_sessionmaker = get_replica_sessionmaker(settings.database_replica_url)
    app.state.session_slots = anyio.Semaphore(settings.db_pool_size)  # see api/deps.py
    app.state.login_limiter = LoginLimiter(settings)
    app.state.worker_read_limiter = WorkerReadLimiter(settings)
    app.state.api_key_limiter = ApiKeyLimiter(settings)
    app.state.inbound_limiter = InboundLimiter(settings.redis_url, settings.sms_inbound_rate)
    app.state.redis = redis.Redis.from_url(settings.redis_url, socket_timeout=2)
    app.add_middleware(MetricsMiddleware)
    errors.install(app)
    console.install(app)
    for router in (
        home.router,
        docs.router,
        health.router,
        auth_router,
        branches.router,
        clients.router,
        sites.router,
        workers.router,
        vetting.router,
        users.router,
        audit.router,
        orders.router,
        fill.router,
        order_extras_router,
        shift.router,
        penalties.router,
        texts.router,
        twilio.router,
        wording.router,
        repeat_orders.router,
        client_users_router,  # issue 18: a client's users, API keys and agreed rates
        timesheet_signoff.router,
        webhooks_router,
        quality_router,
        rate_cards.router,  # issue 21: the branch's rate card
        billing_router,  # issue 21: invoices, acts, royalty statements
        network_routes.router,
        call_centre_routes.router,
        network_reports.router,
        payouts_router,
    ):
        app.include_router(router)
    idempotency.install(app)  # issue 20: Idempotency-Key on every state-changing route
    return app
