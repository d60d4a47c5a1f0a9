"""The order page's "Change the order" form: headcount, date and times, rates, foreman and
notes, applied by dispatch/changes/patch.py (the rules, the locks, the audit). The form is
fetched into the order page (order_edit.html) and sent as a plain POST: done, back to the
order page; refused, the form's own page with each error beside its field and the values
kept. Dates and times are read as the new-order form reads them (order_form.py)."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from api.console import i18n
from api.console import order_fields as fields
from api.console.errors import explain
from api.console.i18n import translator
from api.console.office.dispatcher import OFFICE
from api.console.office.words.order_edit import WORDS
from api.console.web import PREFIX, csrf_checked, language, render
from api.deps import DB
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Conflict, InvalidInput
from core.tenancy import Actor
from dispatch.changes.patch import NOTES_MAX, OrderChange, change_order
from dispatch.enums import CLOSED
from dispatch.models import Order
from dispatch.orders import service as orders
from dispatch.registry import sites

router = APIRouter(prefix=PREFIX, include_in_schema=False)
FIELDS = fields.CHANGE_FIELDS

i18n.add(WORDS)


def _values_of(order: Order, lang: str) -> dict[str, str]:
    """The form filled in from the order as it stands, in the branch's time."""
    return {**fields.values_of(order, lang, rates=True), "foreman_id": str(order.foreman_id or "")}


def _parse(order: Order, values: dict[str, str], t) -> tuple[OrderChange | None, dict[str, str]]:
    """The form's own checks (filled in, numbers, a date, times); the domain checks the rest."""
    parsed, errors = fields.read_change(order, values, t, rates=True)
    foreman = values["foreman_id"]
    if foreman and not (foreman.isdigit() and len(foreman) < 10):
        errors["foreman_id"] = explain(InvalidInput("foreman_id", "no such foreman"), t)
    if errors:
        return None, errors
    names = ("headcount", "client_rate", "worker_rate", "starts_at", "ends_at")
    sent: dict = {name: parsed[name] for name in names if name in parsed}
    sent.update(foreman_id=int(foreman) if foreman else None, notes=values["notes"])
    if values["rate_reason"].strip():  # rates other than the card's (dispatch/rates)
        sent["rate_reason"] = values["rate_reason"].strip()
    return OrderChange.of(**sent), {}


def _context(
    session: Session, order: Order, values: dict[str, str], errors: dict[str, str], t
) -> dict:
    names = {
        "headcount": t("order_headcount"),
        "date": t("order_date"),
        "start": t("order_start"),
        "end": t("order_end"),
        "client_rate": t("order_client_rate"),
        "worker_rate": t("order_worker_rate"),
        "rate_reason": t("order_rate_reason"),
        "foreman_id": t("chg_foreman"),
        "notes": t("chg_notes"),
    }
    return {
        "order": order,
        "values": values,
        "errors": errors,
        "labels": names,
        "fields": [f for f in FIELDS if f in errors],
        "foremen": sites.foremen(session, order.branch_id),
        "notes_max": NOTES_MAX,
    }


def _order(session: Session, actor: Actor, order_id: int) -> Order:
    # Another branch's: 404; a closed order has no form (its page says why).
    return orders.get_order(session, order_id, actor=actor, options=orders.ORDER_BRANCH)


@router.get("/orders/{order_id}/edit")
def edit_form(
    request: Request, order_id: IdPath, actor: Actor = Depends(OFFICE), session: Session = DB
) -> HTMLResponse:
    """The form alone for the order page (htmx), or on its own page (no script)."""
    order = _order(session, actor, order_id)
    lang = language(request)
    context = _context(session, order, _values_of(order, lang), {}, translator(lang))
    context["closed"] = order.status in CLOSED
    template = (
        "order_edit_form.html" if request.headers.get("HX-Request") else "order_edit_page.html"
    )
    return render(request, template, context, actor=actor)


@router.post("/orders/{order_id}/edit", dependencies=[Depends(csrf_checked)])
def save_changes(
    request: Request,
    order_id: IdPath,
    values: dict[str, str] = Depends(fields.change_form),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
):
    t = translator(language(request))
    order = _order(session, actor, order_id)
    change, errors = _parse(order, values, t)
    status_code, refusal = 422, ""
    if change is not None:
        try:
            change_order(session, order_id, actor=actor, change=change, now=now())
        except (InvalidInput, Conflict) as exc:  # a field's, or cancelled or completed meanwhile
            session.rollback()  # nothing half-written, and no job or text sent for it
            errors, refusal, status_code = fields.change_refused(exc, t, FIELDS, "headcount")
        else:
            return RedirectResponse(f"{PREFIX}/orders/{order_id}#order-edit", status_code=303)
        order = _order(session, actor, order_id)
    context = _context(session, order, values, errors, t)
    context.update(closed=order.status in CLOSED, refusal=refusal)
    return render(request, "order_edit_page.html", context, actor=actor, status_code=status_code)
