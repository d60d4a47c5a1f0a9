"""A client's sites in the console: a new site and a site's page. The place is set on a
Leaflet map (a click places the pin, a drag moves it) or typed as latitude and longitude (the
map follows: static/console/site_map.js); the geofence is drawn as a circle. The rules are
dispatch/registry/sites.py's; a refusal is shown beside its field, what was typed kept."""

import re

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from api.console.errors import explain
from api.console.i18n import translator
from api.console.manage.owners import narrowed
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB, OFFICE
from api.schemas.common import IdPath
from core.errors import InvalidInput
from core.tenancy import Actor
from dispatch.enums import OFFICE_READERS
from dispatch.models import Branch, Client, Site
from dispatch.registry import clients, sites
from geo.points import Point

# The words are the clients' pages' (api/console/registry/clients.py adds them).
router = APIRouter(prefix=PREFIX, include_in_schema=False)
Office = Depends(staff(*OFFICE))
Reading = Depends(staff(*OFFICE_READERS))  # an owner reads their branches' sites (issue 21)

FIELDS = (
    "name",
    "address",
    "lat",
    "lon",
    "geofence_m",
    "foreman_id",
    "contact_name",
    "contact_phone",
)
CONTACT = ("contact_name", "contact_phone")  # checked by the domain (sites.clean_contact)
NUMBER = re.compile(r"^-?\d{1,3}([.,]\d{1,10})?$")
GEOFENCE = (50, 5000)  # the sites table's CHECK


def _site_form(
    name: str = Form(""),
    address: str = Form(""),
    lat: str = Form(""),
    lon: str = Form(""),
    geofence_m: str = Form(""),
    foreman_id: str = Form(""),
    contact_name: str = Form(""),
    contact_phone: str = Form(""),
) -> dict[str, str]:
    typed = (name, address, lat, lon, geofence_m, foreman_id, contact_name, contact_phone)
    values = {field: value.strip() for field, value in zip(FIELDS, typed, strict=True)}
    # The texts go to the domain whole (it refuses what its columns cannot hold, by name);
    # a number this long is wrong anyway, and int() of thousands of digits raises.
    whole = ("name", "address", "contact_name")
    return {
        f: v if f in whole else v[:41] if f == "contact_phone" else v[:40]
        for f, v in values.items()
    }


def _parse(values: dict[str, str], t) -> tuple[dict, dict[str, str]]:
    """The form's own checks (filled in, numbers); the domain checks the rest."""
    errors: dict[str, str] = {}
    for field in ("name", "address"):
        if not values[field]:
            errors[field] = t("clients_err_required")
    coords: dict[str, float] = {}
    for field in ("lat", "lon"):
        if not values[field]:
            errors[field] = t("sites_err_place")
        elif not NUMBER.match(values[field]):
            errors[field] = t("sites_err_number")
        else:
            coords[field] = float(values[field].replace(",", "."))
    parsed: dict = {"name": values["name"], "address": values["address"]}
    if len(coords) == 2:
        try:
            parsed["location"] = Point(lat=coords["lat"], lon=coords["lon"])
        except InvalidInput as exc:
            errors[str(exc.loc[-1])] = explain(exc, t)
    raw = values["geofence_m"]
    if raw:
        if raw.isdigit() and GEOFENCE[0] <= int(raw) <= GEOFENCE[1]:
            parsed["geofence_m"] = int(raw)
        else:
            errors["geofence_m"] = t("sites_err_whole")
    foreman = values["foreman_id"]
    parsed["foreman_id"] = int(foreman) if foreman.isdigit() and len(foreman) < 10 else None
    parsed.update({field: values[field] or None for field in CONTACT})
    return parsed, errors


