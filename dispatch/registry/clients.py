"""Clients of a branch: their contact and legal details, block lists and favourites.

A worker is never both blocked and a favourite of one client: favouriting a blocked worker is
refused (FavouriteBlocked: unblock first), and blocking a favourite takes them off the
favourites (the later, stronger word; the block's audit entry says so). Both take the
client's row lock first, so two such requests for one client run one after the other."""

import re
from collections.abc import Mapping, Sequence

from sqlalchemy import Select, delete, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

from core import audit
from core.db import flush_checked
from core.errors import FieldRequired, ReasonRequired, check_length
from core.tenancy import Actor
from dispatch.enums import OfferStatus
from dispatch.models import Client, ClientBlock, ClientFavourite, Offer, Order
from dispatch.registry.client_side.tenancy import of_their_client
from dispatch.registry.errors import (
    ClientNotFound,
    DuplicateName,
    FavouriteBlocked,
    FavouriteNotFound,
    InnInvalid,
    KppInvalid,
    OgrnInvalid,
    WorkerNotHad,
)
from dispatch.registry.service import get_branch
from workers.errors import WorkerNotFound
from workers.models import Worker
from workers.phones import to_e164

# Countries whose clients are texted in Russian until they choose (dispatch/hooks/contacts.py);
# elsewhere in English.
RUSSIAN = ("RU", "KZ", "BY", "KG", "UZ", "TJ", "AM", "AZ", "GE", "MD")

# The optional details and their longest stored text (dispatch/models.py's columns).
DETAILS: dict[str, int] = {
    "contact_person": 200,
    "contact_phone": 40,  # as typed; stored in E.164
    "inn": 20,
    "kpp": 20,
    "ogrn": 20,
    "legal_address": 500,
    "notes": 2000,
}
NAME_MAX = 200  # clients.name
LONGEST: dict[str, int] = {"name": NAME_MAX, **DETAILS}  # every field of a client's form
BLOCK_REASON_MAX = 1000  # as the API's Reason
# 4 digits (the tax office), 2 digits or capital Latin letters (the reason), 3 digits.
_KPP = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")


def check_inn(raw: str, field: str = "inn") -> str:
    """An INN: 10 digits (a company) or 12 (a sole trader or a person), check digits valid."""
    number = stdnum_inn.compact(raw)
    try:
        return stdnum_inn.validate(number)
    except InvalidChecksum:
        why = f"INN {number!r}: the check digits do not match"
        raise InnInvalid(field, why, "checksum") from None
    except ValidationError:
        raise InnInvalid(field, f"INN {number!r} is not 10 or 12 digits", "format") from None


def check_kpp(raw: str, field: str = "kpp") -> str:
    number = "".join(raw.split()).upper()
    if not _KPP.match(number):
        raise KppInvalid(field, f"KPP {number!r} is not 4 digits, 2 digits or letters, 3 digits")
    return number


def check_ogrn(raw: str, field: str = "ogrn") -> str:
    """An OGRN (13 digits) or an OGRNIP (15), its check digit valid.

    python-stdnum 2.2 takes an OGRNIP's check digit as the whole remainder mod 13, so one
    whose remainder is 10-12 never matches; the tax service's rule is that remainder's last
    digit. The library's own remainder is used, read by that rule."""
    number = stdnum_ogrn.compact(raw)
    try:
        return stdnum_ogrn.validate(number)
    except InvalidChecksum:
        if len(number) == 15 and number[-1] == stdnum_ogrn.calc_check_digit(number)[-1]:
            return number
        why = f"OGRN {number!r}: the check digit does not match"
        raise OgrnInvalid(field, why, "checksum") from None
    except ValidationError:
        raise OgrnInvalid(field, f"OGRN {number!r} is not 13 or 15 digits", "format") from None


def clean_details(details: Mapping[str, str | None], *, country: str) -> dict[str, str | None]:
    """The details as stored: trimmed, a blank one None (cleared), the phone in E.164, INN,
    KPP and OGRN checked. Raises the first field's error, in DETAILS order."""
    unknown = set(details) - set(DETAILS)
    if unknown:
        raise ValueError(f"unknown client details {sorted(unknown)}")
    clean: dict[str, str | None] = {}
    for field, longest in DETAILS.items():
        if field not in details:
            continue
        value = " ".join((details[field] or "").split()) if field != "notes" else details[field]
        value = (value or "").strip()
        check_length(field, value, longest)
        if not value:
            clean[field] = None
        elif field == "contact_phone":
            clean[field] = to_e164(value, country, field=field)
        elif field in CHECKS:
            clean[field] = CHECKS[field](value, field)
        else:
            clean[field] = value
    return clean


