"""The new-order form's margin preview (htmx, as the site, skill, times, headcount or rates
change): the card's rates for the client and skill, the shift's night and day-off hours, and
the expected revenue, pay and margin (dispatch/rates/preview.py). Reads only; a field not
yet filled in shows the hint instead."""

from decimal import Decimal

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from api.console import order_fields as fields
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB
from api.deps import OFFICE as OFFICE_ROLES
from core.errors import DomainError
from core.ids import MAX_ID
from core.tenancy import Actor
from dispatch.rates.preview import Preview, preview
from dispatch.registry import sites as registry
from workers.skills import SKILLS

router = APIRouter(prefix=PREFIX, include_in_schema=False)
OFFICE = staff(*OFFICE_ROLES)


def _preview(session: Session, actor: Actor, values: dict[str, str]) -> Preview | None:
    site_id, skill = values["site_id"], values["skill"]
    if not (site_id.isdigit() and 1 <= int(site_id) <= MAX_ID) or skill not in SKILLS:
        return None
    try:
        site = registry.get_site(session, int(site_id), actor=actor, options=registry.SITE_BRANCH)
    except DomainError:
        return None
    branch = site.client.branch
    parsed, errors = fields.read_fields(values, lambda key: key, rates=False)
    if errors:
        return None
    try:
        starts_at, ends_at = fields.shift_of(branch.timezone, parsed["date"], parsed)
    except DomainError:
        return None
    if ends_at <= starts_at or not 1 <= parsed["headcount"] <= 500:
        return None
    typed = (fields.money(values["client_rate"]), fields.money(values["worker_rate"]))
    return preview(
        session,
        branch_id=branch.id,
        client_id=site.client_id,
        skill=skill,
        zone=branch.timezone,
        headcount=parsed["headcount"],
        starts_at=starts_at,
        ends_at=ends_at,
        typed=typed,
    )


def _amount(value: Decimal | None, lang: str) -> str:
    return fields.amount(value, lang) if value is not None else ""


@router.post("/orders/new/margin", dependencies=[Depends(csrf_checked)])
def order_margin(
    request: Request,
    values: dict[str, str] = Depends(fields.new_form),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
):
    lang = language(request)
    shown = _preview(session, actor, values)
    context = {
        "p": shown,
        "headcount": values["headcount"],
        "money": {
            name: _amount(getattr(shown, name), lang) if shown else ""
            for name in ("client_rate", "worker_rate", "revenue", "pay", "margin")
        },
        "card": (
            {
                "client_rate": fields.amount(shown.card.row.client_rate, lang),
                "worker_rate": fields.amount(shown.card.row.worker_rate, lang),
            }
            if shown and shown.card
            else None
        ),
    }
    return render(request, "order_margin.html", context, actor=actor)