def _page(request, session, actor, client: Client, values, errors, *, site=None, status=200):
    branch = session.get(Branch, client.branch_id)
    foremen = sites.foremen(session, client.branch_id)
    centre = Point.from_db(branch.center) if branch is not None else Point(55.75, 37.62)
    context = {
        "client": client,
        "site": site,
        "values": values,
        "errors": errors,
        "fields": [f for f in FIELDS if f in errors],
        "foremen": [(u.id, u.full_name or u.username) for u in foremen],
        "centre": centre,
        "default_geofence": branch.geofence_m if branch is not None else 250,
        "tiles": request.app.state.settings.map_tiles_url,
    }
    return render(request, "sites_form.html", context, actor=actor, status_code=status)


def _values_of(site: Site) -> dict[str, str]:
    point = Point.from_db(site.location)
    return {
        "name": site.name,
        "address": site.address,
        "lat": f"{point.lat:.6f}",
        "lon": f"{point.lon:.6f}",
        "geofence_m": str(site.geofence_m),
        "foreman_id": str(site.foreman_id or ""),
        "contact_name": site.contact_name or "",
        "contact_phone": site.contact_phone or "",
    }


def _domain_error(exc: InvalidInput, t) -> dict[str, str]:
    return {str(exc.loc[-1]): explain(exc, t)}


@router.get("/clients/{client_id}/sites/new")
def new_site_form(
    request: Request, client_id: IdPath, actor: Actor = Office, session: Session = DB
):
    client = clients.get_client(session, client_id, actor=actor)
    values = dict.fromkeys(FIELDS, "")
    return _page(request, session, actor, client, values, {})


@router.post("/clients/{client_id}/sites/new", dependencies=[Depends(csrf_checked)])
def create_site(
    request: Request,
    client_id: IdPath,
    values: dict[str, str] = Depends(_site_form),
    actor: Actor = Office,
    session: Session = DB,
):
    t = translator(language(request))
    client = clients.get_client(session, client_id, actor=actor)
    parsed, errors = _parse(values, t)
    if not errors:
        try:
            site = sites.create_site(session, actor=actor, client_id=client.id, **parsed)
        except InvalidInput as exc:
            session.rollback()
            errors = _domain_error(exc, t)
            client = clients.get_client(session, client_id, actor=actor)
        else:
            return RedirectResponse(f"{PREFIX}/sites/{site.id}?saved=1", status_code=303)
    return _page(request, session, actor, client, values, errors, status=422)


@router.get("/sites")
def site_list(
    request: Request,
    branch: str = Query("", max_length=12),
    actor: Actor = Reading,
    session: Session = DB,
):
    """Every site the reader sees, with its client; ?branch=ID: an owner's one branch."""
    seeing = narrowed(actor, branch)
    found = sites.list_sites(session, actor=seeing, options=sites.SITE_CLIENT)
    context = {"sites": found, "branch": branch if branch.isdigit() else ""}
    return render(request, "sites_list.html", context, actor=actor)


@router.get("/sites/{site_id}")
def site_page(request: Request, site_id: IdPath, actor: Actor = Reading, session: Session = DB):
    site = sites.get_site(session, site_id, actor=actor, options=sites.SITE_CLIENT)
    return _page(request, session, actor, site.client, _values_of(site), {}, site=site)


@router.post("/sites/{site_id}", dependencies=[Depends(csrf_checked)])
def update_site(
    request: Request,
    site_id: IdPath,
    values: dict[str, str] = Depends(_site_form),
    actor: Actor = Office,
    session: Session = DB,
):
    t = translator(language(request))
    site = sites.get_site(session, site_id, actor=actor, options=sites.SITE_CLIENT)
    parsed, errors = _parse(values, t)
    if not errors:
        parsed.setdefault("geofence_m", site.geofence_m)
        try:
            sites.update_site(session, site, actor=actor, changes=parsed)
        except InvalidInput as exc:
            session.rollback()
            errors = _domain_error(exc, t)
            site = sites.get_site(session, site_id, actor=actor, options=sites.SITE_CLIENT)
        else:
            return RedirectResponse(f"{PREFIX}/sites/{site.id}?saved=1", status_code=303)
    return _page(request, session, actor, site.client, values, errors, site=site, status=422)
