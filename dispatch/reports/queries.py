"""The reports, read from the rollups only (dispatch/reports/models.py): figures grouped by
branch, client, site, skill, weekday, start hour, day or month over a period, their totals
and the totals of the period of equal length before."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, cast, extract, func, select
from sqlalchemy.orm import Session

from core.tenancy import Actor
from dispatch.billing.models import Invoice
from dispatch.models import Branch, Client, Site
from dispatch.registry.errors import BranchNotFound
from dispatch.reports import royalty
from dispatch.reports.errors import BadGroupBy, BadPeriod, ReportNotFound
from dispatch.reports.models import ReportBranchDay, ReportDay

REPORTS = ("fill", "attendance", "money", "workers", "calibration")
GROUPS = ("branch", "client", "site", "skill", "weekday", "hour", "day", "month")
MAX_DAYS = 400
SUMS = {
    "fill": (
        "orders",
        "headcount",
        "booked_by_start",
        "filled_orders",
        "fill_minutes",
        "fill_count",
        "cancelled_client",
        "cancelled_office",
        "worker_late_cancels",
    ),
    "attendance": ("orders", "booked", "arrived", "no_shows", "lates"),
    "money": ("orders", "revenue", "worker_pay", "margin"),
}  # and the money report's royalty: the statements' rule, by royalty.py
MONEY_FIGURES = ("revenue", "worker_pay", "margin", "royalty")
# Groupings a branch's whole day answers: read from report_branch_days (few rows), the rest
# (client, site, skill, hour) from the cells of report_days.
WHOLE_DAY = ("branch", "weekday", "day", "month")


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def before(self) -> "Period":
        """The period of equal length just before (compared with)."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))


def period_of(first: date | None, last: date | None, today: date) -> Period:
    last = last or today
    first = first or last - timedelta(days=29)
    if first > last:
        raise BadPeriod("from", "from is after to")
    if (last - first).days + 1 > MAX_DAYS:
        raise BadPeriod("to", f"a period is at most {MAX_DAYS} days")
    return Period(first, last)


