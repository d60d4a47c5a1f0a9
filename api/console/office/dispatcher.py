"""The dispatcher's pages: the live orders board and an order's page (roster, timelines,
candidates, map); the new-order form is api/console/office/order_form.py."""

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain, word_key
from api.console.i18n import translator
from api.console.manage.owners import narrowed
from api.console.office.words.dispatcher import WORDS as DISPATCHER_WORDS
from api.console.office.words.order_page import WORDS as ORDER_PAGE_WORDS
from api.console.office.words.replies import WORDS as REPLIES_WORDS
from api.console.web import PREFIX, console_actor, csrf_checked, language, render, staff, start_page
from api.deps import DB, limit_worker_reads
from api.deps import OFFICE as OFFICE_ROLES
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Conflict, InvalidInput, NotFound
from core.ids import MAX_ID
from core.tenancy import Actor
from dispatch.enums import CLOSED, OWNER, OfferStatus
from dispatch.fill import eligibility, office, waves, whereabouts
from dispatch.fill.matcher import Candidate
from dispatch.intake import callcentre
from dispatch.orders import board, shortage
from dispatch.orders import service as orders
from dispatch.orders.roster import standing
from dispatch.quality import cases
from dispatch.registry import clients, sites
from dispatch.replies import unclear
from geo.points import Point
from sms.templates import skill_name

router = APIRouter(prefix=PREFIX, include_in_schema=False)
OFFICE = staff(*OFFICE_ROLES)
# The board, read: the office, and an owner (their branches', no write on it).
BOARD_ROLES = (*OFFICE_ROLES, OWNER)
BOARD = Depends(staff(*BOARD_ROLES))
CANDIDATES_SHOWN = 20
# A sign per offer status on the map and in its legend, so colour is never the only clue.
MAP_MARKS: dict[str, str] = {  # str keys: an offer row's status is read as text
    OfferStatus.BOOKED: "✓",
    OfferStatus.STANDBY: "+",
    OfferStatus.SENT: "?",
    OfferStatus.QUEUED: "?",
    OfferStatus.DECLINED: "✕",
    OfferStatus.EXPIRED: "–",
    OfferStatus.CANCELLED: "⊘",
    OfferStatus.RELEASED: "⊘",
}

i18n.add(DISPATCHER_WORDS)
i18n.add(ORDER_PAGE_WORDS)
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
        "standing_word": lambda s: _word(t, "order_sd_", s),
        "skill_word": lambda s, lang: skill_name(s, lang),
    }


# -- the board -----------------------------------------------------------------------------


def _board_context(request: Request, session: Session, actor: Actor) -> dict:
    branch = request.query_params.get("branch", "")
    actor = narrowed(actor, branch)  # an owner looking at one of their branches
    lines = board.board(session, actor=actor, now=now())
    awaiting = board.awaiting(session, actor=actor)
    t = translator(language(request))
    unclear_replies = unclear.unclear_by_order(session, [line.order.id for line in lines])
    quality_cases = cases.open_cases_by_order(session, [line.order.id for line in lines])
    shown = [line.order for line in lines + awaiting]
    told = callcentre.told_orders(session, actor, now=now())
    return {
        "call_centre": callcentre.from_call_centre(session, shown),  # issue 21: badge, list
        "told": told,
        "lines": lines,
        "awaiting": awaiting,  # above the days, whatever their day
        "clocks": {zone: _Clock(zone) for zone in {x.timezone for x in lines + awaiting}},
        "many_branches": actor.branch_id is None,
        "branch": branch if branch.isdigit() else "",
        "unclear": unclear_replies,
        "quality_cases": quality_cases,  # order_badge_quality.html
        "digest": _digest(lines, language(request), unclear_replies, quality_cases, awaiting, told),
        **_words(t),
    }


