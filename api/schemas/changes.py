"""Bodies of an order changed once placed: a named worker booked, a top-up."""

from pydantic import BaseModel, Field

from api.schemas.common import Body, Id
from dispatch.changes.topup import MAX_TOP_UP, ToppedUp


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
