"""The workers report (the most and the least reliable over a period, by the rollups) and
the calibration report (predicted fill probability against what happened)."""

from typing import Any

from sqlalchemy import BigInteger, Float, cast, func, literal, select, union_all
from sqlalchemy.orm import Session

from core.tenancy import Actor
from dispatch.access.privacy import show_workers
from dispatch.reports.models import ReportCalibration, ReportWorkerDay
from dispatch.reports.queries import Period, scope

TOP_N = 10


def _window(period: Period) -> dict[str, str]:
    return {"from": period.first.isoformat(), "to": period.last.isoformat()}


def _ranked(
    session: Session, where: list[Any], period: Period, top: int
) -> tuple[list[Any], list[Any], dict[str, int], dict[str, int]]:
    """The `top` most and the `top` least reliable workers of the period (ties: more shifts
    first, then by id; the least reliable from the ranking's end), the period's totals and
    the period before's: one scan of both periods' rollups, ranked in the database, so only
    those rows leave it, not every worker's sums."""
    m = ReportWorkerDay
    before = period.before()
    in_period, in_before = m.day >= period.first, m.day <= before.last  # of the scan below
    figures = (m.shifts, m.no_shows, m.lates)
    sums = (
        select(
            m.worker_id,
            *(func.sum(x).filter(in_period).label(x.key) for x in figures),
            *(func.sum(x).filter(in_before).label(f"before_{x.key}") for x in figures),
            func.count().filter(in_before).label("before_days"),
        )
        .where(*where, m.day.between(before.first, period.last))
        .group_by(m.worker_id)
        .cte("sums")
    )
    c = sums.c
    ranked = c.shifts > 0  # the period's workers (a worker only in the period before: NULL)
    # float8, as Python's division: the same order as _rank_key, ties and all
    came = cast(c.shifts - c.no_shows, Float) / c.shifts
    summed = (c.worker_id, c.shifts, c.no_shows, c.lates)
    best = (
        select(literal("top").label("part"), *summed)
        .where(ranked)
        .order_by(came.desc(), c.shifts.desc(), c.worker_id)
        .limit(top)
        .subquery()
    )
    worst = (
        select(literal("bottom").label("part"), *summed)
        .where(ranked)
        .order_by(came, c.shifts, c.worker_id.desc())
        .limit(top)
        .subquery()
    )

    def totals(name: str, counted: Any, columns: tuple[Any, ...]) -> Any:
        # bigint, as the figures above (a numeric would turn them Decimal)
        return select(
            literal(name),
            func.count().filter(counted),
            *(cast(func.coalesce(func.sum(x).filter(counted), 0), BigInteger) for x in columns),
        )

    rows = session.execute(
        union_all(
            select(best),
            select(worst),
            totals("totals", ranked, summed[1:]),
            totals(
                "before", c.before_days > 0, (c.before_shifts, c.before_no_shows, c.before_lates)
            ),
        )
    ).all()
    total, previous = (
        _totals(*next(r for r in rows if r.part == p)[1:]) for p in ("totals", "before")
    )
    best_rows = sorted((r for r in rows if r.part == "top"), key=_rank_key)
    # The ranking read from its end, leaving out the best (a short list has fewer).
    worst_rows = sorted((r for r in rows if r.part == "bottom"), key=_rank_key, reverse=True)
    return best_rows, worst_rows[: max(0, min(top, total["workers"] - top))], total, previous


def _rank_key(r: Any) -> tuple[float, int, int]:
    return (-(r.shifts - r.no_shows) / r.shifts, -r.shifts, r.worker_id)


def reliability(shifts: int, no_shows: int) -> float | None:
    """The share of booked shifts the worker turned up for in the period."""
    return round((shifts - no_shows) / shifts, 4) if shifts else None


def _totals(workers: int, shifts: int, no_shows: int, lates: int) -> dict[str, int]:
    return {
        "workers": int(workers),
        "shifts": int(shifts),
        "no_shows": int(no_shows),
        "lates": int(lates),
    }


def workers(
    session: Session,
    *,
    actor: Actor,
    period: Period,
    branch_id: int | None,
    top: int = TOP_N,
    names: Session | None = None,
) -> dict[str, Any]:
    """Top and bottom `top` workers by reliability (ties: more shifts first), names by the
    privacy rule (the read is audited), read in `names` (the primary, where the audit row is
    written) when the rollups come from a read replica's `session`."""
    where = [scope(actor, branch_id, ReportWorkerDay.branch_id)]
    best, worst, total, previous = _ranked(session, where, period, top)
    chosen = [("top", r) for r in best] + [("bottom", r) for r in worst]
    shown = show_workers(
        names or session,
        actor=actor,
        worker_ids=[r.worker_id for _, r in chosen],
        via="report.workers",
        branch_id=branch_id,
        **_window(period),
    )
    rows = [
        {
            "rank": rank,
            "worker_id": r.worker_id,
            "name": shown[r.worker_id].name if r.worker_id in shown else None,
            "shifts": int(r.shifts),
            "no_shows": int(r.no_shows),
            "lates": int(r.lates),
            "reliability": reliability(r.shifts, r.no_shows),
        }
        for rank, r in chosen
    ]
    before = period.before()
    return {
        "report": "workers",
        **_window(period),
        "branch_id": branch_id,
        "rows": rows,
        "totals": total,
        "previous": {**_window(before), "totals": previous},
    }


def _calibration_totals(session: Session, where: list[Any]) -> dict[str, Any]:
    m = ReportCalibration
    orders, filled, predicted = session.execute(
        select(func.count(), func.count().filter(m.filled), func.avg(m.predicted)).where(*where)
    ).one()
    return {
        "orders": orders,
        "filled": filled,
        "predicted": round(predicted, 4) if predicted is not None else None,
        "actual": round(filled / orders, 4) if orders else None,
    }


def calibration(
    session: Session, *, actor: Actor, period: Period, branch_id: int | None
) -> dict[str, Any]:
    """Per tenth of predicted probability: the orders, how many filled, and the share."""
    m = ReportCalibration
    where = [scope(actor, branch_id, m.branch_id)]
    in_period = [*where, m.day.between(period.first, period.last)]
    found = session.execute(
        select(
            m.bucket,
            func.avg(m.predicted),
            func.count(),
            func.count().filter(m.filled),
        )
        .where(*in_period)
        .group_by(m.bucket)
        .order_by(m.bucket)
    )
    rows = [
        {
            "bucket": f"{bucket / 10:.1f}-{(bucket + 1) / 10:.1f}",
            "predicted": round(avg, 4),
            "orders": orders,
            "filled": filled,
            "actual": round(filled / orders, 4),
        }
        for bucket, avg, orders, filled in found
    ]
    before = period.before()
    return {
        "report": "calibration",
        **_window(period),
        "branch_id": branch_id,
        "rows": rows,
        "totals": _calibration_totals(session, in_period),
        "previous": {
            **_window(before),
            "totals": _calibration_totals(
                session, [*where, m.day.between(before.first, before.last)]
            ),
        },
    }
