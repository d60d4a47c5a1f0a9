"""The job that keeps the report rollups: every few minutes, the days touched since its
last run (dispatch/reports/keeping.py)."""

import logging

import dramatiq

from core.broker import setup_broker
from core.clock import now
from dispatch.reports import keeping

setup_broker()

log = logging.getLogger("brigada.jobs")


@dramatiq.actor(actor_name="reports.refresh", max_retries=0, max_age=600_000)
def reports_refresh() -> None:
    """Roll up the branch-days touched since the watermark; a failed day is tried next time."""
    days = keeping.refresh(now())
    log.info("reports: %s branch-days rolled up", days)