CHECKS = {"inn": check_inn, "kpp": check_kpp, "ogrn": check_ogrn}


def clean_name(name: str) -> str:
    """The name as stored: its spaces collapsed; FieldRequired if blank, TextTooLong if over
    NAME_MAX (the console's form asks this, as it asks clean_details, to name each field)."""
    clean = " ".join(name.split())
    if not clean:
        raise FieldRequired("name", "name is required")
    return check_length("name", clean, NAME_MAX)


def create_client(
    session: Session,
    *,
    actor: Actor,
    branch_id: int,
    name: str,
    details: Mapping[str, str | None] | None = None,
) -> Client:
    branch = get_branch(session, branch_id, actor=actor)
    clean = clean_name(name)
    checked = clean_details(details or {}, country=branch.country)
    language = "ru" if branch.country in RUSSIAN else "en"
    client = Client(branch_id=branch_id, name=clean, notify_language=language, **checked)
    flush_checked(session, client, on_unique=DuplicateName("name", clean))
    filled = sorted(field for field, value in checked.items() if value is not None)
    audit.log(session, actor, "client.create", "client", [client.id], branch_id, fields=filled)
    return client


def update_client(
    session: Session, client: Client, *, actor: Actor, changes: Mapping[str, str | None]
) -> Client:
    """changes: a new name and any details (None or blank clears a detail)."""
    changes = dict(changes)
    name = changes.pop("name", None)
    branch = get_branch(session, client.branch_id, actor=actor)
    checked: dict[str, str | None] = clean_details(changes, country=branch.country)
    if name is not None:
        checked["name"] = clean_name(name)
    changed = sorted(field for field, value in checked.items() if getattr(client, field) != value)
    for field in changed:
        setattr(client, field, checked[field])
    flush_checked(session, client, on_unique=DuplicateName("name", client.name))
    audit.log(
        session, actor, "client.update", "client", [client.id], client.branch_id, fields=changed
    )
    return client


def get_client(
    session: Session,
    client_id: int,
    *,
    actor: Actor,
    options: Sequence[ORMOption] = (),
    lock: bool = False,
) -> Client:
    """options: the relationships the caller walks (they are lazy="raise"). lock: the row
    locked for its block list and favourites (FOR NO KEY UPDATE: an order may still be
    placed for the client meanwhile)."""
    query = select(Client).where(Client.id == client_id).options(*options)
    query = query.where(actor.branch_filter(Client.branch_id))
    query = of_their_client(query, actor, Client.id)
    if lock:
        query = query.with_for_update(key_share=True)
    client = session.scalars(query).one_or_none()
    if client is None:
        raise ClientNotFound(client_id)
    return client


def list_clients(
    session: Session,
    *,
    actor: Actor,
    branch_id: int | None = None,
    search: str | None = None,
    limit: int | None = None,
) -> list[Client]:
    """By name; search: a part of the name (any case) or the start of the INN."""
    query = select(Client).order_by(Client.name)
    query = query.where(actor.branch_filter(Client.branch_id))
    query = of_their_client(query, actor, Client.id)
    if branch_id is not None:
        query = query.where(Client.branch_id == branch_id)
    words = " ".join((search or "").split())
    if words:
        pattern = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        by_name = Client.name.ilike(f"%{pattern}%", escape="\\")
        digits = words.replace(" ", "")
        query = query.where(
            or_(by_name, Client.inn.startswith(digits, autoescape=True))
            if digits.isdigit()
            else by_name
        )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


# --- client block lists -----------------------------------------------------------------


def had_offers(client_id: int) -> Select[Offer]:
    """The bookings on the client's orders (came, absent, or still to come): the workers a
    client "has had", whom its users may favour or block and its portal lists."""
    return (
        select(Offer)
        .join(Order, Order.id == Offer.order_id)
        .where(
            Order.client_id == client_id,
            or_(Offer.booked_at.is_not(None), Offer.status == OfferStatus.BOOKED),
        )
    )


