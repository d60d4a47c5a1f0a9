"""The order page's Repeat section (dispatch/repeat/): a copy of the order for another date
and start time, and weekly patterns, listed with the orders each placed and a delete button.
The order page loads the section by htmx; without it, and after a refused form, it is a page
of its own (errors beside the fields, the values kept). The rules are the domain's."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.i18n import translator
from api.console.office.words.order_repeat import WORDS
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB
from api.deps import OFFICE as OFFICE_ROLES
from api.schemas.common import IdPath
from core.clock import now
from core.dates import DateInvalid, clock_time, parse_date
from core.errors import Conflict, InvalidInput
from core.tenancy import Actor
from dispatch.models import Order
from dispatch.orders import service as orders
from dispatch.repeat import copies, patterns
from dispatch.repeat.errors import PatternNotFound
from dispatch.repeat.patterns import PatternInput

router = APIRouter(prefix=PREFIX, include_in_schema=False)
OFFICE = staff(*OFFICE_ROLES)
WEEKDAYS = range(1, 8)
# The domain names a copy's start by its stored name; the form asks for a local date and time.
FORM_FIELD = {"starts_at": "start", "ends_at": "start"}

i18n.add(WORDS)


def _local(order: Order) -> datetime:
    return order.starts_at.astimezone(ZoneInfo(order.branch.timezone))


def _defaults(order: Order, at: datetime) -> dict:
    """The copy: the order's start time on the day after its own, never before tomorrow. The
    pattern: the order's weekday, four weeks on, placed a day ahead."""
    start = _local(order)
    tomorrow = at.astimezone(start.tzinfo).date() + timedelta(days=1)
    return {
        "date": max(tomorrow, start.date() + timedelta(days=1)).isoformat(),
        "start": start.strftime("%H:%M"),
        "weekdays": [str(start.isoweekday())],
        "until": (start.date() + timedelta(days=28)).isoformat(),
        "lead_h": "24",
    }


def _context(request: Request, session: Session, actor: Actor, order: Order, **extra) -> dict:
    t = translator(language(request))
    zone = ZoneInfo(order.branch.timezone)
    found = patterns.list_patterns(session, actor=actor, order_id=order.id)
    placed = patterns.placed_orders(session, [p.id for p in found])
    lines = []
    for pattern in found:
        days = ", ".join(t(f"repeat_wd_{d}") for d in pattern.weekdays)
        until = pattern.until.strftime("%d.%m.%Y")
        lines.append(
            {
                "pattern": pattern,
                "text": t("repeat_pattern_line").format(
                    days=days, until=until, lead=pattern.lead_h
                ),
                "delete_label": t("repeat_delete_label").format(days=days, until=until),
                "placed": [
                    (o, o.starts_at.astimezone(zone).strftime("%d.%m.%Y %H:%M"))
                    for o in placed[pattern.id]
                ],
            }
        )
    values = _defaults(order, now())
    values.update(extra.pop("values", {}))
    return {
        "order": order,
        "lines": lines,
        "values": values,
        "errors": extra.pop("errors", {}),
        "form": extra.pop("form", ""),
        "weekdays": WEEKDAYS,
        **extra,
    }


def _page(
    request: Request, session: Session, actor: Actor, order: Order, status_code: int = 200, **extra
) -> HTMLResponse:
    context = _context(request, session, actor, order, **extra)
    if request.headers.get("HX-Request") and status_code == 200:
        return render(request, "order_repeat_section.html", context, actor=actor)
    return render(request, "order_repeat_page.html", context, actor=actor, status_code=status_code)


def _order(session: Session, actor: Actor, order_id: int) -> Order:
    return orders.get_order(session, order_id, actor=actor, options=orders.ORDER_BRANCH)


@router.get("/orders/{order_id}/repeat")
def repeat_section(
    request: Request, order_id: IdPath, actor: Actor = Depends(OFFICE), session: Session = DB
):
    """The section (htmx, from the order page) or, opened by itself, its own page."""
    return _page(request, session, actor, _order(session, actor, order_id))


