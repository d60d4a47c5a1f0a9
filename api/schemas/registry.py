"""Request and response bodies of the registry: branches and their knobs, clients and
their block lists, sites, workers, staff accounts, a branch's wording of its texts."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model

from api.schemas.common import Body, Id, Money, Patch, PointIO, Reason, fields_of
from api.schemas.network.bodies import BranchNetworkIn, BranchNetworkOut
from dispatch.enums import ROLES
from dispatch.models import Branch, Site
from dispatch.registry.knobs import KNOBS
from dispatch.registry.sites import CONTACT_NAME_MAX, CONTACT_PHONE_TYPED_MAX
from dispatch.registry.wording import Wording
from workers.enums import WorkerStatus
from workers.models import Language, Worker
from workers.phones import Region


def _knob_field(name: str):
    knob = KNOBS[name]
    kind: Any = Literal[knob.choices] if knob.choices else knob.type
    if knob.blank is not None:
        kind = kind | None  # null: the knob's blank (e.g. 0, never)
    return (kind, Field(default=None, ge=knob.ge, le=knob.le, description=knob.doc))


# Built from the one table of knobs, so bounds and docs are never written twice.
PolicyIn = create_model("PolicyIn", __base__=Body, **{name: _knob_field(name) for name in KNOBS})

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{2,16}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Country = Region


class BranchIn(BranchNetworkIn):
    code: Code
    name: Name
    timezone: str = Field(examples=["Europe/Moscow"])
    center: PointIO
    country: Country = "RU"
    policy: PolicyIn | None = None


class BranchPatch(BranchNetworkIn):
    code: Patch[Code] = None
    name: Patch[Name] = None
    timezone: Patch[str] = None
    center: Patch[PointIO] = None
    country: Patch[Country] = None
    policy: Patch[PolicyIn] = None


class BranchOut(BranchNetworkOut):
    id: int
    code: str
    name: str
    timezone: str
    country: str
    center: PointIO
    policy: dict[str, Any]

    @classmethod
    def of(cls, branch: Branch) -> "BranchOut":
        policy = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in branch.policy.items()}
        return cls(
            id=branch.id,
            code=branch.code,
            name=branch.name,
            timezone=branch.timezone,
            country=branch.country,
            center=PointIO.of(branch.center),
            policy=policy,
            **BranchNetworkOut.values(branch),
        )


Short = Annotated[str, StringConstraints(max_length=40)]
Line = Annotated[str, StringConstraints(max_length=200)]
Address = Annotated[str, StringConstraints(max_length=500)]
Notes = Annotated[str, StringConstraints(max_length=2000)]


class ClientDetails(Body):
    """A client's optional details: null or "" clears one. INN (10 or 12 digits), KPP (9: 4
    digits, 2 digits or capital Latin letters, 3 digits) and OGRN (13) or OGRNIP (15) are
    checked with their check digits; the contact phone is parsed as a worker's (E.164)."""

    contact_person: Line | None = None
    contact_phone: Short | None = Field(default=None, examples=["8 921 123-45-67"])
    inn: Short | None = Field(default=None, examples=["7707083893"])
    kpp: Short | None = Field(default=None, examples=["773601001"])
    ogrn: Short | None = Field(default=None, examples=["1027700132195"])
    legal_address: Address | None = None
    notes: Notes | None = None


class ClientIn(ClientDetails):
    branch_id: Id
    name: Name


class ClientPatch(ClientDetails):
    name: Patch[Name] = None


class ClientOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    branch_id: int
    name: str
    contact_person: str | None = None
    contact_phone: str | None = None
    inn: str | None = None
    kpp: str | None = None
    ogrn: str | None = None
    legal_address: str | None = None
    notes: str | None = None


class SiteIn(Body):
    client_id: Id
    name: Name
    address: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    location: PointIO
    geofence_m: int | None = Field(default=None, ge=50, le=5000)
    foreman_id: Id | None = None  # the foreman who runs this site's orders
    # Whom the client has on site: the quality SMS goes there (else the client's contact).
    contact_name: str | None = Field(default=None, max_length=CONTACT_NAME_MAX)
    contact_phone: str | None = Field(
        default=None, max_length=CONTACT_PHONE_TYPED_MAX, examples=["+79211234567"]
    )


class SitePatch(Body):
    name: Patch[Name] = None
    address: Patch[Annotated[str, StringConstraints(min_length=1, max_length=300)]] = None
    location: Patch[PointIO] = None
    geofence_m: Patch[int] = Field(default=None, ge=50, le=5000)
    foreman_id: Id | None = None  # null unassigns
    contact_name: str | None = Field(default=None, max_length=CONTACT_NAME_MAX)  # null/"" clears
    contact_phone: str | None = Field(default=None, max_length=CONTACT_PHONE_TYPED_MAX)


class SiteOut(BaseModel):
    id: int
    client_id: int
    name: str
    address: str
    location: PointIO
    geofence_m: int
    foreman_id: int | None = None
    contact_name: str | None = None
    contact_phone: str | None = None  # E.164

    @classmethod
    def of(cls, site: Site) -> "SiteOut":
        return cls(
            id=site.id,
            client_id=site.client_id,
            name=site.name,
            address=site.address,
            location=PointIO.of(site.location),
            geofence_m=site.geofence_m,
            foreman_id=site.foreman_id,
            contact_name=site.contact_name,
            contact_phone=site.contact_phone,
        )


