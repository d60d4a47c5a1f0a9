"""Response bodies of filling an order: its candidates, why a worker is not one, its
offers."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from dispatch.models import Offer


class CandidateOut(BaseModel):
    worker_id: int
    distance_m: float
    rating: float
    reliability: float
    score: float
    reason: str


# The words of each eligibility rule's code (dispatch/fill/eligibility.py), for API clients.
RULE_WORDS = {
    "inactive": "blocked in the registry",
    "not_vetted": "not vetted",
    "opted_out": "opted out of SMS",
    "phone_unreachable": "number unreachable",
    "suspended": "suspended",
    "paused": "paused offers by SMS (PAUSE)",
    "patent_expired": "work patent expired by the shift's day",
    "no_skill": "does not have the order's skill",
    "too_far": "lives outside the order's current search radius",
    "booked_elsewhere": "booked on another order at that time",
    "said_busy": "said by SMS they are busy that day (BUSY)",
    "blocked_by_client": "blocked by this client",
    "already_offered": "already offered this order",
}


class FailedRule(BaseModel):
    code: str
    text: str


class CandidateCheckOut(BaseModel):
    """Why a worker is or is not on an order's candidate list."""

    worker_id: int
    eligible: bool  # true: every rule passes; off the list only because others rank higher
    radius_m: int
    failed: list[FailedRule]

    @classmethod
    def of(cls, worker_id: int, radius_m: int, failed: list[str]) -> "CandidateCheckOut":
        return cls(
            worker_id=worker_id,
            eligible=not failed,
            radius_m=radius_m,
            failed=[FailedRule(code=code, text=RULE_WORDS[code]) for code in failed],
        )


class OfferOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    order_id: int
    worker_id: int
    status: str
    wave: int
    rank: int
    distance_m: float
    score: float
    answered_at: datetime | None
    answer_source: str | None

    @classmethod
    def of(cls, offer: Offer, rough: tuple[float, float] | None = None) -> "OfferOut":
        """rough: (distance_m, score) when the reader may not see the worker's home."""
        out = cls.model_validate(offer)
        if rough is not None:
            out.distance_m, out.score = rough
        return out
