"""The network's business: organisations (the head office's), a branch's format suggestion,
and the routing rule's answer for a point (the call centre's "which branch" preview)."""

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from api.deps import DB, EVERYONE, require
from api.schemas.common import IdPath
from api.schemas.network.bodies import (
    FormatSuggestionOut,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    RouteOut,
)
from core.tenancy import Actor
from dispatch.network import organisations as orgs
from dispatch.network.areas import route
from dispatch.network.formats import suggest_format
from dispatch.registry import service as registry
from geo.points import Point

router = APIRouter(tags=["network"])
READERS = ("admin", "owner", "call_centre")
ROUTERS = ("admin", "call_centre")


@router.post("/api/v1/organisations", status_code=201, response_model=OrganisationOut)
def create_organisation(
    body: OrganisationIn, actor: Actor = Depends(require("admin")), session: Session = DB
) -> OrganisationOut:
    """royalty_rate: a share of turnover, 0 <= r < 1 (422 royalty_rate_invalid)."""
    org = orgs.create_organisation(
        session, actor=actor, name=body.name, kind=body.kind, royalty_rate=body.royalty_rate
    )
    return OrganisationOut.of(org)


@router.get("/api/v1/organisations", response_model=list[OrganisationOut])
def list_organisations(
    actor: Actor = Depends(require(*READERS)), session: Session = DB
) -> list[OrganisationOut]:
    """The head office sees every organisation; an owner their own."""
    found = orgs.list_organisations(session, actor=actor)
    branches = orgs.branches_of(session, [o.id for o in found])
    return [OrganisationOut.of(o, branches[o.id]) for o in found]


@router.get("/api/v1/organisations/{organisation_id}", response_model=OrganisationOut)
def get_organisation(
    organisation_id: IdPath, actor: Actor = Depends(require(*READERS)), session: Session = DB
) -> OrganisationOut:
    org = orgs.get_organisation(session, organisation_id, actor=actor)
    return OrganisationOut.of(org, orgs.branches_of(session, [org.id])[org.id])


@router.patch("/api/v1/organisations/{organisation_id}", response_model=OrganisationOut)
def update_organisation(
    organisation_id: IdPath,
    body: OrganisationPatch,
    actor: Actor = Depends(require("admin")),
    session: Session = DB,
) -> OrganisationOut:
    org = orgs.get_organisation(session, organisation_id, actor=actor, lock=True)
    org = orgs.update_organisation(
        session, org, actor=actor, changes=body.model_dump(exclude_unset=True)
    )
    return OrganisationOut.of(org, orgs.branches_of(session, [org.id])[org.id])


@router.get("/api/v1/branches/{branch_id}/format-suggestion", response_model=FormatSuggestionOut)
def format_suggestion(
    branch_id: IdPath, actor: Actor = Depends(require(*EVERYONE)), session: Session = DB
) -> FormatSuggestionOut:
    """The format of the city nearest the branch's centre (dispatch/network/formats.py)."""
    branch = registry.get_branch(session, branch_id, actor=actor)
    found = suggest_format(Point.from_db(branch.center))
    return FormatSuggestionOut(format=found.format, city=found.city, population=found.population)


@router.get("/api/v1/network/route", response_model=RouteOut)
def route_point(
    lat: float = Query(ge=-90, le=90),
    lon: float = Query(ge=-180, le=180),
    actor: Actor = Depends(require(*ROUTERS)),
    session: Session = DB,
) -> RouteOut:
    """The branch a site at this point is routed to, and how ("area" / "nearest")."""
    routed = route(session, Point(lat=lat, lon=lon))
    branch = registry.get_branch(session, routed.branch_id, actor=actor)
    return RouteOut(
        branch_id=branch.id, branch_code=branch.code, branch_name=branch.name, how=routed.how
    )