def branches_of(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """The branches the actor may report on, by name."""
    rows = session.execute(
        select(Branch.id, Branch.name).where(actor.branch_filter(Branch.id)).order_by(Branch.name)
    )
    return [(bid, name) for bid, name in rows]


def scope(actor: Actor, branch_id: int | None, column: Any) -> ColumnElement[bool]:
    if branch_id is not None:
        if not actor.sees_branch(branch_id):
            raise BranchNotFound(branch_id)
        found: ColumnElement[bool] = column == branch_id
        return found
    return actor.branch_filter(column)


def group_key(group_by: str, model: Any = ReportDay) -> ColumnElement[Any]:
    if group_by not in GROUPS:
        raise BadGroupBy("group_by", f"group_by is one of {', '.join(GROUPS)}", "query")
    keys: dict[str, Any] = {
        "branch": lambda: model.branch_id,
        "client": lambda: model.client_id,
        "site": lambda: model.site_id,
        "skill": lambda: model.skill,
        "weekday": lambda: cast(extract("isodow", model.day), Integer),
        "hour": lambda: model.start_hour,
        "day": lambda: model.day,
        "month": lambda: cast(func.date_trunc("month", model.day), Date),
    }
    key: ColumnElement[Any] = keys[group_by]()
    return key


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _ratio(num: int, den: int, places: int = 4) -> float | None:
    return round(num / den, places) if den else None


def figures(report: str, sums: dict[str, Any]) -> dict[str, Any]:
    """The sums and the figures made of them, money as strings."""
    out: dict[str, Any] = {}
    for name in SUMS[report]:
        value = sums.get(name) or 0
        out[name] = f"{Decimal(value):.2f}" if name in MONEY_FIGURES else int(value)
    if report == "fill":
        out["fill_rate"] = _ratio(out["booked_by_start"], out["headcount"])
        out["avg_fill_min"] = _ratio(out["fill_minutes"], out["fill_count"], 1)
    elif report == "attendance":
        out["no_show_rate"] = _ratio(out["no_shows"], out["booked"])
        out["late_rate"] = _ratio(out["lates"], out["arrived"])
    return out


def _sums(
    session: Session, report: str, where: list[Any], key: Any = None, model: Any = ReportBranchDay
) -> list[Any]:
    cols = [func.sum(getattr(model, name)).label(name) for name in SUMS[report]]
    query = select(*([key.label("key")] if key is not None else []), *cols).where(*where)
    if key is not None:
        query = query.group_by(key).order_by(key)
    return list(session.execute(query).mappings())


def _labels(session: Session, group_by: str, keys: list[Any]) -> dict[Any, str]:
    model: Any = {"branch": Branch, "client": Client, "site": Site}.get(group_by)
    if model is None or not keys:
        return {k: str(k) for k in keys}
    rows = session.execute(select(model.id, model.name).where(model.id.in_(keys)))
    return {i: name for i, name in rows}


def totals(
    session: Session, report: str, where: list[Any], period: Period, invoiced: list[Any]
) -> dict[str, Any]:
    """The period's sums over the branches in `where` (of report_branch_days); the money
    report's royalty: the statements' rule over the invoices in `invoiced`."""
    in_period = [*where, ReportBranchDay.day.between(period.first, period.last)]
    out = figures(report, dict(_sums(session, report, in_period)[0]))
    if report == "money":
        out["royalty"] = f"{royalty.total(session, invoiced, period.first, period.last):.2f}"
    return out


def _with_royalty(
    session: Session, found: list[Any], invoiced: list[Any], period: Period, group_by: str
) -> list[dict[str, Any]]:
    """The money rows with their royalty (None where invoices do not split: site, skill,
    hour); a key with invoices but no orders gets a row of its own."""
    rows = {r["key"]: {**dict(r), "royalty": None} for r in found}
    if group_by in royalty.KEYS:
        by_key = royalty.royalties(session, invoiced, period.first, period.last, group_by)
        for key in rows.keys() | by_key.keys():
            rows.setdefault(key, {"key": key})["royalty"] = by_key.get(key, royalty.ZERO)
    return [rows[k] for k in sorted(rows)]


def grouped(
    session: Session,
    report: str,
    *,
    actor: Actor,
    period: Period,
    group_by: str,
    branch_id: int | None,
) -> dict[str, Any]:
    """fill, attendance or money: rows by group_by, totals, and the period before's totals."""
    if report not in SUMS:
        raise ReportNotFound("report", report)
    model: Any = ReportBranchDay if group_by in WHOLE_DAY else ReportDay
    key = group_key(group_by, model)
    in_period = [
        scope(actor, branch_id, model.branch_id),
        model.day.between(period.first, period.last),
    ]
    found: list[Any] = _sums(session, report, in_period, key, model)
    where = [scope(actor, branch_id, ReportBranchDay.branch_id)]
    invoiced = [scope(actor, branch_id, Invoice.branch_id)]
    if report == "money":
        found = _with_royalty(session, found, invoiced, period, group_by)
    labels = _labels(session, group_by, [r["key"] for r in found])
    rows = [
        {
            "key": r["key"].isoformat() if isinstance(r["key"], date) else r["key"],
            "label": labels.get(r["key"], str(r["key"])),
            **figures(report, dict(r)),
            **({"royalty": _money(r["royalty"])} if report == "money" else {}),
        }
        for r in found
    ]
    before = period.before()
    return {
        "report": report,
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "group_by": group_by,
        "branch_id": branch_id,
        "rows": rows,
        "totals": totals(session, report, where, period, invoiced),
        "previous": {
            "from": before.first.isoformat(),
            "to": before.last.isoformat(),
            "totals": totals(session, report, where, before, invoiced),
        },
    }
