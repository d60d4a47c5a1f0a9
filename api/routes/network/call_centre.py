"""The call centre's orders (dispatch/intake): a site anywhere in the network, its branch
routed from the site's location."""

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.deps import DB, require
from api.schemas.network.bodies import CallCentreOrderIn
from api.schemas.orders import OrderOut
from core.clock import now
from core.tenancy import Actor
from dispatch.intake import callcentre
from dispatch.orders import service as orders

router = APIRouter(prefix="/api/v1/call-centre", tags=["call centre"])
CALL_CENTRE = ("admin", "call_centre")


class PlacedBranch(BaseModel):
    id: int
    code: str
    name: str
    how: str  # "area": the site is inside its area; "nearest": its centre is nearest


class PlacedThing(BaseModel):
    id: int
    name: str
    # client: "found" / "created" / "placed" (found in another branch, placed in this one)
    status: str
    from_branch_id: int | None = None


class PlacedOut(BaseModel):
    order: OrderOut
    branch: PlacedBranch
    client: PlacedThing
    site: PlacedThing


@router.post("/orders", status_code=201, response_model=PlacedOut)
def place_order(
    body: CallCentreOrderIn,
    actor: Actor = Depends(require(*CALL_CENTRE)),
    session: Session = DB,
) -> PlacedOut:
    """client_id or client {name, contact_person?, contact_phone?, inn?} (found by INN, else
    by name, in the routed branch); site_id or site {name, address, location}; the order's
    fields as POST /api/v1/orders takes them. 422 naming the field; nothing written then."""
    values = body.model_dump(exclude={"client", "site"})
    data = callcentre.CallCentreOrder(
        **values,
        client=callcentre.NewClient(**body.client.model_dump()) if body.client else None,
        site=callcentre.NewSite(
            name=body.site.name, address=body.site.address, location=body.site.location.to_point()
        )
        if body.site
        else None,
    )
    placed = callcentre.place_order(session, actor=actor, data=data, now=now())
    return PlacedOut(
        # The caller's own read rules (dispatch/access): the call centre sees no worker's pay.
        order=OrderOut.of(placed.order, orders.order_state(session, placed.order), actor=actor),
        branch=PlacedBranch(
            id=placed.branch.id, code=placed.branch.code, name=placed.branch.name, how=placed.how
        ),
        client=PlacedThing(
            id=placed.client.id,
            name=placed.client.name,
            status=placed.client_is,
            from_branch_id=placed.client_from_branch_id,
        ),
        site=PlacedThing(id=placed.site.id, name=placed.site.name, status=placed.site_is),
    )
