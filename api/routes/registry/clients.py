"""Clients of a branch: their details, block lists and favourites."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from api.deps import CLIENT_DESK, CLIENT_DESK_READERS, CLIENT_LOOKERS, DB, OFFICE, require
from api.schemas.common import IdPath, IdQuery
from api.schemas.registry import (
    BlockIn,
    BlockOut,
    ClientIn,
    ClientOut,
    ClientPatch,
    FavouriteIn,
    FavouriteOut,
)
from core.tenancy import Actor
from dispatch.registry import clients as registry

router = APIRouter(prefix="/api/v1/clients", tags=["clients"])


@router.post("", status_code=201, response_model=ClientOut)
def create_client(
    body: ClientIn,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
):
    details = body.model_dump(exclude={"branch_id", "name"}, exclude_unset=True)
    return registry.create_client(
        session, actor=actor, branch_id=body.branch_id, name=body.name, details=details
    )


@router.get("", response_model=list[ClientOut])
def list_clients(
    branch_id: IdQuery = None,
    q: Annotated[str | None, Query(max_length=200, description="part of the name or INN")] = None,
    actor: Actor = Depends(require(*CLIENT_LOOKERS)),
    session: Session = DB,
):
    return registry.list_clients(session, actor=actor, branch_id=branch_id, search=q)


@router.get("/{client_id}", response_model=ClientOut)
def get_client(
    client_id: IdPath,
    actor: Actor = Depends(require(*CLIENT_LOOKERS)),
    session: Session = DB,
):
    return registry.get_client(session, client_id, actor=actor)


@router.patch("/{client_id}", response_model=ClientOut)
def update_client(
    client_id: IdPath,
    body: ClientPatch,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
):
    client = registry.get_client(session, client_id, actor=actor)
    changes = body.model_dump(exclude_unset=True)
    return registry.update_client(session, client, actor=actor, changes=changes)


@router.get("/{client_id}/blocks", response_model=list[BlockOut])
def list_blocks(
    client_id: IdPath,
    actor: Actor = Depends(require(*CLIENT_DESK_READERS)),
    session: Session = DB,
):
    return registry.list_blocks(session, actor=actor, client_id=client_id)


@router.post("/{client_id}/blocks", status_code=201, response_model=BlockOut)
def block_worker(
    client_id: IdPath,
    body: BlockIn,
    actor: Actor = Depends(require(*CLIENT_DESK)),
    session: Session = DB,
):
    return registry.block_worker(
        session, actor=actor, client_id=client_id, worker_id=body.worker_id, reason=body.reason
    )


@router.delete("/{client_id}/blocks/{worker_id}", status_code=204)
def unblock_worker(
    client_id: IdPath,
    worker_id: IdPath,
    actor: Actor = Depends(require(*CLIENT_DESK)),
    session: Session = DB,
) -> Response:
    registry.unblock_worker(session, actor=actor, client_id=client_id, worker_id=worker_id)
    return Response(status_code=204)


@router.get("/{client_id}/favourites", response_model=list[FavouriteOut])
def list_favourites(
    client_id: IdPath,
    actor: Actor = Depends(require(*CLIENT_DESK_READERS)),
    session: Session = DB,
):
    return registry.list_favourites(session, actor=actor, client_id=client_id)


@router.post("/{client_id}/favourites", status_code=201, response_model=FavouriteOut)
def add_favourite(
    client_id: IdPath,
    body: FavouriteIn,
    actor: Actor = Depends(require(*CLIENT_DESK)),
    session: Session = DB,
):
    """A worker the client asked for again: offered first when eligible. 409
    favourite_blocked while the client blocks them; blocking a favourite removes it."""
    return registry.add_favourite(
        session, actor=actor, client_id=client_id, worker_id=body.worker_id
    )


@router.delete("/{client_id}/favourites/{worker_id}", status_code=204)
def remove_favourite(
    client_id: IdPath,
    worker_id: IdPath,
    actor: Actor = Depends(require(*CLIENT_DESK)),
    session: Session = DB,
) -> Response:
    registry.remove_favourite(session, actor=actor, client_id=client_id, worker_id=worker_id)
    return Response(status_code=204)
