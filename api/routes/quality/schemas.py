"""Request and response bodies of the clients' crew ratings and the dispatcher's cases."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, StringConstraints

from api.schemas.common import Body
from dispatch.quality.cases import ReviewLine


class ReviewOut(BaseModel):
    order_id: int
    order_code: str
    client: str
    site: str
    phone: str  # the contact asked, masked: the office has the whole number on the site's page
    asked_at: datetime
    score: int | None
    comment: str | None
    answered_at: datetime | None
    case: str | None  # "open", "closed", or None: no case
    case_opened_at: datetime | None
    case_closed_at: datetime | None
    case_note: str | None

    @classmethod
    def of(cls, line: ReviewLine) -> "ReviewOut":
        r = line.review
        case = None if r.case_opened_at is None else "open" if line.case_open else "closed"
        return cls(
            order_id=r.order_id,
            order_code=line.order_code,
            client=line.client,
            site=line.site,
            phone=line.phone,
            asked_at=r.asked_at,
            score=r.score,
            comment=r.comment,
            answered_at=r.answered_at,
            case=case,
            case_opened_at=r.case_opened_at,
            case_closed_at=r.case_closed_at,
            case_note=r.case_note,
        )


class CloseCaseIn(Body):
    note: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
