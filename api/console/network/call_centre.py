"""The call centre's page: find a client across the network (name, INN, phone) or type a new
one, place the site on a map (static/console/call_centre.js), see which branch it goes to
(the routing rule, by htmx as the point is chosen), the order's fields, and place it: the
same use-case as POST /api/v1/call-centre/orders (dispatch/intake/callcentre.py)."""

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from api.console import i18n
from api.console import order_fields as fields
from api.console.errors import explain
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB
from core.clock import now
from core.errors import DomainError, InvalidInput
from core.tenancy import Actor
from dispatch.intake import callcentre
from dispatch.models import Branch, Client, Site
from dispatch.network.areas import route
from dispatch.registry.sites import get_site, list_sites
from geo.points import Point
from sms.templates import skill_name
from workers.skills import SKILLS

router = APIRouter(prefix=PREFIX, include_in_schema=False)
CALL_CENTRE = Depends(staff("admin", "call_centre"))
PARTY = ("client_id", "client_name", "contact_person", "contact_phone", "inn")
PLACE = ("site_id", "site_name", "site_address", "lat", "lon")
FIELDS = (*PARTY, *PLACE, "skill", *fields.SHIFT, *fields.RATES, "notes")
# The domain's field (the last part of an error's loc, as the API's 422 names it) -> the form's.
FORM_NAME = {
    "name": "client_name",
    "address": "site_address",
    "starts_at": "start",
    "ends_at": "end",
    "client": "client_name",
    "client_id": "client_name",
    "site": "site_name",
    "location": "lat",
}
# A refusal that is no input error names its field by its code.
CODE_FIELD = {
    "client_not_found": "client_name",
    "client_inn_differs": "inn",
    "site_not_found": "site_id",
    "no_branch_to_route": "lat",
}


def _page(
    request: Request,
    actor: Actor,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
    done: dict[str, Any] | None = None,
    sites: list[Site] | None = None,
) -> HTMLResponse:
    lang = language(request)
    context = {
        "values": values,
        "errors": errors,
        "skills": [(s, skill_name(s, lang)) for s in SKILLS],
        "tiles": request.app.state.settings.map_tiles_url,
        "done": done,
        "sites": sites or [],
        "today": now().date().isoformat(),
    }
    return render(request, "call_centre.html", context, actor=actor, status_code=status_code)


@router.get("/call-centre")
def call_centre_page(request: Request, actor: Actor = CALL_CENTRE) -> HTMLResponse:
    tomorrow = now() + timedelta(days=1)
    values = dict.fromkeys(FIELDS, "")
    values.update(headcount="1", date=tomorrow.date().isoformat(), start="08:00", end="17:00")
    return _page(request, actor, values, {})


@router.get("/call-centre/clients")
def search_clients(
    request: Request,
    q: str = Query("", max_length=100),
    actor: Actor = CALL_CENTRE,
    session: Session = DB,
) -> HTMLResponse:
    """The network's clients whose name, INN or phone holds the text (20 at most)."""
    text = " ".join(q.split())
    found: list[tuple[Client, str]] = []
    if len(text) >= 2:
        digits = "".join(ch for ch in text if ch.isdigit())
        like = f"%{text.replace('%', '').replace('_', '')}%"
        match = [Client.name.ilike(like)]
        if len(digits) >= 4:
            match += [Client.inn.like(f"%{digits}%"), Client.contact_phone.like(f"%{digits}%")]
        query = (
            select(Client, Branch.code)
            .join(Branch, Branch.id == Client.branch_id)
            .where(or_(*match), actor.branch_filter(Client.branch_id))
            .order_by(func.lower(Client.name), Client.id)
            .limit(20)
        )
        found = [(c, code) for c, code in session.execute(query)]
    return render(request, "call_centre_clients.html", {"found": found, "q": text}, actor=actor)


@router.get("/call-centre/route")
def which_branch(
    request: Request,
    lat: str = Query("", max_length=40),
    lon: str = Query("", max_length=40),
    actor: Actor = CALL_CENTRE,
    session: Session = DB,
) -> HTMLResponse:
    """The branch the point goes to and how (the "which branch" preview); blank if none yet."""
    point = _point(lat, lon)
    routed = None
    if point is not None:
        found = route(session, point)
        routed = (session.get(Branch, found.branch_id), found.how)
    return render(request, "call_centre_branch.html", {"routed": routed}, actor=actor)


