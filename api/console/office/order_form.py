"""The new-order form: offered filled in (tomorrow, the branch's usual shift, the client's
last rates: dispatch/orders/defaults.py), fields checked as the dispatcher leaves them
(writing nothing), warnings that do not refuse (a worker's rate above the client's), and
the order taken in when the form is sent."""

from decimal import Decimal
from itertools import groupby

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from api.console import i18n
from api.console import order_fields as fields
from api.console.errors import explain
from api.console.i18n import translator
from api.console.office.words.order_form import WORDS
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB
from api.deps import OFFICE as OFFICE_ROLES
from core.clock import now
from core.csvsafe import decimal_text
from core.errors import InvalidInput, NotFound
from core.ids import MAX_ID
from core.tenancy import Actor
from dispatch.orders import overbooking
from dispatch.orders import service as orders
from dispatch.orders.defaults import DEFAULT_ZONE, OrderDefaults, defaults_branch, order_defaults
from dispatch.orders.service import OrderInput
from dispatch.registry import sites as registry
from dispatch.registry.clients import list_clients
from dispatch.registry.knobs import DEFAULTS as POLICY_DEFAULTS
from sms.templates import skill_name
from workers.skills import SKILLS

router = APIRouter(prefix=PREFIX, include_in_schema=False)
OFFICE = staff(*OFFICE_ROLES)
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
    "rate_reason",  # rates other than the rate card's (dispatch/rates/order_rates.py)
)

# Its words are the dispatcher pages' table (registered by api/console/office/dispatcher.py) and
# its own.
i18n.add(WORDS)


def _parse(
    session: Session, actor: Actor, values: dict[str, str], t
) -> tuple[OrderInput | None, dict[str, str]]:
    """The form's own checks (filled in, numbers, dates, times, a site the actor sees); the
    domain checks the rest when the order is created."""
    errors = {name: t("order_err_required") for name in ("site_id", "skill") if not values[name]}
    site = None
    if "site_id" not in errors:
        try:
            site_id = int(values["site_id"])
            if not 1 <= site_id <= MAX_ID:  # past PostgreSQL's integers: no such site
                raise NotFound("site", site_id)
            site = registry.get_site(session, site_id, actor=actor, options=registry.SITE_BRANCH)
        except (ValueError, NotFound):
            errors["site_id"] = t("order_err_site")
    # A day already gone, in the site's branch's time (else the dispatcher's).
    zone = site.client.branch.timezone if site else _zone(session, actor)
    parsed, field_errors = fields.read_fields(values, t, rates=True, zone=zone)
    errors.update(field_errors)
    if errors or site is None:
        return None, errors
    try:
        starts_at, ends_at = fields.shift_of(zone, parsed["date"], parsed)
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
        rate_reason=values["rate_reason"].strip() or None,
    )
    return data, {}


def _zone(session: Session, actor: Actor) -> str:
    branch = defaults_branch(session, actor)
    return branch.timezone if branch else DEFAULT_ZONE


def _warnings(values: dict[str, str], t, lang: str) -> dict[str, str]:
    """What the dispatcher should look at twice, without refusing the order."""
    client, worker = fields.money(values["client_rate"]), fields.money(values["worker_rate"])
    if client is not None and worker is not None and worker > client:
        text = t("form_warn_rates").format(
            client=fields.amount(client, lang), worker=fields.amount(worker, lang)
        )
        return {"worker_rate": text}
    return {}


def _number(value: Decimal, lang: str) -> str:
    """1.50 as 1.5 (1,5 in Russian), 0.950 x 100 as 95."""
    return decimal_text(format(value.normalize(), "f"), lang)


