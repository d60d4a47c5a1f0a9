"""Prometheus metrics of the API process."""

import time

from prometheus_client import Counter, Gauge, Histogram
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request

REQUESTS = Counter("brigada_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "brigada_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
JOBS_HEARTBEAT_AGE = Gauge(
    "brigada_jobs_heartbeat_age_seconds",
    "Seconds since a jobs process ran the scheduler's heartbeat (-1: never)",
)


class MetricsMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        # The route template, not the raw path, so ids don't explode the label set.
        route = getattr(request.scope.get("route"), "path", "unmatched")
        LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        return response
