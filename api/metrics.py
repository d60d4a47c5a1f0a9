"""Prometheus metrics of the API process."""

import time

from prometheus_client import Counter, Gauge, Histogram

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
    multiprocess_mode="mostrecent",  # with several API processes: the latest scrape's reading
)
SCHEDULER_LEADERS = Gauge(
    "brigada_scheduler_leaders",
    "Schedulers holding the lead now: 1 healthy, 0 none schedules periodic work (-1: unknown)",
    multiprocess_mode="mostrecent",
)


class MetricsMiddleware:
    """Plain ASGI (not BaseHTTPMiddleware): no extra task and stream per request on the hot path."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client sees when the app raises before answering

        async def send_and_note(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            # The route template, not the raw path, so ids don't explode the label set.
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            LATENCY.labels(method, route).observe(time.perf_counter() - started)
            REQUESTS.labels(method, route, str(status)).inc()
