"""The hourly keeping of the monthly partitions (core/partitions.py): the coming months made,
the months past retention dropped. Idempotent: a second run in the hour finds nothing to do."""

import logging
from datetime import datetime

import dramatiq
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core import partitions
from core.broker import setup_broker
from core.clock import now
from core.db import session_scope
from core.settings import get_settings

setup_broker()

log = logging.getLogger("brigada.jobs")


def keep_partitions(
    moment: datetime, factory: sessionmaker[Session] | None = None
) -> dict[str, list[str]]:
    """Each monthly table's partitions made and dropped at `moment`."""
    settings = get_settings()
    done: dict[str, list[str]] = {kept.table: [] for kept in partitions.MONTHLY}
    # Every table's coming months first, each in a transaction of its own: a drop that waits
    # too long for its lock neither undoes them nor leaves a later table without next month.
    for kept in partitions.MONTHLY:
        with session_scope(factory) as session:
            done[kept.table] += partitions.ensure_ahead(
                session, kept, now=moment, ahead=settings.partitions_ahead_months
            )
    for kept in partitions.MONTHLY:
        # Whole months only: a row is kept at least its years, at most a month more.
        years = getattr(settings, kept.keep_years)
        keep_from = partitions.add_months(partitions.month_of(moment), -12 * years)
        try:
            with session_scope(factory) as session:
                done[kept.table] += partitions.drop_before(session, kept, keep_from=keep_from)
        except OperationalError as exc:  # its lock not had in DETACH_WAIT: next hour's run
            log.warning("%s: old months not dropped this run (%s)", kept.table, exc.orig)
    for table, names in done.items():
        if names:
            log.info("%s: partitions made or dropped %s", table, names)
    return done


@dramatiq.actor(actor_name="core.partitions_due", max_retries=3, max_age=3_600_000)
def partitions_due() -> None:
    keep_partitions(now())
