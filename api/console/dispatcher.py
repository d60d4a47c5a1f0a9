"""The dispatcher's pages: the live orders board, an order's page (roster, timelines,
candidates, map) and the new-order form."""

import hashlib
import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.i18n import translator
from api.console.web import PREFIX, csrf_checked, field_errors, language, render, staff
from api.deps import DB, IdPath
from core.clock import now
from core.errors import Conflict, InvalidInput, NotFound
from core.tenancy import Actor
from dispatch import board, fill, orders, registry
from dispatch.orders import CLOSED, OrderInput
from geo.points import Point
from sms.templates import skill_name
from workers.skills import SKILLS

router = APIRouter(prefix=PREFIX, include_in_schema=False)
OFFICE = staff("admin", "manager", "dispatcher")
CANDIDATES_SHOWN = 20
ORDER_FIELDS = (
    "site_id",
    "skill",
    "headcount",
    "date",
    "start",
    "end",
    "client_rate",
    "worker_rate",
    "overbooking_mode",
)
REQUIRED = ORDER_FIELDS[:-1]
# The domain names the shift's ends by their stored names; the form asks for local times.
FORM_FIELD = {"starts_at": "start", "ends_at": "end"}
HH_MM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MONEY = re.compile(r"^\d{1,8}([.,]\d{1,2})?$")  # the stored Numeric(10, 2)
# The domain's messages the form shows in the page's language (others are shown as they are).
DOMAIN_MESSAGES = {
    "headcount must be 1 to 500": "order_err_headcount",
    "the shift must start in the future": "order_err_past",
    "the shift must start within a year": "order_err_far",
    "the shift must end after it starts": "order_err_end",
    "a shift lasts at most 24 hours": "order_err_long",
    "a rate cannot be negative": "order_err_money",
    "a reason is required": "order_err_reason",
}

