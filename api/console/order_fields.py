"""The fields every order form shares, read once: how many, the date, the start and the end
(the shift in the branch's time) and, where the form shows them, the two rates. The office's
new-order and change forms (api/console/office/order_form.py, order_edit.py) and the portal's
(api/console/portal/orders.py, change.py) read them here and show them with one partial
template, order_fields.html ("rates shown" on or off). These are the form's own checks
(filled in, a whole number, a date, a time, an amount); the rules are the domain's."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from fastapi import Depends, Form

from api.console.errors import explain
from api.errors import status_of
from core.clock import now
from core.csvsafe import decimal_text
from core.dates import DateInvalid, clock_time, parse_date
from core.errors import Conflict, InvalidInput
from dispatch.changes.errors import ChangeAfterStart
from dispatch.changes.patch import NOTES_MAX
from dispatch.models import Order
from dispatch.orders import board

SHIFT = ("headcount", "date", "start", "end")
RATES = ("client_rate", "worker_rate")
CHANGE_FIELDS = (*SHIFT, *RATES, "rate_reason", "foreman_id", "notes")
# The domain names the shift by its stored names; the forms ask for a local date and times.
FORM_FIELD = {"starts_at": "start", "ends_at": "end"}
MONEY = re.compile(r"^\d{1,8}([.,]\d{1,2})?$")  # the stored Numeric(10, 2)


def _typed(value: str) -> str:
    return value.strip()[:200]


def shift_form(
    headcount: str = Form(""),
    day: str = Form("", alias="date"),
    start: str = Form(""),
    end: str = Form(""),
    client_rate: str = Form(""),
    worker_rate: str = Form(""),
) -> dict[str, str]:
    """The shared fields as typed, trimmed (the rates empty on a form without them)."""
    typed = (headcount, day, start, end, client_rate, worker_rate)
    return {name: _typed(value) for name, value in zip(SHIFT + RATES, typed, strict=True)}


def new_form(
    site_id: str = Form(""),
    skill: str = Form(""),
    overbooking_mode: str = Form(""),
    rate_reason: str = Form(""),
    shift: dict[str, str] = Depends(shift_form),
) -> dict[str, str]:
    """A new order's fields as typed (the portal's has no rates, no reason for them and no
    overbooking mode)."""
    typed = {"site_id": _typed(site_id), "skill": _typed(skill), **shift}
    return {**typed, "overbooking_mode": _typed(overbooking_mode), "rate_reason": rate_reason[:501]}


def change_form(
    foreman_id: str = Form(""),
    notes: str = Form(""),
    rate_reason: str = Form(""),
    shift: dict[str, str] = Depends(shift_form),
) -> dict[str, str]:
    """A change form's fields as typed (the notes kept whole up to the domain's limit and
    one). The portal's has no rates, reason nor foreman: those stay empty, and unused."""
    kept = {"notes": notes[: NOTES_MAX + 1], "rate_reason": rate_reason[:501]}
    return {**shift, "foreman_id": _typed(foreman_id), **kept}


def money(raw: str) -> Decimal | None:
    if not MONEY.match(raw):
        return None
    try:
        return Decimal(raw.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def amount(value: Decimal, lang: str) -> str:
    return decimal_text(f"{value:.2f}", lang)


def read_fields(
    values: dict[str, str], t, *, rates: bool, zone: str | None = None
) -> tuple[dict, dict[str, str]]:
    """The shift's fields (and the rates) as numbers, a date and times, and each field's
    error. zone: a new order's, whose date may not be a day already gone there."""
    names = SHIFT + (RATES if rates else ())
    errors = {name: t("order_err_required") for name in names if not values[name]}
    parsed: dict = {}
    if "headcount" not in errors:
        try:
            parsed["headcount"] = int(values["headcount"])
        except ValueError:
            errors["headcount"] = t("order_err_whole")
    if "date" not in errors:
        try:
            parsed["date"] = parse_date(values["date"], "date")
        except DateInvalid:
            errors["date"] = t("order_err_date")
        else:
            if zone and parsed["date"] < now().astimezone(ZoneInfo(zone)).date():
                errors["date"] = t("form_err_past_date")
    for name in names[2:]:
        if name in errors:
            continue
        time_field = name in ("start", "end")
        parsed[name] = clock_time(values[name]) if time_field else money(values[name])
        if parsed[name] is None:
            errors[name] = t("order_err_time" if time_field else "order_err_money")
    return parsed, errors


def shift_of(zone: str, day: date, parsed: dict) -> tuple[datetime, datetime]:
    """The shift's start and end from the form's date and times (InvalidInput past the
    calendar's end)."""
    return board.local_shift(zone, day, parsed["start"], parsed["end"])


def values_of(order: Order, lang: str, *, rates: bool) -> dict[str, str]:
    """A change form filled in from the order as it stands, in the branch's time (the order
    comes with its branch)."""
    zone = ZoneInfo(order.branch.timezone)
    start, end = order.starts_at.astimezone(zone), order.ends_at.astimezone(zone)
    values = {
        "headcount": str(order.headcount),
        "date": start.date().isoformat(),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "notes": order.notes or "",
    }
    if rates:
        values.update(
            client_rate=amount(order.client_rate, lang),
            worker_rate=amount(order.worker_rate, lang),
        )
    return values


def changed_shift(order: Order, parsed: dict, t) -> tuple[dict, dict[str, str]]:
    """The change form's shift as the domain takes it: nothing when the date and the times
    are those shown (a stored start with seconds would otherwise "move" and ask everyone
    to confirm again), else the new start and end; or the date's error."""
    shown = values_of(order, "en", rates=False)
    typed = (parsed["date"].isoformat(), *(parsed[n].strftime("%H:%M") for n in ("start", "end")))
    if typed == (shown["date"], shown["start"], shown["end"]):
        return {}, {}
    try:
        starts_at, ends_at = shift_of(order.branch.timezone, parsed["date"], parsed)
    except InvalidInput as exc:
        return {}, {"date": explain(exc, t)}
    return {"starts_at": starts_at, "ends_at": ends_at}, {}


def read_change(order: Order, values: dict[str, str], t, *, rates: bool) -> tuple[dict, dict]:
    """A change form's fields, with `starts_at` and `ends_at` when the shift moves; or the
    errors."""
    parsed, errors = read_fields(values, t, rates=rates)
    if errors:
        return parsed, errors
    shift, errors = changed_shift(order, parsed, t)
    return {**parsed, **shift}, errors


def change_refused(
    exc: InvalidInput | Conflict, t, fields: tuple[str, ...], fallback: str
) -> tuple[dict[str, str], str, int]:
    """A change's refusal as its form shows it: beside its field (an input's, or one that no
    longer changes once the shift began), else over the form (the order closed meanwhile);
    with the answer's status."""
    if isinstance(exc, ChangeAfterStart):
        return {FORM_FIELD.get(exc.field, exc.field): explain(exc, t)}, "", status_of(exc)
    if isinstance(exc, InvalidInput):
        return refused(exc, t, fields, fallback), "", status_of(exc)
    return {}, explain(exc, t), status_of(exc)


def refused(exc: InvalidInput, t, fields: tuple[str, ...], fallback: str) -> dict[str, str]:
    """The domain's refusal beside the form's field it names (else `fallback`), in words
    found by its code."""
    name = str(exc.loc[-1]) if exc.loc else fallback
    field = FORM_FIELD.get(name, name)
    return {field if field in fields else fallback: explain(exc, t)}
