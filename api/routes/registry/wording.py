"""A branch's wording of its SMS texts: managers adjust, dispatchers read."""

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from api.deps import DB, MANAGERS, OFFICE_READERS, require
from api.schemas.common import IdPath
from api.schemas.registry import WordingIn, WordingOut
from core.tenancy import Actor
from dispatch.registry import wording

router = APIRouter(prefix="/api/v1/branches/{branch_id}/texts", tags=["branches"])


@router.get("", response_model=list[WordingOut])
def list_texts(
    branch_id: IdPath, actor: Actor = Depends(require(*OFFICE_READERS)), session: Session = DB
):
    return [
        WordingOut(**vars(w))
        for w in wording.list_wording(session, actor=actor, branch_id=branch_id)
    ]


@router.put("/{kind}/{language}", response_model=WordingOut)
def set_text(
    branch_id: IdPath,
    kind: str,
    language: str,
    body: WordingIn,
    actor: Actor = Depends(require(*MANAGERS)),
    session: Session = DB,
):
    """Saved only if it uses this text's fields and, for an offer, fits two segments."""
    saved = wording.set_wording(
        session, actor=actor, branch_id=branch_id, kind=kind, language=language, body=body.body
    )
    return WordingOut(**vars(saved))


@router.delete("/{kind}/{language}", status_code=204)
def reset_text(
    branch_id: IdPath,
    kind: str,
    language: str,
    actor: Actor = Depends(require(*MANAGERS)),
    session: Session = DB,
) -> Response:
    wording.reset_wording(session, actor=actor, branch_id=branch_id, kind=kind, language=language)
    return Response(status_code=204)