i18n.add(
    {
        "ru": {
            "board_title": "Заказы на сегодня и завтра",
            "board_caption": "Заказы, начинающиеся сегодня и завтра; обновляется каждые 3 секунды",
            "board_code": "Код",
            "board_site": "Объект",
            "board_skill": "Работа",
            "board_start": "Начало",
            "board_fill": "Набор",
            "board_branch": "Филиал",
            "board_bar_text": "записано {booked} из {target}, нужно {headcount}",
            "board_ok": "в порядке",
            "order_title": "Заказ {code}",
            "order_summary": "Сводка",
            "order_client": "Клиент",
            "order_address": "Адрес",
            "order_times": "Смена",
            "order_client_rate": "Ставка клиента, в час",
            "order_worker_rate": "Ставка работника, в час",
            "order_mode": "Режим перебора",
            "order_mode_branch": "как в филиале",
            "order_mode_fixed": "фиксированный",
            "order_mode_adaptive": "адаптивный",
            "order_counts": "Отклики",
            "order_offered": "предложено",
            "order_standby": "в резерве",
            "order_declined": "отказались",
            "order_cancelled_n": "отменили",
            "order_arrived_n": "пришли",
            "order_no_show_n": "не пришли",
            "order_roster": "Состав",
            "order_roster_empty": "Пока никто не записан",
            "order_worker": "Работник",
            "order_offer_status": "Запись",
            "order_timeline": "Ход событий",
            "order_candidates": "Следующие кандидаты",
            "order_candidates_none": "Подходящих свободных работников в радиусе нет",
            "order_rank": "Место",
            "order_distance": "Расстояние, км",
            "order_rating": "Рейтинг",
            "order_reliability": "Приходит",
            "order_reason": "Почему",
            "order_reason_text": "рейтинг {rating:.2f}/5, приходит в {reliability:.0f}% случаев, "
            "живёт в {km:.1f} км",
            "order_map": "Карта",
            "order_map_label": "Карта объекта и работников, которым отправлено предложение",
            "order_map_site": "Объект",
            "order_map_note": "Те же люди перечислены в таблицах выше.",
            "order_cancel": "Отменить заказ",
            "order_cancel_reason": "Причина отмены",
            "order_cancel_button": "Отменить заказ",
            "order_cancelled_because": "Отменён: {reason}",
            "order_someone": "работник №{id} (другой филиал)",
            "order_new_title": "Новый заказ",
            "order_site": "Объект",
            "order_choose": "— выберите —",
            "order_skill": "Работа",
            "order_headcount": "Сколько человек нужно",
            "order_date": "Дата",
            "order_start": "Начало (местное время, ЧЧ:ММ)",
            "order_end": "Конец (ЧЧ:ММ; раньше начала — значит, на следующий день)",
            "order_create": "Создать заказ",
            "order_errors": "Заказ не создан, исправьте поля:",
            "order_err_required": "заполните это поле",
            "order_err_site": "такого объекта нет",
            "order_err_whole": "нужно целое число",
            "order_err_date": "дата в виде ГГГГ-ММ-ДД",
            "order_err_time": "время в виде ЧЧ:ММ, например 08:00",
            "order_err_money": "сумма в виде 250 или 250.50, не больше 99999999.99",
            "order_err_headcount": "от 1 до 500 человек",
            "order_err_past": "смена должна начинаться в будущем",
            "order_err_far": "смена должна начинаться не позже чем через год",
            "order_err_end": "смена должна заканчиваться позже, чем начинается",
            "order_err_long": "смена длится не больше 24 часов",
            "order_err_reason": "укажите причину",
            "order_ev_offered": "предложено (волна {wave})",
            "order_ev_replied": "ответил ({source})",
            "order_ev_booked": "записан",
            "order_ev_confirmed": "подтвердил выход",
            "order_ev_arrived": "пришёл",
            "order_ev_left": "ушёл",
            "order_ev_no_show": "не пришёл",
            "order_ev_released": "отпущен с объекта",
            "order_ev_sms": "СМС «{kind}»: {status}",
            "order_ev_sms_in": "входящее СМС: {status}",
            "order_src_sms": "СМС",
            "order_src_phone": "по телефону",
            "order_sms_queued": "в очереди",
            "order_sms_sending": "отправляется",
            "order_sms_sent": "отправлено",
            "order_sms_delivered": "доставлено",
            "order_sms_undelivered": "не доставлено",
            "order_sms_failed": "ошибка",
            "order_sms_cancelled": "отозвано",
            "order_sms_received": "получено",
            "order_sms_processed": "обработано",
            "order_kind_offer": "предложение",
            "order_kind_booked": "записан",
            "order_kind_standby": "резерв",
            "order_kind_order_full": "заказ набран",
            "order_kind_order_cancelled": "заказ отменён",
            "order_kind_booking_cancelled": "запись отменена",
            "order_kind_confirm_request": "подтвердите выход",
            "order_kind_confirmed": "выход подтверждён",
            "order_kind_booking_released": "запись снята",
            "order_kind_reminder": "напоминание",
            "order_st_open": "открыт",
            "order_st_filling": "набирается",
            "order_st_filled": "набран",
            "order_st_short": "не хватает людей",
            "order_st_in_progress": "идёт смена",
            "order_st_completed": "закрыт",
            "order_st_cancelled": "отменён",
            "order_of_queued": "в очереди",
            "order_of_sent": "отправлено",
            "order_of_booked": "записан",
            "order_of_standby": "в резерве",
            "order_of_declined": "отказался",
            "order_of_expired": "не ответил",
            "order_of_cancelled": "отменено",
            "order_of_released": "снят",
        },
        "en": {
            "board_title": "Orders for today and tomorrow",
            "board_caption": "Orders starting today and tomorrow; refreshed every 3 seconds",
            "board_code": "Code",
            "board_site": "Site",
            "board_skill": "Work",
            "board_start": "Start",
            "board_fill": "Fill",
            "board_branch": "Branch",
            "board_bar_text": "{booked} booked of {target}, {headcount} needed",
            "board_ok": "on track",
            "order_title": "Order {code}",
            "order_summary": "Summary",
            "order_client": "Client",
            "order_address": "Address",
            "order_times": "Shift",
            "order_client_rate": "Client rate, per hour",
            "order_worker_rate": "Worker rate, per hour",
            "order_mode": "Overbooking mode",
            "order_mode_branch": "as the branch sets it",
            "order_mode_fixed": "fixed",
            "order_mode_adaptive": "adaptive",
            "order_counts": "Replies",
            "order_offered": "offered",
            "order_standby": "on standby",
            "order_declined": "declined",
            "order_cancelled_n": "cancelled",
            "order_arrived_n": "arrived",
            "order_no_show_n": "no-shows",
            "order_roster": "Roster",
            "order_roster_empty": "Nobody is booked yet",
            "order_worker": "Worker",
            "order_offer_status": "Booking",
            "order_timeline": "Timeline",
            "order_candidates": "Next candidates",
            "order_candidates_none": "No free suitable workers within the radius",
            "order_rank": "Rank",
            "order_distance": "Distance, km",
            "order_rating": "Rating",
            "order_reliability": "Turns up",
            "order_reason": "Why",
            "order_reason_text": "rating {rating:.2f}/5, turns up {reliability:.0f}% of the time, "
            "lives {km:.1f} km away",
            "order_map": "Map",
            "order_map_label": "Map of the site and the workers offered this order",
            "order_map_site": "Site",
            "order_map_note": "The same people are listed in the tables above.",
            "order_cancel": "Cancel the order",
            "order_cancel_reason": "Reason for cancelling",
            "order_cancel_button": "Cancel the order",
            "order_cancelled_because": "Cancelled: {reason}",
            "order_someone": "worker #{id} (another branch)",
            "order_new_title": "New order",
            "order_site": "Site",
            "order_choose": "— choose —",
            "order_skill": "Work",
            "order_headcount": "Workers needed",
            "order_date": "Date",
            "order_start": "Start (local time, HH:MM)",
            "order_end": "End (HH:MM; before the start means the next day)",
            "order_create": "Create the order",
            "order_errors": "The order was not created; correct these fields:",
            "order_err_required": "fill in this field",
            "order_err_site": "no such site",
            "order_err_whole": "a whole number is needed",
            "order_err_date": "a date like YYYY-MM-DD",
            "order_err_time": "a time like 08:00",
            "order_err_money": "a sum like 250 or 250.50, at most 99999999.99",
            "order_err_headcount": "1 to 500 workers",
            "order_err_past": "the shift must start in the future",
            "order_err_far": "the shift must start within a year",
            "order_err_end": "the shift must end after it starts",
            "order_err_long": "a shift lasts at most 24 hours",
            "order_err_reason": "a reason is required",
            "order_ev_offered": "offered (wave {wave})",
            "order_ev_replied": "replied ({source})",
            "order_ev_booked": "booked",
            "order_ev_confirmed": "confirmed",
            "order_ev_arrived": "arrived",
            "order_ev_left": "left",
            "order_ev_no_show": "no-show",
            "order_ev_released": "released on site",
            "order_ev_sms": "SMS “{kind}”: {status}",
            "order_ev_sms_in": "SMS received: {status}",
            "order_src_sms": "SMS",
            "order_src_phone": "by phone",
            "order_sms_queued": "queued",
            "order_sms_sending": "sending",
            "order_sms_sent": "sent",
            "order_sms_delivered": "delivered",
            "order_sms_undelivered": "undelivered",
            "order_sms_failed": "failed",
            "order_sms_cancelled": "withdrawn",
            "order_sms_received": "received",
            "order_sms_processed": "processed",
            "order_kind_offer": "offer",
            "order_kind_booked": "booked",
            "order_kind_standby": "standby",
            "order_kind_order_full": "order full",
            "order_kind_order_cancelled": "order cancelled",
            "order_kind_booking_cancelled": "booking cancelled",
            "order_kind_confirm_request": "please confirm",
            "order_kind_confirmed": "confirmed",
            "order_kind_booking_released": "booking released",
            "order_kind_reminder": "reminder",
            "order_st_open": "open",
            "order_st_filling": "filling",
            "order_st_filled": "filled",
            "order_st_short": "short",
            "order_st_in_progress": "in progress",
            "order_st_completed": "completed",
            "order_st_cancelled": "cancelled",
            "order_of_queued": "queued",
            "order_of_sent": "sent",
            "order_of_booked": "booked",
            "order_of_standby": "standby",
            "order_of_declined": "declined",
            "order_of_expired": "no answer",
            "order_of_cancelled": "cancelled",
            "order_of_released": "released",
        },
    }
)


