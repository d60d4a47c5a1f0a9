"""Clients of a branch and their block lists."""

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from api.deps import DB, OFFICE, require
from api.schemas.common import IdPath, IdQuery
from api.schemas.registry import BlockIn, BlockOut, ClientIn, ClientOut, ClientPatch
from core.tenancy import Actor
from dispatch.registry import service as registry

router = APIRouter(prefix="/api/v1/clients", tags=["clients"])


@router.post("", status_code=201, response_model=ClientOut)
def create_client(
    body: ClientIn,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
):
    return registry.create_client(session, actor=actor, branch_id=body.branch_id, name=body.name)


@router.get("", response_model=list[ClientOut])
def list_clients(
    branch_id: IdQuery = None,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
):
    return registry.list_clients(session, actor=actor, branch_id=branch_id)


@router.get("/{client_id}", response_model=ClientOut)
def get_client(
    client_id: IdPath,
    actor: Actor = Depends(require(*OFFICE)),
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
    return registry.update_client(session, client, actor=actor, name=body.name)


@router.get("/{client_id}/blocks", response_model=list[BlockOut])
def list_blocks(
    client_id: IdPath,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
):
    return registry.list_blocks(session, actor=actor, client_id=client_id)


@router.post("/{client_id}/blocks", status_code=201, response_model=BlockOut)
def block_worker(
    client_id: IdPath,
    body: BlockIn,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
):
    return registry.block_worker(
        session, actor=actor, client_id=client_id, worker_id=body.worker_id, reason=body.reason
    )


@router.delete("/{client_id}/blocks/{worker_id}", status_code=204)
def unblock_worker(
    client_id: IdPath,
    worker_id: IdPath,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
) -> Response:
    registry.unblock_worker(session, actor=actor, client_id=client_id, worker_id=worker_id)
    return Response(status_code=204)