def _check_had(session: Session, actor: Actor, client_id: int, worker_id: int) -> None:
    """A client user blocks or favours only workers it has had; the office, anyone."""
    if not actor.is_client:
        return
    had = had_offers(client_id).where(Offer.worker_id == worker_id)
    if session.scalar(had.with_only_columns(Offer.id).limit(1)) is None:
        raise WorkerNotHad(worker_id)


def block_worker(
    session: Session, *, actor: Actor, client_id: int, worker_id: int, reason: str
) -> ClientBlock:
    """The client will not get this worker again; blocking twice is a no-op (the PK decides).
    A favourite who is blocked stops being one."""
    client = get_client(session, client_id, actor=actor, lock=True)
    _check_had(session, actor, client.id, worker_id)
    if not reason.strip():
        raise ReasonRequired("reason", "a reason is required")
    check_length("reason", reason.strip(), BLOCK_REASON_MAX)
    existing = session.get(ClientBlock, (client.id, worker_id))
    if existing is not None:
        return existing
    block = ClientBlock(
        client_id=client.id, worker_id=worker_id, reason=reason.strip(), created_by=actor.user_id
    )
    flush_checked(
        session,
        block,
        on_foreign_key=WorkerNotFound(worker_id),
        on_unique=DuplicateName("worker_id", str(worker_id)),
    )
    unfavoured = session.execute(
        delete(ClientFavourite).where(
            ClientFavourite.client_id == client.id, ClientFavourite.worker_id == worker_id
        )
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
        was_favourite=bool(getattr(unfavoured, "rowcount", 0)),
    )
    return block


def unblock_worker(session: Session, *, actor: Actor, client_id: int, worker_id: int) -> None:
    client = get_client(session, client_id, actor=actor, lock=True)
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


# --- favourites -------------------------------------------------------------------------


def add_favourite(
    session: Session, *, actor: Actor, client_id: int, worker_id: int
) -> ClientFavourite:
    """A worker the client asked for again; twice is a no-op. Refused while blocked."""
    client = get_client(session, client_id, actor=actor, lock=True)
    _check_had(session, actor, client.id, worker_id)
    if session.get(ClientBlock, (client.id, worker_id)) is not None:
        raise FavouriteBlocked(worker_id)
    existing = session.get(ClientFavourite, (client.id, worker_id))
    if existing is not None:
        return existing
    favourite = ClientFavourite(client_id=client.id, worker_id=worker_id, created_by=actor.user_id)
    flush_checked(
        session,
        favourite,
        on_foreign_key=WorkerNotFound(worker_id),
        on_unique=DuplicateName("worker_id", str(worker_id)),
    )
    audit.log(
        session,
        actor,
        "client.favourite_add",
        "worker",
        [worker_id],
        client.branch_id,
        client_id=client.id,
    )
    return favourite


def remove_favourite(session: Session, *, actor: Actor, client_id: int, worker_id: int) -> None:
    client = get_client(session, client_id, actor=actor, lock=True)
    favourite = session.get(ClientFavourite, (client.id, worker_id))
    if favourite is None:
        raise FavouriteNotFound(worker_id)
    session.delete(favourite)
    session.flush()
    audit.log(
        session,
        actor,
        "client.favourite_remove",
        "worker",
        [worker_id],
        client.branch_id,
        client_id=client.id,
    )


def list_favourites(session: Session, *, actor: Actor, client_id: int) -> list[ClientFavourite]:
    client = get_client(session, client_id, actor=actor)
    query = select(ClientFavourite).where(ClientFavourite.client_id == client.id)
    return list(session.scalars(query.order_by(ClientFavourite.created_at)))


def favourite_ids(session: Session, client_id: int) -> list[int]:
    """The client's favourites' worker ids, for the matcher (no actor: a job asks)."""
    query = select(ClientFavourite.worker_id).where(ClientFavourite.client_id == client_id)
    return list(session.scalars(query.order_by(ClientFavourite.worker_id)))


def worker_id_of(session: Session, raw: str, *, country: str, field: str = "worker") -> int:
    """A worker named by their number (id) or phone, as a dispatcher types either."""
    text = raw.strip().lstrip("№#").strip()
    by_number = text.isdigit() and len(text) < 10
    if by_number:
        query = select(Worker.id).where(Worker.id == int(text))
    else:
        query = select(Worker.id).where(Worker.phone == to_e164(text, country, field=field))
    found = session.scalar(query)
    if found is None:
        raise WorkerNotFound(int(text) if by_number else 0)
    return found
