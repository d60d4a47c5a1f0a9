"""GET/PUT /api/v1/branches/{id}/rates: the branch's rate card (dispatch/rates/card.py).
Reading: the office; a reader who may not see the client's price gets none. Writing: the
branch's manager or an admin; the whole card at once, nothing written on a refusal (422
naming the row's field, e.g. ["body", 2, "night_pct"])."""

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy.orm import Session

from api.deps import DB, OFFICE_READERS, require
from api.schemas.common import Body, Id, IdPath, Money
from core.tenancy import Actor
from dispatch.access.prices import shown_money
from dispatch.enums import MANAGERS
from dispatch.rates import card

router = APIRouter(prefix="/api/v1/branches", tags=["branches"])


class CardRowIn(Body):
    skill: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    client_id: Id | None = None  # none: the branch's row; else that client's agreed rates
    client_rate: Money
    worker_rate: Money
    # 0..300 (checked by the card: the refusal names the row); the bound keeps ints sane
    night_pct: int = Field(default=0, le=100_000)
    holiday_pct: int = Field(default=0, le=100_000)
    min_hours: Decimal = Field(default=Decimal(0), max_digits=4, decimal_places=2)


class CardRowOut(BaseModel):
    skill: str
    client_id: int | None = None
    client_rate: Decimal | None  # null for a reader who may not see it
    worker_rate: Decimal
    night_pct: int
    holiday_pct: int
    min_hours: Decimal


def _out(actor: Actor, rows: list[card.CardRow]) -> list[CardRowOut]:
    shown = shown_money(actor, ("client_rate",))
    return [
        CardRowOut(
            skill=r.skill,
            client_id=r.client_id,
            client_rate=r.client_rate if shown else None,
            worker_rate=r.worker_rate,
            night_pct=r.night_pct,
            holiday_pct=r.holiday_pct,
            min_hours=r.min_hours,
        )
        for r in rows
    ]


@router.get("/{branch_id}/rates", response_model=list[CardRowOut])
def get_card(
    branch_id: IdPath, actor: Actor = Depends(require(*OFFICE_READERS)), session: Session = DB
):
    """The branch's rows (by skill), then its clients' rows (by client and skill)."""
    return _out(actor, card.get_card(session, actor=actor, branch_id=branch_id))


@router.put("/{branch_id}/rates", response_model=list[CardRowOut])
def replace_card(
    branch_id: IdPath,
    body: list[CardRowIn],
    actor: Actor = Depends(require(*MANAGERS)),
    session: Session = DB,
):
    """The card becomes exactly these rows (a client's rows too: its agreed rates)."""
    rows = [card.CardRow(**row.model_dump()) for row in body]
    return _out(actor, card.replace_card(session, actor=actor, branch_id=branch_id, rows=rows))
