"""Bodies of an order changed once placed (PATCH /api/v1/orders/{id}), a named worker booked,
a top-up."""

from pydantic import AwareDatetime, BaseModel, Field

from api.schemas.common import Body, Id, Money, Patch
from dispatch.changes.topup import MAX_TOP_UP, ToppedUp

NOTES_MAX = 1000  # dispatch/changes/patch.py checks it again for the console


class OrderPatch(Body):
    """Any of these; a field left out stays. foreman_id null: the site's foreman runs it;
    notes null or blank: none."""

    headcount: Patch[int] = Field(default=None, ge=1, le=500, strict=True)
    starts_at: Patch[AwareDatetime] = None
    ends_at: Patch[AwareDatetime] = None
    client_rate: Patch[Money] = Field(default=None, examples=["260.00"])
    worker_rate: Patch[Money] = Field(default=None, examples=["130.00"])
    foreman_id: Id | None = None
    notes: str | None = Field(default=None, max_length=NOTES_MAX, examples=["Bring gloves"])
    # Why new rates differ from the rate card's (422 naming it when they do without one).
    rate_reason: str | None = Field(default=None, max_length=500)


class BookIn(Body):
    worker_id: Id
    # The order is full: book this worker beyond the booking target anyway (the dispatcher's
    # explicit choice); without it a full order answers 409 order_full.
    over_target: bool = False


class TopUpIn(Body):
    count: int = Field(ge=1, le=MAX_TOP_UP, strict=True)


class TopUpOut(BaseModel):
    order_id: int
    headcount: int
    booking_target: int
    wave: int
    radius_m: int
    offers: int  # offers the urgent wave made

    @classmethod
    def of(cls, done: ToppedUp) -> "TopUpOut":
        return cls(**done.__dict__)