@router.get("/call-centre/sites")
def client_sites(
    request: Request,
    client_id: int = Query(..., ge=1, le=2**31 - 1),
    actor: Actor = CALL_CENTRE,
    session: Session = DB,
) -> HTMLResponse:
    """A picked client's sites to choose from (else a new one is typed)."""
    sites = _sites_of(session, actor, client_id)
    return render(request, "call_centre_sites.html", {"sites": sites, "values": {}}, actor=actor)


def _sites_of(session: Session, actor: Actor, client_id: int | None) -> list[Site]:
    return list_sites(session, actor=actor, client_id=client_id) if client_id else []


def _id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _point(lat: str, lon: str) -> Point | None:
    try:
        return Point(lat=float(lat.replace(",", ".")), lon=float(lon.replace(",", ".")))
    except (ValueError, DomainError):
        return None


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: str(form.get(name, "") or "").strip()[:2000] for name in FIELDS}


def _order(session: Session, actor: Actor, values: dict[str, str], t) -> tuple[Any, dict[str, str]]:
    """The form's own checks; the domain checks the rest."""
    errors: dict[str, str] = {}
    site_id = _id(values["site_id"])
    if site_id is not None:  # a picked site: its place (the domain checks it is the client's)
        point: Point | None = Point.from_db(get_site(session, site_id, actor=actor).location)
    else:
        point = _point(values["lat"], values["lon"])
    if point is None:
        errors["lat"] = t("order_err_required")
    if not values["skill"]:
        errors["skill"] = t("order_err_required")
    parsed, shift_errors = fields.read_fields(values, t, rates=False)
    errors.update(shift_errors)
    rates = {}
    for name in fields.RATES:
        rates[name] = fields.money(values[name]) if values[name] else None
        if values[name] and rates[name] is None:
            errors[name] = t("order_err_money")
    if not values["client_id"] and not values["client_name"]:
        errors["client_name"] = t("order_err_required")
    if errors or point is None:
        return None, errors
    zone = session.get(Branch, route(session, point).branch_id).timezone  # type: ignore[union-attr]
    starts_at, ends_at = fields.shift_of(zone, parsed["date"], parsed)
    client_id = _id(values["client_id"])
    new_client = None
    if client_id is None:
        new_client = callcentre.NewClient(
            name=values["client_name"],
            contact_person=values["contact_person"] or None,
            contact_phone=values["contact_phone"] or None,
            inn=values["inn"] or None,
        )
    site = (
        None if site_id else callcentre.NewSite(values["site_name"], values["site_address"], point)
    )
    data = callcentre.CallCentreOrder(
        skill=values["skill"],
        headcount=parsed["headcount"],
        starts_at=starts_at,
        ends_at=ends_at,
        client_id=client_id,
        client=new_client,
        site_id=site_id,
        site=site,
        client_rate=rates["client_rate"],
        worker_rate=rates["worker_rate"],
        notes=values["notes"] or None,
    )
    return data, {}


def field_of(refused: DomainError) -> str:
    """The form's field a refusal names: an input error's by its loc, another by its code; one
    that names none is the order's as a whole."""
    if isinstance(refused, InvalidInput):
        name = str(refused.loc[-1])
        name = FORM_NAME.get(name, name)
    else:
        name = CODE_FIELD.get(refused.code, "")
    return name if name in FIELDS else "order"


@router.post("/call-centre", dependencies=[Depends(csrf_checked)])
def place(
    request: Request,
    actor: Actor = CALL_CENTRE,
    session: Session = DB,
    values: dict[str, str] = Depends(_form),
) -> HTMLResponse:
    t = i18n.translator(language(request))
    try:
        data, errors = _order(session, actor, values, t)
        if data is None:
            sites = _sites_of(session, actor, _id(values["client_id"]))
            return _page(request, actor, values, errors, status_code=422, sites=sites)
        placed = callcentre.place_order(session, actor=actor, data=data, now=now())
    except DomainError as refused:
        session.rollback()
        errors = {field_of(refused): explain(refused, t)}
        sites = _sites_of(session, actor, _id(values["client_id"]))
        return _page(request, actor, values, errors, status_code=422, sites=sites)
    done = {
        "code": placed.order.code,
        "order_id": placed.order.id,
        "branch": f"{placed.branch.code} · {placed.branch.name}",
        "how": t(f"cc_how_{placed.how}"),
    }
    return _page(request, actor, dict.fromkeys(FIELDS, ""), {}, done=done)