def _digest(
    lines: list[board.BoardLine],
    lang: str,
    unclear_replies: dict[int, int],
    quality_cases: dict[int, int | None],
    awaiting: list[board.AwaitingLine],
    told: list[callcentre.Told],
) -> str:
    """What the rows show, hashed: the poll sends it back and hears 204 when nothing moved.
    The call centre's told orders by id, not by count: one in and one out is a change."""
    shown = [
        (
            line.order.id,
            line.order.status,
            line.order.booking_target,
            line.day,
            line.booked,
            line.standby,
            line.fill_probability,
            line.shortage,
        )
        for line in lines
    ]
    ids = ([a.order.id for a in awaiting], [x.order_id for x in told])
    badges = (sorted(unclear_replies.items()), sorted(quality_cases), ids)
    return hashlib.sha256(repr((lang, shown, badges)).encode()).hexdigest()[:16]


@router.get("/")
def board_page(request: Request, actor: Actor = Depends(console_actor), session: Session = DB):
    if actor.role not in BOARD_ROLES:  # the console's root: each role lands on its own page
        return RedirectResponse(start_page(actor.role), status_code=303)
    return render(request, "board.html", _board_context(request, session, actor), actor=actor)


@router.get("/board/rows")
def board_rows(
    request: Request,
    digest: str = "",
    branch: str = Query("", max_length=12),
    actor: Actor = BOARD,
    session: Session = DB,
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
    if c.said_free:
        text = f"{t('order_reason_said_free')}; {text}"
    if c.no_show_at is None or c.no_show_until is None:
        return text
    recent = t("order_reason_no_show").format(
        day=c.no_show_at.astimezone(zone), days=(c.no_show_until - c.no_show_at).days
    )
    return f"{recent}; {text}"


def _event_text(t, event: board.Event) -> str:
    if event.what == "sms":
        status = _word(t, "messages_st_", event.detail["status"])
        if event.detail["direction"] == "in":
            return t("order_ev_sms_in").format(status=status)
        return t("order_ev_sms").format(
            kind=_word(t, "messages_kind_", event.detail["kind"]), status=status
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


def _roster(t, session: Session, order, branch, offers, people, at: datetime) -> list[dict]:
    """Every offered worker in one compact row: who (name and phone tail as
    dispatch/access/privacy.py allows), where they stand, the timeline to unfold, what may be
    done."""
    timelines = board.timelines(session, order, offers)
    lines = []
    for offer in offers:
        shown = people.get(offer.worker_id)
        lines.append(
            {
                "offer": offer,
                "name": _who(t, people, offer.worker_id),
                "named": bool(shown and shown.name),
                "tail": shown.phone_tail if shown else None,
                "standing": standing(order, branch, offer),
                "events": [(e, _event_text(t, e)) for e in timelines.get(offer.worker_id, [])],
                "actions": office.open_actions(order, offer, at),
            }
        )
    return sorted(lines, key=lambda line: (line["standing"].rank, line["offer"].id))


def _who(t, people: dict, worker_id: int) -> str:
    shown = people.get(worker_id)
    return shown.name if shown and shown.name else t("order_someone").format(id=worker_id)


def _order_digest(session: Session, order, lang: str) -> str:
    """The live part of an order page, hashed: its poll hears 204 while nothing moved."""
    stamp = board.order_stamp(session, order)
    return hashlib.sha256(repr((lang, stamp)).encode()).hexdigest()[:16]


def _live_context(
    request: Request,
    session: Session,
    actor: Actor,
    order_id: int,
    *,
    with_candidates: bool,
    row_error: tuple[int, str] | None = None,
) -> dict:
    """What the order page shows; the live part (summary and roster) is all its poll needs."""
    limit_worker_reads(request, actor)  # names, distances and the map: a worker read
    t = translator(language(request))
    # Another branch's: 404. Its branch is one the actor sees: visible_orders decided that.
    order = orders.get_order(session, order_id, actor=actor, options=orders.ORDER_BRANCH)
    branch = order.branch
    site = sites.get_site(session, order.site_id, actor=actor)
    client = clients.get_client(session, order.client_id, actor=actor)
    state = orders.order_state(session, order)
    offers = orders.offers_of(session, order)
    at = now()
    open_order = order.status not in CLOSED
    ranked = (
        waves.preview_candidates(session, order, at, CANDIDATES_SHOWN, actor=actor)
        if open_order and with_candidates
        else []
    )
    people = whereabouts.shown_workers(
        session,
        actor=actor,
        worker_ids=[o.worker_id for o in offers] + [c.worker_id for c, _ in ranked],
        order_id=order.id,
    )
    points = [  # the map's markers, redrawn by map.js when the poll brings new ones
        {
            "lat": people[o.worker_id].home.lat,
            "lon": people[o.worker_id].home.lon,
            "status": o.status,
            "mark": MAP_MARKS.get(o.status, "•"),
            "label": f"{_who(t, people, o.worker_id)}: {_word(t, 'order_of_', o.status)}",
        }
        for o in offers
        if o.worker_id in people
    ]
    return {
        "order": order,
        "branch": branch,
        "site": site,
        "points": points,
        "client": client,
        "state": state,
        "offers": offers,
        "people": people,
        "ranked": ranked,
        "at": at,
        "open_order": open_order,
        "roster": _roster(t, session, order, branch, offers, people, at),
        "row_error": row_error,
        "digest": _order_digest(session, order, language(request)),
        "when": _Clock(branch.timezone),
        "shortage": shortage.shortages(session, [order], at)[order.id],  # order_short.html
        "unclear": unclear.unclear_by_order(session, [order.id]),  # order_badge_unclear.html
        "quality_cases": cases.open_cases_by_order(session, [order.id]),  # its badge
        "quality_review": cases.answered_review(session, order.id),
        **_words(t),
    }


def show_order_page(
    request: Request,
    session: Session,
    actor: Actor,
    order_id: int,
    *,
    why: str = "",
    cancel_error: str = "",
    reason: str = "",
    row_error: tuple[int, str] | None = None,
    status_code: int = 200,
    extra: dict | None = None,  # what a partial's own module shows (order_book.py)
) -> HTMLResponse:
    t = translator(language(request))
    context = _live_context(
        request, session, actor, order_id, with_candidates=True, row_error=row_error
    )
    order, branch, people, at = (context[k] for k in ("order", "branch", "people", "at"))
    site = context["site"]
    open_order = context["open_order"]
    candidates = [
        {
            "c": c,
            "name": _who(t, people, c.worker_id),
            "reason": _reason(t, c, ZoneInfo(branch.timezone)),
        }
        for c, _ in context["ranked"]
    ]
    site_point = Point.from_db(site.location)
    marked = any(o.attendance is not None for o in context["offers"])
    context.update(
        {
            "candidates": candidates,
            "site_point": site_point,
            "marks": MAP_MARKS,
            "tiles": request.app.state.settings.map_tiles_url,
            "show_candidates": open_order,
            "why": _why(t, session, actor, order, why, at) if open_order else None,
            "can_cancel": open_order and not marked,
            "cancel_error": cancel_error,
            "reason": reason,
            **(extra or {}),
        }
    )
    return render(request, "order.html", context, actor=actor, status_code=status_code)


@router.get("/orders/{order_id}")
def order_page(
    request: Request,
    order_id: IdPath,
    why: str = "",  # a worker's id: why are they not on the candidate list?
    actor: Actor = BOARD,  # an owner reads it (no write form shown: read_only)
    session: Session = DB,
):
    return show_order_page(request, session, actor, order_id, why=why[:20])


@router.get("/orders/{order_id}/live")
def order_live(
    request: Request,
    order_id: IdPath,
    digest: str = "",
    actor: Actor = BOARD,
    session: Session = DB,
) -> Response:
    """The order page's summary and roster alone, polled by htmx every 3 s like the board.
    Nothing new answers 204 before any worker is read (not audited, not counted)."""
    order = orders.get_order(session, order_id, actor=actor)  # another branch's: 404
    if digest and digest == _order_digest(session, order, language(request)):
        return Response(status_code=204)
    context = _live_context(request, session, actor, order_id, with_candidates=False)
    return render(request, "order_live.html", context, actor=actor)


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
        return show_order_page(
            request,
            session,
            actor,
            order_id,
            cancel_error=explain(exc, t),
            reason=reason,
            status_code=status_of(exc),
        )
    return RedirectResponse(f"{PREFIX}/orders/{order_id}", status_code=303)
