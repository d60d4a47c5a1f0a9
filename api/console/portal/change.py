"""Changing one of the client's orders: how many, the date and times, the notes, by the
office's own change (dispatch/changes/patch.py: the same rules, locks and refusals). What the
change would do is shown first (dispatch/changes/terms.py: who is let go and the late-change
pay, who is asked to confirm new times), then confirmed. Never the rates nor the foreman: the
office's (the domain refuses them from a client)."""

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console import order_fields as fields
from api.console.i18n import translator
from api.console.portal.common import CLIENT_USER, PORTAL, local
from api.console.web import csrf_checked, language, render
from api.deps import DB
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Conflict, InvalidInput
from core.tenancy import Actor
from dispatch.changes.patch import NOTES_MAX, OrderChange, change_order, shift_changeable
from dispatch.changes.terms import ChangeTerms, change_terms
from dispatch.models import Order, Site
from dispatch.orders import service as orders

router = APIRouter(prefix=PORTAL, include_in_schema=False)
FIELDS = ("headcount", "date", "start", "end", "notes")

i18n.add(
    {
        "portal_change": ("Изменить заказ", "Change the order"),
        "portal_change_title": ("Изменение заказа {code}", "Changing order {code}"),
        "portal_notes": ("Примечания для бригады", "Notes for the crew"),
        "portal_change_preview": ("Что изменится", "See what this changes"),
        "portal_change_confirm": ("Да, изменить заказ", "Yes, change the order"),
        "portal_change_none": ("Ничего не меняется.", "Nothing changes."),
        "portal_change_cut": (
            "Записанных, которых отпустят (записавшиеся последними): {n}.",
            "Booked workers let go (the most recently booked first): {n}.",
        ),
        "portal_change_standby": (
            "Резервных, которых отпустят: {n}.",
            "Workers on standby let go: {n}.",
        ),
        "portal_change_cut_late": (
            "До начала меньше {hours} ч: каждому отпущенному платится {pay} {currency}, "
            "итого {total} {currency}.",
            "Inside {hours} h of the start: each one let go is paid {pay} {currency}, "
            "{total} {currency} in all.",
        ),
        "portal_change_cut_free": (
            "До начала больше {hours} ч: это ничего не стоит.",
            "More than {hours} h before the start: this costs nothing.",
        ),
        "portal_change_more": (
            "Недостающих работников начнут искать сразу.",
            "The extra workers are sought at once.",
        ),
        "portal_change_asked": (
            "Каждого записанного ({n}) попросят подтвердить новое время; кто не подтвердит "
            "за {hours} ч до начала, будет заменён.",
            "Every booked worker ({n}) is asked to confirm the new times; whoever has not "
            "confirmed {hours} h before the start is replaced.",
        ),
        "portal_change_told": (
            "Записанным сообщат новое время.",
            "The booked workers are told the new times.",
        ),
        "portal_change_cannot": (
            "Не смогут прийти в новое время и будут отпущены: {n}; вместо них найдут других.",
            "Cannot come at the new times and are let go: {n}; others are sought instead.",
        ),
        "portal_change_notes": ("Примечания обновятся.", "The notes are updated."),
        "portal_change_closed": (
            "Заказ уже начался или закрыт: изменить его можно только через офис.",
            "The order has begun or is closed: only the office can change it now.",
        ),
    }
)


def _parse(order: Order, values: dict[str, str], t) -> tuple[OrderChange | None, dict[str, str]]:
    """The form's own checks; the domain's change checks the rest."""
    parsed, errors = fields.read_change(order, values, t, rates=False)
    if errors:
        return None, errors
    shift = {name: parsed[name] for name in ("starts_at", "ends_at") if name in parsed}
    return OrderChange.of(headcount=parsed["headcount"], notes=values["notes"], **shift), {}


def _order(session: Session, actor: Actor, order_id: int) -> Order:
    return orders.get_order(session, order_id, actor=actor, options=orders.ORDER_BRANCH)


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    order_id: int,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    terms: ChangeTerms | None = None,
    refusal: str = "",
    status_code: int = 200,
) -> Response:
    order = _order(session, actor, order_id)
    errors = errors or {}
    zone, t = order.branch.timezone, translator(language(request))
    context = {
        "order": order,
        "site": session.get_one(Site, order.site_id),
        "starts": local(order.starts_at, zone),
        "ends": local(order.ends_at, zone),
        "booked": orders.order_state(session, order).counts.get("booked", 0),
        "values": values or fields.values_of(order, language(request), rates=False),
        "errors": errors,
        "fields": [f for f in FIELDS if f in errors],
        "labels": {name: t(f"portal_{name}") for name in FIELDS},
        "terms": terms,
        "refusal": refusal,
        "notes_max": NOTES_MAX,
        "can_change": shift_changeable(order, now()),
    }
    return render(request, "portal_change.html", context, actor=actor, status_code=status_code)


@router.get("/orders/{order_id}/change")
def change_page(
    request: Request, order_id: IdPath, actor: Actor = Depends(CLIENT_USER), session: Session = DB
) -> Response:
    return _page(request, session, actor, order_id)


@router.post("/orders/{order_id}/change", dependencies=[Depends(csrf_checked)])
def change(
    request: Request,
    order_id: IdPath,
    confirm: str = Form(""),
    values: dict[str, str] = Depends(fields.change_form),
    actor: Actor = Depends(CLIENT_USER),
    session: Session = DB,
) -> Response:
    """Without `confirm`: what the change would do, to confirm. With it: the change."""
    t = translator(language(request))
    sent, errors = _parse(_order(session, actor, order_id), values, t)
    if sent is None:
        return _page(request, session, actor, order_id, values, errors, status_code=422)
    try:
        if confirm:
            change_order(session, order_id, actor=actor, change=sent, now=now())
            return RedirectResponse(f"{PORTAL}/orders/{order_id}", status_code=303)
        terms = change_terms(session, order_id, actor=actor, change=sent, now=now())
    except (InvalidInput, Conflict) as exc:
        session.rollback()  # nothing half-written, no text or job sent
        errors, refusal, status_code = fields.change_refused(exc, t, FIELDS, "headcount")
        return _page(request, session, actor, order_id, values, errors, None, refusal, status_code)
    return _page(request, session, actor, order_id, values, terms=terms)
