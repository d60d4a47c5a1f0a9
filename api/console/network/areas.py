"""A branch's service area, drawn on a Leaflet map on its settings page (area_section.html,
static/console/area_map.js): clicks set the polygon's corners, the form posts the GeoJSON,
saving is the API's PATCH /branches/{id} use-case (its area checked by PostGIS), audited."""

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB, MANAGERS
from api.schemas.common import IdPath
from core.errors import InvalidInput
from core.tenancy import Actor
from dispatch.models import Branch
from dispatch.network.areas import area_geojson
from dispatch.network.errors import AreaInvalid
from dispatch.registry import service as registry
from geo.points import Point

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Manager = Depends(staff(*MANAGERS))


def area_context(request: Request, branch: Branch) -> dict[str, Any]:
    """What area_section.html needs (the settings page includes it)."""
    centre = Point.from_db(branch.center)
    return {
        "area_json": json.dumps(area_geojson(branch.area)),
        "area_centre": centre,
        "tiles": request.app.state.settings.map_tiles_url,
        "area_saved": "area_saved" in request.query_params,
    }


async def _area_form(request: Request) -> str:
    value = (await request.form()).get("area", "")
    return value if isinstance(value, str) else ""


@router.post("/branches/{branch_id}/area", dependencies=[Depends(csrf_checked)])
def save_area(
    request: Request,
    branch_id: IdPath,
    actor: Actor = Manager,
    session: Session = DB,
    posted: str = Depends(_area_form),
) -> Response:
    """The drawn polygon (GeoJSON), or blank to clear it; a refusal re-shows the page."""
    branch = registry.get_branch(session, branch_id, actor=actor, lock=True)
    try:
        area = json.loads(posted) if posted.strip() else None
    except ValueError:
        area = {"type": "broken"}
    try:
        registry.update_branch(session, branch, actor=actor, changes={"area": area})
    except InvalidInput as refused:
        session.rollback()
        t = i18n.translator(language(request))
        branch = registry.get_branch(session, branch_id, actor=actor)
        context = {
            "branch": branch,
            **area_context(request, branch),
            "area_error": explain(refused, t),
        }
        context["area_json"] = json.dumps(area) if not isinstance(refused, AreaInvalid) else "null"
        return render(request, "area_page.html", context, actor=actor, status_code=422)
    return RedirectResponse(
        f"{PREFIX}/branches/{branch_id}/settings?area_saved=1#area", status_code=303
    )
