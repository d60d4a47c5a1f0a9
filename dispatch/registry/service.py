"""Use-cases for branches, clients, sites and client block lists; branch-scoped reads."""

from collections.abc import Sequence
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import select
from sqlalchemy.orm import Session, immediateload, joinedload
from sqlalchemy.orm.interfaces import ORMOption

from core import audit
from core.db import flush_checked
from core.errors import FieldRequired, InvalidInput, ReasonRequired
from core.tenancy import Actor
from dispatch.enums import NOT_CLOSED
from dispatch.models import Branch, Client, ClientBlock, Order, Site
from dispatch.registry.errors import (
    BranchNotFound,
    ClientNotFound,
    DuplicateName,
    HeadOfficeOnly,
    SiteNotFound,
)
from dispatch.registry.knobs import DEFAULTS, merge_policy
from dispatch.registry.staff import check_foreman
from geo.points import Point
from workers.errors import WorkerNotFound
from workers.phones import REGIONS

_TIMEZONES = frozenset(available_timezones())


def _flush_unique(session: Session, obj: Any, field: str, value: str) -> None:
    flush_checked(session, obj, on_unique=DuplicateName(field, value))


def _check_timezone(timezone: str) -> str:
    if timezone not in _TIMEZONES:
        raise InvalidInput("timezone", f"{timezone!r} is not a known IANA timezone")
    return timezone


def _check_country(country: str) -> str:
    if country not in REGIONS:
        raise InvalidInput("country", f"country must be one of {', '.join(REGIONS)}")
    return country


# --- branches ---------------------------------------------------------------------------


def create_branch(
    session: Session,
    *,
    actor: Actor,
    code: str,
    name: str,
    timezone: str,
    center: Point,
    country: str = "RU",
    policy: dict[str, Any] | None = None,
) -> Branch:
    if actor.branch_id is not None:
        raise HeadOfficeOnly("only the head office opens branches")
    knobs = merge_policy(DEFAULTS, policy or {})
    branch = Branch(
        code=code.upper(),
        name=name.strip(),
        timezone=_check_timezone(timezone),
        country=_check_country(country),
        center=center.to_db(),
        **knobs,
    )
    _flush_unique(session, branch, "code", code)
    audit.log(
        session, actor, "branch.create", "branch", [branch.id], branch.id, policy=_plain(knobs)
    )
    return branch


def update_branch(session: Session, branch: Branch, *, actor: Actor, changes: dict) -> Branch:
    changes = dict(changes)
    policy_changes = changes.pop("policy", None) or {}
    if "timezone" in changes:
        _check_timezone(changes["timezone"])
    if "country" in changes:
        _check_country(changes["country"])
    if "center" in changes:
        changes["center"] = changes["center"].to_db()
    if "code" in changes:
        changes["code"] = changes["code"].upper()
    for key, value in {**changes, **merge_policy(branch.policy, policy_changes)}.items():
        setattr(branch, key, value)
    _flush_unique(session, branch, "code", branch.code)
    audit.log(
        session,
        actor,
        "branch.update",
        "branch",
        [branch.id],
        branch.id,
        fields=sorted(changes),
        policy=_plain(policy_changes),
    )
    return branch


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v if isinstance(v, int | str | float | bool) else str(v)) for k, v in values.items()
    }


def get_branch(session: Session, branch_id: int, *, actor: Actor, lock: bool = False) -> Branch:
    if not actor.sees_branch(branch_id):
        raise BranchNotFound(branch_id)
    query = select(Branch).where(Branch.id == branch_id)
    branch = session.scalars(query.with_for_update(key_share=True) if lock else query).one_or_none()
    if branch is None:
        raise BranchNotFound(branch_id)
    return branch


def list_branches(session: Session, *, actor: Actor) -> list[Branch]:
    query = select(Branch).order_by(Branch.code)
    if actor.branch_id is not None:
        query = query.where(Branch.id == actor.branch_id)
    return list(session.scalars(query))


# --- clients ----------------------------------------------------------------------------


def create_client(session: Session, *, actor: Actor, branch_id: int, name: str) -> Client:
    get_branch(session, branch_id, actor=actor)
    clean = " ".join(name.split())
    if not clean:
        raise FieldRequired("name", "name is required")
    client = Client(branch_id=branch_id, name=clean)
    _flush_unique(session, client, "name", clean)
    audit.log(session, actor, "client.create", "client", [client.id], branch_id)
    return client


