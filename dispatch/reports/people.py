"""The workers report (the most and the least reliable over a period, by the rollups) and
the calibration report (predicted fill probability against what happened)."""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.tenancy import Actor
from dispatch.access.privacy import show_workers
from dispatch.reports.models import ReportCalibration, ReportWorkerDay
from dispatch.reports.queries import Period, scope

TOP_N = 10


def _window(period: Period) -> dict[str, str]:
    return {"from": period.first.isoformat(), "to": period.last.isoformat()}


def _worker_sums(session: Session, where: list[Any]) -> list[Any]:
    m = ReportWorkerDay
    return list(
        session.execute(
            select(
                m.worker_id,
                func.sum(m.shifts).label("shifts"),
                func.sum(m.no_shows).label("no_shows"),
                func.sum(m.lates).label("lates"),
            )
            .where(*where)
            .group_by(m.worker_id)
        )
    )


def reliability(shifts: int, no_shows: int) -> float | None:
    """The share of booked shifts the worker turned up for in the period."""
    return round((shifts - no_shows) / shifts, 4) if shifts else None


def _worker_totals(found: list[Any]) -> dict[str, int]:
    return {
        "workers": len(found),
        "shifts": int(sum(r.shifts for r in found)),
        "no_shows": int(sum(r.no_shows for r in found)),
        "lates": int(sum(r.lates for r in found)),
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
    found = _worker_sums(session, [*where, ReportWorkerDay.day.between(period.first, period.last)])
    found = [r for r in found if r.shifts > 0]
    ranked = sorted(
        found, key=lambda r: (-(r.shifts - r.no_shows) / r.shifts, -r.shifts, r.worker_id)
    )
    best = ranked[:top]
    worst = [r for r in reversed(ranked) if r not in best][:top]
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
    previous = _worker_sums(
        session, [*where, ReportWorkerDay.day.between(before.first, before.last)]
    )
    return {
        "report": "workers",
        **_window(period),
        "branch_id": branch_id,
        "rows": rows,
        "totals": _worker_totals(found),
        "previous": {**_window(before), "totals": _worker_totals(previous)},
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
