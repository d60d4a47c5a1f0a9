"""The dispatcher's pages: the live orders board and an order's page (roster, timelines,
candidates, map); the new-order form is api/console/order_form.py."""

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain, word_key
from api.console.i18n import translator
from api.console.web import PREFIX, console_actor, csrf_checked, language, render, staff, start_page
from api.console.words.dispatcher import WORDS as DISPATCHER_WORDS
from api.console.words.replies import WORDS as REPLIES_WORDS
from api.deps import DB, MAX_ID, IdPath, limit_worker_reads
from api.deps import OFFICE as OFFICE_ROLES
from core.clock import now
from core.errors import Conflict, InvalidInput, NotFound
from core.tenancy import Actor
from dispatch import board, eligibility, fill, orders, registry, unclear
from dispatch.enums import CLOSED
from dispatch.queries import Candidate
from geo.points import Point
from sms.templates import skill_name

router = APIRouter(prefix=PREFIX, include_in_schema=False)
OFFICE = staff(*OFFICE_ROLES)
CANDIDATES_SHOWN = 20

i18n.add(DISPATCHER_WORDS)
i18n.add(REPLIES_WORDS)


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
    unclear_replies = unclear.unclear_by_order(session, [line.order.id for line in lines])
    return {
        "lines": lines,
        "clocks": {line.timezone: _Clock(line.timezone) for line in lines},
        "many_branches": actor.branch_id is None,
        "unclear": unclear_replies,
        "digest": _digest(lines, language(request), unclear_replies),
        **_words(t),
    }


def _digest(lines: list[board.BoardLine], lang: str, unclear_replies: dict[int, int]) -> str:
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
    badges = sorted(unclear_replies.items())
    return hashlib.sha256(repr((lang, shown, badges)).encode()).hexdigest()[:16]


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
        "unclear": unclear.unclear_by_order(session, [order.id]),
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