def update_client(session: Session, client: Client, *, actor: Actor, name: str) -> Client:
    clean = " ".join(name.split())
    if not clean:
        raise FieldRequired("name", "name is required")
    client.name = clean
    _flush_unique(session, client, "name", clean)
    audit.log(session, actor, "client.update", "client", [client.id], client.branch_id)
    return client


def get_client(
    session: Session, client_id: int, *, actor: Actor, options: Sequence[ORMOption] = ()
) -> Client:
    """options: the relationships the caller walks (they are lazy="raise")."""
    query = select(Client).where(Client.id == client_id).options(*options)
    if actor.branch_id is not None:
        query = query.where(Client.branch_id == actor.branch_id)
    client = session.scalars(query).one_or_none()
    if client is None:
        raise ClientNotFound(client_id)
    return client


def list_clients(session: Session, *, actor: Actor, branch_id: int | None = None) -> list[Client]:
    query = select(Client).order_by(Client.name)
    if actor.branch_id is not None:
        query = query.where(Client.branch_id == actor.branch_id)
    if branch_id is not None:
        query = query.where(Client.branch_id == branch_id)
    return list(session.scalars(query))


# --- sites ------------------------------------------------------------------------------


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
) -> Site:
    client = get_client(session, client_id, actor=actor, options=[immediateload(Client.branch)])
    branch = client.branch
    check_foreman(session, foreman_id, branch.id)
    for field, value in (("name", name), ("address", address)):
        if not value.strip():
            raise FieldRequired(field, f"{field} is required")
    site = Site(
        client_id=client.id,
        name=name.strip(),
        address=address.strip(),
        location=location.to_db(),
        geofence_m=geofence_m or branch.geofence_m,
        foreman_id=foreman_id,
    )
    session.add(site)
    session.flush()
    audit.log(session, actor, "site.create", "site", [site.id], client.branch_id)
    return site


def update_site(session: Session, site: Site, *, actor: Actor, changes: dict) -> Site:
    """The site as get_site(..., options=SITE_CLIENT) gives it: with its client."""
    for field in ("name", "address"):
        if field in changes and not changes[field].strip():
            raise FieldRequired(field, f"{field} is required")
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
            select(Order.id).where(Order.site_id == site.id, Order.status.in_(NOT_CLOSED))
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


def _sites_query(actor: Actor):
    query = select(Site).join(Client, Client.id == Site.client_id)
    if actor.branch_id is not None:
        query = query.where(Client.branch_id == actor.branch_id)
    return query


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


def list_sites(session: Session, *, actor: Actor, client_id: int | None = None) -> list[Site]:
    query = _sites_query(actor).order_by(Site.id)
    if client_id is not None:
        query = query.where(Site.client_id == client_id)
    return list(session.scalars(query))


# --- client block lists -----------------------------------------------------------------


def block_worker(
    session: Session, *, actor: Actor, client_id: int, worker_id: int, reason: str
) -> ClientBlock:
    """The client will not get this worker again; blocking twice is a no-op (the PK decides)."""
    client = get_client(session, client_id, actor=actor)
    if not reason.strip():
        raise ReasonRequired("reason", "a reason is required")
    block = ClientBlock(
        client_id=client.id, worker_id=worker_id, reason=reason.strip(), created_by=actor.user_id
    )
    existing = session.get(ClientBlock, (client.id, worker_id))
    if existing is not None:
        return existing
    flush_checked(
        session,
        block,
        on_foreign_key=WorkerNotFound(worker_id),
        on_unique=DuplicateName("worker_id", str(worker_id)),
    )
    audit.log(
        session,
        actor,
        "client.block_worker",
        "worker",
        [worker_id],
        client.branch_id,
        client_id=client.id,
        reason=block.reason,
    )
    return block


def unblock_worker(session: Session, *, actor: Actor, client_id: int, worker_id: int) -> None:
    client = get_client(session, client_id, actor=actor)
    block = session.get(ClientBlock, (client.id, worker_id))
    if block is None:
        raise WorkerNotFound(worker_id)
    session.delete(block)
    session.flush()
    audit.log(
        session,
        actor,
        "client.unblock_worker",
        "worker",
        [worker_id],
        client.branch_id,
        client_id=client.id,
    )


def list_blocks(session: Session, *, actor: Actor, client_id: int) -> list[ClientBlock]:
    client = get_client(session, client_id, actor=actor)
    query = select(ClientBlock).where(ClientBlock.client_id == client.id)
    return list(session.scalars(query.order_by(ClientBlock.created_at)))