def _word(t, prefix: str, value: str | None) -> str:
    """A stored code (a status, a kind) in the page's language; unknown codes as they are."""
    key = f"{prefix}{value}"
    word = t(key)
    return (value or "").replace("_", " ") if word == key else word


class _Clock:
    """Times shown in one branch's timezone; the machine-readable value stays ISO."""

    def __init__(self, zone: str):
        self.zone = ZoneInfo(zone)

    def __call__(self, at: datetime | None, with_day: bool = False) -> str:
        if at is None:
            return ""
        local = at.astimezone(self.zone)
        return local.strftime("%d.%m %H:%M" if with_day else "%H:%M")


def _words(t) -> dict:
    """Helpers every dispatcher template uses to show codes in words."""
    return {
        "status_word": lambda s: _word(t, "order_st_", s),
        "offer_word": lambda s: _word(t, "order_of_", s),
        "skill_word": lambda s, lang: skill_name(s, lang),
    }


# -- the board -----------------------------------------------------------------------------


def _board_context(request: Request, session: Session, actor: Actor) -> dict:
    lines = board.board(session, actor=actor, now=now())
    t = translator(language(request))
    return {
        "lines": lines,
        "clocks": {line.timezone: _Clock(line.timezone) for line in lines},
        "many_branches": actor.branch_id is None,
        "digest": _digest(lines, language(request)),
        **_words(t),
    }


