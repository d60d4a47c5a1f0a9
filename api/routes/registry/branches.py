"""Branches: the head office opens them; managers tune their own branch's policy."""

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from api.deps import DB, EVERYONE_READERS, MANAGERS, require
from api.schemas.common import IdPath
from api.schemas.registry import BranchIn, BranchOut, BranchPatch
from core.tenancy import Actor
from dispatch.registry import service as registry

router = APIRouter(prefix="/api/v1/branches", tags=["branches"])


@router.post("", status_code=201, response_model=BranchOut)
def create_branch(
    body: BranchIn,
    actor: Actor = Depends(require("admin")),
    session: Session = DB,
) -> BranchOut:
    branch = registry.create_branch(
        session,
        actor=actor,
        code=body.code,
        name=body.name,
        timezone=body.timezone,
        center=body.center.to_point(),
        country=body.country,
        policy=body.policy.model_dump(exclude_unset=True) if body.policy else None,
        network=body.model_dump(exclude_unset=True, include=set(registry.NETWORK_FIELDS)),
    )
    return BranchOut.of(branch)


@router.get("", response_model=list[BranchOut])
def list_branches(
    actor: Actor = Depends(require(*EVERYONE_READERS)), session: Session = DB
) -> list[BranchOut]:
    return [BranchOut.of(b) for b in registry.list_branches(session, actor=actor)]


@router.get("/{branch_id}", response_model=BranchOut)
def get_branch(
    branch_id: IdPath, actor: Actor = Depends(require(*EVERYONE_READERS)), session: Session = DB
) -> BranchOut:
    return BranchOut.of(registry.get_branch(session, branch_id, actor=actor))


@router.patch("/{branch_id}", response_model=BranchOut)
def update_branch(
    branch_id: IdPath,
    body: BranchPatch,
    actor: Actor = Depends(require(*MANAGERS)),
    session: Session = DB,
) -> BranchOut:
    branch = registry.get_branch(session, branch_id, actor=actor, lock=True)
    changes = body.model_dump(exclude_unset=True, exclude={"center", "policy"})
    if body.center is not None:
        changes["center"] = body.center.to_point()
    if body.policy is not None:
        changes["policy"] = body.policy.model_dump(exclude_unset=True)
    return BranchOut.of(registry.update_branch(session, branch, actor=actor, changes=changes))
