"""/console/reports: the period (presets), the branch (the reader's), the grouping, one tab
per report with its chart (Chart.js, drawn by static/reports.js from a data-* attribute: no
inline script), the same numbers as a table, and the CSV."""

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from api.console.i18n import translator
from api.console.reports.answers import FIGURES, answer, columns_of, count_read, table_of
from api.console.web import PREFIX, language, render, staff
from api.deps import DB, REPORTS_DB
from api.exports import csv_for
from api.schemas.common import IdQuery
from core.clock import now
from core.tenancy import Actor
from dispatch.reports.queries import GROUPS, REPORTS, branches_of

router = APIRouter(prefix=PREFIX, include_in_schema=False)
READERS = staff("admin", "manager", "owner")
# What each chart draws: the figure per row (the calibration: predicted against actual).
CHARTED = {
    "fill": ["fill_rate"],
    "attendance": ["no_show_rate", "late_rate"],
    "money": ["revenue", "worker_pay", "margin", "royalty"],
    "workers": ["reliability"],
}
RATES = {"fill_rate", "no_show_rate", "late_rate", "reliability", "predicted", "actual"}


def presets(today: date) -> list[tuple[str, date, date]]:
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    return [
        ("rep_this_month", first, today),
        ("rep_last_month", last_month_end.replace(day=1), last_month_end),
        ("rep_last_7", today - timedelta(days=6), today),
        ("rep_last_30", today - timedelta(days=29), today),
    ]


def chart_of(name: str, found: dict[str, Any], t) -> dict[str, Any]:  # noqa: ANN001
    rows = found["rows"]
    if name == "calibration":
        points = [{"x": r["predicted"], "y": r["actual"]} for r in rows]
        return {
            "kind": "calibration",
            "datasets": [
                {"label": t("rep_report_calibration"), "data": points},
                {"label": t("rep_diagonal"), "data": [{"x": 0, "y": 0}, {"x": 1, "y": 1}]},
            ],
        }
    if name == "workers":
        labels = [r["name"] or f"#{r['worker_id']}" for r in rows]
    else:
        labels = [str(r["label"]) for r in rows]
    return {
        "kind": "bar",
        "labels": labels,
        "datasets": [
            {"label": t(f"rep_col_{f}"), "data": [float(r[f] or 0) for r in rows]}
            for f in CHARTED[name]
        ],
    }


def shown(column: str, value: Any) -> str:
    if value is None:
        return "—"
    if column in RATES and isinstance(value, float):
        return f"{value * 100:.1f} %"
    if column == "rank":
        return value
    return str(value)


@router.get("/reports")
def reports_page(
    request: Request,
    tab: str = Query("fill", pattern="^(fill|attendance|money|workers|calibration)$"),
    from_: date | None = Query(None, alias="from"),
    to: date | None = None,
    branch_id: IdQuery = None,
    group_by: str = Query("branch", pattern="^(" + "|".join(GROUPS) + ")$"),
    actor: Actor = Depends(READERS),
    session: Session = DB,
    reader: Session = REPORTS_DB,
):
    today = now().date()
    count_read(request, actor, tab)
    found = answer(
        reader, actor, tab, primary=session, first=from_, last=to, group_by=group_by,
        branch_id=branch_id, today=today,
    )  # fmt: skip
    t = translator(language(request))
    query = {"from": found["from"], "to": found["to"], "group_by": group_by}
    if branch_id:
        query["branch_id"] = str(branch_id)
    columns = columns_of(tab)
    context = {
        "tab": tab,
        "tabs": REPORTS,
        "found": found,
        "groups": GROUPS,
        "group_by": group_by,
        "branch_id": branch_id,
        "branches": branches_of(session, actor),
        "presets": [(key, f.isoformat(), la.isoformat()) for key, f, la in presets(today)],
        "query": query,
        "qs": lambda **more: urlencode({**query, **more}),
        "columns": columns,
        "cells": [[shown(c, row.get(c)) for c in columns] for row in found["rows"]],
        "totals": found["totals"],
        "previous": found["previous"]["totals"],
        "total_columns": [c for c in FIGURES[tab] if c in found["totals"]],
        "chart": chart_of(tab, found, t),
        "shown": shown,
    }
    return render(request, "reports.html", context, actor=actor)


@router.get("/reports.csv")
def report_csv(
    request: Request,
    tab: str = Query("fill", pattern="^(fill|attendance|money|workers|calibration)$"),
    from_: date | None = Query(None, alias="from"),
    to: date | None = None,
    branch_id: IdQuery = None,
    group_by: str = "branch",
    actor: Actor = Depends(READERS),
    session: Session = DB,
    reader: Session = REPORTS_DB,
):
    count_read(request, actor, tab)
    found = answer(
        reader, actor, tab, primary=session, first=from_, last=to, group_by=group_by,
        branch_id=branch_id, today=now().date(),
    )  # fmt: skip
    return csv_for(request, table_of(tab, found), f"report-{tab}-{found['from']}.csv")