class WorkerIn(Body):
    full_name: Name
    phone: str = Field(examples=["8 921 123-45-67", "+79211234567"])
    home: PointIO
    skills: list[str] = Field(min_length=1, max_length=20, examples=[["loader", "mover"]])
    branch_id: Id
    language: Language = "ru"
    vetted: bool = False


class WorkerPatch(Body):
    full_name: Patch[Name] = None
    phone: Patch[str] = None
    home: Patch[PointIO] = None
    skills: Patch[list[str]] = Field(default=None, min_length=1, max_length=20)
    branch_id: Patch[Id] = None
    language: Patch[Language] = None
    # Refused (422 vetted_by_vetting, status_by_block): changed only by their acts,
    # POST /workers/{id}/vetting, /block, /unblock.
    vetted: Patch[bool] = None
    status: Patch[Literal["active", "blocked"]] = None


class WorkerOut(BaseModel):
    id: int
    full_name: str
    phone: str
    home: PointIO
    skills: list[str]
    branch_id: int
    language: str
    vetted: bool
    # Its members, not the enum: the OpenAPI document keeps the values inline.
    status: Literal[
        WorkerStatus.ACTIVE, WorkerStatus.SUSPENDED, WorkerStatus.OPTED_OUT, WorkerStatus.BLOCKED
    ]
    suspended_until: datetime | None
    rating: Decimal
    reliability: Decimal
    strikes: int
    phone_unreachable: bool  # the SMS provider refused the number; fixing the phone clears it
    distance_m: float | None = None

    @classmethod
    def of(cls, worker: Worker, at: datetime, distance_m: float | None = None) -> "WorkerOut":
        return cls(
            id=worker.id,
            full_name=worker.full_name,
            phone=worker.phone,
            home=PointIO.of(worker.home),
            skills=worker.skills,
            branch_id=worker.branch_id,
            language=worker.language,
            vetted=worker.vetted,
            status=worker.shown_status(at),
            suspended_until=worker.suspended_until,
            rating=worker.rating,
            reliability=worker.reliability,
            strikes=worker.strikes,
            phone_unreachable=worker.phone_invalid,
            distance_m=None if distance_m is None else round(distance_m, 1),
        )


class Rejected(BaseModel):
    row: int
    field: str | None
    msg: str
    code: str  # the error's stable code (API.md: errors), e.g. "phone_invalid"


class ImportReportOut(BaseModel):
    created: int
    updated: int
    rejected: list[Rejected]
    dry_run: bool


class BlockIn(Body):
    worker_id: Id
    reason: Reason


class BlockOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    client_id: int
    worker_id: int
    reason: str
    created_at: datetime


class FavouriteIn(Body):
    worker_id: Id


class FavouriteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    client_id: int
    worker_id: int
    created_at: datetime


# The roles from their one list (the users' CHECK): an enum in the OpenAPI schema, and a role
# outside it a 422 naming the field, as a Literal written out would give.
Role: Any = Literal[ROLES]


class UserIn(Body):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=10, max_length=200)]
    role: Role
    branch_id: Id | None = None
    full_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    phone: Annotated[str, StringConstraints(max_length=32)] | None = None  # a mobile, any form
    organisation_id: Id | None = None  # an owner's (and only an owner's)


class UserPatch(Body):
    """A staff member's contact: a field sent blank or null removes it; one not sent stays."""

    full_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    phone: Annotated[str, StringConstraints(max_length=32)] | None = None


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    role: str
    branch_id: int | None
    active: bool
    password_change_required: bool
    organisation_id: int | None = None
    full_name: str | None = None
    phone: str | None = None


class OneTimePassword(BaseModel):
    password: str  # shown once; the user must change it at the next sign-in


class WordingIn(Body):
    body: Annotated[str, StringConstraints(min_length=1, max_length=1000)]


# A text as the branch words it: the fields of dispatch/registry/wording.py's Wording.
# fields_of builds the base at run time from the dataclass: mypy cannot follow it (misc).
class WordingOut(fields_of(Wording)):  # type: ignore[misc]
    pass


# --- clients as users: a client's own users, API keys and agreed rates (issue 18) ---------


class ClientUserIn(Body):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=10, max_length=200)]
    full_name: Annotated[str, StringConstraints(max_length=200)]
    phone: Annotated[str, StringConstraints(max_length=30)] | None = None
    client_admin: bool = False


class ClientUserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    role: str
    branch_id: int | None
    client_id: int | None
    client_admin: bool
    active: bool
    full_name: str | None = None
    phone: str | None = None


class ApiKeyIn(Body):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]


class ApiKeyOut(BaseModel):
    """A key as listed: never the key itself (it is kept only hashed)."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    client_id: int
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class NewApiKey(ApiKeyOut):
    key: str = Field(description="shown once, here; only its hash is kept")


class RateIn(Body):
    skill: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    client_rate: Money
    worker_rate: Money


class RateOut(BaseModel):
    skill: str
    client_rate: Decimal
    worker_rate: Decimal | None = None  # left out for a client (dispatch/access/prices.py)
