"""A branch's districts for its managers (dispatch/applicants/districts.py decides and
audits): the names applicants answer "where do you live" with, each with its centre."""

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console.errors import explain
from api.console.i18n import translator
from api.console.recruiting import pages  # noqa: F401  (registers the words)
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB, MANAGERS
from api.errors import status_of
from api.schemas.common import IdPath
from core.errors import Conflict, InvalidInput, NotFound
from core.tenancy import Actor
from dispatch.applicants import districts
from dispatch.registry import service as registry
from geo.points import Point

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Manager = Depends(staff(*MANAGERS))
FIELDS = ("name", "lat", "lon")


@router.get("/districts")
def my_districts(request: Request, actor: Actor = Manager, session: Session = DB) -> Response:
    """A manager's own branch; the head office picks one."""
    if actor.branch_id is not None:
        return RedirectResponse(f"{PREFIX}/branches/{actor.branch_id}/districts", 303)
    branches = registry.list_branches(session, actor=actor)
    context = {"branches": branches, "page": "districts", "title": "districts_title"}
    return render(request, "branch_pick.html", context, actor=actor)


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    branch_id: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    branch = registry.get_branch(session, branch_id, actor=actor)
    context = {
        "branch": branch,
        "rows": districts.list_districts(session, actor=actor, branch_id=branch.id),
        "values": values or {},
        "errors": errors or {},
        "name_max": districts.NAME_MAX,
        "done": request.query_params.get("done", ""),
    }
    return render(request, "districts.html", context, actor=actor, status_code=status_code)


@router.get("/branches/{branch_id}/districts")
def districts_page(
    request: Request, branch_id: IdPath, actor: Actor = Manager, session: Session = DB
) -> Response:
    return _page(request, session, actor, branch_id)


@router.post("/branches/{branch_id}/districts", dependencies=[Depends(csrf_checked)])
def add(
    request: Request,
    branch_id: IdPath,
    name: str = Form("", max_length=300),
    lat: str = Form("", max_length=40),
    lon: str = Form("", max_length=40),
    actor: Actor = Manager,
    session: Session = DB,
) -> Response:
    t = translator(language(request))
    values = {"name": name, "lat": lat, "lon": lon}
    try:
        centre = Point(lat=float(lat.replace(",", ".")), lon=float(lon.replace(",", ".")))
    except ValueError:
        errors = {"lat": t("districts_bad_point")}
        return _page(request, session, actor, branch_id, values=values, errors=errors,
                     status_code=422)  # fmt: skip
    except InvalidInput as exc:  # out of range
        errors = {str(exc.loc[-1]): explain(exc, t)}
        return _page(request, session, actor, branch_id, values=values, errors=errors,
                     status_code=422)  # fmt: skip
    try:
        with session.begin_nested():
            districts.add_district(
                session, actor=actor, branch_id=branch_id, name=name, centre=centre
            )
    except (InvalidInput, Conflict) as exc:
        return _page(request, session, actor, branch_id, values=values,
                     errors={"name": explain(exc, t)}, status_code=status_of(exc))  # fmt: skip
    return RedirectResponse(f"{PREFIX}/branches/{branch_id}/districts?done=added", 303)


@router.post(
    "/branches/{branch_id}/districts/{district_id}/remove", dependencies=[Depends(csrf_checked)]
)
def remove(
    request: Request,
    branch_id: IdPath,
    district_id: IdPath,
    actor: Actor = Manager,
    session: Session = DB,
) -> Response:
    try:
        with session.begin_nested():
            districts.remove_district(
                session, actor=actor, branch_id=branch_id, district_id=district_id
            )
    except NotFound as exc:
        t = translator(language(request))
        return _page(request, session, actor, branch_id, errors={"remove": explain(exc, t)},
                     status_code=status_of(exc))  # fmt: skip
    return RedirectResponse(f"{PREFIX}/branches/{branch_id}/districts?done=removed", 303)