def _mode_words(defaults: OrderDefaults, t, lang: str) -> dict[str, str]:
    """The overbooking choices in plain words, with the branch's own figures."""
    knobs = defaults.branch.policy if defaults.branch else POLICY_DEFAULTS
    factor = _number(knobs["overbook_factor"], lang)
    goal = _number(knobs["fill_goal"] * 100, lang)
    ten = overbooking.fixed_target(10, knobs["overbook_factor"])
    branch_mode = t(f"form_mode_{knobs['overbooking_mode']}_short").format(factor=factor, goal=goal)
    return {
        "": t("form_mode_branch").format(mode=branch_mode),
        "fixed": t("form_mode_fixed").format(factor=factor, ten=ten),
        "adaptive": t("form_mode_adaptive").format(goal=goal),
    }


def _site_groups(session: Session, actor: Actor, sites) -> list[tuple[str, list]]:
    """The sites by client (an optgroup each), each site one line without the client's name."""
    clients = {c.id: c.name for c in list_clients(session, actor=actor)}
    ordered = sorted(sites, key=lambda s: (clients.get(s.client_id, ""), s.client_id, s.name))
    return [
        (clients.get(client_id, ""), list(group))
        for client_id, group in groupby(ordered, key=lambda s: s.client_id)
    ]


def _domain_errors(exc: InvalidInput, t) -> dict[str, str]:
    """The domain's refusal beside the form's field it names, in words found by its code."""
    return fields.refused(exc, t, ORDER_FIELDS, "site_id")


def _new_order_page(
    request: Request,
    session: Session,
    actor: Actor,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    sites = registry.list_sites(session, actor=actor)
    lang = language(request)
    t = translator(lang)
    defaults = order_defaults(session, actor=actor, sites=sites, now=now())
    if not values:  # a fresh form: offered filled in
        values = _filled_in(defaults, request.query_params.get("site_id", ""), lang)
    context = {
        "site_groups": _site_groups(session, actor, sites),
        "rates": {
            site_id: (fields.amount(r.client_rate, lang), fields.amount(r.worker_rate, lang))
            for site_id, r in defaults.rates.items()
        },
        "skills": [(s, skill_name(s, lang)) for s in SKILLS],
        "modes": _mode_words(defaults, t, lang),
        "today": defaults.today.isoformat(),
        "values": values,
        "errors": errors,
        "warnings": _warnings(values, t, lang),
        "fields": [f for f in ORDER_FIELDS if f in errors],
    }
    return render(request, "order_new.html", context, actor=actor, status_code=status_code)


def _filled_in(defaults: OrderDefaults, site_id: str, lang: str) -> dict[str, str]:
    """Tomorrow, the branch's usual shift, one worker; a site chosen by link: its rates."""
    values = dict.fromkeys(ORDER_FIELDS, "")
    values.update(
        headcount="1",
        date=defaults.day.isoformat(),
        start=defaults.start.strftime("%H:%M"),
        end=defaults.end.strftime("%H:%M"),
    )
    if not (site_id.isdigit() and len(site_id) < 10):
        return values
    values["site_id"] = site_id  # an unknown or foreign site is refused when the form is sent
    rates = defaults.rates.get(int(site_id))
    if rates is not None:
        values["client_rate"] = fields.amount(rates.client_rate, lang)
        values["worker_rate"] = fields.amount(rates.worker_rate, lang)
    return values


@router.get("/orders/new")
def new_order_form(request: Request, actor: Actor = Depends(OFFICE), session: Session = DB):
    return _new_order_page(request, session, actor, {}, {})


@router.post("/orders/new", dependencies=[Depends(csrf_checked)])
def create_order(
    request: Request,
    values: dict[str, str] = Depends(fields.new_form),
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
    values: dict[str, str] = Depends(fields.new_form),
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


@router.post("/orders/new/warnings", dependencies=[Depends(csrf_checked)])
def order_warnings(
    request: Request,
    field: str = Form(""),
    values: dict[str, str] = Depends(fields.new_form),
    actor: Actor = Depends(OFFICE),
):
    """htmx: the warning under a field (a worker's rate above the client's), empty if none.
    A warning never refuses the order."""
    lang = language(request)
    message = _warnings(values, translator(lang), lang).get(field, "")
    return render(request, "order_check.html", {"message": message}, actor=actor)
