"""A report's answer (the same for the API and the console) and its CSV table."""

from datetime import date
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.reports.words import SHARED_CSV, WORDS
from api.deps import limit_worker_reads
from core.csvsafe import Table
from core.tenancy import Actor
from dispatch.reports import people
from dispatch.reports.errors import ReportNotFound
from dispatch.reports.queries import REPORTS, grouped, period_of

i18n.add(WORDS)

# Columns of each report's CSV, in order (their headers: words csv_rep_<column>, or the
# other exports' word: SHARED_CSV).
FIGURES = {
    "fill": [
        "orders",
        "headcount",
        "booked_by_start",
        "fill_rate",
        "filled_orders",
        "avg_fill_min",
        "cancelled_client",
        "cancelled_office",
        "worker_late_cancels",
    ],
    "attendance": ["orders", "booked", "arrived", "no_shows", "no_show_rate", "lates", "late_rate"],
    "money": ["orders", "revenue", "worker_pay", "margin", "royalty"],
    "workers": ["rank", "worker_id", "name", "shifts", "no_shows", "lates", "reliability"],
    "calibration": ["bucket", "predicted", "orders", "filled", "actual"],
}


def count_read(request: Request, actor: Actor, name: str) -> None:
    """The workers report names workers: one worker read per request, as the other lists
    (api/deps.py), counted before the read so a refused one shows and audits nobody."""
    if name == "workers":
        limit_worker_reads(request, actor)


def answer(
    reader: Session,
    actor: Actor,
    name: str,
    *,
    primary: Session,
    first: date | None,
    last: date | None,
    group_by: str,
    branch_id: int | None,
    today: date,
) -> dict[str, Any]:
    """`reader` reads the rollups (the replica's session, or the primary's: api/deps.py
    REPORTS_DB); the workers' names are read, and their read audited, on `primary`."""
    if name not in REPORTS:
        raise ReportNotFound("report", name)
    period = period_of(first, last, today)
    if name == "workers":
        return people.workers(
            reader, actor=actor, period=period, branch_id=branch_id, names=primary
        )
    if name == "calibration":
        return people.calibration(reader, actor=actor, period=period, branch_id=branch_id)
    return grouped(reader, name, actor=actor, period=period, group_by=group_by, branch_id=branch_id)


def columns_of(name: str) -> list[str]:
    grouped_by = [] if name in ("workers", "calibration") else ["key", "label"]
    return grouped_by + FIGURES[name]


def table_of(name: str, found: dict[str, Any]) -> Table:
    columns = columns_of(name)
    rows = [[row.get(c) for c in columns] for row in found["rows"]]
    return Table([SHARED_CSV.get(c, f"rep_{c}") for c in columns], rows, "UTC")
