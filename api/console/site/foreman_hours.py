"""The crew's hours on the close page (issue 20): the form's fields read into a new version's
changes (times as HH:MM on the shift's day, in the branch's zone), and what the page shows of
the versions. The route is the close page's (api/console/site/foreman_close.py)."""

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from api.console import i18n
from api.console.site.foreman_shifts import hhmm
from api.console.site.words.foreman_hours import WORDS as HOURS_WORDS
from core.errors import InvalidInput
from core.tenancy import Actor
from dispatch.enums import OFFICE
from dispatch.hours.errors import BreakOutOfBounds, EarlyEndOutOfBounds, OvertimeOutOfBounds
from dispatch.models import Order
from dispatch.shift import timesheets

i18n.add(HOURS_WORDS)

TIME_ERRORS: dict[str, type[InvalidInput]] = {
    "overtime_until": OvertimeOutOfBounds,
    "ended_at": EarlyEndOutOfBounds,
}


def _moment(order: Order, zone: ZoneInfo, field: str, value: str) -> datetime | None:
    """HH:MM on the shift's local day; earlier than the start: the next day (past midnight)."""
    value = value.strip()
    if not value:
        return None
    try:
        clock = time.fromisoformat(value)
    except ValueError:
        raise TIME_ERRORS[field](field, "a time as HH:MM") from None
    day = order.starts_at.astimezone(zone).date()
    at = datetime.combine(day, clock.replace(second=0, microsecond=0), zone)
    return at + timedelta(days=1) if at < order.starts_at else at


def changes_of(order: Order, zone: ZoneInfo, form: dict[str, str]) -> dict[str, Any]:
    """The form as a version's changes: every input as the form shows it (blank: none)."""
    raw_break = form.get("break_min", "").strip() or "0"
    try:
        break_min = int(raw_break)
    except ValueError:
        raise BreakOutOfBounds("break_min", "minutes, a whole number") from None
    changes: dict[str, Any] = {
        "break_min": break_min,
        "overtime_until": _moment(order, zone, "overtime_until", form.get("overtime_until", "")),
        "overtime_approved_by": form.get("overtime_approved_by", "").strip() or None,
        "ended_at": _moment(order, zone, "ended_at", form.get("ended_at", "")),
    }
    if reason := form.get("reason", "").strip():
        changes["reason"] = reason
    return changes


def hours_context(
    session: Session, order: Order, actor: Actor, sheet: timesheets.Timesheet
) -> dict[str, Any]:
    """The form's values (the latest version's), who may save it, and the versions."""
    zone = ZoneInfo(sheet.timezone)
    closed = order.closed_at is not None
    versions = timesheets.hours_versions(session, order.id, actor=actor)
    return {
        "can_record": not closed or actor.role in OFFICE,
        "needs_reason": closed,
        "values": {
            "break_min": sheet.break_min,
            "overtime_until": hhmm(sheet.overtime_until, zone) or "",
            "overtime_approved_by": sheet.overtime_approved_by or "",
            "ended_at": hhmm(sheet.early_end_at, zone) or "",
        },
        "versions": [
            {
                "n": v.version,
                "when": v.created_at.astimezone(zone).strftime("%d.%m %H:%M"),
                "who": v.by_name,
                "break_min": v.break_min,
                "overtime_until": hhmm(v.overtime_until, zone),
                "approved_by": v.overtime_approved_by,
                "ended_at": hhmm(v.ended_at, zone),
                "reason": v.reason,
            }
            for v in reversed(versions)  # the newest first
        ],
    }
