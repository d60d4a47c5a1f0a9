"""Request and response bodies of the network's business (dispatch/network, dispatch/intake):
organisations, a branch's network fields, the routing preview, the call-centre order."""

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from api.schemas.common import Body, Id, Money, Patch, PointIO
from dispatch.models import Branch
from dispatch.network.areas import area_geojson
from dispatch.network.formats import suggest_format
from dispatch.network.models import Organisation
from dispatch.network.organisations import BranchOf
from geo.points import Point

Text = Annotated[str, StringConstraints(max_length=500)]
OrgName = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Kind = Literal["own", "franchisee"]
Format = Literal["200-600k", "600k-1M", "capital"]


class OrganisationIn(Body):
    name: OrgName
    kind: Kind
    royalty_rate: Decimal = Field(examples=["0.06"])  # 0 <= r < 1: checked by the domain


class OrganisationPatch(Body):
    name: Patch[OrgName] = None
    kind: Patch[Kind] = None
    royalty_rate: Patch[Decimal] = None


class OrganisationBranch(BaseModel):
    id: int
    code: str
    name: str


class OrganisationOut(BaseModel):
    id: int
    name: str
    kind: str
    royalty_rate: str  # "0.0600"
    branches: list[OrganisationBranch] = []

    @classmethod
    def of(cls, org: Organisation, branches: list[BranchOf] | None = None) -> "OrganisationOut":
        return cls(
            id=org.id,
            name=org.name,
            kind=org.kind,
            royalty_rate=str(org.royalty_rate),
            branches=[
                OrganisationBranch(id=b.id, code=b.code, name=b.name) for b in branches or []
            ],
        )


class BranchNetworkIn(Body):
    """A branch's network fields: null or "" clears one. area: a GeoJSON Polygon
    ([longitude, latitude] points, closed, not self-intersecting); vat_rate a share (0.22),
    null: no VAT. inn/kpp/ogrn are checked with their check digits, bik 9 digits, the
    accounts 20. A manager may change the area only; the rest is the head office's."""

    brand: Text | None = None
    format: Format | None = None
    organisation_id: Id | None = None
    area: dict[str, Any] | None = Field(
        default=None,
        examples=[{"type": "Polygon", "coordinates": [[[30, 59], [31, 59], [31, 60], [30, 59]]]}],
    )
    legal_name: Text | None = None
    inn: Text | None = None
    kpp: Text | None = None
    ogrn: Text | None = None
    legal_address: Text | None = None
    bank_name: Text | None = None
    bik: Text | None = None
    bank_account: Text | None = None
    correspondent_account: Text | None = None
    vat_rate: Decimal | None = None


class BranchNetworkOut(BaseModel):
    brand: str | None = None
    format: str | None = None
    suggested_format: str | None = None  # from the city nearest the centre (network/formats.py)
    suggested_from: str | None = None  # that city
    organisation_id: int | None = None
    area: dict[str, Any] | None = None
    legal_name: str | None = None
    inn: str | None = None
    kpp: str | None = None
    ogrn: str | None = None
    legal_address: str | None = None
    bank_name: str | None = None
    bik: str | None = None
    bank_account: str | None = None
    correspondent_account: str | None = None
    vat_rate: str | None = None

    @staticmethod
    def values(branch: Branch) -> dict[str, Any]:
        suggestion = suggest_format(Point.from_db(branch.center))
        return {
            "brand": branch.brand,
            "format": branch.format,
            "suggested_format": suggestion.format,
            "suggested_from": suggestion.city,
            "organisation_id": branch.organisation_id,
            "area": area_geojson(branch.area),
            **{
                f: getattr(branch, f)
                for f in (
                    "legal_name",
                    "inn",
                    "kpp",
                    "ogrn",
                    "legal_address",
                    "bank_name",
                    "bik",
                    "bank_account",
                    "correspondent_account",
                )
            },
            "vat_rate": None if branch.vat_rate is None else str(branch.vat_rate),
        }


class FormatSuggestionOut(BaseModel):
    format: str
    city: str
    population: int


class RouteOut(BaseModel):
    branch_id: int
    branch_code: str
    branch_name: str
    how: Literal["area", "nearest"]


class NewClient(Body):
    name: OrgName
    contact_person: Annotated[str, StringConstraints(max_length=200)] | None = None
    contact_phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    inn: Annotated[str, StringConstraints(max_length=20)] | None = None


class NewSite(Body):
    name: OrgName
    address: Text
    location: PointIO


class CallCentreOrderIn(Body):
    """The client: client_id (an existing one, in any branch) or client (found by INN, else by
    name, in the routed branch; else created there). The site: site_id or site (found by name
    under the client, else created). The branch is the routed one for the site's location."""

    client_id: Id | None = None
    client: NewClient | None = None
    site_id: Id | None = None
    site: NewSite | None = None
    skill: str = Field(examples=["loader"])
    headcount: int = Field(ge=1, le=500, strict=True)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    client_rate: Money | None = None
    worker_rate: Money | None = None
    notes: Annotated[str, StringConstraints(max_length=2000)] | None = None
