"""The audit log, for those who answer for the base: admins (all), managers (their branch)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from api.deps import DB, MANAGER_READERS, require
from api.schemas.common import IdQuery
from core import audit
from core.tenancy import Actor

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])

MAX_ENTRY_ID = 2**63 - 1  # entries have bigint ids: a larger one was a 500 from the database
# Entities and actions are words like "worker" and "worker.read" (and never hold a NUL).
Word = Annotated[str | None, Query(max_length=60, pattern=r"^[\w.]+$")]


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    at: datetime
    actor_user_id: int | None
    actor: str
    action: str
    entity: str
    entity_ids: list[int]
    branch_id: int | None
    detail: dict


@router.get("", response_model=list[AuditOut])
def list_audit(
    entity: Word = None,
    entity_id: IdQuery = None,
    actor_user_id: IdQuery = None,
    action: Word = None,
    limit: int = Query(default=100, ge=1, le=1000),
    before_id: int | None = Query(
        default=None, ge=1, le=MAX_ENTRY_ID, description="page back from this entry"
    ),
    actor: Actor = Depends(require(*MANAGER_READERS)),
    session: Session = DB,
):
    return audit.search(
        session,
        visible=actor,
        entity=entity,
        entity_id=entity_id,
        actor_user_id=actor_user_id,
        action=action,
        limit=limit,
        before_id=before_id,
    )