def _parse_day(raw: str, field: str, zone: ZoneInfo, t, errors: dict) -> date | None:
    if not raw.strip():
        errors[field] = t("repeat_err_required")
        return None
    try:
        day = parse_date(raw, field)
    except DateInvalid:
        errors[field] = t("repeat_err_date")
        return None
    if day < now().astimezone(zone).date():
        errors[field] = t("repeat_err_past_date")
    return day


@router.post("/orders/{order_id}/repeat/copy", dependencies=[Depends(csrf_checked)])
def copy_order(
    request: Request,
    order_id: IdPath,
    day: str = Form("", alias="date", max_length=20),
    start: str = Form("", max_length=10),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
):
    t = translator(language(request))
    order = _order(session, actor, order_id)  # another branch's: 404
    zone = ZoneInfo(order.branch.timezone)
    values = {"date": day, "start": start}
    errors: dict[str, str] = {}
    parsed_day = _parse_day(day, "date", zone, t, errors)
    at = clock_time(start)
    if at is None:
        errors["start"] = t("repeat_err_time" if start.strip() else "repeat_err_required")
    if not errors and parsed_day is not None and at is not None:
        starts_at = datetime.combine(parsed_day, at, tzinfo=zone)
        try:
            with session.begin_nested():  # a refusal leaves nothing half-done
                copy = copies.copy_order(
                    session, order.id, actor=actor, starts_at=starts_at, now=now()
                )
        except (InvalidInput, Conflict) as exc:
            field = exc.loc[-1] if isinstance(exc, InvalidInput) else ""
            errors[FORM_FIELD.get(str(field), "copy")] = explain(exc, t)
        else:
            return RedirectResponse(f"{PREFIX}/orders/{copy.id}", status_code=303)
    return _page(request, session, actor, order, 422, values=values, errors=errors, form="copy")


@router.post("/orders/{order_id}/repeat/patterns", dependencies=[Depends(csrf_checked)])
def create_pattern(
    request: Request,
    order_id: IdPath,
    weekdays: list[str] = Form([]),
    until: str = Form("", max_length=20),
    lead_h: str = Form("", max_length=4),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
):
    t = translator(language(request))
    order = _order(session, actor, order_id)
    zone = ZoneInfo(order.branch.timezone)
    values = {"weekdays": weekdays, "until": until, "lead_h": lead_h}
    errors: dict[str, str] = {}
    days = [int(d) for d in weekdays if d in {str(n) for n in WEEKDAYS}]
    if not days or len(days) != len(weekdays):
        errors["weekdays"] = t("repeat_err_weekdays")
    last_day = _parse_day(until, "until", zone, t, errors)
    lead = lead_h.strip()
    if not lead.isascii() or not lead.isdigit():
        errors["lead_h"] = t("repeat_err_whole" if lead else "repeat_err_required")
    if not errors and last_day is not None:
        data = PatternInput(order.id, days, last_day, int(lead))
        try:
            with session.begin_nested():
                patterns.create_pattern(session, actor=actor, data=data, now=now())
        except (InvalidInput, Conflict) as exc:
            field = exc.loc[-1] if isinstance(exc, InvalidInput) else "pattern"
            errors[str(field)] = explain(exc, t)
        else:
            return RedirectResponse(f"{PREFIX}/orders/{order.id}#repeat", status_code=303)
    return _page(request, session, actor, order, 422, values=values, errors=errors, form="pattern")


@router.post(
    "/orders/{order_id}/repeat/patterns/{pattern_id}/delete",
    dependencies=[Depends(csrf_checked)],
)
def delete_pattern(
    order_id: IdPath,
    pattern_id: IdPath,
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
):
    order = _order(session, actor, order_id)
    if patterns.get_pattern(session, pattern_id, actor=actor).order_id != order.id:
        raise PatternNotFound(pattern_id)  # a pattern of another order: not on this page
    patterns.stop_pattern(session, pattern_id, actor=actor, now=now())  # another's: 404
    return RedirectResponse(f"{PREFIX}/orders/{order.id}#repeat", status_code=303)
