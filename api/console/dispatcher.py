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
from api.console.errors import explain, word_key
from api.console.i18n import translator
from api.console.web import PREFIX, console_actor, csrf_checked, language, render, staff, start_page
from api.console.words.dispatcher import WORDS as DISPATCHER_WORDS
from api.deps import DB, MAX_ID, IdPath, limit_worker_reads
from api.deps import OFFICE as OFFICE_ROLES
from core.clock import now
from core.errors import Conflict, InvalidInput, NotFound
from core.tenancy import Actor
from dispatch import board, eligibility, fill, orders, registry
from dispatch.enums import CLOSED
from dispatch.orders import OrderInput
from dispatch.queries import Candidate
from geo.points import Point
from sms.templates import skill_name
from workers.skills import SKILLS

router = APIRouter(prefix=PREFIX, include_in_schema=False)
OFFICE = staff(*OFFICE_ROLES)
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

i18n.add(DISPATCHER_WORDS)


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
def board_page(request: Request, actor: Actor = Depends(console_actor), session: Session = DB):
    if actor.role not in OFFICE_ROLES:  # the console's root: each role lands on its own page
        return RedirectResponse(start_page(actor.role), status_code=303)
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
            site_id = int(values["site_id"])
            if not 1 <= site_id <= MAX_ID:  # past PostgreSQL's integers: no such site
                raise NotFound("site", site_id)
            parsed["site"] = registry.get_site(session, site_id, actor=actor)
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
    try:
        starts_at, ends_at = board.local_shift(
            board.site_branch(session, site).timezone,
            parsed["date"],
            parsed["start"],
            parsed["end"],
        )
    except InvalidInput as exc:  # the calendar's last day: beyond any order's year
        return None, {"date": explain(exc, t)}
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
    """The domain's refusal beside the form's field it names, in words found by its code."""
    name = str(exc.loc[-1])
    return {FORM_FIELD.get(name, name): explain(exc, t)}


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
    """htmx inline validation of one field: its error text, empty when it is fine. The
    domain's checks are the ones create_order runs first, and write nothing."""
    t = translator(language(request))
    data, errors = _parse(session, actor, values, t)
    if data is not None:
        try:
            orders.check_order(session, actor=actor, data=data, now=now())
        except InvalidInput as exc:
            errors = _domain_errors(exc, t)
    return render(request, "order_check.html", {"message": errors.get(field, "")}, actor=actor)


# -- an order's page -----------------------------------------------------------------------


def _reason(t, c: Candidate, zone: ZoneInfo) -> str:
    text = t("order_reason_text").format(
        rating=c.rating, reliability=c.reliability * 100, km=c.distance_m / 1000
    )
    if c.no_show_at is None or c.no_show_until is None:
        return text
    recent = t("order_reason_no_show").format(
        day=c.no_show_at.astimezone(zone), days=(c.no_show_until - c.no_show_at).days
    )
    return f"{recent}; {text}"


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


def _why(t, session: Session, actor: Actor, order, raw: str, at: datetime) -> dict | None:
    """Why is worker N not on the list: the eligibility rules they fail, in words."""
    raw = raw.strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
        return {"id": raw, "error": t("order_why_bad_id")}
    try:
        failed = eligibility.why_not_offered(session, order, int(raw), actor=actor, now=at)
    except NotFound:
        return {"id": raw, "error": t("order_why_no_worker")}
    return {
        "id": raw,
        "error": "",
        "failed": [t(word_key("not_eligible", code)) for code in failed],
    }


def _order_page(
    request: Request,
    session: Session,
    actor: Actor,
    order_id: int,
    *,
    why: str = "",
    cancel_error: str = "",
    reason: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    limit_worker_reads(request, actor)  # names, distances and the map: a worker read
    t = translator(language(request))
    order = orders.get_order(session, order_id, actor=actor)  # another branch's: 404
    site = registry.get_site(session, order.site_id, actor=actor)
    client = registry.get_client(session, order.client_id, actor=actor)
    branch = registry.get_branch(session, order.branch_id, actor=actor)
    state = orders.order_state(session, order)
    offers = orders.offers_of(session, order)
    at = now()
    open_order = order.status not in CLOSED
    ranked = (
        fill.preview_candidates(session, order, at, CANDIDATES_SHOWN, actor=actor)
        if open_order
        else []
    )
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
            "reason": _reason(t, c, ZoneInfo(branch.timezone)),
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
        "why": _why(t, session, actor, order, why, at) if open_order else None,
        "can_cancel": open_order and not marked,
        "cancel_error": cancel_error,
        "reason": reason,
        **_words(t),
    }
    return render(request, "order.html", context, actor=actor, status_code=status_code)


@router.get("/orders/{order_id}")
def order_page(
    request: Request,
    order_id: IdPath,
    why: str = "",  # a worker's id: why are they not on the candidate list?
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
):
    return _order_page(request, session, actor, order_id, why=why[:20])


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
        return _order_page(
            request,
            session,
            actor,
            order_id,
            cancel_error=explain(exc, t),
            reason=reason,
            status_code=422 if isinstance(exc, InvalidInput) else 409,
        )
    return RedirectResponse(f"{PREFIX}/orders/{order_id}", status_code=303)
