"""The head office's pages of the network: the organisations (list with their branches, add,
edit) and a branch's network fields (brand, format with its suggestion, organisation, legal
and bank details, VAT). Saving is the API's use-cases (dispatch/network/organisations.py,
dispatch/registry/service.py's update_branch), audited; a refusal is shown by its field."""

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB
from api.schemas.common import IdPath
from core.errors import DomainError
from core.tenancy import Actor
from dispatch.models import Branch
from dispatch.network import organisations as orgs
from dispatch.network.formats import suggest_format
from dispatch.network.models import FORMATS, ORGANISATION_KINDS
from dispatch.registry import service as registry
from geo.points import Point

router = APIRouter(prefix=PREFIX, include_in_schema=False)
ADMIN = Depends(staff("admin"))
ORG_FIELDS = ("name", "kind", "royalty_rate")
TEXTS = tuple(registry.NETWORK_TEXTS)
NET_FIELDS = (*TEXTS, "format", "organisation_id", "vat_rate")


def _field_of(refused: DomainError) -> str:
    loc = getattr(refused, "loc", None)
    return str(loc[-1]) if loc else getattr(refused, "field", "name")


async def _posted(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v.strip()[:600] for k, v in form.items() if isinstance(v, str) and k != "csrf"}


Posted = Depends(_posted)


def _orgs_page(request, session, actor, values, errors, status_code=200) -> HTMLResponse:
    found = orgs.list_organisations(session, actor=actor)
    context = {
        "organisations": found,
        "branches": orgs.branches_of(session, [o.id for o in found]),
        "kinds": ORGANISATION_KINDS,
        "values": values,
        "errors": errors,
        "saved": "saved" in request.query_params,
    }
    return render(request, "organisations.html", context, actor=actor, status_code=status_code)


@router.get("/organisations")
def organisations_page(
    request: Request, actor: Actor = ADMIN, session: Session = DB
) -> HTMLResponse:
    return _orgs_page(request, session, actor, {"kind": "franchisee"}, {})


@router.post("/organisations", dependencies=[Depends(csrf_checked)])
def add_organisation(
    request: Request, actor: Actor = ADMIN, session: Session = DB, form: dict = Posted
) -> Response:
    """A new organisation, or (with id) an edited one."""
    t = i18n.translator(language(request))
    values = {k: form.get(k, "") for k in (*ORG_FIELDS, "id")}
    try:
        changes: dict[str, Any] = {k: values[k] for k in ORG_FIELDS}
        changes["royalty_rate"] = changes["royalty_rate"].replace(",", ".") or "x"
        if values["id"].isdigit():
            org = orgs.get_organisation(session, int(values["id"]), actor=actor, lock=True)
            orgs.update_organisation(session, org, actor=actor, changes=changes)
        else:
            orgs.create_organisation(session, actor=actor, **changes)
    except DomainError as refused:
        session.rollback()
        errors = {_field_of(refused): explain(refused, t)}
        return _orgs_page(request, session, actor, values, errors, status_code=422)
    return RedirectResponse(f"{PREFIX}/organisations?saved=1", status_code=303)


def _net_page(request, session, actor, branch: Branch, values, errors, status_code=200):
    suggestion = suggest_format(Point.from_db(branch.center))
    context = {
        "branch": branch,
        "values": values,
        "errors": errors,
        "texts": TEXTS,
        "formats": FORMATS,
        "suggestion": suggestion,
        "organisations": orgs.list_organisations(session, actor=actor),
        "saved": "saved" in request.query_params,
    }
    return render(request, "branch_network.html", context, actor=actor, status_code=status_code)


@router.get("/branches/{branch_id}/network")
def branch_network_page(
    request: Request, branch_id: IdPath, actor: Actor = ADMIN, session: Session = DB
) -> HTMLResponse:
    branch = registry.get_branch(session, branch_id, actor=actor)
    values = {f: "" if getattr(branch, f) is None else str(getattr(branch, f)) for f in NET_FIELDS}
    if not values["format"]:
        values["format"] = suggest_format(Point.from_db(branch.center)).format  # pre-filled
    return _net_page(request, session, actor, branch, values, {})


@router.post("/branches/{branch_id}/network", dependencies=[Depends(csrf_checked)])
def save_branch_network(
    request: Request,
    branch_id: IdPath,
    actor: Actor = ADMIN,
    session: Session = DB,
    form: dict = Posted,
) -> Response:
    t = i18n.translator(language(request))
    values = {f: form.get(f, "") for f in NET_FIELDS}
    changes: dict[str, Any] = {f: values[f] or None for f in NET_FIELDS}
    org = values["organisation_id"]
    changes["organisation_id"] = int(org) if org.isdigit() and len(org) < 10 else None
    if changes["vat_rate"]:
        changes["vat_rate"] = changes["vat_rate"].replace(",", ".")
    branch = registry.get_branch(session, branch_id, actor=actor, lock=True)
    try:
        registry.update_branch(session, branch, actor=actor, changes=changes)
    except DomainError as refused:
        session.rollback()
        branch = registry.get_branch(session, branch_id, actor=actor)
        errors = {_field_of(refused): explain(refused, t)}
        return _net_page(request, session, actor, branch, values, errors, status_code=422)
    return RedirectResponse(f"{PREFIX}/branches/{branch_id}/network?saved=1", status_code=303)
