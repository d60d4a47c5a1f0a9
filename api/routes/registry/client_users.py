"""A client's own side of the registry: its users, its API keys and the rates agreed with it."""

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from api.deps import CLIENT_DESK_READERS, DB, MANAGERS, OFFICE, require
from api.idempotency import shown_once
from api.schemas.common import IdPath
from api.schemas.registry import (
    ApiKeyIn,
    ApiKeyOut,
    ClientUserIn,
    ClientUserOut,
    NewApiKey,
    RateIn,
    RateOut,
)
from core.clock import now
from core.tenancy import Actor
from dispatch.access.prices import shown_money
from dispatch.enums import CLIENT, OWNER
from dispatch.rates import agreed as client_rates
from dispatch.registry.client_side import keys as client_keys
from dispatch.registry.client_side import users as client_users

router = APIRouter(prefix="/api/v1/clients", tags=["clients as users"])
# The client's admin, or the branch's managers and admins (the domain tells a client admin
# from a plain client user: dispatch/registry/client_side/users.py keeps_client).
KEEPERS = (*MANAGERS, CLIENT)
KEEPER_READERS = (*KEEPERS, OWNER)  # an owner reads their branches' clients' users and keys


@router.post("/{client_id}/users", status_code=201, response_model=ClientUserOut)
def create_client_user(
    client_id: IdPath,
    body: ClientUserIn,
    actor: Actor = Depends(require(*KEEPERS)),
    session: Session = DB,
):
    """A user of the client (role `client`), of the client's branch; a client admin adds only
    their own client's users, never staff."""
    return client_users.create_client_user(
        session, actor=actor, client_id=client_id, **body.model_dump()
    )


@router.get("/{client_id}/users", response_model=list[ClientUserOut])
def list_client_users(
    client_id: IdPath, actor: Actor = Depends(require(*KEEPER_READERS)), session: Session = DB
):
    return client_users.list_client_users(session, actor=actor, client_id=client_id)


@router.delete("/{client_id}/users/{user_id}", status_code=204, response_class=Response)
def remove_client_user(
    client_id: IdPath,
    user_id: IdPath,
    actor: Actor = Depends(require(*KEEPERS)),
    session: Session = DB,
) -> Response:
    """Switches the client's user off: every session of theirs ends. A client keeps at least
    one active admin: switching off its last is 409 `last_client_admin`."""
    client_users.remove_client_user(session, actor=actor, client_id=client_id, user_id=user_id)
    return Response(status_code=204)


@router.post("/{client_id}/api-keys", status_code=201, response_model=NewApiKey)
@shown_once
def create_api_key(
    client_id: IdPath,
    body: ApiKeyIn,
    actor: Actor = Depends(require(*KEEPERS)),
    session: Session = DB,
):
    """The key is in this answer only: send it as `X-API-Key`; it acts as a user of the client."""
    row, key = client_keys.create_key(
        session, actor=actor, client_id=client_id, name=body.name, now=now()
    )
    return NewApiKey(**ApiKeyOut.model_validate(row).model_dump(), key=key)


@router.get("/{client_id}/api-keys", response_model=list[ApiKeyOut])
def list_api_keys(
    client_id: IdPath, actor: Actor = Depends(require(*KEEPER_READERS)), session: Session = DB
):
    return client_keys.list_keys(session, actor=actor, client_id=client_id)


@router.delete("/{client_id}/api-keys/{key_id}", status_code=204, response_class=Response)
def revoke_api_key(
    client_id: IdPath,
    key_id: IdPath,
    actor: Actor = Depends(require(*KEEPERS)),
    session: Session = DB,
) -> Response:
    client_keys.revoke_key(session, actor=actor, client_id=client_id, key_id=key_id, now=now())
    return Response(status_code=204)


def _rates_out(actor: Actor, rows) -> list[RateOut]:
    shown = shown_money(actor, ("client_rate", "worker_rate"))
    return [
        RateOut(
            skill=row.skill,
            client_rate=row.client_rate,
            worker_rate=row.worker_rate if "worker_rate" in shown else None,
        )
        for row in rows
    ]


@router.get("/{client_id}/rates", response_model=list[RateOut], response_model_exclude_none=True)
def list_rates(
    client_id: IdPath, actor: Actor = Depends(require(*CLIENT_DESK_READERS)), session: Session = DB
):
    """The rates agreed with the client per skill; a client sees its own side (client_rate)."""
    return _rates_out(actor, client_rates.list_rates(session, actor=actor, client_id=client_id))


@router.put("/{client_id}/rates", response_model=list[RateOut], response_model_exclude_none=True)
def replace_rates(
    client_id: IdPath,
    body: list[RateIn],
    actor: Actor = Depends(require(*OFFICE)),  # who of the office: the card's rule (403)
    session: Session = DB,
):
    """The client's rates become exactly these; an order placed without rates takes them."""
    agreed = [client_rates.AgreedRate(r.skill, r.client_rate, r.worker_rate) for r in body]
    rows = client_rates.replace_rates(session, actor=actor, client_id=client_id, rates=agreed)
    return _rates_out(actor, rows)
