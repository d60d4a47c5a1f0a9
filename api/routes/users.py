"""Staff accounts: admins add anyone, managers add their branch's dispatchers and foremen."""

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from api.deps import DB, MANAGERS, IdPath, require
from api.schemas import UserIn, UserOut
from core.tenancy import Actor
from dispatch import staff

router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.post("", status_code=201, response_model=UserOut)
def create_user(
    body: UserIn,
    actor: Actor = Depends(require(*MANAGERS)),
    session: Session = DB,
):
    return staff.create_user(
        session,
        actor=actor,
        username=body.username,
        password=body.password,
        role=body.role,
        branch_id=body.branch_id,
    )


@router.get("", response_model=list[UserOut])
def list_users(actor: Actor = Depends(require(*MANAGERS)), session: Session = DB):
    return staff.list_users(session, actor=actor)


@router.post("/{user_id}/revoke-tokens", status_code=204, response_class=Response)
def revoke_tokens(
    user_id: IdPath, actor: Actor = Depends(require(*MANAGERS)), session: Session = DB
) -> Response:
    """Every token the user holds stops working at once (a lost phone, someone who left)."""
    staff.revoke_tokens(session, user_id, actor=actor)
    return Response(status_code=204)
