"""The client's orders (upcoming first) and the new-order form: one of the client's sites, a
skill with an agreed rate, how many, when. No rate is typed: create_order applies the agreed
ones, as it does for POST /api/v1/orders by a client."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import order_fields as fields
from api.console.errors import explain
from api.console.i18n import translator
from api.console.portal.common import CLIENT_USER, PORTAL, local
from api.console.web import csrf_checked, language, render
from api.deps import DB
from core.clock import now
from core.errors import InvalidInput, NotFound
from core.ids import MAX_ID
from core.tenancy import Actor
from dispatch.enums import OrderStatus
from dispatch.models import Branch
from dispatch.orders import approval
from dispatch.orders import service as orders
from dispatch.orders.defaults import order_defaults
from dispatch.orders.service import OrderInput
from dispatch.rates.agreed import list_rates
from dispatch.registry import sites as registry
from sms.templates import skill_name

router = APIRouter(prefix=PORTAL, include_in_schema=False)
FIELDS = ("site_id", "skill", "headcount", "date", "start", "end")


@router.get("/")
def my_orders(request: Request, actor: Actor = Depends(CLIENT_USER), session: Session = DB):
    found = orders.list_orders(session, actor=actor, limit=200)
    moment = now()
    upcoming = sorted((o for o in found if o.ends_at >= moment), key=lambda o: o.starts_at)
    past = [o for o in found if o.ends_at < moment]
    sites = {s.id: s for s in registry.list_sites(session, actor=actor)}
    zones = {o.id: session.get_one(Branch, o.branch_id).timezone for o in found}
    cancelled = [o.id for o in found if o.status == OrderStatus.CANCELLED]
    context = {
        "declined": approval.declined(session, cancelled),
        "groups": [("portal_upcoming", upcoming), ("portal_past", past)],
        "counts": {o.id: orders.order_state(session, o).counts.get("booked", 0) for o in found},
        "sites": sites,
        "when": lambda o: local(o.starts_at, zones[o.id]) + "–" + local(o.ends_at, zones[o.id])[6:],
    }
    return render(request, "portal_orders.html", context, actor=actor)


def _parse(session: Session, actor: Actor, values: dict[str, str], t):
    """The form's own checks (filled in, a number, a date, times, a site of the client's);
    the domain checks the rest when the order is placed."""
    errors = {name: t("order_err_required") for name in ("site_id", "skill") if not values[name]}
    site = None
    if "site_id" not in errors:
        try:
            site_id = int(values["site_id"])
            if not 1 <= site_id <= MAX_ID:
                raise NotFound("site", site_id)
            site = registry.get_site(session, site_id, actor=actor, options=registry.SITE_BRANCH)
        except (ValueError, NotFound):
            errors["site_id"] = t("order_err_site")
    zone = site.client.branch.timezone if site else None
    parsed, field_errors = fields.read_fields(values, t, rates=False, zone=zone)
    errors.update(field_errors)
    if errors or site is None or zone is None:
        return None, errors
    try:
        starts_at, ends_at = fields.shift_of(zone, parsed["date"], parsed)
    except InvalidInput as exc:
        return None, {"date": explain(exc, t)}
    data = OrderInput(
        site_id=site.id,
        skill=values["skill"],
        headcount=parsed["headcount"],
        starts_at=starts_at,
        ends_at=ends_at,
        client_rate=None,  # the agreed rates apply
        worker_rate=None,
    )
    return data, {}


def _domain_errors(exc: InvalidInput, t) -> dict[str, str]:
    if exc.code == "no_agreed_rate":
        return {"skill": t("portal_err_no_rate")}
    return fields.refused(exc, t, FIELDS, "skill")


def _page(request, session, actor, values, errors, status_code=200) -> Response:
    lang = language(request)
    sites = registry.list_sites(session, actor=actor)
    rates = list_rates(session, actor=actor, client_id=actor.client_id) if actor.client_id else []
    if not values:
        defaults = order_defaults(session, actor=actor, sites=sites, now=now())
        values = dict.fromkeys(FIELDS, "")
        values.update(
            headcount="1",
            date=defaults.day.isoformat(),
            start=defaults.start.strftime("%H:%M"),
            end=defaults.end.strftime("%H:%M"),
            site_id=str(sites[0].id) if len(sites) == 1 else "",
        )
    branch = session.get_one(Branch, actor.branch_id)  # a client user is of its client's branch
    context = {
        "approval_h": branch.client_order_approval_h,  # said before the order is placed
        "sites": sites,
        "skills": [(r.skill, skill_name(r.skill, lang)) for r in rates],
        "values": values,
        "errors": errors,
        "fields": [f for f in FIELDS if f in errors],
    }
    return render(request, "portal_new.html", context, actor=actor, status_code=status_code)


@router.get("/orders/new")
def new_order(request: Request, actor: Actor = Depends(CLIENT_USER), session: Session = DB):
    return _page(request, session, actor, {}, {})


@router.post("/orders/new", dependencies=[Depends(csrf_checked)])
def place_order(
    request: Request,
    values: dict[str, str] = Depends(fields.new_form),
    actor: Actor = Depends(CLIENT_USER),
    session: Session = DB,
):
    t = translator(language(request))
    data, errors = _parse(session, actor, values, t)
    if data is not None:
        try:
            order = orders.create_order(session, actor=actor, data=data, now=now())
        except InvalidInput as exc:
            session.rollback()  # nothing half-written, no job sent
            errors = _domain_errors(exc, t)
        else:
            return RedirectResponse(f"{PORTAL}/orders/{order.id}", status_code=303)
    return _page(request, session, actor, values, errors, status_code=422)
