"""Sites: where a client's work happens (a point, an address for the SMS, a check-in geofence
and the usual foreman); branch-scoped reads."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, immediateload, joinedload
from sqlalchemy.orm.interfaces import ORMOption

from core import audit
from core.errors import FieldRequired, check_length
from core.tenancy import Actor
from dispatch.enums import LIVE_OR_AWAITING
from dispatch.models import Branch, Client, Order, Site, User
from dispatch.registry.client_side.tenancy import of_their_client
from dispatch.registry.clients import get_client
from dispatch.registry.errors import SiteNotFound
from dispatch.registry.staff import check_foreman
from geo.points import Point
from workers.phones import to_e164

# The sites table's columns.
LONGEST = {"name": 200, "address": 300}
CONTACT_NAME_MAX = 200
CONTACT_PHONE_TYPED_MAX = 40  # as typed; stored in E.164


CONTACT = ("contact_name", "contact_phone")


def clean_contact(
    contact: dict[str, Any], *, country: str, named: tuple[str, str] = CONTACT
) -> dict[str, str | None]:
    """The site's contact as stored: trimmed, a blank one None (cleared), the phone in E.164
    (workers/phones.py's rule, the branch's country for a number without +country). The one
    rule for every path that writes it; `named` is what the caller's form calls the two fields
    (PUT /sites/{id}/contact says name and phone), so a refusal names the field it was sent as."""
    name_field, phone_field = named
    clean: dict[str, str | None] = {}
    if "contact_name" in contact:
        name = " ".join((contact["contact_name"] or "").split())
        clean["contact_name"] = check_length(name_field, name, CONTACT_NAME_MAX) or None
    if "contact_phone" in contact:
        typed = (contact["contact_phone"] or "").strip()
        check_length(phone_field, typed, CONTACT_PHONE_TYPED_MAX)
        clean["contact_phone"] = to_e164(typed, country, field=phone_field) if typed else None
    return clean


def _check_texts(texts: dict[str, Any]) -> None:
    """A name and an address filled in and fitting their columns; the first refusal raised."""
    for field, longest in LONGEST.items():
        if field in texts:
            if not texts[field].strip():
                raise FieldRequired(field, f"{field} is required")
            check_length(field, texts[field].strip(), longest)


def create_site(
    session: Session,
    *,
    actor: Actor,
    client_id: int,
    name: str,
    address: str,
    location: Point,
    geofence_m: int | None = None,
    foreman_id: int | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
) -> Site:
    client = get_client(session, client_id, actor=actor, options=[immediateload(Client.branch)])
    branch = client.branch
    check_foreman(session, foreman_id, branch.id)
    _check_texts({"name": name, "address": address})
    contact = clean_contact(
        {"contact_name": contact_name, "contact_phone": contact_phone}, country=branch.country
    )
    site = Site(
        client_id=client.id,
        name=name.strip(),
        address=address.strip(),
        location=location.to_db(),
        geofence_m=geofence_m or branch.geofence_m,
        foreman_id=foreman_id,
        **contact,
    )
    session.add(site)
    session.flush()
    audit.log(session, actor, "site.create", "site", [site.id], client.branch_id)
    return site


def update_site(session: Session, site: Site, *, actor: Actor, changes: dict[str, Any]) -> Site:
    """The site as get_site(..., options=SITE_CLIENT) gives it: with its client."""
    _check_texts(changes)
    if "contact_name" in changes or "contact_phone" in changes:
        branch = session.get_one(Branch, site.client.branch_id)
        changes = {**changes, **clean_contact(changes, country=branch.country)}
    moved_to: Point | None = changes.get("location")
    if moved_to is not None:
        changes = {**changes, "location": moved_to.to_db()}
    if changes.get("foreman_id") is not None:
        check_foreman(session, changes["foreman_id"], site.client.branch_id)
    moved_from = Point.from_db(site.location)
    for key, value in changes.items():
        setattr(site, key, value)
    session.flush()
    client = site.client
    audit.log(
        session, actor, "site.update", "site", [site.id], client.branch_id, fields=sorted(changes)
    )
    if moved_to is not None and moved_to != moved_from:
        _audit_move(session, actor, site, client.branch_id, moved_from, moved_to)
    return site


def _audit_move(
    session: Session, actor: Actor, site: Site, branch_id: int, old: Point, new: Point
) -> None:
    """A site with live orders that moves changes how far its candidates live: moving it back
    and forth is how homes were located, so each such move is audited, both places named."""
    live = sorted(
        session.scalars(
            select(Order.id).where(Order.site_id == site.id, Order.status.in_(LIVE_OR_AWAITING))
        )
    )
    if live:
        audit.log(
            session,
            actor,
            "site.move",
            "site",
            [site.id],
            branch_id,
            old={"lat": old.lat, "lon": old.lon},
            new={"lat": new.lat, "lon": new.lon},
            live_orders=live,
        )


def _sites_query(actor: Actor) -> Select[Site]:
    query = select(Site).join(Client, Client.id == Site.client_id)
    query = query.where(actor.branch_filter(Client.branch_id))
    return of_their_client(query, actor, Site.client_id)


# A site with its client (a get by key: none when the client is already in the session), and
# one with its client's branch too, joined: a chain of gets stops at a row already in the
# session, a join reaches through it. The relationships are lazy="raise".
SITE_CLIENT = (immediateload(Site.client),)
SITE_BRANCH = (joinedload(Site.client).joinedload(Client.branch),)


def get_site(
    session: Session, site_id: int, *, actor: Actor, options: Sequence[ORMOption] = ()
) -> Site:
    """options: the relationships the caller walks, e.g. SITE_CLIENT."""
    query = _sites_query(actor).where(Site.id == site_id).options(*options)
    site = session.scalars(query).one_or_none()
    if site is None:
        raise SiteNotFound(site_id)
    return site


def list_sites(
    session: Session,
    *,
    actor: Actor,
    client_id: int | None = None,
    branch_id: int | None = None,
    options: Sequence[ORMOption] = (),
) -> list[Site]:
    """The sites the actor sees; branch_id narrows them to one branch (another's: none)."""
    query = _sites_query(actor).order_by(Site.id).options(*options)
    if client_id is not None:
        query = query.where(Site.client_id == client_id)
    if branch_id is not None:
        query = query.where(Client.branch_id == branch_id)
    return list(session.scalars(query))


def foremen(session: Session, branch_id: int) -> list[User]:
    """The branch's active foremen: whom a site may name as its usual foreman."""
    query = select(User).where(
        User.role == "foreman", User.branch_id == branch_id, User.active.is_(True)
    )
    return list(session.scalars(query.order_by(User.full_name, User.id)))
