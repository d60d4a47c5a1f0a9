"""The SMS log: what was sent to and received from workers of the caller's branch."""

from typing import Literal

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from api.deps import DB, OFFICE_READERS, worker_reader
from api.schemas.common import IdQuery
from api.schemas.texts import MessageOut
from core.tenancy import Actor
from dispatch.texts import messaging

router = APIRouter(prefix="/api/v1/messages", tags=["messages"])


@router.get("", response_model=list[MessageOut])
def list_messages(
    order_id: IdQuery = None,
    worker_id: IdQuery = None,
    direction: Literal["in", "out"] | None = None,
    limit: int = Query(default=200, ge=1, le=1000),
    actor: Actor = Depends(worker_reader(*OFFICE_READERS)),  # workers' phones: a worker read
    session: Session = DB,
):
    return messaging.list_messages(
        session,
        actor=actor,
        order_id=order_id,
        worker_id=worker_id,
        direction=direction,
        limit=limit,
    )
