"""Sites: where a client's work happens."""

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from api.deps import DB, OFFICE, SITE_LOOKERS, require
from api.schemas.common import IdPath, IdQuery
from api.schemas.registry import SiteIn, SiteOut, SitePatch
from core.tenancy import Actor
from dispatch.registry import sites as registry

router = APIRouter(prefix="/api/v1/sites", tags=["sites"])


@router.post("", status_code=201, response_model=SiteOut)
def create_site(
    body: SiteIn, actor: Actor = Depends(require(*OFFICE)), session: Session = DB
) -> SiteOut:
    site = registry.create_site(
        session,
        actor=actor,
        client_id=body.client_id,
        name=body.name,
        address=body.address,
        location=body.location.to_point(),
        geofence_m=body.geofence_m,
        foreman_id=body.foreman_id,
        contact_name=body.contact_name,
        contact_phone=body.contact_phone,
    )
    return SiteOut.of(site)


@router.get("", response_model=list[SiteOut])
def list_sites(
    client_id: IdQuery = None,
    branch_id: IdQuery = None,  # one branch's (an owner's one of theirs)
    actor: Actor = Depends(require(*SITE_LOOKERS)),  # a client: its own sites
    session: Session = DB,
) -> list[SiteOut]:
    found = registry.list_sites(session, actor=actor, client_id=client_id, branch_id=branch_id)
    return [SiteOut.of(s) for s in found]


@router.get("/{site_id}", response_model=SiteOut)
def get_site(
    site_id: IdPath, actor: Actor = Depends(require(*SITE_LOOKERS)), session: Session = DB
) -> SiteOut:
    return SiteOut.of(registry.get_site(session, site_id, actor=actor))


@router.patch("/{site_id}", response_model=SiteOut)
def update_site(
    site_id: IdPath,
    body: SitePatch,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
) -> SiteOut:
    site = registry.get_site(session, site_id, actor=actor, options=registry.SITE_CLIENT)
    changes = body.model_dump(exclude_unset=True, exclude={"location"})
    if body.location is not None:
        changes["location"] = body.location.to_point()
    return SiteOut.of(registry.update_site(session, site, actor=actor, changes=changes))
