"""Staff accounts: admins add anyone, managers their branch's dispatchers, foremen and
recruiters, owners their branches' managers."""

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from api.deps import DB, MANAGERS, USER_KEEPERS, require
from api.idempotency import shown_once
from api.schemas.common import IdPath
from api.schemas.registry import OneTimePassword, UserIn, UserOut, UserPatch
from core.tenancy import Actor
from dispatch.registry import accounts, staff

router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.post("", status_code=201, response_model=UserOut)
def create_user(
    body: UserIn,
    actor: Actor = Depends(require(*USER_KEEPERS)),
    session: Session = DB,
):
    return staff.create_user(
        session,
        actor=actor,
        username=body.username,
        password=body.password,
        role=body.role,
        branch_id=body.branch_id,
        full_name=body.full_name,
        phone=body.phone,
        organisation_id=body.organisation_id,
    )


@router.get("", response_model=list[UserOut])
def list_users(actor: Actor = Depends(require(*USER_KEEPERS)), session: Session = DB):
    return staff.list_users(session, actor=actor)


@router.patch("/{user_id}", response_model=UserOut)
def edit_user(
    user_id: IdPath,
    body: UserPatch,
    actor: Actor = Depends(require(*USER_KEEPERS)),
    session: Session = DB,
):
    """Their full name and phone (a field not sent stays as it is; null removes it)."""
    changes = body.model_dump(exclude_unset=True)
    return accounts.edit_contact(session, actor=actor, user_id=user_id, changes=changes)


@router.post("/{user_id}/revoke-tokens", status_code=204, response_class=Response)
def revoke_tokens(
    user_id: IdPath, actor: Actor = Depends(require(*MANAGERS)), session: Session = DB
) -> Response:
    """Every token the user holds stops working at once (a lost phone, someone who left)."""
    staff.revoke_tokens(session, user_id, actor=actor)
    return Response(status_code=204)


@router.post("/{user_id}/deactivate", status_code=204, response_class=Response)
def deactivate(
    user_id: IdPath, actor: Actor = Depends(require(*USER_KEEPERS)), session: Session = DB
) -> Response:
    """Someone who left: they cannot sign in, and every token and console session they hold
    ends at once. Never the last active admin (409)."""
    accounts.deactivate(session, actor=actor, user_id=user_id)
    return Response(status_code=204)


@router.post("/{user_id}/activate", status_code=204, response_class=Response)
def activate(
    user_id: IdPath, actor: Actor = Depends(require(*USER_KEEPERS)), session: Session = DB
) -> Response:
    """They may sign in again (with a fresh sign-in: their old tokens stay void)."""
    accounts.activate(session, actor=actor, user_id=user_id)
    return Response(status_code=204)


@router.post("/{user_id}/one-time-password", response_model=OneTimePassword)
@shown_once
def one_time_password(
    user_id: IdPath, actor: Actor = Depends(require(*USER_KEEPERS)), session: Session = DB
) -> OneTimePassword:
    """A random password, shown once, that the user must change at their next sign-in; every
    session they hold ends."""
    password = accounts.set_password(session, actor=actor, user_id=user_id, one_time=True)
    return OneTimePassword(password=password)
