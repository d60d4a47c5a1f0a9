"""The call centre places an order for a site anywhere in the network: the branch is routed
from the site's location (dispatch/network/areas.py's rule), the client and the site are found
or created in that branch, and the order is taken by the existing create_order use-case with
an actor acting for the branch, so every rule of an order applies (the client's agreed rates,
approval, overbooking). The branch is told: its managers and dispatchers by SMS (tell.py), its
board lists the call centre's orders of the last day (told_orders) from their audit rows
(`order.create` with via "call_centre").

All of it flushes in the request's one transaction: a refusal anywhere writes nothing."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.audit import AuditEntry
from core.errors import FieldRequired, InvalidInput
from core.tenancy import Actor
from dispatch.intake.errors import ClientInnDiffers, SiteNotTheClients
from dispatch.intake.tell import tell_branch
from dispatch.models import Branch, Client, Order, Site
from dispatch.network.areas import Routed, route
from dispatch.orders.service import OrderInput, create_order
from dispatch.registry.clients import check_inn, clean_name, create_client, get_client
from dispatch.registry.service import get_branch
from dispatch.registry.sites import create_site, get_site
from geo.points import Point

VIA = "call_centre"
# The client's details copied when a client of another branch is placed in the routed one.
COPIED = ("contact_person", "contact_phone", "inn", "kpp", "ogrn", "legal_address")


@dataclass(frozen=True)
class NewClient:
    name: str
    contact_person: str | None = None
    contact_phone: str | None = None
    inn: str | None = None


@dataclass(frozen=True)
class NewSite:
    name: str
    address: str
    location: Point


@dataclass(frozen=True)
class CallCentreOrder:
    skill: str
    headcount: int
    starts_at: datetime
    ends_at: datetime
    client_id: int | None = None
    client: NewClient | None = None
    site_id: int | None = None
    site: NewSite | None = None
    client_rate: Decimal | None = None
    worker_rate: Decimal | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Placed:
    order: Order
    branch: Branch
    how: str  # "area" / "nearest"
    client: Client
    client_is: str  # "found" / "created" / "placed" (a client of another branch, copied here)
    site: Site
    site_is: str  # "found" / "created"
    client_from_branch_id: int | None = None  # "placed": the branch it was found in


def _one_of(given_id: int | None, given: object, field: str) -> None:
    if given_id is None and given is None:
        raise FieldRequired(field, f"{field}_id or {field} is required")
    if given_id is not None and given is not None:
        raise InvalidInput(field, f"either {field}_id or {field}, not both")


def _find(session: Session, branch_id: int, *, inn: str | None, name: str) -> Client | None:
    """The branch's client with this INN, else of this name: a name match with another INN is
    another company (ClientInnDiffers, the operator decides)."""
    base = select(Client).where(Client.branch_id == branch_id).order_by(Client.id).limit(1)
    if inn:
        found = session.scalars(base.where(Client.inn == inn)).first()
        if found is not None:
            return found
    named = session.scalars(base.where(func.lower(Client.name) == name.lower())).first()
    if named is not None and inn and named.inn and named.inn != inn:
        raise ClientInnDiffers(named.name, named.inn)
    return named


def _client(
    session: Session, actor: Actor, data: CallCentreOrder, branch: Branch
) -> tuple[Client, str, int | None]:
    if data.client_id is not None:
        source = get_client(session, data.client_id, actor=actor)
        if source.branch_id == branch.id:
            return source, "found", None
        found = _find(session, branch.id, inn=source.inn, name=source.name)
        if found is not None:
            return found, "found", None
        details = {field: getattr(source, field) for field in COPIED}
        copy = create_client(
            session, actor=actor, branch_id=branch.id, name=source.name, details=details
        )
        return copy, "placed", source.branch_id
    assert data.client is not None
    name = clean_name(data.client.name)
    inn = _inn(data.client.inn)
    found = _find(session, branch.id, inn=inn, name=name)
    if found is not None:
        return found, "found", None
    elsewhere = _find_elsewhere(session, inn)
    details = {
        "contact_person": data.client.contact_person,
        "contact_phone": data.client.contact_phone,
        "inn": inn,
    }
    created = create_client(session, actor=actor, branch_id=branch.id, name=name, details=details)
    if elsewhere is not None:
        return created, "placed", elsewhere
    return created, "created", None


def _inn(raw: str | None) -> str | None:
    if not raw or not raw.strip():
        return None
    try:
        return check_inn(raw)
    except InvalidInput as error:
        error.loc = ("body", "client", "inn")  # the field as the request named it
        raise


def _find_elsewhere(session: Session, inn: str | None) -> int | None:
    """The branch of a client with this INN elsewhere in the network (the lowest id)."""
    if not inn:
        return None
    query = select(Client.branch_id).where(Client.inn == inn).order_by(Client.id).limit(1)
    return session.scalars(query).first()


def _site(
    session: Session, actor: Actor, client: Client, known: Site | None, wanted: NewSite
) -> tuple[Site, str]:
    """known: the site_id's site, kept when it is the client's; else the client's site of the
    same name, else a new one (a site of another branch's client is placed under this one)."""
    if known is not None and known.client_id == client.id:
        return known, "found"
    name = " ".join(wanted.name.split())
    query = select(Site).where(Site.client_id == client.id, func.lower(Site.name) == name.lower())
    found = session.scalars(query.order_by(Site.id).limit(1)).first()
    if found is not None:
        return found, "found"
    site = create_site(
        session,
        actor=actor,
        client_id=client.id,
        name=name,
        address=wanted.address,
        location=wanted.location,
    )
    return site, "created"


def place_order(session: Session, *, actor: Actor, data: CallCentreOrder, now: datetime) -> Placed:
    """Route, find or create the client and the site in the routed branch, take the order."""
    _one_of(data.client_id, data.client, "client")
    _one_of(data.site_id, data.site, "site")
    known = None
    if data.site_id is not None:
        known = get_site(session, data.site_id, actor=actor)
        if data.client_id is not None and known.client_id != data.client_id:
            raise SiteNotTheClients()
        wanted = NewSite(known.name, known.address, Point.from_db(known.location))
    else:
        assert data.site is not None
        wanted = data.site
    routed: Routed = route(session, wanted.location)
    branch = get_branch(session, routed.branch_id, actor=actor)
    client, client_is, from_branch = _client(session, actor, data, branch)
    if known is not None and data.client is not None and known.client_id != client.id:
        raise SiteNotTheClients()  # a typed client's site_id must be the client found
    site, site_is = _site(session, actor, client, known, wanted)
    for_branch = replace(actor, branch_id=branch.id, role="dispatcher")
    order = create_order(
        session,
        actor=for_branch,
        data=OrderInput(
            site_id=site.id,
            skill=data.skill,
            headcount=data.headcount,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            client_rate=data.client_rate,
            worker_rate=data.worker_rate,
            via=VIA,
        ),
        now=now,
    )
    if data.notes and data.notes.strip():
        order.notes = data.notes.strip()
        session.flush()
    tell_branch(session, order=order, branch=branch, client=client, site=site)
    audit.log(
        session,
        actor,
        "call_centre.order",
        "order",
        [order.id],
        branch.id,
        code=order.code,
        how=routed.how,
        client=client_is,
        site=site_is,
        **({"client_from_branch": from_branch} if from_branch else {}),
    )
    return Placed(order, branch, routed.how, client, client_is, site, site_is, from_branch)


@dataclass(frozen=True)
class Told:
    order_id: int
    code: str
    at: datetime
    by: str  # the call-centre user


def told_orders(session: Session, actor: Actor, *, now: datetime) -> list[Told]:
    """The call centre's orders of the last day, newest first, of the branches the reader sees
    (an owner: their organisation's; an admin: every branch's)."""
    query = (
        select(AuditEntry)
        .where(
            AuditEntry.action == audit.fixed(audit.ORDER_CREATE),  # ix_audit_log_orders_made
            AuditEntry.detail["via"].astext == VIA,
            AuditEntry.at >= now - timedelta(days=1),
        )
        .where(actor.branch_filter(AuditEntry.branch_id))
        .order_by(AuditEntry.id.desc())
        .limit(50)
    )
    return [
        Told(e.entity_ids[0], str(e.detail.get("code", "")), e.at, e.actor)
        for e in session.scalars(query)
    ]


def from_call_centre(session: Session, orders: list[Order]) -> set[int]:
    """Which of these orders the call centre placed (the board's badge). Their audit rows are
    read by the orders' ids (indexed) from the oldest order's creation on (the row and the
    order are written in one transaction, so its `at` is the order's created_at)."""
    if not orders:
        return set()
    since = min(order.created_at for order in orders) - timedelta(minutes=1)
    query = select(AuditEntry.entity_ids).where(
        AuditEntry.at >= since,
        AuditEntry.action == audit.ORDER_CREATE,
        AuditEntry.detail["via"].astext == VIA,
        audit.naming(audit.ORDER, [order.id for order in orders]),
    )  # the orders shown: already the reader's
    return {ids[0] for (ids,) in session.execute(query)}