def _digest(lines: list[board.BoardLine], lang: str) -> str:
    """What the rows show, hashed: the poll sends it back and hears 204 when nothing moved."""
    shown = [
        (
            line.order.id,
            line.order.status,
            line.order.booking_target,
            line.day,
            line.booked,
            line.standby,
            line.fill_probability,
            line.short,
        )
        for line in lines
    ]
    return hashlib.sha256(repr((lang, shown)).encode()).hexdigest()[:16]


@router.get("/")
def board_page(request: Request, actor: Actor = Depends(OFFICE), session: Session = DB):
    return render(request, "board.html", _board_context(request, session, actor), actor=actor)


@router.get("/board/rows")
def board_rows(
    request: Request, digest: str = "", actor: Actor = Depends(OFFICE), session: Session = DB
) -> Response:
    """The board's rows alone, polled by htmx every 3 s. Nothing new answers 204: htmx swaps
    nothing and screen readers are not read the same rows again."""
    context = _board_context(request, session, actor)
    if digest and digest == context["digest"]:
        return Response(status_code=204)
    return render(request, "board_rows.html", context, actor=actor)


# -- the new-order form --------------------------------------------------------------------


def _money(raw: str) -> Decimal | None:
    if not MONEY.match(raw):
        return None
    try:
        return Decimal(raw.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def _clock_time(raw: str) -> time | None:
    match = HH_MM.match(raw)
    return time(int(match[1]), int(match[2])) if match else None


def _parse(
    session: Session, actor: Actor, values: dict[str, str], t
) -> tuple[OrderInput | None, dict[str, str]]:
    """The form's own checks (filled in, numbers, dates, times, a site the actor sees); the
    domain checks the rest when the order is created."""
    errors = {name: t("order_err_required") for name in REQUIRED if not values[name]}
    parsed: dict = {}
    if "site_id" not in errors:
        try:
            site = registry.get_site(session, int(values["site_id"]), actor=actor)
            parsed["site"] = site
        except (ValueError, NotFound):
            errors["site_id"] = t("order_err_site")
    if "headcount" not in errors:
        try:
            parsed["headcount"] = int(values["headcount"])
        except ValueError:
            errors["headcount"] = t("order_err_whole")
    if "date" not in errors:
        try:
            parsed["date"] = date.fromisoformat(values["date"])
        except ValueError:
            errors["date"] = t("order_err_date")
    for name in ("start", "end", "client_rate", "worker_rate"):
        if name in errors:
            continue
        convert = _clock_time if name in ("start", "end") else _money
        parsed[name] = convert(values[name])
        if parsed[name] is None:
            errors[name] = t("order_err_time" if name in ("start", "end") else "order_err_money")
    if errors:
        return None, errors
    site = parsed["site"]
    starts_at, ends_at = board.local_shift(
        board.site_branch(session, site).timezone, parsed["date"], parsed["start"], parsed["end"]
    )
    data = OrderInput(
        site_id=site.id,
        skill=values["skill"],
        headcount=parsed["headcount"],
        starts_at=starts_at,
        ends_at=ends_at,
        client_rate=parsed["client_rate"],
        worker_rate=parsed["worker_rate"],
        overbooking_mode=values["overbooking_mode"] or None,
    )
    return data, {}


def _domain_errors(exc: InvalidInput, t) -> dict[str, str]:
    (name, message), *_ = field_errors(exc).items()
    key = DOMAIN_MESSAGES.get(message)
    return {FORM_FIELD.get(name, name): t(key) if key else message}


def _order_form(
    site_id: str = Form(""),
    skill: str = Form(""),
    headcount: str = Form(""),
    day: str = Form("", alias="date"),
    start: str = Form(""),
    end: str = Form(""),
    client_rate: str = Form(""),
    worker_rate: str = Form(""),
    overbooking_mode: str = Form(""),
) -> dict[str, str]:
    """The form's fields as typed (trimmed), to check and to show again."""
    typed = (site_id, skill, headcount, day, start, end, client_rate, worker_rate, overbooking_mode)
    return {name: value.strip()[:200] for name, value in zip(ORDER_FIELDS, typed, strict=True)}


def _new_order_page(
    request: Request,
    session: Session,
    actor: Actor,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    sites = registry.list_sites(session, actor=actor)
    clients = {c.id: c.name for c in registry.list_clients(session, actor=actor)}
    lang = language(request)
    context = {
        "sites": [(s.id, f"{clients.get(s.client_id, '')} — {s.name}, {s.address}") for s in sites],
        "skills": [(s, skill_name(s, lang)) for s in SKILLS],
        "values": values,
        "errors": errors,
        "fields": [f for f in ORDER_FIELDS if f in errors],
    }
    return render(request, "order_new.html", context, actor=actor, status_code=status_code)


@router.get("/orders/new")
def new_order_form(request: Request, actor: Actor = Depends(OFFICE), session: Session = DB):
    values = dict.fromkeys(ORDER_FIELDS, "")
    values["headcount"] = "1"
    return _new_order_page(request, session, actor, values, {})


@router.post("/orders/new", dependencies=[Depends(csrf_checked)])
def create_order(
    request: Request,
    values: dict[str, str] = Depends(_order_form),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
):
    t = translator(language(request))
    data, errors = _parse(session, actor, values, t)
    if data is not None:
        try:
            order = orders.create_order(session, actor=actor, data=data, now=now())
        except InvalidInput as exc:
            session.rollback()  # nothing half-written, and no job sent for it
            errors = _domain_errors(exc, t)
        else:
            return RedirectResponse(f"{PREFIX}/orders/{order.id}", status_code=303)
    return _new_order_page(request, session, actor, values, errors, status_code=422)


@router.post("/orders/new/check", dependencies=[Depends(csrf_checked)])
def check_order_field(
    request: Request,
    field: str = Form(""),
    values: dict[str, str] = Depends(_order_form),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
):
    """htmx inline validation of one field: its error text, empty when it is fine. The order
    is tried in full and rolled back, so the answer is exactly what a submit would say."""
    t = translator(language(request))
    data, errors = _parse(session, actor, values, t)
    if data is not None:
        try:
            orders.create_order(session, actor=actor, data=data, now=now())
        except InvalidInput as exc:
            errors = _domain_errors(exc, t)
        finally:
            session.rollback()  # a check writes nothing and enqueues nothing
    return render(request, "order_check.html", {"message": errors.get(field, "")}, actor=actor)


# -- an order's page -----------------------------------------------------------------------


def _reason(t, rating: float, reliability: float, distance_m: float) -> str:
    return t("order_reason_text").format(
        rating=rating, reliability=reliability * 100, km=distance_m / 1000
    )


def _event_text(t, event: board.Event) -> str:
    if event.what == "sms":
        status = _word(t, "order_sms_", event.detail["status"])
        if event.detail["direction"] == "in":
            return t("order_ev_sms_in").format(status=status)
        return t("order_ev_sms").format(
            kind=_word(t, "order_kind_", event.detail["kind"]), status=status
        )
    detail = dict(event.detail)
    if "source" in detail:
        detail["source"] = _word(t, "order_src_", detail["source"])
    return t(f"order_ev_{event.what}").format(**detail)


def _order_page(
    request: Request,
    session: Session,
    actor: Actor,
    order_id: int,
    *,
    cancel_error: str = "",
    reason: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    t = translator(language(request))
    order = orders.get_order(session, order_id, actor=actor)  # another branch's: 404
    site = registry.get_site(session, order.site_id, actor=actor)
    client = registry.get_client(session, order.client_id, actor=actor)
    branch = registry.get_branch(session, order.branch_id, actor=actor)
    state = orders.order_state(session, order)
    offers = orders.offers_of(session, order)
    at = now()
    open_order = order.status not in CLOSED
    ranked = fill.preview_candidates(session, order, at, CANDIDATES_SHOWN) if open_order else []
    people = board.shown_workers(
        session,
        actor=actor,
        worker_ids=[o.worker_id for o in offers] + [c.worker_id for c, _ in ranked],
        order_id=order.id,
    )
    timelines = board.timelines(session, order, offers)

    def who(worker_id: int) -> str:
        shown = people.get(worker_id)
        return shown.name if shown and shown.name else t("order_someone").format(id=worker_id)

    roster = [
        {
            "offer": offer,
            "name": who(offer.worker_id),
            "events": [(e, _event_text(t, e)) for e in timelines.get(offer.worker_id, [])],
        }
        for offer in state.roster
    ]
    candidates = [
        {
            "c": c,
            "name": who(c.worker_id),
            "reason": _reason(t, c.rating, c.reliability, c.distance_m),
        }
        for c, _ in ranked
    ]
    site_point = Point.from_db(site.location)
    points = [
        {
            "lat": people[o.worker_id].home.lat,
            "lon": people[o.worker_id].home.lon,
            "status": o.status,
            "label": f"{who(o.worker_id)}: {_word(t, 'order_of_', o.status)}",
        }
        for o in offers
        if o.worker_id in people
    ]
    marked = any(o.attendance is not None for o in state.roster)
    context = {
        "order": order,
        "site": site,
        "client": client,
        "branch": branch,
        "state": state,
        "roster": roster,
        "candidates": candidates,
        "site_point": site_point,
        "points": points,
        "tiles": request.app.state.settings.map_tiles_url,
        "when": _Clock(branch.timezone),
        "show_candidates": open_order,
        "can_cancel": open_order and not marked,
        "cancel_error": cancel_error,
        "reason": reason,
        **_words(t),
    }
    return render(request, "order.html", context, actor=actor, status_code=status_code)


@router.get("/orders/{order_id}")
def order_page(
    request: Request, order_id: IdPath, actor: Actor = Depends(OFFICE), session: Session = DB
):
    return _order_page(request, session, actor, order_id)


@router.post("/orders/{order_id}/cancel", dependencies=[Depends(csrf_checked)])
def cancel_order(
    request: Request,
    order_id: IdPath,
    reason: str = Form(""),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
):
    t = translator(language(request))
    reason = reason[:1000]
    try:
        orders.cancel_order(session, order_id, actor=actor, reason=reason, now=now())
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        message = exc.msg if isinstance(exc, InvalidInput) else str(exc)
        key = DOMAIN_MESSAGES.get(message)
        return _order_page(
            request,
            session,
            actor,
            order_id,
            cancel_error=t(key) if key else message,
            reason=reason,
            status_code=422 if isinstance(exc, InvalidInput) else 409,
        )
    return RedirectResponse(f"{PREFIX}/orders/{order_id}", status_code=303)
